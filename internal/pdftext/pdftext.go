// Package pdftext reads the text of a PDF with pdftotext (Debian's poppler-utils), for the
// tests that read the documents cqp produces as a person would. pdftotext is required in CI
// and when CQP_E2E is set (.ci/run installs it); elsewhere a machine without it skips the test.
package pdftext

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// Text returns the PDF's text, whitespace collapsed so that a line wrapped in the document
// reads as one.
func Text(t testing.TB, pdf []byte) string {
	t.Helper()
	tool, err := exec.LookPath("pdftotext")
	if err != nil {
		if os.Getenv("CI") != "" || os.Getenv("CQP_E2E") != "" {
			t.Fatalf("pdftotext is required in CI (Debian package poppler-utils): %v", err)
		}
		t.Skipf("pdftotext not installed (Debian package poppler-utils): %v", err)
	}
	path := filepath.Join(t.TempDir(), "document.pdf")
	if err := os.WriteFile(path, pdf, 0o600); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command(tool, "-enc", "UTF-8", path, "-").Output()
	if err != nil {
		t.Fatalf("pdftotext: %v", err)
	}
	return strings.Join(strings.Fields(string(out)), " ")
}
