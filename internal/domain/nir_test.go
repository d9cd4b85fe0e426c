package domain_test

import (
	"strings"
	"testing"

	"cqp/internal/domain"
)

func TestNIRChecks(t *testing.T) {
	woman1990 := domain.Candidate{Sex: domain.SexFemale, BirthDate: domain.NewDate(1990, 2, 14)}
	woman1969 := domain.Candidate{Sex: domain.SexFemale, BirthDate: domain.NewDate(1969, 5, 3)}
	man1985 := domain.Candidate{Sex: domain.SexMale, BirthDate: domain.NewDate(1985, 5, 30)}
	tests := []struct {
		name, typed string
		person      domain.Candidate
		problem     string // "" when valid; else a fragment of the message
	}{
		{"valid, typed with spaces", "2 90 02 75 056 123 36", woman1990, ""},
		{"valid, narrow no-break spaces and dots", "1\u202f85\u202f05.78.006.084.91", man1985, ""},
		{"Corsica 2A, lower case", "2 69 05 2a 004 020 20", woman1969, ""},
		{"abroad (99)", "1 99 03 99 123 456 65", domain.Candidate{}, ""},
		{"wrong key", "2 90 02 75 056 123 37", woman1990, "clé"},
		{"a digit typed wrong", "2 90 02 75 065 123 36", woman1990, "clé"},
		{"temporary number", "7 90 02 75 056 123 77", woman1990, "provisoire"},
		{"too short", "2 90 02 75 056 123", woman1990, "15 caractères"},
		{"a letter outside Corsica", "2 90 02 7A 056 123 36", woman1990, "2A et 2B"},
		{"sex does not match", "2 90 02 75 056 123 36", domain.Candidate{Sex: domain.SexMale, BirthDate: domain.NewDate(1990, 2, 14)}, "homme"},
		{"year does not match", "2 90 02 75 056 123 36", domain.Candidate{Sex: domain.SexFemale, BirthDate: domain.NewDate(1991, 2, 14)}, "année"},
		{"month does not match", "2 90 02 75 056 123 36", domain.Candidate{Sex: domain.SexFemale, BirthDate: domain.NewDate(1990, 3, 14)}, "mois"},
		{"month 13", "2 90 13 75 056 123 " + domain.NIRKey("2901375056123"), woman1990, "n'existe pas"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := domain.NIRProblem(domain.NormalizeNIR(tt.typed), tt.person)
			if tt.problem == "" && got != "" {
				t.Fatalf("refused: %s", got)
			}
			if tt.problem != "" && !strings.Contains(got, tt.problem) {
				t.Fatalf("got %q, want a message with %q", got, tt.problem)
			}
		})
	}
}

func TestNIRIsMaskedAndFormatted(t *testing.T) {
	nir := domain.NormalizeNIR("2 90 02 75 056 123 36")
	if got := domain.MaskNIR(nir); got != "2 90 02 •• ••• ••• ••" {
		t.Errorf("masked: %q", got)
	}
	if got := domain.FormatNIR(nir); got != "2 90 02 75 056 123 36" {
		t.Errorf("formatted: %q", got)
	}
}

func TestTheIdentityFitsTheNationalRegister(t *testing.T) {
	today := domain.NewDate(2026, 12, 4)
	base := domain.Candidate{BirthName: "Martin", FirstNames: "Léa", BirthDate: domain.NewDate(1990, 2, 14), Sex: domain.SexFemale, BirthINSEE: "75056"}
	if fe := base.Validate(today); len(fe) != 0 {
		t.Fatalf("a plain identity is refused: %v", fe)
	}
	for _, tt := range []struct{ field, insee, name, want string }{
		{"birth_insee", "20004", "", "2A (Corse-du-Sud) ou 2B"},
		{"birth_insee", "96001", "", "aucun département"},
		{"birth_insee", "97711", "", "971 à 976"},
		{"birth_name", "75056", strings.Repeat("Martin-", 9) + "X", "64 caractères : le registre national en accepte 60"},
	} {
		c := base
		c.BirthINSEE = tt.insee
		if tt.name != "" {
			c.BirthName = tt.name
		}
		if got := c.Validate(today)[tt.field]; !strings.Contains(got, tt.want) {
			t.Errorf("%s %q: %q, want %q", tt.field, tt.insee+tt.name, got, tt.want)
		}
	}
	for _, ok := range []string{"2A004", "2B033", "97411", "98818", "99134"} {
		c := base
		c.BirthINSEE = ok
		if fe := c.Validate(today); fe["birth_insee"] != "" {
			t.Errorf("%s refused: %s", ok, fe["birth_insee"])
		}
	}
}
