package demo

import (
	"context"
	"slices"
	"strings"
	"testing"

	"cqp/internal/domain"
	"cqp/internal/frameworkfile"
	"cqp/internal/pdftext"
	"cqp/internal/store"
)

// shippedPlaceholders are the placeholder wordings of the shipped framework file: every title
// of an item it flags that reads as a placeholder, and the phrases its notes use.
func shippedPlaceholders(t *testing.T) []string {
	t.Helper()
	f, err := frameworkfile.Shipped()
	if err != nil {
		t.Fatal(err)
	}
	out := []string{"à compléter", "texte d'attente", "à confirmer par la branche"}
	for _, fw := range f.Frameworks {
		for _, it := range fw.ItemsToConfirm() {
			if domain.ReadsAsPlaceholder(it.Title) && !slices.Contains(out, strings.ToLower(it.Title)) {
				out = append(out, strings.ToLower(it.Title))
			}
		}
	}
	if len(out) < 5 {
		t.Fatalf("the shipped framework has no placeholder left to look for: %v", out)
	}
	return out
}

// The demo's frameworks are confirmed through the audited use case and its documents print no
// placeholder wording. Printing a document keeps its rendered PDF, which no other check reads.
func checkDocumentsPrintNoPlaceholder(t *testing.T, d loadedDemo) {
	ctx, svc := context.Background(), d.svc
	secretariat := actorOf(t, svc, SecretariatEmail)
	placeholders := shippedPlaceholders(t)

	t.Run("every framework of the demo is confirmed, through the audited use case", func(t *testing.T) {
		fws, err := svc.Frameworks(ctx, secretariat)
		if err != nil {
			t.Fatal(err)
		}
		for _, r := range fws {
			if r.ToConfirmCount != 0 {
				t.Errorf("%s: %d items still to confirm", r.Framework.Qualification.Code, r.ToConfirmCount)
			}
			for _, b := range r.Framework.BlocksOfKind(domain.BlockOptional) {
				if !strings.Contains(b.Title, "(exemple de démonstration)") {
					t.Errorf("%s %s is not marked as a demonstration example: %q", r.Framework.Qualification.Code, b.Code, b.Title)
				}
			}
			h, err := svc.FrameworkWordingHistory(ctx, secretariat, r.ID)
			if err != nil || len(h) == 0 || h[0].ActorName != actorName {
				t.Errorf("%s: the audit trail does not show the demo's confirmations: %d entries, %v", r.Framework.Qualification.Code, len(h), err)
			}
		}
	})

	t.Run("the shipped framework keeps its flags", func(t *testing.T) {
		f, err := frameworkfile.Shipped()
		if err != nil {
			t.Fatal(err)
		}
		for _, fw := range f.Frameworks {
			if fw.ToConfirmCount() == 0 {
				t.Errorf("the shipped %s lost its flags", fw.Qualification.Code)
			}
		}
	})

	for _, kind := range []store.CertificateKind{store.KindCertificate, store.KindAttestation} {
		t.Run("the demo's "+kind.ShortLabel()+" prints no placeholder", func(t *testing.T) {
			page, err := svc.Certificates(ctx, secretariat, store.CertificateFilter{Kind: kind, Limit: 1})
			if err != nil || len(page.Items) == 0 {
				t.Fatalf("no demo %s: %v", kind.ShortLabel(), err)
			}
			file, err := svc.CertificatePDF(ctx, secretariat, page.Items[0].ID)
			if err != nil {
				t.Fatal(err)
			}
			text := pdftext.Text(t, file.Content)
			lower := strings.ToLower(text)
			for _, p := range placeholders {
				if strings.Contains(lower, p) {
					t.Errorf("the %s prints %q: %s", kind.ShortLabel(), p, text)
				}
			}
			if !strings.Contains(text, page.Items[0].Number) || !strings.Contains(text, page.Items[0].Blocks[0].Title) {
				t.Fatalf("pdftotext did not read the document: %s", text)
			}
			if kind == store.KindCertificate && !strings.Contains(text, "(exemple de démonstration)") {
				t.Errorf("the certificate does not print its optional blocks' demonstration titles: %s", text)
			}
			// Issue 15: the city, not the room; the RNCP code; no « né(e) ».
			for _, says := range []string{"Fait à Paris, le ", "enregistré au Répertoire national des certifications professionnelles : RNCP991"} {
				if !strings.Contains(text, says) {
					t.Errorf("the %s does not say %q: %s", kind.ShortLabel(), says, text)
				}
			}
			if strings.Contains(text, "salle") || strings.Contains(text, "né(e)") {
				t.Errorf("the %s prints a room or « né(e) »: %s", kind.ShortLabel(), text)
			}
		})
	}
}
