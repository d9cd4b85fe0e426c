package domain

import (
	"strings"
	"unicode"
)

// laPosteSIREN is La Poste's SIREN: its establishments' SIRET numbers do not pass the Luhn
// check; they follow the rule that the sum of the 14 digits is a multiple of 5.
const laPosteSIREN = "356000000"

// NormalizeSIRET removes the spaces people type in a SIRET ("123 456 789 00012"), any kind of
// space (the no-break and narrow no-break spaces a word processor puts), dots and dashes.
func NormalizeSIRET(s string) string {
	return strings.Map(func(r rune) rune {
		if unicode.IsSpace(r) || r == '\u00a0' || r == '\u202f' || r == '.' || r == '-' {
			return -1
		}
		return r
	}, s)
}

// CheckSIRET returns a French message when s (already normalised) is not a valid SIRET, or "".
func CheckSIRET(s string) string {
	if len(s) != 14 {
		return "Le SIRET doit comporter 14 chiffres."
	}
	for _, r := range s {
		if r < '0' || r > '9' {
			return "Le SIRET ne doit contenir que des chiffres."
		}
	}
	if strings.HasPrefix(s, laPosteSIREN) && s != laPosteSIREN+"00048" {
		sum := 0
		for _, r := range s {
			sum += int(r - '0')
		}
		if sum%5 == 0 {
			return ""
		}
		return "Ce SIRET de La Poste n'est pas valide (la somme de ses chiffres doit être un multiple de 5)."
	}
	if !luhn(s[:9]) {
		return "Ce SIRET n'est pas valide : son SIREN (les 9 premiers chiffres) a une clé de contrôle incorrecte ; vérifiez les chiffres."
	}
	if !luhn(s) {
		return "Ce SIRET n'est pas valide : vérifiez les chiffres (clé de contrôle incorrecte)."
	}
	return ""
}

func luhn(s string) bool {
	sum := 0
	double := false
	for i := len(s) - 1; i >= 0; i-- {
		d := int(s[i] - '0')
		if double {
			d *= 2
			if d > 9 {
				d -= 9
			}
		}
		sum += d
		double = !double
	}
	return sum%10 == 0
}
