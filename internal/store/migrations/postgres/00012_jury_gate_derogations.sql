-- +goose Up
-- The secretariat's reasoned derogations to the gates before the jury (DOMAIN.md §7 rule 5):
-- an enrolment that misses its training hours or its internship is presented to a jury only
-- with one, per gate. What was missing when it was recorded is kept beside the reason, since
-- the minutes print both.
CREATE TABLE jury_gate_derogations (
    enrolment_id      TEXT NOT NULL REFERENCES enrolments(id),
    gate              TEXT NOT NULL, -- training_hours, internship
    missing           TEXT NOT NULL, -- in French, e.g. « Stage : 0 h sur 175 h dues »
    reason            TEXT NOT NULL,
    recorded_by       TEXT NOT NULL, -- user id, '' for the platform itself
    recorded_by_name  TEXT NOT NULL, -- the name as it was when recorded
    recorded_at       TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (enrolment_id, gate)
);

-- +goose Down
DROP TABLE jury_gate_derogations;
