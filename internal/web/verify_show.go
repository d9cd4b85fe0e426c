package web

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"cqp/internal/domain"
	"cqp/internal/service"
	"cqp/internal/store"
)

type verifyPage struct {
	Form         *form
	Verification *service.Verification
	NotFound     string // why no document is shown
	Example      string
}

// verifyForm is the public verification form. A code sent with it is looked up: a well-formed
// code is redirected to its own address, which a person can keep or share.
func (s *Server) verifyForm(w http.ResponseWriter, r *http.Request) error {
	raw := strings.TrimSpace(r.URL.Query().Get("code"))
	if raw == "" {
		s.render(w, r, http.StatusOK, "verify.html", "Vérifier un certificat", verifyPage{Form: emptyForm(), Example: verifyExample})
		return nil
	}
	if code, ok := service.NormalizeVerificationCode(raw); ok {
		http.Redirect(w, r, "/verifier/"+url.PathEscape(code), http.StatusSeeOther)
		return nil
	}
	return s.verify(w, r, raw)
}

// verifyShow shows what anyone may know of the document with a code: whether it is genuine,
// valid or revoked, its holder, qualification, blocks and date.
func (s *Server) verifyShow(w http.ResponseWriter, r *http.Request) error {
	return s.verify(w, r, r.PathValue("code"))
}

// verifyExample shows the look of a code in the form's hint.
const verifyExample = "ACDE FGHJ KMNP"

func (s *Server) verify(w http.ResponseWriter, r *http.Request, raw string) error {
	// The page names a person: search engines must not keep it.
	w.Header().Set("X-Robots-Tag", "noindex, nofollow")
	f := emptyForm()
	f.Values.Set("code", raw)
	v, err := s.svc.VerifyCertificate(r.Context(), raw, clientIP(r))
	switch domain.ErrorCode(err) {
	case "":
		title := "Vérification d'un certificat"
		if v.Kind == store.KindAttestation {
			title = "Vérification d'une attestation"
		}
		s.render(w, r, http.StatusOK, "verify.html", title, verifyPage{Form: emptyForm(), Verification: &v, Example: verifyExample})
		return nil
	case domain.ENOTFOUND:
		s.render(w, r, http.StatusNotFound, "verify.html", "Aucun document ne correspond à ce code",
			verifyPage{Form: f, NotFound: domain.ErrorMessage(err), Example: verifyExample})
		return nil
	case domain.ETOOMANY:
		w.Header().Set("Retry-After", strconv.Itoa(int(service.VerifyWindow.Seconds())))
	}
	return err
}
