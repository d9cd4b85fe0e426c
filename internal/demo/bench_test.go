package demo

import (
	"context"
	"database/sql"
	"fmt"
	"log/slog"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"testing"
	"time"

	"cqp/internal/domain"
	"cqp/internal/service"
	"cqp/internal/store"
	"cqp/internal/store/storetest"
)

// The benchmark's data set: the demo data plus benchCandidates() synthetic candidates. Bump
// benchDataVersion when Load or Synthetic change what they generate, so that cached sets are
// rebuilt.
const (
	defaultBenchCandidates = 100_000
	benchSeed              = 1
	benchDataVersion       = 13
	// benchMails is how many mails with a certificate attached the data set's outbox holds:
	// what one large jury session's issuing leaves there.
	benchMails = 300
	// benchCandidatesEnv sets how many synthetic candidates the data set holds (100 000 when
	// unset), for the measures at a million.
	benchCandidatesEnv = "CQP_BENCH_CANDIDATES"
	// benchDirEnv sets the directory of the SQLite data sets (the system's temporary directory
	// when unset), so that a measure can migrate its own copy of a set others are using.
	benchDirEnv = "CQP_BENCH_DIR"
)

// benchCandidates is the number of synthetic candidates of the data set.
func benchCandidates(tb testing.TB) int {
	v := os.Getenv(benchCandidatesEnv)
	if v == "" {
		return defaultBenchCandidates
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < 1 || n > 5_000_000 {
		tb.Fatalf("%s=%q: give a number of candidates between 1 and 5000000", benchCandidatesEnv, v)
	}
	return n
}

// benchSchema is the PostgreSQL schema of the data set: bench_100k as before for the default
// size, bench_N otherwise.
func benchSchema(n int) string {
	if n == defaultBenchCandidates {
		return "bench_100k"
	}
	return fmt.Sprintf("bench_%d", n)
}

// BenchmarkCandidateList measures the candidates list as people use it, over the demo data
// and 100 000 synthetic candidates, on SQLite and, when CQP_TEST_POSTGRES_URL is set, on
// PostgreSQL. Each iteration asks the service for the page, then runs its floor: plain SQL
// statements giving the same rows and the same total, through the same driver on its own pool
// (bareListQueries); the two alternate so that the machine's load weighs on both alike. It
// reports the median and 95th percentile of each in milliseconds, and their ratios; run it
// with a fixed count of iterations so that the percentiles rest on enough samples:
//
//	go test -run '^$' -bench BenchmarkCandidateList -benchtime 200x ./internal/demo/
//
// The first run builds the data sets (about a minute each): a SQLite file cached in the
// system's temporary directory, and the PostgreSQL schema bench_100k, kept between runs.
func BenchmarkCandidateList(b *testing.B) {
	for _, target := range benchTargets() {
		b.Run(target.name, func(b *testing.B) {
			s := target.open(b)
			bare := target.bare(b)
			svc := service.New(s, time.Now, slog.New(slog.DiscardHandler), "")
			secretariat := benchActor(b, svc, SecretariatEmail)
			organisation := benchActor(b, svc, email("of."+organisations[1].Slug))
			floors := bareListQueries(b, bare, organisations[1].Name)
			queries := []struct {
				name   string
				actor  domain.Actor
				filter store.CandidateFilter
			}{
				{"first-page", secretariat, store.CandidateFilter{Limit: 50}},
				{"search-lefevre", secretariat, store.CandidateFilter{Search: "lefevre", Limit: 50}},                        // as the API asks: an exact total
				{"search-lefevre-page", secretariat, store.CandidateFilter{Search: "lefevre", Limit: 51, CountLimit: 1000}}, // as the page asks
				{"search-e-acute", secretariat, store.CandidateFilter{Search: "é", Limit: 51, CountLimit: 1000}},            // as the page asks
				{"qualification-status", secretariat, store.CandidateFilter{QualificationCode: "CC", Status: domain.StatusAwaitingJury, Limit: 50}},
				{"page-1001", secretariat, store.CandidateFilter{Limit: 50, Offset: 50_000}},
				{"organisation-scoped", organisation, store.CandidateFilter{Limit: 50}},
			}
			for _, q := range queries {
				b.Run(q.name, func(b *testing.B) {
					ctx := context.Background()
					floor := floors[q.name]
					var durations, bareDurations []time.Duration
					for b.Loop() {
						start := time.Now()
						page, err := svc.Candidates(ctx, q.actor, q.filter)
						durations = append(durations, time.Since(start))
						if err != nil {
							b.Fatal(err)
						}
						if len(page.Rows) == 0 {
							b.Fatalf("%s returned no row (total %d)", q.name, page.Total)
						}
						start = time.Now()
						rows, total, err := floor.run(ctx, bare)
						bareDurations = append(bareDurations, time.Since(start))
						if err != nil {
							b.Fatalf("%s, bare SQL: %v", q.name, err)
						}
						if err := sameListPage(page, rows, total); err != nil {
							b.Fatalf("%s: the bare SQL is not the same page: %v", q.name, err)
						}
					}
					slices.Sort(durations)
					slices.Sort(bareDurations)
					p50, p95 := percentile(durations, 50), percentile(durations, 95)
					bare50, bare95 := percentile(bareDurations, 50), percentile(bareDurations, 95)
					b.ReportMetric(p50, "p50-ms")
					b.ReportMetric(p95, "p95-ms")
					b.ReportMetric(bare50, "bare-p50-ms")
					b.ReportMetric(bare95, "bare-p95-ms")
					b.ReportMetric(p50/bare50, "x-bare-p50")
					b.ReportMetric(p95/bare95, "x-bare-p95")
				})
			}
		})
	}
}

// BenchmarkDashboard measures the secretariat's dashboard (what the page asks the service
// for) and the outbox list (/courriels) over the same data set as BenchmarkCandidateList, with
// benchMails mails carrying a PDF in the outbox:
//
//	go test -run '^$' -bench BenchmarkDashboard -benchtime 50x ./internal/demo/
func BenchmarkDashboard(b *testing.B) {
	for _, target := range benchTargets() {
		b.Run(target.name, func(b *testing.B) {
			s := target.open(b)
			svc := service.New(s, time.Now, slog.New(slog.DiscardHandler), "")
			secretariat := benchActor(b, svc, SecretariatEmail)
			// The dashboard page asks the same three things of every role.
			dashboard := func(a domain.Actor) func() error {
				return func() error {
					ctx := context.Background()
					if _, err := svc.Dashboard(ctx, a); err != nil {
						return err
					}
					if _, err := svc.VAEDashboard(ctx, a); err != nil {
						return err
					}
					_, err := svc.CandidateDashboard(ctx, a)
					return err
				}
			}
			ctx := context.Background()
			pages := []struct {
				name string
				load func() error
			}{
				{"dashboard", dashboard(secretariat)},
				{"dashboard-organisation", dashboard(benchActor(b, svc, email("of."+organisations[1].Slug)))},
				{"dashboard-referent", dashboard(benchActor(b, svc, email("referent."+companies[0].Slug)))},
				{"dashboard-commission-member", dashboard(benchActor(b, svc, email("commission1")))},
				{"outbox", func() error {
					mails, err := svc.Outbox(ctx, secretariat)
					if err == nil && len(mails) == 0 {
						err = fmt.Errorf("empty outbox")
					}
					return err
				}},
			}
			for _, p := range pages {
				b.Run(p.name, func(b *testing.B) {
					var durations []time.Duration
					for b.Loop() {
						start := time.Now()
						err := p.load()
						durations = append(durations, time.Since(start))
						if err != nil {
							b.Fatal(err)
						}
					}
					slices.Sort(durations)
					b.ReportMetric(percentile(durations, 50), "p50-ms")
					b.ReportMetric(percentile(durations, 95), "p95-ms")
				})
			}
		})
	}
}

type benchTarget struct {
	name string
	open func(testing.TB) *store.Store
	// bare opens a plain pool on the data set open built, through the same driver: the
	// floors' connection.
	bare func(testing.TB) *sql.DB
}

// benchTargets is SQLite, and PostgreSQL when CQP_TEST_POSTGRES_URL is set.
func benchTargets() []benchTarget {
	targets := []benchTarget{{"sqlite", benchSQLite, bareSQLite}}
	if base := os.Getenv(storetest.PostgresURLEnv); base != "" {
		targets = append(targets, benchTarget{"postgres", func(tb testing.TB) *store.Store { return benchPostgres(tb, base) },
			func(tb testing.TB) *sql.DB { return barePostgres(tb, base) }})
	}
	return targets
}

// percentile returns the p-th percentile of sorted durations, in milliseconds (nearest rank).
func percentile(sorted []time.Duration, p int) float64 {
	if len(sorted) == 0 {
		return 0
	}
	i := (len(sorted)*p+99)/100 - 1
	return float64(sorted[max(i, 0)]) / float64(time.Millisecond)
}

func benchActor(tb testing.TB, svc *service.Service, mail string) domain.Actor {
	tb.Helper()
	ctx := context.Background()
	u, err := svc.UserByEmail(ctx, domain.SystemActor("benchmark"), mail)
	if err != nil {
		tb.Fatalf("demo account %s: %v", mail, err)
	}
	a, err := svc.Actor(ctx, u.ID, "")
	if err != nil {
		tb.Fatal(err)
	}
	return a
}

// fill loads the demo data and the synthetic candidates into a migrated store.
func fill(tb testing.TB, s *store.Store) {
	tb.Helper()
	ctx := context.Background()
	start := time.Now()
	svc := service.New(s, time.Now, slog.New(slog.DiscardHandler), "")
	if _, err := Load(ctx, svc); err != nil {
		tb.Fatal(err)
	}
	loaded := time.Now()
	n := benchCandidates(tb)
	if err := Synthetic(ctx, s, n, benchSeed); err != nil {
		tb.Fatal(err)
	}
	tb.Logf("%s: demo data in %v, %d synthetic candidates in %v", s.Dialect(), loaded.Sub(start).Round(time.Millisecond),
		n, time.Since(loaded).Round(time.Millisecond))
	// The outbox after a large session's issuing: each mail carries a certificate of about
	// 47 KB (the demo's own issued documents are a handful). One in ten failed to send.
	pdf := benchPDF(tb, svc)
	err := s.Write(ctx, func(q store.Q) error {
		for i := range benchMails {
			m := store.Mail{ID: fmt.Sprintf("bench-mail-%03d", i), To: fmt.Sprintf("titulaire%03d@exemple.fr", i),
				Subject: "Votre certificat de qualification professionnelle", Body: "Bonjour,\n\nVous trouverez le document en pièce jointe (PDF).",
				CreatedAt: start.Add(time.Duration(i) * time.Second), AttachmentName: fmt.Sprintf("certificat-%03d.pdf", i),
				AttachmentType: "application/pdf", Attachment: pdf}
			if err := q.QueueMail(ctx, m); err != nil {
				return err
			}
			if i%10 == 0 {
				if err := q.MarkMail(ctx, m.ID, nil, "550 mailbox unavailable"); err != nil {
					return err
				}
			}
		}
		return nil
	})
	if err != nil {
		tb.Fatal(err)
	}
}

// benchPDF is the PDF of one of the demo's issued documents.
func benchPDF(tb testing.TB, svc *service.Service) []byte {
	tb.Helper()
	ctx := context.Background()
	p, err := svc.Certificates(ctx, domain.SystemActor("benchmark"), store.CertificateFilter{Limit: 1})
	if err != nil || len(p.Items) == 0 {
		tb.Fatalf("no demo document to attach: %v", err)
	}
	f, err := svc.CertificatePDF(ctx, domain.SystemActor("benchmark"), p.Items[0].ID)
	if err != nil {
		tb.Fatal(err)
	}
	return f.Content
}

func openMigrated(tb testing.TB, o store.Options) *store.Store {
	tb.Helper()
	s, err := tryOpenMigrated(o)
	if err != nil {
		tb.Fatal(err)
	}
	return s
}

// tryOpenMigrated opens and migrates a database. Migrating a kept data set fails when a
// migration numbered below its version has appeared since it was built: it is then rebuilt.
func tryOpenMigrated(o store.Options) (*store.Store, error) {
	ctx := context.Background()
	s, err := store.Open(ctx, o)
	if err != nil {
		return nil, err
	}
	if err := s.Migrate(ctx); err != nil {
		s.Close()
		return nil, err
	}
	return s, nil
}

// benchSQLitePath is the file of the SQLite data set.
func benchSQLitePath(tb testing.TB) string {
	dir := os.Getenv(benchDirEnv)
	if dir == "" {
		dir = os.TempDir()
	}
	return filepath.Join(dir, fmt.Sprintf("cqp-bench-v%d-n%d-seed%d.db", benchDataVersion, benchCandidates(tb), benchSeed))
}

// benchSQLite opens the cached SQLite data set, building it first when absent. It is built under another name and renamed once complete, so that an interrupted
// build is never used.
func benchSQLite(tb testing.TB) *store.Store {
	tb.Helper()
	path := benchSQLitePath(tb)
	if _, err := os.Stat(path); err == nil {
		s, err := tryOpenMigrated(store.Options{SQLitePath: path})
		if err == nil {
			tb.Cleanup(func() { s.Close() })
			return s
		}
		tb.Logf("rebuilding %s: %v", path, err)
	}
	building := path + ".building"
	for _, suffix := range []string{"", "-wal", "-shm"} {
		_ = os.Remove(building + suffix)
	}
	s := openMigrated(tb, store.Options{SQLitePath: building})
	fill(tb, s)
	if err := s.Close(); err != nil { // the last connection folds the WAL into the file
		tb.Fatal(err)
	}
	if err := os.Rename(building, path); err != nil {
		tb.Fatal(err)
	}
	s = openMigrated(tb, store.Options{SQLitePath: path})
	tb.Cleanup(func() { s.Close() })
	return s
}

// benchPostgresURL is base with the data set's schema as its search path.
func benchPostgresURL(tb testing.TB, base string) *url.URL {
	u, err := url.Parse(base)
	if err != nil {
		tb.Fatalf("parse %s: %v", storetest.PostgresURLEnv, err)
	}
	q := u.Query()
	q.Set("search_path", benchSchema(benchCandidates(tb)))
	u.RawQuery = q.Encode()
	return u
}

// benchPostgres opens the schema bench_100k (bench_N at another size) of the database at base,
// building it when absent, incomplete or from another version of the data set.
func benchPostgres(tb testing.TB, base string) *store.Store {
	tb.Helper()
	ctx := context.Background()
	n := benchCandidates(tb)
	benchSchema := benchSchema(n)
	admin, err := sql.Open("pgx", base)
	if err != nil {
		tb.Fatal(err)
	}
	defer admin.Close()
	u := benchPostgresURL(tb, base)

	// The schema's comment names the data set once it is complete.
	marker := fmt.Sprintf("cqp benchmark data v%d: %d candidates, seed %d", benchDataVersion, n, benchSeed)
	var comment sql.NullString
	err = admin.QueryRowContext(ctx, `SELECT obj_description(oid, 'pg_namespace') FROM pg_namespace WHERE nspname = $1`, benchSchema).Scan(&comment)
	if err != nil && err != sql.ErrNoRows {
		tb.Fatal(err)
	}
	if comment.String == marker {
		s, err := tryOpenMigrated(store.Options{PostgresURL: u.String()})
		if err == nil {
			tb.Cleanup(func() { s.Close() })
			return s
		}
		tb.Logf("rebuilding schema %s: %v", benchSchema, err)
	}
	if _, err := admin.ExecContext(ctx, `DROP SCHEMA IF EXISTS `+benchSchema+` CASCADE`); err != nil {
		tb.Fatal(err)
	}
	if _, err := admin.ExecContext(ctx, `CREATE SCHEMA `+benchSchema); err != nil {
		tb.Fatal(err)
	}
	s := openMigrated(tb, store.Options{PostgresURL: u.String()})
	tb.Cleanup(func() { s.Close() })
	fill(tb, s)
	// What autovacuum does shortly after a bulk load: plans rest on real statistics, and
	// index-only scans on a visibility map.
	if _, err := admin.ExecContext(ctx, `VACUUM ANALYZE `+benchSchema+`.candidates, `+benchSchema+`.enrolments, `+benchSchema+`.outcome_surveys`); err != nil {
		tb.Fatal(err)
	}
	if _, err := admin.ExecContext(ctx, `COMMENT ON SCHEMA `+benchSchema+` IS '`+marker+`'`); err != nil {
		tb.Fatal(err)
	}
	return s
}

// BenchmarkLoad measures loading the demo data set into a fresh, migrated SQLite database, as
// `cqp serve --demo` does on its first start (migrations are not counted):
//
//	go test -run '^$' -bench BenchmarkLoad -benchtime 3x ./internal/demo/
func BenchmarkLoad(b *testing.B) {
	ctx := context.Background()
	for b.Loop() {
		b.StopTimer()
		s := openMigrated(b, store.Options{SQLitePath: filepath.Join(b.TempDir(), "cqp.db")})
		svc := service.New(s, time.Now, slog.New(slog.DiscardHandler), "")
		b.StartTimer()
		if _, err := Load(ctx, svc); err != nil {
			b.Fatal(err)
		}
		b.StopTimer()
		s.Close()
		b.StartTimer()
	}
}

// BenchmarkSynthetic measures adding 20 000 synthetic candidates to the demo data set in a
// fresh SQLite database, as `cqp demo --candidates 20000` does after the demo load (not
// counted):
//
//	go test -run '^$' -bench BenchmarkSynthetic -benchtime 3x ./internal/demo/
func BenchmarkSynthetic(b *testing.B) {
	ctx := context.Background()
	for b.Loop() {
		b.StopTimer()
		s := openMigrated(b, store.Options{SQLitePath: filepath.Join(b.TempDir(), "cqp.db")})
		if _, err := Load(ctx, service.New(s, time.Now, slog.New(slog.DiscardHandler), "")); err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
		if err := Synthetic(ctx, s, 20_000, benchSeed); err != nil {
			b.Fatal(err)
		}
		b.StopTimer()
		s.Close()
		b.StartTimer()
	}
}
