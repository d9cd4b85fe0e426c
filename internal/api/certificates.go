package api

import (
	"net/http"

	"cqp/internal/domain"
	"cqp/internal/download"
	"cqp/internal/store"
)

// Certificates and block attestations: the list the token's owner may read (everything for
// the secretariat and the branch, their own for a candidate), one document, its PDF (the same
// bytes as the web download) and its revocation by the secretariat, with a reason shown to
// anyone who verifies it.

type certificateBlockDTO struct {
	Code  string `json:"code"`
	Title string `json:"title"`
}

// certificateDTO is a document as issued, and whether it was mailed or revoked since.
type certificateDTO struct {
	ID                 string                `json:"id"`
	Number             string                `json:"number"`
	Kind               string                `json:"kind"`
	Title              string                `json:"title"`
	VerificationCode   string                `json:"verification_code"`
	VerificationURL    string                `json:"verification_url"`
	EnrolmentID        string                `json:"enrolment_id"`
	CandidateID        string                `json:"candidate_id"`
	SessionID          string                `json:"session_id"`
	HolderName         string                `json:"holder_name"`
	HolderBirthDate    *string               `json:"holder_birth_date"`
	QualificationCode  string                `json:"qualification_code"`
	QualificationTitle string                `json:"qualification_title"`
	RNCP               *string               `json:"rncp"`
	Level              *string               `json:"level"`
	BlockCode          *string               `json:"block_code"`
	Blocks             []certificateBlockDTO `json:"blocks"`
	AwardedOn          *string               `json:"awarded_on"`
	Place              *string               `json:"place"`
	IssuedAt           string                `json:"issued_at"`
	MailedAt           *string               `json:"mailed_at"`
	RevokedAt          *string               `json:"revoked_at"`
	RevokedReason      *string               `json:"revoked_reason"`
	PDF                string                `json:"pdf"`
}

func (a *API) certificateOf(c store.Certificate) certificateDTO {
	d := certificateDTO{ID: c.ID, Number: c.Number, Kind: string(c.Kind), Title: c.Title(), VerificationCode: c.VerificationCode,
		VerificationURL: a.svc.VerificationURL(c.VerificationCode), EnrolmentID: c.EnrolmentID, CandidateID: c.CandidateID,
		SessionID: c.SessionID, HolderName: c.HolderName, HolderBirthDate: optDate(c.HolderBirthDate), QualificationCode: c.QualificationCode,
		QualificationTitle: c.QualificationTitle, RNCP: opt(c.RNCP), Level: opt(c.Level), BlockCode: opt(c.BlockCode),
		Blocks: []certificateBlockDTO{}, AwardedOn: optDate(c.AwardedOn), Place: opt(c.Place), IssuedAt: timestamp(c.IssuedAt),
		MailedAt: optTimestamp(c.MailedAt), RevokedAt: optTimestamp(c.RevokedAt), RevokedReason: opt(c.RevokedReason),
		PDF: Prefix + "/certificates/" + c.ID + "/pdf"}
	for _, b := range c.Blocks {
		d.Blocks = append(d.Blocks, certificateBlockDTO{Code: b.Code, Title: b.Title})
	}
	return d
}

// certificatesList answers GET /certificates, filtered by kind, status, candidate and session,
// one page at a time like GET /candidates.
func (a *API) certificatesList(w http.ResponseWriter, r *http.Request, actor domain.Actor) error {
	q := newQuery(r, "kind", "status", "candidate", "session", "limit", "offset")
	f := store.CertificateFilter{Kind: store.CertificateKind(q.str("kind")), Status: q.str("status"),
		CandidateID: q.str("candidate"), SessionID: q.str("session")}
	if f.Kind != "" && f.Kind != store.KindCertificate && f.Kind != store.KindAttestation {
		q.fe.Add("kind", "Nature inconnue : indiquez certificate (certificat) ou attestation (attestation de bloc).")
	}
	if f.Status != "" && f.Status != store.CertificateValid && f.Status != store.CertificateRevoked {
		q.fe.Add("status", "État inconnu : indiquez valid (valide) ou revoked (révoqué).")
	}
	f.Limit = q.intIn("limit", 50, 1, 500)
	f.Offset = q.intIn("offset", 0, 0, maxOffset)
	if err := q.err(); err != nil {
		return err
	}
	p, err := a.svc.Certificates(r.Context(), actor, f)
	if err != nil {
		return err
	}
	return ok(w, page[certificateDTO]{Items: mapList(p.Items, a.certificateOf), Total: p.Total, Limit: f.Limit, Offset: f.Offset})
}

func (a *API) certificateShow(w http.ResponseWriter, r *http.Request, actor domain.Actor) error {
	c, err := a.svc.Certificate(r.Context(), actor, r.PathValue("id"))
	if err != nil {
		return err
	}
	return ok(w, a.certificateOf(c))
}

// certificatePDF answers GET /certificates/{id}/pdf: the document's PDF as an attachment, the
// same bytes as the web download.
func (a *API) certificatePDF(w http.ResponseWriter, r *http.Request, actor domain.Actor) error {
	f, err := a.svc.CertificatePDF(r.Context(), actor, r.PathValue("id"))
	if err != nil {
		return err
	}
	_ = download.Write(w, r, f.Name, f.Type, f.Content)
	return nil
}

// revocationInput is the body of POST /certificates/{id}/revocation.
type revocationInput struct {
	Reason string `json:"reason"`
}

func (a *API) certificateRevoke(w http.ResponseWriter, r *http.Request, actor domain.Actor) error {
	var in revocationInput
	if err := decodeJSON(w, r, &in); err != nil {
		return err
	}
	c, err := a.svc.RevokeCertificate(r.Context(), actor, r.PathValue("id"), in.Reason)
	if err != nil {
		return err
	}
	return ok(w, a.certificateOf(c))
}
