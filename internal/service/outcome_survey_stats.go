package service

import (
	"context"
	"slices"

	"cqp/internal/domain"
	"cqp/internal/store"
)

// SurveyShare is how many answers of a wave gave one choice, and their share of the answers.
type SurveyShare struct {
	Label   string
	Count   int
	Percent float64 // of the wave's answers
}

// SurveyWave is the statistics of one wave of the outcome survey.
type SurveyWave struct {
	Months     int
	Sent       int // surveys opened
	Answered   int
	Situations []SurveyShare // every situation, in the form's order
	Helped     []SurveyShare // « le CQP a aidé »: oui, en partie, non
}

// ResponseRate is answers / surveys sent, in percent (0 when none was sent).
func (w SurveyWave) ResponseRate() float64 {
	if w.Sent == 0 {
		return 0
	}
	return 100 * float64(w.Answered) / float64(w.Sent)
}

// SurveyStatistics is the « Devenir des candidats » section of the statistics page: one entry
// per wave configured or found in the surveys.
type SurveyStatistics struct {
	Waves []SurveyWave
}

// Any reports whether a survey was sent under the filter.
func (st SurveyStatistics) Any() bool {
	for _, w := range st.Waves {
		if w.Sent > 0 {
			return true
		}
	}
	return false
}

// OutcomeSurveyStatistics counts the surveys and their answers under the statistics page's
// filter (the year of the judging session, qualification, route, training organisation).
func (s *Service) OutcomeSurveyStatistics(ctx context.Context, a domain.Actor, in StatisticsFilter) (SurveyStatistics, error) {
	var out SurveyStatistics
	if err := Check(a, ActStatisticsRead); err != nil {
		return out, err
	}
	q := s.store.Read()
	f := store.SurveyFilter{Year: in.Year, Route: in.Route, TrainingOrganisationID: in.OrganisationID}
	if in.QualificationCode != "" {
		quals, err := q.Qualifications(ctx)
		if err != nil {
			return out, err
		}
		for _, r := range quals {
			if r.Code == in.QualificationCode {
				f.QualificationID = r.ID
			}
		}
		if f.QualificationID == "" {
			return out, domain.Errorf(domain.EINVALID, "Cette qualification n'existe pas : choisissez-en une dans la liste.")
		}
	}
	counts, err := q.SurveyCounts(ctx, f)
	if err != nil {
		return out, err
	}
	months := slices.Clone(s.survey.Waves)
	for _, c := range counts {
		if !slices.Contains(months, c.Wave) {
			months = append(months, c.Wave)
		}
	}
	slices.Sort(months)
	for _, m := range months {
		w := SurveyWave{Months: m}
		situations, helped := map[domain.SurveySituation]int{}, map[domain.SurveyHelped]int{}
		for _, c := range counts {
			if c.Wave != m {
				continue
			}
			w.Sent += c.Count
			if c.Situation == "" {
				continue // not answered
			}
			w.Answered += c.Count
			situations[c.Situation] += c.Count
			helped[c.Helped] += c.Count
		}
		share := func(n int) float64 {
			if w.Answered == 0 {
				return 0
			}
			return 100 * float64(n) / float64(w.Answered)
		}
		for _, v := range domain.SurveySituations {
			w.Situations = append(w.Situations, SurveyShare{Label: v.Label(), Count: situations[v], Percent: share(situations[v])})
		}
		for _, v := range domain.SurveyHelpedAnswers {
			w.Helped = append(w.Helped, SurveyShare{Label: v.Label(), Count: helped[v], Percent: share(helped[v])})
		}
		out.Waves = append(out.Waves, w)
	}
	return out, nil
}
