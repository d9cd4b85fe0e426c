package demo

import (
	"context"
	"database/sql"
	"fmt"
	"testing"

	"cqp/internal/domain"
	"cqp/internal/store"
)

// The floors of BenchmarkCandidateList: for each query of the list, the plain SQL a person
// would write for the same page with the schema's indexes, one statement for the rows and one
// for the total, run one after the other through the same driver as the store, on a pool of
// its own with the same read settings. The benchmark checks on every iteration that a floor
// gives the same rows and the same total as the service, so that a floor cannot drift into a
// cheaper question.

// bareSQLite opens the SQLite data set as the store's readers do (read-only, the file mapped),
// without the store.
func bareSQLite(tb testing.TB) *sql.DB {
	tb.Helper()
	db, err := sql.Open("sqlite", "file:"+benchSQLitePath(tb)+
		"?_pragma=busy_timeout(10000)&_pragma=query_only(1)&_pragma=mmap_size(2147418112)&_time_format=sqlite")
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { db.Close() })
	return db
}

// barePostgres opens the PostgreSQL data set's schema without the store, with the session
// setting the store gives its connections (no JIT compilation).
func barePostgres(tb testing.TB, base string) *sql.DB {
	tb.Helper()
	u := benchPostgresURL(tb, base)
	q := u.Query()
	q.Set("jit", "off")
	u.RawQuery = q.Encode()
	db, err := sql.Open("pgx", u.String())
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { db.Close() })
	return db
}

// bareListQuery is a page of the list in plain SQL: the rows' statement (ordered, limited)
// and the total's.
type bareListQuery struct {
	page      string
	pageArgs  []any
	count     string
	countArgs []any
}

// bareRow is what the list shows of a row, as the floor reads it.
type bareRow struct {
	candidateID, number, birthName, usedName, firstNames, birthDate, email                 string
	enrolmentID, qualificationCode, qualificationTitle, route, status, organisation, stage string
}

// bareListColumns are the list's displayed columns, those the store reads for a page.
const bareListColumns = `c.id, c.number, c.birth_name, c.used_name, c.first_names, c.birth_date, c.email,
	COALESCE(e.id, ''), COALESCE(qu.code, ''), COALESCE(qu.title, ''), COALESCE(e.route, ''), COALESCE(e.status, ''),
	COALESCE(o.name, ''), COALESCE(e.stage, '')`

// bareListQueries are the floors of BenchmarkCandidateList's queries, by name. organisation
// is the name of the training organisation whose account lists its own candidates.
func bareListQueries(tb testing.TB, db *sql.DB, organisation string) map[string]bareListQuery {
	tb.Helper()
	var organisationID string
	if err := db.QueryRow(`SELECT id FROM training_organisations WHERE name = $1`, organisation).Scan(&organisationID); err != nil {
		tb.Fatalf("training organisation %s: %v", organisation, err)
	}
	// floor is the page and the total of the rows that join and where select: the page with
	// each row's qualification and training organisation named, in the list's order.
	floor := func(join, where, limit string, args ...any) bareListQuery {
		from := ` FROM candidates c ` + join
		return bareListQuery{
			page: `SELECT ` + bareListColumns + from + ` LEFT JOIN qualifications qu ON qu.id = e.qualification_id
				LEFT JOIN training_organisations o ON o.id = e.training_organisation_id` + where +
				` ORDER BY c.sort_key, c.id, e.created_at, e.id ` + limit,
			pageArgs: args, count: `SELECT COUNT(*)` + from + where, countArgs: args,
		}
	}
	everyone := `LEFT JOIN enrolments e ON e.candidate_id = c.id`
	enrolled := `JOIN enrolments e ON e.candidate_id = c.id`
	// A search as the list page asks it: 51 rows, to know whether a next page exists, and the
	// total counted up to 1 000. It matches the folded names, as the store's.
	asThePageAsks := func(pattern string) bareListQuery {
		f := floor(everyone, ` WHERE c.search_key LIKE $1`, `LIMIT 51`, pattern)
		f.count = `SELECT COUNT(*) FROM (SELECT 1 FROM candidates c ` + everyone + ` WHERE c.search_key LIKE $1 LIMIT 1001) capped`
		return f
	}
	return map[string]bareListQuery{
		"first-page":           floor(everyone, ``, `LIMIT 50`),
		"search-lefevre":       floor(everyone, ` WHERE c.search_key LIKE $1`, `LIMIT 50`, "%lefevre%"),
		"search-lefevre-page":  asThePageAsks("%lefevre%"),
		"search-e-acute":       asThePageAsks("%e%"),
		"qualification-status": floor(enrolled, ` WHERE e.qualification_id IN (SELECT id FROM qualifications WHERE code = $1) AND e.status = $2`, `LIMIT 50`, "CC", string(domain.StatusAwaitingJury)),
		"page-1001":            floor(everyone, ``, `LIMIT 50 OFFSET 50000`),
		"organisation-scoped":  floor(enrolled, ` WHERE e.training_organisation_id = $1`, `LIMIT 50`, organisationID),
	}
}

// run reads the floor's page, then its total.
func (f bareListQuery) run(ctx context.Context, db *sql.DB) ([]bareRow, int, error) {
	rows, err := db.QueryContext(ctx, f.page, f.pageArgs...)
	if err != nil {
		return nil, 0, err
	}
	defer rows.Close()
	var out []bareRow
	for rows.Next() {
		var r bareRow
		if err := rows.Scan(&r.candidateID, &r.number, &r.birthName, &r.usedName, &r.firstNames, &r.birthDate, &r.email,
			&r.enrolmentID, &r.qualificationCode, &r.qualificationTitle, &r.route, &r.status, &r.organisation, &r.stage); err != nil {
			return nil, 0, err
		}
		out = append(out, r)
	}
	if err := rows.Err(); err != nil {
		return nil, 0, err
	}
	var total int
	err = db.QueryRowContext(ctx, f.count, f.countArgs...).Scan(&total)
	return out, total, err
}

// sameListPage reports how the floor's rows and total differ from the service's page.
func sameListPage(page store.CandidatePage, rows []bareRow, total int) error {
	if total != page.Total && !(page.TotalCapped && total > page.Total) {
		return fmt.Errorf("total %d, the service's %d (capped: %v)", total, page.Total, page.TotalCapped)
	}
	if len(rows) != len(page.Rows) {
		return fmt.Errorf("%d rows, the service's %d", len(rows), len(page.Rows))
	}
	for i, r := range rows {
		p := page.Rows[i]
		if r.candidateID != p.Candidate.ID || r.enrolmentID != p.Enrolment.ID || r.number != p.Candidate.Number ||
			r.organisation != p.Enrolment.TrainingOrganisationName || r.status != string(p.Enrolment.Status) {
			return fmt.Errorf("row %d: %s/%s, the service's %s/%s", i+1, r.candidateID, r.enrolmentID, p.Candidate.ID, p.Enrolment.ID)
		}
	}
	return nil
}
