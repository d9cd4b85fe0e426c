// Package benchinput writes large, valid `cqp deliberate` inputs for benchmarks: the guide's
// Chargé de clientèle blocks BC1–BC5 plus two optional blocks, so each candidate presents 7
// blocks, with every route and the evaluators it reads (formation: all three; vae: the
// commission; blocs: the training organisation and the company referent), now and then a grid
// from an evaluator the route ignores, grades as "A", "NA" and counts, continuous marks with
// decimals, prior blocks, and jury decisions on blocks in debate only. The same seed gives the
// same bytes.
package benchinput

import (
	"bufio"
	"fmt"
	"io"
	"math/rand/v2"
	"strconv"

	"cqp/internal/domain"
	"cqp/internal/rules"
)

// Framework is the qualification every generated input uses.
func Framework() domain.Framework {
	counts := [][]int{
		{2, 4, 4, 3, 2}, {5, 5}, {4, 3}, {1, 1, 1, 3}, {9, 1}, // the guide's BC1–BC5
		{3, 2, 2}, {4, 4}, // two optional blocks
	}
	fw := domain.Framework{
		Qualification:     domain.Qualification{Code: "CC"},
		ThresholdPercent:  70,
		ContinuousMinimum: 10 * domain.MarkScale,
	}
	n := 1
	for i, cs := range counts {
		b := domain.Block{Code: "BC" + strconv.Itoa(i+1)}
		for _, d := range cs {
			b.Competences = append(b.Competences, domain.Competence{Code: "C" + strconv.Itoa(n), Detailed: d})
			n++
		}
		fw.Blocks = append(fw.Blocks, b)
	}
	return fw
}

// Write writes an input of n candidates.
func Write(w io.Writer, n int, seed uint64) error {
	fw := Framework()
	panel, err := rules.NewPanel(fw)
	if err != nil {
		return err
	}
	rng := rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))
	bw := bufio.NewWriterSize(w, 1<<16)
	fmt.Fprintf(bw, `{"qualification":{"code":%q,"threshold_percent":%d,"continuous_min":%s,"blocks":[`,
		fw.Qualification.Code, fw.ThresholdPercent, fw.ContinuousMinimum)
	for i, b := range fw.Blocks {
		if i > 0 {
			bw.WriteByte(',')
		}
		fmt.Fprintf(bw, `{"code":%q,"competences":[`, b.Code)
		for j, c := range b.Competences {
			if j > 0 {
				bw.WriteByte(',')
			}
			fmt.Fprintf(bw, `{"code":%q,"detailed":%d}`, c.Code, c.Detailed)
		}
		bw.WriteString("]}")
	}
	bw.WriteString("]},\n\"candidates\":[\n")
	for i := range n {
		if i > 0 {
			bw.WriteString(",\n")
		}
		c, text := candidate(fw, rng)
		r, err := panel.Deliberate(c)
		if err != nil {
			return fmt.Errorf("candidate %d: %w", i, err)
		}
		jury := map[string]rules.JuryDecision{}
		for _, b := range r.Blocks {
			if b.Outcome == rules.OutcomeDebate && rng.IntN(2) == 0 {
				jury[b.Code] = [2]rules.JuryDecision{rules.JuryAcquired, rules.JuryNotAcquired}[rng.IntN(2)]
			}
		}
		fmt.Fprintf(bw, `{"id":"c-%06d","route":%q,`, i+1, c.Route)
		bw.WriteString(text)
		bw.WriteString(`,"jury_decisions":{`)
		first := true
		for _, b := range fw.Blocks {
			if d, ok := jury[b.Code]; ok {
				if !first {
					bw.WriteByte(',')
				}
				first = false
				fmt.Fprintf(bw, `%q:%q`, b.Code, d)
			}
		}
		bw.WriteString("}}")
	}
	bw.WriteString("\n]}\n")
	return bw.Flush()
}

// candidate draws one candidate and returns it with its JSON fields from "prior_blocks" to
// "evaluations".
func candidate(fw domain.Framework, rng *rand.Rand) (rules.Candidate, string) {
	c := rules.Candidate{
		ContinuousMarks: map[string]domain.Mark{},
		Evaluations:     map[domain.Evaluator]map[string]rules.Grade{},
	}
	const of, ref, com = domain.EvaluatorTrainingOrganisation, domain.EvaluatorCompanyReferent, domain.EvaluatorCommission
	var evaluators []domain.Evaluator
	switch x := rng.IntN(10); {
	case x < 7:
		c.Route = domain.RouteFormation
		evaluators = []domain.Evaluator{of, ref, com}
	case x < 9:
		c.Route = domain.RouteVAE
		evaluators = []domain.Evaluator{com}
		if rng.IntN(4) == 0 {
			evaluators = []domain.Evaluator{of, com} // the OF's grid, ignored by a VAE
		}
	default:
		c.Route = domain.RouteBlocs
		evaluators = []domain.Evaluator{of, ref}
		if rng.IntN(4) == 0 {
			evaluators = append(evaluators, com) // a commission's grid, ignored on blocs
		}
	}
	var b []byte
	b = append(b, `"prior_blocks":[`...)
	if rng.IntN(10) == 0 {
		c.PriorBlocks = []string{fw.Blocks[rng.IntN(len(fw.Blocks))].Code}
		b = strconv.AppendQuote(b, c.PriorBlocks[0])
	}
	b = append(b, ']')
	if c.Route != domain.RouteVAE {
		b = append(b, `,"continuous_marks":{`...)
		for i, blk := range fw.Blocks {
			if rng.IntN(50) == 0 {
				continue // mark not entered yet
			}
			m := domain.Mark(800 + rng.IntN(1200))
			if rng.IntN(2) == 0 {
				m -= m % 50
			}
			c.ContinuousMarks[blk.Code] = m
			if i > 0 && b[len(b)-1] != '{' {
				b = append(b, ',')
			}
			b = strconv.AppendQuote(b, blk.Code)
			b = append(b, ':')
			b = strconv.AppendFloat(b, float64(m)/domain.MarkScale, 'f', -1, 64)
		}
		b = append(b, '}')
	}
	b = append(b, `,"evaluations":{`...)
	for i, e := range evaluators {
		if i > 0 {
			b = append(b, ',')
		}
		grid := map[string]rules.Grade{}
		c.Evaluations[e] = grid
		b = strconv.AppendQuote(b, string(e))
		b = append(b, ":{"...)
		first := true
		for _, blk := range fw.Blocks {
			for _, comp := range blk.Competences {
				if rng.IntN(200) == 0 {
					continue // not marked yet
				}
				if !first {
					b = append(b, ',')
				}
				first = false
				b = strconv.AppendQuote(b, comp.Code)
				b = append(b, ':')
				switch x := rng.IntN(20); {
				case x < 15:
					grid[comp.Code] = rules.GradeAcquired
					b = append(b, `"A"`...)
				case x < 17:
					grid[comp.Code] = rules.GradeNotAcquired
					b = append(b, `"NA"`...)
				default:
					g := rng.IntN(comp.Detailed + 1)
					grid[comp.Code] = rules.Grade(g)
					b = strconv.AppendInt(b, int64(g), 10)
				}
			}
		}
		b = append(b, '}')
	}
	b = append(b, '}')
	return c, string(b)
}
