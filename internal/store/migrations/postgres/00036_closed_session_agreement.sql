-- +goose Up
-- The statistics' evaluator agreement, counted once per closed jury session
-- (docs/PERFORMANCE.md): a closed session's verdicts never change, so its blocks judged both by
-- an evaluator's final grid and by the commission's are counted when it closes, in the closing
-- transaction, per qualification × route × the enrolment's training organisation × evaluator
-- side (training_organisation: its OF's grid; company_referent: its company's referent's) ×
-- evaluator (the OF or the company): the 2×2 table of verdicts, the debates the evaluator's
-- « non acquis » opened against the commission's « acquis », and how the jury settled them.
-- A closed rectification deletes the rows of the session it corrects. Each year's rows are
-- added up into closed_agreement_by_year, which the page reads instead of every verdict.
CREATE TABLE closed_session_agreement (
    session_id                TEXT NOT NULL REFERENCES jury_sessions(id),
    starts_at                 TIMESTAMP NOT NULL, -- the session's, for the filter by date
    year                      INTEGER NOT NULL,   -- the year of starts_at in Paris
    qualification_id          TEXT NOT NULL,
    route                     TEXT NOT NULL,
    training_organisation_id  TEXT NOT NULL,      -- the enrolment's at closing, '' for none
    evaluator                 TEXT NOT NULL,      -- training_organisation, company_referent
    evaluator_id              TEXT NOT NULL,      -- the OF's or the company's id
    both_acquired             INTEGER NOT NULL,   -- both verdicts « acquis »
    evaluator_only            INTEGER NOT NULL,   -- the evaluator's « acquis », the commission's « non acquis »
    commission_only           INTEGER NOT NULL,   -- the commission's « acquis », the evaluator's « non acquis »
    neither                   INTEGER NOT NULL,   -- both « non acquis »
    debates                   INTEGER NOT NULL,   -- commission_only blocks put in debate…
    with_evaluator            INTEGER NOT NULL,   -- …settled « non acquis » by the jury
    with_commission           INTEGER NOT NULL,   -- …settled « acquis »
    PRIMARY KEY (session_id, qualification_id, route, training_organisation_id, evaluator, evaluator_id)
);
CREATE INDEX closed_session_agreement_by_year ON closed_session_agreement (year);

CREATE TABLE closed_agreement_by_year (
    year                      INTEGER NOT NULL,
    qualification_id          TEXT NOT NULL,
    route                     TEXT NOT NULL,
    training_organisation_id  TEXT NOT NULL,
    evaluator                 TEXT NOT NULL,
    evaluator_id              TEXT NOT NULL,
    both_acquired             INTEGER NOT NULL,
    evaluator_only            INTEGER NOT NULL,
    commission_only           INTEGER NOT NULL,
    neither                   INTEGER NOT NULL,
    debates                   INTEGER NOT NULL,
    with_evaluator            INTEGER NOT NULL,
    with_commission           INTEGER NOT NULL,
    PRIMARY KEY (year, qualification_id, route, training_organisation_id, evaluator, evaluator_id)
);

-- The sessions closed before these tables existed, from their verdicts, with the year of their
-- start in Paris.
INSERT INTO closed_session_agreement (session_id, starts_at, year, qualification_id, route, training_organisation_id,
    evaluator, evaluator_id, both_acquired, evaluator_only, commission_only, neither, debates, with_evaluator, with_commission)
SELECT s.id, s.starts_at, CAST(EXTRACT(YEAR FROM s.starts_at AT TIME ZONE 'UTC' AT TIME ZONE 'Europe/Paris') AS INTEGER), e.qualification_id, e.route, v.training_organisation_id, 'training_organisation', v.training_organisation_id,
    SUM(CASE WHEN v.organisation_verdict = 'acquired' AND v.commission_verdict = 'acquired' THEN 1 ELSE 0 END),
    SUM(CASE WHEN v.organisation_verdict = 'acquired' AND v.commission_verdict = 'not_acquired' THEN 1 ELSE 0 END),
    SUM(CASE WHEN v.organisation_verdict = 'not_acquired' AND v.commission_verdict = 'acquired' THEN 1 ELSE 0 END),
    SUM(CASE WHEN v.organisation_verdict = 'not_acquired' AND v.commission_verdict = 'not_acquired' THEN 1 ELSE 0 END),
    SUM(CASE WHEN v.in_debate <> 0 AND v.organisation_verdict = 'not_acquired' AND v.commission_verdict = 'acquired' THEN 1 ELSE 0 END),
    SUM(CASE WHEN v.in_debate <> 0 AND v.organisation_verdict = 'not_acquired' AND v.commission_verdict = 'acquired' AND v.decision = 'NA' THEN 1 ELSE 0 END),
    SUM(CASE WHEN v.in_debate <> 0 AND v.organisation_verdict = 'not_acquired' AND v.commission_verdict = 'acquired' AND v.decision = 'A' THEN 1 ELSE 0 END)
FROM jury_block_verdicts v
JOIN jury_sessions s ON s.id = v.session_id
JOIN enrolments e ON e.id = v.enrolment_id
WHERE s.status = 'closed' AND v.training_organisation_id <> ''
  AND v.organisation_verdict IN ('acquired', 'not_acquired') AND v.commission_verdict IN ('acquired', 'not_acquired')
  AND NOT EXISTS (SELECT 1 FROM jury_sessions r WHERE r.rectifies_session_id = s.id AND r.status = 'closed')
GROUP BY s.id, s.starts_at, e.qualification_id, e.route, v.training_organisation_id, v.training_organisation_id;

INSERT INTO closed_session_agreement (session_id, starts_at, year, qualification_id, route, training_organisation_id,
    evaluator, evaluator_id, both_acquired, evaluator_only, commission_only, neither, debates, with_evaluator, with_commission)
SELECT s.id, s.starts_at, CAST(EXTRACT(YEAR FROM s.starts_at AT TIME ZONE 'UTC' AT TIME ZONE 'Europe/Paris') AS INTEGER), e.qualification_id, e.route, v.training_organisation_id, 'company_referent', v.company_id,
    SUM(CASE WHEN v.referent_verdict = 'acquired' AND v.commission_verdict = 'acquired' THEN 1 ELSE 0 END),
    SUM(CASE WHEN v.referent_verdict = 'acquired' AND v.commission_verdict = 'not_acquired' THEN 1 ELSE 0 END),
    SUM(CASE WHEN v.referent_verdict = 'not_acquired' AND v.commission_verdict = 'acquired' THEN 1 ELSE 0 END),
    SUM(CASE WHEN v.referent_verdict = 'not_acquired' AND v.commission_verdict = 'not_acquired' THEN 1 ELSE 0 END),
    SUM(CASE WHEN v.in_debate <> 0 AND v.referent_verdict = 'not_acquired' AND v.commission_verdict = 'acquired' THEN 1 ELSE 0 END),
    SUM(CASE WHEN v.in_debate <> 0 AND v.referent_verdict = 'not_acquired' AND v.commission_verdict = 'acquired' AND v.decision = 'NA' THEN 1 ELSE 0 END),
    SUM(CASE WHEN v.in_debate <> 0 AND v.referent_verdict = 'not_acquired' AND v.commission_verdict = 'acquired' AND v.decision = 'A' THEN 1 ELSE 0 END)
FROM jury_block_verdicts v
JOIN jury_sessions s ON s.id = v.session_id
JOIN enrolments e ON e.id = v.enrolment_id
WHERE s.status = 'closed' AND v.company_id <> ''
  AND v.referent_verdict IN ('acquired', 'not_acquired') AND v.commission_verdict IN ('acquired', 'not_acquired')
  AND NOT EXISTS (SELECT 1 FROM jury_sessions r WHERE r.rectifies_session_id = s.id AND r.status = 'closed')
GROUP BY s.id, s.starts_at, e.qualification_id, e.route, v.training_organisation_id, v.company_id;

INSERT INTO closed_agreement_by_year (year, qualification_id, route, training_organisation_id, evaluator, evaluator_id,
    both_acquired, evaluator_only, commission_only, neither, debates, with_evaluator, with_commission)
SELECT year, qualification_id, route, training_organisation_id, evaluator, evaluator_id, SUM(both_acquired), SUM(evaluator_only),
    SUM(commission_only), SUM(neither), SUM(debates), SUM(with_evaluator), SUM(with_commission)
FROM closed_session_agreement
GROUP BY year, qualification_id, route, training_organisation_id, evaluator, evaluator_id;

-- +goose Down
DROP TABLE closed_agreement_by_year;
DROP TABLE closed_session_agreement;
