package store_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"cqp/internal/domain"
	"cqp/internal/store"
	"cqp/internal/store/storetest"
)

// The change feed reads the trail in id order between two bounds, and a reader with a scope
// reads it through indexes: SQLite's plan never scans the whole trail.
func TestEventsAreReadInOrderThroughIndexes(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		var ids []string
		for i := range 5 {
			id := fmt.Sprintf("00000000-0000-7000-8000-%012d", i+1)
			ids = append(ids, id)
			if err := s.Write(ctx, func(q store.Q) error {
				return q.AppendAudit(ctx, domain.AuditEntry{ID: id, At: t0, Action: "candidate.create", EntityType: "candidate", EntityID: "c"})
			}); err != nil {
				t.Fatal(err)
			}
		}
		got, err := s.Read().ListEvents(ctx, store.EventScope{}, ids[0], ids[4], 10)
		if err != nil {
			t.Fatal(err)
		}
		if len(got) != 3 || got[0].ID != ids[1] || got[2].ID != ids[3] {
			t.Errorf("between the first and the last: %v", got)
		}
		if got, err := s.Read().ListEvents(ctx, store.EventScope{Restricted: true}, "", "", 10); err != nil || len(got) != 0 {
			t.Errorf("an empty scope reads %v, %v", got, err)
		}
		if s.Dialect() != store.SQLite {
			return
		}
		for name, sc := range map[string]store.EventScope{
			"everything":          {},
			"an OF and a company": {Restricted: true, TrainingOrganisationIDs: []string{"o"}, CompanyIDs: []string{"c"}},
			"a referent, a commission member, a candidate": {Restricted: true, ReferentUserID: "u", CommissionMemberUserID: "u", CandidateIDs: []string{"c"}},
		} {
			plan, err := s.ExplainEvents(ctx, sc, ids[0], ids[4], 10)
			if err != nil {
				t.Fatal(err)
			}
			for _, line := range strings.Split(plan, "\n") {
				if strings.HasPrefix(line, "SCAN audit_log") {
					t.Errorf("%s: the plan scans the trail:\n%s", name, plan)
				}
			}
		}
	})
}

// A webhook's events are queued once even when two servers queue them at once, a due
// delivery is claimed by one server only, and its attempts make its log.
func TestWebhookDeliveriesAreQueuedAndClaimedOnce(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		write := func(fn func(q store.Q) error) {
			t.Helper()
			if err := s.Write(ctx, fn); err != nil {
				t.Fatal(err)
			}
		}
		write(func(q store.Q) error {
			if err := q.CreateUser(ctx, domain.User{ID: "u", Email: "u@cqp.test", Name: "U", CreatedAt: t0}); err != nil {
				return err
			}
			return q.CreateWebhook(ctx, store.Webhook{ID: "w", UserID: "u", URL: "https://exemple.fr/", Secret: "s", LastEventID: "e0", CreatedAt: t0})
		})
		d := store.WebhookDelivery{ID: "d1", EventID: "e1", NextAttemptAt: t0, CreatedAt: t0}
		var first, second bool
		write(func(q store.Q) (err error) {
			first, err = q.QueueWebhookDeliveries(ctx, "w", "e0", "e1", []store.WebhookDelivery{d})
			return err
		})
		write(func(q store.Q) (err error) {
			second, err = q.QueueWebhookDeliveries(ctx, "w", "e0", "e1", []store.WebhookDelivery{{ID: "d2", EventID: "e1", NextAttemptAt: t0, CreatedAt: t0}})
			return err
		})
		if !first || second {
			t.Fatalf("queued %v then %v", first, second)
		}
		due, err := s.Read().DueWebhookDeliveries(ctx, t0, 10)
		if err != nil || len(due) != 1 || due[0].ID != "d1" {
			t.Fatalf("due %v, %v", due, err)
		}
		if due, _ := s.Read().DueWebhookDeliveries(ctx, t0.Add(-time.Second), 10); len(due) != 0 {
			t.Errorf("due before its time: %v", due)
		}
		var claims []bool
		for range 2 {
			write(func(q store.Q) error {
				ok, err := q.ClaimWebhookDelivery(ctx, due[0], t0.Add(time.Minute))
				claims = append(claims, ok)
				return err
			})
		}
		if !claims[0] || claims[1] {
			t.Fatalf("claims %v", claims)
		}
		write(func(q store.Q) error {
			return q.RecordWebhookAttempt(ctx, store.WebhookAttempt{ID: "a1", DeliveryID: "d1", WebhookID: "w", EventID: "e1",
				EventType: "candidate.create", At: t0, StatusCode: 500, DurationMS: 12, Error: "Réponse HTTP 500"}, store.DeliveryPending, 1, t0.Add(time.Minute))
		})
		log, err := s.Read().WebhookAttempts(ctx, "w", 10)
		if err != nil || len(log) != 1 || log[0].StatusCode != 500 || log[0].DurationMS != 12 || !log[0].At.Equal(t0) {
			t.Fatalf("log %+v, %v", log, err)
		}
		write(func(q store.Q) error { return q.DisableWebhook(ctx, "w", t0) })
		if due, _ := s.Read().DueWebhookDeliveries(ctx, t0.Add(time.Hour), 10); len(due) != 0 {
			t.Errorf("a disabled webhook's delivery is due: %v", due)
		}
		write(func(q store.Q) error { return q.DeleteWebhook(ctx, "w") })
		if hooks, _ := s.Read().WebhooksOfUser(ctx, "u"); len(hooks) != 0 {
			t.Errorf("deleted webhook still listed: %v", hooks)
		}
	})
}
