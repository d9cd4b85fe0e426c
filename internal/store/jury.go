package store

import (
	"context"
	"database/sql"
	"errors"
	"slices"
	"strings"
	"time"

	"cqp/internal/domain"
)

// DefaultJuryQuorum is the quorum of a branch without settings (DOMAIN.md §6: 4 members).
const DefaultJuryQuorum = 4

// BranchSettings are the figures and names the jury and the certificates need.
type BranchSettings struct {
	BranchID          string
	JuryQuorum        int
	JuryPresidentName string
	CSCAPresidentName string
	CPNEPresidentName string
	UpdatedAt         time.Time // zero when the branch has no settings yet
}

// BranchSettings returns a branch's settings, or the defaults when none were saved.
func (q Q) BranchSettings(ctx context.Context, branchID string) (BranchSettings, error) {
	s := BranchSettings{BranchID: branchID}
	err := q.db.QueryRowContext(ctx,
		`SELECT jury_quorum, jury_president_name, csca_president_name, cpne_president_name, updated_at
		 FROM branch_settings WHERE branch_id = $1`, branchID).
		Scan(&s.JuryQuorum, &s.JuryPresidentName, &s.CSCAPresidentName, &s.CPNEPresidentName, &s.UpdatedAt)
	if errors.Is(err, sql.ErrNoRows) {
		return BranchSettings{BranchID: branchID, JuryQuorum: DefaultJuryQuorum}, nil
	}
	s.UpdatedAt = s.UpdatedAt.UTC()
	return s, normalize(err)
}

// SaveBranchSettings writes a branch's settings, creating them the first time.
func (q Q) SaveBranchSettings(ctx context.Context, s BranchSettings) error {
	_, err := q.db.ExecContext(ctx,
		`INSERT INTO branch_settings (branch_id, jury_quorum, jury_president_name, csca_president_name, cpne_president_name, updated_at)
		 VALUES ($1, $2, $3, $4, $5, $6)
		 ON CONFLICT (branch_id) DO UPDATE SET jury_quorum = excluded.jury_quorum,
		 jury_president_name = excluded.jury_president_name, csca_president_name = excluded.csca_president_name,
		 cpne_president_name = excluded.cpne_president_name, updated_at = excluded.updated_at`,
		s.BranchID, s.JuryQuorum, s.JuryPresidentName, s.CSCAPresidentName, s.CPNEPresidentName, s.UpdatedAt.UTC())
	return normalize(err)
}

// RosterMember is a person who may sit on the jury, for one college.
type RosterMember struct {
	UserID    string
	Name      string
	Email     string
	College   string // unions, employers, experts, training_organisations, cpnefp_president
	Disabled  bool
	CreatedAt time.Time
}

// SetRosterMember puts a user on the jury roster for a college, or moves them to another one.
func (q Q) SetRosterMember(ctx context.Context, userID, college string, at time.Time) error {
	_, err := q.db.ExecContext(ctx,
		`INSERT INTO jury_roster (user_id, college, created_at) VALUES ($1, $2, $3)
		 ON CONFLICT (user_id) DO UPDATE SET college = excluded.college`,
		userID, college, at.UTC())
	return normalize(err)
}

// RemoveRosterMember takes a user off the roster; their past invitations stay.
func (q Q) RemoveRosterMember(ctx context.Context, userID string) error {
	res, err := q.db.ExecContext(ctx, `DELETE FROM jury_roster WHERE user_id = $1`, userID)
	return mustAffect(res, err)
}

// JuryRoster returns the roster ordered by name.
func (q Q) JuryRoster(ctx context.Context) ([]RosterMember, error) {
	rows, err := q.db.QueryContext(ctx,
		`SELECT r.user_id, u.name, u.email, r.college, u.disabled_at IS NOT NULL, r.created_at
		 FROM jury_roster r JOIN users u ON u.id = r.user_id ORDER BY u.name, u.email`)
	if err != nil {
		return nil, normalize(err)
	}
	defer rows.Close()
	var out []RosterMember
	for rows.Next() {
		var m RosterMember
		if err := rows.Scan(&m.UserID, &m.Name, &m.Email, &m.College, &m.Disabled, &m.CreatedAt); err != nil {
			return nil, normalize(err)
		}
		m.CreatedAt = m.CreatedAt.UTC()
		out = append(out, m)
	}
	return out, normalize(rows.Err())
}

// JurySessionStatus is where a session stands.
type JurySessionStatus string

const (
	JuryPlanned      JurySessionStatus = "planned"      // scheduled: invitations, attendance, candidates
	JuryDeliberating JurySessionStatus = "deliberating" // quorum reached: decisions are taken
	JuryClosed       JurySessionStatus = "closed"       // results frozen in the snapshot
)

// Label is the French name of the status.
func (s JurySessionStatus) Label() string {
	switch s {
	case JuryPlanned:
		return "programmée"
	case JuryDeliberating:
		return "en délibération"
	case JuryClosed:
		return "close"
	}
	return string(s)
}

// JurySession is one sitting of the jury.
type JurySession struct {
	ID                  string
	BranchID            string
	StartsAt            time.Time
	Place               string
	VideoLink           string
	Quorum              int // copied from the branch settings when the session is scheduled
	Status              JurySessionStatus
	RectifiesSessionID  string // set when this session corrects a closed one
	RectificationReason string
	Snapshot            string // JSON of every input and decision, written once at closing
	ClosedAt            *time.Time
	ClosedBy            string
	ClosedByName        string // filled when read
	CreatedAt           time.Time
	// Counts filled by JurySessions and JurySession.
	Candidates int
	Invited    int
	Present    int
}

// CreateJurySession inserts a planned session.
func (q Q) CreateJurySession(ctx context.Context, s JurySession) error {
	_, err := q.db.ExecContext(ctx,
		`INSERT INTO jury_sessions (id, branch_id, starts_at, place, video_link, quorum, status, rectifies_session_id,
		 rectification_reason, created_at)
		 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`,
		s.ID, s.BranchID, s.StartsAt.UTC(), s.Place, s.VideoLink, s.Quorum, string(s.Status),
		nullString(s.RectifiesSessionID), s.RectificationReason, s.CreatedAt.UTC())
	return normalize(err)
}

const jurySessionSelect = `SELECT s.id, s.branch_id, s.starts_at, s.place, s.video_link, s.quorum, s.status,
	COALESCE(s.rectifies_session_id, ''), s.rectification_reason, s.snapshot, s.closed_at, s.closed_by, COALESCE(u.name, ''),
	s.created_at,
	(SELECT COUNT(*) FROM jury_candidates c WHERE c.session_id = s.id),
	(SELECT COUNT(*) FROM jury_invitations i WHERE i.session_id = s.id),
	(SELECT COUNT(*) FROM jury_invitations i WHERE i.session_id = s.id AND i.present = 1)
	FROM jury_sessions s LEFT JOIN users u ON u.id = s.closed_by`

func scanJurySessions(rows *sql.Rows, err error) ([]JurySession, error) {
	if err != nil {
		return nil, normalize(err)
	}
	defer rows.Close()
	var out []JurySession
	for rows.Next() {
		var s JurySession
		var status string
		var closed sql.NullTime
		if err := rows.Scan(&s.ID, &s.BranchID, &s.StartsAt, &s.Place, &s.VideoLink, &s.Quorum, &status,
			&s.RectifiesSessionID, &s.RectificationReason, &s.Snapshot, &closed, &s.ClosedBy, &s.ClosedByName,
			&s.CreatedAt, &s.Candidates, &s.Invited, &s.Present); err != nil {
			return nil, normalize(err)
		}
		s.Status, s.ClosedAt = JurySessionStatus(status), timePtr(closed)
		s.StartsAt, s.CreatedAt = s.StartsAt.UTC(), s.CreatedAt.UTC()
		out = append(out, s)
	}
	return out, normalize(rows.Err())
}

// JurySession returns one session with its counts.
func (q Q) JurySession(ctx context.Context, id string) (JurySession, error) {
	all, err := scanJurySessions(q.db.QueryContext(ctx, jurySessionSelect+` WHERE s.id = $1`, id))
	if err != nil {
		return JurySession{}, err
	}
	if len(all) == 0 {
		return JurySession{}, domain.Errorf(domain.ENOTFOUND, "Session de jury introuvable.")
	}
	return all[0], nil
}

// LockJurySession returns a session after taking its row's write lock, so that what changes a
// session or issues from it runs one at a time on PostgreSQL (SQLite's single writer already
// serialises writes). The lock's update sets no value: a closed session's data stays as it was.
func (q Q) LockJurySession(ctx context.Context, id string) (JurySession, error) {
	res, err := q.db.ExecContext(ctx, `UPDATE jury_sessions SET status = status WHERE id = $1`, id)
	if err := mustAffect(res, err); err != nil {
		if domain.ErrorCode(err) == domain.ENOTFOUND {
			return JurySession{}, domain.Errorf(domain.ENOTFOUND, "Session de jury introuvable.")
		}
		return JurySession{}, err
	}
	return q.JurySession(ctx, id)
}

// JurySessions returns every session, the most recent first.
func (q Q) JurySessions(ctx context.Context) ([]JurySession, error) {
	return scanJurySessions(q.db.QueryContext(ctx, jurySessionSelect+` ORDER BY s.starts_at DESC, s.id DESC`))
}

// jurySessionDatesSelect is jurySessionSelect without the snapshot, which weighs about a
// kilobyte per candidate judged: for the lists that show dates and counts only.
var jurySessionDatesSelect = strings.Replace(jurySessionSelect, "s.snapshot,", "'',", 1)

// UpcomingJurySessions returns, without their snapshots, the sessions not closed that start
// from now on, the soonest first: those the secretariat's dashboard checks are ready.
func (q Q) UpcomingJurySessions(ctx context.Context, now time.Time) ([]JurySession, error) {
	return scanJurySessions(q.db.QueryContext(ctx, jurySessionDatesSelect+`
		WHERE s.status <> $1 AND s.starts_at >= $2 ORDER BY s.starts_at, s.id`, string(JuryClosed), now.UTC()))
}

// ClosedSessionsWithoutDocuments returns the id and date of the closed sessions that judged
// someone and have no document issued, the oldest first. Only existence is checked: a session
// of a thousand candidates costs what one of ten does.
func (q Q) ClosedSessionsWithoutDocuments(ctx context.Context) ([]JurySession, error) {
	rows, err := q.db.QueryContext(ctx, `SELECT s.id, s.starts_at FROM jury_sessions s
		WHERE s.status = $1
		AND EXISTS (SELECT 1 FROM jury_candidates c WHERE c.session_id = s.id)
		AND NOT EXISTS (SELECT 1 FROM certificates x WHERE x.session_id = s.id)
		ORDER BY s.starts_at, s.id`, string(JuryClosed))
	if err != nil {
		return nil, normalize(err)
	}
	defer rows.Close()
	var out []JurySession
	for rows.Next() {
		js := JurySession{Status: JuryClosed}
		if err := rows.Scan(&js.ID, &js.StartsAt); err != nil {
			return nil, normalize(err)
		}
		js.StartsAt = js.StartsAt.UTC()
		out = append(out, js)
	}
	return out, normalize(rows.Err())
}

// UpcomingJurySessionsOfEnrolment returns, without their snapshots, the sessions not closed
// that an enrolment is presented to and that start from now on, the soonest first.
func (q Q) UpcomingJurySessionsOfEnrolment(ctx context.Context, enrolmentID string, now time.Time) ([]JurySession, error) {
	return scanJurySessions(q.db.QueryContext(ctx, jurySessionDatesSelect+`
		WHERE s.id IN (SELECT session_id FROM jury_candidates WHERE enrolment_id = $1) AND s.status <> $2 AND s.starts_at >= $3
		ORDER BY s.starts_at, s.id`, enrolmentID, string(JuryClosed), now.UTC()))
}

// JurySessionsOfMember returns the sessions a user is invited to, the most recent first.
func (q Q) JurySessionsOfMember(ctx context.Context, userID string) ([]JurySession, error) {
	return scanJurySessions(q.db.QueryContext(ctx, jurySessionSelect+`
		WHERE s.id IN (SELECT session_id FROM jury_invitations WHERE user_id = $1)
		ORDER BY s.starts_at DESC, s.id DESC`, userID))
}

// CountOpenJurySessions counts the sessions not closed yet: every one, or those memberUserID
// is invited to when it is not "". It reads no session, whose snapshot can be large.
func (q Q) CountOpenJurySessions(ctx context.Context, memberUserID string) (int, error) {
	query, a := `SELECT COUNT(*) FROM jury_sessions s WHERE s.status <> $1`, []any{string(JuryClosed)}
	if memberUserID != "" {
		query += ` AND s.id IN (SELECT session_id FROM jury_invitations WHERE user_id = $2)`
		a = append(a, memberUserID)
	}
	var n int
	err := q.db.QueryRowContext(ctx, query, a...).Scan(&n)
	return n, normalize(err)
}

// RectificationOf returns the session that rectifies id, if any (ok false otherwise).
func (q Q) RectificationOf(ctx context.Context, id string) (JurySession, bool, error) {
	all, err := scanJurySessions(q.db.QueryContext(ctx, jurySessionSelect+` WHERE s.rectifies_session_id = $1`, id))
	if err != nil || len(all) == 0 {
		return JurySession{}, false, err
	}
	return all[0], true, nil
}

// SetJurySessionStatus moves a session from one status to another. It is a conflict when the
// session is no longer in the expected status.
func (q Q) SetJurySessionStatus(ctx context.Context, id string, from, to JurySessionStatus) error {
	res, err := q.db.ExecContext(ctx, `UPDATE jury_sessions SET status = $1 WHERE id = $2 AND status = $3`, string(to), id, string(from))
	if err := mustAffect(res, err); err != nil {
		if domain.ErrorCode(err) == domain.ENOTFOUND {
			return domain.Errorf(domain.ECONFLICT, "La session vient de changer d'état : rechargez la page.")
		}
		return err
	}
	return nil
}

// CloseJurySession freezes a deliberating session with its snapshot, and writes its results
// and its evaluator agreement for the statistics (replacing those of the session it
// rectifies): call it after InsertBlockVerdicts. A closed session is never
// written again: closing it twice is a conflict.
func (q Q) CloseJurySession(ctx context.Context, id, snapshot string, at time.Time, byUserID string) error {
	res, err := q.db.ExecContext(ctx,
		`UPDATE jury_sessions SET status = $1, snapshot = $2, closed_at = $3, closed_by = $4 WHERE id = $5 AND status = $6`,
		string(JuryClosed), snapshot, at.UTC(), byUserID, id, string(JuryDeliberating))
	if err := mustAffect(res, err); err != nil {
		if domain.ErrorCode(err) == domain.ENOTFOUND {
			return domain.Errorf(domain.ECONFLICT, "La session n'est pas en délibération : elle ne peut pas être close.")
		}
		return err
	}
	if err := q.recordClosedSessionResults(ctx, id); err != nil {
		return err
	}
	return q.recordClosedSessionAgreement(ctx, id)
}

// JuryInvitation is a member invited to a session, with the college they sit for and whether
// they were recorded present.
type JuryInvitation struct {
	SessionID  string
	UserID     string
	Name       string // filled when read
	Email      string // filled when read
	College    string
	Present    bool
	RecordedAt *time.Time
	Roles      []domain.Role // the user's roles, filled when read (to find the president)
}

// InviteJuryMember invites a user to a session for a college.
func (q Q) InviteJuryMember(ctx context.Context, sessionID, userID, college string) error {
	_, err := q.db.ExecContext(ctx,
		`INSERT INTO jury_invitations (session_id, user_id, college) VALUES ($1, $2, $3)`, sessionID, userID, college)
	if err = normalize(err); domain.ErrorCode(err) == domain.ECONFLICT {
		return &domain.Error{Code: domain.ECONFLICT, Message: "Ce membre est déjà invité à la session.", Err: err}
	}
	return err
}

// SetJuryPresence records whether an invited member is present.
func (q Q) SetJuryPresence(ctx context.Context, sessionID, userID string, present bool, at time.Time) error {
	p := 0
	if present {
		p = 1
	}
	res, err := q.db.ExecContext(ctx,
		`UPDATE jury_invitations SET present = $1, recorded_at = $2 WHERE session_id = $3 AND user_id = $4`,
		p, at.UTC(), sessionID, userID)
	return mustAffect(res, err)
}

// JuryInvitations returns a session's invited members by name, with their roles.
func (q Q) JuryInvitations(ctx context.Context, sessionID string) ([]JuryInvitation, error) {
	rows, err := q.db.QueryContext(ctx,
		`SELECT i.session_id, i.user_id, u.name, u.email, i.college, i.present, i.recorded_at
		 FROM jury_invitations i JOIN users u ON u.id = i.user_id
		 WHERE i.session_id = $1 ORDER BY u.name, u.email, u.id`, sessionID)
	if err != nil {
		return nil, normalize(err)
	}
	var out []JuryInvitation
	for rows.Next() {
		var in JuryInvitation
		var present int
		var rec sql.NullTime
		if err := rows.Scan(&in.SessionID, &in.UserID, &in.Name, &in.Email, &in.College, &present, &rec); err != nil {
			rows.Close()
			return nil, normalize(err)
		}
		in.Present, in.RecordedAt = present == 1, timePtr(rec)
		out = append(out, in)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, normalize(err)
	}
	for i := range out {
		roles, err := q.RolesOfUser(ctx, out[i].UserID)
		if err != nil {
			return nil, err
		}
		for _, r := range roles {
			out[i].Roles = append(out[i].Roles, r.Role)
		}
	}
	return out, nil
}

// JuryCandidate is an enrolment presented to a session, in presentation order.
type JuryCandidate struct {
	SessionID   string
	EnrolmentID string
	CandidateID string // filled when read
	Position    int
	Outcome     string // written at closing: certified, partial, not_certified
}

// AddJuryCandidate presents an enrolment to a session after those already presented.
func (q Q) AddJuryCandidate(ctx context.Context, sessionID, enrolmentID string) error {
	_, err := q.db.ExecContext(ctx,
		`INSERT INTO jury_candidates (session_id, enrolment_id, position)
		 VALUES ($1, $2, (SELECT COALESCE(MAX(position), 0) + 1 FROM jury_candidates WHERE session_id = $1))`,
		sessionID, enrolmentID)
	if err = normalize(err); domain.ErrorCode(err) == domain.ECONFLICT {
		return &domain.Error{Code: domain.ECONFLICT, Message: "Ce candidat est déjà présenté à la session.", Err: err}
	}
	return err
}

// RemoveJuryCandidate withdraws an enrolment from a session.
func (q Q) RemoveJuryCandidate(ctx context.Context, sessionID, enrolmentID string) error {
	res, err := q.db.ExecContext(ctx, `DELETE FROM jury_candidates WHERE session_id = $1 AND enrolment_id = $2`, sessionID, enrolmentID)
	return mustAffect(res, err)
}

// SetJuryOutcome writes a candidate's outcome at closing.
func (q Q) SetJuryOutcome(ctx context.Context, sessionID, enrolmentID, outcome string) error {
	res, err := q.db.ExecContext(ctx, `UPDATE jury_candidates SET outcome = $1 WHERE session_id = $2 AND enrolment_id = $3`,
		outcome, sessionID, enrolmentID)
	return mustAffect(res, err)
}

// JuryCandidates returns the enrolments presented to a session, in presentation order.
func (q Q) JuryCandidates(ctx context.Context, sessionID string) ([]JuryCandidate, error) {
	rows, err := q.db.QueryContext(ctx,
		`SELECT c.session_id, c.enrolment_id, e.candidate_id, c.position, c.outcome
		 FROM jury_candidates c JOIN enrolments e ON e.id = c.enrolment_id
		 WHERE c.session_id = $1 ORDER BY c.position, c.enrolment_id`, sessionID)
	if err != nil {
		return nil, normalize(err)
	}
	defer rows.Close()
	var out []JuryCandidate
	for rows.Next() {
		var c JuryCandidate
		if err := rows.Scan(&c.SessionID, &c.EnrolmentID, &c.CandidateID, &c.Position, &c.Outcome); err != nil {
			return nil, normalize(err)
		}
		out = append(out, c)
	}
	return out, normalize(rows.Err())
}

// JurySessionsOfEnrolment returns the sessions an enrolment was presented to, oldest first.
func (q Q) JurySessionsOfEnrolment(ctx context.Context, enrolmentID string) ([]JurySession, error) {
	return scanJurySessions(q.db.QueryContext(ctx, jurySessionSelect+`
		WHERE s.id IN (SELECT session_id FROM jury_candidates WHERE enrolment_id = $1)
		ORDER BY s.starts_at, s.created_at, s.id`, enrolmentID))
}

// LastJuryOutcome returns the outcome the latest closed session gave the enrolment
// (certified, partial or not_certified), and false when no closed session judged it.
func (q Q) LastJuryOutcome(ctx context.Context, enrolmentID string) (string, bool, error) {
	var outcome string
	err := q.db.QueryRowContext(ctx,
		`SELECT jc.outcome FROM jury_candidates jc JOIN jury_sessions s ON s.id = jc.session_id
		 WHERE jc.enrolment_id = $1 AND s.status = $2 AND jc.outcome <> ''
		 ORDER BY s.closed_at DESC, s.starts_at DESC, s.id DESC LIMIT 1`, enrolmentID, string(JuryClosed)).Scan(&outcome)
	if errors.Is(err, sql.ErrNoRows) {
		return "", false, nil
	}
	if err != nil {
		return "", false, normalize(err)
	}
	return outcome, true, nil
}

// PresentableEnrolment is an enrolment the secretariat may present to a session: awaiting the
// jury, or partially validated or not certified (a retake), and in no session that is not
// closed.
type PresentableEnrolment struct {
	EnrolmentID        string
	CandidateID        string
	Number             string
	BirthName          string
	UsedName           string
	FirstNames         string
	QualificationCode  string
	QualificationTitle string
	Route              domain.Route
	Stage              string // domain.StageBlocsFinal on the blocs route's final stage
	Status             domain.EnrolmentStatus
}

// RouteLabel is the route in French, naming the blocs route's final stage.
func (p PresentableEnrolment) RouteLabel() string {
	return domain.Enrolment{Route: p.Route, Stage: p.Stage}.RouteLabel()
}

// PresentableEnrolments lists the enrolments that can be presented to a session, by name.
func (q Q) PresentableEnrolments(ctx context.Context) ([]PresentableEnrolment, error) {
	rows, err := q.db.QueryContext(ctx,
		`SELECT e.id, c.id, c.number, c.birth_name, c.used_name, c.first_names, qu.code, qu.title, e.route, e.status, e.stage
		 FROM enrolments e
		 JOIN candidates c ON c.id = e.candidate_id
		 JOIN qualifications qu ON qu.id = e.qualification_id
		 WHERE e.status IN ($1, $2, $4)
		 AND NOT EXISTS (SELECT 1 FROM jury_candidates jc JOIN jury_sessions s ON s.id = jc.session_id
		                 WHERE jc.enrolment_id = e.id AND s.status <> $3)
		 ORDER BY c.sort_key, c.number, e.id`,
		string(domain.StatusAwaitingJury), string(domain.StatusPartial), string(JuryClosed), string(domain.StatusNotCertified))
	if err != nil {
		return nil, normalize(err)
	}
	defer rows.Close()
	var out []PresentableEnrolment
	for rows.Next() {
		var p PresentableEnrolment
		var route, status string
		if err := rows.Scan(&p.EnrolmentID, &p.CandidateID, &p.Number, &p.BirthName, &p.UsedName, &p.FirstNames,
			&p.QualificationCode, &p.QualificationTitle, &route, &status, &p.Stage); err != nil {
			return nil, normalize(err)
		}
		p.Route, p.Status = domain.Route(route), domain.EnrolmentStatus(status)
		out = append(out, p)
	}
	return out, normalize(rows.Err())
}

// OpenJurySessionOf returns the session that is not closed to which the enrolment is
// presented, if any.
func (q Q) OpenJurySessionOf(ctx context.Context, enrolmentID string) (JurySession, bool, error) {
	all, err := scanJurySessions(q.db.QueryContext(ctx, jurySessionSelect+`
		WHERE s.status <> $1 AND s.id IN (SELECT session_id FROM jury_candidates WHERE enrolment_id = $2)`,
		string(JuryClosed), enrolmentID))
	if err != nil || len(all) == 0 {
		return JurySession{}, false, err
	}
	return all[0], true, nil
}

// JuryDecision is the jury's decision on one debated block of one enrolment, with its reason
// and, when the jury asked for it, the company referent's opinion.
type JuryDecision struct {
	ID              string
	SessionID       string
	EnrolmentID     string
	BlockCode       string
	Decision        string // A or NA
	Reason          string
	ReferentOpinion string
	DecidedAt       time.Time
	DecidedBy       string
	DecidedByName   string // filled when read
}

// SaveJuryDecision records a decision, replacing an earlier one on the same block of the same
// enrolment in the same session.
func (q Q) SaveJuryDecision(ctx context.Context, d JuryDecision) error {
	_, err := q.db.ExecContext(ctx,
		`INSERT INTO jury_decisions (id, session_id, enrolment_id, block_code, decision, reason, referent_opinion, decided_at, decided_by)
		 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
		 ON CONFLICT (session_id, enrolment_id, block_code) DO UPDATE SET decision = excluded.decision,
		 reason = excluded.reason, referent_opinion = excluded.referent_opinion, decided_at = excluded.decided_at,
		 decided_by = excluded.decided_by`,
		d.ID, d.SessionID, d.EnrolmentID, d.BlockCode, d.Decision, d.Reason, d.ReferentOpinion, d.DecidedAt.UTC(), d.DecidedBy)
	return normalize(err)
}

// DeleteJuryDecision removes a decision.
func (q Q) DeleteJuryDecision(ctx context.Context, sessionID, enrolmentID, blockCode string) error {
	res, err := q.db.ExecContext(ctx, `DELETE FROM jury_decisions WHERE session_id = $1 AND enrolment_id = $2 AND block_code = $3`,
		sessionID, enrolmentID, blockCode)
	if err := mustAffect(res, err); err != nil {
		if domain.ErrorCode(err) == domain.ENOTFOUND {
			return domain.Errorf(domain.ENOTFOUND, "Aucune décision du jury n'est enregistrée sur le bloc %s.", blockCode)
		}
		return err
	}
	return nil
}

// JuryDecisions returns a session's decisions, for every enrolment when enrolmentID is "".
func (q Q) JuryDecisions(ctx context.Context, sessionID, enrolmentID string) ([]JuryDecision, error) {
	var a args
	query := `SELECT d.id, d.session_id, d.enrolment_id, d.block_code, d.decision, d.reason, d.referent_opinion,
		d.decided_at, d.decided_by, COALESCE(u.name, '')
		FROM jury_decisions d LEFT JOIN users u ON u.id = d.decided_by
		WHERE d.session_id = ` + a.add(sessionID)
	if enrolmentID != "" {
		query += ` AND d.enrolment_id = ` + a.add(enrolmentID)
	}
	rows, err := q.db.QueryContext(ctx, query+` ORDER BY d.enrolment_id, d.block_code`, a...)
	if err != nil {
		return nil, normalize(err)
	}
	defer rows.Close()
	var out []JuryDecision
	for rows.Next() {
		var d JuryDecision
		if err := rows.Scan(&d.ID, &d.SessionID, &d.EnrolmentID, &d.BlockCode, &d.Decision, &d.Reason, &d.ReferentOpinion,
			&d.DecidedAt, &d.DecidedBy, &d.DecidedByName); err != nil {
			return nil, normalize(err)
		}
		d.DecidedAt = d.DecidedAt.UTC()
		out = append(out, d)
	}
	return out, normalize(rows.Err())
}

// AcquiredBlock is a block acquired for good at a closed session. It belongs to the person and
// the qualification (DOMAIN.md §7 rule 3): EnrolmentID and Route say on which of the person's
// enrolments it was acquired.
type AcquiredBlock struct {
	EnrolmentID string
	BlockCode   string
	SessionID   string
	AcquiredOn  domain.Date
	Route       domain.Route // the route of the enrolment it was acquired on (filled when read)
}

// AddAcquiredBlock records a block acquired at a session.
func (q Q) AddAcquiredBlock(ctx context.Context, b AcquiredBlock) error {
	_, err := q.db.ExecContext(ctx,
		`INSERT INTO acquired_blocks (enrolment_id, block_code, session_id, acquired_on) VALUES ($1, $2, $3, $4)`,
		b.EnrolmentID, b.BlockCode, b.SessionID, b.AcquiredOn.ISO())
	if err = normalize(err); domain.ErrorCode(err) == domain.ECONFLICT {
		return &domain.Error{Code: domain.ECONFLICT, Message: "Le bloc " + b.BlockCode + " est déjà acquis pour cette inscription.", Err: err}
	}
	return err
}

// DeleteAcquiredBlocksOfSession removes the blocks an enrolment acquired at one session: only
// a rectification of that session does so, before writing its own results.
func (q Q) DeleteAcquiredBlocksOfSession(ctx context.Context, enrolmentID, sessionID string) error {
	_, err := q.db.ExecContext(ctx, `DELETE FROM acquired_blocks WHERE enrolment_id = $1 AND session_id = $2`, enrolmentID, sessionID)
	return normalize(err)
}

// AcquiredBlocks returns the blocks the enrolment's candidate holds for the enrolment's
// qualification, acquired on this enrolment or on any other of theirs in the same
// qualification, whatever its route or framework version: one per block code (the earliest),
// by block code.
func (q Q) AcquiredBlocks(ctx context.Context, enrolmentID string) ([]AcquiredBlock, error) {
	rows, err := q.db.QueryContext(ctx,
		`SELECT ab.enrolment_id, ab.block_code, ab.session_id, ab.acquired_on, src.route
		 FROM enrolments e
		 JOIN enrolments src ON src.candidate_id = e.candidate_id AND src.qualification_id = e.qualification_id
		 JOIN acquired_blocks ab ON ab.enrolment_id = src.id
		 WHERE e.id = $1
		 ORDER BY ab.block_code, ab.acquired_on, ab.enrolment_id`,
		enrolmentID)
	if err != nil {
		return nil, normalize(err)
	}
	defer rows.Close()
	var out []AcquiredBlock
	for rows.Next() {
		var b AcquiredBlock
		var on, route string
		if err := rows.Scan(&b.EnrolmentID, &b.BlockCode, &b.SessionID, &on, &route); err != nil {
			return nil, normalize(err)
		}
		b.AcquiredOn, b.Route = parseDate(on), domain.Route(route)
		if n := len(out); n > 0 && out[n-1].BlockCode == b.BlockCode {
			continue // acquired twice on two enrolments: the first award counts
		}
		out = append(out, b)
	}
	return out, normalize(rows.Err())
}

// JuryUsers returns the enabled accounts that hold a jury role (member or president), by name.
func (q Q) JuryUsers(ctx context.Context) ([]domain.User, error) {
	var out []domain.User
	seen := map[string]bool{}
	for _, r := range []domain.Role{domain.RoleJuryMember, domain.RoleJuryPresident} {
		users, err := q.ListUsers(ctx, UserFilter{Role: r})
		if err != nil {
			return nil, err
		}
		for _, u := range users {
			if !seen[u.ID] && !u.Disabled() {
				seen[u.ID] = true
				out = append(out, u)
			}
		}
	}
	sortUsers(out)
	return out, nil
}

func sortUsers(us []domain.User) {
	slices.SortStableFunc(us, func(a, b domain.User) int {
		if c := strings.Compare(strings.ToLower(a.Name), strings.ToLower(b.Name)); c != 0 {
			return c
		}
		return strings.Compare(a.Email, b.Email)
	})
}

// ResultsWithoutJury lists what only a closed jury session may write and something else wrote
// (DOMAIN.md §7 rule 4): enrolments whose status is a jury's outcome (certified, partial,
// not_certified) other than the one the latest closed session that judged them gave, and
// acquired blocks whose session is not closed. Each line names the enrolment and what is wrong; a sound database gives none.
func (q Q) ResultsWithoutJury(ctx context.Context) ([]string, error) {
	rows, err := q.db.QueryContext(ctx,
		`SELECT e.id, 'status ' || e.status FROM enrolments e
		 WHERE e.status IN ($1, $2, $3)
		 AND e.status <> COALESCE((SELECT jc.outcome FROM jury_candidates jc JOIN jury_sessions s ON s.id = jc.session_id
		                           WHERE jc.enrolment_id = e.id AND s.status = $4
		                           ORDER BY s.closed_at DESC, s.starts_at DESC, s.id DESC LIMIT 1), '')
		 UNION ALL
		 SELECT ab.enrolment_id, 'block ' || ab.block_code FROM acquired_blocks ab JOIN jury_sessions s ON s.id = ab.session_id
		 WHERE s.status <> $4
		 ORDER BY 1, 2`,
		string(domain.StatusCertified), string(domain.StatusPartial), string(domain.StatusNotCertified), string(JuryClosed))
	if err != nil {
		return nil, normalize(err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var id, what string
		if err := rows.Scan(&id, &what); err != nil {
			return nil, normalize(err)
		}
		out = append(out, "enrolment "+id+": "+what+" without a closed jury session")
	}
	return out, normalize(rows.Err())
}
