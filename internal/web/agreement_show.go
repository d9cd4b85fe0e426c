package web

import (
	"math"
	"strconv"
	"strings"

	"cqp/internal/service"
)

// agreementLine is one row of the evaluator agreement's tables, in French.
type agreementLine struct {
	Name                                   string
	Blocks, Agreed                         int
	Percent, Kappa                         string // « 80,0 % », « 0,40 » or « non calculable »
	Debates, WithEvaluator, WithCommission int
	Outlier, FewBlocks                     bool
}

// agreementSection is the « Accord des évaluateurs » section of the statistics page.
type agreementSection struct {
	Organisations, Companies        []agreementLine
	OrganisationTotal, CompanyTotal agreementLine
	Threshold                       string // « 0,40 »
	MinBlocks, Outliers             int
}

const notComputable = "non calculable"

// frenchKappa writes a kappa with two decimals and a decimal comma: −0,11, 0,40, 1,00.
func frenchKappa(k float64) string {
	s := strconv.FormatFloat(math.Abs(math.Round(k*100)/100), 'f', 2, 64)
	s = strings.Replace(s, ".", ",", 1)
	if math.Round(k*100) < 0 {
		s = "\u2212" + s
	}
	return s
}

func agreementLineOf(r service.AgreementRow, minBlocks int) agreementLine {
	l := agreementLine{Name: r.Name, Blocks: r.Blocks(), Agreed: r.Agreed(), Percent: notComputable, Kappa: notComputable,
		Debates: r.Debates, WithEvaluator: r.WithEvaluator, WithCommission: r.WithCommission,
		Outlier: r.Outlier(), FewBlocks: r.Blocks() < minBlocks}
	if p, ok := r.Percent(); ok {
		l.Percent = frenchPercent(p)
	}
	if k, ok := r.Kappa(); ok {
		l.Kappa = frenchKappa(k)
	}
	return l
}

// newAgreementSection lays out the agreement the statistics computed.
func newAgreementSection(g service.Agreement) agreementSection {
	s := agreementSection{Threshold: frenchKappa(g.OutlierBelow), MinBlocks: g.OutlierMinBlocks, Outliers: g.Outliers(),
		OrganisationTotal: agreementLineOf(g.OrganisationTotal, g.OutlierMinBlocks),
		CompanyTotal:      agreementLineOf(g.CompanyTotal, g.OutlierMinBlocks)}
	s.OrganisationTotal.Outlier, s.CompanyTotal.Outlier = false, false // a total is not an evaluator
	for _, r := range g.Organisations {
		s.Organisations = append(s.Organisations, agreementLineOf(r, g.OutlierMinBlocks))
	}
	for _, r := range g.Companies {
		s.Companies = append(s.Companies, agreementLineOf(r, g.OutlierMinBlocks))
	}
	return s
}
