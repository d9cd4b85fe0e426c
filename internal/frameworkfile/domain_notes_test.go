package frameworkfile

import "testing"

func TestNotesSurviveTheTripThroughDomainFrameworks(t *testing.T) {
	f, err := Shipped()
	if err != nil {
		t.Fatal(err)
	}
	if len(f.Notes) == 0 {
		t.Fatal("the shipped framework has no note to carry")
	}
	back := FromFrameworks(f.Branch, WithNotes(f))
	back.BranchToConfirm = f.BranchToConfirm
	if branchNote := f.Note(Ref{}); branchNote != "" {
		back.Notes[Ref{}] = branchNote
	}
	if !Equal(f, back) {
		t.Fatal("a file turned into domain frameworks and back differs from the original")
	}
	withNotes := WithNotes(f)
	found := false
	for _, fw := range withNotes {
		for _, b := range fw.Blocks {
			if b.ToConfirm && b.Note != "" {
				found = true
			}
		}
	}
	if !found {
		t.Fatal("no flagged block received its note")
	}
}
