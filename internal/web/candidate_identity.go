package web

import (
	"net/http"
	"net/url"

	"cqp/internal/domain"
	"cqp/internal/service"
	"cqp/internal/store"
)

type candidateIdentityPage struct {
	Candidate    domain.Candidate
	NIR          string              // the NIR recorded, formatted, or "" when none
	Certificates []store.Certificate // issued, not revoked: they keep the identity they print
	Form         *form
}

// candidateIdentityForm shows the secretariat a candidate's identity to correct, prefilled;
// the NIR field stays empty (a number is never sent back to a form).
func (s *Server) candidateIdentityForm(w http.ResponseWriter, r *http.Request) error {
	c, err := s.svc.Candidate(r.Context(), actorFrom(r.Context()), r.PathValue("id"))
	if err != nil {
		return err
	}
	if c.ErasedAt != nil {
		return domain.Errorf(domain.ECONFLICT, "Les données de cette personne ont été effacées : son identité ne se corrige plus.")
	}
	f := emptyForm()
	f.Values = url.Values{"birth_name": {c.BirthName}, "used_name": {c.UsedName}, "first_names": {c.FirstNames},
		"birth_date": {c.BirthDate.String()}, "sex": {string(c.Sex)}, "birth_insee": {c.BirthINSEE},
		"birth_city": {c.BirthCity}, "birth_country": {c.BirthCountry}, "email": {c.Email}}
	return s.renderCandidateIdentity(w, r, http.StatusOK, c, f)
}

func (s *Server) renderCandidateIdentity(w http.ResponseWriter, r *http.Request, status int, c domain.Candidate, f *form) error {
	ctx, a := r.Context(), actorFrom(r.Context())
	if err := service.Check(a, service.ActCandidateIdentityCorrect); err != nil {
		return err
	}
	p := candidateIdentityPage{Candidate: c, NIR: domain.FormatNIR(c.NIR), Form: f}
	if service.Can(a, service.ActCertificateRead) {
		certs, err := s.svc.Certificates(ctx, a, store.CertificateFilter{CandidateID: c.ID, Status: store.CertificateValid})
		if err != nil {
			return err
		}
		p.Certificates = certs.Items
	}
	s.render(w, r, status, "candidate_identity.html", "Corriger l'identité", p)
	return nil
}

// candidateIdentitySubmit records the corrected identity, or shows the form again with every
// error and what was typed (but the NIR, never sent back to the browser).
func (s *Server) candidateIdentitySubmit(w http.ResponseWriter, r *http.Request) error {
	if err := parseForm(w, r); err != nil {
		return err
	}
	ctx, a, id := r.Context(), actorFrom(r.Context()), r.PathValue("id")
	v := r.PostForm
	fe := domain.FieldErrors{}
	typed := candidateIdentityOf(v, fe)
	in := service.IdentityCorrection{BirthName: typed.BirthName, UsedName: typed.UsedName, FirstNames: typed.FirstNames,
		BirthDate: typed.BirthDate, Sex: typed.Sex, BirthINSEE: typed.BirthINSEE, BirthCity: typed.BirthCity,
		BirthCountry: typed.BirthCountry, Email: typed.Email, NIR: typed.NIR, Reason: v.Get("reason")}
	if err := s.svc.CorrectCandidateIdentity(ctx, a, id, in); err != nil {
		f := newForm(r)
		f.Values.Del("nir")
		if !f.failWith(err, fe) {
			return err
		}
		c, cerr := s.svc.Candidate(ctx, a, id)
		if cerr != nil {
			return cerr
		}
		return s.renderCandidateIdentity(w, r, formStatus(err), c, f)
	}
	s.flash(r, "L'identité du candidat est corrigée.")
	http.Redirect(w, r, "/candidats/"+id, http.StatusSeeOther)
	return nil
}
