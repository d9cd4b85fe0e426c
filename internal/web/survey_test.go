package web_test

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"cqp/internal/domain"
	"cqp/internal/service/servicetest"
	"cqp/internal/store"
)

func init() { sampleSources = append(sampleSources, surveySamples) }

// surveyFixture is one survey per fixture candidate (A and B), judged by a session closed six
// months before the fixture's clock, each with a working link.
type surveyFixture struct {
	SurveyA, SurveyB string
	TokenA, TokenB   string
}

// seedSurveys stores, as the hourly loop would have, the six-month survey of candidates A and
// B and a link to each; the store is used so the fixture's clock need not move.
func seedSurveys(t testing.TB, w *servicetest.World) surveyFixture {
	t.Helper()
	ctx := context.Background()
	st := w.Service.Store()
	closed := servicetest.Clock.AddDate(0, -6, 0)
	session := "survey-session-" + w.CandidateA
	f := surveyFixture{SurveyA: "survey-a-" + w.CandidateA, SurveyB: "survey-b-" + w.CandidateB,
		TokenA: "jeton-devenir-a-" + w.CandidateA, TokenB: "jeton-devenir-b-" + w.CandidateB}
	err := st.Write(ctx, func(q store.Q) error {
		var enrolments [2]string
		for i, id := range []string{w.CandidateA, w.CandidateB} {
			c, err := q.Candidate(ctx, id, store.Scope{})
			if err != nil {
				return err
			}
			enrolments[i] = c.Enrolments[0].ID
		}
		branches, err := q.Branches(ctx)
		if err != nil {
			return err
		}
		branch := branches[0].ID
		if err := q.CreateJurySession(ctx, store.JurySession{ID: session, BranchID: branch, StartsAt: closed, Place: "Paris", Quorum: 4,
			Status: store.JuryPlanned, CreatedAt: closed}); err != nil {
			return err
		}
		for _, e := range enrolments {
			if err := q.AddJuryCandidate(ctx, session, e); err != nil {
				return err
			}
		}
		if err := q.SetJurySessionStatus(ctx, session, store.JuryPlanned, store.JuryDeliberating); err != nil {
			return err
		}
		for _, e := range enrolments {
			if err := q.SetJuryOutcome(ctx, session, e, "certified"); err != nil {
				return err
			}
		}
		if err := q.CloseJurySession(ctx, session, "{}", closed, "test"); err != nil {
			return err
		}
		for i, sv := range []struct{ id, candidate, token string }{{f.SurveyA, w.CandidateA, f.TokenA}, {f.SurveyB, w.CandidateB, f.TokenB}} {
			if _, err := q.CreateOutcomeSurvey(ctx, store.OutcomeSurvey{ID: sv.id, EnrolmentID: enrolments[i], CandidateID: sv.candidate,
				SessionID: session, Wave: 6, ResultAt: closed, SentAt: servicetest.Clock, Mailed: true, ExpiresAt: servicetest.Clock.AddDate(0, 0, 60)}); err != nil {
				return err
			}
			sum := sha256.Sum256([]byte(sv.token))
			if err := q.AddOutcomeSurveyLink(ctx, hex.EncodeToString(sum[:]), sv.id, servicetest.Clock); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return f
}

func surveySamples(t testing.TB, w *servicetest.World) routeSamples {
	f := seedSurveys(t, w)
	return routeSamples{
		Paths: map[string]string{
			"/devenir/{token}":                 "/devenir/" + f.TokenA,
			"/candidats/{id}/devenir/{survey}": "/candidats/" + w.CandidateA + "/devenir/" + f.SurveyA,
		},
		CrossScope: map[string]string{
			"/candidats/{id}/devenir/{survey}": "/candidats/" + w.CandidateB + "/devenir/" + f.SurveyB,
		},
	}
}

func surveyAnswerForm(v map[string]string) url.Values {
	out := url.Values{}
	for k, x := range v {
		out.Set(k, x)
	}
	return out
}

func TestTheSurveyPageNeedsNoAccountAnswersOnceAndRefusesAUsedLink(t *testing.T) {
	s := newSite(t)
	f := seedSurveys(t, s.world)
	anonymous := s.client(t, "")
	path := "/devenir/" + f.TokenA

	status, body := s.do(t, anonymous, http.MethodGet, path)
	if status != http.StatusOK || !strings.Contains(body, "Que devenez-vous 6 mois après votre CQP ?") ||
		!strings.Contains(body, `<fieldset class="radios" id="f-situation"`) || !strings.Contains(body, "<legend>Quelle est votre situation aujourd'hui ?") ||
		!strings.Contains(body, `<label for="f-siret">`) || strings.Contains(body, "Lefèvre") {
		t.Fatalf("form: %d %.3000s", status, body)
	}

	t.Run("a wrong answer is refused in French, field by field, and uses nothing", func(t *testing.T) {
		status, _, body := s.post(t, anonymous, path, surveyAnswerForm(map[string]string{"situation": "employed_branch", "siret": "12345678901234"}))
		if status != http.StatusUnprocessableEntity || !strings.Contains(body, "Le formulaire contient des erreurs") ||
			!strings.Contains(body, "Choisissez le type de contrat de votre emploi.") || !strings.Contains(body, "Indiquez l'intitulé de votre poste.") ||
			!strings.Contains(body, "Ce SIRET n'est pas valide") || !strings.Contains(body, "Indiquez si le CQP vous a aidé") ||
			!strings.Contains(body, `href="#f-helped"`) || !strings.Contains(body, `value="employed_branch" checked`) {
			t.Fatalf("%d %.4000s", status, body)
		}
		if status, _ := s.do(t, anonymous, http.MethodGet, path); status != http.StatusOK {
			t.Fatalf("the link no longer opens: %d", status)
		}
	})

	answer := surveyAnswerForm(map[string]string{"situation": "employed_branch", "contract": "cdi", "job_title": "Chargée de clientèle",
		"company_name": "Cabinet Durand", "siret": "404 833 048 00022", "helped": "yes"})
	t.Run("the answer is recorded once; the used link is refused with a French page", func(t *testing.T) {
		status, _, body := s.post(t, anonymous, path, answer)
		if status != http.StatusOK || !strings.Contains(body, "Merci pour votre réponse") {
			t.Fatalf("%d %.2000s", status, body)
		}
		for _, method := range []string{http.MethodGet, http.MethodPost} {
			var status int
			var body string
			if method == http.MethodGet {
				status, body = s.do(t, anonymous, method, path)
			} else {
				answer.Set("job_title", "Autre poste")
				status, _, body = s.post(t, anonymous, path, answer)
			}
			if status != http.StatusGone || !strings.Contains(body, "Ce questionnaire n'est plus disponible") || !strings.Contains(body, "déjà reçu une réponse") ||
				strings.Contains(body, "n'ont pas été enregistrées") != (method == http.MethodPost) {
				t.Errorf("%s used link: %d %.2000s", method, status, body)
			}
		}
		sv, err := s.store.Read().OutcomeSurvey(context.Background(), f.SurveyA)
		if err != nil || sv.Answer.JobTitle != "Chargée de clientèle" || sv.Answer.SIRET != "40483304800022" || sv.Source != domain.SourceEmail {
			t.Fatalf("stored %+v %v", sv, err)
		}
		if status, body := s.do(t, anonymous, http.MethodGet, "/devenir/inconnu"); status != http.StatusNotFound || !strings.Contains(body, "lien de questionnaire est inconnu") {
			t.Errorf("unknown link: %d", status)
		}
	})

	t.Run("the candidate reads their own answer on their page; the other organisation's staff does not", func(t *testing.T) {
		_, body := s.do(t, s.client(t, s.world.Accounts[domain.RoleCandidate]), http.MethodGet, "/candidats/"+s.world.CandidateA)
		if !strings.Contains(body, "Devenir après le CQP") || !strings.Contains(body, "Chargée de clientèle") || !strings.Contains(body, "courriel") ||
			strings.Contains(body, "Corriger la réponse") {
			t.Errorf("candidate's page: %.200s", body[strings.Index(body, "<main"):])
		}
		_, body = s.do(t, s.client(t, s.world.Accounts[domain.RoleTrainingOrganisation]), http.MethodGet, "/candidats/"+s.world.CandidateA)
		if !strings.Contains(body, "Chargée de clientèle") {
			t.Error("the candidate's organisation does not see the answer")
		}
		if status, _ := s.do(t, s.client(t, s.world.OrgBAccount), http.MethodGet, "/candidats/"+s.world.CandidateA); status != http.StatusNotFound {
			t.Errorf("organisation B read A's page: %d", status)
		}
	})
}

func TestTheSecretariatRecordsAPhoneAnswerAndCorrectsIt(t *testing.T) {
	s := newSite(t)
	f := seedSurveys(t, s.world)
	sec := s.client(t, s.world.Accounts[domain.RoleSecretariat])
	page := "/candidats/" + s.world.CandidateB
	form := page + "/devenir/" + f.SurveyB

	_, body := s.do(t, sec, http.MethodGet, page)
	if !strings.Contains(body, "Pas encore de réponse.") || !strings.Contains(body, `href="`+form+`"`) {
		t.Fatalf("candidate page: %.300s", body)
	}
	status, body := s.do(t, sec, http.MethodGet, form)
	if status != http.StatusOK || !strings.Contains(body, "Saisir la réponse au questionnaire de devenir") || !strings.Contains(body, "Appel téléphonique") {
		t.Fatalf("form: %d", status)
	}
	status, _, body = s.post(t, sec, form, surveyAnswerForm(map[string]string{"source": "email", "situation": "job_seeker", "helped": "partly"}))
	if status != http.StatusUnprocessableEntity || !strings.Contains(body, "Indiquez d'où vient la réponse") {
		t.Fatalf("the secretariat claimed the candidate's mail: %d", status)
	}
	status, loc, _ := s.post(t, sec, form, surveyAnswerForm(map[string]string{"source": "phone", "situation": "job_seeker", "helped": "partly"}))
	if status != http.StatusSeeOther || loc != page+"#devenir" {
		t.Fatalf("record: %d %s", status, loc)
	}
	_, body = s.do(t, sec, http.MethodGet, page)
	if !strings.Contains(body, "En recherche d'emploi") || !strings.Contains(body, "téléphone") || !strings.Contains(body, "Corriger la réponse") {
		t.Fatalf("recorded answer not shown")
	}
	status, body = s.do(t, sec, http.MethodGet, form)
	if status != http.StatusOK || !strings.Contains(body, "Corriger la réponse") || !strings.Contains(body, `value="job_seeker" checked`) {
		t.Fatalf("correction form: %d", status)
	}
	status, _, _ = s.post(t, sec, form, surveyAnswerForm(map[string]string{"source": "secretariat", "situation": "employed_other", "contract": "interim",
		"job_title": "Assistant commercial", "helped": "no"}))
	if status != http.StatusSeeOther {
		t.Fatalf("correct: %d", status)
	}
	_, body = s.do(t, sec, http.MethodGet, page)
	if !strings.Contains(body, "Assistant commercial") || !strings.Contains(body, "saisie secrétariat") {
		t.Fatal("corrected answer not shown")
	}
	entries, _, err := s.store.Read().ListAudit(context.Background(), store.AuditFilter{EntityID: f.SurveyB, Limit: 10})
	if err != nil || len(entries) != 2 || entries[0].ActorName == "" {
		t.Fatalf("audit: %+v %v", entries, err)
	}
	_, body = s.do(t, sec, http.MethodGet, "/audit?action=survey.")
	if !strings.Contains(body, "Réponse au questionnaire de devenir corrigée par le secrétariat") {
		t.Error("the audit page does not name the correction")
	}
	// A survey is reached through its own candidate only.
	if status, _ := s.do(t, sec, http.MethodGet, page+"/devenir/"+f.SurveyA); status != http.StatusNotFound {
		t.Errorf("another candidate's survey: %d", status)
	}
}
