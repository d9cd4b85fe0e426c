package store

import (
	"context"
	"database/sql"
	"strings"
	"time"

	"cqp/internal/domain"
)

// ActionStatus is where a declared action (fiche action) stands with the secretariat.
type ActionStatus string

const (
	ActionDeclared ActionStatus = "declared" // waits for the secretariat's review
	ActionReviewed ActionStatus = "reviewed" // the secretariat has examined it
	ActionRefused  ActionStatus = "refused"  // refused with a reason: takes no new candidate
)

// ActionStatuses lists the statuses in the order of an action's life.
var ActionStatuses = []ActionStatus{ActionDeclared, ActionReviewed, ActionRefused}

// Valid reports whether s is a known status.
func (s ActionStatus) Valid() bool {
	return s == ActionDeclared || s == ActionReviewed || s == ActionRefused
}

// Label is the French name of the status.
func (s ActionStatus) Label() string {
	switch s {
	case ActionDeclared:
		return "À examiner"
	case ActionReviewed:
		return "Examinée"
	case ActionRefused:
		return "Refusée"
	}
	return string(s)
}

// Action is a fiche action CQP: a group of candidates trained by one training organisation for
// one qualification, with its companies, its funder and its calendar.
type Action struct {
	ID                       string
	TrainingOrganisationID   string
	TrainingOrganisationName string
	QualificationID          string
	QualificationCode        string
	QualificationTitle       string
	Route                    domain.Route // formation or blocs
	Title                    string
	StartsOn, EndsOn         domain.Date
	Place                    string
	PlannedHours             int
	FunderID                 string
	FunderName               string
	Status                   ActionStatus
	CreatedAt                time.Time
	CreatedBy                string // user id, "" for the platform
	CreatedByName            string
	Enrolments               int // how many candidates are enrolled in it
	// Filled by Action, not by ListActions.
	Companies []domain.Company
	Calendar  []CalendarEntry // by day and start time
	Comments  []ActionComment // oldest first
}

// CalendarEntry is one session of an action's calendar.
type CalendarEntry struct {
	ID        string
	ActionID  string
	Day       domain.Date
	StartTime string // HH:MM, or ""
	EndTime   string
	BlockCode string // the block taught, when known
	Label     string
}

// Comment kinds: a remark, the secretariat's review, a refusal.
const (
	CommentRemark  = "comment"
	CommentReview  = "review"
	CommentRefusal = "refusal"
)

// ActionComment is one entry of the secretariat's append-only comments on an action.
type ActionComment struct {
	ID         string
	ActionID   string
	Kind       string
	Body       string
	AuthorID   string
	AuthorName string
	CreatedAt  time.Time
}

// ActionScope limits the actions an actor sees. The zero value sees everything; a restricted
// scope sees an action when any of its lists matches.
type ActionScope struct {
	Restricted              bool
	TrainingOrganisationIDs []string // the organisation's own actions
	CompanyIDs              []string // actions with these companies among their companies
	FunderIDs               []string // actions these funders fund
}

func actionScopeSQL(s ActionScope, a *args) string {
	if !s.Restricted {
		return ""
	}
	var parts []string
	if len(s.TrainingOrganisationIDs) > 0 {
		parts = append(parts, `ac.training_organisation_id IN `+a.in(s.TrainingOrganisationIDs))
	}
	if len(s.CompanyIDs) > 0 {
		parts = append(parts, `ac.id IN (SELECT action_id FROM action_companies WHERE company_id IN `+a.in(s.CompanyIDs)+`)`)
	}
	if len(s.FunderIDs) > 0 {
		parts = append(parts, `ac.funder_id IN `+a.in(s.FunderIDs))
	}
	if len(parts) == 0 {
		return "1 = 0"
	}
	return "(" + strings.Join(parts, " OR ") + ")"
}

// CreateAction inserts an action with its companies and calendar.
func (q Q) CreateAction(ctx context.Context, a Action) error {
	_, err := q.db.ExecContext(ctx,
		`INSERT INTO actions (id, training_organisation_id, qualification_id, route, title, starts_on, ends_on, place,
		 planned_hours, funder_id, status, created_at, created_by)
		 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)`,
		a.ID, a.TrainingOrganisationID, a.QualificationID, string(a.Route), a.Title, a.StartsOn.ISO(), a.EndsOn.ISO(), a.Place,
		a.PlannedHours, nullString(a.FunderID), string(a.Status), a.CreatedAt.UTC(), a.CreatedBy)
	if err != nil {
		return normalize(err)
	}
	for _, c := range a.Companies {
		if err := q.AddActionCompany(ctx, a.ID, c.ID); err != nil {
			return err
		}
	}
	for _, e := range a.Calendar {
		e.ActionID = a.ID
		if err := q.AddCalendarEntry(ctx, e); err != nil {
			return err
		}
	}
	return nil
}

// AddActionCompany links a company to an action; linking it twice is harmless.
func (q Q) AddActionCompany(ctx context.Context, actionID, companyID string) error {
	_, err := q.db.ExecContext(ctx,
		`INSERT INTO action_companies (action_id, company_id) VALUES ($1, $2) ON CONFLICT (action_id, company_id) DO NOTHING`,
		actionID, companyID)
	return normalize(err)
}

// AddCalendarEntry adds a session to an action's calendar.
func (q Q) AddCalendarEntry(ctx context.Context, e CalendarEntry) error {
	_, err := q.db.ExecContext(ctx,
		`INSERT INTO action_calendar (id, action_id, day, start_time, end_time, block_code, label) VALUES ($1, $2, $3, $4, $5, $6, $7)`,
		e.ID, e.ActionID, e.Day.ISO(), e.StartTime, e.EndTime, e.BlockCode, e.Label)
	return normalize(err)
}

// AddActionComment appends a comment, a review or a refusal to an action.
func (q Q) AddActionComment(ctx context.Context, c ActionComment) error {
	_, err := q.db.ExecContext(ctx,
		`INSERT INTO action_comments (id, action_id, kind, body, author_id, created_at) VALUES ($1, $2, $3, $4, $5, $6)`,
		c.ID, c.ActionID, c.Kind, c.Body, c.AuthorID, c.CreatedAt.UTC())
	return normalize(err)
}

// SetActionStatus changes an action's status.
func (q Q) SetActionStatus(ctx context.Context, id string, s ActionStatus) error {
	res, err := q.db.ExecContext(ctx, `UPDATE actions SET status = $1 WHERE id = $2`, string(s), id)
	return mustAffect(res, err)
}

const actionSelect = `SELECT ac.id, ac.training_organisation_id, o.name, ac.qualification_id, qu.code, qu.title, ac.route, ac.title,
	ac.starts_on, ac.ends_on, ac.place, ac.planned_hours, COALESCE(ac.funder_id, ''), COALESCE(fu.name, ''), ac.status,
	ac.created_at, ac.created_by, COALESCE(u.name, ''),
	(SELECT COUNT(*) FROM enrolments e WHERE e.action_id = ac.id)
	FROM actions ac
	JOIN training_organisations o ON o.id = ac.training_organisation_id
	JOIN qualifications qu ON qu.id = ac.qualification_id
	LEFT JOIN funders fu ON fu.id = ac.funder_id
	LEFT JOIN users u ON u.id = ac.created_by`

func scanAction(row interface{ Scan(...any) error }) (Action, error) {
	var a Action
	var route, starts, ends, status string
	err := row.Scan(&a.ID, &a.TrainingOrganisationID, &a.TrainingOrganisationName, &a.QualificationID, &a.QualificationCode,
		&a.QualificationTitle, &route, &a.Title, &starts, &ends, &a.Place, &a.PlannedHours, &a.FunderID, &a.FunderName, &status,
		&a.CreatedAt, &a.CreatedBy, &a.CreatedByName, &a.Enrolments)
	a.Route, a.Status = domain.Route(route), ActionStatus(status)
	a.StartsOn, a.EndsOn = parseDate(starts), parseDate(ends)
	a.CreatedAt = a.CreatedAt.UTC()
	return a, err
}

// Action returns one action with its companies, calendar and comments, if scope lets the
// caller see it; otherwise it is "not found", exactly as if it did not exist.
func (q Q) Action(ctx context.Context, id string, scope ActionScope) (Action, error) {
	var a args
	where := ` WHERE ac.id = ` + a.add(id)
	if cond := actionScopeSQL(scope, &a); cond != "" {
		where += " AND " + cond
	}
	act, err := scanAction(q.db.QueryRowContext(ctx, actionSelect+where, a...))
	if err == sql.ErrNoRows {
		return act, &domain.Error{Code: domain.ENOTFOUND, Message: "Action de formation introuvable.", Err: err}
	}
	if err != nil {
		return act, normalize(err)
	}
	if act.Companies, err = q.actionCompanies(ctx, act.ID); err != nil {
		return act, err
	}
	if act.Calendar, err = q.actionCalendar(ctx, act.ID); err != nil {
		return act, err
	}
	act.Comments, err = q.actionComments(ctx, act.ID)
	return act, err
}

func (q Q) actionCompanies(ctx context.Context, actionID string) ([]domain.Company, error) {
	rows, err := q.db.QueryContext(ctx, `SELECT c.id, c.name, c.siret, c.city, c.created_at FROM action_companies x
		JOIN companies c ON c.id = x.company_id WHERE x.action_id = $1 ORDER BY c.name, c.id`, actionID)
	if err != nil {
		return nil, normalize(err)
	}
	defer rows.Close()
	var out []domain.Company
	for rows.Next() {
		var c domain.Company
		if err := rows.Scan(&c.ID, &c.Name, &c.SIRET, &c.City, &c.CreatedAt); err != nil {
			return nil, normalize(err)
		}
		out = append(out, c)
	}
	return out, normalize(rows.Err())
}

func (q Q) actionCalendar(ctx context.Context, actionID string) ([]CalendarEntry, error) {
	rows, err := q.db.QueryContext(ctx, `SELECT id, action_id, day, start_time, end_time, block_code, label FROM action_calendar
		WHERE action_id = $1 ORDER BY day, start_time, id`, actionID)
	if err != nil {
		return nil, normalize(err)
	}
	defer rows.Close()
	var out []CalendarEntry
	for rows.Next() {
		var e CalendarEntry
		var day string
		if err := rows.Scan(&e.ID, &e.ActionID, &day, &e.StartTime, &e.EndTime, &e.BlockCode, &e.Label); err != nil {
			return nil, normalize(err)
		}
		e.Day = parseDate(day)
		out = append(out, e)
	}
	return out, normalize(rows.Err())
}

func (q Q) actionComments(ctx context.Context, actionID string) ([]ActionComment, error) {
	rows, err := q.db.QueryContext(ctx, `SELECT c.id, c.action_id, c.kind, c.body, c.author_id, COALESCE(u.name, ''), c.created_at
		FROM action_comments c LEFT JOIN users u ON u.id = c.author_id WHERE c.action_id = $1 ORDER BY c.created_at, c.id`, actionID)
	if err != nil {
		return nil, normalize(err)
	}
	defer rows.Close()
	var out []ActionComment
	for rows.Next() {
		var c ActionComment
		if err := rows.Scan(&c.ID, &c.ActionID, &c.Kind, &c.Body, &c.AuthorID, &c.AuthorName, &c.CreatedAt); err != nil {
			return nil, normalize(err)
		}
		c.CreatedAt = c.CreatedAt.UTC()
		out = append(out, c)
	}
	return out, normalize(rows.Err())
}

// ActionFilter narrows the list of actions.
type ActionFilter struct {
	Scope                  ActionScope
	Status                 ActionStatus
	TrainingOrganisationID string
	Limit                  int
	Offset                 int
}

// ActionPage is one page of actions and how many match.
type ActionPage struct {
	Actions []Action
	Total   int
}

// ListActions returns actions, those starting latest first, without companies, calendar or
// comments.
func (q Q) ListActions(ctx context.Context, f ActionFilter) (ActionPage, error) {
	var a args
	var conds []string
	if cond := actionScopeSQL(f.Scope, &a); cond != "" {
		conds = append(conds, cond)
	}
	if f.Status != "" {
		conds = append(conds, `ac.status = `+a.add(string(f.Status)))
	}
	if f.TrainingOrganisationID != "" {
		conds = append(conds, `ac.training_organisation_id = `+a.add(f.TrainingOrganisationID))
	}
	where := ""
	if len(conds) > 0 {
		where = " WHERE " + strings.Join(conds, " AND ")
	}
	var page ActionPage
	if err := q.db.QueryRowContext(ctx, `SELECT COUNT(*) FROM actions ac`+where, a...).Scan(&page.Total); err != nil {
		return page, normalize(err)
	}
	limit := f.Limit
	if limit <= 0 || limit > 500 {
		limit = 50
	}
	rows, err := q.db.QueryContext(ctx, actionSelect+where+` ORDER BY ac.starts_on DESC, ac.title, ac.id LIMIT `+a.add(limit)+
		` OFFSET `+a.add(max(f.Offset, 0)), a...)
	if err != nil {
		return page, normalize(err)
	}
	defer rows.Close()
	for rows.Next() {
		act, err := scanAction(rows)
		if err != nil {
			return page, normalize(err)
		}
		page.Actions = append(page.Actions, act)
	}
	return page, normalize(rows.Err())
}

// ActionEnrolment is one candidate enrolled in an action.
type ActionEnrolment struct {
	Candidate domain.Candidate
	Enrolment EnrolmentRecord
}

// EnrolmentsOfAction returns the candidates enrolled in an action, by name, with their
// enrolment (without its status history).
func (q Q) EnrolmentsOfAction(ctx context.Context, actionID string) ([]ActionEnrolment, error) {
	rows, err := q.db.QueryContext(ctx, `SELECT `+candidateColumns+`, `+enrolmentColumns+enrolmentJoins+`
		JOIN candidates c ON c.id = e.candidate_id
		WHERE e.action_id = $1 ORDER BY c.sort_key, c.id, e.created_at, e.id`, actionID)
	if err != nil {
		return nil, normalize(err)
	}
	defer rows.Close()
	var out []ActionEnrolment
	for rows.Next() {
		var r ActionEnrolment
		var raw rawEnrolment
		c, err := scanCandidate(rows, raw.dest(&r.Enrolment)...)
		if err != nil {
			return nil, normalize(err)
		}
		raw.finish(&r.Enrolment)
		r.Candidate = c
		out = append(out, r)
	}
	return out, normalize(rows.Err())
}
