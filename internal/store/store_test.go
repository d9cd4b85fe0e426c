package store_test

import (
	"context"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"cqp/internal/domain"
	"cqp/internal/store"
	"cqp/internal/store/storetest"
)

var t0 = time.Date(2026, 11, 25, 9, 0, 0, 0, time.UTC)

func TestMigrationsHaveTheSameVersionsInBothDialects(t *testing.T) {
	versions := func(dir string) []string {
		entries, err := os.ReadDir(filepath.Join("migrations", dir))
		if err != nil {
			t.Fatal(err)
		}
		var out []string
		for _, e := range entries {
			out = append(out, strings.SplitN(e.Name(), "_", 2)[0])
		}
		return out
	}
	sqlite, pg := versions("sqlite"), versions("postgres")
	if strings.Join(sqlite, ",") != strings.Join(pg, ",") {
		t.Fatalf("migration versions differ: sqlite %v, postgres %v", sqlite, pg)
	}
	if len(sqlite) == 0 {
		t.Fatal("no migrations found")
	}
}

func TestNoCodeUpdatesOrDeletesTheAuditTrail(t *testing.T) {
	forbidden := regexp.MustCompile(`(?i)(UPDATE\s+audit_log|DELETE\s+FROM\s+audit_log|TRUNCATE\s+audit_log)`)
	root := filepath.Join("..", "..")
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && (d.Name() == ".git" || d.Name() == "node_modules") {
			return filepath.SkipDir
		}
		if d.IsDir() || !(strings.HasSuffix(path, ".go") || strings.HasSuffix(path, ".sql")) || strings.HasSuffix(path, "store_test.go") {
			return nil
		}
		b, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		if loc := forbidden.FindIndex(b); loc != nil {
			t.Errorf("%s changes the audit trail: %q", path, b[loc[0]:loc[1]])
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

func TestStore(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()

		t.Run("migrating twice is harmless and reports the latest version", func(t *testing.T) {
			if err := s.Migrate(ctx); err != nil {
				t.Fatal(err)
			}
			v, err := s.SchemaVersion(ctx)
			if err != nil || v != store.LatestVersion() {
				t.Fatalf("version %d, %v; want %d", v, err, store.LatestVersion())
			}
		})

		t.Run("a duplicate e-mail is a conflict on the email field", func(t *testing.T) {
			u := domain.User{ID: "u1", Email: "a@example.fr", Name: "A", CreatedAt: t0}
			if err := s.Write(ctx, func(q store.Q) error { return q.CreateUser(ctx, u) }); err != nil {
				t.Fatal(err)
			}
			u.ID = "u2"
			err := s.Write(ctx, func(q store.Q) error { return q.CreateUser(ctx, u) })
			var de *domain.Error
			if domain.ErrorCode(err) != domain.ECONFLICT {
				t.Fatalf("got %v, want conflict", err)
			}
			if !asError(err, &de) || de.Fields["email"] == "" {
				t.Fatalf("conflict does not name the email field: %v", err)
			}
		})

		t.Run("a failed transaction leaves nothing behind", func(t *testing.T) {
			err := s.Write(ctx, func(q store.Q) error {
				if err := q.CreateCompany(ctx, domain.Company{ID: "co1", Name: "X", SIRET: "73282932000074", CreatedAt: t0}); err != nil {
					return err
				}
				return q.CreateCompany(ctx, domain.Company{ID: "co2", Name: "Y", SIRET: "73282932000074", CreatedAt: t0})
			})
			if domain.ErrorCode(err) != domain.ECONFLICT {
				t.Fatalf("got %v, want conflict", err)
			}
			cs, err := s.Read().ListCompanies(ctx, nil)
			if err != nil || len(cs) != 0 {
				t.Fatalf("companies after rollback: %v, %v", cs, err)
			}
		})

		t.Run("sessions are found until they expire", func(t *testing.T) {
			now := t0
			ss := s.Sessions(func() time.Time { return now })
			if err := ss.CommitCtx(ctx, "tok", []byte("data"), t0.Add(time.Hour)); err != nil {
				t.Fatal(err)
			}
			if err := ss.CommitCtx(ctx, "tok", []byte("data2"), t0.Add(time.Hour)); err != nil {
				t.Fatal(err)
			}
			b, ok, err := ss.FindCtx(ctx, "tok")
			if err != nil || !ok || string(b) != "data2" {
				t.Fatalf("find: %q %v %v", b, ok, err)
			}
			now = t0.Add(2 * time.Hour)
			if _, ok, _ := ss.FindCtx(ctx, "tok"); ok {
				t.Fatal("expired session still found")
			}
		})

		t.Run("a page view moves the idle deadline at most once a minute, and the session still expires", func(t *testing.T) {
			const idle = 2 * time.Hour
			now := t0
			ss := s.Sessions(func() time.Time { return now })
			expiry := func() time.Time {
				t.Helper()
				e, err := s.SessionExpiry(ctx, "idle")
				if err != nil {
					t.Fatal(err)
				}
				return e
			}
			// view is one authenticated page view at the store's clock, as scs makes it.
			view := func(at time.Duration, data string) {
				t.Helper()
				now = t0.Add(at)
				if err := ss.CommitCtx(ctx, "idle", []byte(data), now.Add(idle)); err != nil {
					t.Fatal(err)
				}
			}
			view(0, "user")
			if got := expiry(); !got.Equal(t0.Add(idle)) {
				t.Fatalf("first commit: expiry %v", got)
			}
			view(30*time.Second, "user")
			if got := expiry(); !got.Equal(t0.Add(idle)) {
				t.Fatalf("30 s later the row was written again: expiry %v", got)
			}
			view(61*time.Second, "user")
			if got := expiry(); !got.Equal(t0.Add(61*time.Second + idle)) {
				t.Fatalf("61 s later the deadline did not move: expiry %v", got)
			}
			view(62*time.Second, "user and a flash message")
			if b, ok, err := ss.FindCtx(ctx, "idle"); err != nil || !ok || string(b) != "user and a flash message" {
				t.Fatalf("changed data not written at once: %q %v %v", b, ok, err)
			}
			if got := expiry(); !got.Equal(t0.Add(62*time.Second + idle)) {
				t.Fatalf("changed data: expiry %v", got)
			}
			// A shorter expiry (the session's absolute lifetime) is always written.
			now = t0.Add(63 * time.Second)
			if err := ss.CommitCtx(ctx, "idle", []byte("user and a flash message"), t0.Add(time.Hour)); err != nil {
				t.Fatal(err)
			}
			if got := expiry(); !got.Equal(t0.Add(time.Hour)) {
				t.Fatalf("shorter expiry not written: %v", got)
			}
			view(90*time.Second, "user")
			// Idle past the timeout since the last written deadline: gone.
			now = t0.Add(90*time.Second + idle + time.Second)
			if _, ok, err := ss.FindCtx(ctx, "idle"); err != nil || ok {
				t.Fatalf("idle session still found: %v %v", ok, err)
			}
		})

		t.Run("a one-time token serves once", func(t *testing.T) {
			tok := store.OneTimeToken{Hash: "h", Purpose: "password_reset", UserID: "u1", ExpiresAt: t0.Add(time.Hour), CreatedAt: t0}
			if err := s.Write(ctx, func(q store.Q) error { return q.CreateOneTimeToken(ctx, tok) }); err != nil {
				t.Fatal(err)
			}
			use := func() error {
				return s.Write(ctx, func(q store.Q) error {
					_, err := q.UseOneTimeToken(ctx, "h", "password_reset", t0.Add(time.Minute))
					return err
				})
			}
			if err := use(); err != nil {
				t.Fatal(err)
			}
			if domain.ErrorCode(use()) != domain.ENOTFOUND {
				t.Fatal("token served twice")
			}
		})

		t.Run("candidates are searched without accents and limited to the caller's scope", func(t *testing.T) {
			fw := seedFramework(t, s)
			err := s.Write(ctx, func(q store.Q) error {
				for _, o := range []string{"ofA", "ofB"} {
					if err := q.CreateTrainingOrganisation(ctx, domain.TrainingOrganisation{ID: o, Name: o, SIRET: o + "-siret", CreatedAt: t0}); err != nil {
						return err
					}
				}
				people := []struct{ id, name, first, of string }{{"c1", "Lefèvre", "Éloïse", "ofA"}, {"c2", "Martin", "Paul", "ofB"}}
				for i, p := range people {
					c := domain.Candidate{ID: p.id, Number: "C-2026-0000" + string(rune('1'+i)), BirthName: p.name, FirstNames: p.first,
						BirthDate: domain.NewDate(1990, 5, 4), Sex: domain.SexFemale, BirthINSEE: "75056", CreatedAt: t0}
					if err := q.CreateCandidate(ctx, c); err != nil {
						return err
					}
					e := domain.Enrolment{ID: "e" + p.id, CandidateID: p.id, FrameworkID: fw.ID, QualificationID: fw.QualificationID,
						Route: domain.RouteFormation, Public: domain.PublicJobSeeker, Status: domain.StatusEnrolled,
						TrainingOrganisationID: p.of, Blocks: []string{"BC1"}, CreatedAt: t0, UpdatedAt: t0}
					if err := q.CreateEnrolment(ctx, e, ""); err != nil {
						return err
					}
				}
				return nil
			})
			if err != nil {
				t.Fatal(err)
			}
			page, err := s.Read().ListCandidates(ctx, store.CandidateFilter{Search: "eloise lefevre"})
			if err != nil || page.Total != 1 || page.Rows[0].Candidate.ID != "c1" {
				t.Fatalf("search: %+v %v", page, err)
			}
			scopeA := store.Scope{Restricted: true, TrainingOrganisationIDs: []string{"ofA"}}
			page, err = s.Read().ListCandidates(ctx, store.CandidateFilter{Scope: scopeA})
			if err != nil || page.Total != 1 || page.Rows[0].Candidate.ID != "c1" {
				t.Fatalf("scope: %+v %v", page, err)
			}
			if _, err := s.Read().Candidate(ctx, "c2", scopeA); domain.ErrorCode(err) != domain.ENOTFOUND {
				t.Fatalf("organisation A read B's candidate: %v", err)
			}
			c, err := s.Read().Candidate(ctx, "c1", scopeA)
			if err != nil || len(c.Enrolments) != 1 || len(c.Enrolments[0].History) != 1 {
				t.Fatalf("candidate: %+v %v", c, err)
			}
		})

		t.Run("a framework version with enrolments cannot be rewritten", func(t *testing.T) {
			fws, err := s.Read().LatestFrameworks(ctx)
			if err != nil || len(fws) != 1 || !fws[0].Frozen() {
				t.Fatalf("frameworks: %+v %v", fws, err)
			}
			err = s.Write(ctx, func(q store.Q) error { return q.ReplaceFrameworkDefinition(ctx, fws[0]) })
			if domain.ErrorCode(err) != domain.ECONFLICT {
				t.Fatalf("got %v, want conflict", err)
			}
		})

		t.Run("a frozen version takes a change of wording, and nothing else", func(t *testing.T) {
			var rec store.FrameworkRecord
			err := s.Write(ctx, func(q store.Q) error {
				var err error
				rec, err = q.LockFramework(ctx, "f1")
				return err
			})
			if err != nil || !rec.Frozen() {
				t.Fatalf("lock: %+v %v", rec, err)
			}
			worded := rec.Framework
			worded.Qualification.Title, worded.Qualification.ToConfirm = "Chargé de clientèle en courtage", false
			if err := s.Write(ctx, func(q store.Q) error { return q.SetFrameworkWording(ctx, rec.ID, worded) }); err != nil {
				t.Fatal(err)
			}
			got, err := s.Read().Framework(ctx, rec.ID)
			if err != nil || got.Framework.Qualification.Title != "Chargé de clientèle en courtage" || got.ToConfirmCount != 0 {
				t.Fatalf("after the wording change: %+v %v", got, err)
			}
			ruled := got.Framework
			ruled.ThresholdPercent = 60
			if err := s.Write(ctx, func(q store.Q) error { return q.SetFrameworkWording(ctx, rec.ID, ruled) }); err == nil {
				t.Fatal("a change of threshold went through as wording")
			}
			if err := s.Write(ctx, func(q store.Q) error { _, err := q.LockFramework(ctx, "nope"); return err }); domain.ErrorCode(err) != domain.ENOTFOUND {
				t.Fatalf("lock of an unknown version: %v", err)
			}
		})

		t.Run("the audit trail lists entries newest first and filters by candidate", func(t *testing.T) {
			err := s.Write(ctx, func(q store.Q) error {
				for i, id := range []string{"a1", "a2", "a3"} {
					e := domain.AuditEntry{ID: id, At: t0.Add(time.Duration(i) * time.Minute), ActorName: "x", Action: "candidate.update",
						EntityType: "candidate", EntityID: "c1", CandidateID: "c1"}
					if i == 2 {
						e.CandidateID, e.Action = "", "user.create"
					}
					if err := q.AppendAudit(ctx, e); err != nil {
						return err
					}
				}
				return nil
			})
			if err != nil {
				t.Fatal(err)
			}
			entries, total, err := s.Read().ListAudit(ctx, store.AuditFilter{CandidateID: "c1"})
			if err != nil || total != 2 || entries[0].ID != "a2" {
				t.Fatalf("audit: %+v %d %v", entries, total, err)
			}
			_, total, _ = s.Read().ListAudit(ctx, store.AuditFilter{Action: "user."})
			if total != 1 {
				t.Fatalf("action filter: %d", total)
			}
		})
	})
}

func TestServerRefusesASchemaNewerThanItself(t *testing.T) {
	for _, target := range storetest.Targets(t) {
		t.Run(target.Name, func(t *testing.T) {
			s := storetest.Open(t, target)
			ctx := context.Background()
			err := s.Write(ctx, func(q store.Q) error { return q.InsertFakeMigration(ctx, store.LatestVersion()+1) })
			if err != nil {
				t.Fatal(err)
			}
			if err := s.Migrate(ctx); err == nil || !strings.Contains(err.Error(), "newer") {
				t.Fatalf("got %v, want a refusal", err)
			}
		})
	}
}

func seedFramework(t *testing.T, s *store.Store) store.FrameworkRecord {
	t.Helper()
	ctx := context.Background()
	var rec store.FrameworkRecord
	err := s.Write(ctx, func(q store.Q) error {
		b, err := q.EnsureBranch(ctx, "b1", domain.Branch{Code: "courtage", Name: "Courtage"}, t0)
		if err != nil {
			return err
		}
		qu, err := q.EnsureQualification(ctx, "q1", b.ID, "CC", "Chargé de clientèle", t0)
		if err != nil {
			return err
		}
		rec = store.FrameworkRecord{ID: "f1", QualificationID: qu.ID, Version: 1, CreatedAt: t0,
			Framework: domain.Framework{Qualification: domain.Qualification{Code: "CC", Title: "Chargé de clientèle"}, Version: 1, ThresholdPercent: 70}}
		return q.InsertFramework(ctx, rec, "")
	})
	if err != nil {
		t.Fatal(err)
	}
	return rec
}

func asError(err error, target **domain.Error) bool {
	for err != nil {
		if e, ok := err.(*domain.Error); ok {
			*target = e
			return true
		}
		u, ok := err.(interface{ Unwrap() error })
		if !ok {
			return false
		}
		err = u.Unwrap()
	}
	return false
}

// The read pool runs a list's count beside its page, on two connections; a transaction has one
// and must run them one after the other. SQLite's read pool is a wrapper that keeps prepared
// statements (preparedReads): it too is a pool.
func TestReadsRunOnThePoolAndWritesInTheirTransaction(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		if !s.Read().OnPool() {
			t.Error("a read is not on the pool: a list would count its rows after reading its page")
		}
		err := s.Write(context.Background(), func(q store.Q) error {
			if q.OnPool() {
				t.Error("a write transaction counts as a pool: it would run two queries at once on one connection")
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	})
}
