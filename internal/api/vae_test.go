package api_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"log/slog"
	"net/http"
	"slices"
	"strings"
	"testing"

	"cqp/internal/api"
	"cqp/internal/domain"
	"cqp/internal/service"
	"cqp/internal/service/servicetest"
	"cqp/internal/store"
	"cqp/internal/store/storetest"
)

// Personas of the VAE tests besides those of the main fixture (secretariat, ofA, ofB,
// candidate): side A's company and the VAE adviser who follows side A.
const (
	companyA  = "companyA"
	adviser   = "adviser"
	referentA = "referentA"
)

// newVAEFixture serves the service test world, with its two VAE files, through the API: a token
// for candidate A, company A, organisation A (which reviewed side A), organisation B (asked to
// review side B), the VAE adviser who follows side A and the secretariat. Answers are checked against the OpenAPI document as in
// every other test of the API.
func newVAEFixture(t *testing.T, st *store.Store) (*fixture, servicetest.VAEWorld) {
	t.Helper()
	ctx := context.Background()
	w := servicetest.New(t, st)
	v := w.VAE(t)
	logs := &bytes.Buffer{}
	f := &fixture{ctx: ctx, svc: w.Service, spec: loadSpec(t), logs: logs, sys: domain.SystemActor("test"),
		handler: api.New(w.Service, slog.New(slog.NewJSONHandler(&lockedWriter{w: logs}, nil))).Handler(),
		users:   map[string]domain.User{}, tokens: map[string]string{}}
	for persona, email := range map[string]string{
		secretariat: w.Accounts[domain.RoleSecretariat],
		candidate:   w.Accounts[domain.RoleCandidate],
		companyA:    w.Accounts[domain.RoleCompany],
		ofA:         w.Accounts[domain.RoleTrainingOrganisation],
		ofB:         w.OrgBAccount,
		adviser:     w.Accounts[domain.RoleVAEAdviser],
		referentA:   w.Accounts[domain.RoleCompanyReferent],
	} {
		token, _, err := w.Service.CreateAPIToken(ctx, w.Actor(t, email), "tests", service.DefaultAPITokenDays)
		must(t, err)
		f.tokens[persona] = token
	}
	return f, v
}

// enrolmentIDs lists the files of a VAE list.
func enrolmentIDs(t *testing.T, r response) []string {
	t.Helper()
	var ids []string
	for _, it := range r.Items(t) {
		ids = append(ids, it["enrolment_id"].(string))
	}
	return ids
}

func TestVAEFiles(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		f, v := newVAEFixture(t, st)
		evidenceA := "/api/v1/vae/" + v.SideA + "/evidence/" + v.EvidenceA

		t.Run("organisation B lists the file it was asked to review and nothing of side A", func(t *testing.T) {
			r := f.get(t, ofB, "/api/v1/vae")
			wantStatus(t, r, http.StatusOK)
			if ids := enrolmentIDs(t, r); !slices.Equal(ids, []string{v.SideB}) {
				t.Fatalf("files = %v, want only side B %s", ids, v.SideB)
			}
			if page := r.JSON(t); page["total"] != float64(1) || page["limit"] != float64(100) || page["offset"] != float64(0) {
				t.Fatalf("page: total %v, limit %v, offset %v", page["total"], page["limit"], page["offset"])
			}
			it := r.Items(t)[0]
			if it["status"] != "under_review" || it["status_label"] != "En cours d'examen par un organisme" ||
				it["reviewer_organisation"] != "Organisme B" || it["review_opinion"] != nil || it["valid_until"] != nil ||
				it["requested_by"] != "secretariat" || it["experience_status"] != "closed" || it["enrolment_status"] != "admissibility" {
				t.Errorf("item = %v", it)
			}
			if q := it["qualification"].(map[string]any); q["code"] != "IARD" || q["title"] == "" {
				t.Errorf("qualification = %v", q)
			}
			if c := it["candidate"].(map[string]any); c["number"] == "" || !strings.Contains(c["name"].(string), "Paul") {
				t.Errorf("candidate = %v", c)
			}
			for _, path := range []string{"/api/v1/vae/" + v.SideA, evidenceA} {
				wantStatus(t, f.get(t, ofB, path), http.StatusNotFound)
			}
		})

		t.Run("the list keeps the statuses asked for and names the accepted ones for an unknown one", func(t *testing.T) {
			r := f.get(t, secretariat, "/api/v1/vae?status=admissible")
			wantStatus(t, r, http.StatusOK)
			if ids := enrolmentIDs(t, r); !slices.Equal(ids, []string{v.SideA}) {
				t.Errorf("admissible files = %v, want side A", ids)
			}
			if ids := enrolmentIDs(t, f.get(t, secretariat, "/api/v1/vae?status=admissible&status=under_review")); len(ids) != 2 {
				t.Errorf("admissible or under review = %v, want both files", ids)
			}
			r = f.get(t, secretariat, "/api/v1/vae?status=admissible&status=fini")
			wantStatus(t, r, http.StatusUnprocessableEntity)
			msg := r.Problem(t).Errors["status"]
			if !strings.Contains(msg, "« fini »") || !strings.Contains(msg, "under_review") || !strings.Contains(msg, "not_admissible") {
				t.Errorf("status message = %q", msg)
			}
			r = f.get(t, secretariat, "/api/v1/vae?statut=admissible")
			wantStatus(t, r, http.StatusUnprocessableEntity)
			if !strings.Contains(r.Problem(t).Errors["statut"], "Paramètre inconnu") {
				t.Errorf("problem = %+v", r.Problem(t))
			}
		})

		t.Run("the candidate reads the whole file: its versions, opinions, decisions and evidence", func(t *testing.T) {
			r := f.get(t, candidate, "/api/v1/vae/"+v.SideA)
			wantStatus(t, r, http.StatusOK)
			file := r.JSON(t)
			if file["status"] != "admissible" || file["valid_until"] != "2027-11-25" || file["experience_status"] != "submitted" ||
				file["review_opinion"] != "favourable" || file["reviewer_organisation"] != "Organisme A" {
				t.Errorf("summary = %v", file)
			}
			adm := file["admissibility"].(map[string]any)
			latest := adm["latest_version"].(map[string]any)
			if latest["version"] != 1.0 || len(adm["versions"].([]any)) != 1 || latest["related_months"] != 24.0 || latest["total_months"] != 24.0 {
				t.Errorf("latest version = %v", latest)
			}
			period := latest["periods"].([]any)[0].(map[string]any)
			if period["employer"] != "Cabinet Durand" || period["from"] != "2022-09-01" || period["until"] != "2023-08-31" || period["related"] != true {
				t.Errorf("period = %v", period)
			}
			self := latest["self_assessment"].([]any)
			if len(self) == 0 || self[0].(map[string]any)["level"] != "acquired" || self[0].(map[string]any)["competence"] == "" {
				t.Errorf("self assessment = %v", self)
			}
			review := adm["reviews"].([]any)[0].(map[string]any)
			if review["organisation"].(map[string]any)["name"] != "Organisme A" || review["opinion"] != "favourable" ||
				review["comment"] != "Expérience solide et en lien direct." || review["file_version"] != 1.0 {
				t.Errorf("review = %v", review)
			}
			decision := adm["decisions"].([]any)[0].(map[string]any)
			if decision["decision"] != "admissible" || decision["valid_until"] != "2027-11-25" || decision["revoked_at"] != nil {
				t.Errorf("decision = %v", decision)
			}
			exp := file["experience"].(map[string]any)
			for _, b := range exp["blocks"].([]any) {
				if b.(map[string]any)["narrative"] == nil {
					t.Errorf("block without its narrative: %v", b)
				}
			}
			evidence := exp["evidence"].([]any)
			sum := sha256.Sum256(servicetest.TinyPDF)
			if len(evidence) != 1 {
				t.Fatalf("evidence = %v", evidence)
			}
			ev := evidence[0].(map[string]any)
			if ev["id"] != v.EvidenceA || ev["download"] != evidenceA || ev["filename"] != "attestation.pdf" ||
				ev["content_type"] != "application/pdf" || ev["size_bytes"] != float64(len(servicetest.TinyPDF)) ||
				ev["sha256"] != hex.EncodeToString(sum[:]) || ev["title"] != "Attestation d'employeur" || ev["block"] != nil {
				t.Errorf("evidence = %v", ev)
			}
		})

		t.Run("the candidate downloads their evidence as an attachment nobody caches", func(t *testing.T) {
			r := f.get(t, candidate, evidenceA)
			wantStatus(t, r, http.StatusOK)
			if !bytes.Equal(r.Body, servicetest.TinyPDF) {
				t.Errorf("body = %q", r.Body)
			}
			for header, want := range map[string]string{
				"Content-Type":           "application/pdf",
				"X-Content-Type-Options": "nosniff",
				"Content-Disposition":    `attachment; filename="attestation.pdf"; filename*=UTF-8''attestation.pdf`,
				"Cache-Control":          "private, no-store",
			} {
				if got := r.Header.Get(header); got != want {
					t.Errorf("%s = %q, want %q", header, got, want)
				}
			}
		})

		t.Run("evidence asked for through another file is not found", func(t *testing.T) {
			for _, persona := range []string{candidate, secretariat} {
				r := f.get(t, persona, "/api/v1/vae/"+v.SideB+"/evidence/"+v.EvidenceA)
				wantStatus(t, r, http.StatusNotFound)
				if strings.Contains(string(r.Body), "PDF") {
					t.Errorf("%s: the evidence leaked: %s", persona, r.Body)
				}
			}
		})

		t.Run("the VAE adviser's token reads its account and the file it follows", func(t *testing.T) {
			me := f.get(t, adviser, "/api/v1/me")
			wantStatus(t, me, http.StatusOK)
			if role := me.JSON(t)["roles"].([]any)[0].(map[string]any); role["role"] != "vae_adviser" || role["scope_kind"] != nil {
				t.Errorf("role = %v", role)
			}
			if ids := enrolmentIDs(t, f.get(t, adviser, "/api/v1/vae")); !slices.Equal(ids, []string{v.SideA}) {
				t.Errorf("files = %v, want side A", ids)
			}
			wantStatus(t, f.get(t, adviser, evidenceA), http.StatusOK)
		})

		t.Run("the company sees where the request stands, not what the candidate wrote", func(t *testing.T) {
			r := f.get(t, companyA, "/api/v1/vae/"+v.SideA)
			wantStatus(t, r, http.StatusOK)
			file := r.JSON(t)
			if file["status"] != "admissible" || file["admissibility"] != nil || file["experience"] != nil {
				t.Errorf("file = %v", file)
			}
			for _, private := range []string{"Cabinet Durand", "Au quotidien", "Expérience solide", "Attestation"} {
				if strings.Contains(string(r.Body), private) {
					t.Errorf("the company reads %q: %s", private, r.Body)
				}
			}
			wantStatus(t, f.get(t, companyA, evidenceA), http.StatusNotFound)
			list := f.get(t, companyA, "/api/v1/vae")
			wantStatus(t, list, http.StatusOK)
			for _, it := range list.Items(t) {
				if it["enrolment_id"] == v.SideA && (it["reviewer_organisation"] != nil || it["review_opinion"] != nil) {
					t.Errorf("the company's list shows the organisation's opinion: %v", it)
				}
			}
		})

		t.Run("organisation B gives its reasoned opinion once", func(t *testing.T) {
			review := "/api/v1/vae/" + v.SideB + "/review"
			r := f.post(t, ofB, review, map[string]string{"opinion": "favourable", "comment": "  "})
			wantStatus(t, r, http.StatusUnprocessableEntity)
			if got := r.Problem(t).Errors["comment"]; got != "Argumentez votre avis : ce qui, dans le dossier, le justifie (ou ce qui manque)." {
				t.Errorf("errors[comment] = %q", got)
			}
			r = f.post(t, ofB, review, map[string]string{"opinion": "bof", "comment": "Rien à redire."})
			wantStatus(t, r, http.StatusUnprocessableEntity)
			if got := r.Problem(t).Errors["opinion"]; !strings.Contains(got, "unfavourable") {
				t.Errorf("errors[opinion] = %q", got)
			}
			wantStatus(t, f.post(t, ofA, review, map[string]string{"opinion": "favourable", "comment": "Pas notre dossier."}), http.StatusNotFound)

			r = f.post(t, ofB, review, map[string]string{"opinion": "unfavourable", "comment": "Les périodes déclarées ne sont pas en lien avec l'IARD."})
			wantStatus(t, r, http.StatusOK)
			file := r.JSON(t)
			if file["status"] != "reviewed" || file["review_opinion"] != "unfavourable" || file["experience"] != nil {
				t.Errorf("file = %v", file)
			}
			given := file["admissibility"].(map[string]any)["reviews"].([]any)[0].(map[string]any)
			if given["comment"] != "Les périodes déclarées ne sont pas en lien avec l'IARD." || given["given_at"] == nil {
				t.Errorf("review = %v", given)
			}

			r = f.post(t, ofB, review, map[string]string{"opinion": "favourable", "comment": "Finalement, oui."})
			wantStatus(t, r, http.StatusConflict)
			if p := r.Problem(t); !strings.Contains(p.Detail, "Aucun avis n'est attendu de votre organisme") {
				t.Errorf("problem = %+v", p)
			}
		})

		t.Run("no personal data reaches the logs", func(t *testing.T) {
			for _, personal := range []string{"Lefèvre", "Martin", "Cabinet Durand", "attestation.pdf", "IARD."} {
				if strings.Contains(f.logs.String(), personal) {
					t.Errorf("the logs hold %q", personal)
				}
			}
		})
	})
}

func TestTheTimelineShowsVAEEventsOnlyToThoseWhoReadTheFile(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		f, v := newVAEFixture(t, st)
		file, err := f.svc.VAE(f.ctx, f.sys, v.SideA)
		must(t, err)
		path := "/api/v1/candidates/" + file.Candidate.ID + "/timeline"
		const opinion = "Expérience solide et en lien direct."
		// events returns the timeline's actions as the persona reads it, and whether the
		// organisation's reasoned opinion shows anywhere in it.
		events := func(t *testing.T, persona string) (map[string]bool, bool) {
			t.Helper()
			r := f.get(t, persona, path)
			wantStatus(t, r, http.StatusOK)
			actions := map[string]bool{}
			for _, e := range r.Items(t) {
				actions[e["action"].(string)] = true
			}
			return actions, strings.Contains(string(r.Body), opinion)
		}
		t.Run("the company referent, to whom the VAE files are forbidden, reads none of their events", func(t *testing.T) {
			wantStatus(t, f.get(t, referentA, "/api/v1/vae"), http.StatusForbidden)
			actions, shown := events(t, referentA)
			if shown {
				t.Error("the referent reads the organisation's reasoned opinion")
			}
			for a := range actions {
				if strings.HasPrefix(a, "vae.") {
					t.Errorf("the referent reads the event %s", a)
				}
			}
			if !actions["enrolment.create"] {
				t.Errorf("the referent misses the enrolments' events: %v", actions)
			}
		})
		t.Run("the company reads the decision, not the admissibility file's opinion", func(t *testing.T) {
			actions, shown := events(t, companyA)
			if shown || actions["vae.review_give"] || !actions["vae.decide"] {
				t.Errorf("company's timeline: opinion %v, actions %v", shown, actions)
			}
		})
		t.Run("the candidate reads every event of their file", func(t *testing.T) {
			actions, shown := events(t, candidate)
			if !shown || !actions["vae.review_give"] || !actions["vae.decide"] || !actions["vae.evidence_add"] {
				t.Errorf("candidate's timeline: opinion %v, actions %v", shown, actions)
			}
		})
	})
}
