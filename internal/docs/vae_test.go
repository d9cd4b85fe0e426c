package docs

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"cqp/internal/domain"
)

// The VAE fixtures: Gaëlle MOREAU asks for the CQP Chargé de clientèle through the VAE; the
// secretariat decides on the second version of her admissibility file on 16 March 2026.

var (
	vaeDecided    = time.Date(2026, time.March, 16, 9, 30, 0, 0, time.UTC)
	vaeValidUntil = time.Date(2027, time.December, 31, 0, 0, 0, 0, domain.Paris())
)

func demoVAELetter() VAEDecisionLetter {
	return VAEDecisionLetter{
		BranchName:         "Branche des cabinets de courtage d'assurances",
		SecretariatName:    "CSCA — secrétariat des CQP",
		City:               "Paris",
		Date:               vaeDecided,
		Reference:          "VAE-3F9K2Q-v2",
		CandidateName:      "Gaëlle MOREAU",
		CandidateSex:       domain.SexFemale,
		CandidateNumber:    "CAND-2026-0031",
		CandidateAddress:   "12, rue des Écoles\n75005 Paris",
		QualificationTitle: "Chargé de clientèle",
		QualificationCode:  "CQP CC",
		FileVersion:        2,
		Decision:           string(domain.DecisionAdmissible),
		ValidUntil:         vaeValidUntil,
		Opinion:            "Avis favorable de Formassur Paris : expérience de trois ans en cabinet de courtage.",
		NextSteps:          []string{"Votre espace candidat vous permet de déposer vos justificatifs en ligne."},
		Signatory:          Signatory{"La responsable du secrétariat des CQP", "Hélène Dufrêne"},
	}
}

func demoAdmissibilityForm() AdmissibilityForm {
	return AdmissibilityForm{
		BranchName:         fixtureBranch,
		QualificationTitle: "Chargé de clientèle",
		QualificationCode:  "CC",
		Generated:          vaeDecided,
		CandidateName:      "Gaëlle MOREAU",
		CandidateNumber:    "CAND-2026-0031",
		BirthDate:          "07/02/1990",
		Email:              "gaelle.moreau@example.fr",
		MinRelatedMonths:   12,
		RecommendedMonths:  24,
		Periods: []FormPeriod{
			{Employer: "Cabinet Lefèvre Assurances", Role: "Assistante de gestion", From: "01/09/2021", To: "",
				Activities: "Accueil des clients, suivi des contrats d’assurance de dommages, relances.", Related: true},
			{Employer: "Boulangerie Péron", Role: "Vendeuse", From: "01/06/2018", To: "31/08/2021",
				Activities: "Vente et encaissement.", Related: false},
		},
		Diplomas: []FormDiploma{{Title: "Baccalauréat professionnel Commerce", Year: "2009", Level: "niveau 4"}},
		Blocks: []FormBlock{
			{Code: "BC1", Title: fixtureBlocks[0].Title, Competences: []FormCompetence{
				{Code: "C1.1", Title: "Identifier les besoins du client et son environnement", Level: "acquise",
					Situation: "Je recueille chaque semaine les besoins de nouveaux clients professionnels."},
				{Code: "C1.2", Title: "Présenter les garanties proposées par les organismes assureurs", Level: "partiellement acquise"},
				{Code: "C1.3", Title: "Négocier avec les organismes assureurs", Level: "non acquise"},
				{Code: "C1.4", Title: "Assurer la coordination entre le client et l’assureur"},
			}},
			{Code: "BC3", Title: fixtureBlocks[2].Title, Competences: []FormCompetence{
				{Code: "C3.1", Title: "Traiter les réclamations des clients", Level: "acquise"},
			}},
		},
		Version: 2,
	}
}

func blankAdmissibilityForm() AdmissibilityForm {
	f := demoAdmissibilityForm()
	f.CandidateName, f.CandidateNumber, f.BirthDate, f.Email = "", "", "", ""
	f.Periods, f.Diplomas, f.Version = nil, nil, 0
	for i, b := range f.Blocks {
		f.Blocks[i].Competences = append([]FormCompetence(nil), b.Competences...)
		for j := range f.Blocks[i].Competences {
			f.Blocks[i].Competences[j].Level, f.Blocks[i].Competences[j].Situation = "", ""
		}
	}
	return f
}

func TestVAEDocumentsMatchTheirGoldenFilesAndAreReproducible(t *testing.T) {
	cases := []struct {
		name   string
		render func() ([]byte, error)
	}{
		{"vae_letter", func() ([]byte, error) { return VAEDecisionLetterPDF(demoVAELetter()) }},
		{"vae_form", func() ([]byte, error) { return AdmissibilityFormPDF(demoAdmissibilityForm()) }},
		{"vae_form_blank", func() ([]byte, error) { return AdmissibilityFormPDF(blankAdmissibilityForm()) }},
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
			if !bytes.HasPrefix(first, []byte("%PDF-")) || !bytes.HasSuffix(bytes.TrimSpace(first), []byte("%%EOF")) {
				t.Fatalf("not a whole PDF: starts %q, ends %q", first[:min(len(first), 16)], first[max(0, len(first)-16):])
			}
			if !bytes.Contains(first, []byte("/CreationDate (D:20260316093000")) {
				t.Error("the creation date is not the one of the struct")
			}
			golden := filepath.Join("testdata", c.name+".pdf")
			if *update {
				if err := os.WriteFile(golden, first, 0o644); err != nil {
					t.Fatal(err)
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

func TestVAEDecisionLetterSaysEachDecision(t *testing.T) {
	common := []string{
		"BRANCHE DES CABINETS DE COURTAGE D'ASSURANCES", "CSCA — secrétariat des CQP",
		"Madame Gaëlle MOREAU", "12, rue des Écoles 75005 Paris", "Candidate n° CAND-2026-0031",
		"Paris, le 16/03/2026",
		"Nos références : VAE-3F9K2Q-v2 — dossier de recevabilité, version 2",
		"Objet : décision de recevabilité de votre demande de VAE — Chargé de clientèle",
		"Madame, Vous avez demandé",
		"la qualification « Chargé de clientèle » (CQP CC)",
		"Nous avons recueilli l’avis d’un organisme de formation : Avis favorable de Formassur Paris",
		"vous prions d’agréer, Madame, l’expression de nos salutations distinguées.",
		"La responsable du secrétariat des CQP", "Hélène Dufrêne",
		"Page 1 / 1",
	}
	cases := []struct {
		name   string
		change func(*VAEDecisionLetter)
		want   []string
		absent []string
	}{
		{"an admissible request is told its validity and the next steps", func(l *VAEDecisionLetter) {}, []string{
			"votre demande est recevable. Cette recevabilité est valable jusqu’au 31/12/2027.",
			"La suite de votre démarche",
			"Constituer votre dossier d’expérience", "commission d’évaluation", "Le jury de certification",
			"Votre espace candidat vous permet de déposer vos justificatifs en ligne.",
		}, []string{"n’est pas recevable", "Motif"}},
		{"a request not admissible is told why and how to contest", func(l *VAEDecisionLetter) {
			l.Decision = string(domain.DecisionNotAdmissible)
			l.Reason = "Vos expériences en lien avec la qualification totalisent 7 mois, moins que les 12 mois exigés."
			l.NextSteps = nil
		}, []string{
			"votre demande n’est pas recevable.",
			"Motif de la décision : « Vos expériences en lien avec la qualification totalisent 7 mois, moins que les 12 mois exigés. »",
			"demander le réexamen", "en rappelant la référence VAE-3F9K2Q-v2", "nouvelle demande",
		}, []string{"valable jusqu", "La suite de votre démarche"}},
		{"an incomplete file is told what is missing", func(l *VAEDecisionLetter) {
			l.Decision = string(domain.DecisionIncomplete)
			l.Reason = "L’attestation de l’employeur Cabinet Lefèvre Assurances."
		}, []string{
			"Votre dossier de recevabilité est incomplet",
			"Éléments manquants : « L’attestation de l’employeur Cabinet Lefèvre Assurances. »",
			"Vous pouvez compléter votre dossier et nous l’adresser de nouveau",
		}, []string{"est recevable", "valable jusqu"}},
		{"a redirected request is told the route proposed and why", func(l *VAEDecisionLetter) {
			l.Decision = string(domain.DecisionRedirected)
			l.RedirectRoute = "formation"
			l.Reason = "Votre expérience porte surtout sur la vente ; la formation vous apportera la pratique des contrats."
		}, []string{
			"Voie proposée : formation.",
			"Motif de la réorientation : « Votre expérience porte surtout sur la vente ; la formation vous apportera la pratique des contrats. »",
		}, []string{"est recevable", "valable jusqu"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			l := demoVAELetter()
			c.change(&l)
			pdf, err := VAEDecisionLetterPDF(l)
			if err != nil {
				t.Fatal(err)
			}
			if n := pageCount(pdf); n != 1 {
				t.Errorf("the letter has %d pages, want 1", n)
			}
			text := strings.Join(pdfPages(t, pdf), " ")
			assertContains(t, text, common...)
			assertContains(t, text, c.want...)
			for _, a := range c.absent {
				if strings.Contains(text, a) {
					t.Errorf("the letter says %q", a)
				}
			}
		})
	}
}

func TestVAEDecisionLetterDatesAreParisDays(t *testing.T) {
	l := demoVAELetter()
	l.City = ""
	l.Date = time.Date(2026, time.March, 16, 23, 30, 0, 0, time.UTC)                // 17/03 00:30 in Paris
	l.ValidUntil = time.Date(2027, time.December, 31, 23, 59, 0, 0, domain.Paris()) // 22:59 UTC
	pdf, err := VAEDecisionLetterPDF(l)
	if err != nil {
		t.Fatal(err)
	}
	text := strings.Join(pdfPages(t, pdf), " ")
	assertContains(t, text, "Le 17/03/2026", "valable jusqu’au 31/12/2027.")
}

func TestALongReasonContinuesOnASecondPage(t *testing.T) {
	l := demoVAELetter()
	l.Decision = string(domain.DecisionNotAdmissible)
	var long []string
	for i := 1; i <= 60; i++ {
		long = append(long, fmt.Sprintf("Constat %02d : la période déclarée n’est pas justifiée.", i))
	}
	l.Reason = strings.Join(long, "\n")
	pdf, err := VAEDecisionLetterPDF(l)
	if err != nil {
		t.Fatal(err)
	}
	if n := pageCount(pdf); n != 2 {
		t.Fatalf("the letter has %d pages, want 2", n)
	}
	pages := pdfPages(t, pdf)
	if len(pages) != 2 {
		t.Fatalf("pdftotext sees %d pages, want 2", len(pages))
	}
	assertContains(t, pages[0], "Page 1 / 2", "Motif de la décision", long[0])
	assertContains(t, pages[1], "Page 2 / 2", long[len(long)-1], "Hélène Dufrêne")
	text := strings.Join(pages, " ")
	at := 0
	for _, s := range long {
		i := strings.Index(text[at:], s)
		if i < 0 {
			t.Fatalf("%q is missing or out of order", s)
		}
		at += i + len(s)
	}
}

func TestAdmissibilityFormText(t *testing.T) {
	pdf, err := AdmissibilityFormPDF(demoAdmissibilityForm())
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
		"Dossier de recevabilité", "Validation des acquis de l’expérience (VAE)",
		"Qualification visée : Chargé de clientèle (CC)", "Version 2 — édité le 16/03/2026",
		"1. Identité", "Nom et prénom : Gaëlle MOREAU", "N° de candidat : CAND-2026-0031",
		"Date de naissance : 07/02/1990", "Adresse électronique : gaelle.moreau@example.fr",
		"2. Expériences professionnelles",
		"Au moins 12 mois d’expérience en lien avec la qualification sont exigés ; 24 mois sont recommandés.",
		"Employeur", "Emploi occupé", "Activités exercées",
		"Cabinet Lefèvre Assurances", "Assistante de gestion", "01/09/2021", "à ce jour",
		"Boulangerie Péron", "31/08/2021",
		"3. Diplômes et formations", "Baccalauréat professionnel Commerce", "niveau 4",
		"4. Auto-évaluation", "BC1 — "+fixtureBlocks[0].Title, "BC3 — Gérer la relation clientèle",
		"Compétence", "Votre niveau", "Situation qui le montre",
		"Identifier les besoins du client et son environnement",
		"Je recueille chaque semaine les besoins de nouveaux clients professionnels.",
		"Traiter les réclamations des clients",
		"5. Engagement et signature", "Je certifie sur l’honneur", "Fait à", "Signature du candidat",
		"est à retourner au secrétariat des CQP de la branche",
	)
	// Periods: related, then not related; competences C1.1 to C1.4 and C3.1.
	want := []string{"oui", "non", "acquise", "partiellement", "non", "acquise"}
	if got := tickedOptions(t, pdf); strings.Join(got, " ") != strings.Join(want, " ") {
		t.Errorf("the ticked boxes are %q, want %q", got, want)
	}
}

func TestABlankFormHasLinesAndNothingTicked(t *testing.T) {
	pdf, err := AdmissibilityFormPDF(blankAdmissibilityForm())
	if err != nil {
		t.Fatal(err)
	}
	text := strings.Join(pdfPages(t, pdf), " ")
	assertContains(t, text, "Formulaire vierge — édité le 16/03/2026", "Nom et prénom :", "Adresse électronique :",
		"Identifier les besoins du client", "Fait à")
	if strings.Contains(text, "Gaëlle") || strings.Contains(text, "Version") {
		t.Error("the blank form is filled")
	}
	if got := tickedOptions(t, pdf); len(got) != 0 {
		t.Errorf("a blank form has ticked boxes: %q", got)
	}
}

func TestALongSelfAssessmentRepeatsTheTableHeader(t *testing.T) {
	f := demoAdmissibilityForm()
	f.Blocks[0].Competences = nil
	for i := 1; i <= 30; i++ {
		f.Blocks[0].Competences = append(f.Blocks[0].Competences, FormCompetence{
			Code: fmt.Sprintf("C1.%d", i), Title: fmt.Sprintf("Compétence numéro %d du bloc", i)})
	}
	var long []string
	for i := 1; i <= 150; i++ {
		long = append(long, fmt.Sprintf("Repère%03d : situation décrite longuement par la candidate.", i))
	}
	f.Blocks[0].Competences[29].Situation = strings.Join(long, " ")
	pdf, err := AdmissibilityFormPDF(f)
	if err != nil {
		t.Fatal(err)
	}
	pages := pdfPages(t, pdf)
	text := strings.Join(pages, " ")
	assertContains(t, text, "BC1 — "+fixtureBlocks[0].Title+" (suite) Compétence Votre niveau Situation qui le montre")
	for i := 1; i <= 30; i++ {
		assertContains(t, text, fmt.Sprintf("Compétence numéro %d du bloc", i))
	}
	at := 0
	for i := 1; i <= 150; i++ {
		mark := fmt.Sprintf("Repère%03d", i)
		j := strings.Index(text[at:], mark)
		if j < 0 {
			t.Fatalf("%s of the long situation is missing or out of order", mark)
		}
		at += j + len(mark)
	}
	if n := len(pages); n < 3 {
		t.Errorf("a situation longer than a page fits on %d pages", n)
	}
	assertContains(t, pages[len(pages)-1], "5. Engagement et signature", "Signature du candidat")
}

func TestVAERefusals(t *testing.T) {
	letters := []struct {
		name   string
		change func(*VAEDecisionLetter)
		want   string
	}{
		{"no candidate", func(l *VAEDecisionLetter) { l.CandidateName = " " }, "Le nom du candidat est obligatoire."},
		{"an unknown decision", func(l *VAEDecisionLetter) { l.Decision = "maybe" }, "La décision « maybe » est inconnue"},
		{"admissible without a validity", func(l *VAEDecisionLetter) { l.ValidUntil = time.Time{} }, "fin de validité"},
		{"a validity ending before the decision", func(l *VAEDecisionLetter) { l.ValidUntil = vaeDecided.AddDate(0, 0, -1) }, "précède la date de la décision"},
		{"not admissible without a reason", func(l *VAEDecisionLetter) { l.Decision = string(domain.DecisionNotAdmissible) }, "motif de la décision de non-recevabilité"},
		{"incomplete without what is missing", func(l *VAEDecisionLetter) { l.Decision = string(domain.DecisionIncomplete) }, "éléments manquants"},
		{"redirected without a reason", func(l *VAEDecisionLetter) {
			l.Decision, l.RedirectRoute = string(domain.DecisionRedirected), "formation"
		}, "motif de la réorientation"},
		{"redirected without a route", func(l *VAEDecisionLetter) {
			l.Decision, l.Reason = string(domain.DecisionRedirected), "Expérience trop éloignée."
		}, "voie proposée"},
		{"no date", func(l *VAEDecisionLetter) { l.Date = time.Time{} }, "date de la décision"},
		{"no file version", func(l *VAEDecisionLetter) { l.FileVersion = 0 }, "version du dossier"},
		{"no signatory", func(l *VAEDecisionLetter) { l.Signatory = Signatory{} }, "signataire"},
	}
	for _, c := range letters {
		t.Run("a letter with "+c.name+" is refused", func(t *testing.T) {
			l := demoVAELetter()
			c.change(&l)
			_, err := VAEDecisionLetterPDF(l)
			assertInvalid(t, err, c.want)
		})
	}
	forms := []struct {
		name   string
		change func(*AdmissibilityForm)
		want   string
	}{
		{"no block", func(f *AdmissibilityForm) { f.Blocks = nil }, "aucun bloc de compétences"},
		{"a block without a title", func(f *AdmissibilityForm) { f.Blocks = []FormBlock{{Code: "BC1"}} }, "un code et un intitulé"},
		{"a competence without a title", func(f *AdmissibilityForm) {
			f.Blocks = []FormBlock{{Code: "BC1", Title: "Bloc", Competences: []FormCompetence{{Code: "C1"}}}}
		}, "Chaque compétence du bloc BC1"},
		{"an unknown level", func(f *AdmissibilityForm) {
			f.Blocks = []FormBlock{{Code: "BC1", Title: "Bloc", Competences: []FormCompetence{{Code: "C1", Title: "Vendre", Level: "acquired"}}}}
		}, "Le niveau « acquired » de la compétence C1 Vendre est inconnu"},
		{"no qualification", func(f *AdmissibilityForm) { f.QualificationTitle = "" }, "intitulé de la qualification"},
		{"no edition date", func(f *AdmissibilityForm) { f.Generated = time.Time{} }, "reproductible"},
		{"a negative version", func(f *AdmissibilityForm) { f.Version = -1 }, "négative"},
	}
	for _, c := range forms {
		t.Run("a form with "+c.name+" is refused", func(t *testing.T) {
			f := demoAdmissibilityForm()
			c.change(&f)
			_, err := AdmissibilityFormPDF(f)
			assertInvalid(t, err, c.want)
		})
	}
}

// assertInvalid checks that err is an EINVALID domain error whose French message (the one
// shown to the user) contains want.
func assertInvalid(t *testing.T, err error, want string) {
	t.Helper()
	var e *domain.Error
	if !errors.As(err, &e) {
		t.Fatalf("got %v, want a domain error", err)
	}
	if e.Code != domain.EINVALID || !strings.Contains(domain.ErrorMessage(err), want) {
		t.Fatalf("got %s %q, want %s with %q", e.Code, domain.ErrorMessage(err), domain.EINVALID, want)
	}
}

func TestExperienceRule(t *testing.T) {
	for _, c := range []struct {
		required, recommended int
		want                  string
	}{
		{12, 24, "Au moins 12 mois d’expérience en lien avec la qualification sont exigés ; 24 mois sont recommandés."},
		{12, 12, "Au moins 12 mois d’expérience en lien avec la qualification sont exigés."},
		{12, 0, "Au moins 12 mois d’expérience en lien avec la qualification sont exigés."},
		{0, 24, "24 mois d’expérience en lien avec la qualification sont recommandés."},
		{0, 0, ""},
	} {
		if got := experienceRule(c.required, c.recommended); got != c.want {
			t.Errorf("experienceRule(%d, %d) = %q, want %q", c.required, c.recommended, got, c.want)
		}
	}
}

var bboxWord = regexp.MustCompile(`<word xMin="([0-9.]+)" yMin="([0-9.]+)" xMax="([0-9.]+)" yMax="([0-9.]+)">([^<]*)</word>`)

// tickedOptions returns, in the order of the pages, the first word of the option after each
// ticked box: the « X » printed in a box is followed, on the same line, by the option's label.
func tickedOptions(t *testing.T, pdf []byte) []string {
	t.Helper()
	tool := requireTool(t, "pdftotext")
	out, err := exec.Command(tool, "-bbox", "-enc", "UTF-8", writeTemp(t, "doc.pdf", pdf), "-").Output()
	if err != nil {
		t.Fatalf("pdftotext -bbox: %v", err)
	}
	type word struct {
		x0, y0, x1 float64
		text       string
	}
	num := func(s string) float64 {
		f, err := strconv.ParseFloat(s, 64)
		if err != nil {
			t.Fatal(err)
		}
		return f
	}
	var got []string
	for _, page := range strings.Split(string(out), "<page ")[1:] {
		var words []word
		for _, m := range bboxWord.FindAllStringSubmatch(page, -1) {
			words = append(words, word{num(m[1]), num(m[2]), num(m[3]), m[5]})
		}
		for _, x := range words {
			if x.text != "X" {
				continue
			}
			next := ""
			best := 12.0 // points: the label starts within about 4 mm of the box
			for _, w := range words {
				if d := w.x0 - x.x1; d > 0 && d < best && w.y0 > x.y0-2 && w.y0 < x.y0+2 {
					next, best = w.text, d
				}
			}
			got = append(got, next)
		}
	}
	return got
}

func BenchmarkAdmissibilityFormPDF(b *testing.B) {
	f := demoAdmissibilityForm()
	for b.Loop() {
		if _, err := AdmissibilityFormPDF(f); err != nil {
			b.Fatal(err)
		}
	}
}
