package domain

import (
	"bytes"
	"fmt"
	"reflect"
	"unicode"
	"unicode/utf8"
)

// FrameworkItemKind is the kind of a framework item that may be flagged to confirm.
type FrameworkItemKind string

const (
	ItemQualification FrameworkItemKind = "qualification"
	ItemPrerequisites FrameworkItemKind = "prerequisites"
	ItemBlock         FrameworkItemKind = "block"
	ItemCompetence    FrameworkItemKind = "competence"
)

// FrameworkItem is one item of a framework version that the branch may have to confirm: the
// qualification, its prerequisites, a block or a competence.
type FrameworkItem struct {
	Kind      FrameworkItemKind
	Block     string // the block's code, for a block or a competence
	Code      string // the item's own code; empty for the prerequisites
	Title     string // empty for the prerequisites, which have none
	Note      string
	ToConfirm bool
}

// Ref is the item's stable key within its framework, as forms send it back:
// "qualification", "prerequisites", "block/BC1", "competence/BC1/C1".
func (i FrameworkItem) Ref() string {
	switch i.Kind {
	case ItemBlock:
		return "block/" + i.Code
	case ItemCompetence:
		return "competence/" + i.Block + "/" + i.Code
	}
	return string(i.Kind)
}

// HasTitle reports whether the item has a title a person reads (every item but the
// prerequisites).
func (i FrameworkItem) HasTitle() bool { return i.Kind != ItemPrerequisites }

// Name names the item in French, uniquely within its framework: « bloc BC1 »,
// « compétence C1 du bloc BC1 ».
func (i FrameworkItem) Name() string {
	switch i.Kind {
	case ItemQualification:
		return "qualification " + i.Code
	case ItemPrerequisites:
		return "prérequis"
	case ItemBlock:
		return "bloc " + i.Code
	case ItemCompetence:
		return "compétence " + i.Code + " du bloc " + i.Block
	}
	return string(i.Kind)
}

// KindLabel says in French what kind of item it is, for a list that shows its code and title
// apart: « bloc », « compétence du bloc BC1 ».
func (i FrameworkItem) KindLabel() string {
	switch i.Kind {
	case ItemQualification:
		return "qualification"
	case ItemPrerequisites:
		return "prérequis"
	case ItemBlock:
		return "bloc"
	case ItemCompetence:
		return "compétence du bloc " + i.Block
	}
	return string(i.Kind)
}

// Label is the item's name with its title: « bloc OPT1 « Bloc optionnel 1 — … » ».
func (i FrameworkItem) Label() string {
	if !i.HasTitle() {
		return i.Name()
	}
	return i.Name() + " « " + i.Title + " »"
}

// Items lists every item of the framework that may carry a to-confirm flag, in reading
// order: the qualification, its prerequisites, then each block followed by its competences.
func (f Framework) Items() []FrameworkItem {
	q := f.Qualification
	out := []FrameworkItem{
		{Kind: ItemQualification, Code: q.Code, Title: q.Title, Note: q.Note, ToConfirm: q.ToConfirm},
		{Kind: ItemPrerequisites, Note: f.Prerequisites.Note, ToConfirm: f.Prerequisites.ToConfirm},
	}
	for _, b := range f.Blocks {
		out = append(out, FrameworkItem{Kind: ItemBlock, Block: b.Code, Code: b.Code, Title: b.Title, Note: b.Note, ToConfirm: b.ToConfirm})
		for _, c := range b.Competences {
			out = append(out, FrameworkItem{Kind: ItemCompetence, Block: b.Code, Code: c.Code, Title: c.Title, Note: c.Note, ToConfirm: c.ToConfirm})
		}
	}
	return out
}

// ItemsToConfirm lists the items still flagged to confirm, in reading order. It holds
// ToConfirmCount items.
func (f Framework) ItemsToConfirm() []FrameworkItem {
	var out []FrameworkItem
	for _, it := range f.Items() {
		if it.ToConfirm {
			out = append(out, it)
		}
	}
	return out
}

// Item returns the item with the given Ref.
func (f Framework) Item(ref string) (FrameworkItem, bool) {
	for _, it := range f.Items() {
		if it.Ref() == ref {
			return it, true
		}
	}
	return FrameworkItem{}, false
}

// ConfirmItem returns a copy of f in which the item ref is confirmed: its flag is cleared,
// its title becomes title (ignored for the prerequisites) and its note, which explained why
// it had to be confirmed, is cleared. Nothing else changes, f included: codes, kinds, detailed
// counts and rules stay as they are, so SameRules(f, result) always holds.
func (f Framework) ConfirmItem(ref, title string) (Framework, error) {
	out := f.clone()
	switch {
	case ref == string(ItemQualification):
		out.Qualification.Title, out.Qualification.ToConfirm, out.Qualification.Note = title, false, ""
		return out, nil
	case ref == string(ItemPrerequisites):
		out.Prerequisites.ToConfirm, out.Prerequisites.Note = false, ""
		return out, nil
	}
	for bi := range out.Blocks {
		b := &out.Blocks[bi]
		if ref == "block/"+b.Code {
			b.Title, b.ToConfirm, b.Note = title, false, ""
			return out, nil
		}
		for ci := range b.Competences {
			c := &b.Competences[ci]
			if ref == "competence/"+b.Code+"/"+c.Code {
				c.Title, c.ToConfirm, c.Note = title, false, ""
				return out, nil
			}
		}
	}
	return f, fmt.Errorf("framework %s: no item %q", f.Qualification.Code, ref)
}

// clone copies f deeply enough that changing the copy's blocks and competences leaves f as
// it is.
func (f Framework) clone() Framework {
	out := f
	out.Blocks = make([]Block, len(f.Blocks))
	for i, b := range f.Blocks {
		b.Competences = append([]Competence(nil), b.Competences...)
		out.Blocks[i] = b
	}
	return out
}

// SameRules reports whether a and b differ at most in wording: titles, notes and
// to-confirm flags. Everything a rule reads (codes, kinds, detailed counts, composition,
// thresholds, hours, prerequisites) is the same. A change of wording may be made to a version
// that candidates already use; any other change needs a new version.
func SameRules(a, b Framework) bool {
	return reflect.DeepEqual(a.withoutWording(), b.withoutWording())
}

func (f Framework) withoutWording() Framework {
	out := f.clone()
	out.Qualification.Title, out.Qualification.Note, out.Qualification.ToConfirm = "", "", false
	out.Prerequisites.Note, out.Prerequisites.ToConfirm = "", false
	for bi := range out.Blocks {
		b := &out.Blocks[bi]
		b.Title, b.Note, b.ToConfirm = "", "", false
		for ci := range b.Competences {
			c := &b.Competences[ci]
			c.Title, c.Note, c.ToConfirm = "", "", false
		}
	}
	return out
}

// placeholderWordings are the phrases by which the shipped framework marks a text the
// branch has not given yet (« Bloc optionnel 1 — à compléter par la branche », « Texte
// d'attente »), lower case and without accents.
var placeholderWordings = []string{"a completer", "texte d'attente"}

// ReadsAsPlaceholder reports whether a text is placeholder wording rather than the branch's
// own: it contains « à compléter » or « texte d'attente », whatever the case, the accents or
// the apostrophe. Such a text is never printed on a document and cannot be confirmed as is.
func ReadsAsPlaceholder(s string) bool {
	var buf [256]byte // titles fit: folding them allocates nothing
	folded := appendFoldForPlaceholder(buf[:0], s)
	for _, w := range placeholderWordings {
		if bytes.Contains(folded, []byte(w)) {
			return true
		}
	}
	return false
}

// appendFoldForPlaceholder appends to dst s in lower case, à and é, è, ê without their
// accents, the typographic apostrophe as a straight one and every run of spaces as one space,
// without spaces at either end. The public verification folds every title it shows.
func appendFoldForPlaceholder(dst []byte, s string) []byte {
	start := len(dst)
	space := false // spaces were skipped since the last character written
	for _, r := range s {
		r = unicode.ToLower(r)
		switch r {
		case 'à':
			r = 'a'
		case 'é', 'è', 'ê':
			r = 'e'
		case '’':
			r = '\''
		}
		if unicode.IsSpace(r) {
			space = true
			continue
		}
		if space && len(dst) > start {
			dst = append(dst, ' ')
		}
		space = false
		dst = utf8.AppendRune(dst, r)
	}
	return dst
}

// PublicTitle is the title a public page may print for an item: its title once the branch
// has confirmed it and it reads as the branch's own wording, "" otherwise (the page then
// shows the code alone).
func PublicTitle(title string, toConfirm bool) string {
	if toConfirm || ReadsAsPlaceholder(title) {
		return ""
	}
	return title
}
