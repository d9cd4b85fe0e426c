package domain

import (
	"bytes"
	"compress/zlib"
	"fmt"
	"io"
	"regexp"
	"strconv"
)

// maxPDFInflated bounds what the object streams of one PDF may inflate to while it is checked:
// a small file that inflates without end (a « zip bomb ») is refused, not read.
const maxPDFInflated = 64 << 20

// checkPDFContent refuses a PDF that holds active content: JavaScript, an action run when the
// file opens (other than going to a page, written in place or in an object), automatic
// actions, a command that launches a program, attached files, multimedia or a dynamic (XFA)
// form. A viewer runs these; a piece of evidence needs none of them.
//
// It is a conservative scan, not a PDF reader: it looks for the PDF names that introduce such
// content (also when written with #xx escapes) everywhere in the file but in the data of
// streams, and inside the object streams where PDF 1.5 and later keep dictionaries, once
// inflated. When it cannot see inside an object stream (the file is encrypted, or its object
// streams use an unusual encoding), it refuses the file rather than trust it. The person can
// always print the document to a new PDF, which keeps what it shows and drops the rest.
func checkPDFContent(name string, content []byte) error {
	printAgain := "ouvrez-le et imprimez-le en PDF (« Enregistrer au format PDF » ou « Microsoft Print to PDF »), puis envoyez le nouveau fichier"
	active := func(what string) error {
		return fmt.Errorf("le fichier « %s » est un PDF qui contient %s : par sécurité, ces PDF sont refusés. Pour le joindre, %s", name, what, printAgain)
	}
	unreadable := func() error {
		return fmt.Errorf("le fichier « %s » est un PDF chiffré ou encodé d'une façon qui empêche d'en vérifier le contenu : %s", name, printAgain)
	}
	atOpening := "une action lancée à l'ouverture du fichier"
	outside, streams := splitPDFStreams(content)
	what, seen, opening := scanPDFNames(outside)
	if what != "" {
		return active(what)
	}
	encrypted := seen["Encrypt"]
	inflated := 0
	var objectStreams []pdfObjectStream
	for _, s := range streams {
		_, dict, _ := scanPDFNames(s.dict)
		objectStream := dict["ObjStm"]
		flate := dict["FlateDecode"] || dict["Fl"]
		otherFilter := dict["ASCIIHexDecode"] || dict["AHx"] || dict["ASCII85Decode"] || dict["A85"] ||
			dict["LZWDecode"] || dict["LZW"] || dict["RunLengthDecode"] || dict["RL"] || dict["Crypt"]
		var data []byte
		switch {
		case objectStream && (encrypted || otherFilter || dict["DecodeParms"] || dict["DP"]):
			return unreadable()
		case objectStream && !flate:
			data = s.data
		case objectStream:
			var err error
			if data, err = inflatePDFStream(s.data, &inflated); err != nil {
				return unreadable()
			}
		case flate && !encrypted && startsLikeObjectStream(s.data):
			// A stream that does not say it is an object stream but inflates to what one holds
			// (pairs of numbers, then objects) is read as one: a viewer finds its objects
			// through the cross-reference table, whatever the stream's dictionary claims.
			var err error
			if data, err = inflatePDFStream(s.data, &inflated); err != nil {
				return unreadable()
			}
		default:
			continue
		}
		what, _, refs := scanPDFNames(data)
		if what != "" {
			return active(what)
		}
		opening = append(opening, refs...)
		objectStreams = append(objectStreams, pdfObjectStream{dict: s.dict, data: data})
	}
	for _, number := range opening {
		if !pdfObjectGoesToPage(number, outside, objectStreams) {
			return active(atOpening)
		}
	}
	return nil
}

// pdfObjectStream is an object stream's dictionary text and inflated data.
type pdfObjectStream struct {
	dict, data []byte
}

// pdfObjectGoesToPage tells whether object number only goes to a page (pdfGoesToPage),
// looking for it in the file's text, every definition of it, and in its object streams. An
// object not found does not.
func pdfObjectGoesToPage(number int, outside []byte, objectStreams []pdfObjectStream) bool {
	ws := `[\x00\t\n\f\r ]`
	header := regexp.MustCompile(fmt.Sprintf(`(?:^|[^0-9])%d%s+\d+%s+obj`, number, ws, ws))
	found := false
	for _, m := range header.FindAllIndex(outside, -1) {
		if !pdfGoesToPage(outside[m[1]:]) {
			return false
		}
		found = true
	}
	first := regexp.MustCompile(`/First` + ws + `+(\d+)`)
	for _, os := range objectStreams {
		m := first.FindSubmatch(os.dict)
		if m == nil {
			continue
		}
		start, err := strconv.Atoi(string(m[1]))
		if err != nil || start > len(os.data) {
			continue
		}
		// The stream starts with pairs "object number, offset from First".
		fields := bytes.Fields(os.data[:start])
		for i := 0; i+1 < len(fields); i += 2 {
			n, errN := strconv.Atoi(string(fields[i]))
			offset, errO := strconv.Atoi(string(fields[i+1]))
			if errN != nil || errO != nil || n != number || offset < 0 || start+offset > len(os.data) {
				continue
			}
			if !pdfGoesToPage(os.data[start+offset:]) {
				return false
			}
			found = true
		}
	}
	return found
}

// pdfGoesToPage tells whether the PDF value at the start of b only goes to a page of the
// document: a destination array ("[3 0 R /Fit]") or a GoTo action to one
// ("<< /S /GoTo /D [3 0 R /Fit] >>"), with no other action chained to it.
func pdfGoesToPage(b []byte) bool {
	v := bytes.TrimLeft(b, "\x00\t\n\f\r ")
	if bytes.HasPrefix(v, []byte("[")) {
		return true
	}
	if !bytes.HasPrefix(v, []byte("<<")) {
		return false
	}
	end := pdfDictEnd(v)
	if end < 0 {
		return false
	}
	_, names, _ := scanPDFNames(v[2:end])
	for name := range names {
		switch name {
		case "Type", "Action", "S", "GoTo", "D", "XYZ", "Fit", "FitH", "FitV", "FitR", "FitB", "FitBH", "FitBV":
		default:
			return false
		}
	}
	return names["GoTo"]
}

// pdfStream is one stream of a PDF: its data and, before it, the text where its dictionary
// is (from the end of the previous stream, so that nothing of the dictionary escapes).
type pdfStream struct {
	dict, data []byte
}

// pdfDictEnd returns the index of the ">>" that closes the dictionary b starts with, or -1:
// nested dictionaries count, and so do strings, where a ">>" closes nothing.
func pdfDictEnd(b []byte) int {
	depth := 0
	for i := 0; i < len(b); i++ {
		switch {
		case b[i] == '(':
			// A literal string: balanced parentheses, a backslash escapes the next byte.
			open := 1
			for i++; i < len(b) && open > 0; i++ {
				switch b[i] {
				case '\\':
					i++
				case '(':
					open++
				case ')':
					open--
				}
			}
			i--
		case bytes.HasPrefix(b[i:], []byte("<<")):
			depth++
			i++
		case bytes.HasPrefix(b[i:], []byte(">>")):
			depth--
			if depth == 0 {
				return i
			}
			i++
		}
	}
	return -1
}

// splitPDFStreams returns the file without the data of its streams, and the streams. A
// stream's data runs from the line after the keyword "stream" (after a dictionary's ">>") to
// the next "endstream". Data that holds an object header ("12 0 obj") is kept in the text
// that is scanned, so that objects hidden in a false stream are scanned too.
func splitPDFStreams(b []byte) ([]byte, []pdfStream) {
	header := regexp.MustCompile(`\d+[\x00\t\n\f\r ]+\d+[\x00\t\n\f\r ]+obj`)
	var outside []byte
	var streams []pdfStream
	from, pos := 0, 0
	for {
		i := bytes.Index(b[pos:], []byte("stream"))
		if i < 0 {
			break
		}
		i += pos
		pos = i + len("stream")
		before := bytes.TrimRight(b[from:i], "\x00\t\n\f\r ")
		if !bytes.HasSuffix(before, []byte(">>")) {
			continue
		}
		start := pos
		switch {
		case bytes.HasPrefix(b[start:], []byte("\r\n")):
			start += 2
		case bytes.HasPrefix(b[start:], []byte("\n")), bytes.HasPrefix(b[start:], []byte("\r")):
			start++
		default:
			continue
		}
		end := bytes.Index(b[start:], []byte("endstream"))
		if end < 0 {
			end = len(b)
		} else {
			end += start
		}
		s := pdfStream{dict: b[from:i], data: b[start:end]}
		streams = append(streams, s)
		outside = append(outside, b[from:start]...)
		if header.Match(s.data) {
			outside = append(outside, s.data...)
		}
		from, pos = end, end
	}
	return append(outside, b[from:]...), streams
}

// startsLikeObjectStream tells whether a flate stream inflates to text that starts as an
// object stream does: two whole numbers separated by white space (the first object's number
// and offset).
func startsLikeObjectStream(data []byte) bool {
	r, err := zlib.NewReader(bytes.NewReader(data))
	if err != nil {
		return false
	}
	defer r.Close()
	head := make([]byte, 32)
	n, _ := io.ReadFull(r, head)
	return regexp.MustCompile(`^[\x00\t\n\f\r ]*\d+[\x00\t\n\f\r ]+\d+`).Match(head[:n])
}

// inflatePDFStream inflates a flate stream, counting what it inflates into *total and failing
// once the file's whole exceeds maxPDFInflated.
func inflatePDFStream(data []byte, total *int) ([]byte, error) {
	r, err := zlib.NewReader(bytes.NewReader(data))
	if err != nil {
		return nil, err
	}
	defer r.Close()
	out, err := io.ReadAll(io.LimitReader(r, int64(maxPDFInflated-*total)+1))
	*total += len(out)
	if *total > maxPDFInflated {
		return nil, fmt.Errorf("the PDF's object streams inflate beyond %d bytes", maxPDFInflated)
	}
	return out, err
}

// scanPDFNames reads the PDF names in b ("/Type", "/J#61vaScript" read as "/JavaScript") and
// returns, in French, the first active content one introduces ("" when none), every name seen,
// and the objects that /OpenAction refers to, for the caller to check that each only goes to a
// page. An /OpenAction written in place is accepted only when it goes to a page
// (pdfGoesToPage).
func scanPDFNames(b []byte) (string, map[string]bool, []int) {
	reference := regexp.MustCompile(`^[\x00\t\n\f\r ]*(\d+)[\x00\t\n\f\r ]+\d+[\x00\t\n\f\r ]+R`)
	seen := map[string]bool{}
	var refs []int
	for i := 0; i < len(b); i++ {
		if b[i] != '/' {
			continue
		}
		name, next := readPDFName(b, i+1)
		seen[name] = true
		if what := activePDFName(name); what != "" {
			return what, seen, refs
		}
		if name == "OpenAction" {
			if m := reference.FindSubmatch(b[next:]); m != nil {
				n, err := strconv.Atoi(string(m[1]))
				if err != nil {
					return "une action lancée à l'ouverture du fichier", seen, refs
				}
				refs = append(refs, n)
			} else if !pdfGoesToPage(b[next:]) {
				return "une action lancée à l'ouverture du fichier", seen, refs
			}
		}
		i = next - 1
	}
	return "", seen, refs
}

// readPDFName reads a name from b[i:] (after its "/"), decoding #xx escapes, and returns it
// with the index after it.
func readPDFName(b []byte, i int) (string, int) {
	var name []byte
	for i < len(b) && !pdfDelimiter(b[i]) {
		if b[i] == '#' && i+2 < len(b) && isHex(b[i+1]) && isHex(b[i+2]) {
			name = append(name, hexValue(b[i+1])<<4|hexValue(b[i+2]))
			i += 3
			continue
		}
		name = append(name, b[i])
		i++
	}
	return string(name), i
}

// activePDFName names, in French, the active content a PDF name introduces, or "".
func activePDFName(name string) string {
	switch name {
	case "JavaScript", "JS":
		return "du code JavaScript"
	case "AA":
		return "des actions déclenchées automatiquement"
	case "Launch":
		return "une commande qui lance un programme"
	case "EmbeddedFile", "EF":
		// The file itself and a file specification's link to it; an empty list of attached
		// files (/EmbeddedFiles, which go-pdf/fpdf always writes) attaches nothing.
		return "des fichiers joints"
	case "RichMedia":
		return "un contenu multimédia actif"
	case "XFA":
		return "un formulaire dynamique (XFA)"
	}
	return ""
}

func pdfDelimiter(c byte) bool {
	switch c {
	case 0, '\t', '\n', '\f', '\r', ' ', '(', ')', '<', '>', '[', ']', '{', '}', '/', '%':
		return true
	}
	return false
}

func isHex(c byte) bool {
	return '0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F'
}

func hexValue(c byte) byte {
	switch {
	case c >= 'a':
		return c - 'a' + 10
	case c >= 'A':
		return c - 'A' + 10
	}
	return c - '0'
}
