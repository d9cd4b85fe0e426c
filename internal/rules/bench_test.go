package rules

import "testing"

// BenchmarkJudge judges the guide's example candidate (5 blocks, 3 evaluators) on a reused
// sheet, as `cqp deliberate` does for each candidate.
func BenchmarkJudge(b *testing.B) {
	p, err := NewPanel(guideFramework())
	if err != nil {
		b.Fatal(err)
	}
	s := p.NewSheet()
	c := guideCandidate()
	var r CandidateResult
	b.ReportAllocs()
	for b.Loop() {
		s.Reset()
		if err := s.fill(c); err != nil {
			b.Fatal(err)
		}
		if err := p.Judge(s, &r); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkExplanation writes the explanation of a block in debate.
func BenchmarkExplanation(b *testing.B) {
	r, err := Deliberate(guideFramework(), guideCandidate())
	if err != nil {
		b.Fatal(err)
	}
	var buf []byte
	b.ReportAllocs()
	for b.Loop() {
		buf = r.Blocks[1].AppendExplanation(buf[:0])
	}
}
