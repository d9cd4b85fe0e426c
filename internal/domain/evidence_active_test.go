package domain

import (
	"bytes"
	"compress/zlib"
	"encoding/binary"
	"fmt"
	"hash/crc32"
	"image/jpeg"
	"image/png"
	"strings"
	"testing"
)

// pdfWith writes a small PDF whose objects are body, with a trailer and "%%EOF".
func pdfWith(body string) []byte {
	return []byte("%PDF-1.7\n" + body + "\ntrailer<</Root 1 0 R>>\n%%EOF\n")
}

func deflate(t *testing.T, data []byte) []byte {
	t.Helper()
	var b bytes.Buffer
	w := zlib.NewWriter(&b)
	if _, err := w.Write(data); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// streamObject writes object number n as a stream with dict's entries and data.
func streamObject(n int, dict string, data []byte) string {
	return fmt.Sprintf("%d 0 obj\n<<%s/Length %d>>\nstream\n%s\nendstream\nendobj\n", n, dict, len(data), data)
}

// Issue 14, item 12: a PDF that carries JavaScript, an action run at opening, a launched
// program or attached files is refused with a message that says what and how to send the
// document anyway; what a viewer only shows is accepted.
func TestSniffEvidenceRefusesPDFsWithActiveContent(t *testing.T) {
	catalog := "1 0 obj<</Type/Catalog/Pages 2 0 R%s>>endobj\n2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n" +
		"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]>>endobj\n"
	binaryImage := append([]byte("\xff\x00/JS /AA /JavaScript "), make([]byte, 64)...) // image bytes that look like names
	benignObjects := deflate(t, []byte("4 0 5 40 <</Type/Font/Subtype/Type1/BaseFont/Helvetica>> <</Producer(Scanner)>>"))
	accepted := []struct {
		name string
		pdf  []byte
	}{
		{"a plain document", pdfWith(fmt.Sprintf(catalog, ""))},
		{"an opening at a page and zoom", pdfWith(fmt.Sprintf(catalog, "/OpenAction[3 0 R/FitH null]"))},
		{"a go-to action at opening, in an object stream (pdfTeX)", pdfWith(fmt.Sprintf(catalog, "/OpenAction 4 0 R") +
			streamObject(6, "/Type/ObjStm/N 1/First 4/Filter/FlateDecode", deflate(t, []byte("4 0 << /S /GoTo /D [3 0 R /Fit] >>"))))},
		{"a go-to action at opening, in place", pdfWith(fmt.Sprintf(catalog, "/OpenAction<</S/GoTo/D[3 0 R/XYZ 0 842 0]>>"))},
		{"an empty list of attached files (go-pdf/fpdf, cqp's own documents)", pdfWith(fmt.Sprintf(catalog, "/Names <<\n/EmbeddedFiles << /Names [\n  \n] >>\n>>"))},
		{"a link to a web page", pdfWith(fmt.Sprintf(catalog, "") + "4 0 obj<</Type/Annot/Subtype/Link/A<</S/URI/URI(https://example.fr)>>>>endobj")},
		{"image data that happens to hold /JS", pdfWith(fmt.Sprintf(catalog, "") +
			streamObject(4, "/Type/XObject/Subtype/Image/Width 8/Height 8/BitsPerComponent 8/ColorSpace/DeviceGray", binaryImage))},
		{"an object stream of fonts and information", pdfWith(fmt.Sprintf(catalog, "") +
			streamObject(6, "/Type/ObjStm/N 2/First 9/Filter/FlateDecode", benignObjects))},
	}
	for _, c := range accepted {
		t.Run(c.name, func(t *testing.T) {
			if got, err := SniffEvidence("attestation.pdf", c.pdf); err != nil || got != EvidencePDF {
				t.Fatalf("got %q, %v; want a PDF", got, err)
			}
		})
	}

	hidden := deflate(t, []byte("4 0 <</S/JavaScript/JS(app.alert(1))>>"))
	bomb := deflate(t, make([]byte, maxPDFInflated+1))
	refused := []struct {
		name string
		pdf  []byte
		says string
	}{
		{"javascript run at opening", pdfWith(fmt.Sprintf(catalog, "/OpenAction<</S/JavaScript/JS(app.alert(1))>>")), "à l'ouverture"},
		{"document-level javascript", pdfWith(fmt.Sprintf(catalog, "/Names<</JavaScript 4 0 R>>")), "du code JavaScript"},
		{"a name written with #xx escapes", pdfWith(fmt.Sprintf(catalog, "/Names<</J#61va#53cript 4 0 R>>")), "du code JavaScript"},
		{"a web page opened at opening", pdfWith(fmt.Sprintf(catalog, "/OpenAction 4 0 R") + "4 0 obj<</S/URI/URI(https://example.com)>>endobj"), "à l'ouverture"},
		{"a go-to chained to another action", pdfWith(fmt.Sprintf(catalog, "/OpenAction<</S/GoTo/D[3 0 R/Fit]/Next 4 0 R>>")), "à l'ouverture"},
		{"a go-to whose string hides a chained action", pdfWith(fmt.Sprintf(catalog, "/OpenAction<</S/GoTo/D(a\\)>>)/Next 4 0 R>>")), "à l'ouverture"},
		{"an opening action that is nowhere", pdfWith(fmt.Sprintf(catalog, "/OpenAction 9 0 R")), "à l'ouverture"},
		{"a web page opened at opening, from an object stream", pdfWith(fmt.Sprintf(catalog, "/OpenAction 4 0 R") +
			streamObject(6, "/Type/ObjStm/N 1/First 4/Filter/FlateDecode", deflate(t, []byte("4 0 <</S/URI/URI(https://example.com)>>")))), "à l'ouverture"},
		{"a program launched", pdfWith(fmt.Sprintf(catalog, "") + "4 0 obj<</S/Launch/F(cmd.exe)>>endobj"), "lance un programme"},
		{"automatic actions", pdfWith(fmt.Sprintf(catalog, "/AA<</WC 4 0 R>>")), "actions déclenchées automatiquement"},
		{"an attached file", pdfWith(fmt.Sprintf(catalog, "") + streamObject(4, "/Type/EmbeddedFile", []byte("MZ"))), "fichiers joints"},
		{"javascript inside a compressed object stream", pdfWith(fmt.Sprintf(catalog, "") +
			streamObject(5, "/Type/ObjStm/N 1/First 4/Filter/FlateDecode", hidden)), "du code JavaScript"},
		{"an object stream that hides its type", pdfWith(fmt.Sprintf(catalog, "") +
			streamObject(5, "/Filter/FlateDecode", hidden)), "du code JavaScript"},
		{"an object stream in an encrypted file", pdfWith(fmt.Sprintf(catalog, "") +
			streamObject(5, "/Type/ObjStm/N 1/First 4/Filter/FlateDecode", hidden) + "6 0 obj<</Filter/Standard>>endobj\n/Encrypt 6 0 R"), "chiffré"},
		{"an object stream in an unusual encoding", pdfWith(fmt.Sprintf(catalog, "") +
			streamObject(5, "/Type/ObjStm/N 1/First 4/Filter/ASCIIHexDecode", []byte("34"))), "chiffré"},
		{"an object stream that inflates without end", pdfWith(fmt.Sprintf(catalog, "") +
			streamObject(5, "/Type/ObjStm/N 1/First 4/Filter/FlateDecode", bomb)), "chiffré ou encodé"},
	}
	for _, c := range refused {
		t.Run(c.name, func(t *testing.T) {
			got, err := SniffEvidence("attestation.pdf", c.pdf)
			if err == nil {
				t.Fatalf("accepted as %q", got)
			}
			if !strings.Contains(err.Error(), c.says) || !strings.Contains(err.Error(), "« attestation.pdf »") ||
				!strings.Contains(err.Error(), "imprimez-le en PDF") {
				t.Fatalf("message %q should name the file, say %q and how to send it anyway", err, c.says)
			}
		})
	}
}

// withPNGSize rewrites a PNG's header to claim width × height pixels; the pixels themselves
// stay those of a tiny image, which is enough for image.DecodeConfig.
func withPNGSize(t *testing.T, width, height uint32) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := png.Encode(&b, tinyImage()); err != nil {
		t.Fatal(err)
	}
	p := b.Bytes()
	// signature (8), IHDR length (4), "IHDR" (4), then width and height; the CRC follows the
	// 13 bytes of data and covers the type and the data.
	binary.BigEndian.PutUint32(p[16:], width)
	binary.BigEndian.PutUint32(p[20:], height)
	binary.BigEndian.PutUint32(p[29:], crc32.ChecksumIEEE(p[12:29]))
	return p
}

// withJPEGSize rewrites a baseline JPEG's frame header to claim width × height pixels.
func withJPEGSize(t *testing.T, width, height uint16) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := jpeg.Encode(&b, tinyImage(), nil); err != nil {
		t.Fatal(err)
	}
	p := b.Bytes()
	i := bytes.Index(p, []byte{0xFF, 0xC0})
	if i < 0 {
		t.Fatal("no baseline frame header")
	}
	// marker (2), length (2), precision (1), then height and width.
	binary.BigEndian.PutUint16(p[i+5:], height)
	binary.BigEndian.PutUint16(p[i+7:], width)
	return p
}

// Images are measured from their header before anything decodes them: past 10 000 pixels a
// side or 50 megapixels they are refused with their size in the message.
func TestSniffEvidenceRefusesImagesTooLargeToDecode(t *testing.T) {
	accepted := []struct {
		name    string
		content []byte
		want    string
	}{
		{"a PNG of 10 000 × 5 000", withPNGSize(t, 10_000, 5_000), EvidencePNG},
		{"a JPEG of 4 000 × 3 000", withJPEGSize(t, 4_000, 3_000), EvidenceJPEG},
	}
	for _, c := range accepted {
		t.Run(c.name, func(t *testing.T) {
			if got, err := SniffEvidence("photo", c.content); err != nil || got != c.want {
				t.Fatalf("got %q, %v; want %q", got, err, c.want)
			}
		})
	}
	refused := []struct {
		name    string
		content []byte
		says    string
	}{
		{"a PNG 20 000 pixels wide", withPNGSize(t, 20_000, 10), "20 000 × 10 pixels"},
		{"a PNG of 9 000 × 9 000 (81 megapixels)", withPNGSize(t, 9_000, 9_000), "9 000 × 9 000 pixels"},
		{"a PNG that claims 2 billion pixels a side", withPNGSize(t, 1<<31-1, 1<<31-1), "pas lisible"}, // image/png refuses it
		{"a JPEG 60 000 pixels high", withJPEGSize(t, 100, 60_000), "100 × 60 000 pixels"},
	}
	for _, c := range refused {
		t.Run(c.name, func(t *testing.T) {
			got, err := SniffEvidence("photo.png", c.content)
			if err == nil {
				t.Fatalf("accepted as %q", got)
			}
			if !strings.Contains(err.Error(), c.says) || !strings.Contains(err.Error(), "« photo.png »") {
				t.Fatalf("message %q should name the file and say %q", err, c.says)
			}
		})
	}
}

// Whatever a file holds, reading it neither panics nor accepts a PDF that names JavaScript
// outside stream data.
func FuzzSniffEvidencePDF(f *testing.F) {
	f.Add([]byte("1 0 obj<</Type/Catalog/OpenAction[3 0 R/Fit]>>endobj"))
	f.Add([]byte("1 0 obj<</OpenAction 4 0 R>>endobj 4 0 obj<</S/GoTo/D(a\\)>>)>>endobj"))
	f.Add([]byte("5 0 obj<</Type/ObjStm/First 4/Filter/FlateDecode>>stream\nx\x9c\x03\x00\x00\x00\x00\x01\nendstream"))
	f.Add([]byte("/J#61vaScript /#"))
	f.Fuzz(func(t *testing.T, body []byte) {
		pdf := pdfWith(string(body))
		got, err := SniffEvidence("f.pdf", pdf)
		if err == nil && got != EvidencePDF {
			t.Fatalf("accepted as %q", got)
		}
		if err == nil && bytes.Contains(body, []byte("/JavaScript ")) && !bytes.Contains(body, []byte("stream")) {
			t.Fatalf("accepted a PDF that names JavaScript: %q", body)
		}
	})
}
