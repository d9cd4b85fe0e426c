package store_test

import (
	"context"
	"testing"
	"time"

	"cqp/internal/domain"
	"cqp/internal/store"
	"cqp/internal/store/storetest"
)

func TestBilanReadsTheYearsEnrolmentsAndClosedSessions(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		seedJury(t, s) // e1, e2, e3 enrolled on t0, in 2026
		june := time.Date(2026, 6, 1, 12, 0, 0, 0, time.UTC)
		dec := time.Date(2025, 12, 10, 12, 0, 0, 0, time.UTC)
		err := s.Write(ctx, func(q store.Q) error {
			for _, js := range []struct {
				id     string
				at     time.Time
				enrol  string
				closed bool
			}{{"s1", june, "e2", true}, {"s2", dec, "e3", true}, {"s3", june.AddDate(0, 1, 0), "e1", false}} {
				if err := q.CreateJurySession(ctx, store.JurySession{ID: js.id, BranchID: "b1", StartsAt: js.at, Place: "Paris " + js.id,
					Quorum: 4, Status: store.JuryPlanned, CreatedAt: t0}); err != nil {
					return err
				}
				if err := q.AddJuryCandidate(ctx, js.id, js.enrol); err != nil {
					return err
				}
				if !js.closed {
					continue
				}
				if err := q.SetJurySessionStatus(ctx, js.id, store.JuryPlanned, store.JuryDeliberating); err != nil {
					return err
				}
				if err := q.SetJuryOutcome(ctx, js.id, js.enrol, "partial"); err != nil {
					return err
				}
				if err := q.CloseJurySession(ctx, js.id, "{}", js.at, "u-bruno"); err != nil {
					return err
				}
			}
			for _, b := range []string{"BC2", "BC1"} {
				if err := q.AddAcquiredBlock(ctx, store.AcquiredBlock{EnrolmentID: "e2", BlockCode: b, SessionID: "s1", AcquiredOn: domain.NewDate(2026, 6, 1)}); err != nil {
					return err
				}
			}
			return q.AddAcquiredBlock(ctx, store.AcquiredBlock{EnrolmentID: "e3", BlockCode: "BC2", SessionID: "s2", AcquiredOn: domain.NewDate(2025, 12, 10)})
		})
		if err != nil {
			t.Fatal(err)
		}
		read := func(t *testing.T, year int) []store.BilanCandidate {
			t.Helper()
			var out []store.BilanCandidate
			ids, err := s.Read().BilanEnrolmentIDs(ctx, year)
			if err != nil {
				t.Fatal(err)
			}
			if err := s.Read().BilanCandidates(ctx, bilanNames(t, s, year), ids, func(c store.BilanCandidate) error {
				out = append(out, c)
				return nil
			}); err != nil {
				t.Fatal(err)
			}
			return out
		}
		t.Run("a year holds its enrolments by candidate number, with the result of a session closed in it", func(t *testing.T) {
			{
				got := read(t, 2026)
				if len(got) != 3 || got[0].EnrolmentID != "e1" || got[1].EnrolmentID != "e2" || got[2].EnrolmentID != "e3" {
					t.Fatalf("2026: %+v", got)
				}
				e1, e2 := got[0], got[1]
				if e1.Outcome != "" || e1.JuryDate != nil || e1.SessionID != "" || len(e1.Acquired) != 0 || len(got[2].Acquired) != 1 {
					t.Errorf("a session not closed gave e1 a result: %+v", e1)
				}
				if e2.Outcome != "partial" || e2.SessionID != "s1" || e2.JuryDate == nil || !e2.JuryDate.Equal(june) || e2.JuryPlace != "Paris s1" ||
					e2.QualificationCode != "CC" || e2.BirthName != "Martin" || len(e2.Acquired) != 2 || e2.Acquired[0].BlockCode != "BC1" || e2.Acquired[1].BlockCode != "BC2" ||
					e2.Acquired[0].Route != domain.RouteFormation || len(e2.Blocks) != 2 || !e2.EnrolledAt.Equal(t0) {
					t.Errorf("e2: %+v", e2)
				}
			}
		})
		t.Run("an earlier year holds an enrolment only through a session closed in it", func(t *testing.T) {
			got := read(t, 2025)
			if len(got) != 1 || got[0].EnrolmentID != "e3" || got[0].SessionID != "s2" || got[0].Outcome != "partial" {
				t.Fatalf("2025: %+v", got)
			}
			if got := read(t, 2027); len(got) != 0 {
				t.Fatalf("2027: %+v", got)
			}
		})
		t.Run("a chunk of the year's enrolments reads those alone, whole", func(t *testing.T) {
			var got []store.BilanCandidate
			if err := s.Read().BilanCandidates(ctx, bilanNames(t, s, 2026), []string{"e2", "e3"}, func(c store.BilanCandidate) error {
				got = append(got, c)
				return nil
			}); err != nil {
				t.Fatal(err)
			}
			if len(got) != 2 || got[0].EnrolmentID != "e2" || got[0].SessionID != "s1" || len(got[0].Acquired) != 2 ||
				got[1].EnrolmentID != "e3" || got[1].SessionID != "" || len(got[1].Acquired) != 1 {
				t.Fatalf("chunk e2, e3: %+v", got)
			}
		})
		t.Run("the juries of a year are its closed sessions, counted by outcome", func(t *testing.T) {
			j, err := s.Read().BilanJuries(ctx, 2026)
			if err != nil || len(j) != 1 || j[0].ID != "s1" || j[0].Candidates != 1 || j[0].Partial != 1 || j[0].Certified != 0 ||
				!j[0].StartsAt.Equal(june) || j[0].Place != "Paris s1" {
				t.Fatalf("juries %+v %v", j, err)
			}
		})
		t.Run("a later session closed in the year supersedes an earlier one; one closed the next year does not", func(t *testing.T) {
			for _, js := range []struct {
				id, outcome string
				at          time.Time
			}{{"s4", "certified", june.AddDate(0, 3, 0)}, {"s5", "not_certified", june.AddDate(1, 0, 0)}} {
				if err := s.Write(ctx, func(q store.Q) error {
					if err := q.CreateJurySession(ctx, store.JurySession{ID: js.id, BranchID: "b1", StartsAt: js.at, Place: "Paris " + js.id,
						Quorum: 4, Status: store.JuryPlanned, CreatedAt: t0}); err != nil {
						return err
					}
					if err := q.AddJuryCandidate(ctx, js.id, "e2"); err != nil {
						return err
					}
					if err := q.SetJurySessionStatus(ctx, js.id, store.JuryPlanned, store.JuryDeliberating); err != nil {
						return err
					}
					if err := q.SetJuryOutcome(ctx, js.id, "e2", js.outcome); err != nil {
						return err
					}
					return q.CloseJurySession(ctx, js.id, "{}", js.at, "u-bruno")
				}); err != nil {
					t.Fatal(err)
				}
			}
			// The same person's earlier enrolment in the qualification acquired BC1 first.
			old := time.Date(2024, 3, 1, 9, 0, 0, 0, time.UTC)
			if err := s.Write(ctx, func(q store.Q) error {
				if err := q.CreateEnrolment(ctx, domain.Enrolment{ID: "e2b", CandidateID: "c2", FrameworkID: "f1", QualificationID: "q1",
					Route: domain.RouteBlocs, Public: domain.PublicEmployee, Status: domain.StatusPartial, Blocks: []string{"BC1"},
					CreatedAt: old, UpdatedAt: old}, ""); err != nil {
					return err
				}
				return q.AddAcquiredBlock(ctx, store.AcquiredBlock{EnrolmentID: "e2b", BlockCode: "BC1", SessionID: "s2", AcquiredOn: domain.NewDate(2025, 12, 10)})
			}); err != nil {
				t.Fatal(err)
			}
			got := read(t, 2026)
			if len(got) != 3 || len(got[1].Acquired) != 2 || got[1].Acquired[0].BlockCode != "BC1" || got[1].Acquired[0].EnrolmentID != "e2b" ||
				got[1].Acquired[0].Route != domain.RouteBlocs || got[1].Acquired[1].BlockCode != "BC2" || got[1].Acquired[1].EnrolmentID != "e2" {
				t.Errorf("a block acquired on two enrolments counts once, from its first award: %+v", got[1].Acquired)
			}
			if len(got) != 3 || got[1].EnrolmentID != "e2" || got[1].SessionID != "s4" || got[1].Outcome != "certified" ||
				got[1].JuryPlace != "Paris s4" || got[1].JuryDate == nil || !got[1].JuryDate.Equal(june.AddDate(0, 3, 0)) {
				t.Fatalf("2026: %+v", got)
			}
			if got := read(t, 2027); len(got) != 1 || got[0].SessionID != "s5" || got[0].Outcome != "not_certified" {
				t.Fatalf("2027: %+v", got)
			}
		})
	})
}

// bilanNames reads the names of a year's bilan.
func bilanNames(t *testing.T, s *store.Store, year int) store.BilanNames {
	t.Helper()
	juries, err := s.Read().BilanJuries(context.Background(), year)
	if err != nil {
		t.Fatal(err)
	}
	n, err := s.Read().BilanNames(context.Background(), juries)
	if err != nil {
		t.Fatal(err)
	}
	return n
}
