package store

import (
	"context"
	"time"

	"cqp/internal/domain"
)

// The draws seen from the orals (issue 18): which orals still lack a subject, and the draws in
// force with their oral's day, for the bank's statistics. The draws themselves are written by
// subject_committee.go.

// OralDrawnKinds returns, for every oral starting at or after from, the kinds of subject it has
// a draw in force for; an oral without any draw maps to an empty list.
func (q Q) OralDrawnKinds(ctx context.Context, from time.Time) (map[string][]domain.SubjectKind, error) {
	rows, err := q.db.QueryContext(ctx,
		`SELECT o.id, COALESCE(d.kind, '') FROM orals o
		 LEFT JOIN subject_draws d ON d.oral_id = o.id AND d.replaced_at IS NULL
		 WHERE o.starts_at >= $1 ORDER BY o.id, d.kind`, from.UTC())
	if err != nil {
		return nil, normalize(err)
	}
	defer rows.Close()
	out := map[string][]domain.SubjectKind{}
	for rows.Next() {
		var id, kind string
		if err := rows.Scan(&id, &kind); err != nil {
			return nil, normalize(err)
		}
		if _, ok := out[id]; !ok {
			out[id] = []domain.SubjectKind{}
		}
		if kind != "" {
			out[id] = append(out[id], domain.SubjectKind(kind))
		}
	}
	return out, normalize(rows.Err())
}

// DrawOfOral is a draw in force with the day and time of its oral.
type DrawOfOral struct {
	domain.SubjectDraw
	OralStartsAt time.Time
}

// DrawsInForce returns every draw in force with its oral's start, by subject then oral start.
func (q Q) DrawsInForce(ctx context.Context) ([]DrawOfOral, error) {
	rows, err := q.db.QueryContext(ctx,
		`SELECT d.id, d.oral_id, d.subject_id, d.kind, d.version, d.candidate_id, d.enrolment_id, d.drawn_by, d.drawn_at, o.starts_at
		 FROM subject_draws d JOIN orals o ON o.id = d.oral_id
		 WHERE d.replaced_at IS NULL ORDER BY d.subject_id, o.starts_at, d.id`)
	if err != nil {
		return nil, normalize(err)
	}
	defer rows.Close()
	var out []DrawOfOral
	for rows.Next() {
		var d DrawOfOral
		var kind string
		if err := rows.Scan(&d.ID, &d.OralID, &d.SubjectID, &kind, &d.Version, &d.CandidateID, &d.EnrolmentID, &d.DrawnBy,
			&d.DrawnAt, &d.OralStartsAt); err != nil {
			return nil, normalize(err)
		}
		d.Kind, d.DrawnAt, d.OralStartsAt = domain.SubjectKind(kind), d.DrawnAt.UTC(), d.OralStartsAt.UTC()
		out = append(out, d)
	}
	return out, normalize(rows.Err())
}
