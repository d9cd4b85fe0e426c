package store

import (
	"context"
	"database/sql"
	"time"

	"cqp/internal/domain"
)

const subjectCallColumns = `id, year, opens_on, closes_on, announced_at, created_at, created_by`

func scanSubjectCall(r rowScanner) (domain.SubjectCall, error) {
	var c domain.SubjectCall
	var opens, closes string
	var announced sql.NullTime
	if err := r.Scan(&c.ID, &c.Year, &opens, &closes, &announced, &c.CreatedAt, &c.CreatedBy); err != nil {
		return c, err
	}
	c.OpensOn, c.ClosesOn, c.AnnouncedAt, c.CreatedAt = parseDate(opens), parseDate(closes), timePtr(announced), c.CreatedAt.UTC()
	return c, nil
}

// CreateSubjectCall records a yearly call; a second call for the same year is a conflict.
func (q Q) CreateSubjectCall(ctx context.Context, c domain.SubjectCall) error {
	_, err := q.db.ExecContext(ctx,
		`INSERT INTO subject_calls (id, year, opens_on, closes_on, created_at, created_by) VALUES ($1, $2, $3, $4, $5, $6)`,
		c.ID, c.Year, c.OpensOn.ISO(), c.ClosesOn.ISO(), c.CreatedAt.UTC(), c.CreatedBy)
	if err = normalize(err); conflictOn(err, "year") {
		return domain.Errorf(domain.ECONFLICT, "Un appel à sujets existe déjà pour %d.", c.Year)
	}
	return normalize(err)
}

// UpdateSubjectCallDates moves a call's opening and closing dates.
func (q Q) UpdateSubjectCallDates(ctx context.Context, id string, opens, closes domain.Date) error {
	res, err := q.db.ExecContext(ctx, `UPDATE subject_calls SET opens_on = $1, closes_on = $2 WHERE id = $3`, opens.ISO(), closes.ISO(), id)
	return mustAffect(res, err)
}

// SubjectCall returns one call.
func (q Q) SubjectCall(ctx context.Context, id string) (domain.SubjectCall, error) {
	c, err := scanSubjectCall(q.db.QueryRowContext(ctx, `SELECT `+subjectCallColumns+` FROM subject_calls WHERE id = $1`, id))
	if domain.ErrorCode(normalize(err)) == domain.ENOTFOUND {
		return c, domain.Errorf(domain.ENOTFOUND, "Appel à sujets introuvable.")
	}
	return c, normalize(err)
}

// SubjectCalls lists the calls, the latest year first.
func (q Q) SubjectCalls(ctx context.Context) ([]domain.SubjectCall, error) {
	return q.subjectCalls(ctx, `SELECT `+subjectCallColumns+` FROM subject_calls ORDER BY year DESC`)
}

// SubjectCallOpenOn returns the call open on day d, if any.
func (q Q) SubjectCallOpenOn(ctx context.Context, d domain.Date) (domain.SubjectCall, bool, error) {
	calls, err := q.subjectCalls(ctx, `SELECT `+subjectCallColumns+` FROM subject_calls
		WHERE opens_on <= $1 AND closes_on >= $1 ORDER BY opens_on DESC LIMIT 1`, d.ISO())
	if err != nil || len(calls) == 0 {
		return domain.SubjectCall{}, false, err
	}
	return calls[0], true, nil
}

// SubjectCallsToAnnounce lists the calls open on day d whose opening mail is not yet queued.
func (q Q) SubjectCallsToAnnounce(ctx context.Context, d domain.Date) ([]domain.SubjectCall, error) {
	return q.subjectCalls(ctx, `SELECT `+subjectCallColumns+` FROM subject_calls
		WHERE announced_at IS NULL AND opens_on <= $1 AND closes_on >= $1 ORDER BY opens_on`, d.ISO())
}

// MarkSubjectCallAnnounced records that the opening mail is queued; false when another server
// did it first, so that the mail goes once.
func (q Q) MarkSubjectCallAnnounced(ctx context.Context, id string, at time.Time) (bool, error) {
	res, err := q.db.ExecContext(ctx, `UPDATE subject_calls SET announced_at = $1 WHERE id = $2 AND announced_at IS NULL`, at.UTC(), id)
	if err != nil {
		return false, normalize(err)
	}
	n, err := res.RowsAffected()
	return n == 1, normalize(err)
}

func (q Q) subjectCalls(ctx context.Context, query string, a ...any) ([]domain.SubjectCall, error) {
	rows, err := q.db.QueryContext(ctx, query, a...)
	if err != nil {
		return nil, normalize(err)
	}
	defer rows.Close()
	var out []domain.SubjectCall
	for rows.Next() {
		c, err := scanSubjectCall(rows)
		if err != nil {
			return nil, normalize(err)
		}
		out = append(out, c)
	}
	return out, normalize(rows.Err())
}

// AccreditedOrganisationEmails returns the name and address of every training organisation
// accredited on day d for at least one qualification and with an address, by name.
func (q Q) AccreditedOrganisationEmails(ctx context.Context, d domain.Date) ([]domain.TrainingOrganisation, error) {
	rows, err := q.db.QueryContext(ctx,
		`SELECT o.id, o.name, o.email FROM training_organisations o
		 WHERE o.email <> '' AND EXISTS (SELECT 1 FROM accreditations a WHERE a.training_organisation_id = o.id
		   AND a.status = 'active' AND a.valid_from <= $1 AND a.valid_until >= $1)
		 ORDER BY o.name, o.id`, d.ISO())
	if err != nil {
		return nil, normalize(err)
	}
	defer rows.Close()
	var out []domain.TrainingOrganisation
	for rows.Next() {
		var o domain.TrainingOrganisation
		if err := rows.Scan(&o.ID, &o.Name, &o.Email); err != nil {
			return nil, normalize(err)
		}
		out = append(out, o)
	}
	return out, normalize(rows.Err())
}
