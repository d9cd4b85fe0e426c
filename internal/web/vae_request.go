package web

import (
	"net/http"
	"strings"

	"cqp/internal/domain"
	"cqp/internal/service"
	"cqp/internal/store"
)

// vaeCandidateChoices is how many candidates the request form offers in a list; beyond it, the
// candidate is given by their number.
const vaeCandidateChoices = 200

type vaeRequestPage struct {
	Form           *form
	Candidates     []option // empty when there are too many: the number is typed instead
	Qualifications []option
	Publics        []option
	Companies      []option
	Optional       []optionalBlocks
	// ByCompany is a company asking for its employee: its company is required.
	ByCompany bool
}

func (s *Server) vaeRequestData(r *http.Request, f *form) (vaeRequestPage, error) {
	ctx, a := r.Context(), actorFrom(r.Context())
	p := vaeRequestPage{Form: f, Publics: publicOptions(),
		ByCompany: service.AccessFor(a, service.ActVAERequest) == service.AccessScoped}
	fws, err := s.svc.Frameworks(ctx, a)
	if err != nil {
		return p, err
	}
	for _, fw := range fws {
		q := fw.Framework.Qualification
		p.Qualifications = append(p.Qualifications, option{q.Code, q.Title})
		p.Optional = append(p.Optional, optionalBlocks{q.Code, q.Title, fw.Framework.BlocksOfKind(domain.BlockOptional)})
	}
	if service.Can(a, service.ActCompanyRead) {
		cos, err := s.svc.Companies(ctx, a)
		if err != nil {
			return p, err
		}
		for _, c := range cos {
			p.Companies = append(p.Companies, option{c.ID, companyLabel(c)})
		}
		if p.ByCompany && len(cos) == 1 && f.Get("company") == "" {
			f.Values.Set("company", cos[0].ID)
		}
	}
	if service.Can(a, service.ActCandidateList) {
		page, err := s.svc.Candidates(ctx, a, store.CandidateFilter{Limit: vaeCandidateChoices + 1})
		if err != nil {
			return p, err
		}
		if page.Total <= vaeCandidateChoices {
			seen := map[string]bool{}
			for _, row := range page.Rows {
				c := row.Candidate
				if seen[c.ID] {
					continue
				}
				seen[c.ID] = true
				p.Candidates = append(p.Candidates, option{c.ID, c.FullName() + " — " + c.Number + ", né·e le " + c.BirthDate.String()})
			}
		}
	}
	return p, nil
}

func (s *Server) vaeRequestForm(w http.ResponseWriter, r *http.Request) error {
	f := emptyForm()
	f.Values.Set("candidate", r.URL.Query().Get("candidat"))
	f.Values.Set("public", string(domain.PublicEmployee))
	p, err := s.vaeRequestData(r, f)
	if err != nil {
		return err
	}
	s.render(w, r, http.StatusOK, "vae_request.html", "Demande de VAE", p)
	return nil
}

func (s *Server) vaeRequestSubmit(w http.ResponseWriter, r *http.Request) error {
	if err := parseForm(w, r); err != nil {
		return err
	}
	ctx, a := r.Context(), actorFrom(r.Context())
	f := newForm(r)
	v := r.PostForm
	fe := domain.FieldErrors{}
	qual := v.Get("qualification")
	in := service.VAERequestInput{QualificationCode: qual, Public: domain.Public(v.Get("public")), CompanyID: v.Get("company"),
		Blocks: v["blocks_"+qual], Message: v.Get("message")}
	if typed := strings.TrimSpace(v.Get("candidate")); typed != "" {
		id, err := s.vaeCandidateID(r, typed)
		if err != nil {
			return err
		}
		in.CandidateID = id
	} else {
		in.Candidate = candidateIdentityOf(v, fe)
	}
	out, err := s.svc.RequestVAE(ctx, a, in)
	if err != nil {
		if !f.failWith(err, fe) {
			return err
		}
		p, derr := s.vaeRequestData(r, f)
		if derr != nil {
			return derr
		}
		s.render(w, r, formStatus(err), "vae_request.html", "Demande de VAE", p)
		return nil
	}
	s.flash(r, "La demande de VAE de "+out.Candidate.DisplayName()+" ("+out.Candidate.Number+") pour « "+
		out.Enrolment.QualificationTitle+" » est enregistrée. Le secrétariat envoie ensuite le dossier de recevabilité.")
	http.Redirect(w, r, "/vae/"+out.Enrolment.ID, http.StatusSeeOther)
	return nil
}

// vaeCandidateID turns what was typed in the candidate field into a candidate id: the list gives
// the id, the text field a candidate number (C-2026-00042). A number nobody has is passed on as
// it is, and the service says the candidate is unknown.
func (s *Server) vaeCandidateID(r *http.Request, typed string) (string, error) {
	a := actorFrom(r.Context())
	if !service.Can(a, service.ActCandidateList) {
		return typed, nil
	}
	page, err := s.svc.Candidates(r.Context(), a, store.CandidateFilter{Search: typed, Limit: 20})
	if err != nil {
		return "", err
	}
	for _, row := range page.Rows {
		if strings.EqualFold(row.Candidate.Number, typed) {
			return row.Candidate.ID, nil
		}
	}
	return typed, nil
}
