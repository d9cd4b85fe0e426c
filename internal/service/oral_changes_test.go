package service_test

import (
	"context"
	"log/slog"
	"strings"
	"testing"
	"time"

	"cqp/internal/domain"
	"cqp/internal/service"
	"cqp/internal/service/servicetest"
	"cqp/internal/store"
	"cqp/internal/store/storetest"
)

func TestAnOralIsMovedOrCancelledBeforeItStarts(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		w := servicetest.New(t, st)
		svc := w.Service
		sec := w.Actor(t, w.Accounts[domain.RoleSecretariat])
		orgA := w.Actor(t, w.Accounts[domain.RoleTrainingOrganisation])
		at := func(date, time string) service.OralInput {
			return service.OralInput{Date: date, Time: time, Duration: "60", Place: "Paris, salle Colbert"}
		}

		t.Run("an oral that has started is neither moved nor cancelled", func(t *testing.T) {
			later := service.New(st, func() time.Time { return servicetest.Clock.Add(30 * 24 * time.Hour) },
				slog.New(slog.DiscardHandler), "http://cqp.test")
			if _, err := later.RescheduleOral(ctx, sec, w.OralID, at("20/01/2027", "09:00"), "Trop tard"); !strings.Contains(domain.ErrorMessage(err), "a eu lieu") {
				t.Fatalf("moving a past oral: %v", err)
			}
			if err := later.CancelOral(ctx, sec, w.OralID, "Trop tard"); domain.ErrorCode(err) != domain.ECONFLICT {
				t.Fatalf("cancelling a past oral: %v", err)
			}
		})

		t.Run("moving needs a reason and a free slot, and sends the convocations again", func(t *testing.T) {
			if _, err := svc.RescheduleOral(ctx, orgA, w.OralID, at("10/12/2026", "09:00"), "x"); domain.ErrorCode(err) != domain.EFORBIDDEN {
				t.Fatalf("an organisation moves an oral: %v", err)
			}
			if _, err := svc.RescheduleOral(ctx, sec, w.OralID, at("10/12/2026", "09:00"), ""); fieldOf(err, "reason") == "" {
				t.Fatalf("without reason: %v", err)
			}
			if _, err := svc.RescheduleOral(ctx, sec, w.OralID, at("01/01/2020", "09:00"), "Salle indisponible"); fieldOf(err, "date") == "" {
				t.Fatalf("to the past: %v", err)
			}
			online := at("10/12/2026", "09:00")
			online.Place, online.VideoLink = "", "visio-sans-adresse"
			if _, err := svc.RescheduleOral(ctx, sec, w.OralID, online, "En visioconférence"); fieldOf(err, "video_link") == "" {
				t.Fatalf("a video link that is not an address: %v", err)
			}
			before, _ := svc.Outbox(ctx, sec)
			o, err := svc.RescheduleOral(ctx, sec, w.OralID, at("10/12/2026", "09:30"), "Salle indisponible le 09/12")
			if err != nil {
				t.Fatal(err)
			}
			after, _ := svc.Outbox(ctx, sec)
			if o.Oral.Day() != "10/12/2026" || o.Oral.Start() != "09:30" || len(after) <= len(before) {
				t.Fatalf("moved to %s %s, %d mails before and %d after", o.Oral.Day(), o.Oral.Start(), len(before), len(after))
			}
			// Moving it by half an hour overlaps its old slot: that is not a conflict with itself.
			if _, err := svc.RescheduleOral(ctx, sec, w.OralID, at("10/12/2026", "10:00"), "Début retardé"); err != nil {
				t.Fatal(err)
			}
			entries, _, err := svc.Audit(ctx, sec, store.AuditFilter{Action: "oral.reschedule"})
			reasons := map[string]bool{}
			for _, e := range entries {
				reasons[e.Reason] = true
			}
			if err != nil || len(entries) != 2 || !reasons["Salle indisponible le 09/12"] || !reasons["Début retardé"] {
				t.Fatalf("audit: %+v %v", entries, err)
			}
		})

		t.Run("cancelling needs a reason, tells everyone and removes it from the planning", func(t *testing.T) {
			if err := svc.CancelOral(ctx, sec, w.OralID, " "); fieldOf(err, "reason") == "" {
				t.Fatalf("without reason: %v", err)
			}
			if err := svc.CancelOral(ctx, sec, w.OralID, "Candidat malade"); err != nil {
				t.Fatal(err)
			}
			if _, err := svc.Oral(ctx, sec, w.OralID); domain.ErrorCode(err) != domain.ENOTFOUND {
				t.Fatalf("the cancelled oral is still there: %v", err)
			}
			mails, _ := svc.Outbox(ctx, sec)
			cancelled := 0
			for _, m := range mails {
				if strings.Contains(m.Subject, "annulé") && strings.Contains(m.Body, "Candidat malade") {
					cancelled++
				}
			}
			if cancelled == 0 {
				t.Fatal("nobody was told of the cancellation")
			}
			entries, _, err := svc.Audit(ctx, sec, store.AuditFilter{Action: "oral.cancel"})
			if err != nil || len(entries) != 1 || entries[0].Reason != "Candidat malade" || entries[0].Before == "" {
				t.Fatalf("audit: %+v %v", entries, err)
			}
		})
	})
}
