package store_test

import (
	"context"
	"slices"
	"sync"
	"testing"
	"time"

	"cqp/internal/store"
	"cqp/internal/store/storetest"
)

func TestResetRequestsAreCountedOneAfterTheOther(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		count := func(key string, at time.Time) (int, error) {
			var n int
			err := s.Write(ctx, func(q store.Q) error {
				var err error
				n, err = q.CountResetRequest(ctx, key, at, time.Hour)
				return err
			})
			return n, err
		}

		t.Run("parallel requests each get their own count", func(t *testing.T) {
			var mu sync.Mutex
			var got []int
			var wg sync.WaitGroup
			for i := 0; i < 30; i++ {
				wg.Add(1)
				go func() {
					defer wg.Done()
					n, err := count("reset-account:a@exemple.fr", t0)
					if err != nil {
						t.Error(err)
						return
					}
					mu.Lock()
					got = append(got, n)
					mu.Unlock()
				}()
			}
			wg.Wait()
			slices.Sort(got)
			for i, n := range got {
				if n != i+1 {
					t.Fatalf("counts %v, want 1 to 30 each once", got)
				}
			}
		})

		t.Run("a request after the window starts a new count", func(t *testing.T) {
			for _, at := range []time.Time{t0, t0.Add(30 * time.Minute)} {
				if _, err := count("reset-ip:192.0.2.1", at); err != nil {
					t.Fatal(err)
				}
			}
			n, err := count("reset-ip:192.0.2.1", t0.Add(61*time.Minute))
			if err != nil || n != 1 {
				t.Fatalf("count %d, %v; want 1", n, err)
			}
		})
	})
}
