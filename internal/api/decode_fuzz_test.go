package api

import (
	"bytes"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

// FuzzDecodeJSON feeds arbitrary bodies to the decoder of POST /candidates: it must never
// panic, and every refusal must be a request problem with a French detail and no Go error
// text.
func FuzzDecodeJSON(f *testing.F) {
	for _, seed := range []string{
		`{"birth_name":"Lefèvre","first_names":"Éloïse","birth_date":"1995-04-12","sex":"F","birth_insee":"75056"}`,
		`{"enrolment":{"qualification":"CC","route":"formation","blocks":["OPT1","OPT2"]}}`,
		`{"enrolment":{"blocks":"OPT1"}}`,
		`{"unknown":1}`,
		`[]`, `null`, `{} {}`, `{"birth_name":`, `"\ud800"`, ``,
	} {
		f.Add([]byte(seed))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		req := httptest.NewRequest(http.MethodPost, "/api/v1/candidates", bytes.NewReader(body))
		req.Header.Set("Content-Type", "application/json; charset=utf-8")
		var in candidateInput
		err := decodeJSON(httptest.NewRecorder(), req, &in)
		if err == nil {
			return
		}
		var re *requestError
		if !errors.As(err, &re) {
			t.Fatalf("refusal %v is not a request problem", err)
		}
		p := ProblemOf(err)
		switch p.Status {
		case http.StatusBadRequest, http.StatusUnprocessableEntity, http.StatusRequestEntityTooLarge:
		default:
			t.Fatalf("status %d for %q", p.Status, body)
		}
		if p.Detail == "" || strings.Contains(p.Detail, "json:") {
			t.Fatalf("detail %q", p.Detail)
		}
		for field, msg := range p.Errors {
			if msg == "" || strings.Contains(msg, "json:") {
				t.Fatalf("errors[%s] = %q", field, msg)
			}
		}
	})
}
