package web_test

import (
	"context"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"cqp/internal/domain"
	"cqp/internal/service/servicetest"
)

func init() { sampleSources = append(sampleSources, confirmationSamples) }

// confirmationSamples gives the route walk a framework version to confirm items of.
func confirmationSamples(t testing.TB, w *servicetest.World) routeSamples {
	return routeSamples{Paths: map[string]string{"/referentiels/{id}/confirmation": "/referentiels/" + w.FrameworkCC + "/confirmation"}}
}

// confirmThroughThePage confirms every item still flagged in a framework version as the
// secretariat does on its page: placeholders get servicetest.TestTitle, other titles are kept.
func confirmThroughThePage(t *testing.T, s *site, c *http.Client, frameworkID string) {
	t.Helper()
	rec, err := s.world.Service.Framework(context.Background(), domain.SystemActor("test"), frameworkID)
	if err != nil {
		t.Fatal(err)
	}
	for _, it := range rec.Framework.ItemsToConfirm() {
		title := it.Title
		if domain.ReadsAsPlaceholder(title) {
			title = servicetest.TestTitle(it)
		}
		status, loc, body := s.post(t, c, "/referentiels/"+frameworkID+"/confirmation", url.Values{"item": {it.Ref()}, "title": {title}})
		if status != http.StatusSeeOther || !strings.HasPrefix(loc, "/referentiels/"+frameworkID) {
			t.Fatalf("confirm %s: %d %s %.500s", it.Name(), status, loc, body)
		}
	}
}

func TestTheSecretariatConfirmsAndCorrectsFrameworkItemsOnItsPage(t *testing.T) {
	s := newSite(t)
	w := s.world
	sec := s.secretariat(t)
	page := "/referentiels/" + w.FrameworkCC
	rec, err := w.Service.Framework(context.Background(), domain.SystemActor("test"), w.FrameworkCC)
	if err != nil {
		t.Fatal(err)
	}
	n := rec.ToConfirmCount

	t.Run("the page lists a form per item to confirm, a placeholder with an empty title and its wording as a hint", func(t *testing.T) {
		_, body := s.do(t, sec, http.MethodGet, page)
		for _, want := range []string{
			`<h2 id="a-confirmer">À confirmer par la branche (` + strconv.Itoa(n) + `)</h2>`,
			"aucun certificat ni aucune attestation n'est délivré pour ses candidats",
			"Cette version a des inscrits : confirmer ou corriger un intitulé ne change aucune règle",
			`<legend>Bloc OPT1</legend>`,
			`<label for="t-block-OPT1">Intitulé`,
			`Texte d'attente actuel : « Bloc optionnel 1 — à compléter par la branche »`,
			`<textarea id="t-block-OPT1" name="title" rows="2" required aria-describedby="h-block-OPT1"></textarea>`,
			`<textarea id="t-block-BC3" name="title" rows="2" required aria-describedby="h-block-BC3">Gérer la relation clientèle</textarea>`,
			`<label for="r-block-OPT1">Raison ou référence de la décision`,
			`<legend>Compétence C1 du bloc BC1</legend>`,
		} {
			if !strings.Contains(body, want) {
				t.Errorf("the page lacks %q", want)
			}
		}
		if got := strings.Count(body, `action="/referentiels/`+w.FrameworkCC+`/confirmation"`); got != n {
			t.Errorf("%d forms for %d items", got, n)
		}
	})

	t.Run("roles that may not confirm see the flags but no form", func(t *testing.T) {
		for _, role := range []domain.Role{domain.RoleBranch, domain.RoleTrainingOrganisation, domain.RoleCandidate} {
			_, body := s.do(t, s.client(t, w.Accounts[role]), http.MethodGet, page)
			if strings.Contains(body, "/confirmation") || !strings.Contains(body, "à confirmer par la branche") ||
				!strings.Contains(body, "Le secrétariat les confirme sur cette page") {
				t.Errorf("%s: confirmation form shown or flags hidden", role)
			}
		}
	})

	t.Run("a placeholder confirmed as it is is refused at its form, with what was typed", func(t *testing.T) {
		status, _, body := s.post(t, sec, page+"/confirmation", url.Values{"item": {"block/OPT1"},
			"title": {"Bloc optionnel 1 — à compléter par la branche"}, "reason": {"Vu en séance"}})
		if status != http.StatusUnprocessableEntity {
			t.Fatalf("status %d", status)
		}
		if !strings.Contains(body, `<div class="alert" role="alert"><p><strong>Confirmation refusée (Bloc OPT1) :</strong> <a href="#t-block-OPT1">« Bloc optionnel 1`) {
			t.Error("the top of the page does not lead to the refused form")
		}
		form := body[strings.Index(body, `id="c-block-OPT1"`):]
		form = form[:strings.Index(form, "</form>")]
		for _, want := range []string{`<p class="field-error" id="e-block-OPT1">« Bloc optionnel 1 — à compléter par la branche » est un texte d'attente`,
			`aria-describedby="h-block-OPT1 e-block-OPT1" aria-invalid="true">Bloc optionnel 1 — à compléter par la branche</textarea>`, `value="Vu en séance"`} {
			if !strings.Contains(form, want) {
				t.Errorf("the refused form lacks %q: %s", want, form)
			}
		}
	})

	t.Run("a correction is confirmed, said, marked on the item and kept in the history", func(t *testing.T) {
		status, loc, _ := s.post(t, sec, page+"/confirmation", url.Values{"item": {"block/OPT1"},
			"title": {"Conseiller la clientèle en assurance emprunteur"}, "reason": {"Décision de la CPNEFP du 12/11/2026"}})
		if status != http.StatusSeeOther || loc != page+"#a-confirmer" {
			t.Fatalf("status %d, location %q", status, loc)
		}
		_, body := s.do(t, sec, http.MethodGet, page)
		for _, want := range []string{
			"Bloc OPT1 : intitulé corrigé et confirmé. Il reste " + strconv.Itoa(n-1) + " éléments à confirmer.",
			`<h3 id="b-OPT1">OPT1 — Conseiller la clientèle en assurance emprunteur</h3>`,
			`<span class="badge ok">intitulé corrigé et confirmé le 25/11/2026</span>`,
			`<h2 id="confirmations">Confirmations et corrections</h2>`,
			"<td>bloc OPT1 — corrigé</td>", "<td>Bloc optionnel 1 — à compléter par la branche</td>",
			"<td>Conseiller la clientèle en assurance emprunteur</td>", "<td>Décision de la CPNEFP du 12/11/2026</td>",
		} {
			if !strings.Contains(body, want) {
				t.Errorf("after the correction the page lacks %q", want)
			}
		}
		if strings.Contains(body, `id="c-block-OPT1"`) {
			t.Error("the confirmed item still has its form")
		}
		_, audit := s.do(t, sec, http.MethodGet, "/audit?action=framework.")
		if !strings.Contains(audit, "Élément de référentiel corrigé et confirmé") || !strings.Contains(audit, "élément : bloc OPT1") {
			t.Errorf("the audit page does not show the correction in French")
		}
	})

	t.Run("a block is confirmed as it is", func(t *testing.T) {
		status, _, _ := s.post(t, sec, page+"/confirmation", url.Values{"item": {"block/BC3"}, "title": {"Gérer la relation clientèle"}})
		if status != http.StatusSeeOther {
			t.Fatalf("status %d", status)
		}
		_, body := s.do(t, sec, http.MethodGet, page)
		if !strings.Contains(body, "Bloc BC3 confirmé tel quel.") || !strings.Contains(body, "<td>bloc BC3 — confirmé tel quel</td>") {
			t.Errorf("%.300s", body)
		}
	})

	t.Run("an item confirmed twice, or none, is refused with a message at the top", func(t *testing.T) {
		status, _, body := s.post(t, sec, page+"/confirmation", url.Values{"item": {"block/OPT1"}, "title": {"Autre"}})
		if status != http.StatusConflict || !strings.Contains(body, `<div class="alert" role="alert"><p><strong>L'élément bloc OPT1 est déjà confirmé`) {
			t.Fatalf("twice: %d", status)
		}
		status, _, body = s.post(t, sec, page+"/confirmation", url.Values{})
		if status != http.StatusUnprocessableEntity || !strings.Contains(body, "Choisissez l'élément du référentiel à confirmer.") {
			t.Fatalf("none: %d %.3000s", status, body[strings.Index(body, "<main"):])
		}
	})

	t.Run("once every item is confirmed, the page says documents may be issued", func(t *testing.T) {
		confirmThroughThePage(t, s, sec, w.FrameworkCC)
		_, body := s.do(t, sec, http.MethodGet, page)
		if strings.Contains(body, `id="a-confirmer"`) || strings.Contains(body, "badge confirm") ||
			!strings.Contains(body, "Tous les éléments de cette version sont confirmés : ses certificats et attestations peuvent être délivrés.") {
			t.Errorf("%.3000s", body)
		}
	})
}
