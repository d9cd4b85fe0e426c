package docs

import (
	"bytes"
	"flag"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"cqp/internal/domain"
)

var update = flag.Bool("update", false, "rewrite the golden PDFs under testdata/ and their PNG renderings under docs/images/")

// requireTool returns the path of a command-line tool the test needs. Without it the test is
// skipped on a developer's machine but fails in CI (CI or CQP_E2E set), where .ci/run installs it.
func requireTool(t testing.TB, name string) string {
	t.Helper()
	path, err := exec.LookPath(name)
	if err == nil {
		return path
	}
	if os.Getenv("CI") != "" || os.Getenv("CQP_E2E") != "" {
		t.Fatalf("%s is required in CI (Debian package poppler-utils): %v", name, err)
	}
	t.Skipf("%s not installed (Debian package poppler-utils): %v", name, err)
	return ""
}

func writeTemp(t testing.TB, name string, data []byte) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(p, data, 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

// pdfPages extracts the text of each page with pdftotext, whitespace collapsed so that wrapped
// lines read as one sentence.
func pdfPages(t testing.TB, pdf []byte) []string {
	t.Helper()
	tool := requireTool(t, "pdftotext")
	out, err := exec.Command(tool, "-enc", "UTF-8", writeTemp(t, "doc.pdf", pdf), "-").Output()
	if err != nil {
		t.Fatalf("pdftotext: %v", err)
	}
	pages := strings.Split(strings.TrimSuffix(string(out), "\f"), "\f")
	for i, p := range pages {
		pages[i] = strings.Join(strings.Fields(p), " ")
	}
	return pages
}

var pageObject = regexp.MustCompile(`/Type /Page\b[^s]`)

// pageCount counts the page objects in the PDF without any outside tool.
func pageCount(pdf []byte) int { return len(pageObject.FindAll(pdf, -1)) }

func assertContains(t *testing.T, text string, want ...string) {
	t.Helper()
	for _, w := range want {
		if !strings.Contains(text, w) {
			t.Errorf("the text lacks %q\n--- text ---\n%s", w, text)
		}
	}
}

func TestDocumentsMatchTheirGoldenFilesAndAreReproducible(t *testing.T) {
	cases := []struct {
		name   string
		render func() ([]byte, error)
		png    string // rendering committed under docs/images, refreshed with -update
	}{
		{"certificate", func() ([]byte, error) { return CertificatePDF(demoCertificate()) }, "certificate-example.png"},
		{"attestation", func() ([]byte, error) { return CertificatePDF(demoAttestation()) }, "attestation-example.png"},
		{"block_attestation", func() ([]byte, error) { return CertificatePDF(demoBlockAttestation()) }, "block-attestation-example.png"},
		{"minutes", func() ([]byte, error) { return MinutesPDF(demoMinutes()) }, ""},
	}
	for _, c := range cases {
		t.Run("the "+c.name+" gives the same bytes twice and matches testdata", func(t *testing.T) {
			first, err := c.render()
			if err != nil {
				t.Fatal(err)
			}
			second, err := c.render()
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(first, second) {
				t.Fatal("two renderings of the same document differ")
			}
			if !bytes.HasPrefix(first, []byte("%PDF-")) {
				t.Fatalf("not a PDF: %q", first[:min(len(first), 16)])
			}
			if !bytes.Contains(first, []byte("/CreationDate (D:20261125174500")) {
				t.Error("the creation date is not the one of the struct")
			}
			golden := filepath.Join("testdata", c.name+".pdf")
			if *update {
				if err := os.WriteFile(golden, first, 0o644); err != nil {
					t.Fatal(err)
				}
				if c.png != "" {
					renderPNG(t, golden, filepath.Join("..", "..", "docs", "images", c.png))
				}
			}
			want, err := os.ReadFile(golden)
			if err != nil {
				t.Fatalf("%v (run go test ./internal/docs -update to create it)", err)
			}
			if !bytes.Equal(first, want) {
				t.Errorf("%s differs from the rendering (%d bytes, golden %d): if the change is intended, look at the PDF and run go test ./internal/docs -update", golden, len(first), len(want))
			}
		})
	}
}

// renderPNG writes the first page of pdfPath as a 60 dpi PNG at pngPath, the picture of the
// document shown in the documentation.
func renderPNG(t *testing.T, pdfPath, pngPath string) {
	t.Helper()
	tool := requireTool(t, "pdftoppm")
	prefix := strings.TrimSuffix(pngPath, ".png")
	if out, err := exec.Command(tool, "-png", "-r", "60", "-singlefile", pdfPath, prefix).CombinedOutput(); err != nil {
		t.Fatalf("pdftoppm: %v: %s", err, out)
	}
}

func TestCertificateText(t *testing.T) {
	pdf, err := CertificatePDF(demoCertificate())
	if err != nil {
		t.Fatal(err)
	}
	if n := pageCount(pdf); n != 1 {
		t.Fatalf("the certificate has %d pages, want 1", n)
	}
	pages := pdfPages(t, pdf)
	if len(pages) != 1 {
		t.Fatalf("pdftotext sees %d pages, want 1", len(pages))
	}
	text := pages[0]
	assertContains(t, text,
		"COURTAGE D'ASSURANCES ET/OU DE RÉASSURANCES",
		"Certificat de qualification professionnelle",
		"Chargé de clientèle", "CQP CC",
		"délivré à", "Madame Éloïse LEFÈVRE", "née le 12/04/1995",
		"par décision du jury de certification du 25/11/2026",
		"Fait à Paris, le 25/11/2026",
		"Le président du jury", "Bertrand Lécuyer",
		"La présidente de la CSCA", "Françoise Nguyễn-Dufresne",
		"Le président de la CPNE", "Jean-Noël Œttinger",
		"N° COURTAGE-2026-000042",
		"Code de vérification : K7QM 9XRT 2P",
		"Vérifiez l’authenticité sur https://cqp.example.fr/verifier/K7QM9XRT2P",
	)
	for _, b := range fixtureBlocks {
		assertContains(t, text, b.Code+" "+b.Title)
	}
	if strings.Contains(text, "Attestation") {
		t.Error("a certificate calls itself an attestation")
	}
}

func TestLongNamesAndTwelveBlocksStillFitOnOnePage(t *testing.T) {
	d := demoCertificate()
	d.HolderName = "Marie-Éloïse Anne-Sophie Bénédicte de LA ROCHEFOUCAULD-D'ESTAING-LEFÈVRE-ŒUVRAY-VAN DER BERGHE"
	d.QualificationTitle = "Gestionnaire de sinistres et de contrats en assurance de dommages aux biens et de responsabilité civile des entreprises"
	d.RNCP = "RNCP35342"
	d.Blocks = nil
	for i := 1; i <= 12; i++ {
		d.Blocks = append(d.Blocks, DocBlock{fmt.Sprintf("BC%d", i), fmt.Sprintf("Bloc %d : ", i) + strings.Repeat("conseiller et accompagner le client ", 1+i%3)})
	}
	d.Signatories = []Signatory{d.Signatories[0], {"La présidente de la Chambre syndicale des courtiers d’assurances (CSCA)", "Françoise Nguyễn-Dufresne"}, d.Signatories[2]}
	pdf, err := CertificatePDF(d)
	if err != nil {
		t.Fatal(err)
	}
	if n := pageCount(pdf); n != 1 {
		t.Fatalf("%d pages, want 1", n)
	}
	text := strings.Join(pdfPages(t, pdf), " ")
	assertContains(t, text, "LEFÈVRE-ŒUVRAY-VAN DER BERGHE", "responsabilité civile des entreprises", "RNCP35342",
		"courtiers d’assurances (CSCA)", "Fait à Paris, le 25/11/2026", "K7QM 9XRT 2P")
	for _, b := range d.Blocks {
		assertContains(t, text, b.Code+" "+strings.TrimSpace(b.Title))
	}
}

func TestAttestationListsOnlyTheAcquiredBlocks(t *testing.T) {
	pdf, err := CertificatePDF(demoAttestation())
	if err != nil {
		t.Fatal(err)
	}
	text := strings.Join(pdfPages(t, pdf), " ")
	assertContains(t, text,
		"Attestation de blocs de compétences",
		"du certificat de qualification professionnelle", "Chargé de clientèle",
		"délivrée à", "Madame Amélie ŒUVRAY", "née le 03/09/1988",
		"pour avoir acquis les blocs de compétences suivants",
		"N° COURTAGE-2026-000043", "Code de vérification : W4HZ 8NCE 3V",
	)
	for _, b := range demoAttestation().Blocks {
		assertContains(t, text, b.Code+" "+b.Title)
	}
	for _, absent := range []string{"BC3", "BC5", "OPT1", "OPT2", "Gérer la relation clientèle"} {
		if strings.Contains(text, absent) {
			t.Errorf("the attestation mentions %q, a block the holder has not acquired", absent)
		}
	}
}

func TestBlockAttestationAttestsOneBlockAndItsCompetences(t *testing.T) {
	d := demoBlockAttestation()
	pdf, err := CertificatePDF(d)
	if err != nil {
		t.Fatal(err)
	}
	if n := pageCount(pdf); n != 1 {
		t.Fatalf("%d pages, want 1", n)
	}
	text := strings.Join(pdfPages(t, pdf), " ")
	assertContains(t, text,
		"Attestation de bloc de compétences",
		"du certificat de qualification professionnelle", "Chargé de clientèle", "CQP CC", "RNCP35342",
		"délivrée à", "Madame Amélie ŒUVRAY", "née le 03/09/1988",
		"Bloc BC2 — Assurer le relais d'information et la coordination interne",
		"acquis par décision du jury de certification du 18/12/2026",
		"C6 Transmettre aux services internes les informations utiles au traitement des dossiers clients",
		"C7 Coordonner avec les services internes le suivi des contrats et des sinistres",
		"Ce bloc de compétences reste acquis définitivement",
		"Fait à Paris, le 18/12/2026",
		"Le président du jury", "Bertrand Lécuyer", "La présidente de la CSCA", "Le président de la CPNE", "Jean-Noël Œttinger",
		"N° COURTAGE-2026-000044", "Code de vérification : P3RT 7KWA 9X",
		"Vérifiez l’authenticité sur https://cqp.example.fr/verifier/P3RT7KWA9X",
	)
	for _, absent := range []string{"BC1", "BC4", "blocs de compétences suivants"} {
		if strings.Contains(text, absent) {
			t.Errorf("the attestation of BC2 mentions %q", absent)
		}
	}
	two := d
	two.Blocks = fixtureBlocks[:2]
	if _, err := CertificatePDF(two); err == nil {
		t.Error("a block attestation of two blocks was rendered")
	}
	cert := demoCertificate()
	cert.Competences = d.Competences
	if _, err := CertificatePDF(cert); err == nil {
		t.Error("a certificate listing competences was rendered")
	}
}

func TestMinutesText(t *testing.T) {
	pdf, err := MinutesPDF(demoMinutes())
	if err != nil {
		t.Fatal(err)
	}
	pages := pdfPages(t, pdf)
	if len(pages) != pageCount(pdf) {
		t.Fatalf("pdftotext sees %d pages, the PDF has %d", len(pages), pageCount(pdf))
	}
	for i, p := range pages {
		assertContains(t, p, fmt.Sprintf("Page %d / %d", i+1, len(pages)))
	}
	text := strings.Join(pages, " ")
	assertContains(t, text,
		"COURTAGE D'ASSURANCES ET/OU DE RÉASSURANCES",
		"Procès-verbal de délibération du jury",
		"Séance du 25/11/2026 à 14:30 — Paris — 10, rue Auber, salle « Lutèce »",
		"CQP Chargé de clientèle (CC)",
		"Bertrand Lécuyer Collège employeurs président du jury",
		"Hélène Œuvray-Dubois Collège salariés (organisations syndicales)",
		"Agnès Châtelet Représentante des organismes de formation",
		"Membres absents ou excusés : Thierry Lemaître (Collège employeurs).",
		"Quorum : 4 membres requis, 6 présents — atteint",
		"1. Éloïse LEFÈVRE — n° CAND-2026-0007",
		"CQP Chargé de clientèle — voie : formation — Résultat : certifié",
		"2. Amélie ŒUVRAY — n° CAND-2026-0011",
		"Résultat : validation partielle",
		"3. Kévin N'DIAYE — n° CAND-2026-0012",
		"Résultat : non certifié",
		explainBC5,
		"Décision du jury : non acquis",
		"Motif : Le suivi de la relation clientèle n’a pas été observé en situation réelle.",
		"Avis du référent : La candidate n’a pas encore de portefeuille attitré.",
		"non acquis après débat",
		"non admis",
		"Candidats délibérés : 3 — certifié : 1 ; validation partielle : 1 ; non certifié : 1.",
		"La séance est close le 25/11/2026 à 17:50.",
		"Signatures", "Le président du jury", "L’assesseure",
	)
	if strings.Contains(text, "Rectification") {
		t.Error("minutes that rectify nothing mention a rectification")
	}
}

func TestMinutesOfARectificationSayWhatTheyRectify(t *testing.T) {
	m := demoMinutes()
	m.Rectification = "Rectifie la session du 14/10/2026 : le bloc BC3 de Kévin N'DIAYE avait été saisi acquis par erreur."
	pdf, err := MinutesPDF(m)
	if err != nil {
		t.Fatal(err)
	}
	assertContains(t, strings.Join(pdfPages(t, pdf), " "), "Rectification "+m.Rectification)
}

func TestMinutesSayTheDerogationsACandidateWasPresentedWith(t *testing.T) {
	m := demoMinutes()
	m.Candidates[1].Derogations = []MinutesDerogation{
		{Missing: "Stage : 0 h sur 175 h dues", Reason: "Stage impossible : reconnaissance de handicap, aménagement validé par la branche le 3 novembre.",
			By: "Claire Vasseur", On: "20/11/2026"},
		{Missing: "Heures de formation : 320 h sur 350 h dues", Reason: "Heures antérieures reconnues."},
	}
	pdf, err := MinutesPDF(m)
	if err != nil {
		t.Fatal(err)
	}
	text := strings.Join(pdfPages(t, pdf), " ")
	assertContains(t, text,
		"2. Amélie ŒUVRAY — n° CAND-2026-0011",
		"Dérogation aux conditions de présentation au jury — Stage : 0 h sur 175 h dues. Motif : Stage impossible : reconnaissance de handicap, aménagement validé par la branche le 3 novembre. (accordée par Claire Vasseur le 20/11/2026).",
		"Dérogation aux conditions de présentation au jury — Heures de formation : 320 h sur 350 h dues. Motif : Heures antérieures reconnues. ")
	if strings.Count(text, "Dérogation aux conditions") != 2 {
		t.Errorf("the minutes print %d derogations, want 2", strings.Count(text, "Dérogation aux conditions"))
	}
}

func TestMinutesBelowQuorumSayItIsNotReached(t *testing.T) {
	m := demoMinutes()
	for i := range m.Members[3:] {
		m.Members[3+i].Present = false
	}
	m.PresentCount = 3
	pdf, err := MinutesPDF(m)
	if err != nil {
		t.Fatal(err)
	}
	assertContains(t, strings.Join(pdfPages(t, pdf), " "), "Quorum : 4 membres requis, 3 présents — non atteint")
}

func TestMinutesOf300CandidatesPaginate(t *testing.T) {
	m := bigMinutes(300)
	pdf, err := MinutesPDF(m)
	if err != nil {
		t.Fatal(err)
	}
	n := pageCount(pdf)
	if n < 60 {
		t.Fatalf("300 candidates of seven blocks fit on %d pages: the layout overlaps", n)
	}
	pages := pdfPages(t, pdf)
	if len(pages) != n {
		t.Fatalf("pdftotext sees %d pages, the PDF has %d", len(pages), n)
	}
	for i, p := range pages {
		if !strings.Contains(p, fmt.Sprintf("Page %d / %d", i+1, n)) {
			t.Fatalf("page %d lacks its number « Page %d / %d »: %.200s", i+1, i+1, n, p)
		}
	}
	text := strings.Join(pages, " ")
	for i := range m.Candidates {
		num := fmt.Sprintf("n° CAND-2026-%04d", i+1)
		if c := strings.Count(text, num) - strings.Count(text, num+" (suite)"); c != 1 {
			t.Fatalf("%s heads %d candidates", num, c)
		}
	}
	assertContains(t, text, " (suite) Bloc de compétences Résultat Motivation")
	assertContains(t, pages[len(pages)-1], "Signatures", "Bertrand Lécuyer")
}

func TestARowTallerThanAPageContinuesOnTheNext(t *testing.T) {
	m := demoMinutes()
	var long []string
	for i := 1; i <= 160; i++ {
		long = append(long, fmt.Sprintf("Phrase %03d de l’explication.", i))
	}
	m.Candidates[2].Blocks[0].Explanation = strings.Join(long, " ")
	pdf, err := MinutesPDF(m)
	if err != nil {
		t.Fatal(err)
	}
	text := strings.Join(pdfPages(t, pdf), " ")
	at := 0
	for _, s := range long {
		i := strings.Index(text[at:], s)
		if i < 0 {
			t.Fatalf("%q is missing or out of order", s)
		}
		at += i + len(s)
	}
}

// TestTheQRCodeDrawnIsTheVerificationURL renders the certificate at 300 dpi and reads every
// module of the printed QR code back from the pixels, comparing it with the encoder's matrix.
func TestTheQRCodeDrawnIsTheVerificationURL(t *testing.T) {
	d := demoCertificate()
	pdf, err := CertificatePDF(d)
	if err != nil {
		t.Fatal(err)
	}
	tool := requireTool(t, "pdftoppm")
	in := writeTemp(t, "cert.pdf", pdf)
	prefix := filepath.Join(t.TempDir(), "page")
	const dpi = 300
	if out, err := exec.Command(tool, "-png", "-gray", "-r", fmt.Sprint(dpi), "-singlefile", in, prefix).CombinedOutput(); err != nil {
		t.Fatalf("pdftoppm: %v: %s", err, out)
	}
	f, err := os.Open(prefix + ".png")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	img, err := png.Decode(f)
	if err != nil {
		t.Fatal(err)
	}
	modules, err := qrModules(d.VerificationURL)
	if err != nil {
		t.Fatal(err)
	}
	n := len(modules)
	m := certQR / float64(n+8)
	x0, y0 := certW-certQRInset-certQR, certH-certQRInset-certQR
	dark := func(xmm, ymm float64) bool {
		px := image.Pt(int(xmm*dpi/25.4), int(ymm*dpi/25.4))
		return color.GrayModel.Convert(img.At(px.X, px.Y)).(color.Gray).Y < 128
	}
	for r := -4; r < n+4; r++ {
		for c := -4; c < n+4; c++ {
			want := r >= 0 && c >= 0 && r < n && c < n && modules[r][c]
			got := dark(x0+(float64(c+4)+0.5)*m, y0+(float64(r+4)+0.5)*m)
			if got != want {
				t.Fatalf("module (%d, %d) is dark=%v on the page, want %v", r, c, got, want)
			}
		}
	}
	// When a QR reader is installed (Debian's zbar-tools), it must read the URL back.
	if zbar, err := exec.LookPath("zbarimg"); err == nil {
		out, err := exec.Command(zbar, "-q", "--raw", prefix+".png").Output()
		if err != nil {
			t.Fatalf("zbarimg cannot read the QR code: %v", err)
		}
		if got := strings.TrimSpace(string(out)); got != d.VerificationURL {
			t.Fatalf("zbarimg reads %q, want %q", got, d.VerificationURL)
		}
	}
}

func TestCertificatePDFsGivesTheBytesOfOneCallEach(t *testing.T) {
	ds := certificatesOf(bigMinutes(7))
	ds[3].Kind = KindAttestation
	got, err := CertificatePDFs(ds)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != len(ds) {
		t.Fatalf("%d documents for %d", len(got), len(ds))
	}
	for i, d := range ds {
		want, err := CertificatePDF(d)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(got[i], want) {
			t.Errorf("document %d (%s) differs from its own rendering", i, d.Number)
		}
	}
	ds[5].HolderName = ""
	if _, err := CertificatePDFs(ds); err == nil || !strings.Contains(err.Error(), ds[5].Number) {
		t.Fatalf("a batch with an invalid document gives %v, want an error naming %s", err, ds[5].Number)
	}
}

func TestRefusals(t *testing.T) {
	cert := []struct {
		name   string
		change func(*CertificateDoc)
		want   string
	}{
		{"an unknown kind", func(d *CertificateDoc) { d.Kind = "diploma" }, "unknown document kind"},
		{"no number", func(d *CertificateDoc) { d.Number = " " }, "number is required"},
		{"no verification code", func(d *CertificateDoc) { d.VerificationCode = "" }, "verification code is required"},
		{"no holder", func(d *CertificateDoc) { d.HolderName = "" }, "holder's name is required"},
		{"no block", func(d *CertificateDoc) { d.Blocks = nil }, "at least one block"},
		{"a block without a title", func(d *CertificateDoc) { d.Blocks = []DocBlock{{Code: "BC1"}} }, "code and a title"},
		{"no award date", func(d *CertificateDoc) { d.AwardedOn = domain.Date{} }, "award date"},
		{"no creation date", func(d *CertificateDoc) { d.CreatedAt = time.Time{} }, "reproducible"},
		{"no signatory", func(d *CertificateDoc) { d.Signatories = nil }, "signatories"},
		{"a signatory without a name", func(d *CertificateDoc) { d.Signatories[1].Name = "" }, "role and a name"},
		{"too many blocks to fit", func(d *CertificateDoc) {
			d.Blocks = nil
			for i := range 80 {
				d.Blocks = append(d.Blocks, DocBlock{fmt.Sprintf("BC%d", i), strings.Repeat("Intitulé très long ", 6)})
			}
		}, "do not fit"},
	}
	for _, c := range cert {
		t.Run("a certificate with "+c.name+" is refused", func(t *testing.T) {
			d := demoCertificate()
			d.Signatories = append([]Signatory(nil), d.Signatories...)
			c.change(&d)
			_, err := CertificatePDF(d)
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Fatalf("got %v, want an error with %q", err, c.want)
			}
		})
	}
	minutes := []struct {
		name   string
		change func(*MinutesDoc)
		want   string
	}{
		{"no session", func(m *MinutesDoc) { m.SessionID = "" }, "session identifier"},
		{"no date", func(m *MinutesDoc) { m.Date = time.Time{} }, "session date"},
		{"no creation date", func(m *MinutesDoc) { m.CreatedAt = time.Time{} }, "reproducible"},
		{"a quorum of zero", func(m *MinutesDoc) { m.Quorum = 0 }, "quorum"},
		{"a present count that contradicts the members", func(m *MinutesDoc) { m.PresentCount = 5 }, "present count is 5 but 6"},
		{"no signatory", func(m *MinutesDoc) { m.Signatories = nil }, "signatory"},
		{"a candidate without a name", func(m *MinutesDoc) { m.Candidates[0].Name = "" }, "candidate needs a name"},
		{"a derogation without a reason", func(m *MinutesDoc) {
			m.Candidates[0].Derogations = []MinutesDerogation{{Missing: "Stage : 0 h sur 175 h dues", Reason: " "}}
		}, "derogation needs"},
	}
	for _, c := range minutes {
		t.Run("minutes with "+c.name+" are refused", func(t *testing.T) {
			m := demoMinutes()
			c.change(&m)
			_, err := MinutesPDF(m)
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Fatalf("got %v, want an error with %q", err, c.want)
			}
		})
	}
}

func TestVerificationCodesArePrintedInGroupsOfFour(t *testing.T) {
	for in, want := range map[string]string{
		"K7QM9XRT2P":   "K7QM 9XRT 2P",
		"K7QM9XRT":     "K7QM 9XRT",
		"ABC":          "ABC",
		" K7QM9XRT2P ": "K7QM 9XRT 2P",
		"":             "",
	} {
		if got := GroupCode(in); got != want {
			t.Errorf("GroupCode(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestQuorumLine(t *testing.T) {
	for _, c := range []struct {
		quorum, present int
		want            string
	}{
		{4, 6, "Quorum : 4 membres requis, 6 présents — atteint"},
		{4, 4, "Quorum : 4 membres requis, 4 présents — atteint"},
		{4, 3, "Quorum : 4 membres requis, 3 présents — non atteint"},
		{1, 1, "Quorum : 1 membre requis, 1 présent — atteint"},
		{2, 0, "Quorum : 2 membres requis, 0 présent — non atteint"},
	} {
		if got := QuorumLine(c.quorum, c.present); got != c.want {
			t.Errorf("QuorumLine(%d, %d) = %q, want %q", c.quorum, c.present, got, c.want)
		}
	}
}

func TestQualificationReferenceNamesTheRNCPWhenKnown(t *testing.T) {
	d := demoCertificate()
	d.RNCP, d.Level = "", ""
	if got := qualificationReference(d); got != "CQP CC" {
		t.Errorf("without RNCP: %q", got)
	}
	d.RNCP = "RNCP35342"
	want := "CQP CC — enregistré au Répertoire national des certifications professionnelles : RNCP35342"
	if got := qualificationReference(d); got != want {
		t.Errorf("with RNCP35342: %q, want %q", got, want)
	}
	d.RNCP = "35342"
	if got := qualificationReference(d); !strings.HasSuffix(got, ": RNCP 35342") {
		t.Errorf("with a bare number: %q", got)
	}
	d.Level = "4"
	if got := qualificationReference(d); !strings.HasSuffix(got, ": RNCP 35342 — niveau 4") {
		t.Errorf("with a level: %q", got)
	}
	d.Level = "Niveau 5"
	if got := qualificationReference(d); !strings.HasSuffix(got, " — Niveau 5") {
		t.Errorf("with a level already named: %q", got)
	}
}

func TestWrapKeepsEveryWordWithinTheWidth(t *testing.T) {
	pdf := newPDF("P", fixtureCreated, "t", "a")
	pdf.AddPage()
	setFont(pdf, "", 10, colourText)
	text := "Éloïse « LEFÈVRE » a acquis l’ensemble des blocs ; Anticonstitutionnellementénormémentlongmotsansespace fin.\nDeuxième paragraphe."
	const w = 40.0
	lines := wrap(pdf, text, w)
	for _, l := range lines {
		if pdf.GetStringWidth(l) > w {
			t.Errorf("line %q is %.1f mm wide, more than %v", l, pdf.GetStringWidth(l), w)
		}
	}
	if got, want := strings.Join(strings.Fields(strings.Join(lines, "")), ""), strings.Join(strings.Fields(text), ""); got != want {
		t.Errorf("wrapping lost or added text:\n%q\n%q", got, want)
	}
	broken := false
	for i, l := range lines[:len(lines)-1] {
		broken = broken || strings.HasSuffix(l, " fin.") && strings.HasPrefix(lines[i+1], "Deuxième")
	}
	if !broken {
		t.Errorf("the line break was not kept: %q", lines)
	}
}

func TestCleanKeepsTextPrintable(t *testing.T) {
	for in, want := range map[string]string{
		"  Éloïse\t LEFÈVRE ": "Éloïse LEFÈVRE",
		"a\x00b":              "a b",
		"emoji 🎓 fin":         "emoji \uFFFD fin",
		"un\r\ndeux":          "un deux",
	} {
		if got := clean(in, false); got != want {
			t.Errorf("clean(%q) = %q, want %q", in, got, want)
		}
	}
	if got := clean("un\n  deux", true); got != "un\ndeux" {
		t.Errorf("clean with breaks = %q", got)
	}
}

func BenchmarkCertificatePDF(b *testing.B) {
	d := demoCertificate()
	for b.Loop() {
		if _, err := CertificatePDF(d); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkMinutesPDF300(b *testing.B) {
	m := bigMinutes(300)
	for b.Loop() {
		if _, err := MinutesPDF(m); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkIssueSession300 is the documents of a 300-candidate session: the minutes and 300
// certificates one after the other.
func BenchmarkIssueSession300(b *testing.B) {
	m := bigMinutes(300)
	certs := certificatesOf(m)
	for b.Loop() {
		if _, err := MinutesPDF(m); err != nil {
			b.Fatal(err)
		}
		for _, d := range certs {
			if _, err := CertificatePDF(d); err != nil {
				b.Fatal(err)
			}
		}
	}
}

// BenchmarkIssueSession300Parallel is the same session with the certificates rendered by
// CertificatePDFs on every processor.
func BenchmarkIssueSession300Parallel(b *testing.B) {
	m := bigMinutes(300)
	certs := certificatesOf(m)
	for b.Loop() {
		if _, err := MinutesPDF(m); err != nil {
			b.Fatal(err)
		}
		if _, err := CertificatePDFs(certs); err != nil {
			b.Fatal(err)
		}
	}
}
