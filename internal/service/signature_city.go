package service

import (
	"regexp"
	"strings"
)

// SignatureCity is the city a session's documents are signed in, « Fait à Paris »: the city
// the session's place names, else the city configured in the branch's settings (a jury by
// video, a room without its city). A session's place is where the jury met, often a room
// (« Paris 8e, siège de la branche, salle du conseil »): its city is the one after a postcode
// (« 75008 Paris »), else its first part that is neither a number, a street nor a room,
// without an arrondissement (« Paris 8e » → « Paris »). "" when neither names a city: the
// secretariat then configures one.
func SignatureCity(sessionPlace, configured string) string {
	if c := cityOf(sessionPlace); c != "" {
		return c
	}
	return strings.Join(strings.Fields(configured), " ")
}

// cityOf is the city a place names, or "".
func cityOf(place string) string {
	parts := placeSeparators.Split(place, -1)
	for _, p := range parts {
		if m := postcodeCity.FindStringSubmatch(strings.TrimSpace(p)); m != nil {
			return strings.TrimSpace(cedex.ReplaceAllString(m[1], ""))
		}
	}
	for _, p := range parts {
		p = strings.TrimSpace(arrondissement.ReplaceAllString(strings.TrimSpace(p), ""))
		if p == "" || strings.ContainsAny(p, "0123456789«»") || notACity(p) {
			continue
		}
		return p
	}
	return ""
}

var (
	placeSeparators = regexp.MustCompile(`\s*(?:,|;|\n| — | – | - )\s*`)
	postcodeCity    = regexp.MustCompile(`(?:^|\s)\d{5}\s+(\D.*)$`)
	cedex           = regexp.MustCompile(`(?i)\s+cedex.*$`)
	arrondissement  = regexp.MustCompile(`(?i)\s+\d{1,2}\s*(?:e|er|ème|eme)$`)
	placeWords      = []string{"salle", "bureau", "étage", "etage", "bâtiment", "batiment", "siège", "siege", "rue ", "avenue",
		"boulevard", "bd ", "chemin", "allée", "quai", "impasse", "cours ", "place ", "visio", "en ligne", "locaux", "campus", "amphi"}
)

func notACity(part string) bool {
	lower := strings.ToLower(part) + " "
	for _, w := range placeWords {
		if strings.Contains(lower, w) {
			return true
		}
	}
	return false
}
