package deliberatejson

import (
	"bytes"
	"encoding/json"
	"errors"
	"strings"
	"testing"

	"cqp/internal/deliberatejson/benchinput"
)

// fuzzInput is what the invariants need from an accepted input, decoded by encoding/json.
type fuzzInput struct {
	Qualification struct {
		ThresholdPercent *int `json:"threshold_percent"`
		Blocks           []struct {
			Code string `json:"code"`
		} `json:"blocks"`
	} `json:"qualification"`
	Candidates []struct {
		ID            string            `json:"id"`
		Route         string            `json:"route"`
		Blocks        []string          `json:"blocks"`
		PriorBlocks   []string          `json:"prior_blocks"`
		JuryDecisions map[string]string `json:"jury_decisions"`
	} `json:"candidates"`
}

func FuzzDeliberate(f *testing.F) {
	f.Add([]byte(issueExample))
	f.Add([]byte(`{"qualification":` + guideQualification + `,"candidates":[` + guideCandidate("") + `]}`))
	f.Add([]byte(`{"qualification":` + guideQualification + `,"candidates":[` + guideCandidate(`,"jury_decisions":{"BC2":"A","BC3":"NA"},"prior_blocks":["BC5"]`) + `]}`))
	f.Add([]byte(`{"candidates":[{"id":"a","route":"vae","evaluations":{"commission":{"C1":3}}}],"qualification":{"threshold_percent":50,"continuous_min":9.5,"blocks":[{"code":"B","competences":[{"code":"C1","detailed":6}]}]}}`))
	f.Add([]byte(`{"qualification":{"blocks":[{"code":"B","competences":[{"code":"C1","detailed":1}]}]},"candidates":[{"id":"\u00e9\"","route":"blocs","continuous_marks":{"B":9.995},"evaluations":{"commission":{"C1":"A"}}}]}`))
	f.Add([]byte(`{"qualification":{"blocks":[{"code":"B","competences":[{"code":"C1","detailed":2}]}]},"candidates":[{"id":"v","route":"vae","evaluations":{"training_organisation":{"C1":0},"commission":{"C1":"A"}}},{"id":"b","route":"blocs","continuous_marks":{"B":10},"evaluations":{"commission":{"C1":"NA"},"training_organisation":{"C1":"A"},"company_referent":{"C1":1}},"jury_decisions":{"B":"A"}}]}`))
	var gen bytes.Buffer
	if err := benchinput.Write(&gen, 5, 7); err != nil {
		f.Fatal(err)
	}
	f.Add(gen.Bytes())

	f.Fuzz(func(t *testing.T, data []byte) {
		var out bytes.Buffer
		err := Deliberate(data, &out)
		for _, size := range []int{1, 7} {
			var small bytes.Buffer
			serr := deliberate(bytes.NewReader(data), &small, size)
			if !bytes.Equal(small.Bytes(), out.Bytes()) || errorText(serr) != errorText(err) {
				t.Fatalf("through a window of %d bytes: %q, %v; through the default window: %q, %v", size, small.Bytes(), serr, out.Bytes(), err)
			}
		}
		if err != nil {
			var e *Error
			if !errors.As(err, &e) {
				t.Fatalf("error is not an *Error: %v", err)
			}
			if out.Len() != 0 {
				t.Fatalf("refused input wrote %d bytes", out.Len())
			}
			if strings.ContainsAny(e.Error(), "\n\r") {
				t.Fatalf("error spans several lines: %q", e.Error())
			}
			return
		}
		if !json.Valid(data) {
			t.Fatalf("accepted invalid JSON %q", data)
		}
		if !json.Valid(out.Bytes()) {
			t.Fatalf("wrote invalid JSON %q", out.Bytes())
		}
		var in fuzzInput
		if err := json.Unmarshal(data, &in); err != nil {
			t.Fatalf("accepted input that encoding/json refuses: %v", err)
		}
		threshold := 70
		if in.Qualification.ThresholdPercent != nil {
			threshold = *in.Qualification.ThresholdPercent
		}
		o := decode(t, out.String())
		if len(o.Candidates) != len(in.Candidates) {
			t.Fatalf("%d candidates out for %d in", len(o.Candidates), len(in.Candidates))
		}
		for i, c := range o.Candidates {
			ic := in.Candidates[i]
			if c.ID != ic.ID {
				t.Fatalf("candidate %d: id %q, want %q (input order)", i, c.ID, ic.ID)
			}
			want := ic.Blocks
			if want == nil {
				for _, b := range in.Qualification.Blocks {
					want = append(want, b.Code)
				}
			}
			if len(c.Blocks) != len(want) {
				t.Fatalf("candidate %q: %d blocks, want %d", c.ID, len(c.Blocks), len(want))
			}
			acquired, open := 0, false
			for j, b := range c.Blocks {
				if b.Code != want[j] {
					t.Fatalf("candidate %q block %d: %q, want %q (input order)", c.ID, j, b.Code, want[j])
				}
				prior := contains(ic.PriorBlocks, b.Code)
				jury, decided := ic.JuryDecisions[b.Code]
				if !strings.HasPrefix(b.Explanation, b.Code+" ") {
					t.Errorf("candidate %q %s: explanation %q does not name the block", c.ID, b.Code, b.Explanation)
				}
				var com, others []string
				if b.Evaluators != nil {
					for name, e := range *b.Evaluators {
						if !takesPart(ic.Route, name) {
							t.Errorf("candidate %q %s: the %s route does not read %s, yet the output shows it", c.ID, b.Code, ic.Route, name)
						}
						if e.Verdict != "incomplete" && (e.Verdict == "acquired") != (e.Acquired*100 >= threshold*e.Total) {
							t.Errorf("candidate %q %s %s: verdict %s for %d/%d at %d %%", c.ID, b.Code, name, e.Verdict, e.Acquired, e.Total, threshold)
						}
						if e.Acquired < 0 || e.Acquired > e.Total {
							t.Errorf("candidate %q %s %s: %d/%d", c.ID, b.Code, name, e.Acquired, e.Total)
						}
						if name == "commission" {
							com = append(com, e.Verdict)
						} else {
							others = append(others, e.Verdict)
						}
					}
				}
				if prior && (b.Outcome != "acquired" || b.Evaluators != nil) {
					t.Errorf("candidate %q %s: a prior block must be acquired without evaluators, got %s", c.ID, b.Code, b.Outcome)
				}
				if (b.Outcome == "not_admitted") && b.Evaluators != nil {
					t.Errorf("candidate %q %s: a not admitted block has evaluators", c.ID, b.Code)
				}
				// The verdicts of the evaluators the route reads, as DOMAIN.md §7 rule 2 states them.
				complete := !contains(com, "incomplete") && !contains(others, "incomplete")
				var debate, automatic bool
				switch ic.Route {
				case "formation":
					complete = complete && len(com) == 1 && len(others) == 2
					debate = complete && contains(com, "acquired") && contains(others, "not_acquired")
					automatic = complete && contains(com, "acquired") && !contains(others, "not_acquired")
				case "vae":
					complete = complete && len(com) == 1 && len(others) == 0
					automatic = complete && contains(com, "acquired")
				case "blocs":
					complete = complete && len(com) == 0 && len(others) == 2
					debate = complete && contains(others, "not_acquired")
					automatic = complete && !debate
				}
				if decided && !debate {
					t.Errorf("candidate %q %s: jury decision on a block that was not in debate", c.ID, b.Code)
				}
				switch b.Outcome {
				case "acquired":
					acquired++
					if !prior && !(decided && jury == "A") && !automatic {
						t.Errorf("candidate %q %s: acquired on the %s route without every evaluator it reads awarding it, nor a jury A", c.ID, b.Code, ic.Route)
					}
				case "not_acquired":
					if !(ic.Route != "blocs" && complete && contains(com, "not_acquired")) && !(decided && jury == "NA") {
						t.Errorf("candidate %q %s: not acquired on the %s route without the commission's not acquired or a jury NA", c.ID, b.Code, ic.Route)
					}
				case "debate":
					open = true
					if decided || !debate {
						t.Errorf("candidate %q %s: debate on the %s route without the verdicts that make one, or already decided", c.ID, b.Code, ic.Route)
					}
				case "incomplete":
					open = true
				case "not_admitted":
					if ic.Route == "vae" {
						t.Errorf("candidate %q %s: a VAE block is not gated by a continuous mark", c.ID, b.Code)
					}
				default:
					t.Errorf("candidate %q %s: unknown outcome %q", c.ID, b.Code, b.Outcome)
				}
			}
			var wantOutcome string
			switch {
			case open:
				wantOutcome = "pending"
			case acquired == len(c.Blocks) && ic.Route != "blocs":
				wantOutcome = "certified" // the blocs route's block stage earns attestations, never the certificate
			case acquired > 0:
				wantOutcome = "partial"
			default:
				wantOutcome = "not_certified"
			}
			if c.Outcome != wantOutcome {
				t.Errorf("candidate %q: %s, want %s", c.ID, c.Outcome, wantOutcome)
			}
		}
	})
}

// takesPart says which evaluators each route reads (DOMAIN.md §7 rule 2), restated here rather
// than taken from the rules package.
func takesPart(route, evaluator string) bool {
	switch route {
	case "formation":
		return true
	case "vae":
		return evaluator == "commission"
	case "blocs":
		return evaluator == "training_organisation" || evaluator == "company_referent"
	}
	return false
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}
