package service_test

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"cqp/internal/docs"
	"cqp/internal/domain"
	"cqp/internal/service"
	"cqp/internal/service/servicetest"
	"cqp/internal/store"
	"cqp/internal/store/storetest"
)

func TestTheAnnualBilanWorkbook(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		w := servicetest.New(t, st)
		sys := domain.SystemActor("test")
		sec := w.Actor(t, w.Accounts[domain.RoleSecretariat])
		// A name typed as a formula is accepted at entry and stored as typed.
		evil, err := w.Service.CreateCandidate(ctx, sys, service.CandidateInput{
			Candidate: domain.Candidate{BirthName: `=HYPERLINK("http://x.test","clic")`, FirstNames: "+Marc", BirthDate: domain.NewDate(1990, 1, 2),
				Sex: domain.SexMale, BirthINSEE: "75056", BirthCity: "Paris"},
			Enrolment: &service.EnrolmentInput{QualificationCode: "CC", Route: domain.RouteFormation, Public: domain.PublicEmployee,
				TrainingOrganisationID: w.OrgA, Blocks: w.OptionalBlocks(t, "CC")},
		})
		if err != nil {
			t.Fatal(err)
		}
		eA := readyForJury(t, w, w.CandidateA, allAcquiredRows)
		eB := readyForJury(t, w, w.CandidateB, guideJuryRows) // BC5 withheld by the commission: partial
		session := w.Judge(t, "10/12/2026", nil, eA, eB)
		w.ConfirmFrameworks(t)
		if _, err := w.Service.SaveJurySettings(ctx, sec, service.JurySettingsInput{Quorum: "4", JuryPresidentName: "Bruno Lemaître",
			CSCAPresidentName: "Claire Dufour", CPNEPresidentName: "Denis Ørsted"}); err != nil {
			t.Fatal(err)
		}
		if _, err := w.Service.IssueSessionDocuments(ctx, sec, session); err != nil {
			t.Fatal(err)
		}

		// Two actions of organisation A: one that runs across the new year, one that starts in 2027.
		for _, a := range []struct {
			title      string
			start, end domain.Date
		}{{"CQP CC — Paris 2026-2027", domain.NewDate(2026, 9, 1), domain.NewDate(2027, 6, 30)},
			{"CQP CC — Lyon 2027", domain.NewDate(2027, 1, 4), domain.NewDate(2027, 12, 17)}} {
			if _, err := w.Service.DeclareAction(ctx, sec, service.ActionInput{TrainingOrganisationID: w.OrgA, QualificationCode: "CC",
				Route: domain.RouteFormation, Title: a.title, StartsOn: a.start, EndsOn: a.end, Place: "Paris", PlannedHours: 400}); err != nil {
				t.Fatal(err)
			}
		}

		var buf bytes.Buffer
		if err := w.Service.WriteBilan(ctx, sec, 2026, &buf); err != nil {
			t.Fatal(err)
		}
		f, err := excelize.OpenReader(&buf)
		if err != nil {
			t.Fatal(err)
		}
		defer f.Close()
		rows := func(sheet string) [][]string {
			t.Helper()
			r, err := f.GetRows(sheet)
			if err != nil {
				t.Fatalf("%s: %v", sheet, err)
			}
			return r
		}
		t.Run("the workbook has its four sheets with their French headers, frozen and filtered", func(t *testing.T) {
			if got := f.GetSheetList(); strings.Join(got, ",") != "Candidats,Actions,Jurys,Totaux" {
				t.Fatalf("sheets %v", got)
			}
			for sheet, header := range map[string][]string{"Candidats": docs.BilanCandidatesColumns([]int{6, 12}), "Actions": docs.BilanActionsHeader,
				"Jurys": docs.BilanJuriesHeader, "Totaux": docs.BilanTotalsHeader} {
				if got := rows(sheet)[0]; strings.Join(got, "|") != strings.Join(header, "|") {
					t.Errorf("%s header %q", sheet, got)
				}
				panes, err := f.GetPanes(sheet)
				if err != nil || !panes.Freeze || panes.YSplit != 1 || panes.TopLeftCell != "A2" {
					t.Errorf("%s panes %+v %v", sheet, panes, err)
				}
				tables, err := f.GetTables(sheet)
				if err != nil || len(tables) != 1 || !strings.HasPrefix(tables[0].Range, "A1:") {
					t.Errorf("%s filter %+v %v", sheet, tables, err)
				}
			}
		})
		col := map[string]int{}
		for i, h := range docs.BilanCandidatesHeader {
			col[h] = i
		}
		byName := map[string][]string{}
		for _, r := range rows("Candidats")[1:] {
			byName[r[col["Nom de naissance"]]] = r
		}
		t.Run("a certified candidate's row says who, what, where, when and with which certificate", func(t *testing.T) {
			r := byName["Lefèvre"]
			if r == nil {
				t.Fatalf("no row for Lefèvre in %v", byName)
			}
			c, err := w.Service.Candidate(ctx, sys, w.CandidateA)
			if err != nil {
				t.Fatal(err)
			}
			for h, want := range map[string]string{"N° candidat": c.Number, "Prénoms": "Éloïse", "Code CQP": "CC", "Voie d'accès": "Formation",
				"Organisme de formation": "Organisme A", "Entreprise": "Cabinet A", "Date du jury": "10/12/2026", "Lieu du jury": "Paris, salle Turgot",
				"Résultat": docs.ResultCertified} {
				if got := r[col[h]]; got != want {
					t.Errorf("%s: %q, want %q", h, got, want)
				}
			}
			if !strings.Contains(r[col["N° certificat / attestations"]], "-2026-") || !strings.Contains(r[col["Acquisition des blocs"]], "jury du 10/12/2026") ||
				r[col["Blocs acquis"]] == "" {
				t.Errorf("documents and blocks: %q", r)
			}
			// The dates are Excel dates: a number behind the dd/mm/yyyy format.
			raw, _ := excelize.CoordinatesToCellName(col["Date du jury"]+1, 2)
			for i, rr := range rows("Candidats") {
				if len(rr) > 1 && rr[col["Nom de naissance"]] == "Lefèvre" {
					raw, _ = excelize.CoordinatesToCellName(col["Date du jury"]+1, i+1)
				}
			}
			if v, err := f.GetCellValue("Candidats", raw, excelize.Options{RawCellValue: true}); err != nil || v != "46366" {
				t.Errorf("jury date %s is %q, want the serial 46366: %v", raw, v, err)
			}
			if got := byName["Martin"][col["Résultat"]]; got != docs.ResultPartial {
				t.Errorf("Martin's result %q", got)
			}
			// The commission withheld BC5 from Martin; Lefèvre holds every block she aimed at, and
			// was heard by the commission on 09/12/2026.
			if got := byName["Martin"][col["Blocs non acquis"]]; got != "BC5" {
				t.Errorf("Martin's blocks not acquired %q", got)
			}
			if got := r[col["Blocs non acquis"]]; got != "" {
				t.Errorf("Lefèvre's blocks not acquired %q", got)
			}
			if got := r[col["Date d'évaluation"]]; got != "09/12/2026" {
				t.Errorf("Lefèvre's evaluation date %q, want her oral's", got)
			}
		})
		t.Run("the actions' sheet holds the actions that run in the year, with their candidates counted", func(t *testing.T) {
			acts := rows("Actions")
			if len(acts) != 2 || acts[1][0] != "CQP CC — Paris 2026-2027" || acts[1][1] != "Organisme A" || acts[1][5] != "01/09/2026" ||
				acts[1][6] != "30/06/2027" || acts[1][8] != "400" || acts[1][12] != "0" {
				t.Errorf("actions %q", acts)
			}
		})
		t.Run("a name typed as a formula stays a string cell, never a formula", func(t *testing.T) {
			for i, r := range rows("Candidats") {
				if len(r) <= col["Nom de naissance"] || !strings.HasPrefix(r[col["Nom de naissance"]], "=") {
					continue
				}
				for _, c := range []int{col["Nom de naissance"], col["Prénoms"]} {
					ref, _ := excelize.CoordinatesToCellName(c+1, i+1)
					formula, err := f.GetCellFormula("Candidats", ref)
					typ, _ := f.GetCellType("Candidats", ref)
					if err != nil || formula != "" || typ == excelize.CellTypeFormula {
						t.Errorf("%s holds formula %q (type %v, %v)", ref, formula, typ, err)
					}
				}
				if r[col["Résultat"]] != docs.NoJuryResult || r[col["N° candidat"]] != evil.Number {
					t.Errorf("the candidate without a jury: %q", r)
				}
				return
			}
			t.Fatal("no row for the candidate whose name begins with =")
		})
		t.Run("the totals and the juries agree with the database", func(t *testing.T) {
			want := map[string]int{}
			for _, id := range []string{w.CandidateA, w.CandidateB, evil.ID} {
				c, err := w.Service.Candidate(ctx, sys, id)
				if err != nil {
					t.Fatal(err)
				}
				result := map[domain.EnrolmentStatus]string{domain.StatusCertified: docs.ResultCertified, domain.StatusPartial: docs.ResultPartial}[c.Enrolments[0].Status]
				if result == "" {
					result = docs.NoJuryResult
				}
				want["CC|Formation|"+result]++
			}
			got := map[string]int{}
			for _, r := range rows("Totaux")[1:] {
				if len(r) == 0 {
					break // the table by organisation follows a blank row
				}
				n := 0
				for _, ch := range r[4] {
					n = n*10 + int(ch-'0')
				}
				got[r[0]+"|"+r[2]+"|"+r[3]] = n
			}
			if len(got) != len(want) {
				t.Fatalf("totals %v, want %v", got, want)
			}
			for k, n := range want {
				if got[k] != n {
					t.Errorf("total %s: %d, want %d", k, got[k], n)
				}
			}
			// Below, by block: candidate A acquired every block of her choice at the year's jury,
			// candidate B all but BC5.
			tot := rows("Totaux")
			blocks := map[string]string{}
			inBlocks := false
			for _, r := range tot {
				if len(r) > 1 && r[1] == "Bloc" {
					inBlocks = true
					continue
				}
				if inBlocks && len(r) == 3 {
					blocks[r[1]] = r[2]
				}
			}
			if blocks["BC1"] != "2" || blocks["BC5"] != "1" {
				t.Errorf("totals by block %v", blocks)
			}
			j := rows("Jurys")
			if len(j) != 2 || j[1][0] != "10/12/2026" || strings.Join(j[1][3:], " ") != "2 1 1 0" {
				t.Errorf("juries %q", j)
			}
		})
		t.Run("the export is audited with its year, and refused to whoever may not read it", func(t *testing.T) {
			entries, _, err := w.Service.Audit(ctx, sec, store.AuditFilter{Action: "bilan.export"})
			if err != nil || len(entries) != 1 || entries[0].EntityID != "2026" {
				t.Fatalf("audit %+v %v", entries, err)
			}
			if err := w.Service.WriteBilan(ctx, w.Actor(t, w.Accounts[domain.RoleBranch]), 2025, &bytes.Buffer{}); err != nil {
				t.Errorf("the branch: %v", err)
			}
			for _, role := range []domain.Role{domain.RoleTrainingOrganisation, domain.RoleCandidate, domain.RoleJuryPresident} {
				if err := w.Service.WriteBilan(ctx, w.Actor(t, w.Accounts[role]), 2026, &bytes.Buffer{}); domain.ErrorCode(err) != domain.EFORBIDDEN {
					t.Errorf("%s: %v", role, err)
				}
			}
		})
	})
}
