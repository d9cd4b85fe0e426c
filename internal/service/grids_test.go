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

// guideRows are the guide's example grid (DOMAIN.md §7) for C1–C15, plus every evaluator
// awarding the two optional blocks candidate A presents.
var guideRows = map[domain.Evaluator]string{
	domain.EvaluatorTrainingOrganisation: "A A A A A NA A A A A A A A A A",
	domain.EvaluatorCompanyReferent:      "A A A A A A NA NA NA NA NA NA NA A A",
	domain.EvaluatorCommission:           "A A A A A A A A A A A A A NA NA",
}

func guideInput(ev domain.Evaluator) service.GridInput {
	in := service.GridInput{Marks: map[string]string{"OPT1-C1": "A", "OPT2-C1": "A"}}
	for i, v := range strings.Fields(guideRows[ev]) {
		in.Marks["C"+strings.TrimSpace(itoa(i+1))] = v
	}
	if ev == domain.EvaluatorCommission {
		in.ReasonedOpinion = "Bonne maîtrise du rôle de courtier ; le développement du portefeuille reste à travailler."
		in.CareerPresentation = "Parcours clair."
	}
	return in
}

func itoa(n int) string {
	return string(rules.AppendInt(nil, n))
}

// giveContinuousMarks gives every block of candidate A a continuous mark, some overridden.
func giveContinuousMarks(t *testing.T, w *servicetest.World, override map[string]string) {
	t.Helper()
	ctx := context.Background()
	sys := domain.SystemActor("test")
	for _, b := range []string{"BC1", "BC2", "BC3", "BC4", "BC5", "OPT1", "OPT2"} {
		mark := "12"
		if m, ok := override[b]; ok {
			mark = m
		}
		if _, err := w.Service.AddContinuousAssessment(ctx, sys, w.EnrolmentA, service.AssessmentInput{BlockCode: b,
			Label: "Étude de cas", On: "20/11/2026", Mark: mark}); err != nil {
			t.Fatal(err)
		}
	}
}

type evaluators struct {
	org, referent, member domain.Actor
}

func evaluatorsOf(t *testing.T, w *servicetest.World) evaluators {
	return evaluators{
		org:      w.Actor(t, w.Accounts[domain.RoleTrainingOrganisation]),
		referent: w.Actor(t, w.Accounts[domain.RoleCompanyReferent]),
		member:   w.Actor(t, w.Accounts[domain.RoleCommissionMember]),
	}
}

func (e evaluators) of(ev domain.Evaluator) domain.Actor {
	switch ev {
	case domain.EvaluatorTrainingOrganisation:
		return e.org
	case domain.EvaluatorCompanyReferent:
		return e.referent
	}
	return e.member
}

func TestEnrolmentEvaluationOnTheGuidesExampleGrid(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		w := servicetest.New(t, st)
		svc := w.Service
		giveContinuousMarks(t, w, nil)
		ev := evaluatorsOf(t, w)
		for _, e := range domain.Evaluators {
			if _, err := svc.SubmitGrid(ctx, ev.of(e), w.EnrolmentA, e, guideInput(e)); err != nil {
				t.Fatalf("%s: %v", e, err)
			}
		}
		secretariat := w.Actor(t, w.Accounts[domain.RoleSecretariat])
		got, err := svc.EnrolmentEvaluation(ctx, secretariat, w.EnrolmentA)
		if err != nil {
			t.Fatal(err)
		}
		want := map[string]rules.Outcome{"BC1": rules.OutcomeAcquired, "BC2": rules.OutcomeDebate, "BC3": rules.OutcomeDebate,
			"BC4": rules.OutcomeDebate, "BC5": rules.OutcomeNotAcquired, "OPT1": rules.OutcomeAcquired, "OPT2": rules.OutcomeAcquired}
		if len(got.Result.Blocks) != len(want) {
			t.Fatalf("blocks %+v", got.Result.Blocks)
		}
		for _, b := range got.Result.Blocks {
			if b.Outcome != want[b.Code] {
				t.Errorf("%s: %s, want %s — %s", b.Code, b.Outcome, want[b.Code], b.Explanation())
			}
		}
		if got.Result.Outcome != rules.CandidatePending {
			t.Errorf("candidate outcome %s", got.Result.Outcome)
		}
		bc2 := got.Result.Blocks[1].Explanation()
		if bc2 != "BC2 en débat : la commission d'évaluation l'a jugé acquis (10 compétences détaillées acquises sur 10, soit 100 % ≥ 70 %) ; "+
			"l'organisme de formation ne l'a pas attribué (5 compétences détaillées acquises sur 10, soit 50 % < 70 %) ; "+
			"le référent entreprise ne l'a pas attribué (5 compétences détaillées acquises sur 10, soit 50 % < 70 %) ; le jury décide de son attribution." {
			t.Errorf("BC2 explanation: %s", bc2)
		}
		if got.Framework.Qualification.Code != "CC" || got.ContinuousMarks["BC1"] != 1200 || len(got.MissingGrids()) != 0 {
			t.Errorf("framework %s, marks %v, missing %v", got.Framework.Qualification.Code, got.ContinuousMarks, got.MissingGrids())
		}
		for _, g := range got.Grids {
			if g.Status() != "submitted" || len(g.Versions) != 1 {
				t.Errorf("%s grid: %s, %d versions visible to the secretariat", g.Evaluator, g.Status(), len(g.Versions))
			}
		}

		t.Run("a candidate reads their own evaluation, without the grids' detail", func(t *testing.T) {
			cand := w.Actor(t, w.Accounts[domain.RoleCandidate])
			mine, err := svc.EnrolmentEvaluation(ctx, cand, w.EnrolmentA)
			if err != nil || mine.Result.Blocks[4].Outcome != rules.OutcomeNotAcquired {
				t.Fatalf("%v", err)
			}
			for _, g := range mine.Grids {
				if g.Versions != nil {
					t.Errorf("the candidate sees the %s grid's detail", g.Evaluator)
				}
			}
		})

		t.Run("the organisation sees its own grid's detail, not the others'", func(t *testing.T) {
			own, err := svc.EnrolmentEvaluation(ctx, ev.org, w.EnrolmentA)
			if err != nil {
				t.Fatal(err)
			}
			if own.Grid(domain.EvaluatorTrainingOrganisation).Versions == nil || own.Grid(domain.EvaluatorCommission).Versions != nil ||
				own.Grid(domain.EvaluatorCompanyReferent).Versions != nil {
				t.Errorf("grid detail visibility: %+v", own.Grids)
			}
		})

		t.Run("another organisation does not find the enrolment", func(t *testing.T) {
			_, err := svc.EnrolmentEvaluation(ctx, w.Actor(t, w.OrgBAccount), w.EnrolmentA)
			if domain.ErrorCode(err) != domain.ENOTFOUND {
				t.Fatalf("got %v", err)
			}
		})

		t.Run("the funder may not read it", func(t *testing.T) {
			_, err := svc.EnrolmentEvaluation(ctx, w.Actor(t, w.Accounts[domain.RoleFunder]), w.EnrolmentA)
			if domain.ErrorCode(err) != domain.EFORBIDDEN {
				t.Fatalf("got %v", err)
			}
		})
	})
}

func TestGridLifecycle(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		w := servicetest.New(t, st)
		svc := w.Service
		giveContinuousMarks(t, w, nil)
		org := w.Actor(t, w.Accounts[domain.RoleTrainingOrganisation])
		secretariat := w.Actor(t, w.Accounts[domain.RoleSecretariat])
		ofGrid := domain.EvaluatorTrainingOrganisation

		t.Run("a partial grid is saved as a draft, and a draft does not count", func(t *testing.T) {
			in := service.GridInput{Marks: map[string]string{"C1": "A", "C2": "3", "C3": "na", "C6": ""},
				Comments: map[string]string{"C2": "Manque la partie réglementaire"}, Comment: "Écrit du 20/11"}
			g, err := svc.SaveGrid(ctx, org, w.EnrolmentA, ofGrid, in)
			if err != nil {
				t.Fatal(err)
			}
			if g.Version != 1 || g.Status != store.GridDraft || g.Marks["C3"].Mark != "NA" || g.Marks["C2"].Comment == "" || len(g.Marks) != 3 {
				t.Fatalf("draft %+v", g)
			}
			ev, err := svc.EnrolmentEvaluation(ctx, secretariat, w.EnrolmentA)
			if err != nil {
				t.Fatal(err)
			}
			if ev.Grid(ofGrid).Status() != "draft" || ev.Result.Blocks[0].Evaluators[0].Present {
				t.Fatalf("the draft counts: %s %+v", ev.Grid(ofGrid).Status(), ev.Result.Blocks[0].Evaluators[0])
			}
		})

		t.Run("the screen shows the organisation's own verdict per block, computed by the rules", func(t *testing.T) {
			v, err := svc.Grid(ctx, org, w.EnrolmentA, ofGrid)
			if err != nil {
				t.Fatal(err)
			}
			if len(v.Blocks) != 7 || v.Blocks[0].Block.Code != "BC1" {
				t.Fatalf("blocks %+v", v.Blocks)
			}
			if got := v.Blocks[0].VerdictText(); got != "incomplet : 3 compétences notées sur 5 ; 5 compétences détaillées acquises sur 15, soit 33,3 % < 70 %" {
				t.Errorf("BC1: %s", got)
			}
			full := guideInput(ofGrid)
			if _, err := svc.SaveGrid(ctx, org, w.EnrolmentA, ofGrid, full); err != nil {
				t.Fatal(err)
			}
			v, _ = svc.Grid(ctx, org, w.EnrolmentA, ofGrid)
			if got := v.Blocks[0].VerdictText(); got != "acquis : 15 compétences détaillées acquises sur 15, soit 100 % ≥ 70 %" {
				t.Errorf("BC1: %s", got)
			}
			if got := v.Blocks[1].VerdictText(); got != "non acquis : 5 compétences détaillées acquises sur 10, soit 50 % < 70 %" {
				t.Errorf("BC2: %s", got)
			}
			if len(v.Versions) != 1 || v.Locked() || v.NeedsReason() {
				t.Errorf("still one draft: %d versions, locked %v", len(v.Versions), v.Locked())
			}
		})

		t.Run("an incomplete grid is refused at submission, naming what is missing per block, and nothing is saved", func(t *testing.T) {
			in := guideInput(ofGrid)
			delete(in.Marks, "C6")
			delete(in.Marks, "C7")
			in.Marks["C15"] = ""
			in.Comment = "ne doit pas être gardé"
			_, err := svc.SubmitGrid(ctx, org, w.EnrolmentA, ofGrid, in)
			if domain.ErrorCode(err) != domain.EINVALID {
				t.Fatalf("got %v", err)
			}
			msg := domain.ErrorMessage(err)
			if !strings.Contains(msg, "BC2 : C6, C7 ; BC5 : C15") || !strings.Contains(msg, "incomplète") {
				t.Errorf("message %q", msg)
			}
			if fieldOf(err, service.MarkField("C6")) == "" || fieldOf(err, service.MarkField("C15")) == "" {
				t.Errorf("fields %v", err)
			}
			v, _ := svc.Grid(ctx, org, w.EnrolmentA, ofGrid)
			if v.Current.Status != store.GridDraft || v.Current.Comment == "ne doit pas être gardé" || v.Current.Marks["C6"].Mark != "NA" {
				t.Errorf("the refused submission changed the draft: %+v", v.Current)
			}
		})

		t.Run("marks that cannot be given are refused with the reason", func(t *testing.T) {
			cases := []struct {
				name, code, mark, want string
			}{
				{"a competence of a block the candidate does not present", "OPT3-C1", "A", "relève du bloc OPT3, que le candidat ne présente pas"},
				{"an unknown competence", "C99", "A", "« C99 » n'existe pas dans le référentiel"},
			}
			for _, c := range cases {
				t.Run(c.name, func(t *testing.T) {
					in := guideInput(ofGrid)
					in.Marks[c.code] = c.mark
					_, err := svc.SaveGrid(ctx, org, w.EnrolmentA, ofGrid, in)
					if domain.ErrorCode(err) != domain.EINVALID || !strings.Contains(domain.ErrorMessage(err), c.want) {
						t.Fatalf("got %v", err)
					}
				})
			}
			in := guideInput(ofGrid)
			in.Marks["C1"] = "3" // C1 holds 2 detailed competences
			in.Marks["C2"] = "beaucoup"
			_, err := svc.SaveGrid(ctx, org, w.EnrolmentA, ofGrid, in)
			if domain.ErrorCode(err) != domain.EINVALID || !strings.Contains(fieldOf(err, service.MarkField("C1")), "de 0 à 2") ||
				fieldOf(err, service.MarkField("C2")) == "" {
				t.Fatalf("got %v", err)
			}
		})

		t.Run("a complete grid is submitted and locked", func(t *testing.T) {
			g, err := svc.SubmitGrid(ctx, org, w.EnrolmentA, ofGrid, guideInput(ofGrid))
			if err != nil {
				t.Fatal(err)
			}
			if g.Version != 1 || g.Status != store.GridSubmitted || g.SubmittedAt == nil {
				t.Fatalf("%+v", g)
			}
			_, err = svc.SaveGrid(ctx, org, w.EnrolmentA, ofGrid, guideInput(ofGrid))
			if domain.ErrorCode(err) != domain.EINVALID || fieldOf(err, "correction_reason") == "" {
				t.Fatalf("a change without a reason: %v", err)
			}
		})

		t.Run("a correction is a new version with its reason; the latest submitted version counts", func(t *testing.T) {
			in := guideInput(ofGrid)
			in.Marks["C6"] = "A" // the organisation now awards BC2
			in.CorrectionReason = "C6 validée après relecture de l'écrit"
			g, err := svc.SaveGrid(ctx, org, w.EnrolmentA, ofGrid, in)
			if err != nil {
				t.Fatal(err)
			}
			if g.Version != 2 || g.Status != store.GridDraft || g.CorrectionReason != in.CorrectionReason {
				t.Fatalf("%+v", g)
			}
			ev, _ := svc.EnrolmentEvaluation(ctx, secretariat, w.EnrolmentA)
			if st := ev.Grid(ofGrid); st.Status() != "correcting" || st.Submitted.Version != 1 || ev.Result.Blocks[1].Evaluators[0].Verdict != rules.VerdictNotAcquired {
				t.Fatalf("while correcting: %s, BC2 %+v", st.StatusLabel(), ev.Result.Blocks[1].Evaluators[0])
			}
			in.CorrectionReason = "" // the draft keeps the reason it was started with
			if _, err := svc.SubmitGrid(ctx, org, w.EnrolmentA, ofGrid, in); err != nil {
				t.Fatal(err)
			}
			ev, _ = svc.EnrolmentEvaluation(ctx, secretariat, w.EnrolmentA)
			st := ev.Grid(ofGrid)
			if st.Status() != "submitted" || st.Submitted.Version != 2 || len(st.Versions) != 2 || st.Versions[1].Marks["C6"].Mark != "NA" ||
				ev.Result.Blocks[1].Evaluators[0].Verdict != rules.VerdictAcquired {
				t.Fatalf("after the correction: %+v", st)
			}
			entries, _, err := svc.Audit(ctx, secretariat, store.AuditFilter{Action: "grid.correction", CandidateID: w.CandidateA})
			if err != nil || len(entries) != 1 || entries[0].Reason != "C6 validée après relecture de l'écrit" || entries[0].Before == "" {
				t.Fatalf("audit %+v %v", entries, err)
			}
			submits, _, _ := svc.Audit(ctx, secretariat, store.AuditFilter{Action: "grid.submit", CandidateID: w.CandidateA})
			if len(submits) != 2 {
				t.Fatalf("%d submissions audited", len(submits))
			}
		})

		t.Run("the commission's grid needs its reasoned opinion", func(t *testing.T) {
			member := w.Actor(t, w.Accounts[domain.RoleCommissionMember])
			in := guideInput(domain.EvaluatorCommission)
			in.ReasonedOpinion = "  "
			_, err := svc.SubmitGrid(ctx, member, w.EnrolmentA, domain.EvaluatorCommission, in)
			if domain.ErrorCode(err) != domain.EINVALID || fieldOf(err, "reasoned_opinion") == "" {
				t.Fatalf("got %v", err)
			}
			in = guideInput(domain.EvaluatorCommission)
			in.KnowledgeQuestion, in.PracticalCase, in.OpenQuestions = "Question 12", "Cas 3 : sinistre", "Sur BC4"
			g, err := svc.SubmitGrid(ctx, member, w.EnrolmentA, domain.EvaluatorCommission, in)
			if err != nil || g.ReasonedOpinion == "" || g.KnowledgeQuestion != "Question 12" || g.CareerPresentation != "Parcours clair." {
				t.Fatalf("%+v %v", g, err)
			}
			v, err := svc.Grid(ctx, member, w.EnrolmentA, domain.EvaluatorCommission)
			if err != nil || len(v.Orals) != 1 || v.Orals[0].ID != w.OralID {
				t.Fatalf("the commission's screen should show its oral: %+v %v", v.Orals, err)
			}
		})

		t.Run("the organisation's other fields do not carry the commission's parts", func(t *testing.T) {
			v, _ := svc.Grid(ctx, org, w.EnrolmentA, ofGrid)
			if v.Current.ReasonedOpinion != "" || v.IsCommission() {
				t.Fatalf("%+v", v.Current)
			}
		})
	})
}

func TestOnlyEachGridsEvaluatorOpensIt(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		w := servicetest.New(t, st)
		svc := w.Service
		sys := domain.SystemActor("test")
		ev := evaluatorsOf(t, w)
		outsider, err := svc.CreateUser(ctx, sys, service.UserInput{Email: "autre-membre@cqp.test", Name: "Autre membre",
			Password: servicetest.Password, Roles: []domain.RoleAssignment{{Role: domain.RoleCommissionMember}}})
		if err != nil {
			t.Fatal(err)
		}
		other, err := svc.Actor(ctx, outsider.ID, "")
		if err != nil {
			t.Fatal(err)
		}
		cases := []struct {
			name      string
			actor     domain.Actor
			evaluator domain.Evaluator
			want      string
		}{
			{"the organisation opens its own grid", ev.org, domain.EvaluatorTrainingOrganisation, ""},
			{"the referent opens their own grid", ev.referent, domain.EvaluatorCompanyReferent, ""},
			{"the commission member opens the commission's grid", ev.member, domain.EvaluatorCommission, ""},
			{"the organisation may not open the commission's grid", ev.org, domain.EvaluatorCommission, domain.EFORBIDDEN},
			{"the referent may not open the organisation's grid", ev.referent, domain.EvaluatorTrainingOrganisation, domain.EFORBIDDEN},
			{"the secretariat does not fill grids", w.Actor(t, w.Accounts[domain.RoleSecretariat]), domain.EvaluatorCommission, domain.EFORBIDDEN},
			{"another organisation does not find the candidate", w.Actor(t, w.OrgBAccount), domain.EvaluatorTrainingOrganisation, domain.ENOTFOUND},
			{"a member of no commission hearing the candidate does not find them", other, domain.EvaluatorCommission, domain.ENOTFOUND},
		}
		for _, c := range cases {
			t.Run(c.name, func(t *testing.T) {
				_, err := svc.Grid(ctx, c.actor, w.EnrolmentA, c.evaluator)
				if domain.ErrorCode(err) != c.want {
					t.Fatalf("read: got %v, want %q", err, c.want)
				}
				_, err = svc.SaveGrid(ctx, c.actor, w.EnrolmentA, c.evaluator, service.GridInput{Marks: map[string]string{"C1": "A"}})
				if domain.ErrorCode(err) != c.want {
					t.Fatalf("save: got %v, want %q", err, c.want)
				}
			})
		}
	})
}

func TestBlocksNotAdmittedAreNotMarked(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		w := servicetest.New(t, st)
		svc := w.Service
		giveContinuousMarks(t, w, map[string]string{"OPT2": "8"})
		org := w.Actor(t, w.Accounts[domain.RoleTrainingOrganisation])
		in := guideInput(domain.EvaluatorTrainingOrganisation)
		_, err := svc.SaveGrid(ctx, org, w.EnrolmentA, domain.EvaluatorTrainingOrganisation, in)
		if domain.ErrorCode(err) != domain.EINVALID || !strings.Contains(domain.ErrorMessage(err), "OPT2, non admis à l'évaluation finale (note d'évaluation continue de 8/20 < 10/20)") {
			t.Fatalf("a mark on a block not admitted: %v", err)
		}
		delete(in.Marks, "OPT2-C1")
		if _, err := svc.SubmitGrid(ctx, org, w.EnrolmentA, domain.EvaluatorTrainingOrganisation, in); err != nil {
			t.Fatalf("a grid without the block not admitted is complete: %v", err)
		}
		v, err := svc.Grid(ctx, org, w.EnrolmentA, domain.EvaluatorTrainingOrganisation)
		if err != nil {
			t.Fatal(err)
		}
		last := v.Blocks[len(v.Blocks)-1]
		if last.Block.Code != "OPT2" || last.Admitted || last.VerdictLabel() != "non admis" || !strings.Contains(last.VerdictText(), "aucune note n'est attendue") {
			t.Fatalf("OPT2 on the screen: %+v %s", last, last.VerdictText())
		}
		ev, err := svc.EnrolmentEvaluation(ctx, domain.SystemActor("test"), w.EnrolmentA)
		if err != nil {
			t.Fatal(err)
		}
		if b := ev.Result.Blocks[len(ev.Result.Blocks)-1]; b.Code != "OPT2" || b.Outcome != rules.OutcomeNotAdmitted {
			t.Fatalf("OPT2: %+v", b)
		}
	})
}
