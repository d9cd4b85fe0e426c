package service_test

import (
	"errors"
	"strings"
	"testing"
	"unicode/utf8"

	"cqp/internal/service"
)

// FuzzParseImportFile feeds the CSV reader of candidate imports arbitrary bytes: it never
// panics, a file it accepts gives trimmed values under known columns on increasing lines, and a
// file it refuses says why in French.
func FuzzParseImportFile(f *testing.F) {
	header := "nom_naissance;prenoms;date_naissance;sexe;public;blocs_optionnels;date_entretien;projet;motivation;niveau_diplome;experience_mois\n"
	f.Add([]byte(header + "Lefèvre;Éloïse;14/03/1995;F;salarié;OPT1 OPT2;02/11/2026;Courtage;Évoluer;5;36\n"))
	f.Add([]byte(strings.ReplaceAll(header, ";", ",") + "\"a,b\",\"c\nd\",x,y,z,,,,,,\n"))
	f.Add([]byte("\xEF\xBB\xBF" + header + ";;;\n\n\"unterminated\n"))
	f.Add([]byte("Nom de naissance;Prénoms\nA;B;C\n"))
	f.Add([]byte("Lef\xe8vre;\xc9lo\xefse\n"))
	f.Add([]byte(""))
	known := map[string]bool{}
	for _, c := range service.ImportColumns {
		known[c.Key] = true
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		rows, err := service.ParseImportFile("liste.csv", data)
		if err != nil {
			var ie *service.ImportError
			if !errors.As(err, &ie) || len(ie.Problems) == 0 {
				t.Fatalf("a refusal without problems: %v", err)
			}
			for _, p := range ie.Problems {
				if p.Message == "" || p.Line < 0 {
					t.Fatalf("a problem without message or with a negative line: %+v", p)
				}
			}
			return
		}
		if len(rows) == 0 || len(rows) > service.MaxImportRows {
			t.Fatalf("%d rows accepted", len(rows))
		}
		last := 0
		for _, r := range rows {
			if r.Line <= last {
				t.Fatalf("lines do not increase: %d after %d", r.Line, last)
			}
			last = r.Line
			for k, v := range r.Values {
				if !known[k] {
					t.Fatalf("unknown column %q", k)
				}
				if v == "" || v != strings.TrimSpace(v) || !utf8.ValidString(v) {
					t.Fatalf("value %q of %s is not trimmed UTF-8", v, k)
				}
			}
		}
	})
}
