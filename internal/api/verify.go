package api

import (
	"net"
	"net/http"
	"strconv"

	"cqp/internal/domain"
	"cqp/internal/service"
	"cqp/internal/store"
)

// verificationDTO is what anyone may learn of a certificate or a block attestation from its
// verification code: the same as the public page /verifier/{code}.
type verificationDTO struct {
	Code          string                   `json:"code"`
	Status        string                   `json:"status"`     // valid or revoked
	Kind          string                   `json:"kind"`       // certificate or attestation
	BlockCode     *string                  `json:"block_code"` // the block of a block attestation
	Title         string                   `json:"title"`      // « Attestation du bloc BC2 — … »
	Number        string                   `json:"number"`
	HolderName    string                   `json:"holder_name"`
	Branch        string                   `json:"branch"`
	Qualification verifiedQualificationDTO `json:"qualification"`
	Blocks        []verifiedBlockDTO       `json:"blocks"`
	AwardedOn     string                   `json:"awarded_on"`
	RevokedOn     *string                  `json:"revoked_on"` // why stays with the branch
}

type verifiedQualificationDTO struct {
	Code  string  `json:"code"`
	Title string  `json:"title"`
	RNCP  *string `json:"rncp"`
}

type verifiedBlockDTO struct {
	Code        string                  `json:"code"`
	Title       string                  `json:"title"`
	Competences []verifiedCompetenceDTO `json:"competences,omitempty"` // a block attestation's
}

type verifiedCompetenceDTO struct {
	Code  string `json:"code"`
	Title string `json:"title"`
}

func verificationOf(v service.Verification) verificationDTO {
	out := verificationDTO{Code: v.Code, Status: store.CertificateValid, Kind: string(v.Kind), BlockCode: opt(v.BlockCode), Title: v.Title(), Number: v.Number,
		HolderName: v.HolderName, Branch: v.BranchName, AwardedOn: v.AwardedOn.ISO(),
		Qualification: verifiedQualificationDTO{Code: v.QualificationCode, Title: v.QualificationTitle, RNCP: opt(v.RNCP)},
		Blocks:        make([]verifiedBlockDTO, len(v.Blocks))}
	for i, b := range v.Blocks {
		out.Blocks[i] = verifiedBlockDTO{Code: b.Code, Title: b.Title}
		for _, c := range b.Competences {
			out.Blocks[i].Competences = append(out.Blocks[i].Competences, verifiedCompetenceDTO{Code: c.Code, Title: c.Title})
		}
	}
	if v.Revoked {
		out.Status, out.RevokedOn = store.CertificateRevoked, optDate(v.RevokedOn)
	}
	return out
}

// verifyShow answers GET /verify/{code} for anyone, without a token. Lookups are limited per
// address like the public page's, whose count they share.
func (a *API) verifyShow(w http.ResponseWriter, r *http.Request, _ domain.Actor) error {
	w.Header().Set("Cache-Control", "no-store")
	w.Header().Set("X-Robots-Tag", "noindex")
	v, err := a.svc.VerifyCertificate(r.Context(), r.PathValue("code"), remoteIP(r))
	if err != nil {
		if domain.ErrorCode(err) == domain.ETOOMANY {
			w.Header().Set("Retry-After", strconv.Itoa(int(service.VerifyWindow.Seconds())))
		}
		return err
	}
	return ok(w, verificationOf(v))
}

// remoteIP is the address the request came from, without its port.
func remoteIP(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
}
