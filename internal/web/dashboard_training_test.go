package web_test

import (
	"context"
	"net/http"
	"strings"
	"testing"

	"cqp/internal/domain"
)

// An organisation's dashboard names the grid it must fill, the card's link shows that candidate
// in the candidates list filtered on the task, and the other organisation's candidate is not
// there.
func TestOrganisationDashboardLinksItsTasksToTheirCandidates(t *testing.T) {
	s := newSite(t)
	ctx, sys := context.Background(), domain.SystemActor("test")
	b, err := s.world.Service.Candidate(ctx, sys, s.world.CandidateB)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range []struct{ candidate, enrolment string }{{s.world.CandidateA, s.world.EnrolmentA}, {s.world.CandidateB, b.Enrolments[0].ID}} {
		for _, st := range []domain.EnrolmentStatus{domain.StatusInTraining, domain.StatusFinalEvaluation} {
			if _, err := s.world.Service.SetEnrolmentStatus(ctx, sys, e.candidate, e.enrolment, st, ""); err != nil {
				t.Fatal(err)
			}
		}
	}
	of := s.organisationA(t)
	code, page := s.do(t, of, http.MethodGet, "/")
	if code != http.StatusOK {
		t.Fatalf("dashboard: %d", code)
	}
	grid := "/inscriptions/" + s.world.EnrolmentA + "/grilles/organisme"
	if !strings.Contains(page, "Grilles finales à remplir") || !strings.Contains(page, `href="`+grid+`"`) ||
		!strings.Contains(page, "LEFÈVRE : grille à remplir") {
		t.Fatalf("the dashboard does not name the grid to fill:\n%s", page)
	}
	if strings.Contains(page, "MARTIN") {
		t.Errorf("the dashboard names another organisation's candidate")
	}
	code, list := s.do(t, of, http.MethodGet, "/candidats?a_faire=grilles-organisme")
	if code != http.StatusOK {
		t.Fatalf("filtered list: %d", code)
	}
	if !strings.Contains(list, "À faire : <strong>Grilles finales à remplir</strong>") || !strings.Contains(list, "/candidats/"+s.world.CandidateA) ||
		!strings.Contains(list, `href="`+grid+`"`) || !strings.Contains(list, "1 résultat") {
		t.Errorf("the filtered list does not show the candidate:\n%s", list)
	}
	if strings.Contains(list, "/candidats/"+s.world.CandidateB) {
		t.Errorf("the filtered list shows another organisation's candidate")
	}
	code, grids := s.do(t, of, http.MethodGet, grid)
	if code != http.StatusOK || !strings.Contains(grids, "Grille de l'organisme de formation") {
		t.Errorf("the grid's link: %d", code)
	}
}
