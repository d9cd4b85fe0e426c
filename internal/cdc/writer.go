package cdc

import (
	"encoding/xml"
	"errors"
	"io"
	"strconv"
	"strings"
	"unicode"

	"cqp/internal/domain"
)

const xsiNamespace = "http://www.w3.org/2001/XMLSchema-instance"

// ErrEmpty is returned by Close when no passage was written: the schema needs at least one.
var ErrEmpty = errors.New("cdc: a flow holds at least one award")

// Writer streams a flow: the header with the first passage, then one passage at a time,
// grouped under one certification element per run of passages with the same code (give them
// sorted by code to have one per code), then the closing elements. It holds one passage in
// memory at most, so a batch of any size is written with the same memory. Nothing is written
// before the first passage, so that a flow found empty leaves its destination untouched.
type Writer struct {
	out      io.Writer
	header   Header
	enc      *xml.Encoder
	code     string // the open certification's code, "" before the first passage
	passages int
	err      error
}

// NewWriter returns a writer of a flow with header h to w.
func NewWriter(w io.Writer, h Header) (*Writer, error) {
	return &Writer{out: w, header: h}, nil
}

func (w *Writer) begin() {
	h := w.header
	if _, err := io.WriteString(w.out, xml.Header); err != nil {
		w.err = err
		return
	}
	w.enc = xml.NewEncoder(w.out)
	w.enc.Indent("", " ")
	w.start("flux", xml.Attr{Name: xml.Name{Local: "xmlns"}, Value: Namespace},
		xml.Attr{Name: xml.Name{Local: "xmlns:xsi"}, Value: xsiNamespace})
	w.text("idFlux", h.FluxID)
	w.text("horodatage", h.At.In(domain.Paris()).Format("2006-01-02T15:04:05-07:00"))
	w.start("emetteur")
	w.text("idClient", h.ClientID)
	w.start("certificateurs")
	w.start("certificateur")
	w.text("idClient", h.ClientID)
	w.text("idContrat", h.ContractID)
	w.start("certifications")
}

// Passages is the number of passages written so far.
func (w *Writer) Passages() int { return w.passages }

// Write adds one passage.
func (w *Writer) Write(p Passage) error {
	if w.enc == nil && w.err == nil {
		w.begin()
	}
	if w.err != nil {
		return w.err
	}
	if p.Code != w.code {
		if w.code != "" {
			w.end("passageCertifications")
			w.end("certification")
		}
		w.code = p.Code
		w.start("certification")
		w.text("type", "RNCP")
		w.text("code", p.Code)
		w.text("natureDeposant", "CERTIFICATEUR")
		w.start("passageCertifications")
	}
	w.start("passageCertification")
	w.text("idTechnique", p.ID)
	w.text("obtentionCertification", "PAR_ADMISSION")
	w.text("donneeCertifiee", "true")
	w.text("dateDebutValidite", p.AwardedOn.ISO())
	w.null("dateFinValidite")
	w.text("presenceNiveauLangueEuro", "false")
	w.text("presenceNiveauNumeriqueEuro", "false")
	w.null("scoring")
	w.null("mentionValidee")
	w.start("modalitesInscription")
	w.text("modaliteAcces", p.Access)
	if p.Access == AccessVAE {
		w.text("voieAccessVAE", "VAE_CLASSIQUE")
	}
	w.end("modalitesInscription")
	w.holder(p.Holder)
	w.end("passageCertification")
	if w.err == nil {
		w.passages++
	}
	return w.err
}

func (w *Writer) holder(h Holder) {
	w.start("identificationTitulaire")
	w.start("titulaire")
	w.text("nomNaissance", h.BirthName)
	w.optionalNull("nomUsage", h.UsedName)
	for i, name := range firstNames(h.FirstNames) {
		w.text("prenom"+strconv.Itoa(i+1), name)
	}
	w.text("anneeNaissance", strconv.Itoa(h.BirthDate.Year()))
	w.text("moisNaissance", strconv.Itoa(int(h.BirthDate.Month())))
	w.text("jourNaissance", strconv.Itoa(h.BirthDate.Day()))
	w.text("sexe", string(h.Sex))
	w.start("codeCommuneNaissance")
	if h.BirthINSEE != "" {
		w.start("codeInseeNaissance")
		w.text("codeInsee", h.BirthINSEE)
		w.end("codeInseeNaissance")
	} else {
		w.start("codePostalNaissance")
		w.null("codePostal")
		w.end("codePostalNaissance")
	}
	w.end("codeCommuneNaissance")
	if h.BirthCity != "" {
		w.text("libelleCommuneNaissance", h.BirthCity)
	}
	if h.BirthCountryCode != "" {
		w.text("codePaysNaissance", h.BirthCountryCode)
	}
	if h.BirthINSEE == "" && h.BirthCountry != "" {
		w.text("libellePaysNaissance", h.BirthCountry)
	}
	w.end("titulaire")
	w.end("identificationTitulaire")
}

// firstNames fits the first names into prenom1 to prenom3: the fourth and later ones join the
// third, as the civil register lists them.
func firstNames(names []string) []string {
	if len(names) <= 3 {
		return names
	}
	return []string{names[0], names[1], strings.Join(names[2:], " ")}
}

// Close ends the flow and flushes it. It returns ErrEmpty when no passage was written.
func (w *Writer) Close() error {
	if w.err != nil {
		return w.err
	}
	if w.passages == 0 {
		return ErrEmpty
	}
	w.end("passageCertifications")
	w.end("certification")
	for _, n := range []string{"certifications", "certificateur", "certificateurs", "emetteur", "flux"} {
		w.end(n)
	}
	if w.err == nil {
		w.err = w.enc.Close()
	}
	return w.err
}

func (w *Writer) start(name string, attrs ...xml.Attr) {
	if w.err == nil {
		w.err = w.enc.EncodeToken(xml.StartElement{Name: xml.Name{Local: name}, Attr: attrs})
	}
}

func (w *Writer) end(name string) {
	if w.err == nil {
		w.err = w.enc.EncodeToken(xml.EndElement{Name: xml.Name{Local: name}})
	}
}

func (w *Writer) text(name, value string) {
	w.start(name)
	if w.err == nil {
		w.err = w.enc.EncodeToken(xml.CharData(clean(value)))
	}
	w.end(name)
}

// null writes a nillable element as unknown: <name xsi:nil="true"/>.
func (w *Writer) null(name string) {
	w.start(name, xml.Attr{Name: xml.Name{Local: "xsi:nil"}, Value: "true"})
	w.end(name)
}

func (w *Writer) optionalNull(name, value string) {
	if value == "" {
		w.null(name)
		return
	}
	w.text(name, value)
}

// clean drops the characters XML 1.0 cannot carry (control characters), which a name typed
// by someone may hold; the domain refuses them already, this is a last guard.
func clean(s string) string {
	return strings.Map(func(r rune) rune {
		if r == '\t' || r == '\n' || r == '\r' || !unicode.IsControl(r) {
			return r
		}
		return -1
	}, s)
}

// RNCPCode normalises a registration code: upper case, no spaces, "RNCP" before digits alone.
func RNCPCode(s string) string {
	s = strings.ToUpper(strings.Join(strings.Fields(s), ""))
	if s == "" {
		return ""
	}
	if _, err := strconv.Atoi(s); err == nil {
		return "RNCP" + s
	}
	return s
}
