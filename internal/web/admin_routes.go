package web

// registerAdminRoutes registers the secretariat's pages: frameworks, organisations,
// companies, accounts, audit trail and outbox.
func (s *Server) registerAdminRoutes() {}
