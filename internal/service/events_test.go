package service_test

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"cqp/internal/domain"
	"cqp/internal/service"
	"cqp/internal/service/servicetest"
	"cqp/internal/store"
	"cqp/internal/store/storetest"
)

// allEvents walks the actor's whole feed, limit events a page.
func allEvents(t *testing.T, svc *service.Service, a domain.Actor, limit int) []service.Event {
	t.Helper()
	var out []service.Event
	cursor := ""
	for range 1000 {
		p, err := svc.Events(context.Background(), a, cursor, limit)
		if err != nil {
			t.Fatal(err)
		}
		if len(p.Items) == 0 {
			if p.NextCursor != cursor {
				t.Fatalf("an empty page moved the cursor from %q to %q", cursor, p.NextCursor)
			}
			return out
		}
		out = append(out, p.Items...)
		cursor = p.NextCursor
	}
	t.Fatal("the feed never ends")
	return nil
}

func TestTheChangeFeedShowsEachReaderOnlyItsScopeOnceAndInOrder(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		w := servicetest.New(t, st)
		w.Service.SetEventSettle(0)
		ofA := w.Actor(t, w.Accounts[domain.RoleTrainingOrganisation])
		ofB := w.Actor(t, w.OrgBAccount)

		t.Run("an OF sees its candidate's events and none of the other side's", func(t *testing.T) {
			for _, c := range []struct {
				a          domain.Actor
				own, other string
			}{{ofA, w.CandidateA, w.CandidateB}, {ofB, w.CandidateB, w.CandidateA}} {
				events := allEvents(t, w.Service, c.a, 100)
				var types []string
				for _, e := range events {
					if e.CandidateID == c.other || e.ResourceID == c.other {
						t.Errorf("%s sees %s about the other side's candidate", c.a.Name, e.Type)
					}
					if e.CandidateID == c.own {
						types = append(types, e.Type)
					}
				}
				if !slices.Contains(types, "candidate.create") || !slices.Contains(types, "enrolment.create") {
					t.Errorf("the OF's own candidate's events are %v, want candidate.create and enrolment.create", types)
				}
			}
		})

		t.Run("the candidate, the referent and the commission member see theirs only", func(t *testing.T) {
			for _, role := range []domain.Role{domain.RoleCandidate, domain.RoleCompanyReferent, domain.RoleCommissionMember, domain.RoleCompany} {
				for _, e := range allEvents(t, w.Service, w.Actor(t, w.Accounts[role]), 100) {
					if e.CandidateID != "" && e.CandidateID != w.CandidateA {
						t.Errorf("%s sees %s about candidate %s", role, e.Type, e.CandidateID)
					}
				}
			}
		})

		t.Run("paging returns each event once, in order, as one long page does", func(t *testing.T) {
			sec := w.Actor(t, w.Accounts[domain.RoleSecretariat])
			paged := allEvents(t, w.Service, sec, 3)
			whole := allEvents(t, w.Service, sec, service.EventsMaxLimit)
			if len(paged) < 10 || len(paged) != len(whole) {
				t.Fatalf("paged %d events, in one page %d", len(paged), len(whole))
			}
			for i := range paged {
				if paged[i].ID != whole[i].ID {
					t.Fatalf("event %d: paged %s, whole %s", i, paged[i].ID, whole[i].ID)
				}
				if i > 0 && paged[i].ID <= paged[i-1].ID {
					t.Fatalf("event %d is not after the one before", i)
				}
			}
		})

		t.Run("a cursor that is not one is refused in French", func(t *testing.T) {
			for _, c := range []string{"nimportequoi", service.EncodeEventCursor("pas-un-identifiant")} {
				_, err := w.Service.Events(context.Background(), ofA, c, 10)
				var de *domain.Error
				if domain.ErrorCode(err) != domain.EINVALID || !asDomainError(err, &de) || !strings.Contains(de.Fields["after"], "Curseur invalide") {
					t.Errorf("cursor %q: %v", c, err)
				}
			}
		})

		t.Run("a role without the feed is refused", func(t *testing.T) {
			if _, err := w.Service.Events(context.Background(), w.Actor(t, w.Accounts[domain.RoleFunder]), "", 10); domain.ErrorCode(err) != domain.EFORBIDDEN {
				t.Errorf("funder: %v", err)
			}
		})
	})
}

// receiver is a webhook endpoint that records what it receives and answers status.
type receiver struct {
	mu     sync.Mutex
	status int
	got    []*http.Request
	bodies [][]byte
	srv    *httptest.Server
}

func newReceiver(t *testing.T, status int) *receiver {
	r := &receiver{status: status}
	r.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		b, _ := io.ReadAll(req.Body)
		r.mu.Lock()
		r.got, r.bodies = append(r.got, req), append(r.bodies, b)
		r.mu.Unlock()
		w.WriteHeader(r.status)
	}))
	t.Cleanup(r.srv.Close)
	return r
}

func (r *receiver) count() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return len(r.got)
}

func TestWebhooksDeliverSignedEventsOfTheirOwnersScopeAndRetryWithBackoff(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		w := servicetest.New(t, st)
		clock := &tokenClock{t: servicetest.Clock}
		svc := service.New(st, clock.now, slog.New(slog.DiscardHandler), "http://cqp.test")
		svc.SetEventSettle(0)
		ofA := w.Actor(t, w.Accounts[domain.RoleTrainingOrganisation])

		if _, _, err := svc.CreateWebhook(ctx, ofA, "http://exemple.fr/hook"); domain.ErrorCode(err) != domain.EINVALID {
			t.Errorf("a plain http address elsewhere than this machine: %v", err)
		}
		good, bad := newReceiver(t, http.StatusNoContent), newReceiver(t, http.StatusInternalServerError)
		secret, hook, err := svc.CreateWebhook(ctx, ofA, good.srv.URL+"/cqp")
		tokenMust(t, err)
		_, failing, err := svc.CreateWebhook(ctx, ofA, bad.srv.URL)
		tokenMust(t, err)
		if !strings.HasPrefix(secret, service.WebhookSecretPrefix) {
			t.Errorf("secret %q", secret)
		}

		// One new candidate on each side: only side A's reach OF A's webhooks.
		sys := domain.SystemActor("test")
		enrol := func(org string) string {
			c, err := svc.CreateCandidate(ctx, sys, service.CandidateInput{
				Candidate: domain.Candidate{BirthName: "Nouveau", FirstNames: "Jean", BirthDate: domain.NewDate(1990, 1, 2),
					Sex: domain.SexMale, BirthINSEE: "75056", BirthCity: "Paris"},
				Enrolment: &service.EnrolmentInput{QualificationCode: "CC", Route: domain.RouteFormation, Public: domain.PublicJobSeeker,
					TrainingOrganisationID: org, Blocks: w.OptionalBlocks(t, "CC")},
			})
			tokenMust(t, err)
			return c.ID
		}
		newA, newB := enrol(w.OrgA), enrol(w.OrgB)

		run, err := svc.RunWebhooks(ctx)
		tokenMust(t, err)
		if good.count() == 0 || good.count() != bad.count() || run.Delivered != good.count() || run.Retried != bad.count() {
			t.Fatalf("first run %+v: good received %d, failing %d", run, good.count(), bad.count())
		}
		for i, req := range good.got {
			body := good.bodies[i]
			ts := req.Header.Get("X-CQP-Timestamp")
			if ts != strconv.FormatInt(clock.now().Unix(), 10) {
				t.Errorf("timestamp %q", ts)
			}
			mac := hmac.New(sha256.New, []byte(secret))
			mac.Write([]byte(ts + "." + string(body)))
			if want := "sha256=" + hex.EncodeToString(mac.Sum(nil)); req.Header.Get("X-CQP-Signature") != want {
				t.Errorf("signature %q, want %q", req.Header.Get("X-CQP-Signature"), want)
			}
			var ev service.WebhookEvent
			tokenMust(t, json.Unmarshal(body, &ev))
			if ev.CandidateID != newA || ev.ID != req.Header.Get("X-CQP-Event-Id") || ev.Cursor == "" || ev.Type == "" {
				t.Errorf("delivery %s: %+v (candidate B is %s)", body, ev, newB)
			}
			if req.Header.Get("Content-Type") != "application/json" || req.URL.Path != "/cqp" {
				t.Errorf("delivered to %s as %s", req.URL.Path, req.Header.Get("Content-Type"))
			}
		}

		// Nothing is due again before the first backoff, then each wait is longer; after the
		// sixth attempt the delivery fails for good.
		n := bad.count()
		_, err = svc.RunWebhooks(ctx)
		tokenMust(t, err)
		if bad.count() != n || good.count() != n {
			t.Fatalf("a second run at once sent again: %d, %d", good.count(), bad.count())
		}
		for i, wait := range []time.Duration{time.Minute, 5 * time.Minute, 30 * time.Minute, 2 * time.Hour, 12 * time.Hour} {
			clock.advance(wait - time.Second)
			_, err = svc.RunWebhooks(ctx)
			tokenMust(t, err)
			if bad.count() != n*(i+1) {
				t.Fatalf("retried before its time: %d after %d attempts", bad.count(), i+1)
			}
			clock.advance(time.Second)
			run, err = svc.RunWebhooks(ctx)
			tokenMust(t, err)
			if bad.count() != n*(i+2) {
				t.Fatalf("not retried after %s: %d received", wait, bad.count())
			}
			if last := i == 4; last != (run.Failed == n) {
				t.Fatalf("after attempt %d: %+v", i+2, run)
			}
		}
		clock.advance(24 * time.Hour)
		_, err = svc.RunWebhooks(ctx)
		tokenMust(t, err)
		if bad.count() != 6*n || good.count() != n {
			t.Fatalf("a failed delivery was tried again: %d, %d", bad.count(), good.count())
		}

		views, err := svc.Webhooks(ctx, ofA)
		tokenMust(t, err)
		logs := map[string][]store.WebhookAttempt{}
		for _, v := range views {
			if v.Secret != "" {
				t.Error("the secret is shown again")
			}
			logs[v.ID] = v.Attempts
		}
		if a := logs[hook.ID]; len(a) != n || a[0].StatusCode != http.StatusNoContent || a[0].Error != "" {
			t.Errorf("the good webhook's log: %+v", a)
		}
		if a := logs[failing.ID]; len(a) != 6*n || a[0].StatusCode != http.StatusInternalServerError || !strings.Contains(a[0].Error, "HTTP 500") {
			t.Errorf("the failing webhook's log: %+v", a)
		}

		// Only its owner disables or deletes it, and the trail records both.
		if err := svc.DeleteWebhook(ctx, w.Actor(t, w.OrgBAccount), hook.ID); domain.ErrorCode(err) != domain.ENOTFOUND {
			t.Errorf("someone else deletes it: %v", err)
		}
		tokenMust(t, svc.DisableWebhook(ctx, ofA, hook.ID))
		tokenMust(t, svc.DeleteWebhook(ctx, ofA, failing.ID))
		entries, _, err := st.Read().ListAudit(ctx, store.AuditFilter{Action: "webhook.", Limit: 10})
		tokenMust(t, err)
		var actions []string
		for _, e := range entries {
			actions = append(actions, e.Action)
		}
		slices.Sort(actions)
		if want := []string{"webhook.create", "webhook.create", "webhook.delete", "webhook.disable"}; !slices.Equal(actions, want) {
			t.Errorf("audit %v, want %v", actions, want)
		}
	})
}
