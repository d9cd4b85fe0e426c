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

// verifyPage is what verify.html shows: anyone may ask it, 30 times a minute from each
// address, so the template reads plain fields, formatted here once, and calls no function.
type verifyPage struct {
	Code         string            // what was typed, shown again in the form
	Verification *verificationView // nil when no document is shown
	NotFound     string            // why no document is shown
}

// verificationView is a service.Verification as the page prints it.
type verificationView struct {
	Title              string // « Attestation du bloc BC2 — … », or the document's kind
	Number             string
	GroupedCode        string // as printed on the document: ACDE FGHJ KMNP
	HolderName         string
	QualificationCode  string
	QualificationTitle string // "" while the branch has not confirmed it
	RNCP               string
	BranchName         string
	AwardedOn          string // JJ/MM/AAAA
	Revoked            bool
	RevokedOn          string // JJ/MM/AAAA
	Certificate        bool   // a certificate rather than an attestation
	BlockCode          string // the block of a block attestation
	Blocks             []store.CertificateBlock
}

func viewOf(v service.Verification) *verificationView {
	return &verificationView{Title: v.Title(), Number: v.Number, GroupedCode: v.GroupedCode(), HolderName: v.HolderName,
		QualificationCode: v.QualificationCode, QualificationTitle: v.QualificationTitle, RNCP: v.RNCP, BranchName: v.BranchName,
		AwardedOn: v.AwardedOn.String(), Revoked: v.Revoked, RevokedOn: v.RevokedOn.String(), Certificate: v.Kind == store.KindCertificate,
		BlockCode: v.BlockCode, Blocks: v.Blocks}
}

// verifyForm is the public verification form. A code sent with it is looked up: a well-formed
// code is redirected to its own address, which a person can keep or share.
func (s *Server) verifyForm(w http.ResponseWriter, r *http.Request) error {
	raw := strings.TrimSpace(r.URL.Query().Get("code"))
	if raw == "" {
		s.render(w, r, http.StatusOK, "verify.html", "Vérifier un certificat", verifyPage{})
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

func (s *Server) verify(w http.ResponseWriter, r *http.Request, raw string) error {
	// The page names a person: search engines must not keep it.
	w.Header().Set("X-Robots-Tag", "noindex, nofollow")
	v, err := s.svc.VerifyCertificate(r.Context(), raw, clientIP(r))
	switch domain.ErrorCode(err) {
	case "":
		title := "Vérification d'un certificat"
		if v.Kind == store.KindAttestation {
			title = "Vérification d'une attestation"
		}
		s.render(w, r, http.StatusOK, "verify.html", title, verifyPage{Verification: viewOf(v)})
		return nil
	case domain.ENOTFOUND:
		s.render(w, r, http.StatusNotFound, "verify.html", "Aucun document ne correspond à ce code",
			verifyPage{Code: raw, NotFound: domain.ErrorMessage(err)})
		return nil
	case domain.ETOOMANY:
		w.Header().Set("Retry-After", strconv.Itoa(int(service.VerifyWindow.Seconds())))
	}
	return err
}
