package service

import (
	"context"
	"slices"
	"sort"
	"strconv"
	"time"

	"cqp/internal/domain"
	"cqp/internal/store"
)

// StatisticsFilter is what the statistics page was asked to show: a year of jury (0: every
// year), a qualification code, a route and a training organisation's id ("" for any).
type StatisticsFilter struct {
	Year              int
	QualificationCode string
	Route             domain.Route
	OrganisationID    string
}

// ResultRow is one line of results: candidates judged by closed jury sessions and their
// outcomes.
type ResultRow struct {
	Year                                     int
	Qualification, Route, Organisation       string // labels; empty when not a dimension of the table
	Judged, Certified, Partial, NotCertified int
}

// PassRate is certified / judged in percent (0 when nobody was judged).
func (r ResultRow) PassRate() float64 {
	if r.Judged == 0 {
		return 0
	}
	return 100 * float64(r.Certified) / float64(r.Judged)
}

func (r *ResultRow) add(outcome domain.EnrolmentStatus, n int) {
	r.Judged += n
	switch outcome {
	case domain.StatusCertified:
		r.Certified += n
	case domain.StatusPartial:
		r.Partial += n
	case domain.StatusNotCertified:
		r.NotCertified += n
	}
}

// StepRow is how many enrolments of a route are at one step now.
type StepRow struct {
	Status domain.EnrolmentStatus
	Label  string
	Counts []int // one per route of Statistics.Routes
	Total  int
}

// DelayRow is the time from enrolment to result on one route.
type DelayRow struct {
	Route                      string
	Count                      int
	MeanDays, MinDays, MaxDays float64
}

// Statistics is the statistics page's figures, each family computed by one GROUP BY query:
// the results over the rows each closed session wrote once (store.OutcomesByQualificationRoute).
type Statistics struct {
	Filter StatisticsFilter
	At     time.Time // when the figures were computed
	// The choices of the filter form.
	Years          []int
	Qualifications []store.QualificationRecord
	Organisations  []domain.TrainingOrganisation

	ByQualificationRoute []ResultRow // year × qualification × route
	ByQualification      []ResultRow // every selected year together, per qualification
	ByRoute              []ResultRow // every selected year together, per route
	ByOrganisation       []ResultRow // year × training organisation
	Total                ResultRow   // every result selected
	Routes               []domain.Route
	Steps                []StepRow
	Delays               []DelayRow
	Agreement            Agreement // evaluator agreement (agreement.go)
}

// Statistics computes the statistics page for the secretariat and the branch (CPNEFP).
func (s *Service) Statistics(ctx context.Context, a domain.Actor, in StatisticsFilter) (Statistics, error) {
	if err := Check(a, ActStatisticsRead); err != nil {
		return Statistics{}, err
	}
	out := Statistics{Filter: in, At: s.now(), Routes: domain.Routes}
	q := s.store.Read()
	quals, err := q.Qualifications(ctx)
	if err != nil {
		return out, err
	}
	orgs, err := q.ListTrainingOrganisations(ctx, nil)
	if err != nil {
		return out, err
	}
	starts, err := q.ClosedSessionStarts(ctx)
	if err != nil {
		return out, err
	}
	out.Qualifications, out.Organisations = quals, orgs
	for _, t := range starts {
		if y := t.In(domain.Paris()).Year(); !slices.Contains(out.Years, y) {
			out.Years = append(out.Years, y)
		}
	}
	slices.Sort(out.Years)

	qualTitle := map[string]string{}
	var f store.StatisticsFilter
	for _, r := range quals {
		qualTitle[r.ID] = r.Title
		if r.Code == in.QualificationCode {
			f.QualificationID = r.ID
		}
	}
	if in.QualificationCode != "" && f.QualificationID == "" {
		return out, domain.Errorf(domain.EINVALID, "Cette qualification n'existe pas : choisissez-en une dans la liste.")
	}
	if in.Route != "" && !in.Route.Valid() {
		return out, domain.Errorf(domain.EINVALID, "Cette voie d'accès n'existe pas : choisissez-en une dans la liste.")
	}
	orgName := map[string]string{"": noOrganisation}
	for _, o := range orgs {
		orgName[o.ID] = o.Name
	}
	if _, ok := orgName[in.OrganisationID]; !ok {
		return out, domain.Errorf(domain.EINVALID, "Cet organisme de formation n'existe pas : choisissez-en un dans la liste.")
	}
	f.Route, f.TrainingOrganisationID = in.Route, in.OrganisationID
	if in.Route != "" {
		out.Routes = []domain.Route{in.Route}
	}
	if in.Year != 0 {
		f.JudgedFrom = time.Date(in.Year, 1, 1, 0, 0, 0, 0, domain.Paris())
		f.JudgedUntil = time.Date(in.Year+1, 1, 1, 0, 0, 0, 0, domain.Paris())
	}

	// Results by year × qualification × route, and the same folded by qualification and by route.
	counts, err := q.OutcomesByQualificationRoute(ctx, f)
	if err != nil {
		return out, err
	}
	type key struct {
		year      int
		qual, sub string
	}
	fold := func(rows map[key]*ResultRow, k key, mk func() ResultRow, outcome domain.EnrolmentStatus, n int) {
		r, ok := rows[k]
		if !ok {
			v := mk()
			r = &v
			rows[k] = r
		}
		r.add(outcome, n)
	}
	byQR, byQ, byR := map[key]*ResultRow{}, map[key]*ResultRow{}, map[key]*ResultRow{}
	for _, c := range counts {
		y := c.Year
		ql, rl := qualTitle[c.QualificationID], c.Route.Label()
		fold(byQR, key{y, ql, string(c.Route)}, func() ResultRow { return ResultRow{Year: y, Qualification: ql, Route: rl} }, c.Outcome, c.Count)
		fold(byQ, key{0, ql, ""}, func() ResultRow { return ResultRow{Qualification: ql} }, c.Outcome, c.Count)
		fold(byR, key{0, "", string(c.Route)}, func() ResultRow { return ResultRow{Route: rl} }, c.Outcome, c.Count)
		out.Total.add(c.Outcome, c.Count)
	}
	routeOrder := func(label string) int {
		for i, r := range domain.Routes {
			if r.Label() == label {
				return i
			}
		}
		return len(domain.Routes)
	}
	sorted := func(m map[key]*ResultRow) []ResultRow {
		rows := make([]ResultRow, 0, len(m))
		for _, r := range m {
			rows = append(rows, *r)
		}
		sort.Slice(rows, func(i, j int) bool {
			a, b := rows[i], rows[j]
			if a.Year != b.Year {
				return a.Year > b.Year
			}
			if a.Qualification != b.Qualification {
				return a.Qualification < b.Qualification
			}
			if a.Route != b.Route {
				return routeOrder(a.Route) < routeOrder(b.Route)
			}
			if (a.Organisation == noOrganisation) != (b.Organisation == noOrganisation) {
				return b.Organisation == noOrganisation // the enrolments without an OF come last
			}
			return a.Organisation < b.Organisation
		})
		return rows
	}
	out.ByQualificationRoute, out.ByQualification, out.ByRoute = sorted(byQR), sorted(byQ), sorted(byR)

	orgCounts, err := q.OutcomesByOrganisation(ctx, f)
	if err != nil {
		return out, err
	}
	byO := map[key]*ResultRow{}
	for _, c := range orgCounts {
		y := c.Year
		name, ok := orgName[c.TrainingOrganisationID]
		if !ok {
			name = "Organisme " + c.TrainingOrganisationID
		}
		fold(byO, key{y, "", c.TrainingOrganisationID}, func() ResultRow { return ResultRow{Year: y, Organisation: name} }, c.Outcome, c.Count)
	}
	out.ByOrganisation = sorted(byO)

	// Candidates at each step now, per route.
	steps, err := q.StepCounts(ctx, store.StatisticsFilter{QualificationID: f.QualificationID, Route: f.Route,
		TrainingOrganisationID: f.TrainingOrganisationID})
	if err != nil {
		return out, err
	}
	idx := map[domain.EnrolmentStatus]int{}
	for _, st := range domain.EnrolmentStatuses {
		idx[st] = len(out.Steps)
		out.Steps = append(out.Steps, StepRow{Status: st, Label: st.Label(), Counts: make([]int, len(out.Routes))})
	}
	for _, c := range steps {
		i, ok := idx[c.Status]
		if !ok {
			continue
		}
		if j := slices.Index(out.Routes, c.Route); j >= 0 {
			out.Steps[i].Counts[j] += c.Count
			out.Steps[i].Total += c.Count
		}
	}

	// The delays, from the same rows as the results.
	delays := map[domain.Route]*DelayRow{}
	for _, c := range counts {
		d, ok := delays[c.Route]
		if !ok {
			d = &DelayRow{Route: c.Route.Label(), MinDays: c.DaysMin, MaxDays: c.DaysMax}
			delays[c.Route] = d
		}
		d.Count += c.Count
		d.MeanDays += c.DaysSum // summed here, divided below
		d.MinDays, d.MaxDays = min(d.MinDays, c.DaysMin), max(d.MaxDays, c.DaysMax)
	}
	for _, r := range domain.Routes {
		if d, ok := delays[r]; ok && d.Count > 0 {
			d.MeanDays /= float64(d.Count)
			out.Delays = append(out.Delays, *d)
		}
	}
	out.Agreement, err = s.evaluatorAgreement(ctx, q, f, orgName)
	return out, err
}

// noOrganisation names the results of enrolments without a training organisation (VAE).
const noOrganisation = "Sans organisme de formation"

// ParseStatisticsYear reads the year of the filter ("" for every year).
func ParseStatisticsYear(s string) (int, error) {
	if s == "" {
		return 0, nil
	}
	y, err := strconv.Atoi(s)
	if err != nil || y < 2000 || y > 2100 {
		return 0, domain.Errorf(domain.EINVALID, "L'année « %s » n'est pas valable : choisissez-en une dans la liste.", s)
	}
	return y, nil
}
