package docs

import (
	"fmt"
	"io"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/xuri/excelize/v2"

	"cqp/internal/domain"
)

// The annual bilan (issue 12): a workbook the secretariat and the branch read in Excel or
// LibreOffice. Every sheet is written through excelize's StreamWriter, so the candidates'
// sheet holds one row at a time whatever the year's size; only the totals (a few keys) are
// kept in memory.
//
// Text is always written as a string cell, never as a formula: a name typed as
// `=HYPERLINK("…")` is stored as typed and shows as typed, and no spreadsheet evaluates it
// (a string cell is not a formula, whatever it begins with). Nothing is prefixed, so the
// secretariat reads the name the candidate gave.

// BilanCandidate is one row of the candidates' sheet, labels already in French.
type BilanCandidate struct {
	Number             string
	BirthName          string
	UsedName           string
	FirstNames         string
	QualificationCode  string
	QualificationTitle string
	Route              string
	Organisation       string
	Company            string
	Public             string
	EnrolledAt         time.Time
	EvaluatedAt        *time.Time // the latest oral before an evaluation commission
	JuryDate           *time.Time
	JuryPlace          string
	Result             string // "" when not judged in the year
	Status             string
	Blocks             []string // the blocks aimed at
	Acquired           []BilanBlock
	Documents          []string
	// Surveys are the outcome surveys (« devenir ») sent for the enrolment, any order.
	Surveys []BilanSurvey
}

// BilanSurvey is one outcome survey of a row, in the sheet's words; AnsweredAt nil when the
// candidate has not answered.
type BilanSurvey struct {
	Months                                                 int
	Situation, Contract, JobTitle, Company, Helped, Source string
	AnsweredAt                                             *time.Time
}

// BilanSurveyColumns are the candidates' sheet's columns of one wave of the outcome survey.
func BilanSurveyColumns(months int) []string {
	p := fmt.Sprintf("Devenir à %d mois : ", months)
	return []string{p + "situation", p + "contrat", p + "poste", p + "entreprise", p + "le CQP a aidé", p + "date de réponse", p + "source"}
}

// BilanCandidatesColumns is the candidates' sheet's header: BilanCandidatesHeader, then the
// columns of each wave of the outcome survey.
func BilanCandidatesColumns(waves []int) []string {
	out := slices.Clone(BilanCandidatesHeader)
	for _, m := range waves {
		out = append(out, BilanSurveyColumns(m)...)
	}
	return out
}

// NoSurveyAnswer is the situation shown for a survey sent and not answered.
const NoSurveyAnswer = "Sans réponse"

// BilanBlock is one block the candidate holds, and how it was acquired.
type BilanBlock struct {
	Code       string
	How        string // e.g. "formation, jury du 12/06/2026"
	AtThisJury bool   // acquired at the row's jury (the year's), not earlier
}

// BilanJury is one row of the juries' sheet.
type BilanJury struct {
	Date                                         time.Time
	Place                                        string
	Rectification                                bool
	Candidates, Certified, Partial, NotCertified int
}

// BilanAction is one row of the actions' sheet, labels already in French.
type BilanAction struct {
	Title, Organisation, QualificationCode, QualificationTitle, Route string
	StartsOn, EndsOn                                                  time.Time
	Place                                                             string
	PlannedHours                                                      int
	Funder, Status                                                    string
	DeclaredAt                                                        time.Time
	Enrolments, Certified, Partial, NotCertified, Withdrawn           int
}

// BilanSource gives the bilan its rows: Candidates and Actions call each once per row, in
// order.
type BilanSource struct {
	Year       int
	Candidates func(each func(BilanCandidate) error) error
	Actions    func(each func(BilanAction) error) error
	// SurveyWaves are the months of the outcome survey's waves, each a group of columns.
	SurveyWaves []int
	Juries      []BilanJury
}

// NoJuryResult is the result shown for an enrolment not judged in the year.
const NoJuryResult = "Sans jury dans l'année"

// BilanCandidatesHeader, BilanJuriesHeader and the totals' headers are the sheets' columns.
var (
	BilanCandidatesHeader = []string{"N° candidat", "Nom de naissance", "Nom d'usage", "Prénoms", "Code CQP", "Intitulé du CQP",
		"Voie d'accès", "Organisme de formation", "Entreprise", "Public", "Date d'inscription", "Date d'évaluation", "Date du jury",
		"Lieu du jury", "Résultat", "Statut actuel", "Blocs visés", "Blocs acquis", "Blocs non acquis", "Acquisition des blocs",
		"N° certificat / attestations"}
	BilanActionsHeader = []string{"Action", "Organisme de formation", "Code CQP", "Intitulé du CQP", "Voie d'accès", "Début", "Fin",
		"Lieu", "Heures prévues", "Financeur", "État de la déclaration", "Déclarée le", "Candidats inscrits", "Certifiés", "Partiels",
		"Non certifiés", "Abandons"}
	BilanJuriesHeader       = []string{"Date du jury", "Lieu", "Rectification", "Candidats", "Certifiés", "Partiels", "Non certifiés"}
	BilanTotalsHeader       = []string{"Code CQP", "Intitulé du CQP", "Voie d'accès", "Résultat", "Inscriptions"}
	BilanOrganisationHeader = []string{"Organisme de formation", "Inscriptions", "Certifiés", "Partiels", "Non certifiés", NoJuryResult}
	BilanBlockHeader        = []string{"Code CQP", "Bloc", "Acquis à un jury de l'année"}
)

// Result labels, as the service writes them in BilanCandidate.Result.
const (
	ResultCertified    = "Certifié"
	ResultPartial      = "Partiel (blocs acquis)"
	ResultNotCertified = "Non certifié"
)

var (
	bilanCandidateWidths = []float64{14, 20, 16, 20, 10, 34, 12, 30, 30, 22, 14, 14, 14, 18, 22, 22, 18, 18, 18, 44, 34}
	bilanActionWidths    = []float64{34, 30, 10, 34, 12, 12, 12, 20, 10, 24, 18, 12, 12, 10, 10, 12, 10}
)

// WriteBilan writes the bilan workbook to w.
func WriteBilan(w io.Writer, src BilanSource) error {
	f := excelize.NewFile()
	defer f.Close()
	dateStyle, err := f.NewStyle(&excelize.Style{CustomNumFmt: ptr("dd/mm/yyyy")})
	if err != nil {
		return err
	}
	headStyle, err := f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true}})
	if err != nil {
		return err
	}
	if err := f.SetSheetName("Sheet1", "Candidats"); err != nil {
		return err
	}
	for _, name := range []string{"Actions", "Jurys", "Totaux"} {
		if _, err := f.NewSheet(name); err != nil {
			return err
		}
	}
	f.SetDocProps(&excelize.DocProperties{Title: fmt.Sprintf("Bilan CQP %d", src.Year), Creator: "cqp"})

	// Candidats, with the totals counted on the way.
	type key struct{ code, title, route, result string }
	byKey := map[key]int{}
	byOrg := map[string]*[5]int{}
	type block struct{ qualification, code string }
	byBlock := map[block]int{}
	header, widths := BilanCandidatesColumns(src.SurveyWaves), slices.Clone(bilanCandidateWidths)
	for range src.SurveyWaves {
		widths = append(widths, 26, 14, 24, 26, 12, 14, 16)
	}
	sw, err := newBilanSheet(f, "Candidats", header, widths, headStyle)
	if err != nil {
		return err
	}
	row := 1
	err = src.Candidates(func(c BilanCandidate) error {
		row++
		codes := make([]string, len(c.Acquired))
		how := make([]string, len(c.Acquired))
		for i, b := range c.Acquired {
			codes[i], how[i] = b.Code, b.Code+" : "+b.How
			if b.AtThisJury {
				byBlock[block{c.QualificationCode, b.Code}]++
			}
		}
		result := c.Result
		var missing []string // blocks aimed at and not held, once a jury has judged them
		if result == "" {
			result = NoJuryResult
		} else {
			for _, b := range c.Blocks {
				if !slices.Contains(codes, b) {
					missing = append(missing, b)
				}
			}
		}
		byKey[key{c.QualificationCode, c.QualificationTitle, c.Route, result}]++
		org := byOrg[c.Organisation]
		if org == nil {
			org = new([5]int)
			byOrg[c.Organisation] = org
		}
		org[0]++
		switch result {
		case ResultCertified:
			org[1]++
		case ResultPartial:
			org[2]++
		case ResultNotCertified:
			org[3]++
		default:
			org[4]++
		}
		cells := []any{c.Number, c.BirthName, c.UsedName, c.FirstNames, c.QualificationCode,
			c.QualificationTitle, c.Route, c.Organisation, c.Company, c.Public,
			excelize.Cell{StyleID: dateStyle, Value: c.EnrolledAt}, dateCell(c.EvaluatedAt, dateStyle), dateCell(c.JuryDate, dateStyle),
			c.JuryPlace, result, c.Status, strings.Join(c.Blocks, ", "), strings.Join(codes, ", "), strings.Join(missing, ", "),
			strings.Join(how, " ; "), strings.Join(c.Documents, ", ")}
		for _, m := range src.SurveyWaves {
			cells = append(cells, surveyCells(c.Surveys, m, dateStyle)...)
		}
		return sw.SetRow(cell(1, row), cells)
	})
	if err != nil {
		return err
	}
	if err := finishBilanSheet(sw, "Candidats", len(header), row); err != nil {
		return err
	}

	// Actions.
	if sw, err = newBilanSheet(f, "Actions", BilanActionsHeader, bilanActionWidths, headStyle); err != nil {
		return err
	}
	row = 1
	if src.Actions != nil {
		err = src.Actions(func(a BilanAction) error {
			row++
			return sw.SetRow(cell(1, row), []any{a.Title, a.Organisation, a.QualificationCode, a.QualificationTitle, a.Route,
				excelize.Cell{StyleID: dateStyle, Value: a.StartsOn}, excelize.Cell{StyleID: dateStyle, Value: a.EndsOn}, a.Place,
				a.PlannedHours, a.Funder, a.Status, excelize.Cell{StyleID: dateStyle, Value: a.DeclaredAt}, a.Enrolments,
				a.Certified, a.Partial, a.NotCertified, a.Withdrawn})
		})
		if err != nil {
			return err
		}
	}
	if err := finishBilanSheet(sw, "Actions", len(BilanActionsHeader), row); err != nil {
		return err
	}

	// Jurys.
	if sw, err = newBilanSheet(f, "Jurys", BilanJuriesHeader, []float64{14, 30, 14, 12, 12, 12, 14}, headStyle); err != nil {
		return err
	}
	row = 1
	for _, j := range src.Juries {
		row++
		rect := "non"
		if j.Rectification {
			rect = "oui"
		}
		if err := sw.SetRow(cell(1, row), []any{excelize.Cell{StyleID: dateStyle, Value: j.Date}, j.Place, rect,
			j.Candidates, j.Certified, j.Partial, j.NotCertified}); err != nil {
			return err
		}
	}
	if err := finishBilanSheet(sw, "Jurys", len(BilanJuriesHeader), row); err != nil {
		return err
	}

	// Totaux: by qualification × route × result, then by training organisation, then by block
	// (the blocks acquired at the year's juries), each table below the other.
	if sw, err = newBilanSheet(f, "Totaux", BilanTotalsHeader, []float64{30, 34, 14, 22, 14, 14}, headStyle); err != nil {
		return err
	}
	keys := make([]key, 0, len(byKey))
	for k := range byKey {
		keys = append(keys, k)
	}
	sort.Slice(keys, func(i, j int) bool {
		a, b := keys[i], keys[j]
		if a.code != b.code {
			return a.code < b.code
		}
		if a.route != b.route {
			return a.route < b.route
		}
		return a.result < b.result
	})
	row = 1
	for _, k := range keys {
		row++
		if err := sw.SetRow(cell(1, row), []any{k.code, k.title, k.route, k.result, byKey[k]}); err != nil {
			return err
		}
	}
	last := row
	row += 2
	if err := sw.SetRow(cell(1, row), headerCells(BilanOrganisationHeader, headStyle)); err != nil {
		return err
	}
	orgs := make([]string, 0, len(byOrg))
	for o := range byOrg {
		orgs = append(orgs, o)
	}
	sort.Slice(orgs, func(i, j int) bool { return domain.Fold(orgs[i]) < domain.Fold(orgs[j]) }) // « École » among the E
	for _, o := range orgs {
		row++
		n := byOrg[o]
		name := o
		if name == "" {
			name = "(sans organisme)"
		}
		if err := sw.SetRow(cell(1, row), []any{name, n[0], n[1], n[2], n[3], n[4]}); err != nil {
			return err
		}
	}
	row += 2
	if err := sw.SetRow(cell(1, row), headerCells(BilanBlockHeader, headStyle)); err != nil {
		return err
	}
	blocks := make([]block, 0, len(byBlock))
	for b := range byBlock {
		blocks = append(blocks, b)
	}
	sort.Slice(blocks, func(i, j int) bool {
		if blocks[i].qualification != blocks[j].qualification {
			return blocks[i].qualification < blocks[j].qualification
		}
		return blocks[i].code < blocks[j].code
	})
	for _, b := range blocks {
		row++
		if err := sw.SetRow(cell(1, row), []any{b.qualification, b.code, byBlock[b]}); err != nil {
			return err
		}
	}
	if err := finishBilanSheet(sw, "Totaux", len(BilanTotalsHeader), last); err != nil {
		return err
	}
	_, err = f.WriteTo(w)
	return err
}

// dateCell is an Excel date cell for t, or an empty cell when t is nil.
func dateCell(t *time.Time, style int) any {
	if t == nil {
		return nil
	}
	return excelize.Cell{StyleID: style, Value: *t}
}

// newBilanSheet starts a sheet's stream: widths, frozen header row, the header.
func newBilanSheet(f *excelize.File, sheet string, header []string, widths []float64, headStyle int) (*excelize.StreamWriter, error) {
	sw, err := f.NewStreamWriter(sheet)
	if err != nil {
		return nil, err
	}
	for i, wd := range widths {
		if err := sw.SetColWidth(i+1, i+1, wd); err != nil {
			return nil, err
		}
	}
	if err := sw.SetPanes(&excelize.Panes{Freeze: true, YSplit: 1, TopLeftCell: "A2", ActivePane: "bottomLeft",
		Selection: []excelize.Selection{{SQRef: "A2", ActiveCell: "A2", Pane: "bottomLeft"}}}); err != nil {
		return nil, err
	}
	return sw, sw.SetRow("A1", headerCells(header, headStyle))
}

// finishBilanSheet puts a filter on the sheet's first table (header and rows 2..last) and
// flushes it.
func finishBilanSheet(sw *excelize.StreamWriter, sheet string, columns, last int) error {
	off := false
	if err := sw.AddTable(&excelize.Table{Range: "A1:" + cell(columns, max(last, 2)), Name: "Bilan" + sheet,
		StyleName: "TableStyleLight1", ShowRowStripes: &off}); err != nil {
		return err
	}
	return sw.Flush()
}

// surveyCells are the cells of one wave of a row: empty when no survey was sent, « Sans
// réponse » when it was not answered.
func surveyCells(surveys []BilanSurvey, months, dateStyle int) []any {
	for _, sv := range surveys {
		if sv.Months != months {
			continue
		}
		if sv.AnsweredAt == nil {
			return []any{NoSurveyAnswer, nil, nil, nil, nil, nil, nil}
		}
		return []any{sv.Situation, sv.Contract, sv.JobTitle, sv.Company, sv.Helped, excelize.Cell{StyleID: dateStyle, Value: *sv.AnsweredAt}, sv.Source}
	}
	return []any{nil, nil, nil, nil, nil, nil, nil}
}

func headerCells(header []string, style int) []any {
	out := make([]any, len(header))
	for i, h := range header {
		out[i] = excelize.Cell{StyleID: style, Value: h}
	}
	return out
}

func cell(col, row int) string {
	name, _ := excelize.CoordinatesToCellName(col, row)
	return name
}

func ptr[T any](v T) *T { return &v }
