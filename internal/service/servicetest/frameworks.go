package servicetest

import (
	"context"
	"strings"
	"testing"

	"cqp/internal/domain"
	"cqp/internal/service"
)

// ConfirmFrameworks confirms, as the secretariat does on a framework's page, every item still
// flagged to confirm in the latest version of every qualification, so that documents may be
// issued under them. A placeholder title is replaced by TestTitle of it; any other title is
// confirmed as it is.
func (w *World) ConfirmFrameworks(t testing.TB) {
	t.Helper()
	ConfirmFrameworks(t, w.Service, w.Actor(t, w.Accounts[domain.RoleSecretariat]))
}

// ConfirmFrameworks is World.ConfirmFrameworks for a service built without the world, as the
// actor a (the secretariat, or the system).
func ConfirmFrameworks(t testing.TB, svc *service.Service, a domain.Actor) {
	t.Helper()
	ctx := context.Background()
	fws, err := svc.Frameworks(ctx, a)
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range fws {
		for _, it := range r.Framework.ItemsToConfirm() {
			title := it.Title
			if domain.ReadsAsPlaceholder(title) {
				title = TestTitle(it)
			}
			if _, err := svc.ConfirmFrameworkItem(ctx, a, r.ID, service.FrameworkItemInput{Item: it.Ref(), Title: title}); err != nil {
				t.Fatalf("confirm %s of %s: %v", it.Name(), r.Framework.Qualification.Code, err)
			}
		}
	}
}

// TestTitle is the wording the fixtures give a placeholder item when they confirm it:
// « Bloc optionnel 1 — à compléter par la branche » becomes « Bloc optionnel 1 (intitulé de
// test) ».
func TestTitle(it domain.FrameworkItem) string {
	base, _, _ := strings.Cut(it.Title, " — ")
	if domain.ReadsAsPlaceholder(base) {
		base = strings.ToUpper(it.Name()[:1]) + it.Name()[1:]
	}
	return base + " (intitulé de test)"
}
