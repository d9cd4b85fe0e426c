package service_test

import (
	"context"
	"strings"
	"testing"

	"cqp/internal/domain"
	"cqp/internal/service"
	"cqp/internal/store"
	"cqp/internal/store/storetest"
)

// A NIR typed with a candidate is checked against their identity, stored without spaces, and
// the audit trail says only that it was given.
func TestTheNIRIsCheckedStoredAndNeverAudited(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		w := newActionWorld(t, st)
		person := domain.Candidate{BirthName: "Roux", FirstNames: "Léa", BirthDate: domain.NewDate(1998, 6, 1), Sex: domain.SexFemale,
			BirthINSEE: "75056", BirthCity: "Paris"}
		wrong := person
		wrong.NIR = "1 98 06 75 056 123 " + domain.NIRKey("1980675056123") // a man's number
		if _, err := w.Service.CreateCandidate(ctx, w.secretariat, service.CandidateInput{Candidate: wrong}); !strings.Contains(fieldOf(err, "nir"), "femme") {
			t.Fatalf("a man's NIR for a woman: %v", err)
		}
		person.NIR = "2 98 06 75 056 123 96"
		c, err := w.Service.CreateCandidate(ctx, w.secretariat, service.CandidateInput{Candidate: person})
		if err != nil {
			t.Fatal(err)
		}
		got, err := w.Service.Candidate(ctx, w.sys, c.ID)
		if err != nil || got.NIR != "298067505612396" {
			t.Fatalf("stored NIR %q %v", got.NIR, err)
		}
		for _, e := range auditActions(t, w, c.ID) {
			if strings.Contains(e.After+e.Before, "298067505612396") || strings.Contains(e.After+e.Before, "056 123") {
				t.Fatalf("the audit trail holds the NIR: %s", e.After)
			}
			if e.Action == "candidate.create" && !strings.Contains(e.After, `"nir":"renseigné"`) {
				t.Fatalf("the audit entry does not say a NIR was given: %s", e.After)
			}
		}
	})
}
