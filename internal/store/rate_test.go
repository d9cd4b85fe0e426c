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
		t.Run("hits added at once count like as many hits, and a read counts none", func(t *testing.T) {
			key := store.HitVerification + "192.0.2.3"
			read := func(at time.Time) (int, time.Time) {
				t.Helper()
				n, start, err := s.Read().Hits(ctx, key, at, time.Minute)
				if err != nil {
					t.Fatal(err)
				}
				return n, start
			}
			add := func(n int, at time.Time) (int, time.Time) {
				t.Helper()
				var (
					hits  int
					start time.Time
				)
				if err := s.Write(ctx, func(q store.Q) error {
					var err error
					hits, start, err = q.AddHits(ctx, key, n, at, time.Minute)
					return err
				}); err != nil {
					t.Fatal(err)
				}
				return hits, start
			}
			if n, start := read(t0); n != 0 || !start.Equal(t0) {
				t.Fatalf("an unknown key reads %d hits since %s", n, start)
			}
			if n, start := add(7, t0); n != 7 || !start.Equal(t0) {
				t.Fatalf("7 hits added: %d since %s", n, start)
			}
			if n := hit(key, t0.Add(10*time.Second)); n != 8 {
				t.Fatalf("one hit after them counted %d", n)
			}
			if n, start := add(5, t0.Add(20*time.Second)); n != 13 || !start.Equal(t0) {
				t.Fatalf("5 more: %d since %s, want 13 since the window's opening", n, start)
			}
			if n, start := read(t0.Add(30 * time.Second)); n != 13 || !start.Equal(t0) {
				t.Fatalf("read %d since %s", n, start)
			}
			if n, _ := read(t0.Add(61 * time.Second)); n != 0 {
				t.Fatalf("after the window, read %d", n)
			}
			if n, start := add(2, t0.Add(61*time.Second)); n != 2 || !start.Equal(t0.Add(61*time.Second)) {
				t.Fatalf("after the window, 2 hits: %d since %s", n, start)
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
