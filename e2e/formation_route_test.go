package e2e

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"cqp/internal/domain"
	"cqp/internal/rules"
	"cqp/internal/service"
	"cqp/internal/service/servicetest"
)

// gridForm is a grid posted for submission: one row of marks for C1–C15 (fewer when a block
// is not admitted), the optional blocks acquired.
func gridForm(row string, commission bool) url.Values {
	v := url.Values{"action": {"submit"}, "mark_OPT1-C1": {"A"}, "mark_OPT2-C1": {"A"}, "comment": {"Évaluation conduite selon le référentiel."}}
	for i, m := range strings.Fields(row) {
		v.Set(fmt.Sprintf("mark_C%d", i+1), m)
	}
	if commission {
		v.Set("career_presentation", "Parcours présenté avec clarté.")
		v.Set("practical_case", "Cas pratique traité avec méthode.")
		v.Set("knowledge_question", "Réponse juste sur le devoir de conseil.")
		v.Set("open_questions", "Échanges ouverts et argumentés.")
		v.Set("reasoned_opinion", "Candidat à l'aise avec la relation client ; argumentaire à consolider.")
	}
	return v
}

func TestFormationRouteOverHTTP(t *testing.T) {
	base, w := startServer(t)
	ctx := context.Background()
	sys := domain.SystemActor("test")
	svc := w.Service

	// A second commission member, for a commission of two voting members.
	second, err := svc.CreateUser(ctx, sys, service.UserInput{Email: "commission2@cqp.test", Name: "Membre de commission n° 2",
		Password: servicetest.Password, Roles: []domain.RoleAssignment{{Role: domain.RoleCommissionMember}}})
	if err != nil {
		t.Fatal(err)
	}
	memberID := w.UserIDs[w.Accounts[domain.RoleCommissionMember]]
	referentID := w.UserIDs[w.Accounts[domain.RoleCompanyReferent]]

	of := login(t, base, w.Accounts[domain.RoleTrainingOrganisation])
	sec := login(t, base, w.Accounts[domain.RoleSecretariat])
	referent := login(t, base, w.Accounts[domain.RoleCompanyReferent])
	member := login(t, base, w.Accounts[domain.RoleCommissionMember])

	// The training organisation declares the action.
	action := of.submit("/actions/nouvelle", url.Values{"training_organisation": {w.OrgA}, "qualification": {"CC"},
		"route": {"formation"}, "title": {"CQP Chargé de clientèle — promotion 2027"}, "place": {"Paris"},
		"starts_on": {"04/01/2027"}, "ends_on": {"30/06/2027"}, "planned_hours": {"600"}, "companies": {w.CompanyA}})
	if !strings.HasPrefix(action, "/actions/") {
		t.Fatalf("declaring redirects to %q", action)
	}
	if body := sec.page(action); !strings.Contains(body, "CQP Chargé de clientèle — promotion 2027") {
		t.Fatalf("the secretariat does not see the action: %s", excerpt(body))
	}

	// It enrols three candidates, their referent assigned.
	type candidate struct{ name, first, enrolment string }
	cands := []*candidate{{name: "Dupré", first: "Anaïs"}, {name: "Kowalski", first: "Jérôme"}, {name: "Benali", first: "Inès"}}
	for i, c := range cands {
		loc := of.submit(action+"/inscription", url.Values{
			"birth_name": {c.name}, "first_names": {c.first}, "sex": {"F"}, "birth_date": {fmt.Sprintf("1%d/04/1996", i)},
			"birth_insee": {"75056"}, "birth_city": {"Paris"}, "email": {strings.ToLower(c.first) + "@exemple.fr"},
			"public": {"employee"}, "company": {w.CompanyA}, "referent": {referentID}, "blocks": {"OPT1", "OPT2"},
			"interview_on": {"02/11/2026"}, "project": {"Devenir chargé de clientèle en cabinet de courtage."},
			"motivation": {"Relation client et conseil."}, "diploma_level": {"4"}, "experience_months": {"24"}, "related_experience_months": {"12"},
		})
		c.enrolment = strings.TrimPrefix(loc, "/inscriptions/")
		if c.enrolment == loc || c.enrolment == "" {
			t.Fatalf("enrolment redirects to %q", loc)
		}
	}

	// Training: statuses, hours and continuous marks; the third has BC5 under 10/20.
	for i, c := range cands {
		e := "/inscriptions/" + c.enrolment
		of.submit(e+"/statut", url.Values{"status": {"in_training"}})
		if i == 0 {
			// A mark outside 0–20 is refused.
			status, _, body := of.post(e+"/notes", url.Values{"block": {"BC1"}, "label": {"Rattrapage"}, "on": {"21/11/2026"}, "mark": {"25"}})
			if status != http.StatusUnprocessableEntity || !strings.Contains(body, "« 25 » est hors de 0 à 20") {
				t.Fatalf("a mark of 25/20: status %d, body %s", status, excerpt(body))
			}
		}
		of.submit(e+"/heures", url.Values{"planned-BC1": {"120"}, "done-BC1": {"118"}, "planned-BC5": {"80"}, "done-BC5": {"80"}})
		for _, b := range []string{"BC1", "BC2", "BC3", "BC4", "BC5", "OPT1", "OPT2"} {
			mark := "14"
			if i == 2 && b == "BC5" {
				mark = "8,5"
			}
			of.submit(e+"/notes", url.Values{"block": {b}, "label": {"Étude de cas"}, "on": {"20/11/2026"}, "mark": {mark}})
		}
		of.submit(e+"/statut", url.Values{"status": {"final_evaluation"}})
	}
	if body := of.page("/inscriptions/" + cands[2].enrolment + "/notes"); !strings.Contains(body, "non admis") {
		t.Fatalf("the marks page does not show BC5 not admitted: %s", excerpt(body))
	}

	// The secretariat forms a commission and schedules the three orals.
	commission := sec.submit("/commissions/nouvelle", url.Values{"name": {"Commission de Paris"}, "member1": {memberID}, "member2": {second.ID}})
	// A member affiliated with the candidates' company (recorded by the secretariat) cannot hear them.
	third, err := svc.CreateUser(ctx, sys, service.UserInput{Email: "commission3@cqp.test", Name: "Membre rattaché",
		Password: servicetest.Password, Roles: []domain.RoleAssignment{{Role: domain.RoleCommissionMember}}})
	if err != nil {
		t.Fatal(err)
	}
	sec.submit("/membres-commission/"+third.ID+"/rattachements", url.Values{"companies": {w.CompanyA}})
	conflicted := sec.submit("/commissions/nouvelle", url.Values{"name": {"Commission en conflit"}, "member1": {memberID}, "member2": {third.ID}})
	status, _, body := sec.post(conflicted+"/oraux", url.Values{"enrolment": {cands[0].enrolment}, "date": {"16/12/2026"},
		"time": {"09:00"}, "duration": {"45"}, "place": {"Paris, salle Colbert"}})
	if status != http.StatusConflict || !strings.Contains(body, "Conflit d'intérêts : Membre rattaché (membre de la commission) est rattaché·e à l'entreprise « Cabinet A », où Anaïs DUPRÉ travaille") {
		t.Fatalf("an oral before a member of the candidate's company: status %d, body %s", status, excerpt(body))
	}
	for i, c := range cands {
		sec.submit(commission+"/oraux", url.Values{"enrolment": {c.enrolment}, "date": {"15/12/2026"},
			"time": {fmt.Sprintf("%d:00", 9+i)}, "duration": {"45"}, "place": {"Paris, salle Colbert"}})
	}

	// The grids: the OF, the referent and the commission member, each with their account.
	a13 := strings.Repeat("A ", 13)
	rows := []map[string]string{
		{"organisme": allA, "referent": allA, "commission": allA},
		{"organisme": "A A A A A NA A A A A A A A A A", "referent": allA, "commission": allA}, // BC2 in debate
		{"organisme": a13, "referent": a13, "commission": a13},                                // BC5 not admitted: not marked
	}
	for i, c := range cands {
		g := "/inscriptions/" + c.enrolment + "/grilles/"
		of.submit(g+"organisme", gridForm(rows[i]["organisme"], false))
		referent.submit(g+"referent", gridForm(rows[i]["referent"], false))
		member.submit(g+"commission", gridForm(rows[i]["commission"], true))
		of.submit("/inscriptions/"+c.enrolment+"/statut", url.Values{"status": {"awaiting_jury"}})
	}

	// The three reach « En attente du jury » with the rules engine's outcomes.
	want := []struct {
		outcome rules.CandidateOutcome
		blocks  map[string]rules.Outcome
	}{
		{rules.CandidateCertified, map[string]rules.Outcome{"BC1": rules.OutcomeAcquired, "BC2": rules.OutcomeAcquired, "BC5": rules.OutcomeAcquired}},
		{rules.CandidatePending, map[string]rules.Outcome{"BC1": rules.OutcomeAcquired, "BC2": rules.OutcomeDebate, "BC5": rules.OutcomeAcquired}},
		{rules.CandidatePartial, map[string]rules.Outcome{"BC1": rules.OutcomeAcquired, "BC2": rules.OutcomeAcquired, "BC5": rules.OutcomeNotAdmitted}},
	}
	for i, c := range cands {
		ev, err := svc.EnrolmentEvaluation(ctx, sys, c.enrolment)
		if err != nil {
			t.Fatal(err)
		}
		if ev.Enrolment.Status != domain.StatusAwaitingJury {
			t.Errorf("%s: status %s", c.name, ev.Enrolment.Status)
		}
		if missing := ev.MissingGrids(); len(missing) > 0 {
			t.Errorf("%s: grids missing %v", c.name, missing)
		}
		if want[i].outcome != "" && ev.Result.Outcome != want[i].outcome {
			t.Errorf("%s: outcome %s, want %s", c.name, ev.Result.Outcome, want[i].outcome)
		}
		seen := 0
		for _, b := range ev.Result.Blocks {
			if o, ok := want[i].blocks[b.Code]; ok {
				seen++
				if b.Outcome != o {
					t.Errorf("%s: %s is %s, want %s", c.name, b.Code, b.Outcome, o)
				}
			}
		}
		if seen != len(want[i].blocks) {
			t.Errorf("%s: blocks %+v", c.name, ev.Result.Blocks)
		}
	}
}
