package web

import (
	"net/http"
	"net/url"

	"cqp/internal/domain"
	"cqp/internal/service"
)

type optionalBlocks struct {
	QualificationCode  string
	QualificationTitle string
	Blocks             []domain.Block
}

type candidateNewPage struct {
	Form           *form
	Qualifications []option
	Routes         []option
	Publics        []option
	Organisations  []option
	Companies      []option
	Optional       []optionalBlocks
}

func (s *Server) candidateNewData(r *http.Request, f *form) (candidateNewPage, error) {
	ctx, a := r.Context(), actorFrom(r.Context())
	p := candidateNewPage{Form: f}
	fws, err := s.svc.Frameworks(ctx, a)
	if err != nil {
		return p, err
	}
	for _, fw := range fws {
		q := fw.Framework.Qualification
		p.Qualifications = append(p.Qualifications, option{q.Code, q.Title})
		p.Optional = append(p.Optional, optionalBlocks{q.Code, q.Title, fw.Framework.BlocksOfKind(domain.BlockOptional)})
	}
	for _, rt := range domain.Routes {
		p.Routes = append(p.Routes, option{string(rt), rt.Label()})
	}
	for _, pu := range []domain.Public{domain.PublicRecentGraduate, domain.PublicJobSeeker, domain.PublicEmployee} {
		p.Publics = append(p.Publics, option{string(pu), pu.Label()})
	}
	orgs, err := s.svc.TrainingOrganisations(ctx, a)
	if err != nil {
		return p, err
	}
	for _, o := range orgs {
		p.Organisations = append(p.Organisations, option{o.ID, o.Name})
	}
	if len(orgs) == 1 && f.Get("training_organisation") == "" {
		f.Values.Set("training_organisation", orgs[0].ID)
	}
	if service.Can(a, service.ActCompanyRead) {
		cos, err := s.svc.Companies(ctx, a)
		if err != nil {
			return p, err
		}
		for _, c := range cos {
			p.Companies = append(p.Companies, option{c.ID, c.Name + " (" + c.City + ")"})
		}
	}
	return p, nil
}

func (s *Server) candidateNewForm(w http.ResponseWriter, r *http.Request) error {
	p, err := s.candidateNewData(r, emptyForm())
	if err != nil {
		return err
	}
	s.render(w, r, http.StatusOK, "candidate_new.html", "Inscrire un candidat", p)
	return nil
}

func (s *Server) candidateNewSubmit(w http.ResponseWriter, r *http.Request) error {
	if err := parseForm(w, r); err != nil {
		return err
	}
	f := newForm(r)
	v := r.PostForm
	// An unreadable date leaves BirthDate zero, which the service refuses; fe then replaces
	// its message with one that says what was wrong with what was typed.
	fe := domain.FieldErrors{}
	c := candidateIdentityOf(v, fe)
	qual := v.Get("qualification")
	in := service.CandidateInput{Candidate: c, Enrolment: &service.EnrolmentInput{
		QualificationCode: qual, Route: domain.Route(v.Get("route")), Public: domain.Public(v.Get("public")),
		TrainingOrganisationID: v.Get("training_organisation"), CompanyID: v.Get("company"),
		Blocks: v["blocks_"+qual],
	}}
	created, err := s.svc.CreateCandidate(r.Context(), actorFrom(r.Context()), in)
	if err != nil {
		if !f.failWith(err, fe) {
			return err
		}
		p, derr := s.candidateNewData(r, f)
		if derr != nil {
			return derr
		}
		s.render(w, r, formStatus(err), "candidate_new.html", "Inscrire un candidat", p)
		return nil
	}
	s.flash(r, "Le candidat "+created.DisplayName()+" est inscrit sous le numéro "+created.Number+".")
	http.Redirect(w, r, "/candidats/"+created.ID, http.StatusSeeOther)
	return nil
}

// candidateIdentityOf reads the identity fields shared by every enrolment form; an unreadable
// birth date is recorded in fe.
func candidateIdentityOf(v url.Values, fe domain.FieldErrors) domain.Candidate {
	return domain.Candidate{
		BirthName: v.Get("birth_name"), UsedName: v.Get("used_name"), FirstNames: v.Get("first_names"),
		Sex: domain.Sex(v.Get("sex")), BirthINSEE: v.Get("birth_insee"), BirthCountry: v.Get("birth_country"),
		BirthCity: v.Get("birth_city"), Email: v.Get("email"), NIR: v.Get("nir"),
		BirthDate: formDate(v, "birth_date", fe, "La date de naissance doit être au format JJ/MM/AAAA, par exemple 04/05/1998."),
	}
}
