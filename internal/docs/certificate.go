package docs

import (
	"errors"
	"fmt"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/go-pdf/fpdf"

	"cqp/internal/domain"
)

// Kinds of CertificateDoc.
const (
	KindCertificate = "certificate" // certificat de qualification professionnelle: every block acquired
	KindAttestation = "attestation" // attestation de blocs de compétences: a partial result, issued before one attestation per block
	// KindBlockAttestation is the attestation of one block acquired at a partial result
	// (DOMAIN.md §5): the block, its competences, the jury's date.
	KindBlockAttestation = "block_attestation"
)

// DocBlock is a block of competences as printed on a certificate.
type DocBlock struct{ Code, Title string }

// DocCompetence is a competence of a block as printed on its attestation.
type DocCompetence struct{ Code, Title string }

// CertificateDoc is everything printed on a certificate or a block attestation.
type CertificateDoc struct {
	Kind               string // KindCertificate (all blocks), KindBlockAttestation (one block) or KindAttestation (several blocks)
	Number             string // unique number, e.g. COURTAGE-2026-000042
	VerificationCode   string
	VerificationURL    string // encoded in the QR code and printed
	HolderName         string // « Éloïse LEFÈVRE »
	HolderBirthDate    domain.Date
	HolderSex          domain.Sex // chooses « née le » or « né le » and « Madame » or « Monsieur »; "" says neither
	BranchName         string
	QualificationCode  string
	QualificationTitle string
	RNCP               string // optional
	Level              string // optional: the qualification's level, as the framework gives it (« 4 », « niveau 5 »)
	Blocks             []DocBlock
	Competences        []DocCompetence // a block attestation's: those of its one block
	AwardedOn          domain.Date     // the jury session's date
	Place              string          // « Paris »
	Signatories        []Signatory     // jury president, CSCA president, CPNE president
	CreatedAt          time.Time       // PDF creation date metadata: fixed, so the bytes are reproducible
}

func (d CertificateDoc) check() error {
	if d.Kind != KindCertificate && d.Kind != KindAttestation && d.Kind != KindBlockAttestation {
		return fmt.Errorf("unknown document kind %q: want %q, %q or %q", d.Kind, KindCertificate, KindBlockAttestation, KindAttestation)
	}
	required := []struct{ name, value string }{
		{"number", d.Number},
		{"verification code", d.VerificationCode},
		{"verification URL", d.VerificationURL},
		{"holder's name", d.HolderName},
		{"branch name", d.BranchName},
		{"qualification code", d.QualificationCode},
		{"qualification title", d.QualificationTitle},
		{"place", d.Place},
	}
	for _, r := range required {
		if strings.TrimSpace(r.value) == "" {
			return fmt.Errorf("the %s is required", r.name)
		}
	}
	if len(d.Blocks) == 0 {
		return errors.New("at least one block is required")
	}
	if d.Kind == KindBlockAttestation && len(d.Blocks) != 1 {
		return fmt.Errorf("a block attestation attests one block, not %d", len(d.Blocks))
	}
	for _, b := range d.Blocks {
		if strings.TrimSpace(b.Code) == "" || strings.TrimSpace(b.Title) == "" {
			return errors.New("every block needs a code and a title")
		}
	}
	if len(d.Competences) > 0 && d.Kind != KindBlockAttestation {
		return errors.New("only a block attestation lists competences")
	}
	for _, c := range d.Competences {
		if strings.TrimSpace(c.Code) == "" || strings.TrimSpace(c.Title) == "" {
			return errors.New("every competence needs a code and a title")
		}
	}
	if d.AwardedOn.IsZero() {
		return errors.New("the award date is required")
	}
	if d.CreatedAt.IsZero() {
		return errors.New("the creation date is required so that the PDF is reproducible")
	}
	return checkSignatories(d.Signatories)
}

// GroupCode prints a verification code in groups of four characters separated by spaces, as
// on the documents: K7QM9XRT2P → « K7QM 9XRT 2P ».
func GroupCode(code string) string {
	r := []rune(strings.TrimSpace(code))
	var b strings.Builder
	for i, c := range r {
		if i > 0 && i%4 == 0 {
			b.WriteByte(' ')
		}
		b.WriteRune(c)
	}
	return b.String()
}

// Page geometry of the certificate (A4 landscape, millimetres). The top (titles and holder)
// flows downwards, the bottom (place and date, signatures, verification) is anchored to the
// foot of the page, and the blocks are centred in what is left between them.
const (
	certW          = 297.0
	certH          = 210.0
	certMargin     = 22.0  // text margin inside the frame
	certQR         = 26.0  // side of the QR code, quiet zone included
	certQRInset    = 14.0  // from the page's right and bottom edges to the QR code
	certSignatureY = 140.0 // top of the signature blocks, unless long roles need them higher
)

// CertificatePDF renders a certificate or a block attestation: one A4 landscape page with the
// branch, the qualification, the holder, the blocks (for the attestation of one block: that
// block and its competences), the place and date, the signatures, the number, the
// verification code and a QR code of the verification URL.
func CertificatePDF(d CertificateDoc) ([]byte, error) {
	if err := d.check(); err != nil {
		return nil, fmt.Errorf("certificate %s: %w", d.Number, err)
	}
	modules, err := qrModules(strings.TrimSpace(d.VerificationURL))
	if err != nil {
		return nil, fmt.Errorf("certificate %s: %w", d.Number, err)
	}
	oneBlock := d.Kind == KindBlockAttestation
	attestation := d.Kind == KindAttestation || oneBlock
	docTitle := "Certificat de qualification professionnelle"
	switch {
	case oneBlock:
		docTitle = "Attestation de bloc de compétences"
	case attestation:
		docTitle = "Attestation de blocs de compétences"
	}
	pdf := newPDF("L", d.CreatedAt, docTitle+" n° "+clean(d.Number, false), clean(d.BranchName, false))

	// Plan first, before the page exists, so measuring writes nothing into it. The signatures
	// sit above the QR code, as high as their roles need; the blocks get what the top leaves.
	textW := certW - 2*certMargin
	signatureY := min(certSignatureY, certH-certQRInset-certQR-3-signatureHeight(pdf, d.Signatories, textW))
	if signatureY < certSignatureY-15 {
		return nil, fmt.Errorf("certificate %s: the signatories' roles and names are too long for the page", d.Number)
	}
	middleEnd := signatureY - 12
	// The top in its full size, or tighter when long names leave the blocks too little room.
	note := ""
	if attestation {
		note = "Les blocs de compétences acquis le restent définitivement ; le certificat est délivré lorsque tous les blocs du CQP sont acquis."
	}
	decision := "par décision du jury de certification du " + d.AwardedOn.String() +
		", pour avoir acquis l’ensemble des blocs de compétences qui le composent :"
	if attestation {
		decision = "par décision du jury de certification du " + d.AwardedOn.String() +
			", pour avoir acquis les blocs de compétences suivants :"
	}
	// The attestation of one block names the block first, then the decision, then lists the
	// block's competences where the other documents list blocks.
	listed := d.Blocks
	var headingLines []string
	if oneBlock {
		b := d.Blocks[0]
		note = "Ce bloc de compétences reste acquis définitivement ; le certificat est délivré lorsque tous les blocs du CQP sont acquis."
		decision = "acquis par décision du jury de certification du " + d.AwardedOn.String()
		if len(d.Competences) > 0 {
			decision += ", qui atteste les compétences suivantes :"
		}
		setFont(pdf, "B", 13, colourTitle)
		headingLines = wrap(pdf, "Bloc "+clean(b.Code, false)+" — "+clean(b.Title, false), textW)
		listed = make([]DocBlock, len(d.Competences))
		for i, c := range d.Competences {
			listed[i] = DocBlock{Code: c.Code, Title: c.Title}
		}
	}
	setFont(pdf, "", 10.5, colourText)
	decisionLines := wrap(pdf, decision, textW)
	var noteLines []string
	if note != "" {
		setFont(pdf, "", 8.5, colourLabel)
		noteLines = wrap(pdf, note, textW)
	}
	fixed := float64(len(decisionLines))*lineHeight(10.5) + 2
	if len(headingLines) > 0 {
		fixed += float64(len(headingLines))*lineHeight(13) + 1.5
	}
	if len(noteLines) > 0 {
		fixed += 2 + float64(len(noteLines))*lineHeight(8.5)
	}
	var (
		style  certStyle
		y      float64
		blocks blockList
	)
	for _, style = range certStyles {
		y = certificateTop(pdf, d, docTitle, style, false)
		if blocks, err = planBlocks(pdf, listed, middleEnd-y-fixed); err == nil {
			break
		}
	}
	if err != nil {
		return nil, fmt.Errorf("certificate %s: %w", d.Number, err)
	}
	pdf.AddPage()
	frame(pdf)
	y = certificateTop(pdf, d, docTitle, style, true)

	// The middle, centred: the jury's decision, the blocks and, on an attestation, what it means.
	y += (middleEnd - y - fixed - blocks.height) / 2
	if len(headingLines) > 0 {
		setFont(pdf, "B", 13, colourTitle)
		y = textLines(pdf, certMargin, y, textW, lineHeight(13), "C", headingLines) + 1.5
	}
	setFont(pdf, "", 10.5, colourText)
	y = textLines(pdf, certMargin, y, textW, lineHeight(10.5), "C", decisionLines) + 2
	y = blocks.draw(pdf, y, listed)
	if len(noteLines) > 0 {
		setFont(pdf, "", 8.5, colourLabel)
		textLines(pdf, certMargin, y+2, textW, lineHeight(8.5), "C", noteLines)
	}

	setFont(pdf, "", 10.5, colourText)
	paragraph(pdf, certMargin, signatureY-8, textW, 10.5, "C",
		"Fait à "+clean(d.Place, false)+", le "+d.AwardedOn.String())
	signatureBlocks(pdf, certMargin, signatureY, textW, d.Signatories)

	// Bottom band: the number and the verification code on the left, the QR code on the right.
	qrX := certW - certQRInset - certQR
	qrY := certH - certQRInset - certQR
	drawQR(pdf, modules, qrX, qrY, certQR)
	infoW := qrX - certMargin - 4
	setFont(pdf, "", 9, colourLabel)
	urlLines := wrap(pdf, "Vérifiez l’authenticité sur "+clean(d.VerificationURL, false), infoW)
	by := qrY + certQR - 3 - float64(2+len(urlLines))*lineHeight(9)
	pdf.SetXY(certMargin, by)
	pdf.CellFormat(infoW, lineHeight(9), "N° "+clean(d.Number, false), "", 0, "L", false, 0, "")
	by += lineHeight(9)
	pdf.SetXY(certMargin, by)
	label := "Code de vérification : "
	pdf.CellFormat(pdf.GetStringWidth(label), lineHeight(9), label, "", 0, "L", false, 0, "")
	setFont(pdf, "B", 11, colourText)
	pdf.CellFormat(infoW, lineHeight(9), GroupCode(clean(d.VerificationCode, false)), "", 0, "L", false, 0, "")
	by += lineHeight(9)
	setFont(pdf, "", 9, colourLabel)
	textLines(pdf, certMargin, by, infoW, lineHeight(9), "L", urlLines)

	return output(pdf)
}

// CertificatePDFs renders many certificates and attestations, as a session issues them, on as
// many goroutines as there are processors (each document is independent, so the bytes are the
// same as one CertificatePDF call each). The result is in the order of ds; the first error
// stops the work.
func CertificatePDFs(ds []CertificateDoc) ([][]byte, error) {
	out := make([][]byte, len(ds))
	errs := make([]error, len(ds))
	var next atomic.Int64
	var failed atomic.Bool
	var wg sync.WaitGroup
	for range min(runtime.GOMAXPROCS(0), len(ds)) {
		wg.Go(func() {
			for !failed.Load() {
				i := int(next.Add(1)) - 1
				if i >= len(ds) {
					return
				}
				out[i], errs[i] = CertificatePDF(ds[i])
				if errs[i] != nil {
					failed.Store(true)
				}
			}
		})
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			return nil, err
		}
	}
	return out, nil
}

// certStyle is the size of the top of a certificate: font sizes in points and the gap unit in
// millimetres.
type certStyle struct{ title, qualification, holder, gap float64 }

var certStyles = []certStyle{{titleSize, 16, 20, 1}, {titleSize, 13, 16, 0.5}}

// certificateTop writes (or, when draw is false, only measures) the top of the certificate:
// the branch, the document's title, the qualification and the holder. It returns the y below.
func certificateTop(pdf *fpdf.Fpdf, d CertificateDoc, docTitle string, st certStyle, draw bool) float64 {
	textW := certW - 2*certMargin
	y := 21.0
	put := func(style string, size float64, c rgb, text string) {
		setFont(pdf, style, size, c)
		lines := wrap(pdf, text, textW)
		if draw {
			textLines(pdf, certMargin, y, textW, lineHeight(size), "C", lines)
		}
		y += float64(len(lines)) * lineHeight(size)
	}
	put("B", 11, colourTitle, strings.ToUpper(clean(d.BranchName, false)))
	if draw {
		pdf.SetDrawColor(colourTitle.r, colourTitle.g, colourTitle.b)
		pdf.SetLineWidth(0.3)
		pdf.Line(certW/2-20, y+2, certW/2+20, y+2)
	}
	y += 6 * st.gap
	put("B", st.title, colourTitle, docTitle)
	y += st.gap
	if d.Kind == KindAttestation || d.Kind == KindBlockAttestation {
		put("", 11, colourText, "du certificat de qualification professionnelle")
		y += 0.5 * st.gap
	}
	put("B", st.qualification, colourText, clean(d.QualificationTitle, false))
	put("", 10, colourLabel, qualificationReference(d))
	y += 4 * st.gap
	if d.Kind == KindAttestation || d.Kind == KindBlockAttestation {
		put("", 11, colourLabel, "délivrée à")
	} else {
		put("", 11, colourLabel, "délivré à")
	}
	y += 0.5 * st.gap
	holder := clean(d.HolderName, false)
	if c := civility(d.HolderSex); c != "" {
		holder = c + " " + holder
	}
	put("B", st.holder, colourText, holder)
	if !d.HolderBirthDate.IsZero() {
		put("", 10, colourText, bornLine(d.HolderSex, d.HolderBirthDate))
	}
	return y + 3*st.gap
}

// qualificationReference is the line under the qualification's title: its code, its RNCP
// registration and its level when there are.
func qualificationReference(d CertificateDoc) string {
	ref := "CQP " + clean(d.QualificationCode, false)
	if rncp := clean(d.RNCP, false); rncp != "" {
		if !strings.HasPrefix(strings.ToUpper(rncp), "RNCP") {
			rncp = "RNCP " + rncp
		}
		ref += " — enregistré au Répertoire national des certifications professionnelles : " + rncp
	}
	if level := clean(d.Level, false); level != "" {
		if !strings.HasPrefix(strings.ToLower(level), "niveau") {
			level = "niveau " + level
		}
		ref += " — " + level
	}
	return ref
}

// frame draws the double border of the certificate.
func frame(pdf *fpdf.Fpdf) {
	pdf.SetDrawColor(colourTitle.r, colourTitle.g, colourTitle.b)
	pdf.SetLineWidth(1.2)
	pdf.Rect(8, 8, certW-16, certH-16, "D")
	pdf.SetLineWidth(0.3)
	pdf.Rect(10.5, 10.5, certW-21, certH-21, "D")
}

// blockList is how the blocks are laid out: the code in bold with the title beside it, in one
// column centred on its longest line, or in two columns.
type blockList struct {
	size         float64
	columns      int
	perColumn    int
	x0, colW     float64
	codeW        float64
	heights      []float64
	height       float64
	columnGutter float64
}

// planBlocks finds the largest font, from 10.5 down to 7 points, in one column and then in two
// or three across the text width, at which the blocks fit in maxH.
func planBlocks(pdf *fpdf.Fpdf, blocks []DocBlock, maxH float64) (blockList, error) {
	const gutter = 8.0
	for _, columns := range []int{1, 2, 3} {
		listW := 215.0
		if columns > 1 {
			listW = certW - 2*certMargin
		}
		colW := (listW - gutter*float64(columns-1)) / float64(columns)
		for size := 10.5; size >= 7; size -= 0.5 {
			l := blockList{size: size, columns: columns, colW: colW, columnGutter: gutter}
			setFont(pdf, "B", size, colourTitle)
			for _, b := range blocks {
				l.codeW = max(l.codeW, pdf.GetStringWidth(clean(b.Code, false)))
			}
			l.codeW += 3
			setFont(pdf, "", size, colourText)
			widest := 0.0
			for _, b := range blocks {
				lines := wrap(pdf, clean(b.Title, false), colW-l.codeW)
				for _, line := range lines {
					widest = max(widest, pdf.GetStringWidth(line))
				}
				l.heights = append(l.heights, float64(len(lines))*lineHeight(size)+0.8)
			}
			l.perColumn = (len(blocks) + columns - 1) / columns
			for c := 0; c < columns; c++ {
				h := 0.0
				for _, bh := range l.heights[min(c*l.perColumn, len(blocks)):min((c+1)*l.perColumn, len(blocks))] {
					h += bh
				}
				l.height = max(l.height, h)
			}
			if l.height > maxH {
				continue
			}
			l.x0 = (certW - listW) / 2
			if columns == 1 {
				l.x0 = (certW - l.codeW - widest) / 2
			}
			return l, nil
		}
	}
	return blockList{}, fmt.Errorf("%d blocks do not fit on the page", len(blocks))
}

// draw writes the blocks from top and returns the y below the list.
func (l blockList) draw(pdf *fpdf.Fpdf, top float64, blocks []DocBlock) float64 {
	lh := lineHeight(l.size)
	y := top
	for i, b := range blocks {
		if i%l.perColumn == 0 {
			y = top
		}
		x := l.x0 + float64(i/l.perColumn)*(l.colW+l.columnGutter)
		setFont(pdf, "B", l.size, colourTitle)
		pdf.SetXY(x, y)
		pdf.CellFormat(l.codeW, lh, clean(b.Code, false), "", 0, "L", false, 0, "")
		setFont(pdf, "", l.size, colourText)
		textLines(pdf, x+l.codeW, y, l.colW-l.codeW, lh, "L", wrap(pdf, clean(b.Title, false), l.colW-l.codeW))
		y += l.heights[i]
	}
	return top + l.height
}
