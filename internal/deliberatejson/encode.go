package deliberatejson

import (
	"bufio"
	"errors"
	"fmt"
	"strconv"
	"unsafe"

	"cqp/internal/domain"
)

// write reads the candidates a second time and writes the output document. check has
// accepted the input, so the rules give the same results again.
func (d *deliberation) write(w *bufio.Writer) error {
	if _, err := w.WriteString(`{"candidates":[`); err != nil {
		return err
	}
	s := d.rescan()
	d.ids = nil
	err := d.each(s, w)
	if s.err != nil {
		return s.err
	}
	var e *Error
	var se *syntaxError
	if errors.As(err, &e) || errors.As(err, &se) {
		// check accepted these bytes: the file changed between the two readings.
		return fmt.Errorf("l'entrée a changé pendant sa lecture, sortie incomplète : %v", wrapSyntax(s, err, "document", "candidates"))
	}
	if err != nil {
		return err
	}
	_, err = w.WriteString("]}\n")
	return err
}

// appendCandidate writes the candidate just judged, d.result, whose id the sheet's reader
// has read.
func (d *deliberation) appendCandidate(dst []byte) []byte {
	dst = append(dst, `{"id":`...)
	dst = appendString(dst, d.lastID)
	dst = append(dst, `,"outcome":"`...)
	dst = append(dst, d.result.Outcome...)
	dst = append(dst, `","blocks":[`...)
	for i, b := range d.result.Blocks {
		if i > 0 {
			dst = append(dst, ',')
		}
		dst = append(dst, `{"code":`...)
		dst = appendString(dst, b.Code)
		dst = append(dst, `,"outcome":"`...)
		dst = append(dst, b.Outcome...)
		dst = append(dst, '"')
		if b.Evaluated() {
			dst = append(dst, `,"evaluators":{`...)
			first := true
			for ei, e := range b.Evaluators {
				if !e.Present {
					continue
				}
				if !first {
					dst = append(dst, ',')
				}
				first = false
				dst = append(dst, '"')
				dst = append(dst, domain.Evaluators[ei]...)
				dst = append(dst, `":{"verdict":"`...)
				dst = append(dst, e.Verdict...)
				dst = append(dst, `","acquired_detailed":`...)
				dst = strconv.AppendInt(dst, int64(e.Acquired), 10)
				dst = append(dst, `,"total_detailed":`...)
				dst = strconv.AppendInt(dst, int64(e.Total), 10)
				dst = append(dst, '}')
			}
			dst = append(dst, '}')
		}
		dst = append(dst, `,"explanation":`...)
		d.explanation = b.AppendExplanation(d.explanation[:0])
		dst = appendString(dst, unsafe.String(unsafe.SliceData(d.explanation), len(d.explanation)))
		dst = append(dst, '}')
	}
	return append(dst, "]}"...)
}

const hexDigits = "0123456789abcdef"

// appendString writes s, valid UTF-8, as a JSON string. Besides quotes, backslashes and
// control characters, it escapes U+2028 and U+2029 (bytes E2 80 A8/A9), as encoding/json does,
// so that the output is also valid JavaScript; other bytes are copied as they are.
func appendString(dst []byte, s string) []byte {
	dst = append(dst, '"')
	start := 0
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c >= 0x20 && c != '"' && c != '\\' && c != 0xE2 {
			continue
		}
		if c == 0xE2 {
			if i+2 >= len(s) || s[i+1] != 0x80 || (s[i+2] != 0xA8 && s[i+2] != 0xA9) {
				continue
			}
			dst = append(dst, s[start:i]...)
			dst = append(dst, `\u202`...)
			dst = append(dst, hexDigits[s[i+2]&0xf])
			i += 2
			start = i + 1
			continue
		}
		dst = append(dst, s[start:i]...)
		switch c {
		case '"', '\\':
			dst = append(dst, '\\', c)
		case '\n':
			dst = append(dst, '\\', 'n')
		case '\r':
			dst = append(dst, '\\', 'r')
		case '\t':
			dst = append(dst, '\\', 't')
		default:
			dst = append(dst, '\\', 'u', '0', '0', hexDigits[c>>4], hexDigits[c&0xf])
		}
		start = i + 1
	}
	dst = append(dst, s[start:]...)
	return append(dst, '"')
}
