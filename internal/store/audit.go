package store

import (
	"context"
	"strings"
	"time"

	"cqp/internal/domain"
)

// AppendAudit adds one entry to the audit trail. The trail is append-only: this package has
// no statement that updates or deletes it, and a test checks that none appears.
func (q Q) AppendAudit(ctx context.Context, e domain.AuditEntry) error {
	_, err := q.db.ExecContext(ctx,
		`INSERT INTO audit_log (id, at, actor_id, actor_name, actor_role, action, entity_type, entity_id, candidate_id,
		 before_state, after_state, reason, request_id) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)`,
		e.ID, e.At.UTC(), e.ActorID, e.ActorName, e.ActorRole, e.Action, e.EntityType, e.EntityID, e.CandidateID,
		e.Before, e.After, e.Reason, e.RequestID)
	return normalize(err)
}

// AuditFilter narrows the audit trail.
type AuditFilter struct {
	ActorID     string
	Action      string // prefix, e.g. "candidate."
	EntityType  string
	EntityID    string
	CandidateID string
	From, To    time.Time // To exclusive; zero means open
	Limit       int
	Offset      int
	// BeforeID, when set, keeps the entries older than this one (ids grow with time): an
	// export walks the whole trail so, batch by batch. NoTotal leaves the total uncounted.
	BeforeID string
	NoTotal  bool
}

// ListAudit returns entries newest first.
func (q Q) ListAudit(ctx context.Context, f AuditFilter) ([]domain.AuditEntry, int, error) {
	var a args
	var conds []string
	if f.ActorID != "" {
		conds = append(conds, `actor_id = `+a.add(f.ActorID))
	}
	if f.Action != "" {
		conds = append(conds, `action LIKE `+a.add(escapeLike(f.Action)+"%")+` ESCAPE '\'`)
	}
	if f.EntityType != "" {
		conds = append(conds, `entity_type = `+a.add(f.EntityType))
	}
	if f.EntityID != "" {
		conds = append(conds, `entity_id = `+a.add(f.EntityID))
	}
	if f.CandidateID != "" {
		conds = append(conds, `candidate_id = `+a.add(f.CandidateID))
	}
	if !f.From.IsZero() {
		conds = append(conds, `at >= `+a.add(f.From.UTC()))
	}
	if !f.To.IsZero() {
		conds = append(conds, `at < `+a.add(f.To.UTC()))
	}
	where := ""
	if len(conds) > 0 {
		where = ` WHERE ` + strings.Join(conds, ` AND `)
	}
	var total int
	if !f.NoTotal {
		if err := q.db.QueryRowContext(ctx, `SELECT COUNT(*) FROM audit_log`+where, a...).Scan(&total); err != nil {
			return nil, 0, normalize(err)
		}
	}
	if f.BeforeID != "" {
		conds = append(conds, `id < `+a.add(f.BeforeID))
		where = ` WHERE ` + strings.Join(conds, ` AND `)
	}
	limit := f.Limit
	if limit <= 0 || limit > 1000 {
		limit = 100
	}
	rows, err := q.db.QueryContext(ctx, `SELECT id, at, actor_id, actor_name, actor_role, action, entity_type, entity_id,
		candidate_id, before_state, after_state, reason, request_id FROM audit_log`+where+
		` ORDER BY id DESC LIMIT `+a.add(limit)+` OFFSET `+a.add(f.Offset), a...)
	if err != nil {
		return nil, 0, normalize(err)
	}
	defer rows.Close()
	var out []domain.AuditEntry
	for rows.Next() {
		var e domain.AuditEntry
		if err := rows.Scan(&e.ID, &e.At, &e.ActorID, &e.ActorName, &e.ActorRole, &e.Action, &e.EntityType, &e.EntityID,
			&e.CandidateID, &e.Before, &e.After, &e.Reason, &e.RequestID); err != nil {
			return nil, 0, normalize(err)
		}
		out = append(out, e)
	}
	return out, total, normalize(rows.Err())
}
