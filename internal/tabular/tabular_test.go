package tabular_test

import (
	"bytes"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"cqp/internal/tabular"
)

func TestNeutralise(t *testing.T) {
	for _, tc := range []struct{ name, in, want string }{
		{"a formula gets a quote", `=HYPERLINK("http://x","y")`, `'=HYPERLINK("http://x","y")`},
		{"a plus gets a quote", "+33 1 23 45 67 89", "'+33 1 23 45 67 89"},
		{"a minus gets a quote", "-2+3", "'-2+3"},
		{"an at sign gets a quote", "@SUM(A1)", "'@SUM(A1)"},
		{"a tab gets a quote", "\t=1", "'\t=1"},
		{"a carriage return gets a quote", "\r=1", "'\r=1"},
		{"a name is left as is", "Éloïse Lefèvre", "Éloïse Lefèvre"},
		{"an equals sign inside is left as is", "a=b", "a=b"},
		{"empty text stays empty", "", ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := tabular.Neutralise(tc.in); got != tc.want {
				t.Errorf("Neutralise(%q) = %q, want %q", tc.in, got, tc.want)
			}
		})
	}
}

var columns = []tabular.Column{
	{Header: "Nom", Width: 30},
	{Header: "Né·e le", Kind: tabular.KindDate},
	{Header: "Envoyé le", Kind: tabular.KindDateTime},
	{Header: "Candidats", Kind: tabular.KindNumber},
}

var day = time.Date(2026, time.November, 25, 0, 0, 0, 0, time.UTC)
var moment = time.Date(2026, time.November, 25, 14, 5, 0, 0, time.FixedZone("Paris", 3600))

func TestCSVIsWhatFrenchExcelOpens(t *testing.T) {
	var buf bytes.Buffer
	w, err := tabular.NewCSV(&buf, columns)
	if err != nil {
		t.Fatal(err)
	}
	rows := [][]tabular.Cell{
		{tabular.Text(`=HYPERLINK("http://x","y")`), tabular.Date(day), tabular.DateTime(moment), tabular.Int(42)},
		{tabular.Text("Dupont; Jean"), {}, {}, tabular.Int(0)},
		{tabular.Text("deux\r\nlignes")},
	}
	for _, r := range rows {
		if err := w.Row(r...); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	want := "\ufeffNom;Né·e le;Envoyé le;Candidats\r\n" +
		`"'=HYPERLINK(""http://x"",""y"")";25/11/2026;25/11/2026 14:05;42` + "\r\n" +
		`"Dupont; Jean";;;0` + "\r\n" +
		"\"deux\r\nlignes\";;;\r\n"
	if got := buf.String(); got != want {
		t.Errorf("CSV bytes:\n got %q\nwant %q", got, want)
	}
	if !bytes.HasPrefix(buf.Bytes(), []byte{0xEF, 0xBB, 0xBF}) {
		t.Error("the CSV does not begin with the UTF-8 byte order mark")
	}
}

func TestXLSXOpensWithHeadersFrozenRowDatesAndNoFormula(t *testing.T) {
	var buf bytes.Buffer
	w, err := tabular.NewXLSX(&buf, "Candidats", columns)
	if err != nil {
		t.Fatal(err)
	}
	if err := w.Row(tabular.Text(`=HYPERLINK("http://x","y")`), tabular.Date(day), tabular.DateTime(moment), tabular.Int(42)); err != nil {
		t.Fatal(err)
	}
	if err := w.Row(tabular.Text("Lefèvre Éloïse")); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	f, err := excelize.OpenReader(&buf)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if got := f.GetSheetList(); len(got) != 1 || got[0] != "Candidats" {
		t.Fatalf("sheets = %v, want [Candidats]", got)
	}
	rows, err := f.GetRows("Candidats")
	if err != nil {
		t.Fatal(err)
	}
	if got := strings.Join(rows[0], "|"); got != "Nom|Né·e le|Envoyé le|Candidats" {
		t.Errorf("header = %q", got)
	}
	if got := strings.Join(rows[1], "|"); got != `'=HYPERLINK("http://x","y")|25/11/2026|25/11/2026 14:05|42` {
		t.Errorf("first row as shown = %q", got)
	}
	panes, err := f.GetPanes("Candidats")
	if err != nil {
		t.Fatal(err)
	}
	if !panes.Freeze || panes.YSplit != 1 || panes.TopLeftCell != "A2" {
		t.Errorf("panes = %+v, want the first row frozen", panes)
	}
	tables, err := f.GetTables("Candidats")
	if err != nil {
		t.Fatal(err)
	}
	if len(tables) != 1 || tables[0].Range != "A1:D3" {
		t.Errorf("tables (the filter) = %+v, want one on A1:D3", tables)
	}
	width, err := f.GetColWidth("Candidats", "A")
	if err != nil || width != 30 {
		t.Errorf("width of A = %v (%v), want 30", width, err)
	}
	for r := 1; r <= 3; r++ {
		for c := 1; c <= 4; c++ {
			name, _ := excelize.CoordinatesToCellName(c, r)
			if formula, _ := f.GetCellFormula("Candidats", name); formula != "" {
				t.Errorf("%s is a formula: %q", name, formula)
			}
		}
	}
	for _, tc := range []struct{ cell, raw string }{{"B2", "46351"}, {"C2", "46351.17013888889"}} {
		typ, err := f.GetCellType("Candidats", tc.cell)
		if err != nil {
			t.Fatal(err)
		}
		raw, _ := f.GetCellValue("Candidats", tc.cell, excelize.Options{RawCellValue: true})
		if typ == excelize.CellTypeInlineString || typ == excelize.CellTypeSharedString || !strings.HasPrefix(raw, tc.raw[:5]) {
			t.Errorf("%s is of type %v with raw value %q: want an Excel date serial like %s", tc.cell, typ, raw, tc.raw)
		}
	}
	if typ, _ := f.GetCellType("Candidats", "A2"); typ != excelize.CellTypeInlineString {
		t.Errorf("A2 is of type %v, want an inline string", typ)
	}
}

func TestXLSXAbortWritesNothing(t *testing.T) {
	var buf bytes.Buffer
	w, err := tabular.NewXLSX(&buf, "Liste", columns)
	if err != nil {
		t.Fatal(err)
	}
	_ = w.Row(tabular.Text("x"))
	w.Abort()
	if buf.Len() != 0 {
		t.Errorf("an aborted workbook wrote %d bytes", buf.Len())
	}
}
