package service_test

import (
	"context"
	"strings"
	"testing"

	"cqp/internal/domain"
	"cqp/internal/service"
	"cqp/internal/store"
	"cqp/internal/store/storetest"
)

// The blocs route's final stage opens only for the secretariat, for a person holding a block
// acquired on the blocs route, with no enrolment under way; a refusal writes nothing. The whole
// path runs in e2e/blocs_route_test.go.
func TestOpeningTheBlocsFinalStageRefusesWithoutWriting(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		w := newActionWorld(t, st)
		svc := w.Service
		holdBlocks(t, st, w, "BC1", "OPT1") // acquired on a formation enrolment
		in := service.FinalStageInput{CandidateID: w.CandidateA, QualificationCode: "CC", Optional: []string{"OPT2"}, ValidUntil: "30/06/2027"}
		before, err := svc.Candidate(ctx, w.sys, w.CandidateA)
		if err != nil {
			t.Fatal(err)
		}
		for _, a := range []domain.Actor{w.orgA, w.companyA, w.branch, w.funder} {
			if _, err := svc.OpenBlocsFinalStage(ctx, a, in); domain.ErrorCode(err) != domain.EFORBIDDEN {
				t.Errorf("%v opens a final stage: %v", a.Roles, err)
			}
			if opts, err := svc.FinalStageOptions(ctx, a, w.CandidateA); err != nil || opts != nil {
				t.Errorf("%v is offered the final stage: %v %v", a.Roles, opts, err)
			}
		}
		bad := in
		bad.ValidUntil = "31/02/2027"
		if _, err := svc.OpenBlocsFinalStage(ctx, w.secretariat, bad); fieldOf(err, "valid_until") == "" {
			t.Errorf("a date that does not exist: %v", err)
		}
		bad.ValidUntil = "01/01/2020"
		if _, err := svc.OpenBlocsFinalStage(ctx, w.secretariat, bad); !strings.Contains(fieldOf(err, "valid_until"), "après aujourd'hui") {
			t.Errorf("a past date: %v", err)
		}
		_, err = svc.OpenBlocsFinalStage(ctx, w.secretariat, in)
		msg := domain.ErrorMessage(err) + fieldOf(err, "optional")
		if err == nil || !(strings.Contains(msg, "inscription en cours") || strings.Contains(msg, "aucun bloc n'est acquis par la voie des blocs")) {
			t.Errorf("blocks held by formation only: %v", err)
		}
		if opts, err := svc.FinalStageOptions(ctx, w.secretariat, w.CandidateA); err != nil || len(opts) != 0 {
			t.Errorf("the secretariat is offered a final stage without a trained block: %+v %v", opts, err)
		}
		after, err := svc.Candidate(ctx, w.sys, w.CandidateA)
		if err != nil {
			t.Fatal(err)
		}
		if len(after.Enrolments) != len(before.Enrolments) {
			t.Fatalf("a refused final stage left an enrolment: %d → %d", len(before.Enrolments), len(after.Enrolments))
		}
		for _, a := range auditActions(t, w, w.CandidateA) {
			if a.Action == "blocs.final_stage" {
				t.Fatal("a refused final stage is in the audit trail")
			}
		}
	})
}
