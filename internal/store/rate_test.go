package store_test

import (
	"context"
	"os"
	"sort"
	"sync"
	"testing"
	"time"

	"cqp/internal/store"
	"cqp/internal/store/storetest"
)

func TestRateCounters(t *testing.T) {
	ctx := context.Background()
	t0 := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		hit := func(key string, at time.Time) int {
			t.Helper()
			var n int
			if err := s.Write(ctx, func(q store.Q) error {
				var err error
				n, err = q.Hit(ctx, key, at, time.Minute)
				return err
			}); err != nil {
				t.Fatal(err)
			}
			return n
		}
		t.Run("hits are counted per key within the window, and a hit after it opens a new one", func(t *testing.T) {
			for i, want := range []int{1, 2, 3} {
				if n := hit(store.HitVerification+"192.0.2.1", t0.Add(time.Duration(i)*20*time.Second)); n != want {
					t.Fatalf("hit %d counted %d, want %d", i, n, want)
				}
			}
			if n := hit(store.HitVerification+"192.0.2.2", t0); n != 1 {
				t.Fatalf("another address starts at %d", n)
			}
			if n := hit(store.HitLoginAddress+"192.0.2.1", t0); n != 1 {
				t.Fatalf("another kind starts at %d", n)
			}
			if n := hit(store.HitVerification+"192.0.2.1", t0.Add(61*time.Second)); n != 1 {
				t.Fatalf("a hit after the window counted %d", n)
			}
			if n := hit(store.HitVerification+"192.0.2.1", t0.Add(62*time.Second)); n != 2 {
				t.Fatalf("the new window counted %d", n)
			}
		})
		t.Run("a hit taken back and a key forgotten count again from where they should", func(t *testing.T) {
			key := store.HitLoginAccount + "a@exemple.fr"
			hit(key, t0)
			hit(key, t0)
			if err := s.Write(ctx, func(q store.Q) error { return q.Unhit(ctx, key) }); err != nil {
				t.Fatal(err)
			}
			if n := hit(key, t0); n != 2 {
				t.Fatalf("after taking one back: %d", n)
			}
			if err := s.Write(ctx, func(q store.Q) error { return q.ForgetHits(ctx, key, t0.Add(-time.Hour)) }); err != nil {
				t.Fatal(err)
			}
			if n := hit(key, t0); n != 1 {
				t.Fatalf("after forgetting: %d", n)
			}
		})
		t.Run("parallel hits each get their own count", func(t *testing.T) {
			counts := parallelHits(t, []*store.Store{s}, store.HitOnlineVAERequest+"192.0.2.9", t0, 40)
			for i, n := range counts {
				if n != i+1 {
					t.Fatalf("counts %v: want 1…40 once each", counts)
				}
			}
		})
	})
}

// TestRateCountersHoldWithTwoServersOnPostgreSQL hits one key from two stores (two servers)
// on one PostgreSQL schema at once: every hit must get its own count.
func TestRateCountersHoldWithTwoServersOnPostgreSQL(t *testing.T) {
	base := os.Getenv(storetest.PostgresURLEnv)
	if base == "" {
		t.Skipf("%s is not set", storetest.PostgresURLEnv)
	}
	target := storetest.Target{Name: "postgres", Options: store.Options{PostgresURL: storetest.FreshSchema(t, base)}}
	first := storetest.Open(t, target)
	second := storetest.Open(t, target)
	counts := parallelHits(t, []*store.Store{first, second}, store.HitVerification+"192.0.2.7", time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC), 60)
	for i, n := range counts {
		if n != i+1 {
			t.Fatalf("counts %v: want 1…60 once each", counts)
		}
	}
}

// parallelHits fires n hits on key at once, spread over the stores, and returns the counts
// they got, sorted.
func parallelHits(t *testing.T, stores []*store.Store, key string, at time.Time, n int) []int {
	t.Helper()
	ctx := context.Background()
	var (
		wg     sync.WaitGroup
		mu     sync.Mutex
		counts []int
		start  = make(chan struct{})
	)
	for i := 0; i < n; i++ {
		wg.Add(1)
		go func(st *store.Store) {
			defer wg.Done()
			<-start
			var c int
			err := st.Write(ctx, func(q store.Q) error {
				var err error
				c, err = q.Hit(ctx, key, at, time.Hour)
				return err
			})
			mu.Lock()
			defer mu.Unlock()
			if err != nil {
				t.Error(err)
				return
			}
			counts = append(counts, c)
		}(stores[i%len(stores)])
	}
	close(start)
	wg.Wait()
	sort.Ints(counts)
	if len(counts) != n {
		t.Fatalf("%d hits counted of %d", len(counts), n)
	}
	return counts
}
