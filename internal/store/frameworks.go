package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"cqp/internal/domain"
)

// BranchRecord is a stored branch.
type BranchRecord struct {
	ID string
	domain.Branch
}

// EnsureBranch returns the branch with b.Code, creating it when absent.
func (q Q) EnsureBranch(ctx context.Context, id string, b domain.Branch, now time.Time) (BranchRecord, error) {
	var r BranchRecord
	err := q.db.QueryRowContext(ctx, `SELECT id, code, name, idcc FROM branches WHERE code = $1`, b.Code).
		Scan(&r.ID, &r.Code, &r.Name, &r.IDCC)
	if err == nil {
		return r, nil
	}
	if !errors.Is(err, sql.ErrNoRows) {
		return r, normalize(err)
	}
	_, err = q.db.ExecContext(ctx, `INSERT INTO branches (id, code, name, idcc, created_at) VALUES ($1, $2, $3, $4, $5)`,
		id, b.Code, b.Name, b.IDCC, now.UTC())
	return BranchRecord{ID: id, Branch: b}, normalize(err)
}

// Branches returns every branch.
func (q Q) Branches(ctx context.Context) ([]BranchRecord, error) {
	rows, err := q.db.QueryContext(ctx, `SELECT id, code, name, idcc FROM branches ORDER BY code`)
	if err != nil {
		return nil, normalize(err)
	}
	defer rows.Close()
	var out []BranchRecord
	for rows.Next() {
		var r BranchRecord
		if err := rows.Scan(&r.ID, &r.Code, &r.Name, &r.IDCC); err != nil {
			return nil, normalize(err)
		}
		out = append(out, r)
	}
	return out, normalize(rows.Err())
}

// QualificationRecord is a stored qualification.
type QualificationRecord struct {
	ID       string
	BranchID string
	Code     string
	Title    string
}

// EnsureQualification returns the qualification (branch, code), creating it when absent and
// updating its title otherwise.
func (q Q) EnsureQualification(ctx context.Context, id, branchID, code, title string, now time.Time) (QualificationRecord, error) {
	var r QualificationRecord
	err := q.db.QueryRowContext(ctx, `SELECT id, branch_id, code, title FROM qualifications WHERE branch_id = $1 AND code = $2`,
		branchID, code).Scan(&r.ID, &r.BranchID, &r.Code, &r.Title)
	if err == nil {
		if r.Title != title {
			_, err = q.db.ExecContext(ctx, `UPDATE qualifications SET title = $1 WHERE id = $2`, title, r.ID)
			r.Title = title
		}
		return r, normalize(err)
	}
	if !errors.Is(err, sql.ErrNoRows) {
		return r, normalize(err)
	}
	_, err = q.db.ExecContext(ctx, `INSERT INTO qualifications (id, branch_id, code, title, created_at) VALUES ($1, $2, $3, $4, $5)`,
		id, branchID, code, title, now.UTC())
	return QualificationRecord{ID: id, BranchID: branchID, Code: code, Title: title}, normalize(err)
}

// Qualifications returns every qualification ordered by code.
func (q Q) Qualifications(ctx context.Context) ([]QualificationRecord, error) {
	rows, err := q.db.QueryContext(ctx, `SELECT id, branch_id, code, title FROM qualifications ORDER BY code`)
	if err != nil {
		return nil, normalize(err)
	}
	defer rows.Close()
	var out []QualificationRecord
	for rows.Next() {
		var r QualificationRecord
		if err := rows.Scan(&r.ID, &r.BranchID, &r.Code, &r.Title); err != nil {
			return nil, normalize(err)
		}
		out = append(out, r)
	}
	return out, normalize(rows.Err())
}

// FrameworkRecord is one stored framework version.
type FrameworkRecord struct {
	ID              string
	QualificationID string
	Version         int
	Framework       domain.Framework
	ToConfirmCount  int
	CreatedAt       time.Time
	Enrolments      int // how many enrolments use it; a version with enrolments is frozen
}

// Frozen reports whether the version is used by enrolments and so may never change.
func (f FrameworkRecord) Frozen() bool { return f.Enrolments > 0 }

// InsertFramework stores a new framework version.
func (q Q) InsertFramework(ctx context.Context, r FrameworkRecord, createdBy string) error {
	def, err := json.Marshal(r.Framework)
	if err != nil {
		return fmt.Errorf("encode framework: %w", err)
	}
	_, err = q.db.ExecContext(ctx,
		`INSERT INTO frameworks (id, qualification_id, version, definition, to_confirm_count, created_at, created_by)
		 VALUES ($1, $2, $3, $4, $5, $6, $7)`,
		r.ID, r.QualificationID, r.Version, string(def), r.ToConfirmCount, r.CreatedAt.UTC(), nullString(createdBy))
	return normalize(err)
}

// ReplaceFrameworkDefinition rewrites a version that no enrolment uses yet. It refuses a
// frozen version.
func (q Q) ReplaceFrameworkDefinition(ctx context.Context, r FrameworkRecord) error {
	def, err := json.Marshal(r.Framework)
	if err != nil {
		return fmt.Errorf("encode framework: %w", err)
	}
	res, err := q.db.ExecContext(ctx,
		`UPDATE frameworks SET definition = $1, to_confirm_count = $2
		 WHERE id = $3 AND NOT EXISTS (SELECT 1 FROM enrolments WHERE framework_id = $3)`,
		string(def), r.ToConfirmCount, r.ID)
	if err := mustAffect(res, err); err != nil {
		if domain.ErrorCode(err) == domain.ENOTFOUND {
			return domain.Errorf(domain.ECONFLICT, "La version %d de ce référentiel a des inscrits : elle est figée et ne peut plus être modifiée.", r.Version)
		}
		return err
	}
	return nil
}

// LockFramework takes the version's row lock for the rest of the caller's transaction (a
// no-op update, as LockJurySession does) and returns the version, so that two confirmations
// of its items made at once do not overwrite each other.
func (q Q) LockFramework(ctx context.Context, id string) (FrameworkRecord, error) {
	res, err := q.db.ExecContext(ctx, `UPDATE frameworks SET version = version WHERE id = $1`, id)
	if err := mustAffect(res, err); err != nil {
		if domain.ErrorCode(err) == domain.ENOTFOUND {
			return FrameworkRecord{}, &domain.Error{Code: domain.ENOTFOUND, Message: "Référentiel introuvable."}
		}
		return FrameworkRecord{}, err
	}
	return q.Framework(ctx, id)
}

// SetFrameworkWording rewrites a version's wording (titles, notes, to-confirm flags), frozen
// or not. It refuses any other change: codes, kinds, detailed counts and rules stay those the
// version's candidates are judged under (domain.SameRules).
func (q Q) SetFrameworkWording(ctx context.Context, id string, fw domain.Framework) error {
	cur, err := q.Framework(ctx, id)
	if err != nil {
		return err
	}
	if !domain.SameRules(cur.Framework, fw) {
		return fmt.Errorf("framework %s: a wording change may not change a rule", id)
	}
	def, err := json.Marshal(fw)
	if err != nil {
		return fmt.Errorf("encode framework: %w", err)
	}
	res, err := q.db.ExecContext(ctx, `UPDATE frameworks SET definition = $1, to_confirm_count = $2 WHERE id = $3`,
		string(def), fw.ToConfirmCount(), id)
	return mustAffect(res, err)
}

// SetQualificationTitle renames a qualification (the title its enrolments and documents show).
func (q Q) SetQualificationTitle(ctx context.Context, id, title string) error {
	res, err := q.db.ExecContext(ctx, `UPDATE qualifications SET title = $1 WHERE id = $2`, title, id)
	return mustAffect(res, err)
}

const frameworkSelect = `SELECT f.id, f.qualification_id, f.version, f.definition, f.to_confirm_count, f.created_at,
	(SELECT COUNT(*) FROM enrolments e WHERE e.framework_id = f.id)
	FROM frameworks f`

func scanFrameworks(rows *sql.Rows, err error) ([]FrameworkRecord, error) {
	if err != nil {
		return nil, normalize(err)
	}
	defer rows.Close()
	var out []FrameworkRecord
	for rows.Next() {
		var r FrameworkRecord
		var def string
		if err := rows.Scan(&r.ID, &r.QualificationID, &r.Version, &def, &r.ToConfirmCount, &r.CreatedAt, &r.Enrolments); err != nil {
			return nil, normalize(err)
		}
		if err := json.Unmarshal([]byte(def), &r.Framework); err != nil {
			return nil, fmt.Errorf("decode framework %s: %w", r.ID, err)
		}
		out = append(out, r)
	}
	return out, normalize(rows.Err())
}

// Framework returns one framework version by id.
func (q Q) Framework(ctx context.Context, id string) (FrameworkRecord, error) {
	all, err := scanFrameworks(q.db.QueryContext(ctx, frameworkSelect+` WHERE f.id = $1`, id))
	if err != nil {
		return FrameworkRecord{}, err
	}
	if len(all) == 0 {
		return FrameworkRecord{}, &domain.Error{Code: domain.ENOTFOUND, Message: "Référentiel introuvable."}
	}
	return all[0], nil
}

// FrameworkVersions returns every version of a qualification, newest first.
func (q Q) FrameworkVersions(ctx context.Context, qualificationID string) ([]FrameworkRecord, error) {
	return scanFrameworks(q.db.QueryContext(ctx, frameworkSelect+` WHERE f.qualification_id = $1 ORDER BY f.version DESC`, qualificationID))
}

// latestFrameworkOnly keeps, of the frameworks f, each qualification's latest version.
const latestFrameworkOnly = `WHERE f.version = (SELECT MAX(version) FROM frameworks g WHERE g.qualification_id = f.qualification_id)`

// ToConfirmInLatestFrameworks is how many items of the latest framework of each
// qualification the branch has still to confirm, for the dashboards: LatestFrameworks also
// counts every version's enrolments, a million index entries at a million candidates.
func (q Q) ToConfirmInLatestFrameworks(ctx context.Context) (int, error) {
	var n int
	err := q.db.QueryRowContext(ctx, `SELECT COALESCE(SUM(f.to_confirm_count), 0) FROM frameworks f `+latestFrameworkOnly).Scan(&n)
	return n, normalize(err)
}

// LatestFrameworks returns the newest version of every qualification, by qualification code.
func (q Q) LatestFrameworks(ctx context.Context) ([]FrameworkRecord, error) {
	return scanFrameworks(q.db.QueryContext(ctx, frameworkSelect+`
		JOIN qualifications qu ON qu.id = f.qualification_id `+latestFrameworkOnly+`
		ORDER BY qu.code`))
}
