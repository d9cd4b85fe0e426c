package domain_test

import (
	"strings"
	"testing"

	"cqp/internal/domain"
)

func TestLookupCountry(t *testing.T) {
	for _, tc := range []struct{ typed, code, name string }{
		{"Maroc", "99350", "Maroc"},
		{"99350", "99350", "Maroc"},
		{"cote d'ivoire", "99326", "Côte d’Ivoire"},
		{"  BURKINA FASO ", "99331", "Burkina"},
		{"Chypre", "99254", "Chypre"}, // the country of today, not the code that ended in 1994
		{"99143", "99143", "Chypre (jusqu’en 1994)"},
		{"Tchécoslovaquie", "99115", "Tchécoslovaquie"},
	} {
		t.Run(tc.typed+" is found", func(t *testing.T) {
			c, ok := domain.LookupCountry(tc.typed)
			if !ok || c.Code != tc.code || c.Name != tc.name {
				t.Fatalf("LookupCountry(%q) = %+v, %v; want %s %s", tc.typed, c, ok, tc.code, tc.name)
			}
		})
	}
	for _, typed := range []string{"", "Atlantide", "99999", "Maroc du Sud"} {
		t.Run(typed+" is not a country", func(t *testing.T) {
			if c, ok := domain.LookupCountry(typed); ok {
				t.Fatalf("LookupCountry(%q) = %+v", typed, c)
			}
		})
	}
	t.Run("the suggestions hold today's countries, not France nor those that ended", func(t *testing.T) {
		names := strings.Join(domain.CountryNames(), "|")
		for _, want := range []string{"Maroc", "Allemagne", "Sénégal"} {
			if !strings.Contains(names, want) {
				t.Errorf("suggestions lack %s", want)
			}
		}
		for _, unwanted := range []string{"France", "Tchécoslovaquie", "Allemagne de l’Est"} {
			if strings.Contains("|"+names+"|", "|"+unwanted+"|") {
				t.Errorf("suggestions hold %s", unwanted)
			}
		}
		if n := len(domain.CountryNames()); n < 190 {
			t.Errorf("only %d countries suggested", n)
		}
	})
}

func TestBirthPlaceOfAPersonBornAbroad(t *testing.T) {
	today := domain.NewDate(2026, 12, 4)
	base := domain.Candidate{BirthName: "Diallo", FirstNames: "Awa", BirthDate: domain.NewDate(1995, 1, 20), Sex: domain.SexFemale}
	for _, tc := range []struct {
		name, insee, country string
		wantCountry, wantErr string
	}{
		{"a country typed as INSEE names it is kept", "", "Sénégal", "Sénégal", ""},
		{"a country typed without accents is written as INSEE names it", "", "senegal", "Sénégal", ""},
		{"a country's code typed as the commune's code moves to the country", "99341", "", "Sénégal", ""},
		{"a country's code typed as the country", "", "99341", "Sénégal", ""},
		{"an unknown country is refused with how to write it", "", "Atlantide", "Atlantide", "liste des pays de l'INSEE"},
		{"France is not a country of birth abroad", "", "France", "France", "code INSEE de la commune"},
		{"99100 is not a commune", "99100", "", "", "99100 désigne la France"},
		{"an unknown country code is refused", "99999", "", "", "ne figure pas dans la liste des pays"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := base
			c.BirthINSEE, c.BirthCountry = tc.insee, tc.country
			c.NormalizeBirthPlace()
			if c.BirthCountry != tc.wantCountry {
				t.Errorf("country %q, want %q", c.BirthCountry, tc.wantCountry)
			}
			fe := c.Validate(today)
			got := fe["birth_country"] + fe["birth_insee"]
			if tc.wantErr == "" && got != "" || !strings.Contains(got, tc.wantErr) {
				t.Errorf("errors %q, want %q", got, tc.wantErr)
			}
		})
	}
}

func TestSexOtherIsRecorded(t *testing.T) {
	c := domain.Candidate{BirthName: "Martin", FirstNames: "Camille", BirthDate: domain.NewDate(1995, 1, 20), Sex: domain.SexOther,
		BirthINSEE: "75056"}
	if fe := c.Validate(domain.NewDate(2026, 12, 4)); len(fe) != 0 {
		t.Fatalf("sex X refused: %v", fe)
	}
	c.Sex = "Z"
	if fe := c.Validate(domain.NewDate(2026, 12, 4)); fe["sex"] == "" {
		t.Fatal("sex Z accepted")
	}
	if domain.SexOther.Label() != "Autre" {
		t.Fatalf("label %q", domain.SexOther.Label())
	}
}
