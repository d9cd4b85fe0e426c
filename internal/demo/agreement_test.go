package demo

import (
	"context"
	"testing"

	"cqp/internal/service"
)

// The demo's juries judge formation candidates whose organisation's, referent's and
// commission's grids do not always agree: the branch reads a non-empty evaluator agreement, and
// the rows it reads add up to the totals.
func checkEvaluatorAgreement(t *testing.T, d loadedDemo) {
	ctx, svc := context.Background(), d.svc
	st, err := svc.Statistics(ctx, actorOf(t, svc, email("cpnefp")), service.StatisticsFilter{})
	if err != nil {
		t.Fatal(err)
	}
	g := st.Agreement
	if len(g.Organisations) == 0 || len(g.Companies) == 0 {
		t.Fatalf("no agreement to read: %+v", g)
	}
	for _, side := range []struct {
		rows  []service.AgreementRow
		total service.AgreementRow
	}{{g.Organisations, g.OrganisationTotal}, {g.Companies, g.CompanyTotal}} {
		blocks, debates := 0, 0
		for _, r := range side.rows {
			blocks += r.Blocks()
			debates += r.Debates
			if r.Name == "" || r.WithEvaluator+r.WithCommission != r.Debates {
				t.Errorf("row %+v", r)
			}
		}
		if blocks != side.total.Blocks() || debates != side.total.Debates || blocks == 0 {
			t.Errorf("%s: rows count %d blocks and %d debates, the total %d and %d", side.total.Name, blocks, debates, side.total.Blocks(), side.total.Debates)
		}
	}
	if side := g.OrganisationTotal; side.Blocks() == side.Agreed() {
		t.Errorf("the demo's organisations always agree with the commission: %+v", side)
	}
}
