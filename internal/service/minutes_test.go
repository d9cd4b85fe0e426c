package service_test

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"cqp/internal/domain"
	"cqp/internal/service"
	"cqp/internal/store"
	"cqp/internal/store/storetest"
)

func TestJuryMinutes(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		jw := newJuryWorld(t, st)
		svc := jw.Service
		if _, err := svc.SaveJurySettings(ctx, jw.sec, service.JurySettingsInput{Quorum: "4", JuryPresidentName: "Bruno Lemaître",
			CSCAPresidentName: "Claire Dufour", CPNEPresidentName: "Denis Ørsted"}); err != nil {
			t.Fatal(err)
		}
		id := jw.session(t, "10/12/2026", 5, jw.enrolmentA, jw.enrolmentB)

		t.Run("an open session has no minutes yet", func(t *testing.T) {
			if _, err := svc.JuryMinutes(ctx, jw.member, id); domain.ErrorCode(err) != domain.ECONFLICT {
				t.Fatalf("got %v", err)
			}
		})

		if _, err := svc.OpenJuryDeliberation(ctx, jw.sec, id); err != nil {
			t.Fatal(err)
		}
		jw.decide(t, id, jw.enrolmentA, "BC2", "A")
		jw.decide(t, id, jw.enrolmentA, "BC3", "NA")
		jw.decide(t, id, jw.enrolmentA, "BC4", "A")
		if _, err := svc.CloseJurySession(ctx, jw.president, id); err != nil {
			t.Fatal(err)
		}

		first, err := svc.JuryMinutes(ctx, jw.member, id)
		if err != nil {
			t.Fatal(err)
		}

		t.Run("two generations give the same bytes, even after the settings change", func(t *testing.T) {
			if _, err := svc.SaveJurySettings(ctx, jw.sec, service.JurySettingsInput{Quorum: "6", JuryPresidentName: "Quelqu'un d'autre"}); err != nil {
				t.Fatal(err)
			}
			second, err := svc.JuryMinutes(ctx, jw.sec, id)
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(first.PDF, second.PDF) || !bytes.HasPrefix(first.PDF, []byte("%PDF-")) {
				t.Fatalf("the minutes differ between two generations (%d and %d bytes)", len(first.PDF), len(second.PDF))
			}
			if !strings.HasPrefix(first.Filename, "pv-jury-2026-12-10-") || !strings.HasSuffix(first.Filename, ".pdf") {
				t.Fatalf("file name %q", first.Filename)
			}
		})

		t.Run("the minutes say the members, the quorum, the debates, decisions and reasons, and the signatories", func(t *testing.T) {
			if _, err := exec.LookPath("pdftotext"); err != nil {
				t.Skip("pdftotext (poppler-utils) is not installed; .ci/run installs it")
			}
			path := filepath.Join(t.TempDir(), "pv.pdf")
			if err := os.WriteFile(path, first.PDF, 0o600); err != nil {
				t.Fatal(err)
			}
			out, err := exec.Command("pdftotext", "-layout", "-enc", "UTF-8", path, "-").Output()
			if err != nil {
				t.Fatal(err)
			}
			text := strings.Join(strings.Fields(string(out)), " ")
			for _, want := range []string{"LEFÈVRE Éloïse", "MARTIN Paul", "Juré n° 1", "Motif du jury pour BC3",
				"Quorum : 4 membres requis, 5 présents", "Bruno Lemaître", "Denis Ørsted", "validation partielle", "certifié",
				"Chargé de clientèle"} {
				if !strings.Contains(text, want) {
					t.Errorf("the minutes do not say %q", want)
				}
			}
			if strings.Contains(text, "Quelqu'un d'autre") {
				t.Error("the minutes read the settings of today instead of the snapshot")
			}
			// The session is named by its day, never by its identifier.
			if !strings.Contains(text, "Jury de certification du 10/12/2026") {
				t.Error("the minutes do not name the session by its day")
			}
			if strings.Contains(text, id) || strings.Contains(text, id[len(id)-8:]) {
				t.Errorf("the minutes print the session's identifier %s", id)
			}
		})

		t.Run("the minutes of a rectification say what they correct and why", func(t *testing.T) {
			r, err := svc.RectifyJurySession(ctx, jw.sec, id, service.RectificationInput{
				JurySessionInput: service.JurySessionInput{Date: "20/12/2026", Time: "10:00", Place: "Paris"},
				Reason:           "Erreur de report de la décision sur BC3"})
			if err != nil {
				t.Fatal(err)
			}
			if _, err := svc.InviteJuryMembers(ctx, jw.sec, r.ID, jw.jurors); err != nil {
				t.Fatal(err)
			}
			if _, err := svc.RecordJuryAttendance(ctx, jw.sec, r.ID, jw.jurors[:6]); err != nil {
				t.Fatal(err)
			}
			if _, err := svc.OpenJuryDeliberation(ctx, jw.sec, r.ID); err != nil {
				t.Fatal(err)
			}
			for _, b := range []string{"BC2", "BC3", "BC4"} {
				jw.decide(t, r.ID, jw.enrolmentA, b, "A")
			}
			snap, err := svc.CloseJurySession(ctx, jw.president, r.ID)
			if err != nil {
				t.Fatal(err)
			}
			doc := service.MinutesDoc(snap)
			if !strings.Contains(doc.Rectification, "rectifie le jury de certification du 10/12/2026 à 14:00") || strings.Contains(doc.Rectification, id) ||
				!strings.Contains(doc.Rectification, "Erreur de report de la décision sur BC3") || doc.CreatedAt != snap.ClosedAt {
				t.Fatalf("rectification notice %q", doc.Rectification)
			}
			if _, err := svc.JuryMinutes(ctx, jw.member, r.ID); err != nil {
				t.Fatal(err)
			}
		})
	})
}
