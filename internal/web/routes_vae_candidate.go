package web

// registerVAECandidateRoutes registers the pages where the candidate writes the admissibility
// file and the experience file, and uploads evidence.
func (s *Server) registerVAECandidateRoutes() {}
