package store

import "context"

// stepCountsFoldLock is the PostgreSQL advisory lock of foldStepCounts: one fold at a time,
// however many servers run.
const stepCountsFoldLock = 7_368_201_337

// FoldStepCounts replaces the rows appended to enrolment_step_deltas by one row per
// qualification × OF × route × status (their sum, none where it is zero), so that the
// statistics page keeps adding up a few thousand rows. Writers go on appending meanwhile:
// the fold deletes only the rows its snapshot sees and writes their sums in the same
// statement, so a reader sees either the rows or their sums. Nothing to do on SQLite, whose
// counters are updated in place. The server runs it hourly.
func (s *Store) FoldStepCounts(ctx context.Context) error {
	if s.dialect != Postgres {
		return nil
	}
	return s.Write(ctx, func(q Q) error { return q.foldStepCounts(ctx) })
}

// foldStepCounts folds enrolment_step_deltas inside the caller's transaction, unless another
// transaction is folding them (they will be folded then).
func (q Q) foldStepCounts(ctx context.Context) error {
	if q.dialect != Postgres {
		return nil
	}
	var locked bool
	if err := q.db.QueryRowContext(ctx, `SELECT pg_try_advisory_xact_lock($1)`, int64(stepCountsFoldLock)).Scan(&locked); err != nil {
		return normalize(err)
	}
	if !locked {
		return nil
	}
	_, err := q.db.ExecContext(ctx, `WITH folded AS (DELETE FROM enrolment_step_deltas
			RETURNING qualification_id, training_organisation_id, route, status, enrolments)
		INSERT INTO enrolment_step_deltas (qualification_id, training_organisation_id, route, status, enrolments)
		SELECT qualification_id, training_organisation_id, route, status, SUM(enrolments) FROM folded
		GROUP BY qualification_id, training_organisation_id, route, status HAVING SUM(enrolments) <> 0`)
	return normalize(err)
}
