package web

import (
	"bytes"
	"strings"
	"testing"
)

// The verification page writes its code field out instead of calling the "input" partial
// (a dict and half a dozen method calls on every lookup): it must stay what the partial
// writes, whatever the partial becomes.
func TestTheVerificationFormIsTheInputPartial(t *testing.T) {
	p, err := loadPages()
	if err != nil {
		t.Fatal(err)
	}
	tpl := p.byName["verify.html"]
	for _, typed := range []string{"", `ACDE "FGHJ" <KMNP> & 'x'`} {
		f := emptyForm()
		f.Values.Set("code", typed)
		var partial, page bytes.Buffer
		if err := tpl.ExecuteTemplate(&partial, "input", map[string]any{"F": f, "Name": "code", "Label": "Code de vérification",
			"Required": true, "Autocomplete": "off",
			"Hint": "Les 12 caractères imprimés sous le QR code du document, par exemple ACDE FGHJ KMNP. Majuscules ou minuscules, espaces et tirets sont indifférents."}); err != nil {
			t.Fatal(err)
		}
		if err := tpl.ExecuteTemplate(&page, "content", struct {
			Title string
			Data  verifyPage
		}{"Vérifier un certificat", verifyPage{Code: typed}}); err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(page.String(), "\n  "+partial.String()+"\n") {
			t.Errorf("the page's code field for %q is not the partial's:\n%s\nin\n%s", typed, partial.String(), page.String())
		}
	}
}
