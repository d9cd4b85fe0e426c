package main

import (
	"context"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"cqp/internal/app"
	"cqp/internal/cdc/cdctest"
	"cqp/internal/config"
	"cqp/internal/service/servicetest"
)

// TestNoCommandWritesAResultWithoutAJury runs every command of the command line on one SQLite
// database (the demo with synthetic candidates included) and then checks that every result in
// it — an enrolment certified, partially validated or not certified, an acquired block — was
// written by the closing of a jury session (DOMAIN.md §7 rule 4), and that no status change
// recorded an outcome. serve is the web platform and its API, walked route by route in
// internal/web and internal/api.
func TestNoCommandWritesAResultWithoutAJury(t *testing.T) {
	if testing.Short() {
		t.Skip("loads the demo data set")
	}
	dir := t.TempDir()
	export := filepath.Join(dir, "frameworks.yaml")
	flow, report := filepath.Join(dir, "accrochage.xml"), filepath.Join(dir, "compte-rendu.xml")
	cdcFlags := []string{"--cdc-client-id", "12ABC345", "--cdc-contract-id", "MCFCER000123", "--cdc-rncp", "RNCP12345"}
	runs := map[string][][]string{
		"migrate": {{"migrate", "--data", dir}},
		"demo":    {{"demo", "--data", dir, "--candidates", "300"}},
		"user": {{"user", "add", "--data", dir, "--email", "jury@exemple.fr", "--name", "Juré", "--role", "jury_member", "--password", "un-mot-de-passe-long"},
			{"user", "list", "--data", dir}},
		"framework":  {{"framework", "export", "--data", dir, "--out", export}, {"framework", "import", "--data", dir, export}, {"framework", "list", "--data", dir}},
		"deliberate": {{"deliberate"}},
		"backup":     {{"backup", "--data", dir, "--out", filepath.Join(t.TempDir(), "copy.db")}},
		"remind":     {{"remind", "--data", dir}},
		"purge":      {{"purge", "--data", dir, "--dry-run"}, {"purge", "--data", dir}},
		"version":    {{"version"}},
		"report":     {{"report", "bilan", "--data", dir, "--year", "2026", "--out", filepath.Join(dir, "bilan.xlsx")}},
		"accrochage": {append([]string{"accrochage", "export", "--data", dir, "--out", flow}, cdcFlags...),
			append(append([]string{"accrochage", "report", "--data", dir}, cdcFlags...), report)},
	}
	// Between the export and the report, the Caisse des Dépôts accepts every award of the flow.
	between := map[string]func(){"accrochage": func() { acceptEveryAward(t, flow, report) }}
	for _, c := range commands() {
		if c.name == "serve" {
			continue
		}
		calls, ok := runs[c.name]
		if !ok {
			t.Fatalf("the command %s is not walked: add it to runs", c.name)
		}
		for i, args := range calls {
			if i > 0 && between[c.name] != nil {
				between[c.name]()
			}
			code, _, errOut := runCLI(t, validInput, args...)
			if code != 0 {
				t.Fatalf("cqp %s: exit %d: %s", strings.Join(args, " "), code, errOut)
			}
		}
	}
	ctx := context.Background()
	st, err := app.OpenStore(ctx, config.Config{DataDir: dir})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	servicetest.CheckResultsCameFromJuries(t, st)
}

// acceptEveryAward writes a processing report accepting every passage of a flow.
func acceptEveryAward(t *testing.T, flow, report string) {
	t.Helper()
	data, err := os.ReadFile(flow)
	if err != nil {
		t.Fatalf("the export wrote no flow: %v", err)
	}
	cdctest.Validate(t, data)
	var b strings.Builder
	b.WriteString("<compteRenduTraitement>\n")
	for _, m := range regexp.MustCompile(`<idTechnique>([^<]+)</idTechnique>`).FindAllStringSubmatch(string(data), -1) {
		b.WriteString("<passageCertification><idTechnique>" + m[1] + "</idTechnique><statut>ACCEPTE</statut></passageCertification>\n")
	}
	b.WriteString("</compteRenduTraitement>\n")
	if err := os.WriteFile(report, []byte(b.String()), 0o600); err != nil {
		t.Fatal(err)
	}
}
