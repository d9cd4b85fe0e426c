package api_test

import (
	"net/http"
	"strings"
	"testing"
	"time"
)

func TestATokenSaysWhenItExpiresAndIsRefusedWithAFrenchProblemAfter(t *testing.T) {
	eachStore(t, func(t *testing.T, f *fixture) {
		token, tok, err := f.svc.CreateAPIToken(f.ctx, f.actor(t, secretariat), "trente jours", 30)
		must(t, err)
		if want := f.clock.now().AddDate(0, 0, 30); !tok.ExpiresAt.Equal(want) {
			t.Fatalf("expires at %v, want %v", tok.ExpiresAt, want)
		}
		me := f.send(t, http.MethodGet, "/api/v1/me", token, "", nil)
		wantStatus(t, me, http.StatusOK)
		f.spec.checkBody(t, "GET /api/v1/me", map[string]any{"$ref": "#/components/schemas/Me"}, me.Body)
		if got := me.JSON(t)["token"].(map[string]any); got["name"] != "trente jours" || got["expires_at"] != "2026-04-01T09:30:00Z" {
			t.Errorf("GET /me token = %v, want its expiry", got)
		}

		f.clock.advance(30*24*time.Hour - time.Minute)
		wantStatus(t, f.send(t, http.MethodGet, "/api/v1/me", token, "", nil), http.StatusOK)

		f.clock.advance(time.Minute)
		r := f.send(t, http.MethodGet, "/api/v1/me", token, "", nil)
		wantStatus(t, r, http.StatusUnauthorized)
		// 1 April 2026, 9:30 UTC, is 11:30 in Paris (summer time).
		if p := r.Problem(t); !strings.Contains(p.Detail, "Ce jeton d'API a expiré le 01/04/2026 à 11:30") ||
			!strings.Contains(p.Detail, "« Mon compte »") {
			t.Errorf("detail = %q", p.Detail)
		}
		// The other personas' tokens, made with the default lifetime, still work.
		wantStatus(t, f.get(t, ofA, "/api/v1/me"), http.StatusOK)
	})
}
