// Package store keeps cqp's data in SQLite (default) or PostgreSQL through database/sql.
// One SQL code path serves both: $N placeholders, IDs and timestamps from Go, no dialect-only
// types in shared queries. Each aggregate has its own file.
package store

import (
	"context"
	"database/sql"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"net/url"
	"os"
	"path/filepath"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/stdlib" // also registers the "pgx" driver the tests open
	"github.com/pressly/goose/v3"
	"github.com/pressly/goose/v3/lock"
	_ "modernc.org/sqlite" // registers the "sqlite" driver
)

//go:embed migrations/sqlite/*.sql migrations/postgres/*.sql
var migrationFiles embed.FS

// Dialect names the database engine.
type Dialect string

const (
	SQLite   Dialect = "sqlite"
	Postgres Dialect = "postgres"
)

// Store is the database. For SQLite it holds one writer connection and a separate read pool;
// for PostgreSQL both are the same pool.
type Store struct {
	dialect Dialect
	writer  *sql.DB
	reader  *sql.DB
	path    string // SQLite file, for backups
	// prepared is the SQLite read pool with its statements kept (prepared.go); nil on
	// PostgreSQL.
	prepared *preparedReads
}

// Options say where the database is.
type Options struct {
	SQLitePath  string // used when PostgresURL is empty
	PostgresURL string
}

// Open connects to the database. It does not migrate: call Migrate.
func Open(ctx context.Context, o Options) (*Store, error) {
	if o.PostgresURL != "" {
		cfg, err := pgx.ParseConfig(o.PostgresURL)
		if err != nil {
			return nil, fmt.Errorf("open postgres: %w", err)
		}
		// No JIT compilation unless the URL asks for it: cqp's queries are short, and
		// PostgreSQL compiled those its planner costs high (a training organisation's tasks at
		// a million candidates) for 10 to 25 ms each, longer than they then ran
		// (docs/PERFORMANCE.md, « At a million candidates, against the bare SQL »).
		if _, set := cfg.RuntimeParams["jit"]; !set {
			cfg.RuntimeParams["jit"] = "off"
		}
		db := stdlib.OpenDB(*cfg)
		db.SetMaxOpenConns(20)
		// All twenty stay open between requests: with ten kept idle, a burst above ten (public
		// verification from 64 clients) closed connections as they came back and opened new
		// ones, each a new PostgreSQL process, which cost more CPU than the queries
		// (docs/PERFORMANCE.md, « Public verification »).
		db.SetMaxIdleConns(20)
		db.SetConnMaxIdleTime(5 * time.Minute)
		if err := db.PingContext(ctx); err != nil {
			db.Close()
			return nil, fmt.Errorf("connect to postgres at %s: %w", redactURL(o.PostgresURL), err)
		}
		return &Store{dialect: Postgres, writer: db, reader: db}, nil
	}
	if err := os.MkdirAll(filepath.Dir(o.SQLitePath), 0o750); err != nil {
		return nil, fmt.Errorf("create data directory: %w", err)
	}
	pragmas := "_pragma=busy_timeout(10000)&_pragma=journal_mode(WAL)&_pragma=foreign_keys(1)&_pragma=synchronous(NORMAL)&_time_format=sqlite"
	w, err := sql.Open("sqlite", "file:"+o.SQLitePath+"?"+pragmas+"&_txlock=immediate")
	if err != nil {
		return nil, fmt.Errorf("open sqlite: %w", err)
	}
	w.SetMaxOpenConns(1)
	w.SetConnMaxIdleTime(0)
	if err := w.PingContext(ctx); err != nil {
		w.Close()
		return nil, fmt.Errorf("open sqlite database %s: %w", o.SQLitePath, err)
	}
	// The readers map the file (up to SQLite's own ceiling of 2 GiB in this build) instead of
	// copying each page in with a read system call: long reads such as the bilan's look up
	// pages all over the file, and those calls were a sixth of its CPU (docs/PERFORMANCE.md).
	// The writer keeps ordinary reads and writes.
	r, err := sql.Open("sqlite", "file:"+o.SQLitePath+"?"+pragmas+"&_pragma=query_only(1)&_pragma=mmap_size(2147418112)")
	if err != nil {
		w.Close()
		return nil, fmt.Errorf("open sqlite: %w", err)
	}
	r.SetMaxOpenConns(4)
	// All four stay open: with database/sql's default of two idle, a burst of reads (public
	// verification) closed and reopened connections, 3 % of the CPU under load.
	r.SetMaxIdleConns(4)
	return &Store{dialect: SQLite, writer: w, reader: r, path: o.SQLitePath, prepared: newPreparedReads(r)}, nil
}

func redactURL(s string) string {
	u, err := url.Parse(s)
	if err != nil {
		return "(unparsable URL)"
	}
	return u.Redacted()
}

// Dialect returns the database engine in use.
func (s *Store) Dialect() Dialect { return s.dialect }

// Close closes every connection.
func (s *Store) Close() error {
	var err error
	if s.prepared != nil {
		err = s.prepared.close()
	}
	err = errors.Join(err, s.writer.Close())
	if s.reader != s.writer {
		err = errors.Join(err, s.reader.Close())
	}
	return err
}

// Analyze refreshes the statistics the query planner reads (ANALYZE, on SQLite and
// PostgreSQL alike), after a load that grew the tables by much at once. On PostgreSQL it first
// rewrites the statistics' delta tables: a bulk load folds them after each batch inside its one
// transaction, and the dead rows it leaves are pages every statistics page would read again
// (127 MB and 320 MB at a million candidates, 60–180 ms a read; docs/PERFORMANCE.md). It also
// vacuums the candidates, each of whose rows the load wrote twice (the row, then its count of
// enrolments, migration 00045), and the enrolments, so that the list's index-only scans do not
// visit the table for every entry until autovacuum has been by (the first page at a million:
// 95 ms before, 3 ms after).
func (s *Store) Analyze(ctx context.Context) error {
	if s.dialect == Postgres {
		if _, err := s.writer.ExecContext(ctx, "VACUUM FULL enrolment_step_deltas, outcome_survey_deltas"); err != nil {
			return normalize(err)
		}
		if _, err := s.writer.ExecContext(ctx, "VACUUM candidates, enrolments"); err != nil {
			return normalize(err)
		}
	}
	_, err := s.writer.ExecContext(ctx, "ANALYZE")
	return normalize(err)
}

// Ping checks that the database answers.
func (s *Store) Ping(ctx context.Context) error {
	if err := s.reader.PingContext(ctx); err != nil {
		return normalize(err)
	}
	var one int
	return normalize(s.reader.QueryRowContext(ctx, "SELECT 1").Scan(&one))
}

func (s *Store) migrations() (fs.FS, goose.Dialect, error) {
	sub, err := fs.Sub(migrationFiles, "migrations/"+string(s.dialect))
	if err != nil {
		return nil, "", err
	}
	if s.dialect == Postgres {
		return sub, goose.DialectPostgres, nil
	}
	return sub, goose.DialectSQLite3, nil
}

func (s *Store) provider() (*goose.Provider, error) {
	fsys, dialect, err := s.migrations()
	if err != nil {
		return nil, err
	}
	var opts []goose.ProviderOption
	if s.dialect == Postgres {
		locker, err := lock.NewPostgresSessionLocker()
		if err != nil {
			return nil, err
		}
		opts = append(opts, goose.WithSessionLocker(locker))
	}
	return goose.NewProvider(dialect, s.writer, fsys, opts...)
}

// ErrSchemaTooNew means the database was migrated by a newer cqp than this one.
var ErrSchemaTooNew = errors.New("database schema is newer than this cqp")

// MigrateTo applies the migrations up to version and no further: the benchmarks upgrade a data
// set kept from an older version at the schema its upgrade was written for, then Migrate.
func (s *Store) MigrateTo(ctx context.Context, version int64) error {
	p, err := s.provider()
	if err != nil {
		return fmt.Errorf("prepare migrations: %w", err)
	}
	if _, err := p.UpTo(ctx, version); err != nil {
		return fmt.Errorf("apply migrations up to %d: %w", version, err)
	}
	return nil
}

// Migrate applies pending migrations. Several servers may call it at once on PostgreSQL: an
// advisory lock lets one migrate while the others wait. It refuses a schema newer than the
// migrations this binary holds.
func (s *Store) Migrate(ctx context.Context) error {
	p, err := s.provider()
	if err != nil {
		return fmt.Errorf("prepare migrations: %w", err)
	}
	current, err := p.GetDBVersion(ctx)
	if err != nil {
		return fmt.Errorf("read schema version: %w", err)
	}
	if latest := LatestVersion(); current > latest {
		return fmt.Errorf("%w: database at version %d, this cqp knows up to %d; upgrade cqp", ErrSchemaTooNew, current, latest)
	}
	if _, err := p.Up(ctx); err != nil {
		return fmt.Errorf("apply migrations: %w", err)
	}
	return nil
}

// SchemaVersion returns the version the database is at.
func (s *Store) SchemaVersion(ctx context.Context) (int64, error) {
	p, err := s.provider()
	if err != nil {
		return 0, err
	}
	return p.GetDBVersion(ctx)
}

// LatestVersion is the newest migration this binary holds.
func LatestVersion() int64 {
	var latest int64
	entries, _ := fs.ReadDir(migrationFiles, "migrations/sqlite")
	for _, e := range entries {
		var v int64
		if _, err := fmt.Sscanf(e.Name(), "%d_", &v); err == nil && v > latest {
			latest = v
		}
	}
	return latest
}

// Backup writes a consistent copy of the SQLite database to path while the server runs.
func (s *Store) Backup(ctx context.Context, path string) error {
	if s.dialect != SQLite {
		return errors.New("backup copies SQLite databases only; for PostgreSQL use pg_dump")
	}
	if _, err := os.Stat(path); err == nil {
		return fmt.Errorf("%s already exists: choose another file", path)
	}
	_, err := s.writer.ExecContext(ctx, "VACUUM INTO $1", path)
	return normalize(err)
}

// dbtx is what both *sql.DB and *sql.Tx offer.
type dbtx interface {
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

// Q runs queries, either on the read pool or inside a write transaction. Every aggregate's
// methods hang on Q so that the same code serves reads and transactions.
type Q struct {
	db      dbtx
	dialect Dialect
}

// onPool reports whether q runs on the read pool, where queries may run side by side on
// several connections; a transaction's Q has one connection and runs one query at a time.
func (q Q) onPool() bool {
	_, inTx := q.db.(*sql.Tx)
	return !inTx
}

// Read returns a Q on the read pool.
func (s *Store) Read() Q {
	if s.prepared != nil {
		return Q{db: s.prepared, dialect: s.dialect}
	}
	return Q{db: s.reader, dialect: s.dialect}
}

// Write runs fn in one transaction on the writer. fn's error rolls everything back, so a
// refused batch leaves nothing behind.
func (s *Store) Write(ctx context.Context, fn func(Q) error) error {
	tx, err := s.writer.BeginTx(ctx, nil)
	if err != nil {
		return normalize(err)
	}
	if err := fn(Q{db: tx, dialect: s.dialect}); err != nil {
		_ = tx.Rollback()
		return normalize(err)
	}
	return normalize(tx.Commit())
}
