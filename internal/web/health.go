package web

import (
	"context"
	"net/http"
	"time"
)

// healthz answers 200 when the database is reachable, 503 otherwise. It reveals nothing else.
func (s *Server) healthz(w http.ResponseWriter, r *http.Request) error {
	ctx, cancel := context.WithTimeout(r.Context(), 2*time.Second)
	defer cancel()
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	if err := s.svc.Ping(ctx); err != nil {
		s.log.Warn("health check failed", "error", err)
		w.Header().Set("Retry-After", "5")
		w.WriteHeader(http.StatusServiceUnavailable)
		_, _ = w.Write([]byte("base de données injoignable\n"))
		return nil
	}
	_, _ = w.Write([]byte("ok\n"))
	return nil
}
