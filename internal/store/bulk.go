package store

import (
	"context"
	"database/sql"
	"slices"
	"strings"

	"cqp/internal/domain"
)

// BulkCandidate is one generated candidate with their single enrolment.
type BulkCandidate struct {
	Candidate domain.Candidate
	Enrolment domain.Enrolment
}

// bulkParams caps the parameters of one INSERT. Both engines accept far more (SQLite 32 766,
// PostgreSQL 65 535), but SQLite looks each $N name up in a list as long as the statement's
// parameters, so that a statement's preparation grows with the square of its size.
const bulkParams = 250

// InsertCandidatesBulk inserts candidates, their enrolment and each enrolment's first status
// (its current status, at its UpdatedAt, with reason) with multi-row INSERTs, for large
// generated data sets (demo, benchmarks). It writes no audit entry: the caller records one
// entry for the whole load. Run it inside Write so that a failed load leaves nothing behind.
// The folded sort and search keys are computed as CreateCandidate computes them, so that the
// list and the search treat these rows like any other.
func (q Q) InsertCandidatesBulk(ctx context.Context, rows []BulkCandidate, reason string) error {
	if err := q.bulkCandidates(ctx, rows); err != nil {
		return err
	}
	if err := q.bulkEnrolments(ctx, rows); err != nil {
		return err
	}
	if err := q.bulkFirstStatuses(ctx, rows, reason); err != nil {
		return err
	}
	// On PostgreSQL each INSERT of enrolments appended its step counts: one row per key again.
	return q.foldCounts(ctx)
}

// multiInsert runs "INSERT INTO table (cols) VALUES (…), (…)" with one tuple per row, as many
// statements as bulkParams requires. Every full statement has the same text: inside a
// transaction it is prepared once and run for each chunk, since preparing it costs SQLite as
// much as running it.
func (q Q) multiInsert(ctx context.Context, table string, cols []string, n int, row func(i int) []any) error {
	per := max(1, bulkParams/len(cols))
	statement := func(rows int) string {
		var b strings.Builder
		b.WriteString("INSERT INTO " + table + " (" + strings.Join(cols, ", ") + ") VALUES ")
		for i := range rows {
			if i > 0 {
				b.WriteString(", ")
			}
			b.WriteString("(" + placeholders(i*len(cols)+1, len(cols)) + ")")
		}
		return b.String()
	}
	values := func(start, end int) []any {
		out := make([]any, 0, (end-start)*len(cols))
		for i := start; i < end; i++ {
			out = append(out, row(i)...)
		}
		return out
	}
	start := 0
	if tx, ok := q.db.(*sql.Tx); ok && n >= 2*per {
		stmt, err := tx.PrepareContext(ctx, statement(per))
		if err != nil {
			return normalize(err)
		}
		defer stmt.Close()
		for ; start+per <= n; start += per {
			if _, err := stmt.ExecContext(ctx, values(start, start+per)...); err != nil {
				return normalize(err)
			}
		}
	}
	for ; start < n; start += per {
		end := min(start+per, n)
		if _, err := q.db.ExecContext(ctx, statement(end-start), values(start, end)...); err != nil {
			return normalize(err)
		}
	}
	return nil
}

func (q Q) bulkCandidates(ctx context.Context, rows []BulkCandidate) error {
	cols := []string{"id", "number", "birth_name", "used_name", "first_names", "birth_date", "sex", "birth_insee",
		"birth_country", "birth_city", "email", "sort_key", "search_key", "user_id", "created_at", "nir"}
	return q.multiInsert(ctx, "candidates", cols, len(rows), func(i int) []any {
		c := rows[i].Candidate
		return []any{c.ID, c.Number, c.BirthName, c.UsedName, c.FirstNames, c.BirthDate.ISO(), string(c.Sex), c.BirthINSEE,
			c.BirthCountry, c.BirthCity, c.Email, c.SortKey(), c.SearchKey(), nullString(c.UserID), c.CreatedAt.UTC(), c.NIR}
	})
}

func (q Q) bulkEnrolments(ctx context.Context, rows []BulkCandidate) error {
	cols := []string{"id", "candidate_id", "framework_id", "qualification_id", "route", "public", "status",
		"training_organisation_id", "company_id", "referent_user_id", "blocks", "created_at", "updated_at"}
	return q.multiInsert(ctx, "enrolments", cols, len(rows), func(i int) []any {
		e := rows[i].Enrolment
		return []any{e.ID, e.CandidateID, e.FrameworkID, e.QualificationID, string(e.Route), string(e.Public), string(e.Status),
			nullString(e.TrainingOrganisationID), nullString(e.CompanyID), nullString(e.ReferentUserID),
			strings.Join(e.Blocks, " "), e.CreatedAt.UTC(), e.UpdatedAt.UTC()}
	})
}

// bulkFirstStatuses records each enrolment's current status as the first line of its history,
// with the id CreateEnrolment gives it.
func (q Q) bulkFirstStatuses(ctx context.Context, rows []BulkCandidate, reason string) error {
	cols := []string{"id", "enrolment_id", "status", "reason", "at", "by_user_id"}
	return q.multiInsert(ctx, "enrolment_status_history", cols, len(rows), func(i int) []any {
		e := rows[i].Enrolment
		return []any{e.ID + "-0", e.ID, string(e.Status), reason, e.UpdatedAt.UTC(), nullString("")}
	})
}

// BulkJurySession is a closed jury session of a generated data set: the members invited, all
// present, the enrolments presented with the outcome the session gave each, in presentation
// order, the blocks they acquired at it and the evaluators' verdicts it read on each block.
type BulkJurySession struct {
	Session    JurySession // closed: Snapshot, ClosedAt and ClosedBy set
	Members    []RosterMember
	Candidates []JuryCandidate // SessionID is the session's; Position and Outcome set
	Acquired   []AcquiredBlock
	Verdicts   []BlockVerdicts
	Surveys    []OutcomeSurvey // the follow-up surveys sent since, with their answers
}

// InsertJurySessionsBulk inserts closed jury sessions, their invitations, their candidates with
// their outcome and the blocks acquired, with multi-row INSERTs, for large generated data sets
// whose enrolments have a result (demo, benchmarks): a result exists only through a closed
// session. The enrolments must exist. It writes no audit entry; run it inside Write, after the
// enrolments, so that a failed load leaves nothing behind.
func (q Q) InsertJurySessionsBulk(ctx context.Context, sessions []BulkJurySession) error {
	cols := []string{"id", "branch_id", "starts_at", "place", "video_link", "quorum", "status", "rectification_reason",
		"snapshot", "closed_at", "closed_by", "created_at"}
	if err := q.multiInsert(ctx, "jury_sessions", cols, len(sessions), func(i int) []any {
		s := sessions[i].Session
		var closed any
		if s.ClosedAt != nil {
			closed = s.ClosedAt.UTC()
		}
		return []any{s.ID, s.BranchID, s.StartsAt.UTC(), s.Place, s.VideoLink, s.Quorum, string(s.Status), s.RectificationReason,
			s.Snapshot, closed, s.ClosedBy, s.CreatedAt.UTC()}
	}); err != nil {
		return err
	}
	type invitation struct {
		session JurySession
		member  RosterMember
	}
	var invitations []invitation
	var candidates []JuryCandidate
	var acquired []AcquiredBlock
	var verdicts []BlockVerdicts
	var surveys []OutcomeSurvey
	for _, s := range sessions {
		verdicts = append(verdicts, s.Verdicts...)
		surveys = append(surveys, s.Surveys...)
		for _, m := range s.Members {
			invitations = append(invitations, invitation{s.Session, m})
		}
		candidates = append(candidates, s.Candidates...)
		acquired = append(acquired, s.Acquired...)
	}
	if err := q.multiInsert(ctx, "jury_invitations", []string{"session_id", "user_id", "college", "present", "recorded_at"},
		len(invitations), func(i int) []any {
			in := invitations[i]
			return []any{in.session.ID, in.member.UserID, in.member.College, 1, in.session.StartsAt.UTC()}
		}); err != nil {
		return err
	}
	if err := q.multiInsert(ctx, "jury_candidates", []string{"session_id", "enrolment_id", "position", "outcome"},
		len(candidates), func(i int) []any {
			c := candidates[i]
			return []any{c.SessionID, c.EnrolmentID, c.Position, c.Outcome}
		}); err != nil {
		return err
	}
	if err := q.multiInsert(ctx, "acquired_blocks", []string{"enrolment_id", "block_code", "session_id", "acquired_on"},
		len(acquired), func(i int) []any {
			b := acquired[i]
			return []any{b.EnrolmentID, b.BlockCode, b.SessionID, b.AcquiredOn.ISO()}
		}); err != nil {
		return err
	}
	if err := q.InsertBlockVerdicts(ctx, verdicts); err != nil {
		return err
	}
	if err := q.multiInsert(ctx, "outcome_surveys", []string{"id", "enrolment_id", "candidate_id", "session_id", "wave", "result_at",
		"sent_at", "mailed", "expires_at", "reminded_at", "answered_at", "situation", "contract", "job_title", "company_name", "siret",
		"helped", "source", "recorded_by", "recorded_by_name", "recorded_at"}, len(surveys), func(i int) []any {
		o := surveys[i]
		mailed := 0
		if o.Mailed {
			mailed = 1
		}
		return []any{o.ID, o.EnrolmentID, o.CandidateID, o.SessionID, o.Wave, o.ResultAt.UTC(), o.SentAt.UTC(), mailed,
			o.ExpiresAt.UTC(), nullTime(o.RemindedAt), nullTime(o.AnsweredAt), string(o.Answer.Situation), string(o.Answer.Contract),
			o.Answer.JobTitle, o.Answer.CompanyName, o.Answer.SIRET, string(o.Answer.Helped), string(o.Source), o.RecordedBy,
			o.RecordedByName, nullTime(o.RecordedAt)}
	}); err != nil {
		return err
	}
	// Their results and agreement for the statistics, as CloseJurySession writes them, each year
	// counted once.
	var years, agreementYears []int
	for _, s := range sessions {
		if s.Session.Status == JuryClosed {
			changed, err := q.writeClosedSessionResults(ctx, s.Session.ID)
			if err != nil {
				return err
			}
			for _, y := range changed {
				if !slices.Contains(years, y) {
					years = append(years, y)
				}
			}
			if changed, err = q.writeClosedSessionAgreement(ctx, s.Session.ID); err != nil {
				return err
			}
			for _, y := range changed {
				if !slices.Contains(agreementYears, y) {
					agreementYears = append(agreementYears, y)
				}
			}
		}
	}
	if err := q.countResultsByYear(ctx, years); err != nil {
		return err
	}
	if err := q.countAgreementByYear(ctx, agreementYears); err != nil {
		return err
	}
	// On PostgreSQL each INSERT of surveys appended its counts: one row per key again.
	return q.foldCounts(ctx)
}
