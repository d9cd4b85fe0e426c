package service

import (
	"context"

	"cqp/internal/domain"
	"cqp/internal/store"
)

// commissionTasks are a commission member's tasks: the orals they will hear, and the grids of
// the orals they heard that are not sent yet. A member sits on a handful of orals a year, so
// their orals are read whole.
func (s *Service) commissionTasks(ctx context.Context, a domain.Actor) ([]DashboardCard, error) {
	if !a.Has(domain.RoleCommissionMember) || !Can(a, ActOralRead) {
		return nil, nil
	}
	r := s.store.Read()
	orals, err := r.ListOrals(ctx, store.OralFilter{MemberUserID: a.UserID})
	if err != nil {
		return nil, err
	}
	now := s.Now()
	next := DashboardCard{Label: "Oraux de certification à venir", Href: "/oraux", Task: true,
		Hint: "Chaque oral montre le candidat, ses blocs et la grille de la commission."}
	grids := DashboardCard{Label: "Grilles de commission à envoyer", Href: "/oraux", Task: true,
		Hint: "Remplissez et envoyez la grille de chaque oral tenu."}
	for _, o := range orals {
		v := oralView(o)
		if o.StartsAt.After(now) {
			where := ""
			if o.Place != "" {
				where = ", " + o.Place
			} else if o.VideoLink != "" {
				where = ", en visioconférence"
			}
			next.addItem(v.Candidate.DisplayName()+", le "+v.LongDay()+" à "+v.Start()+where, "/oraux/"+o.ID)
			continue
		}
		if !v.Voting(a.UserID) {
			continue
		}
		versions, err := r.GridVersions(ctx, o.EnrolmentID, domain.EvaluatorCommission)
		if err != nil {
			return nil, err
		}
		sent := false
		for _, g := range versions {
			sent = sent || g.Status == store.GridSubmitted
		}
		if !sent {
			grids.addItem(v.Candidate.DisplayName()+", entendu·e le "+v.Day(), "/oraux/"+o.ID)
		}
	}
	return []DashboardCard{next.linkSingle(), grids.linkSingle()}, nil
}
