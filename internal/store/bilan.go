package store

import (
	"cmp"
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"cqp/internal/domain"
)

// The annual bilan (issue 12) reads the year's enrolments in two steps: BilanEnrolmentIDs
// chooses them, by index (those created in the year, enrolments_by_created_covering, and those
// judged by a session closed in the year, jury_sessions_by_date) and gives their ids in the
// bilan's order; BilanCandidates then reads a chunk of them whole, in one streamed query: each
// enrolment and its candidate looked up once (a materialised CTE), and its blocks acquired,
// documents (certificates_by_enrolment), surveys and judging sessions as rows of their own,
// put in their enrolment's place in Go. What the rows name (qualifications, organisations,
// companies, sessions) is read once per bilan (BilanNames). Chunks are independent, so the
// service reads several at once on separate connections while it writes the workbook.

// BilanCandidate is one row of the bilan: an enrolment created in the year, or judged by a
// session of the year that is closed (the latest such session when there are several, as a
// rectification supersedes what it rectifies).
type BilanCandidate struct {
	EnrolmentID        string
	CandidateNumber    string
	BirthName          string
	UsedName           string
	FirstNames         string
	QualificationCode  string
	QualificationTitle string
	Route              domain.Route
	Public             domain.Public
	Status             domain.EnrolmentStatus
	Organisation       string // "" when none
	Company            string // "" when none
	EnrolledAt         time.Time
	SessionID          string     // "" when not judged by a session closed in the year
	JuryDate           *time.Time // the session's date, nil when not judged in the year
	JuryPlace          string
	EvaluatedAt        *time.Time // the latest oral before an evaluation commission, nil when none
	Outcome            string     // certified, partial, not_certified; "" when not judged in the year
	Blocks             []string
	Acquired           []AcquiredBlock // every block the person holds in this qualification
	Documents          []string        // numbers of the certificate and attestations not revoked
	Surveys            []BilanSurvey   // the follow-up surveys sent (6 and 12 months after the result)
}

// BilanSurvey is one follow-up survey of a bilan row: its answer when AnsweredAt is set.
type BilanSurvey struct {
	Wave       int
	AnsweredAt *time.Time
	Answer     domain.SurveyAnswer
	Source     domain.SurveySource
}

// BilanEnrolmentIDs returns the ids of the year's enrolments in the bilan's order: by
// candidate number, then enrolment. BilanCandidates then reads them in chunks. The two halves
// of the year (created in it, judged by a session closed in it) are read at once on two
// connections when q is not a transaction, each from its indexes, then merged and sorted here:
// SQLite spent as long building the union and sorting it in temporary B-trees as reading them.
func (q Q) BilanEnrolmentIDs(ctx context.Context, year int) ([]string, error) {
	from := time.Date(year, 1, 1, 0, 0, 0, 0, time.UTC)
	until := from.AddDate(1, 0, 0)
	var created, judged []bilanKey
	var errCreated, errJudged error
	readCreated := func() {
		created, errCreated = q.bilanKeys(ctx, `SELECT c.number, e.id FROM enrolments e JOIN candidates c ON c.id = e.candidate_id
			WHERE e.created_at >= $1 AND e.created_at < $2`, from, until)
	}
	readJudged := func() {
		judged, errJudged = q.bilanKeys(ctx, `SELECT c.number, e.id FROM jury_sessions s
			JOIN jury_candidates jc ON jc.session_id = s.id
			JOIN enrolments e ON e.id = jc.enrolment_id
			JOIN candidates c ON c.id = e.candidate_id
			WHERE s.status = 'closed' AND s.starts_at >= $1 AND s.starts_at < $2`, from, until)
	}
	if !q.onPool() { // one connection: one query at a time
		readCreated()
		readJudged()
	} else {
		var wg sync.WaitGroup
		wg.Go(readCreated)
		readJudged()
		wg.Wait()
	}
	if err := errors.Join(errCreated, errJudged); err != nil {
		return nil, err
	}
	keys := append(created, judged...)
	slices.SortFunc(keys, func(a, b bilanKey) int {
		return cmp.Or(strings.Compare(a.number, b.number), strings.Compare(a.id, b.id))
	})
	keys = slices.Compact(keys) // judged in the year and created in it
	ids := make([]string, len(keys))
	for i, k := range keys {
		ids[i] = k.id
	}
	return ids, nil
}

// bilanKey is an enrolment of the bilan and its candidate's number, by which the bilan is
// ordered.
type bilanKey struct{ number, id string }

func (q Q) bilanKeys(ctx context.Context, query string, args ...any) ([]bilanKey, error) {
	rows, err := q.db.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, normalize(err)
	}
	defer rows.Close()
	var out []bilanKey
	for rows.Next() {
		var k bilanKey
		if err := rows.Scan(&k.number, &k.id); err != nil {
			return nil, normalize(err)
		}
		out = append(out, k)
	}
	return out, normalize(rows.Err())
}

// BilanNames are what the bilan's rows name by id, read once for the whole bilan instead of
// joined to every row: qualifications, training organisations, companies, and the year's
// closed jury sessions. Those tables are small beside the enrolments, and each join was an
// index lookup per row (docs/PERFORMANCE.md, « The annual bilan »).
type BilanNames struct {
	qualifications map[string][2]string // code, title
	organisations  map[string]string
	companies      map[string]string
	sessions       map[string]BilanJury // the year's closed sessions: StartsAt and Place
}

// BilanNames reads the names the rows of a year's bilan refer to; juries are the year's
// closed sessions (BilanJuries), which bound the sessions that count.
func (q Q) BilanNames(ctx context.Context, juries []BilanJury) (BilanNames, error) {
	n := BilanNames{qualifications: map[string][2]string{}, organisations: map[string]string{}, companies: map[string]string{},
		sessions: make(map[string]BilanJury, len(juries))}
	for _, j := range juries {
		n.sessions[j.ID] = j
	}
	read := func(query string, scan func(rows *sql.Rows) error) error {
		rows, err := q.db.QueryContext(ctx, query)
		if err != nil {
			return normalize(err)
		}
		defer rows.Close()
		for rows.Next() {
			if err := scan(rows); err != nil {
				return normalize(err)
			}
		}
		return normalize(rows.Err())
	}
	var id, a, b string
	err := read(`SELECT id, code, title FROM qualifications`, func(rows *sql.Rows) error {
		err := rows.Scan(&id, &a, &b)
		n.qualifications[id] = [2]string{a, b}
		return err
	})
	if err == nil {
		err = read(`SELECT id, name FROM training_organisations`, func(rows *sql.Rows) error {
			err := rows.Scan(&id, &a)
			n.organisations[id] = a
			return err
		})
	}
	if err == nil {
		err = read(`SELECT id, name FROM companies`, func(rows *sql.Rows) error {
			err := rows.Scan(&id, &a)
			n.companies[id] = a
			return err
		})
	}
	return n, err
}

// BilanCandidates calls each for the enrolments ids of a year (some of those
// BilanEnrolmentIDs returned), in the order of ids, naming what they refer to from names
// (BilanNames of the same year, which also bounds the sessions that count). Call it on Read(): the rows stream while each runs.
func (q Q) BilanCandidates(ctx context.Context, names BilanNames, ids []string, each func(BilanCandidate) error) error {
	if len(ids) == 0 {
		return nil
	}
	var a args
	// The chunk is one parameter: on PostgreSQL an array (a list of as many placeholders cost a
	// third of the query's time in planning), on SQLite a JSON array (with planner statistics,
	// SQLite compiled a list of placeholders again for each new chunk: 4 ms a chunk).
	var in string
	if q.dialect == Postgres {
		in = "(SELECT unnest(" + a.add(ids) + "::text[]))"
	} else {
		list, err := json.Marshal(ids)
		if err != nil {
			return err
		}
		in = "(SELECT value FROM json_each(" + a.add(string(list)) + "))"
	}
	// SQLite, seeing a chunk's few enrolments, would rather scan every acquired block,
	// certificate and survey and probe the chunk for each (half a second a chunk at 100 000
	// candidates): CROSS JOIN keeps the chunk outside and its rows found by index (50 ms).
	// PostgreSQL plans this well by itself, and takes no ON after CROSS JOIN.
	fromChunk := "JOIN"
	if q.dialect == SQLite {
		fromChunk = "CROSS JOIN"
	}
	// Each enrolment's judging session is the latest of the year's closed sessions (those of
	// names) that judged it, a rectification superseding what it rectifies: every session that
	// judged it comes as a row of its own, from one index (migration 00043), and the latest
	// is chosen here.
	rows, err := q.db.QueryContext(ctx,
		`WITH yr AS MATERIALIZED (
		     SELECT e.id AS id, e.candidate_id AS candidate_id, e.qualification_id AS qualification_id, c.number AS number,
		            c.birth_name AS birth_name, c.used_name AS used_name, c.first_names AS first_names,
		            e.route AS route, e.public AS public, e.status AS status, COALESCE(e.training_organisation_id, '') AS organisation_id,
		            COALESCE(e.company_id, '') AS company_id, e.created_at AS created_at, e.blocks AS blocks,
		            (SELECT MAX(ora.starts_at) FROM orals ora WHERE ora.enrolment_id = e.id) AS evaluated_at
		     FROM enrolments e
		     JOIN candidates c ON c.id = e.candidate_id
		     WHERE e.id IN `+in+`)
		 SELECT 0 AS kind, yr.number, yr.id, yr.birth_name, yr.used_name, yr.first_names, yr.qualification_id, '' AS sub0, yr.route, yr.public, yr.status,
		        yr.organisation_id, yr.company_id, yr.created_at, yr.blocks,
		        '' AS session_id, NULL AS jury_at, '' AS place, '' AS outcome, '' AS sub1, '' AS sub2, yr.evaluated_at
		 FROM yr
		 UNION ALL
		 SELECT 1, yr.number, yr.id, ab.block_code, ab.session_id, ab.acquired_on, src.route, ab.enrolment_id, '', '', '',
		        '', '', NULL, '', '', NULL, '', '', '', '', NULL
		 FROM yr
		 `+fromChunk+` enrolments src ON src.candidate_id = yr.candidate_id AND src.qualification_id = yr.qualification_id
		 `+fromChunk+` acquired_blocks ab ON ab.enrolment_id = src.id
		 UNION ALL
		 SELECT 2, yr.number, yr.id, ce.number, '', '', '', '', '', '', '',
		        '', '', NULL, '', '', NULL, '', '', '', '', NULL
		 FROM yr
		 `+fromChunk+` certificates ce ON ce.enrolment_id = yr.id AND ce.revoked_at IS NULL
		 UNION ALL
		 SELECT 3, yr.number, yr.id, CAST(o.wave AS TEXT), o.situation, o.contract, o.job_title, o.company_name, o.helped, o.source, '',
		        '', '', o.answered_at, '', '', NULL, '', '', '', '', NULL
		 FROM yr
		 `+fromChunk+` outcome_surveys o ON o.enrolment_id = yr.id
		 UNION ALL
		 SELECT 4, yr.number, yr.id, jc.session_id, jc.outcome, '', '', '', '', '', '',
		        '', '', NULL, '', '', NULL, '', '', '', '', NULL
		 FROM yr
		 `+fromChunk+` jury_candidates jc ON jc.enrolment_id = yr.id
`, a...)
	if err != nil {
		return normalize(err)
	}
	defer rows.Close()
	// The rows come in no order (sorting them cost SQLite temporary B-trees): each is put in
	// its enrolment's place, and what an enrolment holds is put in order once it is complete.
	pos := make(map[string]int, len(ids))
	for i, id := range ids {
		pos[id] = i
	}
	out := make([]BilanCandidate, len(ids))
	for rows.Next() {
		var kind int
		var number, id, a, b, c, d, e, f, g, h, org, co, blocks, sessionID, place, outcome, x, y string
		var enrolled, jury sql.NullTime
		var evaluated aggregateTime // an aggregate: SQLite gives it without its column's type
		if err := rows.Scan(&kind, &number, &id, &a, &b, &c, &d, &e, &f, &g, &h, &org, &co, &enrolled, &blocks,
			&sessionID, &jury, &place, &outcome, &x, &y, &evaluated); err != nil {
			return normalize(err)
		}
		i, ok := pos[id]
		if !ok {
			continue
		}
		cur := &out[i]
		switch kind {
		case 0:
			qu := names.qualifications[d]
			cur.EnrolmentID, cur.CandidateNumber, cur.BirthName, cur.UsedName, cur.FirstNames = id, number, a, b, c
			cur.QualificationCode, cur.QualificationTitle = qu[0], qu[1]
			cur.Route, cur.Public, cur.Status = domain.Route(f), domain.Public(g), domain.EnrolmentStatus(h)
			cur.Organisation, cur.Company, cur.EnrolledAt = names.organisations[org], names.companies[co], enrolled.Time
			cur.Blocks, cur.EvaluatedAt = strings.Fields(blocks), evaluated.t
		case 1:
			cur.Acquired = append(cur.Acquired, AcquiredBlock{BlockCode: a, SessionID: b, AcquiredOn: parseDate(c),
				Route: domain.Route(d), EnrolmentID: e})
		case 2:
			cur.Documents = append(cur.Documents, a)
		case 3:
			wave, _ := strconv.Atoi(a)
			cur.Surveys = append(cur.Surveys, BilanSurvey{Wave: wave, AnsweredAt: timePtr(enrolled), Source: domain.SurveySource(g),
				Answer: domain.SurveyAnswer{Situation: domain.SurveySituation(b), Contract: domain.SurveyContract(c), JobTitle: d,
					CompanyName: e, Helped: domain.SurveyHelped(f)}})
		case 4:
			js, ok := names.sessions[a]
			if !ok || (cur.JuryDate != nil && (js.StartsAt.Before(*cur.JuryDate) || js.StartsAt.Equal(*cur.JuryDate) && js.ID < cur.SessionID)) {
				continue // not closed in the year, or an earlier session of it
			}
			at := js.StartsAt
			cur.SessionID, cur.Outcome, cur.JuryDate, cur.JuryPlace = js.ID, b, &at, js.Place
		}
	}
	if err := rows.Err(); err != nil {
		return normalize(err)
	}
	for i := range out {
		c := &out[i]
		if c.EnrolmentID == "" {
			continue // gone since the ids were read
		}
		// A block acquired twice, on two enrolments: the first award counts.
		slices.SortFunc(c.Acquired, func(a, b AcquiredBlock) int {
			return cmp.Or(strings.Compare(a.BlockCode, b.BlockCode), a.AcquiredOn.Time().Compare(b.AcquiredOn.Time()), strings.Compare(a.EnrolmentID, b.EnrolmentID))
		})
		c.Acquired = slices.CompactFunc(c.Acquired, func(a, b AcquiredBlock) bool { return a.BlockCode == b.BlockCode })
		slices.Sort(c.Documents)
		slices.SortFunc(c.Surveys, func(a, b BilanSurvey) int { return cmp.Compare(a.Wave, b.Wave) })
		if err := each(*c); err != nil {
			return err
		}
	}
	return nil
}

// BilanJury is one session closed in the year, with its candidates counted by outcome.
type BilanJury struct {
	ID           string
	StartsAt     time.Time
	Place        string
	Rectifies    bool
	Candidates   int
	Certified    int
	Partial      int
	NotCertified int
}

// BilanJuries returns the sessions of the year that are closed, by date.
func (q Q) BilanJuries(ctx context.Context, year int) ([]BilanJury, error) {
	from := time.Date(year, 1, 1, 0, 0, 0, 0, time.UTC)
	rows, err := q.db.QueryContext(ctx,
		`SELECT s.id, s.starts_at, s.place, COALESCE(s.rectifies_session_id, ''), COUNT(jc.enrolment_id),
		        COALESCE(SUM(CASE WHEN jc.outcome = 'certified' THEN 1 ELSE 0 END), 0),
		        COALESCE(SUM(CASE WHEN jc.outcome = 'partial' THEN 1 ELSE 0 END), 0),
		        COALESCE(SUM(CASE WHEN jc.outcome = 'not_certified' THEN 1 ELSE 0 END), 0)
		 FROM jury_sessions s
		 LEFT JOIN jury_candidates jc ON jc.session_id = s.id
		 WHERE s.status = 'closed' AND s.starts_at >= $1 AND s.starts_at < $2
		 GROUP BY s.id, s.starts_at, s.place, s.rectifies_session_id
		 ORDER BY s.starts_at, s.id`, from, from.AddDate(1, 0, 0))
	if err != nil {
		return nil, normalize(err)
	}
	defer rows.Close()
	var out []BilanJury
	for rows.Next() {
		var j BilanJury
		var rect string
		if err := rows.Scan(&j.ID, &j.StartsAt, &j.Place, &rect, &j.Candidates, &j.Certified, &j.Partial, &j.NotCertified); err != nil {
			return nil, normalize(err)
		}
		j.Rectifies = rect != ""
		out = append(out, j)
	}
	return out, normalize(rows.Err())
}

// BilanAction is one action (fiche action) whose period meets the year, with its enrolments
// counted by where they stand now.
type BilanAction struct {
	ID                 string
	Title              string
	Organisation       string
	QualificationCode  string
	QualificationTitle string
	Route              domain.Route
	StartsOn, EndsOn   domain.Date
	Place              string
	PlannedHours       int
	Funder             string // "" when none
	Status             ActionStatus
	DeclaredAt         time.Time
	Enrolments         int
	Certified          int
	Partial            int
	NotCertified       int
	Withdrawn          int
}

// BilanActions calls each for every action that runs for at least one day of the year, by
// start date, organisation and title. Call it on Read(): the rows stream while each runs.
func (q Q) BilanActions(ctx context.Context, year int, each func(BilanAction) error) error {
	first, last := domain.NewDate(year, 1, 1).ISO(), domain.NewDate(year, 12, 31).ISO()
	rows, err := q.db.QueryContext(ctx,
		`SELECT a.id, a.title, o.name, qu.code, qu.title, a.route, a.starts_on, a.ends_on, a.place, a.planned_hours,
		        COALESCE(f.name, ''), a.status, a.created_at, COUNT(e.id),
		        COALESCE(SUM(CASE WHEN e.status = 'certified' THEN 1 ELSE 0 END), 0),
		        COALESCE(SUM(CASE WHEN e.status = 'partial' THEN 1 ELSE 0 END), 0),
		        COALESCE(SUM(CASE WHEN e.status = 'not_certified' THEN 1 ELSE 0 END), 0),
		        COALESCE(SUM(CASE WHEN e.status = 'withdrawn' THEN 1 ELSE 0 END), 0)
		 FROM actions a
		 JOIN training_organisations o ON o.id = a.training_organisation_id
		 JOIN qualifications qu ON qu.id = a.qualification_id
		 LEFT JOIN funders f ON f.id = a.funder_id
		 LEFT JOIN enrolments e ON e.action_id = a.id
		 WHERE a.starts_on <= $2 AND a.ends_on >= $1
		 GROUP BY a.id, a.title, o.name, qu.code, qu.title, a.route, a.starts_on, a.ends_on, a.place, a.planned_hours, f.name, a.status, a.created_at
		 ORDER BY a.starts_on, o.name, a.title, a.id`, first, last)
	if err != nil {
		return normalize(err)
	}
	defer rows.Close()
	for rows.Next() {
		var a BilanAction
		var starts, ends string
		if err := rows.Scan(&a.ID, &a.Title, &a.Organisation, &a.QualificationCode, &a.QualificationTitle, &a.Route, &starts, &ends,
			&a.Place, &a.PlannedHours, &a.Funder, &a.Status, &a.DeclaredAt, &a.Enrolments, &a.Certified, &a.Partial,
			&a.NotCertified, &a.Withdrawn); err != nil {
			return normalize(err)
		}
		a.StartsOn, a.EndsOn = parseDate(starts), parseDate(ends)
		if err := each(a); err != nil {
			return err
		}
	}
	return normalize(rows.Err())
}
