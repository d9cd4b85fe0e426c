package store_test

import (
	"context"
	"errors"
	"fmt"
	"os"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"cqp/internal/domain"
	"cqp/internal/store"
	"cqp/internal/store/storetest"
)

// certSeed stores what certificates point at: the branch and framework of seedFramework, a
// holder account, candidates with one enrolment each, and closed jury sessions.
type certSeed struct {
	enrolments []string // "ce1", "ce2", …
	candidates []string // "cc1", "cc2", …
}

func seedCertificates(t *testing.T, s *store.Store, candidates int, sessions ...string) certSeed {
	t.Helper()
	ctx := context.Background()
	seedFramework(t, s)
	var seed certSeed
	err := s.Write(ctx, func(q store.Q) error {
		return q.CreateUser(ctx, domain.User{ID: "cu-holder", Email: "holder@cqp.test", Name: "Titulaire", CreatedAt: t0})
	})
	if err != nil {
		t.Fatal(err)
	}
	// The candidates too are written with the columns of their first schema only.
	for i := 1; i <= candidates; i++ {
		id := fmt.Sprintf("cc%d", i)
		c := domain.Candidate{ID: id, Number: fmt.Sprintf("C-2026-9%04d", i), BirthName: "Lefèvre", FirstNames: "Éloïse, Marie",
			BirthDate: domain.NewDate(1995, 3, 14), Sex: domain.SexFemale, BirthINSEE: "75056", CreatedAt: t0}
		if i == 1 {
			c.Email = "eloise@cqp.test"
		}
		if err := s.ExecRaw(ctx, `INSERT INTO candidates (id, number, birth_name, used_name, first_names, birth_date, sex, birth_insee,
			birth_country, birth_city, email, sort_key, search_key, created_at)
			VALUES ($1, $2, $3, '', $4, $5, $6, $7, '', '', $8, $9, $10, $11)`, c.ID, c.Number, c.BirthName, c.FirstNames,
			c.BirthDate.ISO(), string(c.Sex), c.BirthINSEE, c.Email, c.SortKey(), c.SearchKey(), t0); err != nil {
			t.Fatal(err)
		}
		seed.candidates, seed.enrolments = append(seed.candidates, id), append(seed.enrolments, fmt.Sprintf("ce%d", i))
	}
	err = s.Write(ctx, func(q store.Q) error {
		if candidates >= 2 {
			if err := q.SetCandidateUser(ctx, "cc2", "cu-holder"); err != nil {
				return err
			}
		}
		for i, id := range sessions {
			if err := q.CreateJurySession(ctx, store.JurySession{ID: id, BranchID: "b1", StartsAt: t0.Add(time.Duration(i) * time.Hour),
				Place: "Paris", Quorum: 4, Status: store.JuryClosed, CreatedAt: t0}); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	// The enrolments are written with the columns of their first schema only, so that the
	// migration tests seed a database migrated part of the way.
	for i, e := range seed.enrolments {
		if err := s.ExecRaw(ctx, `INSERT INTO enrolments (id, candidate_id, framework_id, qualification_id, route, public, status, blocks, created_at, updated_at)
			VALUES ($1, $2, 'f1', 'q1', 'formation', 'employee', 'awaiting_jury', 'BC1 BC2 BC3', $3, $3)`, e, seed.candidates[i], t0); err != nil {
			t.Fatal(err)
		}
	}
	return seed
}

// certificate is a document of the seeded world with everything filled in.
func certificate(id, number, code, session, enrolment, candidate string, kind store.CertificateKind) store.Certificate {
	return store.Certificate{ID: id, Number: number, Kind: kind, VerificationCode: code, EnrolmentID: enrolment,
		CandidateID: candidate, SessionID: session, HolderName: "Éloïse Marie LEFÈVRE", HolderBirthDate: domain.NewDate(1995, 3, 14),
		BranchName: "Courtage", QualificationCode: "CC", QualificationTitle: "Chargé de clientèle", RNCP: "RNCP12345",
		Blocks:    []store.CertificateBlock{{Code: "BC1", Title: "Rôle du courtier"}, {Code: "BC2", Title: "Coordination"}},
		AwardedOn: domain.NewDate(2026, 11, 25), Place: "Paris",
		Signatories: []store.CertificateSignatory{{Role: "Le président du jury", Name: "Bruno Président"},
			{Role: "Le président de la CSCA", Name: "Claire Csca"}, {Role: "Le président de la CPNE", Name: "Denis Cpne"}},
		IssuedAt: t0, IssuedBy: "cu-holder"}
}

func TestCertificateStore(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		seed := seedCertificates(t, s, 3, "js1", "js2")
		write := func(fn func(q store.Q) error) error { return s.Write(ctx, fn) }

		t.Run("numbers start at 1 and follow each other per branch and year, each year and branch apart", func(t *testing.T) {
			var got []int
			err := write(func(q store.Q) error {
				for _, k := range []struct {
					branch string
					year   int
				}{{"COURTAGE", 2026}, {"COURTAGE", 2026}, {"COURTAGE", 2027}, {"AUTRE", 2026}, {"COURTAGE", 2026}} {
					n, err := q.NextCertificateNumber(ctx, k.branch, k.year)
					if err != nil {
						return err
					}
					got = append(got, n)
				}
				return nil
			})
			if err != nil || !slices.Equal(got, []int{1, 2, 1, 1, 3}) {
				t.Fatalf("numbers %v, %v", got, err)
			}
		})

		t.Run("a transaction that rolls back gives its numbers back", func(t *testing.T) {
			errRollback := errors.New("rollback")
			err := write(func(q store.Q) error {
				if _, err := q.NextCertificateNumber(ctx, "COURTAGE", 2026); err != nil {
					return err
				}
				return errRollback
			})
			if !errors.Is(err, errRollback) {
				t.Fatalf("rollback: %v", err)
			}
			if last, err := s.Read().LastCertificateNumber(ctx, "COURTAGE", 2026); err != nil || last != 3 {
				t.Fatalf("last number after a rollback %d, %v; want 3", last, err)
			}
			var n int
			if err := write(func(q store.Q) error {
				var err error
				n, err = q.NextCertificateNumber(ctx, "COURTAGE", 2026)
				return err
			}); err != nil || n != 4 {
				t.Fatalf("next number %d, %v; want 4", n, err)
			}
			if last, err := s.Read().LastCertificateNumber(ctx, "NULLE", 2026); err != nil || last != 0 {
				t.Fatalf("a branch without documents: %d, %v", last, err)
			}
		})

		want := certificate("cert1", "COURTAGE-2026-000001", "ACDEFGHJKMNP", "js1", seed.enrolments[0], seed.candidates[0], store.KindCertificate)

		t.Run("a document reads back with everything printed on it, by id and by code", func(t *testing.T) {
			err := write(func(q store.Q) error {
				ok, err := q.InsertCertificate(ctx, want)
				if err == nil && !ok {
					return errors.New("not inserted")
				}
				return err
			})
			if err != nil {
				t.Fatal(err)
			}
			for _, read := range []func() (store.Certificate, error){
				func() (store.Certificate, error) { return s.Read().Certificate(ctx, "cert1") },
				func() (store.Certificate, error) { return s.Read().CertificateByCode(ctx, "ACDEFGHJKMNP") },
			} {
				got, err := read()
				if err != nil {
					t.Fatal(err)
				}
				if got.IssuedByName != "Titulaire" || got.Revoked() || got.MailedAt != nil || !got.IssuedAt.Equal(t0) {
					t.Errorf("state %+v", got)
				}
				got.IssuedByName = ""
				if fmt.Sprintf("%+v", got) != fmt.Sprintf("%+v", want) {
					t.Errorf("got  %+v\nwant %+v", got, want)
				}
			}
			if _, err := s.Read().CertificateByCode(ctx, "ACDEFGHJKMNQ"); domain.ErrorCode(err) != domain.ENOTFOUND {
				t.Errorf("unknown code: %v", err)
			}
		})

		t.Run("the public verification reads what anyone may learn, and its framework only when it flags items", func(t *testing.T) {
			public := store.PublicCertificate{Number: want.Number, Kind: want.Kind, VerificationCode: want.VerificationCode,
				HolderName: want.HolderName, BranchName: want.BranchName, QualificationCode: want.QualificationCode,
				QualificationTitle: want.QualificationTitle, RNCP: want.RNCP, BlockCode: want.BlockCode, Blocks: want.Blocks, AwardedOn: want.AwardedOn}
			fw, err := s.Read().Framework(ctx, "f1")
			if err != nil {
				t.Fatal(err)
			}
			for _, flags := range []int{0, 2} {
				if err := s.ExecRaw(ctx, `UPDATE frameworks SET to_confirm_count = $1 WHERE id = 'f1'`, flags); err != nil {
					t.Fatal(err)
				}
				got, err := s.Read().PublicCertificateByCode(ctx, "ACDEFGHJKMNP")
				if err != nil {
					t.Fatal(err)
				}
				if flags > 0 && (got.Flagged == nil || fmt.Sprintf("%+v", *got.Flagged) != fmt.Sprintf("%+v", fw.Framework)) {
					t.Errorf("%d items to confirm: framework %+v", flags, got.Flagged)
				}
				if flags == 0 && got.Flagged != nil {
					t.Errorf("nothing to confirm, yet the framework is read")
				}
				got.Flagged = nil
				if fmt.Sprintf("%+v", got) != fmt.Sprintf("%+v", public) {
					t.Errorf("got  %+v\nwant %+v", got, public)
				}
			}
			if err := s.ExecRaw(ctx, `UPDATE frameworks SET to_confirm_count = $1 WHERE id = 'f1'`, fw.ToConfirmCount); err != nil {
				t.Fatal(err)
			}
			if _, err := s.Read().PublicCertificateByCode(ctx, "ACDEFGHJKMNQ"); domain.ErrorCode(err) != domain.ENOTFOUND {
				t.Errorf("unknown code: %v", err)
			}
		})

		t.Run("a document's first PDF is kept, and stays", func(t *testing.T) {
			keep := func(pdf string) error {
				return write(func(q store.Q) error { return q.KeepCertificatePDF(ctx, "cert1", []byte(pdf)) })
			}
			if err := keep("%PDF-first"); err != nil {
				t.Fatal(err)
			}
			if err := keep("%PDF-second"); err != nil {
				t.Fatal(err)
			}
			// More ids than one query takes, most of them never rendered.
			ids := []string{"cert1"}
			for i := range 1200 {
				ids = append(ids, fmt.Sprintf("never-%d", i))
			}
			got, err := s.Read().CertificatePDFs(ctx, ids)
			if err != nil || len(got) != 1 || string(got["cert1"]) != "%PDF-first" {
				t.Fatalf("%q %v", got, err)
			}
		})

		t.Run("a taken verification code is reported without spoiling the transaction", func(t *testing.T) {
			second := certificate("cert2", "COURTAGE-2026-000002", "ACDEFGHJKMNP", "js1", seed.enrolments[1], seed.candidates[1], store.KindAttestation)
			err := write(func(q store.Q) error {
				ok, err := q.InsertCertificate(ctx, second)
				if err != nil || ok {
					return fmt.Errorf("taken code: inserted %v, %v", ok, err)
				}
				second.VerificationCode = "ACDEFGHJKMNR"
				ok, err = q.InsertCertificate(ctx, second)
				if err != nil || !ok {
					return fmt.Errorf("fresh code: inserted %v, %v", ok, err)
				}
				return nil
			})
			if err != nil {
				t.Fatal(err)
			}
			if got, err := s.Read().CertificateByCode(ctx, "ACDEFGHJKMNR"); err != nil || got.ID != "cert2" {
				t.Fatalf("second document %+v, %v", got, err)
			}
		})

		t.Run("a second document of the same kind for the same decision is refused in French", func(t *testing.T) {
			again := certificate("cert3", "COURTAGE-2026-000003", "ACDEFGHJKMNT", "js1", seed.enrolments[0], seed.candidates[0], store.KindCertificate)
			err := write(func(q store.Q) error { _, err := q.InsertCertificate(ctx, again); return err })
			if domain.ErrorCode(err) != domain.ECONFLICT || domain.ErrorMessage(err) == "Cet élément existe déjà." {
				t.Fatalf("second certificate for one decision: %v", err)
			}
			taken := certificate("cert4", "COURTAGE-2026-000001", "ACDEFGHJKMNU", "js2", seed.enrolments[1], seed.candidates[1], store.KindCertificate)
			err = write(func(q store.Q) error { _, err := q.InsertCertificate(ctx, taken); return err })
			if domain.ErrorCode(err) != domain.ECONFLICT || !strings.Contains(domain.ErrorMessage(err), "numéro COURTAGE-2026-000001") {
				t.Fatalf("a number given twice: %v", err)
			}
			again.SessionID = "js2"
			if err := write(func(q store.Q) error { _, err := q.InsertCertificate(ctx, again); return err }); err != nil {
				t.Fatalf("the same enrolment at another session: %v", err)
			}
		})

		t.Run("the list narrows by session, candidate, kind and status, and pages", func(t *testing.T) {
			all, err := s.Read().Certificates(ctx, store.CertificateFilter{})
			if err != nil || all.Total != 3 || len(all.Items) != 3 {
				t.Fatalf("all: %+v %v", all, err)
			}
			// Newest session first, by number within a session.
			if all.Items[0].ID != "cert3" || all.Items[1].ID != "cert1" || all.Items[2].ID != "cert2" {
				t.Errorf("order %s %s %s", all.Items[0].ID, all.Items[1].ID, all.Items[2].ID)
			}
			for _, tc := range []struct {
				name string
				f    store.CertificateFilter
				want []string
			}{
				{"by session", store.CertificateFilter{SessionID: "js1"}, []string{"cert1", "cert2"}},
				{"by candidate", store.CertificateFilter{CandidateID: seed.candidates[0]}, []string{"cert3", "cert1"}},
				{"by kind", store.CertificateFilter{Kind: store.KindAttestation}, []string{"cert2"}},
				{"valid ones", store.CertificateFilter{Status: store.CertificateValid, SessionID: "js2"}, []string{"cert3"}},
				{"revoked ones, none yet", store.CertificateFilter{Status: store.CertificateRevoked}, nil},
				{"a candidate's own", store.CertificateFilter{Restricted: true, CandidateIDs: []string{seed.candidates[1]}}, []string{"cert2"}},
				{"a restriction to nobody", store.CertificateFilter{Restricted: true}, nil},
				{"the second page", store.CertificateFilter{Limit: 2, Offset: 2}, []string{"cert2"}},
			} {
				p, err := s.Read().Certificates(ctx, tc.f)
				if err != nil {
					t.Fatal(err)
				}
				var ids []string
				for _, c := range p.Items {
					ids = append(ids, c.ID)
				}
				if !slices.Equal(ids, tc.want) {
					t.Errorf("%s: %v, want %v", tc.name, ids, tc.want)
				}
			}
		})

		t.Run("a document is mailed once", func(t *testing.T) {
			for i, want := range []bool{true, false} {
				var ok bool
				if err := write(func(q store.Q) error { var err error; ok, err = q.MarkCertificateMailed(ctx, "cert1", t0); return err }); err != nil || ok != want {
					t.Fatalf("mark %d: %v, %v", i, ok, err)
				}
			}
			if c, _ := s.Read().Certificate(ctx, "cert1"); c.MailedAt == nil || !c.MailedAt.Equal(t0) {
				t.Fatalf("mailed at %v", c.MailedAt)
			}
		})

		t.Run("a revocation keeps its date, author and reason; revoking twice is a conflict", func(t *testing.T) {
			at := t0.Add(48 * time.Hour)
			if err := write(func(q store.Q) error { return q.RevokeCertificate(ctx, "cert2", at, "cu-holder", "Fraude établie") }); err != nil {
				t.Fatal(err)
			}
			c, err := s.Read().Certificate(ctx, "cert2")
			if err != nil || !c.Revoked() || !c.RevokedAt.Equal(at) || c.RevokedReason != "Fraude établie" || c.RevokedByName != "Titulaire" {
				t.Fatalf("revoked %+v, %v", c, err)
			}
			if p, err := s.Read().PublicCertificateByCode(ctx, "ACDEFGHJKMNR"); err != nil || p.RevokedAt == nil || !p.RevokedAt.Equal(at) {
				t.Fatalf("the public verification of a revoked document %+v, %v", p, err)
			}
			if err := write(func(q store.Q) error { return q.RevokeCertificate(ctx, "cert2", at, "cu-holder", "encore") }); domain.ErrorCode(err) != domain.ECONFLICT {
				t.Fatalf("second revocation: %v", err)
			}
			if err := write(func(q store.Q) error { return q.RevokeCertificate(ctx, "nope", at, "cu-holder", "x") }); domain.ErrorCode(err) != domain.ENOTFOUND {
				t.Fatalf("unknown document: %v", err)
			}
			p, err := s.Read().Certificates(ctx, store.CertificateFilter{Status: store.CertificateRevoked})
			if err != nil || p.Total != 1 || p.Items[0].ID != "cert2" {
				t.Fatalf("revoked list %+v %v", p, err)
			}
		})

		t.Run("each session's documents are counted, revoked and unmailed apart", func(t *testing.T) {
			counts, err := s.Read().CertificateCountsBySession(ctx)
			if err != nil {
				t.Fatal(err)
			}
			if counts["js1"] != (store.CertificateCounts{Documents: 2, Revoked: 1, Unmailed: 0}) || counts["js2"] != (store.CertificateCounts{Documents: 1, Unmailed: 1}) {
				t.Fatalf("counts %+v", counts)
			}
		})

		t.Run("a session's candidates come in presentation order with the blocks acquired there", func(t *testing.T) {
			err := write(func(q store.Q) error {
				if err := q.CreateJurySession(ctx, store.JurySession{ID: "js3", BranchID: "b1", StartsAt: t0, Quorum: 4, Status: store.JuryPlanned, CreatedAt: t0}); err != nil {
					return err
				}
				for _, e := range []string{seed.enrolments[2], seed.enrolments[1], seed.enrolments[0]} {
					if err := q.AddJuryCandidate(ctx, "js3", e); err != nil {
						return err
					}
				}
				for _, o := range [][2]string{{seed.enrolments[2], "certified"}, {seed.enrolments[1], "partial"}, {seed.enrolments[0], "not_certified"}} {
					if err := q.SetJuryOutcome(ctx, "js3", o[0], o[1]); err != nil {
						return err
					}
				}
				for _, b := range []store.AcquiredBlock{{EnrolmentID: seed.enrolments[1], BlockCode: "BC2", SessionID: "js3"},
					{EnrolmentID: seed.enrolments[1], BlockCode: "BC1", SessionID: "js1"}, {EnrolmentID: seed.enrolments[2], BlockCode: "BC3", SessionID: "js3"},
					{EnrolmentID: seed.enrolments[2], BlockCode: "BC1", SessionID: "js3"}} {
					b.AcquiredOn = domain.NewDate(2026, 11, 25)
					if err := q.AddAcquiredBlock(ctx, b); err != nil {
						return err
					}
				}
				return nil
			})
			if err != nil {
				t.Fatal(err)
			}
			got, err := s.Read().IssuingCandidates(ctx, "js3")
			if err != nil || len(got) != 3 {
				t.Fatalf("%+v %v", got, err)
			}
			if got[0].EnrolmentID != seed.enrolments[2] || got[0].Outcome != "certified" || !slices.Equal(got[0].AcquiredHere, []string{"BC1", "BC3"}) ||
				!slices.Equal(got[0].Blocks, []string{"BC1", "BC2", "BC3"}) || got[0].QualificationTitle != "Chargé de clientèle" || got[0].FrameworkID != "f1" {
				t.Errorf("first %+v", got[0])
			}
			if got[1].Outcome != "partial" || !slices.Equal(got[1].AcquiredHere, []string{"BC2"}) || got[1].Email != "holder@cqp.test" {
				t.Errorf("second (acquired here only, the account's address) %+v", got[1])
			}
			if got[2].Email != "eloise@cqp.test" || got[2].FirstNames != "Éloïse, Marie" || got[2].BirthDate != domain.NewDate(1995, 3, 14) || len(got[2].AcquiredHere) != 0 {
				t.Errorf("third %+v", got[2])
			}
		})

		t.Run("the signature place is empty until set, and setting it creates the settings with their defaults", func(t *testing.T) {
			if p, err := s.Read().SignaturePlace(ctx, "b1"); err != nil || p != "" {
				t.Fatalf("place %q %v", p, err)
			}
			if err := write(func(q store.Q) error { return q.SetSignaturePlace(ctx, "b1", "Paris", t0) }); err != nil {
				t.Fatal(err)
			}
			bs, err := s.Read().BranchSettings(ctx, "b1")
			if err != nil || bs.JuryQuorum != store.DefaultJuryQuorum || bs.JuryPresidentName != "" || bs.UpdatedAt.IsZero() {
				t.Fatalf("settings %+v %v", bs, err)
			}
			bs.JuryPresidentName = "Bruno Président"
			if err := write(func(q store.Q) error { return q.SaveBranchSettings(ctx, bs) }); err != nil {
				t.Fatal(err)
			}
			if p, err := s.Read().SignaturePlace(ctx, "b1"); err != nil || p != "Paris" {
				t.Fatalf("the place after saving the names: %q %v", p, err)
			}
			if err := write(func(q store.Q) error { return q.SetSignaturePlace(ctx, "b1", "Lyon", t0) }); err != nil {
				t.Fatal(err)
			}
			if bs, _ := s.Read().BranchSettings(ctx, "b1"); bs.JuryPresidentName != "Bruno Président" {
				t.Fatalf("setting the place lost the names: %+v", bs)
			}
		})
	})
}

// TestCertificateNumbersStayGaplessWithTwoServersOnPostgreSQL issues documents from two
// stores (two servers) on one PostgreSQL schema, from several goroutines each, some of whose
// transactions roll back after taking a number: the numbers committed must be exactly 1…N.
func TestCertificateNumbersStayGaplessWithTwoServersOnPostgreSQL(t *testing.T) {
	base := os.Getenv(storetest.PostgresURLEnv)
	if base == "" {
		if os.Getenv("CI") != "" {
			t.Fatalf("%s is not set in CI: the PostgreSQL concurrency test must run", storetest.PostgresURLEnv)
		}
		t.Skipf("%s is not set", storetest.PostgresURLEnv)
	}
	ctx := context.Background()
	url := storetest.FreshSchema(t, base)
	first := storetest.Open(t, storetest.Target{Name: "postgres", Options: store.Options{PostgresURL: url}})
	second, err := store.Open(ctx, store.Options{PostgresURL: url})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { second.Close() })

	const servers, workers, perWorker = 2, 4, 6
	total := servers * workers * perWorker
	sessions := make([]string, total)
	for i := range sessions {
		sessions[i] = fmt.Sprintf("pg-s%03d", i)
	}
	seed := seedCertificates(t, first, 1, sessions...)

	errRollback := errors.New("deliberate rollback")
	var wg sync.WaitGroup
	failures := make(chan error, total)
	for srv, st := range []*store.Store{first, second} {
		for w := 0; w < workers; w++ {
			wg.Add(1)
			go func(st *store.Store, worker int) {
				defer wg.Done()
				for i := 0; i < perWorker; i++ {
					k := worker*perWorker + i
					session := sessions[k]
					for attempt := 0; ; attempt++ {
						err := st.Write(ctx, func(q store.Q) error {
							n, err := q.NextCertificateNumber(ctx, "COURTAGE", 2026)
							if err != nil {
								return err
							}
							time.Sleep(time.Millisecond) // widen the window in which another server could take the same number
							c := certificate("pg-c"+session, fmt.Sprintf("COURTAGE-2026-%06d", n), fmt.Sprintf("CODE%08d", k),
								session, seed.enrolments[0], seed.candidates[0], store.KindCertificate)
							if _, err := q.InsertCertificate(ctx, c); err != nil {
								return err
							}
							if attempt == 0 && k%3 == 0 {
								return errRollback
							}
							return nil
						})
						if errors.Is(err, errRollback) {
							continue
						}
						if err != nil {
							failures <- fmt.Errorf("session %s: %w", session, err)
						}
						break
					}
				}
			}(st, srv*workers+w)
		}
	}
	wg.Wait()
	close(failures)
	for err := range failures {
		t.Error(err)
	}
	p, err := first.Read().Certificates(ctx, store.CertificateFilter{})
	if err != nil {
		t.Fatal(err)
	}
	if p.Total != total {
		t.Fatalf("%d documents, want %d", p.Total, total)
	}
	seen := map[string]bool{}
	for _, c := range p.Items {
		if seen[c.Number] {
			t.Errorf("number %s given twice", c.Number)
		}
		seen[c.Number] = true
	}
	for n := 1; n <= total; n++ {
		if !seen[fmt.Sprintf("COURTAGE-2026-%06d", n)] {
			t.Errorf("number %d is missing: the numbering has a gap", n)
		}
	}
	if last, err := second.Read().LastCertificateNumber(ctx, "COURTAGE", 2026); err != nil || last != total {
		t.Errorf("the counter ends at %d (%v), want %d", last, err, total)
	}
}
