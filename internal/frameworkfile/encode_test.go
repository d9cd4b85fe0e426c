package frameworkfile

import (
	"errors"
	"reflect"
	"strings"
	"testing"

	"cqp/internal/domain"
)

func roundTrip(t *testing.T, f File) []byte {
	t.Helper()
	out, err := Encode(f)
	if err != nil {
		t.Fatalf("Encode: %v", err)
	}
	back, err := Parse("export.yaml", out)
	if err != nil {
		t.Fatalf("Parse(Encode(f)): %v\n%s", err, out)
	}
	if !Equal(back, f) {
		t.Fatalf("Parse(Encode(f)) differs from f:\n got %+v\nwant %+v\nfile:\n%s", back, f, out)
	}
	return out
}

func TestEncodeRoundTripsTheExample(t *testing.T) {
	f, err := Parse("example.yaml", []byte(readExample(t)))
	if err != nil {
		t.Fatal(err)
	}
	out := roundTrip(t, f)
	if !strings.Contains(string(out), "common_blocks:\n  - code: BC1\n") {
		t.Errorf("the common block should be written once under common_blocks:\n%s", out)
	}
	if strings.Count(string(out), "code: BC1") != 1 {
		t.Errorf("BC1 written %d times, want once", strings.Count(string(out), "code: BC1"))
	}
	if !strings.Contains(string(out), "continuous_minimum: 12.5\n") {
		t.Errorf("the continuous minimum should be written as 12.5:\n%s", out)
	}
}

func TestEncodeRoundTripsTheShippedFramework(t *testing.T) {
	f, err := Shipped()
	if err != nil {
		t.Fatal(err)
	}
	out := roundTrip(t, f)
	if n := strings.Count(string(out), "code: BC2"); n != 1 {
		t.Errorf("BC2 written %d times, want once under common_blocks", n)
	}
}

// handBuilt is a File made in code, not by Parse: two qualifications whose common blocks
// differ, so that Encode must write them in each qualification.
func handBuilt() File {
	comp := func(code string, detailed int) domain.Competence {
		return domain.Competence{Code: code, Title: "Compétence " + code, Detailed: detailed}
	}
	block := func(code string, kind domain.BlockKind, comps ...domain.Competence) domain.Block {
		return domain.Block{Code: code, Title: "Bloc " + code, Kind: kind, Competences: comps}
	}
	fw := func(code string, first domain.Block) domain.Framework {
		return domain.Framework{
			Qualification:     domain.Qualification{Code: code, Title: "Qualification " + code, ToConfirm: true},
			Version:           3,
			ThresholdPercent:  75,
			ContinuousMinimum: 975,
			Composition:       domain.Composition{Common: 1, Specialty: 1, Optional: 0},
			Prerequisites:     domain.Prerequisites{MinDiplomaLevel: 0, VAERecommendedRelatedMonths: 6, ToConfirm: true},
			Blocks: []domain.Block{
				block("S1", domain.BlockSpecialty, comp("K1", 2)),
				first,
			},
		}
	}
	return File{
		Branch:          domain.Branch{Code: "b", Name: "Branche : test « 1 »", IDCC: "0042"},
		BranchToConfirm: true,
		Frameworks: []domain.Framework{
			fw("Q1", block("C1", domain.BlockCommon, comp("K2", 1), comp("K3", 4))),
			fw("Q2", block("C1", domain.BlockCommon, comp("K2", 1))),
		},
		Notes: map[Ref]string{
			{}:                              "Note de la branche",
			QualificationRef("Q1"):          "Sur deux lignes,\navec « : » dedans : oui",
			PrerequisitesRef("Q2"):          "true",
			BlockRef("Q1", "C1"):            "# pas un commentaire",
			CompetenceRef("Q2", "S1", "K1"): "- pas une liste",
		},
	}
}

func TestEncodeRoundTripsAFileBuiltInCode(t *testing.T) {
	f := handBuilt()
	out := roundTrip(t, f)
	if strings.Contains(string(out), "common_blocks") {
		t.Errorf("common blocks that differ between qualifications must stay in each one:\n%s", out)
	}
}

func TestEncodeSharesOnlyIdenticalLeadingCommonBlocks(t *testing.T) {
	f := handBuilt()
	// Same common block in both, placed first: now it can be shared…
	for i := range f.Frameworks {
		fw := &f.Frameworks[i]
		fw.Blocks[0], fw.Blocks[1] = fw.Blocks[1], fw.Blocks[0]
		fw.Blocks[0].Competences = []domain.Competence{{Code: "K2", Title: "Compétence K2", Detailed: 1}}
	}
	delete(f.Notes, BlockRef("Q1", "C1"))
	out := roundTrip(t, f)
	if !strings.Contains(string(out), "common_blocks:") {
		t.Errorf("identical leading common blocks should be shared:\n%s", out)
	}
	// …unless their notes differ.
	f.Notes[BlockRef("Q1", "C1")] = "seulement pour Q1"
	out = roundTrip(t, f)
	if strings.Contains(string(out), "common_blocks:") {
		t.Errorf("common blocks with different notes must stay in each qualification:\n%s", out)
	}
}

func TestEncodeTreatsNilAndEmptyNotesAlike(t *testing.T) {
	f, err := Parse("example.yaml", []byte(readExample(t)))
	if err != nil {
		t.Fatal(err)
	}
	f.Notes = map[Ref]string{}
	f.Frameworks[0].Blocks[2].ToConfirm = false
	roundTrip(t, f)
}

func TestEncodeTakesNotesFromTheDomainItems(t *testing.T) {
	f := handBuilt()
	f.Notes = nil
	f.Frameworks[0].Qualification.Note = "note de Q1"
	f.Frameworks[0].Prerequisites.Note = "note des prérequis"
	f.Frameworks[1].Blocks[0].Note = "note de S1"
	f.Frameworks[1].Blocks[0].Competences[0].Note = "note de K1"
	out, err := Encode(f)
	if err != nil {
		t.Fatal(err)
	}
	back, err := Parse("export.yaml", out)
	if err != nil {
		t.Fatal(err)
	}
	want := map[Ref]string{
		QualificationRef("Q1"):          "note de Q1",
		PrerequisitesRef("Q1"):          "note des prérequis",
		BlockRef("Q2", "S1"):            "note de S1",
		CompetenceRef("Q2", "S1", "K1"): "note de K1",
	}
	if !reflect.DeepEqual(back.Notes, want) {
		t.Errorf("notes read back = %v, want %v", back.Notes, want)
	}
	if f.Frameworks[0].Qualification.Note != "note de Q1" {
		t.Error("Encode changed the caller's frameworks")
	}
}

func TestEncodeRefusesAnInvalidFramework(t *testing.T) {
	f := handBuilt()
	f.Frameworks[1].Blocks[0].Competences[0].Detailed = 0
	_, err := Encode(f)
	var verr *ValidationError
	if !errors.As(err, &verr) {
		t.Fatalf("Encode error = %v, want a *ValidationError", err)
	}
	if len(verr.Problems) != 1 || !strings.Contains(verr.Problems[0].Message, "compétence K1 : le nombre de compétences détaillées doit être au moins 1") {
		t.Errorf("problems = %v", verr.Problems)
	}
}

func TestEncodeRefusesWhatItCannotWriteExactly(t *testing.T) {
	t.Run("a note about a block the file does not hold", func(t *testing.T) {
		f := handBuilt()
		f.Notes[BlockRef("Q1", "ABSENT")] = "perdue"
		if _, err := Encode(f); err == nil || !strings.Contains(err.Error(), "une note porte sur un élément absent") {
			t.Errorf("Encode error = %v", err)
		}
	})
	t.Run("a note about a competence of another block", func(t *testing.T) {
		f := handBuilt()
		f.Notes[CompetenceRef("Q1", "S1", "K2")] = "perdue"
		if _, err := Encode(f); err == nil || !strings.Contains(err.Error(), "une note porte sur un élément absent") {
			t.Errorf("Encode error = %v", err)
		}
	})
	t.Run("a title with spaces around it", func(t *testing.T) {
		f := handBuilt()
		f.Frameworks[0].Qualification.Title = " Qualification "
		if _, err := Encode(f); err == nil || !strings.Contains(err.Error(), "impossible à exporter à l'identique") {
			t.Errorf("Encode error = %v", err)
		}
	})
}

func TestFormatMarkWritesDecimalsWithoutTrailingZeros(t *testing.T) {
	for m, want := range map[domain.Mark]string{0: "0", 1000: "10", 1250: "12.5", 975: "9.75", 1005: "10.05", 2000: "20"} {
		if got := formatMark(m); got != want {
			t.Errorf("formatMark(%d) = %q, want %q", m, got, want)
		}
	}
}

func TestToConfirmCountCountsEveryFlaggedItem(t *testing.T) {
	f := handBuilt()
	// Q1 flags the qualification and the prerequisites; none of its blocks.
	if n := ToConfirmCount(f.Frameworks[0]); n != 2 {
		t.Errorf("ToConfirmCount = %d, want 2", n)
	}
	f.Frameworks[0].Blocks[1].ToConfirm = true
	f.Frameworks[0].Blocks[1].Competences[1].ToConfirm = true
	if n := ToConfirmCount(f.Frameworks[0]); n != 4 {
		t.Errorf("ToConfirmCount = %d, want 4", n)
	}
}
