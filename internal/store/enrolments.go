package store

import (
	"context"
	"database/sql"
	"strings"
	"time"

	"cqp/internal/domain"
)

// CreateEnrolment inserts an enrolment and its first status.
func (q Q) CreateEnrolment(ctx context.Context, e domain.Enrolment, byUserID string) error {
	return q.CreateEnrolmentRecord(ctx, EnrolmentRecord{Enrolment: e}, byUserID)
}

// CreateEnrolmentRecord inserts an enrolment with its action, interview, eligibility data and
// derogation, and its first status. A person whose data was erased is not enrolled again.
func (q Q) CreateEnrolmentRecord(ctx context.Context, r EnrolmentRecord, byUserID string) error {
	e, in := r.Enrolment, r.Intake
	var erased sql.NullTime
	if err := q.db.QueryRowContext(ctx, `SELECT erased_at FROM candidates WHERE id = $1`, e.CandidateID).Scan(&erased); err != nil {
		return normalize(err)
	}
	if erased.Valid {
		return domain.Errorf(domain.ECONFLICT, "Les données de cette personne ont été effacées le %s : elle ne peut plus être inscrite. Si elle revient, enregistrez-la comme une nouvelle personne.",
			domain.DateOf(erased.Time).String())
	}
	_, err := q.db.ExecContext(ctx,
		`INSERT INTO enrolments (id, candidate_id, framework_id, qualification_id, route, public, status,
		 training_organisation_id, company_id, referent_user_id, blocks, created_at, updated_at,
		 action_id, interview_on, interview_project, interview_motivation, diploma_level, experience_months,
		 related_experience_months, derogation_reason, derogation_by, stage)
		 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21, $22, $23)`,
		e.ID, e.CandidateID, e.FrameworkID, e.QualificationID, string(e.Route), string(e.Public), string(e.Status),
		nullString(e.TrainingOrganisationID), nullString(e.CompanyID), nullString(e.ReferentUserID),
		strings.Join(e.Blocks, " "), e.CreatedAt.UTC(), e.UpdatedAt.UTC(),
		nullString(r.ActionID), in.InterviewOn.ISO(), in.Project, in.Motivation, in.DiplomaLevel, in.ExperienceMonths,
		in.RelatedExperienceMonths, r.Derogation.Reason, r.Derogation.ByUserID, e.Stage)
	if err != nil {
		return normalize(err)
	}
	return q.addStatusChange(ctx, e.ID+"-0", e.ID, e.Status, "Inscription", e.CreatedAt, byUserID)
}

// SetEnrolmentStatus moves an enrolment to a new status and records it in its history.
func (q Q) SetEnrolmentStatus(ctx context.Context, changeID string, e domain.Enrolment, reason, byUserID string) error {
	res, err := q.db.ExecContext(ctx, `UPDATE enrolments SET status = $1, updated_at = $2 WHERE id = $3`,
		string(e.Status), e.UpdatedAt.UTC(), e.ID)
	if err := mustAffect(res, err); err != nil {
		return err
	}
	return q.addStatusChange(ctx, changeID, e.ID, e.Status, reason, e.UpdatedAt, byUserID)
}

func (q Q) addStatusChange(ctx context.Context, id, enrolmentID string, s domain.EnrolmentStatus, reason string, at time.Time, by string) error {
	_, err := q.db.ExecContext(ctx,
		`INSERT INTO enrolment_status_history (id, enrolment_id, status, reason, at, by_user_id) VALUES ($1, $2, $3, $4, $5, $6)`,
		id, enrolmentID, string(s), reason, at.UTC(), nullString(by))
	return normalize(err)
}

// Intake is what a training organisation records when it enrols a candidate after an
// interview: the interview itself and what eligibility depends on (DOMAIN.md §5).
type Intake struct {
	InterviewOn             domain.Date // zero: no interview recorded
	Project                 string
	Motivation              string
	DiplomaLevel            int // EQF level of the highest diploma, 3 to 8; 0 for none
	ExperienceMonths        int // professional experience in any field, internships included
	RelatedExperienceMonths int // the part of it related to the qualification
}

// Recorded reports whether an interview was recorded (enrolments made outside an action may
// have none).
func (i Intake) Recorded() bool { return !i.InterviewOn.IsZero() }

// Derogation is the secretariat's reasoned decision to enrol a candidate the eligibility rules
// refuse.
type Derogation struct {
	Reason   string // "" when there is none
	ByUserID string
	ByName   string
}

// EnrolmentRecord is an enrolment with what the formation route adds to it: its action, the
// interview and eligibility data, and any derogation.
type EnrolmentRecord struct {
	domain.Enrolment
	ActionID    string // "" for an enrolment outside any action
	ActionTitle string
	Intake      Intake
	Derogation  Derogation
}

const enrolmentColumns = `e.id, e.candidate_id, e.framework_id, f.version, e.qualification_id, qu.code, qu.title,
	e.route, e.public, e.status, COALESCE(e.training_organisation_id, ''), COALESCE(o.name, ''),
	COALESCE(e.company_id, ''), COALESCE(co.name, ''), COALESCE(e.referent_user_id, ''), COALESCE(u.name, ''),
	e.blocks, e.created_at, e.updated_at, COALESCE(e.action_id, ''), COALESCE(ac.title, ''), e.interview_on,
	e.interview_project, e.interview_motivation, e.diploma_level, e.experience_months, e.related_experience_months,
	e.derogation_reason, e.derogation_by, COALESCE(du.name, ''), e.stage`

const enrolmentJoins = `
	FROM enrolments e
	JOIN frameworks f ON f.id = e.framework_id
	JOIN qualifications qu ON qu.id = e.qualification_id
	LEFT JOIN training_organisations o ON o.id = e.training_organisation_id
	LEFT JOIN companies co ON co.id = e.company_id
	LEFT JOIN users u ON u.id = e.referent_user_id
	LEFT JOIN actions ac ON ac.id = e.action_id
	LEFT JOIN users du ON du.id = e.derogation_by`

const enrolmentSelect = `SELECT ` + enrolmentColumns + enrolmentJoins

// rawEnrolment holds the columns of enrolmentColumns that need converting after the scan.
type rawEnrolment struct{ route, public, status, blocks, interviewOn string }

func (r *rawEnrolment) dest(e *EnrolmentRecord) []any {
	return []any{&e.ID, &e.CandidateID, &e.FrameworkID, &e.FrameworkVersion, &e.QualificationID,
		&e.QualificationCode, &e.QualificationTitle, &r.route, &r.public, &r.status, &e.TrainingOrganisationID,
		&e.TrainingOrganisationName, &e.CompanyID, &e.CompanyName, &e.ReferentUserID, &e.ReferentName,
		&r.blocks, &e.CreatedAt, &e.UpdatedAt, &e.ActionID, &e.ActionTitle, &r.interviewOn,
		&e.Intake.Project, &e.Intake.Motivation, &e.Intake.DiplomaLevel, &e.Intake.ExperienceMonths,
		&e.Intake.RelatedExperienceMonths, &e.Derogation.Reason, &e.Derogation.ByUserID, &e.Derogation.ByName, &e.Stage}
}

func (r *rawEnrolment) finish(e *EnrolmentRecord) {
	e.Route, e.Public, e.Status = domain.Route(r.route), domain.Public(r.public), domain.EnrolmentStatus(r.status)
	e.Blocks = strings.Fields(r.blocks)
	e.Intake.InterviewOn = parseDate(r.interviewOn)
	e.CreatedAt, e.UpdatedAt = e.CreatedAt.UTC(), e.UpdatedAt.UTC()
}

func (q Q) scanEnrolments(ctx context.Context, query string, params ...any) ([]EnrolmentRecord, error) {
	rows, err := q.db.QueryContext(ctx, query, params...)
	if err != nil {
		return nil, normalize(err)
	}
	var out []EnrolmentRecord
	for rows.Next() {
		var e EnrolmentRecord
		var raw rawEnrolment
		if err := rows.Scan(raw.dest(&e)...); err != nil {
			rows.Close()
			return nil, normalize(err)
		}
		raw.finish(&e)
		out = append(out, e)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, normalize(err)
	}
	for i := range out {
		h, err := q.statusHistory(ctx, out[i].ID)
		if err != nil {
			return nil, err
		}
		out[i].History = h
	}
	return out, nil
}

// EnrolmentsOfCandidate returns a candidate's enrolments with their status history.
func (q Q) EnrolmentsOfCandidate(ctx context.Context, candidateID string) ([]domain.Enrolment, error) {
	recs, err := q.scanEnrolments(ctx, enrolmentSelect+` WHERE e.candidate_id = $1 ORDER BY e.created_at, e.id`, candidateID)
	if err != nil {
		return nil, err
	}
	var out []domain.Enrolment
	for _, r := range recs {
		out = append(out, r.Enrolment)
	}
	return out, nil
}

// enrolmentScopeSQL returns a condition on enrolment alias e, or "" for an unrestricted scope:
// an enrolment is visible to its training organisation, its company, its referent, its
// candidate and the commission members who hear its oral.
func enrolmentScopeSQL(s Scope, a *args) string {
	if !s.Restricted {
		return ""
	}
	var parts []string
	if len(s.TrainingOrganisationIDs) > 0 {
		parts = append(parts, `e.training_organisation_id IN `+a.in(s.TrainingOrganisationIDs))
	}
	if len(s.CompanyIDs) > 0 {
		parts = append(parts, `e.company_id IN `+a.in(s.CompanyIDs))
	}
	if s.ReferentUserID != "" {
		parts = append(parts, `e.referent_user_id = `+a.add(s.ReferentUserID))
	}
	if len(s.CandidateIDs) > 0 {
		parts = append(parts, `e.candidate_id IN `+a.in(s.CandidateIDs))
	}
	if s.CommissionMemberUserID != "" {
		parts = append(parts, `e.id IN (SELECT orl.enrolment_id FROM orals orl JOIN commission_members m
			ON m.commission_id = orl.commission_id WHERE m.user_id = `+a.add(s.CommissionMemberUserID)+`)`)
	}
	if len(parts) == 0 {
		return "1 = 0"
	}
	return "(" + strings.Join(parts, " OR ") + ")"
}

// Enrolment returns one enrolment with its status history, if scope lets the caller see it;
// otherwise it is "not found", exactly as if it did not exist.
func (q Q) Enrolment(ctx context.Context, id string, scope Scope) (EnrolmentRecord, error) {
	var a args
	where := ` WHERE e.id = ` + a.add(id)
	if cond := enrolmentScopeSQL(scope, &a); cond != "" {
		where += " AND " + cond
	}
	recs, err := q.scanEnrolments(ctx, enrolmentSelect+where, a...)
	if err != nil {
		return EnrolmentRecord{}, err
	}
	if len(recs) == 0 {
		return EnrolmentRecord{}, &domain.Error{Code: domain.ENOTFOUND, Message: "Inscription introuvable."}
	}
	return recs[0], nil
}

// UpdateEnrolmentReferent names the company referent who follows one enrolment.
func (q Q) UpdateEnrolmentReferent(ctx context.Context, enrolmentID, referentUserID string, at time.Time) error {
	res, err := q.db.ExecContext(ctx, `UPDATE enrolments SET referent_user_id = $1, updated_at = $2 WHERE id = $3`,
		nullString(referentUserID), at.UTC(), enrolmentID)
	return mustAffect(res, err)
}

// UpdateEnrolmentIntake records an enrolment's interview, eligibility data and derogation.
func (q Q) UpdateEnrolmentIntake(ctx context.Context, enrolmentID string, in Intake, d Derogation, at time.Time) error {
	res, err := q.db.ExecContext(ctx,
		`UPDATE enrolments SET interview_on = $1, interview_project = $2, interview_motivation = $3, diploma_level = $4,
		 experience_months = $5, related_experience_months = $6, derogation_reason = $7, derogation_by = $8, updated_at = $9
		 WHERE id = $10`,
		in.InterviewOn.ISO(), in.Project, in.Motivation, in.DiplomaLevel, in.ExperienceMonths, in.RelatedExperienceMonths,
		d.Reason, d.ByUserID, at.UTC(), enrolmentID)
	return mustAffect(res, err)
}

func (q Q) statusHistory(ctx context.Context, enrolmentID string) ([]domain.StatusChange, error) {
	rows, err := q.db.QueryContext(ctx,
		`SELECT h.status, h.reason, h.at, COALESCE(u.name, '') FROM enrolment_status_history h
		 LEFT JOIN users u ON u.id = h.by_user_id WHERE h.enrolment_id = $1 ORDER BY h.at, h.id`, enrolmentID)
	if err != nil {
		return nil, normalize(err)
	}
	defer rows.Close()
	var out []domain.StatusChange
	for rows.Next() {
		var c domain.StatusChange
		var s string
		if err := rows.Scan(&s, &c.Reason, &c.At, &c.ByName); err != nil {
			return nil, normalize(err)
		}
		c.Status = domain.EnrolmentStatus(s)
		out = append(out, c)
	}
	return out, normalize(rows.Err())
}

// SetEnrolmentReferent names the company referent who follows a candidate's enrolments.
func (q Q) SetEnrolmentReferent(ctx context.Context, candidateID, referentUserID string) error {
	res, err := q.db.ExecContext(ctx, `UPDATE enrolments SET referent_user_id = $1 WHERE candidate_id = $2`, referentUserID, candidateID)
	return mustAffect(res, err)
}
