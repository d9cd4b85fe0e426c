package api

import (
	"net/http"
	"slices"

	"cqp/internal/domain"
	"cqp/internal/service"
	"cqp/internal/store"
)

// The blocks (issue 11, the blocs route): the blocks a candidate holds for good with the
// document that attests each, an enrolment's blocks (on the blocs route: chosen, held already,
// still to acquire) and the training organisation's final tests per block. Each reads what the
// corresponding page reads, through the same service call, so the same permissions and scopes
// apply.

// documentRefDTO names the attestation or certificate issued for a held block.
type documentRefDTO struct {
	ID               string `json:"id"`
	Number           string `json:"number"`
	Kind             string `json:"kind"`
	VerificationCode string `json:"verification_code"`
	Revoked          bool   `json:"revoked"`
}

// heldBlockDTO is a block held for good in a qualification.
type heldBlockDTO struct {
	QualificationCode  string          `json:"qualification_code"`
	QualificationTitle string          `json:"qualification_title"`
	BlockCode          string          `json:"block_code"`
	BlockTitle         string          `json:"block_title"`
	AcquiredOn         *string         `json:"acquired_on"`
	Route              string          `json:"route"`
	EnrolmentID        string          `json:"enrolment_id"`
	SessionID          string          `json:"session_id"`
	Document           *documentRefDTO `json:"document"`
}

func heldBlockOf(h service.HeldBlock) heldBlockDTO {
	d := heldBlockDTO{QualificationCode: h.QualificationCode, QualificationTitle: h.QualificationTitle, BlockCode: h.BlockCode,
		BlockTitle: h.BlockTitle, AcquiredOn: optDate(h.AcquiredOn), Route: string(h.Route), EnrolmentID: h.EnrolmentID,
		SessionID: h.SessionID}
	if c := h.Document; c != nil {
		d.Document = &documentRefDTO{ID: c.ID, Number: c.Number, Kind: string(c.Kind), VerificationCode: c.VerificationCode,
			Revoked: c.Revoked()}
	}
	return d
}

func (a *API) candidateHeldBlocks(w http.ResponseWriter, r *http.Request, actor domain.Actor) error {
	held, err := a.svc.HeldBlocks(r.Context(), actor, r.PathValue("id"))
	if err != nil {
		return err
	}
	return ok(w, listOf(mapList(held, heldBlockOf)))
}

// blockRefDTO is a block of the enrolment's frozen framework.
type blockRefDTO struct {
	Code  string `json:"code"`
	Title string `json:"title"`
	Kind  string `json:"kind"`
}

func blockRefOf(b domain.Block) blockRefDTO {
	return blockRefDTO{Code: b.Code, Title: b.Title, Kind: string(b.Kind)}
}

// acquiredBlockDTO is a block of the qualification already held when the blocs enrolment was
// read.
type acquiredBlockDTO struct {
	Code        string  `json:"code"`
	Title       string  `json:"title"`
	AcquiredOn  *string `json:"acquired_on"`
	Route       string  `json:"route"`
	EnrolmentID string  `json:"enrolment_id"`
	SessionID   string  `json:"session_id"`
}

// blocsProgressDTO is a blocs enrolment's progress towards the whole CQP.
type blocsProgressDTO struct {
	Chosen       []blockRefDTO      `json:"chosen"`
	Held         []acquiredBlockDTO `json:"held"`
	ToAcquire    []blockRefDTO      `json:"to_acquire"`
	OptionalOpen int                `json:"optional_open"`
	Optional     []blockRefDTO      `json:"optional"`
}

// enrolmentBlocksDTO is an enrolment's blocks: those it presents, and on the blocs route its
// progress.
type enrolmentBlocksDTO struct {
	EnrolmentID        string            `json:"enrolment_id"`
	CandidateID        string            `json:"candidate_id"`
	QualificationCode  string            `json:"qualification_code"`
	QualificationTitle string            `json:"qualification_title"`
	Route              string            `json:"route"`
	Blocks             []blockRefDTO     `json:"blocks"`
	Blocs              *blocsProgressDTO `json:"blocs"`
}

func (a *API) enrolmentBlocks(w http.ResponseWriter, r *http.Request, actor domain.Actor) error {
	f, err := a.svc.Enrolment(r.Context(), actor, r.PathValue("id"))
	if err != nil {
		return err
	}
	e := f.Enrolment
	d := enrolmentBlocksDTO{EnrolmentID: e.ID, CandidateID: f.Candidate.ID, QualificationCode: f.Framework.Qualification.Code,
		QualificationTitle: f.Framework.Qualification.Title, Route: string(e.Route), Blocks: mapList(f.Blocks(), blockRefOf)}
	if p := f.Blocs; p != nil {
		d.Blocs = &blocsProgressDTO{Chosen: mapList(p.Chosen, blockRefOf), ToAcquire: mapList(p.ToAcquire, blockRefOf),
			OptionalOpen: p.OptionalOpen, Optional: mapList(p.Optional, blockRefOf),
			Held: mapList(p.Held, func(h service.HeldBlockOf) acquiredBlockDTO {
				return acquiredBlockDTO{Code: h.BlockCode, Title: h.Title, AcquiredOn: optDate(h.AcquiredOn), Route: string(h.Route),
					EnrolmentID: h.EnrolmentID, SessionID: h.SessionID}
			})}
	}
	return ok(w, d)
}

// gridRefDTO is the submitted grid version the tests or the line manager come from.
type gridRefDTO struct {
	Version     int     `json:"version"`
	SubmittedAt *string `json:"submitted_at"`
}

// referentGridDTO is the referent's submitted grid version with the line manager it names.
type referentGridDTO struct {
	gridRefDTO
	LineManager *string `json:"line_manager"`
}

type blockTestDTO struct {
	Kind      string  `json:"kind"`
	KindLabel string  `json:"kind_label"`
	HeldOn    *string `json:"held_on"`
	Result    string  `json:"result"`
	Assessor  string  `json:"assessor"`
}

type blockTestsOfBlockDTO struct {
	Code  string         `json:"code"`
	Title string         `json:"title"`
	Tests []blockTestDTO `json:"tests"`
}

// blockTestsDTO is the training organisation's final tests per block, from the newest
// submitted version of its grid, and the line manager the referent's grid names.
type blockTestsDTO struct {
	EnrolmentID              string                 `json:"enrolment_id"`
	Route                    string                 `json:"route"`
	TrainingOrganisationGrid *gridRefDTO            `json:"training_organisation_grid"`
	ReferentGrid             *referentGridDTO       `json:"referent_grid"`
	Blocks                   []blockTestsOfBlockDTO `json:"blocks"`
}

// readableSubmitted is the grid's newest submitted version when the service lets the actor
// read the grid's detail (its own evaluator, or who reads every file), as the evaluation page
// shows it; otherwise nil.
func readableSubmitted(g service.GridState) *store.Grid {
	if g.Versions == nil {
		return nil
	}
	return g.Submitted
}

func (a *API) enrolmentBlockTests(w http.ResponseWriter, r *http.Request, actor domain.Actor) error {
	ev, err := a.svc.EnrolmentEvaluation(r.Context(), actor, r.PathValue("id"))
	if err != nil {
		return err
	}
	d := blockTestsDTO{EnrolmentID: ev.Enrolment.ID, Route: string(ev.Enrolment.Route), Blocks: []blockTestsOfBlockDTO{}}
	org := readableSubmitted(ev.Grid(domain.EvaluatorTrainingOrganisation))
	if org != nil {
		d.TrainingOrganisationGrid = &gridRefDTO{Version: org.Version, SubmittedAt: optTimestamp(org.SubmittedAt)}
	}
	if g := readableSubmitted(ev.Grid(domain.EvaluatorCompanyReferent)); g != nil {
		d.ReferentGrid = &referentGridDTO{gridRefDTO: gridRefDTO{Version: g.Version, SubmittedAt: optTimestamp(g.SubmittedAt)},
			LineManager: opt(g.LineManager)}
	}
	for _, b := range ev.Framework.Blocks {
		if !slices.Contains(ev.Enrolment.Blocks, b.Code) {
			continue
		}
		bd := blockTestsOfBlockDTO{Code: b.Code, Title: b.Title, Tests: []blockTestDTO{}}
		for _, t := range service.BlockTestsOf(org, b.Code) {
			bd.Tests = append(bd.Tests, blockTestDTO{Kind: string(t.Kind), KindLabel: t.Kind.Label(), HeldOn: optDate(t.HeldOn),
				Result: t.Result, Assessor: t.Assessor})
		}
		d.Blocks = append(d.Blocks, bd)
	}
	return ok(w, d)
}
