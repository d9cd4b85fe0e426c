package api

import (
	"bytes"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

// FuzzDecodeHoursBatch feeds arbitrary bodies to the decoder of POST /training-hours/batch: it
// must never panic, a refusal is a request problem with a French detail, and hours that are not
// a JSON number reach the service as text for it to refuse with its own message.
func FuzzDecodeHoursBatch(f *testing.F) {
	for _, seed := range []string{
		`{"items":[{"enrolment_id":"e1","block_code":"BC1","hours":35,"planned_hours":70}]}`,
		`{"items":[{"enrolment_id":"e1","block_code":"BC1","hours":"trente"}]}`,
		`{"items":[{"hours":null},{"hours":{"a":1}},{"hours":[1]},{"hours":true},{"hours":1e3}]}`,
		`{"items":{}}`, `{"items":[{"unknown":1}]}`, `[]`, `null`, ``,
	} {
		f.Add([]byte(seed))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		req := httptest.NewRequest(http.MethodPost, "/api/v1/training-hours/batch", bytes.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		var in hoursBatchInput
		err := decodeJSON(httptest.NewRecorder(), req, &in)
		if err == nil {
			for _, x := range in.Items {
				if !x.Hours.set && x.Hours.text != "" {
					t.Fatalf("hours %q kept without being sent", x.Hours.text)
				}
			}
			return
		}
		var re *requestError
		if !errors.As(err, &re) {
			t.Fatalf("refusal %v is not a request problem", err)
		}
		if p := ProblemOf(err); p.Detail == "" || strings.Contains(p.Detail, "json:") {
			t.Fatalf("detail %q", p.Detail)
		}
	})
}
