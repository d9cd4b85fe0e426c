package web_test

import (
	"context"
	"net/http"
	"strings"
	"testing"

	"cqp/internal/domain"
	"cqp/internal/service"
)

// closeGuideSession closes a session that judges candidates A and B on the guide's grids, every
// debated block decided « acquis »: per candidate (7 blocks), the OF and the commission agree on
// BC1, BC3, BC4 and the two optional blocks; the OF's « non acquis » on BC2 opens a debate; the
// OF awards BC5, the commission does not. The referent agrees with the commission on BC1 and the
// optional blocks, opens debates on BC2, BC3 and BC4, and awards BC5.
func closeGuideSession(t *testing.T, s *site) {
	t.Helper()
	ctx := context.Background()
	sys := domain.SystemActor("test")
	svc := s.world.Service
	if _, err := svc.SaveJurySettings(ctx, sys, service.JurySettingsInput{Quorum: "2", JuryPresidentName: "Bruno Lemaître"}); err != nil {
		t.Fatal(err)
	}
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
}

func TestStatisticsShowTheEvaluatorsAgreementWithTheCommission(t *testing.T) {
	s := newSite(t)
	closeGuideSession(t, s)
	ctx := context.Background()
	sys := domain.SystemActor("test")
	orgB, err := s.world.Service.TrainingOrganisation(ctx, sys, s.world.OrgB)
	if err != nil {
		t.Fatal(err)
	}
	compA, err := s.world.Service.Company(ctx, sys, s.world.CompanyA)
	if err != nil {
		t.Fatal(err)
	}
	row := func(name string, cells ...string) string {
		out := `<th scope="row">` + name + `</th>`
		for _, c := range cells {
			out += `<td class="num">` + c + `</td>`
		}
		return out
	}
	for _, role := range []domain.Role{domain.RoleSecretariat, domain.RoleBranch} {
		cl := s.client(t, s.world.Accounts[role])
		status, body := s.do(t, cl, http.MethodGet, "/statistiques?annee=2026")
		main := mainOf(body)
		for _, want := range []string{
			`<h2 id="h-accord">Accord des évaluateurs</h2>`,
			"Le kappa de Cohen mesure l'accord entre deux évaluateurs en retirant la part que le hasard expliquerait",
			"un organisme ou une entreprise est signalé « À examiner » quand son kappa est inférieur à 0,40 sur au moins 10 blocs comparés.",
			"Aucun évaluateur n'est signalé pour ces filtres.",
			"<caption>Accord de la grille finale de chaque organisme de formation avec celle de la commission</caption>",
			"<caption>Accord de la grille finale du référent de chaque entreprise avec celle de la commission</caption>",
			`<th scope="col">Kappa de Cohen</th>`,
			`<th scope="col">Tranchés avec l'organisme</th>`,
			// 7 blocks, 5 agreed (71,4 %); each awards 6 of 7, so chance explains 37/49:
			// kappa (35 − 37) / (49 − 37) = −1/6.
			row(orgB.Name, "7", "5", "71,4\u202f%", "\u22120,17", "1", "0", "1") + "<td>Trop peu de blocs</td>",
			// 7 blocks, 3 agreed (42,9 %); the referent awards 4, the commission 6: chance 27/49,
			// kappa (21 − 27) / (49 − 27) = −3/11.
			row(compA.Name, "7", "3", "42,9\u202f%", "\u22120,27", "3", "0", "3") + "<td>Trop peu de blocs</td>",
			// Both candidates: 14 blocks; chance 148/196 and 108/196, the same kappas.
			row("Tous les organismes de formation", "14", "10", "71,4\u202f%", "\u22120,17", "2", "0", "2"),
			row("Toutes les entreprises", "14", "6", "42,9\u202f%", "\u22120,27", "6", "0", "6"),
		} {
			if status != http.StatusOK || !strings.Contains(main, want) {
				t.Errorf("%s: status %d, no %q in %.6000s", role, status, want, main[strings.Index(main, "h-accord"):])
			}
		}
	}
	sec := s.client(t, s.world.Accounts[domain.RoleSecretariat])
	_, body := s.do(t, sec, http.MethodGet, "/statistiques?annee=2025")
	if !strings.Contains(body, "Aucun bloc jugé à la fois par un organisme et par la commission pour ces filtres.") {
		t.Errorf("2025 has no block: %.3000s", mainOf(body))
	}
	_, body = s.do(t, sec, http.MethodGet, "/statistiques?organisme="+s.world.OrgB)
	if main := mainOf(body); !strings.Contains(main, row(orgB.Name, "7", "5")) || strings.Contains(main, row(compA.Name, "7")) {
		t.Errorf("filtered by organisation B: %.3000s", main[strings.Index(main, "h-accord"):])
	}
}
