// Package deliberatejson implements the JSON contract of `cqp deliberate` (issue 3): one JSON
// document in — a qualification and its candidates with their marks — and one out, with every
// block's outcome, the verdicts of the evaluators the candidate's route reads and a French
// explanation, in input order. Each route reads its own evaluators, all required (DOMAIN.md §7,
// rule 2: formation all three, vae the commission, blocs the training organisation and the
// company referent); another evaluator's grid is checked for form like any grid, then ignored by
// the rules and left out of the output. The route may come after the evaluations in a candidate:
// nothing is decided before the whole candidate is read.
//
// The whole input is checked before anything is written: on the first error Deliberate returns
// an *Error, a single French line naming the candidate and the field, and writes nothing. The
// rules themselves live in internal/rules; this package only reads, checks and writes.
//
// It is built for large sessions (100 000 candidates × 7 blocks): the input is read once into
// memory and scanned in place by a small parser that knows the contract (strings are views of
// the input, numbers are read exactly from their text, nothing is decoded into maps), then
// scanned a second time to write the output through a buffer. Peak memory is the input plus a
// few buffers; no output is held in memory.
package deliberatejson

import (
	"bufio"
	"errors"
	"io"
	"io/fs"
	"strconv"
	"strings"

	"cqp/internal/domain"
	"cqp/internal/rules"
)

// Default values of the qualification's optional fields.
const (
	DefaultThresholdPercent = 70
	DefaultContinuousMin    = 10 * domain.MarkScale
)

// Error is a refusal of the whole input: one line, in French, naming where the problem is.
type Error struct {
	// Where is the part of the document at fault: « candidat « c-1 » (candidates[0]) »,
	// « qualification » or « document ».
	Where string
	// Field is the path of the field in that part, in the contract's names, when known.
	Field string
	// Message says what is wrong and what is expected.
	Message string
}

func (e *Error) Error() string {
	var b strings.Builder
	b.WriteString(e.Where)
	if e.Field != "" {
		b.WriteString(", champ ")
		b.WriteString(e.Field)
	}
	b.WriteString(" : ")
	b.WriteString(e.Message)
	return oneLine(b.String())
}

// oneLine escapes what would break the line: control characters and line separators that
// came from the input (an id or a code).
func oneLine(s string) string {
	if !strings.ContainsFunc(s, func(r rune) bool { return r < 0x20 || r == 0x7f || r == '\u2028' || r == '\u2029' }) {
		return s
	}
	var b strings.Builder
	for _, r := range s {
		if r < 0x20 || r == 0x7f || r == '\u2028' || r == '\u2029' {
			q := strconv.QuoteRune(r)
			b.WriteString(q[1 : len(q)-1])
		} else {
			b.WriteRune(r)
		}
	}
	return b.String()
}

// Run reads the whole input from r, deliberates and writes the output to w. On invalid input
// it returns an *Error and writes nothing; other errors come from reading or writing.
func Run(r io.Reader, w io.Writer) error {
	data, err := readAll(r)
	if err != nil {
		return err
	}
	return Deliberate(data, w)
}

// readAll reads r to the end. A regular file is read in one allocation of its size. Anything
// else (a pipe) is read in chunks copied once into a buffer of the exact size: the peak is twice
// the input, where growing one buffer by doubling would reach three times.
func readAll(r io.Reader) ([]byte, error) {
	if st, ok := r.(interface{ Stat() (fs.FileInfo, error) }); ok {
		if fi, err := st.Stat(); err == nil && fi.Mode().IsRegular() {
			return readSized(r, int(fi.Size()))
		}
	}
	var chunks [][]byte
	total, size := 0, 64<<10
	for {
		chunk := make([]byte, size)
		n, err := io.ReadFull(r, chunk)
		chunks = append(chunks, chunk[:n])
		total += n
		if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
			break
		}
		if err != nil {
			return nil, err
		}
		size = min(size*2, 8<<20)
	}
	buf := make([]byte, 0, total)
	for i, c := range chunks {
		buf = append(buf, c...)
		chunks[i] = nil
	}
	return buf, nil
}

// readSized reads r to the end into a buffer sized for size bytes, growing it only if the
// file grew meanwhile.
func readSized(r io.Reader, size int) ([]byte, error) {
	buf := make([]byte, 0, size+1)
	for {
		if len(buf) == cap(buf) {
			buf = append(buf, 0)[:len(buf)]
		}
		n, err := r.Read(buf[len(buf):cap(buf)])
		buf = buf[:len(buf)+n]
		if errors.Is(err, io.EOF) {
			return buf, nil
		}
		if err != nil {
			return nil, err
		}
	}
}

// Deliberate applies the contract to a whole input document. data must not change until it
// returns. On invalid input it returns an *Error and writes nothing to w.
func Deliberate(data []byte, w io.Writer) error {
	d := &deliberation{data: data}
	if err := d.check(); err != nil {
		return err
	}
	bw := bufio.NewWriterSize(w, 256<<10)
	if err := d.write(bw); err != nil {
		return err
	}
	return bw.Flush()
}

// deliberation holds one run: the input, the compiled qualification and per-candidate scratch.
type deliberation struct {
	data        []byte
	panel       *rules.Panel
	sheet       *rules.Sheet
	result      rules.CandidateResult
	candidates  int // offset of the candidates array
	checked     bool
	ids         map[string]int
	lastID      string // id of the candidate in d.result
	buf         []byte // one candidate's output
	explanation []byte // scratch for one explanation
}

// check reads the document, the qualification and every candidate, and refuses the first
// problem. It leaves the offset of the candidates array for write.
func (d *deliberation) check() error {
	s := &scanner{data: d.data}
	var haveQual, haveCands bool
	field := ""
	read := func(key string) error {
		field = key
		switch key {
		case "qualification":
			if haveQual {
				return &Error{Where: "document", Field: "qualification", Message: "champ en double"}
			}
			haveQual = true
			return d.qualification(s)
		case "candidates":
			if haveCands {
				return &Error{Where: "document", Field: "candidates", Message: "champ en double"}
			}
			haveCands = true
			if s.peek() != '[' {
				return &Error{Where: "document", Field: "candidates", Message: "tableau de candidats attendu"}
			}
			d.candidates = s.pos
			if !haveQual {
				return s.skipValue()
			}
			d.checked = true
			return d.each(s, nil)
		default:
			return &Error{Where: "document", Field: key, Message: "champ inconnu : le document n'a que « qualification » et « candidates »"}
		}
	}
	err := s.object(func(key string) error {
		if err := read(key); err != nil {
			return err
		}
		field = ""
		return nil
	})
	if err == nil {
		s.ws()
		if s.pos < len(s.data) {
			err = s.fail("contenu après la fin du document")
		}
	}
	if err != nil {
		return d.wrapSyntax(err, "document", field)
	}
	if !haveQual {
		return &Error{Where: "document", Field: "qualification", Message: "champ manquant"}
	}
	if !haveCands {
		return &Error{Where: "document", Field: "candidates", Message: "champ manquant"}
	}
	if !d.checked {
		s.pos = d.candidates
		return d.wrapSyntax(d.each(s, nil), "document", "candidates")
	}
	return nil
}

// wrapSyntax turns a syntax error into an *Error located in the document.
func (d *deliberation) wrapSyntax(err error, where, field string) error {
	var se *syntaxError
	if errors.As(err, &se) {
		line, col := lineColumn(d.data, se.pos)
		return &Error{Where: where, Field: field, Message: "JSON invalide ligne " + strconv.Itoa(line) + ", colonne " + strconv.Itoa(col) + " : " + se.msg}
	}
	return err
}

// qualification reads the qualification and compiles it.
func (d *deliberation) qualification(s *scanner) error {
	fw := domain.Framework{ThresholdPercent: DefaultThresholdPercent, ContinuousMinimum: DefaultContinuousMin}
	var seen uint8
	field := ""
	qerr := func(msg string) error { return &Error{Where: "qualification", Field: field, Message: msg} }
	read := func(key string) error {
		field = key
		var bit uint8
		switch key {
		case "code":
			bit = 1
		case "threshold_percent":
			bit = 2
		case "continuous_min":
			bit = 4
		case "blocks":
			bit = 8
		default:
			return qerr("champ inconnu : code, threshold_percent, continuous_min ou blocks")
		}
		if seen&bit != 0 {
			return qerr("champ en double")
		}
		seen |= bit
		if isNull, err := s.null(); err != nil || isNull {
			return err
		}
		switch key {
		case "code":
			if s.peek() != '"' {
				return qerr("chaîne attendue")
			}
			code, err := s.str()
			fw.Qualification.Code = code
			return err
		case "threshold_percent":
			if !isNumber(s.peek()) {
				return qerr("nombre entier attendu")
			}
			raw, err := s.number()
			if err != nil {
				return err
			}
			n := scaled(raw, 0)
			if !n.exact || n.neg || n.big || n.abs < 1 || n.abs > 100 {
				return qerr("seuil « " + french(raw) + " » : un entier de 1 à 100 attendu")
			}
			fw.ThresholdPercent = int(n.abs)
		case "continuous_min":
			if !isNumber(s.peek()) {
				return qerr("nombre attendu")
			}
			raw, err := s.number()
			if err != nil {
				return err
			}
			n := scaled(raw, 2)
			if !n.exact || n.neg || n.big || n.abs > int64(domain.MaxMark) {
				return qerr("minimum « " + french(raw) + " » : une note de 0 à 20, au centième au plus, attendue")
			}
			fw.ContinuousMinimum = domain.Mark(n.abs)
		case "blocks":
			if s.peek() != '[' {
				return qerr("tableau de blocs attendu")
			}
			return s.array(func(i int) error {
				field = "blocks[" + strconv.Itoa(i) + "]"
				b, err := d.block(s, &field)
				fw.Blocks = append(fw.Blocks, b)
				if err == nil {
					field = "blocks"
				}
				return err
			})
		}
		return nil
	}
	err := s.object(func(key string) error {
		if err := read(key); err != nil {
			return err
		}
		field = ""
		return nil
	})
	if err != nil {
		return d.wrapSyntax(err, "qualification", field)
	}
	p, err := rules.NewPanel(fw)
	if err != nil {
		var ie *rules.InputError
		if errors.As(err, &ie) {
			return &Error{Where: "qualification", Field: ie.Field, Message: ie.Message}
		}
		return err
	}
	d.panel = p
	d.sheet = p.NewSheet()
	return nil
}

func (d *deliberation) block(s *scanner, field *string) (domain.Block, error) {
	var b domain.Block
	base := *field
	if s.peek() != '{' {
		return b, &Error{Where: "qualification", Field: base, Message: "objet attendu : {\"code\": …, \"competences\": […]}"}
	}
	var seen uint8
	read := func(key string) error {
		*field = base + "." + key
		ferr := func(msg string) error { return &Error{Where: "qualification", Field: *field, Message: msg} }
		var bit uint8
		switch key {
		case "code":
			bit = 1
		case "competences":
			bit = 2
		default:
			return ferr("champ inconnu : code ou competences")
		}
		if seen&bit != 0 {
			return ferr("champ en double")
		}
		seen |= bit
		if key == "code" {
			if s.peek() != '"' {
				return ferr("chaîne attendue")
			}
			code, err := s.str()
			b.Code = code
			return err
		}
		if s.peek() != '[' {
			return ferr("tableau de compétences attendu")
		}
		return s.array(func(i int) error {
			*field = base + ".competences[" + strconv.Itoa(i) + "]"
			c, err := competence(s, *field)
			b.Competences = append(b.Competences, c)
			if err == nil {
				*field = base + ".competences"
			}
			return err
		})
	}
	err := s.object(func(key string) error {
		if err := read(key); err != nil {
			return err
		}
		*field = base
		return nil
	})
	if err == nil && seen&1 == 0 {
		err = &Error{Where: "qualification", Field: base + ".code", Message: "champ manquant"}
	}
	return b, err
}

func competence(s *scanner, base string) (domain.Competence, error) {
	var c domain.Competence
	if s.peek() != '{' {
		return c, &Error{Where: "qualification", Field: base, Message: "objet attendu : {\"code\": …, \"detailed\": …}"}
	}
	var seen uint8
	err := s.object(func(key string) error {
		field := base + "." + key
		ferr := func(msg string) error { return &Error{Where: "qualification", Field: field, Message: msg} }
		var bit uint8
		switch key {
		case "code":
			bit = 1
		case "detailed":
			bit = 2
		default:
			return ferr("champ inconnu : code ou detailed")
		}
		if seen&bit != 0 {
			return ferr("champ en double")
		}
		seen |= bit
		if key == "code" {
			if s.peek() != '"' {
				return ferr("chaîne attendue")
			}
			code, err := s.str()
			c.Code = code
			return err
		}
		if !isNumber(s.peek()) {
			return ferr("nombre entier attendu")
		}
		raw, err := s.number()
		if err != nil {
			return err
		}
		n := scaled(raw, 0)
		if !n.exact || n.neg || n.big || n.abs > 1_000_000 {
			return ferr("« " + french(raw) + " » : un nombre entier de compétences détaillées attendu")
		}
		c.Detailed = int(n.abs)
		return nil
	})
	if err == nil && seen&1 == 0 {
		err = &Error{Where: "qualification", Field: base + ".code", Message: "champ manquant"}
	}
	if err == nil && seen&2 == 0 {
		err = &Error{Where: "qualification", Field: base + ".detailed", Message: "champ manquant"}
	}
	return c, err
}

func isNumber(c byte) bool { return c == '-' || ('0' <= c && c <= '9') }

// each reads the candidates array; with out nil it checks them (first pass), else it writes
// them to out (second pass).
func (d *deliberation) each(s *scanner, out *bufio.Writer) error {
	if out == nil {
		d.ids = make(map[string]int)
	}
	return s.array(func(i int) error {
		if err := d.candidate(s, i); err != nil {
			return err
		}
		if out == nil {
			return nil
		}
		if i > 0 {
			d.buf = append(d.buf[:0], ',')
		} else {
			d.buf = d.buf[:0]
		}
		d.buf = d.appendCandidate(d.buf)
		_, err := out.Write(d.buf)
		return err
	})
}

// candidate reads one candidate into the sheet and judges it into d.result.
func (d *deliberation) candidate(s *scanner, i int) error {
	d.sheet.Reset()
	c := candidateReader{d: d, s: s, index: i}
	if s.peek() != '{' {
		return c.err("", "objet candidat attendu")
	}
	err := s.object(func(key string) error {
		if err := c.field(key); err != nil {
			return err
		}
		c.at("", "", "")
		return nil
	})
	if err != nil {
		var e *Error
		if errors.As(err, &e) {
			return e
		}
		var ie *rules.InputError
		if errors.As(err, &ie) {
			return c.err(ie.Field, ie.Message)
		}
		return d.wrapSyntax(err, c.where(), c.path())
	}
	if !c.hasID {
		return c.err("id", "champ manquant")
	}
	d.lastID = c.id
	if err := d.panel.Judge(d.sheet, &d.result); err != nil {
		var ie *rules.InputError
		if errors.As(err, &ie) {
			return c.err(ie.Field, ie.Message)
		}
		return err
	}
	return nil
}

// candidateReader reads the fields of one candidate.
type candidateReader struct {
	d     *deliberation
	s     *scanner
	index int
	id    string
	hasID bool
	seen  uint8
	// The field being read, for errors: cur, or cur + "." + sub + "." + key when set; built
	// only on error.
	cur, sub, key string
}

func (c *candidateReader) at(cur, sub, key string) { c.cur, c.sub, c.key = cur, sub, key }

func (c *candidateReader) path() string {
	p := c.cur
	if c.sub != "" {
		p += "." + c.sub
	}
	if c.key != "" {
		p += "." + c.key
	}
	return p
}

func (c *candidateReader) where() string {
	at := " (candidates[" + strconv.Itoa(c.index) + "])"
	if c.hasID {
		return "candidat « " + c.id + " »" + at
	}
	return "candidat n° " + strconv.Itoa(c.index+1) + at
}

func (c *candidateReader) err(field, msg string) error {
	return &Error{Where: c.where(), Field: field, Message: msg}
}

func (c *candidateReader) field(key string) error {
	s, sheet := c.s, c.d.sheet
	c.at(key, "", "")
	var bit uint8
	switch key {
	case "id":
		bit = 1
	case "route":
		bit = 2
	case "blocks":
		bit = 4
	case "prior_blocks":
		bit = 8
	case "continuous_marks":
		bit = 16
	case "evaluations":
		bit = 32
	case "jury_decisions":
		bit = 64
	default:
		return c.err(key, "champ inconnu : id, route, blocks, prior_blocks, continuous_marks, evaluations ou jury_decisions")
	}
	if c.seen&bit != 0 {
		return c.err(key, "champ en double")
	}
	c.seen |= bit
	if key != "id" && key != "route" {
		if isNull, err := s.null(); err != nil || isNull {
			return err
		}
	}
	switch key {
	case "id":
		if s.peek() != '"' {
			return c.err("id", "identifiant attendu sous forme de chaîne")
		}
		id, err := s.str()
		if err != nil {
			return err
		}
		if id == "" {
			return c.err("id", "identifiant vide")
		}
		c.id, c.hasID = id, true
		if c.d.ids != nil {
			if first, dup := c.d.ids[id]; dup {
				return c.err("id", "identifiant déjà donné au candidat candidates["+strconv.Itoa(first)+"]")
			}
			c.d.ids[id] = c.index
		}
		return nil
	case "route":
		if s.peek() != '"' {
			return c.err("route", "chaîne attendue : formation, vae ou blocs")
		}
		r, err := s.str()
		if err != nil {
			return err
		}
		return sheet.SetRoute(domain.Route(r))
	case "blocks", "prior_blocks":
		if s.peek() != '[' {
			return c.err(key, "tableau de codes de blocs attendu")
		}
		if key == "blocks" {
			if err := sheet.ExplicitBlocks(); err != nil {
				return err
			}
		}
		return s.array(func(int) error {
			if s.peek() != '"' {
				return c.err(key, "code de bloc attendu sous forme de chaîne")
			}
			code, err := s.str()
			if err != nil {
				return err
			}
			if key == "blocks" {
				return sheet.AddBlock(code)
			}
			return sheet.AddPriorBlock(code)
		})
	case "continuous_marks":
		if s.peek() != '{' {
			return c.err(key, "objet attendu : code de bloc → note sur 20")
		}
		return s.object(func(code string) error {
			c.at(key, "", code)
			if !isNumber(s.peek()) {
				return c.err(c.path(), "note sur 20 attendue sous forme de nombre")
			}
			raw, err := s.number()
			if err != nil {
				return err
			}
			n := scaled(raw, 2)
			if n.neg || n.big || n.abs > int64(domain.MaxMark) || (n.abs == int64(domain.MaxMark) && !n.exact) {
				return c.err(c.path(), "note "+french(raw)+" hors de 0 à 20")
			}
			m := rules.ContinuousMark{Value: domain.Mark(n.abs)}
			if !n.exact {
				m.Text = french(raw)
			}
			c.at(key, "", "")
			return sheet.SetMark(code, m)
		})
	case "evaluations":
		if s.peek() != '{' {
			return c.err(key, "objet attendu : évaluateur → compétence → note")
		}
		return s.object(func(name string) error {
			c.at(key, name, "")
			if err := sheet.AddEvaluator(name); err != nil {
				return err
			}
			if s.peek() != '{' {
				return c.err(c.path(), "objet attendu : compétence → « A », « NA » ou nombre de compétences détaillées acquises")
			}
			e := domain.Evaluator(name)
			err := s.object(func(comp string) error {
				c.at(key, name, comp)
				g, err := c.grade()
				if err != nil {
					return err
				}
				if err := sheet.SetGrade(e, comp, g); err != nil {
					return err
				}
				c.at(key, name, "")
				return nil
			})
			if err == nil {
				c.at(key, "", "")
			}
			return err
		})
	case "jury_decisions":
		if s.peek() != '{' {
			return c.err(key, "objet attendu : code de bloc → « A » ou « NA »")
		}
		return s.object(func(code string) error {
			c.at(key, "", code)
			if s.peek() != '"' {
				return c.err(c.path(), "décision attendue : « A » (acquis) ou « NA » (non acquis)")
			}
			v, err := s.str()
			if err != nil {
				return err
			}
			c.at(key, "", "")
			return sheet.SetJuryDecision(code, rules.JuryDecision(v))
		})
	}
	return nil
}

const gradeExpected = "attendu « A », « NA » ou un entier de 0 au nombre de compétences détaillées"

// grade reads "A", "NA" or a whole number of acquired detailed competences.
func (c *candidateReader) grade() (rules.Grade, error) {
	s := c.s
	switch b := s.peek(); {
	case b == '"':
		v, err := s.str()
		if err != nil {
			return 0, err
		}
		switch v {
		case "A":
			return rules.GradeAcquired, nil
		case "NA":
			return rules.GradeNotAcquired, nil
		}
		return 0, c.err(c.path(), "note « "+v+" » invalide : "+gradeExpected)
	case isNumber(b):
		raw, err := s.number()
		if err != nil {
			return 0, err
		}
		n := scaled(raw, 0)
		switch {
		case !n.exact:
			return 0, c.err(c.path(), "note "+french(raw)+" invalide : "+gradeExpected)
		case n.neg || n.big:
			return 0, c.err(c.path(), "note "+french(raw)+" hors limites : "+gradeExpected)
		}
		return rules.Grade(n.abs), nil
	}
	return 0, c.err(c.path(), "note invalide : "+gradeExpected)
}
