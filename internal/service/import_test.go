package service_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"

	"cqp/internal/domain"
	"cqp/internal/service"
	"cqp/internal/store"
	"cqp/internal/store/storetest"
)

func importProblems(t *testing.T, err error) []service.ImportProblem {
	t.Helper()
	var ie *service.ImportError
	if !errors.As(err, &ie) {
		t.Fatalf("got %v, want an import refusal", err)
	}
	if domain.ErrorCode(err) != domain.EINVALID || !strings.Contains(domain.ErrorMessage(err), "Aucun candidat n'a été inscrit") {
		t.Errorf("the refusal is not an invalid input said in French: %v", err)
	}
	return ie.Problems
}

func TestParsingAnImportFile(t *testing.T) {
	full := "nom_naissance;prenoms;date_naissance;sexe;public;blocs_optionnels;date_entretien;projet;motivation;niveau_diplome;experience_mois\n"
	row := "Lefèvre;Éloïse;14/03/1995;F;salarié;OPT1 OPT2;02/11/2026;Courtage;Évoluer;5;36\n"
	for _, tc := range []struct {
		name    string
		file    string
		data    string
		rows    int
		lines   []int
		value   [2]string // a column and its expected value in the first row
		problem string    // expected in the refusal
		line    int
	}{
		{name: "semicolons, as French spreadsheets write", file: "l.csv", data: full + row, rows: 1, lines: []int{2}, value: [2]string{"prenoms", "Éloïse"}},
		{name: "commas, with a quoted value holding a comma and a line break", file: "l.csv",
			data: strings.ReplaceAll(full, ";", ",") + "Lefèvre,Éloïse,14/03/1995,F,salarié,\"OPT1, OPT2\",02/11/2026,\"Courtage,\nassurance\",Évoluer,5,36\n" +
				"Martin,Paul,01/01/1990,M,salarié,OPT1 OPT2,02/11/2026,C,M,5,0\n",
			rows: 2, lines: []int{2, 4}, value: [2]string{"projet", "Courtage,\nassurance"}},
		{name: "a byte order mark and Windows line ends", file: "l.csv", data: "\xEF\xBB\xBF" + strings.ReplaceAll(full+row, "\n", "\r\n"),
			rows: 1, value: [2]string{"nom_naissance", "Lefèvre"}},
		{name: "Windows-1252, as Excel saves a CSV", file: "l.csv", data: full + "Lef\xe8vre;\xc9lo\xefse;14/03/1995;F;salari\xe9;OPT1 OPT2;02/11/2026;C;M;5;0\n",
			rows: 1, value: [2]string{"prenoms", "Éloïse"}},
		{name: "headers written as people write them", file: "l.csv",
			data: "Nom de naissance;Prénoms;Date de naissance;SEXE;Public;Blocs;Date de l'entretien;Projet professionnel;Motivation;Niveau de diplôme;Expérience (mois)\n" + row,
			rows: 1, value: [2]string{"experience_mois", "36"}},
		{name: "blank lines and rows of empty cells are skipped, lines still counted", file: "l.csv", data: "\n" + full + ";;;;\n\n" + row,
			rows: 1, lines: []int{5}},
		{name: "an unknown column is refused", file: "l.csv", data: strings.TrimSuffix(full, "\n") + ";couleur\n" + row, problem: "Colonne « couleur » inconnue", line: 1},
		{name: "a repeated column is refused", file: "l.csv", data: strings.TrimSuffix(full, "\n") + ";Prénoms\n" + row, problem: "apparaît deux fois (colonnes 2 et 12)", line: 1},
		{name: "missing required columns are named", file: "l.csv", data: "nom_naissance;prenoms\nA;B\n", problem: "Colonnes obligatoires absentes : date_naissance, sexe, public", line: 1},
		{name: "a value beyond the header is refused with its line", file: "l.csv", data: full + strings.TrimSuffix(row, "\n") + ";en trop\n", problem: "« en trop » (colonne 12) n'est sous aucune colonne", line: 2},
		{name: "a file with only its header is refused", file: "l.csv", data: full, problem: "n'a que sa ligne d'en-tête"},
		{name: "an empty file is refused", file: "l.csv", data: " \n", problem: "Le fichier est vide"},
		{name: "an old Excel file is refused", file: "l.xls", data: "\xD0\xCF\x11\xE0rest", problem: "Excel 97-2003 (.xls)"},
		{name: "a broken workbook is refused", file: "l.xlsx", data: "PK\x03\x04broken", problem: "ne peut pas être lu"},
		{name: "a binary file is refused", file: "l.csv", data: "a\x00b", problem: "ni un CSV ni un classeur"},
		{name: "too many rows are refused", file: "l.csv", data: full + strings.Repeat(row, service.MaxImportRows+1),
			problem: fmt.Sprintf("plus de %d candidats", service.MaxImportRows)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			rows, err := service.ParseImportFile(tc.file, []byte(tc.data))
			if tc.problem != "" {
				ps := importProblems(t, err)
				found := false
				for _, p := range ps {
					found = found || strings.Contains(p.Message, tc.problem) && (tc.line == 0 || p.Line == tc.line)
				}
				if !found {
					t.Errorf("problems %+v do not say %q at line %d", ps, tc.problem, tc.line)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if len(rows) != tc.rows {
				t.Fatalf("%d rows, want %d", len(rows), tc.rows)
			}
			for i, l := range tc.lines {
				if rows[i].Line != l {
					t.Errorf("row %d is on line %d, want %d", i, rows[i].Line, l)
				}
			}
			if tc.value[0] != "" && rows[0].Values[tc.value[0]] != tc.value[1] {
				t.Errorf("%s = %q, want %q", tc.value[0], rows[0].Values[tc.value[0]], tc.value[1])
			}
		})
	}
}

func TestTheImportTemplatesAreReadBack(t *testing.T) {
	x, err := service.ImportTemplateXLSX([]string{"OPT1", "OPT2"})
	if err != nil {
		t.Fatal(err)
	}
	for name, data := range map[string][]byte{"modele.csv": service.ImportTemplateCSV(), "modele.xlsx": x} {
		_, err := service.ParseImportFile(name, data)
		ps := importProblems(t, err)
		if len(ps) != 1 || !strings.Contains(ps[0].Message, "n'a que sa ligne d'en-tête") {
			t.Errorf("%s: the template's header is not recognised: %+v", name, ps)
		}
	}
}

const importCSVHeader = "nom_naissance;prenoms;date_naissance;sexe;code_insee_naissance;public;blocs_optionnels;siret_entreprise;email_referent;date_entretien;projet;motivation;niveau_diplome;experience_mois;experience_liee_mois;motif_derogation\n"

func TestImportingCandidatesIntoAnAction(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		w := newActionWorld(t, st)
		svc := w.Service
		act := w.declare(t, w.orgA, w.actionOfA())
		referent := w.Accounts[domain.RoleCompanyReferent]

		t.Run("every bad row is listed with its line and column, and nothing is imported", func(t *testing.T) {
			file := importCSVHeader +
				"Rousseau;Jeanne;03/04/1999;F;75056;demandeur d'emploi;OPT1 OPT2;40483304800022;" + referent + ";02/11/2026;Courtage;Reconversion;5;0;;\n" +
				"Blanc;Marc;1998-02-30;Z;ABCDE;retraité;OPT1;99999999999999;;;;;;douze;;\n" +
				"Rousseau;Jeanne;03/04/1999;F;75056;salarié;OPT1 OPT2;;;02/11/2026;C;M;5;0;;\n" +
				"Noir;Léo;03/04/1997;M;69123;salarié;OPT1 OPT2;;;02/11/2026;C;M;4;6;;\n" +
				"Vert;Zoé;03/04/1996;F;69123;salarié;OPT1 OPT2;44306184100047;" + referent + ";02/11/2026;C;M;5;0;;Exception\n" +
				"Brun;Léa;03/04/1995;F;69123;salarié;OPT1 OPT2;;;02/11/2026;C;M;4;6;;Exception\n"
			_, err := svc.ImportCandidates(ctx, w.orgA, act.ID, "liste.csv", []byte(file))
			ps := importProblems(t, err)
			want := []struct {
				line   int
				column string
				text   string
			}{
				{3, "date_naissance", "« 1998-02-30 » n'est pas une date"},
				{3, "sexe", "écrivez F, M, ou X (autre)"},
				{3, "code_insee_naissance", "Le code INSEE comporte 5 caractères"},
				{3, "public", "« retraité »"},
				{3, "blocs_optionnels", "exactement 2 blocs optionnels"},
				{3, "siret_entreprise", "clé de contrôle"},
				{3, "date_entretien", "Indiquez la date de l'entretien"},
				{3, "projet", "projet"},
				{3, "niveau_diplome", "Indiquez le niveau"},
				{3, "experience_mois", "« douze » n'est pas un nombre de mois"},
				{4, "nom_naissance", "figure déjà ligne 2 du fichier"},
				{5, "", "Non éligible à la voie formation"},
				{6, "email_referent", "n'est pas référent de l'entreprise"},
				{6, "motif_derogation", "aucune dérogation n'est nécessaire"},
				{7, "motif_derogation", "Seul le secrétariat"},
			}
			for _, wp := range want {
				found := false
				for _, p := range ps {
					found = found || p.Line == wp.line && p.Column == wp.column && strings.Contains(p.Message, wp.text)
				}
				if !found {
					t.Errorf("no problem at line %d, column %q saying %q", wp.line, wp.column, wp.text)
				}
			}
			for i := 1; i < len(ps); i++ {
				if ps[i].Line < ps[i-1].Line {
					t.Fatalf("problems are not by line: %+v", ps)
				}
			}
			for _, p := range ps {
				if p.Line == 2 {
					t.Errorf("a clean row has a problem: %+v", p)
				}
			}
			rows, _ := svc.ActionEnrolments(ctx, w.secretariat, act.ID)
			page, _ := svc.Candidates(ctx, w.secretariat, store.CandidateFilter{Search: "Rousseau"})
			if len(rows) != 0 || page.Total != 0 {
				t.Fatalf("a refused file left %d enrolments and %d candidates", len(rows), page.Total)
			}
		})

		t.Run("a clean file enrols every row in one go, audited", func(t *testing.T) {
			file := importCSVHeader +
				"Rousseau;Jeanne;03/04/1999;F;75056;demandeur d'emploi;OPT1 OPT2;40483304800022;" + referent + ";02/11/2026;Courtage;Reconversion;5;0;;\n" +
				"Noir;Léo;03/04/1997;M;69123;salarié;OPT3 OPT2;;;02/11/2026;C;M;aucun;30;12;\n"
			res, err := svc.ImportCandidates(ctx, w.orgA, act.ID, "liste.csv", []byte(file))
			if err != nil {
				t.Fatal(err)
			}
			if len(res.Enrolled) != 2 || res.Enrolled[0].Candidate.Number == res.Enrolled[1].Candidate.Number {
				t.Fatalf("result: %+v", res.Enrolled)
			}
			rows, err := svc.ActionEnrolments(ctx, w.orgA, act.ID)
			if err != nil || len(rows) != 2 {
				t.Fatalf("%d enrolled, %v", len(rows), err)
			}
			noir, rousseau := rows[0], rows[1]
			if rousseau.Enrolment.ReferentUserID != w.UserIDs[referent] || rousseau.Enrolment.CompanyID != w.CompanyA ||
				noir.Enrolment.Intake.DiplomaLevel != 0 || noir.Enrolment.Intake.RelatedExperienceMonths != 12 ||
				strings.Join(noir.Enrolment.Blocks, " ") != "BC1 BC2 BC3 BC4 BC5 OPT2 OPT3" || noir.Enrolment.FrameworkID != w.FrameworkCC {
				t.Errorf("enrolments: %+v", rows)
			}
			entries := auditActions(t, w, act.ID)
			imp := hasAudit(entries, "action.import")
			if imp == nil || !strings.Contains(imp.After, `"rows":2`) || !strings.Contains(imp.Reason, "liste.csv") {
				t.Errorf("import audit: %+v", imp)
			}
			all, _, _ := svc.Audit(ctx, w.sys, store.AuditFilter{CandidateID: noir.Candidate.ID, Limit: 10})
			if len(all) != 2 || !strings.Contains(all[0].Reason, "Import du fichier « liste.csv »") {
				t.Errorf("the candidate's entries do not name the import: %+v", all)
			}
		})

		t.Run("the secretariat may import a derogation", func(t *testing.T) {
			file := importCSVHeader + "Gris;Tom;03/04/1990;M;69123;salarié;OPT1 OPT2;;;02/11/2026;C;M;4;6;;Dossier vu en commission\n"
			res, err := svc.ImportCandidates(ctx, w.secretariat, act.ID, "derog.csv", []byte(file))
			if err != nil {
				t.Fatal(err)
			}
			if res.Enrolled[0].Enrolment.Derogation.Reason != "Dossier vu en commission" {
				t.Errorf("derogation: %+v", res.Enrolled[0].Enrolment)
			}
		})

		t.Run("another organisation's action is not found, and a refused action takes no file", func(t *testing.T) {
			file := importCSVHeader + "Rose;Ana;03/04/1990;F;69123;salarié;OPT1 OPT2;;;02/11/2026;C;M;5;6;;\n"
			if _, err := svc.ImportCandidates(ctx, w.orgB, act.ID, "l.csv", []byte(file)); domain.ErrorCode(err) != domain.ENOTFOUND {
				t.Errorf("organisation B imported into A's action: %v", err)
			}
			if err := svc.RefuseAction(ctx, w.secretariat, act.ID, "Annulée"); err != nil {
				t.Fatal(err)
			}
			if _, err := svc.ImportCandidates(ctx, w.orgA, act.ID, "l.csv", []byte(file)); domain.ErrorCode(err) != domain.ECONFLICT {
				t.Errorf("imported into a refused action: %v", err)
			}
		})
	})
}
