package deliberatejson

import (
	"bytes"
	"encoding/json"
	"errors"
	"strconv"
	"strings"
	"testing"
	"unicode/utf8"
)

// issueExample is the input of issue 3, as printed there.
const issueExample = `{ "qualification": { "code": "CC", "threshold_percent": 70, "continuous_min": 10,
    "blocks": [ { "code": "BC1", "competences": [ { "code": "C1", "detailed": 2 } ] } ] },
  "candidates": [ { "id": "c-1", "route": "formation",
    "blocks": ["BC1"],
    "prior_blocks": [],
    "continuous_marks": { "BC1": 12.5 },
    "evaluations": { "training_organisation": { "C1": "A" }, "company_referent": { "C1": "NA" }, "commission": { "C1": 2 } },
    "jury_decisions": { "BC1": "A" } } ] }`

// run deliberates input through the default window, then through windows of a few bytes, so
// that every token of every test also crosses refills; they must give the same result.
func run(t *testing.T, input string) (string, error) {
	t.Helper()
	out, err := runWindow(input, window)
	if err != nil && out != "" {
		t.Fatalf("refused input wrote %q", out)
	}
	for _, size := range smallWindows {
		small, serr := runWindow(input, size)
		if small != out || errorText(serr) != errorText(err) {
			t.Fatalf("through a window of %d bytes: %q, %v\nthrough the default window: %q, %v", size, small, serr, out, err)
		}
	}
	return out, err
}

var smallWindows = []int{1, 2, 3, 5, 16}

func runWindow(input string, size int) (string, error) {
	var out bytes.Buffer
	err := deliberate(strings.NewReader(input), &out, size)
	return out.String(), err
}

func errorText(err error) string {
	if err == nil {
		return ""
	}
	return err.Error()
}

func mustRun(t *testing.T, input string) string {
	t.Helper()
	out, err := run(t, input)
	if err != nil {
		t.Fatalf("refused: %v", err)
	}
	return out
}

func TestIssueExample(t *testing.T) {
	want := `{"candidates":[{"id":"c-1","outcome":"certified","blocks":[{"code":"BC1","outcome":"acquired","evaluators":{"training_organisation":{"verdict":"acquired","acquired_detailed":2,"total_detailed":2},"company_referent":{"verdict":"not_acquired","acquired_detailed":0,"total_detailed":2},"commission":{"verdict":"acquired","acquired_detailed":2,"total_detailed":2}},"explanation":"BC1 acquis par décision du jury, après débat : la commission d'évaluation l'a jugé acquis (2 compétences détaillées acquises sur 2, soit 100 % ≥ 70 %) ; l'organisme de formation l'a attribué (2 compétences détaillées acquises sur 2, soit 100 % ≥ 70 %) ; le référent entreprise ne l'a pas attribué (0 compétence détaillée acquise sur 2, soit 0 % < 70 %)."}]}]}` + "\n"
	if got := mustRun(t, issueExample); got != want {
		t.Fatalf("got\n%s\nwant\n%s", got, want)
	}
}

// guideQualification is the guide's Chargé de clientèle grid (DOMAIN.md §7).
const guideQualification = `{"code":"CC","blocks":[
 {"code":"BC1","competences":[{"code":"C1","detailed":2},{"code":"C2","detailed":4},{"code":"C3","detailed":4},{"code":"C4","detailed":3},{"code":"C5","detailed":2}]},
 {"code":"BC2","competences":[{"code":"C6","detailed":5},{"code":"C7","detailed":5}]},
 {"code":"BC3","competences":[{"code":"C8","detailed":4},{"code":"C9","detailed":3}]},
 {"code":"BC4","competences":[{"code":"C10","detailed":1},{"code":"C11","detailed":1},{"code":"C12","detailed":1},{"code":"C13","detailed":3}]},
 {"code":"BC5","competences":[{"code":"C14","detailed":9},{"code":"C15","detailed":1}]}]}`

func row(marks string) string {
	var parts []string
	for i, m := range strings.Fields(marks) {
		parts = append(parts, `"C`+itoa(i+1)+`":"`+m+`"`)
	}
	return "{" + strings.Join(parts, ",") + "}"
}

func itoa(n int) string {
	b, _ := json.Marshal(n)
	return string(b)
}

func guideCandidate(extra string) string {
	return `{"id":"guide","route":"formation",
	"continuous_marks":{"BC1":12,"BC2":12,"BC3":12,"BC4":12,"BC5":12},
	"evaluations":{"training_organisation":` + row("A A A A A NA A A A A A A A A A") + `,
	  "company_referent":` + row("A A A A A A NA NA NA NA NA NA NA A A") + `,
	  "commission":` + row("A A A A A A A A A A A A A NA NA") + `}` + extra + `}`
}

// output is the decoded output document.
type output struct {
	Candidates []struct {
		ID      string `json:"id"`
		Outcome string `json:"outcome"`
		Blocks  []struct {
			Code       string `json:"code"`
			Outcome    string `json:"outcome"`
			Evaluators *map[string]struct {
				Verdict  string `json:"verdict"`
				Acquired int    `json:"acquired_detailed"`
				Total    int    `json:"total_detailed"`
			} `json:"evaluators"`
			Explanation string `json:"explanation"`
		} `json:"blocks"`
	} `json:"candidates"`
}

func decode(t *testing.T, s string) output {
	t.Helper()
	var o output
	dec := json.NewDecoder(strings.NewReader(s))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&o); err != nil {
		t.Fatalf("output %q: %v", s, err)
	}
	return o
}

func TestGuideExampleThroughJSON(t *testing.T) {
	o := decode(t, mustRun(t, `{"qualification":`+guideQualification+`,"candidates":[`+guideCandidate("")+`]}`))
	want := map[string]string{"BC1": "acquired", "BC2": "debate", "BC3": "debate", "BC4": "debate", "BC5": "not_acquired"}
	c := o.Candidates[0]
	if c.Outcome != "pending" || len(c.Blocks) != 5 {
		t.Fatalf("got %+v", c)
	}
	for _, b := range c.Blocks {
		if b.Outcome != want[b.Code] {
			t.Errorf("%s: %s, want %s", b.Code, b.Outcome, want[b.Code])
		}
	}
	of := (*c.Blocks[1].Evaluators)["training_organisation"]
	if of.Verdict != "not_acquired" || of.Acquired != 5 || of.Total != 10 {
		t.Errorf("BC2 OF: %+v", of)
	}
	if !strings.Contains(c.Blocks[1].Explanation, "l'organisme de formation ne l'a pas attribué (5 compétences détaillées acquises sur 10, soit 50 % < 70 %)") {
		t.Errorf("BC2: %s", c.Blocks[1].Explanation)
	}
}

// TestRoutesReadTheirOwnEvaluators checks the whole output for one candidate per route with a
// grid from an evaluator who takes no part: it is ignored, and absent from "evaluators".
func TestRoutesReadTheirOwnEvaluators(t *testing.T) {
	const q = `{"blocks":[{"code":"B1","competences":[{"code":"C1","detailed":4},{"code":"C2","detailed":6}]}]}`
	tests := []struct {
		name, candidate, want string
	}{
		{"a VAE candidate whose OF grid refuses the block and whose commission awards it is acquired: the VAE reads the commission alone",
			`{"id":"vae","route":"vae","evaluations":{"training_organisation":{"C1":"NA","C2":"NA"},"company_referent":{"C1":0},"commission":{"C1":"A","C2":3}}}`,
			`{"id":"vae","outcome":"certified","blocks":[{"code":"B1","outcome":"acquired","evaluators":{"commission":{"verdict":"acquired","acquired_detailed":7,"total_detailed":10}},"explanation":"B1 acquis : la commission d'évaluation l'a attribué (7 compétences détaillées acquises sur 10, soit 70 % ≥ 70 %) ; en VAE, son verdict décide seul."}]}`},
		{"a VAE candidate whose commission refuses the block is not acquired, whatever the OF and the referent say",
			`{"id":"vae-na","route":"vae","evaluations":{"training_organisation":{"C1":"A","C2":"A"},"company_referent":{"C1":"A","C2":"A"},"commission":{"C1":"A","C2":2}}}`,
			`{"id":"vae-na","outcome":"not_certified","blocks":[{"code":"B1","outcome":"not_acquired","evaluators":{"commission":{"verdict":"not_acquired","acquired_detailed":6,"total_detailed":10}},"explanation":"B1 non acquis : la commission d'évaluation ne l'a pas attribué (6 compétences détaillées acquises sur 10, soit 60 % < 70 %) ; en VAE, son verdict décide seul."}]}`},
		{"a blocs candidate with a commission grid: the commission is ignored, the OF and the referent award the block",
			`{"id":"blocs","route":"blocs","continuous_marks":{"B1":12},"evaluations":{"commission":{"C1":"NA","C2":"NA"},"training_organisation":{"C1":"A","C2":"A"},"company_referent":{"C1":4,"C2":3}}}`,
			`{"id":"blocs","outcome":"partial","blocks":[{"code":"B1","outcome":"acquired","evaluators":{"training_organisation":{"verdict":"acquired","acquired_detailed":10,"total_detailed":10},"company_referent":{"verdict":"acquired","acquired_detailed":7,"total_detailed":10}},"explanation":"B1 acquis : l'organisme de formation et le référent entreprise l'ont tous deux attribué ; l'organisme de formation l'a attribué (10 compétences détaillées acquises sur 10, soit 100 % ≥ 70 %) ; le référent entreprise l'a attribué (7 compétences détaillées acquises sur 10, soit 70 % ≥ 70 %)."}]}`},
		{"a blocs candidate whose OF awards the block and whose referent does not is in debate",
			`{"id":"blocs-d","route":"blocs","continuous_marks":{"B1":12},"evaluations":{"training_organisation":{"C1":"A","C2":"A"},"company_referent":{"C1":"A","C2":"NA"}}}`,
			`{"id":"blocs-d","outcome":"pending","blocks":[{"code":"B1","outcome":"debate","evaluators":{"training_organisation":{"verdict":"acquired","acquired_detailed":10,"total_detailed":10},"company_referent":{"verdict":"not_acquired","acquired_detailed":4,"total_detailed":10}},"explanation":"B1 en débat : l'organisme de formation l'a attribué (10 compétences détaillées acquises sur 10, soit 100 % ≥ 70 %) ; le référent entreprise ne l'a pas attribué (4 compétences détaillées acquises sur 10, soit 40 % < 70 %) ; sur la voie blocs, sans commission d'évaluation, leur désaccord revient au jury, qui décide de son attribution."}]}`},
		{"a blocs candidate whose OF and referent both refuse the block is in debate, not refused",
			`{"id":"blocs-nn","route":"blocs","continuous_marks":{"B1":12},"evaluations":{"training_organisation":{"C1":"NA","C2":"NA"},"company_referent":{"C1":"NA","C2":"A"},"commission":{"C1":"NA","C2":"NA"}}}`,
			`{"id":"blocs-nn","outcome":"pending","blocks":[{"code":"B1","outcome":"debate","evaluators":{"training_organisation":{"verdict":"not_acquired","acquired_detailed":0,"total_detailed":10},"company_referent":{"verdict":"not_acquired","acquired_detailed":6,"total_detailed":10}},"explanation":"B1 en débat : l'organisme de formation ne l'a pas attribué (0 compétence détaillée acquise sur 10, soit 0 % < 70 %) ; le référent entreprise ne l'a pas attribué (6 compétences détaillées acquises sur 10, soit 60 % < 70 %) ; sur la voie blocs, sans commission d'évaluation, leur double refus ne le rend pas non acquis d'office : le jury décide de son attribution."}]}`},
		{"a blocs candidate without the referent's grid is incomplete, even with a commission grid",
			`{"id":"blocs-i","route":"blocs","continuous_marks":{"B1":12},"evaluations":{"training_organisation":{"C1":"A","C2":"A"},"commission":{"C1":"A","C2":"A"}}}`,
			`{"id":"blocs-i","outcome":"pending","blocks":[{"code":"B1","outcome":"incomplete","evaluators":{"training_organisation":{"verdict":"acquired","acquired_detailed":10,"total_detailed":10}},"explanation":"B1 incomplet : le référent entreprise n'a pas rendu son évaluation, requise pour cette voie d'accès ; la délibération attend des évaluations complètes."}]}`},
		{"the route may come after the evaluations it decides to read",
			`{"id":"late","evaluations":{"training_organisation":{"C1":"NA","C2":"NA"},"commission":{"C1":"A","C2":"A"}},"route":"vae"}`,
			`{"id":"late","outcome":"certified","blocks":[{"code":"B1","outcome":"acquired","evaluators":{"commission":{"verdict":"acquired","acquired_detailed":10,"total_detailed":10}},"explanation":"B1 acquis : la commission d'évaluation l'a attribué (10 compétences détaillées acquises sur 10, soit 100 % ≥ 70 %) ; en VAE, son verdict décide seul."}]}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := mustRun(t, `{"qualification":`+q+`,"candidates":[`+tt.candidate+`]}`)
			if want := `{"candidates":[` + tt.want + "]}\n"; got != want {
				t.Fatalf("got\n%s\nwant\n%s", got, want)
			}
		})
	}
}

func TestContract(t *testing.T) {
	const q1 = `{"blocks":[{"code":"B1","competences":[{"code":"C1","detailed":4},{"code":"C2","detailed":6}]},{"code":"B2","competences":[{"code":"C3","detailed":1}]}]}`
	vae := func(id, extra string) string {
		return `{"id":"` + id + `","route":"vae","evaluations":{"commission":{"C1":"A","C2":"A","C3":"A"}}` + extra + `}`
	}
	formation := func(mark string) string {
		return `{"id":"m","route":"formation","blocks":["B1"],"continuous_marks":{"B1":` + mark + `},"evaluations":{"training_organisation":{"C1":"A","C2":"A"},"company_referent":{"C1":"A","C2":"A"},"commission":{"C1":"A","C2":"A"}}}`
	}
	type block struct{ code, outcome string }
	tests := []struct {
		name       string
		input      string
		outcomes   []string  // per candidate
		blocks     [][]block // per candidate, nil to skip
		explained  string
		evaluators string // "none" when the first block must have no evaluators entry
	}{
		{name: "the threshold defaults to 70 % and blocks to the qualification's, in its order",
			input:    `{"qualification":` + q1 + `,"candidates":[` + vae("a", "") + `]}`,
			outcomes: []string{"certified"}, blocks: [][]block{{{"B1", "acquired"}, {"B2", "acquired"}}}},
		{name: "7 of 10 detailed competences are awarded at the default threshold",
			input:    `{"qualification":` + q1 + `,"candidates":[{"id":"a","route":"vae","blocks":["B1"],"evaluations":{"commission":{"C1":4,"C2":3}}}]}`,
			outcomes: []string{"certified"}, explained: "7 compétences détaillées acquises sur 10, soit 70 % ≥ 70 %"},
		{name: "6 of 10 detailed competences are not awarded",
			input:    `{"qualification":` + q1 + `,"candidates":[{"id":"a","route":"vae","blocks":["B1"],"evaluations":{"commission":{"C1":4,"C2":2}}}]}`,
			outcomes: []string{"not_certified"}, explained: "6 compétences détaillées acquises sur 10, soit 60 % < 70 %"},
		{name: "the threshold comes from the input",
			input:    `{"qualification":{"threshold_percent":80,"blocks":[{"code":"B1","competences":[{"code":"C1","detailed":10}]}]},"candidates":[{"id":"a","route":"vae","evaluations":{"commission":{"C1":7}}}]}`,
			outcomes: []string{"not_certified"}, explained: "soit 70 % < 80 %"},
		{name: "21 of 30 are awarded and 20 of 30 are not",
			input:    `{"qualification":{"blocks":[{"code":"B1","competences":[{"code":"C1","detailed":30}]}]},"candidates":[{"id":"a","route":"vae","evaluations":{"commission":{"C1":21}}},{"id":"b","route":"vae","evaluations":{"commission":{"C1":20}}}]}`,
			outcomes: []string{"certified", "not_certified"}},
		{name: "candidates and blocks come out in input order",
			input:    `{"qualification":` + q1 + `,"candidates":[` + vae("z", `,"blocks":["B2","B1"]`) + `,` + vae("a", "") + `]}`,
			outcomes: []string{"certified", "certified"}, blocks: [][]block{{{"B2", "acquired"}, {"B1", "acquired"}}, {{"B1", "acquired"}, {"B2", "acquired"}}}},
		{name: "the candidates may come before the qualification",
			input:    `{"candidates":[` + vae("a", "") + `],"qualification":` + q1 + `}`,
			outcomes: []string{"certified"}},
		{name: "a prior block is acquired without an evaluators entry",
			input:    `{"qualification":` + q1 + `,"candidates":[{"id":"a","route":"vae","prior_blocks":["B1"],"evaluations":{"commission":{"C1":0,"C2":0,"C3":"A"}}}]}`,
			outcomes: []string{"certified"}, evaluators: "none", explained: "bloc acquis lors d'une session antérieure"},
		{name: "a mark of 9.995 is below 10, shown as entered",
			input:    `{"qualification":` + q1 + `,"candidates":[` + formation("9.995") + `]}`,
			outcomes: []string{"not_certified"}, evaluators: "none", explained: "B1 non admis : note d'évaluation continue de 9,995/20 < 10/20"},
		{name: "a mark of 9.99999999999999999999 is below 10 (a float would round it up)",
			input:    `{"qualification":` + q1 + `,"candidates":[` + formation("9.99999999999999999999") + `]}`,
			outcomes: []string{"not_certified"}, explained: "9,99999999999999999999/20 < 10/20"},
		{name: "a mark of exactly 10 gives access to the final evaluation",
			input:    `{"qualification":` + q1 + `,"candidates":[` + formation("10") + `]}`,
			outcomes: []string{"certified"}},
		{name: "a mark written 1e1 is 10",
			input:    `{"qualification":` + q1 + `,"candidates":[` + formation("1e1") + `]}`,
			outcomes: []string{"certified"}},
		{name: "a mark written 0.0999e2 is 9,99",
			input:    `{"qualification":` + q1 + `,"candidates":[` + formation("0.0999e2") + `]}`,
			outcomes: []string{"not_certified"}, explained: "9,99/20 < 10/20"},
		{name: "20.000 is within 0..20",
			input:    `{"qualification":` + q1 + `,"candidates":[` + formation("20.000") + `]}`,
			outcomes: []string{"certified"}},
		{name: "-0 is a mark of 0",
			input:    `{"qualification":` + q1 + `,"candidates":[` + formation("-0") + `]}`,
			outcomes: []string{"not_certified"}, explained: "de 0/20 < 10/20"},
		{name: "the continuous minimum comes from the input",
			input:    `{"qualification":{"continuous_min":12.5,"blocks":[{"code":"B1","competences":[{"code":"C1","detailed":4},{"code":"C2","detailed":6}]}]},"candidates":[` + formation("12.49") + `]}`,
			outcomes: []string{"not_certified"}, explained: "12,49/20 < 12,5/20"},
		{name: "a block without continuous mark is incomplete and its evaluations are not read",
			input:    `{"qualification":` + q1 + `,"candidates":[{"id":"a","route":"blocs","blocks":["B1"],"evaluations":{"commission":{"C1":"A","C2":"A"}}}]}`,
			outcomes: []string{"pending"}, evaluators: "none", explained: "B1 incomplet : aucune note d'évaluation continue ; il en faut une d'au moins 10/20"},
		{name: "grades are checked even on a block whose evaluations are not read",
			input:    `{"qualification":` + q1 + `,"candidates":[{"id":"a","route":"blocs","blocks":["B1"],"evaluations":{"commission":{"C1":"x"}}}]}`,
			outcomes: nil},
		{name: "an ignored grid may mark a block the candidate does not present",
			input:    `{"qualification":` + q1 + `,"candidates":[{"id":"a","route":"vae","blocks":["B1"],"evaluations":{"commission":{"C1":"A","C2":"A"},"company_referent":{"C3":"NA"}}}]}`,
			outcomes: []string{"certified"}},
		{name: "an ignored grid is still checked: a grade out of range is refused",
			input:    `{"qualification":` + q1 + `,"candidates":[{"id":"a","route":"vae","evaluations":{"commission":{"C1":"A","C2":"A","C3":"A"},"training_organisation":{"C3":2}}}]}`,
			outcomes: nil},
		{name: "a vae candidate with only an OF grid is incomplete with an empty evaluators entry",
			input:    `{"qualification":` + q1 + `,"candidates":[{"id":"a","route":"vae","blocks":["B2"],"evaluations":{"training_organisation":{"C3":"A"}}}]}`,
			outcomes: []string{"pending"}, evaluators: "empty", explained: "B2 incomplet : la commission d'évaluation n'a pas rendu son évaluation"},
		{name: "a vae candidate with no evaluation at all is incomplete with an empty evaluators entry",
			input:    `{"qualification":` + q1 + `,"candidates":[{"id":"a","route":"vae","blocks":["B2"]}]}`,
			outcomes: []string{"pending"}, evaluators: "empty", explained: "la commission d'évaluation n'a pas rendu son évaluation"},
		{name: "null optional fields are absent",
			input:    `{"qualification":{"code":null,"threshold_percent":null,"continuous_min":null,"blocks":[{"code":"B1","competences":[{"code":"C1","detailed":1}]}]},"candidates":[{"id":"a","route":"vae","blocks":null,"prior_blocks":null,"continuous_marks":null,"jury_decisions":null,"evaluations":{"commission":{"C1":"A"}}}]}`,
			outcomes: []string{"certified"}},
		{name: "an empty candidates array gives an empty output",
			input:    `{"qualification":` + q1 + `,"candidates":[]}`,
			outcomes: []string{}},
		{name: "whole-valued numbers are integers: 2.0 and 2e0 detailed competences",
			input:    `{"qualification":{"threshold_percent":7e1,"blocks":[{"code":"B1","competences":[{"code":"C1","detailed":2.0}]}]},"candidates":[{"id":"a","route":"vae","evaluations":{"commission":{"C1":2e0}}}]}`,
			outcomes: []string{"certified"}},
		{name: "escaped strings are decoded and written back escaped",
			input:    `{"qualification":{"blocks":[{"code":"B\"1\u00e9","competences":[{"code":"C\\1","detailed":1}]}]},"candidates":[{"id":"\u00e9l\u00e8ve \ud83d\ude00 \"n°1\"\n","route":"vae","evaluations":{"commission":{"C\\1":"A"}}}]}`,
			outcomes: []string{"certified"}, blocks: [][]block{{{"B\"1é", "acquired"}}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out, err := run(t, tt.input)
			if tt.outcomes == nil {
				if err == nil {
					t.Fatalf("accepted: %s", out)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			o := decode(t, out)
			if len(o.Candidates) != len(tt.outcomes) {
				t.Fatalf("got %d candidates: %s", len(o.Candidates), out)
			}
			for i, c := range o.Candidates {
				if c.Outcome != tt.outcomes[i] {
					t.Errorf("candidate %d: %s, want %s (%s)", i, c.Outcome, tt.outcomes[i], out)
				}
				if tt.blocks != nil {
					var got []block
					for _, b := range c.Blocks {
						got = append(got, block{b.Code, b.Outcome})
					}
					if len(got) != len(tt.blocks[i]) {
						t.Fatalf("candidate %d blocks %v, want %v", i, got, tt.blocks[i])
					}
					for j := range got {
						if got[j] != tt.blocks[i][j] {
							t.Errorf("candidate %d blocks %v, want %v", i, got, tt.blocks[i])
						}
					}
				}
			}
			if tt.explained != "" && !strings.Contains(out, tt.explained) {
				t.Errorf("output lacks %q: %s", tt.explained, out)
			}
			switch tt.evaluators {
			case "none":
				if o.Candidates[0].Blocks[0].Evaluators != nil {
					t.Errorf("first block has an evaluators entry: %s", out)
				}
			case "empty":
				if e := o.Candidates[0].Blocks[0].Evaluators; e == nil || len(*e) != 0 {
					t.Errorf("first block's evaluators entry is not empty: %s", out)
				}
			}
		})
	}
	t.Run("an escaped id comes back identical", func(t *testing.T) {
		in := `{"qualification":{"blocks":[{"code":"B1","competences":[{"code":"C1","detailed":1}]}]},"candidates":[{"id":"\u00e9l\u00e8ve \ud83d\ude00 \"n°1\"\n\u2028\u0001","route":"vae","evaluations":{"commission":{"C1":"A"}}}]}`
		o := decode(t, mustRun(t, in))
		if want := "élève 😀 \"n°1\"\n\u2028\u0001"; o.Candidates[0].ID != want {
			t.Fatalf("id %q, want %q", o.Candidates[0].ID, want)
		}
	})
}

func TestRefusals(t *testing.T) {
	const q = `{"code":"CC","blocks":[{"code":"B1","competences":[{"code":"C1","detailed":4},{"code":"C2","detailed":6}]},{"code":"B2","competences":[{"code":"C3","detailed":1}]}]}`
	doc := func(cands ...string) string {
		return `{"qualification":` + q + `,"candidates":[` + strings.Join(cands, ",") + `]}`
	}
	ok := `{"id":"ok","route":"vae","evaluations":{"commission":{"C1":"A","C2":"A","C3":"A"}}}`
	debate := func(jury string) string {
		return `{"id":"c-2","route":"blocs","blocks":["B1"],"continuous_marks":{"B1":12},"evaluations":{"training_organisation":{"C1":"NA","C2":"A"},"company_referent":{"C1":"A","C2":"A"}},"jury_decisions":` + jury + `}`
	}
	tests := []struct {
		name  string
		input string
		want  string
	}{
		{"malformed JSON, with its line and column", "{\"qualification\":" + q + ",\n\"candidates\":[" + ok + ",\n{\"id\":\"c-2\",\"route\":\"vae\",}]}",
			`candidat « c-2 » (candidates[1]) : JSON invalide ligne 3, colonne 27 : « } » inattendu, un nom de champ entre guillemets attendu`},
		{"malformed JSON inside evaluations, naming the evaluator", doc(`{"id":"c-1","route":"vae","evaluations":{"commission":{"C1":"A" "C2":"A"}}}`),
			`candidat « c-1 » (candidates[0]), champ evaluations.commission : JSON invalide ligne 1, colonne 262 : « " » inattendu, « , » ou « } » attendu`},
		{"a missing comma between candidates", `{"qualification":` + q + `,"candidates":[` + ok + " " + ok + "]}",
			`document, champ candidates : JSON invalide ligne 1, colonne 282 : « { » inattendu, « , » ou « ] » attendu`},
		{"an empty input", "", `document : JSON invalide ligne 1, colonne 1 : fin du document inattendue, un objet attendu`},
		{"content after the document", doc(ok) + " {}", `document : JSON invalide ligne 1, colonne 284 : contenu après la fin du document`},
		{"a truncated document", doc(ok)[:60], `qualification, champ blocks[0] : JSON invalide ligne 1, colonne 61 : chaîne non terminée`},
		{"invalid UTF-8 in an id", doc(`{"id":"a` + "\xff" + `","route":"vae"}`), `candidat n° 1 (candidates[0]), champ id : JSON invalide ligne 1, colonne 205 : chaîne qui n'est pas de l'UTF-8 valide`},
		{"a missing qualification", `{"candidates":[]}`, `document, champ qualification : champ manquant`},
		{"missing candidates", `{"qualification":` + q + `}`, `document, champ candidates : champ manquant`},
		{"candidates that are not an array", `{"qualification":` + q + `,"candidates":{}}`, `document, champ candidates : tableau de candidats attendu`},
		{"an unknown top-level field", `{"qualification":` + q + `,"candidates":[],"session":1}`, `document, champ session : champ inconnu : le document n'a que « qualification » et « candidates »`},
		{"a threshold that is not a whole percentage", `{"qualification":{"threshold_percent":70.5,"blocks":[]},"candidates":[]}`, `qualification, champ threshold_percent : seuil « 70,5 » : un entier de 1 à 100 attendu`},
		{"a continuous minimum above 20", `{"qualification":{"continuous_min":20.001,"blocks":[]},"candidates":[]}`, `qualification, champ continuous_min : minimum « 20,001 » : une note de 0 à 20, au centième au plus, attendue`},
		{"a qualification without blocks", `{"qualification":{"blocks":[]},"candidates":[]}`, `qualification, champ blocks : la qualification n'a aucun bloc`},
		{"a competence with 0 detailed competences", `{"qualification":{"blocks":[{"code":"B1","competences":[{"code":"C1","detailed":0}]}]},"candidates":[]}`, `qualification, champ blocks[0].competences[0].detailed : la compétence C1 doit compter de 1 à 10000 compétences détaillées, pas 0`},
		{"a competence without its count", `{"qualification":{"blocks":[{"code":"B1","competences":[{"code":"C1"}]}]},"candidates":[]}`, `qualification, champ blocks[0].competences[0].detailed : champ manquant`},
		{"a competence in two blocks", `{"qualification":{"blocks":[{"code":"B1","competences":[{"code":"C1","detailed":1}]},{"code":"B2","competences":[{"code":"C1","detailed":1}]}]},"candidates":[]}`, `qualification, champ blocks[1].competences[0].code : la compétence C1 est définie deux fois (blocs B1 et B2)`},
		{"an unknown qualification field", `{"qualification":{"title":"x","blocks":[]},"candidates":[]}`, `qualification, champ title : champ inconnu : code, threshold_percent, continuous_min ou blocks`},
		{"a candidate that is not an object", doc(ok, `"c-2"`), `candidat n° 2 (candidates[1]) : objet candidat attendu`},
		{"a missing id", doc(ok, `{"route":"vae"}`), `candidat n° 2 (candidates[1]), champ id : champ manquant`},
		{"an id that is not a string", doc(`{"id":12,"route":"vae"}`), `candidat n° 1 (candidates[0]), champ id : identifiant attendu sous forme de chaîne`},
		{"duplicate candidate ids", doc(ok, ok), `candidat « ok » (candidates[1]), champ id : identifiant déjà donné au candidat candidates[0]`},
		{"an unknown route", doc(`{"id":"c-1","route":"apprentissage"}`), `candidat « c-1 » (candidates[0]), champ route : voie d'accès inconnue « apprentissage » : formation, vae ou blocs`},
		{"a missing route", doc(`{"id":"c-1"}`), `candidat « c-1 » (candidates[0]), champ route : voie d'accès manquante (formation, vae ou blocs)`},
		{"an unknown candidate field", doc(`{"id":"c-1","route":"vae","public":"employee"}`), `candidat « c-1 » (candidates[0]), champ public : champ inconnu : id, route, blocks, prior_blocks, continuous_marks, evaluations ou jury_decisions`},
		{"a field given twice", doc(`{"id":"c-1","route":"vae","route":"vae"}`), `candidat « c-1 » (candidates[0]), champ route : champ en double`},
		{"an unknown block", doc(`{"id":"c-1","route":"vae","blocks":["B1","B9"]}`), `candidat « c-1 » (candidates[0]), champ blocks : bloc inconnu « B9 »`},
		{"an unknown prior block", doc(`{"id":"c-1","route":"vae","prior_blocks":["B9"]}`), `candidat « c-1 » (candidates[0]), champ prior_blocks : bloc inconnu « B9 »`},
		{"an unknown evaluator", doc(`{"id":"c-1","route":"vae","evaluations":{"tutor":{}}}`), `candidat « c-1 » (candidates[0]), champ evaluations.tutor : évaluateur inconnu « tutor » : training_organisation, company_referent ou commission`},
		{"an unknown competence", doc(`{"id":"c-1","route":"vae","evaluations":{"commission":{"C9":"A"}}}`), `candidat « c-1 » (candidates[0]), champ evaluations.commission.C9 : compétence inconnue « C9 »`},
		{"a grade above the detailed count", doc(`{"id":"c-1","route":"vae","evaluations":{"commission":{"C1":5}}}`), `candidat « c-1 » (candidates[0]), champ evaluations.commission.C1 : note 5 hors de 0 à 4 (compétences détaillées de C1) : attendu « A », « NA » ou un entier de 0 à 4`},
		{"a negative grade", doc(`{"id":"c-1","route":"vae","evaluations":{"commission":{"C1":-1}}}`), `candidat « c-1 » (candidates[0]), champ evaluations.commission.C1 : note -1 hors limites : attendu « A », « NA » ou un entier de 0 au nombre de compétences détaillées`},
		{"a fractional grade", doc(`{"id":"c-1","route":"vae","evaluations":{"commission":{"C1":2.5}}}`), `candidat « c-1 » (candidates[0]), champ evaluations.commission.C1 : note 2,5 invalide : attendu « A », « NA » ou un entier de 0 au nombre de compétences détaillées`},
		{"a grade that is neither A nor NA", doc(`{"id":"c-1","route":"vae","evaluations":{"commission":{"C1":"acquis"}}}`), `candidat « c-1 » (candidates[0]), champ evaluations.commission.C1 : note « acquis » invalide : attendu « A », « NA » ou un entier de 0 au nombre de compétences détaillées`},
		{"a boolean grade", doc(`{"id":"c-1","route":"vae","evaluations":{"commission":{"C1":true}}}`), `candidat « c-1 » (candidates[0]), champ evaluations.commission.C1 : note invalide : attendu « A », « NA » ou un entier de 0 au nombre de compétences détaillées`},
		{"a competence graded twice", doc(`{"id":"c-1","route":"vae","evaluations":{"commission":{"C1":1,"C1":2}}}`), `candidat « c-1 » (candidates[0]), champ evaluations.commission.C1 : compétence notée deux fois`},
		{"a continuous mark above 20", doc(`{"id":"c-1","route":"formation","continuous_marks":{"B1":20.001}}`), `candidat « c-1 » (candidates[0]), champ continuous_marks.B1 : note 20,001 hors de 0 à 20`},
		{"a negative continuous mark", doc(`{"id":"c-1","route":"formation","continuous_marks":{"B1":-0.001}}`), `candidat « c-1 » (candidates[0]), champ continuous_marks.B1 : note -0,001 hors de 0 à 20`},
		{"a huge continuous mark", doc(`{"id":"c-1","route":"formation","continuous_marks":{"B1":1e400}}`), `candidat « c-1 » (candidates[0]), champ continuous_marks.B1 : note 1e400 hors de 0 à 20`},
		{"a continuous mark given as a string", doc(`{"id":"c-1","route":"formation","continuous_marks":{"B1":"12"}}`), `candidat « c-1 » (candidates[0]), champ continuous_marks.B1 : note sur 20 attendue sous forme de nombre`},
		{"a continuous mark on an unknown block", doc(`{"id":"c-1","route":"formation","continuous_marks":{"B9":12}}`), `candidat « c-1 » (candidates[0]), champ continuous_marks.B9 : bloc inconnu « B9 »`},
		{"a jury decision that is neither A nor NA", doc(debate(`{"B1":"oui"}`)), `candidat « c-2 » (candidates[0]), champ jury_decisions.B1 : décision « oui » invalide : « A » (acquis) ou « NA » (non acquis)`},
		{"a jury decision on an unknown block", doc(debate(`{"B9":"A"}`)), `candidat « c-2 » (candidates[0]), champ jury_decisions.B9 : bloc inconnu « B9 »`},
		{"a jury decision overriding the commission's not acquired", doc(`{"id":"c-3","route":"formation","blocks":["B1"],"continuous_marks":{"B1":12},"evaluations":{"training_organisation":{"C1":"A","C2":"A"},"company_referent":{"C1":"A","C2":"A"},"commission":{"C1":"NA","C2":"A"}},"jury_decisions":{"B1":"A"}}`),
			`candidat « c-3 » (candidates[0]), champ jury_decisions.B1 : le bloc B1 n'est pas en débat (non acquis) : le jury ne décide que des blocs en débat ; la commission d'évaluation ne l'a pas attribué et sa voix est prépondérante`},
		{"a jury decision overriding a VAE commission's not acquired", doc(`{"id":"c-3","route":"vae","blocks":["B1"],"evaluations":{"commission":{"C1":"NA","C2":"A"}},"jury_decisions":{"B1":"A"}}`),
			`candidat « c-3 » (candidates[0]), champ jury_decisions.B1 : le bloc B1 n'est pas en débat (non acquis) : le jury ne décide que des blocs en débat ; la commission d'évaluation ne l'a pas attribué et, en VAE, son verdict décide seul`},
		{"a jury decision on a VAE block that an ignored OF grid refuses", doc(`{"id":"c-4","route":"vae","blocks":["B1"],"evaluations":{"training_organisation":{"C1":"NA","C2":"NA"},"commission":{"C1":"A","C2":"A"}},"jury_decisions":{"B1":"NA"}}`),
			`candidat « c-4 » (candidates[0]), champ jury_decisions.B1 : le bloc B1 n'est pas en débat (acquis) : le jury ne décide que des blocs en débat`},
		{"an unknown evaluator, even on a route that reads only the commission", doc(`{"id":"c-1","route":"vae","evaluations":{"jury":{}}}`), `candidat « c-1 » (candidates[0]), champ evaluations.jury : évaluateur inconnu « jury » : training_organisation, company_referent ou commission`},
		{"a jury decision on an acquired block", doc(ok[:len(ok)-1] + `,"jury_decisions":{"B2":"NA"}}`), `candidat « ok » (candidates[0]), champ jury_decisions.B2 : le bloc B2 n'est pas en débat (acquis) : le jury ne décide que des blocs en débat`},
		{"a control character in an id is escaped in the one-line message", doc(`{"id":"a\nb","route":"x"}`), `candidat « a\nb » (candidates[0]), champ route : voie d'accès inconnue « x » : formation, vae ou blocs`},
	}
	t.Run("the debate candidate used below is accepted with a valid decision", func(t *testing.T) {
		if _, err := run(t, doc(debate(`{"B1":"NA"}`))); err != nil {
			t.Fatal(err)
		}
	})
	for _, tt := range tests {
		t.Run("refuses "+tt.name, func(t *testing.T) {
			_, err := run(t, tt.input)
			var e *Error
			if !errors.As(err, &e) {
				t.Fatalf("err = %v, want *Error", err)
			}
			if got := e.Error(); got != tt.want {
				t.Fatalf("got  %s\nwant %s", got, tt.want)
			}
			if strings.ContainsAny(e.Error(), "\n\r") {
				t.Fatalf("error spans several lines: %q", e.Error())
			}
		})
	}
}

func TestNumbers(t *testing.T) {
	tests := []struct {
		raw    string
		scale  int
		abs    int64
		exact  bool
		neg    bool
		french string
	}{
		{"12.5", 2, 1250, true, false, "12,5"},
		{"9.995", 2, 999, false, false, "9,995"},
		{"1e1", 2, 1000, true, false, "10"},
		{"1E+1", 0, 10, true, false, "10"},
		{"0.0999e2", 2, 999, true, false, "9,99"},
		{"-0", 2, 0, true, false, "0"},
		{"-0.001", 2, 0, false, true, "-0,001"},
		{"20.000", 2, 2000, true, false, "20"},
		{"100e-2", 0, 1, true, false, "1"},
		{"0.5", 0, 0, false, false, "0,5"},
	}
	for _, tt := range tests {
		t.Run(tt.raw+" at scale "+itoa(tt.scale)+" reads exactly", func(t *testing.T) {
			n := scaled(tt.raw, tt.scale)
			if n.abs != tt.abs || n.exact != tt.exact || n.neg != tt.neg || n.big {
				t.Fatalf("got %+v", n)
			}
			if got := french(tt.raw); got != tt.french {
				t.Fatalf("french(%s) = %q, want %q", tt.raw, got, tt.french)
			}
		})
	}
	t.Run("huge numbers are flagged, not wrapped", func(t *testing.T) {
		for _, raw := range []string{"1e400", "123456789012345678", "1e15"} {
			if n := scaled(raw, 2); !n.big {
				t.Errorf("%s: %+v", raw, n)
			}
		}
	})
}

func TestAppendString(t *testing.T) {
	for _, s := range []string{"", "BC1", `a"b\c`, "l'a jugé acquis ≥ 70 %", "\x00\x1f\n\r\t", "\u2028\u2029\u2027\u202a", "😀 é", "\xe2\x80"} {
		t.Run("writes "+strconv.Quote(s)+" so that encoding/json reads it back", func(t *testing.T) {
			out := appendString(nil, s)
			var back string
			if err := json.Unmarshal(out, &back); err != nil || (back != s && utf8.ValidString(s)) {
				t.Fatalf("%s read back as %q (%v)", out, back, err)
			}
			if bytes.Contains(out, []byte("\u2028")) || bytes.Contains(out, []byte("\u2029")) {
				t.Fatalf("%s keeps a raw line separator", out)
			}
		})
	}
}
