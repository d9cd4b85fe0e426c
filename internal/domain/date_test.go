package domain_test

import (
	"strings"
	"testing"

	"cqp/internal/domain"
)

func TestAnImpossibleDateSaysItDoesNotExist(t *testing.T) {
	for in, want := range map[string]string{
		"30/02/1995": "Le 30/02/1995 n'existe pas",
		"29/02/2023": "Le 29/02/2023 n'existe pas",
		"31/4/2001":  "Le 31/04/2001 n'existe pas",
		"12/13/1990": "Le mois 13 n'existe pas",
		"29/02/2024": "",
		"14/03/1995": "",
		"1995-03-14": "",
		"hier":       "",
	} {
		if got := domain.ImpossibleDate(in); (want == "" && got != "") || !strings.Contains(got, want) {
			t.Errorf("%s: %q, want %q", in, got, want)
		}
	}
}
