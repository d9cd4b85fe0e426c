package tabular

import (
	"bufio"
	"io"
	"strings"
)

// csvWriter writes CSV as French Excel opens it: UTF-8 with a byte order mark (without it,
// Excel reads the accents as Windows-1252), semicolons between cells (the comma is the
// decimal separator in French), lines ended by CRLF.
type csvWriter struct {
	w       *bufio.Writer
	columns int
}

// NewCSV starts a CSV list on w with the columns' headers. Rows are buffered: Close writes
// what is left.
func NewCSV(w io.Writer, columns []Column) (Writer, error) {
	cw := &csvWriter{w: bufio.NewWriterSize(w, 64<<10), columns: len(columns)}
	if _, err := cw.w.WriteString("\ufeff"); err != nil {
		return nil, err
	}
	head := make([]Cell, len(columns))
	for i, c := range columns {
		head[i] = Text(c.Header)
	}
	if err := cw.Row(head...); err != nil {
		return nil, err
	}
	return cw, nil
}

func (cw *csvWriter) Row(cells ...Cell) error {
	for i := range max(cw.columns, len(cells)) {
		if i > 0 {
			cw.w.WriteByte(';')
		}
		if i < len(cells) {
			cw.w.WriteString(csvField(cells[i].String()))
		}
	}
	_, err := cw.w.WriteString("\r\n")
	return err
}

func (cw *csvWriter) Close() error { return cw.w.Flush() }

// Abort leaves the rest unwritten: what was sent is a truncated file, which the caller makes
// visible by cutting the connection.
func (cw *csvWriter) Abort() {}

// csvField quotes a field that holds a separator, a quote or a line break (RFC 4180, with the
// semicolon as separator), doubling its quotes.
func csvField(s string) string {
	if !strings.ContainsAny(s, ";\"\r\n") {
		return s
	}
	return `"` + strings.ReplaceAll(s, `"`, `""`) + `"`
}
