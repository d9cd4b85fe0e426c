package store_test

import (
	"bytes"
	"context"
	"testing"
	"time"

	"cqp/internal/store"
	"cqp/internal/store/storetest"
)

func TestIdempotencyKeys(t *testing.T) {
	ctx := context.Background()
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		reserve := func(user, key string, at time.Time) (store.IdempotencyKey, bool) {
			t.Helper()
			var (
				k  store.IdempotencyKey
				ok bool
			)
			if err := s.Write(ctx, func(q store.Q) error {
				var err error
				k, ok, err = q.ReserveIdempotencyKey(ctx, store.IdempotencyKey{UserID: user, Key: key, Method: "POST",
					Path: "/api/v1/companies", BodySHA256: "abc", CreatedAt: at})
				return err
			}); err != nil {
				t.Fatal(err)
			}
			return k, ok
		}
		write := func(fn func(q store.Q) error) {
			t.Helper()
			if err := s.Write(ctx, fn); err != nil {
				t.Fatal(err)
			}
		}

		t.Run("a key is reserved once per user and then returns the row that holds it", func(t *testing.T) {
			if _, ok := reserve("u1", "k1", t0); !ok {
				t.Fatal("first reservation refused")
			}
			held, ok := reserve("u1", "k1", t0.Add(time.Second))
			if ok || !held.Running() || held.BodySHA256 != "abc" || !held.CreatedAt.Equal(t0) || held.FinishedAt != nil {
				t.Fatalf("second reservation: ok %v, held %+v", ok, held)
			}
			if _, ok := reserve("u2", "k1", t0); !ok {
				t.Fatal("another user's key with the same value was refused")
			}
		})
		t.Run("a finished key returns its answer byte for byte, or none when not kept", func(t *testing.T) {
			body := []byte("{\"id\":\"é\"}\n\x00")
			write(func(q store.Q) error {
				return q.FinishIdempotencyKey(ctx, store.IdempotencyKey{UserID: "u1", Key: "k1", Status: 201,
					ContentType: "application/json", Location: "/api/v1/companies/x", Body: body, Kept: true}, t0.Add(time.Minute))
			})
			held, ok := reserve("u1", "k1", t0)
			if ok || held.Running() || held.Status != 201 || !held.Kept || !bytes.Equal(held.Body, body) ||
				held.ContentType != "application/json" || held.Location != "/api/v1/companies/x" || !held.FinishedAt.Equal(t0.Add(time.Minute)) {
				t.Fatalf("held %+v", held)
			}
			reserve("u1", "big", t0)
			write(func(q store.Q) error {
				return q.FinishIdempotencyKey(ctx, store.IdempotencyKey{UserID: "u1", Key: "big", Status: 200, ContentType: "application/json"}, t0)
			})
			if held, _ := reserve("u1", "big", t0); held.Kept || held.Body != nil || held.Status != 200 {
				t.Fatalf("answer not kept: %+v", held)
			}
			reserve("u1", "empty", t0)
			write(func(q store.Q) error {
				return q.FinishIdempotencyKey(ctx, store.IdempotencyKey{UserID: "u1", Key: "empty", Status: 204, Kept: true}, t0)
			})
			if held, _ := reserve("u1", "empty", t0); !held.Kept || len(held.Body) != 0 {
				t.Fatalf("empty answer: %+v", held)
			}
		})
		t.Run("a finished key is neither finished again nor released", func(t *testing.T) {
			if err := s.Write(ctx, func(q store.Q) error {
				return q.FinishIdempotencyKey(ctx, store.IdempotencyKey{UserID: "u1", Key: "k1", Status: 500, Kept: true}, t0)
			}); err == nil {
				t.Fatal("a finished key was finished again")
			}
			write(func(q store.Q) error { return q.ReleaseIdempotencyKey(ctx, "u1", "k1") })
			if held, ok := reserve("u1", "k1", t0); ok || held.Status != 201 {
				t.Fatalf("after release: ok %v, %+v", ok, held)
			}
		})
		t.Run("a running key released can be reserved again", func(t *testing.T) {
			reserve("u3", "k", t0)
			write(func(q store.Q) error { return q.ReleaseIdempotencyKey(ctx, "u3", "k") })
			if _, ok := reserve("u3", "k", t0); !ok {
				t.Fatal("released key still held")
			}
		})
		t.Run("the purge removes the keys created before its limit, running or finished", func(t *testing.T) {
			reserve("u4", "recent", t0.Add(48*time.Hour))
			var n int
			write(func(q store.Q) error {
				var err error
				n, err = q.PurgeIdempotencyKeys(ctx, t0.Add(24*time.Hour))
				return err
			})
			if n != 5 {
				t.Fatalf("purged %d keys, want 5", n)
			}
			if _, ok := reserve("u1", "k1", t0); !ok {
				t.Fatal("a purged key is still held")
			}
			if _, ok := reserve("u4", "recent", t0); ok {
				t.Fatal("a recent key was purged")
			}
		})
	})
}
