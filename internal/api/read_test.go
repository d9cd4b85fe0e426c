package api_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
)

func TestReadingLists(t *testing.T) {
	eachStore(t, func(t *testing.T, f *fixture) {
		t.Run("the frameworks list gives the latest version of the three qualifications", func(t *testing.T) {
			items := f.get(t, candidate, "/api/v1/frameworks").Items(t)
			var codes []string
			for _, it := range items {
				codes = append(codes, it["qualification_code"].(string))
			}
			if strings.Join(codes, " ") != "ADP CC IARD" {
				t.Errorf("codes = %v", codes)
			}
		})
		t.Run("a framework shows its blocks, competences and what the branch must confirm", func(t *testing.T) {
			var ccID string
			for _, it := range f.get(t, secretariat, "/api/v1/frameworks").Items(t) {
				if it["qualification_code"] == "CC" {
					ccID = it["id"].(string)
				}
			}
			r := f.get(t, secretariat, "/api/v1/frameworks/"+ccID)
			wantStatus(t, r, http.StatusOK)
			fw := r.JSON(t)
			blocks := fw["blocks"].([]any)
			bc1 := blocks[0].(map[string]any)
			if bc1["code"] != "BC1" || bc1["detailed_total"] != 15.0 || len(bc1["competences"].([]any)) != 5 {
				t.Errorf("BC1 = %v", bc1)
			}
			toConfirm := 0
			for _, b := range blocks {
				if b.(map[string]any)["to_confirm"] == true {
					toConfirm++
				}
			}
			if toConfirm == 0 || fw["to_confirm_count"].(float64) == 0 || fw["continuous_minimum"] != 10.0 || fw["threshold_percent"] != 70.0 {
				t.Errorf("framework: %d blocks to confirm, %v", toConfirm, fw)
			}
			wantStatus(t, f.get(t, secretariat, "/api/v1/frameworks/nope"), http.StatusNotFound)
		})
		t.Run("the candidates search ignores accents and case", func(t *testing.T) {
			r := f.get(t, secretariat, "/api/v1/candidates?q=eloise+LEFEVRE&qualification=CC&route=formation&status=enrolled&training_organisation="+f.orgB.ID)
			wantStatus(t, r, http.StatusOK)
			if items := r.Items(t); len(items) != 1 || items[0]["number"] != f.candidate.Number {
				t.Errorf("items = %v", items)
			}
			if page := r.JSON(t); page["limit"] != 50.0 || page["offset"] != 0.0 || page["total"] != 1.0 {
				t.Errorf("page = %v", page)
			}
			if items := f.get(t, secretariat, "/api/v1/candidates?route=vae").Items(t); len(items) != 0 {
				t.Errorf("route=vae gives %v", items)
			}
		})
		t.Run("wrong list parameters are reported one by one", func(t *testing.T) {
			r := f.get(t, secretariat, "/api/v1/candidates?route=avion&status=fini&limit=0&offset=-1&statut=x")
			wantStatus(t, r, http.StatusUnprocessableEntity)
			errs := r.Problem(t).Errors
			for _, p := range []string{"route", "status", "limit", "offset", "statut"} {
				if errs[p] == "" {
					t.Errorf("no message for %s in %v", p, errs)
				}
			}
			if !strings.Contains(errs["statut"], "Paramètre inconnu") {
				t.Errorf("statut: %q", errs["statut"])
			}
		})
		t.Run("the audit trail filters by action, entity and candidate", func(t *testing.T) {
			r := f.get(t, secretariat, "/api/v1/audit?action=api_token.create&limit=2")
			wantStatus(t, r, http.StatusOK)
			page := r.JSON(t)
			if page["total"] != 5.0 || len(page["items"].([]any)) != 2 {
				t.Errorf("page = %v", page)
			}
			entry := page["items"].([]any)[0].(map[string]any)
			if entry["entity_type"] != "api_token" || entry["after"].(map[string]any)["name"] != "tests" || entry["before"] != nil {
				t.Errorf("entry = %v", entry)
			}
			if strings.Contains(string(r.Body), f.tokens[secretariat]) {
				t.Error("the audit trail shows a token's secret")
			}
			q := url.Values{"candidate": {f.candidate.ID}, "entity_type": {"candidate"}}
			items := f.get(t, branch, "/api/v1/audit?"+q.Encode()).Items(t)
			if len(items) != 1 || items[0]["action"] != "candidate.create" || items[0]["actor_id"] != nil || items[0]["actor_role"] != "system" {
				t.Errorf("items = %v", items)
			}
		})
		t.Run("the accounts list filters by role and scope", func(t *testing.T) {
			q := url.Values{"role": {"training_organisation"}, "scope_id": {f.orgB.ID}}
			items := f.get(t, secretariat, "/api/v1/users?"+q.Encode()).Items(t)
			if len(items) != 1 || items[0]["email"] != "ofb@example.fr" {
				t.Errorf("items = %v", items)
			}
			r := f.get(t, secretariat, "/api/v1/users?role=roi")
			wantStatus(t, r, http.StatusUnprocessableEntity)
		})
		t.Run("a training organisation reads the companies to pick its candidates' employers", func(t *testing.T) {
			items := f.get(t, ofA, "/api/v1/companies").Items(t)
			if len(items) != 1 || items[0]["siret"] != f.company.SIRET {
				t.Errorf("items = %v", items)
			}
			wantStatus(t, f.get(t, ofA, "/api/v1/companies/"+f.company.ID), http.StatusOK)
			wantStatus(t, f.get(t, ofA, "/api/v1/companies/unknown"), http.StatusNotFound)
		})
	})
}
