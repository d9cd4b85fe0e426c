package store

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"cqp/internal/domain"
)

// CreateSubjectCommitteeSession records a committee session with its members.
func (q Q) CreateSubjectCommitteeSession(ctx context.Context, s domain.SubjectCommitteeSession) error {
	if _, err := q.db.ExecContext(ctx,
		`INSERT INTO subject_committee_sessions (id, starts_at, place, created_at, created_by) VALUES ($1, $2, $3, $4, $5)`,
		s.ID, s.StartsAt.UTC(), s.Place, s.CreatedAt.UTC(), s.CreatedBy); err != nil {
		return normalize(err)
	}
	for _, u := range sortedUnique(s.Members) {
		if _, err := q.db.ExecContext(ctx, `INSERT INTO subject_committee_members (session_id, user_id) VALUES ($1, $2)`, s.ID, u); err != nil {
			return normalize(err)
		}
	}
	return nil
}

// SubjectCommitteeMember is a member of a session, with their name.
type SubjectCommitteeMember struct {
	UserID string
	Name   string
	Email  string
}

// SubjectCommitteeSessionListing is a session with its members and the number of decisions
// taken in it.
type SubjectCommitteeSessionListing struct {
	domain.SubjectCommitteeSession
	MemberNames []SubjectCommitteeMember
	Decisions   int
}

// SubjectCommitteeSessions lists the sessions, the latest first; a non-empty memberID keeps
// the sessions that member sits on.
func (q Q) SubjectCommitteeSessions(ctx context.Context, memberID string) ([]SubjectCommitteeSessionListing, error) {
	var a args
	where := ""
	if memberID != "" {
		where = ` WHERE EXISTS (SELECT 1 FROM subject_committee_members m WHERE m.session_id = s.id AND m.user_id = ` + a.add(memberID) + `)`
	}
	rows, err := q.db.QueryContext(ctx,
		`SELECT s.id, s.starts_at, s.place, s.created_at, s.created_by,
		 (SELECT COUNT(*) FROM subject_reviews r WHERE r.session_id = s.id)
		 FROM subject_committee_sessions s`+where+` ORDER BY s.starts_at DESC, s.id`, a...)
	if err != nil {
		return nil, normalize(err)
	}
	var out []SubjectCommitteeSessionListing
	for rows.Next() {
		var l SubjectCommitteeSessionListing
		if err := rows.Scan(&l.ID, &l.StartsAt, &l.Place, &l.CreatedAt, &l.CreatedBy, &l.Decisions); err != nil {
			rows.Close()
			return nil, normalize(err)
		}
		l.StartsAt, l.CreatedAt = l.StartsAt.UTC(), l.CreatedAt.UTC()
		out = append(out, l)
	}
	if err := rows.Close(); err != nil {
		return nil, normalize(err)
	}
	if err := normalize(rows.Err()); err != nil {
		return nil, err
	}
	for i := range out {
		members, err := q.subjectCommitteeMembers(ctx, out[i].ID)
		if err != nil {
			return nil, err
		}
		out[i].MemberNames = members
		for _, m := range members {
			out[i].Members = append(out[i].Members, m.UserID)
		}
	}
	return out, nil
}

// SubjectCommitteeSession returns one session with its members.
func (q Q) SubjectCommitteeSession(ctx context.Context, id string) (SubjectCommitteeSessionListing, error) {
	var l SubjectCommitteeSessionListing
	err := q.db.QueryRowContext(ctx,
		`SELECT s.id, s.starts_at, s.place, s.created_at, s.created_by,
		 (SELECT COUNT(*) FROM subject_reviews r WHERE r.session_id = s.id)
		 FROM subject_committee_sessions s WHERE s.id = $1`, id).
		Scan(&l.ID, &l.StartsAt, &l.Place, &l.CreatedAt, &l.CreatedBy, &l.Decisions)
	if domain.ErrorCode(normalize(err)) == domain.ENOTFOUND {
		return l, domain.Errorf(domain.ENOTFOUND, "Séance de la commission de sujets introuvable.")
	}
	if err != nil {
		return l, normalize(err)
	}
	l.StartsAt, l.CreatedAt = l.StartsAt.UTC(), l.CreatedAt.UTC()
	members, err := q.subjectCommitteeMembers(ctx, id)
	l.MemberNames = members
	for _, m := range members {
		l.Members = append(l.Members, m.UserID)
	}
	return l, err
}

func (q Q) subjectCommitteeMembers(ctx context.Context, sessionID string) ([]SubjectCommitteeMember, error) {
	rows, err := q.db.QueryContext(ctx,
		`SELECT u.id, u.name, u.email FROM subject_committee_members m JOIN users u ON u.id = m.user_id
		 WHERE m.session_id = $1 ORDER BY u.name, u.id`, sessionID)
	if err != nil {
		return nil, normalize(err)
	}
	defer rows.Close()
	var out []SubjectCommitteeMember
	for rows.Next() {
		var m SubjectCommitteeMember
		if err := rows.Scan(&m.UserID, &m.Name, &m.Email); err != nil {
			return nil, normalize(err)
		}
		out = append(out, m)
	}
	return out, normalize(rows.Err())
}

// CreateSubjectReview records one committee decision.
func (q Q) CreateSubjectReview(ctx context.Context, r domain.SubjectReview) error {
	_, err := q.db.ExecContext(ctx,
		`INSERT INTO subject_reviews (id, subject_id, session_id, version, decision, reason, validity_years, reviewer_id, reviewed_at)
		 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
		r.ID, r.SubjectID, nullString(r.SessionID), r.Version, string(r.Decision), r.Reason, r.ValidityYears, r.ReviewerID, r.ReviewedAt.UTC())
	return normalize(err)
}

// SubjectReviews returns a subject's decisions, the oldest first.
func (q Q) SubjectReviews(ctx context.Context, subjectID string) ([]domain.SubjectReview, error) {
	rows, err := q.db.QueryContext(ctx,
		`SELECT r.id, r.subject_id, COALESCE(r.session_id, ''), r.version, r.decision, r.reason, r.validity_years,
		 r.reviewer_id, COALESCE(u.name, ''), r.reviewed_at
		 FROM subject_reviews r LEFT JOIN users u ON u.id = r.reviewer_id WHERE r.subject_id = $1 ORDER BY r.reviewed_at, r.id`, subjectID)
	if err != nil {
		return nil, normalize(err)
	}
	defer rows.Close()
	var out []domain.SubjectReview
	for rows.Next() {
		var r domain.SubjectReview
		var decision string
		if err := rows.Scan(&r.ID, &r.SubjectID, &r.SessionID, &r.Version, &decision, &r.Reason, &r.ValidityYears,
			&r.ReviewerID, &r.ReviewerName, &r.ReviewedAt); err != nil {
			return nil, normalize(err)
		}
		r.Decision, r.ReviewedAt = domain.SubjectDecision(decision), r.ReviewedAt.UTC()
		out = append(out, r)
	}
	return out, normalize(rows.Err())
}

// CreateSubjectDraw records a subject drawn for an oral. A second draw in force for the same
// oral and kind is a conflict.
func (q Q) CreateSubjectDraw(ctx context.Context, d domain.SubjectDraw) error {
	_, err := q.db.ExecContext(ctx,
		`INSERT INTO subject_draws (id, oral_id, subject_id, kind, version, candidate_id, enrolment_id, drawn_by, drawn_at)
		 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
		d.ID, d.OralID, d.SubjectID, string(d.Kind), d.Version, d.CandidateID, d.EnrolmentID, d.DrawnBy, d.DrawnAt.UTC())
	if err = normalize(err); domain.ErrorCode(err) == domain.ECONFLICT {
		return domain.Errorf(domain.ECONFLICT, "Un sujet de ce type est déjà tiré pour cet oral.")
	}
	return err
}

// ReplaceSubjectDraw ends the draw oldID (it stays, with who redrew, when and why) and
// records next in its place.
func (q Q) ReplaceSubjectDraw(ctx context.Context, oldID string, next domain.SubjectDraw, by, reason string) error {
	res, err := q.db.ExecContext(ctx,
		`UPDATE subject_draws SET replaced_at = $1, replaced_by = $2, redrawn_by = $3, redraw_reason = $4
		 WHERE id = $5 AND replaced_at IS NULL`, next.DrawnAt.UTC(), next.ID, by, reason, oldID)
	if err := mustAffectInState(res, err, "Ce tirage a déjà été remplacé."); err != nil {
		return err
	}
	return q.CreateSubjectDraw(ctx, next)
}

const subjectDrawColumns = `id, oral_id, subject_id, kind, version, candidate_id, enrolment_id, drawn_by, drawn_at,
	replaced_at, replaced_by, redrawn_by, redraw_reason`

// SubjectDraws returns an oral's draws, those in force and those replaced, in the order drawn.
func (q Q) SubjectDraws(ctx context.Context, oralID string) ([]domain.SubjectDraw, error) {
	return q.subjectDraws(ctx, `SELECT `+subjectDrawColumns+` FROM subject_draws WHERE oral_id = $1 ORDER BY drawn_at, id`, oralID)
}

// SubjectDrawsOfSubject returns the draws of one subject, in force and replaced, the latest first.
func (q Q) SubjectDrawsOfSubject(ctx context.Context, subjectID string) ([]domain.SubjectDraw, error) {
	return q.subjectDraws(ctx, `SELECT `+subjectDrawColumns+` FROM subject_draws WHERE subject_id = $1 ORDER BY drawn_at DESC, id`, subjectID)
}

func (q Q) subjectDraws(ctx context.Context, query string, a ...any) ([]domain.SubjectDraw, error) {
	rows, err := q.db.QueryContext(ctx, query, a...)
	if err != nil {
		return nil, normalize(err)
	}
	defer rows.Close()
	var out []domain.SubjectDraw
	for rows.Next() {
		var d domain.SubjectDraw
		var kind string
		var replaced sql.NullTime
		if err := rows.Scan(&d.ID, &d.OralID, &d.SubjectID, &kind, &d.Version, &d.CandidateID, &d.EnrolmentID, &d.DrawnBy,
			&d.DrawnAt, &replaced, &d.ReplacedBy, &d.RedrawnBy, &d.RedrawReason); err != nil {
			return nil, normalize(err)
		}
		d.Kind, d.DrawnAt, d.ReplacedAt = domain.SubjectKind(kind), d.DrawnAt.UTC(), timePtr(replaced)
		out = append(out, d)
	}
	return out, normalize(rows.Err())
}

// DrawableFilter says which subjects an oral may draw: valid on day On, of Kind, for the
// qualification, covering only the candidate's Blocks, never proposed by one of the
// ExcludedOrgs (the candidate's training organisation and company), never met by the
// candidate before.
type DrawableFilter struct {
	QualificationID string
	Kind            domain.SubjectKind
	On              domain.Date
	Blocks          []string
	ExcludedOrgs    []string
	CandidateID     string
}

// DrawableSubjects lists the subjects an oral may draw, the least used first (then the
// longest unused), with their use. The caller draws at random among the least used.
func (q Q) DrawableSubjects(ctx context.Context, f DrawableFilter) ([]SubjectListing, error) {
	var a args
	conds := []string{`s.status = 'accepted'`, `s.qualification_id = ` + a.add(f.QualificationID),
		`s.kind = ` + a.add(string(f.Kind)), `s.valid_until >= ` + a.add(f.On.ISO())}
	if len(f.Blocks) > 0 {
		conds = append(conds, `NOT EXISTS (SELECT 1 FROM subject_blocks b WHERE b.subject_id = s.id AND b.block_code NOT IN `+a.in(f.Blocks)+`)`)
	}
	if len(f.ExcludedOrgs) > 0 {
		conds = append(conds, `s.proposer_org_id NOT IN `+a.in(f.ExcludedOrgs))
	}
	if f.CandidateID != "" {
		conds = append(conds, `NOT EXISTS (SELECT 1 FROM subject_draws m WHERE m.candidate_id = `+a.add(f.CandidateID)+` AND m.subject_id = s.id)`)
	}
	rows, err := q.db.QueryContext(ctx, `SELECT `+subjectColumns+`, COALESCE(d.uses, 0), d.last_used`+subjectFrom+subjectUses+
		` WHERE `+joinAnd(conds)+` ORDER BY COALESCE(d.uses, 0), CASE WHEN d.last_used IS NULL THEN 0 ELSE 1 END, d.last_used, s.id`, a...)
	if err != nil {
		return nil, normalize(err)
	}
	defer rows.Close()
	var out []SubjectListing
	for rows.Next() {
		var l SubjectListing
		var last aggregateTime
		s, err := scanSubject(rows, &l.Uses, &last)
		if err != nil {
			return nil, normalize(err)
		}
		l.Subject, l.LastUsed = s, last.t
		out = append(out, l)
	}
	return out, normalize(rows.Err())
}

// SubjectsMetBy returns the IDs of the subjects ever drawn for the candidate, replaced draws
// included (the candidate may have read them).
func (q Q) SubjectsMetBy(ctx context.Context, candidateID string) ([]string, error) {
	rows, err := q.db.QueryContext(ctx, `SELECT DISTINCT subject_id FROM subject_draws WHERE candidate_id = $1 ORDER BY subject_id`, candidateID)
	if err != nil {
		return nil, normalize(err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			return nil, normalize(err)
		}
		out = append(out, id)
	}
	return out, normalize(rows.Err())
}

// SubjectUse is how often a subject was drawn (draws in force) and when last.
type SubjectUse struct {
	Uses     int
	LastUsed *time.Time
}

// SubjectUses returns the use of every subject drawn at least once.
func (q Q) SubjectUses(ctx context.Context) (map[string]SubjectUse, error) {
	rows, err := q.db.QueryContext(ctx, `SELECT subject_id, COUNT(*), MAX(drawn_at) FROM subject_draws WHERE replaced_at IS NULL GROUP BY subject_id`)
	if err != nil {
		return nil, normalize(err)
	}
	defer rows.Close()
	out := map[string]SubjectUse{}
	for rows.Next() {
		var id string
		var u SubjectUse
		var last aggregateTime
		if err := rows.Scan(&id, &u.Uses, &last); err != nil {
			return nil, normalize(err)
		}
		u.LastUsed = last.t
		out[id] = u
	}
	return out, normalize(rows.Err())
}

func joinAnd(conds []string) string {
	out := ""
	for i, c := range conds {
		if i > 0 {
			out += " AND "
		}
		out += c
	}
	return out
}

// aggregateTime scans a MAX() or MIN() of a timestamp column: PostgreSQL gives a time, SQLite
// the stored text (an aggregate loses the column's type there).
type aggregateTime struct{ t *time.Time }

func (a *aggregateTime) Scan(v any) error {
	switch x := v.(type) {
	case nil:
		a.t = nil
	case time.Time:
		t := x.UTC()
		a.t = &t
	case string:
		return a.parse(x)
	case []byte:
		return a.parse(string(x))
	default:
		return fmt.Errorf("aggregate time: unexpected %T", v)
	}
	return nil
}

func (a *aggregateTime) parse(s string) error {
	for _, layout := range []string{"2006-01-02 15:04:05.999999999-07:00", "2006-01-02 15:04:05.999999999Z07:00", time.RFC3339Nano, "2006-01-02 15:04:05"} {
		if t, err := time.Parse(layout, s); err == nil {
			t = t.UTC()
			a.t = &t
			return nil
		}
	}
	return fmt.Errorf("aggregate time: cannot read %q", s)
}
