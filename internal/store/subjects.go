package store

import (
	"context"
	"database/sql"
	"sort"
	"strings"
	"time"

	"cqp/internal/domain"
)

// The subject bank (issue 18): subjects with their versions, blocks, competences and PDF
// attachments. Calls, committee sessions, reviews and draws are in subject_*.go.

const subjectColumns = `s.id, s.kind, s.qualification_id, s.framework_id, s.status, s.proposer_kind, s.proposer_org_id,
	COALESCE(o.name, co.name, ''), s.proposed_by, COALESCE(pu.name, ''), COALESCE(s.call_id, ''), s.current_version,
	s.submitted_at, s.decided_at, s.valid_until, s.retired_at, s.retired_by, s.retire_reason, s.created_at, s.updated_at,
	v.title, v.candidate_text, v.expected_answer, v.marking_guide, v.duration_minutes, v.author_id, v.author_kind, v.reason, v.created_at`

const subjectFrom = ` FROM subjects s
	JOIN subject_versions v ON v.subject_id = s.id AND v.version = s.current_version
	LEFT JOIN training_organisations o ON s.proposer_kind = 'training_organisation' AND o.id = s.proposer_org_id
	LEFT JOIN companies co ON s.proposer_kind = 'company' AND co.id = s.proposer_org_id
	LEFT JOIN users pu ON pu.id = s.proposed_by`

type rowScanner interface{ Scan(dest ...any) error }

func scanSubject(r rowScanner, extra ...any) (domain.Subject, error) {
	var s domain.Subject
	var kind, status, proposerKind, validUntil string
	var submitted, decided, retired sql.NullTime
	dest := []any{&s.ID, &kind, &s.QualificationID, &s.FrameworkID, &status, &proposerKind, &s.ProposerOrgID,
		&s.ProposerOrgName, &s.ProposedBy, &s.ProposedByName, &s.CallID, &s.CurrentVersion,
		&submitted, &decided, &validUntil, &retired, &s.RetiredBy, &s.RetireReason, &s.CreatedAt, &s.UpdatedAt,
		&s.Current.Title, &s.Current.CandidateText, &s.Current.ExpectedAnswer, &s.Current.MarkingGuide, &s.Current.DurationMinutes,
		&s.Current.AuthorID, &s.Current.AuthorKind, &s.Current.Reason, &s.Current.CreatedAt}
	if err := r.Scan(append(dest, extra...)...); err != nil {
		return s, err
	}
	s.Kind, s.Status, s.ProposerKind = domain.SubjectKind(kind), domain.SubjectStatus(status), domain.ProposerKind(proposerKind)
	s.SubmittedAt, s.DecidedAt, s.RetiredAt = timePtr(submitted), timePtr(decided), timePtr(retired)
	s.ValidUntil = parseDate(validUntil)
	s.CreatedAt, s.UpdatedAt, s.Current.CreatedAt = s.CreatedAt.UTC(), s.UpdatedAt.UTC(), s.Current.CreatedAt.UTC()
	s.Current.SubjectID, s.Current.Version = s.ID, s.CurrentVersion
	return s, nil
}

// CreateSubject records a draft with its first version (the proposer's text), its blocks and
// its competences.
func (q Q) CreateSubject(ctx context.Context, s domain.Subject, v domain.SubjectVersion) error {
	if _, err := q.db.ExecContext(ctx,
		`INSERT INTO subjects (id, kind, qualification_id, framework_id, status, proposer_kind, proposer_org_id, proposed_by,
		 current_version, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 1, $9, $10)`,
		s.ID, string(s.Kind), s.QualificationID, s.FrameworkID, string(s.Status), string(s.ProposerKind), s.ProposerOrgID,
		s.ProposedBy, s.CreatedAt.UTC(), s.UpdatedAt.UTC()); err != nil {
		return normalize(err)
	}
	v.SubjectID, v.Version = s.ID, 1
	if err := q.AddSubjectVersion(ctx, v); err != nil {
		return err
	}
	return q.setSubjectCoverage(ctx, s.ID, s.Blocks, s.Competences)
}

// UpdateSubjectDraft replaces a draft's kind, qualification, coverage and proposer's text. A
// subject that is no longer a draft is a conflict.
func (q Q) UpdateSubjectDraft(ctx context.Context, s domain.Subject, v domain.SubjectVersion) error {
	res, err := q.db.ExecContext(ctx,
		`UPDATE subjects SET kind = $1, qualification_id = $2, framework_id = $3, updated_at = $4 WHERE id = $5 AND status = 'draft'`,
		string(s.Kind), s.QualificationID, s.FrameworkID, s.UpdatedAt.UTC(), s.ID)
	if err := mustAffectInState(res, err, "Ce sujet a déjà été soumis : il ne peut plus être modifié."); err != nil {
		return err
	}
	if _, err := q.db.ExecContext(ctx,
		`UPDATE subject_versions SET title = $1, candidate_text = $2, expected_answer = $3, marking_guide = $4,
		 duration_minutes = $5, created_at = $6 WHERE subject_id = $7 AND version = 1`,
		v.Title, v.CandidateText, v.ExpectedAnswer, v.MarkingGuide, v.DurationMinutes, s.UpdatedAt.UTC(), s.ID); err != nil {
		return normalize(err)
	}
	return q.setSubjectCoverage(ctx, s.ID, s.Blocks, s.Competences)
}

func (q Q) setSubjectCoverage(ctx context.Context, id string, blocks, competences []string) error {
	if _, err := q.db.ExecContext(ctx, `DELETE FROM subject_blocks WHERE subject_id = $1`, id); err != nil {
		return normalize(err)
	}
	if _, err := q.db.ExecContext(ctx, `DELETE FROM subject_competences WHERE subject_id = $1`, id); err != nil {
		return normalize(err)
	}
	for _, b := range sortedUnique(blocks) {
		if _, err := q.db.ExecContext(ctx, `INSERT INTO subject_blocks (subject_id, block_code) VALUES ($1, $2)`, id, b); err != nil {
			return normalize(err)
		}
	}
	for _, c := range sortedUnique(competences) {
		if _, err := q.db.ExecContext(ctx, `INSERT INTO subject_competences (subject_id, competence_code) VALUES ($1, $2)`, id, c); err != nil {
			return normalize(err)
		}
	}
	return nil
}

// AddSubjectVersion records a version of a subject's text and makes it the current one.
func (q Q) AddSubjectVersion(ctx context.Context, v domain.SubjectVersion) error {
	if _, err := q.db.ExecContext(ctx,
		`INSERT INTO subject_versions (subject_id, version, title, candidate_text, expected_answer, marking_guide,
		 duration_minutes, author_id, author_kind, reason, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)`,
		v.SubjectID, v.Version, v.Title, v.CandidateText, v.ExpectedAnswer, v.MarkingGuide, v.DurationMinutes, v.AuthorID,
		v.AuthorKind, v.Reason, v.CreatedAt.UTC()); err != nil {
		return normalize(err)
	}
	_, err := q.db.ExecContext(ctx, `UPDATE subjects SET current_version = $1 WHERE id = $2 AND current_version < $1`, v.Version, v.SubjectID)
	return normalize(err)
}

// SubmitSubject sends a draft to the committee within a call.
func (q Q) SubmitSubject(ctx context.Context, id, callID string, at time.Time) error {
	res, err := q.db.ExecContext(ctx,
		`UPDATE subjects SET status = 'submitted', call_id = $1, submitted_at = $2, updated_at = $2 WHERE id = $3 AND status = 'draft'`,
		callID, at.UTC(), id)
	return mustAffectInState(res, err, "Ce sujet a déjà été soumis ou retiré.")
}

// WithdrawSubject withdraws a draft.
func (q Q) WithdrawSubject(ctx context.Context, id string, at time.Time) error {
	res, err := q.db.ExecContext(ctx,
		`UPDATE subjects SET status = 'withdrawn', updated_at = $1 WHERE id = $2 AND status = 'draft'`, at.UTC(), id)
	return mustAffectInState(res, err, "Seul un brouillon peut être retiré par son auteur.")
}

// DecideSubject records the committee's decision on a submitted subject: accepted (with its
// validity) or refused.
func (q Q) DecideSubject(ctx context.Context, id string, status domain.SubjectStatus, validUntil domain.Date, at time.Time) error {
	valid := ""
	if !validUntil.IsZero() {
		valid = validUntil.ISO()
	}
	res, err := q.db.ExecContext(ctx,
		`UPDATE subjects SET status = $1, valid_until = $2, decided_at = $3, updated_at = $3 WHERE id = $4 AND status = 'submitted'`,
		string(status), valid, at.UTC(), id)
	return mustAffectInState(res, err, "La commission a déjà statué sur ce sujet.")
}

// RetireSubject takes an accepted subject out of the bank, with the reason.
func (q Q) RetireSubject(ctx context.Context, id string, at time.Time, by, reason string) error {
	res, err := q.db.ExecContext(ctx,
		`UPDATE subjects SET status = 'retired', retired_at = $1, retired_by = $2, retire_reason = $3, updated_at = $1
		 WHERE id = $4 AND status = 'accepted'`, at.UTC(), by, reason, id)
	return mustAffectInState(res, err, "Seul un sujet de la banque peut en être retiré.")
}

// mustAffectInState is mustAffect for an update guarded by the row's status: no row means the
// subject moved on (a conflict the user can understand) or does not exist.
func mustAffectInState(res sql.Result, err error, conflict string) error {
	if err := mustAffect(res, err); err != nil {
		if domain.ErrorCode(err) == domain.ENOTFOUND {
			return domain.Errorf(domain.ECONFLICT, "%s", conflict)
		}
		return err
	}
	return nil
}

// Subject returns a subject with its current version, blocks and competences.
func (q Q) Subject(ctx context.Context, id string) (domain.Subject, error) {
	s, err := scanSubject(q.db.QueryRowContext(ctx, `SELECT `+subjectColumns+subjectFrom+` WHERE s.id = $1`, id))
	if domain.ErrorCode(normalize(err)) == domain.ENOTFOUND {
		return s, domain.Errorf(domain.ENOTFOUND, "Sujet introuvable.")
	}
	if err != nil {
		return s, normalize(err)
	}
	if err := q.fillCoverage(ctx, []*domain.Subject{&s}); err != nil {
		return s, err
	}
	return s, nil
}

// fillCoverage reads the blocks and competences of the subjects.
func (q Q) fillCoverage(ctx context.Context, subjects []*domain.Subject) error {
	if len(subjects) == 0 {
		return nil
	}
	byID := map[string]*domain.Subject{}
	ids := make([]string, 0, len(subjects))
	for _, s := range subjects {
		byID[s.ID] = s
		ids = append(ids, s.ID)
	}
	for _, table := range []struct{ sql string }{
		{`SELECT subject_id, block_code, 'b' FROM subject_blocks WHERE subject_id IN `},
		{`SELECT subject_id, competence_code, 'c' FROM subject_competences WHERE subject_id IN `},
	} {
		for start := 0; start < len(ids); start += 500 {
			end := min(start+500, len(ids))
			var a args
			rows, err := q.db.QueryContext(ctx, table.sql+a.in(ids[start:end])+` ORDER BY 1, 2`, a...)
			if err != nil {
				return normalize(err)
			}
			for rows.Next() {
				var id, code, which string
				if err := rows.Scan(&id, &code, &which); err != nil {
					rows.Close()
					return normalize(err)
				}
				if which == "b" {
					byID[id].Blocks = append(byID[id].Blocks, code)
				} else {
					byID[id].Competences = append(byID[id].Competences, code)
				}
			}
			if err := rows.Close(); err != nil {
				return normalize(err)
			}
		}
	}
	return nil
}

// SubjectVersions returns every version of a subject's text, the proposer's first.
func (q Q) SubjectVersions(ctx context.Context, subjectID string) ([]domain.SubjectVersion, error) {
	rows, err := q.db.QueryContext(ctx,
		`SELECT v.subject_id, v.version, v.title, v.candidate_text, v.expected_answer, v.marking_guide, v.duration_minutes,
		 v.author_id, COALESCE(u.name, ''), v.author_kind, v.reason, v.created_at
		 FROM subject_versions v LEFT JOIN users u ON u.id = v.author_id WHERE v.subject_id = $1 ORDER BY v.version`, subjectID)
	if err != nil {
		return nil, normalize(err)
	}
	defer rows.Close()
	var out []domain.SubjectVersion
	for rows.Next() {
		var v domain.SubjectVersion
		if err := rows.Scan(&v.SubjectID, &v.Version, &v.Title, &v.CandidateText, &v.ExpectedAnswer, &v.MarkingGuide,
			&v.DurationMinutes, &v.AuthorID, &v.AuthorName, &v.AuthorKind, &v.Reason, &v.CreatedAt); err != nil {
			return nil, normalize(err)
		}
		v.CreatedAt = v.CreatedAt.UTC()
		out = append(out, v)
	}
	return out, normalize(rows.Err())
}

// SubjectListing is a subject as the bank's list shows it, with its use: the draws in force
// and the day of the last one.
type SubjectListing struct {
	domain.Subject
	Uses     int
	LastUsed *time.Time
}

// SubjectFilter narrows Subjects. Empty fields do not filter, nor does a nil MaxUses;
// NotUsedSince keeps subjects never drawn or last drawn before that time.
type SubjectFilter struct {
	QualificationID string
	BlockCode       string
	Kind            domain.SubjectKind
	Statuses        []domain.SubjectStatus
	ProposerKind    domain.ProposerKind
	ProposerOrgID   string
	ProposedBy      string
	MinUses         int
	MaxUses         *int
	NotUsedSince    *time.Time
	Limit           int
	// Order: "uses" (least used first, then oldest last use), else the latest change first.
	Order string
}

// subjectUses counts the draws in force per subject; it reads subject_draws_by_subject.
const subjectUses = ` LEFT JOIN (SELECT subject_id, COUNT(*) AS uses, MAX(drawn_at) AS last_used
	FROM subject_draws WHERE replaced_at IS NULL GROUP BY subject_id) d ON d.subject_id = s.id`

// Subjects lists subjects with their current version, coverage and use.
func (q Q) Subjects(ctx context.Context, f SubjectFilter) ([]SubjectListing, error) {
	var a args
	var conds []string
	if f.QualificationID != "" {
		conds = append(conds, `s.qualification_id = `+a.add(f.QualificationID))
	}
	if f.BlockCode != "" {
		conds = append(conds, `EXISTS (SELECT 1 FROM subject_blocks b WHERE b.subject_id = s.id AND b.block_code = `+a.add(f.BlockCode)+`)`)
	}
	if f.Kind != "" {
		conds = append(conds, `s.kind = `+a.add(string(f.Kind)))
	}
	if len(f.Statuses) > 0 {
		st := make([]string, len(f.Statuses))
		for i, s := range f.Statuses {
			st[i] = string(s)
		}
		conds = append(conds, `s.status IN `+a.in(st))
	}
	if f.ProposerKind != "" {
		conds = append(conds, `s.proposer_kind = `+a.add(string(f.ProposerKind)))
	}
	if f.ProposerOrgID != "" {
		conds = append(conds, `s.proposer_org_id = `+a.add(f.ProposerOrgID))
	}
	if f.ProposedBy != "" {
		conds = append(conds, `s.proposed_by = `+a.add(f.ProposedBy))
	}
	if f.MinUses > 0 {
		conds = append(conds, `COALESCE(d.uses, 0) >= `+a.add(f.MinUses))
	}
	if f.MaxUses != nil {
		conds = append(conds, `COALESCE(d.uses, 0) <= `+a.add(*f.MaxUses))
	}
	if f.NotUsedSince != nil {
		conds = append(conds, `(d.last_used IS NULL OR d.last_used < `+a.add(f.NotUsedSince.UTC())+`)`)
	}
	where := ""
	if len(conds) > 0 {
		where = ` WHERE ` + strings.Join(conds, " AND ")
	}
	order := ` ORDER BY s.updated_at DESC, s.id`
	if f.Order == "uses" {
		order = ` ORDER BY COALESCE(d.uses, 0), CASE WHEN d.last_used IS NULL THEN 0 ELSE 1 END, d.last_used, s.id`
	}
	limit := ""
	if f.Limit > 0 {
		limit = ` LIMIT ` + a.add(f.Limit)
	}
	rows, err := q.db.QueryContext(ctx, `SELECT `+subjectColumns+`, COALESCE(d.uses, 0), d.last_used`+subjectFrom+subjectUses+where+order+limit, a...)
	if err != nil {
		return nil, normalize(err)
	}
	var out []SubjectListing
	for rows.Next() {
		var l SubjectListing
		var last aggregateTime
		s, err := scanSubject(rows, &l.Uses, &last)
		if err != nil {
			rows.Close()
			return nil, normalize(err)
		}
		l.Subject, l.LastUsed = s, last.t
		out = append(out, l)
	}
	if err := rows.Close(); err != nil {
		return nil, normalize(err)
	}
	if err := normalize(rows.Err()); err != nil {
		return nil, err
	}
	ptrs := make([]*domain.Subject, len(out))
	for i := range out {
		ptrs[i] = &out[i].Subject
	}
	return out, q.fillCoverage(ctx, ptrs)
}

// AddSubjectAttachment stores one PDF of a subject.
func (q Q) AddSubjectAttachment(ctx context.Context, a domain.SubjectAttachment) error {
	_, err := q.db.ExecContext(ctx,
		`INSERT INTO subject_attachments (id, subject_id, filename, size_bytes, sha256, content, uploaded_at, uploaded_by)
		 VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
		a.ID, a.SubjectID, a.Filename, a.SizeBytes, a.SHA256, a.Content, a.UploadedAt.UTC(), a.UploadedBy)
	return normalize(err)
}

// SubjectAttachments lists a subject's attachments without their content, in upload order.
func (q Q) SubjectAttachments(ctx context.Context, subjectID string) ([]domain.SubjectAttachment, error) {
	rows, err := q.db.QueryContext(ctx,
		`SELECT id, subject_id, filename, size_bytes, sha256, uploaded_at, uploaded_by FROM subject_attachments
		 WHERE subject_id = $1 ORDER BY uploaded_at, id`, subjectID)
	if err != nil {
		return nil, normalize(err)
	}
	defer rows.Close()
	var out []domain.SubjectAttachment
	for rows.Next() {
		var a domain.SubjectAttachment
		if err := rows.Scan(&a.ID, &a.SubjectID, &a.Filename, &a.SizeBytes, &a.SHA256, &a.UploadedAt, &a.UploadedBy); err != nil {
			return nil, normalize(err)
		}
		a.UploadedAt = a.UploadedAt.UTC()
		out = append(out, a)
	}
	return out, normalize(rows.Err())
}

// SubjectAttachment returns one attachment of a subject with its content; one of another
// subject is not found.
func (q Q) SubjectAttachment(ctx context.Context, subjectID, id string) (domain.SubjectAttachment, error) {
	var a domain.SubjectAttachment
	err := q.db.QueryRowContext(ctx,
		`SELECT id, subject_id, filename, size_bytes, sha256, content, uploaded_at, uploaded_by FROM subject_attachments
		 WHERE subject_id = $1 AND id = $2`, subjectID, id).
		Scan(&a.ID, &a.SubjectID, &a.Filename, &a.SizeBytes, &a.SHA256, &a.Content, &a.UploadedAt, &a.UploadedBy)
	if domain.ErrorCode(normalize(err)) == domain.ENOTFOUND {
		return a, domain.Errorf(domain.ENOTFOUND, "Pièce jointe introuvable.")
	}
	a.UploadedAt = a.UploadedAt.UTC()
	return a, normalize(err)
}

// DeleteSubjectAttachment removes an attachment of a draft (the service checks the status).
func (q Q) DeleteSubjectAttachment(ctx context.Context, subjectID, id string) error {
	res, err := q.db.ExecContext(ctx, `DELETE FROM subject_attachments WHERE subject_id = $1 AND id = $2`, subjectID, id)
	return mustAffect(res, err)
}

// sortedUnique returns the values sorted without repeats.
func sortedUnique(values []string) []string {
	out := append([]string(nil), values...)
	sort.Strings(out)
	n := 0
	for i, v := range out {
		if i == 0 || v != out[n-1] {
			out[n] = v
			n++
		}
	}
	return out[:n]
}
