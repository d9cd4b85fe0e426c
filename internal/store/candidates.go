package store

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"time"

	"cqp/internal/domain"
)

// CreateCandidate inserts a candidate.
func (q Q) CreateCandidate(ctx context.Context, c domain.Candidate) error {
	_, err := q.db.ExecContext(ctx,
		`INSERT INTO candidates (id, number, birth_name, used_name, first_names, birth_date, sex, birth_insee,
		 birth_country, birth_city, email, sort_key, search_key, user_id, created_at)
		 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15)`,
		c.ID, c.Number, c.BirthName, c.UsedName, c.FirstNames, c.BirthDate.ISO(), string(c.Sex), c.BirthINSEE,
		c.BirthCountry, c.BirthCity, c.Email, c.SortKey(), c.SearchKey(), nullString(c.UserID), c.CreatedAt.UTC())
	if err = normalize(err); domain.ErrorCode(err) == domain.ECONFLICT {
		return &domain.Error{Code: domain.ECONFLICT, Message: "Ce numéro de candidat existe déjà.", Err: err}
	}
	return err
}

// UpdateCandidateIdentity rewrites the identity fields of a candidate.
func (q Q) UpdateCandidateIdentity(ctx context.Context, c domain.Candidate) error {
	res, err := q.db.ExecContext(ctx,
		`UPDATE candidates SET birth_name = $1, used_name = $2, first_names = $3, birth_date = $4, sex = $5,
		 birth_insee = $6, birth_country = $7, birth_city = $8, email = $9, sort_key = $10, search_key = $11
		 WHERE id = $12`,
		c.BirthName, c.UsedName, c.FirstNames, c.BirthDate.ISO(), string(c.Sex), c.BirthINSEE, c.BirthCountry,
		c.BirthCity, c.Email, c.SortKey(), c.SearchKey(), c.ID)
	return mustAffect(res, err)
}

// SetCandidateUser links a candidate to their login account.
func (q Q) SetCandidateUser(ctx context.Context, candidateID, userID string) error {
	res, err := q.db.ExecContext(ctx, `UPDATE candidates SET user_id = $1 WHERE id = $2`, userID, candidateID)
	return mustAffect(res, err)
}

const candidateColumns = `c.id, c.number, c.birth_name, c.used_name, c.first_names, c.birth_date, c.sex, c.birth_insee,
	c.birth_country, c.birth_city, c.email, COALESCE(c.user_id, ''), c.created_at`

func scanCandidate(row interface{ Scan(...any) error }, extra ...any) (domain.Candidate, error) {
	var c domain.Candidate
	var birth, sex string
	dest := append([]any{&c.ID, &c.Number, &c.BirthName, &c.UsedName, &c.FirstNames, &birth, &sex, &c.BirthINSEE,
		&c.BirthCountry, &c.BirthCity, &c.Email, &c.UserID, &c.CreatedAt}, extra...)
	err := row.Scan(dest...)
	c.BirthDate, c.Sex = parseDate(birth), domain.Sex(sex)
	return c, err
}

// Scope limits what a query returns to what an actor may see. The zero Scope sees everything;
// a restricted Scope sees a candidate when any of its lists matches.
type Scope struct {
	Restricted              bool
	TrainingOrganisationIDs []string // candidates enrolled with these OFs
	CompanyIDs              []string // candidates enrolled with these companies
	ReferentUserID          string   // candidates this referent follows
	CandidateIDs            []string // these candidates (their own file)
	CommissionMemberUserID  string   // candidates whose oral is before a commission this user sits on
}

// candidateScopeSQL returns a condition on candidate alias c, or "" for an unrestricted scope.
func candidateScopeSQL(s Scope, a *args) string {
	if !s.Restricted {
		return ""
	}
	var parts []string
	if len(s.TrainingOrganisationIDs) > 0 {
		parts = append(parts, `c.id IN (SELECT candidate_id FROM enrolments WHERE training_organisation_id IN `+a.in(s.TrainingOrganisationIDs)+`)`)
	}
	if len(s.CompanyIDs) > 0 {
		parts = append(parts, `c.id IN (SELECT candidate_id FROM enrolments WHERE company_id IN `+a.in(s.CompanyIDs)+`)`)
	}
	if s.ReferentUserID != "" {
		parts = append(parts, `c.id IN (SELECT candidate_id FROM enrolments WHERE referent_user_id = `+a.add(s.ReferentUserID)+`)`)
	}
	if len(s.CandidateIDs) > 0 {
		parts = append(parts, `c.id IN `+a.in(s.CandidateIDs))
	}
	if s.CommissionMemberUserID != "" {
		parts = append(parts, `c.id IN (SELECT e.candidate_id FROM enrolments e JOIN orals o ON o.enrolment_id = e.id
			JOIN commission_members m ON m.commission_id = o.commission_id WHERE m.user_id = `+a.add(s.CommissionMemberUserID)+`)`)
	}
	if len(parts) == 0 {
		return "1 = 0"
	}
	return "(" + strings.Join(parts, " OR ") + ")"
}

// Candidate returns one candidate with their enrolments, if scope lets the caller see them;
// otherwise it is "not found", exactly as if the candidate did not exist.
func (q Q) Candidate(ctx context.Context, id string, scope Scope) (domain.Candidate, error) {
	var a args
	where := `c.id = ` + a.add(id)
	if cond := candidateScopeSQL(scope, &a); cond != "" {
		where += " AND " + cond
	}
	c, err := scanCandidate(q.db.QueryRowContext(ctx, `SELECT `+candidateColumns+` FROM candidates c WHERE `+where, a...))
	if err != nil {
		if err == sql.ErrNoRows {
			return c, &domain.Error{Code: domain.ENOTFOUND, Message: "Candidat introuvable.", Err: err}
		}
		return c, normalize(err)
	}
	c.Enrolments, err = q.EnrolmentsOfCandidate(ctx, c.ID)
	return c, err
}

// CandidateFilter is what the candidates list may be narrowed by. Search matches names with or
// without accents, the candidate number and the birth date.
type CandidateFilter struct {
	Search                 string
	QualificationCode      string
	Route                  domain.Route
	Status                 domain.EnrolmentStatus
	TrainingOrganisationID string
	Scope                  Scope
	Limit                  int
	Offset                 int
}

// CandidateRow is one line of the candidates list: a candidate with one enrolment (a candidate
// without enrolment appears once with an empty enrolment).
type CandidateRow struct {
	Candidate domain.Candidate
	Enrolment domain.Enrolment
}

// CandidatePage is one page of the list and the total count of matching rows.
type CandidatePage struct {
	Rows  []CandidateRow
	Total int
}

// ListCandidates returns one page of candidates ordered by name.
func (q Q) ListCandidates(ctx context.Context, f CandidateFilter) (CandidatePage, error) {
	var a args
	var conds []string
	if cond := candidateScopeSQL(f.Scope, &a); cond != "" {
		conds = append(conds, cond)
	}
	for _, term := range strings.Fields(domain.Fold(f.Search)) {
		conds = append(conds, `c.search_key LIKE `+a.add("%"+escapeLike(term)+"%")+` ESCAPE '\'`)
	}
	if f.QualificationCode != "" {
		conds = append(conds, `qu.code = `+a.add(f.QualificationCode))
	}
	if f.Route != "" {
		conds = append(conds, `e.route = `+a.add(string(f.Route)))
	}
	if f.Status != "" {
		conds = append(conds, `e.status = `+a.add(string(f.Status)))
	}
	if f.TrainingOrganisationID != "" {
		conds = append(conds, `e.training_organisation_id = `+a.add(f.TrainingOrganisationID))
	}
	if f.Scope.Restricted && len(f.Scope.TrainingOrganisationIDs) > 0 && len(f.Scope.CompanyIDs) == 0 &&
		f.Scope.ReferentUserID == "" && len(f.Scope.CandidateIDs) == 0 {
		// An OF sees its own enrolments only, not the candidate's enrolments with other OFs.
		conds = append(conds, `e.training_organisation_id IN `+a.in(f.Scope.TrainingOrganisationIDs))
	}
	from := ` FROM candidates c
		LEFT JOIN enrolments e ON e.candidate_id = c.id
		LEFT JOIN qualifications qu ON qu.id = e.qualification_id
		LEFT JOIN training_organisations o ON o.id = e.training_organisation_id`
	where := ""
	if len(conds) > 0 {
		where = " WHERE " + strings.Join(conds, " AND ")
	}
	var page CandidatePage
	if err := q.db.QueryRowContext(ctx, `SELECT COUNT(*)`+from+where, a...).Scan(&page.Total); err != nil {
		return page, normalize(err)
	}
	limit := f.Limit
	if limit <= 0 || limit > 500 {
		limit = 50
	}
	query := `SELECT ` + candidateColumns + `, COALESCE(e.id, ''), COALESCE(qu.code, ''), COALESCE(qu.title, ''),
		COALESCE(e.route, ''), COALESCE(e.status, ''), COALESCE(o.name, '')` + from + where +
		` ORDER BY c.sort_key, c.id, e.created_at LIMIT ` + a.add(limit) + ` OFFSET ` + a.add(f.Offset)
	rows, err := q.db.QueryContext(ctx, query, a...)
	if err != nil {
		return page, normalize(err)
	}
	defer rows.Close()
	for rows.Next() {
		var r CandidateRow
		var route, status string
		c, err := scanCandidate(rows, &r.Enrolment.ID, &r.Enrolment.QualificationCode, &r.Enrolment.QualificationTitle,
			&route, &status, &r.Enrolment.TrainingOrganisationName)
		if err != nil {
			return page, normalize(err)
		}
		r.Candidate = c
		r.Enrolment.Route, r.Enrolment.Status = domain.Route(route), domain.EnrolmentStatus(status)
		page.Rows = append(page.Rows, r)
	}
	return page, normalize(rows.Err())
}

func escapeLike(s string) string {
	return strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`).Replace(s)
}

// NextCandidateNumber returns the next free number of the form C-YYYY-NNNNN.
func (q Q) NextCandidateNumber(ctx context.Context, now time.Time) (string, error) {
	prefix := "C-" + now.In(domain.Paris()).Format("2006") + "-"
	var last sql.NullString
	err := q.db.QueryRowContext(ctx, `SELECT MAX(number) FROM candidates WHERE number LIKE $1`, prefix+"%").Scan(&last)
	if err != nil {
		return "", normalize(err)
	}
	n := 0
	if last.Valid {
		for _, r := range strings.TrimPrefix(last.String, prefix) {
			n = n*10 + int(r-'0')
		}
	}
	return fmt.Sprintf("%s%05d", prefix, n+1), nil
}
