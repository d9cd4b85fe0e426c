-- +goose Up
-- Each evaluator's verdict on each block a closed jury session judged, with the debate and the
-- jury's decision: the statistics' evaluator agreement (a training organisation's or a
-- company's final grid against the commission's) reads these rows with one GROUP BY instead of
-- every session's snapshot. Written at closing, in the closing transaction; the organisation
-- and the company are the enrolment's at closing. Blocks acquired at an earlier session are
-- not judged again and have no row.
CREATE TABLE jury_block_verdicts (
    session_id                TEXT NOT NULL REFERENCES jury_sessions(id),
    enrolment_id              TEXT NOT NULL REFERENCES enrolments(id),
    block_code                TEXT NOT NULL,
    training_organisation_id  TEXT NOT NULL DEFAULT '',
    company_id                TEXT NOT NULL DEFAULT '',
    organisation_verdict      TEXT NOT NULL DEFAULT '', -- acquired, not_acquired, incomplete; '' without a grid
    referent_verdict          TEXT NOT NULL DEFAULT '',
    commission_verdict        TEXT NOT NULL DEFAULT '',
    in_debate                 INTEGER NOT NULL DEFAULT 0,
    decision                  TEXT NOT NULL DEFAULT '', -- the jury's: A, NA; '' without a debate
    PRIMARY KEY (session_id, enrolment_id, block_code)
);

-- The sessions closed before this table existed: their snapshots hold the same verdicts.
INSERT INTO jury_block_verdicts (session_id, enrolment_id, block_code, training_organisation_id, company_id,
    organisation_verdict, referent_verdict, commission_verdict, in_debate, decision)
SELECT s.id, e.id, json_extract(b.value, '$.code'), COALESCE(e.training_organisation_id, ''), COALESCE(e.company_id, ''),
    COALESCE((SELECT json_extract(v.value, '$.verdict') FROM json_each(b.value, '$.verdicts') v
        WHERE json_extract(v.value, '$.evaluator') = 'training_organisation' AND json_extract(v.value, '$.present') = 1), ''),
    COALESCE((SELECT json_extract(v.value, '$.verdict') FROM json_each(b.value, '$.verdicts') v
        WHERE json_extract(v.value, '$.evaluator') = 'company_referent' AND json_extract(v.value, '$.present') = 1), ''),
    COALESCE((SELECT json_extract(v.value, '$.verdict') FROM json_each(b.value, '$.verdicts') v
        WHERE json_extract(v.value, '$.evaluator') = 'commission' AND json_extract(v.value, '$.present') = 1), ''),
    CASE WHEN json_extract(b.value, '$.in_debate') = 1 THEN 1 ELSE 0 END,
    COALESCE(json_extract(b.value, '$.decision'), '')
FROM jury_sessions s, json_each(s.snapshot, '$.candidates') c, json_each(c.value, '$.blocks') b, enrolments e
WHERE s.status = 'closed' AND s.snapshot <> '' AND json_type(c.value) = 'object' AND json_type(b.value) = 'object'
    AND e.id = json_extract(c.value, '$.enrolment_id') AND COALESCE(json_extract(b.value, '$.prior'), 0) = 0;

-- +goose Down
DROP TABLE jury_block_verdicts;
