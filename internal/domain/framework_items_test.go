package domain

import (
	"slices"
	"strings"
	"testing"
)

func sampleFramework() Framework {
	return Framework{
		Qualification:    Qualification{Code: "CC", Title: "Chargé de clientèle"},
		Version:          1,
		ThresholdPercent: 70,
		Composition:      Composition{Common: 1, Optional: 1},
		Prerequisites:    Prerequisites{MinDiplomaLevel: 5, ToConfirm: true, Note: "à vérifier"},
		Blocks: []Block{
			{Code: "BC1", Title: "Gérer la relation clientèle", Kind: BlockCommon, ToConfirm: true, Note: "classement déduit",
				Competences: []Competence{{Code: "C1", Title: "Compétence C1 — intitulé à compléter par la branche", Detailed: 2, ToConfirm: true}}},
			{Code: "OPT1", Title: "Bloc optionnel 1 — à compléter par la branche", Kind: BlockOptional, ToConfirm: true,
				Competences: []Competence{{Code: "OPT1-C1", Title: "Compétence", Detailed: 1}}},
		},
	}
}

func TestFrameworkItemsToConfirm(t *testing.T) {
	fw := sampleFramework()
	var refs []string
	for _, it := range fw.ItemsToConfirm() {
		refs = append(refs, it.Ref())
	}
	want := []string{"prerequisites", "block/BC1", "competence/BC1/C1", "block/OPT1"}
	if !slices.Equal(refs, want) {
		t.Fatalf("items to confirm %v, want %v", refs, want)
	}
	if len(refs) != fw.ToConfirmCount() {
		t.Fatalf("%d items listed, ToConfirmCount says %d", len(refs), fw.ToConfirmCount())
	}
	it, ok := fw.Item("competence/BC1/C1")
	if !ok || it.Name() != "compétence C1 du bloc BC1" || it.Label() != "compétence C1 du bloc BC1 « Compétence C1 — intitulé à compléter par la branche »" {
		t.Fatalf("item %+v: %q", it, it.Label())
	}
	if it, _ := fw.Item("prerequisites"); it.HasTitle() || it.Label() != "prérequis" {
		t.Fatalf("prerequisites %+v", it)
	}
}

func TestConfirmingAnItemChangesOnlyItsWording(t *testing.T) {
	tests := []struct {
		name, ref, title string
		check            func(t *testing.T, fw Framework)
	}{
		{"a block is confirmed with a corrected title and loses its flag and note", "block/OPT1", "Assurance emprunteur", func(t *testing.T, fw Framework) {
			b, _ := fw.Block("OPT1")
			if b.Title != "Assurance emprunteur" || b.ToConfirm || b.Note != "" {
				t.Fatalf("block %+v", b)
			}
		}},
		{"a competence is confirmed", "competence/BC1/C1", "Identifier les besoins", func(t *testing.T, fw Framework) {
			b, _ := fw.Block("BC1")
			if c := b.Competences[0]; c.Title != "Identifier les besoins" || c.ToConfirm || c.Detailed != 2 {
				t.Fatalf("competence %+v", c)
			}
			if !b.ToConfirm {
				t.Fatal("confirming a competence confirmed its block")
			}
		}},
		{"the prerequisites are confirmed as they are", "prerequisites", "ignored", func(t *testing.T, fw Framework) {
			if fw.Prerequisites.ToConfirm || fw.Prerequisites.MinDiplomaLevel != 5 || fw.Prerequisites.Note != "" {
				t.Fatalf("prerequisites %+v", fw.Prerequisites)
			}
		}},
		{"the qualification is confirmed", "qualification", "Chargé de clientèle en courtage", func(t *testing.T, fw Framework) {
			if fw.Qualification.Title != "Chargé de clientèle en courtage" || fw.Qualification.Code != "CC" {
				t.Fatalf("qualification %+v", fw.Qualification)
			}
		}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			before := sampleFramework()
			after, err := before.ConfirmItem(tc.ref, tc.title)
			if err != nil {
				t.Fatal(err)
			}
			tc.check(t, after)
			it, _ := before.Item(tc.ref)
			if after.ToConfirmCount() != before.ToConfirmCount()-boolInt(it.ToConfirm) {
				t.Fatalf("to confirm: %d before, %d after", before.ToConfirmCount(), after.ToConfirmCount())
			}
			if !SameRules(before, after) {
				t.Fatal("confirming an item changed a rule")
			}
			if !slices.Equal(refsOf(before.ItemsToConfirm()), refsOf(sampleFramework().ItemsToConfirm())) ||
				before.Blocks[1].Title != sampleFramework().Blocks[1].Title {
				t.Fatal("confirming changed the original framework")
			}
		})
	}
	t.Run("an unknown item is an error", func(t *testing.T) {
		if _, err := sampleFramework().ConfirmItem("block/NOPE", "x"); err == nil {
			t.Fatal("no error")
		}
	})
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}

func refsOf(items []FrameworkItem) []string {
	var out []string
	for _, it := range items {
		out = append(out, it.Ref())
	}
	return out
}

func TestSameRulesSeesEveryChangeButWording(t *testing.T) {
	tests := []struct {
		name   string
		change func(fw *Framework)
		same   bool
	}{
		{"a block title", func(fw *Framework) { fw.Blocks[0].Title = "Autre" }, true},
		{"a competence note and flag", func(fw *Framework) {
			fw.Blocks[0].Competences[0].Note, fw.Blocks[0].Competences[0].ToConfirm = "x", false
		}, true},
		{"the qualification's title", func(fw *Framework) { fw.Qualification.Title = "Autre" }, true},
		{"a detailed count", func(fw *Framework) { fw.Blocks[0].Competences[0].Detailed = 3 }, false},
		{"a competence code", func(fw *Framework) { fw.Blocks[0].Competences[0].Code = "C9" }, false},
		{"a block kind", func(fw *Framework) { fw.Blocks[1].Kind = BlockSpecialty }, false},
		{"the threshold", func(fw *Framework) { fw.ThresholdPercent = 60 }, false},
		{"a prerequisite", func(fw *Framework) { fw.Prerequisites.MinDiplomaLevel = 4 }, false},
		{"the qualification's code", func(fw *Framework) { fw.Qualification.Code = "GE" }, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			a, b := sampleFramework(), sampleFramework()
			tc.change(&b)
			if got := SameRules(a, b); got != tc.same {
				t.Fatalf("SameRules = %v, want %v", got, tc.same)
			}
		})
	}
}

func TestReadsAsPlaceholder(t *testing.T) {
	tests := []struct {
		text string
		want bool
	}{
		{"Bloc optionnel 1 — à compléter par la branche", true},
		{"Compétence à compléter par la branche", true},
		{"BLOC OPTIONNEL — À COMPLÉTER", true},
		{"intitulé a completer", true},
		{"Texte d’attente : à remplacer", true},
		{"Gérer la relation clientèle", false},
		{"Bloc optionnel 1 (exemple de démonstration) — Assurance emprunteur", false},
		{"Compléter un dossier de sinistre", false},
	}
	for _, tc := range tests {
		if got := ReadsAsPlaceholder(tc.text); got != tc.want {
			t.Errorf("ReadsAsPlaceholder(%q) = %v, want %v", tc.text, got, tc.want)
		}
	}
	if PublicTitle("Gérer la relation clientèle", true) != "" || PublicTitle("Bloc optionnel 1 — à compléter par la branche", false) != "" ||
		PublicTitle("Gérer la relation clientèle", false) != "Gérer la relation clientèle" {
		t.Error("PublicTitle prints a title still to confirm or placeholder wording")
	}
}

// foldWithReplacer is how the fold for placeholder wording was first written, plain and slower: the fold
// must give the same text.
func foldWithReplacer(s string) string {
	r := strings.NewReplacer("à", "a", "é", "e", "è", "e", "ê", "e", "’", "'", "\u00a0", " ")
	return strings.Join(strings.Fields(r.Replace(strings.ToLower(s))), " ")
}

func FuzzFoldForPlaceholderIsTheReplacersFold(f *testing.F) {
	for _, s := range []string{"", " ", "Bloc optionnel 1 — à compléter par la branche", "  BLOC\u00a0OPTIONNEL —\tÀ COMPLÉTER  ",
		"Texte d’attente", "ÊTRE È É", "\xff\xfe invalid", "İstanbul ǅ ẞ", "a\u2028b\u0085c"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if got, want := string(appendFoldForPlaceholder([]byte("kept "), s)), "kept "+foldWithReplacer(s); got != want {
			t.Fatalf("appendFoldForPlaceholder(%q) = %q, want %q", s, got, want)
		}
	})
}

func TestReadingAShortTitleAsPlaceholderAllocatesNothing(t *testing.T) {
	if n := testing.AllocsPerRun(100, func() { ReadsAsPlaceholder("Bloc optionnel 1 — à compléter par la branche") }); n != 0 {
		t.Errorf("%v allocations", n)
	}
}
