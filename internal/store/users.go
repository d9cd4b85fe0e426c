package store

import (
	"context"
	"database/sql"
	"time"

	"cqp/internal/domain"
)

// CreateUser inserts u. A duplicate e-mail is a conflict on the "email" field.
func (q Q) CreateUser(ctx context.Context, u domain.User) error {
	_, err := q.db.ExecContext(ctx,
		`INSERT INTO users (id, email, name, password_hash, disabled_at, created_at) VALUES ($1, $2, $3, $4, $5, $6)`,
		u.ID, u.Email, u.Name, u.PasswordHash, nullTime(u.DisabledAt), u.CreatedAt.UTC())
	if err = normalize(err); domain.ErrorCode(err) == domain.ECONFLICT {
		return &domain.Error{Code: domain.ECONFLICT, Message: "Un compte existe déjà avec cette adresse e-mail.",
			Fields: map[string]string{"email": "Un compte existe déjà avec cette adresse e-mail."}, Err: err}
	}
	return err
}

const userColumns = `id, email, name, password_hash, disabled_at, created_at, session_generation`

func scanUser(row interface{ Scan(...any) error }) (domain.User, error) {
	var u domain.User
	var disabled sql.NullTime
	err := row.Scan(&u.ID, &u.Email, &u.Name, &u.PasswordHash, &disabled, &u.CreatedAt, &u.SessionGeneration)
	u.DisabledAt = timePtr(disabled)
	u.CreatedAt = u.CreatedAt.UTC()
	return u, err
}

// UserByEmail returns the account with that (normalised) e-mail, with its roles.
func (q Q) UserByEmail(ctx context.Context, email string) (domain.User, error) {
	u, err := scanUser(q.db.QueryRowContext(ctx, `SELECT `+userColumns+` FROM users WHERE email = $1`, email))
	if err != nil {
		return u, normalize(err)
	}
	u.Roles, err = q.RolesOfUser(ctx, u.ID)
	return u, err
}

// UserByID returns the account with its roles.
func (q Q) UserByID(ctx context.Context, id string) (domain.User, error) {
	u, err := scanUser(q.db.QueryRowContext(ctx, `SELECT `+userColumns+` FROM users WHERE id = $1`, id))
	if err != nil {
		return u, normalize(err)
	}
	u.Roles, err = q.RolesOfUser(ctx, u.ID)
	return u, err
}

// CountUsers returns how many accounts exist.
func (q Q) CountUsers(ctx context.Context) (int, error) {
	var n int
	err := q.db.QueryRowContext(ctx, `SELECT COUNT(*) FROM users`).Scan(&n)
	return n, normalize(err)
}

// UserFilter narrows ListUsers.
type UserFilter struct {
	Role    domain.Role
	ScopeID string
}

// ListUsers returns accounts ordered by name, with their roles.
func (q Q) ListUsers(ctx context.Context, f UserFilter) ([]domain.User, error) {
	var a args
	query := `SELECT ` + userColumns + ` FROM users`
	if f.Role != "" {
		query += ` WHERE id IN (SELECT user_id FROM role_assignments WHERE role = ` + a.add(string(f.Role))
		if f.ScopeID != "" {
			query += ` AND scope_id = ` + a.add(f.ScopeID)
		}
		query += `)`
	}
	query += ` ORDER BY name, email`
	rows, err := q.db.QueryContext(ctx, query, a...)
	if err != nil {
		return nil, normalize(err)
	}
	var users []domain.User
	for rows.Next() {
		u, err := scanUser(rows)
		if err != nil {
			rows.Close()
			return nil, normalize(err)
		}
		users = append(users, u)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, normalize(err)
	}
	roles, err := q.allRoles(ctx)
	if err != nil {
		return nil, err
	}
	for i := range users {
		users[i].Roles = roles[users[i].ID]
	}
	return users, nil
}

// SetUserDisabled disables (at non-nil) or re-enables an account.
func (q Q) SetUserDisabled(ctx context.Context, id string, at *time.Time) error {
	res, err := q.db.ExecContext(ctx, `UPDATE users SET disabled_at = $1 WHERE id = $2`, nullTime(at), id)
	return mustAffect(res, err)
}

// SetPasswordHash replaces an account's password hash and moves its session generation on,
// which ends every session logged in before; it returns the new generation, for the session
// that changed the password to carry on.
func (q Q) SetPasswordHash(ctx context.Context, id, hash string) (int, error) {
	var generation int
	err := q.db.QueryRowContext(ctx,
		`UPDATE users SET password_hash = $1, session_generation = session_generation + 1 WHERE id = $2 RETURNING session_generation`,
		hash, id).Scan(&generation)
	return generation, normalize(err)
}

// AddRole assigns a role to a user.
func (q Q) AddRole(ctx context.Context, r domain.RoleAssignment) error {
	_, err := q.db.ExecContext(ctx,
		`INSERT INTO role_assignments (id, user_id, role, scope_id, created_at) VALUES ($1, $2, $3, $4, $5)`,
		r.ID, r.UserID, string(r.Role), r.ScopeID, r.CreatedAt.UTC())
	if err = normalize(err); domain.ErrorCode(err) == domain.ECONFLICT {
		return &domain.Error{Code: domain.ECONFLICT, Message: "Ce compte a déjà ce rôle sur ce périmètre.", Err: err}
	}
	return err
}

// RemoveRole removes one role assignment.
func (q Q) RemoveRole(ctx context.Context, id string) error {
	res, err := q.db.ExecContext(ctx, `DELETE FROM role_assignments WHERE id = $1`, id)
	return mustAffect(res, err)
}

const roleSelect = `SELECT r.id, r.user_id, r.role, r.scope_id, r.created_at,
	COALESCE(o.name, c.name, f.name, cd.birth_name || ' ' || cd.first_names, '')
	FROM role_assignments r
	LEFT JOIN training_organisations o ON r.role = 'training_organisation' AND o.id = r.scope_id
	LEFT JOIN companies c ON r.role IN ('company', 'company_referent') AND c.id = r.scope_id
	LEFT JOIN funders f ON r.role = 'funder' AND f.id = r.scope_id
	LEFT JOIN candidates cd ON r.role = 'candidate' AND cd.id = r.scope_id`

func scanRoles(rows *sql.Rows, err error) ([]domain.RoleAssignment, error) {
	if err != nil {
		return nil, normalize(err)
	}
	defer rows.Close()
	var out []domain.RoleAssignment
	for rows.Next() {
		var r domain.RoleAssignment
		var role string
		if err := rows.Scan(&r.ID, &r.UserID, &role, &r.ScopeID, &r.CreatedAt, &r.ScopeName); err != nil {
			return nil, normalize(err)
		}
		r.Role = domain.Role(role)
		out = append(out, r)
	}
	return out, normalize(rows.Err())
}

// RolesOfUser returns a user's role assignments.
func (q Q) RolesOfUser(ctx context.Context, userID string) ([]domain.RoleAssignment, error) {
	return scanRoles(q.db.QueryContext(ctx, roleSelect+` WHERE r.user_id = $1 ORDER BY r.created_at, r.id`, userID))
}

func (q Q) allRoles(ctx context.Context) (map[string][]domain.RoleAssignment, error) {
	all, err := scanRoles(q.db.QueryContext(ctx, roleSelect+` ORDER BY r.created_at, r.id`))
	if err != nil {
		return nil, err
	}
	m := map[string][]domain.RoleAssignment{}
	for _, r := range all {
		m[r.UserID] = append(m[r.UserID], r)
	}
	return m, nil
}

func mustAffect(res sql.Result, err error) error {
	if err != nil {
		return normalize(err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return normalize(err)
	}
	if n == 0 {
		return &domain.Error{Code: domain.ENOTFOUND, Message: "Élément introuvable."}
	}
	return nil
}

// ScopeExists reports whether the record a role's scope points at exists.
func (q Q) ScopeExists(ctx context.Context, kind, id string) (bool, error) {
	table := map[string]string{"training_organisation": "training_organisations", "company": "companies",
		"candidate": "candidates", "funder": "funders"}[kind]
	if table == "" {
		return false, nil
	}
	var n int
	err := q.db.QueryRowContext(ctx, `SELECT COUNT(*) FROM `+table+` WHERE id = $1`, id).Scan(&n)
	return n > 0, normalize(err)
}
