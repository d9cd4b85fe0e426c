package store_test

import (
	"context"
	"log/slog"
	"testing"
	"time"

	"cqp/internal/demo"
	"cqp/internal/domain"
	"cqp/internal/service"
	"cqp/internal/store"
)

// loadDemoAndSynthetic fills s with the demo data and n synthetic candidates drawn from seed:
// jury sessions closed through the service and in bulk, for the summary tables' equality tests.
func loadDemoAndSynthetic(t *testing.T, s *store.Store, n int, seed uint64) {
	t.Helper()
	ctx := context.Background()
	svc := service.New(s, time.Now, slog.New(slog.DiscardHandler), "")
	if _, err := demo.Load(ctx, svc); err != nil {
		t.Fatal(err)
	}
	if err := demo.Synthetic(ctx, s, n, seed); err != nil {
		t.Fatal(err)
	}
}

// largestClosedSession is the closed jury session with the most candidates, and its
// candidates: the one the equality tests rectify.
func largestClosedSession(t *testing.T, q store.Q) (store.JurySession, []store.JuryCandidate) {
	t.Helper()
	ctx := context.Background()
	sessions, err := q.JurySessions(ctx)
	if err != nil {
		t.Fatal(err)
	}
	var target store.JurySession
	var presented []store.JuryCandidate
	for _, js := range sessions {
		if js.Status != store.JuryClosed {
			continue
		}
		cands, err := q.JuryCandidates(ctx, js.ID)
		if err != nil {
			t.Fatal(err)
		}
		if len(cands) > len(presented) {
			target, presented = js, cands
		}
	}
	if len(presented) < 10 {
		t.Fatalf("no closed session with candidates to rectify: %d", len(presented))
	}
	return target, presented
}

// summaryFilterParts are what the equality tests build their filters from: the
// qualifications, the training organisations, and the first and the last year of closed
// sessions as Paris-time ranges.
type summaryFilterParts struct {
	quals                 []store.QualificationRecord
	starts                []time.Time // the closed sessions' starts, in order
	orgs                  []domain.TrainingOrganisation
	firstFrom, firstUntil time.Time
	lastFrom, lastUntil   time.Time
}

func readSummaryFilterParts(t *testing.T, q store.Q) summaryFilterParts {
	t.Helper()
	ctx := context.Background()
	quals, err := q.Qualifications(ctx)
	if err != nil {
		t.Fatal(err)
	}
	orgs, err := q.ListTrainingOrganisations(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	starts, err := q.ClosedSessionStarts(ctx)
	if err != nil || len(starts) == 0 {
		t.Fatalf("closed sessions: %v %v", starts, err)
	}
	year := func(y int) (time.Time, time.Time) {
		return time.Date(y, 1, 1, 0, 0, 0, 0, domain.Paris()), time.Date(y+1, 1, 1, 0, 0, 0, 0, domain.Paris())
	}
	p := summaryFilterParts{quals: quals, orgs: orgs, starts: starts}
	p.lastFrom, p.lastUntil = year(starts[len(starts)-1].In(domain.Paris()).Year())
	p.firstFrom, p.firstUntil = year(starts[0].In(domain.Paris()).Year())
	return p
}
