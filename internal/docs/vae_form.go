package docs

import (
	"fmt"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/go-pdf/fpdf"

	"cqp/internal/domain"
)

// AdmissibilityForm is the VAE admissibility file as a printable form.
type AdmissibilityForm struct {
	BranchName, QualificationTitle, QualificationCode string
	Generated                                         time.Time     // printed, and the PDF creation date: fixed, so the bytes are reproducible
	CandidateName, CandidateNumber, BirthDate, Email  string        // empty → blank lines to fill by hand
	MinRelatedMonths, RecommendedMonths               int           // e.g. 12 and 24: printed as the rule
	Periods                                           []FormPeriod  // filled periods; blank rows always follow them
	Diplomas                                          []FormDiploma // likewise
	Blocks                                            []FormBlock   // the qualification's blocks with their competences, for the self-assessment
	Version                                           int           // 0 for a blank form
}

// FormPeriod is one job held, as printed on the form. From and To are already formatted
// dd/mm/yyyy; an empty To on a filled period is the job held today.
type FormPeriod struct {
	Employer, Role, From, To, Activities string
	Related                              bool // related to the qualification
}

// FormDiploma is one diploma or training the candidate holds.
type FormDiploma struct{ Title, Year, Level string }

// FormBlock is a block of competences of the qualification, for the self-assessment.
type FormBlock struct {
	Code, Title string
	Competences []FormCompetence
}

// FormCompetence is one competence with the candidate's own view of it. Level is "" (nothing
// ticked), "acquise", "partiellement acquise" or "non acquise" (domain.SelfLevel's labels).
type FormCompetence struct{ Code, Title, Level, Situation string }

func (f AdmissibilityForm) check() error {
	invalid := func(format string, args ...any) error { return domain.Errorf(domain.EINVALID, format, args...) }
	if strings.TrimSpace(f.BranchName) == "" {
		return invalid("Le nom de la branche est obligatoire.")
	}
	if strings.TrimSpace(f.QualificationTitle) == "" {
		return invalid("L’intitulé de la qualification est obligatoire.")
	}
	if f.Generated.IsZero() {
		return invalid("La date d’édition du formulaire est obligatoire : elle rend le document reproductible.")
	}
	if f.Version < 0 {
		return invalid("La version du dossier ne peut pas être négative (0 pour un formulaire vierge).")
	}
	if f.MinRelatedMonths < 0 || f.RecommendedMonths < 0 {
		return invalid("Les durées d’expérience exigée et recommandée ne peuvent pas être négatives.")
	}
	if len(f.Blocks) == 0 {
		return invalid("La qualification n’a aucun bloc de compétences : le formulaire d’auto-évaluation ne peut pas être établi.")
	}
	for _, b := range f.Blocks {
		if strings.TrimSpace(b.Code) == "" || strings.TrimSpace(b.Title) == "" {
			return invalid("Chaque bloc de compétences doit avoir un code et un intitulé.")
		}
		for _, c := range b.Competences {
			if strings.TrimSpace(c.Title) == "" {
				return invalid("Chaque compétence du bloc %s doit avoir un intitulé.", strings.TrimSpace(b.Code))
			}
			if _, ok := selfLevel(c.Level); !ok {
				return invalid("Le niveau « %s » de la compétence %s est inconnu : acquise, partiellement acquise, non acquise ou vide sont attendus.",
					strings.TrimSpace(c.Level), strings.TrimSpace(c.Code+" "+c.Title))
			}
		}
	}
	return nil
}

// selfLevel reads a competence's level from its French label; "" is a level not given.
func selfLevel(label string) (domain.SelfLevel, bool) {
	label = strings.TrimSpace(label)
	if label == "" {
		return "", true
	}
	for _, l := range domain.SelfLevels {
		if l.Label() == label {
			return l, true
		}
	}
	return "", false
}

// Rows left blank for the candidate to write in: at least formBlankRows after the filled ones,
// and enough for the table to have formPeriodRows (formDiplomaRows) rows in all.
const (
	formBlankRows   = 2
	formPeriodRows  = 5
	formDiplomaRows = 4
)

// Tables of the form. Widths add up to sheetTextW.
var (
	periodColumns = []sheetColumn{{"Employeur", 30}, {"Emploi occupé", 28}, {"Du", 21}, {"Au", 21},
		{"En lien avec la qualification", 24}, {"Activités exercées", 46}}
	diplomaColumns    = []sheetColumn{{"Diplôme, titre ou formation", 98}, {"Année d’obtention", 30}, {"Niveau", 42}}
	assessmentColumns = []sheetColumn{{"Compétence", 56}, {"Votre niveau", 42}, {"Situation qui le montre", 72}}
)

// AdmissibilityFormPDF renders the admissibility file for candidates who fill it on paper:
// blank, or filled with what the candidate has already written. A4 portrait pages with the
// identity, the jobs held (with the rule on the experience required), the diplomas, the
// self-assessment of every competence of the qualification with tick boxes, and the place,
// date and signature, numbered « Page 1 / 4 ».
func AdmissibilityFormPDF(f AdmissibilityForm) ([]byte, error) {
	if err := f.check(); err != nil {
		return nil, fmt.Errorf("VAE admissibility form: %w", err)
	}
	pdf, err := renderCounted(func(total int) *sheet { return writeAdmissibilityForm(f, total) })
	if err != nil {
		return nil, fmt.Errorf("VAE admissibility form: %w", err)
	}
	return pdf, nil
}

func writeAdmissibilityForm(f AdmissibilityForm, total int) *sheet {
	branch := clean(f.BranchName, false)
	qualification := clean(f.QualificationTitle, false)
	if code := clean(f.QualificationCode, false); code != "" {
		qualification += " (" + code + ")"
	}
	edition := "formulaire vierge"
	if f.Version > 0 {
		edition = "version " + strconv.Itoa(f.Version)
	}
	title := "Dossier de recevabilité VAE"
	s := newSheet(f.Generated, title+" — "+qualification, branch,
		branch+" — dossier de recevabilité VAE, "+edition, total)

	s.text(sheetMargin, sheetTextW, 10, "B", colourTitle, "C", strings.ToUpper(branch))
	s.y += 1
	s.text(sheetMargin, sheetTextW, titleSize, "B", colourTitle, "C", "Dossier de recevabilité")
	s.text(sheetMargin, sheetTextW, 11, "", colourText, "C", "Validation des acquis de l’expérience (VAE)")
	s.y += 1.5
	s.text(sheetMargin, sheetTextW, 11.5, "B", colourText, "C", "Qualification visée : "+qualification)
	s.text(sheetMargin, sheetTextW, 8.5, "", colourLabel, "C",
		upperFirst(edition)+" — édité le "+domain.DateOf(f.Generated).String())
	s.rule()
	s.para(9.5, "", "Ce dossier permet au secrétariat de vérifier que votre expérience vous permet de demander "+
		"la validation des acquis de l’expérience pour cette qualification. Remplissez-le lisiblement, "+
		"cochez les cases qui vous correspondent et joignez les justificatifs demandés à la fin du dossier.")

	s.heading("1. Identité", 9)
	s.field("Nom et prénom", f.CandidateName)
	s.field("N° de candidat", f.CandidateNumber)
	s.field("Date de naissance", f.BirthDate)
	s.field("Adresse électronique", f.Email)

	rule := experienceRule(f.MinRelatedMonths, f.RecommendedMonths)
	howTo := "Indiquez vos emplois, salariés ou non, du plus récent au plus ancien, et cochez oui " +
		"lorsque l’emploi est en lien avec la qualification visée."
	s.heading("2. Expériences professionnelles",
		s.paraHeight(9.5, "B", rule)+s.paraHeight(9, "", howTo)+headerHeight(s.pdf, periodColumns)+14)
	if rule != "" {
		s.para(9.5, "B", rule)
	}
	s.para(9, "", howTo)
	s.startTable("Expériences professionnelles", periodColumns, 14)
	for _, p := range f.Periods {
		to := clean(p.To, false)
		if to == "" && clean(p.From, false) != "" {
			to = "à ce jour"
		}
		s.row([]sheetCell{
			s.cell(periodColumns[0].width, cellText{"B", clean(p.Employer, false)}),
			s.cell(periodColumns[1].width, cellText{"", clean(p.Role, false)}),
			s.cell(periodColumns[2].width, cellText{"", clean(p.From, false)}),
			s.cell(periodColumns[3].width, cellText{"", to}),
			s.choices(periodColumns[4].width, []string{"oui", "non"}, yesNo(p.Related)),
			s.cell(periodColumns[5].width, cellText{"", clean(p.Activities, true)}),
		}, 0)
	}
	for range blankRows(len(f.Periods), formPeriodRows) {
		s.row([]sheetCell{{}, {}, {}, {}, s.choices(periodColumns[4].width, []string{"oui", "non"}, -1), {}}, 14)
	}
	s.endTable()

	howTo = "Indiquez les diplômes, titres et certificats que vous avez obtenus et les formations suivies."
	s.heading("3. Diplômes et formations", s.paraHeight(9, "", howTo)+headerHeight(s.pdf, diplomaColumns)+9)
	s.para(9, "", howTo)
	s.startTable("Diplômes et formations", diplomaColumns, 9)
	for _, d := range f.Diplomas {
		s.row([]sheetCell{
			s.cell(diplomaColumns[0].width, cellText{"", clean(d.Title, false)}),
			s.cell(diplomaColumns[1].width, cellText{"", clean(d.Year, false)}),
			s.cell(diplomaColumns[2].width, cellText{"", clean(d.Level, false)}),
		}, 0)
	}
	for range blankRows(len(f.Diplomas), formDiplomaRows) {
		s.row([]sheetCell{{}, {}, {}}, 9)
	}
	s.endTable()

	howTo = "Pour chaque compétence de la qualification, cochez le niveau que vous pensez avoir atteint " +
		"et décrivez brièvement une situation de travail qui le montre."
	s.heading("4. Auto-évaluation", s.paraHeight(9, "", howTo)+lineHeight(10.5)+headerHeight(s.pdf, assessmentColumns)+18)
	s.para(9, "", howTo)
	levels := make([]string, len(domain.SelfLevels))
	for i, l := range domain.SelfLevels {
		levels[i] = l.Label()
	}
	for _, b := range f.Blocks {
		name := clean(b.Code, false) + " — " + clean(b.Title, false)
		setFont(s.pdf, "B", 10.5, colourTitle)
		nameH := float64(len(wrap(s.pdf, name, sheetTextW)))*lineHeight(10.5) + 3
		s.ensure(nameH + headerHeight(s.pdf, assessmentColumns) + 18)
		s.y += 2
		s.text(sheetMargin, sheetTextW, 10.5, "B", colourTitle, "L", name)
		s.y += 1
		s.startTable(name, assessmentColumns, 18)
		competences := b.Competences
		if len(competences) == 0 {
			competences = []FormCompetence{{Title: "Ensemble du bloc"}}
		}
		for _, c := range competences {
			level, _ := selfLevel(c.Level)
			ticked := -1
			for i, l := range domain.SelfLevels {
				if l == level {
					ticked = i
				}
			}
			situation := clean(c.Situation, true)
			minH := 18.0
			if situation != "" {
				minH = 0
			}
			s.row([]sheetCell{
				s.cell(assessmentColumns[0].width, cellText{"B", clean(c.Code, false)}, cellText{"", clean(c.Title, false)}),
				s.choices(assessmentColumns[1].width, levels, ticked),
				s.cell(assessmentColumns[2].width, cellText{"", situation}),
			}, minH)
		}
		s.endTable()
	}

	// The signature and the return note stay together on one page.
	note := "Ce dossier, complété, daté et signé, est à retourner au secrétariat des CQP de la branche (" + branch +
		"), avec la copie de vos justificatifs : attestations d’employeur ou certificats de travail pour chaque " +
		"expérience, diplômes et attestations de formation."
	setFont(s.pdf, "", 9, colourText)
	noteH := float64(len(wrap(s.pdf, note, sheetTextW-6)))*lineHeight(9) + 5
	s.ensure(lineHeight(12) + 12 + 2*lineHeight(9.5) + 10 + formSignatureH + 6 + noteH)
	s.heading("5. Engagement et signature", 0)
	s.para(9.5, "", "Je certifie sur l’honneur l’exactitude des informations portées dans ce dossier.")
	s.y += 3
	s.placeAndDate()
	s.y += 3
	setFont(s.pdf, "", 9.5, colourText)
	s.pdf.SetXY(sheetMargin+sheetTextW/2, s.y)
	s.pdf.CellFormat(sheetTextW/2, lineHeight(9.5), "Signature du candidat :", "", 0, "L", false, 0, "")
	s.y += lineHeight(9.5) + 1
	s.pdf.SetDrawColor(colourRule.r, colourRule.g, colourRule.b)
	s.pdf.SetLineWidth(0.3)
	s.pdf.Rect(sheetMargin+sheetTextW/2, s.y, sheetTextW/2, formSignatureH, "D")
	s.y += formSignatureH + 6
	s.box(9, note)
	return s
}

// formSignatureH is the height of the box the candidate signs in.
const formSignatureH = 24.0

// experienceRule is the rule on the experience related to the qualification, or "" when the
// qualification sets none.
func experienceRule(required, recommended int) string {
	if required <= 0 {
		if recommended <= 0 {
			return ""
		}
		return strconv.Itoa(recommended) + " mois d’expérience en lien avec la qualification sont recommandés."
	}
	rule := "Au moins " + strconv.Itoa(required) + " mois d’expérience en lien avec la qualification sont exigés"
	if recommended > required {
		return rule + " ; " + strconv.Itoa(recommended) + " mois sont recommandés."
	}
	return rule + "."
}

// blankRows is how many empty rows follow filled ones: at least formBlankRows, and enough for
// total rows in all.
func blankRows(filled, total int) int { return max(formBlankRows, total-filled) }

func yesNo(yes bool) int {
	if yes {
		return 0
	}
	return 1
}

// upperFirst capitalises the first letter of s.
func upperFirst(s string) string {
	if s == "" {
		return s
	}
	r, n := utf8.DecodeRuneInString(s)
	return string(unicode.ToUpper(r)) + s[n:]
}

// field writes a label and its value, or a line to write the value on by hand.
func (s *sheet) field(label, value string) {
	const labelW = 45.0
	value = clean(value, false)
	lh := lineHeight(10)
	if value == "" {
		s.ensure(9)
		setFont(s.pdf, "", 9.5, colourLabel)
		s.pdf.SetXY(sheetMargin, s.y+3)
		s.pdf.CellFormat(labelW, lh, label+" :", "", 0, "L", false, 0, "")
		s.pdf.SetDrawColor(colourRule.r, colourRule.g, colourRule.b)
		s.pdf.SetLineWidth(0.2)
		s.pdf.Line(sheetMargin+labelW, s.y+3+lh-0.5, sheetMargin+sheetTextW, s.y+3+lh-0.5)
		s.y += 9
		return
	}
	setFont(s.pdf, "B", 10, colourText)
	lines := wrap(s.pdf, value, sheetTextW-labelW)
	s.ensure(float64(len(lines))*lh + 2)
	setFont(s.pdf, "", 9.5, colourLabel)
	s.pdf.SetXY(sheetMargin, s.y+1)
	s.pdf.CellFormat(labelW, lh, label+" :", "", 0, "L", false, 0, "")
	setFont(s.pdf, "B", 10, colourText)
	s.y = textLines(s.pdf, sheetMargin+labelW, s.y+1, sheetTextW-labelW, lh, "L", lines) + 1
}

// placeAndDate writes « Fait à ______ le ______ » with lines to write on.
func (s *sheet) placeAndDate() {
	lh := lineHeight(9.5)
	setFont(s.pdf, "", 9.5, colourText)
	s.pdf.SetDrawColor(colourRule.r, colourRule.g, colourRule.b)
	s.pdf.SetLineWidth(0.2)
	x := sheetMargin
	put := func(text string, line float64) {
		w := s.pdf.GetStringWidth(text)
		s.pdf.SetXY(x, s.y)
		s.pdf.CellFormat(w, lh, text, "", 0, "L", false, 0, "")
		x += w + 1.5
		s.pdf.Line(x, s.y+lh-0.5, x+line, s.y+lh-0.5)
		x += line + 2
	}
	put("Fait à", 62)
	put("le", 38)
	s.y += lh
}

// The sheet: A4 portrait pages written from top to bottom, used by the VAE letter and form.
// It breaks pages between lines and between table rows, repeats a table's header on the next
// page, and numbers the pages « Page n / total » in the footer.
const (
	sheetW      = 210.0
	sheetMargin = 20.0
	sheetTop    = 20.0
	sheetBottom = 274.0 // content stops here; the footer is below
	sheetTextW  = sheetW - 2*sheetMargin
	tickSide    = 3.0 // side of a tick box
)

type sheet struct {
	pdf *fpdf.Fpdf
	y   float64
	// The table being written, continued under its name and header on a new page.
	table   string
	columns []sheetColumn
	minRow  float64 // height of a row that must fit under the header when the table starts
}

// A sheetColumn is a table column: its header and width.
type sheetColumn struct {
	title string
	width float64
}

// Tick boxes: a choice cell has one per line, empty, ticked, or none on a line that continues
// the previous option's label.
type tick int

const (
	tickNone tick = iota
	tickEmpty
	tickTicked
)

// A sheetCell is what a table cell holds: lines of text and, in a choice cell, a tick box
// before each option.
type sheetCell struct {
	lines []styledLine
	ticks []tick // nil, or one per line
}

// newSheet starts a document on its first page. Its footer prints footer on the left and
// « Page n / total » on the right.
func newSheet(created time.Time, title, author, footer string, total int) *sheet {
	pdf := newPDF("P", created, title, author)
	s := &sheet{pdf: pdf}
	pdf.SetFooterFunc(func() {
		pdf.SetDrawColor(colourRule.r, colourRule.g, colourRule.b)
		pdf.SetLineWidth(0.2)
		pdf.Line(sheetMargin, sheetBottom+6, sheetW-sheetMargin, sheetBottom+6)
		setFont(pdf, "", 7.5, colourLabel)
		pageLabel := "Page " + strconv.Itoa(pdf.PageNo()) + " / " + strconv.Itoa(total)
		labelW := pdf.GetStringWidth(pageLabel)
		left := footer
		for pdf.GetStringWidth(left) > sheetTextW-labelW-6 && len([]rune(left)) > 1 {
			r := []rune(left)
			left = string(r[:len(r)-2]) + "…"
		}
		pdf.SetXY(sheetMargin, sheetBottom+7.5)
		pdf.CellFormat(sheetTextW-labelW-6, 4, left, "", 0, "L", false, 0, "")
		pdf.SetXY(sheetW-sheetMargin-labelW, sheetBottom+7.5)
		pdf.CellFormat(labelW, 4, pageLabel, "", 0, "R", false, 0, "")
	})
	s.newPage()
	return s
}

// renderCounted renders a document twice: the first time only to count its pages, so that
// every footer can print the total as plain text (as MinutesPDF does).
func renderCounted(write func(total int) *sheet) ([]byte, error) {
	counted := write(0).pdf
	if err := counted.Error(); err != nil {
		return nil, err
	}
	return output(write(counted.PageNo()).pdf)
}

func (s *sheet) newPage() {
	s.pdf.AddPage()
	s.y = sheetTop
}

// ensure starts a new page unless h millimetres are left on this one.
func (s *sheet) ensure(h float64) {
	if s.y+h > sheetBottom {
		s.newPage()
	}
}

// text writes t wrapped in [x, x+w] with the alignment align, breaking pages between lines.
func (s *sheet) text(x, w, size float64, style string, c rgb, align, t string) {
	setFont(s.pdf, style, size, c)
	lh := lineHeight(size)
	for _, l := range wrap(s.pdf, t, w) {
		if s.y+lh > sheetBottom {
			s.newPage()
			setFont(s.pdf, style, size, c)
		}
		s.y = textLines(s.pdf, x, s.y, w, lh, align, []string{l})
	}
}

// para writes a paragraph across the page and leaves a small gap below it.
func (s *sheet) para(size float64, style, t string) {
	s.text(sheetMargin, sheetTextW, size, style, colourText, "L", t)
	s.y += 0.45 * lineHeight(size)
}

// paraHeight is the height para needs for t.
func (s *sheet) paraHeight(size float64, style, t string) float64 {
	if t == "" {
		return 0
	}
	setFont(s.pdf, style, size, colourText)
	return (float64(len(wrap(s.pdf, t, sheetTextW))) + 0.45) * lineHeight(size)
}

// bullet writes one item of a list.
func (s *sheet) bullet(size float64, t string) {
	const indent = 5.0
	setFont(s.pdf, "", size, colourText)
	lh := lineHeight(size)
	for i, l := range wrap(s.pdf, t, sheetTextW-indent) {
		if s.y+lh > sheetBottom {
			s.newPage()
			setFont(s.pdf, "", size, colourText)
		}
		if i == 0 {
			textLines(s.pdf, sheetMargin+1, s.y, indent, lh, "L", []string{"•"})
		}
		s.y = textLines(s.pdf, sheetMargin+indent, s.y, sheetTextW-indent, lh, "L", []string{l})
	}
	s.y += 0.25 * lh
}

// quote writes text set off by a bar in the margin, the bar following it across pages.
func (s *sheet) quote(size float64, t string) {
	const indent = 6.0
	setFont(s.pdf, "", size, colourText)
	lh := lineHeight(size)
	for _, l := range wrap(s.pdf, t, sheetTextW-indent) {
		if s.y+lh > sheetBottom {
			s.newPage()
			setFont(s.pdf, "", size, colourText)
		}
		s.pdf.SetDrawColor(colourRule.r, colourRule.g, colourRule.b)
		s.pdf.SetLineWidth(0.8)
		s.pdf.Line(sheetMargin+2, s.y, sheetMargin+2, s.y+lh)
		s.y = textLines(s.pdf, sheetMargin+indent, s.y, sheetTextW-indent, lh, "L", []string{l})
	}
	s.y += 0.45 * lh
}

// box writes a short note in a shaded frame, kept on one page.
func (s *sheet) box(size float64, t string) {
	setFont(s.pdf, "", size, colourText)
	lines := wrap(s.pdf, t, sheetTextW-6)
	h := float64(len(lines))*lineHeight(size) + 5
	s.ensure(h)
	s.pdf.SetFillColor(colourFill.r, colourFill.g, colourFill.b)
	s.pdf.SetDrawColor(colourTitle.r, colourTitle.g, colourTitle.b)
	s.pdf.SetLineWidth(0.3)
	s.pdf.Rect(sheetMargin, s.y, sheetTextW, h, "FD")
	textLines(s.pdf, sheetMargin+3, s.y+2.5, sheetTextW-6, lineHeight(size), "L", lines)
	s.y += h + 1
}

func (s *sheet) rule() {
	s.y += 2.5
	s.pdf.SetDrawColor(colourTitle.r, colourTitle.g, colourTitle.b)
	s.pdf.SetLineWidth(0.4)
	s.pdf.Line(sheetMargin, s.y, sheetW-sheetMargin, s.y)
	s.y += 3
}

// heading writes a section title, kept on the page with the next keep millimetres.
func (s *sheet) heading(t string, keep float64) {
	s.ensure(lineHeight(12) + 7 + keep)
	s.y += 4
	s.text(sheetMargin, sheetTextW, 12, "B", colourTitle, "L", t)
	s.pdf.SetDrawColor(colourRule.r, colourRule.g, colourRule.b)
	s.pdf.SetLineWidth(0.2)
	s.pdf.Line(sheetMargin, s.y+0.5, sheetW-sheetMargin, s.y+0.5)
	s.y += 2.5
}

// cell wraps parts of text, each in its own style, in a column of width w.
func (s *sheet) cell(w float64, parts ...cellText) sheetCell {
	var c sheetCell
	for _, p := range parts {
		if p.text == "" {
			continue
		}
		setFont(s.pdf, p.style, tableSize, colourText)
		for _, l := range wrap(s.pdf, p.text, w-2*cellPad) {
			c.lines = append(c.lines, styledLine{p.style, l})
		}
	}
	return c
}

// choices is a cell of options, each after a tick box; the option at index ticked (if any) is
// ticked.
func (s *sheet) choices(w float64, options []string, ticked int) sheetCell {
	var c sheetCell
	setFont(s.pdf, "", tableSize, colourText)
	for i, o := range options {
		t := tickEmpty
		if i == ticked {
			t = tickTicked
		}
		for j, l := range wrap(s.pdf, o, w-2*cellPad-tickSide-1.5) {
			c.lines = append(c.lines, styledLine{"", l})
			if j == 0 {
				c.ticks = append(c.ticks, t)
			} else {
				c.ticks = append(c.ticks, tickNone)
			}
		}
	}
	return c
}

// headerHeight is the height of a table's header row, whose titles wrap.
func headerHeight(pdf *fpdf.Fpdf, cols []sheetColumn) float64 {
	setFont(pdf, "B", tableSize, colourTitle)
	n := 1
	for _, c := range cols {
		n = max(n, len(wrap(pdf, c.title, c.width-2*cellPad)))
	}
	return float64(n)*tableLH() + 2*cellPad
}

// startTable begins a table named name: its header, kept with a first row of height minRow.
func (s *sheet) startTable(name string, cols []sheetColumn, minRow float64) {
	s.ensure(headerHeight(s.pdf, cols) + max(minRow, tableLH()+2*cellPad))
	s.table, s.columns = name, cols
	s.tableHeader()
}

func (s *sheet) endTable() {
	s.table, s.columns = "", nil
	s.y += 2
}

func (s *sheet) tableHeader() {
	h := headerHeight(s.pdf, s.columns)
	x := sheetMargin
	s.pdf.SetFillColor(colourFill.r, colourFill.g, colourFill.b)
	s.pdf.SetDrawColor(colourRule.r, colourRule.g, colourRule.b)
	s.pdf.SetLineWidth(0.2)
	for _, c := range s.columns {
		s.pdf.Rect(x, s.y, c.width, h, "FD")
		setFont(s.pdf, "B", tableSize, colourTitle)
		textLines(s.pdf, x+cellPad, s.y+cellPad, c.width-2*cellPad, tableLH(), "L", wrap(s.pdf, c.title, c.width-2*cellPad))
		x += c.width
	}
	s.y += h
}

// continueTable carries the table over to a new page: its name, then its header.
func (s *sheet) continueTable() {
	s.newPage()
	setFont(s.pdf, "B", 9, colourLabel)
	s.y = paragraph(s.pdf, sheetMargin, s.y, sheetTextW, 9, "L", s.table+" (suite)") + 0.5
	s.tableHeader()
}

// row draws one row of the current table, at least minH high. A row that does not fit moves
// to the next page under the repeated header; a row taller than a whole page is split between
// lines.
func (s *sheet) row(cells []sheetCell, minH float64) {
	lh := tableLH()
	height := func(cs []sheetCell) float64 {
		n := 1
		for _, c := range cs {
			n = max(n, len(c.lines))
		}
		return max(float64(n)*lh+2*cellPad, minH)
	}
	fresh := sheetBottom - sheetTop - lineHeight(9) - 0.5 - headerHeight(s.pdf, s.columns)
	if h := height(cells); s.y+h > sheetBottom && h <= fresh {
		s.continueTable()
	}
	for {
		room := int((sheetBottom - s.y - 2*cellPad) / lh)
		if room < 2 {
			s.continueTable()
			continue
		}
		part := make([]sheetCell, len(cells))
		rest := make([]sheetCell, len(cells))
		more := false
		for i, c := range cells {
			k := min(room, len(c.lines))
			part[i].lines, rest[i].lines = c.lines[:k], c.lines[k:]
			if c.ticks != nil {
				part[i].ticks, rest[i].ticks = c.ticks[:k], c.ticks[k:]
			}
			more = more || len(rest[i].lines) > 0
		}
		h := min(height(part), sheetBottom-s.y)
		x := sheetMargin
		for i, c := range s.columns {
			s.pdf.SetDrawColor(colourRule.r, colourRule.g, colourRule.b)
			s.pdf.SetLineWidth(0.2)
			s.pdf.Rect(x, s.y, c.width, h, "D")
			s.drawCell(x, c.width, part[i])
			x += c.width
		}
		s.y += h
		if !more {
			return
		}
		if len(rest[0].lines) == 0 && len(part[0].lines) > 0 && rest[0].ticks == nil {
			rest[0].lines = part[0].lines[:1] // the competence's code or the employer, so the continued row says whose it is
		}
		cells = rest
		s.continueTable()
	}
}

// drawCell writes a cell's lines from the top of the current row, and its tick boxes.
func (s *sheet) drawCell(x, w float64, c sheetCell) {
	lh := tableLH()
	y := s.y + cellPad
	textX := x + cellPad
	if c.ticks != nil {
		textX += tickSide + 1.5
	}
	for i, l := range c.lines {
		if c.ticks != nil && c.ticks[i] != tickNone {
			bx, by := x+cellPad, y+(lh-tickSide)/2
			s.pdf.SetDrawColor(colourText.r, colourText.g, colourText.b)
			s.pdf.SetLineWidth(0.25)
			s.pdf.Rect(bx, by, tickSide, tickSide, "D")
			if c.ticks[i] == tickTicked {
				setFont(s.pdf, "B", tableSize, colourText)
				s.pdf.SetXY(bx, by)
				s.pdf.CellFormat(tickSide, tickSide, "X", "", 0, "C", false, 0, "")
			}
		}
		setFont(s.pdf, l.style, tableSize, colourText)
		s.pdf.SetXY(textX, y)
		s.pdf.CellFormat(x+w-cellPad-textX, lh, l.text, "", 0, "L", false, 0, "")
		y += lh
	}
}
