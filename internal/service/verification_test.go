package service_test

import (
	"context"
	"io"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"

	"cqp/internal/domain"
	"cqp/internal/service"
	"cqp/internal/service/servicetest"
	"cqp/internal/store"
	"cqp/internal/store/storetest"
)

func TestNormalizeVerificationCode(t *testing.T) {
	for _, tc := range []struct {
		name, in, want string
		ok             bool
	}{
		{"a code as stored is kept", "ACDEFGHJKMNP", "ACDEFGHJKMNP", true},
		{"case does not matter", "acdefghjkmnp", "ACDEFGHJKMNP", true},
		{"spaces and dashes between groups are ignored", " acde-FGHJ kmnp ", "ACDEFGHJKMNP", true},
		{"no-break spaces and typographic dashes are ignored", "ACDE\u00a0FGHJ\u202fKMNP", "ACDEFGHJKMNP", true},
		{"en dashes and minus signs are ignored", "ACDE–FGHJ−KMNP", "ACDEFGHJKMNP", true},
		{"full-width characters read as plain ones", "ＡＣＤＥＦＧＨＪＫＭＮＰ", "ACDEFGHJKMNP", true},
		{"Cyrillic and Greek letters that look Latin read as Latin", "АСЕНКМРТХУΝΤ", "ACEHKMPTXYNT", true},
		{"digits of the alphabet are kept", "3467 9ACD EFGH", "34679ACDEFGH", true},
		{"a code one character short is malformed", "ACDEFGHJKMN", "ACDEFGHJKMN", false},
		{"a code one character long is malformed", "ACDEFGHJKMNPQ", "ACDEFGHJKMNPQ", false},
		{"the letter O is never in a code", "OCDEFGHJKMNP", "OCDEFGHJKMNP", false},
		{"the digit 0 is never in a code", "0CDEFGHJKMNP", "0CDEFGHJKMNP", false},
		{"1, I and L are never in a code", "1ILEFGHJKMNP", "1ILEFGHJKMNP", false},
		{"2, Z, 5, S, 8 and B are never in a code", "2Z58SBHJKMNP", "2Z58SBHJKMNP", false},
		{"punctuation is not ignored", "ACDE.FGHJ.KMNP", "ACDE.FGHJ.KMNP", false},
		{"an empty code is malformed", "", "", false},
		{"a path trick is malformed", "../../etc/passwd", "../../ETC/PASSWD", false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, ok := service.NormalizeVerificationCode(tc.in)
			if got != tc.want || ok != tc.ok {
				t.Errorf("NormalizeVerificationCode(%q) = %q, %v; want %q, %v", tc.in, got, ok, tc.want, tc.ok)
			}
		})
	}
	if g := service.GroupVerificationCode("ACDEFGHJKMNP"); g != "ACDE FGHJ KMNP" {
		t.Errorf("grouped %q", g)
	}
	for _, r := range "0O1IL2Z5S8B" {
		if strings.ContainsRune(service.VerificationAlphabet, r) {
			t.Errorf("the alphabet holds the look-alike %q", r)
		}
	}
}

// movableClock is a service clock the test moves forward.
type movableClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *movableClock) now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }

func (c *movableClock) advance(d time.Duration) { c.mu.Lock(); defer c.mu.Unlock(); c.t = c.t.Add(d) }

func TestPublicVerification(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		w := servicetest.New(t, st)
		sec := w.Actor(t, w.Accounts[domain.RoleSecretariat])
		eA, eB := enrolmentOf(t, w, w.CandidateA), enrolmentOf(t, w, w.CandidateB)
		closedSession(t, st, "s1", "", juryDay, "Paris", fullSignatories,
			presented{eA, "certified", []string{"BC1", "BC2", "BC3", "BC4", "BC5", "OPT1", "OPT2"}},
			presented{eB, "partial", []string{"BC3"}})
		w.ConfirmFrameworks(t)
		if _, err := w.Service.IssueSessionDocuments(ctx, sec, "s1"); err != nil {
			t.Fatal(err)
		}
		p, err := w.Service.Certificates(ctx, sec, store.CertificateFilter{SessionID: "s1"})
		if err != nil || p.Total != 2 {
			t.Fatal(err)
		}
		certA, attB := p.Items[0], p.Items[1]
		revokedAt := servicetest.Clock.Add(5 * 24 * time.Hour)
		if err := st.Write(ctx, func(q store.Q) error {
			return q.RevokeCertificate(ctx, attB.ID, revokedAt, sec.UserID, "Fraude établie à l'évaluation")
		}); err != nil {
			t.Fatal(err)
		}
		clk := &movableClock{t: servicetest.Clock}
		svc := service.New(st, clk.now, slog.New(slog.NewTextHandler(io.Discard, nil)), "http://cqp.test")

		t.Run("a valid document is found by its code as a person types it", func(t *testing.T) {
			typed := strings.ToLower(service.GroupVerificationCode(certA.VerificationCode))
			v, err := svc.VerifyCertificate(ctx, typed, "192.0.2.1")
			if err != nil {
				t.Fatal(err)
			}
			if v.Revoked || v.HolderName != "Éloïse LEFÈVRE" || v.QualificationTitle != "Chargé de clientèle" || v.Number != certA.Number ||
				len(v.Blocks) != 7 || v.AwardedOn != domain.NewDate(2026, 11, 20) || v.Kind != store.KindCertificate || v.Code != certA.VerificationCode {
				t.Fatalf("%+v", v)
			}
		})

		t.Run("a revoked document says so and when", func(t *testing.T) {
			v, err := svc.VerifyCertificate(ctx, attB.VerificationCode, "192.0.2.1")
			if err != nil {
				t.Fatal(err)
			}
			if !v.Revoked || v.RevokedOn != domain.NewDate(2026, 11, 30) || len(v.Blocks) != 1 {
				t.Fatalf("%+v", v)
			}
		})

		t.Run("a malformed code and an unknown code are not found, with a French explanation", func(t *testing.T) {
			_, err := svc.VerifyCertificate(ctx, "OOOO-1111", "192.0.2.1")
			if domain.ErrorCode(err) != domain.ENOTFOUND || !strings.Contains(domain.ErrorMessage(err), "12 caractères") {
				t.Fatalf("malformed: %v", err)
			}
			_, err = svc.VerifyCertificate(ctx, "ACDEFGHJKMNP", "192.0.2.1")
			if domain.ErrorCode(err) != domain.ENOTFOUND || !strings.Contains(domain.ErrorMessage(err), "ACDE FGHJ KMNP") {
				t.Fatalf("unknown: %v", err)
			}
		})

		t.Run("lookups are limited per address and the limit passes with the minute", func(t *testing.T) {
			clk.advance(time.Hour)
			for i := 0; i < service.VerifyLimit; i++ {
				if _, err := svc.VerifyCertificate(ctx, certA.VerificationCode, "192.0.2.7"); err != nil {
					t.Fatalf("lookup %d: %v", i+1, err)
				}
			}
			_, err := svc.VerifyCertificate(ctx, certA.VerificationCode, "192.0.2.7")
			if domain.ErrorCode(err) != domain.ETOOMANY || !strings.Contains(domain.ErrorMessage(err), "Réessayez dans une minute") {
				t.Fatalf("lookup past the limit: %v", err)
			}
			if _, err := svc.VerifyCertificate(ctx, certA.VerificationCode, "192.0.2.8"); err != nil {
				t.Fatalf("another address: %v", err)
			}
			clk.advance(service.VerifyWindow + time.Second)
			if _, err := svc.VerifyCertificate(ctx, certA.VerificationCode, "192.0.2.7"); err != nil {
				t.Fatalf("a minute later: %v", err)
			}
		})

		t.Run("the verification address is under the base URL", func(t *testing.T) {
			if u := svc.VerificationURL("ACDEFGHJKMNP"); u != "http://cqp.test/verifier/ACDEFGHJKMNP" {
				t.Fatal(u)
			}
		})
	})
}
