package service_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"cqp/internal/domain"
	"cqp/internal/rules"
	"cqp/internal/service"
	"cqp/internal/store"
	"cqp/internal/store/storetest"
)

// holdBlocks gives candidate A's formation enrolment blocks acquired at a closed jury session
// of 12/06/2026, as a partial result leaves them.
func holdBlocks(t *testing.T, st *store.Store, w actionWorld, codes ...string) {
	t.Helper()
	ctx := context.Background()
	starts := time.Date(2026, 6, 12, 12, 0, 0, 0, time.UTC)
	err := st.Write(ctx, func(q store.Q) error {
		branches, err := q.Branches(ctx)
		if err != nil {
			return err
		}
		id := "session-partielle"
		if err := q.CreateJurySession(ctx, store.JurySession{ID: id, BranchID: branches[0].ID, StartsAt: starts, Place: "Paris", Quorum: 4,
			Status: store.JuryPlanned, CreatedAt: starts}); err != nil {
			return err
		}
		if err := q.AddJuryCandidate(ctx, id, w.EnrolmentA); err != nil {
			return err
		}
		if err := q.SetJurySessionStatus(ctx, id, store.JuryPlanned, store.JuryDeliberating); err != nil {
			return err
		}
		if err := q.SetJuryOutcome(ctx, id, w.EnrolmentA, "partial"); err != nil {
			return err
		}
		for _, b := range codes {
			if err := q.AddAcquiredBlock(ctx, store.AcquiredBlock{EnrolmentID: w.EnrolmentA, BlockCode: b, SessionID: id, AcquiredOn: domain.DateOf(starts)}); err != nil {
				return err
			}
		}
		e, err := q.Enrolment(ctx, w.EnrolmentA, store.Scope{})
		if err != nil {
			return err
		}
		e.Status, e.UpdatedAt = domain.StatusPartial, starts.Add(3*time.Hour)
		if err := q.SetEnrolmentStatus(ctx, "partial-"+id, e.Enrolment, "Délibération du jury", ""); err != nil {
			return err
		}
		return q.CloseJurySession(ctx, id, `{"format":1}`, starts.Add(3*time.Hour), "")
	})
	if err != nil {
		t.Fatal(err)
	}
}

func TestEnrollingOnTheBlocsRoute(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		w := newActionWorld(t, st)
		svc := w.Service
		holdBlocks(t, st, w, "BC1", "OPT1")
		referentA := w.UserIDs[w.Accounts[domain.RoleCompanyReferent]]
		newPerson := domain.Candidate{BirthName: "Garnier", FirstNames: "Inès", BirthDate: domain.NewDate(1990, 2, 3), Sex: domain.SexFemale,
			BirthINSEE: "75056", BirthCity: "Paris", Email: "ines.garnier@example.fr"}

		t.Run("a company enrols a new employee on chosen blocks with an accredited OF, without prerequisite, telling the OF, the secretariat and the referent", func(t *testing.T) {
			out, err := svc.EnrolInBlocs(ctx, w.companyA, service.BlocsEnrolmentInput{Candidate: newPerson, QualificationCode: "CC",
				TrainingOrganisationID: w.OrgA, CompanyID: w.CompanyA, ReferentUserID: referentA, Blocks: []string{"BC4", "OPT2"}})
			if err != nil {
				t.Fatal(err)
			}
			e := out.Enrolment
			if e.Route != domain.RouteBlocs || strings.Join(e.Blocks, " ") != "BC4 OPT2" || e.TrainingOrganisationID != w.OrgA ||
				e.ReferentUserID != referentA || e.Public != domain.PublicEmployee || e.Status != domain.StatusEnrolled {
				t.Errorf("enrolment: %+v", e)
			}
			if mailsTo(t, w, w.Accounts[domain.RoleTrainingOrganisation], "Inscription par blocs de compétences : ") != 1 ||
				mailsTo(t, w, w.Accounts[domain.RoleSecretariat], "Inscription par blocs de compétences : ") != 1 ||
				mailsTo(t, w, w.Accounts[domain.RoleCompanyReferent], "Inscription par blocs de compétences : ") != 1 {
				t.Error("the OF, the secretariat and the named referent are not all told")
			}
			if mailsTo(t, w, w.OrgBAccount, "Inscription par blocs") != 0 {
				t.Error("another OF is told")
			}
			mails, _ := svc.Outbox(ctx, w.sys)
			for _, m := range mails {
				if m.To == w.Accounts[domain.RoleTrainingOrganisation] && strings.Contains(m.Subject, "blocs") {
					for _, want := range []string{"GARNIER", "BC4 — ", "OPT2", "Parcours :", "/inscriptions/" + e.ID} {
						if !strings.Contains(m.Body, want) {
							t.Errorf("mail lacks %q: %s", want, m.Body)
						}
					}
				}
			}
			var found bool
			for _, a := range auditActions(t, w, e.ID) {
				found = found || (a.Action == "enrolment.blocs" && strings.Contains(a.After, `"by":"company"`))
			}
			if !found {
				t.Error("no enrolment.blocs audit entry naming the company")
			}
		})

		t.Run("a known employee after a partial result is enrolled again for missing blocks; a held block is refused with its date", func(t *testing.T) {
			in := service.BlocsEnrolmentInput{CandidateID: w.CandidateA, QualificationCode: "CC", TrainingOrganisationID: w.OrgA,
				CompanyID: w.CompanyA, ReferentUserID: referentA, Blocks: []string{"BC1", "BC2"}}
			_, err := svc.EnrolInBlocs(ctx, w.companyA, in)
			if msg := fieldOf(err, "blocks"); !strings.Contains(msg, "bloc BC1 déjà acquis le 12/06/2026 (voie Formation)") {
				t.Errorf("held block: %v", err)
			}
			in.Blocks = []string{"OPT2", "OPT3"}
			_, err = svc.EnrolInBlocs(ctx, w.companyA, in)
			if msg := fieldOf(err, "blocks"); !strings.Contains(msg, "trop de blocs optionnels") || !strings.Contains(msg, "(OPT1)") {
				t.Errorf("too many optional blocks: %v", err)
			}
			in.Blocks = []string{"BC2", "BC3", "OPT2"}
			out, err := svc.EnrolInBlocs(ctx, w.companyA, in)
			if err != nil {
				t.Fatal(err)
			}
			if out.Candidate.ID != w.CandidateA || strings.Join(out.Enrolment.Blocks, " ") != "BC2 BC3 OPT2" {
				t.Errorf("known candidate's enrolment: %+v", out.Enrolment)
			}
			f, err := svc.Enrolment(ctx, w.companyA, out.Enrolment.ID)
			if err != nil {
				t.Fatal(err)
			}
			if f.Blocs == nil || len(f.Blocs.Chosen) != 3 || len(f.Blocs.Held) != 2 || f.Blocs.OptionalOpen != 0 {
				t.Fatalf("progress: %+v", f.Blocs)
			}
			var toAcquire []string
			for _, b := range f.Blocs.ToAcquire {
				toAcquire = append(toAcquire, b.Code)
			}
			if strings.Join(toAcquire, " ") != "BC4 BC5" || f.Blocs.Held[0].AcquiredOn.String() != "12/06/2026" {
				t.Errorf("to acquire %v, held %+v", toAcquire, f.Blocs.Held)
			}
		})

		t.Run("a company enrols only its own employees, and names one of its referents", func(t *testing.T) {
			in := service.BlocsEnrolmentInput{CandidateID: w.CandidateB, QualificationCode: "CC", TrainingOrganisationID: w.OrgA,
				CompanyID: w.CompanyA, ReferentUserID: referentA, Blocks: []string{"BC2"}}
			if _, err := svc.EnrolInBlocs(ctx, w.companyA, in); fieldOf(err, "candidate") == "" {
				t.Errorf("another company's employee: %v", err)
			}
			in.CompanyID = w.CompanyB
			if _, err := svc.EnrolInBlocs(ctx, w.companyA, in); domain.ErrorCode(err) != domain.ENOTFOUND {
				t.Errorf("another company: %v", err)
			}
			_, err := svc.EnrolInBlocs(ctx, w.companyA, service.BlocsEnrolmentInput{Candidate: newPerson, QualificationCode: "CC",
				TrainingOrganisationID: w.OrgA, CompanyID: w.CompanyA})
			if fieldOf(err, "referent") == "" || fieldOf(err, "blocks") == "" {
				t.Errorf("missing referent and blocks: %v", err)
			}
			if _, err := svc.EnrolInBlocs(ctx, w.orgA, in); domain.ErrorCode(err) != domain.EFORBIDDEN {
				t.Errorf("an OF used the company's page: %v", err)
			}
		})

		t.Run("an OF enrols a new candidate in its blocs action with no prerequisite, and a known one by number and birth date", func(t *testing.T) {
			ai := w.actionOfA()
			ai.Route, ai.Title = domain.RouteBlocs, "Blocs BC2 et BC3 — Paris 2027"
			act := w.declare(t, w.orgA, ai)
			in := eligibleCandidate("Roux", "Marc", w.CompanyA)
			in.Enrolment.Intake.DiplomaLevel, in.Enrolment.Intake.ExperienceMonths = 0, 0
			in.Enrolment.Blocks = []string{"BC2", "BC3"}
			out, err := svc.EnrolInAction(ctx, w.orgA, act.ID, in)
			if err != nil {
				t.Fatalf("no prerequisite on the blocs route: %v", err)
			}
			if out.Eligibility == nil || out.Eligibility.Rule != rules.RuleNoBlocsPrerequisite || strings.Join(out.Enrolment.Blocks, " ") != "BC2 BC3" {
				t.Errorf("enrolment %+v, eligibility %+v", out.Enrolment, out.Eligibility)
			}
			a, err := svc.Candidate(ctx, w.sys, w.CandidateA)
			if err != nil {
				t.Fatal(err)
			}
			known := service.EnrolmentInput{Public: domain.PublicEmployee, CompanyID: w.CompanyA, Blocks: []string{"BC1"},
				Intake: eligibleCandidate("x", "y", "").Enrolment.Intake}
			if _, err := svc.EnrolKnownInAction(ctx, w.orgA, act.ID, service.KnownCandidate{Number: a.Number, BirthDate: domain.NewDate(1995, 3, 15)}, known); fieldOf(err, "candidate_number") == "" {
				t.Errorf("a wrong birth date: %v", err)
			}
			if _, err := svc.EnrolKnownInAction(ctx, w.orgA, act.ID, service.KnownCandidate{Number: a.Number, BirthDate: a.BirthDate}, known); !strings.Contains(fieldOf(err, "blocks"), "BC1 déjà acquis") {
				t.Errorf("a held block: %v", err)
			}
			known.Blocks = []string{"BC2"} // under way on the company's blocs enrolment of candidate A, above
			if _, err := svc.EnrolKnownInAction(ctx, w.orgA, act.ID, service.KnownCandidate{Number: a.Number, BirthDate: a.BirthDate}, known); !strings.Contains(fieldOf(err, "blocks"), "déjà en cours sur une autre inscription") {
				t.Errorf("a block under way elsewhere: %v", err)
			}
			known.Blocks = []string{"BC4"}
			got, err := svc.EnrolKnownInAction(ctx, w.orgA, act.ID, service.KnownCandidate{Number: a.Number, BirthDate: a.BirthDate}, known)
			if err != nil {
				t.Fatal(err)
			}
			if got.Candidate.ID != w.CandidateA || got.Enrolment.ActionID != act.ID || got.Enrolment.Route != domain.RouteBlocs {
				t.Errorf("known candidate in the action: %+v", got.Enrolment)
			}
			if _, err := svc.EnrolKnownInAction(ctx, w.orgB, act.ID, service.KnownCandidate{Number: a.Number, BirthDate: a.BirthDate}, known); domain.ErrorCode(err) != domain.ENOTFOUND {
				t.Errorf("another OF's action: %v", err)
			}
			formation := w.declare(t, w.orgA, w.actionOfA())
			if _, err := svc.EnrolKnownInAction(ctx, w.orgA, formation.ID, service.KnownCandidate{Number: a.Number, BirthDate: a.BirthDate}, known); fieldOf(err, "candidate_number") == "" {
				t.Errorf("a formation action took a known candidate: %v", err)
			}
		})
	})
}
