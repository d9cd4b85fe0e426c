package service_test

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"sync"
	"testing"
	"time"

	"cqp/internal/domain"
	"cqp/internal/service"
	"cqp/internal/service/servicetest"
	"cqp/internal/store"
	"cqp/internal/store/storetest"
)

// Two servers on one database enrol candidates at once, each with an enrolment: all are
// enrolled, with distinct numbers following those already given. Issue 14, item 5: on
// PostgreSQL most parallel creations were refused as duplicates.
func TestParallelEnrolmentsOnTwoServersGetDistinctNumbers(t *testing.T) {
	const creations = 24
	for _, target := range storetest.Targets(t) {
		t.Run(target.Name, func(t *testing.T) {
			ctx := context.Background()
			w := servicetest.New(t, storetest.Open(t, target))
			other := service.New(storetest.Open(t, target), func() time.Time { return servicetest.Clock },
				slog.New(slog.NewTextHandler(io.Discard, nil)), "http://cqp.test")
			servers := []*service.Service{w.Service, other}
			sys := domain.SystemActor("test")
			cc, err := w.Service.Framework(ctx, sys, w.FrameworkCC)
			if err != nil {
				t.Fatal(err)
			}
			var optional []string
			for _, b := range cc.Framework.BlocksOfKind(domain.BlockOptional)[:cc.Framework.Composition.Optional] {
				optional = append(optional, b.Code)
			}
			start := make(chan struct{})
			got := make([]domain.Candidate, creations)
			errs := make([]error, creations)
			var wg sync.WaitGroup
			for i := range creations {
				wg.Add(1)
				go func() {
					defer wg.Done()
					<-start
					got[i], errs[i] = servers[i%2].CreateCandidate(ctx, sys, service.CandidateInput{
						Candidate: domain.Candidate{BirthName: fmt.Sprintf("Parallèle %d", i), FirstNames: "Jeanne",
							BirthDate: domain.NewDate(1995, 3, 14), Sex: domain.SexFemale, BirthINSEE: "75056", BirthCity: "Paris"},
						Enrolment: &service.EnrolmentInput{QualificationCode: "CC", Route: domain.RouteFormation,
							Public: domain.PublicJobSeeker, TrainingOrganisationID: w.OrgA, Blocks: optional},
					})
				}()
			}
			close(start)
			wg.Wait()
			seen := map[string]bool{}
			for i, err := range errs {
				if err != nil {
					t.Fatalf("creation %d on server %d: %v", i, i%2+1, err)
				}
				seen[got[i].Number] = true
			}
			// The fixture enrolled two candidates first: C-2026-00001 and 00002.
			for n := 3; n < 3+creations; n++ {
				if !seen[fmt.Sprintf("C-2026-%05d", n)] {
					t.Fatalf("numbers %v: C-2026-%05d missing", seen, n)
				}
			}
			page, err := other.Candidates(ctx, sys, store.CandidateFilter{Search: "parallele", Limit: 100})
			if err != nil || page.Total != creations {
				t.Fatalf("%d enrolled candidates found, want %d: %v", page.Total, creations, err)
			}
		})
	}
}
