package service

import (
	_ "embed"
	"strings"
)

// commonPasswordsFile lists common passwords of 12 characters or more, lower-cased, one a
// line; lines starting with # are comments.
//
//go:embed common_passwords.txt
var commonPasswordsFile string

// commonPasswordMessage is what a person choosing a common password reads.
const commonPasswordMessage = "Ce mot de passe fait partie des plus courants : il serait deviné parmi les premiers. " +
	"Choisissez-en un autre, par exemple quatre mots sans rapport entre eux."

// isCommonPassword reports whether pw, ignoring case and a trailing punctuation, is in the
// list of common passwords.
func isCommonPassword(pw string) bool {
	lower := strings.ToLower(strings.TrimSpace(pw))
	bare := strings.TrimRight(lower, "!?.*_-@#$ ")
	for line := range strings.Lines(commonPasswordsFile) {
		line = strings.TrimRight(line, "\r\n")
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		if line == lower || line == bare {
			return true
		}
	}
	return false
}
