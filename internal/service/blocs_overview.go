package service

import (
	"context"

	"cqp/internal/domain"
	"cqp/internal/store"
)

// The blocs route block by block (issue 11, « Lists and dashboards »): for each block of each
// qualification, who is in training, who is at their final tests, who awaits the jury, who
// may retake it after a result, and who acquired it — for the secretariat, and for a training
// organisation or a company within its own candidates.

// BlocsStage is where a chosen block of a blocs enrolment stands.
type BlocsStage string

const (
	BlocsInTraining BlocsStage = "in_training" // enrolled or in training
	BlocsTests      BlocsStage = "tests"       // final evaluation: the organisation's tests, the referent's grid
	BlocsJury       BlocsStage = "jury"        // awaiting the jury
	BlocsRetake     BlocsStage = "retake"      // not acquired at a jury: may be evaluated again
	BlocsAcquired   BlocsStage = "acquired"
)

// BlocsStages lists the stages in the order of the path.
var BlocsStages = []BlocsStage{BlocsInTraining, BlocsTests, BlocsJury, BlocsRetake, BlocsAcquired}

// Label is the stage's French name.
func (s BlocsStage) Label() string {
	switch s {
	case BlocsInTraining:
		return "En formation"
	case BlocsTests:
		return "Épreuves finales"
	case BlocsJury:
		return "En attente du jury"
	case BlocsRetake:
		return "À reprendre"
	case BlocsAcquired:
		return "Acquis"
	}
	return string(s)
}

// BlocsPerson is one candidate at a stage of a block.
type BlocsPerson struct {
	CandidateID, EnrolmentID, Name, Number string
}

// BlocsOverviewBlock is one block of a qualification and who stands where on it.
type BlocsOverviewBlock struct {
	Code, Title string
	Stages      map[BlocsStage][]BlocsPerson
}

// People returns the candidates at a stage, for the templates.
func (b BlocsOverviewBlock) People(s BlocsStage) []BlocsPerson { return b.Stages[s] }

// BlocsOverviewQualification is one qualification's blocks with candidates on the blocs route.
type BlocsOverviewQualification struct {
	Code, Title string
	Blocks      []BlocsOverviewBlock // in framework order, only blocks someone chose
}

// BlocsFinalPerson is a person at the blocs route's final stage.
type BlocsFinalPerson struct {
	BlocsPerson
	QualificationTitle string
	Status             domain.EnrolmentStatus
}

// BlocsOverview is the blocs route block by block, then its final stages.
type BlocsOverview struct {
	Qualifications []BlocsOverviewQualification
	// FinalStage are the people at the final stage (DOMAIN.md §5 « blocs »), withdrawals aside.
	FinalStage []BlocsFinalPerson
	Enrolments int  // blocs enrolments counted (withdrawals aside)
	Truncated  bool // more than BlocsOverviewLimit enrolments: only the first are counted
}

// BlocsOverviewLimit is how many blocs enrolments the overview reads at most (the candidates
// list's largest page).
const BlocsOverviewLimit = 500

// blocsStage says where a chosen block of an enrolment stands.
func blocsStage(e domain.Enrolment, held bool) (BlocsStage, bool) {
	if held {
		return BlocsAcquired, true
	}
	switch e.Status {
	case domain.StatusEnrolled, domain.StatusInTraining:
		return BlocsInTraining, true
	case domain.StatusFinalEvaluation:
		return BlocsTests, true
	case domain.StatusAwaitingJury:
		return BlocsJury, true
	case domain.StatusPartial, domain.StatusNotCertified:
		return BlocsRetake, true
	}
	return "", false // withdrawn
}

// BlocsOverview lists the blocs route block by block, within the actor's scope.
func (s *Service) BlocsOverview(ctx context.Context, a domain.Actor) (BlocsOverview, error) {
	page, err := s.Candidates(ctx, a, store.CandidateFilter{Route: domain.RouteBlocs, Limit: BlocsOverviewLimit})
	if err != nil {
		return BlocsOverview{}, err
	}
	out := BlocsOverview{Truncated: page.Total > len(page.Rows)}
	q := s.store.Read()
	fws := map[string]domain.Framework{}
	quals := map[string]*BlocsOverviewQualification{}
	var order []string
	blocks := map[string]map[string]*BlocsOverviewBlock{} // qualification → block → people
	frameworkOf := map[string]domain.Framework{}          // qualification → a framework version read
	for _, r := range page.Rows {
		if r.Enrolment.Route != domain.RouteBlocs || r.Enrolment.Status == domain.StatusWithdrawn {
			continue
		}
		// The list's row holds the enrolment's summary; its blocks and framework are read whole
		// (the list already kept it within the actor's scope).
		rec, err := q.Enrolment(ctx, r.Enrolment.ID, store.Scope{})
		if err != nil {
			return out, err
		}
		e := rec.Enrolment
		fw, ok := fws[e.FrameworkID]
		if !ok {
			rec, err := q.Framework(ctx, e.FrameworkID)
			if err != nil {
				return out, err
			}
			fw, fws[e.FrameworkID] = rec.Framework, rec.Framework
		}
		held, err := q.AcquiredBlocks(ctx, e.ID)
		if err != nil {
			return out, err
		}
		holds := map[string]bool{}
		for _, h := range held {
			holds[h.BlockCode] = true
		}
		code := fw.Qualification.Code
		if quals[code] == nil {
			quals[code] = &BlocsOverviewQualification{Code: code, Title: fw.Qualification.Title}
			blocks[code] = map[string]*BlocsOverviewBlock{}
			order = append(order, code)
		}
		out.Enrolments++
		person := BlocsPerson{CandidateID: r.Candidate.ID, EnrolmentID: e.ID, Name: r.Candidate.DisplayName(), Number: r.Candidate.Number}
		for _, b := range fw.Blocks {
			if !contains(e.Blocks, b.Code) {
				continue
			}
			stage, ok := blocsStage(e, holds[b.Code])
			if !ok {
				continue
			}
			ob := blocks[code][b.Code]
			if ob == nil {
				ob = &BlocsOverviewBlock{Code: b.Code, Title: b.Title, Stages: map[BlocsStage][]BlocsPerson{}}
				blocks[code][b.Code] = ob
			}
			ob.Stages[stage] = append(ob.Stages[stage], person)
		}
		frameworkOf[code] = fw
	}
	for _, code := range order {
		qo := quals[code]
		for _, b := range frameworkOf[code].Blocks { // in framework order
			if ob := blocks[code][b.Code]; ob != nil {
				qo.Blocks = append(qo.Blocks, *ob)
			}
		}
		out.Qualifications = append(out.Qualifications, *qo)
	}
	finals, err := s.Candidates(ctx, a, store.CandidateFilter{Route: domain.RouteVAE, Stage: domain.StageBlocsFinal, Limit: BlocsOverviewLimit})
	if err != nil {
		return out, err
	}
	out.Truncated = out.Truncated || finals.Total > len(finals.Rows)
	for _, r := range finals.Rows {
		if r.Enrolment.Status == domain.StatusWithdrawn {
			continue
		}
		out.FinalStage = append(out.FinalStage, BlocsFinalPerson{BlocsPerson: BlocsPerson{CandidateID: r.Candidate.ID, EnrolmentID: r.Enrolment.ID,
			Name: r.Candidate.DisplayName(), Number: r.Candidate.Number}, QualificationTitle: r.Enrolment.QualificationTitle, Status: r.Enrolment.Status})
	}
	return out, nil
}
