package web

// registerVAEStaffRoutes registers the VAE pages of the secretariat, the reviewing training
// organisation, the company, the adviser and the commission.
func (s *Server) registerVAEStaffRoutes() {}
