package frameworkfile

import (
	"bytes"
	"errors"
	"fmt"
	"reflect"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v3"

	"cqp/internal/domain"
)

// The shapes Encode writes, key order included. Parse does not use them: it walks the YAML
// tree itself to keep line numbers and report every problem.
type (
	fileYAML struct {
		Format         int                 `yaml:"format"`
		Branch         branchYAML          `yaml:"branch"`
		CommonBlocks   []blockYAML         `yaml:"common_blocks,omitempty"`
		Qualifications []qualificationYAML `yaml:"qualifications"`
	}
	branchYAML struct {
		Code      string `yaml:"code"`
		Name      string `yaml:"name"`
		IDCC      string `yaml:"idcc,omitempty"`
		ToConfirm bool   `yaml:"to_confirm,omitempty"`
		Note      string `yaml:"note,omitempty"`
	}
	qualificationYAML struct {
		Code              string            `yaml:"code"`
		Title             string            `yaml:"title"`
		RNCP              string            `yaml:"rncp,omitempty"`
		NSF               string            `yaml:"nsf,omitempty"`
		Level             string            `yaml:"level,omitempty"`
		ToConfirm         bool              `yaml:"to_confirm,omitempty"`
		Note              string            `yaml:"note,omitempty"`
		Version           int               `yaml:"version"`
		ThresholdPercent  int               `yaml:"threshold_percent"`
		ContinuousMinimum markYAML          `yaml:"continuous_minimum"`
		Composition       compositionYAML   `yaml:"composition"`
		Prerequisites     prerequisitesYAML `yaml:"prerequisites"`
		TrainingHours     int               `yaml:"training_hours"`
		InternshipHours   int               `yaml:"internship_hours"`
		Blocks            []blockYAML       `yaml:"blocks,omitempty"`
	}
	compositionYAML struct {
		Common    int `yaml:"common"`
		Specialty int `yaml:"specialty"`
		Optional  int `yaml:"optional"`
	}
	prerequisitesYAML struct {
		MinDiplomaLevel      int    `yaml:"min_diploma_level"`
		MinExperienceMonths  int    `yaml:"min_experience_months"`
		VAEMinRelatedMonths  int    `yaml:"vae_min_related_months"`
		VAERecommendedMonths int    `yaml:"vae_recommended_months"`
		ToConfirm            bool   `yaml:"to_confirm,omitempty"`
		Note                 string `yaml:"note,omitempty"`
	}
	blockYAML struct {
		Code          string           `yaml:"code"`
		Title         string           `yaml:"title"`
		Kind          string           `yaml:"kind,omitempty"`
		RNCPCode      string           `yaml:"rncp_code,omitempty"`
		TrainingHours int              `yaml:"training_hours,omitempty"`
		ToConfirm     bool             `yaml:"to_confirm,omitempty"`
		Note          string           `yaml:"note,omitempty"`
		Competences   []competenceYAML `yaml:"competences"`
	}
	competenceYAML struct {
		Code      string `yaml:"code"`
		Title     string `yaml:"title"`
		Detailed  int    `yaml:"detailed"`
		ToConfirm bool   `yaml:"to_confirm,omitempty"`
		Note      string `yaml:"note,omitempty"`
	}
)

// markYAML writes a mark as a plain decimal number: 10, 12.5, 9.75.
type markYAML domain.Mark

func (m markYAML) MarshalYAML() (any, error) {
	return &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!float", Value: formatMark(domain.Mark(m))}, nil
}

func formatMark(m domain.Mark) string {
	whole, frac := int(m)/domain.MarkScale, int(m)%domain.MarkScale
	if frac == 0 {
		return strconv.Itoa(whole)
	}
	return strings.TrimRight(fmt.Sprintf("%d.%02d", whole, frac), "0")
}

const exportComment = `Référentiel de certification exporté par cqp.
Format décrit dans docs/framework-format.md ; « cqp framework import » le relit.`

// Encode writes f as a framework file. Blocks that open every framework identically (kind
// common, same content, same notes) are written once under common_blocks; every other block
// is written in its qualification. Encode checks its own output: it fails, rather than
// writing a file that Parse would reject or read differently, when f is not a valid
// framework (the error is then a *ValidationError) or cannot be written exactly (a note
// about an item f does not hold, a text with spaces around it).
//
// A note may be given in f.Notes or in the Note field of the domain item it explains; when
// both are set, f.Notes wins. Parse puts every note in Notes and leaves the Note fields empty.
func Encode(f File) ([]byte, error) {
	f = notesInMap(f)
	if err := checkNotes(f); err != nil {
		return nil, err
	}
	shared := sharedPrefix(f)
	doc := fileYAML{Format: FormatVersion, Branch: branchYAML{
		Code: f.Branch.Code, Name: f.Branch.Name, IDCC: f.Branch.IDCC,
		ToConfirm: f.BranchToConfirm, Note: f.Note(Ref{}),
	}}
	if shared > 0 {
		fw := f.Frameworks[0]
		for _, b := range fw.Blocks[:shared] {
			by := encodeBlock(f, fw.Qualification.Code, b)
			by.Kind = ""
			doc.CommonBlocks = append(doc.CommonBlocks, by)
		}
	}
	for _, fw := range f.Frameworks {
		doc.Qualifications = append(doc.Qualifications, encodeFramework(f, fw, shared))
	}

	var root yaml.Node
	if err := root.Encode(doc); err != nil {
		return nil, fmt.Errorf("référentiel impossible à exporter : %w", err)
	}
	root.HeadComment = exportComment
	var buf bytes.Buffer
	enc := yaml.NewEncoder(&buf)
	enc.SetIndent(2)
	if err := enc.Encode(&root); err != nil {
		return nil, fmt.Errorf("référentiel impossible à exporter : %w", err)
	}
	if err := enc.Close(); err != nil {
		return nil, fmt.Errorf("référentiel impossible à exporter : %w", err)
	}
	out := buf.Bytes()

	back, err := Parse("export", out)
	if err != nil {
		return nil, err
	}
	if !Equal(back, f) {
		return nil, errors.New("référentiel impossible à exporter à l'identique : un texte commence ou finit par des espaces, ou contient un retour à la ligne là où le format n'en accepte pas")
	}
	return out, nil
}

// Equal reports whether two files hold the same content (a nil and an empty Notes are equal).
func Equal(a, b File) bool {
	if len(a.Notes) == 0 && len(b.Notes) == 0 {
		a.Notes, b.Notes = nil, nil
	}
	return reflect.DeepEqual(a, b)
}

// notesInMap returns a copy of f whose notes are all in Notes, the Note fields of its domain
// items being moved there (unless Notes already holds a note for the item) and emptied.
func notesInMap(f File) File {
	notes := make(map[Ref]string, len(f.Notes))
	for r, n := range f.Notes {
		notes[r] = n
	}
	move := func(r Ref, field *string) {
		if _, ok := notes[r]; !ok && *field != "" {
			notes[r] = *field
		}
		*field = ""
	}
	frameworks := make([]domain.Framework, len(f.Frameworks))
	for i, fw := range f.Frameworks {
		q := fw.Qualification.Code
		move(QualificationRef(q), &fw.Qualification.Note)
		move(PrerequisitesRef(q), &fw.Prerequisites.Note)
		blocks := make([]domain.Block, len(fw.Blocks))
		for j, b := range fw.Blocks {
			move(BlockRef(q, b.Code), &b.Note)
			comps := make([]domain.Competence, len(b.Competences))
			for k, c := range b.Competences {
				move(CompetenceRef(q, b.Code, c.Code), &c.Note)
				comps[k] = c
			}
			if b.Competences == nil {
				comps = nil
			}
			b.Competences = comps
			blocks[j] = b
		}
		if fw.Blocks == nil {
			blocks = nil
		}
		fw.Blocks = blocks
		frameworks[i] = fw
	}
	if f.Frameworks == nil {
		frameworks = nil
	}
	f.Frameworks = frameworks
	f.Notes = notes
	return f
}

// checkNotes refuses notes about items the file does not hold: they would be lost.
func checkNotes(f File) error {
	for r := range f.Notes {
		if r == (Ref{}) {
			continue
		}
		fw, ok := f.Framework(r.Qualification)
		found := ok
		switch {
		case !ok:
		case r.Prerequisites:
			found = r.Block == "" && r.Competence == ""
		case r.Block == "":
			found = r.Competence == ""
		default:
			b, ok := fw.Block(r.Block)
			found = ok
			if ok && r.Competence != "" {
				found = false
				for _, c := range b.Competences {
					found = found || c.Code == r.Competence
				}
			}
		}
		if !found {
			return fmt.Errorf("référentiel impossible à exporter : une note porte sur un élément absent (qualification « %s », bloc « %s », compétence « %s »)", r.Qualification, r.Block, r.Competence)
		}
	}
	return nil
}

// sharedPrefix is the number of leading blocks that every framework holds identically, as
// common blocks with the same notes: those are written once, under common_blocks.
func sharedPrefix(f File) int {
	if len(f.Frameworks) == 0 {
		return 0
	}
	first := f.Frameworks[0]
	n := 0
	for ; n < len(first.Blocks); n++ {
		b := first.Blocks[n]
		if b.Kind != domain.BlockCommon {
			return n
		}
		for _, fw := range f.Frameworks[1:] {
			if n >= len(fw.Blocks) || !reflect.DeepEqual(fw.Blocks[n], b) ||
				!sameBlockNotes(f, first.Qualification.Code, fw.Qualification.Code, b) {
				return n
			}
		}
	}
	return n
}

func sameBlockNotes(f File, q1, q2 string, b domain.Block) bool {
	if f.Note(BlockRef(q1, b.Code)) != f.Note(BlockRef(q2, b.Code)) {
		return false
	}
	for _, c := range b.Competences {
		if f.Note(CompetenceRef(q1, b.Code, c.Code)) != f.Note(CompetenceRef(q2, b.Code, c.Code)) {
			return false
		}
	}
	return true
}

func encodeFramework(f File, fw domain.Framework, shared int) qualificationYAML {
	q := fw.Qualification
	p := fw.Prerequisites
	out := qualificationYAML{
		Code: q.Code, Title: q.Title, RNCP: q.RNCP, NSF: q.NSF, Level: q.Level,
		ToConfirm: q.ToConfirm, Note: f.Note(QualificationRef(q.Code)),
		Version:           fw.Version,
		ThresholdPercent:  fw.ThresholdPercent,
		ContinuousMinimum: markYAML(fw.ContinuousMinimum),
		Composition: compositionYAML{
			Common: fw.Composition.Common, Specialty: fw.Composition.Specialty, Optional: fw.Composition.Optional,
		},
		Prerequisites: prerequisitesYAML{
			MinDiplomaLevel:      p.MinDiplomaLevel,
			MinExperienceMonths:  p.MinExperienceMonths,
			VAEMinRelatedMonths:  p.VAEMinRelatedMonths,
			VAERecommendedMonths: p.VAERecommendedRelatedMonths,
			ToConfirm:            p.ToConfirm,
			Note:                 f.Note(PrerequisitesRef(q.Code)),
		},
		TrainingHours:   fw.TrainingHours,
		InternshipHours: fw.InternshipHours,
	}
	if shared <= len(fw.Blocks) {
		for _, b := range fw.Blocks[shared:] {
			out.Blocks = append(out.Blocks, encodeBlock(f, q.Code, b))
		}
	}
	return out
}

func encodeBlock(f File, qualification string, b domain.Block) blockYAML {
	out := blockYAML{
		Code: b.Code, Title: b.Title, Kind: string(b.Kind), RNCPCode: b.RNCPCode,
		TrainingHours: b.TrainingHours, ToConfirm: b.ToConfirm,
		Note: f.Note(BlockRef(qualification, b.Code)),
	}
	for _, c := range b.Competences {
		out.Competences = append(out.Competences, competenceYAML{
			Code: c.Code, Title: c.Title, Detailed: c.Detailed, ToConfirm: c.ToConfirm,
			Note: f.Note(CompetenceRef(qualification, b.Code, c.Code)),
		})
	}
	return out
}
