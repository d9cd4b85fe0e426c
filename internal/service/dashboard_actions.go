package service

import (
	"context"

	"cqp/internal/domain"
	"cqp/internal/store"
)

// actionCards are the dashboard cards of the formation route's actions: for the secretariat,
// the declared actions waiting for its review; for the organisations, companies and funders,
// the actions of their scope. A count that cannot be read is shown as such rather than hiding
// the card.
func (s *Service) actionCards(ctx context.Context, a domain.Actor) []DashboardCard {
	var card DashboardCard
	f := store.ActionFilter{Limit: 1}
	switch {
	case AccessFor(a, ActActionReview) == AccessAll:
		f.Status = store.ActionDeclared
		card = DashboardCard{Label: "Actions à examiner", Href: "/actions?statut=" + string(store.ActionDeclared), Task: true,
			Hint: "Actions de formation déclarées par les organismes, à commenter, examiner ou refuser."}
	case AccessFor(a, ActActionRead) == AccessScoped:
		sc, err := actionScope(a, ActActionRead)
		if err != nil {
			return nil
		}
		f.Scope = sc
		card = DashboardCard{Label: "Actions de formation", Href: "/actions"}
		if Can(a, ActActionDeclare) {
			card.Hint = "Déclarez une action, inscrivez-y vos candidats ou importez leur liste."
		}
	default:
		return nil
	}
	page, err := s.store.Read().ListActions(ctx, f)
	if err != nil {
		s.log.Error("dashboard: count the actions to review", "error", err, "request_id", a.RequestID)
		card.Hint = "Décompte momentanément indisponible : rechargez la page dans un instant."
	}
	card.Count = page.Total
	return []DashboardCard{card}
}
