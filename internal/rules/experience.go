package rules

import (
	"slices"

	"cqp/internal/domain"
)

// Experience months from declared periods (VAE admissibility file, DOMAIN.md §5).
//
// A period runs from its first day to its last day included; a period without an end runs to
// today. Periods that overlap or follow each other without a gap are merged, so two jobs held
// at once count once. Each merged stretch counts its whole calendar months: from 01/01/2025 to
// 31/12/2025 is 12 months, from 15/01/2025 to 14/03/2025 is 2 months, from 15/01/2025 to
// 13/03/2025 is 1 month. The browser's live check (static/vae.js) counts the same way.

// ExperienceMonths returns the whole months covered by the periods, related to the
// qualification only when relatedOnly. Periods with no start, or ending before they start, are
// left out: the form reports them.
func ExperienceMonths(periods []domain.ExperiencePeriod, today domain.Date, relatedOnly bool) int {
	type span struct{ from, until domain.Date }
	var spans []span
	for _, p := range periods {
		if relatedOnly && !p.Related {
			continue
		}
		until := p.Until
		if until.IsZero() || today.Before(until) {
			until = today
		}
		if p.From.IsZero() || until.Before(p.From) {
			continue
		}
		spans = append(spans, span{p.From, until})
	}
	slices.SortFunc(spans, func(a, b span) int { return a.from.Time().Compare(b.from.Time()) })
	total := 0
	for i := 0; i < len(spans); {
		cur := spans[i]
		j := i + 1
		for ; j < len(spans) && !cur.until.AddDays(1).Before(spans[j].from); j++ {
			if cur.until.Before(spans[j].until) {
				cur.until = spans[j].until
			}
		}
		total += wholeMonths(cur.from, cur.until.AddDays(1))
		i = j
	}
	return total
}

// wholeMonths counts the whole calendar months from a to b (b excluded).
func wholeMonths(a, b domain.Date) int {
	m := (b.Year()-a.Year())*12 + int(b.Month()) - int(a.Month())
	if b.Day() < a.Day() {
		m--
	}
	return max(m, 0)
}

// RelatedExperience is the VAE rule on declared periods: the months related to the
// qualification against the framework's minimum and recommendation.
type RelatedExperience struct {
	Months      int
	TotalMonths int
	Eligibility Eligibility
}

// CheckRelatedExperience counts the periods' months and applies the VAE eligibility rule.
func CheckRelatedExperience(fw domain.Framework, periods []domain.ExperiencePeriod, today domain.Date) RelatedExperience {
	r := RelatedExperience{Months: ExperienceMonths(periods, today, true), TotalMonths: ExperienceMonths(periods, today, false)}
	// Related months never exceed the total: both count the same calendar.
	r.Eligibility, _ = CheckEligibility(fw, Applicant{Route: domain.RouteVAE, ExperienceMonths: r.TotalMonths, RelatedExperienceMonths: r.Months})
	return r
}
