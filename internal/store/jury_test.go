package store_test

import (
	"context"
	"testing"
	"time"

	"cqp/internal/domain"
	"cqp/internal/store"
	"cqp/internal/store/storetest"
)

// seedJury stores a branch, a framework, three jury accounts and two candidates whose
// enrolments await the jury (the second one partially validated already).
func seedJury(t *testing.T, s *store.Store) {
	t.Helper()
	ctx := context.Background()
	seedFramework(t, s)
	err := s.Write(ctx, func(q store.Q) error {
		for _, u := range []struct {
			id, name string
			role     domain.Role
		}{{"u-anne", "Anne", domain.RoleJuryMember}, {"u-bruno", "Bruno", domain.RoleJuryPresident}, {"u-chloe", "Chloé", domain.RoleJuryMember}, {"u-sec", "Secrétariat", domain.RoleSecretariat}} {
			if err := q.CreateUser(ctx, domain.User{ID: u.id, Email: u.id + "@cqp.test", Name: u.name, CreatedAt: t0}); err != nil {
				return err
			}
			if err := q.AddRole(ctx, domain.RoleAssignment{ID: u.id + "-r", UserID: u.id, Role: u.role, CreatedAt: t0}); err != nil {
				return err
			}
		}
		for i, st := range []domain.EnrolmentStatus{domain.StatusAwaitingJury, domain.StatusPartial, domain.StatusInTraining} {
			c := domain.Candidate{ID: "c" + string(rune('1'+i)), Number: "C-2026-0000" + string(rune('1'+i)), BirthName: []string{"Lefèvre", "Martin", "Durand"}[i],
				FirstNames: "Zoé", BirthDate: domain.NewDate(1995, 3, 14), Sex: domain.SexFemale, BirthINSEE: "75056", CreatedAt: t0}
			if err := q.CreateCandidate(ctx, c); err != nil {
				return err
			}
			if err := q.CreateEnrolment(ctx, domain.Enrolment{ID: "e" + string(rune('1'+i)), CandidateID: c.ID, FrameworkID: "f1", QualificationID: "q1",
				Route: domain.RouteFormation, Public: domain.PublicEmployee, Status: st, Blocks: []string{"BC1", "BC2"},
				CreatedAt: t0, UpdatedAt: t0}, ""); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

func TestJuryStore(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		seedJury(t, s)
		write := func(fn func(q store.Q) error) error { return s.Write(ctx, fn) }

		t.Run("a branch without settings has the default quorum of 4, and saved settings read back", func(t *testing.T) {
			got, err := s.Read().BranchSettings(ctx, "b1")
			if err != nil || got.JuryQuorum != 4 || !got.UpdatedAt.IsZero() {
				t.Fatalf("defaults: %+v %v", got, err)
			}
			for _, quorum := range []int{5, 3} {
				want := store.BranchSettings{BranchID: "b1", JuryQuorum: quorum, JuryPresidentName: "Bruno Président",
					CSCAPresidentName: "Claire Csca", CPNEPresidentName: "Denis Cpne", UpdatedAt: t0}
				if err := write(func(q store.Q) error { return q.SaveBranchSettings(ctx, want) }); err != nil {
					t.Fatal(err)
				}
				got, err = s.Read().BranchSettings(ctx, "b1")
				if err != nil || got != want {
					t.Fatalf("got %+v, %v; want %+v", got, err, want)
				}
			}
		})

		t.Run("the roster keeps one college per person and lists people by name", func(t *testing.T) {
			err := write(func(q store.Q) error {
				for _, m := range [][2]string{{"u-chloe", "unions"}, {"u-anne", "employers"}, {"u-bruno", "cpnefp_president"}, {"u-anne", "experts"}} {
					if err := q.SetRosterMember(ctx, m[0], m[1], t0); err != nil {
						return err
					}
				}
				return nil
			})
			if err != nil {
				t.Fatal(err)
			}
			r, err := s.Read().JuryRoster(ctx)
			if err != nil || len(r) != 3 || r[0].Name != "Anne" || r[0].College != "experts" || r[2].Name != "Chloé" {
				t.Fatalf("roster %+v %v", r, err)
			}
			if err := write(func(q store.Q) error { return q.RemoveRosterMember(ctx, "u-sec") }); domain.ErrorCode(err) != domain.ENOTFOUND {
				t.Fatalf("removing someone off the roster: %v", err)
			}
			users, err := s.Read().JuryUsers(ctx)
			if err != nil || len(users) != 3 || users[0].Name != "Anne" || users[1].Name != "Bruno" {
				t.Fatalf("jury users %+v %v", users, err)
			}
		})

		sess := store.JurySession{ID: "s1", BranchID: "b1", StartsAt: t0.Add(24 * time.Hour), Place: "Paris", Quorum: 4,
			Status: store.JuryPlanned, CreatedAt: t0}

		t.Run("a session keeps its invitations, attendance, candidates in order and counts", func(t *testing.T) {
			err := write(func(q store.Q) error {
				if err := q.CreateJurySession(ctx, sess); err != nil {
					return err
				}
				for _, u := range []string{"u-anne", "u-bruno", "u-chloe"} {
					if err := q.InviteJuryMember(ctx, "s1", u, "unions"); err != nil {
						return err
					}
				}
				if err := q.SetJuryPresence(ctx, "s1", "u-bruno", true, t0); err != nil {
					return err
				}
				if err := q.AddJuryCandidate(ctx, "s1", "e2"); err != nil {
					return err
				}
				return q.AddJuryCandidate(ctx, "s1", "e1")
			})
			if err != nil {
				t.Fatal(err)
			}
			got, err := s.Read().JurySession(ctx, "s1")
			if err != nil || got.Invited != 3 || got.Present != 1 || got.Candidates != 2 || got.Status != store.JuryPlanned || !got.StartsAt.Equal(sess.StartsAt) {
				t.Fatalf("session %+v %v", got, err)
			}
			inv, err := s.Read().JuryInvitations(ctx, "s1")
			if err != nil || len(inv) != 3 || !inv[1].Present || inv[1].RecordedAt == nil || inv[0].Present || len(inv[1].Roles) != 1 || inv[1].Roles[0] != domain.RoleJuryPresident {
				t.Fatalf("invitations %+v %v", inv, err)
			}
			cands, err := s.Read().JuryCandidates(ctx, "s1")
			if err != nil || len(cands) != 2 || cands[0].EnrolmentID != "e2" || cands[1].EnrolmentID != "e1" || cands[1].CandidateID != "c1" || cands[1].Position != 2 {
				t.Fatalf("candidates %+v %v", cands, err)
			}
			err = write(func(q store.Q) error { return q.InviteJuryMember(ctx, "s1", "u-anne", "unions") })
			if domain.ErrorCode(err) != domain.ECONFLICT {
				t.Fatalf("second invitation: %v", err)
			}
			mine, err := s.Read().JurySessionsOfMember(ctx, "u-anne")
			if err != nil || len(mine) != 1 || mine[0].ID != "s1" {
				t.Fatalf("sessions of an invited member: %+v %v", mine, err)
			}
			if none, err := s.Read().JurySessionsOfMember(ctx, "u-sec"); err != nil || len(none) != 0 {
				t.Fatalf("sessions of someone not invited: %+v %v", none, err)
			}
			for member, want := range map[string]int{"u-anne": 1, "u-sec": 0} {
				if n, err := s.Read().CountOpenJurySessions(ctx, member); err != nil || n != want {
					t.Errorf("open sessions of %s: %d %v, want %d", member, n, err, want)
				}
			}
			err = write(func(q store.Q) error { return q.AddJuryCandidate(ctx, "s1", "e1") })
			if domain.ErrorCode(err) != domain.ECONFLICT {
				t.Fatalf("second presentation: %v", err)
			}
		})

		t.Run("presentable enrolments are those awaiting the jury or partial, in no open session", func(t *testing.T) {
			p, err := s.Read().PresentableEnrolments(ctx)
			if err != nil || len(p) != 0 {
				t.Fatalf("while both are in the planned session: %+v %v", p, err)
			}
			if err := write(func(q store.Q) error { return q.RemoveJuryCandidate(ctx, "s1", "e2") }); err != nil {
				t.Fatal(err)
			}
			p, err = s.Read().PresentableEnrolments(ctx)
			if err != nil || len(p) != 1 || p[0].EnrolmentID != "e2" || p[0].Status != domain.StatusPartial || p[0].QualificationCode != "CC" {
				t.Fatalf("after withdrawing e2: %+v %v", p, err)
			}
			open, ok, err := s.Read().OpenJurySessionOf(ctx, "e1")
			if err != nil || !ok || open.ID != "s1" {
				t.Fatalf("open session of e1: %+v %v %v", open, ok, err)
			}
		})

		t.Run("a decision is replaced on the same block, and can be removed", func(t *testing.T) {
			d := store.JuryDecision{ID: "d1", SessionID: "s1", EnrolmentID: "e1", BlockCode: "BC2", Decision: "A", Reason: "Pratique solide",
				DecidedAt: t0, DecidedBy: "u-sec"}
			if err := write(func(q store.Q) error { return q.SaveJuryDecision(ctx, d) }); err != nil {
				t.Fatal(err)
			}
			d.ID, d.Decision, d.Reason, d.ReferentOpinion = "d2", "NA", "Cas pratique insuffisant", "Le référent confirme"
			if err := write(func(q store.Q) error { return q.SaveJuryDecision(ctx, d) }); err != nil {
				t.Fatal(err)
			}
			ds, err := s.Read().JuryDecisions(ctx, "s1", "")
			if err != nil || len(ds) != 1 || ds[0].Decision != "NA" || ds[0].ReferentOpinion != "Le référent confirme" || ds[0].DecidedByName != "Secrétariat" {
				t.Fatalf("decisions %+v %v", ds, err)
			}
			if err := write(func(q store.Q) error { return q.DeleteJuryDecision(ctx, "s1", "e1", "BC2") }); err != nil {
				t.Fatal(err)
			}
			if err := write(func(q store.Q) error { return q.DeleteJuryDecision(ctx, "s1", "e1", "BC2") }); domain.ErrorCode(err) != domain.ENOTFOUND {
				t.Fatalf("removing a removed decision: %v", err)
			}
		})

		t.Run("a session closes once, from deliberation only, and its snapshot reads back", func(t *testing.T) {
			err := write(func(q store.Q) error { return q.CloseJurySession(ctx, "s1", `{}`, t0, "u-bruno") })
			if domain.ErrorCode(err) != domain.ECONFLICT {
				t.Fatalf("closing a planned session: %v", err)
			}
			err = write(func(q store.Q) error {
				if _, err := q.LockJurySession(ctx, "s1"); err != nil {
					return err
				}
				if err := q.SetJurySessionStatus(ctx, "s1", store.JuryPlanned, store.JuryDeliberating); err != nil {
					return err
				}
				if err := q.SetJuryOutcome(ctx, "s1", "e1", "partial"); err != nil {
					return err
				}
				if err := q.AddAcquiredBlock(ctx, store.AcquiredBlock{EnrolmentID: "e1", BlockCode: "BC1", SessionID: "s1", AcquiredOn: domain.NewDate(2026, 11, 26)}); err != nil {
					return err
				}
				return q.CloseJurySession(ctx, "s1", `{"candidates":[]}`, t0.Add(time.Hour), "u-bruno")
			})
			if err != nil {
				t.Fatal(err)
			}
			got, err := s.Read().JurySession(ctx, "s1")
			if err != nil || got.Status != store.JuryClosed || got.Snapshot != `{"candidates":[]}` || got.ClosedAt == nil ||
				!got.ClosedAt.Equal(t0.Add(time.Hour)) || got.ClosedByName != "Bruno" {
				t.Fatalf("closed session %+v %v", got, err)
			}
			err = write(func(q store.Q) error { return q.CloseJurySession(ctx, "s1", `{}`, t0, "u-bruno") })
			if domain.ErrorCode(err) != domain.ECONFLICT {
				t.Fatalf("closing twice: %v", err)
			}
			err = write(func(q store.Q) error {
				return q.SetJurySessionStatus(ctx, "s1", store.JuryPlanned, store.JuryDeliberating)
			})
			if domain.ErrorCode(err) != domain.ECONFLICT {
				t.Fatalf("reopening: %v", err)
			}
			cands, _ := s.Read().JuryCandidates(ctx, "s1")
			if len(cands) != 1 || cands[0].Outcome != "partial" {
				t.Fatalf("outcomes %+v", cands)
			}
			if _, ok, _ := s.Read().OpenJurySessionOf(ctx, "e1"); ok {
				t.Fatal("a closed session still holds its candidate")
			}
		})

		t.Run("acquired blocks are kept per enrolment; a block is acquired once; a rectification removes its session's", func(t *testing.T) {
			err := write(func(q store.Q) error {
				return q.AddAcquiredBlock(ctx, store.AcquiredBlock{EnrolmentID: "e1", BlockCode: "BC1", SessionID: "s1", AcquiredOn: domain.NewDate(2026, 11, 26)})
			})
			if domain.ErrorCode(err) != domain.ECONFLICT {
				t.Fatalf("acquiring a block twice: %v", err)
			}
			bs, err := s.Read().AcquiredBlocks(ctx, "e1")
			if err != nil || len(bs) != 1 || bs[0].AcquiredOn != domain.NewDate(2026, 11, 26) || bs[0].SessionID != "s1" {
				t.Fatalf("acquired %+v %v", bs, err)
			}
			r := store.JurySession{ID: "s2", BranchID: "b1", StartsAt: t0.Add(48 * time.Hour), Place: "Paris", Quorum: 4,
				Status: store.JuryPlanned, RectifiesSessionID: "s1", RectificationReason: "Erreur de saisie", CreatedAt: t0}
			err = write(func(q store.Q) error {
				if err := q.CreateJurySession(ctx, r); err != nil {
					return err
				}
				return q.DeleteAcquiredBlocksOfSession(ctx, "e1", "s1")
			})
			if err != nil {
				t.Fatal(err)
			}
			if bs, _ := s.Read().AcquiredBlocks(ctx, "e1"); len(bs) != 0 {
				t.Fatalf("after the rectification's removal: %+v", bs)
			}
			got, ok, err := s.Read().RectificationOf(ctx, "s1")
			if err != nil || !ok || got.ID != "s2" || got.RectificationReason != "Erreur de saisie" || got.RectifiesSessionID != "s1" {
				t.Fatalf("rectification %+v %v %v", got, ok, err)
			}
			all, err := s.Read().JurySessions(ctx)
			if err != nil || len(all) != 2 || all[0].ID != "s2" {
				t.Fatalf("sessions, latest first: %+v %v", all, err)
			}
			open := 0
			for _, js := range all {
				if js.Status != store.JuryClosed {
					open++
				}
			}
			if n, err := s.Read().CountOpenJurySessions(ctx, ""); err != nil || n != open {
				t.Errorf("open sessions: %d %v, the list has %d", n, err, open)
			}
			of, err := s.Read().JurySessionsOfEnrolment(ctx, "e1")
			if err != nil || len(of) != 1 || of[0].ID != "s1" {
				t.Fatalf("sessions of e1: %+v %v", of, err)
			}
		})

		t.Run("an unknown session is not found", func(t *testing.T) {
			if _, err := s.Read().JurySession(ctx, "nope"); domain.ErrorCode(err) != domain.ENOTFOUND {
				t.Fatalf("got %v", err)
			}
			err := write(func(q store.Q) error { _, err := q.LockJurySession(ctx, "nope"); return err })
			if domain.ErrorCode(err) != domain.ENOTFOUND {
				t.Fatalf("lock: %v", err)
			}
		})
	})
}

func TestAClosedSessionIsRectifiedOnce(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		seedJury(t, s)
		err := s.Write(ctx, func(q store.Q) error {
			for _, id := range []string{"x", "r1"} {
				js := store.JurySession{ID: id, BranchID: "b1", StartsAt: t0, Place: "Paris", Quorum: 4, Status: store.JuryPlanned, CreatedAt: t0}
				if id == "r1" {
					js.RectifiesSessionID, js.RectificationReason = "x", "Erreur"
				}
				if err := q.CreateJurySession(ctx, js); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		err = s.Write(ctx, func(q store.Q) error {
			return q.CreateJurySession(ctx, store.JurySession{ID: "r2", BranchID: "b1", StartsAt: t0, Place: "Paris", Quorum: 4,
				Status: store.JuryPlanned, RectifiesSessionID: "x", RectificationReason: "Autre erreur", CreatedAt: t0})
		})
		if domain.ErrorCode(err) != domain.ECONFLICT {
			t.Fatalf("a second rectification of the same session: %v", err)
		}
	})
}

func TestOnlyAClosedSessionAccountsForAResult(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		seedJury(t, s) // e2 is stored « partial » with no session at all
		found := func() []string {
			t.Helper()
			out, err := s.Read().ResultsWithoutJury(ctx)
			if err != nil {
				t.Fatal(err)
			}
			return out
		}
		if got := found(); len(got) != 1 || got[0] != "enrolment e2: status partial without a closed jury session" {
			t.Fatalf("a partial result written without a jury: %v", got)
		}
		err := s.Write(ctx, func(q store.Q) error {
			if err := q.CreateJurySession(ctx, store.JurySession{ID: "s9", BranchID: "b1", StartsAt: t0, Quorum: 4, Status: store.JuryDeliberating, CreatedAt: t0}); err != nil {
				return err
			}
			if err := q.AddJuryCandidate(ctx, "s9", "e2"); err != nil {
				return err
			}
			return q.AddAcquiredBlock(ctx, store.AcquiredBlock{EnrolmentID: "e2", BlockCode: "BC1", SessionID: "s9", AcquiredOn: domain.DateOf(t0)})
		})
		if err != nil {
			t.Fatal(err)
		}
		if got := found(); len(got) != 2 || got[0] != "enrolment e2: block BC1 without a closed jury session" {
			t.Fatalf("a block acquired at a session still deliberating: %v", got)
		}
		err = s.Write(ctx, func(q store.Q) error {
			if err := q.SetJuryOutcome(ctx, "s9", "e2", "partial"); err != nil {
				return err
			}
			return q.CloseJurySession(ctx, "s9", `{"format":1}`, t0, "u-bruno")
		})
		if err != nil {
			t.Fatal(err)
		}
		if got := found(); len(got) != 0 {
			t.Fatalf("a result given by a closed session: %v", got)
		}

		// The block belongs to the person and the qualification: a later enrolment holds it.
		err = s.Write(ctx, func(q store.Q) error {
			return q.CreateEnrolment(ctx, domain.Enrolment{ID: "e9", CandidateID: "c2", FrameworkID: "f1", QualificationID: "q1",
				Route: domain.RouteVAE, Public: domain.PublicEmployee, Status: domain.StatusEnrolled, Blocks: []string{"BC1", "BC2"},
				CreatedAt: t0, UpdatedAt: t0}, "")
		})
		if err != nil {
			t.Fatal(err)
		}
		held, err := s.Read().AcquiredBlocks(ctx, "e9")
		if err != nil || len(held) != 1 || held[0].BlockCode != "BC1" || held[0].EnrolmentID != "e2" || held[0].Route != domain.RouteFormation {
			t.Fatalf("blocks held by the later enrolment: %+v %v", held, err)
		}
		if other, err := s.Read().AcquiredBlocks(ctx, "e1"); err != nil || len(other) != 0 {
			t.Fatalf("another person's enrolment holds %+v %v", other, err)
		}
		if last, ok, err := s.Read().LastJuryOutcome(ctx, "e2"); err != nil || !ok || last != "partial" {
			t.Fatalf("last outcome: %q %v %v", last, ok, err)
		}
	})
}

// The dashboard's sessions come without their snapshots: those still to come, and the closed
// ones whose documents are not issued.
func TestTheUpcomingSessionsAndTheClosedOnesWithoutDocuments(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		seedJury(t, s)
		err := s.Write(ctx, func(q store.Q) error {
			for i, id := range []string{"past", "closed", "next"} {
				js := store.JurySession{ID: id, BranchID: "b1", StartsAt: t0.Add(time.Duration(i-1) * 48 * time.Hour), Place: "Paris", Quorum: 4,
					Status: store.JuryPlanned, CreatedAt: t0}
				if err := q.CreateJurySession(ctx, js); err != nil {
					return err
				}
			}
			if err := q.AddJuryCandidate(ctx, "next", "e1"); err != nil {
				return err
			}
			if err := q.SetJurySessionStatus(ctx, "closed", store.JuryPlanned, store.JuryDeliberating); err != nil {
				return err
			}
			return q.CloseJurySession(ctx, "closed", `{"large":"snapshot"}`, t0, "president")
		})
		if err != nil {
			t.Fatal(err)
		}
		got, err := s.Read().UpcomingJurySessions(ctx, t0.Add(time.Hour))
		if err != nil || len(got) != 1 || got[0].ID != "next" || got[0].Candidates != 1 || got[0].Snapshot != "" {
			t.Fatalf("upcoming sessions: %v %+v", err, got)
		}
		closed, err := s.Read().ClosedSessionsWithoutDocuments(ctx)
		if err != nil || len(closed) != 0 {
			t.Fatalf("a closed session that judged nobody has no document to issue: %v %+v", err, closed)
		}
		if err := s.Write(ctx, func(q store.Q) error { return q.AddJuryCandidate(ctx, "closed", "e2") }); err != nil {
			t.Fatal(err)
		}
		closed, err = s.Read().ClosedSessionsWithoutDocuments(ctx)
		if err != nil || len(closed) != 1 || closed[0].ID != "closed" || !closed[0].StartsAt.Equal(t0) {
			t.Fatalf("closed sessions without documents: %v %+v", err, closed)
		}
		up, err := s.Read().UpcomingJurySessionsOfEnrolment(ctx, "e1", t0)
		if err != nil || len(up) != 1 || up[0].ID != "next" {
			t.Fatalf("upcoming sessions of e1: %v %+v", err, up)
		}
		if up, _ := s.Read().UpcomingJurySessionsOfEnrolment(ctx, "e2", t0); len(up) != 0 {
			t.Fatalf("e2 is presented to no session: %+v", up)
		}
	})
}
