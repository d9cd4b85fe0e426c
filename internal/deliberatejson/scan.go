package deliberatejson

import (
	"bytes"
	"io"
	"strconv"
	"unicode/utf16"
	"unicode/utf8"
	"unsafe"
)

// window is the size of the scanner's window on the input. Tests shrink it to a few bytes so
// that every token crosses a refill.
const window = 256 << 10

// scanner reads JSON (RFC 8259) through a window on its input that it refills as it goes, so
// that memory does not depend on the size of the input. Strings without escapes are returned as
// views of the window (no copy): they stay valid until release is called, as fill never
// overwrites nor moves the bytes from the last release on (it moves to a new buffer instead,
// which happens only when a value longer than half the window straddles its end).
type scanner struct {
	data []byte // the window: the input from offset base on
	pos  int    // next byte to read, in data
	pin  int    // data[pin:] holds strings that may still be in use: fill keeps them in place
	base int64  // offset of data[0] in the input
	at   textPos
	src  io.Reader // nil at the end of the input
	err  error     // a read error other than io.EOF; the scanner saw it as the end of the input
}

// textPos is a position in the input as an error message gives it: line breaks before it, and
// characters since the last one.
type textPos struct{ lines, chars int }

// newScanner reads src, which starts at offset base of the input, at text position at, through
// a window of size bytes.
func newScanner(src io.Reader, base int64, at textPos, size int) *scanner {
	return &scanner{data: make([]byte, 0, max(size, 1)), src: src, base: base, at: at}
}

// offset returns the offset in the input of the next byte to read.
func (s *scanner) offset() int64 { return s.base + int64(s.pos) }

// release says that no string the scanner returned is used any more. When most of the window
// has been read, its unread end moves to the front now, so that the next value, unless it is
// longer than half the window, is read without moving to a new buffer.
func (s *scanner) release() {
	s.pin = s.pos
	if s.pos > cap(s.data)/2 && s.drop(s.pos) {
		n := copy(s.data[:cap(s.data)], s.data[s.pos:])
		s.data = s.data[:n]
		s.pos, s.pin = 0, 0
	}
}

// drop accounts for the bytes before data[n] before they are dropped: the line breaks and the
// characters of the last line, for error positions. It refuses (false) to cut a UTF-8 sequence,
// whose characters would then be counted differently.
func (s *scanner) drop(n int) bool {
	if n == 0 || s.data[n-1] >= utf8.RuneSelf {
		return n == 0
	}
	gone := s.data[:n]
	if nl := bytes.LastIndexByte(gone, '\n'); nl >= 0 {
		s.at.lines += 1 + bytes.Count(gone[:nl], newline)
		s.at.chars = utf8.RuneCount(gone[nl+1:])
	} else {
		s.at.chars += utf8.RuneCount(gone)
	}
	s.base += int64(n)
	return true
}

var newline = []byte{'\n'}

// fill reads more of the input after the window. It keeps data[pin:] where it is, or moves to
// a new buffer when the window is full; the bytes before pin may go. It returns by how much
// the indices into data went down (pos and pin follow) and whether more bytes came.
func (s *scanner) fill() (shift int, ok bool) {
	if s.src == nil {
		return 0, false
	}
	if len(s.data) == cap(s.data) {
		keep := s.pin
		for keep > 0 && !s.drop(keep) {
			keep-- // back to the end of an ASCII byte, at worst to the start
		}
		rest := s.data[keep:]
		if s.pin == s.pos && len(rest) < cap(s.data) {
			// No string in use: the unread bytes move to the front.
			s.data = s.data[:copy(s.data[:cap(s.data)], rest)]
		} else {
			// Strings in use point into this buffer: leave it to them.
			buf := make([]byte, len(rest), max(cap(s.data), 2*len(rest)))
			copy(buf, rest)
			s.data = buf
		}
		s.pos -= keep
		s.pin -= keep
		shift = keep
	}
	for {
		n, err := s.src.Read(s.data[len(s.data):cap(s.data)])
		s.data = s.data[:len(s.data)+n]
		if err != nil {
			if err != io.EOF {
				s.err = err
			}
			s.src = nil
			return shift, n > 0
		}
		if n > 0 {
			return shift, true
		}
	}
}

// ensure makes the window hold data[:end] if the input is long enough; it returns by how much
// the indices into data went down and whether it does.
func (s *scanner) ensure(end int) (shift int, ok bool) {
	for end > len(s.data) {
		sh, more := s.fill()
		shift += sh
		end -= sh
		if !more {
			return shift, false
		}
	}
	return shift, true
}

// syntaxError is malformed JSON at an offset of the input.
type syntaxError struct {
	pos int64
	msg string
}

func (e *syntaxError) Error() string { return e.msg }

func (s *scanner) fail(msg string) error { return &syntaxError{pos: s.offset(), msg: msg} }

func (s *scanner) unexpected(want string) error {
	s.ensure(s.pos + 1)
	if s.pos >= len(s.data) {
		return s.fail("fin du document inattendue, " + want + " attendu")
	}
	c := s.data[s.pos]
	got := "« " + string(rune(c)) + " »"
	if c < 0x20 || c >= 0x80 {
		got = "l'octet 0x" + strconv.FormatUint(uint64(c), 16)
	}
	return s.fail(got + " inattendu, " + want + " attendu")
}

func (s *scanner) ws() {
	for {
		for s.pos < len(s.data) {
			switch s.data[s.pos] {
			case ' ', '\t', '\n', '\r':
				s.pos++
			default:
				return
			}
		}
		if _, ok := s.fill(); !ok {
			return
		}
	}
}

// peek skips white space and returns the next byte, or 0 at the end.
func (s *scanner) peek() byte {
	s.ws()
	if s.pos >= len(s.data) {
		return 0
	}
	return s.data[s.pos]
}

func (s *scanner) consume(c byte) bool {
	if s.peek() == c {
		s.pos++
		return true
	}
	return false
}

func (s *scanner) expect(c byte, want string) error {
	if s.consume(c) {
		return nil
	}
	return s.unexpected(want)
}

// object reads an object and calls fn for each key, with the scanner on the value, which fn
// must consume.
func (s *scanner) object(fn func(key string) error) error {
	if err := s.expect('{', "un objet"); err != nil {
		return err
	}
	if s.consume('}') {
		return nil
	}
	for {
		if s.peek() != '"' {
			return s.unexpected("un nom de champ entre guillemets")
		}
		key, err := s.str()
		if err != nil {
			return err
		}
		if err := s.expect(':', "« : »"); err != nil {
			return err
		}
		if err := fn(key); err != nil {
			return err
		}
		if s.consume(',') {
			continue
		}
		return s.expect('}', "« , » ou « } »")
	}
}

// array reads an array and calls fn for each element, with the scanner on it.
func (s *scanner) array(fn func(i int) error) error {
	if err := s.expect('[', "un tableau"); err != nil {
		return err
	}
	if s.consume(']') {
		return nil
	}
	for i := 0; ; i++ {
		if err := fn(i); err != nil {
			return err
		}
		if s.consume(',') {
			continue
		}
		return s.expect(']', "« , » ou « ] »")
	}
}

// null consumes a null literal if one comes next.
func (s *scanner) null() (bool, error) {
	if s.peek() != 'n' {
		return false, nil
	}
	return true, s.literal("null")
}

func (s *scanner) literal(lit string) error {
	if _, ok := s.ensure(s.pos + len(lit)); ok && string(s.data[s.pos:s.pos+len(lit)]) == lit {
		s.pos += len(lit)
		return nil
	}
	return s.unexpected("une valeur JSON")
}

// str reads a string, the scanner on its opening quote.
func (s *scanner) str() (string, error) {
	s.ws()
	if s.pos >= len(s.data) || s.data[s.pos] != '"' {
		return "", s.unexpected("une chaîne")
	}
	start := s.pos + 1
	ascii := true
	for i := start; ; {
		for ; i < len(s.data); i++ {
			c := s.data[i]
			switch {
			case c == '"':
				if !ascii && !utf8.Valid(s.data[start:i]) {
					s.pos = start
					return "", s.fail("chaîne qui n'est pas de l'UTF-8 valide")
				}
				s.pos = i + 1
				if i == start {
					return "", nil
				}
				return unsafe.String(&s.data[start], i-start), nil
			case c == '\\':
				return s.escaped(start, i)
			case c < 0x20:
				s.pos = i
				return "", s.fail("caractère de contrôle non échappé dans une chaîne")
			case c >= 0x80:
				ascii = false
			}
		}
		shift, ok := s.fill()
		start, i = start-shift, i-shift
		if !ok {
			break
		}
	}
	s.pos = len(s.data)
	return "", s.fail("chaîne non terminée")
}

// escaped decodes a string holding escapes, from start; data[start:i] has none.
func (s *scanner) escaped(start, i int) (string, error) {
	buf := make([]byte, 0, i-start+16)
	buf = append(buf, s.data[start:i]...)
	for {
		shift, ok := s.ensure(i + 1)
		start, i = start-shift, i-shift
		if !ok {
			break
		}
		c := s.data[i]
		switch {
		case c == '"':
			if !utf8.Valid(buf) {
				s.pos = start
				return "", s.fail("chaîne qui n'est pas de l'UTF-8 valide")
			}
			s.pos = i + 1
			return string(buf), nil
		case c < 0x20:
			s.pos = i
			return "", s.fail("caractère de contrôle non échappé dans une chaîne")
		case c != '\\':
			buf = append(buf, c)
			i++
			continue
		}
		shift, ok = s.ensure(i + 2)
		start, i = start-shift, i-shift
		if !ok {
			break
		}
		e := s.data[i+1]
		i += 2
		switch e {
		case '"', '\\', '/':
			buf = append(buf, e)
		case 'b':
			buf = append(buf, '\b')
		case 'f':
			buf = append(buf, '\f')
		case 'n':
			buf = append(buf, '\n')
		case 'r':
			buf = append(buf, '\r')
		case 't':
			buf = append(buf, '\t')
		case 'u':
			shift, _ := s.ensure(i + 10) // four hex digits, and maybe \\u and four more
			start, i = start-shift, i-shift
			r, ok := hex4(s.data, i)
			if !ok {
				s.pos = i
				return "", s.fail("échappement \\u invalide")
			}
			i += 4
			if utf16.IsSurrogate(r) {
				r2, ok := rune(-1), false
				if i+6 <= len(s.data) && s.data[i] == '\\' && s.data[i+1] == 'u' {
					r2, ok = hex4(s.data, i+2)
				}
				if dec := utf16.DecodeRune(r, r2); ok && dec != utf8.RuneError {
					r = dec
					i += 6
				} else {
					r = utf8.RuneError
				}
			}
			buf = utf8.AppendRune(buf, r)
		default:
			s.pos = i - 1
			return "", s.fail("échappement invalide dans une chaîne")
		}
	}
	s.pos = len(s.data)
	return "", s.fail("chaîne non terminée")
}

func hex4(b []byte, i int) (rune, bool) {
	if i+4 > len(b) {
		return 0, false
	}
	var r rune
	for _, c := range b[i : i+4] {
		switch {
		case '0' <= c && c <= '9':
			c -= '0'
		case 'a' <= c && c <= 'f':
			c = c - 'a' + 10
		case 'A' <= c && c <= 'F':
			c = c - 'A' + 10
		default:
			return 0, false
		}
		r = r<<4 | rune(c)
	}
	return r, true
}

// number reads a number and returns its text, checked against the JSON grammar.
func (s *scanner) number() (string, error) {
	s.ws()
	// Have the window hold every byte that may belong to the number, and the one after it.
	for i := s.pos; ; {
		for i < len(s.data) && isNumberByte(s.data[i]) {
			i++
		}
		if i < len(s.data) {
			break
		}
		shift, ok := s.fill()
		i -= shift
		if !ok {
			break
		}
	}
	d, start := s.data, s.pos
	i := start
	if i < len(d) && d[i] == '-' {
		i++
	}
	switch {
	case i < len(d) && d[i] == '0':
		i++
	case i < len(d) && '1' <= d[i] && d[i] <= '9':
		for i < len(d) && '0' <= d[i] && d[i] <= '9' {
			i++
		}
	default:
		s.pos = i
		return "", s.unexpected("un nombre")
	}
	if i < len(d) && d[i] == '.' {
		i++
		if i >= len(d) || d[i] < '0' || d[i] > '9' {
			s.pos = i
			return "", s.unexpected("un chiffre après la virgule")
		}
		for i < len(d) && '0' <= d[i] && d[i] <= '9' {
			i++
		}
	}
	if i < len(d) && (d[i] == 'e' || d[i] == 'E') {
		i++
		if i < len(d) && (d[i] == '+' || d[i] == '-') {
			i++
		}
		if i >= len(d) || d[i] < '0' || d[i] > '9' {
			s.pos = i
			return "", s.unexpected("un exposant")
		}
		for i < len(d) && '0' <= d[i] && d[i] <= '9' {
			i++
		}
	}
	s.pos = i
	return unsafe.String(&d[start], i-start), nil
}

func isNumberByte(c byte) bool {
	return '0' <= c && c <= '9' || c == '-' || c == '+' || c == '.' || c == 'e' || c == 'E'
}

// skipValue checks and skips any JSON value, without recursion. It releases the strings the
// scanner returned before it.
func (s *scanner) skipValue() error {
	var stack []byte // open containers: '{' or '['
	for {
		// A value.
		s.release()
		switch s.peek() {
		case '{':
			s.pos++
			if s.consume('}') {
				break
			}
			stack = append(stack, '{')
			if _, err := s.str(); err != nil {
				return err
			}
			if err := s.expect(':', "« : »"); err != nil {
				return err
			}
			continue
		case '[':
			s.pos++
			if s.consume(']') {
				break
			}
			stack = append(stack, '[')
			continue
		case '"':
			if _, err := s.str(); err != nil {
				return err
			}
		case 't':
			if err := s.literal("true"); err != nil {
				return err
			}
		case 'f':
			if err := s.literal("false"); err != nil {
				return err
			}
		case 'n':
			if err := s.literal("null"); err != nil {
				return err
			}
		default:
			if _, err := s.number(); err != nil {
				return err
			}
		}
		// After a value: close containers or move to the next element.
		for {
			if len(stack) == 0 {
				return nil
			}
			top := stack[len(stack)-1]
			if s.consume(',') {
				if top == '{' {
					if _, err := s.str(); err != nil {
						return err
					}
					if err := s.expect(':', "« : »"); err != nil {
						return err
					}
				}
				break
			}
			if top == '{' {
				if err := s.expect('}', "« , » ou « } »"); err != nil {
					return err
				}
			} else if err := s.expect(']', "« , » ou « ] »"); err != nil {
				return err
			}
			stack = stack[:len(stack)-1]
		}
	}
}

// lineColumn converts an offset in the input, in the window, into a 1-based line and column
// (in characters).
func (s *scanner) lineColumn(offset int64) (line, col int) {
	pos := int(min(max(offset-s.base, 0), int64(len(s.data))))
	before := s.data[:pos]
	line = s.at.lines + 1 + bytes.Count(before, newline)
	if nl := bytes.LastIndexByte(before, '\n'); nl >= 0 {
		return line, utf8.RuneCount(before[nl+1:]) + 1
	}
	return line, s.at.chars + utf8.RuneCount(before) + 1
}

// textPos returns the text position of the next byte to read.
func (s *scanner) textPos() textPos {
	line, col := s.lineColumn(s.offset())
	return textPos{lines: line - 1, chars: col - 1}
}
