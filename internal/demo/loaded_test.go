package demo

import (
	"context"
	"testing"

	"cqp/internal/service"
	"cqp/internal/store"
	"cqp/internal/store/storetest"
)

// loadedDemo is the demo loaded once on one database, which the checks of TestTheLoadedDemo
// share.
type loadedDemo struct {
	s        *store.Store
	svc      *service.Service
	accounts Accounts // what the first Load returned
}

// TestTheLoadedDemo loads the demo once per database and runs every check of the loaded demo
// against it, each a subtest that runs alone with -run 'TestTheLoadedDemo/sqlite/<name>'. The
// checks were top-level tests that each loaded the demo on each database, the load being
// nearly all of their time. The orals' subjects and the documents, once checked on SQLite
// alone, are now checked on PostgreSQL too.
//
// The checks read, except three writes, ordered so that no check reads what another wrote
// before it: printing a document keeps its rendered PDF (the documents check); the accounts
// check's last subtest loads again and checks that nothing changed; the formation route check
// verifies a certificate (counted per address, in the service's memory) and loads again. The
// read-only checks run first, the accounts check before the formation route check, whose
// later subtests ran after its own second load already. Logging in writes nothing that
// lasts: a successful login gives back the attempt it counted.
func TestTheLoadedDemo(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		svc := newService(s)
		accounts, err := Load(context.Background(), svc)
		if err != nil {
			t.Fatal(err)
		}
		d := loadedDemo{s: s, svc: svc, accounts: accounts}
		for _, c := range []struct {
			name  string
			check func(*testing.T, loadedDemo)
		}{
			{"the branch reads an evaluator agreement", checkEvaluatorAgreement},                    // agreement_test.go
			{"candidates stand at every step of the blocs route", checkBlocsRoute},                  // blocs_test.go
			{"results come from closed jury sessions", checkResultsComeFromClosedJurySessions},      // results_test.go
			{"the orals draw their subjects from the bank", checkOralsDrawTheirSubjectsFromTheBank}, // subjects_test.go
			{"the documents print no placeholder", checkDocumentsPrintNoPlaceholder},                // documents_test.go: keeps rendered PDFs
			{"the accounts see their candidates and files", checkAccountsCandidatesAndFiles},        // demo_test.go: loads again last
			{"candidates stand at every step of the formation route", checkFormationRoute},          // route_test.go: verifies, loads again
		} {
			t.Run(c.name, func(t *testing.T) { c.check(t, d) })
		}
	})
}
