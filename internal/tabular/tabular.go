// Package tabular writes lists as spreadsheets, one row at a time: CSV as French Excel opens
// it, and XLSX. Text that a spreadsheet would read as a formula is neutralised in both, so that
// a name typed as =HYPERLINK(...) stays a name in every program that opens the file, and still
// does once the file is saved again as CSV.
package tabular

import (
	"strconv"
	"time"
)

// Kind is what a column holds; it sets how its cells are written.
type Kind uint8

const (
	KindText     Kind = iota
	KindNumber        // a whole number
	KindDate          // a day, 25/11/2026
	KindDateTime      // a day and a time, 25/11/2026 14:05
)

// Column is one column of a list: its French header, its width in characters (XLSX) and
// what it holds.
type Column struct {
	Header string
	Width  float64
	Kind   Kind
}

// Cell is one value of a row. The zero Cell is empty.
type Cell struct {
	kind   Kind
	set    bool
	text   string
	number int64
	at     time.Time
}

// Text is a cell of text.
func Text(s string) Cell { return Cell{kind: KindText, set: s != "", text: s} }

// Int is a cell holding a whole number.
func Int(n int) Cell { return Cell{kind: KindNumber, set: true, number: int64(n)} }

// Date is a cell holding the day of t, read on t's own clock (its year, month and day as
// they are in t's location); a zero t is an empty cell.
func Date(t time.Time) Cell {
	if t.IsZero() {
		return Cell{}
	}
	return Cell{kind: KindDate, set: true, at: time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, time.UTC)}
}

// DateTime is a cell holding a day and a time as t's clock reads it (give t in the location
// the reader lives in); a zero t is an empty cell.
func DateTime(t time.Time) Cell {
	if t.IsZero() {
		return Cell{}
	}
	return Cell{kind: KindDateTime, set: true,
		at: time.Date(t.Year(), t.Month(), t.Day(), t.Hour(), t.Minute(), t.Second(), 0, time.UTC)}
}

// Empty reports whether the cell holds nothing.
func (c Cell) Empty() bool { return !c.set }

// String is the cell as a person reads it: a French date, a time to the minute, digits, or
// the text neutralised.
func (c Cell) String() string {
	if !c.set {
		return ""
	}
	switch c.kind {
	case KindNumber:
		return strconv.FormatInt(c.number, 10)
	case KindDate:
		return c.at.Format("02/01/2006")
	case KindDateTime:
		return c.at.Format("02/01/2006 15:04")
	}
	return Neutralise(c.text)
}

// Neutralise makes text that a spreadsheet would take for a formula inert: text that begins
// with = + - @, a tab or a carriage return gets a single quote in front, which spreadsheets
// read as "this is text" (OWASP's advice for CSV injection). Other text is returned as is.
func Neutralise(s string) string {
	if s == "" {
		return s
	}
	switch s[0] {
	case '=', '+', '-', '@', '\t', '\r':
		return "'" + s
	}
	return s
}

// Writer writes one list: the header first (when it is made), then each row; Close ends the
// file, Abort gives it up after an error (an XLSX is then never written). A row has one cell
// per column; missing cells are empty.
type Writer interface {
	Row(cells ...Cell) error
	Close() error
	Abort()
}
