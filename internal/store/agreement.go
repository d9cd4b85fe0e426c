package store

import (
	"context"
)

// BlockVerdicts is what a closed jury session read about one block of one enrolment: each
// evaluator's verdict ("acquired", "not_acquired", "incomplete", "" without a grid), whether
// the rules put it in debate and the jury's decision ("A", "NA", "" without a debate).
type BlockVerdicts struct {
	SessionID, EnrolmentID, BlockCode  string
	TrainingOrganisationID, CompanyID  string // the enrolment's at closing, "" for none
	Organisation, Referent, Commission string
	InDebate                           bool
	Decision                           string
}

// InsertBlockVerdicts records the verdicts a session read on its blocks, at its closing.
func (q Q) InsertBlockVerdicts(ctx context.Context, rows []BlockVerdicts) error {
	if len(rows) == 0 {
		return nil
	}
	cols := []string{"session_id", "enrolment_id", "block_code", "training_organisation_id", "company_id",
		"organisation_verdict", "referent_verdict", "commission_verdict", "in_debate", "decision"}
	return q.multiInsert(ctx, "jury_block_verdicts", cols, len(rows), func(i int) []any {
		r := rows[i]
		debate := 0
		if r.InDebate {
			debate = 1
		}
		return []any{r.SessionID, r.EnrolmentID, r.BlockCode, r.TrainingOrganisationID, r.CompanyID,
			r.Organisation, r.Referent, r.Commission, debate, r.Decision}
	})
}
