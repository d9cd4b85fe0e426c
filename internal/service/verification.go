package service

import (
	"context"
	"crypto/rand"
	"fmt"
	"io"
	"strings"
	"time"
	"unicode"

	"golang.org/x/text/unicode/norm"

	"cqp/internal/docs"
	"cqp/internal/domain"
	"cqp/internal/store"
)

// VerificationAlphabet is what verification codes are written with: digits and capitals
// without the characters people mistake for one another (0/O, 1/I/L, 2/Z, 5/S, 8/B).
const VerificationAlphabet = "34679ACDEFGHJKMNPQRTUVWXY"

// VerificationCodeLength is the number of characters of a code: 25¹² ≈ 6·10¹⁶ codes, so
// that guessing one among those issued is hopeless within the lookup limit.
const VerificationCodeLength = 12

// Public verification is limited per address: VerifyLimit lookups within VerifyWindow, counted
// in memory and shared between servers through the database every second
// (verification_limit.go says how, and the bound it keeps across servers).
const (
	VerifyLimit  = 30
	VerifyWindow = time.Minute
)

// newVerificationCode draws a code from r (crypto/rand in production), each character
// uniformly from the alphabet: bytes at or above the largest multiple of its size are drawn
// again, so that no character comes up more often than another.
func newVerificationCode(r io.Reader) (string, error) {
	n := len(VerificationAlphabet)
	limit := 256 - 256%n
	out := make([]byte, 0, VerificationCodeLength)
	buf := make([]byte, VerificationCodeLength)
	for len(out) < VerificationCodeLength {
		if _, err := io.ReadFull(r, buf); err != nil {
			return "", fmt.Errorf("draw a verification code: %w", err)
		}
		for _, b := range buf {
			if int(b) < limit && len(out) < VerificationCodeLength {
				out = append(out, VerificationAlphabet[int(b)%n])
			}
		}
	}
	return string(out), nil
}

// randomVerificationCode draws a code from the system's secure random source.
func randomVerificationCode() (string, error) { return newVerificationCode(rand.Reader) }

// lookAlikes maps the Cyrillic and Greek capitals that look like Latin ones (a phone keyboard
// or a copy from a scanned document may give them) to those Latin letters.
var lookAlikes = map[rune]rune{
	'А': 'A', 'В': 'B', 'С': 'C', 'Е': 'E', 'Н': 'H', 'К': 'K', 'М': 'M', 'О': 'O', 'Р': 'P', 'Т': 'T', 'Х': 'X', 'У': 'Y',
	'Α': 'A', 'Β': 'B', 'Ε': 'E', 'Ζ': 'Z', 'Η': 'H', 'Ι': 'I', 'Κ': 'K', 'Μ': 'M', 'Ν': 'N', 'Ο': 'O', 'Ρ': 'P', 'Τ': 'T',
	'Υ': 'Y', 'Χ': 'X',
}

// NormalizeVerificationCode reads a code as a person types or pastes it: case does not
// matter, spaces and dashes are ignored, full-width characters and Cyrillic or Greek letters
// that look like Latin ones are read as those. It returns the code as stored and whether it
// is well formed (the right length, only characters of the alphabet).
func NormalizeVerificationCode(s string) (string, bool) {
	var b strings.Builder
	for _, r := range norm.NFKC.String(s) {
		if unicode.IsSpace(r) || unicode.Is(unicode.Pd, r) || r == '\u2212' {
			continue
		}
		r = unicode.ToUpper(r)
		if l, ok := lookAlikes[r]; ok {
			r = l
		}
		b.WriteRune(r)
	}
	code := b.String()
	if len(code) != VerificationCodeLength {
		return code, false
	}
	for _, r := range code {
		if !strings.ContainsRune(VerificationAlphabet, r) {
			return code, false
		}
	}
	return code, true
}

// GroupVerificationCode writes a code in groups of four, as printed: ACDE FGHJ KMNP.
func GroupVerificationCode(code string) string { return docs.GroupCode(code) }

// malformedCodeMessage explains what a code looks like, for a code that cannot be one.
const malformedCodeMessage = "Ce code de vérification n'est pas valide. Un code compte 12 caractères, imprimés en trois groupes de quatre " +
	"sous le QR code du document : des lettres majuscules et les chiffres 3, 4, 6, 7 et 9. Il ne contient jamais " +
	"0, O, 1, I, L, 2, Z, 5, S, 8 ni B : vérifiez votre saisie."

// Verification is what anyone may learn of a document from its code.
type Verification struct {
	Code               string
	Number             string
	Kind               store.CertificateKind
	HolderName         string
	BranchName         string
	QualificationCode  string
	QualificationTitle string // "" while the branch has not confirmed it
	RNCP               string
	BlockCode          string                   // the block of a block attestation; "" otherwise
	Blocks             []store.CertificateBlock // a Title is "" while the branch has not confirmed it
	AwardedOn          domain.Date
	Revoked            bool
	RevokedOn          domain.Date // the reason stays with the branch: the public learns only that and when
}

// Title names the document: « Attestation du bloc BC2 — Gérer un portefeuille » for a block
// attestation, its kind otherwise.
func (v Verification) Title() string {
	if v.BlockCode != "" {
		return store.BlockAttestationTitle(v.BlockCode, v.Blocks)
	}
	return v.Kind.Label()
}

// GroupedCode is the code as printed on the document.
func (v Verification) GroupedCode() string { return GroupVerificationCode(v.Code) }

// VerifyCertificate looks a document up by its code for anyone, without login. Lookups are
// counted per address, in memory: past VerifyLimit within VerifyWindow the answer is "too
// many". A lookup writes nothing to the database. A code
// that cannot be one, and a code that matches no document, are both "not found".
func (s *Service) VerifyCertificate(ctx context.Context, code, ip string) (Verification, error) {
	if ip == "" {
		ip = "unknown"
	}
	ok, err := s.verifications.admit(ctx, s.store, ip, s.Now())
	if err != nil {
		return Verification{}, err
	}
	if !ok {
		return Verification{}, domain.Errorf(domain.ETOOMANY, "Trop de vérifications depuis votre adresse : %d par minute au plus. Réessayez dans une minute.", VerifyLimit)
	}
	normalized, ok := NormalizeVerificationCode(code)
	if !ok {
		return Verification{}, domain.Errorf(domain.ENOTFOUND, "%s", malformedCodeMessage)
	}
	c, err := s.store.Read().PublicCertificateByCode(ctx, normalized)
	if err != nil {
		if domain.ErrorCode(err) == domain.ENOTFOUND {
			return Verification{}, domain.Errorf(domain.ENOTFOUND,
				"Aucun certificat ni attestation ne porte le code %s. Vérifiez votre saisie : si le code est exact, le document n'a pas été délivré par la branche.",
				GroupVerificationCode(normalized))
		}
		return Verification{}, err
	}
	v := Verification{Code: c.VerificationCode, Number: c.Number, Kind: c.Kind, HolderName: c.HolderName, BranchName: c.BranchName,
		QualificationCode: c.QualificationCode, RNCP: c.RNCP, BlockCode: c.BlockCode, AwardedOn: c.AwardedOn, Revoked: c.RevokedAt != nil}
	if c.RevokedAt != nil {
		v.RevokedOn = domain.DateOf(*c.RevokedAt)
	}
	publicWording(c, &v)
	return v, nil
}

// publicWording blanks, in what the public page shows of a document, every title its
// framework version still flags to confirm or that reads as placeholder wording: the page then
// shows the code alone. Documents issued since issuing requires a confirmed framework never
// hold one; a document issued before may, and the public page does not print it. The
// document's blocks are the verification's own, so their titles are blanked in place.
func publicWording(c store.PublicCertificate, v *Verification) {
	fw := c.Flagged
	if fw == nil {
		fw = &domain.Framework{}
	}
	v.QualificationTitle = domain.PublicTitle(c.QualificationTitle, fw.Qualification.ToConfirm)
	for i := range c.Blocks {
		b := &c.Blocks[i]
		fb := flaggedBlock(fw, b.Code)
		b.Title = domain.PublicTitle(b.Title, fb != nil && fb.ToConfirm)
		for j := range b.Competences {
			comp := &b.Competences[j]
			comp.Title = domain.PublicTitle(comp.Title, fb != nil && flaggedCompetence(fb, comp.Code))
		}
	}
	v.Blocks = c.Blocks
}

// flaggedBlock is the framework's block with a code, nil when it has none.
func flaggedBlock(fw *domain.Framework, code string) *domain.Block {
	for i := range fw.Blocks {
		if fw.Blocks[i].Code == code {
			return &fw.Blocks[i]
		}
	}
	return nil
}

// flaggedCompetence reports whether a block's competence with a code is flagged to confirm.
func flaggedCompetence(b *domain.Block, code string) bool {
	for _, c := range b.Competences {
		if c.Code == code {
			return c.ToConfirm
		}
	}
	return false
}

// VerificationURL is the public address of a document's verification page, printed and put
// in the QR code.
func (s *Service) VerificationURL(code string) string {
	return strings.TrimRight(s.baseURL, "/") + "/verifier/" + code
}
