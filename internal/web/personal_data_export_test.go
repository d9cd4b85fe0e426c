package web_test

import (
	"encoding/json"
	"io"
	"net/http"
	"os"
	"strings"
	"testing"

	"cqp/internal/domain"
	"cqp/internal/pdftext"
	"cqp/internal/service"
	"cqp/internal/service/servicetest"
)

func init() { sampleSources = append(sampleSources, personalDataSamples) }

func personalDataSamples(t testing.TB, w *servicetest.World) routeSamples {
	return routeSamples{
		Paths: map[string]string{
			"/candidats/{id}/donnees-personnelles.json": "/candidats/" + w.CandidateA + "/donnees-personnelles.json",
			"/candidats/{id}/donnees-personnelles.pdf":  "/candidats/" + w.CandidateA + "/donnees-personnelles.pdf",
		},
		CrossScope: map[string]string{
			"/candidats/{id}/donnees-personnelles.json": "/candidats/" + w.CandidateB + "/donnees-personnelles.json",
			"/candidats/{id}/donnees-personnelles.pdf":  "/candidats/" + w.CandidateB + "/donnees-personnelles.pdf",
		},
	}
}

// download fetches path and returns the status, the headers and the raw body.
func (s *site) download(t *testing.T, c *http.Client, path string) (int, http.Header, []byte) {
	t.Helper()
	res, err := c.Get(s.URL + path)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	if err != nil {
		t.Fatal(err)
	}
	return res.StatusCode, res.Header, b
}

func TestPersonalDataDownloads(t *testing.T) {
	s := newSite(t)
	is := issueFixtureSession(t, s.world, "s-rgpd")
	cand := s.client(t, s.world.Accounts[domain.RoleCandidate])
	sec := s.client(t, s.world.Accounts[domain.RoleSecretariat])
	base := "/candidats/" + s.world.CandidateA + "/donnees-personnelles"

	t.Run("the candidate's page offers their data to download, in a section of its own", func(t *testing.T) {
		status, body := s.do(t, cand, http.MethodGet, "/candidats/"+s.world.CandidateA)
		if status != http.StatusOK || !strings.Contains(body, `<h2 id="donnees-personnelles">Vos données personnelles</h2>`) ||
			!strings.Contains(body, "Télécharger mes données (JSON)") || !strings.Contains(body, base+".pdf") {
			t.Fatalf("status %d: %.3000s", status, body)
		}
		_, body = s.do(t, sec, http.MethodGet, "/candidats/"+s.world.CandidateA)
		if !strings.Contains(body, "Données personnelles du candidat (PDF)") || strings.Contains(body, "Télécharger mes données") {
			t.Fatalf("the secretariat's links: %.3000s", body)
		}
		of := s.client(t, s.world.Accounts[domain.RoleTrainingOrganisation])
		if _, body := s.do(t, of, http.MethodGet, "/candidats/"+s.world.CandidateA); strings.Contains(body, "donnees-personnelles") {
			t.Fatal("a training organisation is offered the candidate's personal data")
		}
	})

	t.Run("the JSON is an attachment named after the candidate's number, with their certificate and no secret", func(t *testing.T) {
		status, h, b := s.download(t, cand, base+".json")
		if status != http.StatusOK || !strings.HasPrefix(h.Get("Content-Type"), "application/json") {
			t.Fatalf("status %d, type %q: %.300s", status, h.Get("Content-Type"), b)
		}
		cd := h.Get("Content-Disposition")
		if !strings.HasPrefix(cd, "attachment") || !strings.Contains(cd, "donnees-personnelles-C-") || !strings.Contains(cd, ".json") {
			t.Fatalf("disposition %q", cd)
		}
		var d service.PersonalData
		if err := json.Unmarshal(b, &d); err != nil {
			t.Fatal(err)
		}
		if len(d.Certificates) != 1 || d.Certificates[0].Number != is.certA.Number || d.Candidate.ID != s.world.CandidateA {
			t.Fatalf("certificates %+v", d.Certificates)
		}
		if strings.Contains(string(b), "argon2") || strings.Contains(string(b), "hash\"") {
			t.Fatal("the export holds a hash")
		}
	})

	t.Run("the PDF reads as a French document with the candidate's data", func(t *testing.T) {
		status, h, b := s.download(t, sec, base+".pdf")
		if status != http.StatusOK || h.Get("Content-Type") != "application/pdf" || !strings.Contains(h.Get("Content-Disposition"), ".pdf") {
			t.Fatalf("status %d, headers %v", status, h)
		}
		if out := os.Getenv("CQP_PERSONAL_DATA_PDF"); out != "" {
			_ = os.WriteFile(out, b, 0o600)
		}
		text := pdftext.Text(t, b)
		for _, want := range []string{"Vos données personnelles détenues par", "LEFÈVRE", "Identité", "14/03/1995",
			"Organisme A", is.certA.Number, "Journal des opérations", "Candidat enregistré", "Page 1 /"} {
			if !strings.Contains(text, want) {
				t.Errorf("the PDF misses %q: %.2000s", want, text)
			}
		}
	})

	t.Run("the candidate cannot download another candidate's data, nor can a training organisation", func(t *testing.T) {
		other := "/candidats/" + s.world.CandidateB + "/donnees-personnelles"
		for _, ext := range []string{".json", ".pdf"} {
			if status, _, _ := s.download(t, cand, other+ext); status != http.StatusNotFound {
				t.Errorf("candidate, another's %s: %d", ext, status)
			}
			for _, role := range []domain.Role{domain.RoleTrainingOrganisation, domain.RoleCompany, domain.RoleCompanyReferent, domain.RoleJuryPresident} {
				c := s.client(t, s.world.Accounts[role])
				if status, _, _ := s.download(t, c, base+ext); status != http.StatusForbidden {
					t.Errorf("%s %s: %d", role, ext, status)
				}
			}
		}
	})

	t.Run("each download shows in the candidate's journal", func(t *testing.T) {
		_, body := s.do(t, sec, http.MethodGet, "/candidats/"+s.world.CandidateA)
		if !strings.Contains(body, "Données personnelles extraites (droit d'accès)") {
			t.Fatalf("journal: %.4000s", body)
		}
	})
}

func TestPersonalDataOfAVAECandidateDescribesTheEvidenceWithoutItsContent(t *testing.T) {
	s := newSite(t)
	s.world.VAE(t)
	cand := s.client(t, s.world.Accounts[domain.RoleCandidate])
	base := "/candidats/" + s.world.CandidateA + "/donnees-personnelles"
	status, _, b := s.download(t, cand, base+".json")
	if status != http.StatusOK {
		t.Fatalf("status %d", status)
	}
	var d service.PersonalData
	if err := json.Unmarshal(b, &d); err != nil {
		t.Fatal(err)
	}
	var vae *service.PersonalVAE
	for _, e := range d.Enrolments {
		if e.VAE != nil {
			vae = e.VAE
		}
	}
	if vae == nil || len(vae.Evidence) != 1 || vae.Evidence[0].SHA256 == "" || vae.Evidence[0].Filename == "" || len(vae.Versions) == 0 || len(vae.Reviews) == 0 {
		t.Fatalf("VAE %+v", vae)
	}
	status, _, pdf := s.download(t, cand, base+".pdf")
	if status != http.StatusOK {
		t.Fatalf("status %d", status)
	}
	if out := os.Getenv("CQP_PERSONAL_DATA_VAE_PDF"); out != "" {
		_ = os.WriteFile(out, pdf, 0o600)
	}
	text := pdftext.Text(t, pdf)
	for _, want := range []string{"Dossier de VAE", "Pièces justificatives (décrites, sans leur contenu)", vae.Evidence[0].Filename} {
		if !strings.Contains(text, want) {
			t.Errorf("the PDF misses %q", want)
		}
	}
}
