package demo

import (
	"fmt"
	"hash/fnv"

	"cqp/internal/domain"
)

// FictitiousNIR gives a demo (or test) person a well-formed NIR that agrees with their identity (sex,
// year and month of birth, birthplace) and passes the key check, so that the demo's awards can
// be declared. The order number comes from the name: no real person's number is used.
func FictitiousNIR(c domain.Candidate) string {
	if c.BirthDate.IsZero() || (c.Sex != domain.SexMale && c.Sex != domain.SexFemale) {
		return ""
	}
	sex := "1"
	if c.Sex == domain.SexFemale {
		sex = "2"
	}
	place := "99100" // abroad, in a country not in the INSEE list
	if country, ok := domain.LookupCountry(c.BirthCountry); ok && c.BirthINSEE == "" {
		place = "99" + country.RegisterCode() // 99 then the country, as the NIR writes it
	}
	if len(c.BirthINSEE) == 5 {
		place = c.BirthINSEE // department then commune, as the NIR writes them
	}
	h := fnv.New32a()
	h.Write([]byte(c.BirthName + "|" + c.FirstNames + "|" + c.BirthDate.ISO()))
	first13 := fmt.Sprintf("%s%02d%02d%s%03d", sex, c.BirthDate.Year()%100, int(c.BirthDate.Month()), place, 1+h.Sum32()%999)
	return first13 + domain.NIRKey(first13)
}

// withNIR returns c with its fictitious NIR.
func withNIR(c domain.Candidate) domain.Candidate {
	c.NIR = FictitiousNIR(c)
	return c
}
