package web

// registerActionRoutes registers the routes of this part of the formation route.
func (s *Server) registerActionRoutes() {}
