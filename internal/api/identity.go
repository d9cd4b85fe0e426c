package api

import (
	"strings"

	"cqp/internal/domain"
)

// identityInput is a new person's identity in a request body (POST /candidates, an enrolment in
// an action, an enrolment on the blocs route).
type identityInput struct {
	BirthName    string `json:"birth_name"`
	UsedName     string `json:"used_name"`
	FirstNames   string `json:"first_names"`
	BirthDate    string `json:"birth_date"`
	Sex          string `json:"sex"`
	BirthINSEE   string `json:"birth_insee"`
	BirthCountry string `json:"birth_country"`
	BirthCity    string `json:"birth_city"`
	Email        string `json:"email"`
}

// candidate is the identity in the domain's words; dated is false when the birth date is
// missing or not written AAAA-MM-JJ (the candidate then has none), for the caller to say so.
func (in identityInput) candidate() (c domain.Candidate, dated bool) {
	c = domain.Candidate{BirthName: in.BirthName, UsedName: in.UsedName, FirstNames: in.FirstNames, Sex: domain.Sex(in.Sex),
		BirthINSEE: in.BirthINSEE, BirthCountry: in.BirthCountry, BirthCity: strings.TrimSpace(in.BirthCity), Email: in.Email}
	d, err := domain.ParseISODate(strings.TrimSpace(in.BirthDate))
	if err != nil {
		return c, false
	}
	c.BirthDate = d
	return c, true
}
