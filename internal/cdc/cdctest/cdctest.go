// Package cdctest validates declaration flows against the Caisse des Dépôts' schema with
// xmllint, for the tests of every package that writes one.
package cdctest

import (
	"os"
	"os/exec"
	"path/filepath"
	"testing"
)

// SchemaPath finds cpf-accrochage-1.1.2.xsd: the specification lives beside the repository,
// in ../shared/spec/cdc from the module root.
func SchemaPath(t testing.TB) string {
	t.Helper()
	dir, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			break
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			t.Fatal("module root not found")
		}
		dir = parent
	}
	path := filepath.Join(dir, "..", "shared", "spec", "cdc", "cpf-accrochage-1.1.2.xsd")
	if _, err := os.Stat(path); err != nil {
		skipOrFail(t, "the schema "+path+" is absent")
	}
	return path
}

// Validate checks a flow against the schema with xmllint. Without xmllint (Debian package
// libxml2-utils) the test is skipped, unless CI or CQP_E2E is set: then it fails.
func Validate(t testing.TB, flow []byte) {
	t.Helper()
	xmllint, err := exec.LookPath("xmllint")
	if err != nil {
		skipOrFail(t, "xmllint is not installed (apt-get install libxml2-utils)")
	}
	schema := SchemaPath(t)
	file := filepath.Join(t.TempDir(), "flux.xml")
	if err := os.WriteFile(file, flow, 0o600); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command(xmllint, "--noout", "--schema", schema, file).CombinedOutput()
	if err != nil {
		t.Fatalf("the flow does not validate against the schema: %v\n%s", err, out)
	}
}

func skipOrFail(t testing.TB, why string) {
	t.Helper()
	if os.Getenv("CI") != "" || os.Getenv("CQP_E2E") != "" {
		t.Fatal(why)
	}
	t.Skip(why)
}
