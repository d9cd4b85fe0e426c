package web

// registerEvaluationRoutes registers the routes of this part of the formation route.
func (s *Server) registerEvaluationRoutes() {}
