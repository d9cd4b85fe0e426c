package web_test

import (
	"bytes"
	"context"
	"encoding/csv"
	"errors"
	"net/http"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"cqp/internal/domain"
	"cqp/internal/service"
	"cqp/internal/store"
)

// csvRows reads an export's CSV as French Excel does: after the byte order mark, cells
// separated by semicolons.
func csvRows(t *testing.T, body []byte) [][]string {
	t.Helper()
	rest, ok := bytes.CutPrefix(body, []byte("\ufeff"))
	if !ok {
		t.Fatalf("the CSV does not begin with the UTF-8 byte order mark: %.40q", body)
	}
	r := csv.NewReader(bytes.NewReader(rest))
	r.Comma, r.FieldsPerRecord = ';', -1
	rows, err := r.ReadAll()
	if err != nil {
		t.Fatalf("the CSV does not read back: %v", err)
	}
	return rows
}

// exportRoutes are the export routes the site registers, by path.
func exportRoutes(s *site) map[string]service.Action {
	out := map[string]service.Action{}
	for _, r := range s.routes {
		if _, path, _ := strings.Cut(r.Pattern, " "); strings.Contains(path, "/export.") {
			out[path] = r.Action
		}
	}
	return out
}

func TestEveryExportGivesEachRoleItsListWithinItsScopeOnly(t *testing.T) {
	s := newSite(t)
	routes := exportRoutes(s)
	for _, list := range []string{"/candidats", "/actions", "/vae", "/certificats", "/audit", "/courriels"} {
		for _, format := range []string{"csv", "xlsx"} {
			if _, ok := routes[list+"/export."+format]; !ok {
				t.Errorf("%s has no %s export", list, format)
			}
		}
	}
	// Side B's candidate is Paul Martin, enrolled with organisation B: no account of side A sees him.
	scopedLists := map[string]bool{"/candidats/export.csv": true, "/vae/export.csv": true, "/certificats/export.csv": true}
	clients := map[domain.Role]*http.Client{}
	for _, role := range domain.Roles {
		clients[role] = s.client(t, s.world.Accounts[role])
	}
	for path, act := range routes {
		for _, role := range domain.Roles {
			t.Run(path+" as "+string(role), func(t *testing.T) {
				status, header, body := s.download(t, clients[role], path)
				if !service.RoleCan(role, act) {
					if status != http.StatusForbidden {
						t.Fatalf("%s may not %s but got %d", role, act, status)
					}
					return
				}
				if status != http.StatusOK {
					t.Fatalf("%s may %s but got %d: %.300s", role, act, status, body)
				}
				if cd := header.Get("Content-Disposition"); !strings.HasPrefix(cd, "attachment; filename=") {
					t.Errorf("Content-Disposition %q: the file is not offered as a download", cd)
				}
				if strings.HasSuffix(path, ".xlsx") {
					f, err := excelize.OpenReader(bytes.NewReader(body))
					if err != nil {
						t.Fatalf("the XLSX does not open: %v", err)
					}
					f.Close()
					return
				}
				rows := csvRows(t, body)
				if len(rows) == 0 || len(rows[0]) < 2 {
					t.Fatalf("no header row: %q", rows)
				}
				if scopedLists[path] && service.Permissions[act][role] == service.AccessScoped && strings.Contains(string(body), "Martin") {
					t.Errorf("%s, scoped to side A, exported side B's candidate:\n%s", role, body)
				}
			})
		}
	}
}

func TestAnOrganisationExportsItsOwnCandidatesOnly(t *testing.T) {
	s := newSite(t)
	for _, tc := range []struct {
		account, own, other string
	}{{s.world.Accounts[domain.RoleTrainingOrganisation], "Lefèvre", "Martin"}, {s.world.OrgBAccount, "Martin", "Lefèvre"}} {
		status, _, body := s.download(t, s.client(t, tc.account), "/candidats/export.csv")
		if status != http.StatusOK {
			t.Fatalf("%s: status %d", tc.account, status)
		}
		text := string(body)
		if !strings.Contains(text, tc.own) || strings.Contains(text, tc.other) {
			t.Errorf("%s exported:\n%s\nwant %s and not %s", tc.account, text, tc.own, tc.other)
		}
	}
}

// formulaCandidate enrols, with organisation A, a candidate whose name is a formula: names
// are accepted at entry as typed.
func formulaCandidate(t *testing.T, s *site) domain.Candidate {
	t.Helper()
	c, err := s.world.Service.CreateCandidate(context.Background(), domain.SystemActor("test"), service.CandidateInput{
		Candidate: domain.Candidate{BirthName: `=HYPERLINK("http://x","y")`, FirstNames: "-Zoé; \"la\"", BirthDate: domain.NewDate(1990, 11, 25),
			Sex: domain.SexFemale, BirthINSEE: "75056", BirthCity: "Paris"},
		Enrolment: &service.EnrolmentInput{QualificationCode: "IARD", Route: domain.RouteVAE, Public: domain.PublicEmployee,
			TrainingOrganisationID: s.world.OrgA, CompanyID: s.world.CompanyA, Blocks: []string{"OPT1", "OPT2"}},
	})
	if err != nil {
		var de *domain.Error
		if errors.As(err, &de) {
			t.Fatalf("%v: %v", err, de.Fields)
		}
		t.Fatal(err)
	}
	return c
}

func TestTheCandidatesCSVKeepsTheFiltersAndNeutralisesFormulas(t *testing.T) {
	s := newSite(t)
	c := formulaCandidate(t, s)
	sec := s.client(t, s.world.Accounts[domain.RoleSecretariat])

	status, _, body := s.download(t, sec, "/candidats/export.csv")
	if status != http.StatusOK {
		t.Fatalf("status %d", status)
	}
	if !bytes.Contains(body, []byte("\r\n")) || bytes.Contains(bytes.ReplaceAll(body, []byte("\r\n"), nil), []byte("\n")) {
		t.Errorf("lines are not ended by CRLF:\n%q", body)
	}
	rows := csvRows(t, body)
	want := "Numéro;Nom de naissance;Nom d'usage;Prénoms;Date de naissance;Code qualification;Qualification;Voie;Statut;Organisme de formation"
	if got := strings.Join(rows[0], ";"); got != want {
		t.Errorf("header\n got %s\nwant %s", got, want)
	}
	var found []string
	for _, r := range rows[1:] {
		if r[0] == c.Number {
			found = r
		}
	}
	if found == nil {
		t.Fatalf("the candidate %s is not in the export:\n%s", c.Number, body)
	}
	if found[1] != `'=HYPERLINK("http://x","y")` || found[3] != `'-Zoé; "la"` || found[4] != "25/11/1990" {
		t.Errorf("row %q: the name must begin with a quote, the date read 25/11/1990", found)
	}
	if !bytes.Contains(body, []byte(`"'=HYPERLINK(""http://x"",""y"")"`)) || !bytes.Contains(body, []byte(`"'-Zoé; ""la"""`)) {
		t.Errorf("cells holding ; and \" are not quoted with their quotes doubled:\n%s", body)
	}
	if len(rows) != 4 { // header, Lefèvre, Martin, the formula
		t.Errorf("%d rows, want the header and 3 candidates:\n%s", len(rows), body)
	}

	// Filtered as the page is: the VAE route keeps the new candidate alone; organisation B
	// keeps Martin alone.
	for _, tc := range []struct{ query, want string }{{"voie=vae", c.Number}, {"organisme=" + s.world.OrgB, "Martin"}} {
		status, _, body := s.download(t, sec, "/candidats/export.csv?"+tc.query)
		if status != http.StatusOK {
			t.Fatalf("%s: status %d", tc.query, status)
		}
		rows := csvRows(t, body)
		if len(rows) != 2 || !strings.Contains(strings.Join(rows[1], ";"), tc.want) {
			t.Errorf("export filtered on %s:\n%s\nwant the header and the row of %s only", tc.query, body, tc.want)
		}
	}

	// The page links to its exports with its filters.
	_, page := s.do(t, sec, http.MethodGet, "/candidats?voie=vae&page=1")
	for _, link := range []string{`href="/candidats/export.csv?voie=vae"`, `href="/candidats/export.xlsx?voie=vae"`, "Exporter (CSV)", "Exporter (Excel)"} {
		if !strings.Contains(page, link) {
			t.Errorf("the candidates page lacks %s", link)
		}
	}

	// Each export is in the audit trail: who, which list, which format, which filters.
	entries, _, err := s.world.Service.Audit(context.Background(), domain.SystemActor("test"), store.AuditFilter{Action: "list.export"})
	if err != nil {
		t.Fatal(err)
	}
	if len(entries) != 3 {
		t.Fatalf("%d exports in the audit trail, want 3", len(entries))
	}
	latest := entries[0]
	if latest.ActorID != s.world.UserIDs[s.world.Accounts[domain.RoleSecretariat]] || latest.EntityID != "candidates" ||
		!strings.Contains(latest.After, `"format":"csv"`) || !strings.Contains(latest.After, `"organisme":"`+s.world.OrgB+`"`) {
		t.Errorf("latest export entry %+v", latest)
	}
	_, trail := s.do(t, sec, http.MethodGet, "/audit?action=list.")
	if !strings.Contains(trail, "Liste exportée (CSV ou Excel)") || !strings.Contains(trail, "Liste : candidats") {
		t.Errorf("the audit page does not say which list was exported")
	}
}

func TestTheCandidatesXLSXHasHeadersAFrozenRowDatesAndNoFormula(t *testing.T) {
	s := newSite(t)
	c := formulaCandidate(t, s)
	status, header, body := s.download(t, s.client(t, s.world.Accounts[domain.RoleSecretariat]), "/candidats/export.xlsx")
	if status != http.StatusOK || header.Get("Content-Type") != "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet" {
		t.Fatalf("status %d, type %q: %.200s", status, header.Get("Content-Type"), body)
	}
	f, err := excelize.OpenReader(bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	const sheet = "Candidats"
	rows, err := f.GetRows(sheet)
	if err != nil {
		t.Fatal(err)
	}
	if got := strings.Join(rows[0], ";"); !strings.HasPrefix(got, "Numéro;Nom de naissance;Nom d'usage;Prénoms;Date de naissance") {
		t.Errorf("header %q", got)
	}
	panes, err := f.GetPanes(sheet)
	if err != nil || !panes.Freeze || panes.YSplit != 1 {
		t.Errorf("panes %+v (%v): the header row is not frozen", panes, err)
	}
	line := 0
	for i, r := range rows {
		if len(r) > 0 && r[0] == c.Number {
			line = i + 1
		}
	}
	if line == 0 {
		t.Fatalf("the candidate %s is not in the sheet", c.Number)
	}
	row := rows[line-1]
	if row[1] != `'=HYPERLINK("http://x","y")` || row[4] != "25/11/1990" || row[7] != domain.RouteVAE.Label() {
		t.Errorf("row %q", row)
	}
	birth, _ := excelize.CoordinatesToCellName(5, line)
	if typ, _ := f.GetCellType(sheet, birth); typ == excelize.CellTypeInlineString || typ == excelize.CellTypeSharedString {
		t.Errorf("the birth date %s is text, not an Excel date", birth)
	}
	for r := 1; r <= len(rows); r++ {
		for col := 1; col <= 10; col++ {
			name, _ := excelize.CoordinatesToCellName(col, r)
			if formula, _ := f.GetCellFormula(sheet, name); formula != "" {
				t.Errorf("%s is a formula: %q", name, formula)
			}
		}
	}
}

func TestTheAuditTrailAndOutboxExportsHoldTheirRows(t *testing.T) {
	s := newSite(t)
	sec := s.client(t, s.world.Accounts[domain.RoleSecretariat])
	status, _, body := s.download(t, sec, "/audit/export.csv?action=candidate.")
	if status != http.StatusOK {
		t.Fatalf("status %d", status)
	}
	rows := csvRows(t, body)
	if len(rows) < 3 || rows[0][0] != "Date et heure" {
		t.Fatalf("audit export:\n%s", body)
	}
	for _, r := range rows[1:] {
		if len(r) < 4 || r[3] != "Candidat enregistré" || !strings.Contains(r[0], "/") {
			t.Errorf("row %q: the filter on candidate actions is not kept, or the date is not French", r)
		}
	}
	status, _, body = s.download(t, sec, "/courriels/export.csv")
	if status != http.StatusOK {
		t.Fatalf("status %d", status)
	}
	if rows := csvRows(t, body); rows[0][1] != "Destinataire" {
		t.Errorf("outbox export header %q", rows[0])
	}
}
