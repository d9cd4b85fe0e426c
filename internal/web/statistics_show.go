package web

import (
	"math"
	"net/http"
	"strconv"
	"strings"

	"cqp/internal/domain"
	"cqp/internal/service"
)

// chartBar is one horizontal bar of a chart: its label above it, its value after it.
type chartBar struct {
	Label, Value       string
	LabelY, BarY, Wide float64
	ValueX, ValueY     float64
}

// barChart is a horizontal bar chart drawn on the server as inline SVG, with the title and
// description that a screen reader announces; the table behind it follows it on the page.
type barChart struct {
	ID, Title, Desc string
	Height          float64
	Bars            []chartBar
}

const (
	chartWidth    = 400.0 // the viewBox width: fits a 390 px screen at about its own scale
	chartBarMax   = 300.0 // the longest bar
	chartRowStep  = 44.0
	chartBarThick = 16.0
)

// newBarChart lays out bars whose values are given against max (100 for rates).
func newBarChart(id, title, desc string, labels []string, values []float64, texts []string, max float64) barChart {
	c := barChart{ID: id, Title: title, Desc: desc, Height: chartRowStep*float64(len(labels)) + 8}
	for i, l := range labels {
		w := 0.0
		if max > 0 {
			w = math.Round(chartBarMax*values[i]/max*10) / 10
		}
		top := chartRowStep * float64(i)
		c.Bars = append(c.Bars, chartBar{Label: l, Value: texts[i], LabelY: top + 16, BarY: top + 22, Wide: w,
			ValueX: w + 6, ValueY: top + 22 + chartBarThick - 3})
	}
	return c
}

type statisticsPage struct {
	Stats                          service.Statistics
	Year, Qualification, Route     string
	Organisation                   string
	RouteOptions                   []option
	QualificationChart, RouteChart barChart
	StepsChart                     barChart
	Filtered                       bool
	Surveys                        service.SurveyStatistics // « Devenir des candidats » (outcome_survey_stats.go)
	Agreement                      agreementSection         // agreement_show.go
}

// frenchDecimal writes v with one decimal and a decimal comma: 87.5 → "87,5".
func frenchDecimal(v float64) string {
	s := strconv.FormatFloat(math.Round(v*10)/10, 'f', 1, 64)
	whole, frac, _ := strings.Cut(s, ".")
	n, _ := strconv.Atoi(whole)
	return frenchNumber(n) + "," + frac
}

// frenchPercent writes a rate the French way: "87,5 %" (narrow no-break space before %).
func frenchPercent(v float64) string { return frenchDecimal(v) + "\u202f%" }

// statisticsShow is the statistics page: results of closed juries by year, qualification,
// route and training organisation, candidates at each step now, and the time from enrolment
// to result, with the filters of the form.
func (s *Server) statisticsShow(w http.ResponseWriter, r *http.Request) error {
	qv := r.URL.Query()
	year, err := service.ParseStatisticsYear(qv.Get("annee"))
	if err != nil {
		return err
	}
	in := service.StatisticsFilter{Year: year, QualificationCode: qv.Get("qualification"),
		Route: domain.Route(qv.Get("voie")), OrganisationID: qv.Get("organisme")}
	st, err := s.svc.Statistics(r.Context(), actorFrom(r.Context()), in)
	if err != nil {
		return err
	}
	surveys, err := s.svc.OutcomeSurveyStatistics(r.Context(), actorFrom(r.Context()), in)
	if err != nil {
		return err
	}
	p := statisticsPage{Surveys: surveys, Stats: st, Year: qv.Get("annee"), Qualification: in.QualificationCode, Route: string(in.Route),
		Organisation: in.OrganisationID, Filtered: year != 0 || in.QualificationCode != "" || in.Route != "" || in.OrganisationID != "",
		Agreement: newAgreementSection(st.Agreement)}
	for _, rt := range domain.Routes {
		p.RouteOptions = append(p.RouteOptions, option{Value: string(rt), Label: rt.Label()})
	}
	rateChart := func(id, title, what string, rows []service.ResultRow, label func(service.ResultRow) string) barChart {
		var labels, texts []string
		var values []float64
		var desc []string
		for _, row := range rows {
			labels = append(labels, label(row))
			values = append(values, row.PassRate())
			texts = append(texts, frenchPercent(row.PassRate()))
			desc = append(desc, label(row)+" : "+frenchPercent(row.PassRate())+" de certifiés sur "+frenchNumber(row.Judged)+" candidats jugés")
		}
		d := "Aucun candidat jugé par un jury clos pour ces filtres."
		if len(desc) > 0 {
			d = "Taux de réussite (certifiés sur jugés) par " + what + ". " + strings.Join(desc, " ; ") + "."
		}
		return newBarChart(id, title, d, labels, values, texts, 100)
	}
	p.QualificationChart = rateChart("graphique-qualification", "Taux de réussite par qualification", "qualification",
		st.ByQualification, func(r service.ResultRow) string { return r.Qualification })
	p.RouteChart = rateChart("graphique-voie", "Taux de réussite par voie d'accès", "voie d'accès",
		st.ByRoute, func(r service.ResultRow) string { return r.Route })
	var labels, texts, desc []string
	var values []float64
	max := 0.0
	for _, row := range st.Steps {
		labels = append(labels, row.Label)
		values = append(values, float64(row.Total))
		texts = append(texts, frenchNumber(row.Total))
		desc = append(desc, row.Label+" : "+frenchNumber(row.Total))
		max = math.Max(max, float64(row.Total))
	}
	p.StepsChart = newBarChart("graphique-etapes", "Candidats à chaque étape aujourd'hui",
		"Nombre d'inscriptions par statut aujourd'hui, toutes voies retenues confondues. "+strings.Join(desc, " ; ")+".",
		labels, values, texts, max)
	s.render(w, r, http.StatusOK, "statistics.html", "Statistiques", p)
	return nil
}
