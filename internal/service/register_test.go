package service_test

import (
	"context"
	"io"
	"log/slog"
	"strings"
	"testing"
	"time"

	"cqp/internal/domain"
	"cqp/internal/service"
	"cqp/internal/service/servicetest"
	"cqp/internal/store"
	"cqp/internal/store/storetest"
)

func TestAccreditationSuspensionAndRegister(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		w := newActionWorld(t, st)
		svc := w.Service
		o, err := svc.TrainingOrganisation(ctx, w.sys, w.OrgA)
		if err != nil || len(o.Accreditations) != 1 {
			t.Fatalf("organisation A: %v %v", o.Accreditations, err)
		}
		accID := o.Accreditations[0].ID
		enrolA := func() error {
			_, err := svc.CreateCandidate(ctx, w.secretariat, service.CandidateInput{
				Candidate: domain.Candidate{BirthName: "Durand", FirstNames: "Léa", BirthDate: domain.NewDate(1996, 2, 3),
					Sex: domain.SexFemale, BirthINSEE: "75056", BirthCity: "Paris"},
				Enrolment: &service.EnrolmentInput{QualificationCode: "CC", Route: domain.RouteFormation, Public: domain.PublicJobSeeker,
					TrainingOrganisationID: w.OrgA, CompanyID: w.CompanyA}})
			return err
		}

		t.Run("only the secretariat suspends, and only with a reason", func(t *testing.T) {
			for _, a := range []domain.Actor{w.branch, w.orgA, w.companyA} {
				if err := svc.SuspendAccreditation(ctx, a, accID, "Audit défavorable"); domain.ErrorCode(err) != domain.EFORBIDDEN {
					t.Errorf("%s suspends: %v", a.PrimaryRole(), err)
				}
			}
			if err := svc.SuspendAccreditation(ctx, w.secretariat, accID, "  "); fieldOf(err, "reason") == "" {
				t.Errorf("a suspension without reason: %v", err)
			}
		})

		t.Run("a suspended accreditation refuses actions and enrolments, saying since when and why", func(t *testing.T) {
			if err := svc.SuspendAccreditation(ctx, w.secretariat, accID, "Audit qualité défavorable"); err != nil {
				t.Fatal(err)
			}
			_, err := svc.DeclareAction(ctx, w.orgA, w.actionOfA())
			msg := fieldOf(err, "qualification")
			for _, want := range []string{"est suspendue depuis le 25/11/2026", "Audit qualité défavorable"} {
				if !strings.Contains(msg, want) {
					t.Errorf("the refusal does not say %q: %q (%v)", want, msg, err)
				}
			}
			if err := enrolA(); fieldOf(err, "training_organisation") == "" {
				t.Errorf("an enrolment with a suspended OF: %v", err)
			}
			mails, err := st.Read().ListMail(ctx, 20)
			if err != nil {
				t.Fatal(err)
			}
			found := false
			for _, m := range mails {
				if strings.HasPrefix(m.Subject, "Habilitation suspendue") && m.To == w.Accounts[domain.RoleTrainingOrganisation] &&
					strings.Contains(m.Body, "Audit qualité défavorable") {
					found = true
				}
			}
			if !found {
				t.Errorf("the OF was not mailed: %+v", mails)
			}
		})

		t.Run("the register lists the status and the reason", func(t *testing.T) {
			rows, err := svc.RegisterRows(ctx, w.branch, "csv")
			if err != nil {
				t.Fatal(err)
			}
			csv := string(service.RegisterCSV(rows))
			for _, want := range []string{"SIRET;Raison sociale;Ville;Certification;Début;Fin;Statut;Motif;Obligations (version);Dernière modification",
				"73282932000074;Organisme A;Paris;", ";suspendue;Audit qualité défavorable;", ";active;;"} {
				if !strings.Contains(csv, want) {
					t.Errorf("the register lacks %q:\n%s", want, csv)
				}
			}
			if _, err := service.RegisterXLSX(rows); err != nil {
				t.Fatal(err)
			}
			if _, err := svc.RegisterRows(ctx, w.orgA, "csv"); domain.ErrorCode(err) != domain.EFORBIDDEN {
				t.Errorf("an OF exports the register: %v", err)
			}
		})

		t.Run("reinstating allows actions and enrolments again", func(t *testing.T) {
			if err := svc.WithdrawAccreditation(ctx, w.secretariat, accID, "Retrait demandé"); err != nil {
				t.Fatal(err)
			}
			if _, err := svc.DeclareAction(ctx, w.orgA, w.actionOfA()); !strings.Contains(fieldOf(err, "qualification"), "est retirée") {
				t.Errorf("a withdrawn accreditation: %v", err)
			}
			if err := svc.ReinstateAccreditation(ctx, w.secretariat, accID, "Décision du comité"); err != nil {
				t.Fatal(err)
			}
			if _, err := svc.DeclareAction(ctx, w.orgA, w.actionOfA()); err != nil {
				t.Errorf("declaring after reinstatement: %v", err)
			}
			if err := enrolA(); fieldOf(err, "training_organisation") != "" {
				t.Errorf("enrolling after reinstatement: %v", err)
			}
		})

		t.Run("a new accreditation records the current obligations", func(t *testing.T) {
			if _, err := svc.SaveObligations(ctx, w.branch, "Texte"); domain.ErrorCode(err) != domain.EFORBIDDEN {
				t.Errorf("the branch saves obligations: %v", err)
			}
			for i, text := range []string{"Respecter le référentiel.", "Respecter le référentiel et la charte."} {
				ob, err := svc.SaveObligations(ctx, w.secretariat, text)
				if err != nil || ob.Version != i+1 {
					t.Fatalf("version %d: %+v %v", i+1, ob, err)
				}
			}
			if err := svc.AddAccreditation(ctx, w.secretariat, domain.Accreditation{TrainingOrganisationID: w.OrgB, QualificationCode: "CC",
				ValidFrom: domain.NewDate(2029, 1, 1), ValidUntil: domain.NewDate(2030, 12, 31)}); err != nil {
				t.Fatal(err)
			}
			o, err := svc.TrainingOrganisation(ctx, w.sys, w.OrgB)
			if err != nil {
				t.Fatal(err)
			}
			if got := o.Accreditations[len(o.Accreditations)-1].ObligationsVersion; got != 2 {
				t.Errorf("the new accreditation records obligations version %d, want 2", got)
			}
		})

		t.Run("the reminder comes 45 days after a change not exported", func(t *testing.T) {
			at := func(days int) *service.Service {
				return service.New(st, func() time.Time { return servicetest.Clock.Add(time.Duration(days) * 24 * time.Hour) },
					slog.New(slog.NewTextHandler(io.Discard, nil)), "http://cqp.test")
			}
			// A change the day after the export above.
			if err := at(1).SuspendAccreditation(ctx, w.secretariat, accID, "Contrôle en cours"); err != nil {
				t.Fatal(err)
			}
			for _, tc := range []struct {
				days int
				due  bool
			}{{10, false}, {46, false}, {47, true}} {
				state, err := at(tc.days).RegisterState(ctx, w.secretariat)
				if err != nil || state.Due != tc.due {
					t.Errorf("%d days after: %+v %v, want due %v", tc.days, state, err, tc.due)
				}
				cards, err := at(tc.days).Dashboard(ctx, w.secretariat)
				if err != nil {
					t.Fatal(err)
				}
				onDashboard := false
				for _, c := range cards {
					onDashboard = onDashboard || strings.HasPrefix(c.Label, "Registre des organismes habilités")
				}
				if onDashboard != tc.due {
					t.Errorf("%d days after: the dashboard reminder shows %v, want %v", tc.days, onDashboard, tc.due)
				}
			}
			later := at(47)
			if _, err := later.RegisterRows(ctx, w.secretariat, "xlsx"); err != nil {
				t.Fatal(err)
			}
			if state, err := later.RegisterState(ctx, w.secretariat); err != nil || state.Due {
				t.Errorf("after the export: %+v %v", state, err)
			}
		})
	})
}
