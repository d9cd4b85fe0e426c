package demo

import (
	"context"
	"fmt"

	"cqp/internal/domain"
	"cqp/internal/service"
)

// The demo's jury sessions are held as the platform's users hold them: the secretariat
// schedules the session, invites the roster, records everyone present, presents the candidates
// and opens the deliberation; the jury president decides the blocks in debate with a reason
// and closes the session; the secretariat issues the certificates and block attestations.

// juryPlace is where the demo jury sits.
const juryPlace = "Paris 8e, siège de la branche, salle du conseil"

// The demo's two sessions: a recent one for the candidates of the demo actions (route.go),
// and one some months earlier for the planned candidates the plan puts at a result.
const (
	recentSessionDaysAgo     = 7
	historicalSessionDaysAgo = 119
)

// juryRoster names the signatories, puts the demo jury on the roster and returns the
// members' account ids, the president first.
func (l loader) juryRoster(ctx context.Context) ([]string, error) {
	roster := []struct {
		local   string
		college service.College
	}{
		{"jury.president", service.CollegeCPNEFPPresident}, {"jury1", service.CollegeUnions}, {"jury2", service.CollegeUnions},
		{"jury3", service.CollegeEmployers}, {"jury4", service.CollegeExperts},
	}
	if _, err := l.svc.SaveJurySettings(ctx, l.a, service.JurySettingsInput{Quorum: "4", JuryPresidentName: "Bernard Lemoine",
		CSCAPresidentName: cscaPresident, CPNEPresidentName: "Michel Garnier"}); err != nil {
		return nil, fmt.Errorf("name the signatories: %w", err)
	}
	var ids []string
	for _, r := range roster {
		id, err := l.userID(ctx, r.local)
		if err != nil {
			return nil, err
		}
		if err := l.svc.SetJuryRosterMember(ctx, l.a, id, r.college); err != nil {
			return nil, fmt.Errorf("put %s on the jury roster: %w", r.local, err)
		}
		ids = append(ids, id)
	}
	return ids, nil
}

// juryDecider gives the jury's decision on a block in debate; debated counts the candidates
// with a debate decided before this one, in the session's order (debates first).
type juryDecider func(debated int, c service.JuryCandidate, b service.JuryBlock) service.JuryDecisionInput

// sessionPlan is one demo jury session.
type sessionPlan struct {
	Day       domain.Date
	Members   []string // account ids, the president first; all invited and present
	Presented []string // enrolment ids, in presentation order
	Decide    juryDecider
	// Expected, when set, is the outcome the demo plans for each presented enrolment: the load
	// stops if the rules engine finds another, rather than leave a demo that contradicts its
	// own plan (and its accounts' descriptions).
	Expected map[string]domain.EnrolmentStatus
}

// holdSession schedules, deliberates, closes and issues one jury session.
func (l loader) holdSession(ctx context.Context, p sessionPlan) error {
	president, err := l.svc.Actor(ctx, p.Members[0], "")
	if err != nil {
		return err
	}
	js, err := l.svc.ScheduleJurySession(ctx, l.a, service.JurySessionInput{Date: p.Day.String(), Time: "14:00", Place: juryPlace})
	if err != nil {
		return fmt.Errorf("schedule the jury session of %s: %w", p.Day, err)
	}
	if _, err := l.svc.InviteJuryMembers(ctx, l.a, js.ID, p.Members); err != nil {
		return fmt.Errorf("invite the jury: %w", err)
	}
	if _, err := l.svc.RecordJuryAttendance(ctx, l.a, js.ID, p.Members); err != nil {
		return fmt.Errorf("record the attendance: %w", err)
	}
	if _, err := l.svc.PresentJuryCandidates(ctx, l.a, js.ID, p.Presented); err != nil {
		return fmt.Errorf("present the candidates: %w", err)
	}
	if _, err := l.svc.OpenJuryDeliberation(ctx, l.a, js.ID); err != nil {
		return fmt.Errorf("open the deliberation: %w", err)
	}
	v, err := l.svc.JurySession(ctx, president, js.ID)
	if err != nil {
		return err
	}
	debated := 0
	for _, c := range v.Candidates {
		decided := false
		for _, b := range c.Blocks {
			if !b.InDebate {
				continue
			}
			if err := l.svc.DecideJuryBlock(ctx, president, js.ID, c.EnrolmentID, p.Decide(debated, c, b)); err != nil {
				return fmt.Errorf("decide block %s of %s: %w", b.Code, c.Name, err)
			}
			decided = true
		}
		if decided {
			debated++
		}
	}
	snap, err := l.svc.CloseJurySession(ctx, president, js.ID)
	if err != nil {
		return fmt.Errorf("close the jury session of %s: %w", p.Day, err)
	}
	for _, c := range snap.Candidates {
		if want, ok := p.Expected[c.EnrolmentID]; ok && string(want) != string(c.Outcome) {
			return fmt.Errorf("the jury session of %s finds %s %s, the demo plans %s: the grids no longer give the planned outcome", p.Day, c.Name, c.Outcome, want)
		}
	}
	if _, err := l.svc.IssueSessionDocuments(ctx, l.a, js.ID); err != nil {
		return fmt.Errorf("issue the certificates of %s: %w", p.Day, err)
	}
	return nil
}

// byPlan decides a block in debate as the demo plans it: not acquired when the planned
// outcome withholds it (withheldBlocks), acquired otherwise.
func byPlan(expected map[string]domain.EnrolmentStatus) juryDecider {
	return func(_ int, c service.JuryCandidate, b service.JuryBlock) service.JuryDecisionInput {
		var codes []string
		for _, x := range c.Blocks {
			codes = append(codes, x.Code)
		}
		if withheldBlocks(expected[c.EnrolmentID], codes)[b.Code] {
			return service.JuryDecisionInput{Block: b.Code, Decision: "NA",
				Reason: "Le jury suit les évaluateurs : les compétences du bloc ne sont pas démontrées."}
		}
		return service.JuryDecisionInput{Block: b.Code, Decision: "A",
			Reason: "Le jury retient la maîtrise démontrée à l'oral et en évaluation continue."}
	}
}
