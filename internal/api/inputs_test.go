package api_test

import (
	"net/http"
	"strings"
	"testing"
)

// TestBodiesRefuseHiddenCharacters sends candidates whose identity holds characters no
// keyboard types, or an address that could bend a mail: each is a 422 problem naming the
// field, and nothing is recorded.
func TestBodiesRefuseHiddenCharacters(t *testing.T) {
	eachStore(t, func(t *testing.T, f *fixture) {
		for _, c := range []struct{ name, field, value, want string }{
			{"a right-to-left override in a name", "birth_name", "N'Diaye\u202Eelbuod", "sens de lecture"},
			{"an isolate in the first names", "first_names", "Moussa \u2066Ali\u2069", "sens de lecture"},
			{"a control character", "birth_country", "Séné\u0000gal", "caractère de contrôle"},
			{"a line break in a name", "birth_name", "N'Diaye\nDupont", "une ligne"},
			{"a line break in an e-mail address", "email", "moussa@example.fr\r\nBcc:tous@example.fr", "e-mail"},
			{"a quoted local part", "email", `"moussa.ndiaye"@example.fr`, "e-mail"},
		} {
			t.Run(c.name, func(t *testing.T) {
				body := validCandidate(f)
				body[c.field] = c.value
				r := f.post(t, ofA, "/api/v1/candidates", body)
				wantStatus(t, r, http.StatusUnprocessableEntity)
				if msg := r.Problem(t).Errors[c.field]; !strings.Contains(msg, c.want) {
					t.Errorf("errors = %v, want %q under %s", r.Problem(t).Errors, c.want, c.field)
				}
			})
		}
		r := f.get(t, ofA, "/api/v1/candidates?q=Diaye")
		wantStatus(t, r, http.StatusOK)
		if items := r.Items(t); len(items) != 0 {
			t.Errorf("a refused candidate was recorded: %v", items)
		}
	})
}
