package web_test

import (
	"context"
	"net/http"
	"strings"
	"testing"

	"cqp/internal/domain"
	"cqp/internal/store"
)

// The secretariat reads the NIR whole; the training organisation, the company and the candidate
// read it masked; no page carries the number otherwise.
func TestTheNIRIsWholeForTheSecretariatAndMaskedForOthers(t *testing.T) {
	s := newSite(t)
	ctx := context.Background()
	err := s.store.Write(ctx, func(q store.Q) error {
		c, err := q.Candidate(ctx, s.world.CandidateA, store.Scope{})
		if err != nil {
			return err
		}
		c.NIR = "298067505612396"
		return q.UpdateCandidateIdentity(ctx, c)
	})
	if err != nil {
		t.Fatal(err)
	}
	path := "/candidats/" + s.world.CandidateA
	_, body := s.do(t, s.client(t, s.world.Accounts[domain.RoleSecretariat]), http.MethodGet, path)
	if !strings.Contains(body, "2 98 06 75 056 123 96") {
		t.Fatal("the secretariat does not read the NIR")
	}
	for _, role := range []domain.Role{domain.RoleTrainingOrganisation, domain.RoleCompany, domain.RoleCandidate} {
		status, body := s.do(t, s.client(t, s.world.Accounts[role]), http.MethodGet, path)
		if status != http.StatusOK || !strings.Contains(body, "2 98 06 •• ••• ••• ••") || strings.Contains(body, "056 123") || strings.Contains(body, "298067505612396") {
			t.Errorf("%s: status %d, the NIR is not masked", role, status)
		}
	}
}
