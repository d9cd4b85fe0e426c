package docs

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"

	"cqp/internal/domain"
)

// De puts « de » before a name or an organisation as French writes it: elided before a vowel
// or a mute h (« d'Inès », « d'Hélène », « de l'Institut »), contracted with an article
// (« du Cabinet Martin » for « le Cabinet Martin », « des Assurances » for « les
// Assurances »), and plain before a consonant or an aspirated h (« de Paris », « de
// Haute-Savoie »).
func De(name string) string {
	name = strings.TrimSpace(name)
	if name == "" {
		return "de"
	}
	lower := strings.ToLower(name)
	switch {
	case strings.HasPrefix(lower, "le "):
		return "du " + name[len("le "):]
	case strings.HasPrefix(lower, "les "):
		return "des " + name[len("les "):]
	case strings.HasPrefix(lower, "la "), strings.HasPrefix(lower, "l'"), strings.HasPrefix(lower, "l’"):
		return "de " + lowerFirst(name)
	}
	if elides(name) {
		return "d’" + name
	}
	return "de " + name
}

// lowerFirst writes an article at the head of a name in lower case: « La CSCA » → « la CSCA ».
func lowerFirst(s string) string {
	r, n := utf8.DecodeRuneInString(s)
	return string(unicode.ToLower(r)) + s[n:]
}

// aspirated are the beginnings of names whose h is aspirated: no elision before them.
var aspirated = []string{"haut", "hainaut", "hollande", "hongr", "havre", "hamb", "hérisson", "hêtre"}

// elides reports whether « de » elides before name: a vowel, a mute h, or a y not followed by
// a vowel (« d'Yves », but « de Yasmine »).
func elides(name string) bool {
	base := []rune(strings.ToLower(norm.NFD.String(name)))
	letters := base[:0:0]
	for _, r := range base {
		if unicode.Is(unicode.Mn, r) {
			continue // accents: « É » reads as « e »
		}
		letters = append(letters, r)
	}
	if len(letters) == 0 {
		return false
	}
	vowel := func(r rune) bool { return strings.ContainsRune("aeiouœæ", r) }
	switch c := letters[0]; {
	case vowel(c):
		return true
	case c == 'y':
		return len(letters) > 1 && !vowel(letters[1])
	case c == 'h':
		s := string(letters)
		for _, a := range aspirated {
			if strings.HasPrefix(s, a) {
				return false
			}
		}
		return len(letters) > 1
	}
	return false
}

// Sexed words: the holder's recorded sex chooses the agreement. Unknown, the documents say it
// another way rather than write « né(e) ».

// bornLine is the holder's birth as a certificate prints it: « née le 12/03/1990 », « né le
// 12/03/1990 », or « date de naissance : 12/03/1990 » when the sex is not recorded.
func bornLine(sex domain.Sex, d domain.Date) string {
	switch sex {
	case domain.SexFemale:
		return "née le " + d.String()
	case domain.SexMale:
		return "né le " + d.String()
	}
	return "date de naissance : " + d.String()
}

// civility is « Madame » or « Monsieur », or "" when the sex is not recorded.
func civility(sex domain.Sex) string {
	switch sex {
	case domain.SexFemale:
		return "Madame"
	case domain.SexMale:
		return "Monsieur"
	}
	return ""
}
