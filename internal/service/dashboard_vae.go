package service

import (
	"context"
	"net/url"

	"cqp/internal/domain"
	"cqp/internal/store"
)

// The VAE part of the dashboard: what waits for the secretariat (requests to send, files to
// decide, reviews awaited), for a training organisation (the files it must review), for a
// company (its employees' requests) and for an adviser (the experience files they follow); and,
// for a candidate, their own files with what comes next.

// dashboardVAELimit bounds the files read to count one card.
const dashboardVAELimit = 5000

// VAENextStep is one of the candidate's own VAE files on their dashboard.
type VAENextStep struct {
	EnrolmentID        string
	QualificationTitle string
	Status             string // where the request stands, in French
	Next               string // what the candidate does next, or waits for, in French
	Href               string // where to do it
	LinkText           string // the link's text
}

// VAEDashboard is the VAE part of an actor's dashboard.
type VAEDashboard struct {
	Cards []DashboardCard
	Own   []VAENextStep
}

// VAEDashboard returns the VAE cards of the actor's dashboard and, for a candidate, their own
// files with the next step.
func (s *Service) VAEDashboard(ctx context.Context, a domain.Actor) (VAEDashboard, error) {
	var out VAEDashboard
	if err := Check(a, ActDashboard); err != nil {
		return out, err
	}
	if !Can(a, ActVAERead) {
		return out, nil
	}
	q := s.store.Read()
	list := func(sc store.VAEScope, statuses ...domain.VAEStatus) ([]store.VAEListing, error) {
		return q.VAEFiles(ctx, store.VAEFilter{Statuses: statuses, Scope: sc, Limit: dashboardVAELimit})
	}
	if AccessFor(a, ActVAEDecide) == AccessAll {
		for _, c := range []struct {
			label, hint string
			statuses    []domain.VAEStatus
		}{
			{"Demandes de VAE : dossier de recevabilité à envoyer", "Envoyez le dossier au candidat, par courriel ou sur papier.",
				[]domain.VAEStatus{domain.VAERequested}},
			{"Dossiers de VAE à décider", "Dossiers de recevabilité reçus : demandez l'avis d'un organisme, ou décidez.",
				[]domain.VAEStatus{domain.VAESubmitted, domain.VAEReviewed}},
			{"Avis d'organisme attendus sur des dossiers de VAE", "", []domain.VAEStatus{domain.VAEUnderReview}},
		} {
			n, err := q.CountVAEFiles(ctx, store.VAEFilter{Statuses: c.statuses})
			if err != nil {
				return out, err
			}
			out.Cards = append(out.Cards, DashboardCard{Label: c.label, Count: n, Href: vaeListHref(c.statuses...), Hint: c.hint, Task: true})
		}
	}
	if orgs := a.Scopes(domain.RoleTrainingOrganisation); len(orgs) > 0 && Can(a, ActVAEReview) {
		files, err := list(store.VAEScope{Restricted: true, ReviewerOrganisationIDs: orgs}, domain.VAEUnderReview)
		if err != nil {
			return out, err
		}
		n := 0
		for _, f := range files {
			reviews, err := q.VAEReviews(ctx, f.File.EnrolmentID)
			if err != nil {
				return out, err
			}
			for _, r := range reviews {
				if !r.Given() && r.FileVersion == f.File.Version && contains(orgs, r.TrainingOrganisationID) {
					n++
					break
				}
			}
		}
		out.Cards = append(out.Cards, DashboardCard{Label: "Dossiers de VAE à examiner", Count: n, Href: vaeListHref(domain.VAEUnderReview),
			Hint: "Donnez votre avis argumenté, le dossier à côté du formulaire.", Task: true})
	}
	if companies := a.Scopes(domain.RoleCompany); len(companies) > 0 && RoleCan(domain.RoleCompany, ActVAERead) {
		files, err := list(store.VAEScope{Restricted: true, CompanyIDs: companies})
		if err != nil {
			return out, err
		}
		card := DashboardCard{Label: "Demandes de VAE de vos salariés", Count: len(files), Href: "/vae"}
		if Can(a, ActVAERequest) {
			card.Hint = "Demandez une VAE pour un salarié depuis la liste."
		}
		out.Cards = append(out.Cards, card)
	}
	if a.Has(domain.RoleVAEAdviser) && Can(a, ActVAEAdvise) {
		files, err := list(store.VAEScope{Restricted: true, AdviserUserID: a.UserID}, domain.VAEAdmissible)
		if err != nil {
			return out, err
		}
		n := 0
		for _, f := range files {
			if f.File.ExperienceStatus == domain.ExperienceOpen {
				n++
			}
		}
		out.Cards = append(out.Cards, DashboardCard{Label: "Dossiers d'expérience que vous accompagnez", Count: n, Href: "/vae",
			Hint: "Dossiers en cours de rédaction : commentez-les bloc par bloc.", Task: true})
	}
	if candidates := a.Scopes(domain.RoleCandidate); len(candidates) > 0 {
		files, err := list(store.VAEScope{Restricted: true, CandidateIDs: candidates})
		if err != nil {
			return out, err
		}
		for _, f := range files {
			out.Own = append(out.Own, vaeNextStep(f))
		}
	}
	return out, nil
}

// vaeListHref links to the VAE list filtered on the statuses.
func vaeListHref(statuses ...domain.VAEStatus) string {
	v := url.Values{}
	for _, st := range statuses {
		v.Add("statut", string(st))
	}
	return "/vae?" + v.Encode()
}

// vaeNextStep says what comes next on a candidate's own file.
func vaeNextStep(l store.VAEListing) VAENextStep {
	f := l.File
	base := "/vae/" + f.EnrolmentID
	n := VAENextStep{EnrolmentID: f.EnrolmentID, QualificationTitle: l.QualificationTitle, Status: f.Status.Label(),
		Href: base, LinkText: "Voir votre dossier de VAE"}
	switch f.Status {
	case domain.VAERequested:
		n.Next = "Le secrétariat va vous envoyer le dossier de recevabilité."
	case domain.VAESent:
		n.Next = "Remplissez votre dossier de recevabilité, puis envoyez-le : il est enregistré à chaque étape."
		n.Href, n.LinkText = base+"/recevabilite", "Remplir le dossier de recevabilité"
	case domain.VAEIncomplete:
		n.Next = "Votre dossier a été jugé incomplet : complétez-le et envoyez-le de nouveau (la lettre de décision dit ce qui manque)."
		n.Href, n.LinkText = base+"/recevabilite", "Compléter le dossier de recevabilité"
	case domain.VAESubmitted, domain.VAEUnderReview, domain.VAEReviewed:
		n.Next = "Votre dossier de recevabilité est en cours d'examen : la décision vous sera envoyée par courriel."
	case domain.VAEAdmissible:
		switch f.ExperienceStatus {
		case domain.ExperienceOpen:
			n.Next = "Rédigez votre dossier d'expérience, bloc par bloc, avec vos preuves"
			if !f.ValidUntil.IsZero() {
				n.Next += ", avant le " + f.ValidUntil.String()
			}
			n.Next += "."
			n.Href, n.LinkText = base+"/experience", "Rédiger le dossier d'expérience"
		case domain.ExperienceSubmitted:
			n.Next = "Votre dossier d'expérience est déposé : le secrétariat vous convoque devant une commission d'évaluation."
		}
	case domain.VAENotAdmissible:
		n.Next = "Votre demande n'est pas recevable : le motif figure dans la lettre de décision."
	case domain.VAERedirected:
		n.Next = "Votre demande a été réorientée vers une autre voie : la lettre de décision l'explique."
	}
	return n
}

// VAEAdviserChoices returns the active accounts holding the VAE adviser role, for the
// secretariat to name the adviser of a file.
func (s *Service) VAEAdviserChoices(ctx context.Context, a domain.Actor) ([]domain.User, error) {
	if err := Check(a, ActVAEDecide); err != nil {
		return nil, err
	}
	return activeUsers(ctx, s.store.Read(), domain.RoleVAEAdviser)
}
