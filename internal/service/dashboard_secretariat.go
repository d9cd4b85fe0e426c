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

// dashboardHintItems bounds the items a task's hint names.
const dashboardHintItems = 3

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

	prepare := DashboardCard{Label: "Sessions de jury à préparer", Href: "/jury/sessions", Task: true}
	var prepareHints []string
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
		if len(missing) == 0 {
			continue
		}
		prepare.Count++
		prepare.Href = "/jury/sessions/" + js.ID
		prepareHints = append(prepareHints, "jury du "+js.StartsAt.In(domain.Paris()).Format("02/01/2006")+" : "+strings.Join(missing, ", "))
	}
	if prepare.Count > 1 {
		prepare.Href = "/jury/sessions"
	}
	prepare.Hint = hintList(prepareHints)
	cards = append(cards, prepare)

	if Can(a, ActCertificateIssue) {
		closed, err := r.ClosedSessionsWithoutDocuments(ctx)
		if err != nil {
			return nil, err
		}
		issue := DashboardCard{Label: "Sessions closes dont les documents sont à délivrer", Href: "/delivrance", Task: true}
		var issueHints []string
		for _, js := range closed {
			issue.Count++
			issue.Href = "/delivrance/" + js.ID
			issueHints = append(issueHints, "jury du "+js.StartsAt.In(domain.Paris()).Format("02/01/2006"))
		}
		if issue.Count > 1 {
			issue.Href = "/delivrance"
		}
		if issue.Count > 0 {
			issue.Hint = "Délivrez les certificats et les attestations : " + hintList(issueHints)
		}
		cards = append(cards, issue)
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
			staff.Count++
			staff.Href = "/commissions/" + c.ID
		}
	}
	if staff.Count > 1 {
		staff.Href = "/commissions"
	}
	cards = append(cards, staff)

	orals, err := r.ListOrals(ctx, store.OralFilter{From: now})
	if err != nil {
		return nil, err
	}
	room := DashboardCard{Label: "Oraux à venir sans salle ni visioconférence", Href: "/oraux", Task: true}
	var roomHints []string
	for _, o := range orals {
		if strings.TrimSpace(o.Place) == "" && strings.TrimSpace(o.VideoLink) == "" {
			room.Count++
			room.Href = "/oraux/" + o.ID
			v := oralView(o)
			roomHints = append(roomHints, v.Candidate.DisplayName()+" le "+v.Day()+" à "+v.Start())
		}
	}
	if room.Count > 1 {
		room.Href = "/oraux"
	}
	room.Hint = hintList(roomHints)
	cards = append(cards, room)
	return cards, nil
}

// hintList names the first items of a task, and how many more there are.
func hintList(items []string) string {
	if len(items) == 0 {
		return ""
	}
	if len(items) <= dashboardHintItems {
		return strings.Join(items, " ; ") + "."
	}
	return strings.Join(items[:dashboardHintItems], " ; ") + fmt.Sprintf(" ; et %d autres.", len(items)-dashboardHintItems)
}
