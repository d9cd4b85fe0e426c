package docs

import (
	"regexp"
	"strings"
	"testing"

	"cqp/internal/domain"
)

func TestDeElidesAndContractsAsFrenchWrites(t *testing.T) {
	cases := []struct{ name, want string }{
		{"Inès", "d’Inès"},
		{"Émilie", "d’Émilie"},
		{"Œuvray", "d’Œuvray"},
		{"Hélène", "d’Hélène"},
		{"Yves", "d’Yves"},
		{"l'Institut de formation de l'assurance", "de l'Institut de formation de l'assurance"},
		{"L’Institut", "de l’Institut"},
		{"La CSCA", "de la CSCA"},
		{"le Cabinet Martin", "du Cabinet Martin"},
		{"Les Assurances réunies", "des Assurances réunies"},
		{"Paris", "de Paris"},
		{"Formassur Paris", "de Formassur Paris"},
		{"Haute-Savoie", "de Haute-Savoie"},
		{"Yasmine", "de Yasmine"},
		{"  Agnès ", "d’Agnès"},
	}
	for _, c := range cases {
		if got := De(c.name); got != c.want {
			t.Errorf("De(%q) = %q, want %q", c.name, got, c.want)
		}
	}
}

func TestCertificatesAgreeWithTheHoldersSex(t *testing.T) {
	cases := []struct {
		name   string
		sex    domain.Sex
		want   []string
		absent []string
	}{
		{"a woman is « Madame », « née le »", domain.SexFemale,
			[]string{"délivré à Madame Éloïse LEFÈVRE née le 12/04/1995"}, []string{"Monsieur", "né le", "né(e)"}},
		{"a man is « Monsieur », « né le »", domain.SexMale,
			[]string{"délivré à Monsieur Éloïse LEFÈVRE né le 12/04/1995"}, []string{"Madame", "née le", "né(e)"}},
		{"a sex not recorded gives no civility and a neutral birth line", "",
			[]string{"délivré à Éloïse LEFÈVRE date de naissance : 12/04/1995"}, []string{"Madame", "Monsieur", "né le", "née le", "né(e)"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			d := demoCertificate()
			d.HolderSex = c.sex
			pdf, err := CertificatePDF(d)
			if err != nil {
				t.Fatal(err)
			}
			text := strings.Join(pdfPages(t, pdf), " ")
			assertContains(t, text, c.want...)
			for _, a := range c.absent {
				if strings.Contains(text, a) {
					t.Errorf("the certificate says %q", a)
				}
			}
		})
	}
}

func TestTheCertificateNamesTheRNCPRegistrationAndTheLevel(t *testing.T) {
	pdf, err := CertificatePDF(demoCertificate())
	if err != nil {
		t.Fatal(err)
	}
	assertContains(t, strings.Join(pdfPages(t, pdf), " "),
		"CQP CC — enregistré au Répertoire national des certifications professionnelles : RNCP35342 — niveau 4",
		"Fait à Paris, le 25/11/2026")
}

func TestAnAttestationListsItsBlocksInTheOrderGiven(t *testing.T) {
	d := demoAttestation()
	d.Blocks = []DocBlock{fixtureBlocks[0], fixtureBlocks[3], fixtureBlocks[1]} // BC1, BC4, BC2: not sorted
	pdf, err := CertificatePDF(d)
	if err != nil {
		t.Fatal(err)
	}
	text := strings.Join(pdfPages(t, pdf), " ")
	i1, i4, i2 := strings.Index(text, "BC1 "), strings.Index(text, "BC4 "), strings.Index(text, "BC2 ")
	if i1 < 0 || i4 < 0 || i2 < 0 || !(i1 < i4 && i4 < i2) {
		t.Errorf("the blocks are not in the order given (BC1 at %d, BC4 at %d, BC2 at %d)", i1, i4, i2)
	}
}

var uuidLike = regexp.MustCompile(`[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}`)

func TestMinutesNameTheSessionByItsDayNotItsIdentifier(t *testing.T) {
	m := demoMinutes()
	if !uuidLike.MatchString(m.SessionID) {
		t.Fatalf("the fixture's session id %q should look like a stored one", m.SessionID)
	}
	pdf, err := MinutesPDF(m)
	if err != nil {
		t.Fatal(err)
	}
	pages := pdfPages(t, pdf)
	text := strings.Join(pages, " ")
	if id := uuidLike.FindString(text); id != "" {
		t.Errorf("the minutes print the identifier %s", id)
	}
	if strings.Contains(text, "Session ") {
		t.Error("the minutes still print a « Session … » line")
	}
	for _, p := range pages {
		assertContains(t, p, "Procès-verbal de délibération — Jury de certification du 25/11/2026 — Courtage")
	}
	m.Rectification = "Cette séance rectifie la session du 14/10/2026."
	pdf, err = MinutesPDF(m)
	if err != nil {
		t.Fatal(err)
	}
	assertContains(t, strings.Join(pdfPages(t, pdf), " "), "Procès-verbal de délibération — Jury rectificatif du 25/11/2026")
}

func TestTheVAELetterPrintsEachStepOnce(t *testing.T) {
	l := demoVAELetter()
	standard := "Présenter votre expérience lors d’un entretien avec la commission d’évaluation, " +
		"qui s’appuie sur votre dossier d’expérience."
	l.NextSteps = append(l.NextSteps, standard, l.NextSteps[0])
	pdf, err := VAEDecisionLetterPDF(l)
	if err != nil {
		t.Fatal(err)
	}
	text := strings.Join(pdfPages(t, pdf), " ")
	for _, step := range []string{"Présenter votre expérience lors d’un entretien", "Votre espace candidat vous permet"} {
		if n := strings.Count(text, step); n != 1 {
			t.Errorf("the step %q is printed %d times, want once", step, n)
		}
	}
	if strings.Contains(text, "démo") {
		t.Error("the letter is signed « démo »")
	}
}

func TestTheVAELetterAddressesThePersonAsTheirSexAgrees(t *testing.T) {
	cases := []struct {
		name   string
		sex    domain.Sex
		want   []string
		absent []string
	}{
		{"a man is « Monsieur »", domain.SexMale,
			[]string{"Monsieur Gaëlle MOREAU", "Candidat n° CAND-2026-0031", "Monsieur, Vous avez demandé", "d’agréer, Monsieur, l’expression"},
			[]string{"Madame"}},
		{"a sex not recorded gives no civility", "",
			[]string{"Gaëlle MOREAU", "Dossier n° CAND-2026-0031", "Bonjour Gaëlle MOREAU,", "Recevez nos salutations distinguées."},
			[]string{"Madame", "Monsieur"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			l := demoVAELetter()
			l.CandidateSex = c.sex
			pdf, err := VAEDecisionLetterPDF(l)
			if err != nil {
				t.Fatal(err)
			}
			text := strings.Join(pdfPages(t, pdf), " ")
			assertContains(t, text, c.want...)
			for _, a := range c.absent {
				if strings.Contains(text, a) {
					t.Errorf("the letter says %q", a)
				}
			}
		})
	}
}
