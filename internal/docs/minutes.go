package docs

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/go-pdf/fpdf"

	"cqp/internal/domain"
)

// MinutesMember is a member of the jury as listed in the minutes.
type MinutesMember struct {
	Name, College string
	Present       bool
	President     bool
}

// MinutesBlock is one block's result for one candidate.
type MinutesBlock struct {
	Code, Title     string
	Outcome         string // French label: « acquis », « non acquis », « en débat », « non admis », « incomplet »
	Explanation     string // the rules engine's French explanation
	Source          string // how an acquired block was reached: « formation (…) », « expérience (…) »
	Debate          bool
	Decision        string // « acquis » / « non acquis » for a debated block
	Reason          string // the jury's reason
	ReferentOpinion string
}

// MinutesCandidate is one candidate's result in the minutes.
type MinutesCandidate struct {
	Name, Number, QualificationTitle, Route string
	Outcome                                 string // « certifié », « validation partielle », « non certifié »
	Blocks                                  []MinutesBlock
	// Derogations are the secretariat's derogations to the gates before the jury the candidate
	// was presented with (DOMAIN.md §7 rule 5).
	Derogations []MinutesDerogation
}

// MinutesDerogation is a derogation to a gate before the jury: what was missing, why it was
// waived, by whom and when.
type MinutesDerogation struct {
	Missing string // « Stage : 0 h sur 175 h dues »
	Reason  string
	By      string
	On      string // French date, « 25/11/2026 »
}

// text says the derogation as the minutes print it.
func (d MinutesDerogation) text() string {
	s := "Dérogation aux conditions de présentation au jury — " + clean(d.Missing, false) + ". Motif : " + clean(d.Reason, true)
	if by, on := clean(d.By, false), clean(d.On, false); by != "" || on != "" {
		s += " (accordée"
		if by != "" {
			s += " par " + by
		}
		if on != "" {
			s += " le " + on
		}
		s += ")"
	}
	if !strings.HasSuffix(s, ".") && !strings.HasSuffix(s, "!") && !strings.HasSuffix(s, "?") && !strings.HasSuffix(s, "…") {
		s += "."
	}
	return s
}

// MinutesDoc is everything the minutes (procès-verbal de délibération) of a jury session say.
type MinutesDoc struct {
	BranchName     string
	SessionID      string    // for error messages only: the document names the session by its date
	Date           time.Time // session start, shown in Paris time
	Place          string
	Qualifications []string
	Members        []MinutesMember
	Quorum         int
	PresentCount   int
	Candidates     []MinutesCandidate
	Rectification  string // when this session rectifies an earlier one: which and why; else ""
	Signatories    []Signatory
	ClosedAt       time.Time
	CreatedAt      time.Time // fixed for reproducibility
}

func (m MinutesDoc) check() error {
	if strings.TrimSpace(m.BranchName) == "" {
		return errors.New("the branch name is required")
	}
	if strings.TrimSpace(m.SessionID) == "" {
		return errors.New("the session identifier is required")
	}
	if m.Date.IsZero() {
		return errors.New("the session date is required")
	}
	if m.CreatedAt.IsZero() {
		return errors.New("the creation date is required so that the PDF is reproducible")
	}
	if m.Quorum < 1 {
		return fmt.Errorf("the quorum must be at least 1, not %d", m.Quorum)
	}
	present := 0
	for _, mb := range m.Members {
		if strings.TrimSpace(mb.Name) == "" {
			return errors.New("every member needs a name")
		}
		if mb.Present {
			present++
		}
	}
	if present != m.PresentCount {
		return fmt.Errorf("the present count is %d but %d members are marked present", m.PresentCount, present)
	}
	for _, c := range m.Candidates {
		if strings.TrimSpace(c.Name) == "" {
			return errors.New("every candidate needs a name")
		}
		for _, b := range c.Blocks {
			if strings.TrimSpace(b.Code) == "" {
				return fmt.Errorf("candidate %s: every block needs a code", c.Number)
			}
		}
		for _, d := range c.Derogations {
			if strings.TrimSpace(d.Missing) == "" || strings.TrimSpace(d.Reason) == "" {
				return fmt.Errorf("candidate %s: every derogation needs what was missing and a reason", c.Number)
			}
		}
	}
	if len(m.Signatories) == 0 {
		return errors.New("at least one signatory is required")
	}
	for _, s := range m.Signatories {
		if strings.TrimSpace(s.Role) == "" || strings.TrimSpace(s.Name) == "" {
			return errors.New("every signatory needs a role and a name")
		}
	}
	return nil
}

// Page geometry of the minutes (A4 portrait, millimetres).
const (
	minW      = 210.0
	minMargin = 18.0
	minTop    = 18.0
	minBottom = 277.0 // content stops here; the footer is below
	minTextW  = minW - 2*minMargin
	cellPad   = 1.3
	tableSize = 8.5
)

// minutes carries the document being written and where the next thing goes.
type minutes struct {
	pdf *fpdf.Fpdf
	y   float64
	// table names the table being written, repeated with « (suite) » above its header when
	// it continues on a new page.
	table string
}

// MinutesPDF renders the minutes of a jury session: A4 portrait pages with the session, the
// members present and the quorum, each candidate's blocks with the debates, decisions and
// reasons, and the signatures, numbered « Page 1 / 3 ».
func MinutesPDF(m MinutesDoc) ([]byte, error) {
	if err := m.check(); err != nil {
		return nil, fmt.Errorf("minutes of session %s: %w", m.SessionID, err)
	}
	// Two passes: the first only counts the pages, so that every footer can print the total
	// as plain text. (fpdf's page-count alias would be replaced in the user's text too, and
	// cannot be right-aligned.) The layout does not depend on the total.
	counted := writeMinutes(m, 0)
	if err := counted.Error(); err != nil {
		return nil, fmt.Errorf("minutes of session %s: %w", m.SessionID, err)
	}
	return output(writeMinutes(m, counted.PageNo()))
}

// writeMinutes lays the minutes out, numbering pages « Page n / total ».
func writeMinutes(m MinutesDoc, total int) *fpdf.Fpdf {
	title := "Procès-verbal de délibération du jury"
	session := m.sessionLabel()
	pdf := newPDF("P", m.CreatedAt, title+" — "+session, clean(m.BranchName, false))
	// The session first: a long branch name is what the footer cuts.
	footer := "Procès-verbal de délibération — " + session + " — " + clean(m.BranchName, false)
	pdf.SetFooterFunc(func() {
		pdf.SetDrawColor(colourRule.r, colourRule.g, colourRule.b)
		pdf.SetLineWidth(0.2)
		pdf.Line(minMargin, minBottom+4, minW-minMargin, minBottom+4)
		setFont(pdf, "", 7.5, colourLabel)
		pageLabel := "Page " + strconv.Itoa(pdf.PageNo()) + " / " + strconv.Itoa(total)
		labelW := pdf.GetStringWidth(pageLabel)
		left := footer
		for pdf.GetStringWidth(left) > minTextW-labelW-6 && len([]rune(left)) > 1 {
			r := []rune(left)
			left = string(r[:len(r)-2]) + "…"
		}
		pdf.SetXY(minMargin, minBottom+5.5)
		pdf.CellFormat(minTextW-labelW-6, 4, left, "", 0, "L", false, 0, "")
		pdf.SetXY(minW-minMargin-labelW, minBottom+5.5)
		pdf.CellFormat(labelW, 4, pageLabel, "", 0, "R", false, 0, "")
	})
	w := &minutes{pdf: pdf}
	w.newPage()

	setFont(pdf, "B", 10, colourTitle)
	w.y = paragraph(pdf, minMargin, w.y, minTextW, 10, "C", strings.ToUpper(clean(m.BranchName, false)))
	w.y += 1
	setFont(pdf, "B", titleSize, colourTitle)
	w.y = paragraph(pdf, minMargin, w.y, minTextW, titleSize, "C", title)
	setFont(pdf, "", 10, colourText)
	when := "Séance du " + frenchDateTime(m.Date)
	if place := clean(m.Place, false); place != "" {
		when += " — " + place
	}
	w.y = paragraph(pdf, minMargin, w.y+1, minTextW, 10, "C", when)
	w.rule()

	if r := clean(m.Rectification, true); r != "" {
		w.box("Rectification", r)
	}

	w.heading("Certifications concernées")
	setFont(pdf, "", 9.5, colourText)
	if len(m.Qualifications) == 0 {
		w.text(9.5, "", "Aucune certification n’est mentionnée.")
	}
	for _, q := range m.Qualifications {
		w.text(9.5, "", "• "+clean(q, false))
	}

	w.heading("Composition du jury")
	w.membersTable(m.Members)
	var absent []string
	for _, mb := range m.Members {
		if !mb.Present {
			a := clean(mb.Name, false)
			if c := clean(mb.College, false); c != "" {
				a += " (" + c + ")"
			}
			absent = append(absent, a)
		}
	}
	if len(absent) > 0 {
		w.text(9, "", "Membres absents ou excusés : "+strings.Join(absent, ", ")+".")
	}
	w.y += 1
	w.text(10, "B", QuorumLine(m.Quorum, m.PresentCount))

	w.heading("Délibérations")
	if len(m.Candidates) == 0 {
		w.text(9.5, "", "Aucun candidat n’a été présenté au jury lors de cette séance.")
	}
	for i, c := range m.Candidates {
		w.candidate(i+1, c)
	}

	w.heading("Récapitulatif")
	w.text(9.5, "", summary(m.Candidates))
	if !m.ClosedAt.IsZero() {
		w.text(9.5, "", "La séance est close le "+frenchDateTime(m.ClosedAt)+".")
	}

	// Signatures, three to a row; the heading stays with the first row.
	for start := 0; start < len(m.Signatories); start += 3 {
		row := m.Signatories[start:min(start+3, len(m.Signatories))]
		h := signatureHeight(pdf, row, minTextW) + 6
		if start == 0 {
			w.ensure(h + lineHeight(12) + 4)
			w.heading("Signatures")
		} else {
			w.ensure(h)
		}
		w.y = signatureBlocks(pdf, minMargin, w.y+2, minTextW, row) + 4
	}
	return pdf
}

// sessionLabel names the session as people do, by its kind and its day: « Jury de
// certification du 25/11/2026 », « Jury rectificatif du 12/12/2026 ».
func (m MinutesDoc) sessionLabel() string {
	day := domain.DateOf(m.Date).String()
	if strings.TrimSpace(m.Rectification) != "" {
		return "Jury rectificatif du " + day
	}
	return "Jury de certification du " + day
}

// QuorumLine says the quorum and whether it is reached:
// « Quorum : 4 membres requis, 6 présents — atteint ».
func QuorumLine(quorum, present int) string {
	state := "atteint"
	if present < quorum {
		state = "non atteint"
	}
	return "Quorum : " + plural(quorum, "membre requis", "membres requis") + ", " +
		plural(present, "présent", "présents") + " — " + state
}

func plural(n int, one, many string) string {
	if n <= 1 {
		return strconv.Itoa(n) + " " + one
	}
	return strconv.Itoa(n) + " " + many
}

// summary counts the candidates by result, in the order results first appear.
func summary(cs []MinutesCandidate) string {
	if len(cs) == 0 {
		return "Aucun candidat délibéré."
	}
	var order []string
	counts := map[string]int{}
	for _, c := range cs {
		o := clean(c.Outcome, false)
		if o == "" {
			o = "sans résultat"
		}
		if counts[o] == 0 {
			order = append(order, o)
		}
		counts[o]++
	}
	parts := make([]string, len(order))
	for i, o := range order {
		parts[i] = o + " : " + strconv.Itoa(counts[o])
	}
	return "Candidats délibérés : " + strconv.Itoa(len(cs)) + " — " + strings.Join(parts, " ; ") + "."
}

func (w *minutes) newPage() {
	w.pdf.AddPage()
	w.y = minTop
}

// ensure starts a new page unless h millimetres are left on this one.
func (w *minutes) ensure(h float64) {
	if w.y+h > minBottom {
		w.newPage()
	}
}

func (w *minutes) rule() {
	w.y += 2.5
	w.pdf.SetDrawColor(colourTitle.r, colourTitle.g, colourTitle.b)
	w.pdf.SetLineWidth(0.4)
	w.pdf.Line(minMargin, w.y, minW-minMargin, w.y)
	w.y += 3
}

// heading writes a section title, kept with at least 15 mm of what follows.
func (w *minutes) heading(t string) {
	w.ensure(lineHeight(12) + 17)
	w.y += 3
	setFont(w.pdf, "B", 12, colourTitle)
	w.y = paragraph(w.pdf, minMargin, w.y, minTextW, 12, "L", t)
	w.y += 1
}

// text writes a wrapped paragraph across the text width, breaking pages between lines.
func (w *minutes) text(size float64, style, t string) {
	setFont(w.pdf, style, size, colourText)
	lh := lineHeight(size)
	for _, l := range wrap(w.pdf, t, minTextW) {
		if w.y+lh > minBottom {
			w.newPage()
			setFont(w.pdf, style, size, colourText)
		}
		w.y = textLines(w.pdf, minMargin, w.y, minTextW, lh, "L", []string{l})
	}
}

// box writes a titled note in a shaded frame (the rectification notice).
func (w *minutes) box(title, body string) {
	setFont(w.pdf, "", 9.5, colourText)
	lines := wrap(w.pdf, body, minTextW-6)
	h := lineHeight(11) + float64(len(lines))*lineHeight(9.5) + 5
	w.ensure(h)
	w.y += 2
	w.pdf.SetFillColor(colourFill.r, colourFill.g, colourFill.b)
	w.pdf.SetDrawColor(colourTitle.r, colourTitle.g, colourTitle.b)
	w.pdf.SetLineWidth(0.3)
	w.pdf.Rect(minMargin, w.y, minTextW, h, "FD")
	setFont(w.pdf, "B", 11, colourTitle)
	y := textLines(w.pdf, minMargin+3, w.y+2, minTextW-6, lineHeight(11), "L", []string{title})
	setFont(w.pdf, "", 9.5, colourText)
	textLines(w.pdf, minMargin+3, y, minTextW-6, lineHeight(9.5), "L", lines)
	w.y += h + 1
}

// A table is drawn row by row; each cell holds lines, each with its own style.
type styledLine struct{ style, text string }

type column struct {
	title string
	width float64
}

type cellText struct{ style, text string }

func (w *minutes) cell(width float64, parts ...cellText) []styledLine {
	var out []styledLine
	for _, p := range parts {
		if p.text == "" {
			continue
		}
		setFont(w.pdf, p.style, tableSize, colourText)
		for _, l := range wrap(w.pdf, p.text, width-2*cellPad) {
			out = append(out, styledLine{p.style, l})
		}
	}
	return out
}

func tableLH() float64 { return lineHeight(tableSize) }

func rowHeight(cells [][]styledLine) float64 {
	n := 1
	for _, c := range cells {
		n = max(n, len(c))
	}
	return float64(n)*tableLH() + 2*cellPad
}

func (w *minutes) tableHeader(cols []column) {
	h := tableLH() + 2*cellPad
	x := minMargin
	w.pdf.SetFillColor(colourFill.r, colourFill.g, colourFill.b)
	w.pdf.SetDrawColor(colourRule.r, colourRule.g, colourRule.b)
	w.pdf.SetLineWidth(0.2)
	for _, c := range cols {
		w.pdf.Rect(x, w.y, c.width, h, "FD")
		setFont(w.pdf, "B", tableSize, colourTitle)
		w.pdf.SetXY(x+cellPad, w.y+cellPad)
		w.pdf.CellFormat(c.width-2*cellPad, tableLH(), c.title, "", 0, "L", false, 0, "")
		x += c.width
	}
	w.y += h
}

// row draws one table row. A row that does not fit moves to the next page with the header
// repeated; a row taller than a whole page is split between lines.
func (w *minutes) row(cols []column, cells [][]styledLine) {
	lh := tableLH()
	fresh := minBottom - minTop - (lh + 2*cellPad)
	if w.y+rowHeight(cells) > minBottom && rowHeight(cells) <= fresh {
		w.continueTable(cols)
	}
	for {
		room := int((minBottom - w.y - 2*cellPad) / lh)
		if room < 2 {
			w.continueTable(cols)
			continue
		}
		part := make([][]styledLine, len(cells))
		rest := make([][]styledLine, len(cells))
		more := false
		for i, c := range cells {
			k := min(room, len(c))
			part[i], rest[i] = c[:k], c[k:]
			more = more || len(rest[i]) > 0
		}
		h := rowHeight(part)
		x := minMargin
		w.pdf.SetDrawColor(colourRule.r, colourRule.g, colourRule.b)
		w.pdf.SetLineWidth(0.2)
		for i, c := range cols {
			w.pdf.Rect(x, w.y, c.width, h, "D")
			y := w.y + cellPad
			for _, l := range part[i] {
				setFont(w.pdf, l.style, tableSize, colourText)
				w.pdf.SetXY(x+cellPad, y)
				w.pdf.CellFormat(c.width-2*cellPad, lh, l.text, "", 0, "L", false, 0, "")
				y += lh
			}
			x += c.width
		}
		w.y += h
		if !more {
			return
		}
		if len(rest[0]) == 0 && len(part[0]) > 0 {
			rest[0] = part[0][:1] // the block's code, so the continued row says whose it is
		}
		cells = rest
		w.continueTable(cols)
	}
}

// continueTable carries the current table over to a new page: its name, then its header.
func (w *minutes) continueTable(cols []column) {
	w.newPage()
	if w.table != "" {
		setFont(w.pdf, "B", 9, colourLabel)
		w.y = paragraph(w.pdf, minMargin, w.y, minTextW, 9, "L", w.table+" (suite)") + 0.5
	}
	w.tableHeader(cols)
}

func (w *minutes) membersTable(members []MinutesMember) {
	cols := []column{{"Membre présent", 70}, {"Collège", 74}, {"Fonction", minTextW - 144}}
	var present []MinutesMember
	for _, mb := range members {
		if mb.Present {
			present = append(present, mb)
		}
	}
	if len(present) == 0 {
		w.text(9.5, "", "Aucun membre présent.")
		return
	}
	w.ensure(2 * (tableLH() + 2*cellPad))
	w.table = "Composition du jury"
	w.tableHeader(cols)
	defer func() { w.table = "" }()
	for _, mb := range present {
		role := ""
		if mb.President {
			role = "président du jury"
		}
		w.row(cols, [][]styledLine{
			w.cell(cols[0].width, cellText{"B", clean(mb.Name, false)}),
			w.cell(cols[1].width, cellText{"", clean(mb.College, false)}),
			w.cell(cols[2].width, cellText{"", role}),
		})
	}
	w.y += 1
}

var blockColumns = []column{{"Bloc de compétences", 52}, {"Résultat", 27}, {"Motivation", minTextW - 79}}

// candidate writes one candidate: a heading line, then a table of the blocks with, for each
// debate, the jury's decision, its reason and the referent's opinion.
func (w *minutes) candidate(n int, c MinutesCandidate) {
	head := strconv.Itoa(n) + ". " + clean(c.Name, false)
	if num := clean(c.Number, false); num != "" {
		head += " — n° " + num
	}
	var details []string
	if q := clean(c.QualificationTitle, false); q != "" {
		details = append(details, "CQP "+q)
	}
	if r := clean(c.Route, false); r != "" {
		details = append(details, "voie : "+r)
	}
	result := "Résultat : " + clean(c.Outcome, false)

	rows := make([][][]styledLine, len(c.Blocks))
	for i, b := range c.Blocks {
		rows[i] = w.blockCells(b)
	}
	setFont(w.pdf, "B", 10, colourTitle)
	headLines := wrap(w.pdf, head, minTextW)
	setFont(w.pdf, "", 9, colourText)
	detailLines := wrap(w.pdf, strings.Join(append(details, result), " — "), minTextW)
	var derogationLines [][]string
	for _, d := range c.Derogations {
		derogationLines = append(derogationLines, wrap(w.pdf, d.text(), minTextW))
	}
	need := float64(len(headLines))*lineHeight(10) + float64(len(detailLines))*lineHeight(9) + 3
	for _, l := range derogationLines {
		need += float64(len(l)) * lineHeight(9)
	}
	if len(rows) > 0 {
		need += tableLH() + 2*cellPad + min(rowHeight(rows[0]), 3*tableLH()+2*cellPad)
	}
	w.ensure(need)
	w.y += 2
	setFont(w.pdf, "B", 10, colourTitle)
	w.y = textLines(w.pdf, minMargin, w.y, minTextW, lineHeight(10), "L", headLines)
	setFont(w.pdf, "", 9, colourText)
	w.y = textLines(w.pdf, minMargin, w.y, minTextW, lineHeight(9), "L", detailLines)
	for _, d := range c.Derogations {
		w.text(9, "", d.text())
	}
	w.y += 1
	if len(rows) == 0 {
		w.text(9, "", "Aucun bloc présenté.")
		return
	}
	w.table = head
	w.tableHeader(blockColumns)
	for _, r := range rows {
		w.row(blockColumns, r)
	}
	w.table = ""
}

func (w *minutes) blockCells(b MinutesBlock) [][]styledLine {
	block := w.cell(blockColumns[0].width,
		cellText{"B", clean(b.Code, false)},
		cellText{"", clean(b.Title, false)})
	outcome := []cellText{{"", clean(b.Outcome, false)}}
	motive := []cellText{{"", clean(b.Explanation, true)}}
	if src := clean(b.Source, false); src != "" {
		motive = append([]cellText{{"B", "Origine : " + src}}, motive...)
	}
	if b.Debate {
		decision := clean(b.Decision, false)
		if decision == "" {
			decision = "non décidé"
		} else {
			outcome = []cellText{{"B", decision}, {"", "après débat"}}
		}
		motive = append(motive, cellText{"B", "Décision du jury : " + decision})
		if r := clean(b.Reason, true); r != "" {
			motive = append(motive, cellText{"", "Motif : " + r})
		}
		if o := clean(b.ReferentOpinion, true); o != "" {
			motive = append(motive, cellText{"", "Avis du référent : " + o})
		}
	}
	return [][]styledLine{
		block,
		w.cell(blockColumns[1].width, outcome...),
		w.cell(blockColumns[2].width, motive...),
	}
}
