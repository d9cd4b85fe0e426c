package store

import (
	"context"
	"database/sql"
	"fmt"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"cqp/internal/domain"
)

// CreateCandidate inserts a candidate.
func (q Q) CreateCandidate(ctx context.Context, c domain.Candidate) error {
	_, err := q.db.ExecContext(ctx,
		`INSERT INTO candidates (id, number, birth_name, used_name, first_names, birth_date, sex, birth_insee,
		 birth_country, birth_city, email, sort_key, search_key, user_id, created_at, nir)
		 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16)`,
		c.ID, c.Number, c.BirthName, c.UsedName, c.FirstNames, c.BirthDate.ISO(), string(c.Sex), c.BirthINSEE,
		c.BirthCountry, c.BirthCity, c.Email, c.SortKey(), c.SearchKey(), nullString(c.UserID), c.CreatedAt.UTC(), c.NIR)
	if err = normalize(err); domain.ErrorCode(err) == domain.ECONFLICT {
		return &domain.Error{Code: domain.ECONFLICT, Message: "Ce numéro de candidat existe déjà.", Err: err}
	}
	return err
}

// UpdateCandidateIdentity rewrites the identity fields of a candidate.
func (q Q) UpdateCandidateIdentity(ctx context.Context, c domain.Candidate) error {
	res, err := q.db.ExecContext(ctx,
		`UPDATE candidates SET birth_name = $1, used_name = $2, first_names = $3, birth_date = $4, sex = $5,
		 birth_insee = $6, birth_country = $7, birth_city = $8, email = $9, sort_key = $10, search_key = $11, nir = $12
		 WHERE id = $13`,
		c.BirthName, c.UsedName, c.FirstNames, c.BirthDate.ISO(), string(c.Sex), c.BirthINSEE, c.BirthCountry,
		c.BirthCity, c.Email, c.SortKey(), c.SearchKey(), c.NIR, c.ID)
	return mustAffect(res, err)
}

// SetCandidateUser links a candidate to their login account.
func (q Q) SetCandidateUser(ctx context.Context, candidateID, userID string) error {
	res, err := q.db.ExecContext(ctx, `UPDATE candidates SET user_id = $1 WHERE id = $2`, userID, candidateID)
	return mustAffect(res, err)
}

const candidateColumns = `c.id, c.number, c.birth_name, c.used_name, c.first_names, c.birth_date, c.sex, c.birth_insee,
	c.birth_country, c.birth_city, c.email, COALESCE(c.user_id, ''), c.created_at, c.erased_at, c.nir`

func scanCandidate(row interface{ Scan(...any) error }, extra ...any) (domain.Candidate, error) {
	var c domain.Candidate
	var birth, sex string
	var erased sql.NullTime
	dest := append([]any{&c.ID, &c.Number, &c.BirthName, &c.UsedName, &c.FirstNames, &birth, &sex, &c.BirthINSEE,
		&c.BirthCountry, &c.BirthCity, &c.Email, &c.UserID, &c.CreatedAt, &erased, &c.NIR}, extra...)
	err := row.Scan(dest...)
	c.BirthDate, c.Sex, c.ErasedAt = parseDate(birth), domain.Sex(sex), timePtr(erased)
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
	Stage                  string // domain.StageBlocsFinal: the blocs route's final stages only
	TrainingOrganisationID string
	// Task, when set, keeps the enrolments on which that work waits (the dashboard's tasks).
	Task   *Task
	Scope  Scope
	Limit  int
	Offset int
	// After, when set, reads the Limit rows (up to 1 000) that follow it in the list's order
	// instead of a page from Offset, and counts nothing: an export walks the whole list so.
	After *CandidateCursor
	// CountLimit, when positive, stops counting past it: a Total above it is given as
	// CountLimit with TotalCapped. A broad search (one letter matches nearly everyone) is
	// then counted in the time it takes to find that many rows.
	CountLimit int
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
	// TotalCapped says that more than Total rows match (CandidateFilter.CountLimit).
	TotalCapped bool
}

// ListCandidates returns one page of candidates ordered by name, and how many rows match.
//
// It is written for lists of 100 000 candidates and more (docs/PERFORMANCE.md): the total is
// counted from the smallest set that answers it, while the page is read; the page's rows are
// found on indexed columns alone before their displayed columns are read; and a page deep in
// the whole list starts from the candidate it begins with instead of skipping every row before.
// With a cursor (After), it reads the rows that follow it and counts nothing.
func (q Q) ListCandidates(ctx context.Context, f CandidateFilter) (CandidatePage, error) {
	var a args
	cand, enrol, orgs := candidateConditions(f, &a, q.dialect)
	limit := f.Limit
	if limit <= 0 || limit > 1000 || (f.After == nil && limit > 500) {
		limit = 50
	}
	if f.After != nil {
		rows, err := q.candidateRowsAfter(ctx, *f.After, cand, enrol, orgs, a, limit)
		return CandidatePage{Rows: rows}, err
	}
	offset := max(f.Offset, 0)

	// A row is a candidate with one of their enrolments, or alone when they have none.
	if len(cand)+len(enrol)+len(orgs) == 0 { // counted from three index counts: never long
		page, err := q.listEveryCandidate(ctx, limit, offset)
		return capTotal(page, f.CountLimit), err
	}
	if len(enrol)+len(orgs) == 0 {
		page, err := q.listCandidatesMatching(ctx, cand, a, f.CountLimit, limit, offset)
		return capTotal(page, f.CountLimit), err
	}
	// Only candidates with a matching enrolment: count enrolments.
	count := `SELECT COUNT(*) FROM enrolments e`
	if len(cand) > 0 {
		count += ` JOIN candidates c ON c.id = e.candidate_id`
	}
	count += whereAll(cand, enrol, orgs)
	if f.CountLimit > 0 {
		count = `SELECT COUNT(*) FROM (` + strings.Replace(count, `SELECT COUNT(*)`, `SELECT 1`, 1) +
			fmt.Sprintf(` LIMIT %d) capped`, f.CountLimit+1)
	}
	if len(enrol) > 0 && len(cand) == 0 && len(orgs) == 0 {
		// Conditions on the enrolments alone: when few match, read them first and sort them,
		// rather than walk the candidates in name order probing each one's enrolments (on
		// PostgreSQL, 41 000 probes for 50 rows out of 1 042 matches at 100 000 candidates).
		var few int
		most := enrolmentDrivenLimit[q.dialect]
		err := q.db.QueryRowContext(ctx, `SELECT COUNT(*) FROM (SELECT 1 FROM enrolments e`+whereAll(enrol)+
			fmt.Sprintf(` LIMIT %d) m`, most+1), a...).Scan(&few)
		if err != nil {
			return CandidatePage{}, normalize(err)
		}
		if few <= most {
			keys := `WITH m AS MATERIALIZED (SELECT e.id, e.candidate_id, e.created_at FROM enrolments e` + whereAll(enrol) + `)
				SELECT c.sort_key AS sk, c.id AS cid, m.created_at AS ec, m.id AS eid FROM m JOIN candidates c ON c.id = m.candidate_id
				ORDER BY c.sort_key, c.id, m.created_at, m.id LIMIT ` + a.add(limit) + ` OFFSET ` + a.add(offset)
			rows, err := q.pageRowsFrom(ctx, keys, a)
			return capTotal(CandidatePage{Rows: rows, Total: few}, f.CountLimit), err
		}
	}
	join, conds := candidateJoin(cand, enrol, orgs)
	page, err := q.candidatePage(ctx, count, slices.Clone(a), func() ([]CandidateRow, error) {
		return q.pageRows(ctx, join, conds, a, limit, offset)
	})
	return capTotal(page, f.CountLimit), err
}

// rowsPerCandidate is how many rows of the list a candidate (c) takes when no condition bears
// on the enrolments: one for each enrolment, one when they have none.
const rowsPerCandidate = `CASE WHEN c.enrolment_count > 1 THEN c.enrolment_count ELSE 1 END`

// listCandidatesMatching is a page of the list when only conditions on the candidate (cand)
// filter it, a search for one. Neither its total nor its page joins every match's enrolments
// (8 761 for « lefevre » at a million candidates): the total adds up each match's
// enrolment_count (migration 00045), from the candidates alone, and the page takes the first
// offset+limit matches in name order, each at least one row, then joins their enrolments only.
// With countLimit, the total stops at the first countLimit+1 matches: their rows reach past it
// unless fewer match.
func (q Q) listCandidatesMatching(ctx context.Context, cand []string, a args, countLimit, limit, offset int) (CandidatePage, error) {
	count := `SELECT COALESCE(SUM(` + rowsPerCandidate + `), 0) FROM candidates c` + whereAll(cand)
	if countLimit > 0 {
		count = `SELECT COALESCE(SUM(n), 0) FROM (SELECT ` + rowsPerCandidate + ` AS n FROM candidates c` + whereAll(cand) +
			fmt.Sprintf(` LIMIT %d) capped`, countLimit+1)
	}
	countArgs := slices.Clone(a)
	return q.candidatePage(ctx, count, countArgs, func() ([]CandidateRow, error) {
		keys := `SELECT m.sk, m.cid, e.created_at AS ec, e.id AS eid FROM (SELECT c.sort_key AS sk, c.id AS cid FROM candidates c` +
			whereAll(cand) + ` ORDER BY c.sort_key, c.id LIMIT ` + a.add(offset+limit) + `) m
			LEFT JOIN enrolments e ON e.candidate_id = m.cid
			ORDER BY m.sk, m.cid, e.created_at, e.id LIMIT ` + a.add(limit) + ` OFFSET ` + a.add(offset)
		return q.pageRowsFrom(ctx, keys, a)
	})
}

// candidateJoin is how the list's rows are walked in name order: the candidates joined to
// their enrolments, under the conditions.
func candidateJoin(cand, enrol, orgs []string) (join string, conds []string) {
	join, conds = `LEFT JOIN enrolments e ON e.candidate_id = c.id`, slices.Concat(cand, enrol)
	if len(orgs) > 0 && len(enrol) == 0 {
		// An organisation's enrolments are a large share of all of them: walking the candidates in
		// name order finds a page sooner than sorting them all. Put in the join, with a condition
		// that drops the candidates left without a matching enrolment but that SQLite does not
		// turn back into an inner join, the organisation condition keeps SQLite on that walk even
		// without statistics; PostgreSQL chooses from its own.
		join += ` AND ` + strings.Join(orgs, ` AND `)
		conds = append(conds, `COALESCE(e.id, '') <> ''`)
	} else {
		conds = append(conds, orgs...)
	}
	return join, conds
}

// CandidateCursor is where a walk through the whole list stands: the last row read, by its
// candidate and its enrolment (empty for a candidate listed without one). The zero cursor is
// the start of the list.
type CandidateCursor struct {
	CandidateID string
	EnrolmentID string
}

// CursorAfter is the cursor that follows row r.
func CursorAfter(r CandidateRow) *CandidateCursor {
	return &CandidateCursor{CandidateID: r.Candidate.ID, EnrolmentID: r.Enrolment.ID}
}

// candidateRowsAfter reads limit rows of the list from those that follow the cursor, in the
// list's order, without counting: each batch starts from the cursor's candidate in the name
// index, so a walk through the whole list costs the same for its last rows as for its first.
func (q Q) candidateRowsAfter(ctx context.Context, after CandidateCursor, cand, enrol, orgs []string, a args, limit int) ([]CandidateRow, error) {
	join, conds := candidateJoin(cand, enrol, orgs)
	if after.CandidateID != "" {
		var sortKey string
		err := q.db.QueryRowContext(ctx, `SELECT sort_key FROM candidates WHERE id = $1`, after.CandidateID).Scan(&sortKey)
		if err == sql.ErrNoRows { // erased since: start after where its name stood is unknown
			return nil, domain.Errorf(domain.ECONFLICT, "Le candidat où reprendre la liste a été supprimé entretemps : recommencez l'export.")
		}
		if err != nil {
			return nil, normalize(err)
		}
		if after.EnrolmentID == "" {
			conds = append(conds, `(c.sort_key, c.id) > (`+a.add(sortKey)+`, `+a.add(after.CandidateID)+`)`)
		} else {
			// From the cursor's candidate on, but not its enrolments up to the cursor's.
			cid, eid := a.add(after.CandidateID), a.add(after.EnrolmentID)
			ec := `(SELECT created_at FROM enrolments WHERE id = ` + eid + `)`
			conds = append(conds, `(c.sort_key, c.id) >= (`+a.add(sortKey)+`, `+cid+`)`,
				`NOT (c.id = `+cid+` AND (e.id IS NULL OR e.created_at < `+ec+` OR (e.created_at = `+ec+` AND e.id <= `+eid+`)))`)
		}
	}
	return q.pageRows(ctx, join, conds, a, limit, 0)
}

// candidateConditions are the list's conditions on the candidate (c), on the enrolment (e),
// and on the enrolment's training organisation, which the page query places apart (see
// ListCandidates).
func candidateConditions(f CandidateFilter, a *args, dialect Dialect) (cand, enrol, orgs []string) {
	if organisationOnly(f.Scope) {
		// An OF sees its own enrolments only, not the candidate's enrolments with other OFs;
		// that alone keeps every row within its scope.
		cond := `e.training_organisation_id IN ` + a.in(f.Scope.TrainingOrganisationIDs)
		if f.Task != nil {
			// A task selects few enrolments on their status: ListCandidates reads them first
			// rather than walk the organisation's candidates in name order.
			enrol = append(enrol, cond)
		} else {
			orgs = append(orgs, cond)
		}
	} else if cond := candidateScopeSQL(f.Scope, a); cond != "" {
		cand = append(cand, cond)
	}
	for _, term := range strings.Fields(domain.Fold(f.Search)) {
		cand = append(cand, searchCondition(term, a, dialect))
	}
	if f.TrainingOrganisationID != "" {
		orgs = append(orgs, `e.training_organisation_id = `+a.add(f.TrainingOrganisationID))
	}
	if f.QualificationCode != "" {
		enrol = append(enrol, `e.qualification_id IN (SELECT id FROM qualifications WHERE code = `+a.add(f.QualificationCode)+`)`)
	}
	if f.Route != "" {
		enrol = append(enrol, `e.route = `+a.add(string(f.Route)))
	}
	if f.Status != "" {
		enrol = append(enrol, `e.status = `+a.add(string(f.Status)))
	}
	if f.Stage != "" {
		enrol = append(enrol, `e.stage = `+a.add(f.Stage))
	}
	if f.Task != nil {
		enrol = append(enrol, taskSQL(*f.Task, a))
	}
	return cand, enrol, orgs
}

// capTotal gives a total above limit (when positive) as limit, capped.
func capTotal(page CandidatePage, limit int) CandidatePage {
	if limit > 0 && page.Total > limit {
		page.Total, page.TotalCapped = limit, true
	}
	return page
}

// EnrolmentCount is how many enrolments of one route are at one status.
type EnrolmentCount struct {
	Route  domain.Route
	Status domain.EnrolmentStatus
	Count  int
}

// CountEnrolments counts the enrolments in scope at these statuses by route and status, in one
// query: each count is the total ListCandidates gives for that route and status in that scope.
// Unrestricted or for training organisations alone, it adds up the step counters; for other
// scopes the statuses keep it on the status index, away from the finished enrolments that are
// most of them.
func (q Q) CountEnrolments(ctx context.Context, scope Scope, statuses ...domain.EnrolmentStatus) ([]EnrolmentCount, error) {
	if len(statuses) == 0 {
		return nil, nil
	}
	var a args
	st := make([]string, len(statuses))
	for i, s := range statuses {
		st[i] = string(s)
	}
	if !scope.Restricted || organisationOnly(scope) {
		// The step counters hold these counts (StepCounts): a few thousand rows instead of every
		// enrolment under way (docs/PERFORMANCE.md, « The secretariat's dashboard »).
		query := `SELECT c.route, c.status, SUM(c.enrolments) FROM ` + q.stepCountsTable() + ` c WHERE c.status IN ` + a.in(st)
		if organisationOnly(scope) {
			query += ` AND c.training_organisation_id IN ` + a.in(scope.TrainingOrganisationIDs)
		}
		return scanEnrolmentCounts(q.db.QueryContext(ctx, query+` GROUP BY c.route, c.status HAVING SUM(c.enrolments) > 0`, a...))
	}
	query := `SELECT e.route, e.status, COUNT(*) FROM enrolments e`
	conds := []string{`e.status IN ` + a.in(st)}
	if cond := candidateScopeSQL(scope, &a); cond != "" {
		query += ` JOIN candidates c ON c.id = e.candidate_id`
		conds = append(conds, cond)
	}
	return scanEnrolmentCounts(q.db.QueryContext(ctx, query+whereAll(conds)+` GROUP BY e.route, e.status`, a...))
}

// scanEnrolmentCounts reads rows of route, status and count.
func scanEnrolmentCounts(rows *sql.Rows, err error) ([]EnrolmentCount, error) {
	if err != nil {
		return nil, normalize(err)
	}
	defer rows.Close()
	var out []EnrolmentCount
	for rows.Next() {
		var c EnrolmentCount
		var route, status string
		if err := rows.Scan(&route, &status, &c.Count); err != nil {
			return nil, normalize(err)
		}
		c.Route, c.Status = domain.Route(route), domain.EnrolmentStatus(status)
		out = append(out, c)
	}
	return out, normalize(rows.Err())
}

func whereAll(conds ...[]string) string {
	all := slices.Concat(conds...)
	if len(all) == 0 {
		return ""
	}
	return " WHERE " + strings.Join(all, " AND ")
}

// candidatePage counts the rows with the count query while pageRows reads the page. On the
// read pool the two queries run side by side.
func (q Q) candidatePage(ctx context.Context, count string, countArgs args, pageRows func() ([]CandidateRow, error)) (CandidatePage, error) {
	var page CandidatePage
	var countErr error
	counted := make(chan struct{})
	countRows := func() {
		defer close(counted)
		countErr = normalize(q.db.QueryRowContext(ctx, count, countArgs...).Scan(&page.Total))
	}
	if q.onPool() {
		go countRows()
	} else {
		countRows() // a transaction runs one query at a time
	}
	rows, err := pageRows()
	<-counted
	if err != nil {
		return page, err
	}
	page.Rows = rows
	return page, countErr
}

// deepOffset is where the whole list stops skipping rows and starts from a candidate instead:
// below it, skipping is cheaper than finding where to start. Tests lower it.
var deepOffset = 5000

// listEveryCandidate is the whole list: every candidate once, and once more for each
// enrolment after their first. Its total is counted from counters, not from the rows: the
// enrolments (the step counters' sum) plus the candidates without one (enrolment_count = 0,
// a partial index), so that the first page of a million candidates does not count a million
// rows three times over (migration 00045). Deep in the list, the page starts from the
// candidate at the right position in the candidates' own index, which is cheap to walk, and
// skips from there only the extra rows of the candidates before it that have several
// enrolments (another partial index).
func (q Q) listEveryCandidate(ctx context.Context, limit, offset int) (CandidatePage, error) {
	total := `(SELECT COUNT(*) FROM candidates WHERE enrolment_count = 0) + (SELECT COALESCE(SUM(enrolments), 0) FROM ` + q.stepCountsTable() + `)`
	join := `LEFT JOIN enrolments e ON e.candidate_id = c.id`
	if offset < deepOffset {
		return q.candidatePage(ctx, `SELECT `+total, nil, func() ([]CandidateRow, error) {
			return q.pageRows(ctx, join, nil, nil, limit, offset)
		})
	}
	var page CandidatePage
	var extra int // rows beyond one per candidate
	err := q.db.QueryRowContext(ctx, `SELECT `+total+`,
		(SELECT COALESCE(SUM(enrolment_count - 1), 0) FROM candidates WHERE enrolment_count > 1)`).Scan(&page.Total, &extra)
	if err != nil {
		return page, normalize(err)
	}
	// The candidate at position offset-extra starts at a row no later than offset.
	var sortKey, id string
	err = q.db.QueryRowContext(ctx, `SELECT sort_key, id FROM candidates ORDER BY sort_key, id LIMIT 1 OFFSET $1`,
		max(offset-extra, 0)).Scan(&sortKey, &id)
	if err == sql.ErrNoRows {
		return page, nil // past the end
	}
	if err != nil {
		return page, normalize(err)
	}
	// It starts at its position plus the extra rows of the candidates before it.
	start := max(offset-extra, 0)
	if extra > 0 {
		var before int
		err := q.db.QueryRowContext(ctx, `SELECT COALESCE(SUM(enrolment_count - 1), 0) FROM candidates
			WHERE enrolment_count > 1 AND (sort_key, id) < ($1, $2)`, sortKey, id).Scan(&before)
		if err != nil {
			return page, normalize(err)
		}
		start += before
	}
	var a args
	from := []string{`(c.sort_key, c.id) >= (` + a.add(sortKey) + `, ` + a.add(id) + `)`}
	page.Rows, err = q.pageRows(ctx, join, from, a, limit, offset-start)
	return page, err
}

// pageRows reads limit rows from offset of the rows that join and conds select, in list order:
// first their keys, on indexed columns, then the displayed columns of those rows only.
func (q Q) pageRows(ctx context.Context, join string, conds []string, a args, limit, offset int) ([]CandidateRow, error) {
	keys := `SELECT c.sort_key AS sk, c.id AS cid, e.created_at AS ec, e.id AS eid FROM candidates c ` + join + whereAll(conds) +
		` ORDER BY c.sort_key, c.id, e.created_at, e.id LIMIT ` + a.add(limit) + ` OFFSET ` + a.add(offset)
	return q.pageRowsFrom(ctx, keys, a)
}

// enrolmentDrivenLimit is how many matching enrolments at most the list reads first and sorts,
// when only conditions on the enrolments filter it; past it the candidates are walked in name
// order. PostgreSQL's walk probes each candidate's enrolments (27 000 probes, 108 ms, for a
// page of « CC » awaiting the jury at a million candidates) where reading the 6 400 matches
// and sorting them takes 20 ms with candidates_by_id_with_sort_key (migration 00046, extended
// on SQLite by 00049): it reads and sorts up to four times as many as SQLite, whose walk stays
// cheap (26 ms there).
// Tests change it to reach both paths.
var enrolmentDrivenLimit = map[Dialect]int{SQLite: 5000, Postgres: 20000}

// pageRowsFrom reads the rows whose keys (sk, cid, ec, eid: sort key, candidate, enrolment
// creation, enrolment) the keys query selects, in the list's order.
func (q Q) pageRowsFrom(ctx context.Context, keys string, a args) ([]CandidateRow, error) {
	query := `SELECT ` + candidateColumns + `, COALESCE(e.id, ''), COALESCE(qu.code, ''), COALESCE(qu.title, ''),
		COALESCE(e.route, ''), COALESCE(e.status, ''), COALESCE(o.name, ''), COALESCE(e.stage, '')
		FROM (` + keys + `) p
		JOIN candidates c ON c.id = p.cid
		LEFT JOIN enrolments e ON e.id = p.eid
		LEFT JOIN qualifications qu ON qu.id = e.qualification_id
		LEFT JOIN training_organisations o ON o.id = e.training_organisation_id
		ORDER BY p.sk, p.cid, p.ec, p.eid`
	rows, err := q.db.QueryContext(ctx, query, a...)
	if err != nil {
		return nil, normalize(err)
	}
	defer rows.Close()
	var out []CandidateRow
	for rows.Next() {
		var r CandidateRow
		var route, status string
		c, err := scanCandidate(rows, &r.Enrolment.ID, &r.Enrolment.QualificationCode, &r.Enrolment.QualificationTitle,
			&route, &status, &r.Enrolment.TrainingOrganisationName, &r.Enrolment.Stage)
		if err != nil {
			return nil, normalize(err)
		}
		r.Candidate = c
		r.Enrolment.Route, r.Enrolment.Status = domain.Route(route), domain.EnrolmentStatus(status)
		out = append(out, r)
	}
	return out, normalize(rows.Err())
}

// organisationOnly reports whether s is a training organisation's scope and nothing more.
func organisationOnly(s Scope) bool {
	if !s.Restricted || len(s.TrainingOrganisationIDs) == 0 {
		return false
	}
	rest := s
	rest.TrainingOrganisationIDs = nil
	var unused args
	return candidateScopeSQL(rest, &unused) == "1 = 0"
}

// searchCondition is the condition on candidate alias c that its search key holds term. On
// SQLite a term of three characters or more is looked up in the trigram table
// candidates_search (migration 00047) instead of checked against every candidate; shorter
// terms, which no trigram index serves, and terms holding a LIKE wildcard, which that table's
// LIKE cannot escape, are checked candidate by candidate as before. PostgreSQL's trigram
// index serves the LIKE itself.
func searchCondition(term string, a *args, dialect Dialect) string {
	if dialect == SQLite && utf8.RuneCountInString(term) >= 3 && !strings.ContainsAny(term, `%_\`) {
		return `c.id IN (SELECT candidate_id FROM candidates_search WHERE search_key LIKE ` + a.add("%"+term+"%") + `)`
	}
	return `c.search_key LIKE ` + a.add("%"+escapeLike(term)+"%") + ` ESCAPE '\'`
}

func escapeLike(s string) string {
	return strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`).Replace(s)
}

// NextCandidateNumber draws the next number of the form C-YYYY-NNNNN, YYYY being now's year
// in Paris, from that year's counter. Call it in the transaction that creates the candidate:
// the counter row stays locked until that transaction ends, so that concurrent writers, on
// one server or several, never draw the same number, and a rolled-back creation gives its
// number back.
func (q Q) NextCandidateNumber(ctx context.Context, now time.Time) (string, error) {
	year := now.In(domain.Paris()).Year()
	n, err := q.ReserveCandidateNumbers(ctx, year, 1)
	if err != nil {
		return "", err
	}
	return CandidateNumber(year, n), nil
}

// CandidateNumber formats the n-th candidate number of year: C-YYYY-NNNNN.
func CandidateNumber(year, n int) string {
	return fmt.Sprintf("C-%04d-%05d", year, n)
}

// ReserveCandidateNumbers advances year's candidate counter by count and returns the first
// number reserved: the numbers first to first+count-1 are the caller's. The counter row is
// created the first time a year is drawn from. Like NextCandidateNumber, call it in the
// transaction that writes the candidates.
func (q Q) ReserveCandidateNumbers(ctx context.Context, year, count int) (int, error) {
	if count < 1 {
		return 0, fmt.Errorf("reserve candidate numbers: count must be positive, got %d", count)
	}
	var last int
	err := q.db.QueryRowContext(ctx,
		`INSERT INTO candidate_counters (year, last_number) VALUES ($1, $2)
		 ON CONFLICT (year) DO UPDATE SET last_number = candidate_counters.last_number + excluded.last_number
		 RETURNING last_number`, year, count).Scan(&last)
	if err != nil {
		return 0, normalize(err)
	}
	return last - count + 1, nil
}

// AwardHolders returns the candidates, not erased, who hold a certificate or an attestation,
// by name: those whose awards the branch declares to the Caisse des Dépôts.
func (q Q) AwardHolders(ctx context.Context) ([]domain.Candidate, error) {
	rows, err := q.db.QueryContext(ctx, `SELECT `+candidateColumns+` FROM candidates c
		WHERE c.erased_at IS NULL AND EXISTS (SELECT 1 FROM certificates x WHERE x.candidate_id = c.id)
		ORDER BY c.sort_key, c.id`)
	if err != nil {
		return nil, normalize(err)
	}
	defer rows.Close()
	var out []domain.Candidate
	for rows.Next() {
		c, err := scanCandidate(rows)
		if err != nil {
			return nil, normalize(err)
		}
		out = append(out, c)
	}
	return out, normalize(rows.Err())
}
