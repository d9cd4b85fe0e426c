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
// It is built for large sessions (a million candidates × 7 blocks, 700 MB) in bounded memory:
// the input is read through a window of fixed size by a small parser that knows the contract
// (strings are views of the window, numbers are read exactly from their text, nothing is
// decoded into maps), twice: the first pass checks every candidate, the second writes the
// output through a buffer. A regular file is read twice where it is; a pipe is copied to a
// temporary file during the first pass. What grows with the input is, during the first pass,
// a table of 64-bit hashes of the ids to refuse duplicates (16 MB for a million candidates);
// no output is held in memory.
package deliberatejson

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
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

// Run reads the input from r, deliberates and writes the output to w. On invalid input it
// returns an *Error and writes nothing; other errors come from reading or writing.
//
// The input is read twice, through a window of fixed size: once to check every candidate,
// once to write. A regular file (r is an *os.File on one) is read again where it is; anything
// else (a pipe) is copied, as the first pass reads it, to a temporary file that the second pass
// reads, unlinked as soon as it is created.
func Run(r io.Reader, w io.Writer) error {
	if f, ok := r.(*os.File); ok {
		if fi, err := f.Stat(); err == nil && fi.Mode().IsRegular() {
			if start, err := f.Seek(0, io.SeekCurrent); err == nil {
				return deliberate(io.NewSectionReader(f, start, math.MaxInt64-start), w, window)
			}
		}
	}
	spill, err := os.CreateTemp("", "cqp-deliberate-*.json")
	if err != nil {
		return fmt.Errorf("fichier temporaire pour relire l'entrée : %w", err)
	}
	// Unlinked at once where the system allows it (the open file stays readable), so that
	// nothing is left behind if the command is killed; else when done.
	removed := os.Remove(spill.Name()) == nil
	defer func() {
		spill.Close()
		if !removed {
			os.Remove(spill.Name())
		}
	}()
	return deliberate(teeInput{r: r, spill: spill}, w, window)
}

// Deliberate applies the contract to a whole input document held in memory. On invalid input
// it returns an *Error and writes nothing to w.
func Deliberate(data []byte, w io.Writer) error {
	return deliberate(bytes.NewReader(data), w, window)
}

// input is the document: read once from its start by the first pass, then again from any
// offset already read.
type input interface {
	io.Reader
	io.ReaderAt
}

// teeInput copies a pipe to a temporary file as it is read, for the passes that read it again.
type teeInput struct {
	r     io.Reader
	spill *os.File
}

func (t teeInput) Read(p []byte) (int, error) {
	n, err := t.r.Read(p)
	if n > 0 {
		if _, werr := t.spill.Write(p[:n]); werr != nil {
			return n, fmt.Errorf("copie de l'entrée dans un fichier temporaire : %w", werr)
		}
	}
	return n, err
}

func (t teeInput) ReadAt(p []byte, off int64) (int, error) { return t.spill.ReadAt(p, off) }

// deliberate runs the contract on in, read through windows of size bytes.
func deliberate(in input, w io.Writer, size int) error {
	d := &deliberation{in: in, window: size}
	err := d.check()
	if err == nil {
		bw := bufio.NewWriterSize(w, 256<<10)
		if err = d.write(bw); err == nil {
			err = bw.Flush()
		}
	}
	var e *Error
	if errors.As(err, &e) {
		// Its strings may be views of the scanner's window.
		return &Error{Where: strings.Clone(e.Where), Field: strings.Clone(e.Field), Message: strings.Clone(e.Message)}
	}
	return err
}

// deliberation holds one run: the input, the compiled qualification and per-candidate scratch.
type deliberation struct {
	in          input
	window      int // size of the scanners' windows
	panel       *rules.Panel
	sheet       *rules.Sheet
	result      rules.CandidateResult
	candidates  int64   // offset of the candidates array
	candAt      textPos // and its text position
	checked     bool
	ids         *idSet // the ids seen, in the first pass
	lastID      string // id of the candidate in d.result
	buf         []byte // one candidate's output
	explanation []byte // scratch for one explanation
}

// rescan returns a scanner on the candidates array, from the input already read once.
func (d *deliberation) rescan() *scanner {
	return newScanner(io.NewSectionReader(d.in, d.candidates, math.MaxInt64-d.candidates), d.candidates, d.candAt, d.window)
}

// check reads the document, the qualification and every candidate, and refuses the first
// problem. It leaves the offset of the candidates array for write.
func (d *deliberation) check() error {
	s := newScanner(d.in, 0, textPos{}, d.window)
	err := d.checkDocument(s)
	if s.err != nil {
		return s.err
	}
	return err
}

func (d *deliberation) checkDocument(s *scanner) error {
	var haveQual, haveCands bool
	field := ""
	read := func(key string) error {
		switch key {
		case "qualification":
			field = "qualification"
			if haveQual {
				return &Error{Where: "document", Field: "qualification", Message: "champ en double"}
			}
			haveQual = true
			return d.qualification(s)
		case "candidates":
			field = "candidates"
			if haveCands {
				return &Error{Where: "document", Field: "candidates", Message: "champ en double"}
			}
			haveCands = true
			if s.peek() != '[' {
				return &Error{Where: "document", Field: "candidates", Message: "tableau de candidats attendu"}
			}
			d.candidates, d.candAt = s.offset(), s.textPos()
			if !haveQual {
				return s.skipValue()
			}
			d.checked = true
			return d.each(s, nil)
		default:
			field = strings.Clone(key)
			return &Error{Where: "document", Field: field, Message: "champ inconnu : le document n'a que « qualification » et « candidates »"}
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
		return wrapSyntax(s, err, "document", field)
	}
	if !haveQual {
		return &Error{Where: "document", Field: "qualification", Message: "champ manquant"}
	}
	if !haveCands {
		return &Error{Where: "document", Field: "candidates", Message: "champ manquant"}
	}
	if !d.checked {
		// The candidates came before the qualification: read them again.
		rs := d.rescan()
		err := wrapSyntax(rs, d.each(rs, nil), "document", "candidates")
		if rs.err != nil {
			return rs.err
		}
		return err
	}
	return nil
}

// wrapSyntax turns a syntax error into an *Error located in the document.
func wrapSyntax(s *scanner, err error, where, field string) error {
	var se *syntaxError
	if errors.As(err, &se) {
		line, col := s.lineColumn(se.pos)
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
			fw.Qualification.Code = strings.Clone(code)
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
		return wrapSyntax(s, err, "qualification", field)
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
			b.Code = strings.Clone(code)
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
			c.Code = strings.Clone(code)
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
		d.ids = newIDSet()
	}
	return s.array(func(i int) error {
		s.release() // the previous candidate's strings are no longer used
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
		return wrapSyntax(s, err, c.where(), c.path())
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
		if c.d.ids != nil && c.d.ids.add(id) {
			first, err := c.d.firstWithID(id, c.index)
			if err != nil {
				return err
			}
			if first >= 0 {
				return c.err("id", "identifiant déjà donné au candidat candidates["+strconv.Itoa(first)+"]")
			}
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
