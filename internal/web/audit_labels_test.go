package web

import (
	"context"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"cqp/internal/domain"
	"cqp/internal/service/servicetest"
	"cqp/internal/store"
	"cqp/internal/store/storetest"
)

var (
	// Action: "user.create" — an action written as a whole.
	literalAction = regexp.MustCompile(`Action:\s*"([^"]+)"\s*([+,}])`)
	// action := "user.enable" / at, action = &now, "user.disable" — an action chosen in a variable.
	variableAction = regexp.MustCompile(`\baction\b[^\n]*?=[^\n]*?"([a-z_]+\.[a-z_]+)"`)
)

// dynamicActions lists, for each action the service builds as a prefix plus a value, the
// values it can take. A new dynamic action must be added here and labelled.
var dynamicActions = map[string][]string{
	"framework.": {"created", "new_version", "updated"},
}

func TestEveryActionTheServiceWritesHasAFrenchLabel(t *testing.T) {
	files, err := filepath.Glob("../service/*.go")
	if err != nil || len(files) == 0 {
		t.Fatalf("no service sources found: %v", err)
	}
	found := map[string]bool{}
	for _, path := range files {
		if strings.HasSuffix(path, "_test.go") {
			continue
		}
		src, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range literalAction.FindAllStringSubmatch(string(src), -1) {
			if m[2] == "+" {
				values, ok := dynamicActions[m[1]]
				if !ok {
					t.Errorf("%s builds actions from %q plus a value: list its values in dynamicActions", path, m[1])
				}
				for _, v := range values {
					found[m[1]+v] = true
				}
				continue
			}
			found[m[1]] = true
		}
		for _, m := range variableAction.FindAllStringSubmatch(string(src), -1) {
			found[m[1]] = true
		}
	}
	for _, must := range []string{"candidate.create", "user.disable", "user.enable", "framework.created"} {
		if !found[must] {
			t.Errorf("the scan of the service missed %q: the patterns no longer match how actions are written", must)
		}
	}
	for act := range found {
		if _, ok := actionLabels[act]; !ok {
			t.Errorf("the service writes %q to the audit trail but it has no French label in actionLabels", act)
		}
	}
}

func TestEveryActionInAFixtureTrailIsLabelledAndFiltered(t *testing.T) {
	st := storetest.Open(t, storetest.Targets(t)[0])
	w := servicetest.New(t, st)
	sys := domain.SystemActor("test")
	ctx := context.Background()
	// One more change of each kind the fixture does not make.
	if err := w.Service.SetUserStatus(ctx, sys, w.UserIDs[w.Accounts[domain.RoleCompany]], true, "départ"); err != nil {
		t.Fatal(err)
	}
	if err := w.Service.SetUserStatus(ctx, sys, w.UserIDs[w.Accounts[domain.RoleCompany]], false, "retour"); err != nil {
		t.Fatal(err)
	}
	if err := w.Service.AddRole(ctx, sys, w.UserIDs[w.Accounts[domain.RoleBranch]], domain.RoleAssignment{Role: domain.RoleJuryMember}); err != nil {
		t.Fatal(err)
	}
	entries, total, err := w.Service.Audit(ctx, sys, store.AuditFilter{Limit: 1000})
	if err != nil {
		t.Fatal(err)
	}
	if total != len(entries) || total == 0 {
		t.Fatalf("read %d of %d entries", len(entries), total)
	}
	for _, e := range entries {
		if _, ok := actionLabels[e.Action]; !ok {
			t.Errorf("action %q has no French label", e.Action)
		}
		if _, ok := entityLabels[e.EntityType]; !ok {
			t.Errorf("entity type %q has no French label", e.EntityType)
		}
		family := false
		for _, f := range actionFamilies {
			family = family || strings.HasPrefix(e.Action, f.Value)
		}
		if !family {
			t.Errorf("action %q belongs to no family of the audit page's filter", e.Action)
		}
	}
	if actionLabel("something.new") != "something.new" {
		t.Error("an unknown action is hidden instead of shown as recorded")
	}
}

func TestCompactStateShowsAStateOnOneLine(t *testing.T) {
	for _, tc := range []struct{ name, raw, want string }{
		{"an empty state shows nothing", "", ""},
		{"keys are labelled in French and sorted", `{"siret":"73282932000074","name":"Organisme A","city":"Paris"}`,
			"ville : Paris · nom : Organisme A · SIRET : 73282932000074"},
		{"booleans read as oui and non", `{"disabled":true}`, "désactivé : oui"},
		{"lists are joined and numbers kept exact", `{"blocks":["BC1","BC2"],"version":12345678901}`, "blocs : BC1, BC2 · version : 12345678901"},
		{"empty values are left out", `{"used_name":"","birth_name":"Lefèvre"}`, "nom de naissance : Lefèvre"},
		{"unknown keys are shown as recorded", `{"zzz":"x"}`, "zzz : x"},
		{"codes are said in French", `{"status":"awaiting_jury","route":"vae","public":"employee"}`,
			"public : Salarié · voie : VAE · statut : En attente du jury"},
		{"ids of known records are named", `{"training_organisation":"org-1","company":"co-9"}`, "entreprise : co-9 · organisme : Organisme A"},
		{"dates are French", `{"valid_from":"2026-09-01","valid_until":"demain"}`, "du : 01/09/2026 · au : demain"},
		{"roles with their scope are named", `{"Roles":["training_organisation:org-1","branch:"]}`, "rôles : Organisme de formation — Organisme A, Branche (CPNEFP)"},
		{"a text that is not JSON is shown as is", "pas du json", "pas du json"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := compactState(tc.raw, map[string]string{"org-1": "Organisme A"}); got != tc.want {
				t.Errorf("compactState(%q) = %q, want %q", tc.raw, got, tc.want)
			}
		})
	}
}

func TestAccreditationStatesAroundTheSixtyDayWarning(t *testing.T) {
	today := domain.NewDate(2026, 11, 25)
	for _, tc := range []struct {
		name        string
		from, until domain.Date
		want        string
		flagged     bool
	}{
		{"one that ended yesterday is expired", domain.NewDate(2025, 1, 1), today.AddDays(-1), "expirée", true},
		{"one that ends today still holds today", domain.NewDate(2025, 1, 1), today, "expire aujourd'hui", true},
		{"one that ends in 59 days is flagged", domain.NewDate(2025, 1, 1), today.AddDays(59), "expire dans 59 jours", true},
		{"one that ends in 60 days is not flagged yet", domain.NewDate(2025, 1, 1), today.AddDays(60), "en cours", false},
		{"one that starts tomorrow is not yet in force", today.AddDays(1), today.AddDays(400), "pas encore en vigueur", false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			v := viewAccreditation(domain.Accreditation{ValidFrom: tc.from, ValidUntil: tc.until}, today)
			if v.StateLabel() != tc.want || v.Flagged() != tc.flagged {
				t.Errorf("got %q flagged=%v, want %q flagged=%v", v.StateLabel(), v.Flagged(), tc.want, tc.flagged)
			}
		})
	}
}
