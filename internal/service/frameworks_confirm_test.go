package service_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"cqp/internal/domain"
	"cqp/internal/frameworkfile"
	"cqp/internal/service"
	"cqp/internal/service/servicetest"
	"cqp/internal/store"
	"cqp/internal/store/storetest"
)

func TestConfirmingFrameworkItems(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		w := servicetest.New(t, st)
		svc := w.Service
		sec := w.Actor(t, w.Accounts[domain.RoleSecretariat])
		cc, err := svc.Framework(ctx, sec, w.FrameworkCC)
		if err != nil {
			t.Fatal(err)
		}
		if !cc.Frozen() || cc.ToConfirmCount == 0 {
			t.Fatalf("the fixture's CC framework should be in use and flagged: %d enrolments, %d to confirm", cc.Enrolments, cc.ToConfirmCount)
		}

		t.Run("only the secretariat may confirm an item", func(t *testing.T) {
			for _, role := range domain.Roles {
				if role == domain.RoleSecretariat {
					continue
				}
				_, err := svc.ConfirmFrameworkItem(ctx, w.Actor(t, w.Accounts[role]), w.FrameworkCC,
					service.FrameworkItemInput{Item: "block/BC1", Title: "Exercer son rôle de courtier"})
				if domain.ErrorCode(err) != domain.EFORBIDDEN {
					t.Errorf("%s: got %v, want forbidden", role, err)
				}
			}
			_, err := svc.ConfirmFrameworkItem(ctx, domain.Actor{}, w.FrameworkCC, service.FrameworkItemInput{Item: "block/BC1", Title: "x"})
			if domain.ErrorCode(err) != domain.EUNAUTHORIZED {
				t.Errorf("anonymous: got %v", err)
			}
		})

		t.Run("a placeholder cannot be confirmed as it is, nor an empty title, nor an unknown item", func(t *testing.T) {
			for _, tc := range []struct {
				name  string
				in    service.FrameworkItemInput
				field string
				says  string
			}{
				{"the placeholder as is", service.FrameworkItemInput{Item: "block/OPT1", Title: "Bloc optionnel 1 — à compléter par la branche"}, "title", "texte d'attente"},
				{"another placeholder wording", service.FrameworkItemInput{Item: "block/OPT1", Title: "Bloc optionnel A COMPLETER"}, "title", "texte d'attente"},
				{"an empty title", service.FrameworkItemInput{Item: "competence/BC1/C1", Title: "  "}, "title", "compétence C1 du bloc BC1"},
				{"an unknown item", service.FrameworkItemInput{Item: "block/NOPE", Title: "x"}, "item", "n'existe pas"},
				{"no item", service.FrameworkItemInput{Title: "x"}, "item", "Choisissez"},
			} {
				_, err := svc.ConfirmFrameworkItem(ctx, sec, w.FrameworkCC, tc.in)
				var de *domain.Error
				if domain.ErrorCode(err) != domain.EINVALID || !asDomainError(err, &de) || !strings.Contains(de.Fields[tc.field], tc.says) {
					t.Errorf("%s: got %v, want an error on %s saying %q", tc.name, err, tc.field, tc.says)
				}
			}
			after, _ := svc.Framework(ctx, sec, w.FrameworkCC)
			if after.ToConfirmCount != cc.ToConfirmCount {
				t.Fatalf("a refused confirmation changed the count: %d → %d", cc.ToConfirmCount, after.ToConfirmCount)
			}
		})

		t.Run("on a version in use, an item is confirmed as it is and its detailed counts and codes stay", func(t *testing.T) {
			res, err := svc.ConfirmFrameworkItem(ctx, sec, w.FrameworkCC,
				service.FrameworkItemInput{Item: "block/BC1", Title: "Exercer son rôle de courtier et assurer la coordination et l'intermédiation clients/organismes assureurs"})
			if err != nil {
				t.Fatal(err)
			}
			if res.Corrected || res.Record.ToConfirmCount != cc.ToConfirmCount-1 || res.Record.Version != cc.Version || !res.Record.Frozen() || res.Record.ID != cc.ID {
				t.Fatalf("result %+v", res)
			}
			b, _ := res.Record.Framework.Block("BC1")
			old, _ := cc.Framework.Block("BC1")
			if b.ToConfirm || b.Note != "" || b.Title != old.Title || b.DetailedTotal() != old.DetailedTotal() || len(b.Competences) != len(old.Competences) {
				t.Fatalf("block after %+v", b)
			}
			if !domain.SameRules(cc.Framework, res.Record.Framework) {
				t.Fatal("a confirmation changed a rule")
			}
			entries, _, err := svc.Audit(ctx, sec, store.AuditFilter{Action: "framework.confirm", EntityID: w.FrameworkCC})
			if err != nil || len(entries) != 1 || !strings.Contains(entries[0].Before, `"to_confirm":true`) ||
				!strings.Contains(entries[0].After, `"item":"bloc BC1"`) || entries[0].ActorID == "" {
				t.Fatalf("audit %+v %v", entries, err)
			}
		})

		t.Run("a placeholder is corrected, with a reason, and the trail keeps the title before and after", func(t *testing.T) {
			res, err := svc.ConfirmFrameworkItem(ctx, sec, w.FrameworkCC, service.FrameworkItemInput{Item: "block/OPT1",
				Title: "  Conseiller la clientèle   en assurance emprunteur ", Reason: "Décision de la CPNEFP du 12/11/2026"})
			if err != nil {
				t.Fatal(err)
			}
			b, _ := res.Record.Framework.Block("OPT1")
			if !res.Corrected || b.Title != "Conseiller la clientèle en assurance emprunteur" || b.ToConfirm || b.Kind != domain.BlockOptional {
				t.Fatalf("result %+v, block %+v", res, b)
			}
			h, err := svc.FrameworkWordingHistory(ctx, sec, w.FrameworkCC)
			if err != nil || len(h) != 2 {
				t.Fatalf("history %+v %v", h, err)
			}
			if !h[0].Corrected || h[0].Item != "bloc OPT1" || h[0].Before != "Bloc optionnel 1 — à compléter par la branche" ||
				h[0].After != "Conseiller la clientèle en assurance emprunteur" || h[0].Reason != "Décision de la CPNEFP du 12/11/2026" || h[0].ActorName == "" {
				t.Fatalf("newest change %+v", h[0])
			}
			if h[1].Corrected || h[1].Item != "bloc BC1" {
				t.Fatalf("oldest change %+v", h[1])
			}
			if _, err := svc.FrameworkWordingHistory(ctx, w.Actor(t, w.Accounts[domain.RoleTrainingOrganisation]), w.FrameworkCC); domain.ErrorCode(err) != domain.EFORBIDDEN {
				t.Fatalf("a training organisation read the history: %v", err)
			}
		})

		t.Run("an item already confirmed is a conflict", func(t *testing.T) {
			_, err := svc.ConfirmFrameworkItem(ctx, sec, w.FrameworkCC, service.FrameworkItemInput{Item: "block/OPT1", Title: "Autre chose"})
			if domain.ErrorCode(err) != domain.ECONFLICT || !strings.Contains(domain.ErrorMessage(err), "déjà confirmé") {
				t.Fatalf("got %v", err)
			}
		})

		t.Run("correcting the qualification's title of its latest version renames the qualification", func(t *testing.T) {
			f, err := frameworkfile.Shipped()
			if err != nil {
				t.Fatal(err)
			}
			fw, _ := f.Framework("CC")
			fw.Qualification = domain.Qualification{Code: "GX", Title: "Gestionnaire — à compléter par la branche", ToConfirm: true}
			if _, err := svc.ImportFrameworks(ctx, sec, f.Branch, []domain.Framework{fw}); err != nil {
				t.Fatal(err)
			}
			versions, err := svc.FrameworkVersions(ctx, sec, "GX")
			if err != nil || len(versions) != 1 {
				t.Fatalf("versions %v", err)
			}
			if _, err := svc.ConfirmFrameworkItem(ctx, sec, versions[0].ID, service.FrameworkItemInput{Item: "qualification", Title: "Gestionnaire de sinistres"}); err != nil {
				t.Fatal(err)
			}
			quals, err := svc.Qualifications(ctx)
			if err != nil {
				t.Fatal(err)
			}
			for _, q := range quals {
				if q.Code == "GX" && q.Title != "Gestionnaire de sinistres" {
					t.Fatalf("qualification title %q", q.Title)
				}
			}
		})

		t.Run("the fixtures' helper confirms every flagged item of every qualification", func(t *testing.T) {
			w.ConfirmFrameworks(t)
			fws, err := svc.Frameworks(ctx, sec)
			if err != nil {
				t.Fatal(err)
			}
			for _, r := range fws {
				if r.ToConfirmCount != 0 {
					t.Errorf("%s still has %d items to confirm", r.Framework.Qualification.Code, r.ToConfirmCount)
				}
				for _, it := range r.Framework.Items() {
					if domain.ReadsAsPlaceholder(it.Title) {
						t.Errorf("%s: %s confirmed with placeholder wording", r.Framework.Qualification.Code, it.Label())
					}
				}
			}
		})
	})
}

func asDomainError(err error, target **domain.Error) bool { return errors.As(err, target) }
