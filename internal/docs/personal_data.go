package docs

import (
	"errors"
	"fmt"
	"strings"
	"time"

	"cqp/internal/domain"
)

// PersonalDataDoc is a readable copy of everything cqp holds on a person, for their right of
// access (RGPD article 15): a title page block, then sections of labelled fields and tables.
// The caller writes the French labels and values; this file only lays them out.
type PersonalDataDoc struct {
	Controller string    // who holds the data, e.g. the branch's name
	HolderName string    // « Éloïse LEFÈVRE »
	Number     string    // the candidate's number
	Created    time.Time // the export's time (printed in Paris time); also the PDF creation date
	Intro      []string  // paragraphs under the title
	Sections   []PersonalDataSection
}

// PersonalDataSection is a numbered section: fields, then paragraphs, then tables.
type PersonalDataSection struct {
	Title      string
	Fields     []PersonalDataField
	Paragraphs []string
	Tables     []PersonalDataTable
}

// PersonalDataField is one labelled value; an empty value prints as « — ».
type PersonalDataField struct{ Label, Value string }

// PersonalDataTable is a table under a small title. Column weights share the page's width;
// cells wrap. Empty is printed instead of the table when it has no rows.
type PersonalDataTable struct {
	Title   string
	Columns []PersonalDataColumn
	Rows    [][]string
	Empty   string
}

// PersonalDataColumn is a table column: its header and its share of the width.
type PersonalDataColumn struct {
	Title  string
	Weight float64
}

func (d PersonalDataDoc) check() error {
	if strings.TrimSpace(d.Controller) == "" {
		return errors.New("the controller's name is required")
	}
	if strings.TrimSpace(d.HolderName) == "" {
		return errors.New("the holder's name is required")
	}
	if d.Created.IsZero() {
		return errors.New("the export's time is required")
	}
	for _, s := range d.Sections {
		for _, t := range s.Tables {
			if len(t.Columns) == 0 {
				return fmt.Errorf("table %q has no columns", t.Title)
			}
			for _, r := range t.Rows {
				if len(r) != len(t.Columns) {
					return fmt.Errorf("table %q: a row has %d cells for %d columns", t.Title, len(r), len(t.Columns))
				}
			}
		}
	}
	return nil
}

// PersonalDataPDF renders the document on A4 portrait pages numbered « Page 1 / 3 ».
func PersonalDataPDF(d PersonalDataDoc) ([]byte, error) {
	if err := d.check(); err != nil {
		return nil, fmt.Errorf("personal data: %w", err)
	}
	pdf, err := renderCounted(func(total int) *sheet { return writePersonalData(d, total) })
	if err != nil {
		return nil, fmt.Errorf("personal data: %w", err)
	}
	return pdf, nil
}

func writePersonalData(d PersonalDataDoc, total int) *sheet {
	controller := clean(d.Controller, false)
	holder := clean(d.HolderName, false)
	title := "Vos données personnelles détenues par " + controller
	footer := "Données personnelles " + De(holder)
	if d.Number != "" {
		footer += " (n° " + clean(d.Number, false) + ")"
	}
	footer += " — extraites le " + domain.DateOf(d.Created).String()
	s := newSheet(d.Created, title, controller, footer, total)

	s.text(sheetMargin, sheetTextW, 10, "B", colourTitle, "C", strings.ToUpper(controller))
	s.y += 1
	s.text(sheetMargin, sheetTextW, titleSize, "B", colourTitle, "C", "Vos données personnelles détenues par "+controller)
	s.y += 1
	sub := holder
	if d.Number != "" {
		sub += " — candidat n° " + clean(d.Number, false)
	}
	s.text(sheetMargin, sheetTextW, 11.5, "B", colourText, "C", sub)
	s.text(sheetMargin, sheetTextW, 8.5, "", colourLabel, "C", "Extraction du "+frenchDateTime(d.Created))
	s.rule()
	for _, p := range d.Intro {
		s.para(9.5, "", clean(p, true))
	}
	for i, sec := range d.Sections {
		// A heading stays with what starts its section: a few fields, or a paragraph and the
		// first rows of a table.
		keep := 12.0
		if len(sec.Fields) == 0 && len(sec.Tables) > 0 {
			keep = 3*(tableLH()+2*cellPad) + 8
			for _, p := range sec.Paragraphs {
				keep += s.paraHeight(9.5, "", clean(p, true))
			}
		}
		s.heading(fmt.Sprintf("%d. %s", i+1, clean(sec.Title, false)), keep)
		for _, f := range sec.Fields {
			v := f.Value
			if strings.TrimSpace(v) == "" {
				v = "—"
			}
			s.field(clean(f.Label, false), v)
		}
		if len(sec.Fields) > 0 {
			s.y += 1.5
		}
		for _, p := range sec.Paragraphs {
			s.para(9.5, "", clean(p, true))
		}
		for _, t := range sec.Tables {
			s.personalTable(t, clean(sec.Title, false))
		}
	}
	return s
}

// personalTable draws one table under its title, or its Empty sentence. A table carried over
// to another page is named by its title, or else by its section's.
func (s *sheet) personalTable(t PersonalDataTable, section string) {
	name := clean(t.Title, false)
	if name != "" {
		keep := lineHeight(10) + 2
		if len(t.Rows) > 0 {
			keep += 3 * (tableLH() + 2*cellPad)
		} else {
			keep += lineHeight(9) + 2
		}
		s.ensure(keep)
		s.y += 1
		s.text(sheetMargin, sheetTextW, 10, "B", colourText, "L", name)
		s.y += 1
	}
	if len(t.Rows) == 0 {
		if t.Empty != "" {
			s.text(sheetMargin, sheetTextW, 9, "", colourLabel, "L", clean(t.Empty, false))
			s.y += 2
		}
		return
	}
	var sum float64
	for _, c := range t.Columns {
		sum += max(c.Weight, 0.01)
	}
	cols := make([]sheetColumn, len(t.Columns))
	for i, c := range t.Columns {
		cols[i] = sheetColumn{title: clean(c.Title, false), width: sheetTextW * max(c.Weight, 0.01) / sum}
	}
	cells := func(r []string) []sheetCell {
		out := make([]sheetCell, len(r))
		for i, v := range r {
			out[i] = s.cell(cols[i].width, cellText{"", clean(v, true)})
		}
		return out
	}
	if name == "" {
		name = section
	}
	s.startTable(name, cols, 0)
	for _, r := range t.Rows {
		s.row(cells(r), 0)
	}
	s.endTable()
}
