package service_test

import (
	"context"
	"testing"

	"cqp/internal/domain"
	"cqp/internal/service/servicetest"
	"cqp/internal/store/storetest"
)

func TestDashboardShowsJuryCardsOnlyToThoseWhoMayAct(t *testing.T) {
	st := storetest.Open(t, storetest.Targets(t)[0])
	w := servicetest.New(t, st)
	ctx := context.Background()
	labels := func(email string) map[string]int {
		cards, err := w.Service.Dashboard(ctx, w.Actor(t, email))
		if err != nil {
			t.Fatal(err)
		}
		m := map[string]int{}
		for _, c := range cards {
			m[c.Label] = c.Count
		}
		return m
	}
	sec := labels(w.Accounts[domain.RoleSecretariat])
	if n, ok := sec["Sessions de jury à tenir"]; !ok || n != 0 {
		t.Errorf("secretariat: %v", sec)
	}
	if _, ok := sec["Certificats et attestations délivrés, à envoyer aux titulaires"]; !ok {
		t.Errorf("secretariat lacks the documents card: %v", sec)
	}
	jury := labels(w.Accounts[domain.RoleJuryMember])
	if _, ok := jury["Sessions de jury à tenir"]; !ok {
		t.Errorf("jury member lacks the sessions card: %v", jury)
	}
	if _, ok := jury["Certificats et attestations délivrés, à envoyer aux titulaires"]; ok {
		t.Errorf("jury member sees the secretariat's documents card")
	}
	if _, ok := labels(w.Accounts[domain.RoleCandidate])["Sessions de jury à tenir"]; ok {
		t.Errorf("a candidate sees the jury card")
	}
}
