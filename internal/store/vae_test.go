package store_test

import (
	"bytes"
	"context"
	"testing"
	"time"

	"cqp/internal/domain"
	"cqp/internal/store"
	"cqp/internal/store/storetest"
)

func TestVAEStore(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		seedEnrolment(t, s)
		write := func(fn func(q store.Q) error) {
			t.Helper()
			if err := s.Write(ctx, fn); err != nil {
				t.Fatal(err)
			}
		}
		sent := t0.Add(time.Hour)
		draft := domain.AdmissibilityFile{Address: "3 rue des Lilas, 75011 Paris",
			Periods:        []domain.ExperiencePeriod{{Employer: "Cabinet Durand", Role: "Assistante", From: domain.NewDate(2023, 1, 1), Related: true}},
			SelfAssessment: map[string]domain.SelfAssessment{"C1": {Level: domain.SelfAcquired, Situation: "Accueil des clients"}}}
		write(func(q store.Q) error {
			return q.CreateVAEFile(ctx, store.VAEFile{EnrolmentID: "e1", Status: domain.VAESent, RequestedBy: domain.RequestedByCompany,
				Draft: draft, ExperienceStatus: domain.ExperienceClosed, SentAt: &sent, WaitingSince: &sent, CreatedAt: t0, UpdatedAt: t0})
		})

		t.Run("the draft comes back as it was written, dates included", func(t *testing.T) {
			f, err := s.Read().VAEFile(ctx, "e1")
			if err != nil {
				t.Fatal(err)
			}
			if f.Status != domain.VAESent || f.RequestedBy != domain.RequestedByCompany || f.Draft.Periods[0].From != domain.NewDate(2023, 1, 1) ||
				!f.Draft.Periods[0].Until.IsZero() || f.Draft.SelfAssessment["C1"].Situation != "Accueil des clients" || !f.SentAt.Equal(sent) {
				t.Fatalf("got %+v", f)
			}
			if _, err := s.Read().VAEFile(ctx, "nope"); domain.ErrorCode(err) != domain.ENOTFOUND {
				t.Fatalf("unknown file: %v", err)
			}
		})

		t.Run("versions, reviews and decisions are kept, the latest first", func(t *testing.T) {
			write(func(q store.Q) error {
				for v := 1; v <= 2; v++ {
					if err := q.AddVAEFileVersion(ctx, store.VAEFileVersion{EnrolmentID: "e1", Version: v, Content: draft, SubmittedAt: t0.Add(time.Duration(v) * time.Hour)}); err != nil {
						return err
					}
				}
				if err := q.CreateVAEReview(ctx, store.VAEReview{ID: "r1", EnrolmentID: "e1", FileVersion: 2, TrainingOrganisationID: "of1", RequestedAt: t0}); err != nil {
					return err
				}
				given := t0.Add(2 * time.Hour)
				if err := q.GiveVAEReview(ctx, store.VAEReview{ID: "r1", Opinion: domain.OpinionFavourable, Comment: "Parcours solide", GivenAt: &given, GivenBy: "u1"}); err != nil {
					return err
				}
				return q.CreateVAEDecision(ctx, store.VAEDecision{ID: "d1", EnrolmentID: "e1", FileVersion: 2, Decision: domain.DecisionAdmissible,
					ValidUntil: domain.NewDate(2027, 11, 25), Letter: []byte("%PDF-1.4 lettre\x00\xff"), DecidedAt: t0.Add(3 * time.Hour), DecidedBy: "u1"})
			})
			vs, err := s.Read().VAEFileVersions(ctx, "e1")
			if err != nil || len(vs) != 2 || vs[0].Version != 2 {
				t.Fatalf("versions: %+v %v", vs, err)
			}
			rs, err := s.Read().VAEReviews(ctx, "e1")
			if err != nil || len(rs) != 1 || rs[0].Opinion != domain.OpinionFavourable || rs[0].TrainingOrganisationName != "Organisme" || rs[0].GivenByName != "Claire Durand" {
				t.Fatalf("reviews: %+v %v", rs, err)
			}
			if err := s.Write(ctx, func(q store.Q) error {
				given := t0
				return q.GiveVAEReview(ctx, store.VAEReview{ID: "r1", Opinion: domain.OpinionUnfavourable, GivenAt: &given})
			}); domain.ErrorCode(err) != domain.ENOTFOUND {
				t.Fatalf("a given opinion is not replaced: %v", err)
			}
			letter, err := s.Read().VAEDecisionLetter(ctx, "e1", "d1")
			if err != nil || !bytes.Equal(letter, []byte("%PDF-1.4 lettre\x00\xff")) {
				t.Fatalf("letter: %q %v", letter, err)
			}
			write(func(q store.Q) error {
				return q.RevokeVAEDecision(ctx, "d1", t0.Add(4*time.Hour), "u1", "Erreur de saisie")
			})
			if err := s.Write(ctx, func(q store.Q) error { return q.RevokeVAEDecision(ctx, "d1", t0, "u1", "encore") }); domain.ErrorCode(err) != domain.ENOTFOUND {
				t.Fatalf("a decision is revoked once: %v", err)
			}
			ds, err := s.Read().VAEDecisions(ctx, "e1")
			if err != nil || len(ds) != 1 || !ds[0].Revoked() || ds[0].RevokeReason != "Erreur de saisie" || ds[0].ValidUntil != domain.NewDate(2027, 11, 25) {
				t.Fatalf("decisions: %+v %v", ds, err)
			}
		})

		t.Run("experience blocks are replaced, evidence keeps its bytes and stays in its enrolment", func(t *testing.T) {
			content := append([]byte("%PDF-1.7\n"), bytes.Repeat([]byte{0, 1, 2, 0xfe, 0xff}, 1000)...)
			write(func(q store.Q) error {
				if err := q.SaveExperienceBlock(ctx, "e1", store.ExperienceBlock{BlockCode: "BC1", Narrative: "premier jet", UpdatedAt: t0}); err != nil {
					return err
				}
				if err := q.SaveExperienceBlock(ctx, "e1", store.ExperienceBlock{BlockCode: "BC1", Narrative: "version finale", UpdatedAt: t0.Add(time.Hour), UpdatedBy: "u1"}); err != nil {
					return err
				}
				return q.AddEvidence(ctx, domain.Evidence{ID: "ev1", EnrolmentID: "e1", BlockCode: "BC1", Filename: "attestation.pdf",
					ContentType: domain.EvidencePDF, SizeBytes: int64(len(content)), SHA256: "x", Round: 1, UploadedAt: t0}, content)
			})
			bs, err := s.Read().ExperienceBlocks(ctx, "e1")
			if err != nil || bs["BC1"].Narrative != "version finale" || bs["BC1"].UpdatedByName != "Claire Durand" {
				t.Fatalf("blocks: %+v %v", bs, err)
			}
			ev, got, err := s.Read().EvidenceContent(ctx, "e1", "ev1")
			if err != nil || !bytes.Equal(got, content) || ev.Filename != "attestation.pdf" {
				t.Fatalf("evidence: %+v %v", ev, err)
			}
			if _, _, err := s.Read().EvidenceContent(ctx, "e2", "ev1"); domain.ErrorCode(err) != domain.ENOTFOUND {
				t.Fatalf("through another enrolment: %v", err)
			}
			list, err := s.Read().EvidenceList(ctx, "e1")
			if err != nil || len(list) != 1 {
				t.Fatalf("list: %+v %v", list, err)
			}
		})

		t.Run("scopes", func(t *testing.T) {
			cases := []struct {
				name  string
				scope store.VAEScope
				sees  bool
			}{
				{"everyone", store.VAEScope{}, true},
				{"the candidate", store.VAEScope{Restricted: true, CandidateIDs: []string{"c1"}}, true},
				{"another candidate", store.VAEScope{Restricted: true, CandidateIDs: []string{"c2"}}, false},
				{"the reviewing organisation", store.VAEScope{Restricted: true, ReviewerOrganisationIDs: []string{"of1"}}, true},
				{"another organisation", store.VAEScope{Restricted: true, ReviewerOrganisationIDs: []string{"of2"}}, false},
				{"the company", store.VAEScope{Restricted: true, CompanyIDs: []string{"co1"}}, true},
				{"an adviser of other files", store.VAEScope{Restricted: true, AdviserUserID: "u9"}, false},
				{"a commission member without oral", store.VAEScope{Restricted: true, CommissionMemberUserID: "u1"}, false},
				{"a restricted scope with nothing", store.VAEScope{Restricted: true}, false},
			}
			for _, c := range cases {
				ok, err := s.Read().VAEFileVisible(ctx, "e1", c.scope)
				if err != nil || ok != c.sees {
					t.Errorf("%s: visible=%v err=%v, want %v", c.name, ok, err, c.sees)
				}
				list, err := s.Read().VAEFiles(ctx, store.VAEFilter{Scope: c.scope})
				if err != nil || (len(list) == 1) != c.sees {
					t.Errorf("%s: list %d err=%v", c.name, len(list), err)
				}
				if n, err := s.Read().CountVAEFiles(ctx, store.VAEFilter{Scope: c.scope}); err != nil || n != len(list) {
					t.Errorf("%s: count %d, list %d, err=%v", c.name, n, len(list), err)
				}
			}
			list, _ := s.Read().VAEFiles(ctx, store.VAEFilter{Statuses: []domain.VAEStatus{domain.VAESent}})
			if len(list) != 1 || list[0].Candidate.BirthName != "Lefèvre" || list[0].ReviewerName != "Organisme" || list[0].ReviewOpinion != domain.OpinionFavourable {
				t.Fatalf("listing: %+v", list)
			}
		})

		t.Run("a reminder is recorded once however many servers try", func(t *testing.T) {
			now := t0.Add(40 * 24 * time.Hour)
			before := now.Add(-30 * 24 * time.Hour)
			waiting, err := s.Read().VAEFilesWaiting(ctx, before)
			if err != nil || len(waiting) != 1 {
				t.Fatalf("waiting: %+v %v", waiting, err)
			}
			var first, second bool
			write(func(q store.Q) (err error) { first, err = q.MarkVAEReminded(ctx, "e1", now, before); return })
			write(func(q store.Q) (err error) { second, err = q.MarkVAEReminded(ctx, "e1", now, before); return })
			if !first || second {
				t.Fatalf("first=%v second=%v", first, second)
			}
			if waiting, _ := s.Read().VAEFilesWaiting(ctx, before); len(waiting) != 0 {
				t.Fatalf("reminded file still waiting: %+v", waiting)
			}
		})
	})
}
