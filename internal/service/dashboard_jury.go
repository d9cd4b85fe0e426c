package service

import (
	"context"

	"cqp/internal/domain"
)

// juryCards are the dashboard's jury and certificate items: sessions still to hold (for the
// secretariat and the jury) and issued documents not yet mailed (for the secretariat).
func (s *Service) juryCards(ctx context.Context, a domain.Actor) ([]DashboardCard, error) {
	var cards []DashboardCard
	r := s.store.Read()
	if Can(a, ActJuryRead) {
		open, err := openJurySessions(ctx, r, a)
		if err != nil {
			return nil, err
		}
		cards = append(cards, DashboardCard{Label: "Sessions de jury à tenir", Count: open, Href: "/jury/sessions", Task: true})
	}
	if Can(a, ActCertificateIssue) {
		counts, err := r.CertificateCountsBySession(ctx)
		if err != nil {
			return nil, err
		}
		unmailed := 0
		for _, c := range counts {
			unmailed += c.Unmailed
		}
		cards = append(cards, DashboardCard{Label: "Certificats et attestations délivrés, à envoyer aux titulaires", Count: unmailed, Href: "/delivrance", Task: true})
	}
	return cards, nil
}
