package service_test

import (
	"context"
	"testing"

	"cqp/internal/domain"
	"cqp/internal/service"
	"cqp/internal/service/servicetest"
	"cqp/internal/store/storetest"
)

func TestStatisticsCountAClosedJurysResultsForTheSecretariatAndTheBranchOnly(t *testing.T) {
	st := storetest.Open(t, storetest.Targets(t)[0])
	w := servicetest.New(t, st)
	jw := struct {
		*servicetest.World
		enrolmentA, enrolmentB string
	}{World: w, enrolmentA: readyForJury(t, w, w.CandidateA, guideJuryRows), enrolmentB: readyForJury(t, w, w.CandidateB, allAcquiredRows)}
	ctx := context.Background()
	// Candidate A's blocks in debate are refused (partial), candidate B has every block (certified).
	jw.Judge(t, "10/12/2026", func(enrolmentID, block string) string {
		if enrolmentID == jw.enrolmentA {
			return "NA"
		}
		return "A"
	}, jw.enrolmentA, jw.enrolmentB)

	for _, role := range domain.Roles {
		_, err := jw.Service.Statistics(ctx, jw.Actor(t, jw.Accounts[role]), service.StatisticsFilter{})
		allowed := role == domain.RoleSecretariat || role == domain.RoleBranch
		if allowed != (err == nil) {
			t.Errorf("%s: %v", role, err)
		}
	}

	branch := jw.Actor(t, jw.Accounts[domain.RoleBranch])
	s, err := jw.Service.Statistics(ctx, branch, service.StatisticsFilter{Year: 2026})
	if err != nil {
		t.Fatal(err)
	}
	if s.Total.Judged != 2 || s.Total.Certified != 1 || s.Total.Partial != 1 || s.Total.NotCertified != 0 || s.Total.PassRate() != 50 {
		t.Errorf("total: %+v", s.Total)
	}
	if len(s.ByQualificationRoute) != 1 || s.ByQualificationRoute[0].Year != 2026 || s.ByQualificationRoute[0].Route != "Formation" ||
		s.ByQualificationRoute[0].Judged != 2 {
		t.Errorf("by qualification and route: %+v", s.ByQualificationRoute)
	}
	if len(s.ByOrganisation) != 2 {
		t.Fatalf("by organisation: %+v", s.ByOrganisation)
	}
	for _, r := range s.ByOrganisation {
		want := map[string]int{"Organisme A": 0, "Organisme B": 1}[r.Organisation]
		if r.Judged != 1 || r.Certified != want {
			t.Errorf("organisation row %+v", r)
		}
	}
	if len(s.Years) != 1 || s.Years[0] != 2026 {
		t.Errorf("years: %v", s.Years)
	}
	judgedNow := 0
	for _, step := range s.Steps {
		if step.Status == domain.StatusCertified || step.Status == domain.StatusPartial {
			judgedNow += step.Total
		}
	}
	if judgedNow != 2 {
		t.Errorf("steps: %+v", s.Steps)
	}
	if len(s.Delays) != 1 || s.Delays[0].Count != 2 || s.Delays[0].MeanDays < 0 {
		t.Errorf("delays: %+v", s.Delays)
	}

	// Filters: another year, or organisation A alone.
	if s, err := jw.Service.Statistics(ctx, branch, service.StatisticsFilter{Year: 2025}); err != nil || s.Total.Judged != 0 {
		t.Errorf("2025: %+v %v", s.Total, err)
	}
	if s, err := jw.Service.Statistics(ctx, branch, service.StatisticsFilter{OrganisationID: jw.OrgA}); err != nil ||
		s.Total.Judged != 1 || s.Total.Partial != 1 {
		t.Errorf("organisation A: %+v %v", s.Total, err)
	}
	if _, err := jw.Service.Statistics(ctx, branch, service.StatisticsFilter{QualificationCode: "NOPE"}); domain.ErrorCode(err) != domain.EINVALID {
		t.Errorf("unknown qualification: %v", err)
	}
}
