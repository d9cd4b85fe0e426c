package demo

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"math/rand/v2"
	"slices"
	"time"

	"github.com/google/uuid"

	"cqp/internal/domain"
	"cqp/internal/store"
)

// syntheticYears is how many years, up to the current one, the synthetic enrolments spread
// over at least; each year numbers its candidates C-YYYY-00001 to C-YYYY-99999.
const syntheticYears = 10

// syntheticPerYear is how many synthetic candidates a year receives on average at most: more
// candidates spread over more years, leaving room under a year's 99 999 numbers for the
// randomness of the draw and for the candidates already there.
const syntheticPerYear = 80_000

// yearsFor returns over how many years n synthetic candidates spread.
func yearsFor(n int) int {
	return max(syntheticYears, (n+syntheticPerYear-1)/syntheticPerYear)
}

// syntheticBatch is how many generated candidates are held in memory at once.
const syntheticBatch = 2000

// Synthetic adds n generated candidates, each with one enrolment, straight through the store
// in multi-row INSERTs: fast enough for n = 100 000, for performance measurements. The
// enrolments with a result (certified, partial, not certified) got it from a closed jury
// session, as every result must (DOMAIN.md §7 rule 4): Synthetic writes those sessions too,
// for each year and qualification one session per syntheticSessionSize enrolments, with the
// demo jury present, each enrolment's outcome and the blocks it acquired, and dates the
// enrolment's last status change at the session's closing. It needs the frameworks, training
// organisations accredited for them, companies and the jury roster to exist: call Load first.
// The whole set is one transaction (all or nothing) and one audit entry, "demo.synthetic",
// records it; the generated rows have no audit entry of their own. No certificate is issued
// for the synthetic results.
//
// The same seed gives the same people, routes, statuses and organisations; identifiers are
// new, and dates are placed relative to the current year.
func Synthetic(ctx context.Context, s *store.Store, n int, seed uint64) error {
	if n <= 0 {
		return fmt.Errorf("demo: synthetic candidates: n must be positive, got %d", n)
	}
	g, err := newGenerator(ctx, s.Read(), seed, time.Now())
	if err != nil {
		return err
	}
	years := make([]int, n)
	perYear := map[int]int{}
	spread := yearsFor(n)
	for i := range years {
		years[i] = g.thisYear - g.rng.IntN(spread)
		perYear[years[i]]++
	}
	err = s.Write(ctx, func(q store.Q) error {
		next := map[int]int{}
		// The years in order, so that two loads lock the counters in the same order.
		for _, y := range slices.Sorted(maps.Keys(perYear)) {
			count := perYear[y]
			first, err := q.ReserveCandidateNumbers(ctx, y, count)
			if err != nil {
				return fmt.Errorf("demo: reserve synthetic candidate numbers: %w", err)
			}
			if first+count-1 > 99999 {
				return fmt.Errorf("demo: synthetic candidates: %d more candidates in %d would pass number C-%d-99999", count, y, y)
			}
			next[y] = first
		}
		batch := make([]store.BulkCandidate, 0, syntheticBatch)
		for i, y := range years {
			batch = append(batch, g.candidate(y, next[y]))
			next[y]++
			if len(batch) == cap(batch) || i == len(years)-1 {
				if err := q.InsertCandidatesBulk(ctx, batch, "Reprise de l'historique (données synthétiques)"); err != nil {
					return fmt.Errorf("demo: insert synthetic candidates: %w", err)
				}
				batch = batch[:0]
			}
		}
		if err := g.insertSessions(ctx, q); err != nil {
			return fmt.Errorf("demo: insert synthetic jury sessions: %w", err)
		}
		after, _ := json.Marshal(map[string]uint64{"count": uint64(n), "seed": seed})
		return q.AppendAudit(ctx, domain.AuditEntry{ID: uuid.Must(uuid.NewV7()).String(), At: g.now,
			ActorName: actorName, ActorRole: "system", Action: "demo.synthetic", EntityType: "candidate",
			After: string(after), Reason: "Candidats synthétiques pour les mesures de performance"})
	})
	if err != nil {
		return err
	}
	// The planner needs statistics on tables that grew by so much at once (PostgreSQL had
	// none: the first page of the candidates took 191 ms until ANALYZE).
	return s.Analyze(ctx)
}

// generator makes synthetic candidates from the frameworks, organisations and companies in
// the database, and the jury sessions that judged those with a result.
type generator struct {
	rng       *rand.Rand
	now       time.Time
	thisYear  int
	fws       []store.FrameworkRecord
	orgs      map[string][]string // qualification id → organisations ever accredited for it
	companies []string
	jury      syntheticJury
}

func newGenerator(ctx context.Context, r store.Q, seed uint64, now time.Time) (*generator, error) {
	// The latest year is the one two days ago, so that it always has room before now.
	g := &generator{rng: rand.New(rand.NewPCG(seed, 0x637170)), now: now.UTC(),
		thisYear: now.Add(-48 * time.Hour).In(domain.Paris()).Year(), orgs: map[string][]string{}}
	// The jury's draws have their own stream, so that the people stay those of the seed.
	g.jury.rng = rand.New(rand.NewPCG(seed, 0x6a757279))
	g.jury.surveyRng = rand.New(rand.NewPCG(seed, 0x73757276))
	g.jury.seed = seed
	var err error
	if g.fws, err = r.LatestFrameworks(ctx); err != nil {
		return nil, err
	}
	orgs, err := r.ListTrainingOrganisations(ctx, nil)
	if err != nil {
		return nil, err
	}
	for _, o := range orgs {
		for _, a := range o.Accreditations {
			if !contains(g.orgs[a.QualificationID], o.ID) {
				g.orgs[a.QualificationID] = append(g.orgs[a.QualificationID], o.ID)
			}
		}
	}
	cs, err := r.ListCompanies(ctx, nil)
	if err != nil {
		return nil, err
	}
	for _, c := range cs {
		g.companies = append(g.companies, c.ID)
	}
	if len(g.fws) == 0 || len(g.companies) == 0 {
		return nil, errors.New("demo: synthetic candidates need frameworks, training organisations and companies: load the demo data first")
	}
	for _, fw := range g.fws {
		if len(g.orgs[fw.QualificationID]) == 0 {
			return nil, fmt.Errorf("demo: synthetic candidates: no training organisation is accredited for %s: load the demo data first", fw.Framework.Qualification.Code)
		}
	}
	if err := g.jury.load(ctx, r); err != nil {
		return nil, err
	}
	return g, nil
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// weighted is a status and its weight in a draw.
type weighted struct {
	Status domain.EnrolmentStatus
	Weight int
}

// Statuses by the age of the enrolment: old ones are decided, this year's are under way.
var (
	statusesOld = []weighted{{domain.StatusCertified, 55}, {domain.StatusPartial, 15}, {domain.StatusNotCertified, 10},
		{domain.StatusWithdrawn, 20}}
	statusesLastYear = []weighted{{domain.StatusInTraining, 10}, {domain.StatusFinalEvaluation, 10},
		{domain.StatusAwaitingJury, 15}, {domain.StatusCertified, 40}, {domain.StatusPartial, 10},
		{domain.StatusNotCertified, 5}, {domain.StatusWithdrawn, 10}}
	statusesThisYear = []weighted{{domain.StatusEnrolled, 25}, {domain.StatusInTraining, 35},
		{domain.StatusFinalEvaluation, 15}, {domain.StatusAwaitingJury, 10}, {domain.StatusWithdrawn, 5},
		{domain.StatusAdmissibility, 10}}
)

func (g *generator) draw(ws []weighted) domain.EnrolmentStatus {
	total := 0
	for _, w := range ws {
		total += w.Weight
	}
	n := g.rng.IntN(total)
	for _, w := range ws {
		if n < w.Weight {
			return w.Status
		}
		n -= w.Weight
	}
	return ws[len(ws)-1].Status
}

func (g *generator) pick(list []string) string { return list[g.rng.IntN(len(list))] }

// candidate generates one candidate enrolled in year, with the given number in that year.
func (g *generator) candidate(year, number int) store.BulkCandidate {
	c := domain.Candidate{ID: uuid.Must(uuid.NewV7()).String(), Number: store.CandidateNumber(year, number)}
	if g.rng.IntN(2) == 0 {
		c.Sex, c.FirstNames = domain.SexFemale, g.pick(syntheticFemale)
		if g.rng.IntN(10) == 0 {
			c.UsedName = g.pick(syntheticLast)
		}
	} else {
		c.Sex, c.FirstNames = domain.SexMale, g.pick(syntheticMale)
	}
	if g.rng.IntN(5) == 0 { // a second first name
		if c.Sex == domain.SexFemale {
			c.FirstNames += " " + g.pick(syntheticFemale)
		} else {
			c.FirstNames += " " + g.pick(syntheticMale)
		}
	}
	c.BirthName = g.pick(syntheticLast)
	c.BirthDate = domain.NewDate(year-19-g.rng.IntN(37), time.Month(1+g.rng.IntN(12)), 1+g.rng.IntN(28))
	place := syntheticBirthPlaces[g.rng.IntN(len(syntheticBirthPlaces))]
	c.BirthINSEE, c.BirthCountry, c.BirthCity = place.INSEE, place.Country, place.City
	c.NIR = FictitiousNIR(c)

	// Created within the year (away from its edges, so that the Paris year is the number's),
	// never in the future.
	start := time.Date(year, time.January, 2, 8, 0, 0, 0, time.UTC)
	end := time.Date(year, time.December, 30, 18, 0, 0, 0, time.UTC)
	if latest := g.now.Add(-time.Hour); latest.Before(end) {
		end = latest
	}
	c.CreatedAt = start.Add(time.Duration(g.rng.Int64N(int64(max(end.Sub(start), time.Hour))))).Truncate(time.Second)
	updated := c.CreatedAt.Add(time.Duration(g.rng.IntN(300*24)) * time.Hour)
	if updated.After(g.now) {
		updated = g.now
	}

	fi := g.rng.IntN(len(g.fws))
	fw := g.fws[fi]
	e := domain.Enrolment{ID: uuid.Must(uuid.NewV7()).String(), CandidateID: c.ID, FrameworkID: fw.ID,
		FrameworkVersion: fw.Version, QualificationID: fw.QualificationID, CreatedAt: c.CreatedAt, UpdatedAt: updated}
	switch r := g.rng.IntN(10); {
	case r < 5:
		e.Route = domain.RouteFormation
	case r < 8:
		e.Route = domain.RouteVAE
	default:
		e.Route = domain.RouteBlocs
	}
	switch age := g.thisYear - year; {
	case age >= 2:
		e.Status = g.draw(statusesOld)
	case age == 1:
		e.Status = g.draw(statusesLastYear)
	default:
		e.Status = g.draw(statusesThisYear)
	}
	switch {
	case e.Route == domain.RouteVAE && e.Status == domain.StatusInTraining:
		e.Status = domain.StatusEnrolled // no training on the VAE route
	case e.Route != domain.RouteVAE && e.Status == domain.StatusAdmissibility:
		e.Status = domain.StatusEnrolled // admissibility is a VAE step
	case e.Route == domain.RouteBlocs && e.Status == domain.StatusCertified:
		e.Status = domain.StatusPartial // the block stage earns attestations; the certificate comes at the final stage
	}
	switch e.Route {
	case domain.RouteFormation:
		e.Public = []domain.Public{domain.PublicRecentGraduate, domain.PublicJobSeeker}[g.rng.IntN(2)]
	case domain.RouteVAE:
		e.Public = domain.PublicEmployee
		if g.rng.IntN(7) == 0 {
			e.Public = domain.PublicJobSeeker
		}
	default:
		e.Public = domain.PublicEmployee
		if g.rng.IntN(3) == 0 {
			e.Public = domain.PublicJobSeeker
		}
	}
	if e.Route != domain.RouteVAE || g.rng.IntN(10) >= 3 {
		e.TrainingOrganisationID = g.pick(g.orgs[fw.QualificationID])
	}
	if !(e.Route == domain.RouteVAE && e.Public == domain.PublicJobSeeker) && g.rng.IntN(5) != 0 {
		e.CompanyID = g.pick(g.companies)
	}
	chosen := chooseOptional(g.rng, fw.Framework)
	for _, b := range fw.Framework.Blocks { // framework order
		if b.Kind != domain.BlockOptional || contains(chosen, b.Code) {
			e.Blocks = append(e.Blocks, b.Code)
		}
	}
	if e.Status == domain.StatusPartial && len(e.Blocks) < 2 {
		e.Status = domain.StatusNotCertified // a single block is acquired or not
	}
	if isOutcome(e.Status) {
		e.UpdatedAt = g.judge(year, &g.fws[fi], c, e)
	}
	return store.BulkCandidate{Candidate: c, Enrolment: e}
}
