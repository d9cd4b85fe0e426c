package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"cqp/internal/frameworkfile"
)

func runCLI(t *testing.T, stdin string, args ...string) (int, string, string) {
	t.Helper()
	var out, errOut bytes.Buffer
	code := run(context.Background(), args, &environment{stdin: strings.NewReader(stdin), stdout: &out, stderr: &errOut})
	return code, out.String(), errOut.String()
}

func TestHelpListsEveryCommand(t *testing.T) {
	code, out, _ := runCLI(t, "", "help")
	if code != 0 {
		t.Fatalf("exit %d", code)
	}
	for _, c := range commands() {
		if !strings.Contains(out, c.name) {
			t.Errorf("help does not list %s", c.name)
		}
	}
}

func TestInvalidConfigurationIsOneLineAndExitStatus2(t *testing.T) {
	tests := []struct {
		name string
		env  map[string]string
		args []string
	}{
		{"an unknown command", nil, []string{"fly"}},
		{"a listen address without port", nil, []string{"serve", "--addr", "localhost"}},
		{"a database URL that is not PostgreSQL", nil, []string{"migrate", "--database", "mysql://x"}},
		{"a demo variable that is not a boolean", map[string]string{"CQP_DEMO": "peut-être"}, []string{"serve"}},
		{"an admin e-mail without password", map[string]string{"CQP_ADMIN_EMAIL": "a@b.fr"}, []string{"serve"}},
		{"an unknown flag", nil, []string{"migrate", "--colour"}},
		{"an evidence limit that is not a number", map[string]string{"CQP_EVIDENCE_MAX_MB": "dix"}, []string{"serve"}},
		{"an evidence limit out of range", nil, []string{"remind", "--evidence-max-mb", "0"}},
		{"a negative reminder delay", nil, []string{"remind", "--vae-reminder-days", "-1"}},
		{"a second survey before the first", nil, []string{"remind", "--survey-first-months", "12", "--survey-second-months", "6"}},
		{"a survey reminder after the link ends", nil, []string{"remind", "--survey-reminder-days", "60"}},
		{"a purge with an argument it does not know", nil, []string{"purge", "--all"}},
		{"a trusted proxy that is not a network", nil, []string{"serve", "--trusted-proxies", "10.0.0.0/8,proxy.example"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			for k, v := range tt.env {
				t.Setenv(k, v)
			}
			code, out, errOut := runCLI(t, "", tt.args...)
			if code != 2 {
				t.Fatalf("exit %d, want 2 (stderr %q)", code, errOut)
			}
			if out != "" {
				t.Errorf("wrote to stdout: %q", out)
			}
			if strings.TrimSpace(errOut) == "" {
				t.Error("said nothing on stderr")
			}
		})
	}
}

func TestFrameworkImportRefusesAnInvalidFileWholeWithLines(t *testing.T) {
	dir := t.TempDir()
	bad := filepath.Join(dir, "bad.yaml")
	src := strings.Replace(string(frameworkfile.ShippedSource()), "detailed: 9", "detailed: 0", 1)
	src = strings.Replace(src, "threshold_percent: 70", "threshold_percent: 170", 1)
	if err := os.WriteFile(bad, []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	code, _, errOut := runCLI(t, "", "framework", "import", "--data", dir, bad)
	if code != 2 {
		t.Fatalf("exit %d, stderr %s", code, errOut)
	}
	if strings.Count(errOut, "ligne ") < 2 || !strings.Contains(errOut, "rien n'a été enregistré") {
		t.Fatalf("stderr does not list every problem with its line:\n%s", errOut)
	}
	code, out, _ := runCLI(t, "", "framework", "list", "--data", dir)
	if code != 0 || !strings.Contains(out, "CC") || !strings.Contains(out, "1") {
		t.Fatalf("list after a refused import: %d %s", code, out)
	}
}

func TestFrameworkExportThenImportIsUnchanged(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "export.yaml")
	if code, _, errOut := runCLI(t, "", "framework", "export", "--data", dir, "--out", file); code != 0 {
		t.Fatalf("export: %d %s", code, errOut)
	}
	code, out, errOut := runCLI(t, "", "framework", "import", "--data", dir, file)
	if code != 0 {
		t.Fatalf("import: %d %s", code, errOut)
	}
	if strings.Count(out, "inchangé") != 3 {
		t.Fatalf("re-importing the export changed something:\n%s", out)
	}
}

func TestUserCommands(t *testing.T) {
	dir := t.TempDir()
	code, _, errOut := runCLI(t, "", "user", "add", "--data", dir, "--email", "pas-une-adresse", "--name", "X", "--role", "secretariat")
	if code != 2 || !strings.Contains(errOut, "adresse e-mail valide") {
		t.Fatalf("bad e-mail: %d %s", code, errOut)
	}
	code, _, errOut = runCLI(t, "", "user", "add", "--data", dir, "--email", "Claire@Exemple.fr", "--name", "Claire Dupré", "--role", "secretariat", "--password", "un-mot-de-passe-long")
	if code != 0 {
		t.Fatalf("add: %d %s", code, errOut)
	}
	code, _, errOut = runCLI(t, "", "user", "add", "--data", dir, "--email", "claire@exemple.fr", "--name", "Autre", "--role", "branch")
	if code != 2 || !strings.Contains(errOut, "existe déjà") {
		t.Fatalf("duplicate: %d %s", code, errOut)
	}
	code, _, errOut = runCLI(t, "", "user", "add", "--data", dir, "--email", "of@exemple.fr", "--name", "OF", "--role", "training_organisation")
	if code != 2 || !strings.Contains(errOut, "périmètre") {
		t.Fatalf("scoped role without scope: %d %s", code, errOut)
	}
	if code, _, errOut := runCLI(t, "", "user", "disable", "--data", dir, "--email", "claire@exemple.fr", "--reason", "départ"); code != 0 {
		t.Fatalf("disable: %d %s", code, errOut)
	}
	code, out, _ := runCLI(t, "", "user", "list", "--data", dir)
	if code != 0 || !strings.Contains(out, "claire@exemple.fr") || !strings.Contains(out, "disabled") {
		t.Fatalf("list: %d %s", code, out)
	}
}

func TestBackupWritesAUsableCopyAndSendsPostgreSQLUsersToPgDump(t *testing.T) {
	dir := t.TempDir()
	out := filepath.Join(dir, "copy.db")
	if code, _, errOut := runCLI(t, "", "backup", "--data", dir, "--out", out); code != 0 {
		t.Fatalf("backup: %d %s", code, errOut)
	}
	code, listed, errOut := runCLI(t, "", "framework", "list", "--data", t.TempDir())
	if code != 0 || !strings.Contains(listed, "CC") {
		t.Fatalf("%d %s", code, errOut)
	}
	if st, err := os.Stat(out); err != nil || st.Size() == 0 {
		t.Fatalf("backup file: %v", err)
	}
	if code, _, _ := runCLI(t, "", "backup", "--data", dir, "--out", out); code == 0 {
		t.Fatal("backup overwrote an existing file")
	}
	code, _, errOut = runCLI(t, "", "backup", "--database", "postgres://u@127.0.0.1:1/x", "--out", out)
	if code != 2 || !strings.Contains(errOut, "pg_dump") {
		t.Fatalf("postgres backup: %d %s", code, errOut)
	}
}

func TestRemindQueuesNothingOnAnEmptyDatabaseAndSaysSo(t *testing.T) {
	code, out, errOut := runCLI(t, "", "remind", "--data", t.TempDir())
	if code != 0 || !strings.Contains(out, "0 VAE reminder(s) queued") || !strings.Contains(out, "0 mail(s) announcing a call for subjects queued") ||
		!strings.Contains(out, "0 outcome survey(s) and 0 survey reminder(s) queued") {
		t.Fatalf("%d %q %q", code, out, errOut)
	}
	code, out, _ = runCLI(t, "", "remind", "--data", t.TempDir(), "--vae-reminder-days", "0")
	if code != 0 || !strings.Contains(out, "VAE reminders are off") {
		t.Fatalf("%d %q", code, out)
	}
	code, out, _ = runCLI(t, "", "remind", "--data", t.TempDir(), "--survey-first-months", "0", "--survey-second-months", "0")
	if code != 0 || !strings.Contains(out, "Outcome surveys are off") {
		t.Fatalf("%d %q", code, out)
	}
}

func TestPurgeSaysWhatItErasedOrWouldErase(t *testing.T) {
	dir := t.TempDir()
	code, out, errOut := runCLI(t, "", "purge", "--data", dir, "--dry-run")
	if code != 0 || !strings.Contains(out, "Dossiers VAE à effacer : 0") {
		t.Fatalf("%d %q %q", code, out, errOut)
	}
	code, out, errOut = runCLI(t, "", "purge", "--data", dir)
	if code != 0 || !strings.Contains(out, "Dossiers VAE effacés : 0") || !strings.Contains(out, "personnes anonymisées : 0") {
		t.Fatalf("%d %q %q", code, out, errOut)
	}
}

func TestMigrateReportsTheSchemaVersion(t *testing.T) {
	code, out, errOut := runCLI(t, "", "migrate", "--data", t.TempDir())
	if code != 0 || !strings.Contains(out, "version") {
		t.Fatalf("%d %s %s", code, out, errOut)
	}
}

func TestReportBilanWritesTheWorkbook(t *testing.T) {
	dir := t.TempDir()
	out := filepath.Join(dir, "bilan.xlsx")
	code, stdout, errOut := runCLI(t, "", "report", "bilan", "--data", dir, "--year", "2026", "--out", out)
	if code != 0 || !strings.Contains(stdout, "Bilan 2026 written to") {
		t.Fatalf("%d %q %q", code, stdout, errOut)
	}
	f, err := excelize.OpenFile(out)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if got := strings.Join(f.GetSheetList(), ","); got != "Candidats,Actions,Jurys,Totaux" {
		t.Fatalf("sheets %s", got)
	}
	if code, _, errOut := runCLI(t, "", "report", "bilan", "--data", dir, "--year", "2026"); code != 2 || !strings.Contains(errOut, "--out") {
		t.Fatalf("without --out: %d %q", code, errOut)
	}
}
