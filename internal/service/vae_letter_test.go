package service_test

import (
	"context"
	"strings"
	"testing"

	"cqp/internal/domain"
	"cqp/internal/pdftext"
	"cqp/internal/service"
	"cqp/internal/service/servicetest"
	"cqp/internal/store"
	"cqp/internal/store/storetest"
)

func TestTheVAEDecisionLetterIsSignedByThePersonWhoDecidedAndListsEachStepOnce(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		w := servicetest.New(t, st)
		f := newVAEFixture(t, w, "gaelle.moreau@example.fr")
		if err := w.Service.SaveSignaturePlace(ctx, f.sec, "Paris"); err != nil {
			t.Fatal(err)
		}
		f.send(t)
		f.submitComplete(t, f.candidate)
		f.reviewed(t, domain.OpinionFavourable)
		if _, err := f.svc.DecideVAE(ctx, domain.SystemActor("démo"), f.enrolment, service.DecisionInput{
			Decision: domain.DecisionAdmissible, Reason: "Expérience en lien.", ValidUntil: "25/11/2027"}); domain.ErrorCode(err) != domain.EFORBIDDEN {
			t.Fatalf("a process decided and would sign the letter: %v", err)
		}
		sec := f.sec
		sec.Name = "Claire Dumas"
		d, err := f.svc.DecideVAE(ctx, sec, f.enrolment, service.DecisionInput{Decision: domain.DecisionAdmissible,
			Reason: "Expérience en lien.", ValidUntil: "25/11/2027"})
		if err != nil {
			t.Fatal(err)
		}
		letter, err := f.svc.VAEDecisionLetter(ctx, f.candidate, f.enrolment, d.ID)
		if err != nil {
			t.Fatal(err)
		}
		text := pdftext.Text(t, letter)
		for _, says := range []string{"Madame Gaëlle MOREAU", "Candidate n°", "Paris, le ", "Madame, Vous avez demandé",
			"Avis favorable d’Organisme A", "La suite de votre démarche", "Pour le secrétariat des CQP", "Claire Dumas"} {
			if !strings.Contains(text, says) {
				t.Errorf("the letter does not say %q:\n%s", says, text)
			}
		}
		for _, step := range []string{"dossier d’expérience :", "entretien", "Le jury de certification délibère"} {
			if n := strings.Count(text, step); n != 1 {
				t.Errorf("%q is said %d times, want once:\n%s", step, n, text)
			}
		}
		if strings.Contains(text, "démo") || strings.Contains(text, "Madame, Monsieur") {
			t.Errorf("the letter is signed « démo » or not addressed to the person:\n%s", text)
		}
	})
}
