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
