package store

import (
	"context"
	"time"

	"cqp/internal/domain"
)

// ReferenceOutcomesByQualificationRoute and ReferenceOutcomesByOrganisation count the results
// the way the statistics page did before closed_session_results: from every judged enrolment
// of the closed sessions not rectified since, per session, folded into years in Paris time in
// Go. The tests hold the page's figures equal to them.
func (q Q) ReferenceOutcomesByQualificationRoute(ctx context.Context, f StatisticsFilter) ([]OutcomeCount, error) {
	var a args
	d := q.daysBetween("COALESCE(s.closed_at, s.starts_at)", "e.created_at")
	query := `SELECT s.starts_at, e.qualification_id, e.route, jc.outcome, COUNT(*), SUM(` + d + `), MIN(` + d + `), MAX(` + d + `)` +
		judgedFrom(f, &a) + ` GROUP BY s.id, s.starts_at, e.qualification_id, e.route, jc.outcome`
	rows, err := q.db.QueryContext(ctx, query, a...)
	if err != nil {
		return nil, normalize(err)
	}
	defer rows.Close()
	type key struct {
		year        int
		qual, route string
		outcome     string
	}
	folded := map[key]*OutcomeCount{}
	var order []key
	for rows.Next() {
		var c OutcomeCount
		var route, outcome string
		var starts time.Time
		if err := rows.Scan(&starts, &c.QualificationID, &route, &outcome, &c.Count, &c.DaysSum, &c.DaysMin, &c.DaysMax); err != nil {
			return nil, normalize(err)
		}
		c.Year = starts.In(domain.Paris()).Year()
		c.Route, c.Outcome = domain.Route(route), domain.EnrolmentStatus(outcome)
		k := key{c.Year, c.QualificationID, route, outcome}
		r, ok := folded[k]
		if !ok {
			folded[k] = &c
			order = append(order, k)
			continue
		}
		r.Count += c.Count
		r.DaysSum += c.DaysSum
		r.DaysMin, r.DaysMax = min(r.DaysMin, c.DaysMin), max(r.DaysMax, c.DaysMax)
	}
	if err := rows.Err(); err != nil {
		return nil, normalize(err)
	}
	out := make([]OutcomeCount, 0, len(order))
	for _, k := range order {
		out = append(out, *folded[k])
	}
	return out, nil
}

func (q Q) ReferenceOutcomesByOrganisation(ctx context.Context, f StatisticsFilter) ([]OutcomeCount, error) {
	var a args
	query := `SELECT s.starts_at, COALESCE(e.training_organisation_id, ''), jc.outcome, COUNT(*)` + judgedFrom(f, &a) +
		` GROUP BY s.id, s.starts_at, e.training_organisation_id, jc.outcome`
	rows, err := q.db.QueryContext(ctx, query, a...)
	if err != nil {
		return nil, normalize(err)
	}
	defer rows.Close()
	type key struct {
		year         int
		org, outcome string
	}
	folded := map[key]int{}
	for rows.Next() {
		var org, outcome string
		var starts time.Time
		var n int
		if err := rows.Scan(&starts, &org, &outcome, &n); err != nil {
			return nil, normalize(err)
		}
		folded[key{starts.In(domain.Paris()).Year(), org, outcome}] += n
	}
	if err := rows.Err(); err != nil {
		return nil, normalize(err)
	}
	var out []OutcomeCount
	for k, n := range folded {
		out = append(out, OutcomeCount{Year: k.year, TrainingOrganisationID: k.org, Outcome: domain.EnrolmentStatus(k.outcome), Count: n})
	}
	return out, nil
}

// ReferenceStepCounts counts the enrolments at each status now, per route, from the
// enrolments themselves.
func (q Q) ReferenceStepCounts(ctx context.Context, f StatisticsFilter) ([]EnrolmentCount, error) {
	var a args
	query := `SELECT e.route, e.status, COUNT(*) FROM enrolments e WHERE 1 = 1` + enrolmentFilter(f, &a) +
		` GROUP BY e.route, e.status`
	return scanEnrolmentCounts(q.db.QueryContext(ctx, query, a...))
}

// MigrateDownTo rolls the migrations back to version, to apply the later ones again over the
// rows written since (a backfill).
func (s *Store) MigrateDownTo(ctx context.Context, version int64) error {
	p, err := s.provider()
	if err != nil {
		return err
	}
	_, err = p.DownTo(ctx, version)
	return err
}

// ReferenceSurveyCounts counts the surveys by wave, situation and help from the surveys
// themselves, joined to their judging session and enrolment, as the statistics page did
// before the counters of migration 00042.
func (q Q) ReferenceSurveyCounts(ctx context.Context, f SurveyFilter) ([]SurveyCount, error) {
	var a args
	query := `SELECT o.wave, o.situation, o.helped, COUNT(*)
		FROM outcome_surveys o
		JOIN jury_sessions s ON s.id = o.session_id
		JOIN enrolments e ON e.id = o.enrolment_id
		WHERE 1 = 1`
	if f.Year != 0 {
		query += ` AND ` + q.parisYear("s.starts_at") + ` = ` + a.add(f.Year)
	}
	if f.QualificationID != "" {
		query += ` AND e.qualification_id = ` + a.add(f.QualificationID)
	}
	if f.Route != "" {
		query += ` AND e.route = ` + a.add(string(f.Route))
	}
	if f.TrainingOrganisationID != "" {
		query += ` AND COALESCE(e.training_organisation_id, '') = ` + a.add(f.TrainingOrganisationID)
	}
	return scanSurveyCounts(q.db.QueryContext(ctx, query+` GROUP BY o.wave, o.situation, o.helped`, a...))
}
