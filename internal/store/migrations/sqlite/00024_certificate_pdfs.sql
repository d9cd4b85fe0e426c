-- +goose Up
-- The PDF of each issued document as first rendered (for its mail or a download), so that the
-- session's ZIP and later downloads reuse those bytes instead of rendering it again: a PDF
-- costs about 10 ms of CPU, the same bytes every time (docs/PERFORMANCE.md).
CREATE TABLE certificate_pdfs (
    certificate_id  TEXT PRIMARY KEY REFERENCES certificates(id),
    content         BLOB NOT NULL
);

-- +goose Down
DROP TABLE certificate_pdfs;
