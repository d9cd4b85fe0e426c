package service

import (
	"strings"
	"unicode/utf8"

	"cqp/internal/domain"
	"cqp/internal/store"
)

// The blocs route's block stage (issue 11, DOMAIN.md §5 « blocs »): for each block it
// evaluates, the training organisation runs two final tests — a written test and an oral
// practical case — and records, with its grid, when each was held, its result (a mark out of
// 20, or A / NA) and who assessed it; the company referent evaluates with the candidate's line
// manager (N+1), whom the referent's grid names. A grid is submitted only with these complete;
// a draft keeps what is typed. They are kept with the grid's version, so a version the jury
// read keeps the tests it read.

// BlockTestInput is one final test as typed: the date (25/11/2026), the result (« 12,5 »,
// « A » or « NA ») and the assessor's name.
type BlockTestInput struct {
	On       string
	Result   string
	Assessor string
}

// BlockTestField is the form field of one part (on, result, assessor) of a block's test.
func BlockTestField(block string, kind store.BlockTestKind, part string) string {
	return "test_" + block + "_" + string(kind) + "_" + part
}

// takesBlockTests reports whether an evaluator's grid records the block tests: the training
// organisation's, on the blocs route.
func takesBlockTests(e domain.Enrolment, ev domain.Evaluator) bool {
	return e.Route == domain.RouteBlocs && ev == domain.EvaluatorTrainingOrganisation
}

// namesLineManager reports whether an evaluator's grid names the line manager: the referent's,
// on the blocs route.
func namesLineManager(e domain.Enrolment, ev domain.Evaluator) bool {
	return e.Route == domain.RouteBlocs && ev == domain.EvaluatorCompanyReferent
}

// parseBlockTests reads the typed tests of the blocks the grid marks. Each typed part is
// checked; on submit every test of every markable block must be complete. It returns the
// tests to store and the French messages, at each field, of what is wrong or missing, and the
// blocks whose tests are incomplete.
func (s *Service) parseBlockTests(blocks []GridBlock, in map[string]map[store.BlockTestKind]BlockTestInput, submit bool, fe domain.FieldErrors) ([]store.BlockTest, []string) {
	today := s.Today()
	var out []store.BlockTest
	var incomplete []string
	for _, b := range blocks {
		if !b.Markable() {
			continue
		}
		complete := true
		for _, kind := range store.BlockTestKinds {
			typed := in[b.Block.Code][kind]
			typed.On, typed.Result, typed.Assessor = strings.TrimSpace(typed.On), strings.TrimSpace(typed.Result), strings.TrimSpace(typed.Assessor)
			who := b.Block.Code + ", épreuve écrite"
			if kind == store.BlockTestOralCase {
				who = b.Block.Code + ", cas pratique à l'oral"
			}
			bt := store.BlockTest{BlockCode: b.Block.Code, Kind: kind, Assessor: typed.Assessor}
			ok := true
			switch d, err := domain.ParseFrenchDate(typed.On); {
			case typed.On == "":
				ok = false
				if submit {
					fe.Add(BlockTestField(b.Block.Code, kind, "on"), who+" : indiquez la date de l'épreuve (JJ/MM/AAAA).")
				}
			case err != nil:
				ok = false
				fe.Add(BlockTestField(b.Block.Code, kind, "on"), who+" : « "+typed.On+" » n'est pas une date au format JJ/MM/AAAA.")
			case today.Before(d):
				ok = false
				fe.Add(BlockTestField(b.Block.Code, kind, "on"), who+" : la date est dans le futur ; le résultat se saisit une fois l'épreuve passée.")
			default:
				bt.HeldOn = d
			}
			switch r := strings.ToUpper(strings.ReplaceAll(typed.Result, " ", "")); {
			case typed.Result == "":
				ok = false
				if submit {
					fe.Add(BlockTestField(b.Block.Code, kind, "result"), who+" : indiquez le résultat, une note sur 20 ou « A » / « NA ».")
				}
			case r == "A" || r == "NA":
				bt.Result = r
			default:
				m, msg := ParseMark(typed.Result)
				if msg != "" {
					ok = false
					fe.Add(BlockTestField(b.Block.Code, kind, "result"), who+" : "+msg+" (ou « A » / « NA »).")
				} else {
					bt.Result = m.String()
				}
			}
			switch {
			case typed.Assessor == "":
				ok = false
				if submit {
					fe.Add(BlockTestField(b.Block.Code, kind, "assessor"), who+" : indiquez qui a évalué l'épreuve.")
				}
			case utf8.RuneCountInString(typed.Assessor) > 200:
				ok = false
				fe.Add(BlockTestField(b.Block.Code, kind, "assessor"), who+" : le nom de l'évaluateur dépasse 200 caractères.")
			}
			if ok {
				out = append(out, bt)
			} else {
				complete = false
				if typed.On != "" || typed.Result != "" || typed.Assessor != "" {
					// A partial test is kept in a draft only once whole: say what is missing.
					if bt.HeldOn.IsZero() && typed.On == "" {
						fe.Add(BlockTestField(b.Block.Code, kind, "on"), who+" : indiquez la date de l'épreuve (JJ/MM/AAAA).")
					}
					if typed.Result == "" {
						fe.Add(BlockTestField(b.Block.Code, kind, "result"), who+" : indiquez le résultat, une note sur 20 ou « A » / « NA ».")
					}
					if typed.Assessor == "" {
						fe.Add(BlockTestField(b.Block.Code, kind, "assessor"), who+" : indiquez qui a évalué l'épreuve.")
					}
				}
			}
		}
		if !complete {
			incomplete = append(incomplete, b.Block.Code)
		}
	}
	return out, incomplete
}

// keepHeldBlockTests copies into a new version the previous version's tests of the blocks the
// person holds: they are not taken again.
func keepHeldBlockTests(blocks []GridBlock, previous []store.BlockTest) []store.BlockTest {
	var out []store.BlockTest
	for _, b := range blocks {
		if b.Held == nil {
			continue
		}
		for _, bt := range previous {
			if bt.BlockCode == b.Block.Code {
				out = append(out, bt)
			}
		}
	}
	return out
}

// BlockTestsOf returns a grid's tests of one block, in BlockTestKinds order.
func BlockTestsOf(g *store.Grid, block string) []store.BlockTest {
	if g == nil {
		return nil
	}
	var out []store.BlockTest
	for _, kind := range store.BlockTestKinds {
		for _, bt := range g.BlockTests {
			if bt.BlockCode == block && bt.Kind == kind {
				out = append(out, bt)
			}
		}
	}
	return out
}

// ParseBlockTestField reads a block test's form field name: the block, the kind and the part
// (on, result, assessor), or false.
func ParseBlockTestField(name string) (block string, kind store.BlockTestKind, part string, ok bool) {
	rest, ok := strings.CutPrefix(name, "test_")
	if !ok {
		return "", "", "", false
	}
	for _, p := range []string{"on", "result", "assessor"} {
		if r, found := strings.CutSuffix(rest, "_"+p); found {
			for _, k := range store.BlockTestKinds {
				if b, found := strings.CutSuffix(r, "_"+string(k)); found && b != "" {
					return b, k, p, true
				}
			}
		}
	}
	return "", "", "", false
}
