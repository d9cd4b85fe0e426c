package service

import (
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"cqp/internal/domain"
)

// CalendarEvent is one event of a convocation's calendar file.
type CalendarEvent struct {
	UID         string    // stable across resends, so that calendars update the same event
	Stamp       time.Time // when the file was made (DTSTAMP)
	Start, End  time.Time
	Summary     string
	Location    string
	URL         string // a video link, when the oral is held remotely
	Description string
}

// ICS returns the event as an iCalendar file (RFC 5545): one VEVENT with times in UTC, CRLF
// line endings, lines folded at 75 octets without splitting a character, and text values
// escaped (backslash, semicolon, comma, newline).
func (e CalendarEvent) ICS() []byte {
	var b strings.Builder
	line := func(name, value string) { writeFolded(&b, name+":"+value) }
	line("BEGIN", "VCALENDAR")
	line("VERSION", "2.0")
	line("PRODID", "-//cqp//Convocations//FR")
	line("CALSCALE", "GREGORIAN")
	line("METHOD", "PUBLISH")
	line("BEGIN", "VEVENT")
	line("UID", e.UID)
	line("DTSTAMP", icsTime(e.Stamp))
	line("DTSTART", icsTime(e.Start))
	line("DTEND", icsTime(e.End))
	line("SUMMARY", icsText(e.Summary))
	if e.Location != "" {
		line("LOCATION", icsText(e.Location))
	}
	if e.URL != "" {
		line("URL", e.URL) // a URI value: not escaped (RFC 5545 §3.3.13)
	}
	if e.Description != "" {
		line("DESCRIPTION", icsText(e.Description))
	}
	line("END", "VEVENT")
	line("END", "VCALENDAR")
	return []byte(b.String())
}

func icsTime(t time.Time) string { return t.UTC().Format("20060102T150405Z") }

// icsText escapes a TEXT value (RFC 5545 §3.3.11).
func icsText(s string) string {
	s = strings.ReplaceAll(s, "\r\n", "\n")
	return strings.NewReplacer(`\`, `\\`, ";", `\;`, ",", `\,`, "\n", `\n`).Replace(s)
}

// writeFolded writes a content line, folded so that no line exceeds 75 octets (RFC 5545
// §3.1): a continuation line starts with one space, and a UTF-8 sequence is never cut.
func writeFolded(b *strings.Builder, s string) {
	limit := 75
	for len(s) > limit {
		cut := limit
		for cut > 0 && !utf8.RuneStart(s[cut]) {
			cut--
		}
		b.WriteString(s[:cut])
		b.WriteString("\r\n ")
		s = s[cut:]
		limit = 74 // the leading space counts
	}
	b.WriteString(s)
	b.WriteString("\r\n")
}

var frenchWeekdays = [...]string{"dimanche", "lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi"}
var frenchMonths = [...]string{"janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août",
	"septembre", "octobre", "novembre", "décembre"}

// FrenchLongDate writes a day the way a letter does: « mercredi 9 décembre 2026 », in Paris.
func FrenchLongDate(t time.Time) string {
	t = t.In(domain.Paris())
	day := strconv.Itoa(t.Day())
	if t.Day() == 1 {
		day = "1er"
	}
	return frenchWeekdays[t.Weekday()] + " " + day + " " + frenchMonths[t.Month()-1] + " " + strconv.Itoa(t.Year())
}
