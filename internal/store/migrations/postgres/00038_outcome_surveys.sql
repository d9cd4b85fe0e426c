-- +goose Up
-- The candidates' follow-up (« devenir des candidats », issue 12): at 6 and 12 months after
-- the result (the closing of the jury session that judged them), each judged enrolment gets one
-- survey per wave, mailed with single-use links (only their hashes are kept). The answer, from
-- the candidate through a link or typed by the secretariat, is kept on the survey with its
-- source; every answer and correction is in the audit trail.
CREATE TABLE outcome_surveys (
    id                TEXT PRIMARY KEY,
    enrolment_id      TEXT NOT NULL REFERENCES enrolments(id),
    candidate_id      TEXT NOT NULL REFERENCES candidates(id),
    session_id        TEXT NOT NULL REFERENCES jury_sessions(id),
    wave              INTEGER NOT NULL, -- months after the result: 6 or 12
    result_at         TIMESTAMPTZ NOT NULL, -- the session's closing
    sent_at           TIMESTAMPTZ NOT NULL, -- when the survey was queued
    mailed            INTEGER NOT NULL DEFAULT 0, -- 1 when a mail went to the candidate
    expires_at        TIMESTAMPTZ NOT NULL, -- the links' end
    reminded_at       TIMESTAMPTZ,
    answered_at       TIMESTAMPTZ, -- the first answer
    situation         TEXT NOT NULL DEFAULT '',
    contract          TEXT NOT NULL DEFAULT '',
    job_title         TEXT NOT NULL DEFAULT '',
    company_name      TEXT NOT NULL DEFAULT '',
    siret             TEXT NOT NULL DEFAULT '',
    helped            TEXT NOT NULL DEFAULT '',
    source            TEXT NOT NULL DEFAULT '', -- email, phone, secretariat: of the latest answer
    recorded_by       TEXT NOT NULL DEFAULT '', -- the account that typed it; '' for the candidate's link
    recorded_by_name  TEXT NOT NULL DEFAULT '',
    recorded_at       TIMESTAMPTZ, -- the latest answer or correction
    UNIQUE (enrolment_id, wave)
);
CREATE INDEX outcome_surveys_by_candidate ON outcome_surveys (candidate_id);
CREATE INDEX outcome_surveys_by_sent ON outcome_surveys (sent_at);

CREATE TABLE outcome_survey_links (
    token_hash  TEXT PRIMARY KEY,
    survey_id   TEXT NOT NULL REFERENCES outcome_surveys(id),
    created_at  TIMESTAMPTZ NOT NULL
);
CREATE INDEX outcome_survey_links_by_survey ON outcome_survey_links (survey_id);

-- +goose Down
DROP TABLE outcome_survey_links;
DROP TABLE outcome_surveys;
