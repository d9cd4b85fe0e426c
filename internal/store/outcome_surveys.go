package store

import (
	"context"
	"database/sql"
	"time"

	"cqp/internal/domain"
)

// The candidates' follow-up (« devenir des candidats »): one survey per judged enrolment and
// per wave (6 or 12 months after the result), with its links kept as hashes and its answer.

// OutcomeSurvey is one survey sent (or to be answered by phone when the candidate has no
// e-mail address) and its answer when there is one.
type OutcomeSurvey struct {
	ID          string
	EnrolmentID string
	CandidateID string
	SessionID   string
	Wave        int // months after the result
	ResultAt    time.Time
	SentAt      time.Time
	Mailed      bool // a mail went to the candidate
	ExpiresAt   time.Time
	RemindedAt  *time.Time
	AnsweredAt  *time.Time // the first answer
	Answer      domain.SurveyAnswer
	Source      domain.SurveySource
	// RecordedBy is the account that typed the latest answer or correction ("" for the
	// candidate's link), RecordedAt when.
	RecordedBy     string
	RecordedByName string
	RecordedAt     *time.Time

	QualificationTitle string // the enrolment's qualification, for display
	Outcome            string // certified, partial or not_certified: the session's outcome
}

// Answered reports whether the survey holds an answer.
func (s OutcomeSurvey) Answered() bool { return s.AnsweredAt != nil }

// SurveyDue is a judged enrolment whose survey of a wave is not yet sent.
type SurveyDue struct {
	EnrolmentID string
	CandidateID string
	SessionID   string
	ResultAt    time.Time
}

// SurveysDue lists the enrolments judged by a closed session (not corrected by a closed
// rectification) that closed in (after, upTo], with no survey of that wave yet, by result date,
// at most limit of them. Erased candidates are left out.
func (q Q) SurveysDue(ctx context.Context, wave int, after, upTo time.Time, limit int) ([]SurveyDue, error) {
	rows, err := q.db.QueryContext(ctx,
		`SELECT e.id, e.candidate_id, s.id, s.closed_at
		 FROM jury_sessions s
		 JOIN jury_candidates jc ON jc.session_id = s.id
		 JOIN enrolments e ON e.id = jc.enrolment_id
		 JOIN candidates c ON c.id = e.candidate_id
		 WHERE s.status = $1 AND s.closed_at > $2 AND s.closed_at <= $3 AND jc.outcome <> '' AND c.erased_at IS NULL
		   AND NOT EXISTS (SELECT 1 FROM jury_sessions r WHERE r.rectifies_session_id = s.id AND r.status = $1)
		   AND NOT EXISTS (SELECT 1 FROM outcome_surveys o WHERE o.enrolment_id = e.id AND o.wave = $4)
		 ORDER BY s.closed_at, e.id
		 LIMIT $5`,
		string(JuryClosed), after.UTC(), upTo.UTC(), wave, limit)
	if err != nil {
		return nil, normalize(err)
	}
	defer rows.Close()
	var out []SurveyDue
	for rows.Next() {
		var d SurveyDue
		if err := rows.Scan(&d.EnrolmentID, &d.CandidateID, &d.SessionID, &d.ResultAt); err != nil {
			return nil, normalize(err)
		}
		out = append(out, d)
	}
	return out, normalize(rows.Err())
}

// CreateOutcomeSurvey stores a survey unless the enrolment already has one of that wave; it
// reports whether it did, so that two servers queueing at once send one mail.
func (q Q) CreateOutcomeSurvey(ctx context.Context, s OutcomeSurvey) (bool, error) {
	mailed := 0
	if s.Mailed {
		mailed = 1
	}
	n, err := affected(q.db.ExecContext(ctx,
		`INSERT INTO outcome_surveys (id, enrolment_id, candidate_id, session_id, wave, result_at, sent_at, mailed, expires_at)
		 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
		 ON CONFLICT (enrolment_id, wave) DO NOTHING`,
		s.ID, s.EnrolmentID, s.CandidateID, s.SessionID, s.Wave, s.ResultAt.UTC(), s.SentAt.UTC(), mailed, s.ExpiresAt.UTC()))
	return n == 1, err
}

// AddOutcomeSurveyLink stores the hash of a link that opens the survey.
func (q Q) AddOutcomeSurveyLink(ctx context.Context, hash, surveyID string, at time.Time) error {
	_, err := q.db.ExecContext(ctx, `INSERT INTO outcome_survey_links (token_hash, survey_id, created_at) VALUES ($1, $2, $3)`,
		hash, surveyID, at.UTC())
	return normalize(err)
}

// SurveysToRemind lists the surveys mailed at or before sentBefore, still unanswered, never
// reminded, whose links still work at now, at most limit of them.
func (q Q) SurveysToRemind(ctx context.Context, sentBefore, now time.Time, limit int) ([]OutcomeSurvey, error) {
	return q.surveys(ctx, `WHERE o.mailed = 1 AND o.reminded_at IS NULL AND o.answered_at IS NULL
		AND o.sent_at <= $1 AND o.expires_at > $2 ORDER BY o.sent_at, o.id LIMIT $3`, sentBefore.UTC(), now.UTC(), limit)
}

// MarkSurveyReminded records the reminder of a survey; it reports false when it was already
// reminded or answered (another server did it, or the answer came meanwhile).
func (q Q) MarkSurveyReminded(ctx context.Context, id string, at time.Time) (bool, error) {
	n, err := affected(q.db.ExecContext(ctx,
		`UPDATE outcome_surveys SET reminded_at = $1 WHERE id = $2 AND reminded_at IS NULL AND answered_at IS NULL`, at.UTC(), id))
	return n == 1, err
}

// OutcomeSurveyByLink returns the survey a link's hash opens, answered or not; "not found"
// for an unknown link.
func (q Q) OutcomeSurveyByLink(ctx context.Context, hash string) (OutcomeSurvey, error) {
	out, err := q.surveys(ctx, `WHERE o.id = (SELECT survey_id FROM outcome_survey_links WHERE token_hash = $1)`, hash)
	if err != nil {
		return OutcomeSurvey{}, err
	}
	if len(out) == 0 {
		return OutcomeSurvey{}, domain.Errorf(domain.ENOTFOUND, "Ce lien de questionnaire n'existe pas.")
	}
	return out[0], nil
}

// OutcomeSurvey returns one survey.
func (q Q) OutcomeSurvey(ctx context.Context, id string) (OutcomeSurvey, error) {
	out, err := q.surveys(ctx, `WHERE o.id = $1`, id)
	if err != nil {
		return OutcomeSurvey{}, err
	}
	if len(out) == 0 {
		return OutcomeSurvey{}, domain.Errorf(domain.ENOTFOUND, "Ce questionnaire n'existe pas.")
	}
	return out[0], nil
}

// CandidateOutcomeSurveys lists a candidate's surveys, by result date and wave.
func (q Q) CandidateOutcomeSurveys(ctx context.Context, candidateID string) ([]OutcomeSurvey, error) {
	return q.surveys(ctx, `WHERE o.candidate_id = $1 ORDER BY o.result_at, o.enrolment_id, o.wave`, candidateID)
}

// AnswerOutcomeSurveyByLink records the candidate's own answer, once: an answered survey or
// expired links are refused (ECONFLICT) and nothing is written.
func (q Q) AnswerOutcomeSurveyByLink(ctx context.Context, id string, a domain.SurveyAnswer, now time.Time) error {
	n, err := affected(q.db.ExecContext(ctx,
		`UPDATE outcome_surveys SET situation = $1, contract = $2, job_title = $3, company_name = $4, siret = $5, helped = $6,
		        source = $7, recorded_by = '', recorded_by_name = '', answered_at = $8, recorded_at = $8
		 WHERE id = $9 AND answered_at IS NULL AND expires_at > $8`,
		string(a.Situation), string(a.Contract), a.JobTitle, a.CompanyName, a.SIRET, string(a.Helped),
		string(domain.SourceEmail), now.UTC(), id))
	if err != nil {
		return err
	}
	if n == 0 {
		return domain.Errorf(domain.ECONFLICT, "Ce questionnaire a déjà reçu une réponse ou son lien a expiré : votre réponse n'a pas été enregistrée une seconde fois.")
	}
	return nil
}

// RecordOutcomeSurveyAnswer writes an answer typed by the secretariat, first or corrected,
// with its source and who typed it; the first answer's date stays.
func (q Q) RecordOutcomeSurveyAnswer(ctx context.Context, id string, a domain.SurveyAnswer, source domain.SurveySource, byID, byName string, now time.Time) error {
	return mustAffect(q.db.ExecContext(ctx,
		`UPDATE outcome_surveys SET situation = $1, contract = $2, job_title = $3, company_name = $4, siret = $5, helped = $6,
		        source = $7, recorded_by = $8, recorded_by_name = $9, answered_at = COALESCE(answered_at, $10), recorded_at = $10
		 WHERE id = $11`,
		string(a.Situation), string(a.Contract), a.JobTitle, a.CompanyName, a.SIRET, string(a.Helped),
		string(source), byID, byName, now.UTC(), id))
}

// EraseOutcomeSurveys blanks what an erased candidate wrote of their job (title, company,
// SIRET) and ends their links; the situation and whether the CQP helped stay, counted
// anonymously by the statistics.
func (q Q) EraseOutcomeSurveys(ctx context.Context, candidateID string) error {
	if _, err := q.db.ExecContext(ctx, `DELETE FROM outcome_survey_links WHERE survey_id IN (SELECT id FROM outcome_surveys WHERE candidate_id = $1)`, candidateID); err != nil {
		return normalize(err)
	}
	_, err := q.db.ExecContext(ctx, `UPDATE outcome_surveys SET job_title = '', company_name = '', siret = '', recorded_by_name = '' WHERE candidate_id = $1`, candidateID)
	return normalize(err)
}

const surveyColumns = `o.id, o.enrolment_id, o.candidate_id, o.session_id, o.wave, o.result_at, o.sent_at, o.mailed, o.expires_at,
	o.reminded_at, o.answered_at, o.situation, o.contract, o.job_title, o.company_name, o.siret, o.helped, o.source,
	o.recorded_by, o.recorded_by_name, o.recorded_at, COALESCE(qu.title, ''), COALESCE(jc.outcome, '')`

func (q Q) surveys(ctx context.Context, where string, args ...any) ([]OutcomeSurvey, error) {
	rows, err := q.db.QueryContext(ctx, `SELECT `+surveyColumns+`
		FROM outcome_surveys o
		JOIN enrolments e ON e.id = o.enrolment_id
		LEFT JOIN qualifications qu ON qu.id = e.qualification_id
		LEFT JOIN jury_candidates jc ON jc.session_id = o.session_id AND jc.enrolment_id = o.enrolment_id `+where, args...)
	if err != nil {
		return nil, normalize(err)
	}
	defer rows.Close()
	var out []OutcomeSurvey
	for rows.Next() {
		var s OutcomeSurvey
		var mailed int
		var reminded, answered, recorded sql.NullTime
		var situation, contract, helped, source string
		if err := rows.Scan(&s.ID, &s.EnrolmentID, &s.CandidateID, &s.SessionID, &s.Wave, &s.ResultAt, &s.SentAt, &mailed, &s.ExpiresAt,
			&reminded, &answered, &situation, &contract, &s.Answer.JobTitle, &s.Answer.CompanyName, &s.Answer.SIRET, &helped, &source,
			&s.RecordedBy, &s.RecordedByName, &recorded, &s.QualificationTitle, &s.Outcome); err != nil {
			return nil, normalize(err)
		}
		s.Mailed = mailed == 1
		s.RemindedAt, s.AnsweredAt, s.RecordedAt = timePtr(reminded), timePtr(answered), timePtr(recorded)
		s.Answer.Situation, s.Answer.Contract, s.Answer.Helped = domain.SurveySituation(situation), domain.SurveyContract(contract), domain.SurveyHelped(helped)
		s.Source = domain.SurveySource(source)
		out = append(out, s)
	}
	return out, normalize(rows.Err())
}

// SurveyCount is how many surveys of a wave hold one answer (situation and helped both ""
// for the unanswered ones).
type SurveyCount struct {
	Wave      int
	Situation domain.SurveySituation
	Helped    domain.SurveyHelped
	Count     int
}

// SurveyFilter narrows the survey figures like the statistics page's filter: the year (in
// Paris) of the judging session's start, the enrolment's qualification, route and training
// organisation. Zero values do not filter.
type SurveyFilter struct {
	Year                   int
	QualificationID        string
	Route                  domain.Route
	TrainingOrganisationID string
}

// SurveyCounts counts the surveys by wave, situation and whether the CQP helped, for the
// statistics page. It adds up the counters the writes of outcome_surveys keep (migration
// 00042): on SQLite outcome_survey_counts, updated in place by triggers; on PostgreSQL the
// rows its statement triggers append to outcome_survey_deltas, folded from time to time
// (FoldCounts). ReferenceSurveyCounts, in the tests, counts the surveys themselves.
func (q Q) SurveyCounts(ctx context.Context, f SurveyFilter) ([]SurveyCount, error) {
	var a args
	table := "outcome_survey_counts"
	if q.dialect == Postgres {
		table = "outcome_survey_deltas"
	}
	query := `SELECT c.wave, c.situation, c.helped, SUM(c.surveys) FROM ` + table + ` c WHERE 1 = 1`
	if f.Year != 0 {
		query += ` AND c.year = ` + a.add(f.Year)
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
	return scanSurveyCounts(q.db.QueryContext(ctx, query+` GROUP BY c.wave, c.situation, c.helped HAVING SUM(c.surveys) > 0`, a...))
}

// scanSurveyCounts reads rows of wave, situation, helped and count.
func scanSurveyCounts(rows *sql.Rows, err error) ([]SurveyCount, error) {
	if err != nil {
		return nil, normalize(err)
	}
	defer rows.Close()
	var out []SurveyCount
	for rows.Next() {
		var c SurveyCount
		var situation, helped string
		if err := rows.Scan(&c.Wave, &situation, &helped, &c.Count); err != nil {
			return nil, normalize(err)
		}
		c.Situation, c.Helped = domain.SurveySituation(situation), domain.SurveyHelped(helped)
		out = append(out, c)
	}
	return out, normalize(rows.Err())
}
