package domain

import "testing"

func TestCheckSIRET(t *testing.T) {
	tests := []struct {
		name, siret string
		valid       bool
	}{
		{"a SIRET with a correct Luhn key is valid", "73282932000074", true},
		{"a SIRET with a wrong key is refused", "73282932000075", false},
		{"a SIRET whose own key holds but whose SIREN's does not is refused", "12345678900015", false},
		{"a SIRET of 13 digits is refused", "7328293200007", false},
		{"a SIRET with a letter is refused", "7328293200007A", false},
		{"a La Poste establishment passes by the sum of its digits", "35600000000048", true},
		{"a La Poste establishment whose digit sum is a multiple of 5 is valid", "35600000049837", true},
		{"a La Poste establishment whose digit sum is not a multiple of 5 is refused", "35600000049838", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			msg := CheckSIRET(tt.siret)
			if (msg == "") != tt.valid {
				t.Fatalf("CheckSIRET(%s) = %q, want valid=%v", tt.siret, msg, tt.valid)
			}
		})
	}
}

func TestNormalizeSIRET(t *testing.T) {
	if got := NormalizeSIRET("732\u202f829\u00a0320 00074"); got != "73282932000074" {
		t.Fatalf("got %q", got)
	}
}
