package store

import (
	"context"
	"database/sql"
	"strings"
	"time"

	"cqp/internal/domain"
)

// ContinuousAssessment is one continuous-evaluation mark of a block: a training
// organisation's test, with its label, its date and its mark out of 20 in hundredths. A block
// may have several; its continuous mark is their mean (see internal/service).
type ContinuousAssessment struct {
	ID            string
	EnrolmentID   string
	BlockCode     string
	Label         string
	Mark          domain.Mark
	AssessedOn    domain.Date
	CreatedAt     time.Time
	CreatedBy     string // user id, "" for the platform
	CreatedByName string // filled when read
	// Round is the number of closed jury sessions that had judged the enrolment when the mark
	// was recorded: a retake's marks (a later round) replace, block by block, earlier ones.
	Round int
}

// AddContinuousAssessment records one assessment.
func (q Q) AddContinuousAssessment(ctx context.Context, m ContinuousAssessment) error {
	_, err := q.db.ExecContext(ctx,
		`INSERT INTO continuous_marks (id, enrolment_id, block_code, label, mark, assessed_on, created_at, created_by, round)
		 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
		m.ID, m.EnrolmentID, m.BlockCode, m.Label, int(m.Mark), m.AssessedOn.ISO(), m.CreatedAt.UTC(), m.CreatedBy, m.Round)
	return normalize(err)
}

const continuousAssessmentSelect = `SELECT m.id, m.enrolment_id, m.block_code, m.label, m.mark, m.assessed_on,
	m.created_at, m.created_by, COALESCE(u.name, ''), m.round
	FROM continuous_marks m LEFT JOIN users u ON u.id = m.created_by`

func scanContinuousAssessments(rows *sql.Rows, err error) ([]ContinuousAssessment, error) {
	if err != nil {
		return nil, normalize(err)
	}
	defer rows.Close()
	var out []ContinuousAssessment
	for rows.Next() {
		var m ContinuousAssessment
		var mark int
		var on string
		if err := rows.Scan(&m.ID, &m.EnrolmentID, &m.BlockCode, &m.Label, &mark, &on, &m.CreatedAt, &m.CreatedBy, &m.CreatedByName, &m.Round); err != nil {
			return nil, normalize(err)
		}
		m.Mark, m.AssessedOn = domain.Mark(mark), parseDate(on)
		out = append(out, m)
	}
	return out, normalize(rows.Err())
}

// ContinuousAssessments returns an enrolment's assessments by block code, then date, then
// entry order.
func (q Q) ContinuousAssessments(ctx context.Context, enrolmentID string) ([]ContinuousAssessment, error) {
	return scanContinuousAssessments(q.db.QueryContext(ctx,
		continuousAssessmentSelect+` WHERE m.enrolment_id = $1 ORDER BY m.block_code, m.assessed_on, m.created_at, m.id`, enrolmentID))
}

// ContinuousAssessment returns one assessment of an enrolment.
func (q Q) ContinuousAssessment(ctx context.Context, enrolmentID, id string) (ContinuousAssessment, error) {
	ms, err := scanContinuousAssessments(q.db.QueryContext(ctx,
		continuousAssessmentSelect+` WHERE m.enrolment_id = $1 AND m.id = $2`, enrolmentID, id))
	if err != nil {
		return ContinuousAssessment{}, err
	}
	if len(ms) == 0 {
		return ContinuousAssessment{}, domain.Errorf(domain.ENOTFOUND, "Note introuvable.")
	}
	return ms[0], nil
}

// DeleteContinuousAssessment removes one assessment of an enrolment (a correction; the
// service keeps the removed mark in the audit trail).
func (q Q) DeleteContinuousAssessment(ctx context.Context, enrolmentID, id string) error {
	res, err := q.db.ExecContext(ctx, `DELETE FROM continuous_marks WHERE enrolment_id = $1 AND id = $2`, enrolmentID, id)
	return mustAffect(res, err)
}

// MarksGroup is an action seen from its continuous-evaluation screen: the action and the
// enrolments attached to it (enrolments.action_id).
type MarksGroup struct {
	ActionID               string
	Title                  string
	TrainingOrganisationID string
	StartsOn, EndsOn       domain.Date
	Members                []MarksGroupMember
}

// MarksGroupMember is one enrolment of an action, with the candidate's name.
type MarksGroupMember struct {
	Enrolment       domain.Enrolment // ID, CandidateID, FrameworkID, Route, Status, Blocks, TrainingOrganisationID
	CandidateNumber string
	CandidateName   string // "NOM Prénoms"
}

// MarksGroup returns an action and its enrolments ordered by candidate name.
func (q Q) MarksGroup(ctx context.Context, actionID string) (MarksGroup, error) {
	g := MarksGroup{ActionID: actionID}
	var starts, ends string
	err := q.db.QueryRowContext(ctx,
		`SELECT title, training_organisation_id, starts_on, ends_on FROM actions WHERE id = $1`, actionID).
		Scan(&g.Title, &g.TrainingOrganisationID, &starts, &ends)
	if err == sql.ErrNoRows {
		return g, &domain.Error{Code: domain.ENOTFOUND, Message: "Action introuvable.", Err: err}
	}
	if err != nil {
		return g, normalize(err)
	}
	g.StartsOn, g.EndsOn = parseDate(starts), parseDate(ends)
	rows, err := q.db.QueryContext(ctx,
		`SELECT e.id, e.candidate_id, e.framework_id, e.route, e.status, e.blocks, COALESCE(e.training_organisation_id, ''),
		 c.number, c.birth_name, c.used_name, c.first_names
		 FROM enrolments e JOIN candidates c ON c.id = e.candidate_id
		 WHERE e.action_id = $1 ORDER BY c.sort_key, c.id, e.id`, actionID)
	if err != nil {
		return g, normalize(err)
	}
	defer rows.Close()
	for rows.Next() {
		var m MarksGroupMember
		var route, status, blocks, birth, used, first string
		if err := rows.Scan(&m.Enrolment.ID, &m.Enrolment.CandidateID, &m.Enrolment.FrameworkID, &route, &status, &blocks,
			&m.Enrolment.TrainingOrganisationID, &m.CandidateNumber, &birth, &used, &first); err != nil {
			return g, normalize(err)
		}
		m.Enrolment.Route, m.Enrolment.Status = domain.Route(route), domain.EnrolmentStatus(status)
		m.Enrolment.Blocks = strings.Fields(blocks)
		m.CandidateName = domain.Candidate{BirthName: birth, UsedName: used, FirstNames: first}.FullName()
		g.Members = append(g.Members, m)
	}
	return g, normalize(rows.Err())
}
