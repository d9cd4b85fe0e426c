package store

import (
	"context"
	"time"
)

// InsertFakeMigration marks a migration the binary does not know as applied, to test the
// refusal of a newer schema.
func (q Q) InsertFakeMigration(ctx context.Context, version int64) error {
	_, err := q.db.ExecContext(ctx, `INSERT INTO goose_db_version (version_id, is_applied, tstamp) VALUES ($1, true, $2)`, version, time.Now().UTC())
	return normalize(err)
}

// MigrateUpTo applies the migrations up to version and no further, to test a migration on
// rows written before it.
func (s *Store) MigrateUpTo(ctx context.Context, version int64) error {
	p, err := s.provider()
	if err != nil {
		return err
	}
	_, err = p.UpTo(ctx, version)
	return err
}

// ExecRaw runs a statement on the writer, to write rows as an older schema held them.
func (s *Store) ExecRaw(ctx context.Context, query string, args ...any) error {
	_, err := s.writer.ExecContext(ctx, query, args...)
	return normalize(err)
}

// SessionExpiry reads the stored expiry of a session, expired or not.
func (s *Store) SessionExpiry(ctx context.Context, token string) (time.Time, error) {
	var e time.Time
	err := s.reader.QueryRowContext(ctx, `SELECT expiry FROM sessions WHERE token = $1`, token).Scan(&e)
	return e.UTC(), err
}

// ExecRaw runs a statement inside the caller's transaction, to write rows as an older schema
// held them.
func (q Q) ExecRaw(ctx context.Context, query string, args ...any) error {
	_, err := q.db.ExecContext(ctx, query, args...)
	return normalize(err)
}

// CountRaw runs a query that returns one number, on the reader.
func (s *Store) CountRaw(ctx context.Context, query string, args ...any) (int, error) {
	var n int
	err := s.reader.QueryRowContext(ctx, query, args...).Scan(&n)
	return n, normalize(err)
}

// OnPool reports whether q may run queries side by side (onPool).
func (q Q) OnPool() bool { return q.onPool() }
