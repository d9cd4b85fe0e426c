package store

import (
	"bytes"
	"context"
	"database/sql"
	"errors"
	"time"
)

// SessionStore keeps login sessions in the database so that every cqp server behind a load
// balancer sees the same sessions. It implements scs.CtxStore.
type SessionStore struct {
	s   *Store
	now func() time.Time
}

// Sessions returns the session store; now is the clock used to judge expiry.
func (s *Store) Sessions(now func() time.Time) *SessionStore { return &SessionStore{s: s, now: now} }

// FindCtx returns the session data for token when it exists and has not expired.
func (ss *SessionStore) FindCtx(ctx context.Context, token string) ([]byte, bool, error) {
	var data []byte
	err := ss.s.reader.QueryRowContext(ctx, `SELECT data FROM sessions WHERE token = $1 AND expiry > $2`,
		token, ss.now().UTC()).Scan(&data)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, false, nil
	}
	if err != nil {
		return nil, false, normalize(err)
	}
	return data, true, nil
}

// SessionRefresh is how far a session's idle deadline must move before its row is written
// again. With an idle timeout, scs commits the session on every request to push the deadline
// forward; writing it on every page view costs a write transaction each (on SQLite through the
// one writer connection), so a session whose data did not change is rewritten at most once
// per SessionRefresh. It may thus expire up to SessionRefresh before the idle timeout has
// passed since its last request, never later.
const SessionRefresh = time.Minute

// CommitCtx saves session data until expiry. When the stored session has the same data and an
// expiry less than SessionRefresh earlier, it is left as it is (see SessionRefresh); a
// shorter expiry is always written.
func (ss *SessionStore) CommitCtx(ctx context.Context, token string, b []byte, expiry time.Time) error {
	var data []byte
	var stored time.Time
	err := ss.s.reader.QueryRowContext(ctx, `SELECT data, expiry FROM sessions WHERE token = $1`, token).Scan(&data, &stored)
	switch {
	case errors.Is(err, sql.ErrNoRows):
	case err != nil:
		return normalize(err)
	case bytes.Equal(data, b) && !expiry.Before(stored) && expiry.Sub(stored) < SessionRefresh:
		return nil
	}
	_, err = ss.s.writer.ExecContext(ctx,
		`INSERT INTO sessions (token, data, expiry) VALUES ($1, $2, $3)
		 ON CONFLICT (token) DO UPDATE SET data = excluded.data, expiry = excluded.expiry`,
		token, b, expiry.UTC())
	return normalize(err)
}

// DeleteCtx removes a session.
func (ss *SessionStore) DeleteCtx(ctx context.Context, token string) error {
	_, err := ss.s.writer.ExecContext(ctx, `DELETE FROM sessions WHERE token = $1`, token)
	return normalize(err)
}

// Find implements scs.Store.
func (ss *SessionStore) Find(token string) ([]byte, bool, error) {
	return ss.FindCtx(context.Background(), token)
}

// Commit implements scs.Store.
func (ss *SessionStore) Commit(token string, b []byte, expiry time.Time) error {
	return ss.CommitCtx(context.Background(), token, b, expiry)
}

// Delete implements scs.Store.
func (ss *SessionStore) Delete(token string) error { return ss.DeleteCtx(context.Background(), token) }

// DeleteExpired removes expired sessions; servers call it now and then.
func (ss *SessionStore) DeleteExpired(ctx context.Context) error {
	_, err := ss.s.writer.ExecContext(ctx, `DELETE FROM sessions WHERE expiry <= $1`, ss.now().UTC())
	return normalize(err)
}
