package store

import "context"

// countsFoldLock is the PostgreSQL advisory lock of foldCounts: one fold at a time, however
// many servers run.
const countsFoldLock = 7_368_201_337

// FoldCounts replaces the rows appended to the statistics' delta tables by one row per key
// (their sum, none where it is zero): enrolment_step_deltas (qualification × OF × route ×
// status, migration 00037) and outcome_survey_deltas (year × qualification × route × OF ×
// wave × situation × helped, migration 00042), so that the statistics page keeps adding up a
// few thousand rows. Writers go on appending meanwhile: a fold deletes only the rows its
// snapshot sees and writes their sums in the same statement, so a reader sees either the rows
// or their sums. Nothing to do on SQLite, whose counters are updated in place. The server
// runs it hourly.
func (s *Store) FoldCounts(ctx context.Context) error {
	if s.dialect != Postgres {
		return nil
	}
	return s.Write(ctx, func(q Q) error { return q.foldCounts(ctx) })
}

// foldCounts folds the delta tables inside the caller's transaction, unless another
// transaction is folding them (they will be folded then).
func (q Q) foldCounts(ctx context.Context) error {
	if q.dialect != Postgres {
		return nil
	}
	var locked bool
	if err := q.db.QueryRowContext(ctx, `SELECT pg_try_advisory_xact_lock($1)`, int64(countsFoldLock)).Scan(&locked); err != nil {
		return normalize(err)
	}
	if !locked {
		return nil
	}
	if _, err := q.db.ExecContext(ctx, `WITH folded AS (DELETE FROM enrolment_step_deltas
			RETURNING qualification_id, training_organisation_id, route, status, enrolments)
		INSERT INTO enrolment_step_deltas (qualification_id, training_organisation_id, route, status, enrolments)
		SELECT qualification_id, training_organisation_id, route, status, SUM(enrolments) FROM folded
		GROUP BY qualification_id, training_organisation_id, route, status HAVING SUM(enrolments) <> 0`); err != nil {
		return normalize(err)
	}
	_, err := q.db.ExecContext(ctx, `WITH folded AS (DELETE FROM outcome_survey_deltas
			RETURNING year, qualification_id, route, training_organisation_id, wave, situation, helped, surveys)
		INSERT INTO outcome_survey_deltas (year, qualification_id, route, training_organisation_id, wave, situation, helped, surveys)
		SELECT year, qualification_id, route, training_organisation_id, wave, situation, helped, SUM(surveys) FROM folded
		GROUP BY year, qualification_id, route, training_organisation_id, wave, situation, helped HAVING SUM(surveys) <> 0`)
	return normalize(err)
}
