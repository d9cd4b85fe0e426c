package web

import "cqp/internal/service"

// registerStatisticsRoutes registers what the branch (CPNEFP) and the secretariat read about the
// scheme as a whole (issue 12): the statistics page, filtered by its GET parameters.
func (s *Server) registerStatisticsRoutes() {
	s.handle("GET /statistiques", service.ActStatisticsRead, s.statisticsShow)
}
