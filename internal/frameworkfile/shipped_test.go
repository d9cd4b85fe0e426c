package frameworkfile

import (
	"reflect"
	"strconv"
	"strings"
	"testing"

	"cqp/internal/domain"
)

func shippedFile(t *testing.T) File {
	t.Helper()
	f, err := Shipped()
	if err != nil {
		t.Fatal(err)
	}
	return f
}

func TestShippedBranchIsTheBrokerageBranch(t *testing.T) {
	f := shippedFile(t)
	want := domain.Branch{Code: "courtage", Name: "Courtage d'assurances et/ou de réassurances", IDCC: "2247"}
	if f.Branch != want || f.BranchToConfirm {
		t.Errorf("branch = %+v (to confirm %v), want %+v", f.Branch, f.BranchToConfirm, want)
	}
}

// The numbers below are those of the guide (May 2017); DOMAIN.md §4 and §5 restate them.
func TestShippedQualificationsFollowTheGuide(t *testing.T) {
	f := shippedFile(t)
	want := []struct {
		code, title            string
		training, internship   int
		diplomaLevel           int
		experience, vae, vaeOK int
	}{
		{"CC", "Chargé de clientèle", 600, 300, 5, 24, 12, 24},
		{"IARD", "Gestionnaire IARD", 350, 175, 4, 24, 12, 24},
		{"ADP", "Gestionnaire ADP", 350, 175, 4, 24, 12, 24},
	}
	if len(f.Frameworks) != len(want) {
		t.Fatalf("%d qualifications, want %d", len(f.Frameworks), len(want))
	}
	for i, w := range want {
		fw := f.Frameworks[i]
		t.Run(w.title, func(t *testing.T) {
			q := fw.Qualification
			if q.Code != w.code || q.Title != w.title || q.ToConfirm {
				t.Errorf("qualification = %+v, want %s %q, not flagged", q, w.code, w.title)
			}
			if q.RNCP != "" || q.NSF != "" || q.Level != "" {
				t.Errorf("official codes %+v: the guide gives none, they must stay empty", q)
			}
			if fw.Version != 1 || fw.ThresholdPercent != 70 || fw.ContinuousMinimum != 1000 {
				t.Errorf("version %d, threshold %d, minimum %s; want 1, 70, 10", fw.Version, fw.ThresholdPercent, fw.ContinuousMinimum)
			}
			if fw.Composition != (domain.Composition{Common: 3, Specialty: 2, Optional: 2}) {
				t.Errorf("composition = %+v, want 3 + 2 + 2", fw.Composition)
			}
			if fw.TrainingHours != w.training || fw.InternshipHours != w.internship {
				t.Errorf("hours = %d training, %d internship; want %d, %d", fw.TrainingHours, fw.InternshipHours, w.training, w.internship)
			}
			wantPre := domain.Prerequisites{MinDiplomaLevel: w.diplomaLevel, MinExperienceMonths: w.experience,
				VAEMinRelatedMonths: w.vae, VAERecommendedRelatedMonths: w.vaeOK}
			if fw.Prerequisites != wantPre {
				t.Errorf("prerequisites = %+v, want %+v", fw.Prerequisites, wantPre)
			}
			if n := len(fw.BlocksOfKind(domain.BlockOptional)); n < 2 {
				t.Errorf("%d optional blocks, want at least the 2 a candidate chooses", n)
			}
		})
	}
}

func TestShippedChargeDeClienteleHasTheGuideGrid(t *testing.T) {
	f := shippedFile(t)
	fw, ok := f.Framework("CC")
	if !ok {
		t.Fatal("no CC framework")
	}
	grid := []struct {
		code, title string
		kind        domain.BlockKind
		detailed    []int // C1… in order
	}{
		{"BC1", "Exercer son rôle de courtier et assurer la coordination et l'intermédiation clients/organismes assureurs", domain.BlockCommon, []int{2, 4, 4, 3, 2}},
		{"BC2", "Assurer le relais d'information et la coordination interne", domain.BlockCommon, []int{5, 5}},
		{"BC3", "Gérer la relation clientèle", domain.BlockCommon, []int{4, 3}},
		{"BC4", "Rédiger ou proposer une offre commerciale client", domain.BlockSpecialty, []int{1, 1, 1, 3}},
		{"BC5", "Gérer un portefeuille clients et contribuer au développement commercial", domain.BlockSpecialty, []int{9, 1}},
	}
	next := 1
	for i, g := range grid {
		b := fw.Blocks[i]
		if b.Code != g.code || b.Title != g.title || b.Kind != g.kind {
			t.Errorf("block %d = %s %q (%s), want %s %q (%s)", i+1, b.Code, b.Title, b.Kind, g.code, g.title, g.kind)
		}
		var got []int
		for _, c := range b.Competences {
			if c.Code != "C"+strconv.Itoa(next) {
				t.Errorf("%s: competence %s, want C%d", b.Code, c.Code, next)
			}
			next++
			got = append(got, c.Detailed)
		}
		if !reflect.DeepEqual(got, g.detailed) {
			t.Errorf("%s: detailed counts %v, want %v", b.Code, got, g.detailed)
		}
	}
	if next != 16 {
		t.Errorf("competences up to C%d, want C1…C15", next-1)
	}
	// The guide's example judges blocks of 15, 10, 7, 6 and 10 detailed competences.
	for code, want := range map[string]int{"BC1": 15, "BC2": 10, "BC3": 7, "BC4": 6, "BC5": 10} {
		if b, _ := fw.Block(code); b.DetailedTotal() != want {
			t.Errorf("%s holds %d detailed competences, want %d", code, b.DetailedTotal(), want)
		}
	}
}

func TestShippedCommonBlocksAreTheSameInEveryQualification(t *testing.T) {
	f := shippedFile(t)
	cc, _ := f.Framework("CC")
	common := cc.BlocksOfKind(domain.BlockCommon)
	for _, fw := range f.Frameworks {
		if got := fw.BlocksOfKind(domain.BlockCommon); !reflect.DeepEqual(got, common) {
			t.Errorf("%s: common blocks differ from CC's", fw.Qualification.Code)
		}
		if got := len(fw.BlocksOfKind(domain.BlockSpecialty)); got != 2 {
			t.Errorf("%s: %d specialty blocks, want 2", fw.Qualification.Code, got)
		}
	}
}

// Nothing the guide does not give may look like a fact: every block other than the guide's
// BC1…BC5 is a labelled placeholder, every competence title is one, and every flagged item
// says why in a note.
func TestShippedPlaceholdersAreFlaggedAndExplained(t *testing.T) {
	f := shippedFile(t)
	fromGuide := map[string]bool{"BC1": true, "BC2": true, "BC3": true, "BC4": true, "BC5": true}
	flagged := 0
	for _, fw := range f.Frameworks {
		q := fw.Qualification.Code
		for _, b := range fw.Blocks {
			if !b.ToConfirm || f.Note(BlockRef(q, b.Code)) == "" {
				t.Errorf("%s %s: every shipped block is an inference or a placeholder, so flagged with a note", q, b.Code)
			}
			if !fromGuide[b.Code] && !strings.Contains(b.Title, "à compléter par la branche") {
				t.Errorf("%s %s %q: a block the guide does not give must be titled as a placeholder", q, b.Code, b.Title)
			}
			if fromGuide[b.Code] && q != "CC" && b.Kind != domain.BlockCommon {
				t.Errorf("%s %s: the guide's BC4 and BC5 belong to Chargé de clientèle only", q, b.Code)
			}
			for _, c := range b.Competences {
				flagged++
				if !c.ToConfirm || f.Note(CompetenceRef(q, b.Code, c.Code)) == "" {
					t.Errorf("%s %s %s: a competence without its title must be flagged with a note", q, b.Code, c.Code)
				}
				if !strings.Contains(c.Title, "à compléter par la branche") {
					t.Errorf("%s %s %s %q: the guide gives no competence title", q, b.Code, c.Code, c.Title)
				}
			}
		}
	}
	for r, note := range f.Notes {
		if strings.TrimSpace(note) == "" {
			t.Errorf("%+v: empty note", r)
		}
	}
	if flagged == 0 {
		t.Error("no competence checked")
	}
}

func TestShippedSourceIsACopy(t *testing.T) {
	a := ShippedSource()
	a[0] = 'X'
	if ShippedSource()[0] == 'X' {
		t.Error("ShippedSource exposes the embedded bytes")
	}
}

// What a real branch installs must stay flagged: cqp refuses to print an item still flagged,
// so every placeholder of the shipped file must carry to_confirm.
func TestEveryShippedPlaceholderIsFlaggedToConfirm(t *testing.T) {
	f := shippedFile(t)
	placeholders := 0
	for _, fw := range f.Frameworks {
		for _, it := range fw.Items() {
			if domain.ReadsAsPlaceholder(it.Title) {
				placeholders++
				if !it.ToConfirm {
					t.Errorf("%s: %s reads as a placeholder but is not flagged to_confirm", fw.Qualification.Code, it.Label())
				}
			}
		}
	}
	if placeholders == 0 {
		t.Fatal("no placeholder found: ReadsAsPlaceholder no longer recognises the shipped wording")
	}
}
