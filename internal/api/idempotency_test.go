package api_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"cqp/internal/api"
	"cqp/internal/domain"
	"cqp/internal/service"
)

// postWithKey sends body as JSON to h as the persona, with key as Idempotency-Key ("": none).
// A nil h is the fixture's API, whose answers are checked against the OpenAPI document.
func (f *fixture) postWithKey(t *testing.T, h http.Handler, persona, path, key string, body any) response {
	t.Helper()
	b, err := json.Marshal(body)
	must(t, err)
	req := httptest.NewRequest(http.MethodPost, path, bytes.NewReader(b))
	req.Header.Set("Authorization", "Bearer "+f.tokens[persona])
	req.Header.Set("Content-Type", "application/json")
	if key != "" {
		req.Header.Set(api.IdempotencyKeyHeader, key)
	}
	documented := h == nil
	if documented {
		h = f.handler
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	r := response{Status: rec.Code, Header: rec.Header(), Body: rec.Body.Bytes()}
	if documented {
		f.spec.checkResponse(t, http.MethodPost, path, r.Status, r.Header.Get("Content-Type"), r.Body)
	}
	return r
}

// sameAnswer fails unless replay is first again, byte for byte, marked as replayed.
func sameAnswer(t *testing.T, first, replay response) {
	t.Helper()
	if first.Header.Get(api.ReplayedHeader) != "" {
		t.Errorf("the first answer is marked %s", api.ReplayedHeader)
	}
	if replay.Header.Get(api.ReplayedHeader) != "true" {
		t.Errorf("the replay is not marked %s: %v", api.ReplayedHeader, replay.Header)
	}
	if replay.Status != first.Status || !bytes.Equal(replay.Body, first.Body) ||
		replay.Header.Get("Content-Type") != first.Header.Get("Content-Type") || replay.Header.Get("Location") != first.Header.Get("Location") {
		t.Errorf("replay %d %v\n%s\ndiffers from the first answer %d %v\n%s", replay.Status, replay.Header, replay.Body, first.Status, first.Header, first.Body)
	}
}

func TestIdempotencyKeys(t *testing.T) {
	eachStore(t, func(t *testing.T, f *fixture) {
		audited := func(action string) float64 {
			t.Helper()
			r := f.get(t, secretariat, "/api/v1/audit?action="+action)
			wantStatus(t, r, http.StatusOK)
			return r.JSON(t)["total"].(float64)
		}
		company := map[string]string{"name": "Courtage de la Reprise", "siret": validSIRET("5520000000007")}

		t.Run("the same key sent twice writes once and the retry gets the first answer byte for byte", func(t *testing.T) {
			before := audited("company.create")
			first := f.postWithKey(t, nil, secretariat, "/api/v1/companies", "cle-1", company)
			wantStatus(t, first, http.StatusCreated)
			again := f.postWithKey(t, nil, secretariat, "/api/v1/companies", "cle-1", company)
			sameAnswer(t, first, again)
			if n := audited("company.create"); n != before+1 {
				t.Errorf("company.create audited %v times, want %v", n, before+1)
			}
		})
		t.Run("the same key with another body or on another address is refused with a French problem", func(t *testing.T) {
			other := map[string]string{"name": "Autre courtier", "siret": validSIRET("5520000000008")}
			for _, path := range []string{"/api/v1/companies", "/api/v1/training-organisations"} {
				r := f.postWithKey(t, nil, secretariat, path, "cle-1", other)
				wantStatus(t, r, http.StatusUnprocessableEntity)
				if p := r.Problem(t); !strings.Contains(p.Detail, "Cette clé d'idempotence a déjà servi pour une autre requête") {
					t.Errorf("%s: detail = %q", path, p.Detail)
				}
			}
			if n := audited("company.create"); n != 2 {
				t.Errorf("company.create audited %v times, want 2 (fixture and first request)", n)
			}
		})
		t.Run("another user's identical key is their own", func(t *testing.T) {
			r := f.postWithKey(t, nil, ofA, "/api/v1/candidates", "cle-1", validCandidate(f))
			wantStatus(t, r, http.StatusCreated)
			if r.Header.Get(api.ReplayedHeader) != "" {
				t.Error("another user's request was answered from the first user's key")
			}
		})
		t.Run("a request refused as invalid is replayed, not judged again", func(t *testing.T) {
			body := validCandidate(f)
			body["birth_date"] = "03/11/1998"
			first := f.postWithKey(t, nil, ofA, "/api/v1/candidates", "cle-invalide", body)
			wantStatus(t, first, http.StatusUnprocessableEntity)
			sameAnswer(t, first, f.postWithKey(t, nil, ofA, "/api/v1/candidates", "cle-invalide", body))
		})
		t.Run("a malformed key is refused before anything runs", func(t *testing.T) {
			for _, key := range []string{"clé", "deux mots", strings.Repeat("k", 256)} {
				r := f.postWithKey(t, nil, secretariat, "/api/v1/companies", key, company)
				wantStatus(t, r, http.StatusBadRequest)
				if !strings.Contains(r.Problem(t).Detail, "Idempotency-Key") {
					t.Errorf("%q: detail = %q", key, r.Problem(t).Detail)
				}
			}
			wantStatus(t, f.postWithKey(t, nil, secretariat, "/api/v1/companies", strings.Repeat("k", 255), company), http.StatusConflict)
		})

		t.Run("a retry while the first request runs is told to come back, then gets the answer", func(t *testing.T) {
			started, release := make(chan struct{}), make(chan struct{})
			var runs atomic.Int32
			ap := api.New(f.svc, nil)
			ap.AddRouteForTest("POST", "/slow", service.ActCompanyManage, func(w http.ResponseWriter, r *http.Request, _ domain.Actor) error {
				runs.Add(1)
				close(started)
				<-release
				w.Header().Set("Content-Type", "application/json")
				w.Header().Set("Location", "/api/v1/slow/1")
				w.WriteHeader(http.StatusCreated)
				_, _ = w.Write([]byte(`{"id":"1"}` + "\n"))
				return nil
			})
			h := ap.Handler()
			firstDone := make(chan response)
			go func() { firstDone <- f.postWithKey(t, h, secretariat, "/api/v1/slow", "cle-lente", company) }()
			<-started
			during := f.postWithKey(t, h, secretariat, "/api/v1/slow", "cle-lente", company)
			close(release)
			first := <-firstDone
			wantStatus(t, during, http.StatusConflict)
			if during.Header.Get("Retry-After") == "" || !strings.Contains(during.Problem(t).Detail, "en cours") {
				t.Errorf("answer during the first request: %v %s", during.Header, during.Body)
			}
			wantStatus(t, first, http.StatusCreated)
			sameAnswer(t, first, f.postWithKey(t, h, secretariat, "/api/v1/slow", "cle-lente", company))
			if n := runs.Load(); n != 1 {
				t.Errorf("the handler ran %d times", n)
			}
		})
		t.Run("a key still running after some minutes was interrupted: the client must check the resource", func(t *testing.T) {
			started, release := make(chan struct{}), make(chan struct{})
			ap := api.New(f.svc, nil)
			ap.AddRouteForTest("POST", "/stuck", service.ActCompanyManage, func(w http.ResponseWriter, r *http.Request, _ domain.Actor) error {
				close(started)
				<-release
				w.WriteHeader(http.StatusNoContent)
				return nil
			})
			h := ap.Handler()
			firstDone := make(chan response)
			go func() { firstDone <- f.postWithKey(t, h, secretariat, "/api/v1/stuck", "cle-bloquee", company) }()
			<-started
			f.clock.advance(service.IdempotencyStaleAfter)
			r := f.postWithKey(t, h, secretariat, "/api/v1/stuck", "cle-bloquee", company)
			close(release)
			<-firstDone
			wantStatus(t, r, http.StatusConflict)
			if r.Header.Get("Retry-After") != "" || !strings.Contains(r.Problem(t).Detail, "Vérifiez l'état de la ressource") {
				t.Errorf("stale key: %v %s", r.Header, r.Body)
			}
		})
		t.Run("a large body reaches the handler whole, and an answer too large to keep still refuses duplicates", func(t *testing.T) {
			var runs atomic.Int32
			ap := api.New(f.svc, nil)
			ap.AddRouteForTest("POST", "/echo", service.ActCompanyManage, func(w http.ResponseWriter, r *http.Request, _ domain.Actor) error {
				runs.Add(1)
				b, err := io.ReadAll(r.Body)
				if err != nil {
					return err
				}
				w.Header().Set("Content-Type", "application/json")
				_, _ = w.Write(b)
				return nil
			})
			h := ap.Handler()
			big := map[string]string{"data": strings.Repeat("é", api.MaxBodyBytes)}
			sent, err := json.Marshal(big)
			must(t, err)
			first := f.postWithKey(t, h, secretariat, "/api/v1/echo", "cle-volumineuse", big)
			wantStatus(t, first, http.StatusOK)
			if !bytes.Equal(first.Body, sent) {
				t.Fatalf("the handler read %d bytes, %d were sent", len(first.Body), len(sent))
			}
			again := f.postWithKey(t, h, secretariat, "/api/v1/echo", "cle-volumineuse", big)
			wantStatus(t, again, http.StatusConflict)
			if !strings.Contains(again.Problem(t).Detail, "trop volumineuse") || runs.Load() != 1 {
				t.Errorf("after %d runs: %s", runs.Load(), again.Body)
			}
		})
		t.Run("a server error forgets the key, so that the retry runs again", func(t *testing.T) {
			var runs atomic.Int32
			ap := api.New(f.svc, nil)
			ap.AddRouteForTest("POST", "/flaky", service.ActCompanyManage, func(w http.ResponseWriter, r *http.Request, _ domain.Actor) error {
				if runs.Add(1) == 1 {
					return errors.New("database went away")
				}
				w.WriteHeader(http.StatusNoContent)
				return nil
			})
			h := ap.Handler()
			wantStatus(t, f.postWithKey(t, h, secretariat, "/api/v1/flaky", "cle-instable", company), http.StatusInternalServerError)
			wantStatus(t, f.postWithKey(t, h, secretariat, "/api/v1/flaky", "cle-instable", company), http.StatusNoContent)
			if r := f.postWithKey(t, h, secretariat, "/api/v1/flaky", "cle-instable", company); r.Status != http.StatusNoContent || runs.Load() != 2 {
				t.Errorf("third request: %d after %d runs", r.Status, runs.Load())
			}
		})
		t.Run("keys older than a day are purged and the request runs again", func(t *testing.T) {
			f.clock.advance(service.IdempotencyKeyLifetime + time.Minute)
			n, err := f.svc.PurgeIdempotencyKeys(f.ctx)
			if err != nil || n < 4 {
				t.Fatalf("purged %d keys, %v", n, err)
			}
			r := f.postWithKey(t, nil, secretariat, "/api/v1/companies", "cle-1", company)
			wantStatus(t, r, http.StatusConflict) // the SIRET is now taken: the request ran again
			if r.Header.Get(api.ReplayedHeader) != "" || !strings.Contains(r.Problem(t).Errors["siret"], "SIRET") {
				t.Errorf("after the purge: %v %s", r.Header, r.Body)
			}
		})
	})
}
