package web

import (
	"net/http"
	"strconv"

	"cqp/internal/service"
)

type certificateSettingsPage struct {
	Settings service.CertificateSettings
	Form     *form
}

// certificateSettingsShow shows the branch's settings the jury and the documents use: the
// quorum, the three signatories' names and the place of signature.
func (s *Server) certificateSettingsShow(w http.ResponseWriter, r *http.Request) error {
	st, err := s.svc.CertificateSettings(r.Context(), actorFrom(r.Context()))
	if err != nil {
		return err
	}
	f := emptyForm()
	f.Values.Set("quorum", strconv.Itoa(st.JuryQuorum))
	f.Values.Set("jury_president_name", st.JuryPresidentName)
	f.Values.Set("csca_president_name", st.CSCAPresidentName)
	f.Values.Set("cpne_president_name", st.CPNEPresidentName)
	f.Values.Set("signature_place", st.SignaturePlace)
	s.render(w, r, http.StatusOK, "certificate_settings.html", "Paramètres des certificats", certificateSettingsPage{Settings: st, Form: f})
	return nil
}

// certificateSettingsSave records the settings: the place of signature, then the quorum and
// the names (the jury's settings).
func (s *Server) certificateSettingsSave(w http.ResponseWriter, r *http.Request) error {
	if err := parseForm(w, r); err != nil {
		return err
	}
	ctx, a := r.Context(), actorFrom(r.Context())
	f := newForm(r)
	err := s.svc.SaveSignaturePlace(ctx, a, r.PostForm.Get("signature_place"))
	if err == nil {
		_, err = s.svc.SaveJurySettings(ctx, a, service.JurySettingsInput{Quorum: r.PostForm.Get("quorum"),
			JuryPresidentName: r.PostForm.Get("jury_president_name"), CSCAPresidentName: r.PostForm.Get("csca_president_name"),
			CPNEPresidentName: r.PostForm.Get("cpne_president_name")})
	}
	if err != nil {
		if !f.fail(err) {
			return err
		}
		st, serr := s.svc.CertificateSettings(ctx, a)
		if serr != nil {
			return serr
		}
		s.render(w, r, formStatus(err), "certificate_settings.html", "Paramètres des certificats", certificateSettingsPage{Settings: st, Form: f})
		return nil
	}
	s.flash(r, "Les paramètres sont enregistrés. Ils valent pour les documents délivrés désormais ; ceux déjà délivrés gardent ce qu'ils impriment.")
	http.Redirect(w, r, "/parametres", http.StatusSeeOther)
	return nil
}
