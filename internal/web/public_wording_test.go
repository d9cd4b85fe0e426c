package web_test

import (
	"context"
	"net/http"
	"regexp"
	"strings"
	"testing"
	"time"

	"cqp/internal/domain"
	"cqp/internal/service"
	"cqp/internal/store"
)

// placeholderWording matches the shipped framework's placeholder wording, whatever the case.
var placeholderWording = regexp.MustCompile(`(?i)à compléter|a completer|texte d'attente`)

func TestThePublicVAEFormPrintsNoTitleTheBranchHasNotConfirmed(t *testing.T) {
	s := newSite(t)
	anon := s.client(t, "")
	ctx := context.Background()
	sec := s.world.Actor(t, s.world.Accounts[domain.RoleSecretariat])

	status, body := s.do(t, anon, http.MethodGet, "/demande-vae")
	if status != http.StatusOK {
		t.Fatalf("status %d", status)
	}
	if m := placeholderWording.FindString(body); m != "" {
		t.Errorf("the public form prints placeholder wording %q", m)
	}
	for _, want := range []string{
		`<input type="checkbox" name="blocks_IARD" value="OPT1"> OPT1 <span class="muted">(intitulé pas encore publié)</span></label>`,
		"La branche n'a pas encore publié l'intitulé de certains blocs optionnels de ce CQP : choisissez-en quand même 2.",
		`<option value="IARD">Gestionnaire IARD</option>`,
	} {
		if !strings.Contains(body, want) {
			t.Errorf("the form lacks %q", want)
		}
	}

	// Once the secretariat confirms a block, the form shows its title.
	versions, err := s.world.Service.FrameworkVersions(ctx, sec, "IARD")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.world.Service.ConfirmFrameworkItem(ctx, sec, versions[0].ID,
		service.FrameworkItemInput{Item: "block/OPT1", Title: "Assurance des risques de la construction"}); err != nil {
		t.Fatal(err)
	}
	_, body = s.do(t, anon, http.MethodGet, "/demande-vae")
	if !strings.Contains(body, `value="OPT1"> OPT1 — Assurance des risques de la construction</label>`) ||
		!strings.Contains(body, `name="blocks_IARD" value="OPT2"> OPT2 <span class="muted">(intitulé pas encore publié)</span>`) {
		t.Errorf("after the confirmation: %.4000s", body[strings.Index(body, "Blocs optionnels"):])
	}
}

func TestTheVerificationPageOfAnOlderDocumentPrintsNoPlaceholder(t *testing.T) {
	s := newSite(t)
	w := s.world
	ctx := context.Background()
	anon := s.client(t, "")
	sec := w.Actor(t, w.Accounts[domain.RoleSecretariat])
	// A document issued before issuing required a confirmed framework: it holds the titles the
	// framework had then, placeholders included.
	const code = "ACDEFGHJKMNP"
	day := time.Date(2026, 6, 20, 13, 0, 0, 0, time.UTC)
	err := w.Service.Store().Write(ctx, func(q store.Q) error {
		branches, _ := q.Branches(ctx)
		if err := q.CreateJurySession(ctx, store.JurySession{ID: "old", BranchID: branches[0].ID, StartsAt: day, Quorum: 4,
			Status: store.JuryPlanned, CreatedAt: day}); err != nil {
			return err
		}
		_, err := q.InsertCertificate(ctx, store.Certificate{ID: "old-cert", Number: "COURTAGE-2026-000001", Kind: store.KindAttestation,
			VerificationCode: code, EnrolmentID: w.EnrolmentA, CandidateID: w.CandidateA, SessionID: "old", HolderName: "Éloïse LEFÈVRE",
			HolderBirthDate: domain.NewDate(1995, 3, 14), BranchName: "Courtage", QualificationCode: "CC", QualificationTitle: "Chargé de clientèle",
			Blocks:    []store.CertificateBlock{{Code: "BC3", Title: "Gérer la relation clientèle"}, {Code: "OPT1", Title: "Bloc optionnel 1 — à compléter par la branche"}},
			AwardedOn: domain.DateOf(day), Place: "Paris", IssuedAt: day})
		return err
	})
	if err != nil {
		t.Fatal(err)
	}

	t.Run("while its blocks are still to confirm, the page shows their codes alone", func(t *testing.T) {
		status, body := s.do(t, anon, http.MethodGet, "/verifier/"+code)
		if status != http.StatusOK || placeholderWording.MatchString(body) {
			t.Fatalf("status %d, placeholder %q", status, placeholderWording.FindString(body))
		}
		for _, want := range []string{
			`<li><strong>BC3</strong> <span class="muted">(intitulé non publié : la branche ne l'a pas encore confirmé)</span></li>`,
			`<li><strong>OPT1</strong> <span class="muted">(intitulé non publié : la branche ne l'a pas encore confirmé)</span></li>`,
			"CQP CC — Chargé de clientèle",
		} {
			if !strings.Contains(body, want) {
				t.Errorf("the page lacks %q", want)
			}
		}
	})

	t.Run("a block confirmed since shows its title; a placeholder printed then never shows", func(t *testing.T) {
		for _, in := range []service.FrameworkItemInput{{Item: "block/BC3", Title: "Gérer la relation clientèle"},
			{Item: "block/OPT1", Title: "Conseiller la clientèle en assurance emprunteur"}} {
			if _, err := w.Service.ConfirmFrameworkItem(ctx, sec, w.FrameworkCC, in); err != nil {
				t.Fatal(err)
			}
		}
		_, body := s.do(t, anon, http.MethodGet, "/verifier/"+code)
		if !strings.Contains(body, "<li><strong>BC3</strong> — Gérer la relation clientèle</li>") ||
			!strings.Contains(body, `<li><strong>OPT1</strong> <span class="muted">(intitulé non publié`) || placeholderWording.MatchString(body) {
			t.Errorf("%.3000s", body[strings.Index(body, "<h2>"):])
		}
	})
}
