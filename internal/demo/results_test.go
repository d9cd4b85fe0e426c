package demo

import (
	"context"
	"slices"
	"testing"

	"cqp/internal/domain"
	"cqp/internal/service"
	"cqp/internal/store"
)

// DOMAIN.md §7 rule 4: a result exists only through a closed jury session.
func checkResultsComeFromClosedJurySessions(t *testing.T, d loadedDemo) {
	ctx, s, svc := context.Background(), d.s, d.svc
	secretariat := actorOf(t, svc, SecretariatEmail)
	q := s.Read()
	page, err := svc.Candidates(ctx, secretariat, store.CandidateFilter{Limit: 200})
	if err != nil {
		t.Fatal(err)
	}
	outcomes := map[domain.EnrolmentStatus]int{}
	heldBack := 0 // candidates awaiting the jury short of a gate: the demo holds one back
	routes := map[domain.EnrolmentStatus]map[domain.Route]bool{}
	for _, r := range page.Rows {
		st := r.Enrolment.Status
		if !isOutcome(st) && st != domain.StatusAwaitingJury {
			continue
		}
		c, err := svc.Candidate(ctx, secretariat, r.Candidate.ID)
		if err != nil {
			t.Fatal(err)
		}
		i := slices.IndexFunc(c.Enrolments, func(e domain.Enrolment) bool { return e.ID == r.Enrolment.ID })
		e := c.Enrolments[i]
		name := c.DisplayName() + " (" + string(e.Route) + ", " + string(st) + ")"

		t.Run(name+" meets the gates before the jury", func(t *testing.T) {
			if short := checkGates(t, svc, q, secretariat, e); short {
				heldBack++
				if st != domain.StatusAwaitingJury || heldBack > 1 {
					t.Errorf("%s is short of internship without a derogation (%d such candidates, one is the demo's held back)", name, heldBack)
				}
			}
		})
		if !isOutcome(st) {
			continue
		}
		outcomes[st]++
		if routes[st] == nil {
			routes[st] = map[domain.Route]bool{}
		}
		routes[st][e.Route] = true

		t.Run(name+" holds the outcome a closed jury session gave", func(t *testing.T) {
			sessions, err := q.JurySessionsOfEnrolment(ctx, e.ID)
			if err != nil {
				t.Fatal(err)
			}
			if len(sessions) == 0 {
				t.Fatal("presented to no jury session")
			}
			last := sessions[len(sessions)-1]
			if last.Status != store.JuryClosed {
				t.Fatalf("its last session, on %s, is %s", last.StartsAt, last.Status)
			}
			presented, err := q.JuryCandidates(ctx, last.ID)
			if err != nil {
				t.Fatal(err)
			}
			j := slices.IndexFunc(presented, func(p store.JuryCandidate) bool { return p.EnrolmentID == e.ID })
			if j < 0 || presented[j].Outcome != string(st) {
				t.Fatalf("the session of %s gives it %+v, its status is %s", last.StartsAt, presented, st)
			}
			closed := map[string]bool{}
			for _, js := range sessions {
				closed[js.ID] = js.Status == store.JuryClosed
			}
			acquired, err := q.AcquiredBlocks(ctx, e.ID)
			if err != nil {
				t.Fatal(err)
			}
			for _, b := range acquired {
				if !closed[b.SessionID] || !slices.Contains(e.Blocks, b.BlockCode) {
					t.Errorf("block %s acquired at session %s, not one of its closed sessions or not presented", b.BlockCode, b.SessionID)
				}
			}
			switch n := len(acquired); {
			case st == domain.StatusCertified && n != len(e.Blocks):
				t.Errorf("certified with %d of its %d blocks acquired", n, len(e.Blocks))
			// On the blocs route's block stage, every chosen block acquired is still a
			// partial validation: the certificate comes at the final stage.
			case st == domain.StatusPartial && (n == 0 || n == len(e.Blocks) && e.Route != domain.RouteBlocs):
				t.Errorf("partial with %d of its %d blocks acquired", n, len(e.Blocks))
			case st == domain.StatusNotCertified && n != 0:
				t.Errorf("not certified with %d blocks acquired", n)
			}
			docs, err := svc.Certificates(ctx, secretariat, store.CertificateFilter{CandidateID: c.ID, Limit: 10})
			if err != nil {
				t.Fatal(err)
			}
			kinds := map[store.CertificateKind]int{}
			attested := map[string]bool{}
			for _, d := range docs.Items {
				if d.EnrolmentID != e.ID {
					continue
				}
				kinds[d.Kind]++
				// One attestation per acquired block (DOMAIN.md §5).
				if d.Kind == store.KindAttestation {
					if d.BlockCode == "" || attested[d.BlockCode] || !slices.ContainsFunc(acquired, func(b store.AcquiredBlock) bool { return b.BlockCode == d.BlockCode }) {
						t.Errorf("attestation %s of block %q: not one per acquired block", d.Number, d.BlockCode)
					}
					attested[d.BlockCode] = true
				}
			}
			switch {
			case st == domain.StatusCertified && kinds[store.KindCertificate] != 1:
				t.Errorf("certified with documents %v, want one certificate", kinds)
			case st == domain.StatusPartial && (kinds[store.KindAttestation] == 0 || kinds[store.KindCertificate] != 0):
				t.Errorf("partial with documents %v, want block attestations", kinds)
			case st == domain.StatusNotCertified && len(kinds) != 0:
				t.Errorf("not certified with documents %v", kinds)
			}
			orals, err := q.ListOrals(ctx, store.OralFilter{EnrolmentID: e.ID})
			if err != nil {
				t.Fatal(err)
			}
			for _, o := range orals {
				if o.StartsAt.After(clock) {
					t.Errorf("a result, and an oral still planned on %s", o.StartsAt)
				}
			}
		})
	}
	// The historical session judges the planned candidates (partial on every route,
	// certified on formation and VAE — the blocs route's block stage never certifies —, not
	// certified on formation and blocs), the recent one the actions'.
	if len(routes[domain.StatusPartial]) != len(domain.Routes) {
		t.Errorf("partial on the routes %v, want all three", routes[domain.StatusPartial])
	}
	if c := routes[domain.StatusCertified]; len(c) != 2 || c[domain.RouteBlocs] {
		t.Errorf("certified on the routes %v, want formation and VAE", c)
	}
	if outcomes[domain.StatusNotCertified] == 0 {
		t.Errorf("nobody is not certified: %v", outcomes)
	}
}

// checkGates checks what DOMAIN.md §7 rule 5 asks before the jury: continuous marks of at least
// the minimum (formation and blocs), the hours of training the route owes and the internship
// the public owes.
// checkGates checks the gates before the jury of an enrolment at the jury's door or beyond; a
// gate waived by a recorded derogation passes. It reports whether the internship is short
// without a derogation, which the caller allows for the one candidate the demo holds back.
func checkGates(t *testing.T, svc *service.Service, q store.Q, a domain.Actor, e domain.Enrolment) (shortInternship bool) {
	t.Helper()
	ctx := context.Background()
	f, err := svc.Followup(ctx, a, e.ID)
	if err != nil {
		t.Fatal(err)
	}
	derogations, err := q.GateDerogations(ctx, e.ID)
	if err != nil {
		t.Fatal(err)
	}
	waived := map[string]bool{}
	for _, d := range derogations {
		waived[string(d.Gate)] = true
	}
	if e.Route != domain.RouteVAE {
		ev, err := svc.ContinuousEvaluation(ctx, a, e.ID)
		if err != nil {
			t.Fatal(err)
		}
		marks := ev.Marks()
		for _, b := range e.Blocks {
			if m, ok := marks[b]; !ok || m < f.Framework.ContinuousMinimum {
				t.Errorf("block %s: continuous mark %v (given %v), minimum %v", b, m, ok, f.Framework.ContinuousMinimum)
			}
		}
		// The formation route owes the full path. The blocs route owes each block's own hours,
		// which the shipped framework does not give yet: the hours planned are done, the full
		// path by those who chose every block, a share per block by the blocs route's people.
		if f.Done < f.Planned || e.Route == domain.RouteFormation && f.Done < f.Framework.TrainingHours {
			t.Errorf("%d h of training done, %d planned, the path is %d h", f.Done, f.Planned, f.Framework.TrainingHours)
		}
	}
	internship := 0
	for _, in := range f.Internships {
		internship += in.Hours
	}
	if owesInternship(e.Public) && internship < f.Framework.InternshipHours && !waived["internship"] {
		return true
	}
	if f.HoursError == "" && !f.Hours.Met && !waived["internship"] && !waived["training_hours"] {
		t.Errorf("hours not met: %s", f.Hours.Explanation)
	}
	return false
}
