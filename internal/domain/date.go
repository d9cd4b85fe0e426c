package domain

import (
	"fmt"
	"strconv"
	"strings"
	"time"
)

// Date is a calendar day without time zone, stored as YYYY-MM-DD and shown as 25/11/2026.
type Date struct{ t time.Time }

// NewDate returns the date y-m-d.
func NewDate(y int, m time.Month, d int) Date { return Date{time.Date(y, m, d, 0, 0, 0, 0, time.UTC)} }

// DateOf returns the calendar day of t in Paris time.
func DateOf(t time.Time) Date {
	y, m, d := t.In(paris).Date()
	return NewDate(y, m, d)
}

var paris = loadParis()

func loadParis() *time.Location {
	loc, err := time.LoadLocation("Europe/Paris")
	if err != nil {
		return time.UTC
	}
	return loc
}

// Paris is the time zone every date and time is shown in.
func Paris() *time.Location { return paris }

// ParseISODate reads YYYY-MM-DD.
func ParseISODate(s string) (Date, error) {
	t, err := time.Parse("2006-01-02", s)
	if err != nil {
		return Date{}, fmt.Errorf("invalid date %q", s)
	}
	return Date{t}, nil
}

// ParseFrenchDate reads 25/11/2026 (also 25/11/26 is refused: the year has four digits) or
// YYYY-MM-DD, as people and HTML date inputs type them.
func ParseFrenchDate(s string) (Date, error) {
	if t, err := time.Parse("02/01/2006", s); err == nil {
		return Date{t}, nil
	}
	if t, err := time.Parse("2/1/2006", s); err == nil {
		return Date{t}, nil
	}
	return ParseISODate(s)
}

// ImpossibleDate returns, in French, why s, written as a date JJ/MM/AAAA, names no day of the
// calendar (« Le 30/02/1995 n'existe pas »); "" when s is a real date or not written as one.
func ImpossibleDate(s string) string {
	parts := strings.Split(strings.TrimSpace(s), "/")
	if len(parts) != 3 || len(parts[2]) != 4 || len(parts[0]) == 0 || len(parts[0]) > 2 || len(parts[1]) == 0 || len(parts[1]) > 2 {
		return ""
	}
	day, err1 := strconv.Atoi(parts[0])
	month, err2 := strconv.Atoi(parts[1])
	year, err3 := strconv.Atoi(parts[2])
	if err1 != nil || err2 != nil || err3 != nil {
		return ""
	}
	if month < 1 || month > 12 {
		return fmt.Sprintf("Le mois %d n'existe pas : la date s'écrit JJ/MM/AAAA, le jour d'abord.", month)
	}
	if t := time.Date(year, time.Month(month), day, 0, 0, 0, 0, time.UTC); day < 1 || t.Day() != day {
		return fmt.Sprintf("Le %02d/%02d/%04d n'existe pas : vérifiez le jour.", day, month, year)
	}
	return ""
}

// IsZero reports whether d is unset.
func (d Date) IsZero() bool { return d.t.IsZero() }

// ISO formats d as YYYY-MM-DD (storage and HTML date inputs).
func (d Date) ISO() string {
	if d.IsZero() {
		return ""
	}
	return d.t.Format("2006-01-02")
}

// String formats d the French way: 25/11/2026.
func (d Date) String() string {
	if d.IsZero() {
		return ""
	}
	return d.t.Format("02/01/2006")
}

// Before reports whether d is before e.
func (d Date) Before(e Date) bool { return d.t.Before(e.t) }

// AddDays returns d plus n days.
func (d Date) AddDays(n int) Date { return Date{d.t.AddDate(0, 0, n)} }

// Time returns midnight UTC of d.
func (d Date) Time() time.Time { return d.t }

// YearsAt returns the age in whole years at day e of someone born on d.
func (d Date) YearsAt(e Date) int {
	y := e.t.Year() - d.t.Year()
	if e.t.Month() < d.t.Month() || (e.t.Month() == d.t.Month() && e.t.Day() < d.t.Day()) {
		y--
	}
	return y
}

// MarshalText writes d as YYYY-MM-DD ("" when unset), for JSON documents.
func (d Date) MarshalText() ([]byte, error) { return []byte(d.ISO()), nil }

// UnmarshalText reads YYYY-MM-DD; "" is the unset date.
func (d *Date) UnmarshalText(b []byte) error {
	if len(b) == 0 {
		*d = Date{}
		return nil
	}
	x, err := ParseISODate(string(b))
	if err != nil {
		return err
	}
	*d = x
	return nil
}

// Year, Month and Day return the parts of d.
func (d Date) Year() int         { return d.t.Year() }
func (d Date) Month() time.Month { return d.t.Month() }
func (d Date) Day() int          { return d.t.Day() }
