package api_test

import (
	"net/http"
	"strings"
	"testing"
)

func TestPersonalDataThroughTheAPI(t *testing.T) {
	eachStore(t, func(t *testing.T, f *fixture) {
		path := "/api/v1/candidates/" + f.candidate.ID + "/personal-data"
		t.Run("the candidate reads everything held on them, as documented", func(t *testing.T) {
			r := f.get(t, candidate, path)
			wantStatus(t, r, http.StatusOK)
			d := r.JSON(t)
			if d["format"] != "cqp.personal-data/1" || d["candidate"].(map[string]any)["id"] != f.candidate.ID ||
				len(d["enrolments"].([]any)) != 1 || len(d["audit_trail"].([]any)) == 0 {
				t.Fatalf("%v", d)
			}
			u, err := f.svc.Store().Read().UserByID(f.ctx, f.users[candidate].ID)
			if err != nil {
				t.Fatalf("the candidate's account: %v", err)
			}
			body := string(r.Body)
			if (u.PasswordHash != "" && strings.Contains(body, u.PasswordHash)) || strings.Contains(body, "argon2") || strings.Contains(body, f.tokens[candidate]) {
				t.Fatal("the answer holds a password hash or a token")
			}
		})
		t.Run("the secretariat reads it too", func(t *testing.T) {
			wantStatus(t, f.get(t, secretariat, path), http.StatusOK)
		})
		t.Run("a training organisation and the branch may not", func(t *testing.T) {
			wantStatus(t, f.get(t, ofB, path), http.StatusForbidden)
			wantStatus(t, f.get(t, branch, path), http.StatusForbidden)
		})
	})
}
