// Package frameworkfile reads and writes the framework file: the YAML document in which a
// branch describes its CQPs (qualifications, blocks, competences and the rules that judge
// them). Parse validates a whole file and reports every problem at once, with its line, in
// French; Encode writes a file that Parse reads back identically; Shipped returns the
// brokerage branch's framework embedded in the binary.
//
// The format is documented for branches in docs/framework-format.md.
package frameworkfile

import "cqp/internal/domain"

// FormatVersion is the version of the file format this package reads and writes (the
// optional top-level key `format`).
const FormatVersion = 1

// File is the decoded content of a framework file: one branch and one framework per
// qualification. Every framework lists all its blocks, common ones included, each with its
// kind. The to_confirm flags live in the domain types (ToConfirm fields); the notes that
// explain them live in Notes, and Parse leaves the domain items' Note fields empty (WithNotes
// copies the notes into them).
type File struct {
	Branch domain.Branch
	// BranchToConfirm is set when the branch's own description must be confirmed.
	BranchToConfirm bool
	Frameworks      []domain.Framework
	// Notes holds the `note:` texts, keyed by the item they explain. It is nil when the file
	// has no note. The note of a common block (and of its competences) is recorded under each
	// qualification that includes it.
	Notes map[Ref]string
}

// Ref names one item of a file that may carry a note. The zero Ref is the branch.
type Ref struct {
	Qualification string // code of the qualification; empty for the branch
	Prerequisites bool   // the qualification's prerequisites (Block and Competence empty)
	Block         string // code of a block of the qualification
	Competence    string // code of a competence of that block
}

// QualificationRef names a qualification.
func QualificationRef(qualification string) Ref { return Ref{Qualification: qualification} }

// PrerequisitesRef names a qualification's prerequisites.
func PrerequisitesRef(qualification string) Ref {
	return Ref{Qualification: qualification, Prerequisites: true}
}

// BlockRef names a block of a qualification.
func BlockRef(qualification, block string) Ref {
	return Ref{Qualification: qualification, Block: block}
}

// CompetenceRef names a competence of a block of a qualification.
func CompetenceRef(qualification, block, competence string) Ref {
	return Ref{Qualification: qualification, Block: block, Competence: competence}
}

// Note returns the note recorded for r, or "" when there is none.
func (f File) Note(r Ref) string { return f.Notes[r] }

// Framework returns the framework of the qualification with the given code.
func (f File) Framework(qualification string) (domain.Framework, bool) {
	for _, fw := range f.Frameworks {
		if fw.Qualification.Code == qualification {
			return fw, true
		}
	}
	return domain.Framework{}, false
}

// ToConfirmCount is the number of items flagged to_confirm in the framework of the given
// qualification: the qualification, its prerequisites, its blocks and their competences.
func ToConfirmCount(fw domain.Framework) int { return fw.ToConfirmCount() }
