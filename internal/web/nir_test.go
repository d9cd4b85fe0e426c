package web_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
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

// The candidate types their NIR on their own page: a wrong one is refused with the reason and
// is not sent back; a right one is recorded and shown masked; the secretariat's list of awards
// without NIR reads as it should.
func TestTheCandidateRecordsTheirNIR(t *testing.T) {
	s := newSite(t)
	ctx := context.Background()
	c, err := s.world.Service.Candidate(ctx, domain.SystemActor("test"), s.world.CandidateA)
	if err != nil {
		t.Fatal(err)
	}
	sex := "1"
	if c.Sex == domain.SexFemale {
		sex = "2"
	}
	first13 := fmt.Sprintf("%s%02d%02d75056123", sex, c.BirthDate.Year()%100, int(c.BirthDate.Month()))
	good := first13 + domain.NIRKey(first13)
	bad := first13 + "00"
	if bad == good {
		bad = first13 + "01"
	}
	me := s.client(t, s.world.Accounts[domain.RoleCandidate])
	path := "/candidats/" + s.world.CandidateA + "/nir"
	status, _, page := s.post(t, me, path, url.Values{"nir": {bad}})
	if status != http.StatusUnprocessableEntity || !strings.Contains(page, "La clé du NIR") || strings.Contains(page, bad) {
		t.Fatalf("a wrong key: %d", status)
	}
	if status, loc, _ := s.post(t, me, path, url.Values{"nir": {good}}); status != http.StatusSeeOther || loc != "/candidats/"+s.world.CandidateA {
		t.Fatalf("a right NIR: %d %s", status, loc)
	}
	if _, body := s.do(t, me, http.MethodGet, "/candidats/"+s.world.CandidateA); !strings.Contains(body, domain.MaskNIR(good)) || strings.Contains(body, good[5:13]) {
		t.Fatal("the candidate's page does not show the NIR masked")
	}
	if status, _, _ := s.post(t, me, "/candidats/"+s.world.CandidateB+"/nir", url.Values{"nir": {good}}); status != http.StatusNotFound {
		t.Fatalf("a candidate sets another's NIR: %d", status)
	}
	sec := s.client(t, s.world.Accounts[domain.RoleSecretariat])
	if status, body := s.do(t, sec, http.MethodGet, "/nir"); status != http.StatusOK || !strings.Contains(body, "NIR manquants") {
		t.Fatalf("the secretariat's list: %d", status)
	}
}
