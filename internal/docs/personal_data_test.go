package docs

import (
	"bytes"
	"os"
	"strings"
	"testing"
	"time"

	"cqp/internal/pdftext"
)

func demoPersonalData(rows int) PersonalDataDoc {
	long := strings.Repeat("Le candidat a présenté un cas pratique complet sur la relation client « multirisque » ; ", 6)
	var trail [][]string
	for i := 0; i < rows; i++ {
		trail = append(trail, []string{"25/11/2026 à 10:00", "Claire Durand (Secrétariat)", "Statut d'inscription modifié", long})
	}
	return PersonalDataDoc{
		Controller: "Branche des cabinets de courtage d'assurances",
		HolderName: "Éloïse LEFÈVRE",
		Number:     "C-2026-00042",
		Created:    time.Date(2026, 11, 25, 9, 0, 0, 0, time.UTC),
		Intro:      []string{"Ce document rassemble toutes les données que la branche conserve sur vous."},
		Sections: []PersonalDataSection{
			{Title: "Identité", Fields: []PersonalDataField{{"Nom de naissance", "Lefèvre"}, {"Nom d'usage", ""}, {"Date de naissance", "14/03/1995"}}},
			{Title: "Journal des opérations", Tables: []PersonalDataTable{{
				Columns: []PersonalDataColumn{{"Date", 1.7}, {"Par", 1.3}, {"Événement", 2}, {"Détail", 3.3}},
				Rows:    trail,
			}}},
			{Title: "Messages envoyés", Tables: []PersonalDataTable{{Title: "Messages", Empty: "Aucun message.",
				Columns: []PersonalDataColumn{{"Objet", 1}}}}},
		},
	}
}

func TestPersonalDataPDFReadsAsADocumentAcrossPages(t *testing.T) {
	b, err := PersonalDataPDF(demoPersonalData(30))
	if err != nil {
		t.Fatal(err)
	}
	again, err := PersonalDataPDF(demoPersonalData(30))
	if err != nil || !bytes.Equal(b, again) {
		t.Fatalf("the same document gives other bytes (%v)", err)
	}
	if out := os.Getenv("CQP_PERSONAL_DATA_PDF"); out != "" {
		_ = os.WriteFile(out, b, 0o600)
	}
	text := pdftext.Text(t, b)
	for _, want := range []string{
		"Vos données personnelles détenues par Branche des cabinets de courtage d'assurances",
		"Éloïse LEFÈVRE — candidat n° C-2026-00042", "Extraction du 25/11/2026 à 10:00",
		"1. Identité", "Nom d'usage : —", "2. Journal des opérations", "Journal des opérations (suite)",
		"3. Messages envoyés", "Aucun message.", "Page 1 /", "sur la relation client « multirisque »",
		"Données personnelles d’Éloïse LEFÈVRE (n° C-2026-00042)",
	} {
		if !strings.Contains(text, want) {
			t.Errorf("the PDF misses %q", want)
		}
	}
	if strings.Contains(text, "Page 1 / 0") {
		t.Error("the page count is not printed")
	}
}

func TestPersonalDataPDFRefusesAnIncompleteDocument(t *testing.T) {
	d := demoPersonalData(1)
	d.Sections[1].Tables[0].Rows[0] = []string{"seul"}
	if _, err := PersonalDataPDF(d); err == nil || !strings.Contains(err.Error(), "a row has 1 cells for 4 columns") {
		t.Fatalf("got %v", err)
	}
	d = demoPersonalData(1)
	d.Controller = " "
	if _, err := PersonalDataPDF(d); err == nil {
		t.Fatal("a document without controller was drawn")
	}
}
