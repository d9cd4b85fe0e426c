package api_test

import (
	"net/http"
	"strings"
	"testing"
)

// validCandidate is a request body the API accepts from organisation A.
func validCandidate(f *fixture) map[string]any {
	return map[string]any{
		"birth_name": "N'Diaye", "first_names": "Moussa", "birth_date": "1998-11-03", "sex": "M", "birth_country": "Sénégal",
		"email": "moussa.ndiaye@example.fr",
		"enrolment": map[string]any{"qualification": "CC", "route": "formation", "public": "job_seeker",
			"training_organisation_id": f.orgA.ID, "blocks": []string{"OPT1", "OPT3"}},
	}
}

func TestCreatingRecords(t *testing.T) {
	eachStore(t, func(t *testing.T, f *fixture) {
		t.Run("a training organisation enrols a candidate in its own organisation", func(t *testing.T) {
			r := f.post(t, ofA, "/api/v1/candidates", validCandidate(f))
			wantStatus(t, r, http.StatusCreated)
			c := r.JSON(t)
			if loc := r.Header.Get("Location"); loc != "/api/v1/candidates/"+c["id"].(string) {
				t.Errorf("Location = %q", loc)
			}
			e := c["enrolments"].([]any)[0].(map[string]any)
			if e["training_organisation"].(map[string]any)["name"] != "Institut Alpha" || e["status"] != "enrolled" ||
				strings.Join(asStrings(e["blocks"]), " ") != "BC1 BC2 BC3 BC4 BC5 OPT1 OPT3" || c["birth_insee"] != nil {
				t.Errorf("candidate = %v", c)
			}
			read := f.get(t, ofA, r.Header.Get("Location"))
			wantStatus(t, read, http.StatusOK)
			timeline := f.get(t, ofA, r.Header.Get("Location")+"/timeline").Items(t)
			var actions []string
			for _, e := range timeline {
				actions = append(actions, e["action"].(string))
			}
			if strings.Join(actions, " ") != "enrolment.create candidate.create" {
				t.Errorf("timeline actions = %v", actions)
			}
			if timeline[1]["actor_name"] != "Compte ofA" || timeline[1]["actor_role"] != "training_organisation" {
				t.Errorf("timeline entry = %v", timeline[1])
			}
		})
		t.Run("a candidate with wrong identity fields gets a French message per field", func(t *testing.T) {
			r := f.post(t, ofA, "/api/v1/candidates", map[string]any{
				"birth_name": " ", "first_names": "Moussa", "birth_date": "03/11/1998", "sex": "Z", "birth_insee": "7505",
			})
			wantStatus(t, r, http.StatusUnprocessableEntity)
			p := r.Problem(t)
			want := map[string]string{
				"birth_name":  "Indiquez le nom de naissance.",
				"birth_date":  "La date de naissance doit être au format AAAA-MM-JJ, par exemple 1990-05-17.",
				"sex":         "Indiquez le sexe tel qu'il figure à l'état civil : féminin, masculin ou autre.",
				"birth_insee": "Le code INSEE comporte 5 caractères (chiffres, ou 2A/2B pour la Corse), par exemple 75056.",
			}
			for field, msg := range want {
				if p.Errors[field] != msg {
					t.Errorf("errors[%s] = %q, want %q", field, p.Errors[field], msg)
				}
			}
			if p.Type != "urn:cqp:problem:invalid" || p.Title != "Données invalides" {
				t.Errorf("problem = %+v", p)
			}
		})
		t.Run("enrolment errors are reported under the field the client sent", func(t *testing.T) {
			body := validCandidate(f)
			body["enrolment"] = map[string]any{"qualification": "CC", "route": "avion", "public": "employee",
				"training_organisation_id": f.orgB.ID, "blocks": []string{"OPT1"}}
			r := f.post(t, ofA, "/api/v1/candidates", body)
			wantStatus(t, r, http.StatusUnprocessableEntity)
			errs := r.Problem(t).Errors
			for _, field := range []string{"enrolment.route", "enrolment.training_organisation_id", "enrolment.blocks"} {
				if errs[field] == "" {
					t.Errorf("no message for %s in %v", field, errs)
				}
			}
			if !strings.Contains(errs["enrolment.training_organisation_id"], "votre propre organisme") {
				t.Errorf("organisation message = %q", errs["enrolment.training_organisation_id"])
			}
		})
		t.Run("a duplicate SIRET is a conflict on the siret field", func(t *testing.T) {
			r := f.post(t, secretariat, "/api/v1/companies", map[string]string{"name": "Autre cabinet", "siret": f.company.SIRET[:3] + " " + f.company.SIRET[3:]})
			wantStatus(t, r, http.StatusConflict)
			p := r.Problem(t)
			if p.Type != "urn:cqp:problem:conflict" || p.Errors["siret"] != "Ce SIRET est déjà enregistré." {
				t.Errorf("problem = %+v", p)
			}
			r = f.post(t, secretariat, "/api/v1/training-organisations", map[string]string{"name": "Copie", "siret": f.orgA.SIRET})
			wantStatus(t, r, http.StatusConflict)
		})
		t.Run("the secretariat records a company and reads it back", func(t *testing.T) {
			r := f.post(t, secretariat, "/api/v1/companies", map[string]string{"name": "Courtage du Port", "siret": validSIRET("5520000000002")})
			wantStatus(t, r, http.StatusCreated)
			back := f.get(t, secretariat, r.Header.Get("Location"))
			wantStatus(t, back, http.StatusOK)
			if c := back.JSON(t); c["name"] != "Courtage du Port" || c["city"] != nil {
				t.Errorf("company = %v", c)
			}
		})
		t.Run("a wrong SIRET is an invalid field", func(t *testing.T) {
			r := f.post(t, secretariat, "/api/v1/training-organisations", map[string]string{"name": "", "siret": "12345678901234", "email": "pas-une-adresse"})
			wantStatus(t, r, http.StatusUnprocessableEntity)
			errs := r.Problem(t).Errors
			if !strings.Contains(errs["siret"], "clé de contrôle") || errs["name"] == "" || errs["email"] == "" {
				t.Errorf("errors = %v", errs)
			}
		})
		t.Run("the secretariat creates an account that receives a link to choose its password", func(t *testing.T) {
			r := f.post(t, secretariat, "/api/v1/users", map[string]any{"email": "Jury.Un@Example.fr", "name": "Jury Un",
				"roles": []map[string]string{{"role": "jury_member"}}})
			wantStatus(t, r, http.StatusCreated)
			if u := r.JSON(t); u["email"] != "jury.un@example.fr" || u["roles"].([]any)[0].(map[string]any)["scope_id"] != nil {
				t.Errorf("user = %v", u)
			}
			r = f.post(t, secretariat, "/api/v1/users", map[string]any{"email": "jury.un@example.fr", "name": "Doublon"})
			wantStatus(t, r, http.StatusConflict)
			if p := r.Problem(t); p.Errors["email"] == "" {
				t.Errorf("problem = %+v", p)
			}
		})
		t.Run("an account role without its scope is reported under roles", func(t *testing.T) {
			r := f.post(t, secretariat, "/api/v1/users", map[string]any{"email": "of@example.fr", "name": "OF",
				"roles": []map[string]string{{"role": "training_organisation"}}})
			wantStatus(t, r, http.StatusUnprocessableEntity)
			if p := r.Problem(t); !strings.Contains(p.Errors["roles"], "périmètre") {
				t.Errorf("errors = %v", p.Errors)
			}
		})
		t.Run("no personal data reaches the logs", func(t *testing.T) {
			logs := f.logs.String()
			for _, personal := range []string{"Diaye", "Moussa", "Lefèvre", "example.fr", "1998-11-03", f.company.SIRET} {
				if strings.Contains(logs, personal) {
					t.Errorf("the logs hold %q:\n%s", personal, logs)
				}
			}
		})
	})
}

func TestBadBodies(t *testing.T) {
	eachStore(t, func(t *testing.T, f *fixture) {
		token := f.tokens[secretariat]
		cases := []struct {
			name        string
			contentType string
			body        string
			status      int
			detail      string
			field       string
		}{
			{"malformed JSON is a 400", "application/json", `{"name": "Cabinet",`, http.StatusBadRequest, "JSON incomplet", ""},
			{"a syntax error is a 400 that says where", "application/json", `{"name" "Cabinet"}`, http.StatusBadRequest, "vers l'octet", ""},
			{"an empty body is a 400", "application/json", ``, http.StatusBadRequest, "est vide", ""},
			{"two JSON values are a 400", "application/json", `{"name":"A","siret":"73282932000074"} {}`, http.StatusBadRequest, "un seul objet", ""},
			{"an array instead of an object is a 400", "application/json", `[1, 2]`, http.StatusBadRequest, "doit être un objet JSON", ""},
			{"an unknown field is refused with its name", "application/json", `{"name":"A","siret":"73282932000074","nickname":"x"}`,
				http.StatusUnprocessableEntity, "corrigez les champs", "nickname"},
			{"a field of the wrong type is refused with its name", "application/json", `{"name":12,"siret":"73282932000074"}`,
				http.StatusUnprocessableEntity, "corrigez les champs", "name"},
			{"a body that is not declared as JSON is a 415", "application/x-www-form-urlencoded", `name=A`, http.StatusUnsupportedMediaType, "Content-Type: application/json", ""},
			{"a body over 1 MiB is a 413", "application/json", `{"name":"` + strings.Repeat("a", 1<<20) + `"}`, http.StatusRequestEntityTooLarge, "1 Mio", ""},
		}
		for _, c := range cases {
			t.Run(c.name, func(t *testing.T) {
				r := f.send(t, http.MethodPost, "/api/v1/companies", token, c.contentType, []byte(c.body))
				wantStatus(t, r, c.status)
				p := r.Problem(t)
				if !strings.Contains(p.Detail, c.detail) {
					t.Errorf("detail = %q, want it to contain %q", p.Detail, c.detail)
				}
				if c.field != "" && p.Errors[c.field] == "" {
					t.Errorf("no message for %s in %v", c.field, p.Errors)
				}
				if strings.Contains(string(r.Body), "json:") {
					t.Errorf("a Go error text reached the client: %s", r.Body)
				}
			})
		}
		t.Run("the type message names the expected type in French", func(t *testing.T) {
			r := f.send(t, http.MethodPost, "/api/v1/candidates", token, "application/json",
				[]byte(`{"birth_name":"A","first_names":"B","birth_date":"1990-01-01","sex":"M","birth_insee":"75056","enrolment":{"qualification":"CC","route":"vae","public":"employee","blocks":"OPT1"}}`))
			wantStatus(t, r, http.StatusUnprocessableEntity)
			if got := r.Problem(t).Errors["enrolment.blocks"]; got != "Ce champ doit être une liste." {
				t.Errorf("errors[enrolment.blocks] = %q", got)
			}
		})
		t.Run("nothing was written by a refused body", func(t *testing.T) {
			items := f.get(t, secretariat, "/api/v1/companies").Items(t)
			if len(items) != 1 {
				t.Errorf("companies = %v", items)
			}
		})
	})
}
