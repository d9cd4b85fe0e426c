package service_test

import (
	"context"
	"strings"
	"testing"

	"cqp/internal/domain"
	"cqp/internal/rules"
	"cqp/internal/service"
	"cqp/internal/service/servicetest"
	"cqp/internal/store"
	"cqp/internal/store/storetest"
)

func TestEnrollingInAnAction(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		w := newActionWorld(t, st)
		svc := w.Service
		act := w.declare(t, w.orgA, w.actionOfA())
		referentA := w.UserIDs[w.Accounts[domain.RoleCompanyReferent]]

		t.Run("an eligible candidate is enrolled with the action's qualification, route and organisation and the framework frozen", func(t *testing.T) {
			in := eligibleCandidate("Dupont", "Jean", w.CompanyA)
			in.Enrolment.ReferentUserID = referentA
			out, err := svc.EnrolInAction(ctx, w.orgA, act.ID, in)
			if err != nil {
				t.Fatal(err)
			}
			if out.Eligibility == nil || !out.Eligibility.Eligible || out.Eligibility.Rule != rules.RuleDiplomaOrExperience {
				t.Errorf("eligibility: %+v", out.Eligibility)
			}
			f, err := svc.Enrolment(ctx, w.orgA, out.Enrolment.ID)
			if err != nil {
				t.Fatal(err)
			}
			e := f.Enrolment
			if e.ActionID != act.ID || e.Route != domain.RouteFormation || e.TrainingOrganisationID != w.OrgA || e.QualificationCode != "CC" ||
				e.FrameworkID != w.FrameworkCC || e.ReferentUserID != referentA || e.Intake.DiplomaLevel != 5 || e.Intake.Project == "" ||
				e.Status != domain.StatusEnrolled || e.Derogation.Reason != "" {
				t.Errorf("enrolment: %+v", e)
			}
			if f.Eligibility == nil || !f.Eligibility.Eligible || len(f.Blocks()) != 7 || f.Candidate.BirthName != "Dupont" {
				t.Errorf("file: %+v", f)
			}
			fws, _ := svc.FrameworkVersions(ctx, w.sys, "CC")
			if !fws[0].Frozen() {
				t.Error("the framework version is not frozen by the enrolment")
			}
			entries, _, _ := svc.Audit(ctx, w.sys, store.AuditFilter{CandidateID: out.Candidate.ID, Limit: 10})
			var created *domain.AuditEntry
			for i := range entries {
				if entries[i].Action == "enrolment.create" {
					created = &entries[i]
				}
			}
			if created == nil || !strings.Contains(created.After, act.ID) || !strings.Contains(created.After, `"eligible":true`) {
				t.Errorf("enrolment audit: %+v", created)
			}
		})

		t.Run("an ineligible candidate is refused naming the rule, and only the secretariat may derogate", func(t *testing.T) {
			in := eligibleCandidate("Martin", "Luc", w.CompanyA)
			in.Enrolment.Intake.DiplomaLevel, in.Enrolment.Intake.ExperienceMonths = 4, 12
			_, err := svc.EnrolInAction(ctx, w.orgA, act.ID, in)
			msg := fieldOf(err, "eligibility")
			for _, want := range []string{"Non éligible à la voie formation", "niveau 5 (bac+2)", "24 mois (2 ans)",
				"Règle appliquée : niveau de diplôme ou expérience professionnelle", "Seul le secrétariat"} {
				if !strings.Contains(msg, want) {
					t.Errorf("refusal %q does not say %q", msg, want)
				}
			}
			in.Enrolment.Derogation = "Expérience équivalente"
			if _, err := svc.EnrolInAction(ctx, w.orgA, act.ID, in); !strings.Contains(fieldOf(err, "derogation"), "Seul le secrétariat") {
				t.Errorf("an organisation derogated: %v", err)
			}
			in.Enrolment.Derogation = ""
			if _, err := svc.EnrolInAction(ctx, w.secretariat, act.ID, in); !strings.Contains(fieldOf(err, "eligibility"), "motivez une dérogation") {
				t.Errorf("the secretariat is not asked for a reason: %v", err)
			}
			in.Enrolment.Derogation = "  Dix ans d'accueil en agence d'assurance  "
			out, err := svc.EnrolInAction(ctx, w.secretariat, act.ID, in)
			if err != nil {
				t.Fatal(err)
			}
			f, _ := svc.Enrolment(ctx, w.secretariat, out.Enrolment.ID)
			if f.Enrolment.Derogation.Reason != "Dix ans d'accueil en agence d'assurance" || f.Enrolment.Derogation.ByName == "" ||
				f.Eligibility == nil || f.Eligibility.Eligible {
				t.Errorf("derogation: %+v %+v", f.Enrolment.Derogation, f.Eligibility)
			}
			entries, _, _ := svc.Audit(ctx, w.sys, store.AuditFilter{Action: "enrolment.derogation", Limit: 10})
			if len(entries) != 1 || entries[0].Reason != "Dix ans d'accueil en agence d'assurance" || entries[0].ActorID != w.secretariat.UserID {
				t.Errorf("derogation audit: %+v", entries)
			}
		})

		t.Run("a derogation for an eligible candidate is refused", func(t *testing.T) {
			in := eligibleCandidate("Petit", "Anne", w.CompanyA)
			in.Enrolment.Derogation = "Au cas où"
			if _, err := svc.EnrolInAction(ctx, w.secretariat, act.ID, in); !strings.Contains(fieldOf(err, "derogation"), "aucune dérogation n'est nécessaire") {
				t.Errorf("got %v", err)
			}
		})

		t.Run("the interview, the blocks and the referent are checked", func(t *testing.T) {
			in := eligibleCandidate("Bernard", "Paul", w.CompanyA)
			in.Enrolment.Intake = &store.Intake{InterviewOn: domain.NewDate(2026, 12, 1), DiplomaLevel: 2, ExperienceMonths: 3}
			in.Enrolment.Blocks = []string{"OPT1"}
			in.Enrolment.ReferentUserID = w.UserIDs[w.Accounts[domain.RoleCompany]]
			_, err := svc.EnrolInAction(ctx, w.orgA, act.ID, in)
			for field, want := range map[string]string{
				"interview_on":  "postérieure à aujourd'hui (25/11/2026)",
				"project":       "projet",
				"motivation":    "motivation",
				"diploma_level": "de 3 (CAP, BEP) à 8",
				"blocks":        "exactement 2 blocs optionnels",
				"referent":      "n'est pas référent de l'entreprise",
			} {
				if !strings.Contains(fieldOf(err, field), want) {
					t.Errorf("field %s: %q, want %q", field, fieldOf(err, field), want)
				}
			}
			in = eligibleCandidate("Bernard", "Paul", w.CompanyA)
			in.Enrolment.Intake.RelatedExperienceMonths = 9
			if _, err := svc.EnrolInAction(ctx, w.orgA, act.ID, in); !strings.Contains(fieldOf(err, "related_experience_months"), "dépasse l'expérience totale") {
				t.Errorf("related experience above the total: %v", err)
			}
		})

		t.Run("a candidate already in the action is refused", func(t *testing.T) {
			in := eligibleCandidate("DUPONT", "jean", w.CompanyA)
			if _, err := svc.EnrolInAction(ctx, w.orgA, act.ID, in); !strings.Contains(fieldOf(err, "birth_name"), "déjà inscrit dans cette action") {
				t.Errorf("duplicate: %v", err)
			}
		})

		t.Run("another organisation cannot enrol in the action, nor see its enrolments", func(t *testing.T) {
			if _, err := svc.EnrolInAction(ctx, w.orgB, act.ID, eligibleCandidate("Roux", "Léa", "")); domain.ErrorCode(err) != domain.ENOTFOUND {
				t.Errorf("organisation B enrolled in A's action: %v", err)
			}
			if _, err := svc.ActionEnrolments(ctx, w.orgB, act.ID); domain.ErrorCode(err) != domain.ENOTFOUND {
				t.Errorf("organisation B listed A's candidates: %v", err)
			}
			if _, err := svc.EnrolInAction(ctx, w.funder, act.ID, eligibleCandidate("Roux", "Léa", "")); domain.ErrorCode(err) != domain.EFORBIDDEN {
				t.Errorf("a funder enrolled: %v", err)
			}
		})

		t.Run("a candidate's company joins the action and sees only its own candidates", func(t *testing.T) {
			if _, err := svc.Action(ctx, w.companyB, act.ID); domain.ErrorCode(err) != domain.ENOTFOUND {
				t.Fatalf("company B sees the action before any of its people is in it: %v", err)
			}
			if _, err := svc.EnrolInAction(ctx, w.orgA, act.ID, eligibleCandidate("Moreau", "Lina", w.CompanyB)); err != nil {
				t.Fatal(err)
			}
			rows, err := svc.ActionEnrolments(ctx, w.companyB, act.ID)
			if err != nil || len(rows) != 1 || rows[0].Candidate.BirthName != "Moreau" {
				t.Errorf("company B's view: %+v %v", rows, err)
			}
			all, err := svc.ActionEnrolments(ctx, w.funder, act.ID)
			if err != nil || len(all) != 3 {
				t.Errorf("the funder sees %d candidates (%v), want 3", len(all), err)
			}
			if hasAudit(auditActions(t, w, act.ID), "action.company_add") == nil {
				t.Error("the company joining the action is not audited")
			}
		})
	})
}

func TestChangingTheReferentOfAnEnrolment(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		w := newActionWorld(t, st)
		svc := w.Service
		second, err := svc.CreateUser(ctx, w.sys, service.UserInput{Email: "tuteur2@cqp.test", Name: "Second tuteur", Password: servicetest.Password,
			Roles: []domain.RoleAssignment{{Role: domain.RoleCompanyReferent, ScopeID: w.CompanyA}}})
		if err != nil {
			t.Fatal(err)
		}
		otherCompany, err := svc.CreateUser(ctx, w.sys, service.UserInput{Email: "tuteur-b@cqp.test", Name: "Tuteur B", Password: servicetest.Password,
			Roles: []domain.RoleAssignment{{Role: domain.RoleCompanyReferent, ScopeID: w.CompanyB}}})
		if err != nil {
			t.Fatal(err)
		}
		choices, err := svc.ReferentChoices(ctx, w.orgA, []string{w.CompanyA})
		if err != nil || len(choices) != 2 {
			t.Fatalf("referents of company A: %+v %v", choices, err)
		}
		if _, err := svc.ChangeEnrolmentReferent(ctx, w.orgA, w.EnrolmentA, otherCompany.ID); !strings.Contains(fieldOf(err, "referent"), "n'est pas référent") {
			t.Errorf("a referent of another company: %v", err)
		}
		if _, err := svc.ChangeEnrolmentReferent(ctx, w.orgB, w.EnrolmentA, second.ID); domain.ErrorCode(err) != domain.ENOTFOUND {
			t.Errorf("organisation B changed A's referent: %v", err)
		}
		e, err := svc.ChangeEnrolmentReferent(ctx, w.orgA, w.EnrolmentA, second.ID)
		if err != nil || e.ReferentName != "Second tuteur" {
			t.Fatalf("%+v %v", e, err)
		}
		if _, err := svc.ChangeEnrolmentReferent(ctx, w.orgA, w.EnrolmentA, second.ID); domain.ErrorCode(err) != domain.ECONFLICT {
			t.Errorf("same referent again: %v", err)
		}
		if n := mailsTo(t, w, "tuteur2@cqp.test", "vous suivez"); n != 1 {
			t.Errorf("%d mails to the new referent", n)
		}
		entries, _, _ := svc.Audit(ctx, w.sys, store.AuditFilter{EntityID: w.EnrolmentA, Action: "enrolment.referent", Limit: 10})
		if len(entries) != 1 || !strings.Contains(entries[0].Before, w.UserIDs[w.Accounts[domain.RoleCompanyReferent]]) {
			t.Errorf("referent audit: %+v", entries)
		}
		// The former referent no longer follows the enrolment.
		former := w.Actor(t, w.Accounts[domain.RoleCompanyReferent])
		if _, err := svc.Enrolment(ctx, former, w.EnrolmentA); domain.ErrorCode(err) != domain.ENOTFOUND {
			t.Errorf("the former referent still reads the enrolment: %v", err)
		}
	})
}

func TestRecordingTheInterviewOfAnExistingEnrolment(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		w := newActionWorld(t, st)
		svc := w.Service
		f, err := svc.Enrolment(ctx, w.orgA, w.EnrolmentA)
		if err != nil || f.Enrolment.Intake.Recorded() || f.Eligibility != nil {
			t.Fatalf("the fixture's enrolment has an interview: %+v %v", f, err)
		}
		weak := store.Intake{InterviewOn: domain.NewDate(2026, 10, 1), Project: "Courtage", Motivation: "Envie", DiplomaLevel: 4, ExperienceMonths: 6}
		if _, err := svc.RecordEnrolmentIntake(ctx, w.orgA, w.EnrolmentA, weak, ""); fieldOf(err, "eligibility") == "" {
			t.Errorf("an ineligible intake was recorded: %v", err)
		}
		if _, err := svc.RecordEnrolmentIntake(ctx, w.secretariat, w.EnrolmentA, weak, "Validé en commission"); err != nil {
			t.Fatal(err)
		}
		// The organisation corrects the motivation: the eligibility data are the same, the derogation stays.
		weak.Motivation = "Envie d'évoluer"
		f, err = svc.RecordEnrolmentIntake(ctx, w.orgA, w.EnrolmentA, weak, "")
		if err != nil || f.Enrolment.Derogation.Reason != "Validé en commission" || f.Enrolment.Intake.Motivation != "Envie d'évoluer" {
			t.Fatalf("%+v %v", f.Enrolment, err)
		}
		if _, err := svc.RecordEnrolmentIntake(ctx, w.orgA, w.EnrolmentA, weak, ""); domain.ErrorCode(err) != domain.ECONFLICT {
			t.Errorf("an unchanged intake: %v", err)
		}
		// Changed data that make the candidate eligible need no derogation any more.
		weak.DiplomaLevel = 6
		f, err = svc.RecordEnrolmentIntake(ctx, w.orgA, w.EnrolmentA, weak, "")
		if err != nil || f.Enrolment.Derogation.Reason != "" || !f.Eligibility.Eligible {
			t.Fatalf("%+v %v", f, err)
		}
		entries, _, _ := svc.Audit(ctx, w.sys, store.AuditFilter{EntityID: w.EnrolmentA, Limit: 20})
		intakes, derogations := 0, 0
		for _, e := range entries {
			switch e.Action {
			case "enrolment.intake":
				intakes++
			case "enrolment.derogation":
				derogations++
			}
		}
		if intakes != 3 || derogations != 1 {
			t.Errorf("%d intake and %d derogation entries, want 3 and 1", intakes, derogations)
		}
	})
}
