package web

import (
	"io"
	"log/slog"
	"net/http/httptest"
	"testing"

	"cqp/internal/store"
)

func BenchmarkVerifyPageRender(b *testing.B) {
	s := &Server{log: slog.New(slog.DiscardHandler)}
	p, err := loadPages()
	if err != nil {
		b.Fatal(err)
	}
	s.pages = p
	v := &verificationView{Title: "Certificat de qualification professionnelle", Number: "CQP-2026-00001", GroupedCode: "ACDE FGHJ KMNP",
		HolderName: "Éloïse Lefèvre", QualificationCode: "CC", QualificationTitle: "Chargé de clientèle", RNCP: "RNCP12345",
		BranchName: "Courtage d'assurances", AwardedOn: "25/11/2026", Certificate: true,
		Blocks: []store.CertificateBlock{{Code: "BC1", Title: "Accueillir"}, {Code: "BC2", Title: "Conseiller"}, {Code: "BC3", Title: "Gérer"}, {Code: "BC4", Title: "Suivre"}}}
	r := httptest.NewRequest("GET", "/verifier/ACDEFGHJKMNP", nil)
	for b.Loop() {
		w := httptest.NewRecorder()
		s.render(w, r, 200, "verify.html", "Vérification d'un certificat", verifyPage{Verification: v})
		_, _ = io.Discard.Write(w.Body.Bytes())
	}
}
