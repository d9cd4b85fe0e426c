package store

import (
	"context"
	"database/sql"
	"time"

	"cqp/internal/domain"
)

// GridStatus says whether a grid version may still be edited.
type GridStatus string

const (
	GridDraft     GridStatus = "draft"     // being filled in by its evaluator
	GridSubmitted GridStatus = "submitted" // locked: a correction is a new version
)

// Grid is one version of an evaluator's final evaluation grid for one enrolment. Versions of
// the same (enrolment, evaluator) are numbered from 1; the latest submitted version counts.
type Grid struct {
	ID               string
	EnrolmentID      string
	Evaluator        domain.Evaluator
	Version          int
	Status           GridStatus
	Comment          string
	CorrectionReason string // why this version corrects the previous one (version > 1)
	// The commission's oral, part by part, and its reasoned opinion (commission grids only).
	CareerPresentation string
	PracticalCase      string
	KnowledgeQuestion  string
	OpenQuestions      string
	ReasonedOpinion    string
	CreatedAt          time.Time
	CreatedBy          string // user id, "" for the platform
	CreatedByName      string // filled when read
	SubmittedAt        *time.Time
	SubmittedBy        string
	SubmittedByName    string              // filled when read
	Marks              map[string]GridMark // competence code → mark
	// LineManager names the line manager (N+1) who evaluates with the company referent
	// (referent grids on the blocs route).
	LineManager string
	// BlockTests are the training organisation's final tests of each block (its grids on the
	// blocs route), by block code then kind.
	BlockTests []BlockTest
}

// BlockTestKind names one of the training organisation's final tests of a block on the blocs
// route.
type BlockTestKind string

const (
	BlockTestWritten  BlockTestKind = "written"   // épreuve écrite
	BlockTestOralCase BlockTestKind = "oral_case" // cas pratique à l'oral
)

// BlockTestKinds lists the tests in the order they are shown.
var BlockTestKinds = []BlockTestKind{BlockTestWritten, BlockTestOralCase}

// Label is the test's French name.
func (k BlockTestKind) Label() string {
	switch k {
	case BlockTestWritten:
		return "Épreuve écrite"
	case BlockTestOralCase:
		return "Cas pratique à l'oral"
	}
	return string(k)
}

// BlockTest is one final test of a block: when it was held, its result (a mark out of 20 in
// French notation, « A » or « NA ») and who assessed it.
type BlockTest struct {
	BlockCode string
	Kind      BlockTestKind
	HeldOn    domain.Date
	Result    string
	Assessor  string
}

// GridMark is the mark of one competence: "A", "NA", or the number of detailed competences
// acquired, as the evaluator entered it, with an optional comment.
type GridMark struct {
	Mark    string
	Comment string
}

// CreateGrid inserts a new grid version with its marks.
func (q Q) CreateGrid(ctx context.Context, g Grid) error {
	_, err := q.db.ExecContext(ctx,
		`INSERT INTO evaluation_grids (id, enrolment_id, evaluator, version, status, comment, correction_reason,
		 career_presentation, practical_case, knowledge_question, open_questions, reasoned_opinion,
		 created_at, created_by, submitted_at, submitted_by, line_manager)
		 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17)`,
		g.ID, g.EnrolmentID, string(g.Evaluator), g.Version, string(g.Status), g.Comment, g.CorrectionReason,
		g.CareerPresentation, g.PracticalCase, g.KnowledgeQuestion, g.OpenQuestions, g.ReasonedOpinion,
		g.CreatedAt.UTC(), g.CreatedBy, nullTime(g.SubmittedAt), g.SubmittedBy, g.LineManager)
	if err = normalize(err); domain.ErrorCode(err) == domain.ECONFLICT {
		return &domain.Error{Code: domain.ECONFLICT, Message: "Cette grille vient d'être modifiée par ailleurs : rechargez la page et recommencez.", Err: err}
	}
	if err != nil {
		return err
	}
	if err := q.insertGridMarks(ctx, g.ID, g.Marks); err != nil {
		return err
	}
	return q.insertBlockTests(ctx, g.ID, g.BlockTests)
}

func (q Q) insertBlockTests(ctx context.Context, gridID string, tests []BlockTest) error {
	for _, bt := range tests {
		if _, err := q.db.ExecContext(ctx,
			`INSERT INTO grid_block_tests (grid_id, block_code, kind, held_on, result, assessor) VALUES ($1, $2, $3, $4, $5, $6)`,
			gridID, bt.BlockCode, string(bt.Kind), bt.HeldOn.ISO(), bt.Result, bt.Assessor); err != nil {
			return normalize(err)
		}
	}
	return nil
}

func (q Q) insertGridMarks(ctx context.Context, gridID string, marks map[string]GridMark) error {
	for code, m := range marks {
		if _, err := q.db.ExecContext(ctx,
			`INSERT INTO grid_marks (grid_id, competence_code, mark, comment) VALUES ($1, $2, $3, $4)`,
			gridID, code, m.Mark, m.Comment); err != nil {
			return normalize(err)
		}
	}
	return nil
}

// UpdateDraftGrid rewrites a draft's texts and marks. A submitted version is never changed:
// updating one is a conflict.
func (q Q) UpdateDraftGrid(ctx context.Context, g Grid) error {
	res, err := q.db.ExecContext(ctx,
		`UPDATE evaluation_grids SET comment = $1, correction_reason = $2, career_presentation = $3,
		 practical_case = $4, knowledge_question = $5, open_questions = $6, reasoned_opinion = $7, line_manager = $8
		 WHERE id = $9 AND status = $10`,
		g.Comment, g.CorrectionReason, g.CareerPresentation, g.PracticalCase, g.KnowledgeQuestion,
		g.OpenQuestions, g.ReasonedOpinion, g.LineManager, g.ID, string(GridDraft))
	if err := mustAffect(res, err); err != nil {
		if domain.ErrorCode(err) == domain.ENOTFOUND {
			return domain.Errorf(domain.ECONFLICT, "Cette version de la grille est déjà soumise : elle ne peut plus être modifiée.")
		}
		return err
	}
	if _, err := q.db.ExecContext(ctx, `DELETE FROM grid_marks WHERE grid_id = $1`, g.ID); err != nil {
		return normalize(err)
	}
	if err := q.insertGridMarks(ctx, g.ID, g.Marks); err != nil {
		return err
	}
	if _, err := q.db.ExecContext(ctx, `DELETE FROM grid_block_tests WHERE grid_id = $1`, g.ID); err != nil {
		return normalize(err)
	}
	return q.insertBlockTests(ctx, g.ID, g.BlockTests)
}

// SubmitGrid locks a draft. Submitting a version that is not a draft is a conflict.
func (q Q) SubmitGrid(ctx context.Context, id string, at time.Time, byUserID string) error {
	res, err := q.db.ExecContext(ctx,
		`UPDATE evaluation_grids SET status = $1, submitted_at = $2, submitted_by = $3 WHERE id = $4 AND status = $5`,
		string(GridSubmitted), at.UTC(), byUserID, id, string(GridDraft))
	if err := mustAffect(res, err); err != nil {
		if domain.ErrorCode(err) == domain.ENOTFOUND {
			return domain.Errorf(domain.ECONFLICT, "Cette version de la grille est déjà soumise.")
		}
		return err
	}
	return nil
}

const gridSelect = `SELECT g.id, g.enrolment_id, g.evaluator, g.version, g.status, g.comment, g.correction_reason,
	g.career_presentation, g.practical_case, g.knowledge_question, g.open_questions, g.reasoned_opinion,
	g.created_at, g.created_by, COALESCE(cu.name, ''), g.submitted_at, g.submitted_by, COALESCE(su.name, ''), g.line_manager
	FROM evaluation_grids g
	LEFT JOIN users cu ON cu.id = g.created_by
	LEFT JOIN users su ON su.id = g.submitted_by`

// GridVersions returns every version of the enrolment's grids, newest version first within
// each evaluator, with their marks. evaluator "" returns every evaluator's grids.
func (q Q) GridVersions(ctx context.Context, enrolmentID string, evaluator domain.Evaluator) ([]Grid, error) {
	var a args
	query := gridSelect + ` WHERE g.enrolment_id = ` + a.add(enrolmentID)
	if evaluator != "" {
		query += ` AND g.evaluator = ` + a.add(string(evaluator))
	}
	rows, err := q.db.QueryContext(ctx, query+` ORDER BY g.evaluator, g.version DESC`, a...)
	if err != nil {
		return nil, normalize(err)
	}
	var out []Grid
	for rows.Next() {
		var g Grid
		var ev, status string
		var submitted sql.NullTime
		if err := rows.Scan(&g.ID, &g.EnrolmentID, &ev, &g.Version, &status, &g.Comment, &g.CorrectionReason,
			&g.CareerPresentation, &g.PracticalCase, &g.KnowledgeQuestion, &g.OpenQuestions, &g.ReasonedOpinion,
			&g.CreatedAt, &g.CreatedBy, &g.CreatedByName, &submitted, &g.SubmittedBy, &g.SubmittedByName, &g.LineManager); err != nil {
			rows.Close()
			return nil, normalize(err)
		}
		g.Evaluator, g.Status, g.SubmittedAt = domain.Evaluator(ev), GridStatus(status), timePtr(submitted)
		g.CreatedAt = g.CreatedAt.UTC()
		g.Marks = map[string]GridMark{}
		out = append(out, g)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, normalize(err)
	}
	if len(out) == 0 {
		return nil, nil
	}
	byID := make(map[string]*Grid, len(out))
	for i := range out {
		byID[out[i].ID] = &out[i]
	}
	a = nil
	query = `SELECT m.grid_id, m.competence_code, m.mark, m.comment FROM grid_marks m
		JOIN evaluation_grids g ON g.id = m.grid_id WHERE g.enrolment_id = ` + a.add(enrolmentID)
	if evaluator != "" {
		query += ` AND g.evaluator = ` + a.add(string(evaluator))
	}
	mrows, err := q.db.QueryContext(ctx, query, a...)
	if err != nil {
		return nil, normalize(err)
	}
	defer mrows.Close()
	for mrows.Next() {
		var id, code string
		var m GridMark
		if err := mrows.Scan(&id, &code, &m.Mark, &m.Comment); err != nil {
			return nil, normalize(err)
		}
		if g := byID[id]; g != nil {
			g.Marks[code] = m
		}
	}
	if err := mrows.Err(); err != nil {
		return nil, normalize(err)
	}
	a = nil
	query = `SELECT t.grid_id, t.block_code, t.kind, t.held_on, t.result, t.assessor FROM grid_block_tests t
		JOIN evaluation_grids g ON g.id = t.grid_id WHERE g.enrolment_id = ` + a.add(enrolmentID)
	if evaluator != "" {
		query += ` AND g.evaluator = ` + a.add(string(evaluator))
	}
	trows, err := q.db.QueryContext(ctx, query+` ORDER BY t.grid_id, t.block_code, t.kind DESC`, a...)
	if err != nil {
		return nil, normalize(err)
	}
	defer trows.Close()
	for trows.Next() {
		var id, kind, on string
		var bt BlockTest
		if err := trows.Scan(&id, &bt.BlockCode, &kind, &on, &bt.Result, &bt.Assessor); err != nil {
			return nil, normalize(err)
		}
		bt.Kind, bt.HeldOn = BlockTestKind(kind), parseDate(on)
		if g := byID[id]; g != nil {
			g.BlockTests = append(g.BlockTests, bt)
		}
	}
	return out, normalize(trows.Err())
}

// CandidateOfEnrolment returns the id of the candidate an enrolment belongs to, or "not found".
func (q Q) CandidateOfEnrolment(ctx context.Context, enrolmentID string) (string, error) {
	var id string
	err := q.db.QueryRowContext(ctx, `SELECT candidate_id FROM enrolments WHERE id = $1`, enrolmentID).Scan(&id)
	if err == sql.ErrNoRows {
		return "", &domain.Error{Code: domain.ENOTFOUND, Message: "Inscription introuvable.", Err: err}
	}
	return id, normalize(err)
}
