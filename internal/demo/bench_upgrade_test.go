package demo

import (
	"context"
	"database/sql"
	"fmt"
	"strconv"
	"strings"
	"testing"

	"cqp/internal/domain"
	"cqp/internal/store"
)

// benchUpgradableVersion is the data set version that lacks only the evaluators' verdicts on
// the synthetic blocks (drawn since version 12 by syntheticVerdicts): such a set is upgraded in
// place by drawing them, instead of being rebuilt (at a million, 11 min on SQLite and 27 min on
// PostgreSQL). Migration 00033 gave its synthetic blocks verdict rows without any verdict (their
// snapshots keep only the outcomes); the upgrade replaces them, in one transaction.
const benchUpgradableVersion = 11

// benchUpgradeSchema is the schema version the verdicts are drawn at: the one before migration
// 00036, whose backfill then counts them into the agreement per closed session.
const benchUpgradeSchema = 35

// upgradeBenchData opens a data set of benchUpgradableVersion, migrates it to
// benchUpgradeSchema, draws the verdicts of its synthetic sessions through raw (a connection to
// the same database) and migrates it to the end.
func upgradeBenchData(tb testing.TB, o store.Options, raw func() (*sql.DB, error)) *store.Store {
	tb.Helper()
	ctx := context.Background()
	s, err := store.Open(ctx, o)
	if err != nil {
		tb.Fatal(err)
	}
	if err := s.MigrateTo(ctx, benchUpgradeSchema); err != nil {
		tb.Fatal(err)
	}
	db, err := raw()
	if err != nil {
		tb.Fatal(err)
	}
	addBenchVerdicts(tb, db)
	db.Close()
	if err := s.Migrate(ctx); err != nil {
		tb.Fatal(err)
	}
	return s
}

// addBenchVerdicts draws the verdicts of the synthetic sessions of an upgradable data set: the
// closed sessions whose verdict rows all lack a verdict. db is the data set's database.
func addBenchVerdicts(tb testing.TB, db *sql.DB) {
	tb.Helper()
	ctx := context.Background()
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		tb.Fatal(err)
	}
	defer tx.Rollback()
	var sessions []string
	rows, err := tx.QueryContext(ctx, `SELECT session_id FROM jury_block_verdicts GROUP BY session_id
		HAVING MAX(organisation_verdict) = '' AND MAX(referent_verdict) = '' AND MAX(commission_verdict) = '' ORDER BY session_id`)
	if err != nil {
		tb.Fatal(err)
	}
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			tb.Fatal(err)
		}
		sessions = append(sessions, id)
	}
	if err := rows.Close(); err != nil {
		tb.Fatal(err)
	}
	const perRead, perInsert, cols = 32, 25, 10
	insert, err := tx.PrepareContext(ctx, verdictInsert(perInsert, cols))
	if err != nil {
		tb.Fatal(err)
	}
	defer insert.Close()
	total := 0
	for start := 0; start < len(sessions); start += perRead {
		batch := sessions[start:min(start+perRead, len(sessions))]
		in, ids := make([]string, len(batch)), make([]any, len(batch))
		for i, id := range batch {
			in[i], ids[i] = "$"+strconv.Itoa(i+1), id
		}
		list := strings.Join(in, ", ")
		judged, err := judgedForVerdicts(ctx, tx, list, ids)
		if err != nil {
			tb.Fatal(err)
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM jury_block_verdicts WHERE session_id IN (`+list+`)`, ids...); err != nil {
			tb.Fatal(err)
		}
		var values []any
		flush := func(n int) {
			if _, err := tx.ExecContext(ctx, verdictInsert(n, cols), values...); err != nil {
				tb.Fatal(err)
			}
		}
		pending := 0
		for _, e := range judged {
			for _, v := range syntheticVerdicts(benchSeed, e) {
				debate := 0
				if v.InDebate {
					debate = 1
				}
				values = append(values, v.SessionID, v.EnrolmentID, v.BlockCode, v.TrainingOrganisationID, v.CompanyID,
					v.Organisation, v.Referent, v.Commission, debate, v.Decision)
				total++
				if pending++; pending == perInsert {
					if _, err := insert.ExecContext(ctx, values...); err != nil {
						tb.Fatal(err)
					}
					values, pending = values[:0], 0
				}
			}
		}
		if pending > 0 {
			flush(pending)
		}
	}
	if err := tx.Commit(); err != nil {
		tb.Fatal(err)
	}
	tb.Logf("upgraded the data set to v%d: %d verdict rows drawn for %d synthetic sessions", benchDataVersion, total, len(sessions))
}

// judgedForVerdicts reads the enrolments the sessions of list judged, with their acquired
// blocks.
func judgedForVerdicts(ctx context.Context, tx *sql.Tx, list string, ids []any) ([]verdictEnrolment, error) {
	rows, err := tx.QueryContext(ctx, `SELECT jc.session_id, e.id, e.route, COALESCE(e.training_organisation_id, ''),
		COALESCE(e.company_id, ''), e.blocks, COALESCE(a.block_code, '')
		FROM jury_candidates jc JOIN enrolments e ON e.id = jc.enrolment_id
		LEFT JOIN acquired_blocks a ON a.enrolment_id = jc.enrolment_id AND a.session_id = jc.session_id
		WHERE jc.session_id IN (`+list+`) AND jc.outcome <> ''
		ORDER BY jc.session_id, e.id`, ids...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []verdictEnrolment
	for rows.Next() {
		var e verdictEnrolment
		var route, blocks, acquired string
		if err := rows.Scan(&e.sessionID, &e.enrolmentID, &route, &e.organisationID, &e.companyID, &blocks, &acquired); err != nil {
			return nil, err
		}
		if n := len(out); n == 0 || out[n-1].sessionID != e.sessionID || out[n-1].enrolmentID != e.enrolmentID {
			e.route, e.blocks = domain.Route(route), strings.Fields(blocks)
			out = append(out, e)
		}
		last := &out[len(out)-1]
		for i, b := range last.blocks {
			if b == acquired {
				last.acquired |= 1 << i
			}
		}
	}
	return out, rows.Err()
}

// verdictInsert is a multi-row INSERT of n verdict rows.
func verdictInsert(n, cols int) string {
	var b strings.Builder
	b.WriteString(`INSERT INTO jury_block_verdicts (session_id, enrolment_id, block_code, training_organisation_id, company_id,
		organisation_verdict, referent_verdict, commission_verdict, in_debate, decision) VALUES `)
	for i := range n {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString("(")
		for c := range cols {
			if c > 0 {
				b.WriteString(", ")
			}
			fmt.Fprintf(&b, "$%d", i*cols+c+1)
		}
		b.WriteString(")")
	}
	return b.String()
}
