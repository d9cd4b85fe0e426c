package store

import "context"

// StepDeltaRows counts the rows of enrolment_step_deltas (PostgreSQL) and the keys they hold
// with a sum other than zero: equal once folded.
func (s *Store) StepDeltaRows(ctx context.Context) (rows, keys int, err error) {
	err = s.reader.QueryRowContext(ctx, `SELECT (SELECT COUNT(*) FROM enrolment_step_deltas),
		(SELECT COUNT(*) FROM (SELECT 1 FROM enrolment_step_deltas GROUP BY qualification_id, training_organisation_id, route, status
			HAVING SUM(enrolments) <> 0) k)`).Scan(&rows, &keys)
	return rows, keys, normalize(err)
}

// EnrolmentIDs lists every enrolment's id in order.
func (s *Store) EnrolmentIDs(ctx context.Context) ([]string, error) {
	return s.strings(ctx, `SELECT id FROM enrolments ORDER BY id`)
}

// EnrolmentsOfOneKey lists n enrolments of the same qualification, organisation, route and
// status (not withdrawn).
func (s *Store) EnrolmentsOfOneKey(ctx context.Context, n int) ([]string, error) {
	return s.strings(ctx, `SELECT e.id FROM enrolments e JOIN (
		SELECT qualification_id, COALESCE(training_organisation_id, '') AS organisation, route, status FROM enrolments
		WHERE status <> 'withdrawn' GROUP BY qualification_id, COALESCE(training_organisation_id, ''), route, status
		HAVING COUNT(*) >= $1 ORDER BY COUNT(*) DESC, qualification_id, organisation, route, status LIMIT 1) k
		ON k.qualification_id = e.qualification_id AND k.organisation = COALESCE(e.training_organisation_id, '')
		AND k.route = e.route AND k.status = e.status ORDER BY e.id LIMIT $1`, n)
}

func (s *Store) strings(ctx context.Context, query string, args ...any) ([]string, error) {
	rows, err := s.reader.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, normalize(err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var v string
		if err := rows.Scan(&v); err != nil {
			return nil, normalize(err)
		}
		out = append(out, v)
	}
	return out, normalize(rows.Err())
}

// SurveyDeltaRows counts the rows of outcome_survey_deltas and the keys whose sum is not zero
// (PostgreSQL).
func (s *Store) SurveyDeltaRows(ctx context.Context) (rows, keys int, err error) {
	err = s.reader.QueryRowContext(ctx, `SELECT (SELECT COUNT(*) FROM outcome_survey_deltas),
		(SELECT COUNT(*) FROM (SELECT 1 FROM outcome_survey_deltas
			GROUP BY year, qualification_id, route, training_organisation_id, wave, situation, helped HAVING SUM(surveys) <> 0) k)`).Scan(&rows, &keys)
	return rows, keys, normalize(err)
}

// SurveyIDs lists every outcome survey's id in order.
func (s *Store) SurveyIDs(ctx context.Context) ([]string, error) {
	return s.strings(ctx, `SELECT id FROM outcome_surveys ORDER BY id`)
}

// SurveyYears lists the years (in Paris) of the sessions that judged a surveyed enrolment.
func (s *Store) SurveyYears(ctx context.Context) ([]string, error) {
	return s.strings(ctx, `SELECT DISTINCT CAST(`+Q{dialect: s.dialect}.parisYear("js.starts_at")+` AS TEXT) FROM outcome_surveys o
		JOIN jury_sessions js ON js.id = o.session_id ORDER BY 1`)
}
