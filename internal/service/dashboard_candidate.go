package service

import (
	"context"
	"fmt"

	"cqp/internal/domain"
	"cqp/internal/store"
)

// OwnRoute is one of a candidate's own enrolments (formation or blocs; VAE files have their own
// section) as their dashboard shows it: where it stands block by block, the next dates, the
// documents issued and what the candidate does next.
type OwnRoute struct {
	CandidateID string
	Enrolment   domain.Enrolment
	Blocks      []OwnBlock
	Hours       string   // « 120 h de formation sur 350 h », "" before any hour is due
	Dates       []string // the next dates, in French, soonest first
	Documents   []store.Certificate
	// Todo says what the candidate must do, each with where; Waiting what others do next.
	Todo    []OwnTask
	Waiting string
}

// OwnBlock is one block of the candidate's enrolment and how it stands.
type OwnBlock struct {
	Code, Title string
	State       string // « acquis », « moyenne 12,50/20 », « pas encore noté »…
	Done        bool   // held for good
}

// OwnTask is something the candidate does, and the page where.
type OwnTask struct{ Label, Href string }

// CandidateDashboard returns the candidate's own formation and blocs enrolments with where each
// stands and what comes next. Other roles get nothing.
func (s *Service) CandidateDashboard(ctx context.Context, a domain.Actor) ([]OwnRoute, error) {
	if err := Check(a, ActDashboard); err != nil {
		return nil, err
	}
	var out []OwnRoute
	q := s.store.Read()
	now := s.Now()
	for _, candidateID := range a.Scopes(domain.RoleCandidate) {
		c, err := s.Candidate(ctx, a, candidateID)
		if err != nil {
			return nil, err
		}
		progress, err := s.CandidateProgress(ctx, a, candidateID)
		if err != nil {
			return nil, err
		}
		var certs store.CertificatePage
		if Can(a, ActCertificateRead) {
			if certs, err = s.Certificates(ctx, a, store.CertificateFilter{CandidateID: candidateID}); err != nil {
				return nil, err
			}
		}
		for _, p := range progress {
			e := p.Enrolment
			if e.Route == domain.RouteVAE {
				continue
			}
			r := OwnRoute{CandidateID: candidateID, Enrolment: e}
			for _, b := range p.Marks.Blocks {
				ob := OwnBlock{Code: b.Code, Title: b.Title, State: "pas encore noté"}
				switch {
				case b.Held != nil:
					ob.State, ob.Done = "acquis", true
				case b.HasMark && b.Admitted:
					ob.State = "moyenne " + b.Mean.String() + "/20"
				case b.HasMark:
					ob.State = "moyenne " + b.Mean.String() + "/20 : sous " + p.Marks.Minimum.String() + "/20, parlez-en à votre formateur"
				}
				r.Blocks = append(r.Blocks, ob)
			}
			if h := p.Followup.Hours; h.TrainingOwed > 0 && p.Followup.HoursError == "" {
				r.Hours = fmt.Sprintf("Formation : %d h effectuées sur %d h dues", h.TrainingDone, h.TrainingOwed)
				if h.InternshipOwed > 0 {
					r.Hours += fmt.Sprintf(" ; stage : %d h sur %d h", h.InternshipDone, h.InternshipOwed)
				}
			}
			for _, o := range p.Orals {
				if o.Ends().After(now) {
					where := ""
					if o.Place != "" {
						where = ", " + o.Place
					}
					r.Dates = append(r.Dates, "Oral de certification le "+o.LongDay()+" de "+o.Start()+" à "+o.End()+where)
				}
			}
			sessions, err := q.UpcomingJurySessionsOfEnrolment(ctx, e.ID, now)
			if err != nil {
				return nil, err
			}
			for _, js := range sessions {
				r.Dates = append(r.Dates, "Jury de certification le "+FrenchLongDate(js.StartsAt)+" : il délibère sur vos blocs")
			}
			for _, cert := range certs.Items {
				if cert.EnrolmentID == e.ID && !cert.Revoked() {
					r.Documents = append(r.Documents, cert)
				}
			}
			r.Todo, r.Waiting = ownNextStep(c, e, p, len(r.Dates) > 0)
			out = append(out, r)
		}
	}
	return out, nil
}

// ownNextStep says what a candidate does next on an enrolment, and what they wait for.
func ownNextStep(c domain.Candidate, e domain.Enrolment, p Progress, dated bool) ([]OwnTask, string) {
	var todo []OwnTask
	if c.NIR == "" {
		todo = append(todo, OwnTask{Label: "Indiquez votre numéro de sécurité sociale (NIR) : il sert à déclarer votre certification sur Mon Compte Formation.",
			Href: "/candidats/" + c.ID + "/nir"})
	}
	var waiting string
	switch e.Status {
	case domain.StatusEnrolled, domain.StatusInTraining:
		waiting = "Suivez votre formation : votre organisme de formation enregistre vos heures et vos notes de contrôle continu, votre tuteur tient votre livret."
	case domain.StatusFinalEvaluation:
		waiting = "Vos évaluateurs remplissent leurs grilles d'évaluation finale."
		if !dated {
			waiting += " Le secrétariat vous convoquera à l'oral de certification."
		}
	case domain.StatusAwaitingJury:
		waiting = "Votre dossier est complet : le jury de certification va délibérer."
	case domain.StatusCertified:
		waiting = "Vous êtes certifié·e : votre certificat est ci-dessous, vérifiable par tout employeur."
	case domain.StatusPartial:
		waiting = "Le jury vous a attribué une partie des blocs : ils restent acquis. Parlez avec votre organisme de formation de la suite pour les autres."
	case domain.StatusNotCertified:
		waiting = "Le jury ne vous a pas attribué la qualification. Parlez avec votre organisme de formation de la suite."
	case domain.StatusWithdrawn:
		waiting = "Votre inscription est close."
	}
	if p.Marks.Retake != "" {
		waiting = p.Marks.Retake
	}
	return todo, waiting
}
