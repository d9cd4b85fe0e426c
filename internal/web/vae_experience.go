package web

import (
	"errors"
	"fmt"
	"net/http"
	"strings"

	"cqp/internal/domain"
	"cqp/internal/service"
	"cqp/internal/store"
)

// The experience file (dossier d'expérience) as the candidate writes it: per block still to
// validate, what they did, with evidence files; the adviser's comments next to it. The
// commission member, the adviser and the secretariat read the same page without the forms.

// experienceForms are the forms of the experience page: each is empty, or the one refused with
// what was typed.
type experienceForms struct {
	Text     *form // the narratives, with do=save or do=submit
	Missing  bool  // Text was refused because the file lacks parts: the summary lists them
	Upload   *form
	Remove   *form
	RemoveID string // the evidence whose removal was refused
	Reopen   *form
}

// experienceBlockView is one presented block on the experience page.
type experienceBlockView struct {
	Code, Title string
	Acquired    bool // awarded by a jury: locked, not written again
	Field       string
	Saved       store.ExperienceBlock
	Evidence    []evidenceRow
	Comments    []store.AdviserComment
}

// evidenceRow is one evidence file in a list.
type evidenceRow struct {
	domain.Evidence
	Size, Kind string
	Removable  bool // added in the current round, while the file is open
}

type experiencePage struct {
	V               service.VAEView
	Editable        bool
	Forms           experienceForms
	Blocks          []experienceBlockView
	General         []evidenceRow // evidence of the whole file
	GeneralComments []store.AdviserComment
	BlockOptions    []option // the blocks evidence may be attached to
	MaxSize         string
	LastSubmission  *store.ExperienceSubmission
}

// Paragraphs splits a narrative into its paragraphs, to show it as typed.
func (experiencePage) Paragraphs(text string) []string {
	var out []string
	for _, p := range strings.Split(strings.ReplaceAll(text, "\r\n", "\n"), "\n\n") {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}

// Closed reports whether the experience file is not open yet: the request is not admissible.
func (p experiencePage) Closed() bool { return p.V.File.ExperienceStatus == domain.ExperienceClosed }

// OpenCodes lists the blocks still to validate, e.g. « SPE2, OPT1 ».
func (p experiencePage) OpenCodes() string {
	var codes []string
	for _, b := range p.V.OpenBlocks() {
		codes = append(codes, b.Code)
	}
	return strings.Join(codes, ", ")
}

func (s *Server) vaeExperienceShow(w http.ResponseWriter, r *http.Request) error {
	return s.renderExperience(w, r, http.StatusOK, experienceForms{})
}

// renderExperience shows the experience page with its forms.
func (s *Server) renderExperience(w http.ResponseWriter, r *http.Request, status int, forms experienceForms) error {
	v, ok, err := s.vaePartView(w, r, vaeExperiencePart)
	if !ok {
		return err
	}
	p := experiencePage{V: v, Editable: v.CanFillExperience, Forms: forms, MaxSize: evidenceSize(v.Settings.MaxEvidenceBytes)}
	if len(v.Submissions) > 0 {
		p.LastSubmission = &v.Submissions[0]
	}
	rows := func(block string) []evidenceRow {
		var out []evidenceRow
		for _, e := range v.EvidenceOf(block) {
			out = append(out, evidenceRow{Evidence: e, Size: evidenceSize(e.SizeBytes), Kind: evidenceKind(e.ContentType),
				Removable: p.Editable && e.Round == v.File.ExperienceRound})
		}
		return out
	}
	for _, c := range v.Comments {
		if c.BlockCode == "" {
			p.GeneralComments = append(p.GeneralComments, c)
		}
	}
	for _, b := range v.Blocks {
		bv := experienceBlockView{Code: b.Code, Title: b.Title, Acquired: v.Acquired[b.Code], Field: service.NarrativeField(b.Code),
			Saved: v.Experience[b.Code], Evidence: rows(b.Code)}
		for _, c := range v.Comments {
			if c.BlockCode == b.Code {
				bv.Comments = append(bv.Comments, c)
			}
		}
		if !bv.Acquired {
			p.BlockOptions = append(p.BlockOptions, option{Value: b.Code, Label: b.Code + " — " + b.Title})
		}
		p.Blocks = append(p.Blocks, bv)
	}
	p.General = rows("")
	if p.Forms.Text == nil {
		p.Forms.Text = emptyForm()
		for _, b := range v.OpenBlocks() {
			p.Forms.Text.Values.Set(service.NarrativeField(b.Code), v.Experience[b.Code].Narrative)
		}
	}
	if p.Forms.Upload == nil {
		p.Forms.Upload = emptyForm()
	}
	if p.Forms.Remove == nil {
		p.Forms.Remove = emptyForm()
	}
	if p.Forms.Reopen == nil {
		p.Forms.Reopen = emptyForm()
	}
	s.render(w, r, status, "vae_experience.html", "Dossier d'expérience — "+v.Candidate.DisplayName(), p)
	return nil
}

// experienceBack sends the browser back to a section of the experience page after a change.
func (s *Server) experienceBack(w http.ResponseWriter, r *http.Request, msg, anchor string) {
	s.flash(r, msg)
	to := "/vae/" + r.PathValue("id") + "/experience"
	if anchor != "" {
		to += "#" + anchor
	}
	http.Redirect(w, r, to, http.StatusSeeOther)
}

// experienceRefused shows the page again with a refused form, or returns err when it is not
// about the input.
func (s *Server) experienceRefused(w http.ResponseWriter, r *http.Request, err error, f *form, put func(*experienceForms)) error {
	if !f.fail(err) {
		return err
	}
	var forms experienceForms
	put(&forms)
	return s.renderExperience(w, r, formStatus(err), forms)
}

// vaeExperienceSubmit saves the narratives of the blocks still to validate (do=save), and
// deposits the file when asked (do=submit).
func (s *Server) vaeExperienceSubmit(w http.ResponseWriter, r *http.Request) error {
	if err := parseForm(w, r); err != nil {
		return err
	}
	ctx, a, id := r.Context(), actorFrom(r.Context()), r.PathValue("id")
	v, ok, err := s.vaePartView(w, r, vaeExperiencePart)
	if !ok {
		return err
	}
	f := newForm(r)
	put := func(fs *experienceForms) { fs.Text = f }
	narratives := map[string]string{}
	for _, b := range v.OpenBlocks() {
		if vals, ok := r.PostForm[service.NarrativeField(b.Code)]; ok && len(vals) > 0 {
			narratives[b.Code] = vals[0]
		}
	}
	if err := s.svc.SaveExperience(ctx, a, id, narratives); err != nil {
		return s.experienceRefused(w, r, err, f, put)
	}
	if r.PostForm.Get("do") != "submit" {
		s.experienceBack(w, r, "Vos récits sont enregistrés. Vous pouvez y revenir quand vous voulez avant de déposer le dossier.", "")
		return nil
	}
	if err := s.svc.SubmitExperience(ctx, a, id); err != nil {
		var de *domain.Error
		if !errors.As(err, &de) || de.Code != domain.EINVALID || de.Fields["submit"] == "" {
			return s.experienceRefused(w, r, err, f, put)
		}
		f.Error = "Le dossier d'expérience ne peut pas encore être déposé : vos récits sont enregistrés, complétez ce qui manque."
		for _, b := range v.OpenBlocks() {
			text, typed := narratives[b.Code]
			if !typed {
				text = v.Experience[b.Code].Narrative
			}
			if strings.TrimSpace(text) == "" {
				f.Errors[service.NarrativeField(b.Code)] = "Décrivez ce que vous avez fait pour le bloc " + b.Code + "."
			}
		}
		return s.renderExperience(w, r, formStatus(err), experienceForms{Text: f, Missing: true})
	}
	s.flash(r, "Votre dossier d'expérience est déposé. Le secrétariat vous convoquera devant une commission d'évaluation ; la convocation arrivera par courriel.")
	http.Redirect(w, r, "/vae/"+id, http.StatusSeeOther)
	return nil
}

// vaeExperienceReopen reopens the experience file after a partial result at the jury, for the
// blocks still to validate.
func (s *Server) vaeExperienceReopen(w http.ResponseWriter, r *http.Request) error {
	if err := parseForm(w, r); err != nil {
		return err
	}
	f := newForm(r)
	if err := s.svc.ReopenExperience(r.Context(), actorFrom(r.Context()), r.PathValue("id")); err != nil {
		return s.experienceRefused(w, r, err, f, func(fs *experienceForms) { fs.Reopen = f })
	}
	s.experienceBack(w, r, "Votre dossier d'expérience est rouvert pour les blocs encore à valider : ce que vous aviez écrit et vos pièces sont gardés.", "")
	return nil
}

// evidenceSize writes a size the French way: « 850 octets », « 12 Ko », « 2,5 Mo ».
func evidenceSize(n int64) string {
	switch {
	case n < 1<<10:
		return fmt.Sprintf("%d octets", n)
	case n < 1<<20:
		return decimalFR(float64(n)/(1<<10)) + " Ko"
	}
	return decimalFR(float64(n)/(1<<20)) + " Mo"
}

// decimalFR writes x with one decimal under 10 (« 2,5 »), none above (« 12 »), and no « ,0 ».
func decimalFR(x float64) string {
	if x >= 10 {
		return frenchNumber(int(x + 0.5))
	}
	s := strings.TrimSuffix(fmt.Sprintf("%.1f", x), ".0")
	return strings.Replace(s, ".", ",", 1)
}

// evidenceKind names an evidence file's type, as read from its content.
func evidenceKind(contentType string) string {
	switch contentType {
	case domain.EvidencePDF:
		return "PDF"
	case domain.EvidencePNG:
		return "Image PNG"
	case domain.EvidenceJPEG:
		return "Image JPEG"
	}
	return contentType
}
