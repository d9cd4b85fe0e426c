package main

import (
	"bytes"
	"strings"
	"testing"
)

const validInput = `{"qualification":{"blocks":[{"code":"B1","competences":[{"code":"C1","detailed":2}]}]},
"candidates":[{"id":"c-1","route":"vae","evaluations":{"commission":{"C1":"A"}}}]}`

func TestRunDeliberate(t *testing.T) {
	tests := []struct {
		name       string
		args       []string
		stdin      string
		code       int
		stdout     string // a part of standard output; "" when it must be empty
		stderrLine string // a part of the single stderr line; "" when stderr must be empty
	}{
		{name: "valid input is deliberated with status 0", stdin: validInput, code: 0,
			stdout: `{"candidates":[{"id":"c-1","outcome":"certified","blocks":[{"code":"B1","outcome":"acquired"`},
		{name: "a failing candidate still exits 0", code: 0,
			stdin:  strings.Replace(validInput, `"C1":"A"`, `"C1":"NA"`, 1),
			stdout: `"outcome":"not_certified"`},
		{name: "invalid input exits 2 with one line naming the candidate and the field, and nothing on standard output",
			stdin: strings.Replace(validInput, `"vae"`, `"apprentissage"`, 1), code: 2,
			stderrLine: "cqp deliberate : candidat « c-1 » (candidates[0]), champ route : voie d'accès inconnue « apprentissage »"},
		{name: "malformed JSON exits 2", stdin: `{"qualification":`, code: 2, stderrLine: "JSON invalide ligne 1, colonne 18"},
		{name: "-h explains the contract and exits 0", args: []string{"-h"}, code: 0, stdout: "Statut de sortie : 0 si l'entrée est valide"},
		{name: "-h says which evaluators each route reads", args: []string{"-h"}, code: 0,
			stdout: "vae : commission seule ;\n      blocs : training_organisation et company_referent, sans commission."},
		{name: "-h says that the other evaluators' grids are ignored, not refused", args: []string{"-h"}, code: 0,
			stdout: "Les grilles des autres évaluateurs sont ignorées, pas refusées"},
		{name: "an OF grid on a VAE candidate is ignored: the commission's award certifies", code: 0,
			stdin:  strings.Replace(validInput, `"evaluations":{`, `"evaluations":{"training_organisation":{"C1":"NA"},`, 1),
			stdout: `"outcome":"certified","blocks":[{"code":"B1","outcome":"acquired","evaluators":{"commission":`},
		{name: "an unknown option exits 2", args: []string{"-x"}, code: 2, stderrLine: "voir cqp deliberate -h"},
		{name: "a file argument exits 2: the input is read on standard input", args: []string{"in.json"}, code: 2, stderrLine: "argument inattendu « in.json »"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var stdout, stderr bytes.Buffer
			code := runDeliberate(tt.args, strings.NewReader(tt.stdin), &stdout, &stderr)
			if code != tt.code {
				t.Fatalf("status %d, want %d (stderr %q)", code, tt.code, stderr.String())
			}
			if tt.stdout == "" && stdout.Len() > 0 {
				t.Errorf("standard output should be empty, got %q", stdout.String())
			}
			if !strings.Contains(stdout.String(), tt.stdout) {
				t.Errorf("standard output %q lacks %q", stdout.String(), tt.stdout)
			}
			if tt.stderrLine == "" {
				if stderr.Len() > 0 {
					t.Errorf("standard error should be empty, got %q", stderr.String())
				}
				return
			}
			if !strings.Contains(stderr.String(), tt.stderrLine) || strings.Count(stderr.String(), "\n") != 1 || !strings.HasSuffix(stderr.String(), "\n") {
				t.Errorf("standard error %q is not one line containing %q", stderr.String(), tt.stderrLine)
			}
		})
	}
}
