package web

// registerCertificateRoutes registers the routes of this part of the jury and certification.
func (s *Server) registerCertificateRoutes() {}
