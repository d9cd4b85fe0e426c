package store_test

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"cqp/internal/domain"
	"cqp/internal/store"
	"cqp/internal/store/storetest"
)

// « Candidates at each step now » read from the counters (SQLite) or the appended rows
// (PostgreSQL) stays equal to the enrolments counted one by one under the page's filters:
// after the bulk load, enrolments inserted, moved between statuses, routes, qualifications and
// organisations one by one and many per statement, deleted, after a fold and after migrating
// down and up again. So do each candidate's number of enrolments and the whole candidates
// list's total, which rests on them (equalEnrolmentCounts).
func TestStepCountsEqualTheEnrolments(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		loadDemoAndSynthetic(t, s, 1000, 3)
		folded(t, s, "after the bulk load")
		equalStepCounts(t, s, "after the bulk load")
		ids := enrolmentIDs(t, s)
		orgs, err := s.Read().ListTrainingOrganisations(ctx, nil)
		if err != nil {
			t.Fatal(err)
		}
		quals, err := s.Read().Qualifications(ctx)
		if err != nil || len(quals) < 2 {
			t.Fatalf("qualifications: %v %v", quals, err)
		}

		// Inserted, many in one statement and one by one.
		exec(t, s, `INSERT INTO enrolments (id, candidate_id, framework_id, qualification_id, route, public, status,
			training_organisation_id, company_id, referent_user_id, blocks, created_at, updated_at)
			SELECT id || '-copy', candidate_id, framework_id, qualification_id, route, public, status,
			training_organisation_id, company_id, referent_user_id, blocks, created_at, updated_at
			FROM enrolments WHERE id IN (`+quoted(ids[:60])+`)`)
		exec(t, s, `INSERT INTO enrolments (id, candidate_id, framework_id, qualification_id, route, public, status,
			training_organisation_id, company_id, referent_user_id, blocks, created_at, updated_at)
			SELECT id || '-again', candidate_id, framework_id, qualification_id, route, public, status,
			training_organisation_id, company_id, referent_user_id, blocks, created_at, updated_at
			FROM enrolments WHERE id = $1`, ids[60])
		equalStepCounts(t, s, "after inserts")
		equalEnrolmentCounts(t, s, "after inserts")

		// Status changes one by one, as the service makes them.
		statuses := []domain.EnrolmentStatus{domain.StatusInTraining, domain.StatusAwaitingJury, domain.StatusWithdrawn}
		for i, id := range ids[61:91] {
			if err := s.Write(ctx, func(q store.Q) error {
				return q.SetEnrolmentStatus(ctx, fmt.Sprintf("%s-step-%d", id, i), domain.Enrolment{ID: id,
					Status: statuses[i%len(statuses)], UpdatedAt: time.Now()}, "test", "")
			}); err != nil {
				t.Fatal(err)
			}
		}
		equalStepCounts(t, s, "after status changes")
		// Many per statement, and every other column of the key.
		exec(t, s, `UPDATE enrolments SET status = $1 WHERE id IN (`+quoted(ids[91:140])+`)`, string(domain.StatusFinalEvaluation))
		exec(t, s, `UPDATE enrolments SET route = CASE WHEN route = $1 THEN $2 ELSE $1 END WHERE id IN (`+quoted(ids[140:170])+`)`,
			string(domain.RouteVAE), string(domain.RouteFormation))
		exec(t, s, `UPDATE enrolments SET qualification_id = $1 WHERE id IN (`+quoted(ids[170:190])+`)`, quals[1].ID)
		exec(t, s, `UPDATE enrolments SET training_organisation_id = $1 WHERE id IN (`+quoted(ids[190:210])+`)`, orgs[1].ID)
		exec(t, s, `UPDATE enrolments SET training_organisation_id = NULL WHERE id IN (`+quoted(ids[210:220])+`)`)
		equalStepCounts(t, s, "after updates of many enrolments")
		// An enrolment moved to another candidate (nothing does it today), one alone and many.
		exec(t, s, `UPDATE enrolments SET candidate_id = (SELECT candidate_id FROM enrolments WHERE id = $1) WHERE id = $2`, ids[0], ids[1]+"-copy")
		exec(t, s, `UPDATE enrolments SET candidate_id = (SELECT candidate_id FROM enrolments WHERE id = $1) WHERE id IN (`+quoted(suffixed(ids[2:6], "-copy"))+`)`, ids[7])
		equalEnrolmentCounts(t, s, "after enrolments moved between candidates")
		if s.Dialect() == store.Postgres {
			before, _ := stepDeltaRows(t, s)
			exec(t, s, `UPDATE enrolments SET updated_at = updated_at WHERE id IN (`+quoted(ids[:300])+`)`)
			if after, _ := stepDeltaRows(t, s); after != before {
				t.Errorf("an update that moves no enrolment appended %d rows", after-before)
			}
		}

		// Deleted (nothing deletes an enrolment today: the erasure keeps them, anonymous).
		exec(t, s, `DELETE FROM enrolments WHERE id LIKE '%-copy' AND id IN (`+quoted(suffixed(ids[:40], "-copy"))+`)`)
		exec(t, s, `DELETE FROM enrolments WHERE id = $1`, ids[60]+"-again")
		equalStepCounts(t, s, "after deletions")
		exec(t, s, `DELETE FROM enrolments WHERE id IN (`+quoted(suffixed(ids[:60], "-copy"))+`)`)
		equalEnrolmentCounts(t, s, "after deletions")

		if err := s.FoldCounts(ctx); err != nil {
			t.Fatal(err)
		}
		folded(t, s, "after a fold")
		equalStepCounts(t, s, "after a fold")

		if err := s.MigrateDownTo(ctx, 36); err != nil {
			t.Fatal(err)
		}
		exec(t, s, `UPDATE enrolments SET status = $1 WHERE id IN (`+quoted(ids[300:340])+`)`, string(domain.StatusAdmissibility))
		if err := s.Migrate(ctx); err != nil {
			t.Fatal(err)
		}
		folded(t, s, "after migrating down and up")
		equalStepCounts(t, s, "after migrating down and up")
		equalEnrolmentCounts(t, s, "after migrating down and up")
	})
}

// Writers changing statuses at the same time on PostgreSQL never wait on each other for the
// step counts, nor on a fold, and the counts stay right.
func TestStepCountsConcurrentWriters(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		if s.Dialect() != store.Postgres {
			t.Skip("SQLite has a single writer")
		}
		ctx := context.Background()
		loadDemoAndSynthetic(t, s, 400, 5)
		ids := enrolmentIDs(t, s)

		// Two transactions moving enrolments of the same key the same way: the second commits
		// while the first is still open. lock_timeout turns a wait into an error, not a hang.
		same := sameKey(t, s)
		setStatus := func(q store.Q, id, change string) error {
			if err := q.ExecRaw(ctx, `SET LOCAL lock_timeout = '20s'`); err != nil {
				return err
			}
			return q.SetEnrolmentStatus(ctx, change, domain.Enrolment{ID: id, Status: domain.StatusWithdrawn, UpdatedAt: time.Now()}, "test", "")
		}
		// holdOpen starts a writer that changes id's status and keeps its transaction open
		// until release, which returns that writer's error.
		holdOpen := func(id, change string) (release func() error) {
			wrote, done := make(chan struct{}), make(chan struct{})
			written := make(chan error, 1)
			go func() {
				written <- s.Write(ctx, func(q store.Q) error {
					err := setStatus(q, id, change)
					close(wrote)
					if err != nil {
						return err
					}
					<-done
					return nil
				})
			}()
			<-wrote
			return func() error {
				close(done)
				return <-written
			}
		}
		release := holdOpen(same[0], "first")
		err := s.Write(ctx, func(q store.Q) error {
			if err := setStatus(q, same[1], "second"); err != nil {
				return err
			}
			return q.ExecRaw(ctx, `SELECT 1`)
		})
		firstErr := release()
		if err != nil {
			t.Fatalf("the second writer waited on the first: %v", err)
		}
		if firstErr != nil {
			t.Fatal(firstErr)
		}
		// A fold while a writer's rows are not committed leaves them, and takes no lock they hold.
		release = holdOpen(same[2], "third")
		err = s.Write(ctx, func(q store.Q) error {
			if err := q.ExecRaw(ctx, `SET LOCAL lock_timeout = '20s'`); err != nil {
				return err
			}
			return nil
		})
		if err == nil {
			err = s.FoldCounts(ctx)
		}
		firstErr = release()
		if err != nil {
			t.Fatalf("the fold waited on a writer: %v", err)
		}
		if firstErr != nil {
			t.Fatal(firstErr)
		}
		equalStepCounts(t, s, "after the two transactions and a fold")

		// Eight writers changing statuses while folds run.
		statuses := []domain.EnrolmentStatus{domain.StatusInTraining, domain.StatusFinalEvaluation, domain.StatusAwaitingJury,
			domain.StatusWithdrawn, domain.StatusEnrolled}
		const writers, changes = 8, 25
		var wg sync.WaitGroup
		errs := make(chan error, writers+1)
		done := make(chan struct{})
		for w := range writers {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for i := range changes {
					id := ids[(w*changes+i)%len(ids)]
					if err := s.Write(ctx, func(q store.Q) error {
						return q.SetEnrolmentStatus(ctx, fmt.Sprintf("%s-w%d-%d", id, w, i),
							domain.Enrolment{ID: id, Status: statuses[(w+i)%len(statuses)], UpdatedAt: time.Now()}, "test", "")
					}); err != nil {
						errs <- err
						return
					}
				}
			}()
		}
		var folds sync.WaitGroup
		folds.Add(1)
		go func() {
			defer folds.Done()
			for {
				select {
				case <-done:
					return
				default:
				}
				if err := s.FoldCounts(ctx); err != nil {
					errs <- err
					return
				}
			}
		}()
		wg.Wait()
		close(done)
		folds.Wait()
		close(errs)
		for err := range errs {
			t.Error(err)
		}
		equalStepCounts(t, s, "after concurrent writers and folds")
		if err := s.FoldCounts(ctx); err != nil {
			t.Fatal(err)
		}
		folded(t, s, "after the last fold")
		equalStepCounts(t, s, "after the last fold")
	})
}

// equalStepCounts compares StepCounts with the enrolments counted one by one, unfiltered and
// under the page's filters (route, qualification, organisation and their combinations).
func equalStepCounts(t *testing.T, s *store.Store, when string) {
	t.Helper()
	ctx := context.Background()
	q := s.Read()
	quals, err := q.Qualifications(ctx)
	if err != nil {
		t.Fatal(err)
	}
	orgs, err := q.ListTrainingOrganisations(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	filters := []store.StatisticsFilter{{}, {Route: domain.RouteVAE}, {Route: domain.RouteFormation},
		{QualificationID: quals[0].ID}, {QualificationID: quals[1].ID}, {TrainingOrganisationID: orgs[0].ID},
		{TrainingOrganisationID: orgs[1].ID}, {QualificationID: quals[0].ID, TrainingOrganisationID: orgs[1].ID},
		{QualificationID: quals[1].ID, TrainingOrganisationID: orgs[1].ID, Route: domain.RouteFormation}}
	total := 0
	for i, f := range filters {
		want, err := q.ReferenceStepCounts(ctx, f)
		if err != nil {
			t.Fatal(err)
		}
		got, err := q.StepCounts(ctx, f)
		if err != nil {
			t.Fatal(err)
		}
		order := func(rows []store.EnrolmentCount) []store.EnrolmentCount {
			slices.SortFunc(rows, func(a, b store.EnrolmentCount) int {
				return cmpStrings(string(a.Route)+"/"+string(a.Status), string(b.Route)+"/"+string(b.Status))
			})
			return rows
		}
		if !slices.Equal(order(got), order(want)) {
			t.Errorf("%s, filter %d (%+v): %+v, want %+v", when, i, f, got, want)
		}
		if i == 0 {
			for _, r := range want {
				total += r.Count
			}
		}
	}
	if total == 0 {
		t.Fatalf("%s: no enrolments to count", when)
	}
}

func cmpStrings(a, b string) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// folded checks on PostgreSQL that enrolment_step_deltas holds one row per key.
// equalEnrolmentCounts checks that each candidate's enrolment_count is their number of
// enrolments, and that the whole candidates list (whose total and deep pages rest on those
// counts and on the step counters) has as many rows as the join of candidates and enrolments
// and ends, on its last page read deep, with the join's last row.
func equalEnrolmentCounts(t *testing.T, s *store.Store, when string) {
	t.Helper()
	ctx := context.Background()
	wrong, err := s.CountRaw(ctx, `SELECT COUNT(*) FROM candidates c
		WHERE c.enrolment_count <> (SELECT COUNT(*) FROM enrolments e WHERE e.candidate_id = c.id)`)
	if err != nil {
		t.Fatal(err)
	}
	if wrong > 0 {
		t.Errorf("%s: %d candidates' enrolment_count differ from their enrolments", when, wrong)
	}
	several, err := s.CountRaw(ctx, `SELECT COUNT(*) FROM candidates WHERE enrolment_count > 1`)
	if err != nil || several == 0 {
		t.Fatalf("%s: no candidate with several enrolments (%v): the check proves nothing about extra rows", when, err)
	}
	rows, err := s.CountRaw(ctx, `SELECT COUNT(*) FROM candidates c LEFT JOIN enrolments e ON e.candidate_id = c.id`)
	if err != nil {
		t.Fatal(err)
	}
	restore := store.SetDeepOffset(1)
	defer restore()
	page, err := s.Read().ListCandidates(ctx, store.CandidateFilter{Limit: 3, Offset: rows - 2})
	if err != nil {
		t.Fatal(err)
	}
	if page.Total != rows || len(page.Rows) != 2 {
		t.Fatalf("%s: the whole list counts %d rows and ends with %d rows from %d; the join has %d", when, page.Total, len(page.Rows), rows-2, rows)
	}
	last, err := s.CountRaw(ctx, `SELECT COUNT(*) FROM candidates c LEFT JOIN enrolments e ON e.candidate_id = c.id
		WHERE (c.sort_key, c.id, COALESCE(e.created_at, c.created_at), COALESCE(e.id, '')) >=
		(SELECT c2.sort_key, c2.id, COALESCE(e2.created_at, c2.created_at), COALESCE(e2.id, '') FROM candidates c2
		 LEFT JOIN enrolments e2 ON e2.candidate_id = c2.id WHERE c2.id = $1 AND COALESCE(e2.id, '') = $2)`,
		page.Rows[0].Candidate.ID, page.Rows[0].Enrolment.ID)
	if err != nil {
		t.Fatal(err)
	}
	if last != 2 {
		t.Errorf("%s: the whole list's last page starts %d rows from the end of the join, not 2", when, last)
	}
}

func folded(t *testing.T, s *store.Store, when string) {
	t.Helper()
	oneRowPerKey(t, s, when, "step counts", s.StepDeltaRows)
}

// oneRowPerKey checks on PostgreSQL that a delta table, counted by rows, holds one row per key
// and some keys.
func oneRowPerKey(t *testing.T, s *store.Store, when, what string, rows func(context.Context) (rows, keys int, err error)) {
	t.Helper()
	if s.Dialect() != store.Postgres {
		return
	}
	n, keys, err := rows(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if n != keys || keys == 0 {
		t.Errorf("%s: %d rows of %s for %d keys", when, n, what, keys)
	}
}

func stepDeltaRows(t *testing.T, s *store.Store) (rows, keys int) {
	t.Helper()
	rows, keys, err := s.StepDeltaRows(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return rows, keys
}

func exec(t *testing.T, s *store.Store, query string, args ...any) {
	t.Helper()
	if err := s.ExecRaw(context.Background(), query, args...); err != nil {
		t.Fatalf("%s: %v", query, err)
	}
}

// enrolmentIDs lists the enrolments' ids in order.
func enrolmentIDs(t *testing.T, s *store.Store) []string {
	t.Helper()
	ids, err := s.EnrolmentIDs(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if len(ids) < 400 {
		t.Fatalf("%d enrolments, want at least 400", len(ids))
	}
	return ids
}

// sameKey returns three enrolments of the same qualification, organisation, route and status.
func sameKey(t *testing.T, s *store.Store) []string {
	t.Helper()
	ids, err := s.EnrolmentsOfOneKey(context.Background(), 3)
	if err != nil || len(ids) != 3 {
		t.Fatalf("three enrolments of one key: %v %v", ids, err)
	}
	return ids
}

// quoted writes ids as SQL string literals separated by commas (test ids hold no quote).
func quoted(ids []string) string {
	out := make([]string, len(ids))
	for i, id := range ids {
		out[i] = "'" + id + "'"
	}
	return strings.Join(out, ", ")
}

func suffixed(ids []string, suffix string) []string {
	out := make([]string, len(ids))
	for i, id := range ids {
		out[i] = id + suffix
	}
	return out
}
