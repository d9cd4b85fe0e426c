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
SELECT s.id, e.id, b->>'code', COALESCE(e.training_organisation_id, ''), COALESCE(e.company_id, ''),
    COALESCE((SELECT v->>'verdict' FROM jsonb_array_elements(CASE WHEN jsonb_typeof(b->'verdicts') = 'array' THEN b->'verdicts' ELSE '[]'::jsonb END) v
        WHERE v->>'evaluator' = 'training_organisation' AND v->>'present' = 'true' LIMIT 1), ''),
    COALESCE((SELECT v->>'verdict' FROM jsonb_array_elements(CASE WHEN jsonb_typeof(b->'verdicts') = 'array' THEN b->'verdicts' ELSE '[]'::jsonb END) v
        WHERE v->>'evaluator' = 'company_referent' AND v->>'present' = 'true' LIMIT 1), ''),
    COALESCE((SELECT v->>'verdict' FROM jsonb_array_elements(CASE WHEN jsonb_typeof(b->'verdicts') = 'array' THEN b->'verdicts' ELSE '[]'::jsonb END) v
        WHERE v->>'evaluator' = 'commission' AND v->>'present' = 'true' LIMIT 1), ''),
    CASE WHEN b->>'in_debate' = 'true' THEN 1 ELSE 0 END,
    COALESCE(b->>'decision', '')
FROM jury_sessions s
CROSS JOIN LATERAL (SELECT CASE WHEN s.status = 'closed' AND s.snapshot <> '' THEN s.snapshot::jsonb ELSE '{}'::jsonb END AS doc) d
CROSS JOIN LATERAL jsonb_array_elements(CASE WHEN jsonb_typeof(d.doc->'candidates') = 'array' THEN d.doc->'candidates' ELSE '[]'::jsonb END) c
CROSS JOIN LATERAL jsonb_array_elements(CASE WHEN jsonb_typeof(c->'blocks') = 'array' THEN c->'blocks' ELSE '[]'::jsonb END) b
JOIN enrolments e ON e.id = c->>'enrolment_id'
WHERE s.status = 'closed' AND jsonb_typeof(b) = 'object' AND COALESCE(b->>'prior', 'false') <> 'true';

-- +goose Down
DROP TABLE jury_block_verdicts;
