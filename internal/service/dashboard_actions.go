package service

import (
	"context"

	"cqp/internal/domain"
	"cqp/internal/store"
)

// actionCards are the dashboard cards of the formation route's actions: for the secretariat,
// the declared actions waiting for its review. A count that cannot be read is shown as such
// rather than hiding the card.
func (s *Service) actionCards(ctx context.Context, a domain.Actor) []DashboardCard {
	if AccessFor(a, ActActionReview) != AccessAll {
		return nil
	}
	card := DashboardCard{Label: "Actions à examiner", Href: "/actions?statut=" + string(store.ActionDeclared),
		Hint: "Actions de formation déclarées par les organismes, à commenter, examiner ou refuser."}
	page, err := s.store.Read().ListActions(ctx, store.ActionFilter{Status: store.ActionDeclared, Limit: 1})
	if err != nil {
		s.log.Error("dashboard: count the actions to review", "error", err, "request_id", a.RequestID)
		card.Hint = "Décompte momentanément indisponible : rechargez la page dans un instant."
	}
	card.Count = page.Total
	return []DashboardCard{card}
}
