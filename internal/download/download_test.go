package download

import "testing"

func TestAnEvidenceFileIsDownloadedUnderItsOwnNameWithAnASCIIFallback(t *testing.T) {
	for _, c := range []struct{ name, want string }{
		{"attestation.pdf", `attachment; filename="attestation.pdf"; filename*=UTF-8''attestation.pdf`},
		{"relevé d'activité.pdf", `attachment; filename="releve d_activite.pdf"; filename*=UTF-8''relev%C3%A9%20d%27activit%C3%A9.pdf`},
		{`a"b\c;.png`, `attachment; filename="a_b_c_.png"; filename*=UTF-8''a%22b%5Cc%3B.png`},
		{"日本.jpg", `attachment; filename="__.jpg"; filename*=UTF-8''%E6%97%A5%E6%9C%AC.jpg`},
		{"", `attachment; filename="piece"; filename*=UTF-8''`},
	} {
		if got := Disposition(c.name); got != c.want {
			t.Errorf("Disposition(%q) = %s, want %s", c.name, got, c.want)
		}
	}
}
