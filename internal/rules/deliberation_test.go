package rules

import (
	"errors"
	"slices"
	"strings"
	"testing"

	"cqp/internal/domain"
)

// guideFramework is Chargé de clientèle as far as the guide's example grid gives it
// (DOMAIN.md §7): BC1–BC5, C1–C15 with their detailed counts.
func guideFramework() domain.Framework {
	blocks := []struct {
		code  string
		comps []int
	}{
		{"BC1", []int{2, 4, 4, 3, 2}},
		{"BC2", []int{5, 5}},
		{"BC3", []int{4, 3}},
		{"BC4", []int{1, 1, 1, 3}},
		{"BC5", []int{9, 1}},
	}
	fw := domain.Framework{
		Qualification:     domain.Qualification{Code: "CC", Title: "Chargé de clientèle"},
		ThresholdPercent:  70,
		ContinuousMinimum: 10 * domain.MarkScale,
	}
	n := 1
	for _, b := range blocks {
		blk := domain.Block{Code: b.code}
		for _, d := range b.comps {
			blk.Competences = append(blk.Competences, domain.Competence{Code: "C" + itoa(n), Detailed: d})
			n++
		}
		fw.Blocks = append(fw.Blocks, blk)
	}
	return fw
}

func itoa(n int) string { return string(AppendInt(nil, n)) }

// grid turns the guide's row of A/NA for C1–C15 into grades.
func grid(row string) map[string]Grade {
	g := map[string]Grade{}
	for i, v := range strings.Fields(row) {
		if v == "A" {
			g["C"+itoa(i+1)] = GradeAcquired
		} else {
			g["C"+itoa(i+1)] = GradeNotAcquired
		}
	}
	return g
}

func guideCandidate() Candidate {
	marks := map[string]domain.Mark{}
	for _, b := range []string{"BC1", "BC2", "BC3", "BC4", "BC5"} {
		marks[b] = 1200
	}
	return Candidate{
		Route:           domain.RouteFormation,
		ContinuousMarks: marks,
		Evaluations: map[domain.Evaluator]map[string]Grade{
			domain.EvaluatorTrainingOrganisation: grid("A A A A A NA A A A A A A A A A"),
			domain.EvaluatorCompanyReferent:      grid("A A A A A A NA NA NA NA NA NA NA A A"),
			domain.EvaluatorCommission:           grid("A A A A A A A A A A A A A NA NA"),
		},
	}
}

func TestGuideExample(t *testing.T) {
	r, err := Deliberate(guideFramework(), guideCandidate())
	if err != nil {
		t.Fatal(err)
	}
	type ev struct{ acquired, total int }
	want := []struct {
		code    string
		outcome Outcome
		of, ref ev
		com     ev
	}{
		{"BC1", OutcomeAcquired, ev{15, 15}, ev{15, 15}, ev{15, 15}},
		{"BC2", OutcomeDebate, ev{5, 10}, ev{5, 10}, ev{10, 10}},
		{"BC3", OutcomeDebate, ev{7, 7}, ev{0, 7}, ev{7, 7}},
		{"BC4", OutcomeDebate, ev{6, 6}, ev{0, 6}, ev{6, 6}},
		{"BC5", OutcomeNotAcquired, ev{10, 10}, ev{10, 10}, ev{0, 10}},
	}
	if r.Outcome != CandidatePending {
		t.Errorf("candidate outcome = %s, want pending", r.Outcome)
	}
	for i, w := range want {
		b := r.Blocks[i]
		t.Run(w.code+" is "+string(w.outcome)+" with the guide's numbers", func(t *testing.T) {
			if b.Code != w.code || b.Outcome != w.outcome {
				t.Fatalf("got %s %s, want %s %s", b.Code, b.Outcome, w.code, w.outcome)
			}
			for j, e := range []ev{w.of, w.ref, w.com} {
				got := b.Evaluators[j]
				if !got.Present || got.Acquired != e.acquired || got.Total != e.total {
					t.Errorf("%s: got %+v, want %d/%d", domain.Evaluators[j], got, e.acquired, e.total)
				}
			}
		})
	}
	t.Run("the explanations give every evaluator's numbers", func(t *testing.T) {
		want := []string{
			"BC1 acquis : tous les évaluateurs l'ont attribué ; l'organisme de formation l'a attribué (15 compétences détaillées acquises sur 15, soit 100 % ≥ 70 %) ; le référent entreprise l'a attribué (15 compétences détaillées acquises sur 15, soit 100 % ≥ 70 %) ; la commission d'évaluation l'a attribué (15 compétences détaillées acquises sur 15, soit 100 % ≥ 70 %).",
			"BC2 en débat : la commission d'évaluation l'a jugé acquis (10 compétences détaillées acquises sur 10, soit 100 % ≥ 70 %) ; l'organisme de formation ne l'a pas attribué (5 compétences détaillées acquises sur 10, soit 50 % < 70 %) ; le référent entreprise ne l'a pas attribué (5 compétences détaillées acquises sur 10, soit 50 % < 70 %) ; le jury décide de son attribution.",
			"BC3 en débat : la commission d'évaluation l'a jugé acquis (7 compétences détaillées acquises sur 7, soit 100 % ≥ 70 %) ; l'organisme de formation l'a attribué (7 compétences détaillées acquises sur 7, soit 100 % ≥ 70 %) ; le référent entreprise ne l'a pas attribué (0 compétence détaillée acquise sur 7, soit 0 % < 70 %) ; le jury décide de son attribution.",
			"BC4 en débat : la commission d'évaluation l'a jugé acquis (6 compétences détaillées acquises sur 6, soit 100 % ≥ 70 %) ; l'organisme de formation l'a attribué (6 compétences détaillées acquises sur 6, soit 100 % ≥ 70 %) ; le référent entreprise ne l'a pas attribué (0 compétence détaillée acquise sur 6, soit 0 % < 70 %) ; le jury décide de son attribution.",
			"BC5 non acquis : la commission d'évaluation ne l'a pas attribué (0 compétence détaillée acquise sur 10, soit 0 % < 70 %), et sa voix est prépondérante ; l'organisme de formation l'a attribué (10 compétences détaillées acquises sur 10, soit 100 % ≥ 70 %) ; le référent entreprise l'a attribué (10 compétences détaillées acquises sur 10, soit 100 % ≥ 70 %).",
		}
		for i, w := range want {
			if got := r.Blocks[i].Explanation(); got != w {
				t.Errorf("block %d:\n got %s\nwant %s", i, got, w)
			}
		}
	})
	t.Run("the jury's decisions settle the three debates", func(t *testing.T) {
		c := guideCandidate()
		c.JuryDecisions = map[string]JuryDecision{"BC2": JuryAcquired, "BC3": JuryNotAcquired, "BC4": JuryAcquired}
		r, err := Deliberate(guideFramework(), c)
		if err != nil {
			t.Fatal(err)
		}
		got := []Outcome{}
		for _, b := range r.Blocks {
			got = append(got, b.Outcome)
		}
		want := []Outcome{OutcomeAcquired, OutcomeAcquired, OutcomeNotAcquired, OutcomeAcquired, OutcomeNotAcquired}
		if !equal(got, want) || r.Outcome != CandidatePartial {
			t.Fatalf("got %v %s, want %v partial", got, r.Outcome, want)
		}
		if w := "BC3 non acquis par décision du jury, après débat : la commission d'évaluation l'a jugé acquis"; !strings.HasPrefix(r.Blocks[2].Explanation(), w) {
			t.Errorf("got %s", r.Blocks[2].Explanation())
		}
		if w := "Validation partielle : 3 blocs acquis sur 5 (BC1, BC2, BC4), chacun donne droit à une attestation de bloc ; les autres blocs restent à acquérir."; r.Explanation() != w {
			t.Errorf("got %s", r.Explanation())
		}
	})
}

func equal[T comparable](a, b []T) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

func TestAwardsAtTheExactThreshold(t *testing.T) {
	tests := []struct {
		name                       string
		acquired, total, threshold int
		want                       bool
	}{
		{"7 of 10 is awarded at 70 %", 7, 10, 70, true},
		{"6 of 10 is not awarded at 70 %", 6, 10, 70, false},
		{"21 of 30 is awarded at 70 %", 21, 30, 70, true},
		{"20 of 30 is not awarded at 70 %", 20, 30, 70, false},
		{"5 of 7 (71,4 %) is awarded at 70 %", 5, 7, 70, true},
		{"0 of 1 is not awarded", 0, 1, 70, false},
		{"9 of 10 is not awarded at 100 %", 9, 10, 100, false},
		{"10 of 10 is awarded at 100 %", 10, 10, 100, true},
		{"1 of 2 is awarded at 50 %", 1, 2, 50, true},
		{"7 of 10 is not awarded at 71 %", 7, 10, 71, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Awards(tt.acquired, tt.total, tt.threshold); got != tt.want {
				t.Fatalf("Awards(%d, %d, %d) = %v", tt.acquired, tt.total, tt.threshold, got)
			}
		})
	}
}

// oneBlock is a framework with one block of 10 detailed competences (C1: 4, C2: 6) and, for
// candidates that present both, a second block BX (X1: 1).
func oneBlock(threshold int, minimum domain.Mark) domain.Framework {
	return domain.Framework{
		ThresholdPercent:  threshold,
		ContinuousMinimum: minimum,
		Blocks: []domain.Block{
			{Code: "B1", Competences: []domain.Competence{{Code: "C1", Detailed: 4}, {Code: "C2", Detailed: 6}}},
			{Code: "BX", Competences: []domain.Competence{{Code: "X1", Detailed: 1}}},
		},
	}
}

type grades = map[string]Grade

func TestBlockOutcome(t *testing.T) {
	all := grades{"C1": GradeAcquired, "C2": GradeAcquired}
	seven := grades{"C1": 4, "C2": 3}
	six := grades{"C1": 4, "C2": 2}
	none := grades{"C1": GradeNotAcquired, "C2": GradeNotAcquired}
	half := grades{"C1": GradeAcquired}
	const of, ref, com = domain.EvaluatorTrainingOrganisation, domain.EvaluatorCompanyReferent, domain.EvaluatorCommission
	tests := []struct {
		name      string
		fw        domain.Framework
		route     domain.Route
		mark      *domain.Mark
		prior     bool
		evals     map[domain.Evaluator]grades
		jury      JuryDecision
		want      Outcome
		verdicts  map[domain.Evaluator]Verdict // the evaluators read, with their verdicts
		explained string                       // a part of the explanation
		hidden    string                       // what the explanation must not say
	}{
		{
			name: "formation: all three evaluators award the block, so it is acquired", route: domain.RouteFormation, mark: mark(1000),
			evals: map[domain.Evaluator]grades{of: all, ref: seven, com: all}, want: OutcomeAcquired,
			verdicts:  map[domain.Evaluator]Verdict{of: VerdictAcquired, ref: VerdictAcquired, com: VerdictAcquired},
			explained: "le référent entreprise l'a attribué (7 compétences détaillées acquises sur 10, soit 70 % ≥ 70 %)",
		},
		{
			name: "formation: the OF at 6 of 10 puts the block in debate", route: domain.RouteFormation, mark: mark(1000),
			evals: map[domain.Evaluator]grades{of: six, ref: all, com: all}, want: OutcomeDebate,
			verdicts:  map[domain.Evaluator]Verdict{of: VerdictNotAcquired, ref: VerdictAcquired, com: VerdictAcquired},
			explained: "l'organisme de formation ne l'a pas attribué (6 compétences détaillées acquises sur 10, soit 60 % < 70 %)",
		},
		{
			name: "formation: the commission's not acquired prevails over two awards", route: domain.RouteFormation, mark: mark(2000),
			evals: map[domain.Evaluator]grades{of: all, ref: all, com: six}, want: OutcomeNotAcquired,
			verdicts:  map[domain.Evaluator]Verdict{of: VerdictAcquired, ref: VerdictAcquired, com: VerdictNotAcquired},
			explained: "la commission d'évaluation ne l'a pas attribué (6 compétences détaillées acquises sur 10, soit 60 % < 70 %), et sa voix est prépondérante",
		},
		{
			name: "formation: the commission's not acquired prevails even when the others also refuse", route: domain.RouteFormation, mark: mark(1500),
			evals: map[domain.Evaluator]grades{of: none, ref: none, com: none}, want: OutcomeNotAcquired,
			verdicts: map[domain.Evaluator]Verdict{of: VerdictNotAcquired, ref: VerdictNotAcquired, com: VerdictNotAcquired},
		},
		{
			name: "formation: without a continuous mark the block is incomplete and evaluations are not read", route: domain.RouteFormation,
			evals: map[domain.Evaluator]grades{of: all, ref: all, com: all}, want: OutcomeIncomplete,
			explained: "B1 incomplet : aucune note d'évaluation continue ; il en faut une d'au moins 10/20",
		},
		{
			name: "formation: 9,99/20 is below the 10/20 minimum, so the block is not admitted", route: domain.RouteFormation, mark: mark(999),
			evals: map[domain.Evaluator]grades{of: all, ref: all, com: all}, want: OutcomeNotAdmitted,
			explained: "B1 non admis : note d'évaluation continue de 9,99/20 < 10/20",
		},
		{
			name: "formation: exactly 10/20 gives access to the final evaluation", route: domain.RouteFormation, mark: mark(1000),
			evals: map[domain.Evaluator]grades{of: all, ref: all, com: all}, want: OutcomeAcquired,
			verdicts: map[domain.Evaluator]Verdict{of: VerdictAcquired, ref: VerdictAcquired, com: VerdictAcquired},
		},
		{
			name: "formation: the minimum comes from the framework (12/20 refuses 11,5)", fw: oneBlock(70, 1200), route: domain.RouteFormation, mark: mark(1150),
			evals: map[domain.Evaluator]grades{of: all, ref: all, com: all}, want: OutcomeNotAdmitted,
			explained: "11,5/20 < 12/20",
		},
		{
			name: "formation: the threshold comes from the framework (7 of 10 fails at 80 %)", fw: oneBlock(80, 1000), route: domain.RouteFormation, mark: mark(1000),
			evals: map[domain.Evaluator]grades{of: all, ref: all, com: seven}, want: OutcomeNotAcquired,
			verdicts:  map[domain.Evaluator]Verdict{of: VerdictAcquired, ref: VerdictAcquired, com: VerdictNotAcquired},
			explained: "soit 70 % < 80 %",
		},
		{
			name: "formation: a missing referent leaves the block incomplete", route: domain.RouteFormation, mark: mark(1000),
			evals: map[domain.Evaluator]grades{of: all, com: all}, want: OutcomeIncomplete,
			verdicts:  map[domain.Evaluator]Verdict{of: VerdictAcquired, com: VerdictAcquired},
			explained: "le référent entreprise n'a pas rendu son évaluation, requise pour cette voie d'accès",
		},
		{
			name: "formation: a referent who marked one competence of two leaves the block incomplete", route: domain.RouteFormation, mark: mark(1000),
			evals: map[domain.Evaluator]grades{of: all, ref: half, com: all}, want: OutcomeIncomplete,
			verdicts:  map[domain.Evaluator]Verdict{of: VerdictAcquired, ref: VerdictIncomplete, com: VerdictAcquired},
			explained: "le référent entreprise n'a évalué que 1 compétence sur 2",
		},
		{
			name: "formation: a commission present with no mark on the block leaves it incomplete", route: domain.RouteFormation, mark: mark(1000),
			evals: map[domain.Evaluator]grades{of: all, ref: all, com: {"X1": GradeAcquired}}, want: OutcomeIncomplete,
			verdicts:  map[domain.Evaluator]Verdict{of: VerdictAcquired, ref: VerdictAcquired, com: VerdictIncomplete},
			explained: "la commission d'évaluation n'a évalué aucune des 2 compétences du bloc",
		},
		{
			name: "formation: a jury decision A turns the debate into acquired", route: domain.RouteFormation, mark: mark(1000),
			evals: map[domain.Evaluator]grades{of: six, ref: all, com: all}, jury: JuryAcquired, want: OutcomeAcquired,
			verdicts:  map[domain.Evaluator]Verdict{of: VerdictNotAcquired, ref: VerdictAcquired, com: VerdictAcquired},
			explained: "B1 acquis par décision du jury, après débat : la commission d'évaluation l'a jugé acquis",
		},
		{
			name: "formation: a jury decision NA turns the debate into not acquired", route: domain.RouteFormation, mark: mark(1000),
			evals: map[domain.Evaluator]grades{of: six, ref: all, com: all}, jury: JuryNotAcquired, want: OutcomeNotAcquired,
			verdicts:  map[domain.Evaluator]Verdict{of: VerdictNotAcquired, ref: VerdictAcquired, com: VerdictAcquired},
			explained: "B1 non acquis par décision du jury, après débat",
		},
		{
			name: "formation: the referent alone refusing puts the block in debate", route: domain.RouteFormation, mark: mark(1000),
			evals: map[domain.Evaluator]grades{of: all, ref: six, com: all}, want: OutcomeDebate,
			verdicts:  map[domain.Evaluator]Verdict{of: VerdictAcquired, ref: VerdictNotAcquired, com: VerdictAcquired},
			explained: "le référent entreprise ne l'a pas attribué (6 compétences détaillées acquises sur 10, soit 60 % < 70 %)",
		},
		{
			name: "formation: the OF and the referent both refusing a block the commission awards put it in debate", route: domain.RouteFormation, mark: mark(1000),
			evals: map[domain.Evaluator]grades{of: none, ref: none, com: seven}, want: OutcomeDebate,
			verdicts:  map[domain.Evaluator]Verdict{of: VerdictNotAcquired, ref: VerdictNotAcquired, com: VerdictAcquired},
			explained: "B1 en débat : la commission d'évaluation l'a jugé acquis (7 compétences détaillées acquises sur 10, soit 70 % ≥ 70 %)",
		},
		{
			name: "formation: a missing commission leaves the block incomplete", route: domain.RouteFormation, mark: mark(1000),
			evals: map[domain.Evaluator]grades{of: all, ref: all}, want: OutcomeIncomplete,
			verdicts:  map[domain.Evaluator]Verdict{of: VerdictAcquired, ref: VerdictAcquired},
			explained: "la commission d'évaluation n'a pas rendu son évaluation, requise pour cette voie d'accès",
		},
		{
			name: "formation: a missing OF leaves the block incomplete even when the commission refuses it", route: domain.RouteFormation, mark: mark(1000),
			evals: map[domain.Evaluator]grades{ref: all, com: none}, want: OutcomeIncomplete,
			verdicts:  map[domain.Evaluator]Verdict{ref: VerdictAcquired, com: VerdictNotAcquired},
			explained: "l'organisme de formation n'a pas rendu son évaluation",
		},
		{
			name: "vae: the commission alone awards the block", route: domain.RouteVAE,
			evals: map[domain.Evaluator]grades{com: seven}, want: OutcomeAcquired,
			verdicts:  map[domain.Evaluator]Verdict{com: VerdictAcquired},
			explained: "B1 acquis : la commission d'évaluation l'a attribué (7 compétences détaillées acquises sur 10, soit 70 % ≥ 70 %) ; en VAE, son verdict décide seul.",
		},
		{
			name: "vae: the commission alone refuses the block", route: domain.RouteVAE,
			evals: map[domain.Evaluator]grades{com: six}, want: OutcomeNotAcquired,
			verdicts:  map[domain.Evaluator]Verdict{com: VerdictNotAcquired},
			explained: "B1 non acquis : la commission d'évaluation ne l'a pas attribué (6 compétences détaillées acquises sur 10, soit 60 % < 70 %) ; en VAE, son verdict décide seul.",
		},
		{
			name: "vae: no continuous mark is needed and a low one is not read", route: domain.RouteVAE, mark: mark(500),
			evals: map[domain.Evaluator]grades{com: all}, want: OutcomeAcquired,
			verdicts: map[domain.Evaluator]Verdict{com: VerdictAcquired},
		},
		{
			name: "vae: an OF grid that refuses the block is ignored, so the commission's award makes it acquired", route: domain.RouteVAE,
			evals: map[domain.Evaluator]grades{of: none, com: all}, want: OutcomeAcquired,
			verdicts: map[domain.Evaluator]Verdict{com: VerdictAcquired},
			hidden:   "organisme de formation",
		},
		{
			name: "vae: a referent grid that refuses the block is ignored too", route: domain.RouteVAE,
			evals: map[domain.Evaluator]grades{ref: none, com: all}, want: OutcomeAcquired,
			verdicts: map[domain.Evaluator]Verdict{com: VerdictAcquired},
			hidden:   "référent",
		},
		{
			name: "vae: OF and referent grids that award the block do not save it from the commission's refusal", route: domain.RouteVAE,
			evals: map[domain.Evaluator]grades{of: all, ref: all, com: none}, want: OutcomeNotAcquired,
			verdicts: map[domain.Evaluator]Verdict{com: VerdictNotAcquired},
			hidden:   "attribué ;",
		},
		{
			name: "vae: an unfinished OF grid is ignored and does not leave the block incomplete", route: domain.RouteVAE,
			evals: map[domain.Evaluator]grades{of: half, com: all}, want: OutcomeAcquired,
			verdicts: map[domain.Evaluator]Verdict{com: VerdictAcquired},
		},
		{
			name: "vae: without the commission the block is incomplete, whatever the OF says", route: domain.RouteVAE,
			evals: map[domain.Evaluator]grades{of: all}, want: OutcomeIncomplete,
			explained: "B1 incomplet : la commission d'évaluation n'a pas rendu son évaluation, requise pour cette voie d'accès ; la délibération attend des évaluations complètes.",
		},
		{
			name: "vae: a commission that has not marked every competence leaves the block incomplete", route: domain.RouteVAE,
			evals: map[domain.Evaluator]grades{com: half}, want: OutcomeIncomplete,
			verdicts:  map[domain.Evaluator]Verdict{com: VerdictIncomplete},
			explained: "la commission d'évaluation n'a évalué que 1 compétence sur 2",
		},
		{
			name: "blocs: the OF and the referent both awarding the block make it acquired", route: domain.RouteBlocs, mark: mark(1000),
			evals: map[domain.Evaluator]grades{of: all, ref: seven}, want: OutcomeAcquired,
			verdicts:  map[domain.Evaluator]Verdict{of: VerdictAcquired, ref: VerdictAcquired},
			explained: "B1 acquis : l'organisme de formation et le référent entreprise l'ont tous deux attribué ; l'organisme de formation l'a attribué (10 compétences détaillées acquises sur 10, soit 100 % ≥ 70 %) ; le référent entreprise l'a attribué (7 compétences détaillées acquises sur 10, soit 70 % ≥ 70 %).",
		},
		{
			name: "blocs: a commission grid is ignored, even one that refuses the block", route: domain.RouteBlocs, mark: mark(1000),
			evals: map[domain.Evaluator]grades{of: all, ref: all, com: none}, want: OutcomeAcquired,
			verdicts: map[domain.Evaluator]Verdict{of: VerdictAcquired, ref: VerdictAcquired},
			hidden:   "commission",
		},
		{
			name: "blocs: the OF awarding and the referent refusing put the block in debate", route: domain.RouteBlocs, mark: mark(1000),
			evals: map[domain.Evaluator]grades{of: all, ref: six}, want: OutcomeDebate,
			verdicts:  map[domain.Evaluator]Verdict{of: VerdictAcquired, ref: VerdictNotAcquired},
			explained: "B1 en débat : l'organisme de formation l'a attribué (10 compétences détaillées acquises sur 10, soit 100 % ≥ 70 %) ; le référent entreprise ne l'a pas attribué (6 compétences détaillées acquises sur 10, soit 60 % < 70 %) ; sur la voie blocs, sans commission d'évaluation, leur désaccord revient au jury, qui décide de son attribution.",
		},
		{
			name: "blocs: the referent awarding and the OF refusing put the block in debate", route: domain.RouteBlocs, mark: mark(1000),
			evals: map[domain.Evaluator]grades{of: six, ref: all}, want: OutcomeDebate,
			verdicts:  map[domain.Evaluator]Verdict{of: VerdictNotAcquired, ref: VerdictAcquired},
			explained: "leur désaccord revient au jury",
		},
		{
			name: "blocs: the OF and the referent both refusing put the block in debate, not in not acquired", route: domain.RouteBlocs, mark: mark(1000),
			evals: map[domain.Evaluator]grades{of: none, ref: six}, want: OutcomeDebate,
			verdicts:  map[domain.Evaluator]Verdict{of: VerdictNotAcquired, ref: VerdictNotAcquired},
			explained: "B1 en débat : l'organisme de formation ne l'a pas attribué (0 compétence détaillée acquise sur 10, soit 0 % < 70 %) ; le référent entreprise ne l'a pas attribué (6 compétences détaillées acquises sur 10, soit 60 % < 70 %) ; sur la voie blocs, sans commission d'évaluation, leur double refus ne le rend pas non acquis d'office : le jury décide de son attribution.",
		},
		{
			name: "blocs: a commission's award does not settle a disagreement between the OF and the referent", route: domain.RouteBlocs, mark: mark(1000),
			evals: map[domain.Evaluator]grades{of: all, ref: none, com: all}, want: OutcomeDebate,
			verdicts: map[domain.Evaluator]Verdict{of: VerdictAcquired, ref: VerdictNotAcquired},
			hidden:   "commission d'évaluation l'a",
		},
		{
			name: "blocs: a commission's refusal does not prevail over the OF and the referent", route: domain.RouteBlocs, mark: mark(1000),
			evals: map[domain.Evaluator]grades{of: none, ref: none, com: none}, want: OutcomeDebate,
			verdicts: map[domain.Evaluator]Verdict{of: VerdictNotAcquired, ref: VerdictNotAcquired},
			hidden:   "prépondérante",
		},
		{
			name: "blocs: a missing referent leaves the block incomplete", route: domain.RouteBlocs, mark: mark(1000),
			evals: map[domain.Evaluator]grades{of: all, com: all}, want: OutcomeIncomplete,
			verdicts:  map[domain.Evaluator]Verdict{of: VerdictAcquired},
			explained: "B1 incomplet : le référent entreprise n'a pas rendu son évaluation, requise pour cette voie d'accès ; la délibération attend des évaluations complètes.",
		},
		{
			name: "blocs: a missing OF leaves the block incomplete", route: domain.RouteBlocs, mark: mark(1000),
			evals: map[domain.Evaluator]grades{ref: all}, want: OutcomeIncomplete,
			verdicts:  map[domain.Evaluator]Verdict{ref: VerdictAcquired},
			explained: "B1 incomplet : l'organisme de formation n'a pas rendu son évaluation, requise pour cette voie d'accès ;",
		},
		{
			name: "blocs: the commission alone, as before December 2026, leaves the block incomplete", route: domain.RouteBlocs, mark: mark(1001),
			evals: map[domain.Evaluator]grades{com: none}, want: OutcomeIncomplete,
			explained: "B1 incomplet : l'organisme de formation n'a pas rendu son évaluation, requise pour cette voie d'accès ; le référent entreprise n'a pas rendu son évaluation, requise pour cette voie d'accès ;",
		},
		{
			name: "blocs: a referent who has not marked every competence leaves the block incomplete", route: domain.RouteBlocs, mark: mark(1000),
			evals: map[domain.Evaluator]grades{of: none, ref: half}, want: OutcomeIncomplete,
			verdicts:  map[domain.Evaluator]Verdict{of: VerdictNotAcquired, ref: VerdictIncomplete},
			explained: "le référent entreprise n'a évalué que 1 compétence sur 2",
		},
		{
			name: "blocs: a jury decision A settles a disagreement as acquired", route: domain.RouteBlocs, mark: mark(1000),
			evals: map[domain.Evaluator]grades{of: all, ref: none}, jury: JuryAcquired, want: OutcomeAcquired,
			verdicts:  map[domain.Evaluator]Verdict{of: VerdictAcquired, ref: VerdictNotAcquired},
			explained: "B1 acquis par décision du jury, après débat : l'organisme de formation l'a attribué (10 compétences détaillées acquises sur 10, soit 100 % ≥ 70 %) ; le référent entreprise ne l'a pas attribué (0 compétence détaillée acquise sur 10, soit 0 % < 70 %).",
		},
		{
			name: "blocs: a jury decision NA settles a double refusal as not acquired", route: domain.RouteBlocs, mark: mark(1000),
			evals: map[domain.Evaluator]grades{of: none, ref: none}, jury: JuryNotAcquired, want: OutcomeNotAcquired,
			verdicts:  map[domain.Evaluator]Verdict{of: VerdictNotAcquired, ref: VerdictNotAcquired},
			explained: "B1 non acquis par décision du jury, après débat : l'organisme de formation ne l'a pas attribué",
		},
		{
			name: "blocs: the continuous mark is required", route: domain.RouteBlocs,
			evals: map[domain.Evaluator]grades{of: all, ref: all}, want: OutcomeIncomplete,
			explained: "B1 incomplet : aucune note d'évaluation continue",
		},
		{
			name: "blocs: a mark below the minimum means not admitted", route: domain.RouteBlocs, mark: mark(950),
			evals: map[domain.Evaluator]grades{of: all, ref: all}, want: OutcomeNotAdmitted,
			explained: "B1 non admis : note d'évaluation continue de 9,5/20 < 10/20",
		},
		{
			name: "a prior block stays acquired whatever this session's commission says", route: domain.RouteFormation, prior: true,
			evals: map[domain.Evaluator]grades{of: none, ref: none, com: none}, want: OutcomeAcquired,
			explained: "B1 acquis : bloc acquis lors d'une session antérieure (attestation de bloc) ; un bloc acquis l'est définitivement.",
		},
		{
			name: "a prior block needs no continuous mark", route: domain.RouteBlocs, prior: true, want: OutcomeAcquired,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fw := tt.fw
			if fw.Blocks == nil {
				fw = oneBlock(70, 1000)
			}
			c := Candidate{Route: tt.route, Blocks: []string{"B1", "BX"}, Evaluations: map[domain.Evaluator]map[string]Grade{}}
			if tt.mark != nil {
				c.ContinuousMarks = map[string]domain.Mark{"B1": *tt.mark}
			}
			if tt.prior {
				c.PriorBlocks = []string{"B1"}
			}
			for e, g := range tt.evals {
				c.Evaluations[e] = g
			}
			if tt.jury != JuryNone {
				c.JuryDecisions = map[string]JuryDecision{"B1": tt.jury}
			}
			r, err := Deliberate(fw, c)
			if err != nil {
				t.Fatal(err)
			}
			b := r.Blocks[0]
			if b.Outcome != tt.want {
				t.Fatalf("outcome = %s, want %s (%s)", b.Outcome, tt.want, b.Explanation())
			}
			for i, e := range b.Evaluators {
				want, ok := tt.verdicts[e.Evaluator]
				if e.Present != ok || (ok && e.Verdict != want) {
					t.Errorf("evaluator %s: present %v verdict %s, want present %v verdict %s", domain.Evaluators[i], e.Present, e.Verdict, ok, want)
				}
			}
			if !strings.Contains(b.Explanation(), tt.explained) {
				t.Errorf("explanation %q lacks %q", b.Explanation(), tt.explained)
			}
			if tt.hidden != "" && strings.Contains(b.Explanation(), tt.hidden) {
				t.Errorf("explanation %q says %q, from an evaluator who takes no part", b.Explanation(), tt.hidden)
			}
		})
	}
}

func mark(m domain.Mark) *domain.Mark { return &m }

// TestEveryRouteAndVerdictCombination judges every combination of the three evaluators'
// verdicts (acquired, not acquired, incomplete, no grid) on every route against DOMAIN.md §7
// rule 2 restated as a table: which evaluators take part, then the route's rule.
func TestEveryRouteAndVerdictCombination(t *testing.T) {
	type kind struct {
		name    string
		grid    grades // nil: no grid
		verdict Verdict
	}
	kinds := []kind{
		{"acquired", grades{"C1": GradeAcquired, "C2": 3}, VerdictAcquired},
		{"not acquired", grades{"C1": 4, "C2": 2}, VerdictNotAcquired},
		{"incomplete", grades{"C2": GradeAcquired}, VerdictIncomplete},
		{"absent", nil, ""},
	}
	takesPart := map[domain.Route][3]bool{
		domain.RouteFormation: {true, true, true},
		domain.RouteVAE:       {false, false, true},
		domain.RouteBlocs:     {true, true, false},
	}
	rule := func(route domain.Route, v [3]Verdict) Outcome {
		for i, take := range takesPart[route] {
			if take && (v[i] == "" || v[i] == VerdictIncomplete) {
				return OutcomeIncomplete
			}
		}
		of, ref, com := v[0] == VerdictAcquired, v[1] == VerdictAcquired, v[2] == VerdictAcquired
		switch route {
		case domain.RouteVAE:
			if com {
				return OutcomeAcquired
			}
			return OutcomeNotAcquired
		case domain.RouteBlocs:
			if of && ref {
				return OutcomeAcquired
			}
			return OutcomeDebate
		}
		switch {
		case !com:
			return OutcomeNotAcquired
		case of && ref:
			return OutcomeAcquired
		}
		return OutcomeDebate
	}
	fw := oneBlock(70, 1000)
	for _, route := range domain.Routes {
		for _, of := range kinds {
			for _, ref := range kinds {
				for _, com := range kinds {
					v := [3]Verdict{of.verdict, ref.verdict, com.verdict}
					want := rule(route, v)
					name := string(route) + ": OF " + of.name + ", referent " + ref.name + ", commission " + com.name + " gives " + strings.ReplaceAll(string(want), "_", " ")
					t.Run(name, func(t *testing.T) {
						c := Candidate{Route: route, Blocks: []string{"B1"}, ContinuousMarks: map[string]domain.Mark{"B1": 1200},
							Evaluations: map[domain.Evaluator]map[string]Grade{}}
						if route == domain.RouteVAE {
							c.ContinuousMarks = nil
						}
						for i, k := range []kind{of, ref, com} {
							if k.grid != nil {
								c.Evaluations[domain.Evaluators[i]] = k.grid
							}
						}
						r, err := Deliberate(fw, c)
						if err != nil {
							t.Fatal(err)
						}
						b := r.Blocks[0]
						if b.Outcome != want {
							t.Fatalf("outcome %s, want %s (%s)", b.Outcome, want, b.Explanation())
						}
						for i, e := range b.Evaluators {
							read := takesPart[route][i] && v[i] != ""
							if e.Present != read || (read && e.Verdict != v[i]) {
								t.Errorf("%s: present %v verdict %q, want present %v verdict %q", e.Evaluator, e.Present, e.Verdict, read, v[i])
							}
							if !takesPart[route][i] && strings.Contains(b.Explanation(), evaluatorSubject(e.Evaluator)) {
								t.Errorf("the explanation names %s, who takes no part: %s", e.Evaluator, b.Explanation())
							}
						}
						if b.Required != takesPart[route] {
							t.Errorf("required %v, want %v", b.Required, takesPart[route])
						}
					})
				}
			}
		}
	}
}

func TestRouteEvaluators(t *testing.T) {
	const of, ref, com = domain.EvaluatorTrainingOrganisation, domain.EvaluatorCompanyReferent, domain.EvaluatorCommission
	tests := []struct {
		route domain.Route
		want  []domain.Evaluator
	}{
		{domain.RouteFormation, []domain.Evaluator{of, ref, com}},
		{domain.RouteVAE, []domain.Evaluator{com}},
		{domain.RouteBlocs, []domain.Evaluator{of, ref}},
		{"apprentissage", nil},
	}
	for _, tt := range tests {
		t.Run("the "+string(tt.route)+" route reads "+strings.Join(func() []string {
			var s []string
			for _, e := range tt.want {
				s = append(s, string(e))
			}
			if s == nil {
				return []string{"nobody"}
			}
			return s
		}(), " and "), func(t *testing.T) {
			if got := RouteEvaluators(tt.route); !equal(got, tt.want) {
				t.Fatalf("RouteEvaluators = %v, want %v", got, tt.want)
			}
			if got := RequiredEvaluators(tt.route); !equal(got, tt.want) {
				t.Fatalf("RequiredEvaluators = %v, want %v: every evaluator who takes part is required", got, tt.want)
			}
			for _, e := range domain.Evaluators {
				if got, want := TakesPart(tt.route, e), slices.Contains(tt.want, e); got != want {
					t.Errorf("TakesPart(%s, %s) = %v, want %v", tt.route, e, got, want)
				}
			}
		})
	}
	t.Run("the list returned is the caller's to change", func(t *testing.T) {
		RouteEvaluators(domain.RouteFormation)[0] = "x"
		if RouteEvaluators(domain.RouteFormation)[0] != of {
			t.Fatal("a caller's change leaked into the next call")
		}
	})
}

func TestCandidateOutcome(t *testing.T) {
	fw := oneBlock(70, 1000)
	all := grades{"C1": GradeAcquired, "C2": GradeAcquired, "X1": GradeAcquired}
	allButX := grades{"C1": GradeAcquired, "C2": GradeAcquired, "X1": GradeNotAcquired}
	none := grades{"C1": GradeNotAcquired, "C2": GradeNotAcquired, "X1": GradeNotAcquired}
	vae := func(com grades, of grades) Candidate {
		c := Candidate{Route: domain.RouteVAE, Evaluations: map[domain.Evaluator]map[string]Grade{domain.EvaluatorCommission: com}}
		if of != nil {
			c.Evaluations[domain.EvaluatorTrainingOrganisation] = of
		}
		return c
	}
	blocs := func(of, ref grades) Candidate {
		return Candidate{Route: domain.RouteBlocs, ContinuousMarks: map[string]domain.Mark{"B1": 1200, "BX": 1200},
			Evaluations: map[domain.Evaluator]map[string]Grade{domain.EvaluatorTrainingOrganisation: of, domain.EvaluatorCompanyReferent: ref}}
	}
	tests := []struct {
		name    string
		c       Candidate
		want    CandidateOutcome
		explain string
	}{
		{"every block acquired certifies the candidate", vae(all, nil), CandidateCertified, "Certifié : 2 blocs acquis sur 2, le certificat peut être délivré."},
		{"some blocks acquired give a partial validation", vae(allButX, nil), CandidatePartial, "Validation partielle : 1 bloc acquis sur 2 (B1)"},
		{"no block acquired is not certified", vae(none, nil), CandidateNotCertified, "Non certifié : aucun bloc acquis sur 2."},
		{"a block in debate keeps the candidate pending", blocs(all, allButX), CandidatePending, "En attente : 1 bloc en débat (BX) à soumettre au jury."},
		{"an OF grid on a VAE candidate neither delays nor changes the outcome", vae(all, allButX), CandidateCertified, "Certifié : 2 blocs acquis sur 2"},
		{"every block a blocs candidate presents acquired earns block attestations, not the certificate, which the final stage awards",
			blocs(all, all), CandidatePartial, "Blocs acquis : 2 blocs présentés acquis (B1, BX), chacun donne droit à une attestation de bloc ; le certificat s'obtient à l'étape finale"},
		{"an incomplete block keeps the candidate pending", vae(grades{"C1": GradeAcquired, "C2": GradeAcquired}, nil), CandidatePending, "En attente : 1 bloc incomplet (BX)."},
		{"not admitted blocks count as not acquired", Candidate{Route: domain.RouteFormation, ContinuousMarks: map[string]domain.Mark{"B1": 0, "BX": 999}}, CandidateNotCertified, "Non certifié"},
		{"a prior block with the others acquired certifies", func() Candidate { c := vae(allButX, nil); c.PriorBlocks = []string{"BX"}; return c }(), CandidateCertified, "Certifié"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r, err := Deliberate(fw, tt.c)
			if err != nil {
				t.Fatal(err)
			}
			if r.Outcome != tt.want {
				t.Fatalf("outcome = %s, want %s", r.Outcome, tt.want)
			}
			if !strings.HasPrefix(r.Explanation(), tt.explain) {
				t.Errorf("explanation %q, want prefix %q", r.Explanation(), tt.explain)
			}
		})
	}
}

func TestDeliberateRefuses(t *testing.T) {
	fw := oneBlock(70, 1000)
	good := func() Candidate {
		return Candidate{
			Route:           domain.RouteFormation,
			Blocks:          []string{"B1"},
			ContinuousMarks: map[string]domain.Mark{"B1": 1200},
			Evaluations: map[domain.Evaluator]map[string]Grade{
				domain.EvaluatorTrainingOrganisation: {"C1": GradeAcquired, "C2": 2},
				domain.EvaluatorCompanyReferent:      {"C1": GradeAcquired, "C2": GradeAcquired},
				domain.EvaluatorCommission:           {"C1": GradeAcquired, "C2": GradeAcquired},
			},
		}
	}
	tests := []struct {
		name   string
		change func(c *Candidate)
		field  string
		msg    string
	}{
		{"an unknown route", func(c *Candidate) { c.Route = "apprentissage" }, "route", "voie d'accès inconnue « apprentissage »"},
		{"an unknown block", func(c *Candidate) { c.Blocks = []string{"B9"} }, "blocks", "bloc inconnu « B9 »"},
		{"a block presented twice", func(c *Candidate) { c.Blocks = []string{"B1", "B1"} }, "blocks", "présenté deux fois"},
		{"an empty list of blocks", func(c *Candidate) { c.Blocks = []string{} }, "blocks", "liste vide"},
		{"an unknown prior block", func(c *Candidate) { c.PriorBlocks = []string{"B9"} }, "prior_blocks", "bloc inconnu « B9 »"},
		{"a prior block not presented", func(c *Candidate) { c.PriorBlocks = []string{"BX"} }, "prior_blocks", "BX n'est pas parmi les blocs présentés"},
		{"a continuous mark above 20", func(c *Candidate) { c.ContinuousMarks["B1"] = 2001 }, "continuous_marks.B1", "note 20,01 hors de 0 à 20"},
		{"a negative continuous mark", func(c *Candidate) { c.ContinuousMarks["B1"] = -1 }, "continuous_marks.B1", "hors de 0 à 20"},
		{"a continuous mark on an unknown block", func(c *Candidate) { c.ContinuousMarks["B9"] = 1200 }, "continuous_marks.B9", "bloc inconnu"},
		{"a continuous mark on a block not presented", func(c *Candidate) { c.ContinuousMarks["BX"] = 1200 }, "continuous_marks.BX", "n'est pas parmi les blocs présentés"},
		{"an unknown evaluator", func(c *Candidate) { c.Evaluations["jury"] = grades{} }, "evaluations.jury", "évaluateur inconnu « jury »"},
		{"an unknown competence", func(c *Candidate) { c.Evaluations[domain.EvaluatorCommission]["C9"] = 1 }, "evaluations.commission.C9", "compétence inconnue « C9 »"},
		{"a grade above the detailed count", func(c *Candidate) { c.Evaluations[domain.EvaluatorCommission]["C1"] = 5 }, "evaluations.commission.C1", "note 5 hors de 0 à 4"},
		{"a negative grade", func(c *Candidate) { c.Evaluations[domain.EvaluatorCommission]["C1"] = -2 }, "evaluations.commission.C1", "hors de 0 à 4"},
		{"a grade on a block not presented", func(c *Candidate) { c.Evaluations[domain.EvaluatorCommission]["X1"] = 1 }, "evaluations.commission.X1", "relève du bloc BX, que le candidat ne présente pas"},
		{"a jury decision that is neither A nor NA", func(c *Candidate) { c.JuryDecisions = map[string]JuryDecision{"B1": "oui"} }, "jury_decisions.B1", "décision « oui » invalide"},
		{"a jury decision on an unknown block", func(c *Candidate) { c.JuryDecisions = map[string]JuryDecision{"B9": JuryAcquired} }, "jury_decisions.B9", "bloc inconnu"},
		{"a jury decision on a block not presented", func(c *Candidate) { c.JuryDecisions = map[string]JuryDecision{"BX": JuryAcquired} }, "jury_decisions.BX", "n'est pas parmi les blocs présentés"},
		{"a jury decision on an acquired block", func(c *Candidate) {
			c.Evaluations[domain.EvaluatorTrainingOrganisation]["C2"] = GradeAcquired
			c.JuryDecisions = map[string]JuryDecision{"B1": JuryNotAcquired}
		}, "jury_decisions.B1", "le bloc B1 n'est pas en débat (acquis)"},
		{"a jury decision that would override the commission's not acquired", func(c *Candidate) {
			c.Evaluations[domain.EvaluatorCommission]["C2"] = 0
			c.JuryDecisions = map[string]JuryDecision{"B1": JuryAcquired}
		}, "jury_decisions.B1", "n'est pas en débat (non acquis) : le jury ne décide que des blocs en débat ; la commission d'évaluation ne l'a pas attribué et sa voix est prépondérante"},
		{"a jury decision on an incomplete block", func(c *Candidate) {
			delete(c.Evaluations, domain.EvaluatorCompanyReferent)
			c.JuryDecisions = map[string]JuryDecision{"B1": JuryAcquired}
		}, "jury_decisions.B1", "(incomplet)"},
		{"a jury decision on a prior block", func(c *Candidate) {
			c.PriorBlocks = []string{"B1"}
			c.JuryDecisions = map[string]JuryDecision{"B1": JuryAcquired}
		}, "jury_decisions.B1", "(acquis)"},
	}
	t.Run("the unchanged candidate is accepted and in debate", func(t *testing.T) {
		r, err := Deliberate(fw, good())
		if err != nil || r.Blocks[0].Outcome != OutcomeDebate {
			t.Fatalf("got %+v, %v", r, err)
		}
	})
	for _, tt := range tests {
		t.Run("refuses "+tt.name, func(t *testing.T) {
			c := good()
			tt.change(&c)
			_, err := Deliberate(fw, c)
			var ie *InputError
			if !errors.As(err, &ie) {
				t.Fatalf("err = %v, want *InputError", err)
			}
			if ie.Field != tt.field || !strings.Contains(ie.Message, tt.msg) {
				t.Fatalf("got %q / %q, want %q / …%q…", ie.Field, ie.Message, tt.field, tt.msg)
			}
		})
	}
}

func TestEvaluationsOfEvaluatorsWhoTakeNoPart(t *testing.T) {
	fw := oneBlock(70, 1000)
	const of, ref, com = domain.EvaluatorTrainingOrganisation, domain.EvaluatorCompanyReferent, domain.EvaluatorCommission
	vae := func() Candidate {
		return Candidate{Route: domain.RouteVAE, Blocks: []string{"B1"},
			Evaluations: map[domain.Evaluator]map[string]Grade{com: {"C1": GradeAcquired, "C2": GradeAcquired}}}
	}
	blocs := func() Candidate {
		return Candidate{Route: domain.RouteBlocs, Blocks: []string{"B1"}, ContinuousMarks: map[string]domain.Mark{"B1": 1200},
			Evaluations: map[domain.Evaluator]map[string]Grade{of: {"C1": GradeAcquired, "C2": GradeAcquired}, ref: {"C1": GradeAcquired, "C2": GradeAcquired}}}
	}
	accepted := []struct {
		name   string
		c      func() Candidate
		change func(c *Candidate)
		want   Outcome
	}{
		{"vae: an OF grid on a block the candidate does not present is ignored, not refused", vae,
			func(c *Candidate) { c.Evaluations[of] = grades{"X1": GradeNotAcquired} }, OutcomeAcquired},
		{"vae: an empty referent grid is ignored, not counted as unfinished", vae,
			func(c *Candidate) { c.Evaluations[ref] = grades{} }, OutcomeAcquired},
		{"blocs: a commission grid on a block the candidate does not present is ignored, not refused", blocs,
			func(c *Candidate) { c.Evaluations[com] = grades{"X1": GradeNotAcquired} }, OutcomeAcquired},
	}
	for _, tt := range accepted {
		t.Run(tt.name, func(t *testing.T) {
			c := tt.c()
			tt.change(&c)
			r, err := Deliberate(fw, c)
			if err != nil {
				t.Fatal(err)
			}
			if r.Blocks[0].Outcome != tt.want {
				t.Fatalf("outcome %s, want %s", r.Blocks[0].Outcome, tt.want)
			}
		})
	}
	refused := []struct {
		name   string
		c      func() Candidate
		change func(c *Candidate)
		field  string
		msg    string
	}{
		{"vae: an OF grade out of range is still refused: an ignored grid must still be a grid", vae,
			func(c *Candidate) { c.Evaluations[of] = grades{"C1": 5} }, "evaluations.training_organisation.C1", "note 5 hors de 0 à 4"},
		{"blocs: a commission grade on an unknown competence is still refused", blocs,
			func(c *Candidate) { c.Evaluations[com] = grades{"C9": 1} }, "evaluations.commission.C9", "compétence inconnue « C9 »"},
		{"vae: a jury decision on a block the OF refuses and the commission awards, which is acquired, not in debate", vae,
			func(c *Candidate) {
				c.Evaluations[of] = grades{"C1": GradeNotAcquired, "C2": GradeNotAcquired}
				c.JuryDecisions = map[string]JuryDecision{"B1": JuryNotAcquired}
			}, "jury_decisions.B1", "le bloc B1 n'est pas en débat (acquis)"},
		{"vae: a jury decision on a block the commission refuses", vae,
			func(c *Candidate) {
				c.Evaluations[com]["C2"] = 0
				c.JuryDecisions = map[string]JuryDecision{"B1": JuryAcquired}
			}, "jury_decisions.B1", "le bloc B1 n'est pas en débat (non acquis) : le jury ne décide que des blocs en débat ; la commission d'évaluation ne l'a pas attribué et, en VAE, son verdict décide seul"},
		{"blocs: a jury decision on a block the OF and the referent both award", blocs,
			func(c *Candidate) { c.JuryDecisions = map[string]JuryDecision{"B1": JuryNotAcquired} }, "jury_decisions.B1", "le bloc B1 n'est pas en débat (acquis) : le jury ne décide que des blocs en débat"},
	}
	for _, tt := range refused {
		t.Run("refuses "+tt.name, func(t *testing.T) {
			c := tt.c()
			tt.change(&c)
			_, err := Deliberate(fw, c)
			var ie *InputError
			if !errors.As(err, &ie) {
				t.Fatalf("err = %v, want *InputError", err)
			}
			if ie.Field != tt.field || !strings.Contains(ie.Message, tt.msg) {
				t.Fatalf("got %q / %q, want %q / …%q…", ie.Field, ie.Message, tt.field, tt.msg)
			}
		})
	}
	t.Run("the jury's refusal on a blocs block does not mention a commission", func(t *testing.T) {
		c := blocs()
		c.JuryDecisions = map[string]JuryDecision{"B1": JuryNotAcquired}
		_, err := Deliberate(fw, c)
		if err == nil || strings.Contains(err.Error(), "commission") {
			t.Fatalf("err = %v", err)
		}
	})
}

func TestValidateFramework(t *testing.T) {
	tests := []struct {
		name   string
		change func(fw *domain.Framework)
		field  string
	}{
		{"a threshold of 0 %", func(fw *domain.Framework) { fw.ThresholdPercent = 0 }, "threshold_percent"},
		{"a threshold above 100 %", func(fw *domain.Framework) { fw.ThresholdPercent = 101 }, "threshold_percent"},
		{"a negative minimum", func(fw *domain.Framework) { fw.ContinuousMinimum = -1 }, "continuous_min"},
		{"a minimum above 20", func(fw *domain.Framework) { fw.ContinuousMinimum = 2001 }, "continuous_min"},
		{"no block", func(fw *domain.Framework) { fw.Blocks = nil }, "blocks"},
		{"an empty block code", func(fw *domain.Framework) { fw.Blocks[1].Code = "" }, "blocks[1].code"},
		{"a block defined twice", func(fw *domain.Framework) { fw.Blocks[1].Code = "B1" }, "blocks[1].code"},
		{"a block without competence", func(fw *domain.Framework) { fw.Blocks[1].Competences = nil }, "blocks[1].competences"},
		{"an empty competence code", func(fw *domain.Framework) { fw.Blocks[0].Competences[1].Code = "" }, "blocks[0].competences[1].code"},
		{"a competence in two blocks", func(fw *domain.Framework) { fw.Blocks[1].Competences[0].Code = "C1" }, "blocks[1].competences[0].code"},
		{"a competence with no detailed competence", func(fw *domain.Framework) { fw.Blocks[0].Competences[0].Detailed = 0 }, "blocks[0].competences[0].detailed"},
	}
	if err := ValidateFramework(oneBlock(70, 1000)); err != nil {
		t.Fatalf("valid framework refused: %v", err)
	}
	for _, tt := range tests {
		t.Run("refuses "+tt.name, func(t *testing.T) {
			fw := oneBlock(70, 1000)
			tt.change(&fw)
			err := ValidateFramework(fw)
			var ie *InputError
			if !errors.As(err, &ie) || ie.Field != tt.field {
				t.Fatalf("err = %v, want field %s", err, tt.field)
			}
			if _, err := NewPanel(fw); err == nil {
				t.Fatal("NewPanel accepted it")
			}
		})
	}
}

func TestSheetReuse(t *testing.T) {
	t.Run("a reset sheet judges the next candidate as a fresh one would", func(t *testing.T) {
		fw := guideFramework()
		p, err := NewPanel(fw)
		if err != nil {
			t.Fatal(err)
		}
		s := p.NewSheet()
		var r CandidateResult
		first := guideCandidate()
		if err := s.fill(first); err != nil {
			t.Fatal(err)
		}
		if err := p.Judge(s, &r); err != nil {
			t.Fatal(err)
		}
		second := Candidate{Route: domain.RouteVAE, Blocks: []string{"BC5"},
			Evaluations: map[domain.Evaluator]map[string]Grade{domain.EvaluatorCommission: {"C14": 7, "C15": 0}}}
		s.Reset()
		if err := s.fill(second); err != nil {
			t.Fatal(err)
		}
		if err := p.Judge(s, &r); err != nil {
			t.Fatal(err)
		}
		fresh, err := Deliberate(fw, second)
		if err != nil {
			t.Fatal(err)
		}
		if len(r.Blocks) != 1 || r.Blocks[0] != fresh.Blocks[0] || r.Outcome != fresh.Outcome {
			t.Fatalf("reused %+v\nfresh %+v", r, fresh)
		}
		if r.Blocks[0].Outcome != OutcomeAcquired {
			t.Fatalf("7 of 10 by the commission alone should be acquired, got %s", r.Blocks[0].Outcome)
		}
	})
}

func TestFrenchNumbers(t *testing.T) {
	tests := []struct {
		name            string
		acquired, total int
		want            string
	}{
		{"a whole percentage has no decimal", 5, 10, "50 %"},
		{"20 of 30 is truncated, never rounded up", 20, 30, "66,6 %"},
		{"5 of 7 shows one decimal with a comma", 5, 7, "71,4 %"},
		{"699 of 1000 stays below 70", 699, 1000, "69,9 %"},
		{"all is 100", 3, 3, "100 %"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := string(AppendShare(nil, tt.acquired, tt.total)); got != tt.want {
				t.Fatalf("got %q, want %q", got, tt.want)
			}
		})
	}
	t.Run("thousands are grouped by a narrow no-break space", func(t *testing.T) {
		if got := string(AppendInt(nil, 1234567)); got != "1\u202f234\u202f567" {
			t.Fatalf("got %q", got)
		}
		if got := string(AppendInt(nil, 999)); got != "999" {
			t.Fatalf("got %q", got)
		}
	})
	t.Run("a mark entered with more decimals is shown as entered", func(t *testing.T) {
		if got := (ContinuousMark{Value: 999, Text: "9,995"}).String(); got != "9,995" {
			t.Fatalf("got %q", got)
		}
	})
}

func TestGridVerdicts(t *testing.T) {
	fw := oneBlock(70, 1000)
	tests := []struct {
		name      string
		evaluator domain.Evaluator
		blocks    []string
		grades    grades
		want      map[string]Verdict
	}{
		{"the OF's own verdict is given whatever the route, without continuous marks", domain.EvaluatorTrainingOrganisation, nil,
			grades{"C1": 4, "C2": 3, "X1": GradeNotAcquired}, map[string]Verdict{"B1": VerdictAcquired, "BX": VerdictNotAcquired}},
		{"the referent's verdict is read although the referent takes no part in a VAE", domain.EvaluatorCompanyReferent, []string{"B1"},
			grades{"C1": 4, "C2": 2}, map[string]Verdict{"B1": VerdictNotAcquired}},
		{"a block not fully marked has no verdict yet", domain.EvaluatorCommission, []string{"BX", "B1"},
			grades{"C1": GradeAcquired, "X1": GradeAcquired}, map[string]Verdict{"B1": VerdictIncomplete, "BX": VerdictAcquired}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := GridVerdicts(fw, tt.evaluator, tt.blocks, tt.grades)
			if err != nil {
				t.Fatal(err)
			}
			if len(got) != len(tt.want) {
				t.Fatalf("got %+v, want %v", got, tt.want)
			}
			for code, v := range tt.want {
				r, ok := got[code]
				if !ok || !r.Present || r.Verdict != v || r.Evaluator != tt.evaluator {
					t.Errorf("%s: got %+v, want %s", code, r, v)
				}
			}
		})
	}
	t.Run("the numbers behind the verdict are given", func(t *testing.T) {
		got, err := GridVerdicts(fw, domain.EvaluatorTrainingOrganisation, []string{"B1"}, grades{"C1": 4, "C2": 3})
		if err != nil {
			t.Fatal(err)
		}
		if r := got["B1"]; r.Acquired != 7 || r.Total != 10 || r.Marked != 2 || r.Competences != 2 {
			t.Fatalf("got %+v", r)
		}
	})
	t.Run("refuses a grade out of range as Deliberate does", func(t *testing.T) {
		_, err := GridVerdicts(fw, domain.EvaluatorTrainingOrganisation, nil, grades{"C1": 5})
		var ie *InputError
		if !errors.As(err, &ie) || ie.Field != "evaluations.training_organisation.C1" {
			t.Fatalf("err = %v", err)
		}
	})
}
