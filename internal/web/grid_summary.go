package web

import (
	"net/http"
	"strconv"
	"unicode"
	"unicode/utf8"

	"cqp/internal/domain"
	"cqp/internal/rules"
	"cqp/internal/service"
	"cqp/internal/store"
)

// summaryCell is one evaluator's verdict on one block.
type summaryCell struct {
	Evaluator string
	Shown     bool   // the verdict was read (the evaluator took part and the block was evaluated)
	Label     string // acquis, non acquis, incomplet, or why there is none
	Numbers   string // « 5/10, soit 50 % »
	Class     string // badge class
}

// summaryRow is one block of the evaluation summary.
type summaryRow struct {
	Code, Title  string
	Mark         string // the continuous mark, « 12,5/20 », or « — »
	Cells        []summaryCell
	Outcome      string
	OutcomeClass string
	Explanation  string
}

// gridDetail is one grid whose detail the actor may read.
type gridDetail struct {
	State  service.GridState
	Title  string
	Path   string      // the grid's page, when the actor fills it
	Shown  *store.Grid // the version shown: the submitted one, else the draft
	Blocks []detailBlock
}

type detailBlock struct {
	Code, Title string
	Rows        []detailRow
}

type detailRow struct {
	Code, Title, Mark, Comment string
}

type gridSummaryPage struct {
	E       service.EnrolmentEvaluation
	Rows    []summaryRow
	Details []gridDetail
	Heads   []string                    // evaluator column headings
	Links   map[domain.Evaluator]string // the grids the actor fills → their pages
}

// Outcome is the candidate's outcome in French.
func (p gridSummaryPage) Outcome() string { return p.E.Result.Outcome.Label() }

// Explanation is the candidate's outcome explained.
func (p gridSummaryPage) Explanation() string { return p.E.Result.Explanation() }

func (s *Server) gridSummary(w http.ResponseWriter, r *http.Request) error {
	ev, err := s.svc.EnrolmentEvaluation(r.Context(), actorFrom(r.Context()), r.PathValue("id"))
	if err != nil {
		return err
	}
	p := gridSummaryPage{E: ev, Links: map[domain.Evaluator]string{}}
	for _, e := range domain.Evaluators {
		p.Heads = append(p.Heads, capitalise(e.Label()))
	}
	for _, b := range ev.Result.Blocks {
		row := summaryRow{Code: b.Code, Mark: "—", Outcome: b.Outcome.Label(), OutcomeClass: outcomeClass(b.Outcome), Explanation: b.Explanation()}
		if fb, ok := ev.Framework.Block(b.Code); ok {
			row.Title = fb.Title
		}
		if m, ok := ev.ContinuousMarks[b.Code]; ok {
			row.Mark = m.String() + "/20"
		}
		for i, er := range b.Evaluators {
			c := summaryCell{Evaluator: domain.Evaluators[i].Label()}
			switch {
			case !b.Evaluated():
				c.Label = "—"
			case !er.Present && b.Required[i]:
				c.Label, c.Class = "grille non soumise", "confirm"
			case !er.Present:
				c.Label = "ne participe pas"
			default:
				c.Shown = true
				c.Label = verdictWord(er.Verdict)
				c.Class = verdictClass(er.Verdict)
				c.Numbers = strconv.Itoa(er.Acquired) + "/" + strconv.Itoa(er.Total) + ", soit " + string(rules.AppendShare(nil, er.Acquired, er.Total))
			}
			row.Cells = append(row.Cells, c)
		}
		p.Rows = append(p.Rows, row)
	}
	for _, g := range ev.Grids {
		if g.Mine {
			p.Links[g.Evaluator] = gridPath(ev.Enrolment.ID, g.Evaluator)
		}
		if g.Versions == nil {
			continue
		}
		d := gridDetail{State: g, Title: service.GridTitle(g.Evaluator), Shown: g.Submitted}
		if g.Mine {
			d.Path = gridPath(ev.Enrolment.ID, g.Evaluator)
			if d.Shown == nil {
				d.Shown = g.Latest
			}
		}
		if d.Shown != nil {
			d.Blocks = detailBlocks(ev.Framework, ev.Enrolment.Blocks, d.Shown)
		}
		p.Details = append(p.Details, d)
	}
	c := ev.Candidate
	s.render(w, r, http.StatusOK, "grid_summary.html", "Évaluation finale — "+c.DisplayName(), p)
	return nil
}

// detailBlocks lays out a grid version's marks block by block.
func detailBlocks(fw domain.Framework, blocks []string, g *store.Grid) []detailBlock {
	var out []detailBlock
	for _, code := range blocks {
		b, ok := fw.Block(code)
		if !ok {
			continue
		}
		db := detailBlock{Code: b.Code, Title: b.Title}
		for _, cp := range b.Competences {
			m := g.Marks[cp.Code]
			db.Rows = append(db.Rows, detailRow{Code: cp.Code, Title: cp.Title, Mark: markLabel(m.Mark, cp.Detailed), Comment: m.Comment})
		}
		out = append(out, db)
	}
	return out
}

// markLabel says a stored mark in French: « A (acquise) », « NA (non acquise) », « 3 sur 4 ».
func markLabel(mark string, detailed int) string {
	switch mark {
	case "":
		return "non notée"
	case "A":
		return "A (acquise)"
	case "NA":
		return "NA (non acquise)"
	}
	return mark + " sur " + strconv.Itoa(detailed)
}

func verdictWord(v rules.Verdict) string {
	switch v {
	case rules.VerdictAcquired:
		return "acquis"
	case rules.VerdictNotAcquired:
		return "non acquis"
	}
	return "incomplet"
}

func verdictClass(v rules.Verdict) string {
	switch v {
	case rules.VerdictAcquired:
		return "ok"
	case rules.VerdictNotAcquired:
		return "off"
	}
	return "confirm"
}

func outcomeClass(o rules.Outcome) string {
	switch o {
	case rules.OutcomeAcquired:
		return "ok"
	case rules.OutcomeNotAcquired, rules.OutcomeNotAdmitted:
		return "off"
	}
	return "confirm"
}

func capitalise(s string) string {
	r, n := utf8.DecodeRuneInString(s)
	if n == 0 {
		return s
	}
	return string(unicode.ToUpper(r)) + s[n:]
}
