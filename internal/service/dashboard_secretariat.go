package service

import (
	"context"
	"fmt"
	"strings"

	"cqp/internal/domain"
	"cqp/internal/store"
)

// The secretariat's tasks: what must be done for the next orals, juries and documents, rather
// than how many candidates stand at each step.

// secretariatTasks are the tasks of whoever runs the certification: sessions to prepare, their
// documents to issue, commissions to staff and orals without a room.
func (s *Service) secretariatTasks(ctx context.Context, a domain.Actor) ([]DashboardCard, error) {
	if AccessFor(a, ActJuryManage) != AccessAll {
		return nil, nil
	}
	r := s.store.Read()
	now := s.Now()
	sessions, err := r.UpcomingJurySessions(ctx, now)
	if err != nil {
		return nil, err
	}
	var cards []DashboardCard

	prepare := DashboardCard{Label: "Sessions de jury à préparer", Href: "/jury/sessions", Task: true,
		Hint: "Présentez-y des candidats et invitez assez de membres pour le quorum."}
	for _, js := range sessions {
		if js.Status != store.JuryPlanned {
			continue // deliberating: too late to prepare
		}
		var missing []string
		if js.Candidates == 0 {
			missing = append(missing, "aucun candidat présenté")
		}
		if js.Invited < js.Quorum {
			missing = append(missing, fmt.Sprintf("%s pour un quorum de %d", Plural(js.Invited, "invité", "invités"), js.Quorum))
		}
		if len(missing) > 0 {
			prepare.addItem("jury du "+js.StartsAt.In(domain.Paris()).Format("02/01/2006")+" : "+strings.Join(missing, ", "), "/jury/sessions/"+js.ID)
		}
	}
	cards = append(cards, prepare.linkSingle())

	if Can(a, ActCertificateIssue) {
		closed, err := r.ClosedSessionsWithoutDocuments(ctx)
		if err != nil {
			return nil, err
		}
		issue := DashboardCard{Label: "Sessions closes dont les documents sont à délivrer", Href: "/delivrance", Task: true,
			Hint: "Délivrez les certificats et les attestations."}
		for _, js := range closed {
			issue.addItem("jury du "+js.StartsAt.In(domain.Paris()).Format("02/01/2006"), "/delivrance/"+js.ID)
		}
		cards = append(cards, issue.linkSingle())
	}

	commissions, err := r.Commissions(ctx)
	if err != nil {
		return nil, err
	}
	staff := DashboardCard{Label: "Commissions d'évaluation à compléter", Href: "/commissions", Task: true,
		Hint: "Une commission évalue avec deux membres votants délégués par le jury."}
	for _, c := range commissions {
		voting := 0
		for _, m := range c.Members {
			if m.Voting {
				voting++
			}
		}
		if voting < 2 {
			staff.addItem(c.Name+" : "+Plural(voting, "membre votant", "membres votants"), "/commissions/"+c.ID)
		}
	}
	cards = append(cards, staff.linkSingle())

	orals, err := r.ListOrals(ctx, store.OralFilter{From: now})
	if err != nil {
		return nil, err
	}
	room := DashboardCard{Label: "Oraux à venir sans salle ni visioconférence", Href: "/oraux", Task: true,
		Hint: "Indiquez où la commission entend le candidat, puis envoyez les convocations."}
	for _, o := range orals {
		if strings.TrimSpace(o.Place) == "" && strings.TrimSpace(o.VideoLink) == "" {
			v := oralView(o)
			room.addItem(v.Candidate.DisplayName()+" le "+v.Day()+" à "+v.Start(), "/oraux/"+o.ID)
		}
	}
	cards = append(cards, room.linkSingle())
	subjects, err := s.subjectDrawTask(ctx, r, orals)
	if err != nil {
		return nil, err
	}
	cards = append(cards, subjects)
	return cards, nil
}
