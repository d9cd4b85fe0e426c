package service_test

import (
	"testing"

	"cqp/internal/service"
	"cqp/internal/store"
)

func TestArchiveFileNameNamesTheNumberAndTheHolder(t *testing.T) {
	cases := []struct {
		name string
		c    store.Certificate
		want string
	}{
		{"a certificate", store.Certificate{Number: "C-2026-00012", Kind: store.KindCertificate, HolderName: "Inès DUPONT"},
			"C-2026-00012-Dupont-Ines-certificat.pdf"},
		{"the attestation of a block, several first names, a ligature", store.Certificate{Number: "COURTAGE-2026-000043",
			Kind: store.KindAttestation, BlockCode: "BC2", HolderName: "Amélie Marie ŒUVRAY"},
			"COURTAGE-2026-000043-Oeuvray-Amelie-attestation-BC2.pdf"},
		{"apostrophes, spaces and hyphens", store.Certificate{Number: "COURTAGE-2026-000044", Kind: store.KindCertificate,
			HolderName: "Jean-Noël N'DIAYE DE LA FONTAINE"},
			"COURTAGE-2026-000044-Ndiaye-De-La-Fontaine-Jean-Noel-certificat.pdf"},
		{"characters unsafe in a file name", store.Certificate{Number: "C/2026:1", Kind: store.KindCertificate, HolderName: "Zoë «Ma» D/ROZ"},
			"C_2026_1-Droz-Zoe-certificat.pdf"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if got := service.ArchiveFileName(c.c); got != c.want {
				t.Errorf("ArchiveFileName = %q, want %q", got, c.want)
			}
		})
	}
}
