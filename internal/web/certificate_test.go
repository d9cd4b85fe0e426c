package web_test

import (
	"archive/zip"
	"bytes"
	"context"
	"html"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"cqp/internal/domain"
	"cqp/internal/service"
	"cqp/internal/service/servicetest"
	"cqp/internal/store"
)

func init() { sampleSources = append(sampleSources, certificateSamples) }

// issued is a closed jury session of the fixture world whose documents were issued:
// candidate A certified, candidate B with two blocks acquired, hence two attestations (BC1
// and BC2).
type issued struct {
	session            string
	certA, attB, attB2 store.Certificate
	enrolA, enrB       string
}

// issueFixtureSession closes a session as the jury would (outcomes, acquired blocks, a
// snapshot with the signatories), names the signatories in the settings, and issues its
// documents as the secretariat.
func issueFixtureSession(t testing.TB, w *servicetest.World, id string) issued {
	t.Helper()
	return issueFixtureSessionWith(t, w, id, w.CandidateB)
}

// issueFixtureSessionWith is issueFixtureSession with another candidate for the partial
// result.
func issueFixtureSessionWith(t testing.TB, w *servicetest.World, id, partialCandidateID string) issued {
	t.Helper()
	ctx := context.Background()
	st, sys := w.Service.Store(), domain.SystemActor("test")
	var out issued
	a, err := w.Service.Candidate(ctx, sys, w.CandidateA)
	if err != nil {
		t.Fatal(err)
	}
	b, err := w.Service.Candidate(ctx, sys, partialCandidateID)
	if err != nil {
		t.Fatal(err)
	}
	out.session, out.enrolA, out.enrB = id, a.Enrolments[0].ID, b.Enrolments[0].ID
	day := time.Date(2026, 11, 20, 13, 0, 0, 0, time.UTC)
	err = st.Write(ctx, func(q store.Q) error {
		branches, err := q.Branches(ctx)
		if err != nil {
			return err
		}
		if err := q.SaveBranchSettings(ctx, store.BranchSettings{BranchID: branches[0].ID, JuryQuorum: 4, JuryPresidentName: "Bertrand Lécuyer",
			CSCAPresidentName: "Françoise Nguyễn", CPNEPresidentName: "Jean-Noël Œttinger", UpdatedAt: day}); err != nil {
			return err
		}
		if err := q.CreateJurySession(ctx, store.JurySession{ID: id, BranchID: branches[0].ID, StartsAt: day, Place: "Paris", Quorum: 4,
			Status: store.JuryPlanned, CreatedAt: day}); err != nil {
			return err
		}
		for _, e := range []string{out.enrolA, out.enrB} {
			if err := q.AddJuryCandidate(ctx, id, e); err != nil {
				return err
			}
		}
		if err := q.SetJurySessionStatus(ctx, id, store.JuryPlanned, store.JuryDeliberating); err != nil {
			return err
		}
		if err := q.SetJuryOutcome(ctx, id, out.enrolA, "certified"); err != nil {
			return err
		}
		if err := q.SetJuryOutcome(ctx, id, out.enrB, "partial"); err != nil {
			return err
		}
		for _, code := range []string{"BC1", "BC2"} {
			if err := q.AddAcquiredBlock(ctx, store.AcquiredBlock{EnrolmentID: out.enrB, BlockCode: code, SessionID: id, AcquiredOn: domain.DateOf(day)}); err != nil {
				return err
			}
		}
		return q.CloseJurySession(ctx, id, `{"format":1,"session_id":"`+id+`","signatories":{"jury_president":"Bertrand Lécuyer"}}`, day.Add(3*time.Hour), "")
	})
	if err != nil {
		t.Fatal(err)
	}
	w.ConfirmFrameworks(t)
	if _, err := w.Service.IssueSessionDocuments(ctx, sys, id); err != nil {
		t.Fatal(err)
	}
	p, err := w.Service.Certificates(ctx, sys, store.CertificateFilter{SessionID: id})
	if err != nil || p.Total != 3 {
		t.Fatalf("issued %+v %v", p, err)
	}
	out.certA, out.attB, out.attB2 = p.Items[0], p.Items[1], p.Items[2]
	return out
}

func certificateSamples(t testing.TB, w *servicetest.World) routeSamples {
	// The partial result goes to a candidate of its own: the blocks it acquires are acquired
	// for good, and other samples still evaluate candidate B's blocks.
	c, err := w.Service.CreateCandidate(context.Background(), domain.SystemActor("test"), service.CandidateInput{
		Candidate: domain.Candidate{BirthName: "Roussel", FirstNames: "Anaïs", BirthDate: domain.NewDate(1992, 5, 7),
			Sex: domain.SexFemale, BirthINSEE: "75056"},
		Enrolment: &service.EnrolmentInput{QualificationCode: "CC", Route: domain.RouteFormation, Public: domain.PublicEmployee,
			TrainingOrganisationID: w.OrgA, CompanyID: w.CompanyA, Blocks: []string{"OPT1", "OPT2"}}})
	if err != nil {
		t.Fatal(err)
	}
	is := issueFixtureSessionWith(t, w, "jury-walk", c.ID)
	return routeSamples{
		Paths: map[string]string{
			"/verifier/{code}":                    "/verifier/" + is.certA.VerificationCode,
			"/certificats/{id}":                   "/certificats/" + is.certA.ID,
			"/certificats/{id}/pdf":               "/certificats/" + is.certA.ID + "/pdf",
			"/certificats/{id}/revocation":        "/certificats/" + is.certA.ID + "/revocation",
			"/delivrance/{session}":               "/delivrance/" + is.session,
			"/delivrance/{session}/envoi":         "/delivrance/" + is.session + "/envoi",
			"/delivrance/{session}/documents.zip": "/delivrance/" + is.session + "/documents.zip",
		},
		CrossScope: map[string]string{
			"/certificats/{id}":     "/certificats/" + is.attB.ID,
			"/certificats/{id}/pdf": "/certificats/" + is.attB.ID + "/pdf",
		},
	}
}

// fetch gets a path and returns the whole answer.
func (s *site) fetch(t *testing.T, c *http.Client, path string) (*http.Response, []byte) {
	t.Helper()
	res, err := c.Get(s.URL + path)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return res, b
}

func TestPublicVerificationPages(t *testing.T) {
	s := newSite(t)
	is := issueFixtureSession(t, s.world, "jury-1")
	anon := s.client(t, "")
	if _, err := s.world.Service.RevokeCertificate(context.Background(), domain.SystemActor("test"), is.attB.ID, "Fraude établie à l'évaluation"); err != nil {
		t.Fatal(err)
	}

	t.Run("the footer of every page leads to the verification", func(t *testing.T) {
		_, body := s.do(t, anon, http.MethodGet, "/connexion")
		if !strings.Contains(body, `<a href="/verifier">Vérifier un certificat</a>`) {
			t.Fatal("no verification link in the footer")
		}
	})

	t.Run("the form asks for the code with a label, without login", func(t *testing.T) {
		status, body := s.do(t, anon, http.MethodGet, "/verifier")
		if status != http.StatusOK || !strings.Contains(body, `<label for="f-code">Code de vérification`) || !strings.Contains(body, `action="/verifier"`) {
			t.Fatalf("status %d %.500s", status, body)
		}
	})

	t.Run("a code typed the way people type it leads to its own page", func(t *testing.T) {
		typed := strings.ToLower(service.GroupVerificationCode(is.certA.VerificationCode))
		typed = strings.Replace(typed, " ", "-", 1)
		res, _ := s.fetch(t, anon, "/verifier?code="+url.QueryEscape(typed))
		if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != "/verifier/"+is.certA.VerificationCode {
			t.Fatalf("status %d, location %q", res.StatusCode, res.Header.Get("Location"))
		}
	})

	t.Run("a valid document shows its holder, qualification, blocks, date and status", func(t *testing.T) {
		res, b := s.fetch(t, anon, "/verifier/"+is.certA.VerificationCode)
		body := string(b)
		for _, want := range []string{"Document authentique et valide", "Éloïse LEFÈVRE", "Chargé de clientèle", is.certA.Number,
			"BC1</strong> — Exercer son rôle de courtier", "OPT2", "20/11/2026", service.GroupVerificationCode(is.certA.VerificationCode)} {
			if !strings.Contains(html.UnescapeString(body), want) {
				t.Errorf("the page lacks %q", want)
			}
		}
		if res.StatusCode != http.StatusOK || res.Header.Get("X-Robots-Tag") == "" || strings.Contains(body, "né·e le") {
			t.Errorf("status %d, robots %q, or the birth date is shown publicly", res.StatusCode, res.Header.Get("X-Robots-Tag"))
		}
	})

	t.Run("a revoked document says so and when, never why", func(t *testing.T) {
		status, body := s.do(t, anon, http.MethodGet, "/verifier/"+is.attB.VerificationCode)
		if status != http.StatusOK || !strings.Contains(body, "Ce document a été révoqué le 25/11/2026") ||
			strings.Contains(body, "Fraude") || strings.Contains(body, "Raison") || strings.Contains(body, "authentique et valide") ||
			!strings.Contains(html.UnescapeString(body), "Attestation du bloc BC1 — Exercer son rôle de courtier") {
			t.Fatalf("status %d %.3000s", status, body)
		}
	})

	t.Run("a block attestation names its one block and lists its competences", func(t *testing.T) {
		status, b := s.do(t, anon, http.MethodGet, "/verifier/"+is.attB2.VerificationCode)
		body := html.UnescapeString(b)
		for _, want := range []string{"Document authentique et valide", "Attestation du bloc BC2 — Assurer le relais d'information et la coordination interne",
			"<h1>Vérification d'une attestation</h1>", "Paul MARTIN", "Bloc de compétences acquis", "<strong>C6</strong>", "<strong>C7</strong>", is.attB2.Number} {
			if !strings.Contains(body, want) {
				t.Errorf("the page lacks %q", want)
			}
		}
		if status != http.StatusOK || strings.Contains(body, "BC1") {
			t.Errorf("status %d, or the page of BC2's attestation names BC1", status)
		}
	})

	t.Run("malformed and unknown codes are a French 404 page with the form, never a 500", func(t *testing.T) {
		for _, path := range []string{"/verifier/OOOO-1111", "/verifier/ACDEFGHJKMNP", "/verifier/%C3%28", "/verifier/" + strings.Repeat("A", 5000),
			"/verifier?code=0000+1111+2222", "/verifier/%00"} {
			status, body := s.do(t, anon, http.MethodGet, path)
			if status != http.StatusNotFound || !strings.Contains(body, "Aucun document ne correspond à ce code") ||
				!strings.Contains(body, `name="code"`) || !(strings.Contains(body, "12 caractères") || strings.Contains(body, "ne porte le code")) {
				t.Errorf("%.60s: status %d %.300s", path, status, body)
			}
		}
	})
}

func TestPublicVerificationIsLimitedPerAddressWithAFrench429(t *testing.T) {
	s := newSite(t)
	anon := s.client(t, "")
	for i := 0; i < service.VerifyLimit; i++ {
		if status, _ := s.do(t, anon, http.MethodGet, "/verifier/ACDEFGHJKMNP"); status != http.StatusNotFound {
			t.Fatalf("lookup %d answered %d", i+1, status)
		}
	}
	res, b := s.fetch(t, anon, "/verifier/ACDEFGHJKMNP")
	if res.StatusCode != http.StatusTooManyRequests || !strings.Contains(html.UnescapeString(string(b)), "Trop de vérifications depuis votre adresse") ||
		!strings.Contains(string(b), `lang="fr"`) || res.Header.Get("Retry-After") != "60" {
		t.Fatalf("status %d, Retry-After %q: %.500s", res.StatusCode, res.Header.Get("Retry-After"), b)
	}
}

func TestIssuingDownloadingAndRevokingThroughThePages(t *testing.T) {
	s := newSite(t)
	w := s.world
	ctx := context.Background()
	sec := s.client(t, w.Accounts[domain.RoleSecretariat])
	cand := s.client(t, w.Accounts[domain.RoleCandidate])

	t.Run("the settings page saves the names, the quorum and the place", func(t *testing.T) {
		status, _, body := s.post(t, sec, "/parametres", url.Values{"quorum": {"0"}, "signature_place": {"Paris"}})
		if status != http.StatusUnprocessableEntity || !strings.Contains(html.UnescapeString(body), "Le quorum est un nombre entier") {
			t.Fatalf("a quorum of 0: %d %.500s", status, body)
		}
		status, _, _ = s.post(t, sec, "/parametres", url.Values{"quorum": {"5"}, "jury_president_name": {"Bertrand Lécuyer"},
			"csca_president_name": {"Françoise Nguyễn"}, "cpne_president_name": {"Jean-Noël Œttinger"}, "signature_place": {"Paris"}})
		if status != http.StatusSeeOther {
			t.Fatalf("saving: %d", status)
		}
		_, body = s.do(t, sec, http.MethodGet, "/parametres")
		if !strings.Contains(body, `value="5"`) || !strings.Contains(body, `value="Jean-Noël Œttinger"`) || !strings.Contains(body, `value="Paris"`) ||
			strings.Contains(body, "Noms manquants") {
			t.Fatalf("%.2000s", body)
		}
	})

	// A session closed by the jury, not issued yet.
	a, _ := w.Service.Candidate(ctx, domain.SystemActor("test"), w.CandidateA)
	err := w.Service.Store().Write(ctx, func(q store.Q) error {
		branches, _ := q.Branches(ctx)
		day := time.Date(2026, 11, 20, 13, 0, 0, 0, time.UTC)
		if err := q.CreateJurySession(ctx, store.JurySession{ID: "j2", BranchID: branches[0].ID, StartsAt: day, Quorum: 4, Status: store.JuryPlanned, CreatedAt: day}); err != nil {
			return err
		}
		if err := q.AddJuryCandidate(ctx, "j2", a.Enrolments[0].ID); err != nil {
			return err
		}
		if err := q.SetJurySessionStatus(ctx, "j2", store.JuryPlanned, store.JuryDeliberating); err != nil {
			return err
		}
		if err := q.SetJuryOutcome(ctx, "j2", a.Enrolments[0].ID, "certified"); err != nil {
			return err
		}
		return q.CloseJurySession(ctx, "j2", `{"format":1,"session_id":"j2","signatories":{"jury_president":"Bertrand Lécuyer"}}`, day, "")
	})
	if err != nil {
		t.Fatal(err)
	}

	t.Run("the closed session waits for its documents, then the secretariat issues them once", func(t *testing.T) {
		_, body := s.do(t, sec, http.MethodGet, "/delivrance")
		if !strings.Contains(body, `href="/delivrance/j2"`) || !strings.Contains(body, "à délivrer") {
			t.Fatalf("%.2000s", body)
		}
		// The framework still holds placeholders: the page lists them and links to the framework.
		_, body = s.do(t, sec, http.MethodGet, "/delivrance/j2")
		for _, want := range []string{
			"Référentiel Chargé de clientèle, version 1 : 26 éléments à confirmer</h3>",
			`<a href="/referentiels/` + w.FrameworkCC + `#a-confirmer">page du référentiel Chargé de clientèle, version 1</a>`,
			"<li><strong>OPT1</strong> Bloc optionnel 1 — à compléter par la branche <span class=\"muted\">(bloc)</span></li>",
			"<li><strong>C1</strong> Compétence C1 — intitulé à compléter par la branche <span class=\"muted\">(compétence du bloc BC1)</span></li>",
			`<a class="button" href="/referentiels/` + w.FrameworkCC + `#a-confirmer">Confirmer les éléments du référentiel</a>`,
		} {
			if !strings.Contains(body, want) {
				t.Errorf("the issuing page lacks %q", want)
			}
		}
		if strings.Contains(body, "Délivrer les documents") {
			t.Fatal("the issue button is offered while items remain to confirm")
		}
		status, _, body := s.post(t, sec, "/delivrance/j2", confirmIssue)
		if status != http.StatusConflict || !strings.Contains(body, "Délivrance refusée : des éléments du référentiel restent à confirmer ; ils sont listés ci-dessous.") ||
			!strings.Contains(body, "<li><strong>OPT1</strong> Bloc optionnel 1 — à compléter par la branche") {
			t.Fatalf("issuing before the confirmation: %d", status)
		}
		confirmThroughThePage(t, s, sec, w.FrameworkCC)
		_, body = s.do(t, sec, http.MethodGet, "/delivrance/j2")
		if !strings.Contains(body, "certificat à délivrer") || !strings.Contains(body, "1 document à délivrer") || !strings.Contains(body, "Fait à</dt><dd>Paris") ||
			strings.Contains(body, "à confirmer") || !strings.Contains(body, "Délivrer les documents") {
			t.Fatalf("%.3000s", body)
		}
		if !strings.Contains(html.UnescapeString(body), "1 certificat de qualification professionnelle.") || !strings.Contains(body, "fait à Paris") {
			t.Fatalf("the issue form does not say what becomes final: %.3000s", body)
		}
		status, _, body = s.post(t, sec, "/delivrance/j2", nil)
		if status != http.StatusUnprocessableEntity || !strings.Contains(html.UnescapeString(body), "Cochez la case pour confirmer la délivrance : rien n'a été délivré.") {
			t.Fatalf("issuing without confirming: %d", status)
		}
		status, _, _ = s.post(t, sec, "/delivrance/j2", confirmIssue)
		if status != http.StatusSeeOther {
			t.Fatalf("issuing: %d", status)
		}
		_, body = s.do(t, sec, http.MethodGet, "/delivrance/j2")
		if !strings.Contains(body, "1 document délivré (1 certificat, 0 attestation de bloc). 1 courriel mis dans la boîte d'envoi") || !strings.Contains(body, "COURTAGE-2026-000001") ||
			!strings.Contains(body, "documents.zip") {
			t.Fatalf("after issuing: %.3000s", body)
		}
		status, _, body = s.post(t, sec, "/delivrance/j2", confirmIssue)
		if status != http.StatusConflict || !strings.Contains(html.UnescapeString(body), "ont déjà été délivrés") {
			t.Fatalf("issuing twice: %d %.500s", status, body)
		}
	})

	var certID string
	t.Run("the candidate lists and downloads their document", func(t *testing.T) {
		p, err := w.Service.Certificates(ctx, domain.SystemActor("test"), store.CertificateFilter{SessionID: "j2"})
		if err != nil || p.Total != 1 {
			t.Fatal(err)
		}
		certID = p.Items[0].ID
		_, body := s.do(t, cand, http.MethodGet, "/certificats")
		if !strings.Contains(body, "Mes certificats et attestations") || !strings.Contains(body, "COURTAGE-2026-000001") {
			t.Fatalf("%.2000s", body)
		}
		res, pdf := s.fetch(t, cand, "/certificats/"+certID+"/pdf")
		if res.StatusCode != http.StatusOK || res.Header.Get("Content-Type") != "application/pdf" || !bytes.HasPrefix(pdf, []byte("%PDF-")) ||
			!strings.Contains(res.Header.Get("Content-Disposition"), `filename=certificat-COURTAGE-2026-000001.pdf`) {
			t.Fatalf("PDF: %d %v", res.StatusCode, res.Header)
		}
		_, body = s.do(t, cand, http.MethodGet, "/certificats/"+certID)
		if strings.Contains(body, "Révoquer") || !strings.Contains(body, "Télécharger le PDF") {
			t.Fatalf("the candidate's page: %.2000s", body)
		}
	})

	t.Run("the secretariat downloads the session's ZIP", func(t *testing.T) {
		res, b := s.fetch(t, sec, "/delivrance/j2/documents.zip")
		if res.StatusCode != http.StatusOK || res.Header.Get("Content-Type") != "application/zip" {
			t.Fatalf("ZIP: %d %v", res.StatusCode, res.Header)
		}
		zr, err := zip.NewReader(bytes.NewReader(b), int64(len(b)))
		if err != nil || len(zr.File) != 1 {
			t.Fatalf("%v %v", zr, err)
		}
		if name := zr.File[0].Name; !strings.HasPrefix(name, "COURTAGE-2026-000001-") || !strings.HasSuffix(name, "-certificat.pdf") {
			t.Fatalf("entry %q: want the number, the holder's name and the kind", name)
		}
	})

	t.Run("a revocation without a reason is refused, with one the verification says revoked, not why", func(t *testing.T) {
		status, _, body := s.post(t, sec, "/certificats/"+certID+"/revocation", url.Values{"reason": {" "}})
		if status != http.StatusUnprocessableEntity || !strings.Contains(html.UnescapeString(body), "Indiquez la raison de la révocation") {
			t.Fatalf("no reason: %d %.500s", status, body)
		}
		status, _, _ = s.post(t, sec, "/certificats/"+certID+"/revocation", url.Values{"reason": {"Erreur sur le nom"}})
		if status != http.StatusSeeOther {
			t.Fatalf("revoking: %d", status)
		}
		c, _ := w.Service.Certificate(ctx, domain.SystemActor("test"), certID)
		_, body = s.do(t, s.client(t, ""), http.MethodGet, "/verifier/"+c.VerificationCode)
		if !strings.Contains(body, "révoqué le 25/11/2026") || strings.Contains(body, "Erreur sur le nom") {
			t.Fatalf("%.2000s", body)
		}
		_, body = s.do(t, sec, http.MethodGet, "/audit")
		if !strings.Contains(body, "Certificat ou attestation de blocs révoqué") {
			t.Fatal("the revocation is not in the audit trail")
		}
	})
}

func TestBlockAttestationsOnTheCandidatePageAndTheLists(t *testing.T) {
	s := newSite(t)
	is := issueFixtureSession(t, s.world, "jury-blocks")
	sec := s.client(t, s.world.Accounts[domain.RoleSecretariat])

	t.Run("the candidate's page links each held block to its own attestation and names the block of each", func(t *testing.T) {
		status, b := s.do(t, sec, http.MethodGet, "/candidats/"+s.world.CandidateB)
		body := html.UnescapeString(b)
		for _, want := range []string{
			`<a href="/certificats/` + is.attB.ID + `">Attestation du bloc BC1 n° ` + is.attB.Number + `</a>`,
			`<a href="/certificats/` + is.attB2.ID + `">Attestation du bloc BC2 n° ` + is.attB2.Number + `</a>`,
			`<a href="/certificats/` + is.attB2.ID + `">Attestation du bloc BC2 — Assurer le relais d'information et la coordination interne, n° ` + is.attB2.Number + `</a>`,
		} {
			if !strings.Contains(body, want) {
				t.Errorf("the page lacks %q", want)
			}
		}
		if status != http.StatusOK {
			t.Fatalf("status %d", status)
		}
	})

	t.Run("the list and the document's page name the block, the page lists its competences", func(t *testing.T) {
		_, b := s.do(t, sec, http.MethodGet, "/certificats?session=jury-blocks")
		if body := html.UnescapeString(b); !strings.Contains(body, "Attestation du bloc <strong>BC2</strong> — Assurer le relais") {
			t.Errorf("the list does not name the block: %.3000s", body)
		}
		_, b = s.do(t, sec, http.MethodGet, "/certificats/"+is.attB2.ID)
		body := html.UnescapeString(b)
		for _, want := range []string{"<h1>Attestation du bloc BC2 — Assurer le relais", "Compétences attestées", "<strong>C6</strong>", "attestation-BC2-" + is.attB2.Number + ".pdf"} {
			if !strings.Contains(body, want) {
				t.Errorf("the document's page lacks %q", want)
			}
		}
		_, b = s.do(t, sec, http.MethodGet, "/delivrance/jury-blocks")
		if body := html.UnescapeString(b); !strings.Contains(body, "(attestation du bloc BC2)") {
			t.Errorf("the issuing page does not name the block: %.3000s", body)
		}
	})
}
