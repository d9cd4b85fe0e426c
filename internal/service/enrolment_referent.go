package service

import (
	"context"

	"cqp/internal/domain"
	"cqp/internal/store"
)

// SetCandidateReferent names the company referent (tutor) who follows a candidate's
// enrolments. The referent must hold the company referent role for the company of one of the
// candidate's enrolments; the candidate is looked up within the actor's scope.
func (s *Service) SetCandidateReferent(ctx context.Context, a domain.Actor, candidateID, referentUserID string) error {
	sc, err := candidateScope(a, ActCandidateUpdate)
	if err != nil {
		return err
	}
	return s.store.Write(ctx, func(q store.Q) error {
		c, err := q.Candidate(ctx, candidateID, sc)
		if err != nil {
			return err
		}
		u, err := q.UserByID(ctx, referentUserID)
		if domain.ErrorCode(err) == domain.ENOTFOUND {
			msg := "Ce compte n'existe pas."
			return &domain.Error{Code: domain.EINVALID, Message: msg, Fields: map[string]string{"referent": msg}}
		}
		if err != nil {
			return err
		}
		var before []string
		ok := false
		for _, e := range c.Enrolments {
			if e.ReferentUserID != "" && !contains(before, e.ReferentUserID) {
				before = append(before, e.ReferentUserID)
			}
			for _, r := range u.Roles {
				if r.Role == domain.RoleCompanyReferent && e.CompanyID != "" && r.ScopeID == e.CompanyID {
					ok = true
				}
			}
		}
		if !ok {
			msg := "« " + u.Name + " » n'est pas référent de l'entreprise où ce candidat est inscrit."
			return &domain.Error{Code: domain.EINVALID, Message: msg, Fields: map[string]string{"referent": msg}}
		}
		if err := q.SetEnrolmentReferent(ctx, c.ID, u.ID); err != nil {
			return err
		}
		return s.audit(ctx, q, a, change{Action: "enrolment.referent", EntityType: "candidate", EntityID: c.ID, CandidateID: c.ID,
			Before: map[string][]string{"referents": before}, After: map[string]string{"referent": u.ID, "name": u.Name}})
	})
}
