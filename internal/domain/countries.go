package domain

import (
	_ "embed"
	"fmt"
	"sort"
	"strings"
	"sync"
)

// Country is a foreign country or territory as the INSEE codes it: the code a person born
// there carries in their birth place and NIR (99 then three digits).
type Country struct {
	Code  string // e.g. 99350
	Name  string // e.g. Maroc
	Ended bool   // the country no longer exists; it stays valid as a birth place
}

// RegisterCode is the three digits the national register takes (codePaysNaissance).
func (c Country) RegisterCode() string { return c.Code[2:] }

//go:embed insee_countries.tsv
var inseeCountriesTSV string

// countryTable is the INSEE list, read once from the embedded file.
type countryTable struct {
	byCode map[string]Country
	byName map[string]Country // folded name → country
	names  []string           // current countries' names, sorted, France excluded
}

var countries = sync.OnceValue(func() countryTable {
	t := countryTable{byCode: map[string]Country{}, byName: map[string]Country{}}
	for _, line := range strings.Split(inseeCountriesTSV, "\n") {
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		f := strings.Split(line, "\t")
		c := Country{Code: f[0], Name: f[1], Ended: len(f) > 2}
		t.byCode[c.Code] = c
		key := countryKey(c.Name)
		if old, dup := t.byName[key]; !dup || old.Ended {
			t.byName[key] = c // a name used twice (Chypre, Kenya) means the current country
		}
		if !c.Ended && c.Code != CountryFrance {
			t.names = append(t.names, c.Name)
		}
	}
	// Names people write that the INSEE list spells otherwise.
	for alias, code := range map[string]string{
		"Burkina Faso": "99331", "République tchèque": "99116", "Eswatini": "99391", "Guinée-Bissau": "99392",
		"Cap Vert": "99396", "Cabo Verde": "99396", "Grande-Bretagne": "99132", "Angleterre": "99132",
		"Écosse": "99132", "Pays de Galles": "99132", "Irlande du Nord": "99132", "USA": "99404",
		"États-Unis d’Amérique": "99404", "Myanmar": "99224", "Biélorussie": "99148", "Bélarus": "99148",
		"RDC": "99312", "Congo-Kinshasa": "99312", "Congo-Brazzaville": "99324", "Île Maurice": "99390",
		"Guatemala": "99409", "Venezuela": "99424", "Belize": "99429", "Nigeria": "99338", "Liberia": "99302",
		"République centrafricaine": "99323", "Porto Rico": "99432", "Gibraltar": "99133", "Jersey": "99161",
		"Guernesey": "99161", "Île de Man": "99161", "Canaries": "99313", "Açores": "99319", "Madère": "99319",
	} {
		t.byName[countryKey(alias)] = t.byCode[code]
	}
	sort.Slice(t.names, func(i, j int) bool { return Fold(t.names[i]) < Fold(t.names[j]) })
	return t
})

// CountryFrance is France's code in the list of countries: a person born in France gives
// their commune's INSEE code instead.
const CountryFrance = "99100"

// countryKey folds a country's name so that « cote d'ivoire » finds « Côte d’Ivoire ».
func countryKey(name string) string { return Fold(name) }

// LookupCountry finds a country by its INSEE code (99350) or its name, written with or
// without accents, capitals or hyphens.
func LookupCountry(s string) (Country, bool) {
	s = strings.TrimSpace(s)
	if s == "" {
		return Country{}, false
	}
	t := countries()
	if c, ok := t.byCode[s]; ok {
		return c, true
	}
	c, ok := t.byName[countryKey(s)]
	return c, ok
}

// CountryNames lists the countries that exist today, sorted, for a form's suggestions.
func CountryNames() []string { return countries().names }

// NormalizeBirthPlace writes a foreign birth place the one way cqp keeps it: a country's
// code typed as the commune's code (99350) moves to the country, and a known country is
// written with its INSEE name. An unknown country is left as typed, for Validate to refuse.
func (c *Candidate) NormalizeBirthPlace() {
	c.BirthINSEE, c.BirthCountry = strings.ToUpper(strings.TrimSpace(c.BirthINSEE)), strings.TrimSpace(c.BirthCountry)
	c.BirthCity = strings.TrimSpace(c.BirthCity)
	if strings.HasPrefix(c.BirthINSEE, "99") {
		if country, ok := LookupCountry(c.BirthINSEE); ok && country.Code != CountryFrance {
			c.BirthINSEE, c.BirthCountry = "", country.Name
		}
	}
	if country, ok := LookupCountry(c.BirthCountry); ok && country.Code != CountryFrance {
		c.BirthCountry = country.Name
	}
}

// birthCountryProblem says, in French, why a foreign birth place is not one the register knows.
func birthCountryProblem(country string) string {
	c, ok := LookupCountry(country)
	switch {
	case !ok:
		return fmt.Sprintf("« %s » ne figure pas dans la liste des pays de l'INSEE : choisissez le pays parmi les suggestions, ou écrivez son code INSEE (99 suivi de 3 chiffres, par exemple 99350 pour le Maroc).", country)
	case c.Code == CountryFrance:
		return "Pour une personne née en France, indiquez le code INSEE de la commune de naissance et laissez le pays vide."
	}
	return ""
}
