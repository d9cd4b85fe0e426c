package web

import (
	"net/http"
	"strconv"
	"strings"

	"cqp/internal/domain"
	"cqp/internal/service"
	"cqp/internal/store"
)

// The grid screen is one form: a row per competence of the candidate's blocks, with radio
// buttons A, NA, « nombre » (and a number input for the detailed competences acquired) or
// « non notée », and a comment. Tab moves from row to row, the arrow keys choose within a row.
// « Enregistrer » keeps a draft and shows the verdicts the rules give; « Soumettre » locks it.

// gridRow is one competence on the grid screen.
type gridRow struct {
	Code, Title                     string
	Detailed                        int
	Field, CountField, CommentField string
}

// gridBlockView is one block on the grid screen with its rows, and the organisation's final
// tests of the block on the blocs route.
type gridBlockView struct {
	service.GridBlock
	Rows  []gridRow
	Tests []blockTestRow
}

// blockTestRow is one final test of a block on the grid screen.
type blockTestRow struct {
	Label                         string
	OnField, ResultField, ByField string
}

type gridEditPage struct {
	V      service.GridView
	Blocks []gridBlockView
	Form   *form
	Action string // where the form posts
	// Subjects are the subjects drawn for the member's orals, from the day of the oral.
	Subjects []service.OralSubjects
}

// NextVersion is the version a correction creates.
func (p gridEditPage) NextVersion() int {
	if p.V.Current == nil {
		return 1
	}
	return p.V.Current.Version + 1
}

const (
	countPrefix   = "count_"
	commentPrefix = "comment_"
)

func (s *Server) gridEdit(ev domain.Evaluator) handlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		v, err := s.svc.Grid(r.Context(), actorFrom(r.Context()), r.PathValue("id"), ev)
		if err != nil {
			return err
		}
		s.renderGrid(w, r, http.StatusOK, v, gridForm(v))
		return nil
	}
}

// gridForm fills the form with the newest version, so that a correction starts from it.
func gridForm(v service.GridView) *form {
	f := emptyForm()
	g := v.Current
	if g == nil {
		return f
	}
	for code, m := range g.Marks {
		switch m.Mark {
		case "A", "NA", "":
			f.Values.Set(service.MarkField(code), m.Mark)
		default:
			f.Values.Set(service.MarkField(code), "N")
			f.Values.Set(countPrefix+code, m.Mark)
		}
		f.Values.Set(commentPrefix+code, m.Comment)
	}
	f.Values.Set("comment", g.Comment)
	f.Values.Set("career_presentation", g.CareerPresentation)
	f.Values.Set("practical_case", g.PracticalCase)
	f.Values.Set("knowledge_question", g.KnowledgeQuestion)
	f.Values.Set("open_questions", g.OpenQuestions)
	f.Values.Set("reasoned_opinion", g.ReasonedOpinion)
	f.Values.Set("line_manager", g.LineManager)
	for _, bt := range g.BlockTests {
		f.Values.Set(service.BlockTestField(bt.BlockCode, bt.Kind, "on"), bt.HeldOn.ISO())
		f.Values.Set(service.BlockTestField(bt.BlockCode, bt.Kind, "result"), bt.Result)
		f.Values.Set(service.BlockTestField(bt.BlockCode, bt.Kind, "assessor"), bt.Assessor)
	}
	if g.Status == store.GridDraft {
		f.Values.Set("correction_reason", g.CorrectionReason)
	}
	return f
}

func (s *Server) renderGrid(w http.ResponseWriter, r *http.Request, status int, v service.GridView, f *form) {
	p := gridEditPage{V: v, Form: f, Action: gridPath(v.Enrolment.ID, v.Evaluator), Subjects: s.gridSubjects(r, v)}
	for _, b := range v.Blocks {
		bv := gridBlockView{GridBlock: b}
		if v.TakesBlockTests && b.Markable() {
			for _, k := range store.BlockTestKinds {
				bv.Tests = append(bv.Tests, blockTestRow{Label: k.Label(), OnField: service.BlockTestField(b.Block.Code, k, "on"),
					ResultField: service.BlockTestField(b.Block.Code, k, "result"), ByField: service.BlockTestField(b.Block.Code, k, "assessor")})
			}
		}
		for _, cp := range b.Block.Competences {
			bv.Rows = append(bv.Rows, gridRow{Code: cp.Code, Title: cp.Title, Detailed: cp.Detailed,
				Field: service.MarkField(cp.Code), CountField: countPrefix + cp.Code, CommentField: commentPrefix + cp.Code})
		}
		p.Blocks = append(p.Blocks, bv)
	}
	s.render(w, r, status, "grid_edit.html", v.Title()+" — "+v.Candidate.DisplayName(), p)
}

// gridInput reads the posted grid. A row whose radio says A or NA while a number is typed is
// ambiguous: it is refused rather than guessed.
func gridInput(r *http.Request) (service.GridInput, domain.FieldErrors) {
	v := r.PostForm
	in := service.GridInput{Marks: map[string]string{}, Comments: map[string]string{},
		Comment: v.Get("comment"), CareerPresentation: v.Get("career_presentation"), PracticalCase: v.Get("practical_case"),
		KnowledgeQuestion: v.Get("knowledge_question"), OpenQuestions: v.Get("open_questions"),
		ReasonedOpinion: v.Get("reasoned_opinion"), CorrectionReason: v.Get("correction_reason"),
		LineManager: v.Get("line_manager"), BlockTests: map[string]map[store.BlockTestKind]service.BlockTestInput{}}
	for key := range v {
		block, kind, part, ok := service.ParseBlockTestField(key)
		if !ok {
			continue
		}
		if in.BlockTests[block] == nil {
			in.BlockTests[block] = map[store.BlockTestKind]service.BlockTestInput{}
		}
		t := in.BlockTests[block][kind]
		switch part {
		case "on":
			t.On = v.Get(key)
		case "result":
			t.Result = v.Get(key)
		case "assessor":
			t.Assessor = v.Get(key)
		}
		in.BlockTests[block][kind] = t
	}
	fe := domain.FieldErrors{}
	markPrefix := service.MarkField("")
	codes := map[string]bool{}
	for key := range v {
		for _, prefix := range []string{markPrefix, countPrefix, commentPrefix} {
			if code, ok := strings.CutPrefix(key, prefix); ok && code != "" {
				codes[code] = true
			}
		}
	}
	for code := range codes {
		radio := strings.TrimSpace(v.Get(markPrefix + code))
		count := strings.TrimSpace(v.Get(countPrefix + code))
		switch {
		case (radio == "A" || radio == "NA") && count != "":
			fe.Add(service.MarkField(code), code+" : choisissez « A », « NA » ou un nombre, pas les deux (vous avez coché « "+radio+" » et tapé "+count+").")
		case radio == "A" || radio == "NA":
			in.Marks[code] = radio
		case count != "":
			in.Marks[code] = count
		case radio == "N":
			fe.Add(service.MarkField(code), code+" : tapez le nombre de compétences détaillées acquises, ou choisissez « A » ou « NA ».")
		case radio != "":
			in.Marks[code] = radio // refused by the service with the expected values
		}
		if c := strings.TrimSpace(v.Get(commentPrefix + code)); c != "" {
			in.Comments[code] = c
		}
	}
	return in, fe
}

func (s *Server) gridSubmit(ev domain.Evaluator) handlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		if err := parseForm(w, r); err != nil {
			return err
		}
		ctx, a, id := r.Context(), actorFrom(r.Context()), r.PathValue("id")
		f := newForm(r)
		in, fe := gridInput(r)
		submit := r.PostForm.Get("action") == "submit"
		var g store.Grid
		err := fe.Err()
		if err == nil {
			if submit {
				g, err = s.svc.SubmitGrid(ctx, a, id, ev, in)
			} else {
				g, err = s.svc.SaveGrid(ctx, a, id, ev, in)
			}
		}
		if err != nil {
			if !f.fail(err) {
				return err
			}
			v, verr := s.svc.Grid(ctx, a, id, ev)
			if verr != nil {
				return verr
			}
			s.renderGrid(w, r, formStatus(err), v, f)
			return nil
		}
		if submit {
			s.flash(r, "Grille soumise (version "+strconv.Itoa(g.Version)+") : elle est verrouillée et compte pour la délibération.")
		} else {
			s.flash(r, "Brouillon enregistré (version "+strconv.Itoa(g.Version)+"). Les verdicts par bloc sont à jour ; soumettez la grille quand elle est complète.")
		}
		http.Redirect(w, r, gridPath(id, ev), http.StatusSeeOther)
		return nil
	}
}
