package service_test

import (
	"context"
	"strings"
	"testing"

	"cqp/internal/domain"
	"cqp/internal/service"
	"cqp/internal/service/servicetest"
	"cqp/internal/store"
	"cqp/internal/store/storetest"
)

// actionWorld is the fixture world with the accounts the action tests act as.
type actionWorld struct {
	*servicetest.World
	sys, secretariat, orgA, orgB, companyA, companyB, funder, branch domain.Actor
	funderID                                                         string
}

func newActionWorld(t *testing.T, st *store.Store) actionWorld {
	t.Helper()
	w := servicetest.New(t, st)
	ctx := context.Background()
	sys := domain.SystemActor("test")
	funders, err := w.Service.ActionFunders(ctx, sys)
	if err != nil || len(funders) != 1 {
		t.Fatalf("funders: %v %v", funders, err)
	}
	companyB, err := w.Service.CreateUser(ctx, sys, service.UserInput{Email: "entreprise-b@cqp.test", Name: "Entreprise B",
		Password: servicetest.Password, Roles: []domain.RoleAssignment{{Role: domain.RoleCompany, ScopeID: w.CompanyB}}})
	if err != nil {
		t.Fatal(err)
	}
	w.UserIDs["entreprise-b@cqp.test"] = companyB.ID
	return actionWorld{World: w, sys: sys, funderID: funders[0].ID,
		secretariat: w.Actor(t, w.Accounts[domain.RoleSecretariat]), orgA: w.Actor(t, w.Accounts[domain.RoleTrainingOrganisation]),
		orgB: w.Actor(t, w.OrgBAccount), companyA: w.Actor(t, w.Accounts[domain.RoleCompany]),
		companyB: w.Actor(t, "entreprise-b@cqp.test"), funder: w.Actor(t, w.Accounts[domain.RoleFunder]),
		branch: w.Actor(t, w.Accounts[domain.RoleBranch])}
}

// actionOfA is an action of organisation A within its accreditation (01/01/2026–31/12/2028).
func (w actionWorld) actionOfA() service.ActionInput {
	return service.ActionInput{TrainingOrganisationID: w.OrgA, QualificationCode: "CC", Route: domain.RouteFormation,
		Title: "CQP Chargé de clientèle — Paris 2027", StartsOn: domain.NewDate(2027, 1, 4), EndsOn: domain.NewDate(2027, 6, 30),
		Place: "Paris 9e", PlannedHours: 600, CompanyIDs: []string{w.CompanyA}, FunderID: w.funderID,
		Calendar: []service.CalendarInput{
			{Day: domain.NewDate(2027, 1, 5), StartTime: "9h", EndTime: "17:00", BlockCode: "BC1"},
			{Day: domain.NewDate(2027, 1, 4), StartTime: "13:30", EndTime: "17:30", Label: "Accueil"},
		}}
}

func (w actionWorld) declare(t *testing.T, a domain.Actor, in service.ActionInput) store.Action {
	t.Helper()
	act, err := w.Service.DeclareAction(context.Background(), a, in)
	if err != nil {
		t.Fatal(err)
	}
	return act
}

// eligibleCandidate is a job seeker with a bac+2, interviewed before the fixture's today.
func eligibleCandidate(name, first string, company string) service.CandidateInput {
	return service.CandidateInput{
		Candidate: domain.Candidate{BirthName: name, FirstNames: first, BirthDate: domain.NewDate(1998, 5, 4), Sex: domain.SexMale,
			BirthINSEE: "69123", BirthCity: "Lyon"},
		Enrolment: &service.EnrolmentInput{Public: domain.PublicJobSeeker, CompanyID: company, Blocks: []string{"OPT1", "OPT2"},
			Intake: &store.Intake{InterviewOn: domain.NewDate(2026, 11, 2), Project: "Chargé de clientèle en cabinet",
				Motivation: "Reconversion", DiplomaLevel: 5, ExperienceMonths: 3}},
	}
}

func mailsTo(t *testing.T, w actionWorld, to, subject string) int {
	t.Helper()
	mails, err := w.Service.Outbox(context.Background(), w.sys)
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, m := range mails {
		if m.To == to && strings.Contains(m.Subject, subject) {
			n++
		}
	}
	return n
}

func auditActions(t *testing.T, w actionWorld, entityID string) []domain.AuditEntry {
	t.Helper()
	entries, _, err := w.Service.Audit(context.Background(), w.sys, store.AuditFilter{EntityID: entityID, Limit: 100})
	if err != nil {
		t.Fatal(err)
	}
	return entries
}

func hasAudit(entries []domain.AuditEntry, action string) *domain.AuditEntry {
	for i := range entries {
		if entries[i].Action == action {
			return &entries[i]
		}
	}
	return nil
}

func TestDeclaringAnAction(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		w := newActionWorld(t, st)
		svc := w.Service

		t.Run("an accredited organisation declares an action and the secretariat is told", func(t *testing.T) {
			act := w.declare(t, w.orgA, w.actionOfA())
			got, err := svc.Action(ctx, w.secretariat, act.ID)
			if err != nil {
				t.Fatal(err)
			}
			if got.Status != store.ActionDeclared || got.TrainingOrganisationName != "Organisme A" || got.FunderName != "OPCO Atlas" ||
				len(got.Companies) != 1 || got.Companies[0].ID != w.CompanyA || got.PlannedHours != 600 {
				t.Errorf("action: %+v", got)
			}
			if len(got.Calendar) != 2 || got.Calendar[0].Label != "Accueil" || got.Calendar[1].StartTime != "09:00" {
				t.Errorf("calendar not by date or times not normalised: %+v", got.Calendar)
			}
			if n := mailsTo(t, w, w.Accounts[domain.RoleSecretariat], act.Title); n != 1 {
				t.Errorf("%d mails to the secretariat", n)
			}
			if e := hasAudit(auditActions(t, w, act.ID), "action.declare"); e == nil || e.ActorName == "" {
				t.Errorf("declaration not audited: %+v", e)
			}
			cards, err := svc.Dashboard(ctx, w.secretariat)
			if err != nil {
				t.Fatal(err)
			}
			found := false
			for _, c := range cards {
				if c.Label == "Actions à examiner" {
					found = c.Count == 1 && strings.Contains(c.Href, "declared")
				}
			}
			if !found {
				t.Errorf("no card counting the action to review: %+v", cards)
			}
			cards, _ = svc.Dashboard(ctx, w.orgA)
			own := false
			for _, c := range cards {
				if c.Label == "Actions à examiner" {
					t.Error("a training organisation sees the secretariat's review card")
				}
				own = own || c.Label == "Actions de formation" && c.Count == 1 && c.Href == "/actions"
			}
			if !own {
				t.Errorf("the organisation's dashboard does not lead to its action: %+v", cards)
			}
			cards, _ = svc.Dashboard(ctx, w.orgB)
			for _, c := range cards {
				if c.Label == "Actions de formation" && c.Count != 0 {
					t.Errorf("organisation B counts A's action: %+v", c)
				}
			}
		})

		t.Run("each actor sees the actions of their scope and no other", func(t *testing.T) {
			b := w.actionOfA()
			b.TrainingOrganisationID, b.CompanyIDs, b.FunderID, b.Title = w.OrgB, []string{w.CompanyB}, "", "Action de B"
			actB := w.declare(t, w.orgB, b)
			for _, tc := range []struct {
				name  string
				actor domain.Actor
				sees  int
				seesB bool
			}{
				{"the secretariat sees both", w.secretariat, 2, true},
				{"the branch sees both", w.branch, 2, true},
				{"organisation A sees its own", w.orgA, 1, false},
				{"organisation B sees its own", w.orgB, 1, true},
				{"company A sees the action it takes part in", w.companyA, 1, false},
				{"the funder sees the action it funds", w.funder, 1, false},
			} {
				t.Run(tc.name, func(t *testing.T) {
					page, err := svc.Actions(ctx, tc.actor, store.ActionFilter{})
					if err != nil || page.Total != tc.sees {
						t.Fatalf("sees %d actions (%v), want %d", page.Total, err, tc.sees)
					}
					_, err = svc.Action(ctx, tc.actor, actB.ID)
					if tc.seesB != (err == nil) || (!tc.seesB && domain.ErrorCode(err) != domain.ENOTFOUND) {
						t.Errorf("reading B's action: %v", err)
					}
				})
			}
			referent := w.Actor(t, w.Accounts[domain.RoleCompanyReferent])
			if _, err := svc.Actions(ctx, referent, store.ActionFilter{}); domain.ErrorCode(err) != domain.EFORBIDDEN {
				t.Errorf("a referent lists actions: %v", err)
			}
		})

		t.Run("an organisation without accreditation covering the whole period is told which day is not covered", func(t *testing.T) {
			in := w.actionOfA()
			in.StartsOn, in.EndsOn, in.Calendar = domain.NewDate(2028, 10, 1), domain.NewDate(2029, 3, 31), nil
			_, err := svc.DeclareAction(ctx, w.orgA, in)
			msg := fieldOf(err, "qualification")
			for _, want := range []string{"du 01/10/2028 au 31/03/2029", "aucune habilitation ne couvre le 01/01/2029", "du 01/01/2026 au 31/12/2028"} {
				if !strings.Contains(msg, want) {
					t.Errorf("the refusal does not say %q: %q", want, msg)
				}
			}
			in = w.actionOfA()
			in.QualificationCode = "IARD"
			in.Calendar = nil
			_, err = svc.DeclareAction(ctx, w.orgA, in)
			if msg := fieldOf(err, "qualification"); !strings.Contains(msg, "n'a aucune habilitation pour « Gestionnaire IARD »") {
				t.Errorf("refusal without any accreditation: %q", msg)
			}
		})

		t.Run("consecutive accreditations cover a period together", func(t *testing.T) {
			if err := svc.AddAccreditation(ctx, w.sys, domain.Accreditation{TrainingOrganisationID: w.OrgA, QualificationCode: "CC",
				ValidFrom: domain.NewDate(2029, 1, 1), ValidUntil: domain.NewDate(2030, 12, 31)}); err != nil {
				t.Fatal(err)
			}
			in := w.actionOfA()
			in.StartsOn, in.EndsOn, in.Calendar, in.Title = domain.NewDate(2028, 10, 1), domain.NewDate(2029, 3, 31), nil, "À cheval"
			if _, err := svc.DeclareAction(ctx, w.orgA, in); err != nil {
				t.Fatal(err)
			}
		})

		t.Run("bad input is refused field by field and nothing is recorded", func(t *testing.T) {
			before, _ := svc.Actions(ctx, w.secretariat, store.ActionFilter{})
			in := service.ActionInput{TrainingOrganisationID: w.OrgB, QualificationCode: "CC", Route: domain.RouteVAE,
				StartsOn: domain.NewDate(2027, 6, 1), EndsOn: domain.NewDate(2027, 1, 1), CompanyIDs: []string{"nowhere"},
				Calendar: []service.CalendarInput{{Day: domain.NewDate(2026, 1, 1), StartTime: "25:00", BlockCode: "BC9"}}}
			_, err := svc.DeclareAction(ctx, w.orgA, in)
			for field, want := range map[string]string{
				"title":                 "intitulé",
				"route":                 "formation ou blocs",
				"ends_on":               "précède la date de début",
				"planned_hours":         "heures",
				"training_organisation": "votre propre organisme",
				"companies":             "n'existe pas",
				"cal_day_1":             "Séance 1",
				"cal_start_1":           "HH:MM",
				"cal_block_1":           "BC9",
			} {
				if !strings.Contains(fieldOf(err, field), want) {
					t.Errorf("field %s: %q, want it to mention %q", field, fieldOf(err, field), want)
				}
			}
			after, _ := svc.Actions(ctx, w.secretariat, store.ActionFilter{})
			if after.Total != before.Total {
				t.Errorf("a refused action was recorded")
			}
			if _, err := svc.DeclareAction(ctx, w.companyA, w.actionOfA()); domain.ErrorCode(err) != domain.EFORBIDDEN {
				t.Errorf("a company declared an action: %v", err)
			}
		})
	})
}

func TestReviewingAnAction(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		w := newActionWorld(t, st)
		svc := w.Service
		act := w.declare(t, w.orgA, w.actionOfA())
		orgMail := w.Accounts[domain.RoleTrainingOrganisation]

		t.Run("only the secretariat reviews, and a comment or a refusal needs its text", func(t *testing.T) {
			if err := svc.CommentAction(ctx, w.orgA, act.ID, "Bien"); domain.ErrorCode(err) != domain.EFORBIDDEN {
				t.Errorf("an organisation commented: %v", err)
			}
			if err := svc.CommentAction(ctx, w.secretariat, act.ID, "  "); fieldOf(err, "comment") == "" {
				t.Errorf("empty comment: %v", err)
			}
			if err := svc.RefuseAction(ctx, w.secretariat, act.ID, ""); fieldOf(err, "reason") == "" {
				t.Errorf("refusal without reason: %v", err)
			}
		})

		t.Run("comments are appended, the organisation is told, and the review takes the action off the list", func(t *testing.T) {
			for _, c := range []string{"Merci de préciser le lieu.", "Le calendrier convient."} {
				if err := svc.CommentAction(ctx, w.secretariat, act.ID, c); err != nil {
					t.Fatal(err)
				}
			}
			if err := svc.MarkActionReviewed(ctx, w.secretariat, act.ID, ""); err != nil {
				t.Fatal(err)
			}
			if err := svc.MarkActionReviewed(ctx, w.secretariat, act.ID, ""); domain.ErrorCode(err) != domain.ECONFLICT {
				t.Errorf("reviewed twice: %v", err)
			}
			got, err := svc.Action(ctx, w.orgA, act.ID)
			if err != nil {
				t.Fatal(err)
			}
			if got.Status != store.ActionReviewed || len(got.Comments) != 3 || got.Comments[0].Body != "Merci de préciser le lieu." ||
				got.Comments[2].Kind != store.CommentReview || got.Comments[0].AuthorName == "" {
				t.Errorf("action after review: %+v", got)
			}
			if n := mailsTo(t, w, orgMail, "Commentaire du secrétariat"); n != 2 {
				t.Errorf("%d comment mails to the organisation", n)
			}
			page, _ := svc.Actions(ctx, w.secretariat, store.ActionFilter{Status: store.ActionDeclared})
			if page.Total != 0 {
				t.Errorf("the reviewed action is still to review")
			}
		})

		t.Run("a refused action takes no new candidate and keeps those enrolled", func(t *testing.T) {
			if _, err := svc.EnrolInAction(ctx, w.orgA, act.ID, eligibleCandidate("Dupont", "Jean", w.CompanyA)); err != nil {
				t.Fatal(err)
			}
			if err := svc.RefuseAction(ctx, w.secretariat, act.ID, "Financement non confirmé"); err != nil {
				t.Fatal(err)
			}
			if err := svc.RefuseAction(ctx, w.secretariat, act.ID, "Encore"); domain.ErrorCode(err) != domain.ECONFLICT {
				t.Errorf("refused twice: %v", err)
			}
			_, err := svc.EnrolInAction(ctx, w.orgA, act.ID, eligibleCandidate("Durand", "Marie", w.CompanyA))
			if domain.ErrorCode(err) != domain.ECONFLICT || !strings.Contains(domain.ErrorMessage(err), "refusée") {
				t.Errorf("enrolled in a refused action: %v", err)
			}
			rows, err := svc.ActionEnrolments(ctx, w.orgA, act.ID)
			if err != nil || len(rows) != 1 {
				t.Errorf("enrolled candidates after refusal: %d %v", len(rows), err)
			}
			e := hasAudit(auditActions(t, w, act.ID), "action.refuse")
			if e == nil || e.Reason != "Financement non confirmé" || !strings.Contains(e.After, "refused") {
				t.Errorf("refusal audit: %+v", e)
			}
			if n := mailsTo(t, w, orgMail, "refusée"); n != 1 {
				t.Errorf("%d refusal mails", n)
			}
			if _, err := svc.AddActionCalendarEntry(ctx, w.orgA, act.ID, service.CalendarInput{Day: domain.NewDate(2027, 2, 1)}); domain.ErrorCode(err) != domain.ECONFLICT {
				t.Errorf("calendar of a refused action changed: %v", err)
			}
		})
	})
}

func TestAddingToAnActionsCalendar(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		w := newActionWorld(t, st)
		act := w.declare(t, w.orgA, w.actionOfA())
		if _, err := w.Service.AddActionCalendarEntry(ctx, w.orgB, act.ID, service.CalendarInput{Day: domain.NewDate(2027, 2, 1)}); domain.ErrorCode(err) != domain.ENOTFOUND {
			t.Errorf("organisation B changed A's calendar: %v", err)
		}
		if _, err := w.Service.AddActionCalendarEntry(ctx, w.orgA, act.ID, service.CalendarInput{Day: domain.NewDate(2027, 7, 1)}); !strings.Contains(fieldOf(err, "cal_day_1"), "hors de la période") {
			t.Errorf("a day outside the action: %v", err)
		}
		if _, err := w.Service.AddActionCalendarEntry(ctx, w.orgA, act.ID, service.CalendarInput{Day: domain.NewDate(2027, 1, 3+1), StartTime: "08:00",
			EndTime: "12:00", BlockCode: "BC2"}); err != nil {
			t.Fatal(err)
		}
		got, _ := w.Service.Action(ctx, w.orgA, act.ID)
		if len(got.Calendar) != 3 || got.Calendar[0].StartTime != "08:00" {
			t.Errorf("calendar: %+v", got.Calendar)
		}
		if hasAudit(auditActions(t, w, act.ID), "action.calendar") == nil {
			t.Error("calendar entry not audited")
		}
	})
}
