package cdc

import (
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"strings"
)

// The processing report the Caisse des Dépôts returns for a flow is not public. cqp reads the
// minimal format described in docs/accrochage.md:
//
//	<compteRenduTraitement>
//	  <idFlux>…</idFlux>                          (optional)
//	  <passageCertification>
//	    <idTechnique>…</idTechnique>
//	    <statut>ACCEPTE</statut>                  (ACCEPTE or REJETE)
//	    <motifRejet>…</motifRejet>                (required with REJETE)
//	  </passageCertification>
//	  …
//	</compteRenduTraitement>
//
// Namespaces are ignored; unknown elements are skipped.

// Report statuses.
const (
	StatusAccepted = "ACCEPTE"
	StatusRejected = "REJETE"
)

// Result is what the report says of one passage.
type Result struct {
	ID       string // idTechnique
	Accepted bool
	Reason   string // motifRejet, for a rejected passage
	Line     int    // where the passage starts in the file
}

// Report is a parsed processing report.
type Report struct {
	FluxID  string
	Results []Result
}

// ReportError is a report refused whole: Line and Element say where, Msg what, in French.
type ReportError struct {
	Line    int
	Element string
	Msg     string
}

func (e *ReportError) Error() string {
	switch {
	case e.Line > 0 && e.Element != "":
		return fmt.Sprintf("Ligne %d, élément <%s> : %s", e.Line, e.Element, e.Msg)
	case e.Line > 0:
		return fmt.Sprintf("Ligne %d : %s", e.Line, e.Msg)
	}
	return e.Msg
}

// MaxReportResults bounds the passages a report may hold.
const MaxReportResults = 500_000

// ParseReport reads a processing report. Any problem refuses the whole report with a
// *ReportError naming the line and the element.
func ParseReport(r io.Reader) (Report, error) {
	d := xml.NewDecoder(r)
	var rep Report
	seen := map[string]int{}
	depth := 0
	for {
		line, _ := d.InputPos()
		tok, err := d.Token()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			var se *xml.SyntaxError
			if errors.As(err, &se) {
				return Report{}, &ReportError{Line: se.Line, Msg: "le fichier n'est pas un XML lisible (" + se.Msg + ")."}
			}
			return Report{}, &ReportError{Line: line, Msg: "le fichier n'est pas un XML lisible (" + err.Error() + ")."}
		}
		switch t := tok.(type) {
		case xml.StartElement:
			depth++
			switch {
			case depth == 1 && t.Name.Local != "compteRenduTraitement":
				return Report{}, &ReportError{Line: line, Element: t.Name.Local,
					Msg: "ce n'est pas un compte rendu de traitement : l'élément racine attendu est <compteRenduTraitement>."}
			case depth == 2 && t.Name.Local == "idFlux":
				if err := d.DecodeElement(&rep.FluxID, &t); err != nil {
					return Report{}, &ReportError{Line: line, Element: "idFlux", Msg: "illisible."}
				}
				rep.FluxID = strings.TrimSpace(rep.FluxID)
				depth--
			case depth == 2 && t.Name.Local == "passageCertification":
				res, err := decodeResult(d, t, line)
				if err != nil {
					return Report{}, err
				}
				depth--
				if first, dup := seen[res.ID]; dup {
					return Report{}, &ReportError{Line: line, Element: "idTechnique",
						Msg: fmt.Sprintf("l'identifiant « %s » figure déjà ligne %d.", res.ID, first)}
				}
				seen[res.ID] = line
				if len(rep.Results) >= MaxReportResults {
					return Report{}, &ReportError{Line: line, Msg: fmt.Sprintf("plus de %d passages : découpez le compte rendu.", MaxReportResults)}
				}
				rep.Results = append(rep.Results, res)
			case depth == 2:
				if err := d.Skip(); err != nil {
					return Report{}, &ReportError{Line: line, Element: t.Name.Local, Msg: "illisible."}
				}
				depth--
			}
		case xml.EndElement:
			depth--
		case xml.CharData:
			if depth == 0 && strings.TrimSpace(string(t)) != "" {
				return Report{}, &ReportError{Line: line, Msg: "le fichier n'est pas un XML lisible (du texte hors de tout élément)."}
			}
		}
	}
	if depth != 0 {
		return Report{}, &ReportError{Msg: "le fichier s'arrête avant la fin du compte rendu."}
	}
	if len(rep.Results) == 0 {
		return Report{}, &ReportError{Msg: "le compte rendu ne contient aucun <passageCertification>."}
	}
	return rep, nil
}

func decodeResult(d *xml.Decoder, start xml.StartElement, line int) (Result, error) {
	var raw struct {
		ID     string `xml:"idTechnique"`
		Status string `xml:"statut"`
		Reason string `xml:"motifRejet"`
	}
	if err := d.DecodeElement(&raw, &start); err != nil {
		var se *xml.SyntaxError
		if errors.As(err, &se) {
			return Result{}, &ReportError{Line: se.Line, Msg: "le fichier n'est pas un XML lisible (" + se.Msg + ")."}
		}
		return Result{}, &ReportError{Line: line, Element: "passageCertification", Msg: "illisible (" + err.Error() + ")."}
	}
	res := Result{ID: strings.TrimSpace(raw.ID), Reason: strings.TrimSpace(raw.Reason), Line: line}
	if res.ID == "" {
		return Result{}, &ReportError{Line: line, Element: "passageCertification", Msg: "l'élément <idTechnique> manque ou est vide."}
	}
	switch strings.ToUpper(strings.TrimSpace(raw.Status)) {
	case StatusAccepted:
		res.Accepted, res.Reason = true, ""
	case StatusRejected:
		if res.Reason == "" {
			return Result{}, &ReportError{Line: line, Element: "motifRejet",
				Msg: fmt.Sprintf("le passage « %s » est rejeté sans motif.", res.ID)}
		}
	default:
		return Result{}, &ReportError{Line: line, Element: "statut",
			Msg: fmt.Sprintf("statut « %s » inconnu pour le passage « %s » : ACCEPTE ou REJETE attendu.", strings.TrimSpace(raw.Status), res.ID)}
	}
	return res, nil
}
