package main

import (
	"context"
	"path/filepath"
	"strings"
	"testing"

	"cqp/internal/app"
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
	}
	for _, c := range commands() {
		if c.name == "serve" {
			continue
		}
		calls, ok := runs[c.name]
		if !ok {
			t.Fatalf("the command %s is not walked: add it to runs", c.name)
		}
		for _, args := range calls {
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
