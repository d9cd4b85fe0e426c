package store

import (
	"context"
	"database/sql"
	"sort"
	"strings"
	"time"

	"cqp/internal/domain"
)

// Commission is an evaluation commission.
type Commission struct {
	ID        string
	Name      string
	CreatedAt time.Time
	Members   []CommissionMember
	Orals     int // how many orals it holds, filled by Commissions
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

// Commissions returns every commission, newest first, with its members and its number of orals.
func (q Q) Commissions(ctx context.Context) ([]Commission, error) {
	rows, err := q.db.QueryContext(ctx, `SELECT c.id, c.name, c.created_at,
		(SELECT COUNT(*) FROM orals o WHERE o.commission_id = c.id)
		FROM commissions c ORDER BY c.created_at DESC, c.id DESC`)
	if err != nil {
		return nil, normalize(err)
	}
	var out []Commission
	for rows.Next() {
		var c Commission
		if err := rows.Scan(&c.ID, &c.Name, &c.CreatedAt, &c.Orals); err != nil {
			rows.Close()
			return nil, normalize(err)
		}
		c.CreatedAt = c.CreatedAt.UTC()
		out = append(out, c)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, normalize(err)
	}
	ids := make([]string, len(out))
	for i := range out {
		ids[i] = out[i].ID
	}
	members, err := q.commissionMembers(ctx, ids)
	if err != nil {
		return nil, err
	}
	for i := range out {
		out[i].Members = members[out[i].ID]
	}
	return out, nil
}

// Commission returns one commission with its members.
func (q Q) Commission(ctx context.Context, id string) (Commission, error) {
	var c Commission
	err := q.db.QueryRowContext(ctx, `SELECT id, name, created_at, (SELECT COUNT(*) FROM orals o WHERE o.commission_id = c.id)
		FROM commissions c WHERE id = $1`, id).Scan(&c.ID, &c.Name, &c.CreatedAt, &c.Orals)
	if err == sql.ErrNoRows {
		return c, &domain.Error{Code: domain.ENOTFOUND, Message: "Commission introuvable.", Err: err}
	}
	if err != nil {
		return c, normalize(err)
	}
	c.CreatedAt = c.CreatedAt.UTC()
	members, err := q.commissionMembers(ctx, []string{id})
	c.Members = members[id]
	return c, err
}

// commissionMembers returns the members of each commission, voting members first, by name.
func (q Q) commissionMembers(ctx context.Context, commissionIDs []string) (map[string][]CommissionMember, error) {
	out := map[string][]CommissionMember{}
	if len(commissionIDs) == 0 {
		return out, nil
	}
	var a args
	rows, err := q.db.QueryContext(ctx, `SELECT m.commission_id, m.user_id, u.name, u.email, m.voting
		FROM commission_members m JOIN users u ON u.id = m.user_id
		WHERE m.commission_id IN `+a.in(commissionIDs)+` ORDER BY m.commission_id, m.voting DESC, u.name, u.id`, a...)
	if err != nil {
		return nil, normalize(err)
	}
	defer rows.Close()
	for rows.Next() {
		var cid string
		var m CommissionMember
		var voting int
		if err := rows.Scan(&cid, &m.UserID, &m.Name, &m.Email, &voting); err != nil {
			return nil, normalize(err)
		}
		m.Voting = voting == 1
		out[cid] = append(out[cid], m)
	}
	return out, normalize(rows.Err())
}

// VotingMemberHearing reports whether the user is a voting member of a commission that holds
// an oral of the enrolment: who may fill the commission's grid.
func (q Q) VotingMemberHearing(ctx context.Context, userID, enrolmentID string) (bool, error) {
	var n int
	err := q.db.QueryRowContext(ctx, `SELECT COUNT(*) FROM orals o
		JOIN commission_members m ON m.commission_id = o.commission_id
		WHERE o.enrolment_id = $1 AND m.user_id = $2 AND m.voting = 1`, enrolmentID, userID).Scan(&n)
	return n > 0, normalize(err)
}

// Affiliation is a company or a training organisation a person works for: recorded by the
// secretariat (member_affiliations), or given by the scope of one of their roles.
type Affiliation struct {
	UserID   string
	Kind     string // "company" or "training_organisation"
	OrgID    string
	OrgName  string
	FromRole bool // derived from a role's scope, not recorded by hand
}

// Affiliation kinds.
const (
	AffiliationCompany              = "company"
	AffiliationTrainingOrganisation = "training_organisation"
)

// SetAffiliations replaces the affiliations recorded by hand for a user.
func (q Q) SetAffiliations(ctx context.Context, userID string, affs []Affiliation) error {
	if _, err := q.db.ExecContext(ctx, `DELETE FROM member_affiliations WHERE user_id = $1`, userID); err != nil {
		return normalize(err)
	}
	for _, af := range affs {
		if _, err := q.db.ExecContext(ctx, `INSERT INTO member_affiliations (user_id, kind, org_id) VALUES ($1, $2, $3)`,
			userID, af.Kind, af.OrgID); err != nil {
			return normalize(err)
		}
	}
	return nil
}

// Affiliations returns each user's affiliations, those recorded by hand and those given by
// the scopes of their training organisation, company and company referent roles, without
// duplicates, by kind then name.
func (q Q) Affiliations(ctx context.Context, userIDs []string) (map[string][]Affiliation, error) {
	out := map[string][]Affiliation{}
	if len(userIDs) == 0 {
		return out, nil
	}
	var a args
	in := a.in(userIDs)
	rows, err := q.db.QueryContext(ctx, `SELECT x.user_id, x.kind, x.org_id, x.from_role,
		COALESCE(co.name, o.name, '') FROM (
			SELECT user_id, kind, org_id, 0 AS from_role FROM member_affiliations WHERE user_id IN `+in+`
			UNION ALL
			SELECT user_id, CASE WHEN role = 'training_organisation' THEN 'training_organisation' ELSE 'company' END,
				scope_id, 1 FROM role_assignments
			WHERE user_id IN `+in+` AND role IN ('training_organisation', 'company', 'company_referent') AND scope_id <> ''
		) x
		LEFT JOIN companies co ON x.kind = 'company' AND co.id = x.org_id
		LEFT JOIN training_organisations o ON x.kind = 'training_organisation' AND o.id = x.org_id`, a...)
	if err != nil {
		return nil, normalize(err)
	}
	defer rows.Close()
	seen := map[[3]string]int{} // (user, kind, org) → index in out[user]
	for rows.Next() {
		var af Affiliation
		var fromRole int
		if err := rows.Scan(&af.UserID, &af.Kind, &af.OrgID, &fromRole, &af.OrgName); err != nil {
			return nil, normalize(err)
		}
		af.FromRole = fromRole == 1
		key := [3]string{af.UserID, af.Kind, af.OrgID}
		if i, ok := seen[key]; ok {
			if af.FromRole {
				out[af.UserID][i].FromRole = true
			}
			continue
		}
		seen[key] = len(out[af.UserID])
		out[af.UserID] = append(out[af.UserID], af)
	}
	if err := rows.Err(); err != nil {
		return nil, normalize(err)
	}
	for _, list := range out {
		sort.Slice(list, func(i, j int) bool {
			if list[i].Kind != list[j].Kind {
				return list[i].Kind > list[j].Kind // training organisations first
			}
			return domain.Fold(list[i].OrgName) < domain.Fold(list[j].OrgName)
		})
	}
	return out, nil
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

// Overlaps reports whether two orals share some time (one ending when the other starts does not).
func (o Oral) Overlaps(p Oral) bool {
	return o.StartsAt.Before(p.Ends()) && p.StartsAt.Before(o.Ends())
}

// CreateOral schedules an oral.
func (q Q) CreateOral(ctx context.Context, o Oral) error {
	_, err := q.db.ExecContext(ctx,
		`INSERT INTO orals (id, commission_id, enrolment_id, starts_at, duration_minutes, place, video_link, created_at)
		 VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
		o.ID, o.CommissionID, o.EnrolmentID, o.StartsAt.UTC(), o.DurationMinutes, o.Place, o.VideoLink, o.CreatedAt.UTC())
	return normalize(err)
}

// OralListing is an oral with what its screens and checks need: its commission and members,
// the candidate's identity and the enrolment's qualification, route and blocks.
type OralListing struct {
	Oral
	CommissionName         string
	Members                []CommissionMember
	Candidate              domain.Candidate // identity only
	QualificationTitle     string
	FrameworkID            string
	Route                  domain.Route
	Stage                  string // domain.StageBlocsFinal on the blocs route's final stage
	Blocks                 []string
	TrainingOrganisationID string
	CompanyID              string
}

// OralFilter narrows ListOrals; empty fields do not filter.
type OralFilter struct {
	ID           string
	CommissionID string
	EnrolmentID  string
	CandidateID  string
	// MemberUserIDs keeps the orals before a commission on which any of these people sit.
	MemberUserIDs []string
	MemberUserID  string    // the same, for one person
	From, Until   time.Time // starts_at in [From, Until)
}

// ListOrals returns orals by start time.
func (q Q) ListOrals(ctx context.Context, f OralFilter) ([]OralListing, error) {
	var a args
	var conds []string
	if f.ID != "" {
		conds = append(conds, `o.id = `+a.add(f.ID))
	}
	if f.CommissionID != "" {
		conds = append(conds, `o.commission_id = `+a.add(f.CommissionID))
	}
	if f.EnrolmentID != "" {
		conds = append(conds, `o.enrolment_id = `+a.add(f.EnrolmentID))
	}
	if f.CandidateID != "" {
		conds = append(conds, `e.candidate_id = `+a.add(f.CandidateID))
	}
	members := f.MemberUserIDs
	if f.MemberUserID != "" {
		members = append(append([]string(nil), members...), f.MemberUserID)
	}
	if len(members) > 0 {
		conds = append(conds, `o.commission_id IN (SELECT commission_id FROM commission_members WHERE user_id IN `+a.in(members)+`)`)
	} else if f.MemberUserIDs != nil {
		conds = append(conds, `1 = 0`)
	}
	if !f.From.IsZero() {
		conds = append(conds, `o.starts_at >= `+a.add(f.From.UTC()))
	}
	if !f.Until.IsZero() {
		conds = append(conds, `o.starts_at < `+a.add(f.Until.UTC()))
	}
	query := `SELECT ` + candidateColumns + `,
		o.id, o.commission_id, o.enrolment_id, o.starts_at, o.duration_minutes, o.place, o.video_link, o.created_at,
		cm.name, qu.title, e.framework_id, e.route, e.blocks, COALESCE(e.training_organisation_id, ''), COALESCE(e.company_id, ''), e.stage
		FROM orals o
		JOIN commissions cm ON cm.id = o.commission_id
		JOIN enrolments e ON e.id = o.enrolment_id
		JOIN qualifications qu ON qu.id = e.qualification_id
		JOIN candidates c ON c.id = e.candidate_id`
	if len(conds) > 0 {
		query += ` WHERE ` + strings.Join(conds, ` AND `)
	}
	rows, err := q.db.QueryContext(ctx, query+` ORDER BY o.starts_at, o.id`, a...)
	if err != nil {
		return nil, normalize(err)
	}
	var out []OralListing
	for rows.Next() {
		var o OralListing
		var route, blocks string
		c, err := scanCandidate(rows, &o.ID, &o.CommissionID, &o.EnrolmentID, &o.StartsAt, &o.DurationMinutes, &o.Place, &o.VideoLink,
			&o.Oral.CreatedAt, &o.CommissionName, &o.QualificationTitle, &o.FrameworkID, &route, &blocks,
			&o.TrainingOrganisationID, &o.CompanyID, &o.Stage)
		if err != nil {
			rows.Close()
			return nil, normalize(err)
		}
		o.Candidate = c
		o.StartsAt, o.Oral.CreatedAt = o.StartsAt.UTC(), o.Oral.CreatedAt.UTC()
		o.Route, o.Blocks = domain.Route(route), strings.Fields(blocks)
		out = append(out, o)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, normalize(err)
	}
	ids := map[string]bool{}
	var list []string
	for _, o := range out {
		if !ids[o.CommissionID] {
			ids[o.CommissionID] = true
			list = append(list, o.CommissionID)
		}
	}
	ms, err := q.commissionMembers(ctx, list)
	if err != nil {
		return nil, err
	}
	for i := range out {
		out[i].Members = ms[out[i].CommissionID]
	}
	return out, nil
}

// Oral returns one oral with its listing details.
func (q Q) Oral(ctx context.Context, id string) (OralListing, error) {
	list, err := q.ListOrals(ctx, OralFilter{ID: id})
	if err != nil {
		return OralListing{}, err
	}
	if len(list) == 0 {
		return OralListing{}, domain.Errorf(domain.ENOTFOUND, "Oral introuvable.")
	}
	return list[0], nil
}

// OralCandidate is an enrolment the secretariat may call to an oral.
type OralCandidate struct {
	EnrolmentID        string
	Candidate          domain.Candidate // identity
	QualificationTitle string
	Route              domain.Route
	Status             domain.EnrolmentStatus
	Orals              int // orals already scheduled for this enrolment
}

// OralCandidates returns the enrolments still on their way to the jury (neither withdrawn nor
// decided), by candidate name, with how many orals each already has.
func (q Q) OralCandidates(ctx context.Context) ([]OralCandidate, error) {
	rows, err := q.db.QueryContext(ctx, `SELECT `+candidateColumns+`, e.id, qu.title, e.route, e.status,
		(SELECT COUNT(*) FROM orals o WHERE o.enrolment_id = e.id)
		FROM enrolments e
		JOIN candidates c ON c.id = e.candidate_id
		JOIN qualifications qu ON qu.id = e.qualification_id
		WHERE e.status IN ($1, $2, $3, $4)
		ORDER BY c.sort_key, c.id, e.created_at, e.id`,
		string(domain.StatusEnrolled), string(domain.StatusInTraining), string(domain.StatusFinalEvaluation), string(domain.StatusAdmissibility))
	if err != nil {
		return nil, normalize(err)
	}
	defer rows.Close()
	var out []OralCandidate
	for rows.Next() {
		var oc OralCandidate
		var route, status string
		c, err := scanCandidate(rows, &oc.EnrolmentID, &oc.QualificationTitle, &route, &status, &oc.Orals)
		if err != nil {
			return nil, normalize(err)
		}
		oc.Candidate, oc.Route, oc.Status = c, domain.Route(route), domain.EnrolmentStatus(status)
		out = append(out, oc)
	}
	return out, normalize(rows.Err())
}

// RescheduleOral moves an oral: its start, duration, place and video link.
func (q Q) RescheduleOral(ctx context.Context, o Oral) error {
	res, err := q.db.ExecContext(ctx,
		`UPDATE orals SET starts_at = $1, duration_minutes = $2, place = $3, video_link = $4 WHERE id = $5`,
		o.StartsAt.UTC(), o.DurationMinutes, o.Place, o.VideoLink, o.ID)
	return mustAffect(res, err)
}

// DeleteOral removes a cancelled oral (the service keeps its state and the reason in the
// audit trail; grids belong to the enrolment, not to the oral) with the subjects drawn for it:
// a cancelled oral used no subject, and its next date draws again.
func (q Q) DeleteOral(ctx context.Context, id string) error {
	if _, err := q.db.ExecContext(ctx, `DELETE FROM subject_draws WHERE oral_id = $1`, id); err != nil {
		return normalize(err)
	}
	res, err := q.db.ExecContext(ctx, `DELETE FROM orals WHERE id = $1`, id)
	return mustAffect(res, err)
}
