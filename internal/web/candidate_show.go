package web

import (
	"net/http"
	"slices"

	"cqp/internal/domain"
	"cqp/internal/service"
	"cqp/internal/store"
)

type candidatePage struct {
	Candidate domain.Candidate
	// NIR is the candidate's NIR as the actor may see it: whole for the secretariat, masked
	// for the others, "" when unknown.
	NIR      string
	Timeline []domain.AuditEntry
	// Progress is where the candidate stands on each enrolment: hours, continuous marks,
	// convocations (routes_followup.go's pages hold the detail).
	Progress []service.Progress
	// Certificates are the certificates and block attestations issued to the candidate, when
	// the actor may read them.
	Certificates []store.Certificate
	// Held are the blocks the candidate holds for good, per qualification, whatever the route.
	Held []service.HeldBlock
	// Blocs is, per blocs enrolment, its blocks chosen, held and still to acquire.
	Blocs map[string]*service.BlocsProgress
	// BlocsCompany is the candidate's company the actor may enrol them on the blocs route for.
	BlocsCompany string
	// FinalStage lists the qualifications in which the secretariat may open the blocs route's
	// final stage for the candidate.
	FinalStage []service.FinalStageOption
	// PersonalData is "own" when the candidate reads their own file, "staff" when the actor
	// may export any candidate's personal data, "" when the download links are not offered.
	PersonalData string
	// Surveys are the outcome surveys (« devenir ») of the enrolments the actor sees.
	Surveys []store.OutcomeSurvey
}

// SurveySection is what the candidate page's outcome survey section needs.
func (p candidatePage) SurveySection(a domain.Actor) map[string]any {
	return map[string]any{"Surveys": p.Surveys, "CandidateID": p.Candidate.ID, "Record": surveyRecordable(a),
		"Own": slices.Contains(a.Scopes(domain.RoleCandidate), p.Candidate.ID)}
}

func (s *Server) candidateShow(w http.ResponseWriter, r *http.Request) error {
	ctx, a := r.Context(), actorFrom(r.Context())
	c, err := s.svc.Candidate(ctx, a, r.PathValue("id"))
	if err != nil {
		return err
	}
	timeline, err := s.svc.CandidateTimeline(ctx, a, c.ID)
	if err != nil {
		return err
	}
	progress, err := s.svc.CandidateProgress(ctx, a, c.ID)
	if err != nil {
		return err
	}
	held, err := s.svc.HeldBlocks(ctx, a, c.ID)
	if err != nil {
		return err
	}
	p := candidatePage{Candidate: c, Timeline: timeline, Progress: progress, Held: held, Blocs: map[string]*service.BlocsProgress{}}
	if service.Can(a, service.ActNIRRead) {
		p.NIR = domain.FormatNIR(c.NIR)
	} else {
		p.NIR = domain.MaskNIR(c.NIR)
	}
	for _, e := range c.Enrolments {
		if e.Route == domain.RouteBlocs {
			f, err := s.svc.Enrolment(ctx, a, e.ID)
			switch {
			case domain.ErrorCode(err) == domain.ENOTFOUND:
				// An enrolment outside the actor's scope (a commission member's other ones) shows no detail.
			case err != nil:
				return err
			default:
				p.Blocs[e.ID] = f.Blocs
			}
		}
		if e.CompanyID != "" && p.BlocsCompany == "" && service.Can(a, service.ActBlocsEnrol) &&
			(service.AccessFor(a, service.ActBlocsEnrol) == service.AccessAll || slices.Contains(a.Scopes(domain.RoleCompany), e.CompanyID)) {
			p.BlocsCompany = e.CompanyID
		}
	}
	if p.FinalStage, err = s.svc.FinalStageOptions(ctx, a, c.ID); err != nil {
		return err
	}
	if service.Can(a, service.ActCertificateRead) {
		certs, err := s.svc.Certificates(ctx, a, store.CertificateFilter{CandidateID: c.ID})
		if err != nil {
			return err
		}
		p.Certificates = certs.Items
	}
	if p.Surveys, err = s.svc.CandidateOutcomeSurveys(ctx, a, c.ID); err != nil {
		return err
	}
	switch {
	case slices.Contains(a.Scopes(domain.RoleCandidate), c.ID) && service.Can(a, service.ActPersonalDataExport):
		p.PersonalData = "own"
	case service.AccessFor(a, service.ActPersonalDataExport) == service.AccessAll:
		p.PersonalData = "staff"
	}
	s.render(w, r, http.StatusOK, "candidate_show.html", c.DisplayName(), p)
	return nil
}

// progressStep is one step of an enrolment's path, for the progress section.
type progressStep struct {
	Label   string
	Done    bool
	Current bool
}

// Steps lists the path of the enrolment's route up to the jury, or the withdrawal and the
// jury's outcome once there.
func (p candidatePage) Steps(e domain.Enrolment) []progressStep {
	path := []domain.EnrolmentStatus{domain.StatusEnrolled, domain.StatusInTraining, domain.StatusFinalEvaluation, domain.StatusAwaitingJury}
	if e.Route == domain.RouteVAE {
		path = []domain.EnrolmentStatus{domain.StatusAdmissibility, domain.StatusEnrolled, domain.StatusFinalEvaluation, domain.StatusAwaitingJury}
	}
	reached := map[domain.EnrolmentStatus]bool{}
	for _, h := range e.History {
		reached[h.Status] = true
	}
	var out []progressStep
	for _, st := range path {
		out = append(out, progressStep{Label: st.Label(), Done: reached[st] && st != e.Status, Current: st == e.Status})
	}
	switch e.Status {
	case domain.StatusWithdrawn, domain.StatusCertified, domain.StatusPartial, domain.StatusNotCertified:
		out = append(out, progressStep{Label: e.Status.Label(), Current: true})
	}
	return out
}
