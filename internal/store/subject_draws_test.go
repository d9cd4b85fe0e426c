package store_test

import (
	"context"
	"testing"
	"time"

	"cqp/internal/domain"
	"cqp/internal/store"
	"cqp/internal/store/storetest"
)

// The eligible-subject query as an oral's draw reads it, and the draws seen from the orals.
func TestSubjectDrawStore(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		seedEnrolment(t, s) // of1 and co1 train c1 in e1 (q1, framework f1, blocks BC1 and BC2)
		write := func(fn func(q store.Q) error) {
			t.Helper()
			if err := s.Write(ctx, fn); err != nil {
				t.Fatal(err)
			}
		}
		day := domain.NewDate(2026, 12, 2)
		write(func(q store.Q) error {
			if err := q.CreateTrainingOrganisation(ctx, domain.TrainingOrganisation{ID: "of2", Name: "Institut Sud", SIRET: "55203253400646", CreatedAt: t0}); err != nil {
				return err
			}
			if err := q.CreateCommission(ctx, store.Commission{ID: "k1", Name: "Commission Paris", CreatedAt: t0}); err != nil {
				return err
			}
			// o0 is c1's first oral (before a retake), o1 the coming one.
			if err := q.CreateOral(ctx, store.Oral{ID: "o0", CommissionID: "k1", EnrolmentID: "e1", StartsAt: t0.Add(-30 * 24 * time.Hour), DurationMinutes: 60, CreatedAt: t0}); err != nil {
				return err
			}
			if err := q.CreateOral(ctx, store.Oral{ID: "o1", CommissionID: "k1", EnrolmentID: "e1", StartsAt: day.Time().Add(13 * time.Hour), DurationMinutes: 60, CreatedAt: t0}); err != nil {
				return err
			}
			return q.CreateSubjectCall(ctx, domain.SubjectCall{ID: "call1", Year: 2026, OpensOn: domain.NewDate(2026, 1, 1), ClosesOn: domain.NewDate(2026, 12, 31), CreatedAt: t0})
		})
		for _, p := range []struct {
			id         string
			orgKind    domain.ProposerKind
			org        string
			validUntil domain.Date
			retire     bool
			blocks     []string
		}{
			{"ok1", domain.ProposerTrainingOrganisation, "of2", domain.NewDate(2027, 12, 31), false, []string{"BC1"}},
			{"ok2", domain.ProposerTrainingOrganisation, "of2", day, false, []string{"BC1", "BC2"}}, // valid to the oral's day inclusive
			{"expired", domain.ProposerTrainingOrganisation, "of2", domain.NewDate(2026, 12, 1), false, []string{"BC1"}},
			{"own-of", domain.ProposerTrainingOrganisation, "of1", domain.NewDate(2027, 12, 31), false, []string{"BC1"}},
			{"own-co", domain.ProposerCompany, "co1", domain.NewDate(2027, 12, 31), false, []string{"BC2"}},
			{"retired", domain.ProposerTrainingOrganisation, "of2", domain.NewDate(2027, 12, 31), true, []string{"BC1"}},
			{"other-block", domain.ProposerTrainingOrganisation, "of2", domain.NewDate(2027, 12, 31), false, []string{"BC1", "BC3"}},
			{"met", domain.ProposerTrainingOrganisation, "of2", domain.NewDate(2027, 12, 31), false, []string{"BC2"}},
		} {
			write(func(q store.Q) error {
				sub := domain.Subject{ID: p.id, Kind: domain.SubjectPracticalCase, QualificationID: "q1", FrameworkID: "f1", Status: domain.SubjectDraft,
					ProposerKind: p.orgKind, ProposerOrgID: p.org, ProposedBy: "u1", Blocks: p.blocks, Competences: []string{"C1"}, CreatedAt: t0, UpdatedAt: t0}
				v := domain.SubjectVersion{Title: "Sujet " + p.id, CandidateText: "Texte", ExpectedAnswer: "Réponse", MarkingGuide: "Grille",
					DurationMinutes: 20, AuthorID: "u1", AuthorKind: domain.SubjectAuthorProposer, CreatedAt: t0}
				if err := q.CreateSubject(ctx, sub, v); err != nil {
					return err
				}
				if err := q.SubmitSubject(ctx, p.id, "call1", t0); err != nil {
					return err
				}
				if err := q.DecideSubject(ctx, p.id, domain.SubjectAccepted, p.validUntil, t0); err != nil {
					return err
				}
				if p.retire {
					return q.RetireSubject(ctx, p.id, t0, "u1", "Réglementation modifiée")
				}
				return nil
			})
		}
		// c1 met "met" at the first oral.
		write(func(q store.Q) error {
			return q.CreateSubjectDraw(ctx, domain.SubjectDraw{ID: "d0", OralID: "o0", SubjectID: "met", Kind: domain.SubjectPracticalCase, Version: 1,
				CandidateID: "c1", EnrolmentID: "e1", DrawnBy: "u1", DrawnAt: t0.Add(-40 * 24 * time.Hour)})
		})

		drawable := func() []string {
			t.Helper()
			list, err := s.Read().DrawableSubjects(ctx, store.DrawableFilter{QualificationID: "q1", Kind: domain.SubjectPracticalCase, On: day,
				Blocks: []string{"BC1", "BC2"}, ExcludedOrgs: []string{"of1", "co1"}, CandidateID: "c1"})
			if err != nil {
				t.Fatal(err)
			}
			var out []string
			for _, l := range list {
				out = append(out, l.ID)
			}
			return out
		}
		if got := drawable(); len(got) != 2 || got[0] != "ok1" || got[1] != "ok2" {
			t.Fatalf("drawable for c1 on %s: %v, want ok1 and ok2 only", day, got)
		}

		t.Run("an oral lacking a kind of subject shows, a past one not", func(t *testing.T) {
			kinds, err := s.Read().OralDrawnKinds(ctx, t0)
			if err != nil {
				t.Fatal(err)
			}
			if got, ok := kinds["o1"]; !ok || len(got) != 0 {
				t.Fatalf("o1: %v %v", got, ok)
			}
			if _, ok := kinds["o0"]; ok {
				t.Fatalf("the past oral o0 is listed: %v", kinds)
			}
			write(func(q store.Q) error {
				return q.CreateSubjectDraw(ctx, domain.SubjectDraw{ID: "d1", OralID: "o1", SubjectID: "ok2", Kind: domain.SubjectPracticalCase, Version: 1,
					CandidateID: "c1", EnrolmentID: "e1", DrawnBy: "u1", DrawnAt: t0})
			})
			kinds, err = s.Read().OralDrawnKinds(ctx, t0)
			if err != nil || len(kinds["o1"]) != 1 || kinds["o1"][0] != domain.SubjectPracticalCase {
				t.Fatalf("o1 after its draw: %v %v", kinds, err)
			}
			// ok2 is now used once: ok1 stays first, and c1 met ok2.
			if got := drawable(); len(got) != 1 || got[0] != "ok1" {
				t.Fatalf("drawable after the draw: %v", got)
			}
		})

		t.Run("the draws in force carry their oral's time; a replaced one does not count", func(t *testing.T) {
			write(func(q store.Q) error {
				return q.ReplaceSubjectDraw(ctx, "d1", domain.SubjectDraw{ID: "d2", OralID: "o1", SubjectID: "ok1", Kind: domain.SubjectPracticalCase, Version: 1,
					CandidateID: "c1", EnrolmentID: "e1", DrawnBy: "u1", DrawnAt: t0.Add(time.Hour)}, "u1", "Sujet trop proche de la formation")
			})
			draws, err := s.Read().DrawsInForce(ctx)
			if err != nil || len(draws) != 2 {
				t.Fatalf("got %+v %v", draws, err)
			}
			if draws[0].SubjectID != "met" || !draws[0].OralStartsAt.Equal(t0.Add(-30*24*time.Hour)) || draws[1].SubjectID != "ok1" || draws[1].OralID != "o1" {
				t.Fatalf("got %+v", draws)
			}
		})
	})
}
