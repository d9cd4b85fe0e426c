package service

import (
	"context"

	"cqp/internal/domain"
	"cqp/internal/rules"
	"cqp/internal/store"
)

// The bank's statistics per subject (issue 18): how often it was drawn, when last, and how the
// candidates who drew it fared on the blocks it covers, so that the subject committee sees a
// subject most candidates fail.

// SubjectFailureRule is the rule that flags a subject for the subject committee, as the pages
// state it.
const SubjectFailureRule = "Un sujet est signalé à la commission de sujets quand au moins 3 candidats qui l'ont tiré ont un résultat " +
	"et que plus de la moitié d'entre eux ont échoué, c'est-à-dire acquis moins de la moitié des blocs que couvre le sujet " +
	"(au résultat final du jury, sinon à la grille de la commission)."

// subjectFlagMinResults is the number of results below which no subject is flagged.
const subjectFlagMinResults = 3

// SubjectStat is one subject's use and results.
type SubjectStat struct {
	store.SubjectListing
	Results int // candidates who drew it and have a result on its blocks
	Failed  int // those who acquired less than half of its blocks
	// AcquiredShare is the share of the subject's blocks acquired, over the results (0 to 100).
	AcquiredShare float64
	Pending       int // orals held whose result is not known yet
}

// Flagged reports whether most candidates fail the subject (SubjectFailureRule).
func (st SubjectStat) Flagged() bool {
	return st.Results >= subjectFlagMinResults && 2*st.Failed > st.Results
}

// LastUsedDay is the day of the last draw, « 09/12/2026 », or "".
func (st SubjectStat) LastUsedDay() string {
	if st.LastUsed == nil {
		return ""
	}
	return st.LastUsed.In(domain.Paris()).Format("02/01/2006")
}

// SubjectStatistics returns the bank's subjects (accepted or retired) of a qualification ("":
// all) with their use and results, the flagged ones first, then the most used.
func (s *Service) SubjectStatistics(ctx context.Context, a domain.Actor, qualificationID string) ([]SubjectStat, error) {
	if err := Check(a, ActSubjectBankRead); err != nil {
		return nil, err
	}
	q := s.store.Read()
	subjects, err := q.Subjects(ctx, store.SubjectFilter{QualificationID: qualificationID,
		Statuses: []domain.SubjectStatus{domain.SubjectAccepted, domain.SubjectRetired}, Order: "uses"})
	if err != nil {
		return nil, err
	}
	draws, err := q.DrawsInForce(ctx)
	if err != nil {
		return nil, err
	}
	bySubject := map[string][]store.DrawOfOral{}
	for _, d := range draws {
		bySubject[d.SubjectID] = append(bySubject[d.SubjectID], d)
	}
	results := blockResults{q: q, enrolments: map[string]enrolmentBlocks{}}
	now := s.Now()
	out := make([]SubjectStat, 0, len(subjects))
	for _, sub := range subjects {
		st := SubjectStat{SubjectListing: sub}
		var shares float64
		for _, d := range bySubject[sub.ID] {
			if d.OralStartsAt.After(now) {
				continue // not held yet
			}
			acquired, total, known, err := results.of(ctx, d.EnrolmentID, sub.Blocks)
			if err != nil {
				return nil, err
			}
			if !known {
				st.Pending++
				continue
			}
			st.Results++
			shares += float64(acquired) / float64(total)
			if 2*acquired < total {
				st.Failed++
			}
		}
		if st.Results > 0 {
			st.AcquiredShare = 100 * shares / float64(st.Results)
		}
		out = append(out, st)
	}
	// Flagged first, keeping the bank's order (least used first) otherwise.
	flagged := make([]SubjectStat, 0, len(out))
	var rest []SubjectStat
	for _, st := range out {
		if st.Flagged() {
			flagged = append(flagged, st)
		} else {
			rest = append(rest, st)
		}
	}
	return append(flagged, rest...), nil
}

// enrolmentBlocks is what an enrolment acquired, by block code, and whether a result is known.
type enrolmentBlocks struct {
	known    bool
	acquired map[string]bool
	blocks   []string // the blocks presented
}

// blockResults reads the enrolments' results once each.
type blockResults struct {
	q          store.Q
	enrolments map[string]enrolmentBlocks
}

// of counts, among the subject's blocks the enrolment presents, those acquired: at the final
// result when a closed jury judged the enrolment, else at the commission's latest submitted
// grid. known is false when neither exists, or when the enrolment presents none of the blocks.
func (r blockResults) of(ctx context.Context, enrolmentID string, subjectBlocks []string) (acquired, total int, known bool, err error) {
	eb, ok := r.enrolments[enrolmentID]
	if !ok {
		if eb, err = r.load(ctx, enrolmentID); err != nil {
			return 0, 0, false, err
		}
		r.enrolments[enrolmentID] = eb
	}
	if !eb.known {
		return 0, 0, false, nil
	}
	for _, b := range subjectBlocks {
		if !contains(eb.blocks, b) {
			continue
		}
		total++
		if eb.acquired[b] {
			acquired++
		}
	}
	return acquired, total, total > 0, nil
}

func (r blockResults) load(ctx context.Context, enrolmentID string) (enrolmentBlocks, error) {
	_, e, err := enrolmentUnscoped(ctx, r.q, enrolmentID)
	if err != nil {
		return enrolmentBlocks{}, err
	}
	eb := enrolmentBlocks{acquired: map[string]bool{}, blocks: e.Blocks}
	if _, judged, err := r.q.LastJuryOutcome(ctx, e.ID); err != nil {
		return eb, err
	} else if judged {
		held, err := r.q.AcquiredBlocks(ctx, e.ID)
		if err != nil {
			return eb, err
		}
		for _, h := range held {
			eb.acquired[h.BlockCode] = true
		}
		eb.known = true
		return eb, nil
	}
	versions, err := r.q.GridVersions(ctx, e.ID, domain.EvaluatorCommission)
	if err != nil {
		return eb, err
	}
	var submitted *store.Grid
	for i := range versions {
		if versions[i].Status == store.GridSubmitted {
			submitted = &versions[i]
			break
		}
	}
	if submitted == nil {
		return eb, nil
	}
	fw, err := r.q.Framework(ctx, e.FrameworkID)
	if err != nil {
		return eb, err
	}
	blocks, err := gridBlocks(fw.Framework, e, nil, domain.EvaluatorCommission, submitted.Marks, nil)
	if err != nil {
		return eb, err
	}
	for _, b := range blocks {
		if b.Verdict.Verdict == rules.VerdictAcquired {
			eb.acquired[b.Block.Code] = true
		}
	}
	eb.known = true
	return eb, nil
}
