package service

import (
	"context"
	"strings"

	"cqp/internal/domain"
	"cqp/internal/store"
)

// IdentityCorrection is a candidate's identity as the secretariat corrects it, on the proof of
// a civil-status document (Reason). NIR is optional: given, it replaces the recorded number
// (for an identity whose correction the recorded NIR no longer fits); empty, the recorded one
// stays and must still fit.
type IdentityCorrection struct {
	BirthName    string
	UsedName     string
	FirstNames   string
	BirthDate    domain.Date
	Sex          domain.Sex
	BirthINSEE   string
	BirthCity    string
	BirthCountry string
	Email        string
	NIR          string
	Reason       string
}

// CorrectCandidateIdentity corrects the civil identity of a recorded candidate: a typo in a
// name, a wrong birth date or birthplace, which the certificate and the declaration to the
// Caisse des Dépôts carry. The new identity is checked as at the creation, every error at once;
// the recorded NIR must still fit it, unless a corrected NIR is given. The audit trail keeps
// the changed fields before and after (the NIR only as « modifié ») and the proof given.
// Certificates already issued keep what they print: one with a wrong name is revoked and
// issued again. Declarations the Caisse des Dépôts rejected go back to « à déclarer ».
func (s *Service) CorrectCandidateIdentity(ctx context.Context, a domain.Actor, candidateID string, in IdentityCorrection) error {
	sc, err := candidateScope(a, ActCandidateIdentityCorrect)
	if err != nil {
		return err
	}
	return s.store.Write(ctx, func(q store.Q) error {
		old, err := q.Candidate(ctx, candidateID, sc)
		if err != nil {
			return err
		}
		if old.ErasedAt != nil {
			return domain.Errorf(domain.ECONFLICT, "Les données de cette personne ont été effacées : son identité ne se corrige plus.")
		}
		c := old
		c.BirthName, c.UsedName, c.FirstNames = strings.TrimSpace(in.BirthName), strings.TrimSpace(in.UsedName), strings.TrimSpace(in.FirstNames)
		c.BirthDate, c.Sex = in.BirthDate, in.Sex
		c.BirthINSEE, c.BirthCountry, c.BirthCity = in.BirthINSEE, in.BirthCountry, in.BirthCity
		c.NormalizeBirthPlace()
		c.Email = domain.NormalizeEmail(in.Email)
		newNIR := domain.NormalizeNIR(in.NIR)
		c.NIR = newNIR // checked by Validate when given; the recorded one is checked below
		fe := c.Validate(s.Today())
		c.NIR = old.NIR
		if newNIR != "" {
			c.NIR = newNIR
		} else if old.NIR != "" {
			if msg := domain.NIRProblem(old.NIR, c); msg != "" {
				fe.Add("nir", "Le NIR enregistré ne correspond plus à l'identité corrigée : "+msg+" Saisissez le NIR exact dans le champ « NIR corrigé », ou vérifiez la correction.")
			}
		}
		reason := strings.TrimSpace(in.Reason)
		if reason == "" {
			fe.Add("reason", "Indiquez la pièce qui justifie la correction : acte de naissance, carte d'identité, passeport…")
		} else {
			fe.CheckLine("reason", reason)
		}
		if err := fe.Err(); err != nil {
			return err
		}
		before, after := identityChanges(old, c)
		if len(after) == 0 {
			return nil
		}
		if err := q.UpdateCandidateIdentity(ctx, c); err != nil {
			return err
		}
		if err := s.reopenDeclarations(ctx, q, c.ID); err != nil {
			return err
		}
		return s.audit(ctx, q, a, change{Action: "candidate.identity_correct", EntityType: "candidate", EntityID: c.ID,
			CandidateID: c.ID, Before: before, After: after, Reason: reason})
	})
}

// identityChanges returns the identity fields that differ between old and c, before and after.
// The NIR appears only as « renseigné »/« absent » before and « modifié » after: the audit
// trail never holds the number.
func identityChanges(old, c domain.Candidate) (before, after map[string]string) {
	before, after = map[string]string{}, map[string]string{}
	was, is := identityOf(old), identityOf(c)
	was["birth_city"], is["birth_city"] = old.BirthCity, c.BirthCity
	delete(was, "nir")
	delete(is, "nir")
	for k, v := range is {
		if was[k] != v {
			before[k], after[k] = was[k], v
		}
	}
	if old.NIR != c.NIR {
		before["nir"], after["nir"] = "absent", "modifié"
		if old.NIR != "" {
			before["nir"] = "renseigné"
		}
	}
	return before, after
}
