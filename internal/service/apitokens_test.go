package service_test

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"strings"
	"sync"
	"testing"
	"time"

	"cqp/internal/domain"
	"cqp/internal/service"
	"cqp/internal/store"
	"cqp/internal/store/storetest"
)

type tokenClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *tokenClock) now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *tokenClock) advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

func tokenMust(t testing.TB, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

func tokenWantCode(t testing.TB, err error, code string) {
	t.Helper()
	if got := domain.ErrorCode(err); got != code {
		t.Fatalf("error %v has code %q, want %q", err, got, code)
	}
}

// tokenOwner creates an account with one role and returns its actor.
func tokenOwner(t testing.TB, ctx context.Context, svc *service.Service, email string, role domain.RoleAssignment) domain.Actor {
	t.Helper()
	u, err := svc.CreateUser(ctx, domain.SystemActor("test"), service.UserInput{Email: email, Name: "Compte " + email,
		Roles: []domain.RoleAssignment{role}})
	tokenMust(t, err)
	a, err := svc.Actor(ctx, u.ID, "")
	tokenMust(t, err)
	return a
}

func TestAPITokens(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		clk := &tokenClock{t: time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)}
		svc := service.New(st, clk.now, nil, "http://cqp.test")
		owner := tokenOwner(t, ctx, svc, "secretariat@example.fr", domain.RoleAssignment{Role: domain.RoleSecretariat})
		other := tokenOwner(t, ctx, svc, "branche@example.fr", domain.RoleAssignment{Role: domain.RoleBranch})

		secret, tok, err := svc.CreateAPIToken(ctx, owner, "  Export annuel  ", service.DefaultAPITokenDays)
		tokenMust(t, err)

		t.Run("the secret is shown once with its prefix and only its hash is kept", func(t *testing.T) {
			sum := sha256.Sum256([]byte(secret))
			if !strings.HasPrefix(secret, service.APITokenPrefix) || len(secret) < 30 {
				t.Errorf("secret %q", secret)
			}
			if tok.Hash != hex.EncodeToString(sum[:]) || strings.Contains(tok.Hash, secret) || tok.Name != "Export annuel" {
				t.Errorf("token = %+v", tok)
			}
			list, err := svc.APITokens(ctx, owner)
			tokenMust(t, err)
			if len(list) != 1 || list[0].ID != tok.ID || list[0].LastUsedAt != nil {
				t.Errorf("list = %+v", list)
			}
			theirs, err := svc.APITokens(ctx, other)
			tokenMust(t, err)
			if len(theirs) != 0 {
				t.Errorf("another account sees %+v", theirs)
			}
		})
		t.Run("the token acts for its owner with the owner's roles and the request id", func(t *testing.T) {
			a, err := svc.ActorForAPIToken(ctx, secret, "req-1")
			tokenMust(t, err)
			if a.UserID != owner.UserID || !a.Has(domain.RoleSecretariat) || len(a.Roles) != 1 || a.RequestID != "req-1" || a.System {
				t.Errorf("actor = %+v", a)
			}
		})
		t.Run("its last use is recorded at most once a minute", func(t *testing.T) {
			lastUse := func() time.Time {
				list, err := svc.APITokens(ctx, owner)
				tokenMust(t, err)
				if list[0].LastUsedAt == nil {
					t.Fatal("last use not recorded")
				}
				return list[0].LastUsedAt.UTC()
			}
			first := lastUse()
			if !first.Equal(clk.now()) {
				t.Errorf("last use %v, want %v", first, clk.now())
			}
			clk.advance(40 * time.Second)
			_, err := svc.ActorForAPIToken(ctx, secret, "")
			tokenMust(t, err)
			if got := lastUse(); !got.Equal(first) {
				t.Errorf("a use 40 s later wrote %v", got)
			}
			clk.advance(30 * time.Second)
			_, err = svc.ActorForAPIToken(ctx, secret, "")
			tokenMust(t, err)
			if got := lastUse(); !got.Equal(clk.now()) {
				t.Errorf("a use 70 s later left %v, want %v", got, clk.now())
			}
		})
		t.Run("an unknown or malformed token is unauthorized", func(t *testing.T) {
			for _, bad := range []string{"", "cqp_", secret[len(service.APITokenPrefix):], secret + "x", strings.ToUpper(secret)} {
				_, err := svc.ActorForAPIToken(ctx, bad, "")
				tokenWantCode(t, err, domain.EUNAUTHORIZED)
			}
		})
		t.Run("a token name is required and bounded", func(t *testing.T) {
			for _, name := range []string{" ", strings.Repeat("é", 101)} {
				_, _, err := svc.CreateAPIToken(ctx, owner, name, service.DefaultAPITokenDays)
				tokenWantCode(t, err, domain.EINVALID)
				if err.(*domain.Error).Fields["name"] == "" {
					t.Errorf("no message for the name in %v", err)
				}
			}
		})
		t.Run("only an account may hold tokens", func(t *testing.T) {
			_, _, err := svc.CreateAPIToken(ctx, domain.SystemActor("cli"), "cli", service.DefaultAPITokenDays)
			tokenWantCode(t, err, domain.EFORBIDDEN)
			_, _, err = svc.CreateAPIToken(ctx, domain.Actor{}, "anonyme", service.DefaultAPITokenDays)
			tokenWantCode(t, err, domain.EUNAUTHORIZED)
		})
		t.Run("nobody revokes someone else's token", func(t *testing.T) {
			tokenWantCode(t, svc.RevokeAPIToken(ctx, other, tok.ID), domain.ENOTFOUND)
			_, err := svc.ActorForAPIToken(ctx, secret, "")
			tokenMust(t, err)
		})
		t.Run("a revoked token is unauthorized and cannot be revoked twice", func(t *testing.T) {
			tokenMust(t, svc.RevokeAPIToken(ctx, owner, tok.ID))
			_, err := svc.ActorForAPIToken(ctx, secret, "")
			tokenWantCode(t, err, domain.EUNAUTHORIZED)
			tokenWantCode(t, svc.RevokeAPIToken(ctx, owner, tok.ID), domain.ENOTFOUND)
			list, err := svc.APITokens(ctx, owner)
			tokenMust(t, err)
			if len(list) != 1 || list[0].RevokedAt == nil {
				t.Errorf("list = %+v", list)
			}
		})
		t.Run("creation and revocation are in the audit trail without the secret", func(t *testing.T) {
			entries, _, err := svc.Audit(ctx, owner, store.AuditFilter{EntityType: "api_token", EntityID: tok.ID})
			tokenMust(t, err)
			var actions []string
			for _, e := range entries {
				actions = append(actions, e.Action)
				if e.ActorID != owner.UserID || strings.Contains(e.Before+e.After, secret[4:]) || strings.Contains(e.Before+e.After, tok.Hash) {
					t.Errorf("entry = %+v", e)
				}
			}
			if strings.Join(actions, " ") != "api_token.revoke api_token.create" {
				t.Errorf("actions = %v", actions)
			}
			if entries[0].After != `{"name":"Export annuel","revoked":true}` {
				t.Errorf("revocation after = %s", entries[0].After)
			}
		})
		t.Run("a disabled owner's tokens are unauthorized", func(t *testing.T) {
			s2, _, err := svc.CreateAPIToken(ctx, other, "branche", service.DefaultAPITokenDays)
			tokenMust(t, err)
			tokenMust(t, svc.SetUserDisabled(ctx, domain.SystemActor("test"), other.UserID, true, "départ"))
			_, err = svc.ActorForAPIToken(ctx, s2, "")
			tokenWantCode(t, err, domain.EUNAUTHORIZED)
		})
		t.Run("an account holds at most 20 active tokens", func(t *testing.T) {
			a := tokenOwner(t, ctx, svc, "of@example.fr", domain.RoleAssignment{Role: domain.RoleSecretariat})
			var last store.APIToken
			for i := range 20 {
				_, tk, err := svc.CreateAPIToken(ctx, a, "jeton", service.DefaultAPITokenDays)
				tokenMust(t, err)
				if i == 0 {
					last = tk
				}
			}
			_, _, err := svc.CreateAPIToken(ctx, a, "un de trop", service.DefaultAPITokenDays)
			tokenWantCode(t, err, domain.ECONFLICT)
			tokenMust(t, svc.RevokeAPIToken(ctx, a, last.ID))
			_, _, err = svc.CreateAPIToken(ctx, a, "à la place", service.DefaultAPITokenDays)
			tokenMust(t, err)
		})
		t.Run("the account's own details come with its roles", func(t *testing.T) {
			u, err := svc.Me(ctx, owner)
			tokenMust(t, err)
			if u.Email != "secretariat@example.fr" || len(u.Roles) != 1 {
				t.Errorf("me = %+v", u)
			}
			_, err = svc.Me(ctx, domain.Actor{})
			tokenWantCode(t, err, domain.EUNAUTHORIZED)
		})
	})
}
