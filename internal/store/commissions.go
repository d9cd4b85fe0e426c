package store

import (
	"context"
	"time"
)

// Commission is an evaluation commission.
type Commission struct {
	ID        string
	Name      string
	CreatedAt time.Time
	Members   []CommissionMember
}

// CommissionMember is a person sitting on a commission; Voting is false for the training
// organisation's representative, who attends without evaluating.
type CommissionMember struct {
	UserID string
	Name   string
	Email  string
	Voting bool
}

// CreateCommission inserts a commission without members.
func (q Q) CreateCommission(ctx context.Context, c Commission) error {
	_, err := q.db.ExecContext(ctx, `INSERT INTO commissions (id, name, created_at) VALUES ($1, $2, $3)`, c.ID, c.Name, c.CreatedAt.UTC())
	return normalize(err)
}

// AddCommissionMember seats a person on a commission.
func (q Q) AddCommissionMember(ctx context.Context, commissionID string, m CommissionMember) error {
	voting := 0
	if m.Voting {
		voting = 1
	}
	_, err := q.db.ExecContext(ctx, `INSERT INTO commission_members (commission_id, user_id, voting) VALUES ($1, $2, $3)`,
		commissionID, m.UserID, voting)
	return normalize(err)
}

// Oral is one candidate's certification oral before a commission.
type Oral struct {
	ID              string
	CommissionID    string
	EnrolmentID     string
	StartsAt        time.Time
	DurationMinutes int
	Place           string
	VideoLink       string
	CreatedAt       time.Time
}

// Ends is when the oral is planned to end.
func (o Oral) Ends() time.Time { return o.StartsAt.Add(time.Duration(o.DurationMinutes) * time.Minute) }

// CreateOral schedules an oral.
func (q Q) CreateOral(ctx context.Context, o Oral) error {
	_, err := q.db.ExecContext(ctx,
		`INSERT INTO orals (id, commission_id, enrolment_id, starts_at, duration_minutes, place, video_link, created_at)
		 VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
		o.ID, o.CommissionID, o.EnrolmentID, o.StartsAt.UTC(), o.DurationMinutes, o.Place, o.VideoLink, o.CreatedAt.UTC())
	return normalize(err)
}
