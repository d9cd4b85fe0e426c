package web

import (
	"net/http"

	"cqp/internal/domain"
)

type candidatePage struct {
	Candidate domain.Candidate
	Timeline  []domain.AuditEntry
}

func (s *Server) candidateShow(w http.ResponseWriter, r *http.Request) error {
	ctx, a := r.Context(), actorFrom(r.Context())
	c, err := s.svc.Candidate(ctx, a, r.PathValue("id"))
	if err != nil {
		return err
	}
	timeline, err := s.svc.CandidateTimeline(ctx, a, c.ID)
	if err != nil {
		return err
	}
	s.render(w, r, http.StatusOK, "candidate_show.html", c.DisplayName(), candidatePage{Candidate: c, Timeline: timeline})
	return nil
}
