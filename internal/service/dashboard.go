package service

import (
	"context"
	"fmt"
	"net/url"
	"strings"

	"cqp/internal/domain"
	"cqp/internal/store"
)

// DashboardCard is one "what waits for me" item: a count and where to act on it.
type DashboardCard struct {
	Label string
	Count int
	Href  string
	Hint  string
	// Task marks work the actor must do (a grid to fill, a document to send): the dashboard
	// lists tasks first, and only those with a count. Other cards are figures to follow.
	Task bool
	// Items name the first candidates of a task (DashboardItemsShown at most), each with the
	// page where the work is done; Count says how many there are in all.
	Items []DashboardItem
}

// More is how many of the task's candidates Items does not name.
func (c DashboardCard) More() int { return max(c.Count-len(c.Items), 0) }

// addItem counts one more thing waiting on a task, named while fewer than DashboardItemsShown
// are, with the page where it is done.
func (c *DashboardCard) addItem(label, href string) {
	c.Count++
	if len(c.Items) < DashboardItemsShown {
		c.Items = append(c.Items, DashboardItem{Label: label, Href: href})
	}
}

// linkSingle points a task waiting on one thing straight at it; with several, the card keeps
// the link to their list.
func (c DashboardCard) linkSingle() DashboardCard {
	if c.Count == 1 && len(c.Items) == 1 {
		c.Href = c.Items[0].Href
	}
	return c
}

// Dashboard returns the cards of the actor's dashboard, by role.
func (s *Service) Dashboard(ctx context.Context, a domain.Actor) ([]DashboardCard, error) {
	if err := Check(a, ActDashboard); err != nil {
		return nil, err
	}
	var cards []DashboardCard
	if Can(a, ActCandidateList) {
		sc, err := candidateScope(a, ActCandidateList)
		if err != nil {
			return nil, err
		}
		underWay := []domain.EnrolmentStatus{domain.StatusAdmissibility, domain.StatusEnrolled, domain.StatusInTraining,
			domain.StatusFinalEvaluation, domain.StatusAwaitingJury}
		counts, err := s.store.Read().CountEnrolments(ctx, sc, underWay...)
		if err != nil {
			return nil, err
		}
		for _, st := range underWay {
			cards = append(cards, DashboardCard{Label: "Candidats — " + st.Label(), Count: enrolmentsAt(counts, "", st),
				Href: "/candidats?statut=" + url.QueryEscape(string(st))})
		}
		if card := blocsCard(counts); card.Count > 0 {
			cards = append(cards, card)
		}
	}
	for _, tasks := range []func(context.Context, domain.Actor) ([]DashboardCard, error){s.secretariatTasks, s.commissionTasks, s.subjectTasks} {
		more, err := tasks(ctx, a)
		if err != nil {
			return nil, err
		}
		cards = append(cards, more...)
	}
	cards = append(cards, s.actionCards(ctx, a)...)
	// The training organisation's and the company referent's own tasks.
	tasks, err := s.trainingTasks(ctx, a)
	if err != nil {
		return nil, err
	}
	cards = append(cards, tasks...)
	jury, err := s.juryCards(ctx, a)
	if err != nil {
		return nil, err
	}
	cards = append(cards, jury...)
	if AccessFor(a, ActOrganisationManage) == AccessAll {
		orgs, err := s.store.Read().ListTrainingOrganisations(ctx, nil)
		if err != nil {
			return nil, err
		}
		today, limit := s.Today(), s.Today().AddDays(60)
		expiring := 0
		for _, o := range orgs {
			for _, acc := range o.Accreditations {
				if !acc.ValidUntil.Before(today) && acc.ValidUntil.Before(limit) {
					expiring++
				}
			}
		}
		cards = append(cards, DashboardCard{Label: "Habilitations expirant sous 60 jours", Count: expiring, Href: "/organismes", Task: true,
			Hint: "Renouvelez-les, ou prévenez l'organisme qu'il ne pourra plus inscrire."})
		reg, err := registerState(ctx, s.store.Read(), s.Now())
		if err != nil {
			return nil, err
		}
		if reg.Due {
			cards = append(cards, DashboardCard{Label: "Registre des organismes habilités modifié il y a plus de 45 jours et non exporté",
				Count: 1, Href: "/organismes#registre", Hint: "À transmettre à France Compétences dans les deux mois du changement.", Task: true})
		}
	}
	if Can(a, ActFrameworkImport) {
		n, err := s.store.Read().ToConfirmInLatestFrameworks(ctx)
		if err != nil {
			return nil, err
		}
		cards = append(cards, DashboardCard{Label: "Éléments de référentiel à confirmer par la branche", Count: n, Href: "/referentiels", Task: true})
	}
	if Can(a, ActDeclarationRead) {
		late, err := s.LateDeclarations(ctx, a)
		if err != nil {
			return nil, err
		}
		undeclared, err := s.store.Read().CountLateDeclarations(ctx, s.Today().AddDays(1), s.cdc.DeclareBlocks)
		if err != nil {
			return nil, err
		}
		card := DashboardCard{Label: "Délivrances à déclarer à la Caisse des Dépôts", Count: undeclared, Href: "/declarations", Task: true,
			Hint: "Certificats et attestations pas encore acceptés par la Caisse des Dépôts (Mon Compte Formation)."}
		if late > 0 {
			card.Hint = fmt.Sprintf("Dont %d de plus de deux mois : le délai légal est de trois mois.", late)
		}
		cards = append(cards, card)
	}
	if Can(a, ActOutboxRead) {
		failed, err := s.store.Read().CountFailedMail(ctx, OutboxListed)
		if err != nil {
			return nil, err
		}
		cards = append(cards, DashboardCard{Label: "Courriels en échec", Count: failed, Href: "/courriels", Task: true,
			Hint: "Vérifiez l'adresse, puis renvoyez-les."})
	}
	return cards, nil
}

// enrolmentsAt adds up the counts at status, of one route or of every route ("").
func enrolmentsAt(counts []store.EnrolmentCount, route domain.Route, status domain.EnrolmentStatus) int {
	n := 0
	for _, c := range counts {
		if c.Status == status && (route == "" || c.Route == route) {
			n += c.Count
		}
	}
	return n
}

// blocsCard counts the blocs route's enrolments under way, by step, and links to the overview
// block by block.
func blocsCard(counts []store.EnrolmentCount) DashboardCard {
	steps := []struct {
		status       domain.EnrolmentStatus
		one, several string
	}{{domain.StatusEnrolled, "inscrit", "inscrits"}, {domain.StatusInTraining, "en formation", "en formation"},
		{domain.StatusFinalEvaluation, "aux épreuves finales", "aux épreuves finales"},
		{domain.StatusAwaitingJury, "en attente du jury", "en attente du jury"}}
	card := DashboardCard{Label: "Voie des blocs : inscriptions en cours", Href: "/blocs"}
	var parts []string
	for _, st := range steps {
		n := enrolmentsAt(counts, domain.RouteBlocs, st.status)
		card.Count += n
		if n > 0 {
			parts = append(parts, Plural(n, st.one, st.several))
		}
	}
	card.Hint = strings.Join(parts, ", ") + "."
	return card
}
