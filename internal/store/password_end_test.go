package store_test

import (
	"context"
	"testing"
	"time"

	"cqp/internal/domain"
	"cqp/internal/store"
	"cqp/internal/store/storetest"
)

func TestANewPasswordMovesTheSessionGenerationOnAndResetEndsTokens(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		u := domain.User{ID: "u1", Email: "a@exemple.fr", Name: "A", CreatedAt: t0}
		err := s.Write(ctx, func(q store.Q) error {
			if err := q.CreateUser(ctx, u); err != nil {
				return err
			}
			for _, id := range []string{"t1", "t2"} {
				if err := q.CreateAPIToken(ctx, store.APIToken{ID: id, UserID: u.ID, Name: id, Hash: "h" + id, CreatedAt: t0, ExpiresAt: t0.AddDate(0, 0, 90)}); err != nil {
					return err
				}
			}
			return q.RevokeAPIToken(ctx, u.ID, "t2", t0)
		})
		if err != nil {
			t.Fatal(err)
		}
		for want := 1; want <= 2; want++ {
			var got int
			if err := s.Write(ctx, func(q store.Q) error { got, err = q.SetPasswordHash(ctx, u.ID, "hash"); return err }); err != nil {
				t.Fatal(err)
			}
			read, err := s.Read().UserByID(ctx, u.ID)
			if err != nil || got != want || read.SessionGeneration != want {
				t.Fatalf("generation %d, read %d, %v; want %d", got, read.SessionGeneration, err, want)
			}
		}
		var ended int
		at := t0.Add(time.Hour)
		if err := s.Write(ctx, func(q store.Q) error {
			ended, err = q.RevokeAPITokensOfUser(ctx, u.ID, store.RevokedByReset, at)
			return err
		}); err != nil {
			t.Fatal(err)
		}
		tokens, err := s.Read().APITokensOfUser(ctx, u.ID)
		if err != nil || ended != 1 || len(tokens) != 2 {
			t.Fatalf("ended %d, tokens %+v, %v", ended, tokens, err)
		}
		for _, tk := range tokens {
			wantReason := map[string]string{"t1": store.RevokedByReset, "t2": ""}[tk.ID]
			if tk.RevokeReason != wantReason || tk.RevokedAt == nil || !tk.ExpiresAt.Equal(t0.AddDate(0, 0, 90)) {
				t.Errorf("token %s: reason %q, revoked %v, expires %v", tk.ID, tk.RevokeReason, tk.RevokedAt, tk.ExpiresAt)
			}
		}
	})
}
