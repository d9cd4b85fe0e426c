-- +goose Up
-- The annual bilan (issue 12) chooses the enrolments created in its year, and the documents of
-- each chosen enrolment, by index rather than by reading every enrolment and every document.
CREATE INDEX enrolments_by_created ON enrolments (created_at);
CREATE INDEX certificates_by_enrolment ON certificates (enrolment_id);

-- +goose Down
DROP INDEX certificates_by_enrolment;
DROP INDEX enrolments_by_created;
