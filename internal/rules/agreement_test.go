package rules

import (
	"math"
	"testing"
)

func TestCohenKappaHandComputed(t *testing.T) {
	cases := []struct {
		name  string
		table AgreementTable
		kappa float64
		ok    bool
	}{
		// 50 blocks: 20 both A, 15 both NA, 5 first only, 10 second only.
		// po = 35/50 = 0.70; first A 25/50, second A 30/50; pe = 0.5×0.6 + 0.5×0.4 = 0.50;
		// kappa = (0.70 − 0.50) / (1 − 0.50) = 0.40.
		{"textbook", AgreementTable{BothAcquired: 20, BothNotAcquired: 15, FirstOnly: 5, SecondOnly: 10}, 0.40, true},
		// Full agreement with both verdicts used: kappa 1.
		{"perfect", AgreementTable{BothAcquired: 7, BothNotAcquired: 3}, 1, true},
		// Opposite verdicts every time, half each: po = 0, pe = 0.5, kappa = −1.
		{"opposed", AgreementTable{FirstOnly: 5, SecondOnly: 5}, -1, true},
		// 10 blocks: 8 both A, 0 both NA, 1 first only, 1 second only.
		// po = 0.8; first A 9/10, second A 9/10; pe = 0.81 + 0.01 = 0.82;
		// kappa = (0.80 − 0.82) / 0.18 = −1/9.
		{"high agreement, low kappa", AgreementTable{BothAcquired: 8, FirstOnly: 1, SecondOnly: 1}, -1.0 / 9, true},
		// 4 blocks: 2 both A, 1 both NA, 1 first only. po = 0.75; first A 3/4, second A 2/4;
		// pe = 3/8 + 1/8 = 0.5; kappa = 0.25 / 0.5 = 0.5.
		{"small", AgreementTable{BothAcquired: 2, BothNotAcquired: 1, FirstOnly: 1}, 0.5, true},
		// Everyone says acquired: pe = 1, undefined.
		{"all acquired", AgreementTable{BothAcquired: 12}, 0, false},
		{"all not acquired", AgreementTable{BothNotAcquired: 3}, 0, false},
		{"no block", AgreementTable{}, 0, false},
	}
	for _, c := range cases {
		k, ok := CohenKappa(c.table)
		if ok != c.ok || math.Abs(k-c.kappa) > 1e-12 {
			t.Errorf("%s: CohenKappa(%+v) = %v, %v; want %v, %v", c.name, c.table, k, ok, c.kappa, c.ok)
		}
	}
}

func TestAgreementPercentAndOutlier(t *testing.T) {
	tb := AgreementTable{BothAcquired: 8, FirstOnly: 1, SecondOnly: 1}
	if p, ok := tb.AgreementPercent(); !ok || p != 80 {
		t.Errorf("AgreementPercent = %v, %v; want 80, true", p, ok)
	}
	if _, ok := (AgreementTable{}).AgreementPercent(); ok {
		t.Error("AgreementPercent of no block must be undefined")
	}
	// 10 blocks, kappa −1/9: flagged.
	if !AgreementOutlier(tb) {
		t.Error("kappa −0.11 on 10 blocks must be flagged")
	}
	// Same kappa on 9 blocks: too few to flag.
	small := AgreementTable{BothAcquired: 7, FirstOnly: 1, SecondOnly: 1}
	if AgreementOutlier(small) {
		t.Error("9 blocks must not be flagged")
	}
	// Kappa exactly 0.40 on 50 blocks: not below the threshold.
	if AgreementOutlier(AgreementTable{BothAcquired: 20, BothNotAcquired: 15, FirstOnly: 5, SecondOnly: 10}) {
		t.Error("kappa 0.40 is not below 0.40")
	}
	// Undefined kappa is never flagged.
	if AgreementOutlier(AgreementTable{BothAcquired: 30}) {
		t.Error("undefined kappa must not be flagged")
	}
	if got := tb.Add(small); got != (AgreementTable{BothAcquired: 15, FirstOnly: 2, SecondOnly: 2}) {
		t.Errorf("Add = %+v", got)
	}
}
