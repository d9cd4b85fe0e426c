package service

import (
	"context"
	"path/filepath"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"cqp/internal/store"
)

// openCountsStore is a migrated SQLite store of the test's own.
func openCountsStore(t *testing.T) *store.Store {
	t.Helper()
	st, err := store.Open(context.Background(), store.Options{SQLitePath: filepath.Join(t.TempDir(), "cqp.db")})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	if err := st.Migrate(context.Background()); err != nil {
		t.Fatal(err)
	}
	return st
}

func TestVerificationCountsStayBounded(t *testing.T) {
	ctx := context.Background()
	st := openCountsStore(t)
	t0 := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	c := newVerificationCounts(3, time.Minute)
	c.max = 2
	admit := func(ip string, at time.Time) bool {
		t.Helper()
		ok, err := c.admit(ctx, st, ip, at)
		if err != nil {
			t.Fatal(err)
		}
		return ok
	}

	t.Run("an address that finds the table full is counted in the database, limit included", func(t *testing.T) {
		admit("192.0.2.1", t0)
		admit("192.0.2.2", t0)
		for i := 1; i <= 4; i++ {
			if ok := admit("192.0.2.3", t0); ok != (i <= 3) {
				t.Fatalf("lookup %d from a third address admitted %v", i, ok)
			}
		}
		if c.size() != 2 {
			t.Fatalf("%d addresses in memory, at most 2", c.size())
		}
		n, _, err := st.Read().Hits(ctx, store.HitVerification+"192.0.2.3", t0, time.Minute)
		if err != nil || n != 4 {
			t.Fatalf("the database counts %d hits (%v), want 4", n, err)
		}
	})
	t.Run("a flush forgets the windows that are over", func(t *testing.T) {
		if err := c.flush(ctx, st, t0.Add(time.Second)); err != nil {
			t.Fatal(err)
		}
		if c.size() != 2 {
			t.Fatalf("%d addresses in memory after a flush within their window", c.size())
		}
		if err := c.flush(ctx, st, t0.Add(2*time.Minute)); err != nil {
			t.Fatal(err)
		}
		if c.size() != 0 {
			t.Fatalf("%d addresses in memory after their window", c.size())
		}
		if !admit("192.0.2.4", t0.Add(2*time.Minute)) || c.size() != 1 {
			t.Fatalf("a new address was not counted in memory: %d", c.size())
		}
	})
	t.Run("a flush that fails keeps its hits for the next one", func(t *testing.T) {
		at := t0.Add(2 * time.Minute)
		cancelled, cancel := context.WithCancel(ctx)
		cancel()
		if err := c.flush(cancelled, st, at); err == nil {
			t.Fatal("a flush on a cancelled context succeeded")
		}
		if err := c.flush(ctx, st, at); err != nil {
			t.Fatal(err)
		}
		n, _, err := st.Read().Hits(ctx, store.HitVerification+"192.0.2.4", at, time.Minute)
		if err != nil || n != 1 {
			t.Fatalf("the database counts %d hits (%v), want 1", n, err)
		}
	})
}

func TestVerificationCountsReadEachAddressOnce(t *testing.T) {
	ctx := context.Background()
	st := openCountsStore(t)
	t0 := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	const limit = 5
	// Another server has admitted all but one of the address's lookups.
	key := store.HitVerification + "192.0.2.9"
	if err := st.Write(ctx, func(q store.Q) error {
		_, _, err := q.AddHits(ctx, key, limit-1, t0, time.Minute)
		return err
	}); err != nil {
		t.Fatal(err)
	}

	t.Run("a read that fails leaves the address to the next lookup", func(t *testing.T) {
		c := newVerificationCounts(limit, time.Minute)
		cancelled, cancel := context.WithCancel(ctx)
		cancel()
		if _, err := c.admit(cancelled, st, "192.0.2.9", t0); err == nil {
			t.Fatal("a lookup whose read failed was answered")
		}
		if c.size() != 0 {
			t.Fatalf("%d addresses in memory after a failed read", c.size())
		}
		if ok, err := c.admit(ctx, st, "192.0.2.9", t0); err != nil || !ok {
			t.Fatalf("the next lookup: admitted %v, %v", ok, err)
		}
		if ok, err := c.admit(ctx, st, "192.0.2.9", t0); err != nil || ok {
			t.Fatalf("the lookup past the shared limit: admitted %v, %v", ok, err)
		}
	})
	t.Run("lookups that come at once from an address are admitted up to the shared count", func(t *testing.T) {
		c := newVerificationCounts(limit, time.Minute)
		var (
			wg       sync.WaitGroup
			admitted atomic.Int32
		)
		for range 20 {
			wg.Go(func() {
				ok, err := c.admit(ctx, st, "192.0.2.9", t0)
				if err != nil {
					t.Error(err)
				}
				if ok {
					admitted.Add(1)
				}
			})
		}
		wg.Wait()
		if n := admitted.Load(); n != 1 {
			t.Fatalf("%d of 20 lookups admitted, the shared count leaves 1", n)
		}
	})
}
