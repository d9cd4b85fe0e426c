package service

import (
	"context"

	"cqp/internal/domain"
	"cqp/internal/store"
)

// SetCandidateNIR records a candidate's NIR, typed by the candidate on their own page or by the
// secretariat (from a call, a document). It is checked against the identity; the audit trail
// says only that it changed. An empty NIR is refused: a number once given is corrected, never
// removed.
func (s *Service) SetCandidateNIR(ctx context.Context, a domain.Actor, candidateID, nir string) error {
	sc, err := candidateScope(a, ActNIRWrite)
	if err != nil {
		return err
	}
	nir = domain.NormalizeNIR(nir)
	return s.store.Write(ctx, func(q store.Q) error {
		c, err := q.Candidate(ctx, candidateID, sc)
		if err != nil {
			return err
		}
		if c.ErasedAt != nil {
			return domain.Errorf(domain.ECONFLICT, "Les données de cette personne ont été effacées : son NIR n'est plus recueilli.")
		}
		if nir == "" {
			return fieldError("nir", "Indiquez le numéro de sécurité sociale : 15 caractères, clé comprise.")
		}
		if msg := domain.NIRProblem(nir, c); msg != "" {
			return fieldError("nir", msg)
		}
		if nir == c.NIR {
			return nil
		}
		return s.recordNIR(ctx, q, a, c, nir)
	})
}

// recordNIR records a checked NIR on candidate c inside the caller's transaction: the awards it
// blocked go back to declare, and the audit trail says only that it changed.
func (s *Service) recordNIR(ctx context.Context, q store.Q, a domain.Actor, c domain.Candidate, nir string) error {
	before := map[string]string{"nir": "absent"}
	if c.NIR != "" {
		before["nir"] = "renseigné"
	}
	c.NIR = nir
	if err := q.UpdateCandidateIdentity(ctx, c); err != nil {
		return err
	}
	if err := s.reopenDeclarations(ctx, q, c.ID); err != nil {
		return err
	}
	return s.audit(ctx, q, a, change{Action: "candidate.nir", EntityType: "candidate", EntityID: c.ID, CandidateID: c.ID,
		Before: before, After: map[string]string{"nir": "modifié"}})
}

// NIRIssue is a candidate holding an award whose NIR is missing or does not fit their identity.
type NIRIssue struct {
	Candidate domain.Candidate
	Problem   string
}

// NIRIssuesLimit bounds the list the secretariat reads at once.
const NIRIssuesLimit = 500

// NIRIssues lists the holders of a certificate or an attestation whose NIR is missing or fails
// the checks: their awards cannot be declared to the Caisse des Dépôts until it is fixed.
// total counts them all; the list holds the first NIRIssuesLimit, by name.
func (s *Service) NIRIssues(ctx context.Context, a domain.Actor) (issues []NIRIssue, total int, err error) {
	if err := Check(a, ActNIRRead); err != nil {
		return nil, 0, err
	}
	holders, err := s.store.Read().AwardHolders(ctx)
	if err != nil {
		return nil, 0, err
	}
	for _, c := range holders {
		problem := "NIR non renseigné."
		if c.NIR != "" {
			problem = domain.NIRProblem(c.NIR, c)
		}
		if problem == "" {
			continue
		}
		total++
		if len(issues) < NIRIssuesLimit {
			issues = append(issues, NIRIssue{Candidate: c, Problem: problem})
		}
	}
	return issues, total, nil
}
