package api_test

import (
	"bytes"
	"net/http"
	"strings"
	"testing"

	"cqp/internal/api"
	"cqp/internal/domain"
	"cqp/internal/service"
)

func TestAuthentication(t *testing.T) {
	eachStore(t, func(t *testing.T, f *fixture) {
		t.Run("a request without a token is refused with 401 and a Bearer challenge", func(t *testing.T) {
			r := f.get(t, "", "/api/v1/me")
			wantStatus(t, r, http.StatusUnauthorized)
			if got := r.Header.Get("WWW-Authenticate"); got != `Bearer realm="cqp"` {
				t.Errorf("WWW-Authenticate = %q", got)
			}
			p := r.Problem(t)
			if p.Type != "urn:cqp:problem:unauthorized" || p.Title != "Authentification requise" || !strings.Contains(p.Detail, "Authorization: Bearer") {
				t.Errorf("problem = %+v", p)
			}
		})
		t.Run("an unknown token is refused with 401", func(t *testing.T) {
			r := f.send(t, http.MethodGet, "/api/v1/me", "cqp_"+strings.Repeat("x", 32), "", nil)
			wantStatus(t, r, http.StatusUnauthorized)
			if p := r.Problem(t); !strings.Contains(p.Detail, "Jeton d'API inconnu ou révoqué") {
				t.Errorf("detail = %q", p.Detail)
			}
		})
		t.Run("a token sent with another scheme than Bearer is refused with 401", func(t *testing.T) {
			r := f.sendAuth(t, http.MethodGet, "/api/v1/me", "Basic "+f.tokens[secretariat], "", nil)
			wantStatus(t, r, http.StatusUnauthorized)
			if p := r.Problem(t); !strings.Contains(p.Detail, "« Bearer <jeton> »") {
				t.Errorf("detail = %q", p.Detail)
			}
		})
		t.Run("the token acts for its owner with the owner's roles", func(t *testing.T) {
			r := f.get(t, ofA, "/api/v1/me")
			wantStatus(t, r, http.StatusOK)
			me := r.JSON(t)
			roles := me["roles"].([]any)
			if me["email"] != "ofa@example.fr" || len(roles) != 1 {
				t.Fatalf("me = %v", me)
			}
			role := roles[0].(map[string]any)
			if role["role"] != "training_organisation" || role["scope_id"] != f.orgA.ID || role["scope_name"] != "Institut Alpha" ||
				role["label"] != "Organisme de formation" {
				t.Errorf("role = %v", role)
			}
			if r.Header.Get("Cache-Control") != "no-store" {
				t.Errorf("Cache-Control = %q, want no-store on an authenticated answer", r.Header.Get("Cache-Control"))
			}
		})
		t.Run("a role given to the account reaches its existing tokens at once", func(t *testing.T) {
			u := f.users[branch]
			wantStatus(t, f.get(t, branch, "/api/v1/users"), http.StatusForbidden)
			must(t, f.svc.AddRole(f.ctx, f.sys, u.ID, domain.RoleAssignment{Role: domain.RoleSecretariat}))
			wantStatus(t, f.get(t, branch, "/api/v1/users"), http.StatusOK)
		})
		t.Run("a revoked token is refused with 401", func(t *testing.T) {
			a := f.actor(t, secretariat)
			token, tok, err := f.svc.CreateAPIToken(f.ctx, a, "à révoquer", service.DefaultAPITokenDays)
			must(t, err)
			wantStatus(t, f.send(t, http.MethodGet, "/api/v1/me", token, "", nil), http.StatusOK)
			must(t, f.svc.RevokeAPIToken(f.ctx, a, tok.ID))
			wantStatus(t, f.send(t, http.MethodGet, "/api/v1/me", token, "", nil), http.StatusUnauthorized)
		})
		t.Run("the token of a disabled account is refused with 401", func(t *testing.T) {
			must(t, f.svc.SetUserDisabled(f.ctx, f.sys, f.users[ofA].ID, true, "départ de l'organisme"))
			r := f.get(t, ofA, "/api/v1/candidates")
			wantStatus(t, r, http.StatusUnauthorized)
			if p := r.Problem(t); !strings.Contains(p.Detail, "désactivé") {
				t.Errorf("detail = %q", p.Detail)
			}
		})
		t.Run("the OpenAPI document is public", func(t *testing.T) {
			r := f.get(t, "", "/api/v1/openapi.yaml")
			wantStatus(t, r, http.StatusOK)
			if r.Header.Get("Content-Type") != "application/yaml" || !bytes.Equal(r.Body, api.OpenAPI()) {
				t.Errorf("Content-Type %q, %d bytes", r.Header.Get("Content-Type"), len(r.Body))
			}
		})
	})
}

func TestRolesAndScopes(t *testing.T) {
	eachStore(t, func(t *testing.T, f *fixture) {
		t.Run("a candidate's token may not list accounts: 403", func(t *testing.T) {
			r := f.get(t, candidate, "/api/v1/users")
			wantStatus(t, r, http.StatusForbidden)
			if p := r.Problem(t); p.Type != "urn:cqp:problem:forbidden" || p.Detail != "Votre rôle ne permet pas cette action." {
				t.Errorf("problem = %+v", p)
			}
		})
		t.Run("a training organisation may not create another organisation: 403", func(t *testing.T) {
			r := f.post(t, ofA, "/api/v1/training-organisations", map[string]string{"name": "Intrus", "siret": validSIRET("4410000000009")})
			wantStatus(t, r, http.StatusForbidden)
		})
		t.Run("a training organisation reading another organisation's candidate gets 404", func(t *testing.T) {
			for _, path := range []string{"/api/v1/candidates/" + f.candidate.ID, "/api/v1/candidates/" + f.candidate.ID + "/timeline"} {
				r := f.get(t, ofA, path)
				wantStatus(t, r, http.StatusNotFound)
				if p := r.Problem(t); p.Type != "urn:cqp:problem:not-found" {
					t.Errorf("%s: problem = %+v", path, p)
				}
			}
		})
		t.Run("the candidates list of a training organisation holds its own candidates only", func(t *testing.T) {
			r := f.get(t, ofA, "/api/v1/candidates")
			wantStatus(t, r, http.StatusOK)
			if page := r.JSON(t); page["total"] != 0.0 || len(page["items"].([]any)) != 0 {
				t.Errorf("organisation A sees %v", page)
			}
			r = f.get(t, ofB, "/api/v1/candidates")
			wantStatus(t, r, http.StatusOK)
			items := r.Items(t)
			if len(items) != 1 || items[0]["id"] != f.candidate.ID {
				t.Fatalf("organisation B sees %v", items)
			}
			e := items[0]["enrolment"].(map[string]any)
			if e["qualification_code"] != "CC" || e["route"] != "formation" || e["training_organisation_name"] != "Formation Bêta" {
				t.Errorf("enrolment = %v", e)
			}
		})
		t.Run("the organisation of the candidate reads the file with its enrolments", func(t *testing.T) {
			r := f.get(t, ofB, "/api/v1/candidates/"+f.candidate.ID)
			wantStatus(t, r, http.StatusOK)
			c := r.JSON(t)
			if c["birth_name"] != "Lefèvre" || c["birth_date"] != "1995-04-12" || c["display_name"] != "Éloïse LEFÈVRE" || c["used_name"] != nil {
				t.Errorf("candidate = %v", c)
			}
			es := c["enrolments"].([]any)
			if len(es) != 1 {
				t.Fatalf("enrolments = %v", es)
			}
			e := es[0].(map[string]any)
			blocks := e["blocks"].([]any)
			if len(blocks) != 7 || e["company"].(map[string]any)["name"] != "Cabinet Durand Courtage" || len(e["history"].([]any)) != 1 {
				t.Errorf("enrolment = %v", e)
			}
		})
		t.Run("the candidate reads their own file but not the list", func(t *testing.T) {
			wantStatus(t, f.get(t, candidate, "/api/v1/candidates/"+f.candidate.ID), http.StatusOK)
			wantStatus(t, f.get(t, candidate, "/api/v1/candidates"), http.StatusForbidden)
		})
		t.Run("a training organisation sees only itself among organisations", func(t *testing.T) {
			items := f.get(t, ofA, "/api/v1/training-organisations").Items(t)
			if len(items) != 1 || items[0]["id"] != f.orgA.ID {
				t.Errorf("organisation A sees %v", items)
			}
			wantStatus(t, f.get(t, ofA, "/api/v1/training-organisations/"+f.orgB.ID), http.StatusNotFound)
			r := f.get(t, ofA, "/api/v1/training-organisations/"+f.orgA.ID)
			wantStatus(t, r, http.StatusOK)
			accs := r.JSON(t)["accreditations"].([]any)
			if len(accs) != 1 || accs[0].(map[string]any)["valid_until"] != "2027-12-31" {
				t.Errorf("accreditations = %v", accs)
			}
		})
		t.Run("the branch reads the audit trail and the candidate may not", func(t *testing.T) {
			wantStatus(t, f.get(t, branch, "/api/v1/audit"), http.StatusOK)
			wantStatus(t, f.get(t, candidate, "/api/v1/audit"), http.StatusForbidden)
		})
	})
}

func TestUnknownAddressesAndMethods(t *testing.T) {
	eachStore(t, func(t *testing.T, f *fixture) {
		t.Run("an unknown address is a 404 problem", func(t *testing.T) {
			r := f.get(t, secretariat, "/api/v1/candidats")
			wantStatus(t, r, http.StatusNotFound)
			if p := r.Problem(t); !strings.Contains(p.Detail, "openapi.yaml") {
				t.Errorf("detail = %q", p.Detail)
			}
		})
		t.Run("a method the address does not accept is a 405 problem listing the accepted ones", func(t *testing.T) {
			r := f.send(t, http.MethodDelete, "/api/v1/candidates/"+f.candidate.ID, f.tokens[secretariat], "", nil)
			wantStatus(t, r, http.StatusMethodNotAllowed)
			if got := r.Header.Get("Allow"); got != "GET, HEAD" {
				t.Errorf("Allow = %q", got)
			}
			r = f.send(t, http.MethodPut, "/api/v1/companies", f.tokens[secretariat], "", nil)
			if got := r.Header.Get("Allow"); r.Status != http.StatusMethodNotAllowed || got != "GET, POST, HEAD" {
				t.Errorf("status %d, Allow = %q", r.Status, got)
			}
		})
	})
}
