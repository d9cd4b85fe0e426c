package service_test

import (
	"testing"

	"cqp/internal/service"
)

func TestSignatureCityIsTheCityNotTheRoom(t *testing.T) {
	cases := []struct{ name, place, configured, want string }{
		{"a room of the branch's seat gives its city", "Paris 8e, siège de la branche, salle du conseil", "", "Paris"},
		{"a postcode names the city", "Salle Lutèce, 10 rue Auber, 75009 Paris", "Marseille", "Paris"},
		{"a CEDEX is dropped", "Tour Europa, 69003 Lyon Cedex 03", "", "Lyon"},
		{"the city first, then the address", "Paris — 10, rue Auber, salle « Lutèce »", "", "Paris"},
		{"a city alone is the city", "Lyon", "Paris", "Lyon"},
		{"a room without its city takes the configured city", "Salle du conseil", "Paris", "Paris"},
		{"a jury by video takes the configured city", "", "  Paris   La Défense ", "Paris La Défense"},
		{"nothing to go by gives nothing", "salle du conseil", "", ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if got := service.SignatureCity(c.place, c.configured); got != c.want {
				t.Errorf("SignatureCity(%q, %q) = %q, want %q", c.place, c.configured, got, c.want)
			}
		})
	}
}
