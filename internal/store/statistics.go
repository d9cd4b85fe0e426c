package store

import (
	"context"
	"time"

	"cqp/internal/domain"
)

// StatisticsFilter narrows the statistics page's figures. Zero values do not filter.
// JudgedFrom and JudgedUntil bound the jury session's start ([from, until)); they apply to
// the figures about results, not to the candidates at each step now.
type StatisticsFilter struct {
	JudgedFrom, JudgedUntil time.Time
	QualificationID         string
	Route                   domain.Route
	TrainingOrganisationID  string
}

// OutcomeCount is how many enrolments closed jury sessions gave one outcome in one year (of
// the session's start, in Paris), for one qualification and route, or for one training
// organisation.
type OutcomeCount struct {
	Year                   int
	QualificationID        string       // empty when counted by organisation
	Route                  domain.Route // empty when counted by organisation
	TrainingOrganisationID string       // empty when counted by qualification and route, or for no OF
	Outcome                domain.EnrolmentStatus
	Count                  int
	// The days from enrolment to the session's closing, summed, shortest and longest: filled
	// by OutcomesByQualificationRoute, so that the delays cost no query of their own.
	DaysSum, DaysMin, DaysMax float64
}

// judgedFrom is the FROM and WHERE of the results as the enrolments give them: the outcomes of
// closed sessions, a session corrected by a closed rectification counting no more (its
// rectification counts instead). recordClosedSessionResults writes them once per session;
// the statistics read its rows (resultsFrom).
func judgedFrom(f StatisticsFilter, a *args) string {
	q := ` FROM jury_candidates jc
	 JOIN jury_sessions s ON s.id = jc.session_id
	 JOIN enrolments e ON e.id = jc.enrolment_id
	 WHERE s.status = ` + a.add(string(JuryClosed)) + ` AND jc.outcome <> ''
	 AND NOT EXISTS (SELECT 1 FROM jury_sessions r WHERE r.rectifies_session_id = s.id AND r.status = ` + a.add(string(JuryClosed)) + `)`
	if !f.JudgedFrom.IsZero() {
		q += ` AND s.starts_at >= ` + a.add(f.JudgedFrom.UTC())
	}
	if !f.JudgedUntil.IsZero() {
		q += ` AND s.starts_at < ` + a.add(f.JudgedUntil.UTC())
	}
	return q + enrolmentFilter(f, a)
}

func enrolmentFilter(f StatisticsFilter, a *args) string {
	q := ""
	if f.QualificationID != "" {
		q += ` AND e.qualification_id = ` + a.add(f.QualificationID)
	}
	if f.Route != "" {
		q += ` AND e.route = ` + a.add(string(f.Route))
	}
	if f.TrainingOrganisationID != "" {
		q += ` AND e.training_organisation_id = ` + a.add(f.TrainingOrganisationID)
	}
	return q
}

// recordClosedSessionResults writes the results of a session that has just closed into
// closed_session_results, one row per qualification × route × training organisation ×
// outcome, deletes the rows of the session it rectifies, and counts the years they fall in
// again into closed_results_by_year: the statistics then read a few rows per year instead of
// every judged enrolment. A closed session never changes, nor do an enrolment's
// qualification, route, organisation and date, so the rows stay true. It runs in the closing
// transaction (CloseJurySession).
func (q Q) recordClosedSessionResults(ctx context.Context, sessionID string) error {
	years, err := q.writeClosedSessionResults(ctx, sessionID)
	if err != nil {
		return err
	}
	return q.countResultsByYear(ctx, years)
}

// dropRectifiedSessionRows deletes from a per-session summary table (closed_session_results,
// closed_session_agreement) the rows of the session that sessionID rectifies, if it rectifies
// one and is closed. It returns the years whose rows change: those deleted and the closing
// session's own year. The table is one of the store's own names, never a caller's input.
func (q Q) dropRectifiedSessionRows(ctx context.Context, table, sessionID string) ([]int, error) {
	closed := string(JuryClosed)
	rows, err := q.db.QueryContext(ctx, `SELECT DISTINCT year FROM `+table+`
		WHERE session_id IN (SELECT rectifies_session_id FROM jury_sessions WHERE id = $1 AND status = $2)
		UNION SELECT `+q.parisYear("starts_at")+` FROM jury_sessions WHERE id = $1`, sessionID, closed)
	if err != nil {
		return nil, normalize(err)
	}
	defer rows.Close()
	var years []int
	for rows.Next() {
		var y int
		if err := rows.Scan(&y); err != nil {
			return nil, normalize(err)
		}
		years = append(years, y)
	}
	if err := rows.Err(); err != nil {
		return nil, normalize(err)
	}
	if _, err := q.db.ExecContext(ctx, `DELETE FROM `+table+`
		WHERE session_id IN (SELECT rectifies_session_id FROM jury_sessions WHERE id = $1 AND status = $2)`,
		sessionID, closed); err != nil {
		return nil, normalize(err)
	}
	return years, nil
}

// writeClosedSessionResults writes a closed session's rows into closed_session_results and
// deletes those of the session it rectifies. It returns the years whose rows changed.
func (q Q) writeClosedSessionResults(ctx context.Context, sessionID string) ([]int, error) {
	years, err := q.dropRectifiedSessionRows(ctx, "closed_session_results", sessionID)
	if err != nil {
		return nil, err
	}
	var a args
	d := q.daysBetween("COALESCE(s.closed_at, s.starts_at)", "e.created_at")
	query := `INSERT INTO closed_session_results (session_id, starts_at, year, qualification_id, route, training_organisation_id,
		outcome, enrolments, days_sum, days_min, days_max)
		SELECT s.id, s.starts_at, ` + q.parisYear("s.starts_at") + `, e.qualification_id, e.route, COALESCE(e.training_organisation_id, ''),
		jc.outcome, COUNT(*), SUM(` + d + `), MIN(` + d + `), MAX(` + d + `)` +
		judgedFrom(StatisticsFilter{}, &a) + ` AND s.id = ` + a.add(sessionID) +
		` GROUP BY s.id, s.starts_at, e.qualification_id, e.route, COALESCE(e.training_organisation_id, ''), jc.outcome`
	if _, err := q.db.ExecContext(ctx, query, a...); err != nil {
		return nil, normalize(err)
	}
	return years, nil
}

// countResultsByYear counts the rows of closed_session_results of each year again into
// closed_results_by_year: a few thousand rows a year at a million enrolments.
func (q Q) countResultsByYear(ctx context.Context, years []int) error {
	for _, y := range years {
		if _, err := q.db.ExecContext(ctx, `DELETE FROM closed_results_by_year WHERE year = $1`, y); err != nil {
			return normalize(err)
		}
		if _, err := q.db.ExecContext(ctx, `INSERT INTO closed_results_by_year (year, qualification_id, route,
			training_organisation_id, outcome, enrolments, days_sum, days_min, days_max)
			SELECT year, qualification_id, route, training_organisation_id, outcome, SUM(enrolments), SUM(days_sum), MIN(days_min), MAX(days_max)
			FROM closed_session_results WHERE year = $1
			GROUP BY year, qualification_id, route, training_organisation_id, outcome`, y); err != nil {
			return normalize(err)
		}
	}
	return nil
}

// resultsFrom is the FROM and WHERE of every figure about results: the rows of the closed
// sessions not rectified since, counted by year (closed_results_by_year) when the filter's
// dates are new years in Paris, as the page asks, per session otherwise.
func resultsFrom(f StatisticsFilter, a *args) string {
	var q string
	if parisNewYear(f.JudgedFrom) && parisNewYear(f.JudgedUntil) {
		q = ` FROM closed_results_by_year c WHERE 1 = 1`
		if !f.JudgedFrom.IsZero() {
			q += ` AND c.year >= ` + a.add(f.JudgedFrom.In(domain.Paris()).Year())
		}
		if !f.JudgedUntil.IsZero() {
			q += ` AND c.year < ` + a.add(f.JudgedUntil.In(domain.Paris()).Year())
		}
	} else {
		q = ` FROM closed_session_results c WHERE c.starts_at >= ` + a.add(f.JudgedFrom.UTC())
		if !f.JudgedUntil.IsZero() {
			q += ` AND c.starts_at < ` + a.add(f.JudgedUntil.UTC())
		}
	}
	if f.QualificationID != "" {
		q += ` AND c.qualification_id = ` + a.add(f.QualificationID)
	}
	if f.Route != "" {
		q += ` AND c.route = ` + a.add(string(f.Route))
	}
	if f.TrainingOrganisationID != "" {
		q += ` AND c.training_organisation_id = ` + a.add(f.TrainingOrganisationID)
	}
	return q
}

// parisNewYear tells whether t is unset or the first instant of a year in Paris.
func parisNewYear(t time.Time) bool {
	if t.IsZero() {
		return true
	}
	p := t.In(domain.Paris())
	return p.Month() == time.January && p.Day() == 1 && p.Hour() == 0 && p.Minute() == 0 && p.Second() == 0 && p.Nanosecond() == 0
}

// OutcomesByQualificationRoute counts the outcomes of closed sessions per year, qualification
// and route, with the days from enrolment to the session's closing (sum, shortest, longest)
// for the delays: a few hundred rows, read from the rows written once per closed session.
func (q Q) OutcomesByQualificationRoute(ctx context.Context, f StatisticsFilter) ([]OutcomeCount, error) {
	var a args
	query := `SELECT c.year, c.qualification_id, c.route, c.outcome, SUM(c.enrolments), SUM(c.days_sum), MIN(c.days_min), MAX(c.days_max)` +
		resultsFrom(f, &a) + ` GROUP BY c.year, c.qualification_id, c.route, c.outcome`
	rows, err := q.db.QueryContext(ctx, query, a...)
	if err != nil {
		return nil, normalize(err)
	}
	defer rows.Close()
	var out []OutcomeCount
	for rows.Next() {
		var c OutcomeCount
		var route, outcome string
		if err := rows.Scan(&c.Year, &c.QualificationID, &route, &outcome, &c.Count, &c.DaysSum, &c.DaysMin, &c.DaysMax); err != nil {
			return nil, normalize(err)
		}
		c.Route, c.Outcome = domain.Route(route), domain.EnrolmentStatus(outcome)
		out = append(out, c)
	}
	return out, normalize(rows.Err())
}

// OutcomesByOrganisation counts the outcomes of closed sessions per year and training
// organisation ("" for enrolments without one).
func (q Q) OutcomesByOrganisation(ctx context.Context, f StatisticsFilter) ([]OutcomeCount, error) {
	var a args
	query := `SELECT c.year, c.training_organisation_id, c.outcome, SUM(c.enrolments)` + resultsFrom(f, &a) +
		` GROUP BY c.year, c.training_organisation_id, c.outcome`
	rows, err := q.db.QueryContext(ctx, query, a...)
	if err != nil {
		return nil, normalize(err)
	}
	defer rows.Close()
	var out []OutcomeCount
	for rows.Next() {
		var c OutcomeCount
		var outcome string
		if err := rows.Scan(&c.Year, &c.TrainingOrganisationID, &outcome, &c.Count); err != nil {
			return nil, normalize(err)
		}
		c.Outcome = domain.EnrolmentStatus(outcome)
		out = append(out, c)
	}
	return out, normalize(rows.Err())
}

// StepCounts counts the enrolments at each status now, per route (the year does not apply).
// It adds up a few thousand rows instead of counting every enrolment: on SQLite the counters
// the triggers on enrolments keep (enrolment_step_counts); on PostgreSQL, whose writers would
// queue on shared counters, the rows its statement triggers append (enrolment_step_deltas:
// + and − per qualification × OF × route × status), folded from time to time (FoldCounts).
func (q Q) StepCounts(ctx context.Context, f StatisticsFilter) ([]EnrolmentCount, error) {
	var a args
	query := `SELECT c.route, c.status, SUM(c.enrolments) FROM ` + q.stepCountsTable() + ` c WHERE 1 = 1`
	if f.QualificationID != "" {
		query += ` AND c.qualification_id = ` + a.add(f.QualificationID)
	}
	if f.Route != "" {
		query += ` AND c.route = ` + a.add(string(f.Route))
	}
	if f.TrainingOrganisationID != "" {
		query += ` AND c.training_organisation_id = ` + a.add(f.TrainingOrganisationID)
	}
	return scanEnrolmentCounts(q.db.QueryContext(ctx, query+` GROUP BY c.status, c.route HAVING SUM(c.enrolments) > 0`, a...))
}

// stepCountsTable is where the step counts are: counters on SQLite, appended rows on
// PostgreSQL (see StepCounts).
func (q Q) stepCountsTable() string {
	if q.dialect == Postgres {
		return "enrolment_step_deltas"
	}
	return "enrolment_step_counts"
}

// daysBetween is the one expression that differs between the dialects: the days (with their
// fraction) from the timestamp b to the timestamp a. Neither engine subtracts timestamps the
// other's way, and the alternative, reading every judged enrolment into Go, does not scale to
// a million enrolments.
func (q Q) daysBetween(a, b string) string {
	if q.dialect == Postgres {
		return `(EXTRACT(EPOCH FROM (` + a + ` - ` + b + `)) / 86400.0)`
	}
	return `(julianday(` + a + `) - julianday(` + b + `))`
}

// parisYear is the year in Paris of the timestamp t (stored in UTC). SQLite knows no time
// zones: Paris is at UTC+1 (winter time) at every new year, so its year is the UTC year one
// hour later.
func (q Q) parisYear(t string) string {
	if q.dialect == Postgres {
		return `CAST(EXTRACT(YEAR FROM ` + t + ` AT TIME ZONE 'UTC' AT TIME ZONE 'Europe/Paris') AS INTEGER)`
	}
	return `CAST(strftime('%Y', ` + t + `, '+1 hour') AS INTEGER)`
}

// ClosedSessionStarts returns when each closed session started, for the years to choose from.
func (q Q) ClosedSessionStarts(ctx context.Context) ([]time.Time, error) {
	rows, err := q.db.QueryContext(ctx, `SELECT starts_at FROM jury_sessions WHERE status = $1 ORDER BY starts_at`, string(JuryClosed))
	if err != nil {
		return nil, normalize(err)
	}
	defer rows.Close()
	var out []time.Time
	for rows.Next() {
		var t time.Time
		if err := rows.Scan(&t); err != nil {
			return nil, normalize(err)
		}
		out = append(out, t)
	}
	return out, normalize(rows.Err())
}
