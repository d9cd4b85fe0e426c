package web_test

import (
	"bytes"
	"net/http"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"cqp/internal/domain"
)

func TestTheReportsPageOffersTheAnnualBilan(t *testing.T) {
	s := newSite(t)
	sec := s.client(t, s.world.Accounts[domain.RoleSecretariat])

	t.Run("the secretariat finds Rapports in the menu, with a year to choose", func(t *testing.T) {
		status, body := s.do(t, sec, http.MethodGet, "/rapports")
		if status != http.StatusOK || !strings.Contains(body, `href="/rapports"`) || !strings.Contains(body, `<option value="2026" selected>`) ||
			!strings.Contains(body, `action="/rapports/bilan.xlsx"`) {
			t.Fatalf("status %d: %.3000s", status, body)
		}
	})
	t.Run("the secretariat and the branch download the bilan of a year as a workbook", func(t *testing.T) {
		for _, role := range []domain.Role{domain.RoleSecretariat, domain.RoleBranch} {
			status, h, b := s.download(t, s.client(t, s.world.Accounts[role]), "/rapports/bilan.xlsx?annee=2026")
			if status != http.StatusOK || !strings.Contains(h.Get("Content-Type"), "spreadsheetml") ||
				!strings.Contains(h.Get("Content-Disposition"), "bilan-cqp-2026.xlsx") {
				t.Fatalf("%s: status %d, headers %v", role, status, h)
			}
			f, err := excelize.OpenReader(bytes.NewReader(b))
			if err != nil {
				t.Fatal(err)
			}
			rows, err := f.GetRows("Candidats")
			f.Close()
			if err != nil || len(rows) != 3 { // the header and the fixture's two candidates, enrolled in 2026
				t.Errorf("%s: %d rows %v", role, len(rows), err)
			}
		}
	})
	t.Run("a year that is not one is refused with the error page, not a broken file", func(t *testing.T) {
		status, h, b := s.download(t, sec, "/rapports/bilan.xlsx?annee=deux")
		if status != http.StatusUnprocessableEntity || strings.Contains(h.Get("Content-Disposition"), "attachment") || !strings.Contains(string(b), "pas une année") {
			t.Fatalf("status %d, headers %v", status, h)
		}
	})
	t.Run("no other role reaches the bilan", func(t *testing.T) {
		for _, role := range []domain.Role{domain.RoleTrainingOrganisation, domain.RoleCompany, domain.RoleCandidate, domain.RoleFunder} {
			if status, _ := s.do(t, s.client(t, s.world.Accounts[role]), http.MethodGet, "/rapports/bilan.xlsx"); status != http.StatusForbidden {
				t.Errorf("%s downloads the bilan: %d", role, status)
			}
		}
	})
}
