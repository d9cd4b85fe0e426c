package api_test

import (
	"bytes"
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"cqp/internal/domain"
	"cqp/internal/service"
	"cqp/internal/service/servicetest"
	"cqp/internal/store"
	"cqp/internal/store/storetest"
)

// eachJuryWorld runs fn against a fresh juryWorld on SQLite and, when configured, PostgreSQL.
func eachJuryWorld(t *testing.T, fn func(t *testing.T, w *juryWorld)) {
	t.Helper()
	storetest.Each(t, func(t *testing.T, st *store.Store) { fn(t, newJuryWorld(t, st)) })
}

// wantField fails unless the problem names the field with a French message containing want.
func wantField(t *testing.T, r response, field, want string) {
	t.Helper()
	wantStatus(t, r, http.StatusUnprocessableEntity)
	if msg := r.Problem(t).Errors[field]; !strings.Contains(msg, want) {
		t.Errorf("errors[%s] = %q, want it to contain %q\n%s", field, msg, want, r.Body)
	}
}

func TestTheSecretariatFormsACommissionSchedulesAnOralAndAMemberReadsOnlyTheirOwnOrals(t *testing.T) {
	eachJuryWorld(t, func(t *testing.T, w *juryWorld) {
		ctx := context.Background()
		sec, member := domain.RoleSecretariat, domain.RoleCommissionMember
		var ids []string
		for _, email := range []string{"membre.un@cqp.test", "membre.deux@cqp.test"} {
			u, err := w.Service.CreateUser(ctx, domain.SystemActor("test"), service.UserInput{Email: email, Name: "Membre " + email,
				Password: servicetest.Password, Roles: []domain.RoleAssignment{{Role: domain.RoleCommissionMember}}})
			must(t, err)
			ids = append(ids, u.ID)
		}

		r := w.do(t, "POST", "/api/v1/commissions", sec, map[string]any{"name": " ", "member_ids": []string{ids[0]}})
		wantField(t, r, "name", "Donnez un nom à la commission")
		if msg := r.Problem(t).Errors["member_ids"]; !strings.Contains(msg, "exactement deux membres") {
			t.Errorf("errors[member_ids] = %q", msg)
		}
		r = w.do(t, "POST", "/api/v1/commissions", sec, map[string]any{"name": "Trois", "member_ids": []string{ids[0], ids[1], ids[0]}})
		wantField(t, r, "member_ids", "Choisissez deux membres différents")
		r = w.do(t, "POST", "/api/v1/commissions", sec, map[string]any{"name": "Commission de Lyon", "member_ids": ids})
		wantStatus(t, r, http.StatusCreated)
		c := r.JSON(t)
		id := c["id"].(string)
		if r.Header.Get("Location") != "/api/v1/commissions/"+id || len(c["members"].([]any)) != 2 {
			t.Errorf("created commission %s at %q", r.Body, r.Header.Get("Location"))
		}
		w.audited(t, "commission.create", id)
		if items := w.do(t, "GET", "/api/v1/commissions", sec, nil).Items(t); len(items) != 2 {
			t.Errorf("%d commissions, want 2", len(items))
		}
		wantStatus(t, w.do(t, "GET", "/api/v1/commissions/"+id, sec, nil), http.StatusOK)
		wantStatus(t, w.do(t, "GET", "/api/v1/commissions/inconnue", sec, nil), http.StatusNotFound)

		b, err := w.Service.Candidate(ctx, domain.SystemActor("test"), w.CandidateB)
		must(t, err)
		day := servicetest.Clock.AddDate(0, 0, 21).Format("2006-01-02")
		oral := map[string]any{"enrolment_id": b.Enrolments[0].ID, "date": "09/12/2026", "time": "14:00", "duration_minutes": 60, "place": "Lyon, salle 2"}
		wantField(t, w.do(t, "POST", "/api/v1/commissions/"+id+"/orals", sec, oral), "date", "au format AAAA-MM-JJ")
		oral["date"], oral["duration_minutes"] = day, 5
		wantField(t, w.do(t, "POST", "/api/v1/commissions/"+id+"/orals", sec, oral), "duration_minutes", "de 15 à 480")
		oral["duration_minutes"] = 60
		r = w.do(t, "POST", "/api/v1/commissions/"+id+"/orals", sec, oral)
		wantStatus(t, r, http.StatusCreated)
		o := r.JSON(t)["oral"].(map[string]any)
		oralID := o["id"].(string)
		if !strings.HasPrefix(o["starts_at"].(string), day+"T13:00:00") { // 14:00 in Paris, in winter
			t.Errorf("starts_at = %v", o["starts_at"])
		}
		w.audited(t, "oral.schedule", oralID)

		r = w.do(t, "POST", "/api/v1/orals/"+oralID+"/convocations", sec, nil)
		wantStatus(t, r, http.StatusOK)
		if sent := r.JSON(t)["convoked"].([]any); len(sent) < 2 {
			t.Errorf("convoked %v", sent)
		}
		w.audited(t, "oral.convocations", oralID)

		// The fixture's member sits on commission A, not on the new one.
		r = w.do(t, "GET", "/api/v1/orals", member, nil)
		wantStatus(t, r, http.StatusOK)
		p := r.JSON(t)
		if p["own"] != true || len(p["upcoming"].([]any)) != 1 || p["upcoming"].([]any)[0].(map[string]any)["id"] != w.OralID {
			t.Errorf("the member's orals: %s", r.Body)
		}
		wantStatus(t, w.do(t, "GET", "/api/v1/orals/"+w.OralID, member, nil), http.StatusOK)
		wantStatus(t, w.do(t, "GET", "/api/v1/orals/"+oralID, member, nil), http.StatusNotFound)
		wantStatus(t, w.do(t, "GET", "/api/v1/orals/"+oralID, sec, nil), http.StatusOK)
		wantStatus(t, w.do(t, "POST", "/api/v1/orals/"+w.OralID+"/convocations", member, nil), http.StatusForbidden)
	})
}

func TestAJuryMemberReadsTheSessionsTheyAreInvitedToAndNothingElse(t *testing.T) {
	eachJuryWorld(t, func(t *testing.T, w *juryWorld) {
		for _, role := range []domain.Role{domain.RoleJuryMember, domain.RoleJuryPresident} {
			r := w.do(t, "GET", "/api/v1/jury-sessions", role, nil)
			wantStatus(t, r, http.StatusOK)
			if items := r.Items(t); len(items) != 1 || items[0]["id"] != w.open {
				t.Errorf("%s reads the sessions %s", role, r.Body)
			}
			r = w.do(t, "GET", "/api/v1/jury-sessions/"+w.open, role, nil)
			wantStatus(t, r, http.StatusOK)
			if cs := r.JSON(t)["candidates"].([]any); len(cs) != 1 || cs[0].(map[string]any)["enrolment_id"] != w.enrolmentC {
				t.Errorf("%s reads the candidates %v", role, cs)
			}
			wantStatus(t, w.do(t, "GET", "/api/v1/jury-sessions/"+w.open+"/candidates/"+w.enrolmentC, role, nil), http.StatusOK)
			wantStatus(t, w.do(t, "GET", "/api/v1/jury-sessions/"+w.other, role, nil), http.StatusNotFound)
			wantStatus(t, w.do(t, "GET", "/api/v1/jury-sessions/"+w.other+"/candidates/"+w.enrolmentC, role, nil), http.StatusNotFound)
		}
		if items := w.do(t, "GET", "/api/v1/jury-sessions", domain.RoleSecretariat, nil).Items(t); len(items) != 3 {
			t.Errorf("the secretariat reads %d sessions, want 3", len(items))
		}
		wantStatus(t, w.do(t, "GET", "/api/v1/jury-sessions/"+w.open+"/candidates/"+w.EnrolmentA, domain.RoleSecretariat, nil), http.StatusNotFound)
		r := w.do(t, "GET", "/api/v1/jury-sessions/"+w.closed, domain.RoleBranch, nil) // read from its snapshot
		wantStatus(t, r, http.StatusOK)
		if s := r.JSON(t)["session"].(map[string]any); s["status"] != "closed" || s["closed_at"] == nil {
			t.Errorf("closed session: %s", r.Body)
		}
		// Decisions and closing stay in the web interface.
		r = w.do(t, "POST", "/api/v1/jury-sessions/"+w.open, domain.RoleJuryPresident, map[string]any{})
		wantStatus(t, r, http.StatusMethodNotAllowed)
	})
}

func TestCertificatesAreListedDownloadedAndRevokedAsOnTheWeb(t *testing.T) {
	eachJuryWorld(t, func(t *testing.T, w *juryWorld) {
		ctx := context.Background()
		sec, cand := domain.RoleSecretariat, domain.RoleCandidate

		r := w.do(t, "GET", "/api/v1/certificates?kind=certificate&limit=1", sec, nil)
		wantStatus(t, r, http.StatusOK)
		if p := r.JSON(t); p["total"] != float64(2) || len(p["items"].([]any)) != 1 {
			t.Errorf("secretariat's page: %s", r.Body)
		}
		wantField(t, w.do(t, "GET", "/api/v1/certificates?kind=diplome", sec, nil), "kind", "Nature inconnue")
		r = w.do(t, "GET", "/api/v1/certificates", cand, nil)
		if items := r.Items(t); len(items) != 1 || items[0]["id"] != w.certA.ID {
			t.Errorf("the candidate's documents: %s", r.Body)
		}
		wantStatus(t, w.do(t, "GET", "/api/v1/certificates/"+w.certA.ID, cand, nil), http.StatusOK)
		wantStatus(t, w.do(t, "GET", "/api/v1/certificates/"+w.certB.ID, cand, nil), http.StatusNotFound)
		wantStatus(t, w.do(t, "GET", "/api/v1/certificates/"+w.certB.ID+"/pdf", cand, nil), http.StatusNotFound)

		r = w.do(t, "GET", "/api/v1/certificates/"+w.certA.ID+"/pdf", cand, nil)
		wantStatus(t, r, http.StatusOK)
		web, err := w.Service.CertificatePDF(ctx, w.Actor(t, w.Accounts[domain.RoleSecretariat]), w.certA.ID) // what the web download sends
		must(t, err)
		if !bytes.HasPrefix(r.Body, []byte("%PDF")) || !bytes.Equal(r.Body, web.Content) || r.Header.Get("Content-Type") != "application/pdf" {
			t.Errorf("the PDF differs from the web download's (%d bytes, %q)", len(r.Body), r.Header.Get("Content-Type"))
		}
		if d := r.Header.Get("Content-Disposition"); !strings.HasPrefix(d, "attachment;") || !strings.Contains(d, ".pdf") {
			t.Errorf("Content-Disposition = %q", d)
		}

		path := "/api/v1/certificates/" + w.certA.ID + "/revocation"
		wantStatus(t, w.do(t, "POST", path, cand, map[string]any{"reason": "Fraude"}), http.StatusForbidden)
		wantField(t, w.do(t, "POST", path, sec, map[string]any{"reason": "  "}), "reason", "Indiquez la raison de la révocation")
		wantStatus(t, w.do(t, "POST", "/api/v1/certificates/inconnu/revocation", sec, map[string]any{"reason": "Erreur"}), http.StatusNotFound)
		r = w.do(t, "POST", path, sec, map[string]any{"reason": "Fraude à l'examen constatée"})
		wantStatus(t, r, http.StatusOK)
		if c := r.JSON(t); c["revoked_at"] == nil || c["revoked_reason"] != "Fraude à l'examen constatée" {
			t.Errorf("revoked: %s", r.Body)
		}
		if e := w.audited(t, "certificate.revoke", w.certA.ID); e.Reason != "Fraude à l'examen constatée" {
			t.Errorf("audit reason %q", e.Reason)
		}
		r = w.do(t, "GET", "/api/v1/verify/"+w.certA.VerificationCode, "", nil)
		wantStatus(t, r, http.StatusOK)
		if v := r.JSON(t); v["status"] != "revoked" || v["revoked_on"] != servicetest.Clock.Format(time.DateOnly) {
			t.Errorf("verification after revocation: %s", r.Body)
		}
	})
}

func TestACompanyEnrolsItsEmployeeOnTheBlocsRouteAndTheSecretariatReadsTheFinalStage(t *testing.T) {
	eachJuryWorld(t, func(t *testing.T, w *juryWorld) {
		co, sec := domain.RoleCompany, domain.RoleSecretariat
		r := w.do(t, "GET", "/api/v1/companies/"+w.CompanyA+"/blocs-choices", co, nil)
		wantStatus(t, r, http.StatusOK)
		ch := r.JSON(t)
		referents := ch["referents"].([]any)
		if len(referents) != 1 || len(ch["qualifications"].([]any)) == 0 || len(ch["employees"].([]any)) == 0 {
			t.Fatalf("choices: %s", r.Body)
		}
		wantStatus(t, w.do(t, "GET", "/api/v1/companies/"+w.CompanyB+"/blocs-choices", co, nil), http.StatusNotFound)

		in := map[string]any{"candidate": map[string]any{"birth_name": "Garnier", "first_names": "Lucie", "birth_date": "14/03/1994", "sex": "F",
			"birth_insee": "75056"}, "qualification": "CC", "training_organisation_id": w.OrgA,
			"referent_id": referents[0].(map[string]any)["id"], "blocks": []string{"BC1"}}
		wantField(t, w.do(t, "POST", "/api/v1/companies/"+w.CompanyA+"/blocs-enrolments", co, in), "candidate.birth_date", "au format AAAA-MM-JJ")
		in["candidate"].(map[string]any)["birth_date"] = "1994-03-14"
		wantStatus(t, w.do(t, "POST", "/api/v1/companies/"+w.CompanyB+"/blocs-enrolments", co, in), http.StatusNotFound)
		r = w.do(t, "POST", "/api/v1/companies/"+w.CompanyA+"/blocs-enrolments", co, in)
		wantStatus(t, r, http.StatusCreated)
		e := r.JSON(t)
		if e["route"] != "blocs" || e["candidate_name"] != "Lucie GARNIER" {
			t.Errorf("enrolled: %s", r.Body)
		}
		w.audited(t, "enrolment.", e["enrolment_id"].(string))

		r = w.do(t, "GET", "/api/v1/candidates/"+w.CandidateA+"/blocs-final-stage", sec, nil)
		wantStatus(t, r, http.StatusOK)
		wantStatus(t, w.do(t, "GET", "/api/v1/candidates/inconnu/blocs-final-stage", sec, nil), http.StatusNotFound)
		wantStatus(t, w.do(t, "GET", "/api/v1/candidates/"+w.CandidateA+"/blocs-final-stage", co, nil), http.StatusForbidden)
		r = w.do(t, "POST", "/api/v1/candidates/"+w.CandidateA+"/blocs-final-stage", sec, map[string]any{"qualification": "CC", "valid_until": "01/01/2028"})
		wantField(t, r, "valid_until", "au format AAAA-MM-JJ")
	})
}
