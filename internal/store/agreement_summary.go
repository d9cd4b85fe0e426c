package store

import (
	"context"
	"fmt"

	"cqp/internal/domain"
)

// The evaluator agreement counted once per closed session (docs/PERFORMANCE.md, « Evaluator
// agreement at a million enrolments »): a closed session's verdicts never change, so when it
// closes its blocks judged both by an evaluator's final grid and by the commission's are
// counted into closed_session_agreement, per qualification × route × the enrolment's training
// organisation × evaluator side × evaluator (the training organisation or the company): the
// 2×2 table of verdicts, the debates the evaluator's « non acquis » opened against the
// commission's « acquis » and how the jury settled them. Closing a rectification deletes the
// rows of the session it corrects. Each year's rows are added up into closed_agreement_by_year,
// which the statistics read instead of every verdict (7 million rows at a million enrolments).

// agreementSide is one evaluator compared with the commission: its column of
// jury_block_verdicts and the column naming it.
type agreementSide struct {
	evaluator domain.Evaluator
	owner     string // the training organisation's or the company's id
	verdict   string
}

var agreementSides = []agreementSide{
	{domain.EvaluatorTrainingOrganisation, "v.training_organisation_id", "v.organisation_verdict"},
	{domain.EvaluatorCompanyReferent, "v.company_id", "v.referent_verdict"},
}

// recordClosedSessionAgreement writes the agreement of a session that has just closed, deletes
// that of the session it rectifies, and counts the years they fall in again. It runs in the
// closing transaction, after the session's verdicts (InsertBlockVerdicts).
func (q Q) recordClosedSessionAgreement(ctx context.Context, sessionID string) error {
	years, err := q.writeClosedSessionAgreement(ctx, sessionID)
	if err != nil {
		return err
	}
	return q.countAgreementByYear(ctx, years)
}

// writeClosedSessionAgreement writes a closed session's rows into closed_session_agreement and
// deletes those of the session it rectifies. It returns the years whose rows changed.
func (q Q) writeClosedSessionAgreement(ctx context.Context, sessionID string) ([]int, error) {
	years, err := q.dropRectifiedSessionRows(ctx, "closed_session_agreement", sessionID)
	if err != nil {
		return nil, err
	}
	for _, side := range agreementSides {
		a := args{sessionID, string(JuryClosed), "acquired", "not_acquired", string(side.evaluator), "A", "NA"}
		v := side.verdict
		query := `INSERT INTO closed_session_agreement (session_id, starts_at, year, qualification_id, route,
			training_organisation_id, evaluator, evaluator_id, both_acquired, evaluator_only, commission_only, neither,
			debates, with_evaluator, with_commission)
			SELECT s.id, s.starts_at, ` + q.parisYear("s.starts_at") + `, e.qualification_id, e.route, v.training_organisation_id, $5, ` + side.owner + `,
			SUM(CASE WHEN ` + v + ` = $3 AND v.commission_verdict = $3 THEN 1 ELSE 0 END),
			SUM(CASE WHEN ` + v + ` = $3 AND v.commission_verdict = $4 THEN 1 ELSE 0 END),
			SUM(CASE WHEN ` + v + ` = $4 AND v.commission_verdict = $3 THEN 1 ELSE 0 END),
			SUM(CASE WHEN ` + v + ` = $4 AND v.commission_verdict = $4 THEN 1 ELSE 0 END),
			SUM(CASE WHEN v.in_debate <> 0 AND ` + v + ` = $4 AND v.commission_verdict = $3 THEN 1 ELSE 0 END),
			SUM(CASE WHEN v.in_debate <> 0 AND ` + v + ` = $4 AND v.commission_verdict = $3 AND v.decision = $7 THEN 1 ELSE 0 END),
			SUM(CASE WHEN v.in_debate <> 0 AND ` + v + ` = $4 AND v.commission_verdict = $3 AND v.decision = $6 THEN 1 ELSE 0 END)
			FROM jury_block_verdicts v
			JOIN jury_sessions s ON s.id = v.session_id
			JOIN enrolments e ON e.id = v.enrolment_id
			WHERE v.session_id = $1 AND s.status = $2 AND ` + side.owner + ` <> ''
			AND ` + v + ` IN ($3, $4) AND v.commission_verdict IN ($3, $4)
			GROUP BY s.id, s.starts_at, e.qualification_id, e.route, v.training_organisation_id, ` + side.owner
		if _, err := q.db.ExecContext(ctx, query, a...); err != nil {
			return nil, normalize(err)
		}
	}
	return years, nil
}

// countAgreementByYear counts the rows of closed_session_agreement of each year again into
// closed_agreement_by_year.
func (q Q) countAgreementByYear(ctx context.Context, years []int) error {
	for _, y := range years {
		if _, err := q.db.ExecContext(ctx, `DELETE FROM closed_agreement_by_year WHERE year = $1`, y); err != nil {
			return normalize(err)
		}
		if _, err := q.db.ExecContext(ctx, `INSERT INTO closed_agreement_by_year (year, qualification_id, route,
			training_organisation_id, evaluator, evaluator_id, both_acquired, evaluator_only, commission_only, neither,
			debates, with_evaluator, with_commission)
			SELECT year, qualification_id, route, training_organisation_id, evaluator, evaluator_id, SUM(both_acquired),
			SUM(evaluator_only), SUM(commission_only), SUM(neither), SUM(debates), SUM(with_evaluator), SUM(with_commission)
			FROM closed_session_agreement WHERE year = $1
			GROUP BY year, qualification_id, route, training_organisation_id, evaluator, evaluator_id`, y); err != nil {
			return normalize(err)
		}
	}
	return nil
}

// AgreementCount is one training organisation's or company's verdicts against the
// commission's, on the blocks both judged: the 2×2 table, and the debates its « non acquis »
// opened against the commission's « acquis », settled by the jury with it (« non acquis ») or
// with the commission (« acquis »).
type AgreementCount struct {
	OwnerID                                              string // the training organisation's or the company's id
	BothAcquired, EvaluatorOnly, CommissionOnly, Neither int
	Debates, WithEvaluator, WithCommission               int
}

// AgreementCounts counts, per training organisation (evaluator training_organisation) or per
// company (evaluator company_referent), the blocks on which both its final grid and the
// commission's gave a verdict, in the closed sessions the filter selects (a session corrected
// by a closed rectification counts no more: its rectification counts instead). The filter's
// organisation is the one the enrolment had at closing. It reads the rows counted by year
// (closed_agreement_by_year) when the filter's dates are new years in Paris, as the page asks,
// per session otherwise: a few rows per organisation or company, whatever the number of blocks.
func (q Q) AgreementCounts(ctx context.Context, f StatisticsFilter, ev domain.Evaluator) ([]AgreementCount, error) {
	if ev != domain.EvaluatorTrainingOrganisation && ev != domain.EvaluatorCompanyReferent {
		return nil, fmt.Errorf("agreement counts: evaluator %q is not compared with the commission", ev)
	}
	var a args
	var query string
	if parisNewYear(f.JudgedFrom) && parisNewYear(f.JudgedUntil) {
		query = ` FROM closed_agreement_by_year c WHERE c.evaluator = ` + a.add(string(ev))
		if !f.JudgedFrom.IsZero() {
			query += ` AND c.year >= ` + a.add(f.JudgedFrom.In(domain.Paris()).Year())
		}
		if !f.JudgedUntil.IsZero() {
			query += ` AND c.year < ` + a.add(f.JudgedUntil.In(domain.Paris()).Year())
		}
	} else {
		query = ` FROM closed_session_agreement c WHERE c.evaluator = ` + a.add(string(ev)) +
			` AND c.starts_at >= ` + a.add(f.JudgedFrom.UTC())
		if !f.JudgedUntil.IsZero() {
			query += ` AND c.starts_at < ` + a.add(f.JudgedUntil.UTC())
		}
	}
	if f.QualificationID != "" {
		query += ` AND c.qualification_id = ` + a.add(f.QualificationID)
	}
	if f.Route != "" {
		query += ` AND c.route = ` + a.add(string(f.Route))
	}
	if f.TrainingOrganisationID != "" {
		query += ` AND c.training_organisation_id = ` + a.add(f.TrainingOrganisationID)
	}
	rows, err := q.db.QueryContext(ctx, `SELECT c.evaluator_id, SUM(c.both_acquired), SUM(c.evaluator_only), SUM(c.commission_only),
		SUM(c.neither), SUM(c.debates), SUM(c.with_evaluator), SUM(c.with_commission)`+query+` GROUP BY c.evaluator_id`, a...)
	if err != nil {
		return nil, normalize(err)
	}
	defer rows.Close()
	var out []AgreementCount
	for rows.Next() {
		var c AgreementCount
		if err := rows.Scan(&c.OwnerID, &c.BothAcquired, &c.EvaluatorOnly, &c.CommissionOnly, &c.Neither,
			&c.Debates, &c.WithEvaluator, &c.WithCommission); err != nil {
			return nil, normalize(err)
		}
		out = append(out, c)
	}
	return out, normalize(rows.Err())
}
