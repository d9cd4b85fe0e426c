package service_test

import (
	"context"
	"strings"
	"testing"

	"cqp/internal/domain"
	"cqp/internal/service"
	"cqp/internal/service/servicetest"
	"cqp/internal/store"
	"cqp/internal/store/storetest"
)

// taskCard returns the dashboard card with this label and this link prefix, if any.
func taskCard(t *testing.T, w *servicetest.World, email, label string) (service.DashboardCard, bool) {
	t.Helper()
	cards, err := w.Service.Dashboard(context.Background(), w.Actor(t, email))
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range cards {
		if c.Label == label && c.Task {
			return c, true
		}
	}
	return service.DashboardCard{}, false
}

func TestTrainingTasksCountOnlyTheActorsOwnCandidates(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		w := servicetest.New(t, st)
		ctx := context.Background()
		sys := domain.SystemActor("test")
		ofA, ofB, referent := w.Accounts[domain.RoleTrainingOrganisation], w.OrgBAccount, w.Accounts[domain.RoleCompanyReferent]
		enrolmentOf := func(candidateID string) domain.Enrolment {
			t.Helper()
			c, err := w.Service.Candidate(ctx, sys, candidateID)
			if err != nil {
				t.Fatal(err)
			}
			return c.Enrolments[0]
		}
		a, b := enrolmentOf(w.CandidateA), enrolmentOf(w.CandidateB)
		count := func(email, label string) int {
			t.Helper()
			c, ok := taskCard(t, w, email, label)
			if !ok {
				t.Fatalf("%s has no « %s » task", email, label)
			}
			return c.Count
		}
		// Both candidates are in training and have done every hour planned on their first block,
		// without a mark on it yet.
		for _, e := range []domain.Enrolment{a, b} {
			if _, err := w.Service.SetEnrolmentStatus(ctx, sys, e.CandidateID, e.ID, domain.StatusInTraining, ""); err != nil {
				t.Fatal(err)
			}
			if err := w.Service.SetTrainingHours(ctx, sys, e.ID, map[string]service.BlockHoursInput{e.Blocks[0]: {Planned: "35", Done: "35"}}); err != nil {
				t.Fatal(err)
			}
		}
		const missing = "Notes de contrôle continu manquantes"
		t.Run("a block whose hours are done without a mark is a missing mark", func(t *testing.T) {
			c, _ := taskCard(t, w, ofA, missing)
			if c.Count != 1 || len(c.Items) != 1 || !strings.Contains(c.Items[0].Label, "LEFÈVRE") {
				t.Fatalf("OF A's missing marks: %+v", c)
			}
			if want := "/inscriptions/" + a.ID + "/notes"; c.Href != want {
				t.Errorf("one candidate links to their marks: %q, want %q", c.Href, want)
			}
		})
		t.Run("another organisation's candidate never counts", func(t *testing.T) {
			c, _ := taskCard(t, w, ofB, missing)
			if c.Count != 1 || !strings.Contains(c.Items[0].Label, "MARTIN") {
				t.Errorf("OF B's missing marks: %+v", c)
			}
		})
		if _, err := w.Service.AddContinuousAssessment(ctx, w.Actor(t, ofA), a.ID, service.AssessmentInput{BlockCode: a.Blocks[0],
			Label: "Étude de cas", On: "20/11/2026", Mark: "8,5"}); err != nil {
			t.Fatal(err)
		}
		t.Run("the mark once entered, nothing is missing", func(t *testing.T) {
			if n := count(ofA, missing); n != 0 {
				t.Errorf("missing marks after the mark: %d", n)
			}
		})
		t.Run("a block under 10/20 puts the candidate below the minimum", func(t *testing.T) {
			if n := count(ofA, "Candidats sous 10/20 de moyenne"); n != 1 {
				t.Errorf("below 10/20: %d", n)
			}
			if n := count(ofB, "Candidats sous 10/20 de moyenne"); n != 0 {
				t.Errorf("OF B sees another organisation's mark: %d", n)
			}
		})
		t.Run("the referent's logbook is due while nothing is written in it", func(t *testing.T) {
			if n := count(referent, "Livrets d'accompagnement à compléter"); n != 1 {
				t.Errorf("logbooks due: %d", n)
			}
			if _, err := w.Service.AddLogbookEntries(ctx, w.Actor(t, referent), a.ID, service.LogbookInput{On: "24/11/2026", Body: "Point d'étape."}); err != nil {
				t.Fatal(err)
			}
			if n := count(referent, "Livrets d'accompagnement à compléter"); n != 0 {
				t.Errorf("logbooks due after an entry: %d", n)
			}
		})
		for _, e := range []domain.Enrolment{a, b} {
			if _, err := w.Service.SetEnrolmentStatus(ctx, sys, e.CandidateID, e.ID, domain.StatusFinalEvaluation, ""); err != nil {
				t.Fatal(err)
			}
		}
		const grids = "Grilles finales à remplir"
		t.Run("a candidate at the final evaluation without the organisation's grid is a grid due", func(t *testing.T) {
			c, _ := taskCard(t, w, ofA, grids)
			if c.Count != 1 || c.Href != "/inscriptions/"+a.ID+"/grilles/organisme" {
				t.Errorf("OF A's grids due: %+v", c)
			}
			if want := "Éloïse LEFÈVRE : grille à remplir (oral de certification le 09/12/2026)"; len(c.Items) != 1 || c.Items[0].Label != want {
				t.Errorf("the grid's candidate: %+v, want %q", c.Items, want)
			}
		})
		t.Run("the referent sees the grids due of the candidates they follow only", func(t *testing.T) {
			c, _ := taskCard(t, w, referent, grids)
			if c.Count != 1 || c.Href != "/inscriptions/"+a.ID+"/grilles/referent" {
				t.Errorf("referent's grids due: %+v", c)
			}
		})
		t.Run("the candidates list filtered on a task shows exactly its candidates", func(t *testing.T) {
			task, ok, err := w.Service.CandidateTask(ctx, w.Actor(t, ofA), "grilles-organisme")
			if err != nil || !ok || task.Label != grids {
				t.Fatalf("task: %v %q %v", ok, task.Label, err)
			}
			page, err := w.Service.Candidates(ctx, w.Actor(t, ofA), store.CandidateFilter{Task: &task.Task, Limit: 10})
			if err != nil {
				t.Fatal(err)
			}
			if page.Total != 1 || len(page.Rows) != 1 || page.Rows[0].Enrolment.ID != a.ID {
				t.Errorf("filtered list: %+v", page)
			}
			if _, ok, _ := w.Service.CandidateTask(ctx, w.Actor(t, w.Accounts[domain.RoleSecretariat]), "grilles-organisme"); ok {
				t.Errorf("the secretariat has the organisation's task")
			}
		})
	})
}

// Hours are behind when fewer are done than the share of the plan the action's days elapsed
// owe: from 01/09/2026 to 26/02/2027, on 25/11/2026, 85 days of 178, 47 %.
func TestHoursBehindFollowTheActionsCalendar(t *testing.T) {
	st := storetest.Open(t, storetest.Targets(t)[0])
	w := servicetest.New(t, st)
	ctx, sys := context.Background(), domain.SystemActor("test")
	fw, err := w.Service.Framework(ctx, sys, w.FrameworkCC)
	if err != nil {
		t.Fatal(err)
	}
	c, err := w.Service.Candidate(ctx, sys, w.CandidateA)
	if err != nil {
		t.Fatal(err)
	}
	err = st.Write(ctx, func(q store.Q) error {
		if err := q.CreateAction(ctx, store.Action{ID: "action-a", TrainingOrganisationID: w.OrgA, QualificationID: fw.QualificationID,
			Route: domain.RouteFormation, Title: "CC Paris", StartsOn: domain.NewDate(2026, 9, 1), EndsOn: domain.NewDate(2027, 2, 26),
			PlannedHours: 350, Status: store.ActionDeclared, CreatedAt: servicetest.Clock}); err != nil {
			return err
		}
		return q.CreateEnrolmentRecord(ctx, store.EnrolmentRecord{ActionID: "action-a", Enrolment: domain.Enrolment{ID: "enrolment-action-a",
			CandidateID: c.ID, FrameworkID: fw.ID, QualificationID: fw.QualificationID, Route: domain.RouteFormation,
			Public: domain.PublicJobSeeker, Status: domain.StatusInTraining, TrainingOrganisationID: w.OrgA, Blocks: c.Enrolments[0].Blocks,
			CreatedAt: servicetest.Clock, UpdatedAt: servicetest.Clock}}, "")
	})
	if err != nil {
		t.Fatal(err)
	}
	const behind = "Heures de formation en retard sur le prévu"
	for _, tc := range []struct {
		name, done string
		want       int
	}{
		{"without hours recorded, the action's plan is owed", "", 1},
		{"40 h of 100 are behind the 47 % due", "40", 1},
		{"50 h of 100 are not", "50", 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if tc.done != "" {
				if err := w.Service.SetTrainingHours(ctx, sys, "enrolment-action-a", map[string]service.BlockHoursInput{
					c.Enrolments[0].Blocks[0]: {Planned: "100", Done: tc.done}}); err != nil {
					t.Fatal(err)
				}
			}
			card, ok := taskCard(t, w, w.Accounts[domain.RoleTrainingOrganisation], behind)
			if !ok || card.Count != tc.want {
				t.Errorf("hours behind: %+v", card)
			}
			if card, _ := taskCard(t, w, w.OrgBAccount, behind); card.Count != 0 {
				t.Errorf("another organisation sees them: %+v", card)
			}
		})
	}
}
