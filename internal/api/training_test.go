package api_test

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"
)

// trainingSideA declares an action of organisation A and enrols a new person in it, through
// the API, and returns the action's and the enrolment's addresses.
func trainingSideA(t *testing.T, f *fixture) (action, enrolment string) {
	t.Helper()
	r := f.post(t, ofA, "/api/v1/actions", map[string]any{
		"training_organisation_id": f.orgA.ID, "qualification": "CC", "route": "formation", "title": "CQP CC — Nantes 2026",
		"starts_on": "2026-03-09", "ends_on": "2026-12-18", "planned_hours": 600, "company_ids": []string{f.company.ID},
		"calendar": []map[string]any{{"day": "2026-03-09", "start_time": "09:00", "end_time": "17:00", "block_code": "bc1"}},
	})
	wantStatus(t, r, http.StatusCreated)
	action = r.Header.Get("Location")
	if a := r.JSON(t); a["status"] != "declared" || len(a["calendar"].([]any)) != 1 {
		t.Fatalf("declared action = %v", a)
	}
	r = f.post(t, ofA, action+"/enrolments", map[string]any{
		"candidate": map[string]any{"birth_name": "Nguyen", "first_names": "Linh", "birth_date": "1999-07-21", "sex": "F", "birth_insee": "44109"},
		"public":    "job_seeker", "company_id": f.company.ID, "blocks": []string{"OPT1", "OPT2"},
		"intake": map[string]any{"interview_on": "2026-02-20", "project": "Devenir conseillère en agence", "motivation": "Le contact client",
			"diploma_level": 5, "experience_months": 12},
	})
	wantStatus(t, r, http.StatusCreated)
	return action, r.Header.Get("Location")
}

func TestTrainingRoutesServeTheirOrganisationAndHideItFromAnother(t *testing.T) {
	eachStore(t, func(t *testing.T, f *fixture) {
		action, enrolment := trainingSideA(t, f)
		internship := ""
		steps := []struct {
			name, method, path string
			body               any
			want               int
		}{
			{"the list", "GET", "/api/v1/actions?status=declared", nil, http.StatusOK},
			{"the action", "GET", action, nil, http.StatusOK},
			{"a calendar session", "POST", action + "/calendar", map[string]any{"day": "2026-03-10", "label": "Accueil"}, http.StatusCreated},
			{"a second enrolment", "POST", action + "/enrolments", map[string]any{
				"candidate": map[string]any{"birth_name": "Roux", "first_names": "Inès", "birth_date": "1997-01-02", "sex": "F", "birth_insee": "44109"},
				"public":    "job_seeker", "blocks": []string{"OPT1", "OPT2"},
				"intake": map[string]any{"interview_on": "2026-02-21", "project": "Conseil", "motivation": "Le métier",
					"diploma_level": 5, "experience_months": 6}}, http.StatusCreated},
			{"the enrolment", "GET", enrolment, nil, http.StatusOK},
			{"the interview", "POST", enrolment + "/intake", map[string]any{"interview_on": "2026-02-20", "project": "Devenir conseillère",
				"motivation": "Le contact client", "diploma_level": 5, "experience_months": 12}, http.StatusOK},
			{"the status", "POST", enrolment + "/status", map[string]any{"status": "in_training"}, http.StatusOK},
			{"the follow-up", "GET", enrolment + "/followup", nil, http.StatusOK},
			{"the hours", "POST", enrolment + "/training-hours", map[string]any{"blocks": []map[string]any{{"block_code": "BC1", "hours": 20, "planned_hours": 70}}}, http.StatusOK},
			{"an internship", "POST", enrolment + "/internships", map[string]any{"company_id": f.company.ID, "starts_on": "2026-11-02",
				"ends_on": "2026-11-27", "hours": 140}, http.StatusCreated},
			{"its removal", "POST", enrolment + "/internships/{internship}/removal", map[string]any{"reason": "Saisi deux fois"}, http.StatusOK},
		}
		for _, s := range steps {
			t.Run(s.name+" answers organisation A and is not found for organisation B", func(t *testing.T) {
				path := strings.ReplaceAll(s.path, "{internship}", internship)
				var body []byte
				if s.body != nil {
					body, _ = json.Marshal(s.body)
				}
				ct := ""
				if body != nil {
					ct = "application/json"
				}
				// B first, so that a write it could make would show in A's answer.
				if s.name == "the list" {
					if r := f.get(t, ofB, path); r.JSON(t)["total"] != float64(0) {
						t.Errorf("organisation B lists %s", r.Body)
					}
				} else if r := f.send(t, s.method, path, f.tokens[ofB], ct, body); r.Status != http.StatusNotFound {
					t.Errorf("organisation B: %d, want 404\n%s", r.Status, r.Body)
				}
				r := f.send(t, s.method, path, f.tokens[ofA], ct, body)
				wantStatus(t, r, s.want)
				if s.name == "an internship" {
					internship = r.JSON(t)["id"].(string)
				}
			})
		}
		t.Run("the action shows its calendar and both candidates", func(t *testing.T) {
			a := f.get(t, ofA, action).JSON(t)
			if len(a["calendar"].([]any)) != 2 || len(a["candidates"].([]any)) != 2 || a["enrolment_count"] != float64(2) {
				t.Errorf("action = %v", a)
			}
		})
		t.Run("the secretariat reviews the action; an organisation may not", func(t *testing.T) {
			wantStatus(t, f.post(t, ofA, action+"/review", map[string]any{"note": "Vu"}), http.StatusForbidden)
			wantStatus(t, f.post(t, secretariat, action+"/comments", map[string]any{"comment": "Précisez le lieu."}), http.StatusOK)
			a := f.post(t, secretariat, action+"/review", map[string]any{"note": "Conforme"}).JSON(t)
			if a["status"] != "reviewed" || len(a["comments"].([]any)) != 2 {
				t.Errorf("reviewed action = %v", a)
			}
			wantStatus(t, f.post(t, secretariat, action+"/review", map[string]any{}), http.StatusConflict)
		})
		t.Run("a status naming a jury's outcome is refused, as on the page", func(t *testing.T) {
			for _, outcome := range []string{"certified", "partial", "not_certified"} {
				r := f.post(t, ofA, enrolment+"/status", map[string]any{"status": outcome, "reason": "Résultat saisi par l'organisme"})
				wantStatus(t, r, http.StatusForbidden)
				if p := r.Problem(t); !strings.Contains(p.Errors["status"], "seul le jury le donne") {
					t.Errorf("problem = %+v", p)
				}
			}
			if e := f.get(t, ofA, enrolment).JSON(t); e["status"] != "in_training" {
				t.Errorf("status = %v", e["status"])
			}
		})
		t.Run("an action with a wrong date, and one with a session out of its period, say which", func(t *testing.T) {
			body := map[string]any{"training_organisation_id": f.orgA.ID, "qualification": "CC", "route": "formation", "title": "Dates",
				"starts_on": "09/03/2026", "ends_on": "2026-12-18", "planned_hours": 600}
			r := f.post(t, ofA, "/api/v1/actions", body)
			wantStatus(t, r, http.StatusUnprocessableEntity)
			if p := r.Problem(t); p.Errors["starts_on"] != "La date de début doit être au format AAAA-MM-JJ, par exemple 2027-01-04." {
				t.Errorf("errors = %v", p.Errors)
			}
			body["starts_on"], body["calendar"] = "2026-03-09", []map[string]any{{"day": "2026-03-10"}, {"day": "2027-01-04"}}
			r = f.post(t, ofA, "/api/v1/actions", body)
			wantStatus(t, r, http.StatusUnprocessableEntity)
			if p := r.Problem(t); len(p.Errors) != 1 || !strings.HasPrefix(p.Errors["calendar[1].day"], "Séance 2 : le 04/01/2027 est hors de la période") {
				t.Errorf("errors = %v", p.Errors)
			}
		})
	})
}

func TestTrainingHoursBatch(t *testing.T) {
	eachStore(t, func(t *testing.T, f *fixture) {
		_, enrolment := trainingSideA(t, f)
		enrolmentID := strings.TrimPrefix(enrolment, "/api/v1/enrolments/")
		enrolmentB := f.candidate.Enrolments[0].ID
		hoursOf := func(t *testing.T) map[string]float64 {
			t.Helper()
			out := map[string]float64{}
			for _, b := range f.get(t, ofA, enrolment+"/followup").JSON(t)["blocks"].([]any) {
				b := b.(map[string]any)
				out[b["code"].(string)] = b["done_hours"].(float64)
			}
			return out
		}
		t.Run("one bad row writes nothing and every row's error is listed", func(t *testing.T) {
			r := f.post(t, ofA, "/api/v1/training-hours/batch", map[string]any{"items": []map[string]any{
				{"enrolment_id": enrolmentID, "block_code": "BC1", "hours": 35},
				{"enrolment_id": enrolmentID, "block_code": "BC2", "hours": "trente"},
				{"enrolment_id": enrolmentB, "block_code": "BC1", "hours": 10},
				{"enrolment_id": enrolmentID, "block_code": "BC9", "hours": 10},
			}})
			wantStatus(t, r, http.StatusUnprocessableEntity)
			want := map[string]string{
				"items[1].hours":        "Ligne 2 : bloc BC2, heures effectuées : « trente » n'est pas un nombre entier d'heures.",
				"items[2].enrolment_id": "Ligne 3 : inscription introuvable.",
				"items[3].block_code":   "Ligne 4 : le bloc « BC9 » n'est pas présenté par le candidat.",
			}
			p := r.Problem(t)
			if len(p.Errors) != len(want) {
				t.Errorf("errors = %v", p.Errors)
			}
			for k, msg := range want {
				if p.Errors[k] != msg {
					t.Errorf("errors[%s] = %q, want %q", k, p.Errors[k], msg)
				}
			}
			if h := hoursOf(t); h["BC1"] != 0 {
				t.Errorf("hours written despite the refusal: %v", h)
			}
		})
		t.Run("a good batch is recorded and audited block by block as the page's form", func(t *testing.T) {
			// The page's form first, for the audit entry to compare with.
			wantStatus(t, f.post(t, ofA, enrolment+"/training-hours", map[string]any{"blocks": []map[string]any{
				{"block_code": "BC3", "hours": 5, "planned_hours": 70}}}), http.StatusOK)
			r := f.post(t, ofA, "/api/v1/training-hours/batch", map[string]any{"items": []map[string]any{
				{"enrolment_id": enrolmentID, "block_code": "BC1", "hours": 35, "planned_hours": 70},
				{"enrolment_id": enrolmentID, "block_code": "BC2", "hours": 14},
				{"enrolment_id": enrolmentID, "block_code": "BC3", "hours": 5},
			}})
			wantStatus(t, r, http.StatusOK)
			if res := r.JSON(t); res["rows"] != float64(3) || res["enrolments"] != float64(1) || res["changed"] != float64(2) {
				t.Errorf("result = %v", res)
			}
			if h := hoursOf(t); h["BC1"] != 35 || h["BC2"] != 14 || h["BC3"] != 5 {
				t.Errorf("hours = %v", h)
			}
			entries := f.get(t, secretariat, "/api/v1/audit?action=training.hours&entity_id="+enrolmentID).Items(t)
			if len(entries) != 3 {
				t.Fatalf("%d audit entries, want 3 (one by the form, two by the batch): %v", len(entries), entries)
			}
			keys := func(e map[string]any) string {
				var ks []string
				for k := range e["after"].(map[string]any) {
					ks = append(ks, k)
				}
				return strings.Join(sortStrings(ks), " ")
			}
			form := entries[len(entries)-1] // oldest last
			for _, e := range entries[:2] {
				if e["actor_name"] != "Compte ofA" || e["entity_type"] != "enrolment" || keys(e) != keys(form) || e["candidate_id"] != form["candidate_id"] {
					t.Errorf("batch entry %v differs from the form's %v", e, form)
				}
			}
		})
		t.Run("more than 1 000 rows are refused whole", func(t *testing.T) {
			items := make([]map[string]any, 1001)
			for i := range items {
				items[i] = map[string]any{"enrolment_id": enrolmentID, "block_code": "BC1", "hours": 1}
			}
			r := f.post(t, ofA, "/api/v1/training-hours/batch", map[string]any{"items": items})
			wantStatus(t, r, http.StatusRequestEntityTooLarge)
			if p := r.Problem(t); p.Detail != "Le lot compte 1\u00a0001 lignes : 1\u00a0000 au plus par envoi. Découpez-le en plusieurs lots ; chacun est enregistré en entier ou pas du tout." {
				t.Errorf("detail = %q", p.Detail)
			}
		})
	})
}

func sortStrings(s []string) []string {
	for i := range s {
		for j := i + 1; j < len(s); j++ {
			if s[j] < s[i] {
				s[i], s[j] = s[j], s[i]
			}
		}
	}
	return s
}
