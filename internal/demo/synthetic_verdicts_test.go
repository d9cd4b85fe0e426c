package demo

import (
	"fmt"
	"testing"

	"cqp/internal/domain"
	"cqp/internal/rules"
	"cqp/internal/store"
)

// The synthetic verdicts give each block the outcome it has under the rules (DOMAIN.md §7):
// the commission's « non acquis » refuses it, all evaluators' « acquis » award it, anything
// else is a debate the jury settled with the block's outcome. Most agree, not all.
func TestSyntheticVerdictsGiveTheBlocksTheirOutcome(t *testing.T) {
	const a, na = string(rules.VerdictAcquired), string(rules.VerdictNotAcquired)
	outcome := func(route domain.Route, v store.BlockVerdicts) (acquired, debate bool) {
		switch route {
		case domain.RouteVAE:
			return v.Commission == a, false
		case domain.RouteFormation:
			if v.Commission == na {
				return false, false
			}
		}
		if v.Organisation == a && v.Referent == a {
			return true, false
		}
		return v.Decision == string(rules.JuryAcquired), true
	}
	counts := map[string]int{}
	for i := range 3000 {
		route := []domain.Route{domain.RouteFormation, domain.RouteBlocs, domain.RouteVAE}[i%3]
		e := verdictEnrolment{sessionID: "s", enrolmentID: fmt.Sprintf("e%d", i), organisationID: fmt.Sprintf("of%d", i%23),
			companyID: fmt.Sprintf("co%d", i%41), route: route, blocks: []string{"B1", "B2", "B3", "B4"}, acquired: uint64(i % 16)}
		vs := syntheticVerdicts(1, e)
		if len(vs) != len(e.blocks) {
			t.Fatalf("%d verdict rows for %d blocks", len(vs), len(e.blocks))
		}
		for bi, v := range vs {
			want := e.acquired&(1<<bi) != 0
			got, debate := outcome(route, v)
			if got != want || debate != v.InDebate || (debate != (v.Decision != "")) || v.BlockCode != e.blocks[bi] {
				t.Fatalf("%s block %s acquired=%v: verdicts %+v give acquired=%v debate=%v", route, v.BlockCode, want, v, got, debate)
			}
			if (route == domain.RouteVAE) != (v.Organisation == "" && v.Referent == "") || (route == domain.RouteBlocs) != (v.Commission == "") {
				t.Fatalf("%s: evaluators %+v", route, v)
			}
			if route == domain.RouteFormation {
				counts[fmt.Sprintf("of %s, commission %s", v.Organisation, v.Commission)]++
				if v.InDebate {
					counts["debate "+v.Decision]++
				}
			}
		}
	}
	agree := counts["of acquired, commission acquired"] + counts["of not_acquired, commission not_acquired"]
	if agree < 3000 || counts["of acquired, commission not_acquired"] == 0 || counts["of not_acquired, commission acquired"] == 0 ||
		counts["debate A"] == 0 || counts["debate NA"] == 0 {
		t.Fatalf("formation verdicts: %v", counts)
	}
	if again := syntheticVerdicts(1, verdictEnrolment{enrolmentID: "e7", route: domain.RouteFormation, blocks: []string{"B1", "B2"}}); fmt.Sprint(again) !=
		fmt.Sprint(syntheticVerdicts(1, verdictEnrolment{enrolmentID: "e7", route: domain.RouteFormation, blocks: []string{"B1", "B2"}})) {
		t.Fatal("the same seed and enrolment draw other verdicts")
	}
}
