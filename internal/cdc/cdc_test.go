package cdc_test

import (
	"bytes"
	"errors"
	"fmt"
	"runtime"
	"strings"
	"testing"
	"time"

	"cqp/internal/cdc"
	"cqp/internal/cdc/cdctest"
	"cqp/internal/domain"
)

var header = cdc.Header{FluxID: "0193a2b4-0000-7000-8000-000000000001", At: time.Date(2026, 11, 25, 13, 5, 0, 0, time.UTC),
	ClientID: "12ABC345", ContractID: "MCFCER000123"}

func person() domain.Candidate {
	return domain.Candidate{BirthName: "Lefèvre", FirstNames: "Élodie", BirthDate: domain.NewDate(1991, 4, 17), Sex: domain.SexFemale,
		BirthINSEE: "69123", BirthCity: "Lyon", NIR: "2910469123456" + domain.NIRKey("2910469123456")}
}

func write(t testing.TB, h cdc.Header, passages ...cdc.Passage) []byte {
	t.Helper()
	var b bytes.Buffer
	w, err := cdc.NewWriter(&b, h)
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range passages {
		if err := w.Write(p); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func TestAFlowValidatesAgainstTheSchema(t *testing.T) {
	abroad := domain.Candidate{BirthName: "Benali", UsedName: "Martin", FirstNames: "Karim, Ali Jean Paul", BirthDate: domain.NewDate(1980, 12, 1),
		Sex: domain.SexMale, BirthCountry: "Maroc", NIR: "1801299350123" + domain.NIRKey("1801299350123")}
	passages := []cdc.Passage{
		{ID: "cert-1", Code: "RNCP12345", AwardedOn: domain.NewDate(2026, 11, 20), Access: cdc.AccessOf(domain.RouteVAE, ""), Holder: cdc.HolderOf(person())},
		{ID: "cert-2", Code: "RNCP12345", AwardedOn: domain.NewDate(2026, 7, 3), Access: cdc.AccessOf(domain.RouteFormation, ""), Holder: cdc.HolderOf(abroad)},
		{ID: "cert-3", Code: "RNCP67890", AwardedOn: domain.NewDate(2026, 7, 3), Access: cdc.AccessOf(domain.RouteVAE, domain.StageBlocsFinal), Holder: cdc.HolderOf(person())},
	}
	out := write(t, header, passages...)
	cdctest.Validate(t, out)
	s := string(out)
	for _, want := range []string{
		`<horodatage>2026-11-25T14:05:00+01:00</horodatage>`,
		`<dateFinValidite xsi:nil="true">`, `<nomUsage xsi:nil="true">`, `<nomUsage>Martin</nomUsage>`,
		`<prenom3>Jean Paul</prenom3>`, `<codePostal xsi:nil="true">`, `<codePaysNaissance>350</codePaysNaissance>`,
		`<libellePaysNaissance>Maroc</libellePaysNaissance>`, `<codeInsee>69123</codeInsee>`,
		`<modaliteAcces>FORMATION_CONTINUE_HORS_CONTRAT_DE_PROFESSIONNALISATION</modaliteAcces>`,
		`<voieAccessVAE>VAE_CLASSIQUE</voieAccessVAE>`, `<obtentionCertification>PAR_ADMISSION</obtentionCertification>`,
	} {
		if !strings.Contains(s, want) {
			t.Errorf("the flow lacks %s", want)
		}
	}
	if n := strings.Count(s, "<certification>"); n != 2 {
		t.Errorf("%d certification elements, want one per code", n)
	}

	t.Run("a flow made in summer carries the Paris summer offset", func(t *testing.T) {
		h := header
		h.At = time.Date(2026, 7, 1, 8, 0, 0, 0, time.UTC)
		out := write(t, h, passages[0])
		if !strings.Contains(string(out), "<horodatage>2026-07-01T10:00:00+02:00</horodatage>") {
			t.Fatalf("%s", out)
		}
		cdctest.Validate(t, out)
	})
	t.Run("a flow without any award is refused, and nothing is written", func(t *testing.T) {
		var b bytes.Buffer
		w, err := cdc.NewWriter(&b, header)
		if err != nil {
			t.Fatal(err)
		}
		if err := w.Close(); !errors.Is(err, cdc.ErrEmpty) || b.Len() != 0 {
			t.Fatalf("%v, %d bytes written", err, b.Len())
		}
	})
}

func TestWhatMakesAnAwardNotDeclarable(t *testing.T) {
	for _, tc := range []struct {
		name  string
		edit  func(*domain.Candidate)
		code  string
		wants string
	}{
		{"a holder without NIR", func(c *domain.Candidate) { c.NIR = "" }, "RNCP1", "NIR non renseigné"},
		{"a NIR whose key is wrong", func(c *domain.Candidate) { c.NIR = c.NIR[:13] + "00" }, "RNCP1", "clé du NIR"},
		{"a holder without sex", func(c *domain.Candidate) { c.Sex = "" }, "RNCP1", "Sexe non renseigné"},
		{"a holder without birth place", func(c *domain.Candidate) { c.BirthINSEE, c.BirthCountry = "", "" }, "RNCP1", "Lieu de naissance incomplet"},
		{"a holder whose sex is neither F nor M", func(c *domain.Candidate) { c.Sex = domain.SexOther }, "RNCP1", "n'accepte que F ou M"},
		{"a holder born in a country the INSEE does not list", func(c *domain.Candidate) {
			c.BirthINSEE, c.BirthCountry, c.NIR = "", "Atlantide", "2910499999123"+domain.NIRKey("2910499999123")
		}, "RNCP1", "« Atlantide » ne figure pas"},
		{"an award without RNCP code", func(*domain.Candidate) {}, "", "Pas de code RNCP"},
	} {
		t.Run(tc.name+" is not declarable, and the reason says why", func(t *testing.T) {
			c := person()
			tc.edit(&c)
			got := strings.Join(cdc.Problems(c, tc.code), " ")
			if !strings.Contains(got, tc.wants) {
				t.Fatalf("problems %q, want %q", got, tc.wants)
			}
		})
	}
	if p := cdc.Problems(person(), "RNCP1"); len(p) != 0 {
		t.Fatalf("a complete identity: %v", p)
	}
	t.Run("a holder born abroad gets the INSEE code of their country, whatever their NIR says", func(t *testing.T) {
		c := person()
		c.BirthINSEE, c.BirthCountry, c.NIR = "", "senegal", "2910499350123"+domain.NIRKey("2910499350123")
		h := cdc.HolderOf(c)
		if h.BirthCountryCode != "341" || h.BirthCountry != "Sénégal" {
			t.Fatalf("%+v", h)
		}
		if p := cdc.Problems(c, "RNCP1"); len(p) != 0 {
			t.Fatalf("problems %v", p)
		}
	})
	if got := cdc.RNCPCode(" 12345 "); got != "RNCP12345" {
		t.Fatalf("RNCPCode %q", got)
	}
}

func TestReadingAProcessingReport(t *testing.T) {
	good := `<?xml version="1.0" encoding="UTF-8"?>
<compteRenduTraitement>
  <idFlux>lot-1</idFlux>
  <passageCertification><idTechnique>a</idTechnique><statut>ACCEPTE</statut></passageCertification>
  <passageCertification>
    <idTechnique>b</idTechnique><statut>REJETE</statut><motifRejet>Titulaire non identifié</motifRejet>
  </passageCertification>
</compteRenduTraitement>`
	rep, err := cdc.ParseReport(strings.NewReader(good))
	if err != nil {
		t.Fatal(err)
	}
	if rep.FluxID != "lot-1" || len(rep.Results) != 2 || !rep.Results[0].Accepted || rep.Results[1].Accepted ||
		rep.Results[1].Reason != "Titulaire non identifié" || rep.Results[1].Line != 5 {
		t.Fatalf("%+v", rep)
	}
	for _, tc := range []struct{ name, file, wants string }{
		{"a file that is not XML", "bonjour", "n'est pas un XML lisible"},
		{"another XML document", "<flux/>", "élément <flux>"},
		{"an unknown status", "<compteRenduTraitement>\n<passageCertification><idTechnique>a</idTechnique><statut>PEUT-ETRE</statut></passageCertification></compteRenduTraitement>", "Ligne 2, élément <statut>"},
		{"a rejection without reason", "<compteRenduTraitement><passageCertification><idTechnique>a</idTechnique><statut>REJETE</statut></passageCertification></compteRenduTraitement>", "sans motif"},
		{"a passage without id", "<compteRenduTraitement><passageCertification><statut>ACCEPTE</statut></passageCertification></compteRenduTraitement>", "<idTechnique> manque"},
		{"a passage given twice", "<compteRenduTraitement>\n<passageCertification><idTechnique>a</idTechnique><statut>ACCEPTE</statut></passageCertification>\n<passageCertification><idTechnique>a</idTechnique><statut>ACCEPTE</statut></passageCertification></compteRenduTraitement>", "Ligne 3, élément <idTechnique> : l'identifiant « a » figure déjà ligne 2"},
		{"a cut file", "<compteRenduTraitement><passageCertification><idTechnique>a</idTechnique>", "XML lisible"},
		{"an empty report", "<compteRenduTraitement></compteRenduTraitement>", "aucun"},
	} {
		t.Run(tc.name+" is refused whole and the message says where", func(t *testing.T) {
			_, err := cdc.ParseReport(strings.NewReader(tc.file))
			var re *cdc.ReportError
			if !errors.As(err, &re) || !strings.Contains(err.Error(), tc.wants) {
				t.Fatalf("%v, want %q", err, tc.wants)
			}
		})
	}
}

func FuzzParseReport(f *testing.F) {
	f.Add(`<compteRenduTraitement><passageCertification><idTechnique>a</idTechnique><statut>ACCEPTE</statut></passageCertification></compteRenduTraitement>`)
	f.Add(`<compteRenduTraitement><idFlux>x</idFlux><passageCertification><idTechnique>b</idTechnique><statut>REJETE</statut><motifRejet>m</motifRejet></passageCertification></compteRenduTraitement>`)
	f.Fuzz(func(t *testing.T, s string) {
		rep, err := cdc.ParseReport(strings.NewReader(s))
		if err != nil {
			var re *cdc.ReportError
			if !errors.As(err, &re) {
				t.Fatalf("an error that is not a ReportError: %v", err)
			}
			return
		}
		for _, r := range rep.Results {
			if r.ID == "" || (!r.Accepted && r.Reason == "") {
				t.Fatalf("an accepted report holds %+v", r)
			}
		}
	})
}

// BenchmarkWrite writes batches of 500 and 50 000 awards and reports the largest live heap
// seen while writing: the writer holds one passage at a time, so it stays flat whatever the
// size of the batch.
func BenchmarkWrite(b *testing.B) {
	holder := cdc.HolderOf(person())
	for _, n := range []int{500, 50_000} {
		b.Run(fmt.Sprint(n), func(b *testing.B) {
			var peak uint64
			var ms runtime.MemStats
			b.ReportAllocs()
			for b.Loop() {
				cw := &countingWriter{}
				w, err := cdc.NewWriter(cw, header)
				if err != nil {
					b.Fatal(err)
				}
				for i := range n {
					if err := w.Write(cdc.Passage{ID: fmt.Sprintf("0193a2b4-0000-7000-8000-%012d", i), Code: "RNCP12345",
						AwardedOn: domain.NewDate(2026, 11, 20), Access: cdc.AccessVAE, Holder: holder}); err != nil {
						b.Fatal(err)
					}
					if i%(n/5) == 0 {
						runtime.ReadMemStats(&ms)
						peak = max(peak, ms.HeapAlloc)
					}
				}
				if err := w.Close(); err != nil {
					b.Fatal(err)
				}
				b.ReportMetric(float64(cw.n)/(1<<20), "MB-written")
			}
			b.ReportMetric(float64(peak)/(1<<20), "MB-peak-heap")
		})
	}
}

type countingWriter struct{ n int64 }

func (c *countingWriter) Write(p []byte) (int, error) { c.n += int64(len(p)); return len(p), nil }
