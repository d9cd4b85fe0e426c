package rules

import (
	"strings"
	"testing"
	"time"

	"cqp/internal/domain"
)

func d(y int, m time.Month, day int) domain.Date { return domain.NewDate(y, m, day) }

func TestExperienceMonths(t *testing.T) {
	today := d(2026, 11, 25)
	cases := []struct {
		name    string
		periods []domain.ExperiencePeriod
		related bool
		want    int
	}{
		{"a full year", []domain.ExperiencePeriod{{From: d(2025, 1, 1), Until: d(2025, 12, 31), Related: true}}, true, 12},
		{"mid-month to the day before", []domain.ExperiencePeriod{{From: d(2025, 1, 15), Until: d(2025, 3, 14), Related: true}}, true, 2},
		{"one day short of two months", []domain.ExperiencePeriod{{From: d(2025, 1, 15), Until: d(2025, 3, 13), Related: true}}, true, 1},
		{"overlapping jobs count once", []domain.ExperiencePeriod{
			{From: d(2024, 1, 1), Until: d(2024, 12, 31), Related: true},
			{From: d(2024, 7, 1), Until: d(2025, 6, 30), Related: true}}, true, 18},
		{"back-to-back jobs join", []domain.ExperiencePeriod{
			{From: d(2024, 1, 15), Until: d(2024, 6, 30), Related: true},
			{From: d(2024, 7, 1), Until: d(2025, 1, 14), Related: true}}, true, 12},
		{"an open period runs to today", []domain.ExperiencePeriod{{From: d(2025, 11, 25), Related: true}}, true, 12},
		{"unrelated periods are left out of related months", []domain.ExperiencePeriod{
			{From: d(2020, 1, 1), Until: d(2022, 12, 31), Related: false},
			{From: d(2025, 6, 1), Until: d(2025, 11, 30), Related: true}}, true, 6},
		{"but count in the total", []domain.ExperiencePeriod{
			{From: d(2020, 1, 1), Until: d(2022, 12, 31), Related: false},
			{From: d(2025, 6, 1), Until: d(2025, 11, 30), Related: true}}, false, 42},
		{"end before start is left out", []domain.ExperiencePeriod{{From: d(2025, 6, 1), Until: d(2025, 1, 1), Related: true}}, true, 0},
		{"a future end stops at today", []domain.ExperiencePeriod{{From: d(2025, 11, 25), Until: d(2027, 1, 1), Related: true}}, true, 12},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if got := ExperienceMonths(c.periods, today, c.related); got != c.want {
				t.Fatalf("got %d months, want %d", got, c.want)
			}
		})
	}
}

func TestCheckRelatedExperience(t *testing.T) {
	fw := domain.Framework{Prerequisites: domain.Prerequisites{VAEMinRelatedMonths: 12, VAERecommendedRelatedMonths: 24}}
	today := d(2026, 11, 25)
	under := CheckRelatedExperience(fw, []domain.ExperiencePeriod{{From: d(2026, 1, 1), Until: d(2026, 10, 31), Related: true}}, today)
	if under.Months != 10 || under.Eligibility.Eligible || !strings.Contains(under.Eligibility.Reason, "12 mois") {
		t.Fatalf("10 months: %+v", under)
	}
	warn := CheckRelatedExperience(fw, []domain.ExperiencePeriod{{From: d(2025, 1, 1), Until: d(2026, 6, 30), Related: true}}, today)
	if warn.Months != 18 || !warn.Eligibility.Eligible || len(warn.Eligibility.Warnings) != 1 {
		t.Fatalf("18 months: %+v", warn)
	}
	ok := CheckRelatedExperience(fw, []domain.ExperiencePeriod{{From: d(2023, 1, 1), Until: d(2024, 12, 31), Related: true}}, today)
	if ok.Months != 24 || !ok.Eligibility.Eligible || len(ok.Eligibility.Warnings) != 0 {
		t.Fatalf("24 months: %+v", ok)
	}
}
