package web

import (
	"net/http"

	"cqp/internal/service"
	"cqp/internal/store"
)

type certificateShowPage struct {
	Certificate     store.Certificate
	GroupedCode     string
	VerificationURL string
	FileName        string
	Status          string
	RevokeForm      *form
}

// certificateShow shows one document: what it prints, its status and, for the secretariat,
// the revocation form.
func (s *Server) certificateShow(w http.ResponseWriter, r *http.Request) error {
	return s.renderCertificate(w, r, http.StatusOK, emptyForm())
}

func (s *Server) renderCertificate(w http.ResponseWriter, r *http.Request, status int, f *form) error {
	c, err := s.svc.Certificate(r.Context(), actorFrom(r.Context()), r.PathValue("id"))
	if err != nil {
		return err
	}
	s.render(w, r, status, "certificate_show.html", c.Kind.Label()+" n° "+c.Number, certificateShowPage{
		Certificate: c, GroupedCode: service.GroupVerificationCode(c.VerificationCode),
		VerificationURL: s.svc.VerificationURL(c.VerificationCode), FileName: service.CertificateFileName(c),
		Status: certificateStatus(c), RevokeForm: f})
	return nil
}

// certificatePDF downloads a document, rendered from its record.
func (s *Server) certificatePDF(w http.ResponseWriter, r *http.Request) error {
	f, err := s.svc.CertificatePDF(r.Context(), actorFrom(r.Context()), r.PathValue("id"))
	if err != nil {
		return err
	}
	sendFile(w, f)
	return nil
}

// certificateRevoke revokes a document with the reason given.
func (s *Server) certificateRevoke(w http.ResponseWriter, r *http.Request) error {
	if err := parseForm(w, r); err != nil {
		return err
	}
	f := newForm(r)
	id := r.PathValue("id")
	c, err := s.svc.RevokeCertificate(r.Context(), actorFrom(r.Context()), id, r.PostForm.Get("reason"))
	if err != nil {
		if !f.fail(err) {
			return err
		}
		return s.renderCertificate(w, r, formStatus(err), f)
	}
	s.flash(r, "Le document n° "+c.Number+" est révoqué : la vérification publique l'affiche désormais comme révoqué, avec la raison donnée.")
	http.Redirect(w, r, "/certificats/"+id, http.StatusSeeOther)
	return nil
}
