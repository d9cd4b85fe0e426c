package service

import (
	"context"
	"fmt"

	"cqp/internal/domain"
	"cqp/internal/rules"
	"cqp/internal/store"
)

// EnrolmentEvaluation is an enrolment's final evaluation as the jury will judge it: the rules
// engine's result from the continuous marks and the latest submitted grid of each evaluator,
// under the framework version frozen on the enrolment.
type EnrolmentEvaluation struct {
	Candidate       domain.Candidate // identity and the enrolment, as the actor may see them
	Enrolment       domain.Enrolment
	Framework       domain.Framework // the version the candidate enrolled under
	ContinuousMarks map[string]domain.Mark
	Grids           []GridState // one per evaluator, in domain.Evaluators order
	Result          rules.CandidateResult
}

// GridState is where one evaluator's grid stands for an enrolment.
type GridState struct {
	Evaluator domain.Evaluator
	Required  bool        // the route requires this evaluator (formation: all three)
	Latest    *store.Grid // the newest version, draft or submitted; nil before the first save
	Submitted *store.Grid // the newest submitted version, the one that counts; nil if none
	Mine      bool        // the actor fills this grid
	// Versions holds every version, newest first, when the actor may read this grid's detail:
	// its own evaluator, or the secretariat and the branch. Others see the verdicts only.
	Versions []store.Grid
}

// Status is "none", "draft", "submitted" or "correcting" (a draft started after a submission).
func (g GridState) Status() string {
	switch {
	case g.Latest == nil:
		return "none"
	case g.Latest.Status == store.GridSubmitted:
		return "submitted"
	case g.Submitted != nil:
		return "correcting"
	}
	return "draft"
}

// StatusLabel says the status in French.
func (g GridState) StatusLabel() string {
	switch g.Status() {
	case "none":
		return "non commencée"
	case "draft":
		return "brouillon, non soumise"
	case "submitted":
		return fmt.Sprintf("soumise (version %d)", g.Latest.Version)
	case "correcting":
		return fmt.Sprintf("version %d soumise, correction en cours (version %d en brouillon)", g.Submitted.Version, g.Latest.Version)
	}
	return ""
}

// Grid returns the state of one evaluator's grid.
func (ev EnrolmentEvaluation) Grid(e domain.Evaluator) GridState {
	for _, g := range ev.Grids {
		if g.Evaluator == e {
			return g
		}
	}
	return GridState{Evaluator: e}
}

// MissingGrids lists the evaluators the route requires that have not submitted a grid.
func (ev EnrolmentEvaluation) MissingGrids() []domain.Evaluator {
	var out []domain.Evaluator
	for _, g := range ev.Grids {
		if g.Required && g.Submitted == nil {
			out = append(out, g.Evaluator)
		}
	}
	return out
}

// EnrolmentEvaluation deliberates an enrolment as it stands, as the jury would read it
// (loadJuryInput): continuous marks, the latest submitted grid of each evaluator (drafts do not
// count) and the blocks the person already holds. Outside the actor's scope the
// enrolment is "not found", as for a candidate's file.
func (s *Service) EnrolmentEvaluation(ctx context.Context, a domain.Actor, enrolmentID string) (EnrolmentEvaluation, error) {
	c, e, err := s.scopedEnrolment(ctx, a, enrolmentID)
	if err != nil {
		return EnrolmentEvaluation{}, err
	}
	q := s.store.Read()
	rectified := "" // an open rectification session re-examines the blocks the corrected one gave
	if open, ok, err := q.OpenJurySessionOf(ctx, e.ID); err != nil {
		return EnrolmentEvaluation{}, err
	} else if ok {
		rectified = open.RectifiesSessionID
	}
	in, err := loadJuryInput(ctx, q, map[string]domain.Framework{}, c, e, rectified)
	if err != nil {
		return EnrolmentEvaluation{}, err
	}
	grids, err := q.GridVersions(ctx, e.ID, "")
	if err != nil {
		return EnrolmentEvaluation{}, err
	}
	out := EnrolmentEvaluation{Candidate: c, Enrolment: e, Framework: in.framework, ContinuousMarks: in.marks}
	for _, ev := range rules.RouteEvaluators(e.Route) {
		st := GridState{Evaluator: ev, Required: true}
		var versions []store.Grid
		for i := range grids {
			if grids[i].Evaluator == ev {
				versions = append(versions, grids[i])
			}
		}
		if len(versions) > 0 {
			st.Latest = &versions[0]
		}
		for i := range versions {
			if versions[i].Status == store.GridSubmitted {
				st.Submitted = &versions[i]
				break
			}
		}
		if !a.System {
			if st.Mine, err = s.isGridEvaluator(ctx, q, a, e, ev); err != nil {
				return EnrolmentEvaluation{}, err
			}
		}
		if st.Mine || AccessFor(a, ActCandidateRead) == AccessAll {
			st.Versions = versions
		}
		out.Grids = append(out.Grids, st)
	}
	out.Result, err = rules.Deliberate(in.framework, in.rulesCandidate(nil))
	if err != nil {
		return EnrolmentEvaluation{}, fmt.Errorf("deliberate enrolment %s: %w", e.ID, err)
	}
	return out, nil
}

// scopedEnrolment returns an enrolment and its candidate if the actor may read the candidate's
// file (and, for a training organisation, if the enrolment is its own); otherwise "not found".
func (s *Service) scopedEnrolment(ctx context.Context, a domain.Actor, enrolmentID string) (domain.Candidate, domain.Enrolment, error) {
	if err := Check(a, ActCandidateRead); err != nil {
		return domain.Candidate{}, domain.Enrolment{}, err
	}
	candidateID, err := s.store.Read().CandidateOfEnrolment(ctx, enrolmentID)
	if err != nil {
		return domain.Candidate{}, domain.Enrolment{}, err
	}
	c, err := s.Candidate(ctx, a, candidateID)
	if err != nil {
		if domain.ErrorCode(err) == domain.ENOTFOUND {
			return c, domain.Enrolment{}, domain.Errorf(domain.ENOTFOUND, "Inscription introuvable.")
		}
		return c, domain.Enrolment{}, err
	}
	for _, e := range c.Enrolments {
		if e.ID == enrolmentID {
			return c, e, nil
		}
	}
	return c, domain.Enrolment{}, domain.Errorf(domain.ENOTFOUND, "Inscription introuvable.")
}
