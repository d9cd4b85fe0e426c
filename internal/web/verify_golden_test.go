package web_test

import (
	"context"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"cqp/internal/api"
	"cqp/internal/domain"
	"cqp/internal/service"
	"cqp/internal/service/servicetest"
	"cqp/internal/store"
	"cqp/internal/store/storetest"
	"cqp/internal/web"
)

var updateVerify = flag.Bool("update-verify", false, "rewrite the verification answers under testdata/verify")

// TestVerificationAnswersStayTheSame pins every byte and header the public verification
// answers, page and API, for a valid certificate, a revoked attestation, a block
// attestation, an older document whose framework still flags its titles, an unknown and a
// malformed code, and the empty form. The golden files were written by the code before the
// verification was made cheaper (docs/PERFORMANCE.md, « Public verification »): whatever
// makes it faster must say exactly the same. Verification codes are drawn at random, so they
// are replaced by a name in the answers; everything else is compared as is, on every store.
func TestVerificationAnswersStayTheSame(t *testing.T) {
	for _, target := range storetest.Targets(t) {
		t.Run(target.Name, func(t *testing.T) {
			answers := map[string]string{}

			s := newSiteWithAPIOn(t, target)
			is := issueFixtureSession(t, s.world, "jury-1")
			if _, err := s.world.Service.RevokeCertificate(context.Background(), domain.SystemActor("test"), is.attB.ID, "Fraude établie à l'évaluation"); err != nil {
				t.Fatal(err)
			}
			codes := strings.NewReplacer(
				is.certA.VerificationCode, "CERTIFICATE_A", service.GroupVerificationCode(is.certA.VerificationCode), "CERTIFICATE_A_GROUPED",
				is.attB.VerificationCode, "ATTESTATION_B", service.GroupVerificationCode(is.attB.VerificationCode), "ATTESTATION_B_GROUPED",
				is.attB2.VerificationCode, "ATTESTATION_B2", service.GroupVerificationCode(is.attB2.VerificationCode), "ATTESTATION_B2_GROUPED")
			anon := s.client(t, "")
			for name, path := range map[string]string{
				"valid-certificate":        "/verifier/" + is.certA.VerificationCode,
				"revoked-attestation":      "/verifier/" + is.attB.VerificationCode,
				"block-attestation":        "/verifier/" + is.attB2.VerificationCode,
				"unknown-code":             "/verifier/ACDEFGHJKMNQ",
				"malformed-code":           "/verifier/OOOO-1111",
				"form":                     "/verifier",
				"form-with-malformed-code": "/verifier?code=0000+1111+2222",
				"api-valid-certificate":    "/api/v1/verify/" + is.certA.VerificationCode,
				"api-revoked-attestation":  "/api/v1/verify/" + is.attB.VerificationCode,
				"api-block-attestation":    "/api/v1/verify/" + is.attB2.VerificationCode,
				"api-unknown-code":         "/api/v1/verify/ACDEFGHJKMNQ",
				"api-malformed-code":       "/api/v1/verify/OOOO-1111",
				"api-typed-valid-certificate": "/api/v1/verify/" + strings.ToLower(strings.ReplaceAll(
					service.GroupVerificationCode(is.certA.VerificationCode), " ", "-")),
			} {
				answers[name] = codes.Replace(s.answer(t, anon, path))
			}
			sec := s.client(t, s.world.Accounts[domain.RoleSecretariat])
			answers["valid-certificate-seen-by-the-secretariat"] = codes.Replace(s.answer(t, sec, "/verifier/"+is.certA.VerificationCode))

			old := newSiteWithAPIOn(t, sameKind(t, target)) // a world of its own: its frameworks are not confirmed
			insertOlderDocument(t, old.world, "ACDEFGHJKMNP")
			anon = old.client(t, "")
			answers["older-document-with-titles-to-confirm"] = old.answer(t, anon, "/verifier/ACDEFGHJKMNP")
			answers["api-older-document-with-titles-to-confirm"] = old.answer(t, anon, "/api/v1/verify/ACDEFGHJKMNP")

			for name, got := range answers {
				file := filepath.Join("testdata", "verify", name+".txt")
				if *updateVerify && target.Name == "sqlite" {
					if err := os.MkdirAll(filepath.Dir(file), 0o755); err != nil {
						t.Fatal(err)
					}
					if err := os.WriteFile(file, []byte(got), 0o644); err != nil {
						t.Fatal(err)
					}
					continue
				}
				want, err := os.ReadFile(file)
				if err != nil {
					t.Fatalf("%v (go test -run TestVerificationAnswersStayTheSame -update-verify writes it)", err)
				}
				if got != string(want) {
					t.Errorf("%s differs from %s:\n%s", name, file, firstDifference(string(want), got))
				}
			}
		})
	}
}

// newSiteWithAPIOn is newSiteWithAPI on a chosen database.
func newSiteWithAPIOn(t *testing.T, target storetest.Target) *site {
	t.Helper()
	st := storetest.Open(t, target)
	w := servicetest.New(t, st)
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	srv, err := web.New(w.Service, log, web.Options{InsecureCookies: true, API: api.New(w.Service, log).Handler()})
	if err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewServer(srv.Handler())
	t.Cleanup(ts.Close)
	return &site{Server: ts, world: w, store: st, routes: srv.Routes()}
}

// sameKind is a new, empty database of the kind of target.
func sameKind(t *testing.T, target storetest.Target) storetest.Target {
	t.Helper()
	for _, other := range storetest.Targets(t) {
		if other.Name == target.Name {
			return other
		}
	}
	t.Fatalf("no second %s database", target.Name)
	return target
}

// insertOlderDocument stores a document as issued before issuing required a confirmed
// framework: its titles include placeholder wording and its framework still flags them. Its
// holder and branch hold the characters HTML and JSON escape.
func insertOlderDocument(t *testing.T, w *servicetest.World, code string) {
	t.Helper()
	ctx := context.Background()
	day := time.Date(2026, 6, 20, 13, 0, 0, 0, time.UTC)
	err := w.Service.Store().Write(ctx, func(q store.Q) error {
		branches, err := q.Branches(ctx)
		if err != nil {
			return err
		}
		if err := q.CreateJurySession(ctx, store.JurySession{ID: "old", BranchID: branches[0].ID, StartsAt: day, Quorum: 4,
			Status: store.JuryPlanned, CreatedAt: day}); err != nil {
			return err
		}
		_, err = q.InsertCertificate(ctx, store.Certificate{ID: "old-cert", Number: "COURTAGE-2026-000001", Kind: store.KindAttestation,
			VerificationCode: code, EnrolmentID: w.EnrolmentA, CandidateID: w.CandidateA, SessionID: "old", HolderName: `Éloïse D'ARTAGNAN "<&>"`,
			HolderBirthDate: domain.NewDate(1995, 3, 14), BranchName: "Courtage & <Cie>", QualificationCode: "CC", QualificationTitle: "Chargé de clientèle",
			RNCP: "RNCP12345",
			Blocks: []store.CertificateBlock{{Code: "BC3", Title: "Gérer la relation clientèle <& « »>"},
				{Code: "OPT1", Title: "Bloc optionnel 1 — à compléter par la branche"}},
			AwardedOn: domain.DateOf(day), Place: "Paris", IssuedAt: day})
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
}

// answer gets path and writes the whole answer as text: the status, the headers but the
// date (a cookie by its name alone, the request's id, also in the body, by what it is), a blank line and the body.
func (s *site) answer(t *testing.T, c *http.Client, path string) string {
	t.Helper()
	res, body := s.fetch(t, c, path)
	var b strings.Builder
	fmt.Fprintf(&b, "%s\n", res.Status)
	names := make([]string, 0, len(res.Header))
	for name := range res.Header {
		if name != "Date" {
			names = append(names, name)
		}
	}
	slices.Sort(names)
	for _, name := range names {
		for _, v := range res.Header[name] {
			switch name {
			case "Set-Cookie":
				v, _, _ = strings.Cut(v, "=")
			case "X-Request-Id":
				v = "(drawn for each request)"
			}
			fmt.Fprintf(&b, "%s: %s\n", name, v)
		}
	}
	b.WriteString("\n")
	if id := res.Header.Get("X-Request-Id"); id != "" {
		body = []byte(strings.ReplaceAll(string(body), id, "(request id)"))
	}
	b.Write(body)
	return b.String()
}

// firstDifference shows where two texts start to differ, with some context.
func firstDifference(want, got string) string {
	i := 0
	for i < len(want) && i < len(got) && want[i] == got[i] {
		i++
	}
	from := max(0, i-200)
	return fmt.Sprintf("at byte %d:\nwant …%s\ngot  …%s", i, want[from:min(len(want), i+200)], got[from:min(len(got), i+200)])
}
