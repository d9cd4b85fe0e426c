package store

import (
	"context"
	"database/sql"
	"time"

	"cqp/internal/domain"
)

// Accreditation returns one accreditation (without the organisation).
func (q Q) Accreditation(ctx context.Context, id string) (domain.Accreditation, error) {
	m, err := q.accreditations(ctx, `WHERE a.id = $1`, id)
	if err != nil {
		return domain.Accreditation{}, err
	}
	for _, accs := range m {
		return accs[0], nil
	}
	return domain.Accreditation{}, domain.Errorf(domain.ENOTFOUND, "Habilitation introuvable.")
}

// SetAccreditationStatus records an accreditation's new status, its reason and when.
func (q Q) SetAccreditationStatus(ctx context.Context, id string, status domain.AccreditationStatus, reason string, at time.Time) error {
	res, err := q.db.ExecContext(ctx,
		`UPDATE accreditations SET status = $1, status_reason = $2, status_changed_at = $3 WHERE id = $4`,
		string(status), reason, at.UTC(), id)
	if err != nil {
		return normalize(err)
	}
	return mustAffect(res, nil)
}

// Obligations is one version of a branch's obligations text.
type Obligations struct {
	BranchID  string
	Version   int // 0 when none was ever saved
	Text      string
	CreatedAt time.Time
	CreatedBy string
}

// LatestObligations returns the branch's latest obligations, Version 0 when none.
func (q Q) LatestObligations(ctx context.Context, branchID string) (Obligations, error) {
	o := Obligations{BranchID: branchID}
	err := q.db.QueryRowContext(ctx,
		`SELECT version, text, created_at, created_by FROM accreditation_obligations
		 WHERE branch_id = $1 ORDER BY version DESC LIMIT 1`, branchID).
		Scan(&o.Version, &o.Text, &o.CreatedAt, &o.CreatedBy)
	if err == sql.ErrNoRows {
		return o, nil
	}
	return o, normalize(err)
}

// AddObligations records a new version of the branch's obligations.
func (q Q) AddObligations(ctx context.Context, o Obligations) error {
	_, err := q.db.ExecContext(ctx,
		`INSERT INTO accreditation_obligations (branch_id, version, text, created_at, created_by) VALUES ($1, $2, $3, $4, $5)`,
		o.BranchID, o.Version, o.Text, o.CreatedAt.UTC(), o.CreatedBy)
	return normalize(err)
}

// RegisterExport records one export of the register.
type RegisterExport struct {
	ID         string
	ExportedAt time.Time
	ExportedBy string
	Format     string
	Rows       int
}

// AddRegisterExport records an export of the register.
func (q Q) AddRegisterExport(ctx context.Context, e RegisterExport) error {
	_, err := q.db.ExecContext(ctx,
		`INSERT INTO register_exports (id, exported_at, exported_by, format, rows) VALUES ($1, $2, $3, $4, $5)`,
		e.ID, e.ExportedAt.UTC(), e.ExportedBy, e.Format, e.Rows)
	return normalize(err)
}

// RegisterDates returns when the register last changed (an accreditation granted, or its
// status or the obligations changed) and when it was last exported; nil when never.
func (q Q) RegisterDates(ctx context.Context) (changed, exported *time.Time, err error) {
	// ORDER BY … LIMIT 1 rather than MAX(): SQLite then keeps the column's type, so the
	// driver reads a time.
	var times []sql.NullTime
	for _, query := range []string{
		`SELECT created_at FROM accreditations ORDER BY created_at DESC LIMIT 1`,
		`SELECT status_changed_at FROM accreditations WHERE status_changed_at IS NOT NULL ORDER BY status_changed_at DESC LIMIT 1`,
		`SELECT created_at FROM accreditation_obligations ORDER BY created_at DESC LIMIT 1`,
		`SELECT exported_at FROM register_exports ORDER BY exported_at DESC LIMIT 1`,
	} {
		var t sql.NullTime
		if err := q.db.QueryRowContext(ctx, query).Scan(&t); err != nil && err != sql.ErrNoRows {
			return nil, nil, normalize(err)
		}
		times = append(times, t)
	}
	for _, t := range times[:3] {
		if t.Valid && (changed == nil || t.Time.After(*changed)) {
			v := t.Time
			changed = &v
		}
	}
	return changed, timePtr(times[3]), nil
}
