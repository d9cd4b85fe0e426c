package service

import (
	"context"
	"fmt"

	"cqp/internal/domain"
	"cqp/internal/store"
)

// subjectTasks are the subject bank's tasks: the proposals a committee member has to review,
// and for the secretariat a call to open and a committee session to schedule.
func (s *Service) subjectTasks(ctx context.Context, a domain.Actor) ([]DashboardCard, error) {
	review, manage := Can(a, ActSubjectReview), Can(a, ActSubjectCallManage)
	if !review && !manage {
		return nil, nil
	}
	r := s.store.Read()
	submitted, err := r.Subjects(ctx, store.SubjectFilter{Statuses: []domain.SubjectStatus{domain.SubjectSubmitted}})
	if err != nil {
		return nil, err
	}
	var cards []DashboardCard
	if review {
		card := DashboardCard{Label: "Propositions de sujets à examiner", Href: "/sujets/a-examiner", Task: true,
			Hint: "Acceptez, modifiez ou refusez chaque proposition en séance de la commission de sujets."}
		for i := len(submitted) - 1; i >= 0; i-- { // the oldest first
			l := submitted[i]
			card.addItem(l.Current.Title+" — "+l.Kind.Label()+", "+l.ProposerOrgName, "/sujets/banque/"+l.ID+"/examen")
		}
		cards = append(cards, card.linkSingle())
	}
	if manage {
		today := s.Today()
		calls, err := r.SubjectCalls(ctx)
		if err != nil {
			return nil, err
		}
		current := false
		for _, c := range calls {
			current = current || !c.ClosesOn.Before(today)
		}
		open := DashboardCard{Label: "Appel à sujets d'évaluation à ouvrir", Href: "/sujets/appels", Task: true,
			Hint: "Aucun appel n'est ouvert ni programmé : fixez ses dates, les organismes habilités seront prévenus à l'ouverture."}
		if !current {
			year := today.Year()
			for _, c := range calls {
				if c.Year >= year {
					year = c.Year + 1
				}
			}
			open.addItem(fmt.Sprintf("appel %d", year), "/sujets/appels")
		}
		cards = append(cards, open)
		sessions, err := r.SubjectCommitteeSessions(ctx, "")
		if err != nil {
			return nil, err
		}
		upcoming := false
		for _, sess := range sessions {
			upcoming = upcoming || !domain.DateOf(sess.StartsAt).Before(today)
		}
		schedule := DashboardCard{Label: "Séance de la commission de sujets à programmer", Href: "/sujets/commission", Task: true,
			Hint: "Des propositions attendent la commission et aucune séance n'est prévue."}
		if len(submitted) > 0 && !upcoming {
			schedule.addItem(Plural(len(submitted), "proposition soumise", "propositions soumises"), "/sujets/commission")
		}
		cards = append(cards, schedule)
	}
	return cards, nil
}
