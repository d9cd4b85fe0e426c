package demo

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math/rand/v2"
	"slices"
	"time"

	"github.com/google/uuid"

	"cqp/internal/domain"
	"cqp/internal/rules"
	"cqp/internal/service"
	"cqp/internal/store"
)

// syntheticSessionSize is how many enrolments one synthetic jury session judges at most: a
// year's results of a qualification are spread over sessions a week apart.
const syntheticSessionSize = 400

// syntheticJury holds the jury sessions of the synthetic results: the enrolments of a year
// (their cohort) and a qualification are judged from the 2nd of June of the next year, or two
// days ago when that is still to come.
type syntheticJury struct {
	rng         *rand.Rand
	surveyRng   *rand.Rand // draws the follow-up surveys (syntheticSurveys)
	seed        uint64     // draws each judged enrolment's verdicts (syntheticVerdicts)
	branch      store.BranchRecord
	settings    store.BranchSettings
	members     []store.RosterMember
	snapMembers []service.JuryMember
	president   store.RosterMember
	sessions    []*syntheticSession
	open        map[sessionKey]*syntheticSession // the session filling up for a cohort and a qualification
	perCohort   map[sessionKey]int               // sessions so far for a cohort and a qualification
}

type sessionKey struct {
	year          int
	qualification string
}

// syntheticSession is one session and the enrolments it judges, in presentation order.
type syntheticSession struct {
	id         string
	startsAt   time.Time
	closedAt   time.Time
	candidates []judgedEnrolment
}

// judgedEnrolment is what a session keeps of an enrolment until it is written: little, since
// a load holds tens of thousands of them.
type judgedEnrolment struct {
	enrolmentID, candidateID, number, name, fullName, birthDate string
	organisationID, companyID                                   string
	fw                                                          *store.FrameworkRecord
	route                                                       domain.Route
	outcome                                                     rules.CandidateOutcome
	blocks                                                      []string
	acquired                                                    uint64 // bit i: blocks[i] acquired
}

// juryCandidate is the enrolment as the session's snapshot records it.
func (je judgedEnrolment) juryCandidate() service.JuryCandidate {
	fw := je.fw
	jc := service.JuryCandidate{EnrolmentID: je.enrolmentID, CandidateID: je.candidateID, Number: je.number, Name: je.name,
		FullName: je.fullName, BirthDate: je.birthDate, QualificationCode: fw.Framework.Qualification.Code,
		QualificationTitle: fw.Framework.Qualification.Title, FrameworkVersion: fw.Version, Threshold: fw.Framework.ThresholdPercent,
		Route: je.route, Outcome: je.outcome}
	r := rules.CandidateResult{Outcome: je.outcome}
	for i, b := range je.blocks {
		o := rules.OutcomeNotAcquired
		if je.acquired&(1<<i) != 0 {
			o = rules.OutcomeAcquired
			jc.NewlyAcquired = append(jc.NewlyAcquired, b)
		}
		jc.Blocks = append(jc.Blocks, service.JuryBlock{Code: b, Outcome: o})
		r.Blocks = append(r.Blocks, rules.BlockResult{Code: b, Outcome: o})
	}
	jc.Explanation = r.Explanation()
	return jc
}

// load reads the branch, its signatories and the jury roster.
func (j *syntheticJury) load(ctx context.Context, r store.Q) error {
	j.open, j.perCohort = map[sessionKey]*syntheticSession{}, map[sessionKey]int{}
	bs, err := r.Branches(ctx)
	if err != nil {
		return err
	}
	if len(bs) == 0 {
		return errors.New("demo: synthetic candidates need a branch: load the demo data first")
	}
	j.branch = bs[0]
	if j.settings, err = r.BranchSettings(ctx, j.branch.ID); err != nil {
		return err
	}
	roster, err := r.JuryRoster(ctx)
	if err != nil {
		return err
	}
	users, err := r.JuryUsers(ctx)
	if err != nil {
		return err
	}
	presidents := map[string]bool{}
	for _, u := range users {
		presidents[u.ID] = slices.ContainsFunc(u.Roles, func(a domain.RoleAssignment) bool { return a.Role == domain.RoleJuryPresident })
	}
	for _, m := range roster {
		if m.Disabled {
			continue
		}
		j.members = append(j.members, m)
		j.snapMembers = append(j.snapMembers, service.JuryMember{UserID: m.UserID, Name: m.Name, College: service.College(m.College),
			Present: true, President: presidents[m.UserID]})
		if presidents[m.UserID] && j.president.UserID == "" {
			j.president = m
		}
	}
	if len(j.members) < j.settings.JuryQuorum || j.president.UserID == "" {
		return fmt.Errorf("demo: synthetic candidates: the jury roster holds %d members (quorum %d) and no president: load the demo data first",
			len(j.members), j.settings.JuryQuorum)
	}
	return nil
}

// judge puts an enrolment with a result in the session of its cohort and qualification, with
// the blocks it acquired (all when certified, some when partial, none when not certified),
// and returns when the session closed.
func (g *generator) judge(year int, fw *store.FrameworkRecord, c domain.Candidate, e domain.Enrolment) time.Time {
	j := &g.jury
	key := sessionKey{year, fw.QualificationID}
	s := j.open[key]
	if s == nil || len(s.candidates) == syntheticSessionSize {
		n := j.perCohort[key]
		j.perCohort[key]++
		day := time.Date(year+1, time.June, 2+7*n, 14, 0, 0, 0, domain.Paris())
		if latest := g.now.Add(-48 * time.Hour).In(domain.Paris()); day.After(latest) {
			day = time.Date(latest.Year(), latest.Month(), latest.Day(), 14, 0, 0, 0, domain.Paris())
			if day.After(latest) {
				day = day.AddDate(0, 0, -1)
			}
		}
		s = &syntheticSession{id: uuid.Must(uuid.NewV7()).String(), startsAt: day.UTC(), closedAt: day.Add(3 * time.Hour).UTC()}
		j.open[key] = s
		j.sessions = append(j.sessions, s)
	}
	je := judgedEnrolment{enrolmentID: e.ID, candidateID: c.ID, number: c.Number, name: c.DisplayName(), fullName: c.FullName(),
		birthDate: c.BirthDate.ISO(), organisationID: e.TrainingOrganisationID, companyID: e.CompanyID, fw: fw, route: e.Route, outcome: rules.CandidateOutcome(e.Status), blocks: e.Blocks}
	switch n := len(e.Blocks); e.Status {
	case domain.StatusCertified:
		je.acquired = 1<<n - 1
	case domain.StatusPartial:
		for _, i := range j.rng.Perm(n)[:1+j.rng.IntN(n-1)] {
			je.acquired |= 1 << i
		}
	}
	s.candidates = append(s.candidates, je)
	return s.closedAt
}

// syntheticSessionsPerInsert bounds the snapshots held at once while inserting.
const syntheticSessionsPerInsert = 16

// insertSessions writes the sessions judged so far, closed by the president with their
// snapshot, every roster member present, the outcomes, the acquired blocks, the evaluators'
// verdicts on each block (syntheticVerdicts; the snapshot keeps only the blocks' outcomes) and
// the follow-up surveys due since (syntheticSurveys).
func (g *generator) insertSessions(ctx context.Context, q store.Q) error {
	j := &g.jury
	rows := make([]store.BulkJurySession, 0, syntheticSessionsPerInsert)
	for i, s := range j.sessions {
		cands := make([]service.JuryCandidate, len(s.candidates))
		for k, je := range s.candidates {
			cands[k] = je.juryCandidate()
		}
		snap := service.JurySnapshot{Format: 1, SessionID: s.id,
			Branch:   service.JuryBranch{Code: j.branch.Code, Name: j.branch.Name, IDCC: j.branch.IDCC},
			StartsAt: s.startsAt, Place: juryPlace, Quorum: j.settings.JuryQuorum, PresentCount: len(j.members), Members: j.snapMembers,
			Signatories: service.JurySignatories{JuryPresident: j.settings.JuryPresidentName, CSCAPresident: j.settings.CSCAPresidentName,
				CPNEPresident: j.settings.CPNEPresidentName},
			Candidates: cands, ClosedAt: s.closedAt, ClosedBy: j.president.UserID, ClosedByName: j.president.Name}
		if snap.Signatories.JuryPresident == "" {
			snap.Signatories.JuryPresident = j.president.Name
		}
		raw, err := json.Marshal(snap)
		if err != nil {
			return err
		}
		closedAt := s.closedAt
		row := store.BulkJurySession{Members: j.members,
			Session: store.JurySession{ID: s.id, BranchID: j.branch.ID, StartsAt: s.startsAt, Place: juryPlace, Quorum: j.settings.JuryQuorum,
				Status: store.JuryClosed, Snapshot: string(raw), ClosedAt: &closedAt, ClosedBy: j.president.UserID, CreatedAt: s.startsAt.AddDate(0, 0, -30)}}
		day := domain.DateOf(s.startsAt)
		for k, c := range cands {
			row.Candidates = append(row.Candidates, store.JuryCandidate{SessionID: s.id, EnrolmentID: c.EnrolmentID, Position: k + 1, Outcome: string(c.Outcome)})
			for _, b := range c.NewlyAcquired {
				row.Acquired = append(row.Acquired, store.AcquiredBlock{EnrolmentID: c.EnrolmentID, BlockCode: b, SessionID: s.id, AcquiredOn: day})
			}
			je := s.candidates[k]
			row.Verdicts = append(row.Verdicts, syntheticVerdicts(j.seed, verdictEnrolment{sessionID: s.id, enrolmentID: je.enrolmentID,
				organisationID: je.organisationID, companyID: je.companyID, route: je.route, blocks: je.blocks, acquired: je.acquired})...)
			row.Surveys = append(row.Surveys, syntheticSurveys(j.surveyRng, g.now, s.id, s.closedAt, je)...)
		}
		rows = append(rows, row)
		if len(rows) == cap(rows) || i == len(j.sessions)-1 {
			if err := q.InsertJurySessionsBulk(ctx, rows); err != nil {
				return err
			}
			rows = rows[:0]
		}
	}
	return nil
}
