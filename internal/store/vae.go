package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"strings"
	"time"

	"cqp/internal/domain"
)

// VAEFile is a VAE request with its admissibility file and the experience file's state. There
// is one per VAE enrolment.
type VAEFile struct {
	EnrolmentID      string
	Status           domain.VAEStatus
	RequestedBy      domain.RequestedBy
	RequestMessage   string
	Draft            domain.AdmissibilityFile // what the candidate is writing
	Version          int                      // last submitted version; 0 before the first
	ValidUntil       domain.Date              // end of the admissibility's validity
	AdviserUserID    string
	AdviserName      string // filled when read
	ExperienceStatus domain.ExperienceStatus
	ExperienceRound  int
	SentAt           *time.Time
	WaitingSince     *time.Time // since when the candidate holds a file to return
	LastReminderAt   *time.Time
	CreatedAt        time.Time
	UpdatedAt        time.Time
	// PurgedAt is when the file's content was erased (its retention ended, or the person asked);
	// nil while it is whole.
	PurgedAt *time.Time
}

func draftJSON(f domain.AdmissibilityFile) (string, error) {
	b, err := json.Marshal(f)
	return string(b), err
}

func parseDraft(s string) (domain.AdmissibilityFile, error) {
	var f domain.AdmissibilityFile
	if s == "" {
		return f, nil
	}
	err := json.Unmarshal([]byte(s), &f)
	return f, err
}

// CreateVAEFile records a new VAE request.
func (q Q) CreateVAEFile(ctx context.Context, f VAEFile) error {
	draft, err := draftJSON(f.Draft)
	if err != nil {
		return err
	}
	_, err = q.db.ExecContext(ctx,
		`INSERT INTO vae_files (enrolment_id, status, requested_by_kind, request_message, draft, version, valid_until,
		 adviser_user_id, experience_status, experience_round, sent_at, waiting_since, last_reminder_at, created_at, updated_at)
		 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15)`,
		f.EnrolmentID, string(f.Status), string(f.RequestedBy), f.RequestMessage, draft, f.Version, f.ValidUntil.ISO(),
		f.AdviserUserID, string(f.ExperienceStatus), f.ExperienceRound, nullTime(f.SentAt), nullTime(f.WaitingSince),
		nullTime(f.LastReminderAt), f.CreatedAt.UTC(), f.UpdatedAt.UTC())
	return normalize(err)
}

// UpdateVAEFile writes every changeable field of a VAE file.
func (q Q) UpdateVAEFile(ctx context.Context, f VAEFile) error {
	draft, err := draftJSON(f.Draft)
	if err != nil {
		return err
	}
	res, err := q.db.ExecContext(ctx,
		`UPDATE vae_files SET status = $1, draft = $2, version = $3, valid_until = $4, adviser_user_id = $5,
		 experience_status = $6, experience_round = $7, sent_at = $8, waiting_since = $9, last_reminder_at = $10, updated_at = $11
		 WHERE enrolment_id = $12`,
		string(f.Status), draft, f.Version, f.ValidUntil.ISO(), f.AdviserUserID, string(f.ExperienceStatus), f.ExperienceRound,
		nullTime(f.SentAt), nullTime(f.WaitingSince), nullTime(f.LastReminderAt), f.UpdatedAt.UTC(), f.EnrolmentID)
	return mustAffect(res, err)
}

const vaeFileColumns = `f.enrolment_id, f.status, f.requested_by_kind, f.request_message, f.draft, f.version, f.valid_until,
	f.adviser_user_id, COALESCE(adv.name, ''), f.experience_status, f.experience_round, f.sent_at, f.waiting_since,
	f.last_reminder_at, f.created_at, f.updated_at, f.purged_at`

const vaeFileFrom = ` FROM vae_files f LEFT JOIN users adv ON adv.id = f.adviser_user_id`

// rawVAEFile receives a vae_files row before its text columns are decoded.
type rawVAEFile struct {
	f                             VAEFile
	status, by, draft, valid, exp string
	sent, waiting, reminded       sql.NullTime
	purged                        sql.NullTime
}

func (r *rawVAEFile) dest() []any {
	return []any{&r.f.EnrolmentID, &r.status, &r.by, &r.f.RequestMessage, &r.draft, &r.f.Version, &r.valid, &r.f.AdviserUserID,
		&r.f.AdviserName, &r.exp, &r.f.ExperienceRound, &r.sent, &r.waiting, &r.reminded, &r.f.CreatedAt, &r.f.UpdatedAt, &r.purged}
}

func (r *rawVAEFile) finish() (VAEFile, error) {
	f := r.f
	f.Status, f.RequestedBy, f.ExperienceStatus = domain.VAEStatus(r.status), domain.RequestedBy(r.by), domain.ExperienceStatus(r.exp)
	f.ValidUntil = parseDate(r.valid)
	f.SentAt, f.WaitingSince, f.LastReminderAt = timePtr(r.sent), timePtr(r.waiting), timePtr(r.reminded)
	f.PurgedAt = timePtr(r.purged)
	var err error
	f.Draft, err = parseDraft(r.draft)
	return f, err
}

func scanVAEFile(row interface{ Scan(...any) error }) (VAEFile, error) {
	var r rawVAEFile
	if err := row.Scan(r.dest()...); err != nil {
		return VAEFile{}, normalize(err)
	}
	return r.finish()
}

// VAEFile returns the VAE file of an enrolment.
func (q Q) VAEFile(ctx context.Context, enrolmentID string) (VAEFile, error) {
	f, err := scanVAEFile(q.db.QueryRowContext(ctx, `SELECT `+vaeFileColumns+vaeFileFrom+` WHERE f.enrolment_id = $1`, enrolmentID))
	if domain.ErrorCode(err) == domain.ENOTFOUND {
		return f, domain.Errorf(domain.ENOTFOUND, "Dossier de VAE introuvable.")
	}
	return f, err
}

// VAEScope limits the VAE files a list returns. The zero VAEScope sees every file; a
// restricted one sees a file when any of its lists matches.
type VAEScope struct {
	Restricted              bool
	CandidateIDs            []string // the candidate's own files
	CompanyIDs              []string // the files of a company's employees
	ReviewerOrganisationIDs []string // the files a training organisation was asked to review
	AdviserUserID           string   // the files this VAE adviser follows
	CommissionMemberUserID  string   // the files heard by a commission this user sits on
}

func vaeScopeSQL(s VAEScope, a *args) string {
	if !s.Restricted {
		return ""
	}
	var parts []string
	if len(s.CandidateIDs) > 0 {
		parts = append(parts, `e.candidate_id IN `+a.in(s.CandidateIDs))
	}
	if len(s.CompanyIDs) > 0 {
		parts = append(parts, `e.company_id IN `+a.in(s.CompanyIDs))
	}
	if len(s.ReviewerOrganisationIDs) > 0 {
		parts = append(parts, `f.enrolment_id IN (SELECT r.enrolment_id FROM vae_reviews r WHERE r.training_organisation_id IN `+
			a.in(s.ReviewerOrganisationIDs)+`)`)
	}
	if s.AdviserUserID != "" {
		parts = append(parts, `f.adviser_user_id = `+a.add(s.AdviserUserID))
	}
	if s.CommissionMemberUserID != "" {
		parts = append(parts, `f.enrolment_id IN (SELECT orl.enrolment_id FROM orals orl JOIN commission_members m
			ON m.commission_id = orl.commission_id WHERE m.user_id = `+a.add(s.CommissionMemberUserID)+`)`)
	}
	if len(parts) == 0 {
		return "1 = 0"
	}
	return "(" + strings.Join(parts, " OR ") + ")"
}

// VAEFileVisible reports whether the scope sees the enrolment's VAE file.
func (q Q) VAEFileVisible(ctx context.Context, enrolmentID string, s VAEScope) (bool, error) {
	var a args
	where := `f.enrolment_id = ` + a.add(enrolmentID)
	if cond := vaeScopeSQL(s, &a); cond != "" {
		where += " AND " + cond
	}
	var n int
	err := q.db.QueryRowContext(ctx, `SELECT COUNT(*) FROM vae_files f JOIN enrolments e ON e.id = f.enrolment_id WHERE `+where, a...).Scan(&n)
	return n > 0, normalize(err)
}

// VAEListing is one line of the VAE files list.
type VAEListing struct {
	File               VAEFile
	Candidate          domain.Candidate // identity
	QualificationCode  string
	QualificationTitle string
	EnrolmentStatus    domain.EnrolmentStatus
	ReviewerName       string // the organisation asked for the latest review, if any
	ReviewOpinion      domain.ReviewOpinion
}

// VAEFilter selects VAE files.
type VAEFilter struct {
	Statuses []domain.VAEStatus // any of these; none: every status
	Scope    VAEScope
	Limit    int // 0: 500
	Offset   int
}

// where returns the filter's condition on vae_files f joined with enrolments e.
func (f VAEFilter) where(a *args) string {
	var conds []string
	if len(f.Statuses) > 0 {
		st := make([]string, len(f.Statuses))
		for i, s := range f.Statuses {
			st[i] = string(s)
		}
		conds = append(conds, `f.status IN `+a.in(st))
	}
	if cond := vaeScopeSQL(f.Scope, a); cond != "" {
		conds = append(conds, cond)
	}
	if len(conds) == 0 {
		return ""
	}
	return " WHERE " + strings.Join(conds, " AND ")
}

// CountVAEFiles counts the VAE files the filter selects.
func (q Q) CountVAEFiles(ctx context.Context, f VAEFilter) (int, error) {
	var a args
	var n int
	err := q.db.QueryRowContext(ctx, `SELECT COUNT(*) FROM vae_files f JOIN enrolments e ON e.id = f.enrolment_id`+f.where(&a), a...).Scan(&n)
	return n, normalize(err)
}

// VAEFiles returns the VAE files the filter selects, oldest change first, as a queue.
func (q Q) VAEFiles(ctx context.Context, f VAEFilter) ([]VAEListing, error) {
	var a args
	where := f.where(&a)
	limit := f.Limit
	if limit <= 0 {
		limit = 500
	}
	rows, err := q.db.QueryContext(ctx, `SELECT `+candidateColumns+`, `+vaeFileColumns+`, qu.code, qu.title, e.status,
		COALESCE((SELECT o.name FROM vae_reviews r JOIN training_organisations o ON o.id = r.training_organisation_id
		  WHERE r.enrolment_id = f.enrolment_id ORDER BY r.requested_at DESC, r.id DESC LIMIT 1), ''),
		COALESCE((SELECT r.opinion FROM vae_reviews r
		  WHERE r.enrolment_id = f.enrolment_id ORDER BY r.requested_at DESC, r.id DESC LIMIT 1), '')`+
		vaeFileFrom+` JOIN enrolments e ON e.id = f.enrolment_id
		JOIN candidates c ON c.id = e.candidate_id
		JOIN qualifications qu ON qu.id = e.qualification_id`+where+
		` ORDER BY f.updated_at, f.enrolment_id LIMIT `+a.add(limit)+` OFFSET `+a.add(max(f.Offset, 0)), a...)
	if err != nil {
		return nil, normalize(err)
	}
	defer rows.Close()
	var out []VAEListing
	for rows.Next() {
		var l VAEListing
		var raw rawVAEFile
		var status, opinion string
		c, err := scanCandidate(rows, append(raw.dest(), &l.QualificationCode, &l.QualificationTitle, &status, &l.ReviewerName, &opinion)...)
		if err != nil {
			return nil, normalize(err)
		}
		if l.File, err = raw.finish(); err != nil {
			return nil, err
		}
		l.Candidate = c
		l.EnrolmentStatus, l.ReviewOpinion = domain.EnrolmentStatus(status), domain.ReviewOpinion(opinion)
		out = append(out, l)
	}
	return out, normalize(rows.Err())
}

// VAEFileVersion is one submitted admissibility file, as it was sent.
type VAEFileVersion struct {
	EnrolmentID     string
	Version         int
	Content         domain.AdmissibilityFile
	SubmittedAt     time.Time
	SubmittedBy     string
	SubmittedByName string // filled when read
}

// AddVAEFileVersion keeps a submitted admissibility file.
func (q Q) AddVAEFileVersion(ctx context.Context, v VAEFileVersion) error {
	content, err := draftJSON(v.Content)
	if err != nil {
		return err
	}
	_, err = q.db.ExecContext(ctx,
		`INSERT INTO vae_file_versions (enrolment_id, version, content, submitted_at, submitted_by) VALUES ($1, $2, $3, $4, $5)`,
		v.EnrolmentID, v.Version, content, v.SubmittedAt.UTC(), v.SubmittedBy)
	return normalize(err)
}

// VAEFileVersions returns every submitted version of an enrolment's admissibility file, the
// latest first.
func (q Q) VAEFileVersions(ctx context.Context, enrolmentID string) ([]VAEFileVersion, error) {
	rows, err := q.db.QueryContext(ctx,
		`SELECT v.enrolment_id, v.version, v.content, v.submitted_at, v.submitted_by, COALESCE(u.name, '')
		 FROM vae_file_versions v LEFT JOIN users u ON u.id = v.submitted_by
		 WHERE v.enrolment_id = $1 ORDER BY v.version DESC`, enrolmentID)
	if err != nil {
		return nil, normalize(err)
	}
	defer rows.Close()
	var out []VAEFileVersion
	for rows.Next() {
		var v VAEFileVersion
		var content string
		if err := rows.Scan(&v.EnrolmentID, &v.Version, &content, &v.SubmittedAt, &v.SubmittedBy, &v.SubmittedByName); err != nil {
			return nil, normalize(err)
		}
		if v.Content, err = parseDraft(content); err != nil {
			return nil, err
		}
		out = append(out, v)
	}
	return out, normalize(rows.Err())
}

// VAEReview is a training organisation asked to review one version of an admissibility file,
// and its reasoned opinion once given.
type VAEReview struct {
	ID                       string
	EnrolmentID              string
	FileVersion              int
	TrainingOrganisationID   string
	TrainingOrganisationName string // filled when read
	RequestedAt              time.Time
	RequestedBy              string
	Opinion                  domain.ReviewOpinion // "" while awaited
	Comment                  string
	GivenAt                  *time.Time
	GivenBy                  string
	GivenByName              string // filled when read
}

// Given reports whether the organisation gave its opinion.
func (r VAEReview) Given() bool { return r.GivenAt != nil }

// CreateVAEReview records a review request.
func (q Q) CreateVAEReview(ctx context.Context, r VAEReview) error {
	_, err := q.db.ExecContext(ctx,
		`INSERT INTO vae_reviews (id, enrolment_id, file_version, training_organisation_id, requested_at, requested_by)
		 VALUES ($1, $2, $3, $4, $5, $6)`,
		r.ID, r.EnrolmentID, r.FileVersion, r.TrainingOrganisationID, r.RequestedAt.UTC(), r.RequestedBy)
	return normalize(err)
}

// GiveVAEReview records the opinion on a review still awaited.
func (q Q) GiveVAEReview(ctx context.Context, r VAEReview) error {
	res, err := q.db.ExecContext(ctx,
		`UPDATE vae_reviews SET opinion = $1, comment = $2, given_at = $3, given_by = $4 WHERE id = $5 AND given_at IS NULL`,
		string(r.Opinion), r.Comment, nullTime(r.GivenAt), r.GivenBy, r.ID)
	return mustAffect(res, err)
}

// VAEReviews returns an enrolment's review requests, the latest first.
func (q Q) VAEReviews(ctx context.Context, enrolmentID string) ([]VAEReview, error) {
	rows, err := q.db.QueryContext(ctx,
		`SELECT r.id, r.enrolment_id, r.file_version, r.training_organisation_id, o.name, r.requested_at, r.requested_by,
		 r.opinion, r.comment, r.given_at, r.given_by, COALESCE(u.name, '')
		 FROM vae_reviews r JOIN training_organisations o ON o.id = r.training_organisation_id
		 LEFT JOIN users u ON u.id = r.given_by
		 WHERE r.enrolment_id = $1 ORDER BY r.requested_at DESC, r.id DESC`, enrolmentID)
	if err != nil {
		return nil, normalize(err)
	}
	defer rows.Close()
	var out []VAEReview
	for rows.Next() {
		var r VAEReview
		var opinion string
		var given sql.NullTime
		if err := rows.Scan(&r.ID, &r.EnrolmentID, &r.FileVersion, &r.TrainingOrganisationID, &r.TrainingOrganisationName,
			&r.RequestedAt, &r.RequestedBy, &opinion, &r.Comment, &given, &r.GivenBy, &r.GivenByName); err != nil {
			return nil, normalize(err)
		}
		r.Opinion, r.GivenAt = domain.ReviewOpinion(opinion), timePtr(given)
		out = append(out, r)
	}
	return out, normalize(rows.Err())
}

// VAEDecision is the secretariat's decision on one version of an admissibility file.
type VAEDecision struct {
	ID                  string
	EnrolmentID         string
	FileVersion         int
	Decision            domain.VAEDecisionKind
	Reason              string
	ValidUntil          domain.Date  // admissible
	RedirectRoute       domain.Route // redirected
	RedirectEnrolmentID string       // the enrolment the redirection created
	Letter              []byte       // the decision letter (PDF); not filled by VAEDecisions
	DecidedAt           time.Time
	DecidedBy           string
	DecidedByName       string // filled when read
	RevokedAt           *time.Time
	RevokedBy           string
	RevokedByName       string // filled when read
	RevokeReason        string
}

// Revoked reports whether the decision was revoked.
func (d VAEDecision) Revoked() bool { return d.RevokedAt != nil }

// CreateVAEDecision records a decision with its letter.
func (q Q) CreateVAEDecision(ctx context.Context, d VAEDecision) error {
	_, err := q.db.ExecContext(ctx,
		`INSERT INTO vae_decisions (id, enrolment_id, file_version, decision, reason, valid_until, redirect_route,
		 redirect_enrolment_id, letter, decided_at, decided_by) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)`,
		d.ID, d.EnrolmentID, d.FileVersion, string(d.Decision), d.Reason, d.ValidUntil.ISO(), string(d.RedirectRoute),
		d.RedirectEnrolmentID, d.Letter, d.DecidedAt.UTC(), d.DecidedBy)
	return normalize(err)
}

// RevokeVAEDecision marks a decision revoked, with who and why; a decision is revoked once.
func (q Q) RevokeVAEDecision(ctx context.Context, id string, at time.Time, by, reason string) error {
	res, err := q.db.ExecContext(ctx,
		`UPDATE vae_decisions SET revoked_at = $1, revoked_by = $2, revoke_reason = $3 WHERE id = $4 AND revoked_at IS NULL`,
		at.UTC(), by, reason, id)
	return mustAffect(res, err)
}

// VAEDecisions returns an enrolment's decisions without their letters, the latest first.
func (q Q) VAEDecisions(ctx context.Context, enrolmentID string) ([]VAEDecision, error) {
	rows, err := q.db.QueryContext(ctx,
		`SELECT d.id, d.enrolment_id, d.file_version, d.decision, d.reason, d.valid_until, d.redirect_route,
		 d.redirect_enrolment_id, d.decided_at, d.decided_by, COALESCE(u.name, ''), d.revoked_at, d.revoked_by,
		 COALESCE(r.name, ''), d.revoke_reason
		 FROM vae_decisions d LEFT JOIN users u ON u.id = d.decided_by LEFT JOIN users r ON r.id = d.revoked_by
		 WHERE d.enrolment_id = $1 ORDER BY d.decided_at DESC, d.id DESC`, enrolmentID)
	if err != nil {
		return nil, normalize(err)
	}
	defer rows.Close()
	var out []VAEDecision
	for rows.Next() {
		var d VAEDecision
		var decision, valid, route string
		var revoked sql.NullTime
		if err := rows.Scan(&d.ID, &d.EnrolmentID, &d.FileVersion, &decision, &d.Reason, &valid, &route,
			&d.RedirectEnrolmentID, &d.DecidedAt, &d.DecidedBy, &d.DecidedByName, &revoked, &d.RevokedBy,
			&d.RevokedByName, &d.RevokeReason); err != nil {
			return nil, normalize(err)
		}
		d.Decision, d.ValidUntil, d.RedirectRoute, d.RevokedAt = domain.VAEDecisionKind(decision), parseDate(valid), domain.Route(route), timePtr(revoked)
		out = append(out, d)
	}
	return out, normalize(rows.Err())
}

// VAEDecisionLetter returns the letter of one of an enrolment's decisions.
func (q Q) VAEDecisionLetter(ctx context.Context, enrolmentID, id string) ([]byte, error) {
	var letter []byte
	err := q.db.QueryRowContext(ctx, `SELECT letter FROM vae_decisions WHERE enrolment_id = $1 AND id = $2`, enrolmentID, id).Scan(&letter)
	if domain.ErrorCode(normalize(err)) == domain.ENOTFOUND {
		return nil, domain.Errorf(domain.ENOTFOUND, "Lettre de décision introuvable.")
	}
	return letter, normalize(err)
}

// ExperienceBlock is what the candidate wrote for one block of the experience file.
type ExperienceBlock struct {
	BlockCode     string
	Narrative     string
	UpdatedAt     time.Time
	UpdatedBy     string
	UpdatedByName string // filled when read
}

// SaveExperienceBlock writes one block's narrative, replacing the earlier text (the audit
// trail keeps it).
func (q Q) SaveExperienceBlock(ctx context.Context, enrolmentID string, b ExperienceBlock) error {
	_, err := q.db.ExecContext(ctx,
		`INSERT INTO vae_experience_blocks (enrolment_id, block_code, narrative, updated_at, updated_by) VALUES ($1, $2, $3, $4, $5)
		 ON CONFLICT (enrolment_id, block_code) DO UPDATE SET narrative = excluded.narrative, updated_at = excluded.updated_at,
		 updated_by = excluded.updated_by`,
		enrolmentID, b.BlockCode, b.Narrative, b.UpdatedAt.UTC(), b.UpdatedBy)
	return normalize(err)
}

// ExperienceBlocks returns the experience file's narratives by block code.
func (q Q) ExperienceBlocks(ctx context.Context, enrolmentID string) (map[string]ExperienceBlock, error) {
	rows, err := q.db.QueryContext(ctx,
		`SELECT b.block_code, b.narrative, b.updated_at, b.updated_by, COALESCE(u.name, '')
		 FROM vae_experience_blocks b LEFT JOIN users u ON u.id = b.updated_by WHERE b.enrolment_id = $1`, enrolmentID)
	if err != nil {
		return nil, normalize(err)
	}
	defer rows.Close()
	out := map[string]ExperienceBlock{}
	for rows.Next() {
		var b ExperienceBlock
		if err := rows.Scan(&b.BlockCode, &b.Narrative, &b.UpdatedAt, &b.UpdatedBy, &b.UpdatedByName); err != nil {
			return nil, normalize(err)
		}
		out[b.BlockCode] = b
	}
	return out, normalize(rows.Err())
}

// AddEvidence stores one evidence file with its content.
func (q Q) AddEvidence(ctx context.Context, e domain.Evidence, content []byte) error {
	_, err := q.db.ExecContext(ctx,
		`INSERT INTO vae_evidence (id, enrolment_id, block_code, title, filename, content_type, size_bytes, sha256, content,
		 round, uploaded_at, uploaded_by) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)`,
		e.ID, e.EnrolmentID, e.BlockCode, e.Title, e.Filename, e.ContentType, e.SizeBytes, e.SHA256, content, e.Round,
		e.UploadedAt.UTC(), e.UploadedBy)
	return normalize(err)
}

// EvidenceList returns an enrolment's evidence files, without their content, in upload order.
func (q Q) EvidenceList(ctx context.Context, enrolmentID string) ([]domain.Evidence, error) {
	rows, err := q.db.QueryContext(ctx,
		`SELECT v.id, v.enrolment_id, v.block_code, v.title, v.filename, v.content_type, v.size_bytes, v.sha256, v.round,
		 v.uploaded_at, v.uploaded_by, COALESCE(u.name, '')
		 FROM vae_evidence v LEFT JOIN users u ON u.id = v.uploaded_by
		 WHERE v.enrolment_id = $1 ORDER BY v.uploaded_at, v.id`, enrolmentID)
	if err != nil {
		return nil, normalize(err)
	}
	defer rows.Close()
	var out []domain.Evidence
	for rows.Next() {
		var e domain.Evidence
		if err := rows.Scan(&e.ID, &e.EnrolmentID, &e.BlockCode, &e.Title, &e.Filename, &e.ContentType, &e.SizeBytes,
			&e.SHA256, &e.Round, &e.UploadedAt, &e.UploadedBy, &e.UploadedByName); err != nil {
			return nil, normalize(err)
		}
		out = append(out, e)
	}
	return out, normalize(rows.Err())
}

// EvidenceContent returns one of an enrolment's evidence files with its content. An evidence
// file of another enrolment is "not found".
func (q Q) EvidenceContent(ctx context.Context, enrolmentID, id string) (domain.Evidence, []byte, error) {
	var e domain.Evidence
	var content []byte
	err := q.db.QueryRowContext(ctx,
		`SELECT id, enrolment_id, block_code, title, filename, content_type, size_bytes, sha256, round, uploaded_at, uploaded_by, content
		 FROM vae_evidence WHERE enrolment_id = $1 AND id = $2`, enrolmentID, id).
		Scan(&e.ID, &e.EnrolmentID, &e.BlockCode, &e.Title, &e.Filename, &e.ContentType, &e.SizeBytes, &e.SHA256, &e.Round,
			&e.UploadedAt, &e.UploadedBy, &content)
	if domain.ErrorCode(normalize(err)) == domain.ENOTFOUND {
		return e, nil, domain.Errorf(domain.ENOTFOUND, "Pièce justificative introuvable.")
	}
	return e, content, normalize(err)
}

// DeleteEvidence removes an evidence file not yet submitted (the service checks that; the
// audit trail keeps its name and fingerprint).
func (q Q) DeleteEvidence(ctx context.Context, enrolmentID, id string) error {
	res, err := q.db.ExecContext(ctx, `DELETE FROM vae_evidence WHERE enrolment_id = $1 AND id = $2`, enrolmentID, id)
	return mustAffect(res, err)
}

// ExperienceSubmission is one round of the experience file sent to the commission.
type ExperienceSubmission struct {
	Round           int
	Blocks          []string
	SubmittedAt     time.Time
	SubmittedBy     string
	SubmittedByName string // filled when read
}

// AddExperienceSubmission records a submitted round.
func (q Q) AddExperienceSubmission(ctx context.Context, enrolmentID string, s ExperienceSubmission) error {
	_, err := q.db.ExecContext(ctx,
		`INSERT INTO vae_experience_submissions (enrolment_id, round, blocks, submitted_at, submitted_by) VALUES ($1, $2, $3, $4, $5)`,
		enrolmentID, s.Round, strings.Join(s.Blocks, ","), s.SubmittedAt.UTC(), s.SubmittedBy)
	return normalize(err)
}

// ExperienceSubmissions returns the submitted rounds, the latest first.
func (q Q) ExperienceSubmissions(ctx context.Context, enrolmentID string) ([]ExperienceSubmission, error) {
	rows, err := q.db.QueryContext(ctx,
		`SELECT s.round, s.blocks, s.submitted_at, s.submitted_by, COALESCE(u.name, '')
		 FROM vae_experience_submissions s LEFT JOIN users u ON u.id = s.submitted_by
		 WHERE s.enrolment_id = $1 ORDER BY s.round DESC`, enrolmentID)
	if err != nil {
		return nil, normalize(err)
	}
	defer rows.Close()
	var out []ExperienceSubmission
	for rows.Next() {
		var s ExperienceSubmission
		var blocks string
		if err := rows.Scan(&s.Round, &blocks, &s.SubmittedAt, &s.SubmittedBy, &s.SubmittedByName); err != nil {
			return nil, normalize(err)
		}
		if blocks != "" {
			s.Blocks = strings.Split(blocks, ",")
		}
		out = append(out, s)
	}
	return out, normalize(rows.Err())
}

// AdviserComment is a VAE adviser's comment on the experience file.
type AdviserComment struct {
	ID            string
	BlockCode     string // "" for the whole file
	Comment       string
	CreatedAt     time.Time
	CreatedBy     string
	CreatedByName string // filled when read
}

// AddAdviserComment records a comment.
func (q Q) AddAdviserComment(ctx context.Context, enrolmentID string, c AdviserComment) error {
	_, err := q.db.ExecContext(ctx,
		`INSERT INTO vae_adviser_comments (id, enrolment_id, block_code, comment, created_at, created_by) VALUES ($1, $2, $3, $4, $5, $6)`,
		c.ID, enrolmentID, c.BlockCode, c.Comment, c.CreatedAt.UTC(), c.CreatedBy)
	return normalize(err)
}

// AdviserComments returns the comments on an experience file, oldest first.
func (q Q) AdviserComments(ctx context.Context, enrolmentID string) ([]AdviserComment, error) {
	rows, err := q.db.QueryContext(ctx,
		`SELECT c.id, c.block_code, c.comment, c.created_at, c.created_by, COALESCE(u.name, '')
		 FROM vae_adviser_comments c LEFT JOIN users u ON u.id = c.created_by
		 WHERE c.enrolment_id = $1 ORDER BY c.created_at, c.id`, enrolmentID)
	if err != nil {
		return nil, normalize(err)
	}
	defer rows.Close()
	var out []AdviserComment
	for rows.Next() {
		var c AdviserComment
		if err := rows.Scan(&c.ID, &c.BlockCode, &c.Comment, &c.CreatedAt, &c.CreatedBy, &c.CreatedByName); err != nil {
			return nil, normalize(err)
		}
		out = append(out, c)
	}
	return out, normalize(rows.Err())
}

// VAEFilesWaiting returns the files a candidate has held since before the given time without
// a reminder since then: admissibility files sent or returned as incomplete, and experience
// files still being written.
func (q Q) VAEFilesWaiting(ctx context.Context, before time.Time) ([]VAEFile, error) {
	rows, err := q.db.QueryContext(ctx, `SELECT `+vaeFileColumns+vaeFileFrom+`
		WHERE (f.status IN ($1, $2) OR (f.status = $3 AND f.experience_status = $4))
		AND f.waiting_since IS NOT NULL AND f.waiting_since <= $5
		AND (f.last_reminder_at IS NULL OR f.last_reminder_at <= $5)
		ORDER BY f.waiting_since, f.enrolment_id`,
		string(domain.VAESent), string(domain.VAEIncomplete), string(domain.VAEAdmissible), string(domain.ExperienceOpen), before.UTC())
	if err != nil {
		return nil, normalize(err)
	}
	defer rows.Close()
	var out []VAEFile
	for rows.Next() {
		f, err := scanVAEFile(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, f)
	}
	return out, normalize(rows.Err())
}

// MarkVAEReminded records a reminder unless another server just sent one: it reports whether
// this call is the one that records it.
func (q Q) MarkVAEReminded(ctx context.Context, enrolmentID string, at, before time.Time) (bool, error) {
	res, err := q.db.ExecContext(ctx,
		`UPDATE vae_files SET last_reminder_at = $1 WHERE enrolment_id = $2 AND (last_reminder_at IS NULL OR last_reminder_at <= $3)`,
		at.UTC(), enrolmentID, before.UTC())
	if err != nil {
		return false, normalize(err)
	}
	n, err := res.RowsAffected()
	return n == 1, normalize(err)
}

// MemberHearing reports whether the user sits on a commission that holds an oral of the
// enrolment, voting or not: who may read the candidate's VAE file for the oral.
func (q Q) MemberHearing(ctx context.Context, userID, enrolmentID string) (bool, error) {
	var n int
	err := q.db.QueryRowContext(ctx, `SELECT COUNT(*) FROM orals o
		JOIN commission_members m ON m.commission_id = o.commission_id
		WHERE o.enrolment_id = $1 AND m.user_id = $2`, enrolmentID, userID).Scan(&n)
	return n > 0, normalize(err)
}

// OpenVAERequestByEmail reports whether a candidate with this e-mail address already has a VAE
// request for the qualification that is not closed (not admissible, redirected, or ended).
func (q Q) OpenVAERequestByEmail(ctx context.Context, email, qualificationCode string) (bool, error) {
	var n int
	err := q.db.QueryRowContext(ctx, `SELECT COUNT(*) FROM vae_files f
		JOIN enrolments e ON e.id = f.enrolment_id
		JOIN candidates c ON c.id = e.candidate_id
		JOIN qualifications qu ON qu.id = e.qualification_id
		WHERE c.email = $1 AND qu.code = $2 AND f.status NOT IN ($3, $4) AND e.status <> $5`,
		email, qualificationCode, string(domain.VAENotAdmissible), string(domain.VAERedirected), string(domain.StatusWithdrawn)).Scan(&n)
	return n > 0, normalize(err)
}
