package service_test

import (
	"context"
	"strings"
	"testing"

	"cqp/internal/domain"
	"cqp/internal/service"
	"cqp/internal/store"
	"cqp/internal/store/storetest"
)

// correctionOf is c's identity as the correction form starts from it (without the NIR).
func correctionOf(c domain.Candidate, reason string) service.IdentityCorrection {
	return service.IdentityCorrection{BirthName: c.BirthName, UsedName: c.UsedName, FirstNames: c.FirstNames, BirthDate: c.BirthDate,
		Sex: c.Sex, BirthINSEE: c.BirthINSEE, BirthCity: c.BirthCity, BirthCountry: c.BirthCountry, Email: c.Email, Reason: reason}
}

func TestTheSecretariatCorrectsACandidatesIdentity(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		w := newActionWorld(t, st)
		svc := w.Service
		nir := validNIR("2950375056123") // a woman born in March 1995 in Paris, as candidate A
		if err := svc.SetCandidateNIR(ctx, w.secretariat, w.CandidateA, nir); err != nil {
			t.Fatal(err)
		}
		c, err := svc.Candidate(ctx, w.sys, w.CandidateA)
		if err != nil {
			t.Fatal(err)
		}

		t.Run("nobody but the secretariat corrects an identity", func(t *testing.T) {
			cand := w.Actor(t, w.Accounts[domain.RoleCandidate])
			for name, a := range map[string]domain.Actor{"OF": w.orgA, "company": w.companyA, "candidate": cand, "branch": w.branch} {
				in := correctionOf(c, "Acte de naissance")
				in.FirstNames = "Héloïse"
				if err := svc.CorrectCandidateIdentity(ctx, a, c.ID, in); domain.ErrorCode(err) != domain.EFORBIDDEN {
					t.Errorf("%s: %v", name, err)
				}
			}
		})

		t.Run("a correction without the proof that justifies it is refused", func(t *testing.T) {
			in := correctionOf(c, "  ")
			in.FirstNames = "Héloïse"
			if err := svc.CorrectCandidateIdentity(ctx, w.secretariat, c.ID, in); fieldOf(err, "reason") == "" {
				t.Fatalf("%v", err)
			}
		})

		t.Run("every field error comes at once", func(t *testing.T) {
			in := correctionOf(c, "")
			in.BirthName, in.FirstNames, in.Sex = "", strings.Repeat("a", 61), ""
			err := svc.CorrectCandidateIdentity(ctx, w.secretariat, c.ID, in)
			for _, f := range []string{"birth_name", "first_names", "sex", "reason"} {
				if fieldOf(err, f) == "" {
					t.Errorf("no message for %s: %v", f, err)
				}
			}
		})

		t.Run("a birth date the recorded NIR no longer fits is refused, saying so", func(t *testing.T) {
			in := correctionOf(c, "Acte de naissance")
			in.BirthDate = domain.NewDate(1996, 3, 14)
			err := svc.CorrectCandidateIdentity(ctx, w.secretariat, c.ID, in)
			if msg := fieldOf(err, "nir"); !strings.Contains(msg, "Le NIR enregistré ne correspond plus") {
				t.Fatalf("%v", err)
			}
			if got, _ := svc.Candidate(ctx, w.sys, c.ID); got.BirthDate != c.BirthDate {
				t.Fatal("a refused correction changed the birth date")
			}
		})

		t.Run("with the corrected NIR given, the birth date is corrected", func(t *testing.T) {
			in := correctionOf(c, "Carte d'identité")
			in.BirthDate = domain.NewDate(1996, 3, 14)
			in.NIR = "2 96 03 75 056 123 " + domain.NIRKey("2960375056123")
			if err := svc.CorrectCandidateIdentity(ctx, w.secretariat, c.ID, in); err != nil {
				t.Fatal(err)
			}
			got, _ := svc.Candidate(ctx, w.sys, c.ID)
			if got.BirthDate != in.BirthDate || got.NIR != validNIR("2960375056123") {
				t.Fatalf("%v %q", got.BirthDate, got.NIR)
			}
			e := hasAudit(auditActions(t, w, c.ID), "candidate.identity_correct")
			if e == nil || !strings.Contains(e.After, `"nir":"modifié"`) || !strings.Contains(e.Before, `"nir":"renseigné"`) {
				t.Fatalf("%+v", e)
			}
			c = got
		})

		t.Run("a valid correction records the changed fields and the proof, never the NIR", func(t *testing.T) {
			in := correctionOf(c, "Acte de naissance du 14/03/1996")
			in.FirstNames, in.UsedName = "Héloïse Marie", "Martin"
			if err := svc.CorrectCandidateIdentity(ctx, w.secretariat, c.ID, in); err != nil {
				t.Fatal(err)
			}
			got, _ := svc.Candidate(ctx, w.sys, c.ID)
			if got.FirstNames != "Héloïse Marie" || got.UsedName != "Martin" || got.NIR != c.NIR || got.BirthName != c.BirthName {
				t.Fatalf("%+v", got)
			}
			entries := auditActions(t, w, c.ID)
			var last *domain.AuditEntry
			for i := range entries {
				if entries[i].Action == "candidate.identity_correct" && strings.Contains(entries[i].After, "Héloïse") {
					last = &entries[i]
				}
			}
			if last == nil || last.Reason != "Acte de naissance du 14/03/1996" || !strings.Contains(last.Before, `"first_names":"Éloïse"`) ||
				!strings.Contains(last.After, `"used_name":"Martin"`) || strings.Contains(last.After+last.Before, "birth_name") ||
				strings.Contains(last.After+last.Before, "nir") {
				t.Fatalf("%+v", last)
			}
			for _, e := range entries {
				if strings.Contains(e.Before+e.After, c.NIR) || strings.Contains(e.Before+e.After, "056 123") {
					t.Fatalf("the audit trail holds the NIR: %+v", e)
				}
			}
		})

		t.Run("an erased person's identity is not corrected", func(t *testing.T) {
			if err := st.Write(ctx, func(q store.Q) error {
				_, err := q.EraseCandidate(ctx, w.CandidateB, true, svc.Now())
				return err
			}); err != nil {
				t.Fatal(err)
			}
			b, _ := svc.Candidate(ctx, w.sys, w.CandidateB)
			in := correctionOf(b, "Acte de naissance")
			in.FirstNames = "Anne"
			if err := svc.CorrectCandidateIdentity(ctx, w.secretariat, b.ID, in); domain.ErrorCode(err) != domain.ECONFLICT {
				t.Fatalf("%v", err)
			}
		})
	})
}
