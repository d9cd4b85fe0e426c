package store_test

import (
	"cmp"
	"context"
	"fmt"
	"math/rand/v2"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"cqp/internal/domain"
	"cqp/internal/store"
	"cqp/internal/store/storetest"
)

// listWorld is a small set of candidates with none, one or several enrolments, loaded through
// CreateCandidate and CreateEnrolment and through InsertCandidatesBulk, and the same set in
// memory to compute what ListCandidates must return.
type listWorld struct {
	candidates []domain.Candidate // with their enrolments
	qualCode   map[string]string  // qualification id → code
}

func seedList(t *testing.T, s *store.Store) listWorld {
	t.Helper()
	ctx := context.Background()
	rng := rand.New(rand.NewPCG(3, 4))
	w := listWorld{qualCode: map[string]string{"q-cc": "CC", "q-iard": "IARD"}}
	births := []string{"Lefèvre", "Lefebvre", "Dupré", "Œuvray", "N'Diaye", "Martin", "Da Silva"}
	firsts := []string{"Éloïse", "Paul", "Zoé", "Anaïs"}
	statuses := []domain.EnrolmentStatus{domain.StatusEnrolled, domain.StatusInTraining, domain.StatusAwaitingJury}
	orgs := []string{"", "o1", "o2", "o3"}
	companies := []string{"", "co1", "co2"}
	var bulk []store.BulkCandidate
	err := s.Write(ctx, func(q store.Q) error {
		b, err := q.EnsureBranch(ctx, "b1", domain.Branch{Code: "courtage", Name: "Courtage"}, t0)
		if err != nil {
			return err
		}
		for id, code := range w.qualCode {
			qu, err := q.EnsureQualification(ctx, id, b.ID, code, code, t0)
			if err != nil {
				return err
			}
			if err := q.InsertFramework(ctx, store.FrameworkRecord{ID: "f-" + code, QualificationID: qu.ID, Version: 1, CreatedAt: t0,
				Framework: domain.Framework{Qualification: domain.Qualification{Code: code, Title: code}, Version: 1}}, ""); err != nil {
				return err
			}
		}
		for _, o := range orgs[1:] {
			if err := q.CreateTrainingOrganisation(ctx, domain.TrainingOrganisation{ID: o, Name: "OF " + o, SIRET: o, CreatedAt: t0}); err != nil {
				return err
			}
		}
		for _, co := range companies[1:] {
			if err := q.CreateCompany(ctx, domain.Company{ID: co, Name: co, SIRET: co, CreatedAt: t0}); err != nil {
				return err
			}
		}
		for i, n := range rng.Perm(60) {
			c := domain.Candidate{ID: fmt.Sprintf("c%02d", n), Number: fmt.Sprintf("C-2026-%05d", i+1),
				BirthName: births[rng.IntN(len(births))], FirstNames: firsts[rng.IntN(len(firsts))],
				BirthDate: domain.NewDate(1990, 1, 1+i%28), Sex: domain.SexFemale, BirthINSEE: "75056", CreatedAt: t0}
			if i%9 == 0 {
				c.UsedName = "Lefèvre"
			}
			for k := range []int{0, 1, 1, 2, 3}[i%5] {
				qu := []string{"q-cc", "q-iard"}[rng.IntN(2)]
				c.Enrolments = append(c.Enrolments, domain.Enrolment{ID: fmt.Sprintf("e%02d-%d", n, k), CandidateID: c.ID,
					FrameworkID: "f-" + w.qualCode[qu], QualificationID: qu, QualificationCode: w.qualCode[qu],
					Route: domain.Routes[rng.IntN(3)], Public: domain.PublicEmployee, Status: statuses[rng.IntN(len(statuses))],
					TrainingOrganisationID: orgs[rng.IntN(len(orgs))], CompanyID: companies[rng.IntN(len(companies))],
					Blocks: []string{"BC1"}, CreatedAt: t0.Add(time.Duration(rng.IntN(3)) * time.Hour)})
				c.Enrolments[k].UpdatedAt = c.Enrolments[k].CreatedAt
			}
			w.candidates = append(w.candidates, c)
			if len(c.Enrolments) == 1 {
				bulk = append(bulk, store.BulkCandidate{Candidate: c, Enrolment: c.Enrolments[0]})
				continue
			}
			if err := q.CreateCandidate(ctx, c); err != nil {
				return err
			}
			for _, e := range c.Enrolments {
				if err := q.CreateEnrolment(ctx, e, ""); err != nil {
					return err
				}
			}
		}
		return q.InsertCandidatesBulk(ctx, bulk, "Reprise")
	})
	if err != nil {
		t.Fatal(err)
	}
	return w
}

type listRow struct{ candidate, enrolment string }

// expect computes, in memory, the rows of the list for f in the documented order.
func (w listWorld) expect(f store.CandidateFilter) []listRow {
	type row struct {
		c domain.Candidate
		e *domain.Enrolment
	}
	sc := f.Scope
	orgOnly := sc.Restricted && len(sc.TrainingOrganisationIDs) > 0 && len(sc.CompanyIDs) == 0 && sc.ReferentUserID == "" && len(sc.CandidateIDs) == 0
	inScope := func(c domain.Candidate) bool {
		if !sc.Restricted || orgOnly {
			return true
		}
		if slices.Contains(sc.CandidateIDs, c.ID) {
			return true
		}
		for _, e := range c.Enrolments {
			if slices.Contains(sc.TrainingOrganisationIDs, e.TrainingOrganisationID) || slices.Contains(sc.CompanyIDs, e.CompanyID) {
				return true
			}
		}
		return false
	}
	var rows []row
	for _, c := range w.candidates {
		if !inScope(c) {
			continue
		}
		match := true
		for _, term := range strings.Fields(domain.Fold(f.Search)) {
			match = match && strings.Contains(c.SearchKey(), term)
		}
		if !match {
			continue
		}
		if len(c.Enrolments) == 0 {
			if f.QualificationCode == "" && f.Route == "" && f.Status == "" && f.TrainingOrganisationID == "" && !orgOnly {
				rows = append(rows, row{c: c})
			}
			continue
		}
		for i := range c.Enrolments {
			e := &c.Enrolments[i]
			if (f.QualificationCode == "" || e.QualificationCode == f.QualificationCode) && (f.Route == "" || e.Route == f.Route) &&
				(f.Status == "" || e.Status == f.Status) && (f.TrainingOrganisationID == "" || e.TrainingOrganisationID == f.TrainingOrganisationID) &&
				(!orgOnly || slices.Contains(sc.TrainingOrganisationIDs, e.TrainingOrganisationID)) {
				rows = append(rows, row{c: c, e: e})
			}
		}
	}
	slices.SortFunc(rows, func(a, b row) int {
		if n := cmp.Or(strings.Compare(a.c.SortKey(), b.c.SortKey()), strings.Compare(a.c.ID, b.c.ID)); n != 0 || a.e == nil || b.e == nil {
			return n
		}
		return cmp.Or(a.e.CreatedAt.Compare(b.e.CreatedAt), strings.Compare(a.e.ID, b.e.ID))
	})
	out := make([]listRow, len(rows))
	for i, r := range rows {
		out[i].candidate = r.c.ID
		if r.e != nil {
			out[i].enrolment = r.e.ID
		}
	}
	return out
}

func TestListCandidatesMatchesItsDefinition(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		w := seedList(t, s)
		ofOnly := store.Scope{Restricted: true, TrainingOrganisationIDs: []string{"o1"}}
		filters := []struct {
			name string
			f    store.CandidateFilter
		}{
			{"everyone", store.CandidateFilter{}},
			{"a search with accents folded", store.CandidateFilter{Search: "LEFEVRE"}},
			{"a search of two terms", store.CandidateFilter{Search: "eloise lef"}},
			{"a search that matches most", store.CandidateFilter{Search: "a"}},
			{"a qualification", store.CandidateFilter{QualificationCode: "CC"}},
			{"a qualification and a status", store.CandidateFilter{QualificationCode: "IARD", Status: domain.StatusAwaitingJury}},
			{"a route and a search", store.CandidateFilter{Route: domain.RouteVAE, Search: "e"}},
			{"a training organisation", store.CandidateFilter{TrainingOrganisationID: "o2"}},
			{"a training organisation and a status", store.CandidateFilter{TrainingOrganisationID: "o2", Status: domain.StatusEnrolled}},
			{"an organisation's own scope", store.CandidateFilter{Scope: ofOnly}},
			{"an organisation's scope with a search", store.CandidateFilter{Scope: ofOnly, Search: "e"}},
			{"an organisation's scope with a qualification", store.CandidateFilter{Scope: ofOnly, QualificationCode: "CC"}},
			{"two organisations' scope", store.CandidateFilter{Scope: store.Scope{Restricted: true, TrainingOrganisationIDs: []string{"o1", "o3"}}}},
			{"an organisation that is also a company", store.CandidateFilter{Scope: store.Scope{Restricted: true, TrainingOrganisationIDs: []string{"o1"}, CompanyIDs: []string{"co2"}}}},
			{"a company's scope with a route", store.CandidateFilter{Scope: store.Scope{Restricted: true, CompanyIDs: []string{"co1"}}, Route: domain.RouteFormation}},
			{"a candidate's own file", store.CandidateFilter{Scope: store.Scope{Restricted: true, CandidateIDs: []string{"c07", "c08"}}}},
			{"a restricted scope with nothing in it", store.CandidateFilter{Scope: store.Scope{Restricted: true}}},
		}
		check := func(name string, tt struct {
			name string
			f    store.CandidateFilter
		}) {
			want := w.expect(tt.f)
			for _, page := range []struct{ limit, offset int }{{0, 0}, {10, 0}, {10, 7}, {7, 21}, {500, 0}, {10, 1000},
				{5, max(len(want)-3, 0)}, {5, len(want)}, {1, 80}} {
				t.Run(fmt.Sprintf("%s%s, %d rows from %d", name, tt.name, page.limit, page.offset), func(t *testing.T) {
					f := tt.f
					f.Limit, f.Offset = page.limit, page.offset
					got, err := s.Read().ListCandidates(ctx, f)
					if err != nil {
						t.Fatal(err)
					}
					if got.Total != len(want) {
						t.Fatalf("total %d, want %d", got.Total, len(want))
					}
					limit := page.limit
					if limit == 0 {
						limit = 50
					}
					wantPage := want[min(page.offset, len(want)):min(page.offset+limit, len(want))]
					var gotPage []listRow
					for _, r := range got.Rows {
						gotPage = append(gotPage, listRow{r.Candidate.ID, r.Enrolment.ID})
					}
					if !slices.Equal(gotPage, wantPage) {
						t.Fatalf("rows\n got %v\nwant %v", gotPage, wantPage)
					}
				})
			}
		}
		for _, tt := range filters {
			check("", tt)
		}
		// An export walks the whole list batch by batch from a cursor: the same rows, in order.
		for _, tt := range filters {
			want := w.expect(tt.f)
			for _, batch := range []int{1, 3, 7, 1000} {
				t.Run(fmt.Sprintf("%s walked by %d from a cursor", tt.name, batch), func(t *testing.T) {
					f := tt.f
					f.Limit, f.After = batch, &store.CandidateCursor{}
					var got []listRow
					for range len(want) + 2 {
						page, err := s.Read().ListCandidates(ctx, f)
						if err != nil {
							t.Fatal(err)
						}
						if page.Total != 0 {
							t.Fatalf("a walk counted %d rows: it must count nothing", page.Total)
						}
						for _, r := range page.Rows {
							got = append(got, listRow{r.Candidate.ID, r.Enrolment.ID})
						}
						if len(page.Rows) < batch {
							break
						}
						f.After = store.CursorAfter(page.Rows[len(page.Rows)-1])
					}
					if !slices.Equal(got, want) {
						t.Fatalf("rows\n got %v\nwant %v", got, want)
					}
				})
			}
		}
		// A capped count says "more than" past its limit, and changes no row.
		for _, tt := range filters {
			want := w.expect(tt.f)
			for _, cap := range []int{1, 5, len(want), len(want) + 1} {
				if cap < 1 {
					continue
				}
				f := tt.f
				f.CountLimit, f.Limit = cap, 10
				got, err := s.Read().ListCandidates(ctx, f)
				if err != nil {
					t.Fatal(err)
				}
				if got.Total != min(len(want), cap) || got.TotalCapped != (len(want) > cap) || len(got.Rows) != min(len(want), 10) {
					t.Errorf("%s counted up to %d: total %d capped %v, %d rows; %d match", tt.name, cap, got.Total, got.TotalCapped, len(got.Rows), len(want))
				}
			}
		}
		// Filtered on enrolments alone, the list reads few matches first (the fixtures' case);
		// many are walked in name order: reach that path too.
		restoreDriven := store.SetEnrolmentDrivenLimit(0)
		for _, tt := range filters {
			check("walked: ", tt)
		}
		restoreDriven()
		// The whole list starts deep pages from a candidate; reach that path with few rows.
		restore := store.SetDeepOffset(1)
		defer restore()
		check("deep in ", filters[0])
		if len(w.expect(store.CandidateFilter{})) <= len(w.candidates) {
			t.Fatal("the set has no candidate with several enrolments: the test proves nothing about rows")
		}
	})
}

func TestEnrolmentCountsAreTheListTotals(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		w := seedList(t, s)
		scopes := map[string]store.Scope{
			"everything":                             {},
			"an organisation's own scope":            {Restricted: true, TrainingOrganisationIDs: []string{"o1"}},
			"an organisation that is also a company": {Restricted: true, TrainingOrganisationIDs: []string{"o1"}, CompanyIDs: []string{"co2"}},
			"a company's scope":                      {Restricted: true, CompanyIDs: []string{"co1"}},
			"a candidate's own file":                 {Restricted: true, CandidateIDs: []string{"c07", "c08"}},
			"a restricted scope with nothing in it":  {Restricted: true},
		}
		statuses := []domain.EnrolmentStatus{domain.StatusAdmissibility, domain.StatusEnrolled, domain.StatusInTraining,
			domain.StatusFinalEvaluation, domain.StatusAwaitingJury}
		for name, sc := range scopes {
			t.Run(name, func(t *testing.T) {
				counts, err := s.Read().CountEnrolments(ctx, sc, statuses...)
				if err != nil {
					t.Fatal(err)
				}
				got := map[store.EnrolmentCount]bool{}
				for _, c := range counts {
					got[store.EnrolmentCount{Route: c.Route, Status: c.Status}] = true
					if !slices.Contains(statuses, c.Status) {
						t.Errorf("%s %s counted: not asked for", c.Route, c.Status)
					}
					f := store.CandidateFilter{Scope: sc, Route: c.Route, Status: c.Status}
					if want := len(w.expect(f)); c.Count != want || c.Count == 0 {
						t.Errorf("%s %s: %d, the list has %d", c.Route, c.Status, c.Count, want)
					}
				}
				for _, route := range []domain.Route{domain.RouteFormation, domain.RouteBlocs, domain.RouteVAE} {
					for _, st := range statuses {
						f := store.CandidateFilter{Scope: sc, Route: route, Status: st}
						if n := len(w.expect(f)); n > 0 && !got[store.EnrolmentCount{Route: route, Status: st}] {
							t.Errorf("%s %s: not counted, the list has %d", route, st, n)
						}
					}
				}
			})
		}
	})
}

func TestBulkCandidatesReadBackLikeCreatedOnes(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		w := seedList(t, s)
		for _, c := range w.candidates {
			if len(c.Enrolments) != 1 {
				continue
			}
			got, err := s.Read().Candidate(ctx, c.ID, store.Scope{})
			if err != nil {
				t.Fatal(err)
			}
			e := got.Enrolments[0]
			if got.Number != c.Number || got.BirthName != c.BirthName || got.UsedName != c.UsedName || !got.CreatedAt.Equal(c.CreatedAt) ||
				e.ID != c.Enrolments[0].ID || e.Status != c.Enrolments[0].Status || e.TrainingOrganisationID != c.Enrolments[0].TrainingOrganisationID ||
				len(e.History) != 1 || e.History[0].Status != e.Status || e.History[0].Reason != "Reprise" {
				t.Fatalf("bulk candidate read back as %+v, enrolment %+v", got, e)
			}
		}
	})
}

// The search finds candidates by what they are called now: after their identity is corrected,
// after an erasure leaves only their number, after a deletion; and on SQLite, whose search
// reads a trigram table kept by triggers (migration 00047), in a backup copy too, where the
// candidates' rowids may have been renumbered.
func TestSearchFollowsTheCandidates(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		people := []domain.Candidate{
			{ID: "s1", Number: "C-2026-00001", BirthName: "Lefèvre", FirstNames: "Éloïse", BirthDate: domain.NewDate(1990, 5, 12), Sex: "F", CreatedAt: t0},
			{ID: "s2", Number: "C-2026-00002", BirthName: "Martin", FirstNames: "Paul", BirthDate: domain.NewDate(1985, 1, 2), Sex: "M", CreatedAt: t0},
			{ID: "s3", Number: "C-2026-00003", BirthName: "Dupré", FirstNames: "Zoé", BirthDate: domain.NewDate(2001, 7, 30), Sex: "F", CreatedAt: t0},
		}
		err := s.Write(ctx, func(q store.Q) error {
			for _, c := range people {
				if err := q.CreateCandidate(ctx, c); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		found := func(s *store.Store, when, search string, want ...string) {
			t.Helper()
			page, err := s.Read().ListCandidates(ctx, store.CandidateFilter{Search: search})
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, r := range page.Rows {
				got = append(got, r.Candidate.ID)
			}
			if !slices.Equal(got, want) || page.Total != len(want) {
				t.Errorf("%s, « %s »: %v (total %d), want %v", when, search, got, page.Total, want)
			}
		}
		found(s, "created", "lefev", "s1")
		found(s, "created", "ÉLOÏSE lef", "s1")
		found(s, "created", "1990", "s1")
		found(s, "created", "zo", "s3") // two letters: no trigram, checked one by one

		renamed := people[0]
		renamed.BirthName = "Moreau"
		if err := s.Write(ctx, func(q store.Q) error { return q.UpdateCandidateIdentity(ctx, renamed) }); err != nil {
			t.Fatal(err)
		}
		found(s, "renamed", "lefev")
		found(s, "renamed", "moreau eloise", "s1")

		if err := s.Write(ctx, func(q store.Q) error {
			_, err := q.EraseCandidate(ctx, "s2", false, t0)
			return err
		}); err != nil {
			t.Fatal(err)
		}
		found(s, "erased", "martin")
		found(s, "erased", "C-2026-00002", "s2")

		if err := s.ExecRaw(ctx, `DELETE FROM candidates WHERE id = 's3'`); err != nil {
			t.Fatal(err)
		}
		found(s, "deleted", "dupre")

		if s.Dialect() != store.SQLite {
			return
		}
		copyPath := filepath.Join(t.TempDir(), "copie.db")
		if err := s.Backup(ctx, copyPath); err != nil {
			t.Fatal(err)
		}
		backup, err := store.Open(ctx, store.Options{SQLitePath: copyPath})
		if err != nil {
			t.Fatal(err)
		}
		defer backup.Close()
		found(backup, "in the backup", "moreau", "s1")
		renamed.BirthName = "Lefèvre-Moreau"
		if err := backup.Write(ctx, func(q store.Q) error { return q.UpdateCandidateIdentity(ctx, renamed) }); err != nil {
			t.Fatal(err)
		}
		found(backup, "renamed in the backup", "lefevre moreau", "s1")
		found(backup, "renamed in the backup", "eloise", "s1")
		for _, db := range []*store.Store{s, backup} {
			rows, err := db.CountRaw(ctx, `SELECT COUNT(*) FROM candidates_search`)
			if err != nil || rows != 2 {
				t.Errorf("the trigram table holds %d rows for 2 candidates (%v)", rows, err)
			}
		}
	})
}
