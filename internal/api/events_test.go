package api_test

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"reflect"
	"strings"
	"sync"
	"testing"

	"cqp/internal/api"
	"cqp/internal/domain"
	"cqp/internal/service"
	"cqp/internal/service/servicetest"
	"cqp/internal/store"
	"cqp/internal/store/storetest"
)

// TestTheChangeFeedPagesThroughTheCallersScope reads GET /api/v1/events as organisation A, two
// events a page: its candidate's events come, each once, and none of side B's; a bad cursor is
// a French 422; a webhook's delivery is the feed's item, byte for byte in JSON. Every answer is
// checked against openapi.yaml.
func TestTheChangeFeedPagesThroughTheCallersScope(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		w := servicetest.New(t, st)
		w.Service.SetEventSettle(0)
		s := loadSpec(t)
		h := api.New(w.Service, slog.New(slog.NewTextHandler(io.Discard, nil))).Handler()
		ofA := w.Actor(t, w.Accounts[domain.RoleTrainingOrganisation])
		token, _, err := w.Service.CreateAPIToken(ctx, ofA, "flux", service.DefaultAPITokenDays)
		if err != nil {
			t.Fatal(err)
		}
		call := func(t *testing.T, method, path, in string) (int, map[string]any) {
			t.Helper()
			req := httptest.NewRequest(method, path, strings.NewReader(in))
			req.Header.Set("Authorization", "Bearer "+token)
			req.Header.Set("Content-Type", "application/json")
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, req)
			s.checkResponse(t, method, path, rec.Code, rec.Header().Get("Content-Type"), rec.Body.Bytes())
			var body map[string]any
			if rec.Code != http.StatusNoContent {
				if err := json.Unmarshal(rec.Body.Bytes(), &body); err != nil {
					t.Fatalf("%s: %v", path, err)
				}
			}
			return rec.Code, body
		}
		get := func(t *testing.T, path string) (int, map[string]any) { return call(t, http.MethodGet, path, "") }

		items := map[string]map[string]any{}
		cursor := ""
		for page := 0; ; page++ {
			if page > 500 {
				t.Fatal("the feed never ends")
			}
			status, body := get(t, "/api/v1/events?limit=2&after="+url.QueryEscape(cursor))
			if status != http.StatusOK {
				t.Fatalf("%d %v", status, body)
			}
			list := body["items"].([]any)
			if len(list) == 0 {
				break
			}
			for _, it := range list {
				item := it.(map[string]any)
				id := item["id"].(string)
				if _, seen := items[id]; seen {
					t.Fatalf("event %s came twice", id)
				}
				items[id] = item
				if item["candidate_id"] == w.CandidateB {
					t.Errorf("organisation A sees %v", item)
				}
			}
			cursor = body["next_cursor"].(string)
		}
		var created map[string]any
		for _, item := range items {
			if item["type"] == "candidate.create" && item["candidate_id"] == w.CandidateA {
				created = item
			}
		}
		if created == nil {
			t.Fatalf("candidate A's creation is not in organisation A's feed: %v", items)
		}
		if res := created["resource"].(map[string]any); res["url"] != "/api/v1/candidates/"+w.CandidateA || res["kind"] != "candidate" {
			t.Errorf("resource %v", res)
		}

		status, body := get(t, "/api/v1/events?after=pas-un-curseur")
		if errs, _ := body["errors"].(map[string]any); status != http.StatusUnprocessableEntity || errs["after"] == nil {
			t.Errorf("a bad cursor: %d %v", status, body)
		}

		// A webhook receives the same document as the feed.
		var mu sync.Mutex
		var delivered [][]byte
		srv := httptest.NewServer(http.HandlerFunc(func(rw http.ResponseWriter, r *http.Request) {
			b, _ := io.ReadAll(r.Body)
			mu.Lock()
			delivered = append(delivered, b)
			mu.Unlock()
		}))
		defer srv.Close()
		status, body = call(t, http.MethodPost, "/api/v1/webhooks", `{"url":"ftp://exemple.fr"}`)
		if errs, _ := body["errors"].(map[string]any); status != http.StatusUnprocessableEntity || errs["url"] == nil {
			t.Errorf("an ftp address: %d %v", status, body)
		}
		status, body = call(t, http.MethodPost, "/api/v1/webhooks", `{"url":"`+srv.URL+`"}`)
		hookID, _ := body["id"].(string)
		if secret, _ := body["secret"].(string); status != http.StatusCreated || !strings.HasPrefix(secret, service.WebhookSecretPrefix) {
			t.Fatalf("webhook creation: %d %v", status, body)
		}
		if _, err := w.Service.CreateCandidate(ctx, domain.SystemActor("test"), service.CandidateInput{
			Candidate: domain.Candidate{BirthName: "Nouveau", FirstNames: "Jean", BirthDate: domain.NewDate(1990, 1, 2),
				Sex: domain.SexMale, BirthINSEE: "75056", BirthCity: "Paris"},
			Enrolment: &service.EnrolmentInput{QualificationCode: "CC", Route: domain.RouteFormation, Public: domain.PublicJobSeeker,
				TrainingOrganisationID: w.OrgA, Blocks: w.OptionalBlocks(t, "CC")},
		}); err != nil {
			t.Fatal(err)
		}
		if _, err := w.Service.RunWebhooks(ctx); err != nil {
			t.Fatal(err)
		}
		_, body = get(t, "/api/v1/events?after="+url.QueryEscape(cursor))
		feed := body["items"].([]any)
		if len(feed) == 0 || len(feed) != len(delivered) {
			t.Fatalf("the feed has %d new events, the webhook received %d", len(feed), len(delivered))
		}
		for i, b := range delivered {
			var got any
			if err := json.Unmarshal(b, &got); err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got, feed[i]) {
				t.Errorf("delivery %s\nfeed item %v", b, feed[i])
			}
		}

		// The list shows the log but never the secret; the owner disables, then deletes.
		_, body = get(t, "/api/v1/webhooks")
		hooks := body["items"].([]any)
		if len(hooks) != 1 || hooks[0].(map[string]any)["secret"] != nil || len(hooks[0].(map[string]any)["attempts"].([]any)) != len(delivered) {
			t.Errorf("webhooks %v", body)
		}
		for _, c := range []struct {
			method, path string
			want         int
		}{
			{http.MethodPost, "/api/v1/webhooks/" + hookID + "/disable", http.StatusNoContent},
			{http.MethodPost, "/api/v1/webhooks/" + hookID + "/disable", http.StatusConflict},
			{http.MethodDelete, "/api/v1/webhooks/" + hookID, http.StatusNoContent},
			{http.MethodDelete, "/api/v1/webhooks/" + hookID, http.StatusNotFound},
		} {
			if status, body := call(t, c.method, c.path, ""); status != c.want {
				t.Errorf("%s %s: %d %v, want %d", c.method, c.path, status, body, c.want)
			}
		}
	})
}

// webhookReaders are the roles that read the change feed and so manage webhooks.
var webhookReaders = func() []domain.Role {
	var out []domain.Role
	for _, r := range domain.Roles {
		if service.RoleCan(r, service.ActEventRead) {
			out = append(out, r)
		}
	}
	return out
}()
