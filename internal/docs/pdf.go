// Package docs renders the documents the branch hands out: certificates, block attestations and
// the jury's minutes (procès-verbal de délibération), as PDF files.
//
// Every function here is pure: it takes a plain struct and returns the bytes. The same struct
// always gives the same bytes (the creation date comes from the struct, catalogs are sorted and
// nothing random is written), so documents can be regenerated from a frozen snapshot and
// compared with golden files.
package docs

import (
	"bytes"
	_ "embed"
	"errors"
	"strings"
	"sync"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/go-pdf/fpdf"
	"golang.org/x/text/unicode/norm"

	"cqp/internal/domain"
)

// The embedded DejaVu Sans faces cover French (accents, « », €, ’, œ) and most scripts. They are
// compiled into the binary; what costs is that fpdf parses a face's tables for every document it
// starts (its parsed form cannot be shared between documents), and at the end indexes every
// glyph of the face to cut the subset it embeds. The full faces hold about 6 200 glyphs each;
// the documents need the Latin, Greek and Cyrillic alphabets, punctuation and a few symbols.
// So each face is cut once per process to those characters (2 136 glyphs, with the parts that
// accented letters are built from), and every document parses the small face, which makes a
// certificate about 40 % faster (docs/PERFORMANCE.md).
var (
	//go:embed fonts/DejaVuSans.ttf
	fontRegular []byte
	//go:embed fonts/DejaVuSans-Bold.ttf
	fontBold []byte

	faces = sync.OnceValue(func() [2][]byte {
		cutset := coverage()
		return [2][]byte{fpdf.UTF8CutFont(fontRegular, cutset), fpdf.UTF8CutFont(fontBold, cutset)}
	})
)

// coveredRanges are the characters kept in the embedded faces. Characters outside them are
// shown as the replacement character (see clean).
var coveredRanges = [][2]rune{
	{0x0020, 0x007E}, // Basic Latin
	{0x00A0, 0x024F}, // Latin-1 Supplement, Latin Extended-A and -B: French, and names from
	//                   other European languages
	{0x0250, 0x02FF}, // IPA extensions and spacing modifier letters (ʼ ˆ ˜)
	{0x0300, 0x036F}, // combining diacritical marks
	{0x0370, 0x03FF}, // Greek
	{0x0400, 0x04FF}, // Cyrillic
	{0x1E00, 0x1EFF}, // Latin Extended Additional (Vietnamese and others)
	{0x2000, 0x206F}, // general punctuation: ’ “ ” – — … • ‰ and the thin spaces
	{0x20A0, 0x20CF}, // currency symbols: €
	{0x2100, 0x214F}, // letterlike symbols: №, ™
	{0x2190, 0x21FF}, // arrows
	{0x2200, 0x22FF}, // mathematical operators: ≥ ≤ ≠ ×
	{0x25A0, 0x25FF}, // geometric shapes
	{0xFFFD, 0xFFFD}, // replacement character
}

func coverage() string {
	var b strings.Builder
	for _, r := range coveredRanges {
		for c := r[0]; c <= r[1]; c++ {
			b.WriteRune(c)
		}
	}
	return b.String()
}

// covered reports whether r is in the embedded faces' ranges.
func covered(r rune) bool {
	for _, rg := range coveredRanges {
		if r >= rg[0] && r <= rg[1] {
			return true
		}
	}
	return false
}

const family = "DejaVu"

// titleSize is the size of every document's main title (« Certificat de qualification
// professionnelle », « Procès-verbal de délibération du jury », « Dossier de recevabilité »):
// bold, in the titles' colour, centred, in sentence case, so that the documents read as one set.
const titleSize = 18.0

// Colours: a dark blue for titles and rules, near-black for text, grey for labels.
type rgb struct{ r, g, b int }

var (
	colourTitle = rgb{26, 47, 87}
	colourText  = rgb{25, 25, 25}
	colourLabel = rgb{95, 95, 95}
	colourRule  = rgb{150, 160, 178}
	colourFill  = rgb{234, 238, 245}
)

// newPDF starts an A4 document in millimetres with the embedded fonts, its metadata and a fixed
// creation date, with automatic page breaks off: the layouts below place everything themselves.
func newPDF(orientation string, created time.Time, title, author string) *fpdf.Fpdf {
	pdf := fpdf.NewCustom(&fpdf.InitType{OrientationStr: orientation, UnitStr: "mm", SizeStr: "A4"})
	pdf.SetCatalogSort(true)
	created = created.UTC()
	pdf.SetCreationDate(created)
	pdf.SetModificationDate(created)
	pdf.SetCompression(true)
	pdf.SetLang("fr-FR")
	pdf.SetTitle(title, true)
	pdf.SetAuthor(author, true)
	pdf.SetCreator("cqp", true)
	pdf.SetProducer("cqp", true)
	f := faces()
	pdf.AddUTF8FontFromBytes(family, "", f[0])
	pdf.AddUTF8FontFromBytes(family, "B", f[1])
	pdf.SetAutoPageBreak(false, 0)
	pdf.SetCellMargin(0)
	return pdf
}

// output closes the document and returns its bytes, or the first error fpdf met.
func output(pdf *fpdf.Fpdf) ([]byte, error) {
	var buf bytes.Buffer
	if err := pdf.Output(&buf); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

func setFont(pdf *fpdf.Fpdf, style string, size float64, c rgb) {
	pdf.SetFont(family, style, size)
	pdf.SetTextColor(c.r, c.g, c.b)
}

// lineHeight is the distance between baselines for a font size in points, in millimetres.
func lineHeight(size float64) float64 { return size * 0.3528 * 1.3 }

// clean makes s printable with the embedded fonts: it is put in composed form (NFC: an « é »
// typed as « e » and a combining accent becomes one character, as fpdf does not position
// combining marks), control characters become spaces (line breaks are kept where keepBreaks is
// set), runs of spaces collapse, and characters outside the embedded faces become U+FFFD.
func clean(s string, keepBreaks bool) string {
	s = norm.NFC.String(s)
	var b strings.Builder
	b.Grow(len(s))
	space := false
	for _, r := range s {
		switch {
		case r == '\n' && keepBreaks:
			b.WriteRune('\n')
			space = true // spaces starting the next line are dropped
			continue
		case r == '\r':
			continue
		case unicode.IsSpace(r) || unicode.IsControl(r):
			if !space {
				b.WriteByte(' ')
			}
			space = true
			continue
		case !covered(r):
			r = unicode.ReplacementChar
		}
		b.WriteRune(r)
		space = false
	}
	return strings.TrimSpace(b.String())
}

// wrap breaks text into lines no wider than w with the current font: at spaces, at line breaks,
// and inside a word only when the word alone is wider than w. Widths are summed in the font's
// integer units, as fpdf does, so a line measures exactly what GetStringWidth says.
func wrap(pdf *fpdf.Fpdf, text string, w float64) []string {
	_, unit := pdf.GetFontSize()
	fits := func(symbols int) bool { return float64(symbols)*unit/1000 <= w }
	space := pdf.GetStringSymbolWidth(" ")
	var lines []string
	for _, para := range strings.Split(text, "\n") {
		words := strings.Fields(para)
		if len(words) == 0 {
			lines = append(lines, "")
			continue
		}
		first, lineW := 0, -1 // the line is words[first:i]; lineW < 0 while it is empty
		for i := 0; i < len(words); i++ {
			ww := pdf.GetStringSymbolWidth(words[i])
			switch {
			case lineW >= 0 && fits(lineW+space+ww):
				lineW += space + ww
				continue
			case lineW >= 0:
				lines = append(lines, strings.Join(words[first:i], " "))
			}
			for !fits(ww) {
				cut := fitRunes(pdf, words[i], w)
				lines = append(lines, words[i][:cut])
				words[i] = words[i][cut:]
				ww = pdf.GetStringSymbolWidth(words[i])
			}
			first, lineW = i, ww
		}
		lines = append(lines, strings.Join(words[first:], " "))
	}
	return lines
}

// fitRunes returns the byte length of the longest prefix of word (at least one rune) that fits
// in w.
func fitRunes(pdf *fpdf.Fpdf, word string, w float64) int {
	cut := 0
	for i, r := range word {
		next := i + utf8.RuneLen(r)
		if cut > 0 && pdf.GetStringWidth(word[:next]) > w {
			break
		}
		cut = next
	}
	return cut
}

// textLines draws lines from (x, y) with the given alignment ("L", "C" or "R") in a column of
// width w, and returns the y below them.
func textLines(pdf *fpdf.Fpdf, x, y, w, lh float64, align string, lines []string) float64 {
	for _, l := range lines {
		pdf.SetXY(x, y)
		pdf.CellFormat(w, lh, l, "", 0, align, false, 0, "")
		y += lh
	}
	return y
}

// paragraph wraps and draws text, returning the y below it.
func paragraph(pdf *fpdf.Fpdf, x, y, w float64, size float64, align, text string) float64 {
	return textLines(pdf, x, y, w, lineHeight(size), align, wrap(pdf, text, w))
}

// Signatory is a person who signs a document, under their role.
type Signatory struct{ Role, Name string }

// signatureColumn is the width of each of n signature columns across w.
func signatureColumn(w float64, n int) float64 {
	return (w - signatureGap*float64(n-1)) / float64(n)
}

const signatureGap = 8.0

// signatureHeight is the height signatureBlocks needs for sigs across a width w.
func signatureHeight(pdf *fpdf.Fpdf, sigs []Signatory, w float64) float64 {
	colW := signatureColumn(w, len(sigs))
	roleLines := 1
	nameLines := 1
	for _, s := range sigs {
		setFont(pdf, "", 9, colourLabel)
		roleLines = max(roleLines, len(wrap(pdf, clean(s.Role, false), colW)))
		setFont(pdf, "B", 10, colourText)
		nameLines = max(nameLines, len(wrap(pdf, clean(s.Name, false), colW)))
	}
	return float64(roleLines)*lineHeight(9) + signatureSpace + float64(nameLines)*lineHeight(10)
}

// signatureSpace is the blank left for the handwritten signature.
const signatureSpace = 16

// signatureBlocks draws one column per signatory across [x, x+w]: the role, room to sign, a
// short rule and the name. It returns the y below the tallest column.
func signatureBlocks(pdf *fpdf.Fpdf, x, y, w float64, sigs []Signatory) float64 {
	if len(sigs) == 0 {
		return y
	}
	colW := signatureColumn(w, len(sigs))
	roleLines := 1
	for _, s := range sigs {
		setFont(pdf, "", 9, colourLabel)
		roleLines = max(roleLines, len(wrap(pdf, clean(s.Role, false), colW)))
	}
	nameY := y + float64(roleLines)*lineHeight(9) + signatureSpace
	bottom := nameY
	for i, s := range sigs {
		cx := x + float64(i)*(colW+signatureGap)
		setFont(pdf, "", 9, colourLabel)
		textLines(pdf, cx, y, colW, lineHeight(9), "C", wrap(pdf, clean(s.Role, false), colW))
		pdf.SetDrawColor(colourRule.r, colourRule.g, colourRule.b)
		pdf.SetLineWidth(0.2)
		pdf.Line(cx+colW*0.2, nameY-1.5, cx+colW*0.8, nameY-1.5)
		setFont(pdf, "B", 10, colourText)
		bottom = max(bottom, textLines(pdf, cx, nameY, colW, lineHeight(10), "C", wrap(pdf, clean(s.Name, false), colW)))
	}
	return bottom
}

func checkSignatories(sigs []Signatory) error {
	if len(sigs) == 0 || len(sigs) > 4 {
		return errors.New("between one and four signatories are required")
	}
	for _, s := range sigs {
		if strings.TrimSpace(s.Role) == "" || strings.TrimSpace(s.Name) == "" {
			return errors.New("every signatory needs a role and a name")
		}
	}
	return nil
}

// frenchDateTime formats t in Paris time: 25/11/2026 à 14:00.
func frenchDateTime(t time.Time) string {
	return t.In(domain.Paris()).Format("02/01/2006 à 15:04")
}
