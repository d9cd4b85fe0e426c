package frameworkfile

import (
	"os"
	"strings"
	"testing"
)

// The documented example is the test example: a branch copying it gets a valid file.
func TestTheDocumentedExampleIsTheTestedOne(t *testing.T) {
	doc, err := os.ReadFile("../../docs/framework-format.md")
	if err != nil {
		t.Fatal(err)
	}
	example := readExample(t)
	if !strings.Contains(string(doc), "```yaml\n"+example+"```\n") {
		t.Error("docs/framework-format.md must show testdata/example.yaml verbatim in a yaml block")
	}
}

// Every key the parser accepts is documented.
func TestEveryKeyIsDocumented(t *testing.T) {
	doc, err := os.ReadFile("../../docs/framework-format.md")
	if err != nil {
		t.Fatal(err)
	}
	for _, keys := range [][]string{rootKeys, branchKeys, qualificationKeys, compositionKeys, prerequisitesKeys, blockKeys, competenceKeys} {
		for _, k := range keys {
			row := "| `" + k + "` |"
			if k == "to_confirm" || k == "note" {
				row = "| `to_confirm`, `note` |"
			}
			if !strings.Contains(string(doc), row) {
				t.Errorf("key %s is not in a table of docs/framework-format.md", k)
			}
		}
	}
}
