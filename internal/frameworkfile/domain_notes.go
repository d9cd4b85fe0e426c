package frameworkfile

import "cqp/internal/domain"

// WithNotes returns the file's frameworks with each note copied into the Note field of the
// item it explains, so that the notes travel with the frameworks into the database and the UI.
func WithNotes(f File) []domain.Framework {
	out := make([]domain.Framework, len(f.Frameworks))
	for i, fw := range f.Frameworks {
		q := fw.Qualification.Code
		fw.Qualification.Note = f.Note(QualificationRef(q))
		fw.Prerequisites.Note = f.Note(PrerequisitesRef(q))
		blocks := make([]domain.Block, len(fw.Blocks))
		for j, b := range fw.Blocks {
			b.Note = f.Note(BlockRef(q, b.Code))
			comps := make([]domain.Competence, len(b.Competences))
			for k, c := range b.Competences {
				c.Note = f.Note(CompetenceRef(q, b.Code, c.Code))
				comps[k] = c
			}
			b.Competences = comps
			blocks[j] = b
		}
		fw.Blocks = blocks
		out[i] = fw
	}
	return out
}

// FromFrameworks builds a file from stored frameworks (whose notes are in their Note fields),
// for export. The Note fields are moved into the file's Notes. The branch's own note and
// to_confirm flag are not stored in the database, so an export does not carry them.
func FromFrameworks(branch domain.Branch, fws []domain.Framework) File {
	f := File{Branch: branch}
	note := func(r Ref, text string) {
		if text == "" {
			return
		}
		if f.Notes == nil {
			f.Notes = map[Ref]string{}
		}
		f.Notes[r] = text
	}
	for _, fw := range fws {
		q := fw.Qualification.Code
		note(QualificationRef(q), fw.Qualification.Note)
		note(PrerequisitesRef(q), fw.Prerequisites.Note)
		fw.Qualification.Note, fw.Prerequisites.Note = "", ""
		blocks := make([]domain.Block, len(fw.Blocks))
		for j, b := range fw.Blocks {
			note(BlockRef(q, b.Code), b.Note)
			b.Note = ""
			comps := make([]domain.Competence, len(b.Competences))
			for k, c := range b.Competences {
				note(CompetenceRef(q, b.Code, c.Code), c.Note)
				c.Note = ""
				comps[k] = c
			}
			b.Competences = comps
			blocks[j] = b
		}
		fw.Blocks = blocks
		f.Frameworks = append(f.Frameworks, fw)
	}
	return f
}
