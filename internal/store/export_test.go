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
