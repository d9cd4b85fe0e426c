package service_test

import (
	"context"
	"fmt"
	"slices"
	"testing"
	"time"

	"cqp/internal/domain"
	"cqp/internal/service"
	"cqp/internal/service/servicetest"
	"cqp/internal/store"
	"cqp/internal/store/storetest"
)

func TestAListExportIsAuditedAndOnlyForThoseWhoReadTheList(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		w := servicetest.New(t, st)
		sys := domain.SystemActor("test")
		exports := func() int {
			entries, _, err := w.Service.Audit(ctx, sys, store.AuditFilter{Action: "list.export"})
			if err != nil {
				t.Fatal(err)
			}
			return len(entries)
		}
		lists := map[service.ExportedList]service.Action{
			service.ListCandidates: service.ActCandidateList, service.ListActions: service.ActActionRead,
			service.ListVAE: service.ActVAERead, service.ListCertificates: service.ActCertificateRead,
			service.ListAudit: service.ActAuditRead, service.ListOutbox: service.ActOutboxRead,
		}
		for list, act := range lists {
			for _, role := range domain.Roles {
				a := w.Actor(t, w.Accounts[role])
				before := exports()
				err := w.Service.RecordListExport(ctx, a, list, "csv", map[string][]string{"statut": {"enrolled"}, "page": {"3"}})
				if service.RoleCan(role, act) {
					if err != nil || exports() != before+1 {
						t.Errorf("%s reads %s: export refused (%v) or not audited", role, list, err)
					}
				} else if domain.ErrorCode(err) != domain.EFORBIDDEN || exports() != before {
					t.Errorf("%s does not read %s: got %v, %d entries written", role, list, err, exports()-before)
				}
			}
		}
		sec := w.Actor(t, w.Accounts[domain.RoleSecretariat])
		entries, _, err := w.Service.Audit(ctx, sys, store.AuditFilter{Action: "list.export", ActorID: sec.UserID, Limit: 1})
		if err != nil || len(entries) == 0 {
			t.Fatalf("no export by the secretariat in the trail: %v", err)
		}
		if got, want := entries[0].After, `{"filters":{"statut":"enrolled"},"format":"csv"}`; got != want {
			t.Errorf("recorded %s, want %s (the page number is not a filter)", got, want)
		}
		if err := w.Service.RecordListExport(ctx, sec, service.ListCandidates, "pdf", nil); domain.ErrorCode(err) != domain.EINVALID {
			t.Errorf("a PDF export: got %v, want invalid", err)
		}
	})
}

func TestTheOutboxAndTheTrailAreWalkedWholeInBatches(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		w := servicetest.New(t, st)
		sec := w.Actor(t, w.Accounts[domain.RoleSecretariat])
		at := time.Date(2026, 11, 25, 9, 0, 0, 0, time.UTC)
		err := st.Write(ctx, func(q store.Q) error {
			for i := range 7 { // three share a time: the id orders them
				if err := q.QueueMail(ctx, store.Mail{ID: fmt.Sprintf("m%d", i), To: "x@cqp.test", Subject: "s",
					CreatedAt: at.Add(time.Duration(i/3) * time.Minute)}); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		all, err := w.Service.Outbox(ctx, sec)
		if err != nil {
			t.Fatal(err)
		}
		var want, got []string
		for _, m := range all {
			want = append(want, m.ID)
		}
		before := ""
		for range len(want) + 1 {
			batch, err := w.Service.OutboxBefore(ctx, sec, before, 2)
			if err != nil {
				t.Fatal(err)
			}
			for _, m := range batch {
				got = append(got, m.ID)
			}
			if len(batch) < 2 {
				break
			}
			before = batch[len(batch)-1].ID
		}
		if !slices.Equal(got, want) {
			t.Errorf("outbox walked in batches\n got %v\nwant %v", got, want)
		}
		if _, err := w.Service.OutboxBefore(ctx, w.Actor(t, w.Accounts[domain.RoleTrainingOrganisation]), "", 2); domain.ErrorCode(err) != domain.EFORBIDDEN {
			t.Errorf("an OF read the outbox: %v", err)
		}

		trail, total, err := w.Service.Audit(ctx, sec, store.AuditFilter{Limit: 1000})
		if err != nil {
			t.Fatal(err)
		}
		want, got = nil, nil
		for _, e := range trail {
			want = append(want, e.ID)
		}
		f := store.AuditFilter{Limit: 3, NoTotal: true}
		for range total + 1 {
			batch, n, err := w.Service.Audit(ctx, sec, f)
			if err != nil || n != 0 {
				t.Fatalf("%v, counted %d", err, n)
			}
			for _, e := range batch {
				got = append(got, e.ID)
			}
			if len(batch) < 3 {
				break
			}
			f.BeforeID = batch[len(batch)-1].ID
		}
		if len(want) < 4 || !slices.Equal(got, want) {
			t.Errorf("trail walked in batches\n got %v\nwant %v", got, want)
		}
	})
}
