// Package storetest opens real, migrated, throw-away databases for tests: always a SQLite
// file in the test's temporary directory, and a fresh PostgreSQL schema when
// CQP_TEST_POSTGRES_URL is set (CI sets it and fails when PostgreSQL is unreachable).
package storetest

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"net/url"
	"os"
	"path/filepath"
	"testing"

	_ "github.com/jackc/pgx/v5/stdlib"

	"cqp/internal/store"
)

// PostgresURLEnv names the variable that enables the PostgreSQL runs.
const PostgresURLEnv = "CQP_TEST_POSTGRES_URL"

// Target is one database to run a test against.
type Target struct {
	Name    string // "sqlite" or "postgres"
	Options store.Options
}

// Targets returns SQLite, plus PostgreSQL when configured. Each call for PostgreSQL creates a
// new schema dropped when the test ends.
func Targets(t testing.TB) []Target {
	t.Helper()
	targets := []Target{{Name: "sqlite", Options: store.Options{SQLitePath: filepath.Join(t.TempDir(), "cqp.db")}}}
	if base := os.Getenv(PostgresURLEnv); base != "" {
		targets = append(targets, Target{Name: "postgres", Options: store.Options{PostgresURL: FreshSchema(t, base)}})
	} else if os.Getenv("CI") != "" {
		t.Fatalf("%s is not set in CI: the PostgreSQL store tests must run", PostgresURLEnv)
	}
	return targets
}

// FreshSchema creates an empty schema in the database at base and returns a URL whose
// connections use it. The schema is dropped at the end of the test.
func FreshSchema(t testing.TB, base string) string {
	t.Helper()
	var b [6]byte
	_, _ = rand.Read(b[:])
	schema := "t_" + hex.EncodeToString(b[:])
	admin, err := sql.Open("pgx", base)
	if err != nil {
		t.Fatalf("open postgres: %v", err)
	}
	if _, err := admin.Exec(`CREATE SCHEMA ` + schema); err != nil {
		admin.Close()
		t.Fatalf("create schema on %s: %v", PostgresURLEnv, err)
	}
	t.Cleanup(func() {
		_, _ = admin.Exec(`DROP SCHEMA ` + schema + ` CASCADE`)
		admin.Close()
	})
	u, err := url.Parse(base)
	if err != nil {
		t.Fatalf("parse %s: %v", PostgresURLEnv, err)
	}
	q := u.Query()
	q.Set("search_path", schema)
	u.RawQuery = q.Encode()
	return u.String()
}

// Open opens and migrates the target's database, closed at the end of the test.
func Open(t testing.TB, target Target) *store.Store {
	t.Helper()
	ctx := context.Background()
	s, err := store.Open(ctx, target.Options)
	if err != nil {
		t.Fatalf("open %s: %v", target.Name, err)
	}
	t.Cleanup(func() { s.Close() })
	if err := s.Migrate(ctx); err != nil {
		t.Fatalf("migrate %s: %v", target.Name, err)
	}
	return s
}

// Each runs fn as a subtest against every target.
func Each(t *testing.T, fn func(t *testing.T, s *store.Store)) {
	t.Helper()
	for _, target := range Targets(t) {
		t.Run(target.Name, func(t *testing.T) {
			fn(t, Open(t, target))
		})
	}
}
