package api

import (
	"errors"
	"net/http"
	"strings"

	"cqp/internal/domain"
	"cqp/internal/service"
	"cqp/internal/store"
)

// Continuous marks (DOMAIN.md §7): an enrolment's assessments per block with their mean, one
// assessment added or removed with its reason, an action's group marked for one block all or
// nothing, and a batch of assessments of any enrolments from an organisation's own system.

// markValue is a mark out of 20 as a JSON number with at most two decimals.
func markValue(m domain.Mark) float64 { return float64(m) / domain.MarkScale }

func optMark(m domain.Mark, has bool) *float64 {
	if !has {
		return nil
	}
	v := markValue(m)
	return &v
}

// assessmentDTO is one assessment of a block.
type assessmentDTO struct {
	ID            string  `json:"id"`
	EnrolmentID   string  `json:"enrolment_id"`
	Block         string  `json:"block"`
	Label         string  `json:"label"`
	On            string  `json:"on"`
	Mark          float64 `json:"mark"`
	Round         int     `json:"round"`
	CreatedAt     string  `json:"created_at"`
	CreatedByName *string `json:"created_by_name"`
}

func assessmentOf(m store.ContinuousAssessment) assessmentDTO {
	return assessmentDTO{ID: m.ID, EnrolmentID: m.EnrolmentID, Block: m.BlockCode, Label: m.Label, On: m.AssessedOn.ISO(),
		Mark: markValue(m.Mark), Round: m.Round, CreatedAt: timestamp(m.CreatedAt), CreatedByName: opt(m.CreatedByName)}
}

// blockMarksDTO is one presented block's continuous evaluation.
type blockMarksDTO struct {
	Code        string          `json:"code"`
	Title       string          `json:"title"`
	Mean        *float64        `json:"mean"`
	Admitted    bool            `json:"admitted"`
	Held        bool            `json:"held"`
	Round       int             `json:"round"`
	Assessments []assessmentDTO `json:"assessments"`
}

// continuousEvaluationDTO is an enrolment's continuous evaluation.
type continuousEvaluationDTO struct {
	EnrolmentID string          `json:"enrolment_id"`
	CandidateID string          `json:"candidate_id"`
	Minimum     float64         `json:"minimum"`
	Closed      *string         `json:"closed"`
	Retake      *string         `json:"retake"`
	Rounds      int             `json:"rounds"`
	Blocks      []blockMarksDTO `json:"blocks"`
}

func continuousEvaluationOf(ev service.ContinuousEvaluation) continuousEvaluationDTO {
	d := continuousEvaluationDTO{EnrolmentID: ev.Enrolment.ID, CandidateID: ev.Candidate.ID, Minimum: markValue(ev.Minimum),
		Closed: opt(ev.Closed), Retake: opt(ev.Retake), Rounds: ev.Rounds, Blocks: []blockMarksDTO{}}
	for _, b := range ev.Blocks {
		d.Blocks = append(d.Blocks, blockMarksDTO{Code: b.Code, Title: b.Title, Mean: optMark(b.Mean, b.HasMark), Admitted: b.Admitted,
			Held: b.Held != nil, Round: b.Round, Assessments: mapList(b.Assessments, assessmentOf)})
	}
	return d
}

func (a *API) marksShow(w http.ResponseWriter, r *http.Request, actor domain.Actor) error {
	ev, err := a.svc.ContinuousEvaluation(r.Context(), actor, r.PathValue("id"))
	if err != nil {
		return err
	}
	return ok(w, continuousEvaluationOf(ev))
}

// assessmentInput is one assessment as sent: the block, a label, the date (YYYY-MM-DD or
// DD/MM/YYYY) and the mark out of 20 as text (« 12,5 » or « 12.5 »).
type assessmentInput struct {
	Block string `json:"block"`
	Label string `json:"label"`
	On    string `json:"on"`
	Mark  string `json:"mark"`
}

func (in assessmentInput) service() service.AssessmentInput {
	return service.AssessmentInput{BlockCode: in.Block, Label: in.Label, On: in.On, Mark: in.Mark}
}

func (a *API) marksCreate(w http.ResponseWriter, r *http.Request, actor domain.Actor) error {
	var in assessmentInput
	if err := decodeJSON(w, r, &in); err != nil {
		return err
	}
	m, err := a.svc.AddContinuousAssessment(r.Context(), actor, r.PathValue("id"), in.service())
	if err != nil {
		return err
	}
	return created(w, "", assessmentOf(m))
}

// reasonInput is the body of a removal: why.
type reasonInput struct {
	Reason string `json:"reason"`
}

func (a *API) marksRemove(w http.ResponseWriter, r *http.Request, actor domain.Actor) error {
	var in reasonInput
	if err := decodeJSON(w, r, &in); err != nil {
		return err
	}
	id := r.PathValue("id")
	if err := a.svc.RemoveContinuousAssessment(r.Context(), actor, id, r.PathValue("assessment"), in.Reason); err != nil {
		return err
	}
	ev, err := a.svc.ContinuousEvaluation(r.Context(), actor, id)
	if err != nil {
		return err
	}
	return ok(w, continuousEvaluationOf(ev))
}

// batchRowInput is one row of a batch: the enrolment and its assessment.
type batchRowInput struct {
	EnrolmentID string `json:"enrolment_id"`
	Block       string `json:"block"`
	Label       string `json:"label"`
	On          string `json:"on"`
	Mark        string `json:"mark"`
}

// batchInput is the body of POST /continuous-marks/batch.
type batchInput struct {
	Items []batchRowInput `json:"items"`
}

// recordedAssessmentsDTO is what a batch recorded.
type recordedAssessmentsDTO struct {
	Recorded int             `json:"recorded"`
	Items    []assessmentDTO `json:"items"`
}

func (a *API) marksBatch(w http.ResponseWriter, r *http.Request, actor domain.Actor) error {
	var in batchInput
	if err := decodeJSON(w, r, &in); err != nil {
		return err
	}
	if len(in.Items) > service.MaxBatchRows {
		return tooManyRows(len(in.Items))
	}
	rows := make([]service.BatchAssessment, len(in.Items))
	for i, x := range in.Items {
		rows[i] = service.BatchAssessment{EnrolmentID: x.EnrolmentID,
			AssessmentInput: service.AssessmentInput{BlockCode: x.Block, Label: x.Label, On: x.On, Mark: x.Mark}}
	}
	ms, err := a.svc.AddContinuousAssessments(r.Context(), actor, rows)
	if err != nil {
		return err
	}
	return created(w, "", recordedAssessmentsDTO{Recorded: len(ms), Items: mapList(ms, assessmentOf)})
}

// groupBlockDTO is a block some candidates of the action present.
type groupBlockDTO struct {
	Code  string `json:"code"`
	Title string `json:"title"`
}

// groupRowDTO is one candidate of the action for the chosen block.
type groupRowDTO struct {
	EnrolmentID     string          `json:"enrolment_id"`
	CandidateID     string          `json:"candidate_id"`
	CandidateNumber string          `json:"candidate_number"`
	CandidateName   string          `json:"candidate_name"`
	Presents        bool            `json:"presents"`
	Markable        bool            `json:"markable"`
	Closed          *string         `json:"closed"`
	Mean            *float64        `json:"mean"`
	Admitted        bool            `json:"admitted"`
	Assessments     []assessmentDTO `json:"assessments"`
}

// groupMarksDTO is an action's continuous evaluation for one block.
type groupMarksDTO struct {
	ActionID    string          `json:"action_id"`
	ActionTitle string          `json:"action_title"`
	Blocks      []groupBlockDTO `json:"blocks"`
	Block       *groupBlockDTO  `json:"block"`
	Minimum     *float64        `json:"minimum"`
	Rows        []groupRowDTO   `json:"rows"`
}

func groupMarksOf(g service.GroupMarks) groupMarksDTO {
	d := groupMarksDTO{ActionID: g.ActionID, ActionTitle: g.ActionTitle, Rows: []groupRowDTO{},
		Blocks: mapList(g.Blocks, func(b service.GroupBlock) groupBlockDTO { return groupBlockDTO{Code: b.Code, Title: b.Title} })}
	if g.Block.Code != "" {
		d.Block = &groupBlockDTO{Code: g.Block.Code, Title: g.Block.Title}
		d.Minimum = optMark(g.Minimum, true)
	}
	for _, row := range g.Rows {
		d.Rows = append(d.Rows, groupRowDTO{EnrolmentID: row.EnrolmentID, CandidateID: row.CandidateID, CandidateNumber: row.CandidateNumber,
			CandidateName: row.CandidateName, Presents: row.Presents, Markable: row.Markable(), Closed: opt(row.Closed),
			Mean: optMark(row.Mean, row.HasMark), Admitted: row.Admitted, Assessments: mapList(row.Assessments, assessmentOf)})
	}
	return d
}

func (a *API) groupMarksShow(w http.ResponseWriter, r *http.Request, actor domain.Actor) error {
	q := newQuery(r, "block")
	if err := q.err(); err != nil {
		return err
	}
	g, err := a.svc.GroupMarks(r.Context(), actor, r.PathValue("id"), q.str("block"))
	if err != nil {
		return err
	}
	return ok(w, groupMarksOf(g))
}

// groupMarksInput is one assessment of one block for the action's candidates: each mark by
// enrolment id; a candidate left out did not take the assessment.
type groupMarksInput struct {
	Block string            `json:"block"`
	Label string            `json:"label"`
	On    string            `json:"on"`
	Marks map[string]string `json:"marks"`
}

// groupMarksRecordedDTO is what a group's marking recorded, and the group afterwards.
type groupMarksRecordedDTO struct {
	Recorded int           `json:"recorded"`
	Group    groupMarksDTO `json:"group"`
}

func (a *API) groupMarksRecord(w http.ResponseWriter, r *http.Request, actor domain.Actor) error {
	var in groupMarksInput
	if err := decodeJSON(w, r, &in); err != nil {
		return err
	}
	actionID := r.PathValue("id")
	n, err := a.svc.RecordGroupMarks(r.Context(), actor, actionID,
		service.GroupMarksInput{BlockCode: in.Block, Label: in.Label, On: in.On, Marks: in.Marks})
	if err != nil {
		return renameGroupFields(err)
	}
	g, err := a.svc.GroupMarks(r.Context(), actor, actionID, strings.TrimSpace(in.Block))
	if err != nil {
		return err
	}
	return created(w, "", groupMarksRecordedDTO{Recorded: n, Group: groupMarksOf(g)})
}

// renameGroupFields names each candidate's mark by its place in the body: marks.<enrolment>.
// The web form's advice to reload the page becomes the API's: take the enrolment out.
func renameGroupFields(err error) error {
	var de *domain.Error
	if errors.As(err, &de) && len(de.Fields) > 0 {
		out := *de
		out.Fields = domain.FieldErrors{}
		for k, msg := range de.Fields {
			if strings.Contains(msg, "rechargez la page") {
				msg = "Cette inscription n'est pas un candidat de l'action : retirez-la de marks, ou vérifiez son identifiant."
			}
			out.Fields[k] = msg
		}
		err = &out
	}
	return renameFieldsBy(err, func(k string) string {
		if id, found := strings.CutPrefix(k, service.GroupMarkField("")); found {
			return "marks." + id
		}
		return k
	})
}

// renameFieldsBy is renameFields with names computed from the service's.
func renameFieldsBy(err error, name func(string) string) error {
	var de *domain.Error
	if !errors.As(err, &de) || len(de.Fields) == 0 {
		return err
	}
	names := map[string]string{}
	for k := range de.Fields {
		names[k] = name(k)
	}
	return renameFields(err, names)
}
