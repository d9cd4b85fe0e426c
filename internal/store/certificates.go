package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"cqp/internal/domain"
)

// CertificateKind says whether a document awards the whole qualification or some blocks.
type CertificateKind string

const (
	KindCertificate CertificateKind = "certificate" // every block of the enrolment acquired
	KindAttestation CertificateKind = "attestation" // a block acquired at one session (see Certificate.BlockCode)
)

// Label is the French name of the kind.
func (k CertificateKind) Label() string {
	switch k {
	case KindCertificate:
		return "Certificat de qualification professionnelle"
	case KindAttestation:
		return "Attestation de blocs de compétences"
	}
	return string(k)
}

// ShortLabel is the kind in a word, for tables and file names.
func (k CertificateKind) ShortLabel() string {
	switch k {
	case KindCertificate:
		return "certificat"
	case KindAttestation:
		return "attestation"
	}
	return string(k)
}

// CertificateBlock is a block as printed on a document. A block attestation also prints the
// block's competences; a certificate, and an attestation issued before attestations were
// issued block by block, hold none.
type CertificateBlock struct {
	Code        string                  `json:"code"`
	Title       string                  `json:"title"`
	Competences []CertificateCompetence `json:"competences,omitempty"`
}

// CertificateCompetence is a competence of a block as printed on its attestation.
type CertificateCompetence struct {
	Code  string `json:"code"`
	Title string `json:"title"`
}

// CertificateSignatory is a person who signs a document, under their role.
type CertificateSignatory struct {
	Role string `json:"role"`
	Name string `json:"name"`
}

// Certificate is an issued certificate or block attestation: everything printed on it, frozen
// when it was issued, and whether it was mailed or revoked since.
type Certificate struct {
	ID                 string
	Number             string // e.g. COURTAGE-2026-000042
	Kind               CertificateKind
	VerificationCode   string // normalised: upper case, no spaces
	EnrolmentID        string
	CandidateID        string
	SessionID          string
	HolderName         string
	HolderBirthDate    domain.Date
	HolderSex          domain.Sex // as the candidate record held it at issuing; "" for documents issued before it was kept
	BranchName         string
	QualificationCode  string
	QualificationTitle string
	RNCP               string
	Level              string // the qualification's level, from its framework
	// BlockCode is the block a block attestation attests, the only one in Blocks; "" for a
	// certificate and for an attestation of several blocks, as issued before one attestation
	// was issued per block.
	BlockCode     string
	Blocks        []CertificateBlock
	AwardedOn     domain.Date // the session's date
	Place         string
	Signatories   []CertificateSignatory
	IssuedAt      time.Time
	IssuedBy      string
	IssuedByName  string // filled when read
	MailedAt      *time.Time
	RevokedAt     *time.Time
	RevokedReason string
	RevokedBy     string
	RevokedByName string // filled when read
}

// Revoked reports whether the document was revoked.
func (c Certificate) Revoked() bool { return c.RevokedAt != nil }

// BlockAttestation reports whether the document attests one block.
func (c Certificate) BlockAttestation() bool { return c.Kind == KindAttestation && c.BlockCode != "" }

// Title names the document for a person: « Certificat de qualification professionnelle »,
// « Attestation du bloc BC2 — Gérer un portefeuille », or « Attestation de blocs de
// compétences » for an attestation of several blocks.
func (c Certificate) Title() string {
	if c.BlockAttestation() {
		return BlockAttestationTitle(c.BlockCode, c.Blocks)
	}
	return c.Kind.Label()
}

// BlockAttestationTitle is « Attestation du bloc CODE — TITLE », the title taken from blocks
// (without it when blocks do not hold the block or its title is empty).
func BlockAttestationTitle(code string, blocks []CertificateBlock) string {
	t := "Attestation du bloc " + code
	for _, b := range blocks {
		if b.Code == code && strings.TrimSpace(b.Title) != "" {
			t += " — " + b.Title
		}
	}
	return t
}

// Covers reports whether the document attests the block with the given code.
func (c Certificate) Covers(code string) bool {
	for _, b := range c.Blocks {
		if b.Code == code {
			return true
		}
	}
	return false
}

// NextCertificateNumber takes the next number of a branch's year inside the caller's
// transaction and returns it. The counter row is created at 1 the first time and incremented
// afterwards in one statement: on PostgreSQL the row lock it takes is held until the
// transaction ends, so that two servers issuing at once get consecutive numbers, and a
// transaction that rolls back gives its numbers back (no gap). SQLite's single writer
// serialises the same way.
func (q Q) NextCertificateNumber(ctx context.Context, branchCode string, year int) (int, error) {
	var n int
	err := q.db.QueryRowContext(ctx,
		`INSERT INTO certificate_counters (branch_code, year, last_number) VALUES ($1, $2, 1)
		 ON CONFLICT (branch_code, year) DO UPDATE SET last_number = certificate_counters.last_number + 1
		 RETURNING last_number`, branchCode, year).Scan(&n)
	return n, normalize(err)
}

// LastCertificateNumber returns the last number given in a branch's year, 0 when none.
func (q Q) LastCertificateNumber(ctx context.Context, branchCode string, year int) (int, error) {
	var n int
	err := q.db.QueryRowContext(ctx, `SELECT last_number FROM certificate_counters WHERE branch_code = $1 AND year = $2`,
		branchCode, year).Scan(&n)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, nil
	}
	return n, normalize(err)
}

// InsertCertificate stores an issued document. It returns false, without error and without
// spoiling the transaction, when its verification code is already taken: the caller draws
// another code and tries again. Issuing a second document of the same kind for the same
// enrolment at the same session, and for a block attestation the same block, is a conflict.
func (q Q) InsertCertificate(ctx context.Context, c Certificate) (bool, error) {
	blocks, err := json.Marshal(c.Blocks)
	if err != nil {
		return false, fmt.Errorf("encode blocks: %w", err)
	}
	sigs := c.Signatories
	if sigs == nil {
		sigs = []CertificateSignatory{}
	}
	signatories, err := json.Marshal(sigs)
	if err != nil {
		return false, fmt.Errorf("encode signatories: %w", err)
	}
	res, err := q.db.ExecContext(ctx,
		`INSERT INTO certificates (id, number, kind, verification_code, enrolment_id, candidate_id, session_id,
		 holder_name, qualification_code, qualification_title, blocks, awarded_on, issued_at, issued_by,
		 holder_birth_date, branch_name, rncp, place, signatories, block_code, holder_sex, level)
		 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21, $22)
		 ON CONFLICT (verification_code) DO NOTHING`,
		c.ID, c.Number, string(c.Kind), c.VerificationCode, c.EnrolmentID, c.CandidateID, c.SessionID,
		c.HolderName, c.QualificationCode, c.QualificationTitle, string(blocks), c.AwardedOn.ISO(), c.IssuedAt.UTC(), c.IssuedBy,
		c.HolderBirthDate.ISO(), c.BranchName, c.RNCP, c.Place, string(signatories), c.BlockCode, string(c.HolderSex), c.Level)
	if err != nil {
		err = normalize(err)
		switch {
		case conflictOn(err, "session_id") && c.BlockCode != "":
			return false, &domain.Error{Code: domain.ECONFLICT, Err: err, Message: fmt.Sprintf(
				"Une attestation du bloc %s a déjà été délivrée à ce candidat pour cette session : une décision du jury ne donne lieu qu'à une attestation par bloc.",
				c.BlockCode)}
		case conflictOn(err, "session_id"):
			return false, &domain.Error{Code: domain.ECONFLICT, Err: err, Message: fmt.Sprintf(
				"Un document (%s) a déjà été délivré à ce candidat pour cette session : une décision du jury ne donne lieu qu'à un document.",
				c.Kind.ShortLabel())}
		case conflictOn(err, "number"):
			return false, &domain.Error{Code: domain.ECONFLICT, Err: err, Message: "Le numéro " + c.Number + " est déjà attribué à un autre document."}
		}
		return false, err
	}
	n, err := res.RowsAffected()
	if err != nil {
		return false, normalize(err)
	}
	return n == 1, nil
}

const certificateSelect = `SELECT c.id, c.number, c.kind, c.verification_code, c.enrolment_id, c.candidate_id, c.session_id,
	c.holder_name, c.holder_birth_date, c.branch_name, c.qualification_code, c.qualification_title, c.rncp, c.block_code, c.blocks,
	c.awarded_on, c.place, c.signatories, c.issued_at, c.issued_by, COALESCE(iu.name, ''), c.mailed_at,
	c.revoked_at, c.revoked_reason, c.revoked_by, COALESCE(ru.name, ''), c.holder_sex, c.level
	FROM certificates c
	LEFT JOIN users iu ON iu.id = c.issued_by
	LEFT JOIN users ru ON ru.id = c.revoked_by`

func scanCertificates(rows *sql.Rows, err error) ([]Certificate, error) {
	if err != nil {
		return nil, normalize(err)
	}
	defer rows.Close()
	var out []Certificate
	for rows.Next() {
		var c Certificate
		var kind, birth, blocks, awarded, sigs, sex string
		var mailed, revoked sql.NullTime
		if err := rows.Scan(&c.ID, &c.Number, &kind, &c.VerificationCode, &c.EnrolmentID, &c.CandidateID, &c.SessionID,
			&c.HolderName, &birth, &c.BranchName, &c.QualificationCode, &c.QualificationTitle, &c.RNCP, &c.BlockCode, &blocks,
			&awarded, &c.Place, &sigs, &c.IssuedAt, &c.IssuedBy, &c.IssuedByName, &mailed,
			&revoked, &c.RevokedReason, &c.RevokedBy, &c.RevokedByName, &sex, &c.Level); err != nil {
			return nil, normalize(err)
		}
		c.Kind, c.HolderBirthDate, c.AwardedOn, c.HolderSex = CertificateKind(kind), parseDate(birth), parseDate(awarded), domain.Sex(sex)
		c.IssuedAt, c.MailedAt, c.RevokedAt = c.IssuedAt.UTC(), timePtr(mailed), timePtr(revoked)
		if err := json.Unmarshal([]byte(blocks), &c.Blocks); err != nil {
			return nil, fmt.Errorf("decode blocks of certificate %s: %w", c.ID, err)
		}
		if sigs != "" {
			if err := json.Unmarshal([]byte(sigs), &c.Signatories); err != nil {
				return nil, fmt.Errorf("decode signatories of certificate %s: %w", c.ID, err)
			}
		}
		out = append(out, c)
	}
	return out, normalize(rows.Err())
}

func (q Q) oneCertificate(ctx context.Context, where string, arg any) (Certificate, error) {
	all, err := scanCertificates(q.db.QueryContext(ctx, certificateSelect+` WHERE `+where, arg))
	if err != nil {
		return Certificate{}, err
	}
	if len(all) == 0 {
		return Certificate{}, domain.Errorf(domain.ENOTFOUND, "Certificat ou attestation introuvable.")
	}
	return all[0], nil
}

// Certificate returns one document by id.
func (q Q) Certificate(ctx context.Context, id string) (Certificate, error) {
	return q.oneCertificate(ctx, `c.id = $1`, id)
}

// CertificateByCode returns the document with a normalised verification code.
func (q Q) CertificateByCode(ctx context.Context, code string) (Certificate, error) {
	return q.oneCertificate(ctx, `c.verification_code = $1`, code)
}

// PublicCertificate is what the public verification reads of a document: what anyone may
// learn of it (never who issued or revoked it, why, its signatories nor its holder's birth
// date), and the items its framework version still flags to confirm.
type PublicCertificate struct {
	Number             string
	Kind               CertificateKind
	VerificationCode   string
	HolderName         string
	BranchName         string
	QualificationCode  string
	QualificationTitle string
	RNCP               string
	BlockCode          string
	Blocks             []CertificateBlock
	AwardedOn          domain.Date
	RevokedAt          *time.Time
	// Flagged is the framework version the document's enrolment follows when it still flags
	// items to confirm; nil when it flags none or the enrolment is gone.
	Flagged *domain.Framework
}

// PublicCertificateByCode returns what the public verification shows of the document with a
// normalised verification code, ENOTFOUND when none has it. It is one query, without the
// users who issued or revoked it, and a framework version with nothing to confirm is not
// read: anyone may ask it, 30 times a minute from each address.
func (q Q) PublicCertificateByCode(ctx context.Context, code string) (PublicCertificate, error) {
	var (
		c                                       PublicCertificate
		kind, blocks, awarded, frameworkID, def string
		revoked                                 sql.NullTime
	)
	err := q.db.QueryRowContext(ctx, `SELECT c.number, c.kind, c.verification_code, c.holder_name, c.branch_name,
		c.qualification_code, c.qualification_title, c.rncp, c.block_code, c.blocks, c.awarded_on, c.revoked_at,
		COALESCE(f.id, ''), CASE WHEN f.to_confirm_count > 0 THEN f.definition ELSE '' END
		FROM certificates c
		LEFT JOIN enrolments e ON e.id = c.enrolment_id
		LEFT JOIN frameworks f ON f.id = e.framework_id
		WHERE c.verification_code = $1`, code).Scan(&c.Number, &kind, &c.VerificationCode, &c.HolderName, &c.BranchName,
		&c.QualificationCode, &c.QualificationTitle, &c.RNCP, &c.BlockCode, &blocks, &awarded, &revoked, &frameworkID, &def)
	if errors.Is(err, sql.ErrNoRows) {
		return PublicCertificate{}, domain.Errorf(domain.ENOTFOUND, "Certificat ou attestation introuvable.")
	}
	if err != nil {
		return PublicCertificate{}, normalize(err)
	}
	c.Kind, c.AwardedOn, c.RevokedAt = CertificateKind(kind), parseDate(awarded), timePtr(revoked)
	if err := json.Unmarshal([]byte(blocks), &c.Blocks); err != nil {
		return PublicCertificate{}, fmt.Errorf("decode blocks of certificate %s: %w", c.Number, err)
	}
	if def != "" {
		c.Flagged = new(domain.Framework)
		if err := json.Unmarshal([]byte(def), c.Flagged); err != nil {
			return PublicCertificate{}, fmt.Errorf("decode framework %s: %w", frameworkID, err)
		}
	}
	return c, nil
}

// Certificate statuses a list may be narrowed to.
const (
	CertificateValid   = "valid"
	CertificateRevoked = "revoked"
)

// CertificateFilter narrows the documents list. Restricted limits it to CandidateIDs (a
// candidate's own documents); Limit 0 lists everything.
type CertificateFilter struct {
	SessionID    string
	CandidateID  string
	Kind         CertificateKind
	Status       string // "", CertificateValid or CertificateRevoked
	Restricted   bool
	CandidateIDs []string
	Limit        int
	Offset       int
}

// CertificatePage is one page of documents and how many match in all.
type CertificatePage struct {
	Items []Certificate
	Total int
}

// Certificates lists documents, newest session first and by number within a session.
func (q Q) Certificates(ctx context.Context, f CertificateFilter) (CertificatePage, error) {
	var a args
	var conds []string
	if f.SessionID != "" {
		conds = append(conds, `c.session_id = `+a.add(f.SessionID))
	}
	if f.CandidateID != "" {
		conds = append(conds, `c.candidate_id = `+a.add(f.CandidateID))
	}
	if f.Kind != "" {
		conds = append(conds, `c.kind = `+a.add(string(f.Kind)))
	}
	switch f.Status {
	case CertificateValid:
		conds = append(conds, `c.revoked_at IS NULL`)
	case CertificateRevoked:
		conds = append(conds, `c.revoked_at IS NOT NULL`)
	}
	if f.Restricted {
		if len(f.CandidateIDs) == 0 {
			return CertificatePage{}, nil
		}
		conds = append(conds, `c.candidate_id IN `+a.in(f.CandidateIDs))
	}
	where := ""
	if len(conds) > 0 {
		where = ` WHERE ` + strings.Join(conds, " AND ")
	}
	var p CertificatePage
	if err := q.db.QueryRowContext(ctx, `SELECT COUNT(*) FROM certificates c`+where, a...).Scan(&p.Total); err != nil {
		return p, normalize(err)
	}
	query := certificateSelect + where + ` ORDER BY c.awarded_on DESC, c.session_id DESC, c.number`
	if f.Limit > 0 {
		query += ` LIMIT ` + a.add(f.Limit) + ` OFFSET ` + a.add(f.Offset)
	}
	var err error
	p.Items, err = scanCertificates(q.db.QueryContext(ctx, query, a...))
	return p, err
}

// RevokeCertificate revokes a valid document with its reason. Revoking it again is a conflict.
func (q Q) RevokeCertificate(ctx context.Context, id string, at time.Time, byUserID, reason string) error {
	res, err := q.db.ExecContext(ctx,
		`UPDATE certificates SET revoked_at = $1, revoked_by = $2, revoked_reason = $3 WHERE id = $4 AND revoked_at IS NULL`,
		at.UTC(), byUserID, reason, id)
	if err := mustAffect(res, err); err != nil {
		if domain.ErrorCode(err) != domain.ENOTFOUND {
			return err
		}
		if _, err := q.Certificate(ctx, id); err != nil {
			return err
		}
		return domain.Errorf(domain.ECONFLICT, "Ce document est déjà révoqué.")
	}
	return nil
}

// MarkCertificateMailed records that the document was put in its holder's mail. It returns
// false when it already was (another request got there first), so that it is sent once.
func (q Q) MarkCertificateMailed(ctx context.Context, id string, at time.Time) (bool, error) {
	res, err := q.db.ExecContext(ctx, `UPDATE certificates SET mailed_at = $1 WHERE id = $2 AND mailed_at IS NULL`, at.UTC(), id)
	if err != nil {
		return false, normalize(err)
	}
	n, err := res.RowsAffected()
	return n == 1, normalize(err)
}

// KeepCertificatePDF stores the PDF of a document as rendered; a PDF already kept stays.
func (q Q) KeepCertificatePDF(ctx context.Context, id string, pdf []byte) error {
	_, err := q.db.ExecContext(ctx, `INSERT INTO certificate_pdfs (certificate_id, content) VALUES ($1, $2)
		ON CONFLICT (certificate_id) DO NOTHING`, id, pdf)
	return normalize(err)
}

// CertificatePDFs returns the kept PDFs of those documents, by document id; a document whose
// PDF was never kept is absent.
func (q Q) CertificatePDFs(ctx context.Context, ids []string) (map[string][]byte, error) {
	out := map[string][]byte{}
	for chunk := range slices.Chunk(ids, 500) {
		var a args
		rows, err := q.db.QueryContext(ctx, `SELECT certificate_id, content FROM certificate_pdfs WHERE certificate_id IN `+a.in(chunk), a...)
		if err != nil {
			return nil, normalize(err)
		}
		for rows.Next() {
			var id string
			var pdf []byte
			if err := rows.Scan(&id, &pdf); err != nil {
				rows.Close()
				return nil, normalize(err)
			}
			out[id] = pdf
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, normalize(err)
		}
	}
	return out, nil
}

// CertificateCounts sums up the documents of one session.
type CertificateCounts struct {
	Documents int
	Revoked   int
	Unmailed  int // valid documents not yet mailed
}

// CertificateCountsBySession returns the counts of every session that has documents.
func (q Q) CertificateCountsBySession(ctx context.Context) (map[string]CertificateCounts, error) {
	rows, err := q.db.QueryContext(ctx,
		`SELECT session_id, COUNT(*),
		 SUM(CASE WHEN revoked_at IS NOT NULL THEN 1 ELSE 0 END),
		 SUM(CASE WHEN revoked_at IS NULL AND mailed_at IS NULL THEN 1 ELSE 0 END)
		 FROM certificates GROUP BY session_id`)
	if err != nil {
		return nil, normalize(err)
	}
	defer rows.Close()
	out := map[string]CertificateCounts{}
	for rows.Next() {
		var id string
		var c CertificateCounts
		if err := rows.Scan(&id, &c.Documents, &c.Revoked, &c.Unmailed); err != nil {
			return nil, normalize(err)
		}
		out[id] = c
	}
	return out, normalize(rows.Err())
}

// IssuingCandidate is a candidate of a closed session with what their document needs: their
// identity, the enrolment's blocks and framework, the jury's outcome and the blocks acquired
// at that session.
type IssuingCandidate struct {
	EnrolmentID        string
	CandidateID        string
	Position           int
	Outcome            string // certified, partial, not_certified
	BirthName          string
	UsedName           string
	FirstNames         string
	BirthDate          domain.Date
	Sex                domain.Sex
	Email              string // the candidate's address, or their account's
	FrameworkID        string
	QualificationCode  string
	QualificationTitle string
	Blocks             []string // the enrolment's blocks, framework order
	AcquiredHere       []string // the blocks acquired at this session, by code
}

// IssuingCandidates returns a session's candidates in presentation order.
func (q Q) IssuingCandidates(ctx context.Context, sessionID string) ([]IssuingCandidate, error) {
	rows, err := q.db.QueryContext(ctx,
		`SELECT jc.enrolment_id, e.candidate_id, jc.position, jc.outcome, c.birth_name, c.used_name, c.first_names,
		 c.birth_date, COALESCE(NULLIF(c.email, ''), u.email, ''), e.framework_id, qu.code, qu.title, e.blocks, c.sex
		 FROM jury_candidates jc
		 JOIN enrolments e ON e.id = jc.enrolment_id
		 JOIN candidates c ON c.id = e.candidate_id
		 JOIN qualifications qu ON qu.id = e.qualification_id
		 LEFT JOIN users u ON u.id = c.user_id
		 WHERE jc.session_id = $1 ORDER BY jc.position, jc.enrolment_id`, sessionID)
	if err != nil {
		return nil, normalize(err)
	}
	var out []IssuingCandidate
	index := map[string]int{}
	for rows.Next() {
		var ic IssuingCandidate
		var birth, blocks, sex string
		if err := rows.Scan(&ic.EnrolmentID, &ic.CandidateID, &ic.Position, &ic.Outcome, &ic.BirthName, &ic.UsedName,
			&ic.FirstNames, &birth, &ic.Email, &ic.FrameworkID, &ic.QualificationCode, &ic.QualificationTitle, &blocks, &sex); err != nil {
			rows.Close()
			return nil, normalize(err)
		}
		ic.BirthDate, ic.Blocks, ic.Sex = parseDate(birth), strings.Fields(blocks), domain.Sex(sex)
		index[ic.EnrolmentID] = len(out)
		out = append(out, ic)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, normalize(err)
	}
	rows, err = q.db.QueryContext(ctx,
		`SELECT enrolment_id, block_code FROM acquired_blocks WHERE session_id = $1 ORDER BY enrolment_id, block_code`, sessionID)
	if err != nil {
		return nil, normalize(err)
	}
	defer rows.Close()
	for rows.Next() {
		var enrolment, block string
		if err := rows.Scan(&enrolment, &block); err != nil {
			return nil, normalize(err)
		}
		if i, ok := index[enrolment]; ok {
			out[i].AcquiredHere = append(out[i].AcquiredHere, block)
		}
	}
	return out, normalize(rows.Err())
}

// SignaturePlace returns where a branch's certificates are signed when the jury met by video,
// "" when it was never set.
func (q Q) SignaturePlace(ctx context.Context, branchID string) (string, error) {
	var place string
	err := q.db.QueryRowContext(ctx, `SELECT signature_place FROM branch_settings WHERE branch_id = $1`, branchID).Scan(&place)
	if errors.Is(err, sql.ErrNoRows) {
		return "", nil
	}
	return place, normalize(err)
}

// SetSignaturePlace records where a branch's certificates are signed, creating the branch's
// settings with their defaults when they do not exist yet.
func (q Q) SetSignaturePlace(ctx context.Context, branchID, place string, at time.Time) error {
	_, err := q.db.ExecContext(ctx,
		`INSERT INTO branch_settings (branch_id, jury_quorum, jury_president_name, csca_president_name, cpne_president_name,
		 updated_at, signature_place) VALUES ($1, $2, '', '', '', $3, $4)
		 ON CONFLICT (branch_id) DO UPDATE SET signature_place = excluded.signature_place, updated_at = excluded.updated_at`,
		branchID, DefaultJuryQuorum, at.UTC(), place)
	return normalize(err)
}
