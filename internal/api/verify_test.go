package api_test

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"cqp/internal/domain"
	"cqp/internal/service"
	"cqp/internal/service/servicetest"
	"cqp/internal/store"
)

// issueCertificate closes a jury session that certifies the fixture's candidate, as closing
// a session does, and issues the certificate. It returns the document.
func issueCertificate(t *testing.T, f *fixture) store.Certificate {
	t.Helper()
	docs := issueSession(t, f, "certified")
	if len(docs) != 1 {
		t.Fatalf("%d documents issued", len(docs))
	}
	return docs[0]
}

// issueSession closes a jury session with the fixture's candidate and the given outcome (a
// partial result acquires the blocks given), issues its documents and returns them.
func issueSession(t *testing.T, f *fixture, outcome string, acquired ...string) []store.Certificate {
	t.Helper()
	day := time.Date(2026, 2, 20, 13, 0, 0, 0, time.UTC)
	enrolment := f.candidate.Enrolments[0].ID
	err := f.svc.Store().Write(f.ctx, func(q store.Q) error {
		branches, err := q.Branches(f.ctx)
		if err != nil {
			return err
		}
		if err := q.SaveBranchSettings(f.ctx, store.BranchSettings{BranchID: branches[0].ID, JuryQuorum: 4, JuryPresidentName: "Bertrand Lécuyer",
			CSCAPresidentName: "Françoise Nguyễn", CPNEPresidentName: "Jean-Noël Œttinger", UpdatedAt: day}); err != nil {
			return err
		}
		if err := q.CreateJurySession(f.ctx, store.JurySession{ID: "js", BranchID: branches[0].ID, StartsAt: day, Place: "Paris", Quorum: 4,
			Status: store.JuryPlanned, CreatedAt: day}); err != nil {
			return err
		}
		if err := q.AddJuryCandidate(f.ctx, "js", enrolment); err != nil {
			return err
		}
		if err := q.SetJurySessionStatus(f.ctx, "js", store.JuryPlanned, store.JuryDeliberating); err != nil {
			return err
		}
		if err := q.SetJuryOutcome(f.ctx, "js", enrolment, outcome); err != nil {
			return err
		}
		for _, b := range acquired {
			if err := q.AddAcquiredBlock(f.ctx, store.AcquiredBlock{EnrolmentID: enrolment, BlockCode: b, SessionID: "js", AcquiredOn: domain.DateOf(day)}); err != nil {
				return err
			}
		}
		return q.CloseJurySession(f.ctx, "js", `{"format":1,"session_id":"js","signatories":{"jury_president":"Bertrand Lécuyer"}}`, day, "")
	})
	must(t, err)
	servicetest.ConfirmFrameworks(t, f.svc, f.sys)
	_, err = f.svc.IssueSessionDocuments(f.ctx, f.sys, "js")
	must(t, err)
	p, err := f.svc.Certificates(f.ctx, f.sys, store.CertificateFilter{SessionID: "js"})
	must(t, err)
	return p.Items
}

func TestPublicVerificationAPIOfABlockAttestation(t *testing.T) {
	eachStore(t, func(t *testing.T, f *fixture) {
		docs := issueSession(t, f, "partial", "BC3", "BC1")
		if len(docs) != 2 || docs[1].BlockCode != "BC3" {
			t.Fatalf("documents %+v", docs)
		}
		v := f.get(t, "", "/api/v1/verify/"+docs[1].VerificationCode).JSON(t)
		if v["status"] != "valid" || v["kind"] != "attestation" || v["block_code"] != "BC3" ||
			v["title"] != "Attestation du bloc BC3 — Gérer la relation clientèle" || v["number"] != docs[1].Number {
			t.Fatalf("%v", v)
		}
		blocks := v["blocks"].([]any)
		if len(blocks) != 1 {
			t.Fatalf("blocks %v", blocks)
		}
		b := blocks[0].(map[string]any)
		if b["code"] != "BC3" || len(b["competences"].([]any)) == 0 {
			t.Fatalf("block %v", b)
		}
		if c := b["competences"].([]any)[0].(map[string]any); c["code"] == "" || c["title"] == "" {
			t.Errorf("competence %v", c)
		}
	})
}

func TestPublicVerificationAPI(t *testing.T) {
	eachStore(t, func(t *testing.T, f *fixture) {
		c := issueCertificate(t, f)

		t.Run("a valid certificate is described without a token", func(t *testing.T) {
			r := f.get(t, "", "/api/v1/verify/"+c.VerificationCode)
			wantStatus(t, r, http.StatusOK)
			v := r.JSON(t)
			if v["status"] != "valid" || v["kind"] != "certificate" || v["holder_name"] != "Éloïse Marie LEFÈVRE" || v["number"] != c.Number ||
				v["awarded_on"] != "2026-02-20" || v["revoked_on"] != nil || v["code"] != c.VerificationCode || len(v["blocks"].([]any)) != 7 {
				t.Errorf("%v", v)
			}
			if v["block_code"] != nil || v["title"] != "Certificat de qualification professionnelle" {
				t.Errorf("a certificate's block_code %v, title %v", v["block_code"], v["title"])
			}
			if q := v["qualification"].(map[string]any); q["code"] != "CC" || q["title"] != "Chargé de clientèle" || q["rncp"] != nil {
				t.Errorf("qualification %v", q)
			}
			if r.Header.Get("Cache-Control") != "no-store" {
				t.Errorf("Cache-Control %q", r.Header.Get("Cache-Control"))
			}
		})

		t.Run("the code is read as people type it, and a token, even a wrong one, changes nothing", func(t *testing.T) {
			typed := strings.ToLower(strings.ReplaceAll(service.GroupVerificationCode(c.VerificationCode), " ", "-"))
			wantStatus(t, f.sendAuth(t, http.MethodGet, "/api/v1/verify/"+typed, "Bearer cqp_nimporte", "", nil), http.StatusOK)
		})

		t.Run("a revoked certificate says when, never why", func(t *testing.T) {
			_, err := f.svc.RevokeCertificate(f.ctx, f.actor(t, secretariat), c.ID, "Fraude établie")
			must(t, err)
			r := f.get(t, "", "/api/v1/verify/"+c.VerificationCode)
			v := r.JSON(t)
			if v["status"] != "revoked" || v["revoked_on"] != "2026-03-02" {
				t.Errorf("%v", v)
			}
			if _, ok := v["revoked_reason"]; ok || strings.Contains(string(r.Body), "Fraude") {
				t.Errorf("the public answer gives the revocation's reason: %s", r.Body)
			}
		})

		t.Run("malformed and unknown codes are 404 problems in French", func(t *testing.T) {
			for path, want := range map[string]string{
				"/api/v1/verify/OOOO-1111":    "12 caractères",
				"/api/v1/verify/ACDEFGHJKMNP": "Aucun certificat ni attestation ne porte le code ACDE FGHJ KMNP",
				"/api/v1/verify/%C3%28":       "12 caractères",
			} {
				r := f.get(t, "", path)
				wantStatus(t, r, http.StatusNotFound)
				if p := r.Problem(t); !strings.Contains(p.Detail, want) {
					t.Errorf("%s: %q", path, p.Detail)
				}
			}
		})
	})
}

func TestPublicVerificationAPIIsLimitedPerAddress(t *testing.T) {
	eachStore(t, func(t *testing.T, f *fixture) {
		for i := 0; i < service.VerifyLimit; i++ {
			wantStatus(t, f.get(t, "", "/api/v1/verify/ACDEFGHJKMNP"), http.StatusNotFound)
		}
		r := f.get(t, "", "/api/v1/verify/ACDEFGHJKMNP")
		wantStatus(t, r, http.StatusTooManyRequests)
		if p := r.Problem(t); r.Header.Get("Retry-After") != "60" || !strings.Contains(p.Detail, "Réessayez dans une minute") || p.Type != "urn:cqp:problem:too-many-requests" {
			t.Errorf("%v %+v", r.Header, p)
		}
	})
}
