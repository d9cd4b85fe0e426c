package domain

import (
	"fmt"
	"strconv"
	"strings"
	"unicode"
)

// The NIR (numéro d'inscription au répertoire, the « numéro de sécurité sociale ») identifies the
// holder when the branch declares an award to the Caisse des Dépôts (Code du travail L6113-8,
// decree of 30 December 2024). Its 15 characters read S AA MM DD CCC OOO KK: sex (1 man, 2
// woman; 7 and 8 are temporary numbers, refused), year and month of birth, department (2A and
// 2B for Corsica, 97x and 98x overseas where the department takes three digits, 99 abroad),
// commune or country, order number, and a key equal to 97 − (the 13 first digits mod 97), with
// 2A read as 19 and 2B as 18.

// NormalizeNIR removes the spaces, dots and dashes people type (any kind of space, including the
// narrow no-break space) and upper-cases the Corsican letters.
func NormalizeNIR(s string) string {
	var b strings.Builder
	for _, r := range s {
		if unicode.IsSpace(r) || r == '.' || r == '-' || r == '\u202f' || r == '\u00a0' {
			continue
		}
		b.WriteRune(unicode.ToUpper(r))
	}
	return b.String()
}

// NIRProblem returns, in French, why nir (normalized) cannot be the NIR of person c; "" when it
// can. The sex and the year and month of birth must agree with c's identity when c has them.
func NIRProblem(nir string, c Candidate) string {
	if len(nir) != 15 {
		return fmt.Sprintf("Le NIR compte 15 caractères, clé comprise (reçu : %d).", len([]rune(nir)))
	}
	for i, r := range nir {
		if (i == 5 || i == 6) && (r == 'A' || r == 'B') {
			continue
		}
		if r < '0' || r > '9' {
			return "Le NIR ne contient que des chiffres, sauf 2A ou 2B pour un département de Corse."
		}
	}
	dept := nir[5:7]
	if strings.ContainsAny(dept, "AB") && (dept[0] != '2' || dept[1] < 'A') {
		return "Le département de naissance du NIR est invalide : seuls 2A et 2B ont une lettre."
	}
	switch nir[0] {
	case '1', '2':
	case '7', '8':
		return "Ce NIR est un numéro provisoire (il commence par 7 ou 8) : demandez à la personne son numéro définitif, qui figure sur sa carte Vitale ou son attestation de droits."
	default:
		return "Le NIR commence par 1 (homme) ou 2 (femme)."
	}
	month, _ := strconv.Atoi(nir[3:5])
	if month == 0 || (month > 12 && month < 20) || (month > 42 && month < 50) {
		return fmt.Sprintf("Le mois de naissance du NIR (%s) n'existe pas.", nir[3:5])
	}
	if dept == "00" || dept == "96" {
		return fmt.Sprintf("Le département de naissance du NIR (%s) n'existe pas.", dept)
	}
	if key := NIRKey(nir[:13]); nir[13:] != key {
		return "La clé du NIR ne correspond pas à son numéro : vérifiez chaque chiffre."
	}
	switch {
	case c.Sex == SexMale && nir[0] != '1':
		return "Le NIR commence par 2 (femme) alors que l'identité indique un homme."
	case c.Sex == SexFemale && nir[0] != '2':
		return "Le NIR commence par 1 (homme) alors que l'identité indique une femme."
	}
	if !c.BirthDate.IsZero() {
		year, _ := strconv.Atoi(nir[1:3])
		if year != c.BirthDate.Year()%100 {
			return fmt.Sprintf("L'année de naissance du NIR (%s) ne correspond pas à la date de naissance (%s).", nir[1:3], c.BirthDate.String())
		}
		if month <= 12 && month != int(c.BirthDate.Month()) {
			return fmt.Sprintf("Le mois de naissance du NIR (%s) ne correspond pas à la date de naissance (%s).", nir[3:5], c.BirthDate.String())
		}
	}
	return ""
}

// NIRKey computes the key of a NIR's 13 first characters: 97 − (number mod 97), on two digits.
func NIRKey(first13 string) string {
	digits := strings.NewReplacer("2A", "19", "2B", "18").Replace(first13)
	n, err := strconv.ParseUint(digits, 10, 64)
	if err != nil {
		return ""
	}
	return fmt.Sprintf("%02d", 97-n%97)
}

// MaskNIR shows what anyone but the secretariat may see of a NIR: its sex, year and month, which
// the identity already says, and nothing else.
func MaskNIR(nir string) string {
	if len(nir) != 15 {
		return ""
	}
	return nir[:1] + " " + nir[1:3] + " " + nir[3:5] + " •• ••• ••• ••"
}

// FormatNIR groups a NIR as it is printed: 1 85 05 78 006 084 36.
func FormatNIR(nir string) string {
	if len(nir) != 15 {
		return nir
	}
	return nir[:1] + " " + nir[1:3] + " " + nir[3:5] + " " + nir[5:7] + " " + nir[7:10] + " " + nir[10:13] + " " + nir[13:]
}
