package service_test

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"cqp/internal/service"
)

var update = flag.Bool("update", false, "rewrite the golden files under testdata")

func TestConvocationCalendarFileMatchesItsGoldenFile(t *testing.T) {
	paris, err := time.LoadLocation("Europe/Paris")
	if err != nil {
		t.Fatal(err)
	}
	ev := service.CalendarEvent{
		UID:      "0190f3a2-7c1e-7000-8000-000000000001@cqp",
		Stamp:    time.Date(2026, 11, 25, 9, 0, 0, 0, time.UTC),
		Start:    time.Date(2026, 12, 9, 14, 0, 0, 0, paris),
		End:      time.Date(2026, 12, 9, 15, 0, 0, 0, paris),
		Summary:  "Oral de certification CQP Chargé de clientèle — Éloïse LEFÈVRE",
		Location: "CSCA, 8 rue de Lisbonne; salle 2 \\ accueil",
		URL:      "https://visio.example/salle?id=42,43",
		Description: "Oral de certification d'Éloïse LEFÈVRE (CQP Chargé de clientèle, blocs BC1, BC2, BC3, BC4, BC5, OPT1, OPT2) " +
			"devant la commission « Commission de Paris — décembre 2026 ».\nDossier : https://cqp.example/oraux/0190f3a2",
	}
	got := ev.ICS()
	path := filepath.Join("testdata", "convocation.ics")
	if *update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -update to create it)", err)
	}
	if !bytes.Equal(got, want) {
		t.Fatalf("calendar file differs from %s (go test -update rewrites it):\n%s", path, got)
	}

	t.Run("every line ends with CRLF and holds at most 75 octets, continuation lines starting with a space", func(t *testing.T) {
		text := string(got)
		if !strings.HasSuffix(text, "\r\n") || strings.Contains(strings.ReplaceAll(text, "\r\n", ""), "\n") {
			t.Fatal("a line does not end with CRLF")
		}
		folded := 0
		for _, line := range strings.Split(strings.TrimSuffix(text, "\r\n"), "\r\n") {
			if len(line) > 75 {
				t.Errorf("line of %d octets: %q", len(line), line)
			}
			if !utf8.ValidString(line) {
				t.Errorf("a fold cut a character: %q", line)
			}
			if strings.HasPrefix(line, " ") {
				folded++
			}
		}
		if folded == 0 {
			t.Error("the long description was not folded")
		}
	})

	t.Run("unfolded, the values are escaped and the times are in UTC", func(t *testing.T) {
		unfolded := strings.ReplaceAll(string(got), "\r\n ", "")
		for _, want := range []string{
			"DTSTART:20261209T130000Z\r\n", "DTEND:20261209T140000Z\r\n", "DTSTAMP:20261125T090000Z\r\n",
			`LOCATION:CSCA\, 8 rue de Lisbonne\; salle 2 \\ accueil` + "\r\n",
			"URL:https://visio.example/salle?id=42,43\r\n",
			`\nDossier : https://cqp.example/oraux/0190f3a2` + "\r\n",
			"BEGIN:VEVENT\r\nUID:0190f3a2-7c1e-7000-8000-000000000001@cqp\r\n",
		} {
			if !strings.Contains(unfolded, want) {
				t.Errorf("missing %q in\n%s", want, unfolded)
			}
		}
	})
}

func TestFrenchLongDate(t *testing.T) {
	for in, want := range map[time.Time]string{
		time.Date(2026, 12, 9, 13, 0, 0, 0, time.UTC):  "mercredi 9 décembre 2026",
		time.Date(2027, 2, 28, 23, 30, 0, 0, time.UTC): "lundi 1er mars 2027", // already 1 March in Paris
	} {
		if got := service.FrenchLongDate(in); got != want {
			t.Errorf("%v: %q, want %q", in, got, want)
		}
	}
}
