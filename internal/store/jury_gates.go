package store

import (
	"context"
	"time"
)

// GateDerogation is the secretariat's reasoned derogation to one gate before the jury for
// one enrolment (DOMAIN.md §7 rule 5): what was missing when it was recorded, why it is
// waived, who recorded it and when.
type GateDerogation struct {
	EnrolmentID    string
	Gate           string // rules.GateKind: training_hours or internship
	Missing        string // « Stage : 0 h sur 175 h dues »
	Reason         string
	RecordedBy     string // user id, "" for the platform itself
	RecordedByName string
	RecordedAt     time.Time
}

// SaveGateDerogation records a derogation, replacing an earlier one on the same gate of the
// same enrolment.
func (q Q) SaveGateDerogation(ctx context.Context, d GateDerogation) error {
	_, err := q.db.ExecContext(ctx,
		`INSERT INTO jury_gate_derogations (enrolment_id, gate, missing, reason, recorded_by, recorded_by_name, recorded_at)
		 VALUES ($1, $2, $3, $4, $5, $6, $7)
		 ON CONFLICT (enrolment_id, gate) DO UPDATE SET missing = excluded.missing, reason = excluded.reason,
		 recorded_by = excluded.recorded_by, recorded_by_name = excluded.recorded_by_name, recorded_at = excluded.recorded_at`,
		d.EnrolmentID, d.Gate, d.Missing, d.Reason, d.RecordedBy, d.RecordedByName, d.RecordedAt.UTC())
	return normalize(err)
}

// GateDerogations returns an enrolment's derogations, by gate.
func (q Q) GateDerogations(ctx context.Context, enrolmentID string) ([]GateDerogation, error) {
	rows, err := q.db.QueryContext(ctx,
		`SELECT enrolment_id, gate, missing, reason, recorded_by, recorded_by_name, recorded_at
		 FROM jury_gate_derogations WHERE enrolment_id = $1 ORDER BY gate`, enrolmentID)
	if err != nil {
		return nil, normalize(err)
	}
	defer rows.Close()
	var out []GateDerogation
	for rows.Next() {
		var d GateDerogation
		if err := rows.Scan(&d.EnrolmentID, &d.Gate, &d.Missing, &d.Reason, &d.RecordedBy, &d.RecordedByName, &d.RecordedAt); err != nil {
			return nil, normalize(err)
		}
		d.RecordedAt = d.RecordedAt.UTC()
		out = append(out, d)
	}
	return out, normalize(rows.Err())
}
