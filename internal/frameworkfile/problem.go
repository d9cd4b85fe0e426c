package frameworkfile

import (
	"fmt"
	"strings"
)

// Problem is one thing wrong in a framework file.
type Problem struct {
	// Line is the 1-based line of the file the problem is about; 0 when it concerns the whole
	// file (an empty file, for instance).
	Line int
	// Path locates the value in the document, e.g. "qualifications[0].blocks[2].kind"
	// (indexes from 0); empty for the whole file.
	Path string
	// Message says what is wrong and what to do, in French, starting with the item concerned:
	// « compétence C3 : le nombre de compétences détaillées doit être au moins 1 ».
	Message string
}

// String formats the problem for a person: « ligne 42 : compétence C3 : … ».
func (p Problem) String() string {
	if p.Line > 0 {
		return fmt.Sprintf("ligne %d : %s", p.Line, p.Message)
	}
	return p.Message
}

// ValidationError is returned by Parse when a file is not a valid framework file. It lists
// every problem found, in line order.
type ValidationError struct {
	Name     string // the file's name as given to Parse
	Problems []Problem
}

// Error lists the problems in French, one per line, after a heading naming the file.
func (e *ValidationError) Error() string {
	var b strings.Builder
	n := len(e.Problems)
	if n == 1 {
		fmt.Fprintf(&b, "%s : le référentiel contient 1 erreur", e.displayName())
	} else {
		fmt.Fprintf(&b, "%s : le référentiel contient %d erreurs", e.displayName(), n)
	}
	for _, p := range e.Problems {
		b.WriteString("\n")
		b.WriteString(p.String())
	}
	return b.String()
}

func (e *ValidationError) displayName() string {
	if e.Name == "" {
		return "fichier de référentiel"
	}
	return e.Name
}
