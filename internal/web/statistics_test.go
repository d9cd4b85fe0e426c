package web_test

import (
	"context"
	"net/http"
	"strings"
	"testing"

	"cqp/internal/domain"
	"cqp/internal/service"
)

func TestStatisticsPageShowsChartsAndTablesToTheSecretariatAndTheBranchOnly(t *testing.T) {
	s := newSite(t)
	ctx := context.Background()
	sys := domain.SystemActor("test")
	svc := s.world.Service
	if _, err := svc.SaveJurySettings(ctx, sys, service.JurySettingsInput{Quorum: "2", JuryPresidentName: "Bruno Lemaître"}); err != nil {
		t.Fatal(err)
	}
	// A session closes with candidates A and B, every debated block acquired: the commission's
	// not acquired BC5 leaves both partial.
	id, _, _ := juryFixture(t, s.world, guideWebRows)
	attend(t, s.world, id)
	if _, err := svc.OpenJuryDeliberation(ctx, sys, id); err != nil {
		t.Fatal(err)
	}
	v, err := svc.JurySession(ctx, sys, id)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range v.Candidates {
		for _, b := range c.Blocks {
			if b.InDebate {
				if err := svc.DecideJuryBlock(ctx, sys, id, c.EnrolmentID, service.JuryDecisionInput{Block: b.Code, Decision: "A", Reason: "Motif"}); err != nil {
					t.Fatal(err)
				}
			}
		}
	}
	if _, err := svc.CloseJurySession(ctx, s.world.Actor(t, s.world.Accounts[domain.RoleJuryPresident]), id); err != nil {
		t.Fatal(err)
	}

	for _, role := range domain.Roles {
		status, body := s.do(t, s.client(t, s.world.Accounts[role]), http.MethodGet, "/statistiques?annee=2026")
		if role != domain.RoleSecretariat && role != domain.RoleBranch {
			if status != http.StatusForbidden {
				t.Errorf("%s: got %d, want 403", role, status)
			}
			if strings.Contains(body, `href="/statistiques"`) {
				t.Errorf("%s sees the statistics in the menu", role)
			}
			continue
		}
		main := mainOf(body)
		for _, want := range []string{
			`<svg role="img" aria-labelledby="graphique-qualification-titre graphique-qualification-desc"`,
			`<title id="graphique-voie-titre">Taux de réussite par voie d'accès</title>`,
			"<caption>Résultats par qualification</caption>",
			`<th scope="row">Formation</th>`,
			"2 candidats jugés : 0 certifiés, 2 partiels, 0 non certifiés, soit un taux de réussite de 0,0\u202f%",
			"<caption>Inscriptions par statut et voie d'accès, aujourd'hui</caption>",
			"<caption>Délai de l'inscription au résultat, en jours, par voie d'accès</caption>",
			`<option value="2026" selected>2026</option>`,
			`<button type="submit">Filtrer</button>`,
		} {
			if status != http.StatusOK || !strings.Contains(main, want) {
				t.Errorf("%s: status %d, no %q in %.3000s", role, status, want, main)
			}
		}
		if !strings.Contains(body, `href="/statistiques"`) {
			t.Errorf("%s lacks the menu entry", role)
		}
	}
	sec := s.client(t, s.world.Accounts[domain.RoleSecretariat])
	if status, body := s.do(t, sec, http.MethodGet, "/statistiques?annee=2025"); status != http.StatusOK || !strings.Contains(body, "0 candidats jugés") {
		t.Errorf("2025: %d %.500s", status, mainOf(body))
	}
	if status, _ := s.do(t, sec, http.MethodGet, "/statistiques?annee=deux-mille"); status == http.StatusOK || status >= 500 {
		t.Errorf("a year that is not one: %d", status)
	}
}
