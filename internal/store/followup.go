package store

import (
	"context"
	"database/sql"
	"time"

	"cqp/internal/domain"
)

// FollowupCandidateID returns the candidate of an enrolment, so that the service can look the
// enrolment up through the candidate's scope.
func (q Q) FollowupCandidateID(ctx context.Context, enrolmentID string) (string, error) {
	var id string
	err := q.db.QueryRowContext(ctx, `SELECT candidate_id FROM enrolments WHERE id = $1`, enrolmentID).Scan(&id)
	if err == sql.ErrNoRows {
		return "", &domain.Error{Code: domain.ENOTFOUND, Message: "Inscription introuvable.", Err: err}
	}
	return id, normalize(err)
}

// BlockHours are the training hours of one block of an enrolment, planned and done.
type BlockHours struct {
	BlockCode string
	Planned   int
	Done      int
	UpdatedAt time.Time
}

// TrainingHours returns the hours recorded for an enrolment, by block code.
func (q Q) TrainingHours(ctx context.Context, enrolmentID string) ([]BlockHours, error) {
	rows, err := q.db.QueryContext(ctx,
		`SELECT block_code, planned_hours, done_hours, updated_at FROM training_hours WHERE enrolment_id = $1 ORDER BY block_code`, enrolmentID)
	if err != nil {
		return nil, normalize(err)
	}
	defer rows.Close()
	var out []BlockHours
	for rows.Next() {
		var h BlockHours
		if err := rows.Scan(&h.BlockCode, &h.Planned, &h.Done, &h.UpdatedAt); err != nil {
			return nil, normalize(err)
		}
		out = append(out, h)
	}
	return out, normalize(rows.Err())
}

// SetTrainingHours records one block's planned and done hours, replacing what was recorded.
func (q Q) SetTrainingHours(ctx context.Context, enrolmentID string, h BlockHours) error {
	_, err := q.db.ExecContext(ctx,
		`INSERT INTO training_hours (enrolment_id, block_code, planned_hours, done_hours, updated_at)
		 VALUES ($1, $2, $3, $4, $5)
		 ON CONFLICT (enrolment_id, block_code)
		 DO UPDATE SET planned_hours = excluded.planned_hours, done_hours = excluded.done_hours, updated_at = excluded.updated_at`,
		enrolmentID, h.BlockCode, h.Planned, h.Done, h.UpdatedAt.UTC())
	return normalize(err)
}

// TrainingEndSource says where an enrolment's training end date comes from.
type TrainingEndSource string

const (
	TrainingEndUnknown   TrainingEndSource = ""       // no action and no hours recorded yet
	TrainingEndAction    TrainingEndSource = "action" // the end date of the enrolment's action
	TrainingEndLastHours TrainingEndSource = "hours"  // the day training hours were last updated
)

// TrainingEnd returns the day an enrolment's training ends: the end date of its action when
// the enrolment belongs to one (the calendar the organisation declared), else the day its
// training hours were last updated (the organisation records hours as they are done, so the
// last update is the latest known training day).
func (q Q) TrainingEnd(ctx context.Context, enrolmentID string) (domain.Date, TrainingEndSource, error) {
	var ends sql.NullString
	err := q.db.QueryRowContext(ctx,
		`SELECT a.ends_on FROM enrolments e JOIN actions a ON a.id = e.action_id WHERE e.id = $1`, enrolmentID).Scan(&ends)
	switch {
	case err == nil && ends.Valid && ends.String != "":
		if d := parseDate(ends.String); !d.IsZero() {
			return d, TrainingEndAction, nil
		}
	case err != nil && err != sql.ErrNoRows:
		return domain.Date{}, TrainingEndUnknown, normalize(err)
	}
	var last time.Time
	err = q.db.QueryRowContext(ctx,
		`SELECT updated_at FROM training_hours WHERE enrolment_id = $1 ORDER BY updated_at DESC LIMIT 1`, enrolmentID).Scan(&last)
	if err == sql.ErrNoRows {
		return domain.Date{}, TrainingEndUnknown, nil
	}
	if err != nil {
		return domain.Date{}, TrainingEndUnknown, normalize(err)
	}
	return domain.DateOf(last), TrainingEndLastHours, nil
}

// Internship is one internship period of an enrolment, in a host company.
type Internship struct {
	ID          string
	EnrolmentID string
	CompanyID   string
	CompanyName string // filled when read
	StartsOn    domain.Date
	EndsOn      domain.Date
	Hours       int
	CreatedAt   time.Time
}

// AddInternship records an internship period.
func (q Q) AddInternship(ctx context.Context, in Internship) error {
	_, err := q.db.ExecContext(ctx,
		`INSERT INTO internships (id, enrolment_id, company_id, starts_on, ends_on, hours, created_at)
		 VALUES ($1, $2, $3, $4, $5, $6, $7)`,
		in.ID, in.EnrolmentID, in.CompanyID, in.StartsOn.ISO(), in.EndsOn.ISO(), in.Hours, in.CreatedAt.UTC())
	return normalize(err)
}

func (q Q) internships(ctx context.Context, where string, params ...any) ([]Internship, error) {
	rows, err := q.db.QueryContext(ctx,
		`SELECT i.id, i.enrolment_id, i.company_id, COALESCE(c.name, ''), i.starts_on, i.ends_on, i.hours, i.created_at
		 FROM internships i LEFT JOIN companies c ON c.id = i.company_id WHERE `+where+` ORDER BY i.starts_on, i.created_at, i.id`, params...)
	if err != nil {
		return nil, normalize(err)
	}
	defer rows.Close()
	var out []Internship
	for rows.Next() {
		var in Internship
		var starts, ends string
		if err := rows.Scan(&in.ID, &in.EnrolmentID, &in.CompanyID, &in.CompanyName, &starts, &ends, &in.Hours, &in.CreatedAt); err != nil {
			return nil, normalize(err)
		}
		in.StartsOn, in.EndsOn = parseDate(starts), parseDate(ends)
		out = append(out, in)
	}
	return out, normalize(rows.Err())
}

// Internships returns an enrolment's internships in date order.
func (q Q) Internships(ctx context.Context, enrolmentID string) ([]Internship, error) {
	return q.internships(ctx, `i.enrolment_id = $1`, enrolmentID)
}

// Internship returns one internship of an enrolment.
func (q Q) Internship(ctx context.Context, enrolmentID, id string) (Internship, error) {
	out, err := q.internships(ctx, `i.enrolment_id = $1 AND i.id = $2`, enrolmentID, id)
	if err != nil {
		return Internship{}, err
	}
	if len(out) == 0 {
		return Internship{}, domain.Errorf(domain.ENOTFOUND, "Stage introuvable.")
	}
	return out[0], nil
}

// DeleteInternship removes an internship entered by mistake (the service keeps it in the
// audit trail).
func (q Q) DeleteInternship(ctx context.Context, enrolmentID, id string) error {
	res, err := q.db.ExecContext(ctx, `DELETE FROM internships WHERE enrolment_id = $1 AND id = $2`, enrolmentID, id)
	return mustAffect(res, err)
}

// LogbookEntry is one entry of the logbook (livret d'accompagnement), written by the
// candidate's company referent. An entry is a dated follow-up note, or the evaluation of one
// competence's know-how (CompetenceCode set, Assessment "A" or "NA") with an optional comment.
// Entries are never changed nor removed.
type LogbookEntry struct {
	ID             string
	EnrolmentID    string
	On             domain.Date
	Body           string
	CompetenceCode string
	Assessment     string // "", "A" or "NA"
	AuthorID       string
	AuthorName     string // filled when read
	CreatedAt      time.Time
}

// AddLogbookEntry appends an entry to the logbook.
func (q Q) AddLogbookEntry(ctx context.Context, e LogbookEntry) error {
	_, err := q.db.ExecContext(ctx,
		`INSERT INTO logbook_entries (id, enrolment_id, on_date, body, competence_code, assessment, author_id, created_at)
		 VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
		e.ID, e.EnrolmentID, e.On.ISO(), e.Body, e.CompetenceCode, e.Assessment, e.AuthorID, e.CreatedAt.UTC())
	return normalize(err)
}

// LogbookEntries returns an enrolment's logbook, oldest first (by date, then entry order).
func (q Q) LogbookEntries(ctx context.Context, enrolmentID string) ([]LogbookEntry, error) {
	rows, err := q.db.QueryContext(ctx,
		`SELECT l.id, l.enrolment_id, l.on_date, l.body, l.competence_code, l.assessment, l.author_id, COALESCE(u.name, ''), l.created_at
		 FROM logbook_entries l LEFT JOIN users u ON u.id = l.author_id
		 WHERE l.enrolment_id = $1 ORDER BY l.on_date, l.created_at, l.id`, enrolmentID)
	if err != nil {
		return nil, normalize(err)
	}
	defer rows.Close()
	var out []LogbookEntry
	for rows.Next() {
		var e LogbookEntry
		var on string
		if err := rows.Scan(&e.ID, &e.EnrolmentID, &on, &e.Body, &e.CompetenceCode, &e.Assessment, &e.AuthorID, &e.AuthorName, &e.CreatedAt); err != nil {
			return nil, normalize(err)
		}
		e.On = parseDate(on)
		out = append(out, e)
	}
	return out, normalize(rows.Err())
}
