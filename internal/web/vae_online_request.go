package web

import (
	"net/http"
	"strconv"

	"cqp/internal/domain"
	"cqp/internal/service"
)

// The public page where a person asks for a VAE themselves, without an account
// (service.RequestVAEOnline). The secretariat answers by sending the admissibility file.

type vaeOnlinePage struct {
	Form           *form
	Qualifications []service.VAEQualification
	Options        []option
	Publics        []option
	Done           bool
	Email          string
}

func (s *Server) vaeOnlineData(r *http.Request, f *form) (vaeOnlinePage, error) {
	p := vaeOnlinePage{Form: f}
	qs, err := s.svc.VAEQualifications(r.Context())
	if err != nil {
		return p, err
	}
	p.Qualifications = qs
	for _, q := range qs {
		p.Options = append(p.Options, option{q.Code, publicQualificationName(q)})
	}
	for _, pu := range []domain.Public{domain.PublicEmployee, domain.PublicJobSeeker, domain.PublicRecentGraduate} {
		p.Publics = append(p.Publics, option{string(pu), pu.Label()})
	}
	return p, nil
}

// vaeOnlineForm shows the request form.
func (s *Server) vaeOnlineForm(w http.ResponseWriter, r *http.Request) error {
	p, err := s.vaeOnlineData(r, emptyForm())
	if err != nil {
		return err
	}
	s.render(w, r, http.StatusOK, "vae_online_request.html", "Demander une VAE", p)
	return nil
}

// vaeOnlineSubmit records the request, or shows the form again with what was typed and why it
// was refused.
func (s *Server) vaeOnlineSubmit(w http.ResponseWriter, r *http.Request) error {
	if err := parseForm(w, r); err != nil {
		return err
	}
	f := newForm(r)
	fe := domain.FieldErrors{}
	v := r.PostForm
	qual := v.Get("qualification")
	in := service.VAERequestInput{Candidate: candidateIdentityOf(v, fe), QualificationCode: qual,
		Public: domain.Public(v.Get("public")), Blocks: v["blocks_"+qual], Message: v.Get("message"), FormErrors: fe}
	if v.Get("consent") != "yes" {
		fe.Add("consent", "Cochez la case pour accepter que le secrétariat des CQP traite votre demande.")
	}
	// The service checks everything else and reports the form's errors with its own.
	out, err := s.svc.RequestVAEOnline(r.Context(), in, clientIP(r))
	if err == nil {
		p, err := s.vaeOnlineData(r, emptyForm())
		if err != nil {
			return err
		}
		p.Done, p.Email = true, out.Candidate.Email
		s.render(w, r, http.StatusOK, "vae_online_request.html", "Demande de VAE reçue", p)
		return nil
	}
	if !f.failWith(err, fe) {
		return err
	}
	if domain.ErrorCode(err) == domain.ETOOMANY {
		w.Header().Set("Retry-After", strconv.Itoa(int(service.OnlineRequestWindow.Seconds())))
	}
	p, derr := s.vaeOnlineData(r, f)
	if derr != nil {
		return derr
	}
	s.render(w, r, formStatus(err), "vae_online_request.html", "Demander une VAE", p)
	return nil
}

// publicQualificationName is how the public form names a qualification: its title, or its code
// while the branch has not confirmed the title.
func publicQualificationName(q service.VAEQualification) string {
	if q.Title == "" {
		return "CQP " + q.Code
	}
	return q.Title
}
