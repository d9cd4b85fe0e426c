package web

import (
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"cqp/internal/domain"
	"cqp/internal/download"
	"cqp/internal/service"
	"cqp/internal/store"
)

// The admissibility file (dossier de recevabilité) as the candidate fills it: one long form
// saved as often as they like, sent to the secretariat when nothing is missing. Readers who do
// not fill it (the reviewing organisation, the adviser, the commission) see the submitted
// versions.

const (
	vaeBlankPeriods  = 2   // blank period rows under the typed ones
	vaeBlankDiplomas = 1   // blank diploma rows under the typed ones
	vaeMaxBlankRows  = 10  // blank rows one may ask for
	vaeMaxPostedRows = 100 // rows read from a posted form; the service refuses more than it keeps
)

// admissibilityPeriodRow names the fields of one experience period row; N counts from 1.
type admissibilityPeriodRow struct {
	N                                                int
	Employer, Role, From, Until, Related, Activities string
}

// admissibilityDiplomaRow names the fields of one diploma row; N counts from 1.
type admissibilityDiplomaRow struct {
	N                  int
	Title, Year, Level string
}

// admissibilityBlock is one presented block of the self-assessment.
type admissibilityBlock struct {
	Code, Title string
	Competences []admissibilityCompetence
}

// admissibilityCompetence is one competence of the self-assessment and its two fields.
type admissibilityCompetence struct {
	Code, Title                string
	LevelField, SituationField string
}

// admissibilityLink is a message pointing to where it is fixed on the page ("" when nowhere).
type admissibilityLink struct{ Text, Anchor string }

type admissibilityPage struct {
	V        service.VAEView
	Editable bool
	Form     *form
	Periods  []admissibilityPeriodRow
	Diplomas []admissibilityDiplomaRow
	Blocks   []admissibilityBlock
	Levels   []option
	Errors   []admissibilityLink // refused values, in the order of the page
	Missing  []admissibilityLink // what a refused submission lacks
	Check    service.AdmissibilityCheck
	Today    domain.Date // the service's today, for the live check
	// Incomplete is the secretariat's decision sending the file back, while it is to complete.
	Incomplete *store.VAEDecision
	// Read-only: the version shown (nil: the draft, before any submission) and its content.
	Shown   domain.AdmissibilityFile
	Version *store.VAEFileVersion
}

// HasDraft reports whether there is something to print in the filled PDF.
func (p admissibilityPage) HasDraft() bool {
	return p.V.File.Version > 0 || len(p.V.File.Draft.Periods) > 0 || p.V.File.Draft.Address != ""
}

// Blank reports whether the file shown read-only holds nothing yet.
func (p admissibilityPage) Blank() bool {
	d := p.Shown
	return d.Address == "" && d.Phone == "" && d.Situation == "" && d.Motivation == "" && len(d.Periods) == 0 &&
		len(d.Diplomas) == 0 && len(d.SelfAssessment) == 0
}

// admissibilityState is what the page shows around the file: the form as typed when it was
// refused, how many blank rows, what a refused submission lacks.
type admissibilityState struct {
	Form                        *form // nil: the saved draft
	BlankPeriods, BlankDiplomas int
	Missing                     service.AdmissibilityCheck // a submission refused for missing parts
}

func (s *Server) vaeAdmissibilityShow(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	st := admissibilityState{BlankPeriods: admissibilityBlankRows(q.Get("periodes"), vaeBlankPeriods),
		BlankDiplomas: admissibilityBlankRows(q.Get("diplomes"), vaeBlankDiplomas)}
	return s.renderAdmissibility(w, r, http.StatusOK, st)
}

// admissibilityBlankRows reads how many blank rows to show, at least def.
func admissibilityBlankRows(v string, def int) int {
	n, err := strconv.Atoi(v)
	if err != nil || n < def {
		return def
	}
	return min(n, vaeMaxBlankRows)
}

// vaePart is a part of a VAE file that a page or a form is about.
type vaePart int

const (
	vaeAdmissibilityPart vaePart = iota // the admissibility file
	vaeExperiencePart                   // the experience file and its evidence
)

// vaePartView reads the VAE file of the request's {id} for a page or form about one of its
// parts. A reader who may see the file but not that part (a company; a reviewing organisation
// for the experience file) is sent to the file's overview with the reason when they asked for a
// page, and told "not found" when they posted a form. ok is false when the handler must stop,
// with err to return.
func (s *Server) vaePartView(w http.ResponseWriter, r *http.Request, part vaePart) (v service.VAEView, ok bool, err error) {
	v, err = s.svc.VAE(r.Context(), actorFrom(r.Context()), r.PathValue("id"))
	if err != nil {
		return v, false, err
	}
	shown, private := v.ShowAdmissibility, vaeAdmissibilityPrivate
	if part == vaeExperiencePart {
		shown, private = v.ShowExperience, vaeExperiencePrivate
	}
	switch {
	case shown:
		return v, true, nil
	case r.Method == http.MethodPost:
		return v, false, domain.Errorf(domain.ENOTFOUND, "Dossier de VAE introuvable.")
	}
	s.flash(r, private)
	http.Redirect(w, r, "/vae/"+r.PathValue("id"), http.StatusSeeOther)
	return v, false, nil
}

const (
	vaeAdmissibilityPrivate = "Le dossier de recevabilité est personnel : seuls le candidat, le secrétariat et les personnes qui l'examinent le lisent. Voici où en est la demande."
	vaeExperiencePrivate    = "Le dossier d'expérience est personnel : seuls le candidat, le secrétariat, son accompagnateur et la commission qui l'entend le lisent. Voici où en est la demande."
)

func (s *Server) renderAdmissibility(w http.ResponseWriter, r *http.Request, status int, st admissibilityState) error {
	v, ok, err := s.vaePartView(w, r, vaeAdmissibilityPart)
	if !ok {
		return err
	}
	p := admissibilityPage{V: v, Editable: v.CanFillAdmissibility, Form: st.Form, Check: v.Check, Today: s.svc.Today()}
	for _, l := range domain.SelfLevels {
		p.Levels = append(p.Levels, option{Value: string(l), Label: l.Label()})
	}
	for _, b := range v.Blocks {
		if v.Acquired[b.Code] {
			continue // held for good: not assessed again
		}
		sb := admissibilityBlock{Code: b.Code, Title: b.Title}
		for _, c := range b.Competences {
			sb.Competences = append(sb.Competences, admissibilityCompetence{Code: c.Code, Title: c.Title,
				LevelField: service.SelfLevelField(c.Code), SituationField: service.SituationField(c.Code)})
		}
		p.Blocks = append(p.Blocks, sb)
	}
	if v.File.Status == domain.VAEIncomplete && v.LatestDecision != nil && v.LatestDecision.Decision == domain.DecisionIncomplete {
		p.Incomplete = v.LatestDecision
	}
	if !p.Editable {
		p.Shown = v.File.Draft
		if len(v.Versions) > 0 {
			p.Version = &v.Versions[0]
			if n, err := strconv.Atoi(r.URL.Query().Get("version")); err == nil {
				for i := range v.Versions {
					if v.Versions[i].Version == n {
						p.Version = &v.Versions[i]
					}
				}
			}
			p.Shown = p.Version.Content
		}
		p.Check = service.CheckAdmissibility(v.Framework, v.SelfAssessed(), p.Shown, v.Candidate.NIR != "" || p.Version != nil, p.Today)
		s.render(w, r, status, "vae_admissibility.html", "Dossier de recevabilité — "+v.Candidate.DisplayName(), p)
		return nil
	}
	if p.Form == nil {
		p.Form = emptyForm()
		p.Form.Values = admissibilityDraftValues(v.File.Draft)
	}
	typed := admissibilityRows(p.Form.Values, "period_")
	for i := range typed + max(st.BlankPeriods, vaeBlankPeriods) {
		p.Periods = append(p.Periods, admissibilityPeriodRow{N: i + 1, Employer: service.PeriodField(i, "employer"),
			Role: service.PeriodField(i, "role"), From: service.PeriodField(i, "from"), Until: service.PeriodField(i, "until"),
			Related: service.PeriodField(i, "related"), Activities: service.PeriodField(i, "activities")})
	}
	typed = admissibilityRows(p.Form.Values, "diploma_")
	for i := range typed + max(st.BlankDiplomas, vaeBlankDiplomas) {
		p.Diplomas = append(p.Diplomas, admissibilityDiplomaRow{N: i + 1, Title: service.DiplomaField(i, "title"),
			Year: service.DiplomaField(i, "year"), Level: service.DiplomaField(i, "level")})
	}
	if len(st.Missing.Missing) > 0 {
		for _, m := range st.Missing.Missing {
			anchor := "f-" + m.Field
			if m.Field == "periods" {
				anchor = "periodes"
			}
			p.Missing = append(p.Missing, admissibilityLink{Text: m.Message, Anchor: anchor})
		}
		for k, m := range st.Missing.FieldMessages {
			p.Form.Errors[k] = m
		}
	} else {
		p.Errors = admissibilityErrors(p.Form.Errors, p)
	}
	s.render(w, r, status, "vae_admissibility.html", "Dossier de recevabilité — "+v.Candidate.DisplayName(), p)
	return nil
}

// admissibilityDraftValues puts a saved draft into the form's fields.
func admissibilityDraftValues(d domain.AdmissibilityFile) url.Values {
	v := url.Values{}
	set := func(k, val string) {
		if val != "" {
			v.Set(k, val)
		}
	}
	set("address", d.Address)
	set("phone", d.Phone)
	set("situation", d.Situation)
	set("motivation", d.Motivation)
	for i, p := range d.Periods {
		set(service.PeriodField(i, "employer"), p.Employer)
		set(service.PeriodField(i, "role"), p.Role)
		set(service.PeriodField(i, "from"), p.From.String())
		set(service.PeriodField(i, "until"), p.Until.String())
		set(service.PeriodField(i, "activities"), p.Activities)
		if p.Related {
			set(service.PeriodField(i, "related"), "1")
		}
	}
	for i, dip := range d.Diplomas {
		set(service.DiplomaField(i, "title"), dip.Title)
		set(service.DiplomaField(i, "year"), dip.Year)
		set(service.DiplomaField(i, "level"), dip.Level)
	}
	for code, sa := range d.SelfAssessment {
		set(service.SelfLevelField(code), string(sa.Level))
		set(service.SituationField(code), sa.Situation)
	}
	if d.Certified {
		set("certified", "1")
	}
	return v
}

// admissibilityRows returns the highest row number of the fields named prefix+"N_…".
func admissibilityRows(values url.Values, prefix string) int {
	n := 0
	for k := range values {
		rest, ok := strings.CutPrefix(k, prefix)
		if !ok {
			continue
		}
		num, _, ok := strings.Cut(rest, "_")
		if !ok {
			continue
		}
		if i, err := strconv.Atoi(num); err == nil && i >= 1 && i <= vaeMaxPostedRows {
			n = max(n, i)
		}
	}
	return n
}

// readAdmissibility reads the posted form into the service's input. Blank rows are dropped and
// the rows renumbered, in the input and in the form shown again, so that "Période 2" in a
// message is the second row on the page. It returns how many blank rows were posted.
func readAdmissibility(r *http.Request, v service.VAEView) (service.AdmissibilityInput, *form, int, int) {
	pf := r.PostForm
	f := newForm(r)
	in := service.AdmissibilityInput{Address: pf.Get("address"), Phone: pf.Get("phone"), Situation: pf.Get("situation"),
		Motivation: pf.Get("motivation"), Certified: pf.Get("certified") != "", SelfAssessment: map[string]domain.SelfAssessment{},
		NIR: pf.Get("nir")}

	rows, blankPeriods := admissibilityRows(pf, "period_"), 0
	for i := range rows {
		p := service.PeriodInput{Employer: pf.Get(service.PeriodField(i, "employer")), Role: pf.Get(service.PeriodField(i, "role")),
			From: pf.Get(service.PeriodField(i, "from")), Until: pf.Get(service.PeriodField(i, "until")),
			Activities: pf.Get(service.PeriodField(i, "activities")), Related: pf.Get(service.PeriodField(i, "related")) != ""}
		for _, name := range []string{"employer", "role", "from", "until", "activities", "related"} {
			f.Values.Del(service.PeriodField(i, name))
		}
		if strings.TrimSpace(p.Employer+p.Role+p.From+p.Until+p.Activities) == "" {
			blankPeriods++
			continue
		}
		in.Periods = append(in.Periods, p)
	}
	for i, p := range in.Periods {
		f.Values.Set(service.PeriodField(i, "employer"), p.Employer)
		f.Values.Set(service.PeriodField(i, "role"), p.Role)
		f.Values.Set(service.PeriodField(i, "from"), p.From)
		f.Values.Set(service.PeriodField(i, "until"), p.Until)
		f.Values.Set(service.PeriodField(i, "activities"), p.Activities)
		if p.Related {
			f.Values.Set(service.PeriodField(i, "related"), "1")
		}
	}

	rows, blankDiplomas := admissibilityRows(pf, "diploma_"), 0
	for i := range rows {
		d := domain.Diploma{Title: pf.Get(service.DiplomaField(i, "title")), Year: pf.Get(service.DiplomaField(i, "year")),
			Level: pf.Get(service.DiplomaField(i, "level"))}
		for _, name := range []string{"title", "year", "level"} {
			f.Values.Del(service.DiplomaField(i, name))
		}
		if strings.TrimSpace(d.Title+d.Year+d.Level) == "" {
			blankDiplomas++
			continue
		}
		in.Diplomas = append(in.Diplomas, d)
	}
	for i, d := range in.Diplomas {
		f.Values.Set(service.DiplomaField(i, "title"), d.Title)
		f.Values.Set(service.DiplomaField(i, "year"), d.Year)
		f.Values.Set(service.DiplomaField(i, "level"), d.Level)
	}

	for _, b := range v.Blocks {
		if v.Acquired[b.Code] {
			continue // held for good: not assessed again
		}
		for _, c := range b.Competences {
			level, situation := pf.Get(service.SelfLevelField(c.Code)), pf.Get(service.SituationField(c.Code))
			if level != "" || strings.TrimSpace(situation) != "" {
				in.SelfAssessment[c.Code] = domain.SelfAssessment{Level: domain.SelfLevel(level), Situation: situation}
			}
		}
	}
	return in, f, blankPeriods, blankDiplomas
}

// vaeAdmissibilitySubmit saves the admissibility file ("save", and "add_period"/"add_diploma",
// which save then show one more blank row), or sends it to the secretariat ("submit").
func (s *Server) vaeAdmissibilitySubmit(w http.ResponseWriter, r *http.Request) error {
	if err := parseForm(w, r); err != nil {
		return err
	}
	ctx, a, id := r.Context(), actorFrom(r.Context()), r.PathValue("id")
	v, ok, err := s.vaePartView(w, r, vaeAdmissibilityPart)
	if !ok {
		return err
	}
	in, f, blankPeriods, blankDiplomas := readAdmissibility(r, v)
	st := admissibilityState{Form: f, BlankPeriods: max(blankPeriods, vaeBlankPeriods), BlankDiplomas: max(blankDiplomas, vaeBlankDiplomas)}
	do := r.PostForm.Get("do")
	switch do {
	case "add_period":
		st.BlankPeriods = min(st.BlankPeriods+1, vaeMaxBlankRows)
	case "add_diploma":
		st.BlankDiplomas = min(st.BlankDiplomas+1, vaeMaxBlankRows)
	}

	if do == "submit" {
		check, err := s.svc.SubmitAdmissibility(ctx, a, id, in)
		if err == nil {
			msg := fmt.Sprintf("Votre dossier de recevabilité est envoyé au secrétariat (version %d). Il le fait examiner, puis vous informe de sa décision.", v.File.Version+1)
			if service.AccessFor(a, service.ActVAEFill) == service.AccessAll {
				msg = fmt.Sprintf("Le dossier de recevabilité est enregistré comme reçu (version %d).", v.File.Version+1)
			}
			s.flash(r, msg)
			http.Redirect(w, r, "/vae/"+id, http.StatusSeeOther)
			return nil
		}
		if !admissibilityRefusedForMissing(err) {
			return s.admissibilityRefused(w, r, err, st)
		}
		// Complete values, but parts are missing: keep the draft, and say what to add.
		if _, serr := s.svc.SaveAdmissibility(ctx, a, id, in); serr != nil {
			return s.admissibilityRefused(w, r, serr, st)
		}
		f.Error = "Le dossier ne peut pas encore être envoyé : votre brouillon est enregistré, complétez ce qui manque."
		st.Missing = check
		return s.renderAdmissibility(w, r, formStatus(err), st)
	}

	if _, err := s.svc.SaveAdmissibility(ctx, a, id, in); err != nil {
		return s.admissibilityRefused(w, r, err, st)
	}
	back := "/vae/" + id + "/recevabilite"
	switch do {
	case "add_period":
		s.flash(r, "Votre brouillon est enregistré ; une ligne de période est ajoutée.")
		back += fmt.Sprintf("?periodes=%d&diplomes=%d#periode-%d", st.BlankPeriods, st.BlankDiplomas, len(in.Periods)+st.BlankPeriods)
	case "add_diploma":
		s.flash(r, "Votre brouillon est enregistré ; une ligne de diplôme est ajoutée.")
		back += fmt.Sprintf("?periodes=%d&diplomes=%d#diplome-%d", st.BlankPeriods, st.BlankDiplomas, len(in.Diplomas)+st.BlankDiplomas)
	default:
		s.flash(r, "Votre brouillon est enregistré. Vous pouvez y revenir quand vous voulez avant de l'envoyer.")
	}
	http.Redirect(w, r, back, http.StatusSeeOther)
	return nil
}

// admissibilityRefused shows the form again with what was typed, or returns err when it is not
// about the input.
func (s *Server) admissibilityRefused(w http.ResponseWriter, r *http.Request, err error, st admissibilityState) error {
	if !st.Form.fail(err) {
		return err
	}
	return s.renderAdmissibility(w, r, formStatus(err), st)
}

// admissibilityRefusedForMissing reports whether a submission was refused because parts of the file are
// missing (the values typed being correct).
func admissibilityRefusedForMissing(err error) bool {
	var de *domain.Error
	if !errors.As(err, &de) || de.Code != domain.EINVALID {
		return false
	}
	_, ok := de.Fields["submit"]
	return ok
}

// admissibilityErrors lists the field messages in the order of the page, then any other.
func admissibilityErrors(errs map[string]string, p admissibilityPage) []admissibilityLink {
	if len(errs) == 0 {
		return nil
	}
	order := []string{"address", "phone", "situation", "motivation", "periods"}
	for _, row := range p.Periods {
		order = append(order, row.Employer, row.Role, row.From, row.Until, row.Related, row.Activities)
	}
	order = append(order, "diplomas")
	for _, row := range p.Diplomas {
		order = append(order, row.Title, row.Year, row.Level)
	}
	order = append(order, "self_assessment")
	for _, b := range p.Blocks {
		for _, c := range b.Competences {
			order = append(order, c.LevelField, c.SituationField)
		}
	}
	order = append(order, "certified")
	anchors := map[string]string{"periods": "periodes", "diplomas": "diplomes", "self_assessment": "auto-evaluation"}
	var out []admissibilityLink
	seen := map[string]bool{}
	for _, k := range order {
		if m, ok := errs[k]; ok && !seen[k] {
			seen[k] = true
			a := anchors[k]
			if a == "" {
				a = "f-" + k
			}
			out = append(out, admissibilityLink{Text: m, Anchor: a})
		}
	}
	for k, m := range errs {
		if !seen[k] {
			out = append(out, admissibilityLink{Text: m})
		}
	}
	return out
}

// vaeAdmissibilityPDF downloads the admissibility file as a printable form: blank, or filled
// with what the file holds (?rempli=1).
func (s *Server) vaeAdmissibilityPDF(w http.ResponseWriter, r *http.Request) error {
	ctx, a, id := r.Context(), actorFrom(r.Context()), r.PathValue("id")
	v, ok, err := s.vaePartView(w, r, vaeAdmissibilityPart)
	if !ok {
		return err
	}
	filled := r.URL.Query().Get("rempli") == "1"
	pdf, err := s.svc.AdmissibilityFormPDF(ctx, a, id, filled)
	if err != nil {
		return err
	}
	name := "dossier-recevabilite-vae"
	if n := download.ASCIIFilename(v.Candidate.Number); n != "" {
		name += "-" + n
	}
	if filled {
		name += "-rempli"
	}
	sendFile(w, service.CertificateFile{Name: name + ".pdf", Type: "application/pdf", Content: pdf})
	return nil
}
