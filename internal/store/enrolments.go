package store

import (
	"context"
	"strings"
	"time"

	"cqp/internal/domain"
)

// CreateEnrolment inserts an enrolment and its first status.
func (q Q) CreateEnrolment(ctx context.Context, e domain.Enrolment, byUserID string) error {
	_, err := q.db.ExecContext(ctx,
		`INSERT INTO enrolments (id, candidate_id, framework_id, qualification_id, route, public, status,
		 training_organisation_id, company_id, referent_user_id, blocks, created_at, updated_at)
		 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)`,
		e.ID, e.CandidateID, e.FrameworkID, e.QualificationID, string(e.Route), string(e.Public), string(e.Status),
		nullString(e.TrainingOrganisationID), nullString(e.CompanyID), nullString(e.ReferentUserID),
		strings.Join(e.Blocks, " "), e.CreatedAt.UTC(), e.UpdatedAt.UTC())
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

const enrolmentSelect = `SELECT e.id, e.candidate_id, e.framework_id, f.version, e.qualification_id, qu.code, qu.title,
	e.route, e.public, e.status, COALESCE(e.training_organisation_id, ''), COALESCE(o.name, ''),
	COALESCE(e.company_id, ''), COALESCE(co.name, ''), COALESCE(e.referent_user_id, ''), COALESCE(u.name, ''),
	e.blocks, e.created_at, e.updated_at
	FROM enrolments e
	JOIN frameworks f ON f.id = e.framework_id
	JOIN qualifications qu ON qu.id = e.qualification_id
	LEFT JOIN training_organisations o ON o.id = e.training_organisation_id
	LEFT JOIN companies co ON co.id = e.company_id
	LEFT JOIN users u ON u.id = e.referent_user_id`

// EnrolmentsOfCandidate returns a candidate's enrolments with their status history.
func (q Q) EnrolmentsOfCandidate(ctx context.Context, candidateID string) ([]domain.Enrolment, error) {
	rows, err := q.db.QueryContext(ctx, enrolmentSelect+` WHERE e.candidate_id = $1 ORDER BY e.created_at, e.id`, candidateID)
	if err != nil {
		return nil, normalize(err)
	}
	var out []domain.Enrolment
	for rows.Next() {
		var e domain.Enrolment
		var route, public, status, blocks string
		if err := rows.Scan(&e.ID, &e.CandidateID, &e.FrameworkID, &e.FrameworkVersion, &e.QualificationID,
			&e.QualificationCode, &e.QualificationTitle, &route, &public, &status, &e.TrainingOrganisationID,
			&e.TrainingOrganisationName, &e.CompanyID, &e.CompanyName, &e.ReferentUserID, &e.ReferentName,
			&blocks, &e.CreatedAt, &e.UpdatedAt); err != nil {
			rows.Close()
			return nil, normalize(err)
		}
		e.Route, e.Public, e.Status = domain.Route(route), domain.Public(public), domain.EnrolmentStatus(status)
		e.Blocks = strings.Fields(blocks)
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
