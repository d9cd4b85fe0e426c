package store

import (
	"context"
	"database/sql"
	"time"

	"cqp/internal/domain"
)

// RetentionRule is the time a branch keeps one kind of personal data.
type RetentionRule struct {
	Kind      domain.RetentionKind
	Months    int
	Default   bool      // the branch set nothing: Months is domain.DefaultRetention's
	UpdatedAt time.Time // zero for a default
	UpdatedBy string    // the name of who set it
}

// RetentionRules returns the branch's rule for every kind, in domain.RetentionKinds' order,
// with the default where the branch set none.
func (q Q) RetentionRules(ctx context.Context, branchID string) ([]RetentionRule, error) {
	rows, err := q.db.QueryContext(ctx,
		`SELECT kind, months, updated_at, updated_by FROM retention_rules WHERE branch_id = $1`, branchID)
	if err != nil {
		return nil, normalize(err)
	}
	defer rows.Close()
	set := map[domain.RetentionKind]RetentionRule{}
	for rows.Next() {
		var r RetentionRule
		var kind string
		if err := rows.Scan(&kind, &r.Months, &r.UpdatedAt, &r.UpdatedBy); err != nil {
			return nil, normalize(err)
		}
		r.Kind, r.UpdatedAt = domain.RetentionKind(kind), r.UpdatedAt.UTC()
		set[r.Kind] = r
	}
	if err := rows.Err(); err != nil {
		return nil, normalize(err)
	}
	rules := DefaultRetentionRules()
	for i, r := range rules {
		if set, ok := set[r.Kind]; ok {
			rules[i] = set
		}
	}
	return rules, nil
}

// DefaultRetentionRules are the rules of a branch that set none.
func DefaultRetentionRules() []RetentionRule {
	rules := make([]RetentionRule, 0, len(domain.RetentionKinds))
	for _, k := range domain.RetentionKinds {
		rules = append(rules, RetentionRule{Kind: k, Months: domain.DefaultRetention[k], Default: true})
	}
	return rules
}

// SaveRetentionRule sets the months the branch keeps one kind of data.
func (q Q) SaveRetentionRule(ctx context.Context, branchID string, r RetentionRule) error {
	_, err := q.db.ExecContext(ctx,
		`INSERT INTO retention_rules (branch_id, kind, months, updated_at, updated_by) VALUES ($1, $2, $3, $4, $5)
		 ON CONFLICT (branch_id, kind) DO UPDATE SET months = excluded.months, updated_at = excluded.updated_at,
		 updated_by = excluded.updated_by`,
		branchID, string(r.Kind), r.Months, r.UpdatedAt.UTC(), r.UpdatedBy)
	return normalize(err)
}

// finalStatuses are the enrolment statuses after which nothing more happens on the enrolment.
const finalStatuses = `('certified', 'partial', 'not_certified', 'withdrawn')`

// enrolmentEndedSQL is when enrolment alias e reached its present status: its latest change.
const enrolmentEndedSQL = `(SELECT MAX(h.at) FROM enrolment_status_history h WHERE h.enrolment_id = e.id)`

// VAEFilesEndedBefore lists the enrolments whose VAE file is still whole although the
// enrolment reached its final result before the given time.
func (q Q) VAEFilesEndedBefore(ctx context.Context, before time.Time) ([]string, error) {
	return q.ids(ctx, `SELECT v.enrolment_id FROM vae_files v JOIN enrolments e ON e.id = v.enrolment_id
		WHERE v.purged_at IS NULL AND e.status IN `+finalStatuses+` AND `+enrolmentEndedSQL+` < $1
		ORDER BY v.enrolment_id`, before.UTC())
}

// PurgedVAEFile counts what PurgeVAEFile erased.
type PurgedVAEFile struct {
	File                                  bool // the file was whole and is now purged
	Versions, Evidence, Comments, Letters int64
}

// PurgeVAEFile erases the content of an enrolment's VAE file: the draft and every submitted
// version, the narratives, the evidence, the adviser's comments, the reviewers' comments and
// the decision letters. The statuses, the opinions and the decisions with their reasons stay,
// as the record of what was decided. A file already purged is left as it is.
func (q Q) PurgeVAEFile(ctx context.Context, enrolmentID string, at time.Time) (PurgedVAEFile, error) {
	var p PurgedVAEFile
	res, err := q.db.ExecContext(ctx,
		`UPDATE vae_files SET draft = '', request_message = '', purged_at = $1 WHERE enrolment_id = $2 AND purged_at IS NULL`,
		at.UTC(), enrolmentID)
	if n, err := affected(res, err); err != nil || n == 0 {
		return p, err
	}
	p.File = true
	steps := []struct {
		count *int64
		query string
		args  []any
	}{
		{&p.Versions, `UPDATE vae_file_versions SET content = '{}' WHERE enrolment_id = $1`, nil},
		{nil, `UPDATE vae_experience_blocks SET narrative = '' WHERE enrolment_id = $1`, nil},
		{&p.Evidence, `DELETE FROM vae_evidence WHERE enrolment_id = $1`, nil},
		{&p.Comments, `DELETE FROM vae_adviser_comments WHERE enrolment_id = $1`, nil},
		{nil, `UPDATE vae_reviews SET comment = '' WHERE enrolment_id = $1`, nil},
		{&p.Letters, `UPDATE vae_decisions SET letter = $2 WHERE enrolment_id = $1`, []any{[]byte{}}},
	}
	for _, s := range steps {
		n, err := affected(q.db.ExecContext(ctx, s.query, append([]any{enrolmentID}, s.args...)...))
		if err != nil {
			return p, err
		}
		if s.count != nil {
			*s.count = n
		}
	}
	return p, nil
}

// DeleteMailBefore removes the mails written before the given time, with their attachments.
func (q Q) DeleteMailBefore(ctx context.Context, before time.Time) (int64, error) {
	return affected(q.db.ExecContext(ctx, `DELETE FROM outbox WHERE created_at < $1`, before.UTC()))
}

// CountMailBefore counts the mails written before the given time.
func (q Q) CountMailBefore(ctx context.Context, before time.Time) (int64, error) {
	var n int64
	err := q.db.QueryRowContext(ctx, `SELECT COUNT(*) FROM outbox WHERE created_at < $1`, before.UTC()).Scan(&n)
	return n, normalize(err)
}

// EnrolmentCandidateID returns the candidate of an enrolment.
func (q Q) EnrolmentCandidateID(ctx context.Context, enrolmentID string) (string, error) {
	var id string
	err := q.db.QueryRowContext(ctx, `SELECT candidate_id FROM enrolments WHERE id = $1`, enrolmentID).Scan(&id)
	return id, normalize(err)
}

// UnfinishedCandidatesBefore lists the candidates not yet erased who hold no certificate, no
// attestation and no acquired block, have no enrolment under way, and whose last result (or
// creation, without any enrolment) came before the given time.
func (q Q) UnfinishedCandidatesBefore(ctx context.Context, before time.Time) ([]string, error) {
	return q.ids(ctx, `SELECT c.id FROM candidates c
		WHERE c.erased_at IS NULL
		  AND NOT EXISTS (SELECT 1 FROM certificates x WHERE x.candidate_id = c.id)
		  AND NOT EXISTS (SELECT 1 FROM acquired_blocks b JOIN enrolments e ON e.id = b.enrolment_id WHERE e.candidate_id = c.id)
		  AND NOT EXISTS (SELECT 1 FROM enrolments e WHERE e.candidate_id = c.id AND e.status NOT IN `+finalStatuses+`)
		  AND COALESCE((SELECT MAX(h.at) FROM enrolment_status_history h JOIN enrolments e ON e.id = h.enrolment_id
		                WHERE e.candidate_id = c.id), c.created_at) < $1
		ORDER BY c.id`, before.UTC())
}

// CandidateVerifiable reports whether a candidate holds a document anyone may verify (a
// certificate or an attestation, even revoked) or an acquired block a later jury counts.
func (q Q) CandidateVerifiable(ctx context.Context, candidateID string) (bool, error) {
	var n int
	err := q.db.QueryRowContext(ctx, `SELECT
		(SELECT COUNT(*) FROM certificates WHERE candidate_id = $1) +
		(SELECT COUNT(*) FROM acquired_blocks b JOIN enrolments e ON e.id = b.enrolment_id WHERE e.candidate_id = $1)`,
		candidateID).Scan(&n)
	return n > 0, normalize(err)
}

// CandidateEnrolmentIDs lists a candidate's enrolments, all statuses.
func (q Q) CandidateEnrolmentIDs(ctx context.Context, candidateID string) ([]string, error) {
	return q.ids(ctx, `SELECT id FROM enrolments WHERE candidate_id = $1 ORDER BY created_at, id`, candidateID)
}

// ErasedCandidate counts what EraseCandidate erased besides the VAE files.
type ErasedCandidate struct {
	Mails, LogbookTexts, Interviews int64
	Account                         bool
}

// EraseCandidate removes what identifies a person beyond what their results need. It always
// blanks the e-mail and the birth place, the interview notes and the logbook texts, deletes the
// mails written to the candidate's address, and closes their account (address replaced, no
// password, disabled, sessions ended by a new generation, tokens revoked). When keepIdentity is
// false (nothing to verify), the names and the birth date go too and the person is only a
// number. The VAE files are purged by PurgeVAEFile, enrolment by enrolment.
func (q Q) EraseCandidate(ctx context.Context, candidateID string, keepIdentity bool, at time.Time) (ErasedCandidate, error) {
	var e ErasedCandidate
	var email, userID string
	err := q.db.QueryRowContext(ctx, `SELECT email, COALESCE(user_id, '') FROM candidates WHERE id = $1`, candidateID).
		Scan(&email, &userID)
	if err != nil {
		return e, normalize(err)
	}
	var userEmail string
	if userID != "" {
		if err := q.db.QueryRowContext(ctx, `SELECT email FROM users WHERE id = $1`, userID).Scan(&userEmail); err != nil {
			return e, normalize(err)
		}
	}
	if e.Mails, err = affected(q.db.ExecContext(ctx, `DELETE FROM outbox WHERE to_addr IN ($1, $2)`, nullString(email), nullString(userEmail))); err != nil {
		return e, err
	}
	if e.LogbookTexts, err = affected(q.db.ExecContext(ctx, `UPDATE logbook_entries SET body = ''
		WHERE body <> '' AND enrolment_id IN (SELECT id FROM enrolments WHERE candidate_id = $1)`, candidateID)); err != nil {
		return e, err
	}
	if e.Interviews, err = affected(q.db.ExecContext(ctx, `UPDATE enrolments SET interview_project = '', interview_motivation = ''
		WHERE candidate_id = $1 AND (interview_project <> '' OR interview_motivation <> '')`, candidateID)); err != nil {
		return e, err
	}
	identity := `email = '', birth_insee = '', birth_country = '', birth_city = '', erased_at = $1`
	if !keepIdentity {
		identity += `, birth_name = '', used_name = '', first_names = '', birth_date = '', sort_key = '~',
			search_key = LOWER(REPLACE(number, '-', ' '))` // the number folded as domain.Fold does: found by it on PostgreSQL too
	}
	if _, err := affected(q.db.ExecContext(ctx, `UPDATE candidates SET `+identity+` WHERE id = $2`, at.UTC(), candidateID)); err != nil {
		return e, err
	}
	if err := q.EraseOutcomeSurveys(ctx, candidateID); err != nil {
		return e, err
	}
	if userID == "" {
		return e, nil
	}
	e.Account = true
	steps := []struct {
		query string
		args  []any
	}{
		{`UPDATE users SET email = $2, name = 'Compte effacé', password_hash = '', disabled_at = COALESCE(disabled_at, $3),
		  session_generation = session_generation + 1 WHERE id = $1`, []any{"efface-" + userID + "@invalid", at.UTC()}},
		{`UPDATE api_tokens SET revoked_at = $2, revoke_reason = 'erased' WHERE user_id = $1 AND revoked_at IS NULL`, []any{at.UTC()}},
		{`DELETE FROM one_time_tokens WHERE user_id = $1`, nil},
	}
	for _, s := range steps {
		if _, err := affected(q.db.ExecContext(ctx, s.query, append([]any{userID}, s.args...)...)); err != nil {
			return e, err
		}
	}
	return e, nil
}

// ids runs a query returning one text column.
func (q Q) ids(ctx context.Context, query string, args ...any) ([]string, error) {
	rows, err := q.db.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, normalize(err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			return nil, normalize(err)
		}
		out = append(out, id)
	}
	return out, normalize(rows.Err())
}

// affected returns the rows an ExecContext changed.
func affected(res sql.Result, err error) (int64, error) {
	if err != nil {
		return 0, normalize(err)
	}
	n, err := res.RowsAffected()
	return n, normalize(err)
}
