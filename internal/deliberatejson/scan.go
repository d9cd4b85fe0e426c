package deliberatejson

import (
	"strconv"
	"unicode/utf16"
	"unicode/utf8"
	"unsafe"
)

// scanner reads JSON (RFC 8259) from a byte slice that nobody modifies while it runs. Strings
// without escapes are returned as views of that slice (no copy): the input is kept, unchanged,
// until the output is written.
type scanner struct {
	data []byte
	pos  int
}

// syntaxError is malformed JSON at a byte offset.
type syntaxError struct {
	pos int
	msg string
}

func (e *syntaxError) Error() string { return e.msg }

func (s *scanner) fail(msg string) error { return &syntaxError{pos: s.pos, msg: msg} }

func (s *scanner) unexpected(want string) error {
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
	for s.pos < len(s.data) {
		switch s.data[s.pos] {
		case ' ', '\t', '\n', '\r':
			s.pos++
		default:
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
	if len(s.data)-s.pos >= len(lit) && string(s.data[s.pos:s.pos+len(lit)]) == lit {
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
	for i := start; i < len(s.data); i++ {
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
	s.pos = len(s.data)
	return "", s.fail("chaîne non terminée")
}

// escaped decodes a string holding escapes, from start; data[start:i] has none.
func (s *scanner) escaped(start, i int) (string, error) {
	buf := make([]byte, 0, i-start+16)
	buf = append(buf, s.data[start:i]...)
	for i < len(s.data) {
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
		if i+1 >= len(s.data) {
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

// skipValue checks and skips any JSON value, without recursion.
func (s *scanner) skipValue() error {
	var stack []byte // open containers: '{' or '['
	for {
		// A value.
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

// lineColumn converts a byte offset into a 1-based line and column (in characters).
func lineColumn(data []byte, pos int) (line, col int) {
	if pos > len(data) {
		pos = len(data)
	}
	line, lineStart := 1, 0
	for i := 0; i < pos; i++ {
		if data[i] == '\n' {
			line++
			lineStart = i + 1
		}
	}
	return line, utf8.RuneCount(data[lineStart:pos]) + 1
}
