package web

import (
	"net/http"
	"strings"

	"cqp/internal/service"
)

type marksGroupPage struct {
	G      service.GroupMarks
	Form   *form
	Blocks []option
	Chosen *form // the block picker, which keeps the chosen block
}

// Field returns the form field of a candidate's mark.
func (p marksGroupPage) Field(enrolmentID string) string { return service.GroupMarkField(enrolmentID) }

// marksGroupShow shows an action's marks screen for the block chosen in ?bloc=.
func (s *Server) marksGroupShow(w http.ResponseWriter, r *http.Request) error {
	f := emptyForm()
	f.Values.Set("on", s.svc.Today().ISO())
	return s.renderMarksGroup(w, r, http.StatusOK, r.URL.Query().Get("bloc"), f)
}

func (s *Server) renderMarksGroup(w http.ResponseWriter, r *http.Request, status int, block string, f *form) error {
	ctx, a := r.Context(), actorFrom(r.Context())
	g, err := s.svc.GroupMarks(ctx, a, r.PathValue("id"), strings.TrimSpace(block))
	if err != nil {
		return err
	}
	p := marksGroupPage{G: g, Form: f, Chosen: emptyForm()}
	p.Chosen.Values.Set("bloc", g.Block.Code)
	for _, b := range g.Blocks {
		p.Blocks = append(p.Blocks, option{Value: b.Code, Label: b.Code + " — " + b.Title})
	}
	title := "Notes de l'action « " + g.ActionTitle + " »"
	if g.Block.Code != "" {
		title += " — " + g.Block.Code
	}
	s.render(w, r, status, "marks_group.html", title, p)
	return nil
}

// marksGroupSubmit records one assessment of one block for the whole group, all or nothing:
// a refused form is shown again with every mark as typed.
func (s *Server) marksGroupSubmit(w http.ResponseWriter, r *http.Request) error {
	if err := parseForm(w, r); err != nil {
		return err
	}
	f := newForm(r)
	v := r.PostForm
	in := service.GroupMarksInput{BlockCode: v.Get("block"), Label: v.Get("label"), On: v.Get("on"), Marks: map[string]string{}}
	for key := range v {
		if id, ok := strings.CutPrefix(key, service.GroupMarkField("")); ok && id != "" {
			in.Marks[id] = v.Get(key)
		}
	}
	n, err := s.svc.RecordGroupMarks(r.Context(), actorFrom(r.Context()), r.PathValue("id"), in)
	if err != nil {
		if !f.fail(err) {
			return err
		}
		return s.renderMarksGroup(w, r, formStatus(err), in.BlockCode, f)
	}
	msg := "Une note est enregistrée pour le bloc " + in.BlockCode + "."
	if n > 1 {
		msg = frenchNumber(n) + " notes sont enregistrées pour le bloc " + in.BlockCode + "."
	}
	s.flash(r, msg)
	http.Redirect(w, r, "/actions/"+r.PathValue("id")+"/notes?bloc="+in.BlockCode, http.StatusSeeOther)
	return nil
}
