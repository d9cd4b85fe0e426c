package store_test

import (
	"context"
	"log/slog"
	"testing"
	"time"

	"cqp/internal/demo"
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
