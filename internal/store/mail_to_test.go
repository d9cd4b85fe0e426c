package store_test

import (
	"context"
	"testing"
	"time"

	"cqp/internal/store"
	"cqp/internal/store/storetest"
)

func TestMailToListsAPersonsMessagesWithoutTheirContent(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		sent := t0.Add(time.Minute)
		err := s.Write(ctx, func(q store.Q) error {
			for _, m := range []store.Mail{
				{ID: "m1", To: "Eloise@Example.fr", Subject: "Bienvenue", Body: "lien secret", CreatedAt: t0},
				{ID: "m2", To: "autre@example.fr", Subject: "Pour quelqu'un d'autre", Body: "x", CreatedAt: t0},
				{ID: "m3", To: "perso@example.fr", Subject: "Convocation", Body: "y", CreatedAt: t0.Add(time.Hour),
					AttachmentName: "convocation.ics", AttachmentType: "text/calendar", Attachment: []byte("BEGIN:VCALENDAR")},
			} {
				if err := q.QueueMail(ctx, m); err != nil {
					return err
				}
			}
			return q.MarkMail(ctx, "m1", &sent, "")
		})
		if err != nil {
			t.Fatal(err)
		}
		got, err := s.Read().MailTo(ctx, []string{"eloise@example.fr", "perso@example.fr", ""})
		if err != nil {
			t.Fatal(err)
		}
		if len(got) != 2 || got[0].ID != "m1" || got[1].ID != "m3" {
			t.Fatalf("got %+v", got)
		}
		if got[0].SentAt == nil || got[0].Body != "" || got[1].AttachmentName != "convocation.ics" || got[1].Attachment != nil {
			t.Fatalf("got %+v", got)
		}
		if none, err := s.Read().MailTo(ctx, nil); err != nil || len(none) != 0 {
			t.Fatalf("no address: %v %v", none, err)
		}
	})
}
