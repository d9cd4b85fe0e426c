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
	grids := DashboardCard{Label: "Grilles de commission à envoyer", Href: "/oraux", Task: true}
	var gridHints []string
	for _, o := range orals {
		v := oralView(o)
		if o.StartsAt.After(now) {
			if next.Count == 0 {
				where := ""
				if o.Place != "" {
					where = ", " + o.Place
				} else if o.VideoLink != "" {
					where = ", en visioconférence"
				}
				next.Hint = "Prochain : " + v.Candidate.DisplayName() + ", le " + v.LongDay() + " à " + v.Start() + where + "."
				next.Href = "/oraux/" + o.ID
			}
			next.Count++
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
			grids.Count++
			grids.Href = "/oraux/" + o.ID
			gridHints = append(gridHints, v.Candidate.DisplayName()+", entendu·e le "+v.Day())
		}
	}
	if next.Count > 1 {
		next.Href = "/oraux"
	}
	if grids.Count > 1 {
		grids.Href = "/oraux"
	}
	if grids.Count > 0 {
		grids.Hint = "Remplissez et envoyez la grille de l'oral : " + hintList(gridHints)
	}
	return []DashboardCard{next, grids}, nil
}
