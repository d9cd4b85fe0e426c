package frameworkfile

import (
	"errors"
	"os"
	"testing"
)

// FuzzParse checks that Parse never panics, that a refusal always explains itself, and that
// every file it accepts is written back by Encode and read again identically. The seeds are
// small on purpose: the engine minimizes every new input, which is slow on a 20 kB file.
func FuzzParse(f *testing.F) {
	example, err := os.ReadFile("testdata/example.yaml")
	if err != nil {
		f.Fatal(err)
	}
	f.Add(example)
	f.Add([]byte(""))
	f.Add([]byte("branch: {code: b, name: B}\nqualifications: []\n"))
	f.Add([]byte("a: &x [1]\nb: *x\n"))
	f.Add([]byte("qualifications:\n  - code: Q\n    continuous_minimum: 12,5\n    composition: {common: 1}\n"))
	f.Add([]byte("common_blocks:\n  - code: B\n    competences:\n      - {code: C, title: T, detailed: 0}\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		file, err := Parse("fuzz.yaml", data)
		if err != nil {
			var verr *ValidationError
			if !errors.As(err, &verr) || len(verr.Problems) == 0 {
				t.Fatalf("Parse error %v is not a ValidationError with problems", err)
			}
			for _, p := range verr.Problems {
				if p.Message == "" || p.Line < 0 {
					t.Fatalf("problem %+v has no message or a negative line", p)
				}
			}
			return
		}
		out, err := Encode(file)
		if err != nil {
			t.Fatalf("Encode of a parsed file: %v", err)
		}
		back, err := Parse("export.yaml", out)
		if err != nil {
			t.Fatalf("Parse(Encode(f)): %v\n%s", err, out)
		}
		if !Equal(back, file) {
			t.Fatalf("Parse(Encode(f)) differs from f\n%s", out)
		}
	})
}
