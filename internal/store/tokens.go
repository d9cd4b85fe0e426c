package store

import (
	"context"
	"database/sql"
	"encoding/base64"
	"fmt"
	"strings"
	"time"

	"cqp/internal/domain"
)

// OneTimeToken is a password-reset or setup token; only its hash is stored.
type OneTimeToken struct {
	Hash      string
	Purpose   string // "password_reset" or "setup"
	UserID    string
	ExpiresAt time.Time
	CreatedAt time.Time
}

// CreateOneTimeToken stores a token hash.
func (q Q) CreateOneTimeToken(ctx context.Context, t OneTimeToken) error {
	_, err := q.db.ExecContext(ctx,
		`INSERT INTO one_time_tokens (token_hash, purpose, user_id, expires_at, created_at) VALUES ($1, $2, $3, $4, $5)`,
		t.Hash, t.Purpose, t.UserID, t.ExpiresAt.UTC(), t.CreatedAt.UTC())
	return normalize(err)
}

// UseOneTimeToken marks the token used and returns it, if it is unused, unexpired and of the
// given purpose; otherwise "not found". It is safe against two servers using it at once.
func (q Q) UseOneTimeToken(ctx context.Context, hash, purpose string, now time.Time) (OneTimeToken, error) {
	res, err := q.db.ExecContext(ctx,
		`UPDATE one_time_tokens SET used_at = $1 WHERE token_hash = $2 AND purpose = $3 AND used_at IS NULL AND expires_at > $1`,
		now.UTC(), hash, purpose)
	if err := mustAffect(res, err); err != nil {
		if domain.ErrorCode(err) == domain.ENOTFOUND {
			return OneTimeToken{}, domain.Errorf(domain.ENOTFOUND, "Ce lien n'est plus valable : il a expiré ou a déjà servi. Demandez-en un nouveau.")
		}
		return OneTimeToken{}, err
	}
	t := OneTimeToken{Hash: hash, Purpose: purpose}
	err = q.db.QueryRowContext(ctx, `SELECT user_id, expires_at, created_at FROM one_time_tokens WHERE token_hash = $1`, hash).
		Scan(&t.UserID, &t.ExpiresAt, &t.CreatedAt)
	return t, normalize(err)
}

// ValidOneTimeToken reports whether an unused, unexpired token of that purpose exists.
func (q Q) ValidOneTimeToken(ctx context.Context, hash, purpose string, now time.Time) (bool, error) {
	var n int
	err := q.db.QueryRowContext(ctx,
		`SELECT COUNT(*) FROM one_time_tokens WHERE token_hash = $1 AND purpose = $2 AND used_at IS NULL AND expires_at > $3`,
		hash, purpose, now.UTC()).Scan(&n)
	return n > 0, normalize(err)
}

// APIToken is a bearer token a user created for themselves.
type APIToken struct {
	ID           string
	UserID       string
	Name         string
	Hash         string
	CreatedAt    time.Time
	ExpiresAt    time.Time // zero only for a token read before it was given one
	LastUsedAt   *time.Time
	RevokedAt    *time.Time
	RevokeReason string // RevokedByReset when a password reset ended it, "" otherwise
}

// RevokedByReset is the RevokeReason of tokens ended by a password reset.
const RevokedByReset = "password_reset"

// Expired reports whether the token's lifetime is over at now.
func (t APIToken) Expired(now time.Time) bool {
	return !t.ExpiresAt.IsZero() && !now.Before(t.ExpiresAt)
}

// Active reports whether the token still gives access at now: neither revoked nor expired.
func (t APIToken) Active(now time.Time) bool { return t.RevokedAt == nil && !t.Expired(now) }

const apiTokenColumns = `id, user_id, name, token_hash, created_at, expires_at, last_used_at, revoked_at, revoke_reason`

func scanAPIToken(row interface{ Scan(...any) error }) (APIToken, error) {
	var t APIToken
	var expires, last, revoked sql.NullTime
	err := row.Scan(&t.ID, &t.UserID, &t.Name, &t.Hash, &t.CreatedAt, &expires, &last, &revoked, &t.RevokeReason)
	if expires.Valid {
		t.ExpiresAt = expires.Time.UTC()
	}
	t.LastUsedAt, t.RevokedAt = timePtr(last), timePtr(revoked)
	return t, err
}

// CreateAPIToken stores a new token (its hash only).
func (q Q) CreateAPIToken(ctx context.Context, t APIToken) error {
	_, err := q.db.ExecContext(ctx,
		`INSERT INTO api_tokens (id, user_id, name, token_hash, created_at, expires_at) VALUES ($1, $2, $3, $4, $5, $6)`,
		t.ID, t.UserID, t.Name, t.Hash, t.CreatedAt.UTC(), t.ExpiresAt.UTC())
	return normalize(err)
}

// APITokenByHash returns the token with that hash, revoked and expired ones included: the
// caller says why a token no longer gives access.
func (q Q) APITokenByHash(ctx context.Context, hash string) (APIToken, error) {
	t, err := scanAPIToken(q.db.QueryRowContext(ctx, `SELECT `+apiTokenColumns+` FROM api_tokens WHERE token_hash = $1`, hash))
	return t, normalize(err)
}

// TouchAPIToken records that a token was used.
func (q Q) TouchAPIToken(ctx context.Context, id string, at time.Time) error {
	_, err := q.db.ExecContext(ctx, `UPDATE api_tokens SET last_used_at = $1 WHERE id = $2`, at.UTC(), id)
	return normalize(err)
}

// APITokensOfUser lists a user's tokens, newest first.
func (q Q) APITokensOfUser(ctx context.Context, userID string) ([]APIToken, error) {
	rows, err := q.db.QueryContext(ctx,
		`SELECT `+apiTokenColumns+` FROM api_tokens WHERE user_id = $1 ORDER BY created_at DESC, id`, userID)
	if err != nil {
		return nil, normalize(err)
	}
	defer rows.Close()
	var out []APIToken
	for rows.Next() {
		t, err := scanAPIToken(rows)
		if err != nil {
			return nil, normalize(err)
		}
		out = append(out, t)
	}
	return out, normalize(rows.Err())
}

// RevokeAPIToken revokes one of the user's tokens.
func (q Q) RevokeAPIToken(ctx context.Context, userID, id string, at time.Time) error {
	res, err := q.db.ExecContext(ctx, `UPDATE api_tokens SET revoked_at = $1 WHERE id = $2 AND user_id = $3 AND revoked_at IS NULL`,
		at.UTC(), id, userID)
	return mustAffect(res, err)
}

// RevokeAPITokensOfUser revokes every unrevoked token of the user for reason and returns how
// many it revoked.
func (q Q) RevokeAPITokensOfUser(ctx context.Context, userID, reason string, at time.Time) (int, error) {
	res, err := q.db.ExecContext(ctx, `UPDATE api_tokens SET revoked_at = $1, revoke_reason = $2 WHERE user_id = $3 AND revoked_at IS NULL`,
		at.UTC(), reason, userID)
	if err != nil {
		return 0, normalize(err)
	}
	n, err := res.RowsAffected()
	return int(n), err
}

// Mail is one message in the outbox.
type Mail struct {
	ID        string
	To        string
	Subject   string
	Body      string
	CreatedAt time.Time
	SentAt    *time.Time
	Error     string
	// One optional attachment (a convocation's calendar file): its file name, MIME type and
	// content. The content is kept base64-encoded in the outbox, so any file fits.
	AttachmentName string
	AttachmentType string
	Attachment     []byte
}

// HasAttachment reports whether the message carries a file.
func (m Mail) HasAttachment() bool { return m.AttachmentName != "" }

// QueueMail puts a message in the outbox.
func (q Q) QueueMail(ctx context.Context, m Mail) error {
	_, err := q.db.ExecContext(ctx, `INSERT INTO outbox (id, to_addr, subject, body, created_at, attachment_name, attachment_type, attachment)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
		m.ID, m.To, m.Subject, m.Body, m.CreatedAt.UTC(), m.AttachmentName, m.AttachmentType, base64.StdEncoding.EncodeToString(m.Attachment))
	return normalize(err)
}

// MarkMail records the outcome of sending a message.
func (q Q) MarkMail(ctx context.Context, id string, sentAt *time.Time, sendErr string) error {
	_, err := q.db.ExecContext(ctx, `UPDATE outbox SET sent_at = $1, error = $2 WHERE id = $3`, nullTime(sentAt), sendErr, id)
	return normalize(err)
}

// ListMail returns the outbox, newest first.
func (q Q) ListMail(ctx context.Context, limit int) ([]Mail, error) {
	return q.listMail(ctx, limit, true, "")
}

// ListMailWithoutAttachments returns the outbox, newest first, as ListMail does but without
// the attachments' content (their name and type are kept): a list shows them, it does not
// need their bytes, which are most of the outbox.
func (q Q) ListMailWithoutAttachments(ctx context.Context, limit int) ([]Mail, error) {
	return q.listMail(ctx, limit, false, "")
}

// ListMailBefore returns, without their attachments' content, the limit messages that follow
// the message beforeID in the outbox's order (newest first), or its newest when beforeID is
// empty: an export walks the whole outbox so, batch by batch.
func (q Q) ListMailBefore(ctx context.Context, beforeID string, limit int) ([]Mail, error) {
	return q.listMail(ctx, limit, false, beforeID)
}

func (q Q) listMail(ctx context.Context, limit int, attachments bool, beforeID string) ([]Mail, error) {
	if limit <= 0 {
		limit = 100
	}
	content := `''`
	if attachments {
		content = `attachment`
	}
	where, params := ``, []any{limit}
	if beforeID != "" {
		where = ` WHERE created_at < (SELECT created_at FROM outbox WHERE id = $2)
			OR (created_at = (SELECT created_at FROM outbox WHERE id = $2) AND id < $2)`
		params = append(params, beforeID)
	}
	rows, err := q.db.QueryContext(ctx, `SELECT id, to_addr, subject, body, created_at, sent_at, error,
		attachment_name, attachment_type, `+content+` FROM outbox`+where+`
		ORDER BY created_at DESC, id DESC LIMIT $1`, params...)
	if err != nil {
		return nil, normalize(err)
	}
	defer rows.Close()
	var out []Mail
	for rows.Next() {
		var m Mail
		var sent sql.NullTime
		var att string
		if err := rows.Scan(&m.ID, &m.To, &m.Subject, &m.Body, &m.CreatedAt, &sent, &m.Error,
			&m.AttachmentName, &m.AttachmentType, &att); err != nil {
			return nil, normalize(err)
		}
		m.SentAt = timePtr(sent)
		if m.Attachment, err = decodeAttachment(m.ID, att); err != nil {
			return nil, err
		}
		out = append(out, m)
	}
	return out, normalize(rows.Err())
}

// CountFailedMail counts, among the latest messages of the outbox (limit of them, as the
// outbox list shows), those whose sending failed.
func (q Q) CountFailedMail(ctx context.Context, limit int) (int, error) {
	var n int
	err := q.db.QueryRowContext(ctx, `SELECT COUNT(*) FROM (SELECT sent_at, error FROM outbox
		ORDER BY created_at DESC, id DESC LIMIT $1) latest WHERE sent_at IS NULL AND error <> ''`, limit).Scan(&n)
	return n, normalize(err)
}

// UnsentMail returns messages not sent yet, oldest first, for the SMTP sender.
func (q Q) UnsentMail(ctx context.Context, limit int) ([]Mail, error) {
	rows, err := q.db.QueryContext(ctx, `SELECT id, to_addr, subject, body, created_at,
		attachment_name, attachment_type, attachment FROM outbox
		WHERE sent_at IS NULL AND error = '' ORDER BY created_at, id LIMIT $1`, limit)
	if err != nil {
		return nil, normalize(err)
	}
	defer rows.Close()
	var out []Mail
	for rows.Next() {
		var m Mail
		var att string
		if err := rows.Scan(&m.ID, &m.To, &m.Subject, &m.Body, &m.CreatedAt, &m.AttachmentName, &m.AttachmentType, &att); err != nil {
			return nil, normalize(err)
		}
		if m.Attachment, err = decodeAttachment(m.ID, att); err != nil {
			return nil, err
		}
		out = append(out, m)
	}
	return out, normalize(rows.Err())
}

func decodeAttachment(mailID, s string) ([]byte, error) {
	if s == "" {
		return nil, nil
	}
	b, err := base64.StdEncoding.DecodeString(s)
	if err != nil {
		return nil, fmt.Errorf("outbox message %s: attachment is not base64: %w", mailID, err)
	}
	return b, nil
}

// EndOneTimeTokens marks used every unused token of that purpose and account, but keep (a
// token hash, or "" for none): a new reset link, or a reset done, leaves no other link alive.
func (q Q) EndOneTimeTokens(ctx context.Context, userID, purpose, keep string, now time.Time) error {
	_, err := q.db.ExecContext(ctx,
		`UPDATE one_time_tokens SET used_at = $1 WHERE user_id = $2 AND purpose = $3 AND used_at IS NULL AND token_hash <> $4`,
		now.UTC(), userID, purpose, keep)
	return normalize(err)
}

// MailTo returns the messages queued for any of the addresses (compared without regard to
// case), oldest first, with neither body nor attachment content: what a person's right of
// access shows of the mail sent to them (a body may hold a password-reset link).
func (q Q) MailTo(ctx context.Context, addrs []string) ([]Mail, error) {
	var a args
	var conds []string
	for _, addr := range addrs {
		if addr = strings.TrimSpace(addr); addr != "" {
			conds = append(conds, `LOWER(to_addr) = `+a.add(strings.ToLower(addr)))
		}
	}
	if len(conds) == 0 {
		return nil, nil
	}
	rows, err := q.db.QueryContext(ctx, `SELECT id, to_addr, subject, created_at, sent_at, error, attachment_name
		FROM outbox WHERE `+strings.Join(conds, " OR ")+` ORDER BY created_at, id`, a...)
	if err != nil {
		return nil, normalize(err)
	}
	defer rows.Close()
	var out []Mail
	for rows.Next() {
		var m Mail
		var sent sql.NullTime
		if err := rows.Scan(&m.ID, &m.To, &m.Subject, &m.CreatedAt, &sent, &m.Error, &m.AttachmentName); err != nil {
			return nil, normalize(err)
		}
		m.SentAt = timePtr(sent)
		out = append(out, m)
	}
	return out, normalize(rows.Err())
}
