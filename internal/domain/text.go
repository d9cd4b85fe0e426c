package domain

import (
	"fmt"
	"unicode"
	"unicode/utf8"
)

// Texts typed by people (names, reasons, comments) are stored and shown as they were typed.
// Two kinds of characters are refused in them: control characters, which no keyboard types
// and which can break a mail header, a CSV line or a log; and the bidirectional overrides and
// isolates (U+202A–U+202E, U+2066–U+2069), which make a text read on screen otherwise than it
// is stored (a name that shows « Dupont » while it holds something else). A text that may span
// several lines, typed in a text area, keeps its line breaks and tabs.

// isBidiControl reports whether r is a bidirectional embedding, override or isolate.
func isBidiControl(r rune) bool {
	return (r >= '\u202A' && r <= '\u202E') || (r >= '\u2066' && r <= '\u2069')
}

// TextProblem returns a French message when s holds a refused character; "" when s is fine.
// multiline allows line breaks and tabs.
func TextProblem(s string, multiline bool) string {
	if !utf8.ValidString(s) {
		return "Ce texte contient des caractères illisibles : retapez-le."
	}
	for _, r := range s {
		switch {
		case multiline && (r == '\n' || r == '\r' || r == '\t'):
			continue
		case r == '\n' || r == '\r':
			return "Ce champ tient sur une ligne : retirez le retour à la ligne."
		case unicode.IsControl(r):
			return fmt.Sprintf("Ce texte contient un caractère de contrôle invisible (U+%04X) : retapez-le sans copier-coller.", r)
		case isBidiControl(r):
			return fmt.Sprintf("Ce texte contient un caractère invisible qui change le sens de lecture (U+%04X) : retapez-le sans copier-coller.", r)
		}
	}
	return ""
}

// CheckLine adds to fe, under field, the problem of a one-line text (a name, a city).
func (fe FieldErrors) CheckLine(field, s string) {
	if msg := TextProblem(s, false); msg != "" {
		fe.Add(field, msg)
	}
}
