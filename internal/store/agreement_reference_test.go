package store

import (
	"context"
	"fmt"

	"cqp/internal/domain"
)

// ReferenceAgreementCounts counts the evaluator agreement the way the statistics page did
// before closed_session_agreement: from every verdict of the closed sessions not rectified
// since (jury_block_verdicts), grouped by verdicts, debate and decision, then folded per
// training organisation or company in Go as the service did. The tests hold the page's
// figures equal to it.
func (q Q) ReferenceAgreementCounts(ctx context.Context, f StatisticsFilter, ev domain.Evaluator) ([]AgreementCount, error) {
	rows, err := q.referenceAgreementRows(ctx, f, ev)
	if err != nil {
		return nil, err
	}
	byOwner := map[string]*AgreementCount{}
	var out []*AgreementCount
	for _, c := range rows {
		r := byOwner[c.OwnerID]
		if r == nil {
			r = &AgreementCount{OwnerID: c.OwnerID}
			byOwner[c.OwnerID] = r
			out = append(out, r)
		}
		ownA, comA := c.Evaluator == "acquired", c.Commission == "acquired"
		switch {
		case ownA && comA:
			r.BothAcquired += c.Count
		case !ownA && !comA:
			r.Neither += c.Count
		case ownA:
			r.EvaluatorOnly += c.Count
		default:
			r.CommissionOnly += c.Count
		}
		if c.InDebate && !ownA && comA {
			r.Debates += c.Count
			switch c.Decision {
			case "NA":
				r.WithEvaluator += c.Count
			case "A":
				r.WithCommission += c.Count
			}
		}
	}
	counts := make([]AgreementCount, len(out))
	for i, r := range out {
		counts[i] = *r
	}
	return counts, nil
}

// referenceAgreementCount is how many blocks of one training organisation or company got one pair of
// verdicts: its own grid's (Evaluator) and the commission's, with the debate and the jury's
// decision.
type referenceAgreementCount struct {
	OwnerID               string // the training organisation's or the company's id
	Evaluator, Commission string // "acquired" or "not_acquired"
	InDebate              bool
	Decision              string
	Count                 int
}

// referenceAgreementRows counts, per training organisation (evaluator training_organisation) or per
// company (evaluator company_referent), the blocks on which both its final grid and the
// commission's gave a verdict, in the closed sessions the filter selects (a session corrected
// by a closed rectification counts no more: its rectification counts instead). The filter's
// organisation is the one the enrolment had at closing. One GROUP BY: a few rows per
// organisation or company, whatever the number of blocks.
func (q Q) referenceAgreementRows(ctx context.Context, f StatisticsFilter, ev domain.Evaluator) ([]referenceAgreementCount, error) {
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
	var out []referenceAgreementCount
	for rows.Next() {
		var c referenceAgreementCount
		var debate int
		if err := rows.Scan(&c.OwnerID, &c.Evaluator, &c.Commission, &debate, &c.Decision, &c.Count); err != nil {
			return nil, normalize(err)
		}
		c.InDebate = debate != 0
		out = append(out, c)
	}
	return out, normalize(rows.Err())
}
