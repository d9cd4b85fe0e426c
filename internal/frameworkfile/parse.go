package frameworkfile

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"go.yaml.in/yaml/v3"

	"cqp/internal/domain"
)

// MaxFileSize is the largest framework file Parse reads (a real one is a few kilobytes).
const MaxFileSize = 4 << 20

// Limits of the values a file may hold.
const (
	maxCount      = 1_000_000 // hours, versions, detailed counts
	maxMonths     = 1200      // a hundred years of experience
	maxEQFLevel   = 8
	maxBlockCount = 100 // per kind in a composition
	maxCodeLength = 32
)

// Keys allowed in each kind of mapping, in the order Encode writes them.
var (
	rootKeys          = []string{"format", "branch", "common_blocks", "qualifications"}
	branchKeys        = []string{"code", "name", "idcc", "to_confirm", "note"}
	qualificationKeys = []string{"code", "title", "rncp", "nsf", "level", "to_confirm", "note",
		"version", "threshold_percent", "continuous_minimum", "composition", "prerequisites",
		"training_hours", "internship_hours", "blocks"}
	compositionKeys   = []string{"common", "specialty", "optional"}
	prerequisitesKeys = []string{"min_diploma_level", "min_experience_months",
		"vae_min_related_months", "vae_recommended_months", "to_confirm", "note"}
	blockKeys      = []string{"code", "title", "kind", "rncp_code", "training_hours", "to_confirm", "note", "competences"}
	competenceKeys = []string{"code", "title", "detailed", "to_confirm", "note"}
)

var codePattern = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9._-]*$`)

// Parse reads and validates a framework file. name is only used in the error. When the file
// is invalid the error is a *ValidationError listing every problem found, in line order, and
// the returned File is empty.
func Parse(name string, data []byte) (File, error) {
	c := &checker{}
	f := c.file(data)
	if len(c.problems) > 0 {
		sort.SliceStable(c.problems, func(i, j int) bool { return c.problems[i].Line < c.problems[j].Line })
		return File{}, &ValidationError{Name: name, Problems: c.problems}
	}
	return f, nil
}

// checker walks the YAML tree, decoding what it can and recording every problem.
type checker struct {
	problems []Problem
}

func (c *checker) add(line int, path, subject, format string, args ...any) {
	msg := fmt.Sprintf(format, args...)
	if subject != "" {
		msg = subject + " : " + msg
	}
	c.problems = append(c.problems, Problem{Line: line, Path: path, Message: msg})
}

func (c *checker) file(data []byte) File {
	if len(data) > MaxFileSize {
		c.add(0, "", "", "le fichier dépasse %d Mo : un référentiel tient en quelques kilo-octets", MaxFileSize>>20)
		return File{}
	}
	if len(bytes.TrimSpace(data)) == 0 {
		c.add(0, "", "", "le fichier est vide")
		return File{}
	}
	if !utf8.Valid(data) {
		c.add(invalidUTF8Line(data), "", "", "le fichier n'est pas encodé en UTF-8 : enregistrez-le en UTF-8")
		return File{}
	}
	doc, extra, err := decode(data)
	switch {
	case errors.Is(err, io.EOF):
		c.add(0, "", "", "le fichier ne contient que des commentaires")
		return File{}
	case err != nil:
		c.syntax(data, err)
		return File{}
	case extra != nil:
		c.add(extra.Line, "", "", "le fichier contient plusieurs documents YAML (séparés par « --- ») : un seul est attendu")
		return File{}
	}
	if doc.Kind != yaml.DocumentNode || len(doc.Content) != 1 {
		c.add(doc.Line, "", "", "le fichier ne contient pas de document YAML")
		return File{}
	}
	return c.root(doc.Content[0])
}

// decode reads the first YAML document of data, and the start of a second one if any.
func decode(data []byte) (doc, extra *yaml.Node, err error) {
	dec := yaml.NewDecoder(bytes.NewReader(data))
	doc = new(yaml.Node)
	if err := dec.Decode(doc); err != nil {
		return nil, nil, err
	}
	var next yaml.Node
	switch err := dec.Decode(&next); {
	case err == nil:
		return doc, &next, nil
	case errors.Is(err, io.EOF):
		return doc, nil, nil
	default:
		return nil, nil, err
	}
}

func invalidUTF8Line(data []byte) int {
	line := 1
	for len(data) > 0 {
		r, size := utf8.DecodeRune(data)
		if r == utf8.RuneError && size <= 1 {
			return line
		}
		if r == '\n' {
			line++
		}
		data = data[size:]
	}
	return line
}

var yamlErrorLine = regexp.MustCompile(`^yaml: line (\d+): (.*)$`)

// syntaxMessages translates the YAML parser's most common messages.
var syntaxMessages = []struct{ english, french string }{
	{"mapping values are not allowed in this context", "deux-points « : » inattendu : une valeur qui contient « : » doit être entre guillemets, sinon vérifiez l'indentation"},
	{"did not find expected key", "clé attendue introuvable : vérifiez l'indentation de cette ligne et de la précédente"},
	{"could not find expected ':'", "deux-points « : » attendu après la clé"},
	{"did not find expected node content", "valeur attendue manquante"},
	{"found character that cannot start any token", "caractère qui ne peut pas commencer une valeur (une tabulation ? indentez avec des espaces)"},
	{"found a tab character", "tabulation dans l'indentation : indentez avec des espaces"},
	{"block sequence entries are not allowed in this context", "élément de liste « - » inattendu à cet endroit : vérifiez l'indentation"},
	{"did not find expected '-' indicator", "élément de liste « - » attendu : vérifiez l'indentation"},
	{"mapping keys are not allowed in this context", "clé inattendue à cet endroit : vérifiez l'indentation"},
	{"found unexpected end of stream", "fin de fichier inattendue : des guillemets ne sont-ils pas refermés ?"},
	{"found unknown escape character", "séquence « \\ » inconnue dans un texte entre guillemets doubles : doublez la barre oblique inverse ou utilisez des guillemets simples"},
	{"did not find expected ',' or '}'", "accolade « } » ou virgule attendue"},
	{"did not find expected ',' or ']'", "crochet « ] » ou virgule attendu"},
	{"control characters are not allowed", "le fichier contient des caractères de contrôle interdits"},
	{"exceeded max depth", "imbrication trop profonde"},
	{"found duplicate anchor", "ancre YAML (&nom) définie deux fois"},
	{"found undefined tag handle", "étiquette YAML (!) inconnue"},
	{"UTF-8", "le fichier n'est pas encodé en UTF-8 valide : enregistrez-le en UTF-8"},
}

func splitSyntaxError(err error) (int, string) {
	text := err.Error()
	if m := yamlErrorLine.FindStringSubmatch(text); m != nil {
		line, _ := strconv.Atoi(m[1])
		return line, m[2]
	}
	return 0, strings.TrimPrefix(text, "yaml: ")
}

// syntaxLine finds the line of a syntax error. The YAML parser often gives the line where the
// enclosing list or mapping starts, far above the mistake: the first line at which the file,
// cut there, fails with the same problem is where the mistake is.
func syntaxLine(data []byte, reported int, problem string) int {
	ends := []int{} // ends[i] is the length of the file's first i+1 lines
	for i, b := range data {
		if b == '\n' {
			ends = append(ends, i+1)
		}
	}
	if len(ends) == 0 || ends[len(ends)-1] != len(data) {
		ends = append(ends, len(data))
	}
	fails := func(lines int) bool {
		_, _, err := decode(data[:ends[lines-1]])
		if err == nil || errors.Is(err, io.EOF) {
			return false
		}
		_, p := splitSyntaxError(err)
		return p == problem
	}
	lo, hi := max(reported, 1), len(ends)
	if lo > hi || !fails(hi) {
		return reported
	}
	for lo < hi {
		mid := (lo + hi) / 2
		if fails(mid) {
			hi = mid
		} else {
			lo = mid + 1
		}
	}
	return lo
}

func (c *checker) syntax(data []byte, err error) {
	line, text := splitSyntaxError(err)
	line = syntaxLine(data, line, text)
	for _, s := range syntaxMessages {
		if strings.Contains(text, s.english) {
			c.add(line, "", "", "erreur de syntaxe YAML : %s", s.french)
			return
		}
	}
	c.add(line, "", "", "erreur de syntaxe YAML (détail technique : %s)", text)
}

// fields is a decoded mapping: its node and its values by key.
type fields struct {
	node *yaml.Node
	keys map[string]keyValue
}

type keyValue struct{ key, value *yaml.Node }

// get returns the value of key, or nil when the key is absent or its value is null.
func (f fields) get(key string) (keyValue, bool) {
	kv, ok := f.keys[key]
	if !ok || isNull(kv.value) {
		return keyValue{}, false
	}
	return kv, true
}

func isNull(n *yaml.Node) bool {
	return n.Kind == yaml.ScalarNode && n.ShortTag() == "!!null"
}

// alias reports an alias node, which the format does not accept.
func (c *checker) alias(n *yaml.Node, path, subject string) bool {
	if n.Kind != yaml.AliasNode {
		return false
	}
	c.add(n.Line, path, subject, "les alias YAML (« *%s ») ne sont pas acceptés : recopiez la valeur", n.Value)
	return true
}

// subjectOf names an item for messages: prefix and its code when the code is valid, else its
// position. It is computed before the item's keys are checked so that every message about
// the item names it the same way.
func subjectOf(n *yaml.Node, position, prefix string) string {
	if n.Kind != yaml.MappingNode {
		return position
	}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], n.Content[i+1]
		if k.Kind == yaml.ScalarNode && k.Value == "code" && v.Kind == yaml.ScalarNode {
			code := strings.TrimSpace(v.Value)
			if len(code) <= maxCodeLength && codePattern.MatchString(code) {
				return prefix + code
			}
			return position
		}
	}
	return position
}

// mapping checks that n is a mapping whose keys are all allowed and distinct.
func (c *checker) mapping(n *yaml.Node, path, subject, what string, allowed []string) (fields, bool) {
	if c.alias(n, path, subject) {
		return fields{}, false
	}
	if n.Kind != yaml.MappingNode {
		c.add(n.Line, path, subject, "%s doit être un ensemble de clés « clé: valeur » (%s)", what, strings.Join(allowed, ", "))
		return fields{}, false
	}
	f := fields{node: n, keys: make(map[string]keyValue)}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], n.Content[i+1]
		if k.Kind != yaml.ScalarNode {
			c.add(k.Line, path, subject, "clé non valide : une clé est un mot simple suivi de « : »")
			continue
		}
		name := k.Value
		if first, dup := f.keys[name]; dup {
			c.add(k.Line, join(path, name), subject, "clé « %s » en double (déjà donnée ligne %d)", name, first.key.Line)
			continue
		}
		if !contains(allowed, name) {
			msg := fmt.Sprintf("clé inconnue « %s »", name)
			if s := closest(name, allowed); s != "" {
				msg += fmt.Sprintf(" : vouliez-vous dire « %s » ?", s)
			}
			c.add(k.Line, join(path, name), subject, "%s (clés possibles : %s)", msg, strings.Join(allowed, ", "))
			continue
		}
		f.keys[name] = keyValue{key: k, value: v}
	}
	return f, true
}

// sequence returns the items of the list under key, reporting a value that is not a list.
func (c *checker) sequence(f fields, key, path, subject string, required bool, what string) ([]*yaml.Node, bool) {
	kv, ok := f.get(key)
	if !ok {
		if required {
			c.missing(f, key, path, subject)
		}
		return nil, false
	}
	if c.alias(kv.value, join(path, key), subject) {
		return nil, false
	}
	if kv.value.Kind != yaml.SequenceNode {
		c.add(kv.value.Line, join(path, key), subject, "« %s » doit être une liste de %s, chacun commençant par « - »", key, what)
		return nil, false
	}
	return kv.value.Content, true
}

// missing reports a required key that is absent (on the line where its item starts) or
// present without a value (on its own line).
func (c *checker) missing(f fields, key, path, subject string) {
	if kv, ok := f.keys[key]; ok {
		c.add(kv.key.Line, join(path, key), subject, "la clé « %s » est obligatoire mais n'a pas de valeur", key)
		return
	}
	c.add(f.node.Line, join(path, key), subject, "la clé « %s » est obligatoire", key)
}

// scalar returns the scalar value under key; ok is false when it is absent or not a scalar.
func (c *checker) scalar(f fields, key, path, subject string, required bool) (*yaml.Node, bool) {
	kv, ok := f.get(key)
	if !ok {
		if required {
			c.missing(f, key, path, subject)
		}
		return nil, false
	}
	if c.alias(kv.value, join(path, key), subject) {
		return nil, false
	}
	if kv.value.Kind != yaml.ScalarNode {
		c.add(kv.value.Line, join(path, key), subject, "« %s » doit être une valeur simple, pas une liste ni un ensemble de clés", key)
		return nil, false
	}
	return kv.value, true
}

// text returns a one-line text value, trimmed. Numbers and booleans are kept as written.
func (c *checker) text(f fields, key, path, subject string, required bool) (string, int, bool) {
	n, ok := c.scalar(f, key, path, subject, required)
	if !ok {
		return "", 0, false
	}
	s := strings.TrimSpace(n.Value)
	if s == "" {
		if required {
			c.add(n.Line, join(path, key), subject, "« %s » ne peut pas être vide", key)
		}
		return "", n.Line, false
	}
	if !utf8.ValidString(s) || strings.IndexFunc(s, unicode.IsControl) >= 0 {
		c.add(n.Line, join(path, key), subject, "« %s » doit tenir sur une ligne, sans caractère de contrôle", key)
		return "", n.Line, false
	}
	return s, n.Line, true
}

// note returns a free text that may span several lines.
func (c *checker) note(f fields, path, subject string) string {
	n, ok := c.scalar(f, "note", path, subject, false)
	if !ok {
		return ""
	}
	s := strings.TrimSpace(n.Value)
	bad := func(r rune) bool { return unicode.IsControl(r) && r != '\n' && r != '\t' }
	if !utf8.ValidString(s) || strings.IndexFunc(s, bad) >= 0 {
		c.add(n.Line, join(path, "note"), subject, "« note » contient un caractère de contrôle")
		return ""
	}
	return s
}

// code returns a code: a short identifier without spaces, used in addresses and lists.
func (c *checker) code(f fields, path, subject string) (string, int, bool) {
	s, line, ok := c.text(f, "code", path, subject, true)
	if !ok {
		return "", line, false
	}
	if len(s) > maxCodeLength || !codePattern.MatchString(s) {
		c.add(line, join(path, "code"), subject, "le code « %s » n'est pas valide : de 1 à %d caractères parmi les lettres sans accent, les chiffres, « - », « _ » et « . », en commençant par une lettre ou un chiffre", s, maxCodeLength)
		return "", line, false
	}
	return s, line, true
}

// integer returns a whole number between min and max.
func (c *checker) integer(f fields, key, path, subject, what string, required bool, min, max int) (int, int, bool) {
	n, ok := c.scalar(f, key, path, subject, required)
	if !ok {
		return 0, 0, false
	}
	var v int64
	if n.ShortTag() != "!!int" || n.Decode(&v) != nil {
		c.add(n.Line, join(path, key), subject, "%s doit être un nombre entier (valeur trouvée : « %s »)", what, n.Value)
		return 0, n.Line, false
	}
	if v < int64(min) || v > int64(max) {
		switch {
		case max == maxCount && v < 0 && min == 0:
			c.add(n.Line, join(path, key), subject, "%s doit être un nombre positif ou nul (valeur trouvée : %d)", what, v)
		case max == maxCount && v < int64(min):
			c.add(n.Line, join(path, key), subject, "%s doit être au moins %d (valeur trouvée : %d)", what, min, v)
		case max == maxCount:
			c.add(n.Line, join(path, key), subject, "%s doit être au plus %d (valeur trouvée : %d)", what, max, v)
		default:
			c.add(n.Line, join(path, key), subject, "%s doit être un nombre entre %d et %d (valeur trouvée : %d)", what, min, max, v)
		}
		return 0, n.Line, false
	}
	return int(v), n.Line, true
}

// boolean returns a flag that defaults to false.
func (c *checker) boolean(f fields, key, path, subject string) bool {
	n, ok := c.scalar(f, key, path, subject, false)
	if !ok {
		return false
	}
	var v bool
	if n.ShortTag() != "!!bool" || n.Decode(&v) != nil {
		c.add(n.Line, join(path, key), subject, "« %s » doit valoir true ou false (valeur trouvée : « %s »)", key, n.Value)
		return false
	}
	return v
}

var decimalPattern = regexp.MustCompile(`^([0-9]+)(?:[.,]([0-9]+))?$`)

// mark returns a mark out of 20 written as a decimal number: 10, 12.5, 12,5 or 9.75.
func (c *checker) mark(f fields, key, path, subject, what string) (domain.Mark, bool) {
	n, ok := c.scalar(f, key, path, subject, true)
	if !ok {
		return 0, false
	}
	p := join(path, key)
	m := decimalPattern.FindStringSubmatch(strings.TrimSpace(n.Value))
	tag := n.ShortTag()
	if m == nil || (tag != "!!int" && tag != "!!float" && tag != "!!str") {
		c.add(n.Line, p, subject, "%s doit être un nombre entre 0 et 20, avec au plus 2 décimales, par exemple 10 ou 12.5 (valeur trouvée : « %s »)", what, n.Value)
		return 0, false
	}
	whole := strings.TrimLeft(m[1], "0")
	frac := strings.TrimRight(m[2], "0")
	if len(frac) > 2 {
		c.add(n.Line, p, subject, "%s ne peut pas avoir plus de 2 décimales (valeur trouvée : %s)", what, n.Value)
		return 0, false
	}
	if len(whole) > 2 {
		c.add(n.Line, p, subject, "%s doit être un nombre entre 0 et 20 (valeur trouvée : %s)", what, n.Value)
		return 0, false
	}
	w, _ := strconv.Atoi("0" + whole)
	fr, _ := strconv.Atoi((frac + "00")[:2])
	v := domain.Mark(w*domain.MarkScale + fr)
	if v > domain.MaxMark {
		c.add(n.Line, p, subject, "%s doit être un nombre entre 0 et 20 (valeur trouvée : %s)", what, n.Value)
		return 0, false
	}
	return v, true
}

// root decodes the whole document.
func (c *checker) root(n *yaml.Node) File {
	var out File
	f, ok := c.mapping(n, "", "", "le fichier", rootKeys)
	if !ok {
		return out
	}
	if v, line, ok := c.integer(f, "format", "", "", "le format", false, 0, maxCount); ok && v != FormatVersion {
		c.add(line, "format", "", "format %d non pris en charge : cette version de cqp lit le format %d", v, FormatVersion)
	}
	notes := make(map[Ref]string)
	if kv, ok := f.get("branch"); ok {
		out.Branch, out.BranchToConfirm = c.branch(kv.value, notes)
	} else {
		c.missing(f, "branch", "", "")
	}

	common := newScope()
	var commonBlocks []parsedBlock
	_, hasCommon := f.get("common_blocks")
	items, ok := c.sequence(f, "common_blocks", "", "", false, "blocs")
	commonOK := ok || !hasCommon
	if ok {
		for i, item := range items {
			path := fmt.Sprintf("common_blocks[%d]", i)
			b := c.block(item, path, fmt.Sprintf("bloc commun n°%d", i+1), true, common)
			commonBlocks = append(commonBlocks, b)
		}
	}

	items, ok = c.sequence(f, "qualifications", "", "", true, "qualifications")
	if ok && len(items) == 0 {
		c.add(f.keys["qualifications"].value.Line, "qualifications", "", "le fichier doit décrire au moins une qualification")
	}
	codes := make(map[string]int)
	for i, item := range items {
		fw, ok := c.qualification(item, i, commonBlocks, commonOK, common, notes)
		if !ok {
			continue
		}
		code := fw.Qualification.Code
		if code != "" {
			if first, dup := codes[code]; dup {
				c.add(item.Line, fmt.Sprintf("qualifications[%d].code", i), "qualification "+code, "code de qualification en double (déjà utilisé ligne %d)", first)
			} else {
				codes[code] = item.Line
			}
		}
		out.Frameworks = append(out.Frameworks, fw)
	}
	if len(notes) > 0 {
		out.Notes = notes
	}
	return out
}

func (c *checker) branch(n *yaml.Node, notes map[Ref]string) (domain.Branch, bool) {
	var b domain.Branch
	f, ok := c.mapping(n, "branch", "branche", "« branch »", branchKeys)
	if !ok {
		return b, false
	}
	b.Code, _, _ = c.code(f, "branch", "branche")
	b.Name, _, _ = c.text(f, "name", "branch", "branche", true)
	b.IDCC, _, _ = c.text(f, "idcc", "branch", "branche", false)
	toConfirm := c.boolean(f, "to_confirm", "branch", "branche")
	if s := c.note(f, "branch", "branche"); s != "" {
		notes[Ref{}] = s
	}
	return b, toConfirm
}

// scope records the block and competence codes already used in a framework, with their line.
type scope struct {
	blocks      map[string]int
	competences map[string]int
}

func newScope() scope {
	return scope{blocks: make(map[string]int), competences: make(map[string]int)}
}

func (s scope) clone() scope {
	out := newScope()
	for k, v := range s.blocks {
		out.blocks[k] = v
	}
	for k, v := range s.competences {
		out.competences[k] = v
	}
	return out
}

// parsedBlock is a block with what the qualification-level checks need.
type parsedBlock struct {
	block     domain.Block
	kindValid bool
	note      string
	compNotes map[string]string // by competence code
}

func (c *checker) block(n *yaml.Node, path, position string, common bool, sc scope) parsedBlock {
	out := parsedBlock{compNotes: make(map[string]string)}
	prefix := "bloc "
	if common {
		prefix = "bloc commun "
	}
	subject := subjectOf(n, position, prefix)
	f, ok := c.mapping(n, path, subject, "un bloc", blockKeys)
	if !ok {
		return out
	}
	code, codeLine, codeOK := c.code(f, path, subject)
	if codeOK {
		if first, dup := sc.blocks[code]; dup {
			c.add(codeLine, join(path, "code"), subject, "code de bloc en double (déjà utilisé ligne %d)", first)
		} else {
			sc.blocks[code] = codeLine
		}
	}
	b := &out.block
	b.Code = code
	b.Title, _, _ = c.text(f, "title", path, subject, true)

	if common {
		b.Kind = domain.BlockCommon
		out.kindValid = true
		if k, ok := c.scalar(f, "kind", path, subject, false); ok && k.Value != string(domain.BlockCommon) {
			c.add(k.Line, join(path, "kind"), subject, "un bloc de « common_blocks » est toujours commun : retirez « kind: %s » ou déplacez le bloc dans les « blocks » de sa qualification", k.Value)
			out.kindValid = false
		}
	} else if kind, line, ok := c.text(f, "kind", path, subject, true); ok {
		if domain.BlockKind(kind).Valid() {
			b.Kind = domain.BlockKind(kind)
			out.kindValid = true
		} else {
			c.add(line, join(path, "kind"), subject, "type de bloc « %s » inconnu : choisissez common (commun), specialty (spécialité) ou optional (optionnel)", kind)
		}
	}
	b.RNCPCode, _, _ = c.text(f, "rncp_code", path, subject, false)
	b.TrainingHours, _, _ = c.integer(f, "training_hours", path, subject, "la durée de formation du bloc (training_hours)", false, 0, maxCount)
	b.ToConfirm = c.boolean(f, "to_confirm", path, subject)
	out.note = c.note(f, path, subject)

	items, ok := c.sequence(f, "competences", path, subject, true, "compétences")
	if ok && len(items) == 0 {
		c.add(f.keys["competences"].value.Line, join(path, "competences"), subject, "le bloc doit contenir au moins une compétence")
	}
	for i, item := range items {
		cpath := fmt.Sprintf("%s.competences[%d]", path, i)
		comp, note := c.competence(item, cpath, fmt.Sprintf("compétence n°%d du %s", i+1, subject), sc)
		b.Competences = append(b.Competences, comp)
		if note != "" && comp.Code != "" {
			out.compNotes[comp.Code] = note
		}
	}
	return out
}

func (c *checker) competence(n *yaml.Node, path, position string, sc scope) (domain.Competence, string) {
	var comp domain.Competence
	subject := subjectOf(n, position, "compétence ")
	f, ok := c.mapping(n, path, subject, "une compétence", competenceKeys)
	if !ok {
		return comp, ""
	}
	code, codeLine, codeOK := c.code(f, path, subject)
	if codeOK {
		if first, dup := sc.competences[code]; dup {
			c.add(codeLine, join(path, "code"), subject, "code de compétence en double (déjà utilisé ligne %d)", first)
		} else {
			sc.competences[code] = codeLine
		}
	}
	comp.Code = code
	comp.Title, _, _ = c.text(f, "title", path, subject, true)
	comp.Detailed, _, _ = c.integer(f, "detailed", path, subject, "le nombre de compétences détaillées", true, 1, maxCount)
	comp.ToConfirm = c.boolean(f, "to_confirm", path, subject)
	return comp, c.note(f, path, subject)
}

func (c *checker) qualification(n *yaml.Node, i int, commonBlocks []parsedBlock, commonOK bool, common scope, notes map[Ref]string) (domain.Framework, bool) {
	var fw domain.Framework
	path := fmt.Sprintf("qualifications[%d]", i)
	position := fmt.Sprintf("qualification n°%d", i+1)
	subject := subjectOf(n, position, "qualification ")
	f, ok := c.mapping(n, path, subject, "une qualification", qualificationKeys)
	if !ok {
		return fw, false
	}
	code, _, _ := c.code(f, path, subject)
	q := &fw.Qualification
	q.Code = code
	q.Title, _, _ = c.text(f, "title", path, subject, true)
	q.RNCP, _, _ = c.text(f, "rncp", path, subject, false)
	q.NSF, _, _ = c.text(f, "nsf", path, subject, false)
	q.Level, _, _ = c.text(f, "level", path, subject, false)
	q.ToConfirm = c.boolean(f, "to_confirm", path, subject)
	if s := c.note(f, path, subject); s != "" {
		notes[QualificationRef(code)] = s
	}
	fw.Version, _, _ = c.integer(f, "version", path, subject, "la version", true, 1, maxCount)
	fw.ThresholdPercent, _, _ = c.integer(f, "threshold_percent", path, subject, "le seuil d'attribution d'un bloc en pourcentage (threshold_percent)", true, 1, 100)
	fw.ContinuousMinimum, _ = c.mark(f, "continuous_minimum", path, subject, "la note minimale d'évaluation continue (continuous_minimum)")
	fw.TrainingHours, _, _ = c.integer(f, "training_hours", path, subject, "la durée de formation (training_hours)", true, 0, maxCount)
	fw.InternshipHours, _, _ = c.integer(f, "internship_hours", path, subject, "la durée de stage (internship_hours)", true, 0, maxCount)

	compLines, compOK := c.composition(f, path, subject, &fw.Composition)
	c.prerequisites(f, path, subject, code, &fw.Prerequisites, notes)

	sc := common.clone()
	var blocks []parsedBlock
	for _, cb := range commonBlocks {
		blocks = append(blocks, copyBlock(cb))
	}
	items, _ := c.sequence(f, "blocks", path, subject, false, "blocs")
	for j, item := range items {
		bpath := fmt.Sprintf("%s.blocks[%d]", path, j)
		blocks = append(blocks, c.block(item, bpath, fmt.Sprintf("bloc n°%d de la %s", j+1, subject), false, sc))
	}
	if len(blocks) == 0 {
		c.add(f.node.Line, join(path, "blocks"), subject, "la qualification n'a aucun bloc : décrivez ses blocs dans « blocks » (ou les blocs communs dans « common_blocks »)")
	}
	kindsOK := commonOK
	for _, b := range blocks {
		fw.Blocks = append(fw.Blocks, b.block)
		kindsOK = kindsOK && b.kindValid
		if b.note != "" {
			notes[BlockRef(code, b.block.Code)] = b.note
		}
		for comp, note := range b.compNotes {
			notes[CompetenceRef(code, b.block.Code, comp)] = note
		}
	}
	if compOK && kindsOK && len(blocks) > 0 {
		c.checkComposition(fw, path, subject, compLines)
	}
	return fw, true
}

// copyBlock gives each framework its own copy of a common block.
func copyBlock(b parsedBlock) parsedBlock {
	out := b
	out.block.Competences = append([]domain.Competence(nil), b.block.Competences...)
	out.compNotes = make(map[string]string, len(b.compNotes))
	for k, v := range b.compNotes {
		out.compNotes[k] = v
	}
	return out
}

func (c *checker) composition(q fields, path, subject string, out *domain.Composition) (map[string]int, bool) {
	kv, ok := q.get("composition")
	if !ok {
		c.missing(q, "composition", path, subject)
		return nil, false
	}
	path = join(path, "composition")
	subject = "composition de la " + subject
	f, ok := c.mapping(kv.value, path, subject, "« composition »", compositionKeys)
	if !ok {
		return nil, false
	}
	lines := make(map[string]int)
	all := true
	get := func(key, what string) int {
		v, line, ok := c.integer(f, key, path, subject, what, true, 0, maxBlockCount)
		lines[key] = line
		all = all && ok
		return v
	}
	out.Common = get("common", "le nombre de blocs communs (common)")
	out.Specialty = get("specialty", "le nombre de blocs de spécialité (specialty)")
	out.Optional = get("optional", "le nombre de blocs optionnels à choisir (optional)")
	if all && out.Total() == 0 {
		c.add(f.node.Line, path, subject, "le candidat doit présenter au moins un bloc : les trois nombres ne peuvent pas être tous nuls")
		return nil, false
	}
	return lines, all
}

// checkComposition compares the blocks of a framework with the composition it asks for.
func (c *checker) checkComposition(fw domain.Framework, path, subject string, lines map[string]int) {
	path = join(path, "composition")
	common := len(fw.BlocksOfKind(domain.BlockCommon))
	specialty := len(fw.BlocksOfKind(domain.BlockSpecialty))
	optional := len(fw.BlocksOfKind(domain.BlockOptional))
	comp := fw.Composition
	if common != comp.Common {
		c.add(lines["common"], join(path, "common"), subject,
			"la composition demande %s mais le référentiel %s : le candidat présente tous les blocs communs, les deux nombres doivent être égaux",
			plural(comp.Common, "bloc commun", "blocs communs"), holds(common))
	}
	if specialty != comp.Specialty {
		c.add(lines["specialty"], join(path, "specialty"), subject,
			"la composition demande %s mais le référentiel %s : les blocs de spécialité sont tous obligatoires, les deux nombres doivent être égaux",
			plural(comp.Specialty, "bloc de spécialité", "blocs de spécialité"), holds(specialty))
	}
	switch {
	case optional < comp.Optional:
		c.add(lines["optional"], join(path, "optional"), subject,
			"la composition fait choisir %s mais le référentiel %s : ajoutez des blocs de type optional",
			plural(comp.Optional, "bloc optionnel", "blocs optionnels"), offers(optional))
	case comp.Optional == 0 && optional > 0:
		c.add(lines["optional"], join(path, "optional"), subject,
			"le référentiel propose %s mais la composition n'en fait choisir aucun : indiquez combien le candidat en choisit",
			plural(optional, "bloc optionnel", "blocs optionnels"))
	}
}

func (c *checker) prerequisites(q fields, path, subject, code string, out *domain.Prerequisites, notes map[Ref]string) {
	kv, ok := q.get("prerequisites")
	if !ok {
		c.missing(q, "prerequisites", path, subject)
		return
	}
	path = join(path, "prerequisites")
	subject = "prérequis de la " + subject
	f, ok := c.mapping(kv.value, path, subject, "« prerequisites »", prerequisitesKeys)
	if !ok {
		return
	}
	out.MinDiplomaLevel, _, _ = c.integer(f, "min_diploma_level", path, subject, "le niveau de diplôme minimal (min_diploma_level, niveau européen de 0 à 8)", true, 0, maxEQFLevel)
	out.MinExperienceMonths, _, _ = c.integer(f, "min_experience_months", path, subject, "l'expérience minimale en mois (min_experience_months)", true, 0, maxMonths)
	var minOK, recOK bool
	var recLine int
	out.VAEMinRelatedMonths, _, minOK = c.integer(f, "vae_min_related_months", path, subject, "l'expérience minimale en lien pour la VAE en mois (vae_min_related_months)", true, 0, maxMonths)
	out.VAERecommendedRelatedMonths, recLine, recOK = c.integer(f, "vae_recommended_months", path, subject, "l'expérience recommandée pour la VAE en mois (vae_recommended_months)", true, 0, maxMonths)
	if minOK && recOK && out.VAERecommendedRelatedMonths < out.VAEMinRelatedMonths {
		c.add(recLine, join(path, "vae_recommended_months"), subject,
			"l'expérience recommandée pour la VAE (%d mois) ne peut pas être inférieure à l'expérience minimale (%d mois)",
			out.VAERecommendedRelatedMonths, out.VAEMinRelatedMonths)
	}
	out.ToConfirm = c.boolean(f, "to_confirm", path, subject)
	if s := c.note(f, path, subject); s != "" {
		notes[PrerequisitesRef(code)] = s
	}
}

// holds says how many blocks of a kind a framework holds: « en contient 2 ».
func holds(n int) string {
	if n == 0 {
		return "n'en contient aucun"
	}
	return fmt.Sprintf("en contient %d", n)
}

// offers says how few optional blocks a framework offers: « n'en propose qu'un ».
func offers(n int) string {
	switch n {
	case 0:
		return "n'en propose aucun"
	case 1:
		return "n'en propose qu'un"
	}
	return fmt.Sprintf("n'en propose que %d", n)
}

func plural(n int, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return fmt.Sprintf("%d %s", n, many)
}

func join(path, key string) string {
	if path == "" {
		return key
	}
	return path + "." + key
}

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}

// closest returns the allowed key nearest to a mistyped one, if it is close enough.
func closest(s string, allowed []string) string {
	if len(s) > 64 {
		return ""
	}
	best, bestDist := "", 3
	for _, a := range allowed {
		if d := distance(strings.ToLower(s), a); d < bestDist {
			best, bestDist = a, d
		}
	}
	return best
}

// distance is the Levenshtein distance between two short strings.
func distance(a, b string) int {
	ra, rb := []rune(a), []rune(b)
	prev := make([]int, len(rb)+1)
	cur := make([]int, len(rb)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(ra); i++ {
		cur[0] = i
		for j := 1; j <= len(rb); j++ {
			cost := 1
			if ra[i-1] == rb[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(rb)]
}
