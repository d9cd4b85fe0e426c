package deliberatejson

import (
	"bufio"
	"strconv"
	"unicode/utf8"
	"unsafe"

	"cqp/internal/domain"
)

// write scans the candidates a second time and writes the output document. check has
// accepted the input, so the rules give the same results again.
func (d *deliberation) write(w *bufio.Writer) error {
	if _, err := w.WriteString(`{"candidates":[`); err != nil {
		return err
	}
	s := &scanner{data: d.data, pos: d.candidates}
	d.ids = nil
	if err := d.each(s, w); err != nil {
		return err
	}
	_, err := w.WriteString("]}\n")
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

// appendString writes s, valid UTF-8, as a JSON string.
func appendString(dst []byte, s string) []byte {
	dst = append(dst, '"')
	start := 0
	for i := 0; i < len(s); {
		c := s[i]
		if c >= 0x20 && c != '"' && c != '\\' && c < 0x80 {
			i++
			continue
		}
		if c >= 0x80 {
			r, size := utf8.DecodeRuneInString(s[i:])
			if r != '\u2028' && r != '\u2029' {
				i += size
				continue
			}
			dst = append(dst, s[start:i]...)
			dst = append(dst, `\u202`...)
			dst = append(dst, hexDigits[r&0xf])
			i += size
			start = i
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
		i++
		start = i
	}
	dst = append(dst, s[start:]...)
	return append(dst, '"')
}
