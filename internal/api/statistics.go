package api

import (
	"net/http"
	"time"

	"cqp/internal/domain"
	"cqp/internal/service"
)

// statisticsDTO is GET /statistics: the statistics page's figures (service.Statistics).
type statisticsDTO struct {
	Filter                   statisticsFilterDTO    `json:"filter"`
	ComputedAt               time.Time              `json:"computed_at"`
	Years                    []int                  `json:"years"`
	Total                    resultDTO              `json:"total"`
	ByQualification          []resultDTO            `json:"by_qualification"`
	ByRoute                  []resultDTO            `json:"by_route"`
	ByYearQualificationRoute []resultDTO            `json:"by_year_qualification_route"`
	ByYearOrganisation       []resultDTO            `json:"by_year_training_organisation"`
	Steps                    []stepDTO              `json:"steps"`
	Delays                   []delayDTO             `json:"delays"`
	Agreement                agreementStatisticsDTO `json:"agreement"`
}

type statisticsFilterDTO struct {
	Year                 *int    `json:"year"`
	Qualification        *string `json:"qualification"`
	Route                *string `json:"route"`
	TrainingOrganisation *string `json:"training_organisation"`
}

// resultDTO is one line of results; the labels not part of the line's table are absent.
type resultDTO struct {
	Year                 int      `json:"year,omitempty"`
	Qualification        string   `json:"qualification_title,omitempty"`
	Route                string   `json:"route_label,omitempty"`
	TrainingOrganisation string   `json:"training_organisation_name,omitempty"`
	Judged               int      `json:"judged"`
	Certified            int      `json:"certified"`
	Partial              int      `json:"partial"`
	NotCertified         int      `json:"not_certified"`
	PassRate             *float64 `json:"pass_rate_percent"`
}

type stepDTO struct {
	Status  string         `json:"status"`
	Label   string         `json:"label"`
	ByRoute map[string]int `json:"by_route"`
	Total   int            `json:"total"`
}

type delayDTO struct {
	Route    string  `json:"route_label"`
	Results  int     `json:"results"`
	MeanDays float64 `json:"mean_days"`
	MinDays  float64 `json:"min_days"`
	MaxDays  float64 `json:"max_days"`
}

type agreementStatisticsDTO struct {
	OutlierRule              outlierRuleDTO `json:"outlier_rule"`
	TrainingOrganisations    []agreementDTO `json:"training_organisations"`
	TrainingOrganisationsAll agreementDTO   `json:"training_organisations_total"`
	Companies                []agreementDTO `json:"companies"`
	CompaniesAll             agreementDTO   `json:"companies_total"`
}

type outlierRuleDTO struct {
	KappaBelow float64 `json:"kappa_below"`
	MinBlocks  int     `json:"min_blocks"`
}

// agreementDTO is one training organisation's or company's agreement with the commission.
type agreementDTO struct {
	ID                     string   `json:"id,omitempty"`
	Name                   string   `json:"name"`
	Blocks                 int      `json:"blocks"`
	Agreed                 int      `json:"agreed"`
	BothAcquired           int      `json:"both_acquired"`
	BothNotAcquired        int      `json:"both_not_acquired"`
	OnlyEvaluatorAcquired  int      `json:"only_evaluator_acquired"`
	OnlyCommissionAcquired int      `json:"only_commission_acquired"`
	AgreementPercent       *float64 `json:"agreement_percent"`
	Kappa                  *float64 `json:"kappa"`
	Debates                int      `json:"debates"`
	SettledWithEvaluator   int      `json:"settled_with_evaluator"`
	SettledWithCommission  int      `json:"settled_with_commission"`
	Outlier                bool     `json:"outlier"`
}

func optional[T any](v T, ok bool) *T {
	if !ok {
		return nil
	}
	return &v
}

func agreementOf(r service.AgreementRow) agreementDTO {
	d := agreementDTO{ID: r.ID, Name: r.Name, Blocks: r.Blocks(), Agreed: r.Agreed(), BothAcquired: r.Table.BothAcquired,
		BothNotAcquired: r.Table.BothNotAcquired, OnlyEvaluatorAcquired: r.Table.FirstOnly, OnlyCommissionAcquired: r.Table.SecondOnly,
		Debates: r.Debates, SettledWithEvaluator: r.WithEvaluator, SettledWithCommission: r.WithCommission, Outlier: r.Outlier()}
	d.AgreementPercent = optional(r.Percent())
	d.Kappa = optional(r.Kappa())
	return d
}

func resultOf(r service.ResultRow) resultDTO {
	return resultDTO{Year: r.Year, Qualification: r.Qualification, Route: r.Route, TrainingOrganisation: r.Organisation,
		Judged: r.Judged, Certified: r.Certified, Partial: r.Partial, NotCertified: r.NotCertified,
		PassRate: optional(r.PassRate(), r.Judged > 0)}
}

// statisticsShow answers the statistics page's figures with its filters: year (of the jury
// session), qualification (code), route and training_organisation (id).
func (a *API) statisticsShow(w http.ResponseWriter, r *http.Request, actor domain.Actor) error {
	q := newQuery(r, "year", "qualification", "route", "training_organisation")
	year, err := service.ParseStatisticsYear(q.str("year"))
	if err != nil {
		q.fe.Add("year", "L'année « "+q.str("year")+" » n'est pas valable : indiquez une année entre 2000 et 2100.")
	}
	in := service.StatisticsFilter{Year: year, QualificationCode: q.str("qualification"), Route: domain.Route(q.str("route")),
		OrganisationID: q.str("training_organisation")}
	if in.Route != "" && !in.Route.Valid() {
		q.fe.Add("route", "Voie d'accès inconnue : indiquez formation, vae ou blocs.")
	}
	if err := q.err(); err != nil {
		return err
	}
	st, err := a.svc.Statistics(r.Context(), actor, in)
	if err != nil {
		return err
	}
	d := statisticsDTO{ComputedAt: st.At, Years: orEmpty(st.Years), Total: resultOf(st.Total),
		ByQualification: mapList(st.ByQualification, resultOf), ByRoute: mapList(st.ByRoute, resultOf),
		ByYearQualificationRoute: mapList(st.ByQualificationRoute, resultOf), ByYearOrganisation: mapList(st.ByOrganisation, resultOf),
		Steps: []stepDTO{}, Delays: []delayDTO{}}
	d.Filter.Year = optional(year, year != 0)
	d.Filter.Qualification = optional(in.QualificationCode, in.QualificationCode != "")
	d.Filter.Route = optional(string(in.Route), in.Route != "")
	d.Filter.TrainingOrganisation = optional(in.OrganisationID, in.OrganisationID != "")
	for _, s := range st.Steps {
		step := stepDTO{Status: string(s.Status), Label: s.Label, ByRoute: map[string]int{}, Total: s.Total}
		for i, rt := range st.Routes {
			step.ByRoute[string(rt)] = s.Counts[i]
		}
		d.Steps = append(d.Steps, step)
	}
	for _, dl := range st.Delays {
		d.Delays = append(d.Delays, delayDTO{Route: dl.Route, Results: dl.Count, MeanDays: dl.MeanDays, MinDays: dl.MinDays, MaxDays: dl.MaxDays})
	}
	g := st.Agreement
	d.Agreement = agreementStatisticsDTO{OutlierRule: outlierRuleDTO{KappaBelow: g.OutlierBelow, MinBlocks: g.OutlierMinBlocks},
		TrainingOrganisations: mapList(g.Organisations, agreementOf), TrainingOrganisationsAll: agreementOf(g.OrganisationTotal),
		Companies: mapList(g.Companies, agreementOf), CompaniesAll: agreementOf(g.CompanyTotal)}
	d.Agreement.TrainingOrganisationsAll.Outlier, d.Agreement.CompaniesAll.Outlier = false, false // a total is not an evaluator
	return ok(w, d)
}
