package web_test

import (
	"bytes"
	"context"
	"html"
	"io"
	"mime/multipart"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"cqp/internal/domain"
	"cqp/internal/service"
	"cqp/internal/service/servicetest"
)

func init() { sampleSources = append(sampleSources, vaeCandidateSamples) }

// vaeCandidateSamples gives the candidate's VAE pages the world's two VAE files: side A, which
// every scoped role of side A sees, with its evidence; side B, and side A's evidence asked for
// through side B's file.
func vaeCandidateSamples(t testing.TB, w *servicetest.World) routeSamples {
	v := w.VAE(t)
	a, b := "/vae/"+v.SideA, "/vae/"+v.SideB
	return routeSamples{
		Paths: map[string]string{
			"/vae/{id}/recevabilite":               a + "/recevabilite",
			"/vae/{id}/recevabilite.pdf":           a + "/recevabilite.pdf",
			"/vae/{id}/experience":                 a + "/experience",
			"/vae/{id}/experience/reouverture":     a + "/experience/reouverture",
			"/vae/{id}/preuves":                    a + "/preuves",
			"/vae/{id}/preuves/{evidence}":         a + "/preuves/" + v.EvidenceA,
			"/vae/{id}/preuves/{evidence}/retrait": a + "/preuves/" + v.EvidenceA + "/retrait",
		},
		CrossScope: map[string]string{
			"/vae/{id}/recevabilite":       b + "/recevabilite",
			"/vae/{id}/recevabilite.pdf":   b + "/recevabilite.pdf",
			"/vae/{id}/experience":         b + "/experience",
			"/vae/{id}/preuves/{evidence}": b + "/preuves/" + v.EvidenceA,
		},
	}
}

// sentVAE records a VAE request of candidate A for the ADP qualification and sends them the
// admissibility file: they fill it.
func sentVAE(t *testing.T, w *servicetest.World) string {
	t.Helper()
	ctx := context.Background()
	sec := w.Actor(t, w.Accounts[domain.RoleSecretariat])
	optional := w.OptionalBlocks(t, "ADP")
	e, err := w.Service.RequestVAE(ctx, sec, service.VAERequestInput{CandidateID: w.CandidateA, QualificationCode: "ADP",
		Public: domain.PublicEmployee, CompanyID: w.CompanyA, Blocks: optional})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := w.Service.SendAdmissibilityFile(ctx, sec, e.Enrolment.ID); err != nil {
		t.Fatal(err)
	}
	return e.Enrolment.ID
}

// openExperienceVAE takes a new VAE file of candidate A to "admissible": the experience file
// is open.
func openExperienceVAE(t *testing.T, w *servicetest.World) string {
	t.Helper()
	ctx := context.Background()
	id := sentVAE(t, w)
	sec := w.Actor(t, w.Accounts[domain.RoleSecretariat])
	if _, err := w.Service.SubmitAdmissibility(ctx, w.Actor(t, w.Accounts[domain.RoleCandidate]), id, servicetest.CompleteAdmissibility(t, w, id)); err != nil {
		t.Fatal(err)
	}
	if err := w.Service.RequestVAEReview(ctx, sec, id, w.OrgA); err != nil {
		t.Fatal(err)
	}
	if err := w.Service.GiveVAEReview(ctx, w.Actor(t, w.Accounts[domain.RoleTrainingOrganisation]), id,
		service.ReviewInput{Opinion: domain.OpinionFavourable, Comment: "Expérience en lien direct."}); err != nil {
		t.Fatal(err)
	}
	if _, err := w.Service.DecideVAE(ctx, sec, id, service.DecisionInput{Decision: domain.DecisionAdmissible,
		Reason: "Deux ans d'expérience en lien.", ValidUntil: "25/11/2027"}); err != nil {
		t.Fatal(err)
	}
	return id
}

// vaeView reads a VAE file as the system.
func vaeView(t *testing.T, w *servicetest.World, id string) service.VAEView {
	t.Helper()
	v, err := w.Service.VAE(context.Background(), domain.SystemActor("test"), id)
	if err != nil {
		t.Fatal(err)
	}
	return v
}

// uploadEvidence posts one evidence file as the experience page's upload form does: the title
// and the block, then the file.
func (s *site) uploadEvidence(t *testing.T, c *http.Client, id, name string, data []byte, title, block string) (int, string, string) {
	t.Helper()
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	mw.WriteField("title", title)
	mw.WriteField("block", block)
	fw, err := mw.CreateFormFile("file", name)
	if err != nil {
		t.Fatal(err)
	}
	fw.Write(data)
	mw.Close()
	req, err := http.NewRequest(http.MethodPost, s.URL+"/vae/"+id+"/preuves", &body)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", mw.FormDataContentType())
	res, err := c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return res.StatusCode, res.Header.Get("Location"), html.UnescapeString(string(b))
}

// admissibilityForm is the form the candidate posts for an admissibility file.
func admissibilityForm(in service.AdmissibilityInput) url.Values {
	v := url.Values{"address": {in.Address}, "phone": {in.Phone}, "situation": {in.Situation}, "motivation": {in.Motivation}, "nir": {in.NIR}}
	for i, p := range in.Periods {
		v.Set(service.PeriodField(i, "employer"), p.Employer)
		v.Set(service.PeriodField(i, "role"), p.Role)
		v.Set(service.PeriodField(i, "from"), p.From)
		v.Set(service.PeriodField(i, "until"), p.Until)
		v.Set(service.PeriodField(i, "activities"), p.Activities)
		if p.Related {
			v.Set(service.PeriodField(i, "related"), "1")
		}
	}
	for i, d := range in.Diplomas {
		v.Set(service.DiplomaField(i, "title"), d.Title)
		v.Set(service.DiplomaField(i, "year"), d.Year)
		v.Set(service.DiplomaField(i, "level"), d.Level)
	}
	for code, sa := range in.SelfAssessment {
		v.Set(service.SelfLevelField(code), string(sa.Level))
		v.Set(service.SituationField(code), sa.Situation)
	}
	if in.Certified {
		v.Set("certified", "1")
	}
	return v
}

func TestTheCandidateFillsTheAdmissibilityFileSavesItAndSendsItWhenComplete(t *testing.T) {
	s := newSite(t)
	id := sentVAE(t, s.world)
	cand := s.client(t, s.world.Accounts[domain.RoleCandidate])
	page := "/vae/" + id + "/recevabilite"

	status, body := s.do(t, cand, http.MethodGet, page)
	if status != http.StatusOK {
		t.Fatalf("form: status %d %.300s", status, body)
	}
	for _, want := range []string{`name="period_1_employer"`, `name="period_2_employer"`, `name="diploma_1_title"`,
		"Je certifie sur l'honneur l'exactitude des informations", `id="vae-check" aria-live="polite"`, `data-today="2026-11-25"`,
		`data-min-months="12"`, `<script src="/static/vae.js" defer></script>`, `name="do" value="submit"`,
		"Enregistrer le brouillon", "Envoyer le dossier au secrétariat", page + ".pdf", "Contactez le secrétariat"} {
		if !strings.Contains(body, want) {
			t.Errorf("the form lacks %q", want)
		}
	}
	if strings.Contains(body, `name="period_3_employer"`) {
		t.Error("an empty file shows more than two blank period rows")
	}
	if status, body := s.do(t, cand, http.MethodGet, "/vae/"+id+"/experience"); status != http.StatusOK ||
		!strings.Contains(body, "s'ouvre quand la demande est déclarée recevable") || strings.Contains(body, "<textarea") {
		t.Errorf("experience file before admissibility: %d %.1000s", status, mainOf(body))
	}

	t.Run("a date that does not exist is refused at its period, with everything typed kept", func(t *testing.T) {
		form := url.Values{"do": {"save"}, "address": {"3 rue des Lilas"},
			service.PeriodField(1, "employer"): {"Cabinet Durand"}, service.PeriodField(1, "role"): {"Assistante"},
			service.PeriodField(1, "from"): {"31/02/2024"}, service.PeriodField(1, "related"): {"1"}}
		status, _, body := s.post(t, cand, page, form)
		if status != http.StatusUnprocessableEntity {
			t.Fatalf("status %d %.300s", status, body)
		}
		// The period typed in the second row, the first left blank, is « Période 1 ».
		if !strings.Contains(body, "Période 1 : la date de début « 31/02/2024 »") {
			t.Errorf("the message does not name the period: %.2000s", mainOf(body))
		}
		from := field(t, body, service.PeriodField(0, "from"))
		if !strings.Contains(from, `aria-invalid="true"`) || !strings.Contains(from, `value="31/02/2024"`) || !strings.Contains(from, "e-period_1_from") {
			t.Errorf("the date field is not marked: %s", from)
		}
		if !strings.Contains(field(t, body, service.PeriodField(0, "employer")), `value="Cabinet Durand"`) ||
			!strings.Contains(body, "3 rue des Lilas</textarea>") {
			t.Error("what was typed is not kept")
		}
		if !strings.Contains(body, `href="#f-period_1_from"`) {
			t.Error("the summary does not link to the field")
		}
		if v := vaeView(t, s.world, id); v.File.Draft.Address != "" {
			t.Errorf("a refused draft was saved: %+v", v.File.Draft)
		}
	})

	t.Run("adding a period saves the draft and shows one more blank row", func(t *testing.T) {
		form := url.Values{"do": {"add_period"}, service.PeriodField(0, "employer"): {"Cabinet Durand"},
			service.PeriodField(0, "role"): {"Assistante"}, service.PeriodField(0, "from"): {"01/09/2024"}, service.PeriodField(0, "related"): {"1"}}
		status, loc, body := s.post(t, cand, page, form)
		if status != http.StatusSeeOther || !strings.HasPrefix(loc, page+"?periodes=3") || !strings.HasSuffix(loc, "#periode-4") {
			t.Fatalf("status %d, location %q %.300s", status, loc, body)
		}
		_, body = s.do(t, cand, http.MethodGet, loc)
		if !strings.Contains(body, `name="period_4_employer"`) || strings.Contains(body, `name="period_5_employer"`) ||
			!strings.Contains(field(t, body, service.PeriodField(0, "from")), `value="01/09/2024"`) {
			t.Errorf("the page does not show the saved period and three blank rows: %.2000s", mainOf(body))
		}
		// 01/09/2024 to 25/11/2026, still held: 26 whole months.
		if !strings.Contains(body, `data-related-months="26"`) {
			t.Error("the check does not count the saved period")
		}
	})

	t.Run("a submission with parts missing keeps the draft and lists what is missing", func(t *testing.T) {
		form := url.Values{"do": {"submit"}, "address": {"3 rue des Lilas, 75011 Paris"}}
		status, _, body := s.post(t, cand, page, form)
		if status != http.StatusUnprocessableEntity {
			t.Fatalf("status %d %.300s", status, body)
		}
		for _, want := range []string{"Le dossier ne peut pas encore être envoyé", "Au moins une période d'expérience professionnelle.",
			"Votre attestation sur l'honneur", "L'auto-évaluation de"} {
			if !strings.Contains(body, want) {
				t.Errorf("the refusal does not say %q", want)
			}
		}
		if !strings.Contains(field(t, body, "certified"), "Cochez cette case pour envoyer le dossier.") {
			t.Error("the certification box is not marked")
		}
		v := vaeView(t, s.world, id)
		if v.File.Draft.Address != "3 rue des Lilas, 75011 Paris" || v.File.Version != 0 || v.File.Status != domain.VAESent {
			t.Errorf("file after a refused submission: %+v", v.File)
		}
	})

	t.Run("a complete file is sent and becomes version 1", func(t *testing.T) {
		form := admissibilityForm(servicetest.CompleteAdmissibility(t, s.world, id))
		form.Set("do", "submit")
		status, loc, body := s.post(t, cand, page, form)
		if status != http.StatusSeeOther || loc != "/vae/"+id {
			t.Fatalf("status %d, location %q %.1000s", status, loc, mainOf(body))
		}
		v := vaeView(t, s.world, id)
		if v.File.Version != 1 || v.File.Status != domain.VAESubmitted || len(v.Versions) != 1 {
			t.Fatalf("file after submission: %+v", v.File)
		}
		status, body = s.do(t, cand, http.MethodGet, page)
		if status != http.StatusOK || !strings.Contains(body, "Version 1, envoyée le 25/11/2026") || strings.Contains(body, `name="do"`) ||
			!strings.Contains(body, "Courtage Lumière") {
			t.Errorf("the sent file is not shown read-only: %d %.1500s", status, mainOf(body))
		}
		if status, _, _ := s.post(t, cand, page, url.Values{"do": {"save"}}); status != http.StatusConflict {
			t.Errorf("a sent file was saved again: %d", status)
		}
	})
}

func TestTheAdmissibilityPDFDownloadsBlankOrFilled(t *testing.T) {
	s := newSite(t)
	id := sentVAE(t, s.world)
	cand := s.client(t, s.world.Accounts[domain.RoleCandidate])
	for _, path := range []string{"/vae/" + id + "/recevabilite.pdf", "/vae/" + id + "/recevabilite.pdf?rempli=1"} {
		res, b := s.fetch(t, cand, path)
		if res.StatusCode != http.StatusOK || res.Header.Get("Content-Type") != "application/pdf" || !bytes.HasPrefix(b, []byte("%PDF-")) ||
			!strings.HasPrefix(res.Header.Get("Content-Disposition"), "attachment") ||
			!strings.Contains(res.Header.Get("Content-Disposition"), "dossier-recevabilite-vae-") {
			t.Errorf("%s: %d %q %q", path, res.StatusCode, res.Header.Get("Content-Type"), res.Header.Get("Content-Disposition"))
		}
	}
	// The company follows its employee's request, not the file's content.
	res, _ := s.fetch(t, s.client(t, s.world.Accounts[domain.RoleCompany]), "/vae/"+id+"/recevabilite.pdf")
	if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != "/vae/"+id {
		t.Errorf("company: %d %q", res.StatusCode, res.Header.Get("Location"))
	}
}

func TestEvidenceUploadsAreCheckedByContentAndSize(t *testing.T) {
	s := newSite(t)
	id := openExperienceVAE(t, s.world)
	cand := s.client(t, s.world.Accounts[domain.RoleCandidate])

	status, body := s.do(t, cand, http.MethodGet, "/vae/"+id+"/experience")
	if status != http.StatusOK {
		t.Fatalf("experience page: %d %.300s", status, body)
	}
	for _, want := range []string{`enctype="multipart/form-data"`, `accept="application/pdf,image/png,image/jpeg"`, `<option value="">Ensemble du dossier</option>`,
		"10 Mo au plus", `name="narrative_`, "Au moins une pièce justificative"} {
		if !strings.Contains(body, want) {
			t.Errorf("the experience page lacks %q", want)
		}
	}

	t.Run("an executable named .pdf is refused and nothing is stored", func(t *testing.T) {
		exe := append([]byte("MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff"), bytes.Repeat([]byte{0}, 200)...)
		status, _, body := s.uploadEvidence(t, cand, id, "contrat.pdf", exe, "Contrat", "")
		if status != http.StatusUnprocessableEntity || !strings.Contains(body, "exécutable") || !strings.Contains(body, "contrat.pdf") {
			t.Errorf("status %d %.1500s", status, mainOf(body))
		}
		if !strings.Contains(field(t, body, "title"), `value="Contrat"`) {
			t.Error("the title typed is not kept")
		}
		if n := len(vaeView(t, s.world, id).Evidence); n != 0 {
			t.Errorf("%d evidence files stored", n)
		}
	})

	t.Run("a file above the limit is refused with 413 and nothing is stored", func(t *testing.T) {
		s.world.Service.SetVAESettings(service.VAESettings{MaxEvidenceBytes: 2048})
		defer s.world.Service.SetVAESettings(service.DefaultVAESettings())
		big := func(n int) []byte {
			return append(append([]byte("%PDF-1.4\n"), bytes.Repeat([]byte("x"), n)...), []byte("\n%%EOF\n")...)
		}
		for name, size := range map[string]int{"a little above": 4 << 10, "far above, cut off while read": 200 << 10} {
			status, _, body := s.uploadEvidence(t, cand, id, "gros.pdf", big(size), "Gros", "")
			if status != http.StatusRequestEntityTooLarge || !strings.Contains(body, "Le fichier « gros.pdf » dépasse la taille maximale de 2 Ko") ||
				!strings.Contains(field(t, body, "title"), `value="Gros"`) {
				t.Errorf("%s: status %d %.1500s", name, status, mainOf(body))
			}
		}
		if n := len(vaeView(t, s.world, id).Evidence); n != 0 {
			t.Errorf("%d evidence files stored", n)
		}
	})

	var evidenceID string
	t.Run("a PDF is stored and downloads as an attachment that is never sniffed nor run", func(t *testing.T) {
		v := vaeView(t, s.world, id)
		block := v.OpenBlocks()[0].Code
		status, loc, body := s.uploadEvidence(t, cand, id, "relevé d'activité.pdf", servicetest.TinyPDF, "Relevé", block)
		if status != http.StatusSeeOther || loc != "/vae/"+id+"/experience#bloc-"+block {
			t.Fatalf("status %d, location %q %.1000s", status, loc, mainOf(body))
		}
		v = vaeView(t, s.world, id)
		if len(v.EvidenceOf(block)) != 1 {
			t.Fatalf("evidence: %+v", v.Evidence)
		}
		evidenceID = v.Evidence[0].ID
		_, body = s.do(t, cand, http.MethodGet, "/vae/"+id+"/experience")
		if !strings.Contains(body, "relevé d'activité.pdf") || !strings.Contains(body, "/preuves/"+evidenceID+"/retrait") || !strings.Contains(body, "PDF") {
			t.Errorf("the list does not show the file with its removal: %.3000s", mainOf(body))
		}
		res, b := s.fetch(t, cand, "/vae/"+id+"/preuves/"+evidenceID)
		h := res.Header
		if res.StatusCode != http.StatusOK || !bytes.Equal(b, servicetest.TinyPDF) {
			t.Fatalf("download: %d", res.StatusCode)
		}
		for k, want := range map[string]string{
			"Content-Type":            "application/pdf",
			"X-Content-Type-Options":  "nosniff",
			"Content-Disposition":     `attachment; filename="releve d_activite.pdf"; filename*=UTF-8''relev%C3%A9%20d%27activit%C3%A9.pdf`,
			"Cache-Control":           "private, no-store",
			"Content-Security-Policy": "default-src 'none'; sandbox",
		} {
			if got := h.Get(k); got != want {
				t.Errorf("%s: %q, want %q", k, got, want)
			}
		}
	})

	t.Run("an evidence file removed in the current round leaves the file", func(t *testing.T) {
		status, loc, _ := s.post(t, cand, "/vae/"+id+"/preuves/"+evidenceID+"/retrait", url.Values{})
		if status != http.StatusSeeOther || !strings.HasSuffix(loc, "/experience#pieces") {
			t.Fatalf("status %d %q", status, loc)
		}
		if n := len(vaeView(t, s.world, id).Evidence); n != 0 {
			t.Errorf("%d evidence files left", n)
		}
	})
}

func TestEvidenceIsNotFoundOutsideItsFileAndItsReaders(t *testing.T) {
	s := newSite(t)
	vw := s.world.VAE(t)
	other := sentVAE(t, s.world) // candidate A's too, but not the file the evidence belongs to
	if _, err := s.world.Service.CreateUser(context.Background(), domain.SystemActor("test"), service.UserInput{Email: "candidat-b@cqp.test",
		Name: "Paul Martin", Password: servicetest.Password, Roles: []domain.RoleAssignment{{Role: domain.RoleCandidate, ScopeID: s.world.CandidateB}}}); err != nil {
		t.Fatal(err)
	}
	candA := s.client(t, s.world.Accounts[domain.RoleCandidate])
	candB := s.client(t, "candidat-b@cqp.test")
	evidence := "/preuves/" + vw.EvidenceA
	for _, tc := range []struct {
		who  string
		c    *http.Client
		path string
	}{
		{"candidate B, by the evidence's own address", candB, "/vae/" + vw.SideA + evidence},
		{"candidate B, the experience file", candB, "/vae/" + vw.SideA + "/experience"},
		{"candidate B, the admissibility file", candB, "/vae/" + vw.SideA + "/recevabilite"},
		{"candidate A, through candidate B's file", candA, "/vae/" + vw.SideB + evidence},
		{"candidate A, through another of their own files", candA, "/vae/" + other + evidence},
		{"the secretariat, through another file", s.secretariat(t), "/vae/" + other + evidence},
	} {
		if status, body := s.do(t, tc.c, http.MethodGet, tc.path); status != http.StatusNotFound {
			t.Errorf("%s: got %d, want 404: %.300s", tc.who, status, body)
		}
	}
	if status, _ := s.do(t, candA, http.MethodGet, "/vae/"+vw.SideA+evidence); status != http.StatusOK {
		t.Errorf("candidate A cannot download their own evidence: %d", status)
	}
	// The reviewing organisation reads the admissibility file only: it is sent to the overview.
	res, _ := s.fetch(t, s.client(t, s.world.Accounts[domain.RoleTrainingOrganisation]), "/vae/"+vw.SideA+evidence)
	if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != "/vae/"+vw.SideA {
		t.Errorf("reviewer: %d %q", res.StatusCode, res.Header.Get("Location"))
	}
}

func TestTheExperienceFileIsWrittenThenDepositedWhenComplete(t *testing.T) {
	s := newSite(t)
	id := openExperienceVAE(t, s.world)
	cand := s.client(t, s.world.Accounts[domain.RoleCandidate])
	page := "/vae/" + id + "/experience"
	blocks := vaeView(t, s.world, id).OpenBlocks()

	status, _, body := s.post(t, cand, page, url.Values{"do": {"submit"}})
	if status != http.StatusUnprocessableEntity || !strings.Contains(body, "ne peut pas encore être déposé") ||
		!strings.Contains(body, "Au moins une pièce justificative") ||
		!strings.Contains(field(t, body, service.NarrativeField(blocks[0].Code)), "Décrivez ce que vous avez fait pour le bloc "+blocks[0].Code) {
		t.Fatalf("an empty file was not refused with what is missing: %d %.2000s", status, mainOf(body))
	}

	form := url.Values{"do": {"save"}}
	for _, b := range blocks {
		form.Set(service.NarrativeField(b.Code), "J'ai exercé ces activités pendant deux ans, auprès de clients particuliers et professionnels.")
	}
	if status, loc, body := s.post(t, cand, page, form); status != http.StatusSeeOther || loc != page {
		t.Fatalf("save: %d %q %.500s", status, loc, body)
	}
	if status, _, body := s.uploadEvidence(t, cand, id, "attestation.pdf", servicetest.TinyPDF, "Attestation d'employeur", ""); status != http.StatusSeeOther {
		t.Fatalf("upload: %d %.500s", status, body)
	}
	_, body = s.do(t, cand, http.MethodGet, page)
	if !strings.Contains(body, "Rien ne manque : vous pouvez déposer le dossier.") || !strings.Contains(body, "auprès de clients particuliers") {
		t.Errorf("the saved file: %.2000s", mainOf(body))
	}
	form.Set("do", "submit")
	if status, loc, body := s.post(t, cand, page, form); status != http.StatusSeeOther || loc != "/vae/"+id {
		t.Fatalf("submit: %d %q %.1000s", status, loc, mainOf(body))
	}
	if v := vaeView(t, s.world, id); v.File.ExperienceStatus != domain.ExperienceSubmitted {
		t.Fatalf("experience file after submission: %s", v.File.ExperienceStatus)
	}
	status, body = s.do(t, cand, http.MethodGet, page)
	if status != http.StatusOK || strings.Contains(body, `action="/vae/`+id+`/preuves"`) || strings.Contains(body, `/retrait"`) ||
		!strings.Contains(body, "Déposé") {
		t.Errorf("a deposited file is still editable: %d %.2000s", status, mainOf(body))
	}
	if status, _, _ := s.post(t, cand, page+"/reouverture", url.Values{}); status != http.StatusConflict {
		t.Errorf("a file reopened without a partial result: %d", status)
	}
}

func TestTheCommissionMemberReadsTheExperienceFileWithoutItsForms(t *testing.T) {
	s := newSite(t)
	vw := s.world.VAE(t)
	member := s.client(t, s.world.Accounts[domain.RoleCommissionMember])
	status, body := s.do(t, member, http.MethodGet, "/vae/"+vw.SideA+"/experience")
	if status != http.StatusOK || !strings.Contains(body, "avec des clients particuliers et professionnels") ||
		!strings.Contains(body, "/preuves/"+vw.EvidenceA) || strings.Contains(body, "<textarea") || strings.Contains(body, "/retrait") {
		t.Errorf("status %d %.2000s", status, mainOf(body))
	}
	status, body = s.do(t, member, http.MethodGet, "/vae/"+vw.SideA+"/recevabilite")
	if status != http.StatusOK || !strings.Contains(body, "Version 1") || strings.Contains(body, `name="do"`) {
		t.Errorf("admissibility: status %d %.2000s", status, mainOf(body))
	}
}
