package store

import (
	"context"
	"fmt"

	"cqp/internal/domain"
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

// AgreementCount is how many blocks of one training organisation or company got one pair of
// verdicts: its own grid's (Evaluator) and the commission's, with the debate and the jury's
// decision.
type AgreementCount struct {
	OwnerID               string // the training organisation's or the company's id
	Evaluator, Commission string // "acquired" or "not_acquired"
	InDebate              bool
	Decision              string
	Count                 int
}

// AgreementCounts counts, per training organisation (evaluator training_organisation) or per
// company (evaluator company_referent), the blocks on which both its final grid and the
// commission's gave a verdict, in the closed sessions the filter selects (a session corrected
// by a closed rectification counts no more: its rectification counts instead). The filter's
// organisation is the one the enrolment had at closing. One GROUP BY: a few rows per
// organisation or company, whatever the number of blocks.
func (q Q) AgreementCounts(ctx context.Context, f StatisticsFilter, ev domain.Evaluator) ([]AgreementCount, error) {
	var owner, verdict string
	switch ev {
	case domain.EvaluatorTrainingOrganisation:
		owner, verdict = "v.training_organisation_id", "v.organisation_verdict"
	case domain.EvaluatorCompanyReferent:
		owner, verdict = "v.company_id", "v.referent_verdict"
	default:
		return nil, fmt.Errorf("agreement counts: evaluator %q is not compared with the commission", ev)
	}
	var a args
	closed := a.add(string(JuryClosed))
	acquired, notAcquired := a.add("acquired"), a.add("not_acquired")
	query := `SELECT ` + owner + `, ` + verdict + `, v.commission_verdict, v.in_debate, v.decision, COUNT(*)
	 FROM jury_block_verdicts v
	 JOIN jury_sessions s ON s.id = v.session_id`
	if f.QualificationID != "" || f.Route != "" {
		query += ` JOIN enrolments e ON e.id = v.enrolment_id` // read only when the filter needs it
	}
	query += `
	 WHERE s.status = ` + closed + `
	 AND NOT EXISTS (SELECT 1 FROM jury_sessions r WHERE r.rectifies_session_id = s.id AND r.status = ` + closed + `)
	 AND ` + owner + ` <> ''
	 AND ` + verdict + ` IN (` + acquired + `, ` + notAcquired + `)
	 AND v.commission_verdict IN (` + acquired + `, ` + notAcquired + `)`
	if !f.JudgedFrom.IsZero() {
		query += ` AND s.starts_at >= ` + a.add(f.JudgedFrom.UTC())
	}
	if !f.JudgedUntil.IsZero() {
		query += ` AND s.starts_at < ` + a.add(f.JudgedUntil.UTC())
	}
	if f.QualificationID != "" {
		query += ` AND e.qualification_id = ` + a.add(f.QualificationID)
	}
	if f.Route != "" {
		query += ` AND e.route = ` + a.add(string(f.Route))
	}
	if f.TrainingOrganisationID != "" {
		query += ` AND v.training_organisation_id = ` + a.add(f.TrainingOrganisationID)
	}
	query += ` GROUP BY ` + owner + `, ` + verdict + `, v.commission_verdict, v.in_debate, v.decision`
	rows, err := q.db.QueryContext(ctx, query, a...)
	if err != nil {
		return nil, normalize(err)
	}
	defer rows.Close()
	var out []AgreementCount
	for rows.Next() {
		var c AgreementCount
		var debate int
		if err := rows.Scan(&c.OwnerID, &c.Evaluator, &c.Commission, &debate, &c.Decision, &c.Count); err != nil {
			return nil, normalize(err)
		}
		c.InDebate = debate != 0
		out = append(out, c)
	}
	return out, normalize(rows.Err())
}
