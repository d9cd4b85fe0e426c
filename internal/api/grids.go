package api

import (
	"net/http"
	"slices"
	"strings"

	"cqp/internal/domain"
	"cqp/internal/service"
	"cqp/internal/store"
)

// The final grids (DOMAIN.md §5 and §7): each evaluator reads its grid, saves a draft as often
// as needed and submits it; a submitted grid changes only by a correction, a new version with
// its reason. Only the grid's own evaluator reaches it; any other is 404.

type gridCompetenceDTO struct {
	Code     string `json:"code"`
	Title    string `json:"title"`
	Detailed int    `json:"detailed"`
}

// gridBlockDTO is one block of the grid with this evaluator's verdict on the version shown.
type gridBlockDTO struct {
	Code            string              `json:"code"`
	Title           string              `json:"title"`
	Admitted        bool                `json:"admitted"`
	Held            bool                `json:"held"`
	Markable        bool                `json:"markable"`
	ContinuousMark  *float64            `json:"continuous_mark"`
	Verdict         string              `json:"verdict"`
	VerdictText     string              `json:"verdict_text"`
	AcquiredDetails int                 `json:"acquired_details"`
	TotalDetails    int                 `json:"total_details"`
	Competences     []gridCompetenceDTO `json:"competences"`
}

type gridMarkDTO struct {
	Mark    *string `json:"mark"`
	Comment *string `json:"comment"`
}

type gridBlockTestDTO struct {
	Block    string  `json:"block"`
	Kind     string  `json:"kind"`
	HeldOn   *string `json:"held_on"`
	Result   string  `json:"result"`
	Assessor string  `json:"assessor"`
}

// gridVersionDTO is one version of a grid.
type gridVersionDTO struct {
	ID                 string                 `json:"id"`
	Version            int                    `json:"version"`
	Status             string                 `json:"status"`
	CorrectionReason   *string                `json:"correction_reason"`
	Comment            *string                `json:"comment"`
	CareerPresentation *string                `json:"career_presentation"`
	PracticalCase      *string                `json:"practical_case"`
	KnowledgeQuestion  *string                `json:"knowledge_question"`
	OpenQuestions      *string                `json:"open_questions"`
	ReasonedOpinion    *string                `json:"reasoned_opinion"`
	LineManager        *string                `json:"line_manager"`
	Marks              map[string]gridMarkDTO `json:"marks"`
	BlockTests         []gridBlockTestDTO     `json:"block_tests"`
	CreatedAt          string                 `json:"created_at"`
	CreatedByName      *string                `json:"created_by_name"`
	SubmittedAt        *string                `json:"submitted_at"`
	SubmittedByName    *string                `json:"submitted_by_name"`
}

func gridVersionOf(g store.Grid) gridVersionDTO {
	d := gridVersionDTO{ID: g.ID, Version: g.Version, Status: string(g.Status), CorrectionReason: opt(g.CorrectionReason),
		Comment: opt(g.Comment), CareerPresentation: opt(g.CareerPresentation), PracticalCase: opt(g.PracticalCase),
		KnowledgeQuestion: opt(g.KnowledgeQuestion), OpenQuestions: opt(g.OpenQuestions), ReasonedOpinion: opt(g.ReasonedOpinion),
		LineManager: opt(g.LineManager), Marks: map[string]gridMarkDTO{}, CreatedAt: timestamp(g.CreatedAt),
		CreatedByName: opt(g.CreatedByName), SubmittedAt: optTimestamp(g.SubmittedAt), SubmittedByName: opt(g.SubmittedByName),
		BlockTests: mapList(g.BlockTests, func(t store.BlockTest) gridBlockTestDTO {
			return gridBlockTestDTO{Block: t.BlockCode, Kind: string(t.Kind), HeldOn: optDate(t.HeldOn), Result: t.Result, Assessor: t.Assessor}
		})}
	for code, m := range g.Marks {
		d.Marks[code] = gridMarkDTO{Mark: opt(m.Mark), Comment: opt(m.Comment)}
	}
	return d
}

// gridVersionRefDTO lists a version in the grid's history.
type gridVersionRefDTO struct {
	Version          int     `json:"version"`
	Status           string  `json:"status"`
	CorrectionReason *string `json:"correction_reason"`
	CreatedAt        string  `json:"created_at"`
	SubmittedAt      *string `json:"submitted_at"`
}

// gridDTO is one evaluator's grid for one enrolment.
type gridDTO struct {
	EnrolmentID      string              `json:"enrolment_id"`
	CandidateID      string              `json:"candidate_id"`
	Evaluator        string              `json:"evaluator"`
	Title            string              `json:"title"`
	Route            string              `json:"route"`
	Locked           bool                `json:"locked"`
	NeedsReason      bool                `json:"needs_reason"`
	Frozen           *string             `json:"frozen"`
	Retake           *string             `json:"retake"`
	TakesBlockTests  bool                `json:"takes_block_tests"`
	NamesLineManager bool                `json:"names_line_manager"`
	Blocks           []gridBlockDTO      `json:"blocks"`
	Current          *gridVersionDTO     `json:"current"`
	Versions         []gridVersionRefDTO `json:"versions"`
}

func gridOf(v service.GridView) gridDTO {
	d := gridDTO{EnrolmentID: v.Enrolment.ID, CandidateID: v.Candidate.ID, Evaluator: string(v.Evaluator), Title: v.Title(),
		Route: string(v.Enrolment.Route), Locked: v.Locked(), NeedsReason: v.NeedsReason(), Frozen: opt(v.Frozen), Retake: opt(v.Retake),
		TakesBlockTests: v.TakesBlockTests, NamesLineManager: v.NamesLineManager, Blocks: []gridBlockDTO{},
		Versions: mapList(v.Versions, func(g store.Grid) gridVersionRefDTO {
			return gridVersionRefDTO{Version: g.Version, Status: string(g.Status), CorrectionReason: opt(g.CorrectionReason),
				CreatedAt: timestamp(g.CreatedAt), SubmittedAt: optTimestamp(g.SubmittedAt)}
		})}
	for _, b := range v.Blocks {
		d.Blocks = append(d.Blocks, gridBlockDTO{Code: b.Block.Code, Title: b.Block.Title, Admitted: b.Admitted, Held: b.Held != nil,
			Markable: b.Markable(), ContinuousMark: optMark(b.Mark, b.HasMark), Verdict: b.VerdictLabel(), VerdictText: b.VerdictText(),
			AcquiredDetails: b.Verdict.Acquired, TotalDetails: b.Verdict.Total,
			Competences: mapList(b.Block.Competences, func(c domain.Competence) gridCompetenceDTO {
				return gridCompetenceDTO{Code: c.Code, Title: c.Title, Detailed: c.Detailed}
			})})
	}
	if v.Current != nil {
		cur := gridVersionOf(*v.Current)
		d.Current = &cur
	}
	return d
}

func (a *API) gridShow(ev domain.Evaluator) handlerFunc {
	return func(w http.ResponseWriter, r *http.Request, actor domain.Actor) error {
		v, err := a.svc.Grid(r.Context(), actor, r.PathValue("id"), ev)
		if err != nil {
			return err
		}
		return ok(w, gridOf(v))
	}
}

type blockTestInput struct {
	On       string `json:"on"`
	Result   string `json:"result"`
	Assessor string `json:"assessor"`
}

// gridInput is what an evaluator sends: the marks by competence (« A », « NA » or a number of
// detailed competences acquired, as text), comments, the commission's oral and opinion, the
// blocs route's block tests and line manager, and the reason of a correction.
type gridInput struct {
	Marks              map[string]string                                 `json:"marks"`
	Comments           map[string]string                                 `json:"comments"`
	Comment            string                                            `json:"comment"`
	CareerPresentation string                                            `json:"career_presentation"`
	PracticalCase      string                                            `json:"practical_case"`
	KnowledgeQuestion  string                                            `json:"knowledge_question"`
	OpenQuestions      string                                            `json:"open_questions"`
	ReasonedOpinion    string                                            `json:"reasoned_opinion"`
	CorrectionReason   string                                            `json:"correction_reason"`
	LineManager        string                                            `json:"line_manager"`
	BlockTests         map[string]map[store.BlockTestKind]blockTestInput `json:"block_tests"`
}

// service turns the body into the service's input; an unknown test kind is the body's error.
func (in gridInput) service() (service.GridInput, error) {
	out := service.GridInput{Marks: in.Marks, Comments: in.Comments, Comment: in.Comment, CareerPresentation: in.CareerPresentation,
		PracticalCase: in.PracticalCase, KnowledgeQuestion: in.KnowledgeQuestion, OpenQuestions: in.OpenQuestions,
		ReasonedOpinion: in.ReasonedOpinion, CorrectionReason: in.CorrectionReason, LineManager: in.LineManager,
		BlockTests: map[string]map[store.BlockTestKind]service.BlockTestInput{}}
	fe := domain.FieldErrors{}
	for block, tests := range in.BlockTests {
		out.BlockTests[block] = map[store.BlockTestKind]service.BlockTestInput{}
		for kind, t := range tests {
			if !slices.Contains(store.BlockTestKinds, kind) {
				fe.Add("block_tests."+block+"."+string(kind), "Épreuve inconnue : indiquez written (épreuve écrite) ou oral_case (cas pratique à l'oral).")
				continue
			}
			out.BlockTests[block][kind] = service.BlockTestInput{On: t.On, Result: t.Result, Assessor: t.Assessor}
		}
	}
	if len(fe) > 0 {
		return out, &requestError{Status: http.StatusUnprocessableEntity, Detail: invalidDetail, Fields: fe}
	}
	return out, nil
}

// gridFieldName names a grid's field error by its place in the body: marks.C1,
// block_tests.BC1.written.on.
func gridFieldName(k string) string {
	if code, found := strings.CutPrefix(k, service.MarkField("")); found {
		return "marks." + code
	}
	if rest, found := strings.CutPrefix(k, "test_"); found {
		for _, part := range []string{"on", "result", "assessor"} {
			head, ok := strings.CutSuffix(rest, "_"+part)
			if !ok {
				continue
			}
			for _, kind := range store.BlockTestKinds {
				if block, ok := strings.CutSuffix(head, "_"+string(kind)); ok && service.BlockTestField(block, kind, part) == k {
					return "block_tests." + block + "." + string(kind) + "." + part
				}
			}
		}
	}
	return k
}

// gridSave saves the grid as a draft, or submits it. On a submitted grid either is a
// correction: a new version, which needs correction_reason.
func (a *API) gridSave(ev domain.Evaluator, submit bool) handlerFunc {
	return func(w http.ResponseWriter, r *http.Request, actor domain.Actor) error {
		var body gridInput
		if err := decodeJSON(w, r, &body); err != nil {
			return err
		}
		in, err := body.service()
		if err != nil {
			return err
		}
		id := r.PathValue("id")
		if submit {
			_, err = a.svc.SubmitGrid(r.Context(), actor, id, ev, in)
		} else {
			_, err = a.svc.SaveGrid(r.Context(), actor, id, ev, in)
		}
		if err != nil {
			return renameFieldsBy(err, gridFieldName)
		}
		v, err := a.svc.Grid(r.Context(), actor, id, ev)
		if err != nil {
			return err
		}
		return ok(w, gridOf(v))
	}
}
