package tabular

import (
	"io"

	"github.com/xuri/excelize/v2"
)

// xlsxWriter streams one sheet through excelize's StreamWriter (rows beyond its buffer go to
// a temporary file, so memory stays flat however long the list) and writes the workbook to
// its destination on Close.
type xlsxWriter struct {
	dst      io.Writer
	file     *excelize.File
	stream   *excelize.StreamWriter
	sheet    string
	columns  []Column
	styles   map[Kind]int
	row      int
	values   []any
	finished bool
}

// NewXLSX starts a workbook of one sheet named sheet (31 characters at most, no : \ / ? * [ ])
// with the columns' headers in bold on a frozen first row, their widths, and dates in the
// French format. Close adds the filter on every column and writes the file to w.
func NewXLSX(w io.Writer, sheet string, columns []Column) (Writer, error) {
	f := excelize.NewFile()
	xw := &xlsxWriter{dst: w, file: f, sheet: sheet, columns: columns, styles: map[Kind]int{}, values: make([]any, len(columns))}
	if err := xw.start(); err != nil {
		f.Close()
		return nil, err
	}
	return xw, nil
}

func (xw *xlsxWriter) start() error {
	f := xw.file
	if err := f.SetSheetName("Sheet1", xw.sheet); err != nil {
		return err
	}
	for kind, format := range map[Kind]string{KindDate: "dd/mm/yyyy", KindDateTime: "dd/mm/yyyy hh:mm"} {
		id, err := f.NewStyle(&excelize.Style{CustomNumFmt: &format})
		if err != nil {
			return err
		}
		xw.styles[kind] = id
	}
	bold, err := f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true}})
	if err != nil {
		return err
	}
	if xw.stream, err = f.NewStreamWriter(xw.sheet); err != nil {
		return err
	}
	for i, c := range xw.columns {
		width := c.Width
		if width <= 0 {
			width = 16
		}
		if err := xw.stream.SetColWidth(i+1, i+1, width); err != nil {
			return err
		}
	}
	if err := xw.stream.SetPanes(&excelize.Panes{Freeze: true, YSplit: 1, TopLeftCell: "A2", ActivePane: "bottomLeft",
		Selection: []excelize.Selection{{SQRef: "A2", ActiveCell: "A2", Pane: "bottomLeft"}}}); err != nil {
		return err
	}
	head := make([]any, len(xw.columns))
	for i, c := range xw.columns {
		head[i] = excelize.Cell{StyleID: bold, Value: c.Header}
	}
	xw.row = 1
	return xw.stream.SetRow("A1", head)
}

// Row writes text as inline strings (a string cell is never a formula), neutralised as in
// CSV so that the text stays inert once the sheet is saved as CSV; numbers as numbers; days
// and times as Excel dates with a French format.
func (xw *xlsxWriter) Row(cells ...Cell) error {
	xw.row++
	values := xw.values[:0]
	for i := range max(len(xw.columns), len(cells)) {
		var c Cell
		if i < len(cells) {
			c = cells[i]
		}
		switch {
		case !c.set:
			values = append(values, nil)
		case c.kind == KindNumber:
			values = append(values, c.number)
		case c.kind == KindDate || c.kind == KindDateTime:
			values = append(values, excelize.Cell{StyleID: xw.styles[c.kind], Value: c.at})
		default:
			values = append(values, Neutralise(c.text))
		}
	}
	xw.values = values
	cell, err := excelize.CoordinatesToCellName(1, xw.row)
	if err != nil {
		return err
	}
	return xw.stream.SetRow(cell, values)
}

// Abort drops the workbook and its temporary files: nothing is written.
func (xw *xlsxWriter) Abort() {
	if !xw.finished {
		xw.finished = true
		xw.file.Close()
	}
}

// Close puts the filter on the header and the rows, and writes the workbook.
func (xw *xlsxWriter) Close() error {
	if xw.finished {
		return nil
	}
	xw.finished = true
	defer xw.file.Close()
	last, err := excelize.CoordinatesToCellName(max(len(xw.columns), 1), max(xw.row, 2))
	if err != nil {
		return err
	}
	off := false
	if err := xw.stream.AddTable(&excelize.Table{Range: "A1:" + last, Name: "Liste", StyleName: "TableStyleLight1",
		ShowRowStripes: &off}); err != nil {
		return err
	}
	if err := xw.stream.Flush(); err != nil {
		return err
	}
	_, err = xw.file.WriteTo(xw.dst)
	return err
}
