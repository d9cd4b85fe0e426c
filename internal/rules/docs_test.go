package rules

import (
	"os"
	"slices"
	"strings"
	"testing"

	"cqp/internal/domain"
)

// TestDocumentedExamples keeps docs/deliberation.md honest: every explanation it quotes for its
// worked examples, one per route, is what the engine writes for the same input.
func TestDocumentedExamples(t *testing.T) {
	doc, err := os.ReadFile("../../docs/deliberation.md")
	if err != nil {
		t.Fatal(err)
	}
	quoted := blockquotes(string(doc))

	const of, ref, com = domain.EvaluatorTrainingOrganisation, domain.EvaluatorCompanyReferent, domain.EvaluatorCommission
	fw := domain.Framework{ThresholdPercent: 70, ContinuousMinimum: 1000, Blocks: []domain.Block{
		{Code: "BC2", Competences: []domain.Competence{{Code: "C6", Detailed: 5}, {Code: "C7", Detailed: 5}}},
		{Code: "BC3", Competences: []domain.Competence{{Code: "C8", Detailed: 4}, {Code: "C9", Detailed: 3}}},
	}}
	type evals = map[domain.Evaluator]map[string]Grade
	examples := []struct {
		name   string
		fw     domain.Framework
		c      Candidate
		blocks []string // the blocks whose explanation is quoted; nil: every block
	}{
		{"the guide's formation candidate", guideFramework(), guideCandidate(), []string{"BC2", "BC5"}},
		{"vae-1, whose OF grid is ignored", fw, Candidate{Route: domain.RouteVAE, Blocks: []string{"BC2"},
			Evaluations: evals{of: {"C6": GradeNotAcquired, "C7": GradeNotAcquired}, com: {"C6": GradeAcquired, "C7": 4}}}, nil},
		{"vae-2, whom the commission refuses", fw, Candidate{Route: domain.RouteVAE, Blocks: []string{"BC2"},
			Evaluations: evals{com: {"C6": GradeAcquired, "C7": 1}}}, nil},
		{"blocs-1, whose commission grid is ignored", fw, Candidate{Route: domain.RouteBlocs, Blocks: []string{"BC2", "BC3"},
			ContinuousMarks: map[string]domain.Mark{"BC2": 1300, "BC3": 1150},
			Evaluations: evals{
				of:  {"C6": GradeAcquired, "C7": GradeAcquired, "C8": GradeAcquired, "C9": GradeAcquired},
				ref: {"C6": GradeAcquired, "C7": 2, "C8": GradeNotAcquired, "C9": GradeAcquired},
				com: {"C6": GradeNotAcquired, "C7": GradeNotAcquired, "C8": GradeNotAcquired, "C9": GradeNotAcquired}}}, nil},
		{"blocs-2, whom both refuse", fw, Candidate{Route: domain.RouteBlocs, Blocks: []string{"BC3"},
			ContinuousMarks: map[string]domain.Mark{"BC3": 1200},
			Evaluations:     evals{of: {"C8": 1, "C9": GradeAcquired}, ref: {"C8": GradeNotAcquired, "C9": GradeAcquired}}}, nil},
		{"blocs-3, without the referent", fw, Candidate{Route: domain.RouteBlocs, Blocks: []string{"BC3"},
			ContinuousMarks: map[string]domain.Mark{"BC3": 1200},
			Evaluations:     evals{of: {"C8": GradeAcquired, "C9": GradeAcquired}}}, nil},
	}
	for _, ex := range examples {
		t.Run("the documentation quotes what the engine explains for "+ex.name, func(t *testing.T) {
			r, err := Deliberate(ex.fw, ex.c)
			if err != nil {
				t.Fatal(err)
			}
			for _, b := range r.Blocks {
				if (ex.blocks == nil || slices.Contains(ex.blocks, b.Code)) && !quoted[b.Explanation()] {
					t.Errorf("docs/deliberation.md does not quote: %s", b.Explanation())
				}
			}
		})
	}
}

// blockquotes returns the Markdown block quotes of doc, each joined into one line.
func blockquotes(doc string) map[string]bool {
	out := map[string]bool{}
	var cur []string
	flush := func() {
		if len(cur) > 0 {
			out[strings.Join(cur, " ")] = true
		}
		cur = nil
	}
	for _, line := range strings.Split(doc, "\n") {
		if rest, ok := strings.CutPrefix(line, "> "); ok {
			cur = append(cur, rest)
			continue
		}
		flush()
	}
	flush()
	return out
}
