package service

import (
	"context"
	"sort"

	"cqp/internal/domain"
	"cqp/internal/rules"
	"cqp/internal/store"
)

// Evaluator agreement (issue 12, the CPNEFP's audit and the guide's « équité de traitement »):
// on the formation route each block is judged by three final grids, the training
// organisation's, the company referent's and the commission's (DOMAIN.md §7). Per training
// organisation and per company, the statistics compare its grid's verdicts with the
// commission's on the same blocks: share of agreement, Cohen's kappa (rules.CohenKappa), and
// the debates its « non acquis » opened against the commission's « acquis », with how the jury
// settled them. The verdicts are those each closed session read, recorded at its closing
// (store.BlockVerdicts).

// AgreementRow is one training organisation's or company's agreement with the commission.
type AgreementRow struct {
	ID, Name string
	Table    rules.AgreementTable
	// Debates are the blocks its « non acquis » put in debate while the commission said
	// « acquis »; the jury settled each one with it (non acquis) or with the commission (acquis).
	Debates, WithEvaluator, WithCommission int
}

// Blocks is the number of blocks both grids judged.
func (r AgreementRow) Blocks() int { return r.Table.Blocks() }

// Agreed is the number of blocks with the same verdict.
func (r AgreementRow) Agreed() int { return r.Table.Agreed() }

// Percent is the share of agreement; ok is false without any block.
func (r AgreementRow) Percent() (float64, bool) { return r.Table.AgreementPercent() }

// Kappa is Cohen's kappa; ok is false when it cannot be computed.
func (r AgreementRow) Kappa() (float64, bool) { return rules.CohenKappa(r.Table) }

// Outlier says whether the row is flagged for the audit (rules.AgreementOutlier).
func (r AgreementRow) Outlier() bool { return rules.AgreementOutlier(r.Table) }

// Agreement is the evaluator agreement of the statistics page.
type Agreement struct {
	Organisations, Companies        []AgreementRow
	OrganisationTotal, CompanyTotal AgreementRow // every organisation's (company's) blocks together
	OutlierBelow                    float64      // the kappa under which a row is flagged…
	OutlierMinBlocks                int          // …on at least this many blocks
}

// Outliers counts the flagged organisations and companies.
func (g Agreement) Outliers() int {
	n := 0
	for _, rows := range [][]AgreementRow{g.Organisations, g.Companies} {
		for _, r := range rows {
			if r.Outlier() {
				n++
			}
		}
	}
	return n
}

// evaluatorAgreement computes the agreement for the statistics' filter. orgName names the
// training organisations.
func (s *Service) evaluatorAgreement(ctx context.Context, q store.Q, f store.StatisticsFilter, orgName map[string]string) (Agreement, error) {
	out := Agreement{OutlierBelow: rules.KappaOutlierBelow, OutlierMinBlocks: rules.KappaOutlierMinBlock,
		OrganisationTotal: AgreementRow{Name: "Tous les organismes de formation"}, CompanyTotal: AgreementRow{Name: "Toutes les entreprises"}}
	companies, err := q.ListCompanies(ctx, nil)
	if err != nil {
		return out, err
	}
	companyName := map[string]string{}
	for _, c := range companies {
		companyName[c.ID] = c.Name
	}
	for _, side := range []struct {
		ev    domain.Evaluator
		names map[string]string
		rows  *[]AgreementRow
		total *AgreementRow
		other string
	}{
		{domain.EvaluatorTrainingOrganisation, orgName, &out.Organisations, &out.OrganisationTotal, "Organisme "},
		{domain.EvaluatorCompanyReferent, companyName, &out.Companies, &out.CompanyTotal, "Entreprise "},
	} {
		counts, err := q.AgreementCounts(ctx, f, side.ev)
		if err != nil {
			return out, err
		}
		byOwner := map[string]*AgreementRow{}
		for _, c := range counts {
			r, ok := byOwner[c.OwnerID]
			if !ok {
				name, known := side.names[c.OwnerID]
				if !known {
					name = side.other + c.OwnerID
				}
				r = &AgreementRow{ID: c.OwnerID, Name: name}
				byOwner[c.OwnerID] = r
			}
			for _, row := range []*AgreementRow{r, side.total} {
				row.add(c)
			}
		}
		for _, r := range byOwner {
			*side.rows = append(*side.rows, *r)
		}
		sort.Slice(*side.rows, func(i, j int) bool {
			a, b := (*side.rows)[i], (*side.rows)[j]
			if fa, fb := domain.Fold(a.Name), domain.Fold(b.Name); fa != fb {
				return fa < fb
			}
			return a.ID < b.ID
		})
	}
	return out, nil
}

// add counts one training organisation's or company's blocks.
func (r *AgreementRow) add(c store.AgreementCount) {
	r.Table = r.Table.Add(rules.AgreementTable{BothAcquired: c.BothAcquired, BothNotAcquired: c.Neither,
		FirstOnly: c.EvaluatorOnly, SecondOnly: c.CommissionOnly})
	r.Debates += c.Debates
	r.WithEvaluator += c.WithEvaluator
	r.WithCommission += c.WithCommission
}

// blockVerdicts is what a closing session records for the agreement: each block it judged
// (not those acquired at an earlier session), with each evaluator's verdict, the debate and the
// jury's decision.
func blockVerdicts(sessionID string, c JuryCandidate, e domain.Enrolment) []store.BlockVerdicts {
	var out []store.BlockVerdicts
	for _, b := range c.Blocks {
		if b.Prior {
			continue
		}
		row := store.BlockVerdicts{SessionID: sessionID, EnrolmentID: c.EnrolmentID, BlockCode: b.Code,
			TrainingOrganisationID: e.TrainingOrganisationID, CompanyID: e.CompanyID, InDebate: b.InDebate, Decision: string(b.Decision)}
		for _, v := range b.Verdicts {
			if !v.Present {
				continue
			}
			switch v.Evaluator {
			case domain.EvaluatorTrainingOrganisation:
				row.Organisation = string(v.Verdict)
			case domain.EvaluatorCompanyReferent:
				row.Referent = string(v.Verdict)
			case domain.EvaluatorCommission:
				row.Commission = string(v.Verdict)
			}
		}
		out = append(out, row)
	}
	return out
}
