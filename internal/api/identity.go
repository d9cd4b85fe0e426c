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

// candidate is the identity in the domain's words. A birth date not written AAAA-MM-JJ is
// reported on fe under dateField (isoDate) and left out: the service then says it is missing,
// and fe's message wins (withFields).
func (in identityInput) candidate(fe domain.FieldErrors, dateField string) domain.Candidate {
	return domain.Candidate{BirthName: in.BirthName, UsedName: in.UsedName, FirstNames: in.FirstNames, Sex: domain.Sex(in.Sex),
		BirthINSEE: in.BirthINSEE, BirthCountry: in.BirthCountry, BirthCity: strings.TrimSpace(in.BirthCity), Email: in.Email,
		BirthDate: isoDate(fe, dateField, in.BirthDate, birthDateFormat)}
}

// birthDateFormat is the message of a birth date not written AAAA-MM-JJ.
const birthDateFormat = "La date de naissance doit être au format AAAA-MM-JJ, par exemple 1990-05-17."
