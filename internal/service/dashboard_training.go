package service

import (
	"context"
	"net/url"
	"sync"

	"cqp/internal/domain"
	"cqp/internal/rules"
	"cqp/internal/store"
)

// DashboardItem is one candidate of a dashboard task, with the page where the work is done.
type DashboardItem struct {
	Label string
	Href  string
}

// DashboardItemsShown is how many candidates a task card names; the rest are counted.
const DashboardItemsShown = 5

// trainingTask is one kind of work a training organisation or a company referent does on the
// enrolments of its scope: the dashboard counts it, and the candidates list shows its
// candidates under /candidats?a_faire=Key.
type trainingTask struct {
	Key   string // the candidates list's a_faire value
	Kind  store.TaskKind
	Label string // the card's label, and the candidates list's heading
	Hint  string // what to do
	Item  string // what waits, after the candidate's name
	// Page is where the work on one enrolment is done.
	Page      func(enrolmentID string) string
	Evaluator domain.Evaluator
	referent  bool // the referent's own task (else the training organisation's)
}

// logbookQuietDays is how long a candidate in training may go without a logbook entry before
// the referent is asked for one.
const logbookQuietDays = 30

var trainingTaskKinds = []trainingTask{
	{Key: "notes", Kind: store.TaskMarksMissing, Label: "Notes de contrôle continu manquantes",
		Hint: "Candidats en formation dont un bloc a ses heures faites (ou l'action est terminée) sans note : saisissez-la.",
		Item: "note de contrôle continu à saisir", Page: func(id string) string { return "/inscriptions/" + id + "/notes" }},
	{Key: "heures", Kind: store.TaskHoursBehind, Label: "Heures de formation en retard sur le prévu",
		Hint: "Heures effectuées inférieures à la part des heures prévues due à ce jour, d'après les dates de début et de fin de l'action : mettez à jour le suivi.",
		Item: "heures à mettre à jour", Page: func(id string) string { return "/inscriptions/" + id + "/suivi" }},
	{Key: "grilles-organisme", Kind: store.TaskGridDue, Evaluator: domain.EvaluatorTrainingOrganisation,
		Label: "Grilles finales à remplir", Hint: "Candidats en évaluation finale : remplissez et validez la grille de l'organisme.",
		Item: "grille à remplir", Page: func(id string) string { return "/inscriptions/" + id + "/grilles/organisme" }},
	{Key: "moyenne", Kind: store.TaskBelowMinimum, Label: "Candidats sous 10/20 de moyenne",
		Hint: "Un bloc sous 10/20 en contrôle continu n'est pas admis à l'évaluation finale : prévoyez une remise à niveau et une nouvelle évaluation.",
		Item: "bloc sous 10/20", Page: func(id string) string { return "/inscriptions/" + id + "/notes" }},
	{Key: "livret", Kind: store.TaskLogbookDue, referent: true, Label: "Livrets d'accompagnement à compléter",
		Hint: "Rien d'inscrit au livret depuis 30 jours : notez votre dernier suivi et évaluez les compétences observées.",
		Item: "livret à compléter", Page: func(id string) string { return "/inscriptions/" + id + "/livret" }},
	{Key: "grilles-referent", Kind: store.TaskGridDue, Evaluator: domain.EvaluatorCompanyReferent, referent: true,
		Label: "Grilles finales à remplir", Hint: "Candidats en évaluation finale : remplissez et validez votre grille de référent.",
		Item: "grille à remplir", Page: func(id string) string { return "/inscriptions/" + id + "/grilles/referent" }},
}

// taskOf builds the store's condition for one kind of task and this actor, or false when the
// actor has no such task (not a training organisation, not a referent).
func (s *Service) taskOf(ctx context.Context, a domain.Actor, k trainingTask) (store.Task, bool, error) {
	t := store.Task{Kind: k.Kind, Today: s.Today(), Evaluator: k.Evaluator}
	if k.referent {
		if !Can(a, ActLogbookWrite) || !a.Has(domain.RoleCompanyReferent) {
			return t, false, nil
		}
		t.ReferentUserID = a.UserID
	} else {
		if AccessFor(a, ActTrainingRecord) != AccessScoped || len(a.Scopes(domain.RoleTrainingOrganisation)) == 0 {
			return t, false, nil
		}
		t.OrganisationIDs = a.Scopes(domain.RoleTrainingOrganisation)
	}
	switch k.Kind {
	case store.TaskGridDue:
		for _, r := range domain.Routes {
			if rules.TakesPart(r, k.Evaluator) {
				t.Routes = append(t.Routes, r)
			}
		}
	case store.TaskBelowMinimum:
		t.Minimum = 10 * domain.MarkScale
	case store.TaskLogbookDue:
		t.Since = s.Today().AddDays(-logbookQuietDays)
	case store.TaskHoursBehind:
		due, err := s.hoursDue(ctx, t.OrganisationIDs)
		if err != nil {
			return t, false, err
		}
		t.HoursDue = due
	}
	return t, true, nil
}

// hoursDue is, for the organisations' actions under way or ended, the share of the planned
// hours due by today, in percent: the days elapsed over the action's days. Read from the
// latest actions, a page at most.
func (s *Service) hoursDue(ctx context.Context, orgs []string) (map[string]int, error) {
	page, err := s.store.Read().ListActions(ctx, store.ActionFilter{Limit: 500,
		Scope: store.ActionScope{Restricted: true, TrainingOrganisationIDs: orgs}})
	if err != nil {
		return nil, err
	}
	today := s.Today()
	due := map[string]int{}
	for _, ac := range page.Actions {
		if ac.Status == store.ActionRefused || !ac.StartsOn.Before(today) {
			continue
		}
		total := ac.EndsOn.Time().Sub(ac.StartsOn.Time())
		pct := 100
		if today.Before(ac.EndsOn) && total > 0 {
			pct = int(100 * today.Time().Sub(ac.StartsOn.Time()) / total)
		}
		if pct > 0 {
			due[ac.ID] = pct
		}
	}
	return due, nil
}

// trainingTasks are the dashboard tasks of a training organisation and of a company referent
// on the candidates of their scope: each counted in the store, with its first candidates named.
func (s *Service) trainingTasks(ctx context.Context, a domain.Actor) ([]DashboardCard, error) {
	if !Can(a, ActCandidateList) {
		return nil, nil
	}
	sc, err := candidateScope(a, ActCandidateList)
	if err != nil {
		return nil, err
	}
	// Each task's count and first candidates are read at once, on as many connections: on a
	// training organisation's dashboard at a million candidates they were four reads of 8 to
	// 54 ms one after the other (docs/PERFORMANCE.md).
	type taskPage struct {
		kind trainingTask
		page store.CandidatePage
		err  error
	}
	var pages []*taskPage
	var wg sync.WaitGroup
	for _, k := range trainingTaskKinds {
		t, ok, err := s.taskOf(ctx, a, k)
		if err != nil {
			wg.Wait()
			return nil, err
		}
		if !ok {
			continue
		}
		p := &taskPage{kind: k}
		pages = append(pages, p)
		wg.Go(func() {
			p.page, p.err = s.store.Read().ListCandidates(ctx, store.CandidateFilter{Scope: sc, Task: &t, Limit: DashboardItemsShown})
		})
	}
	wg.Wait()
	var cards []DashboardCard
	for _, p := range pages {
		if p.err != nil {
			return nil, p.err
		}
		k := p.kind
		card := DashboardCard{Label: k.Label, Count: p.page.Total, Hint: k.Hint, Task: true,
			Href: "/candidats?a_faire=" + url.QueryEscape(k.Key)}
		for _, r := range p.page.Rows {
			what := k.Item
			if k.Kind == store.TaskGridDue {
				var err error
				if what, err = s.gridDeadline(ctx, r.Enrolment.ID, what); err != nil {
					return nil, err
				}
			}
			card.Items = append(card.Items, DashboardItem{Label: r.Candidate.DisplayName() + " : " + what, Href: k.Page(r.Enrolment.ID)})
		}
		cards = append(cards, card.linkSingle())
	}
	return cards, nil
}

// gridDeadline adds to a grid due the day of the candidate's next certification oral, when one
// is planned: the date the evaluator plans around (no rule makes it a deadline).
func (s *Service) gridDeadline(ctx context.Context, enrolmentID, what string) (string, error) {
	orals, err := s.store.Read().ListOrals(ctx, store.OralFilter{EnrolmentID: enrolmentID, From: s.Now()})
	if err != nil || len(orals) == 0 {
		return what, err
	}
	return what + " (oral de certification le " + domain.DateOf(orals[0].StartsAt).String() + ")", nil
}

// CandidateTask is a task the candidates list is filtered on (a_faire=Key).
type CandidateTask struct {
	Task  store.Task
	Label string // the dashboard card's label
	Item  string // what waits on each candidate
	page  func(enrolmentID string) string
}

// Page is where the work on one enrolment is done.
func (t CandidateTask) Page(enrolmentID string) string { return t.page(enrolmentID) }

// CandidateTask returns the condition that keeps, in the candidates list, the candidates on
// whom this task (a_faire=key) of the actor waits; false when the actor has no such task.
func (s *Service) CandidateTask(ctx context.Context, a domain.Actor, key string) (CandidateTask, bool, error) {
	for _, k := range trainingTaskKinds {
		if k.Key != key {
			continue
		}
		t, ok, err := s.taskOf(ctx, a, k)
		if err != nil || !ok {
			return CandidateTask{}, false, err
		}
		return CandidateTask{Task: t, Label: k.Label, Item: k.Item, page: k.Page}, true, nil
	}
	return CandidateTask{}, false, nil
}
