package store

import (
	"context"
	"database/sql"
	"slices"
	"strings"
	"time"

	"cqp/internal/domain"
)

// Declaration states stored in declarations.status (issue 13). An award without a row has
// never been declared.
const (
	DeclarationInBatch   = "in_batch"
	DeclarationAccepted  = "accepted"
	DeclarationRejected  = "rejected"
	DeclarationToDeclare = "to_declare" // declared before, rejected, and the holder's identity corrected since
)

// DeclarationBatch is one flow file built for the Caisse des Dépôts.
type DeclarationBatch struct {
	ID            string
	CreatedAt     time.Time
	CreatedBy     string
	CreatedByName string // filled when read
	Awards        int
}

// Award is an issued document with what its declaration needs: the holder's identity, the
// enrolment's route, and the declaration's state ("" when never declared).
type Award struct {
	CertificateID string
	Number        string
	Kind          CertificateKind
	BlockCode     string
	RNCP          string
	AwardedOn     domain.Date
	RevokedAt     *time.Time
	Route         domain.Route
	Stage         string
	Holder        domain.Candidate
	Status        string
	BatchID       string
	Reason        string
}

// AwardFilter narrows EachAward. Attestations adds the block attestations to the certificates;
// BatchID keeps the awards of one batch.
type AwardFilter struct {
	Attestations bool
	BatchID      string
}

// EachAward calls fn for each award, by RNCP code, block and number, reading one row at a time
// so that a batch of any size is walked with the same memory. fn must not query q.
func (q Q) EachAward(ctx context.Context, f AwardFilter, fn func(Award) error) error {
	var a args
	conds := []string{}
	if !f.Attestations {
		conds = append(conds, `x.kind = `+a.add(string(KindCertificate)))
	}
	if f.BatchID != "" {
		conds = append(conds, `d.batch_id = `+a.add(f.BatchID))
	}
	where := ""
	if len(conds) > 0 {
		where = ` WHERE ` + strings.Join(conds, " AND ")
	}
	rows, err := q.db.QueryContext(ctx, `SELECT `+candidateColumns+`, x.id, x.number, x.kind, x.block_code, x.rncp, x.awarded_on, x.revoked_at,
		e.route, e.stage, COALESCE(d.status, ''), COALESCE(d.batch_id, ''), COALESCE(d.reason, '')
		FROM certificates x
		JOIN candidates c ON c.id = x.candidate_id
		JOIN enrolments e ON e.id = x.enrolment_id
		LEFT JOIN declarations d ON d.certificate_id = x.id`+where+`
		ORDER BY x.rncp, x.block_code, x.awarded_on, x.number`, a...)
	if err != nil {
		return normalize(err)
	}
	defer rows.Close()
	for rows.Next() {
		var aw Award
		var kind, awarded, route string
		var revoked sql.NullTime
		aw.Holder, err = scanCandidate(rows, &aw.CertificateID, &aw.Number, &kind, &aw.BlockCode, &aw.RNCP, &awarded, &revoked,
			&route, &aw.Stage, &aw.Status, &aw.BatchID, &aw.Reason)
		if err != nil {
			return normalize(err)
		}
		aw.Kind, aw.AwardedOn, aw.RevokedAt, aw.Route = CertificateKind(kind), parseDate(awarded), timePtr(revoked), domain.Route(route)
		if err := fn(aw); err != nil {
			return err
		}
	}
	return normalize(rows.Err())
}

// CreateDeclarationBatch records a batch and puts its awards in it: each award's declaration
// becomes in_batch, whatever it was.
func (q Q) CreateDeclarationBatch(ctx context.Context, b DeclarationBatch, certificateIDs []string) error {
	if _, err := q.db.ExecContext(ctx, `INSERT INTO declaration_batches (id, created_at, created_by, awards) VALUES ($1, $2, $3, $4)`,
		b.ID, b.CreatedAt.UTC(), b.CreatedBy, b.Awards); err != nil {
		return normalize(err)
	}
	for chunk := range slices.Chunk(certificateIDs, 200) {
		var a args
		values := make([]string, len(chunk))
		for i, id := range chunk {
			values[i] = "(" + a.add(id) + ", " + a.add(DeclarationInBatch) + ", " + a.add(b.ID) + ", '', " + a.add(b.CreatedAt.UTC()) + ")"
		}
		if _, err := q.db.ExecContext(ctx, `INSERT INTO declarations (certificate_id, status, batch_id, reason, updated_at) VALUES `+
			strings.Join(values, ", ")+` ON CONFLICT (certificate_id) DO UPDATE SET status = excluded.status,
			batch_id = excluded.batch_id, reason = '', updated_at = excluded.updated_at`, a...); err != nil {
			return normalize(err)
		}
	}
	return nil
}

// DeclarationBatch returns one batch.
func (q Q) DeclarationBatch(ctx context.Context, id string) (DeclarationBatch, error) {
	all, err := q.declarationBatches(ctx, ` WHERE b.id = $1`, id)
	if err != nil {
		return DeclarationBatch{}, err
	}
	if len(all) == 0 {
		return DeclarationBatch{}, domain.Errorf(domain.ENOTFOUND, "Lot de déclaration introuvable.")
	}
	return all[0], nil
}

// DeclarationBatches lists the batches, newest first.
func (q Q) DeclarationBatches(ctx context.Context) ([]DeclarationBatch, error) {
	return q.declarationBatches(ctx, ``)
}

func (q Q) declarationBatches(ctx context.Context, where string, arg ...any) ([]DeclarationBatch, error) {
	rows, err := q.db.QueryContext(ctx, `SELECT b.id, b.created_at, b.created_by, COALESCE(u.name, ''), b.awards
		FROM declaration_batches b LEFT JOIN users u ON u.id = b.created_by`+where+` ORDER BY b.created_at DESC, b.id DESC`, arg...)
	if err != nil {
		return nil, normalize(err)
	}
	defer rows.Close()
	var out []DeclarationBatch
	for rows.Next() {
		var b DeclarationBatch
		if err := rows.Scan(&b.ID, &b.CreatedAt, &b.CreatedBy, &b.CreatedByName, &b.Awards); err != nil {
			return nil, normalize(err)
		}
		b.CreatedAt = b.CreatedAt.UTC()
		out = append(out, b)
	}
	return out, normalize(rows.Err())
}

// DeclarationStatuses returns the stored state of those awards' declarations, by certificate
// id; an award never declared is absent.
func (q Q) DeclarationStatuses(ctx context.Context, certificateIDs []string) (map[string]string, error) {
	out := map[string]string{}
	for chunk := range slices.Chunk(certificateIDs, 500) {
		var a args
		rows, err := q.db.QueryContext(ctx, `SELECT certificate_id, status FROM declarations WHERE certificate_id IN `+a.in(chunk), a...)
		if err != nil {
			return nil, normalize(err)
		}
		for rows.Next() {
			var id, status string
			if err := rows.Scan(&id, &status); err != nil {
				rows.Close()
				return nil, normalize(err)
			}
			out[id] = status
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, normalize(err)
		}
	}
	return out, nil
}

// SetDeclarationResult records what the processing report says of one declaration.
func (q Q) SetDeclarationResult(ctx context.Context, certificateID, status, reason string, at time.Time) error {
	res, err := q.db.ExecContext(ctx, `UPDATE declarations SET status = $1, reason = $2, updated_at = $3 WHERE certificate_id = $4`,
		status, reason, at.UTC(), certificateID)
	return mustAffect(res, err)
}

// ReopenRejectedDeclarations puts the rejected declarations of a candidate's awards back to
// be declared, once their identity was corrected. It returns how many.
func (q Q) ReopenRejectedDeclarations(ctx context.Context, candidateID string, at time.Time) (int, error) {
	res, err := q.db.ExecContext(ctx, `UPDATE declarations SET status = $1, updated_at = $2
		WHERE status = $3 AND certificate_id IN (SELECT id FROM certificates WHERE candidate_id = $4)`,
		DeclarationToDeclare, at.UTC(), DeclarationRejected, candidateID)
	if err != nil {
		return 0, normalize(err)
	}
	n, err := res.RowsAffected()
	return int(n), normalize(err)
}

// CountLateDeclarations counts the valid awards given before the day before whose declaration
// is not accepted (certificates, and block attestations too when attestations is set).
func (q Q) CountLateDeclarations(ctx context.Context, before domain.Date, attestations bool) (int, error) {
	var a args
	kind := ``
	if !attestations {
		kind = ` AND x.kind = ` + a.add(string(KindCertificate))
	}
	var n int
	err := q.db.QueryRowContext(ctx, `SELECT COUNT(*) FROM certificates x
		LEFT JOIN declarations d ON d.certificate_id = x.id
		WHERE x.revoked_at IS NULL AND x.awarded_on < `+a.add(before.ISO())+kind+`
		AND (d.status IS NULL OR d.status <> `+a.add(DeclarationAccepted)+`)`, a...).Scan(&n)
	return n, normalize(err)
}
