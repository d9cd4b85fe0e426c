package service_test

import (
	"context"
	"io"
	"log/slog"
	"regexp"
	"strings"
	"testing"
	"time"

	"cqp/internal/domain"
	"cqp/internal/service"
	"cqp/internal/service/servicetest"
	"cqp/internal/store"
	"cqp/internal/store/storetest"
)

// surveyLink finds the survey link of the latest mail to an address.
var surveyLinkRe = regexp.MustCompile(`http://cqp\.test/devenir/([A-Za-z0-9_-]+)`)

func latestSurveyToken(t *testing.T, st *store.Store, to string) (subject, token string) {
	t.Helper()
	mails, err := st.Read().ListMail(context.Background(), 500)
	if err != nil {
		t.Fatal(err)
	}
	for _, m := range mails {
		if m.To == to {
			if got := surveyLinkRe.FindStringSubmatch(m.Body); got != nil {
				return m.Subject, got[1]
			}
		}
	}
	t.Fatalf("no survey mail to %s", to)
	return "", ""
}

func TestOutcomeSurveys(t *testing.T) {
	st := storetest.Open(t, storetest.Targets(t)[0])
	w := servicetest.New(t, st)
	ctx := context.Background()
	enrolmentA, enrolmentB := readyForJury(t, w, w.CandidateA, guideJuryRows), readyForJury(t, w, w.CandidateB, allAcquiredRows)
	w.Judge(t, "10/12/2026", func(enrolmentID, block string) string {
		if enrolmentID == enrolmentA {
			return "NA"
		}
		return "A"
	}, enrolmentA, enrolmentB)
	// Candidate B has an address; candidate A has none and is surveyed by phone.
	if err := st.Write(ctx, func(q store.Q) error {
		c, err := q.Candidate(ctx, w.CandidateB, store.Scope{})
		if err != nil {
			return err
		}
		c.Email = "paul.martin@example.fr"
		return q.UpdateCandidateIdentity(ctx, c)
	}); err != nil {
		t.Fatal(err)
	}
	at := func(d time.Duration) *service.Service {
		s := service.New(st, func() time.Time { return servicetest.Clock.Add(d) }, slog.New(slog.NewTextHandler(io.Discard, nil)), "http://cqp.test")
		return s
	}
	day := 24 * time.Hour
	sixMonths := servicetest.Clock.AddDate(0, 6, 0).Sub(servicetest.Clock)

	t.Run("nothing is due before six months", func(t *testing.T) {
		n, err := at(sixMonths - day).SendOutcomeSurveys(ctx)
		if err != nil || n.Surveys != 0 || n.Reminders != 0 {
			t.Fatalf("got %+v %v", n, err)
		}
	})

	var token string
	t.Run("at six months each judged candidate is surveyed once; the one with an address gets the mail", func(t *testing.T) {
		n, err := at(sixMonths).SendOutcomeSurveys(ctx)
		if err != nil || n.Surveys != 2 {
			t.Fatalf("got %+v %v", n, err)
		}
		if n, err := at(sixMonths + time.Hour).SendOutcomeSurveys(ctx); err != nil || n.Surveys != 0 {
			t.Fatalf("sent twice: %+v %v", n, err)
		}
		var subject string
		subject, token = latestSurveyToken(t, st, "paul.martin@example.fr")
		if !strings.Contains(subject, "6 mois") {
			t.Errorf("subject %q", subject)
		}
		f, err := at(sixMonths).OutcomeSurveyByLink(ctx, token)
		if err != nil || f.Wave != 6 || f.QualificationTitle == "" {
			t.Fatalf("got %+v %v", f, err)
		}
	})

	t.Run("an unanswered survey is reminded once, with a link that works too", func(t *testing.T) {
		if n, _ := at(sixMonths + 14*day).SendOutcomeSurveys(ctx); n.Reminders != 0 {
			t.Fatalf("reminded early: %+v", n)
		}
		n, err := at(sixMonths + 15*day).SendOutcomeSurveys(ctx)
		if err != nil || n.Reminders != 1 {
			t.Fatalf("got %+v %v", n, err)
		}
		if n, _ := at(sixMonths + 16*day).SendOutcomeSurveys(ctx); n.Reminders != 0 {
			t.Fatalf("reminded twice: %+v", n)
		}
		subject, second := latestSurveyToken(t, st, "paul.martin@example.fr")
		if !strings.HasPrefix(subject, "Rappel") || second == token {
			t.Fatalf("reminder %q %q", subject, second)
		}
		if _, err := at(sixMonths+16*day).OutcomeSurveyByLink(ctx, second); err != nil {
			t.Fatal(err)
		}
	})

	t.Run("a wrong answer is refused field by field, in French, and writes nothing", func(t *testing.T) {
		err := at(sixMonths+17*day).AnswerOutcomeSurvey(ctx, token, domain.SurveyAnswer{Situation: domain.SituationEmployedBranch, SIRET: "123"})
		var de *domain.Error
		if domain.ErrorCode(err) != domain.EINVALID || !asDomainError(err, &de) || de.Fields["contract"] == "" || de.Fields["job_title"] == "" ||
			!strings.Contains(de.Fields["siret"], "14 chiffres") || de.Fields["helped"] == "" {
			t.Fatalf("got %v", err)
		}
		if _, err := at(sixMonths+17*day).OutcomeSurveyByLink(ctx, token); err != nil {
			t.Fatalf("a refused answer used the link: %v", err)
		}
	})

	answer := domain.SurveyAnswer{Situation: domain.SituationEmployedBranch, Contract: domain.ContractCDI, JobTitle: " Chargé de clientèle ",
		CompanyName: "Cabinet Durand", SIRET: "404 833 048 00022", Helped: domain.HelpedYes}
	t.Run("the candidate answers once; the link is then refused", func(t *testing.T) {
		if err := at(sixMonths+17*day).AnswerOutcomeSurvey(ctx, token, answer); err != nil {
			t.Fatal(err)
		}
		for _, tok := range []string{token, func() string { _, s := latestSurveyToken(t, st, "paul.martin@example.fr"); return s }()} {
			if _, err := at(sixMonths+18*day).OutcomeSurveyByLink(ctx, tok); domain.ErrorCode(err) != domain.ECONFLICT {
				t.Errorf("answered survey opened: %v", err)
			}
			if err := at(sixMonths+18*day).AnswerOutcomeSurvey(ctx, tok, answer); domain.ErrorCode(err) != domain.ECONFLICT {
				t.Errorf("answered twice: %v", err)
			}
		}
		if _, err := at(sixMonths).OutcomeSurveyByLink(ctx, "inconnu"); domain.ErrorCode(err) != domain.ENOTFOUND {
			t.Errorf("unknown link: %v", err)
		}
	})

	sec := w.Actor(t, w.Accounts[domain.RoleSecretariat])
	t.Run("the candidates' pages show their own surveys; an OF sees only its own candidates'", func(t *testing.T) {
		list, err := w.Service.CandidateOutcomeSurveys(ctx, sec, w.CandidateB)
		if err != nil || len(list) != 1 || !list[0].Answered() || list[0].Answer.JobTitle != "Chargé de clientèle" ||
			list[0].Answer.SIRET != "40483304800022" || list[0].Source != domain.SourceEmail {
			t.Fatalf("got %+v %v", list, err)
		}
		if d, err := w.Service.PersonalDataExport(ctx, sec, w.CandidateB); err != nil || len(d.OutcomeSurveys) != 1 ||
			d.OutcomeSurveys[0].JobTitle != "Chargé de clientèle" || d.OutcomeSurveys[0].Source != "email" {
			t.Errorf("the right of access misses the survey: %+v %v", d.OutcomeSurveys, err)
		}
		if _, err := w.Service.CandidateOutcomeSurveys(ctx, w.Actor(t, w.Accounts[domain.RoleTrainingOrganisation]), w.CandidateB); domain.ErrorCode(err) != domain.ENOTFOUND {
			t.Errorf("OF A read B's survey: %v", err)
		}
		if list, err := w.Service.CandidateOutcomeSurveys(ctx, w.Actor(t, w.OrgBAccount), w.CandidateB); err != nil || len(list) != 1 {
			t.Errorf("OF B: %+v %v", list, err)
		}
		if list, err := w.Service.CandidateOutcomeSurveys(ctx, w.Actor(t, w.Accounts[domain.RoleCandidate]), w.CandidateA); err != nil || len(list) != 1 || list[0].Mailed {
			t.Errorf("candidate A: %+v %v", list, err)
		}
	})

	t.Run("the secretariat records a phone answer and corrects it; both are audited", func(t *testing.T) {
		list, _ := w.Service.CandidateOutcomeSurveys(ctx, sec, w.CandidateA)
		id := list[0].ID
		phone := domain.SurveyAnswer{Situation: domain.SituationJobSeeker, Contract: domain.ContractCDI, Helped: domain.HelpedPartly}
		for _, role := range domain.Roles {
			if role == domain.RoleSecretariat {
				continue
			}
			if err := w.Service.RecordOutcomeSurveyAnswer(ctx, w.Actor(t, w.Accounts[role]), id, phone, domain.SourcePhone); domain.ErrorCode(err) != domain.EFORBIDDEN {
				t.Errorf("%s recorded: %v", role, err)
			}
		}
		if err := w.Service.RecordOutcomeSurveyAnswer(ctx, sec, id, phone, domain.SourceEmail); domain.ErrorCode(err) != domain.EINVALID {
			t.Errorf("the secretariat claimed the mail: %v", err)
		}
		if err := w.Service.RecordOutcomeSurveyAnswer(ctx, sec, id, phone, domain.SourcePhone); err != nil {
			t.Fatal(err)
		}
		fixed := domain.SurveyAnswer{Situation: domain.SituationTraining, Helped: domain.HelpedNo}
		if err := w.Service.RecordOutcomeSurveyAnswer(ctx, sec, id, fixed, domain.SourceSecretariat); err != nil {
			t.Fatal(err)
		}
		got, err := w.Service.OutcomeSurvey(ctx, sec, id)
		if err != nil || got.Answer.Situation != domain.SituationTraining || got.Answer.Contract != "" || got.Source != domain.SourceSecretariat ||
			got.RecordedBy != w.UserIDs[w.Accounts[domain.RoleSecretariat]] {
			t.Fatalf("got %+v %v", got, err)
		}
		entries, _, err := st.Read().ListAudit(ctx, store.AuditFilter{CandidateID: w.CandidateA, Limit: 200})
		if err != nil {
			t.Fatal(err)
		}
		actions := map[string]int{}
		for _, e := range entries {
			actions[e.Action]++
			if e.Action == "survey.correct" && (!strings.Contains(e.Before, "job_seeker") || !strings.Contains(e.After, "training")) {
				t.Errorf("correction: %+v", e)
			}
		}
		if actions["survey.send"] != 1 || actions["survey.record"] != 1 || actions["survey.correct"] != 1 {
			t.Errorf("audit: %v", actions)
		}
	})

	t.Run("the statistics count the wave, its answers and their shares, under the filters", func(t *testing.T) {
		branch := w.Actor(t, w.Accounts[domain.RoleBranch])
		stats, err := w.Service.OutcomeSurveyStatistics(ctx, branch, service.StatisticsFilter{})
		if err != nil || len(stats.Waves) != 2 || stats.Waves[0].Months != 6 || stats.Waves[1].Months != 12 {
			t.Fatalf("got %+v %v", stats, err)
		}
		six := stats.Waves[0]
		if six.Sent != 2 || six.Answered != 2 || six.ResponseRate() != 100 || six.Situations[0].Count != 1 || six.Situations[0].Percent != 50 ||
			six.Helped[0].Count != 1 || six.Helped[2].Count != 1 || stats.Waves[1].Sent != 0 {
			t.Errorf("six months: %+v", six)
		}
		if s, _ := w.Service.OutcomeSurveyStatistics(ctx, branch, service.StatisticsFilter{OrganisationID: w.OrgA}); s.Waves[0].Sent != 1 || s.Waves[0].Situations[0].Count != 0 {
			t.Errorf("organisation A: %+v", s.Waves[0])
		}
		if s, _ := w.Service.OutcomeSurveyStatistics(ctx, branch, service.StatisticsFilter{Year: 2025}); s.Any() {
			t.Errorf("2025: %+v", s)
		}
		if _, err := w.Service.OutcomeSurveyStatistics(ctx, w.Actor(t, w.Accounts[domain.RoleTrainingOrganisation]), service.StatisticsFilter{}); domain.ErrorCode(err) != domain.EFORBIDDEN {
			t.Errorf("an OF read the statistics: %v", err)
		}
	})

	t.Run("the link expires after sixty days", func(t *testing.T) {
		n, err := at(servicetest.Clock.AddDate(0, 12, 0).Sub(servicetest.Clock)).SendOutcomeSurveys(ctx)
		if err != nil || n.Surveys != 2 {
			t.Fatalf("twelve months: %+v %v", n, err)
		}
		_, tok := latestSurveyToken(t, st, "paul.martin@example.fr")
		later := at(servicetest.Clock.AddDate(0, 12, 0).Sub(servicetest.Clock) + 60*day)
		_, err = later.OutcomeSurveyByLink(ctx, tok)
		if domain.ErrorCode(err) != domain.ECONFLICT || !strings.Contains(domain.ErrorMessage(err), "expiré") {
			t.Fatalf("got %v", err)
		}
		if err := later.AnswerOutcomeSurvey(ctx, tok, answer); domain.ErrorCode(err) != domain.ECONFLICT {
			t.Fatalf("expired link answered: %v", err)
		}
	})
}
