package service

import (
	"context"
	"strings"

	"cqp/internal/domain"
	"cqp/internal/store"
)

// juryOutcomes are the statuses only a jury deliberation gives; a training organisation may
// not set them.
var juryOutcomes = []domain.EnrolmentStatus{domain.StatusCertified, domain.StatusPartial, domain.StatusNotCertified}

// SetEnrolmentStatus moves one of a candidate's enrolments to a new status, records the change
// in the enrolment's history and in the audit trail. The candidate is looked up within the
// actor's scope, so an enrolment outside it is "not found". A withdrawal needs a reason; the
// jury's outcomes are set by the secretariat only.
func (s *Service) SetEnrolmentStatus(ctx context.Context, a domain.Actor, candidateID, enrolmentID string, status domain.EnrolmentStatus, reason string) (domain.Enrolment, error) {
	sc, err := candidateScope(a, ActCandidateUpdate)
	if err != nil {
		return domain.Enrolment{}, err
	}
	reason = strings.TrimSpace(reason)
	fe := domain.FieldErrors{}
	if !status.Valid() {
		fe.Add("status", "Choisissez un statut dans la liste.")
	}
	if status == domain.StatusWithdrawn && reason == "" {
		fe.Add("reason", "Indiquez la raison de l'abandon.")
	}
	if err := fe.Err(); err != nil {
		return domain.Enrolment{}, err
	}
	if AccessFor(a, ActCandidateUpdate) != AccessAll {
		for _, o := range juryOutcomes {
			if status == o {
				return domain.Enrolment{}, domain.Errorf(domain.EFORBIDDEN, "Le statut « %s » résulte de la délibération du jury : seul le secrétariat l'enregistre.", status.Label())
			}
		}
	}
	var e domain.Enrolment
	err = s.store.Write(ctx, func(q store.Q) error {
		c, err := q.Candidate(ctx, candidateID, sc)
		if err != nil {
			return err
		}
		found := false
		for _, x := range c.Enrolments {
			// A training organisation reaches only its own enrolments of the candidate.
			if x.ID == enrolmentID && (!sc.Restricted || len(sc.TrainingOrganisationIDs) == 0 || contains(sc.TrainingOrganisationIDs, x.TrainingOrganisationID)) {
				e, found = x, true
			}
		}
		if !found {
			return domain.Errorf(domain.ENOTFOUND, "Inscription introuvable.")
		}
		before := e.Status
		if before == status {
			return domain.Errorf(domain.ECONFLICT, "L'inscription est déjà au statut « %s ».", status.Label())
		}
		e.Status, e.UpdatedAt = status, s.Now()
		if err := q.SetEnrolmentStatus(ctx, newID(), e, reason, a.UserID); err != nil {
			return err
		}
		e.History = append(e.History, domain.StatusChange{Status: status, Reason: reason, At: e.UpdatedAt, ByName: a.Name})
		return s.audit(ctx, q, a, change{Action: "enrolment.status", EntityType: "enrolment", EntityID: e.ID, CandidateID: c.ID,
			Before: map[string]string{"status": string(before)}, After: map[string]string{"status": string(status)}, Reason: reason})
	})
	return e, err
}
