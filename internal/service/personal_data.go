package service

import (
	"context"
	"slices"
	"strings"
	"time"

	"cqp/internal/domain"
	"cqp/internal/store"
)

// PersonalDataFormat names the shape of the personal data export; it changes only when a key
// is renamed or removed (new keys may appear).
const PersonalDataFormat = "cqp.personal-data/1"

// PersonalData is everything cqp holds on one candidate, as their right of access (RGPD
// article 15) hands it to them. Keys are English and stable (PersonalDataFormat); times are
// RFC 3339 in UTC, days are YYYY-MM-DD. Secrets are never part of it: no password or token
// hash, no mail body (a body may carry a password-reset link), no uploaded file's content.
type PersonalData struct {
	Format     string                 `json:"format"`
	ExportedAt time.Time              `json:"exported_at"`
	Controller PersonalDataController `json:"controller"`
	Purposes   []string               `json:"purposes"`
	// Documents says where the files themselves (evidence, certificates, letters) are and how
	// to get them, as the export lists them without their content.
	Documents    string                `json:"documents"`
	Candidate    PersonalIdentity      `json:"candidate"`
	Account      *PersonalAccount      `json:"account"` // nil when the candidate has no account
	Enrolments   []PersonalEnrolment   `json:"enrolments"`
	Certificates []PersonalCertificate `json:"certificates"`
	Mails        []PersonalMail        `json:"mails"`
	AuditTrail   []PersonalAuditEntry  `json:"audit_trail"`
	// OutcomeSurveys are the candidate's outcome surveys (« devenir ») and their answers.
	OutcomeSurveys []PersonalSurvey  `json:"outcome_surveys"`
	Notes          map[string]string `json:"notes,omitempty"`
}

// PersonalSurvey is one outcome survey and what the candidate answered, or the secretariat
// recorded for them.
type PersonalSurvey struct {
	EnrolmentID string     `json:"enrolment_id"`
	Months      int        `json:"months"`
	SentAt      time.Time  `json:"sent_at"`
	RemindedAt  *time.Time `json:"reminded_at"`
	AnsweredAt  *time.Time `json:"answered_at"`
	Situation   string     `json:"situation"`
	Contract    string     `json:"contract"`
	JobTitle    string     `json:"job_title"`
	CompanyName string     `json:"company_name"`
	SIRET       string     `json:"siret"`
	Helped      string     `json:"helped"`
	Source      string     `json:"source"`
	RecordedBy  string     `json:"recorded_by"`
	RecordedAt  *time.Time `json:"recorded_at"`
}

// PersonalDataController is who holds the data: the branch.
type PersonalDataController struct {
	Name string `json:"name"`
	Code string `json:"code"`
}

// PersonalIdentity is the candidate's record, every column of it.
type PersonalIdentity struct {
	ID           string      `json:"id"`
	Number       string      `json:"number"`
	BirthName    string      `json:"birth_name"`
	UsedName     string      `json:"used_name"`
	FirstNames   string      `json:"first_names"`
	BirthDate    domain.Date `json:"birth_date"`
	Sex          string      `json:"sex"`
	BirthINSEE   string      `json:"birth_insee_code"`
	BirthCountry string      `json:"birth_country"`
	BirthCity    string      `json:"birth_city"`
	Email        string      `json:"email"`
	NIR          string      `json:"nir"` // whole: the export goes to the person or the secretariat only
	CreatedAt    time.Time   `json:"created_at"`
	ErasedAt     *time.Time  `json:"erased_at,omitempty"`
}

// PersonalAccount is the candidate's user account, without its password hash.
type PersonalAccount struct {
	Email      string             `json:"email"`
	Name       string             `json:"name"`
	CreatedAt  time.Time          `json:"created_at"`
	DisabledAt *time.Time         `json:"disabled_at"`
	Roles      []PersonalRole     `json:"roles"`
	APITokens  []PersonalAPIToken `json:"api_tokens"`
	// LastLogin is not kept by cqp: sessions hold no login history.
}

// PersonalRole is one role of the account.
type PersonalRole struct {
	Role      string    `json:"role"`
	Scope     string    `json:"scope"`
	CreatedAt time.Time `json:"created_at"`
}

// PersonalAPIToken is one API token of the account, without its hash.
type PersonalAPIToken struct {
	Name       string     `json:"name"`
	CreatedAt  time.Time  `json:"created_at"`
	ExpiresAt  time.Time  `json:"expires_at"`
	LastUsedAt *time.Time `json:"last_used_at"`
	RevokedAt  *time.Time `json:"revoked_at"`
}

// PersonalEnrolment is one enrolment and everything recorded on it.
type PersonalEnrolment struct {
	ID                   string                   `json:"id"`
	QualificationCode    string                   `json:"qualification_code"`
	QualificationTitle   string                   `json:"qualification_title"`
	FrameworkVersion     int                      `json:"framework_version"`
	Route                string                   `json:"route"`
	Stage                string                   `json:"stage"`
	Public               string                   `json:"public"`
	Status               string                   `json:"status"`
	StatusHistory        []PersonalStatusChange   `json:"status_history"`
	TrainingOrganisation string                   `json:"training_organisation"`
	TrainingOrgID        string                   `json:"training_organisation_id"`
	Company              string                   `json:"company"`
	CompanyID            string                   `json:"company_id"`
	Referent             string                   `json:"referent"`
	ReferentID           string                   `json:"referent_id"`
	Action               string                   `json:"action"`
	Blocks               []string                 `json:"blocks"`
	Interview            *PersonalInterview       `json:"interview"`
	Derogation           string                   `json:"eligibility_derogation"`
	CreatedAt            time.Time                `json:"created_at"`
	UpdatedAt            time.Time                `json:"updated_at"`
	TrainingHours        []PersonalHours          `json:"training_hours"`
	Internships          []PersonalInternship     `json:"internships"`
	Logbook              []PersonalLogbookEntry   `json:"logbook"`
	ContinuousMarks      []PersonalMark           `json:"continuous_marks"`
	EvaluationGrids      []PersonalGrid           `json:"evaluation_grids"`
	Orals                []PersonalOral           `json:"orals"`
	JurySessions         []PersonalJury           `json:"jury_sessions"`
	AcquiredBlocks       []PersonalAcquiredBlock  `json:"acquired_blocks"`
	GateDerogations      []PersonalGateDerogation `json:"gate_derogations"`
	VAE                  *PersonalVAE             `json:"vae"`
}

// PersonalStatusChange is one step of the enrolment's status history.
type PersonalStatusChange struct {
	Status string    `json:"status"`
	Reason string    `json:"reason"`
	At     time.Time `json:"at"`
	By     string    `json:"by"`
}

// PersonalInterview is the intake interview and what eligibility was judged on.
type PersonalInterview struct {
	On                      domain.Date `json:"on"`
	Project                 string      `json:"project"`
	Motivation              string      `json:"motivation"`
	DiplomaLevel            int         `json:"diploma_level"`
	ExperienceMonths        int         `json:"experience_months"`
	RelatedExperienceMonths int         `json:"related_experience_months"`
}

// PersonalHours are the training hours of one block.
type PersonalHours struct {
	Block     string    `json:"block"`
	Planned   int       `json:"planned_hours"`
	Done      int       `json:"done_hours"`
	UpdatedAt time.Time `json:"updated_at"`
}

// PersonalInternship is one internship.
type PersonalInternship struct {
	Company  string      `json:"company"`
	StartsOn domain.Date `json:"starts_on"`
	EndsOn   domain.Date `json:"ends_on"`
	Hours    int         `json:"hours"`
}

// PersonalLogbookEntry is one of the referent's follow-up entries.
type PersonalLogbookEntry struct {
	On         domain.Date `json:"on"`
	Competence string      `json:"competence"`
	Assessment string      `json:"assessment"`
	Body       string      `json:"body"`
	Author     string      `json:"author"`
	CreatedAt  time.Time   `json:"created_at"`
}

// PersonalMark is one continuous assessment mark, out of 20 ("12,5").
type PersonalMark struct {
	Block      string      `json:"block"`
	Label      string      `json:"label"`
	Mark       string      `json:"mark"`
	AssessedOn domain.Date `json:"assessed_on"`
	By         string      `json:"by"`
}

// PersonalGrid is one version of a final evaluation grid.
type PersonalGrid struct {
	Evaluator          string              `json:"evaluator"`
	Version            int                 `json:"version"`
	Status             string              `json:"status"`
	Comment            string              `json:"comment"`
	CorrectionReason   string              `json:"correction_reason"`
	CareerPresentation string              `json:"career_presentation"`
	PracticalCase      string              `json:"practical_case"`
	KnowledgeQuestion  string              `json:"knowledge_question"`
	OpenQuestions      string              `json:"open_questions"`
	ReasonedOpinion    string              `json:"reasoned_opinion"`
	LineManager        string              `json:"line_manager"`
	CreatedAt          time.Time           `json:"created_at"`
	CreatedBy          string              `json:"created_by"`
	SubmittedAt        *time.Time          `json:"submitted_at"`
	SubmittedBy        string              `json:"submitted_by"`
	Marks              []PersonalGridMark  `json:"marks"`
	BlockTests         []PersonalBlockTest `json:"block_tests"`
}

// PersonalGridMark is the mark of one competence on a grid.
type PersonalGridMark struct {
	Competence string `json:"competence"`
	Mark       string `json:"mark"`
	Comment    string `json:"comment"`
}

// PersonalBlockTest is one of the organisation's final tests of a block.
type PersonalBlockTest struct {
	Block    string      `json:"block"`
	Kind     string      `json:"kind"`
	HeldOn   domain.Date `json:"held_on"`
	Result   string      `json:"result"`
	Assessor string      `json:"assessor"`
}

// PersonalOral is one oral before a commission.
type PersonalOral struct {
	Commission      string    `json:"commission"`
	StartsAt        time.Time `json:"starts_at"`
	DurationMinutes int       `json:"duration_minutes"`
	Place           string    `json:"place"`
	VideoLink       string    `json:"video_link"`
}

// PersonalJury is one jury session the enrolment was presented to, and what it decided.
type PersonalJury struct {
	StartsAt  time.Time              `json:"starts_at"`
	Place     string                 `json:"place"`
	Status    string                 `json:"status"`
	Outcome   string                 `json:"outcome"`
	Decisions []PersonalJuryDecision `json:"decisions"`
}

// PersonalJuryDecision is the jury's decision on one block.
type PersonalJuryDecision struct {
	Block           string    `json:"block"`
	Decision        string    `json:"decision"`
	Reason          string    `json:"reason"`
	ReferentOpinion string    `json:"referent_opinion"`
	DecidedAt       time.Time `json:"decided_at"`
	DecidedBy       string    `json:"decided_by"`
}

// PersonalAcquiredBlock is a block held for good.
type PersonalAcquiredBlock struct {
	Block      string      `json:"block"`
	AcquiredOn domain.Date `json:"acquired_on"`
}

// PersonalGateDerogation is a reasoned derogation to a condition of presentation to the jury.
type PersonalGateDerogation struct {
	Gate       string    `json:"gate"`
	Missing    string    `json:"missing"`
	Reason     string    `json:"reason"`
	RecordedAt time.Time `json:"recorded_at"`
	RecordedBy string    `json:"recorded_by"`
}

// PersonalVAE is a VAE file: its admissibility file and versions, reviews, decisions,
// experience file and the list of evidence.
type PersonalVAE struct {
	Status              string                     `json:"status"`
	RequestedBy         string                     `json:"requested_by"`
	RequestMessage      string                     `json:"request_message"`
	Draft               domain.AdmissibilityFile   `json:"draft"`
	Version             int                        `json:"version"`
	ValidUntil          domain.Date                `json:"valid_until"`
	Adviser             string                     `json:"adviser"`
	ExperienceStatus    string                     `json:"experience_status"`
	ExperienceRound     int                        `json:"experience_round"`
	SentAt              *time.Time                 `json:"sent_at"`
	CreatedAt           time.Time                  `json:"created_at"`
	Versions            []PersonalVAEVersion       `json:"versions"`
	Reviews             []PersonalVAEReview        `json:"reviews"`
	Decisions           []PersonalVAEDecision      `json:"decisions"`
	ExperienceBlocks    []PersonalExperienceBlock  `json:"experience_blocks"`
	ExperienceSubmitted []PersonalExperienceSubmit `json:"experience_submissions"`
	AdviserComments     []PersonalAdviserComment   `json:"adviser_comments"`
	Evidence            []PersonalEvidence         `json:"evidence"`
}

// PersonalVAEVersion is one submitted version of the admissibility file.
type PersonalVAEVersion struct {
	Version     int                      `json:"version"`
	Content     domain.AdmissibilityFile `json:"content"`
	SubmittedAt time.Time                `json:"submitted_at"`
	SubmittedBy string                   `json:"submitted_by"`
}

// PersonalVAEReview is a training organisation's opinion on the admissibility file.
type PersonalVAEReview struct {
	FileVersion          int        `json:"file_version"`
	TrainingOrganisation string     `json:"training_organisation"`
	RequestedAt          time.Time  `json:"requested_at"`
	Opinion              string     `json:"opinion"`
	Comment              string     `json:"comment"`
	GivenAt              *time.Time `json:"given_at"`
	GivenBy              string     `json:"given_by"`
}

// PersonalVAEDecision is the secretariat's decision on the admissibility file.
type PersonalVAEDecision struct {
	FileVersion   int         `json:"file_version"`
	Decision      string      `json:"decision"`
	Reason        string      `json:"reason"`
	ValidUntil    domain.Date `json:"valid_until"`
	RedirectRoute string      `json:"redirect_route"`
	DecidedAt     time.Time   `json:"decided_at"`
	DecidedBy     string      `json:"decided_by"`
	RevokedAt     *time.Time  `json:"revoked_at"`
	RevokeReason  string      `json:"revoke_reason"`
}

// PersonalExperienceBlock is the candidate's account of their experience for one block.
type PersonalExperienceBlock struct {
	Block     string    `json:"block"`
	Narrative string    `json:"narrative"`
	UpdatedAt time.Time `json:"updated_at"`
	UpdatedBy string    `json:"updated_by"`
}

// PersonalExperienceSubmit is one submission of the experience file.
type PersonalExperienceSubmit struct {
	Round       int       `json:"round"`
	Blocks      []string  `json:"blocks"`
	SubmittedAt time.Time `json:"submitted_at"`
	SubmittedBy string    `json:"submitted_by"`
}

// PersonalAdviserComment is a VAE adviser's comment on the experience file.
type PersonalAdviserComment struct {
	Block     string    `json:"block"`
	Comment   string    `json:"comment"`
	CreatedAt time.Time `json:"created_at"`
	By        string    `json:"by"`
}

// PersonalEvidence is one piece of evidence, described without its content.
type PersonalEvidence struct {
	Block       string    `json:"block"`
	Title       string    `json:"title"`
	Filename    string    `json:"filename"`
	ContentType string    `json:"content_type"`
	SizeBytes   int64     `json:"size_bytes"`
	SHA256      string    `json:"sha256"`
	Round       int       `json:"round"`
	UploadedAt  time.Time `json:"uploaded_at"`
	UploadedBy  string    `json:"uploaded_by"`
}

// PersonalCertificate is a certificate or block attestation issued to the candidate.
type PersonalCertificate struct {
	Number             string      `json:"number"`
	Kind               string      `json:"kind"`
	VerificationCode   string      `json:"verification_code"`
	HolderName         string      `json:"holder_name"`
	HolderBirthDate    domain.Date `json:"holder_birth_date"`
	QualificationCode  string      `json:"qualification_code"`
	QualificationTitle string      `json:"qualification_title"`
	Blocks             []string    `json:"blocks"`
	AwardedOn          domain.Date `json:"awarded_on"`
	IssuedAt           time.Time   `json:"issued_at"`
	MailedAt           *time.Time  `json:"mailed_at"`
	RevokedAt          *time.Time  `json:"revoked_at"`
	RevokedReason      string      `json:"revoked_reason"`
}

// PersonalMail is a message cqp sent (or tried to send) to the candidate.
type PersonalMail struct {
	To         string     `json:"to"`
	Subject    string     `json:"subject"`
	QueuedAt   time.Time  `json:"queued_at"`
	SentAt     *time.Time `json:"sent_at"`
	Status     string     `json:"status"` // queued, sent, failed
	Attachment string     `json:"attachment"`
}

// PersonalAuditEntry is one line of the audit trail about the candidate.
type PersonalAuditEntry struct {
	At        time.Time `json:"at"`
	ActorName string    `json:"actor_name"`
	ActorRole string    `json:"actor_role"`
	Action    string    `json:"action"`
	Entity    string    `json:"entity"`
	Before    string    `json:"before"`
	After     string    `json:"after"`
	Reason    string    `json:"reason"`
}

// personalDataPurposes say why cqp holds the data.
var personalDataPurposes = []string{
	"Organise the candidate's path to a professional certification (CQP) of the branch: enrolment, training follow-up, evaluation, jury.",
	"Issue, send and let third parties verify the certificates and block attestations awarded.",
	"Keep the audit trail that proves who recorded what and when, as the certification's rules require.",
}

const personalDataDocuments = "Uploaded evidence is listed with its file name, size and SHA-256 hash, not its content: " +
	"download each file from the VAE file's page, or ask the secretariat. Certificates and attestations are " +
	"downloaded as PDF from the candidate's page; their authenticity is checked with the verification code. " +
	"VAE decision letters are downloaded from the VAE file's page."

// PersonalDataExport returns everything cqp holds on the candidate, for their right of access:
// to the candidate themselves and to the secretariat. Another candidate's data is "not found",
// as for the candidate's file. The export is written to the audit trail.
func (s *Service) PersonalDataExport(ctx context.Context, a domain.Actor, candidateID string) (PersonalData, error) {
	return s.personalDataExport(ctx, a, candidateID, "json")
}

// PersonalDataForPDF is PersonalDataExport for the readable copy: the audit trail records a
// PDF export.
func (s *Service) PersonalDataForPDF(ctx context.Context, a domain.Actor, candidateID string) (PersonalData, error) {
	return s.personalDataExport(ctx, a, candidateID, "pdf")
}

func (s *Service) personalDataExport(ctx context.Context, a domain.Actor, candidateID, format string) (PersonalData, error) {
	sc, err := candidateScope(a, ActPersonalDataExport)
	if err != nil {
		return PersonalData{}, err
	}
	q := s.store.Read()
	c, err := q.Candidate(ctx, candidateID, sc)
	if err != nil {
		return PersonalData{}, err
	}
	d, err := s.collectPersonalData(ctx, q, c)
	if err != nil {
		return PersonalData{}, err
	}
	err = s.store.Write(ctx, func(q store.Q) error {
		return s.audit(ctx, q, a, change{Action: "candidate.personal_data_export", EntityType: "candidate", EntityID: c.ID,
			CandidateID: c.ID, After: map[string]any{"format": format}})
	})
	return d, err
}

func (s *Service) collectPersonalData(ctx context.Context, q store.Q, c domain.Candidate) (PersonalData, error) {
	d := PersonalData{Format: PersonalDataFormat, ExportedAt: s.Now(), Purposes: personalDataPurposes,
		Documents: personalDataDocuments, Enrolments: []PersonalEnrolment{}, Certificates: []PersonalCertificate{},
		Mails: []PersonalMail{}, AuditTrail: []PersonalAuditEntry{}, OutcomeSurveys: []PersonalSurvey{},
		Notes: map[string]string{"account.last_login": "cqp keeps no login history."}}
	if b, err := s.Branch(ctx); err == nil {
		d.Controller = PersonalDataController{Name: b.Name, Code: b.Code}
	}
	d.Candidate = PersonalIdentity{ID: c.ID, Number: c.Number, BirthName: c.BirthName, UsedName: c.UsedName,
		FirstNames: c.FirstNames, BirthDate: c.BirthDate, Sex: string(c.Sex), BirthINSEE: c.BirthINSEE,
		BirthCountry: c.BirthCountry, BirthCity: c.BirthCity, Email: c.Email, NIR: c.NIR, CreatedAt: c.CreatedAt, ErasedAt: c.ErasedAt}
	addrs := []string{c.Email}
	if c.UserID != "" {
		u, err := q.UserByID(ctx, c.UserID)
		if err != nil {
			return d, err
		}
		acc := &PersonalAccount{Email: u.Email, Name: u.Name, CreatedAt: u.CreatedAt, DisabledAt: u.DisabledAt,
			Roles: []PersonalRole{}, APITokens: []PersonalAPIToken{}}
		for _, r := range u.Roles {
			acc.Roles = append(acc.Roles, PersonalRole{Role: string(r.Role), Scope: r.ScopeName, CreatedAt: r.CreatedAt})
		}
		tokens, err := q.APITokensOfUser(ctx, u.ID)
		if err != nil {
			return d, err
		}
		for _, t := range tokens {
			acc.APITokens = append(acc.APITokens, PersonalAPIToken{Name: t.Name, CreatedAt: t.CreatedAt,
				ExpiresAt: t.ExpiresAt, LastUsedAt: t.LastUsedAt, RevokedAt: t.RevokedAt})
		}
		d.Account = acc
		addrs = append(addrs, u.Email)
	}
	for _, e := range c.Enrolments {
		pe, err := s.personalEnrolment(ctx, q, e)
		if err != nil {
			return d, err
		}
		d.Enrolments = append(d.Enrolments, pe)
	}
	certs, err := q.Certificates(ctx, store.CertificateFilter{CandidateID: c.ID})
	if err != nil {
		return d, err
	}
	for _, ct := range certs.Items {
		pc := PersonalCertificate{Number: ct.Number, Kind: string(ct.Kind), VerificationCode: ct.VerificationCode,
			HolderName: ct.HolderName, HolderBirthDate: ct.HolderBirthDate, QualificationCode: ct.QualificationCode,
			QualificationTitle: ct.QualificationTitle, Blocks: []string{}, AwardedOn: ct.AwardedOn, IssuedAt: ct.IssuedAt,
			MailedAt: ct.MailedAt, RevokedAt: ct.RevokedAt, RevokedReason: ct.RevokedReason}
		for _, b := range ct.Blocks {
			pc.Blocks = append(pc.Blocks, b.Code)
		}
		d.Certificates = append(d.Certificates, pc)
	}
	mails, err := q.MailTo(ctx, slices.Compact(addrs))
	if err != nil {
		return d, err
	}
	for _, m := range mails {
		status := "queued"
		switch {
		case m.SentAt != nil:
			status = "sent"
		case m.Error != "":
			status = "failed"
		}
		d.Mails = append(d.Mails, PersonalMail{To: m.To, Subject: m.Subject, QueuedAt: m.CreatedAt, SentAt: m.SentAt,
			Status: status, Attachment: m.AttachmentName})
	}
	for offset := 0; ; offset += 1000 {
		entries, total, err := q.ListAudit(ctx, store.AuditFilter{CandidateID: c.ID, Limit: 1000, Offset: offset})
		if err != nil {
			return d, err
		}
		for _, e := range entries {
			d.AuditTrail = append(d.AuditTrail, PersonalAuditEntry{At: e.At, ActorName: e.ActorName, ActorRole: e.ActorRole,
				Action: e.Action, Entity: e.EntityType, Before: e.Before, After: e.After, Reason: e.Reason})
		}
		if len(entries) == 0 || offset+len(entries) >= total {
			break
		}
	}
	surveys, err := q.CandidateOutcomeSurveys(ctx, c.ID)
	if err != nil {
		return d, err
	}
	for _, sv := range surveys {
		a := sv.Answer
		d.OutcomeSurveys = append(d.OutcomeSurveys, PersonalSurvey{EnrolmentID: sv.EnrolmentID, Months: sv.Wave, SentAt: sv.SentAt,
			RemindedAt: sv.RemindedAt, AnsweredAt: sv.AnsweredAt, Situation: string(a.Situation), Contract: string(a.Contract),
			JobTitle: a.JobTitle, CompanyName: a.CompanyName, SIRET: a.SIRET, Helped: string(a.Helped), Source: string(sv.Source),
			RecordedBy: sv.RecordedByName, RecordedAt: sv.RecordedAt})
	}
	return d, nil
}

func (s *Service) personalEnrolment(ctx context.Context, q store.Q, e domain.Enrolment) (PersonalEnrolment, error) {
	rec, err := q.Enrolment(ctx, e.ID, store.Scope{})
	if err != nil {
		return PersonalEnrolment{}, err
	}
	p := PersonalEnrolment{ID: e.ID, QualificationCode: e.QualificationCode, QualificationTitle: e.QualificationTitle,
		FrameworkVersion: e.FrameworkVersion, Route: string(e.Route), Stage: e.Stage, Public: string(e.Public),
		Status: string(e.Status), StatusHistory: []PersonalStatusChange{}, TrainingOrganisation: e.TrainingOrganisationName,
		TrainingOrgID: e.TrainingOrganisationID, Company: e.CompanyName, CompanyID: e.CompanyID,
		Referent: e.ReferentName, ReferentID: e.ReferentUserID, Action: rec.ActionTitle, Blocks: e.Blocks,
		Derogation: rec.Derogation.Reason, CreatedAt: e.CreatedAt, UpdatedAt: e.UpdatedAt,
		TrainingHours: []PersonalHours{}, Internships: []PersonalInternship{}, Logbook: []PersonalLogbookEntry{},
		ContinuousMarks: []PersonalMark{}, EvaluationGrids: []PersonalGrid{}, Orals: []PersonalOral{},
		JurySessions: []PersonalJury{}, AcquiredBlocks: []PersonalAcquiredBlock{}, GateDerogations: []PersonalGateDerogation{}}
	if p.Blocks == nil {
		p.Blocks = []string{}
	}
	for _, h := range e.History {
		p.StatusHistory = append(p.StatusHistory, PersonalStatusChange{Status: string(h.Status), Reason: h.Reason, At: h.At, By: h.ByName})
	}
	if in := rec.Intake; in.Recorded() {
		p.Interview = &PersonalInterview{On: in.InterviewOn, Project: in.Project, Motivation: in.Motivation,
			DiplomaLevel: in.DiplomaLevel, ExperienceMonths: in.ExperienceMonths, RelatedExperienceMonths: in.RelatedExperienceMonths}
	}
	hours, err := q.TrainingHours(ctx, e.ID)
	if err != nil {
		return p, err
	}
	for _, h := range hours {
		p.TrainingHours = append(p.TrainingHours, PersonalHours{Block: h.BlockCode, Planned: h.Planned, Done: h.Done, UpdatedAt: h.UpdatedAt})
	}
	internships, err := q.Internships(ctx, e.ID)
	if err != nil {
		return p, err
	}
	for _, in := range internships {
		p.Internships = append(p.Internships, PersonalInternship{Company: in.CompanyName, StartsOn: in.StartsOn, EndsOn: in.EndsOn, Hours: in.Hours})
	}
	logbook, err := q.LogbookEntries(ctx, e.ID)
	if err != nil {
		return p, err
	}
	for _, l := range logbook {
		p.Logbook = append(p.Logbook, PersonalLogbookEntry{On: l.On, Competence: l.CompetenceCode, Assessment: l.Assessment,
			Body: l.Body, Author: l.AuthorName, CreatedAt: l.CreatedAt})
	}
	marks, err := q.ContinuousAssessments(ctx, e.ID)
	if err != nil {
		return p, err
	}
	for _, m := range marks {
		p.ContinuousMarks = append(p.ContinuousMarks, PersonalMark{Block: m.BlockCode, Label: m.Label, Mark: m.Mark.String(),
			AssessedOn: m.AssessedOn, By: m.CreatedByName})
	}
	grids, err := q.GridVersions(ctx, e.ID, "")
	if err != nil {
		return p, err
	}
	for _, g := range grids {
		pg := PersonalGrid{Evaluator: string(g.Evaluator), Version: g.Version, Status: string(g.Status), Comment: g.Comment,
			CorrectionReason: g.CorrectionReason, CareerPresentation: g.CareerPresentation, PracticalCase: g.PracticalCase,
			KnowledgeQuestion: g.KnowledgeQuestion, OpenQuestions: g.OpenQuestions, ReasonedOpinion: g.ReasonedOpinion,
			LineManager: g.LineManager, CreatedAt: g.CreatedAt, CreatedBy: g.CreatedByName, SubmittedAt: g.SubmittedAt,
			SubmittedBy: g.SubmittedByName, Marks: []PersonalGridMark{}, BlockTests: []PersonalBlockTest{}}
		codes := make([]string, 0, len(g.Marks))
		for code := range g.Marks {
			codes = append(codes, code)
		}
		slices.Sort(codes)
		for _, code := range codes {
			pg.Marks = append(pg.Marks, PersonalGridMark{Competence: code, Mark: g.Marks[code].Mark, Comment: g.Marks[code].Comment})
		}
		for _, t := range g.BlockTests {
			pg.BlockTests = append(pg.BlockTests, PersonalBlockTest{Block: t.BlockCode, Kind: string(t.Kind), HeldOn: t.HeldOn,
				Result: t.Result, Assessor: t.Assessor})
		}
		p.EvaluationGrids = append(p.EvaluationGrids, pg)
	}
	orals, err := q.ListOrals(ctx, store.OralFilter{EnrolmentID: e.ID})
	if err != nil {
		return p, err
	}
	for _, o := range orals {
		p.Orals = append(p.Orals, PersonalOral{Commission: o.CommissionName, StartsAt: o.StartsAt,
			DurationMinutes: o.DurationMinutes, Place: o.Place, VideoLink: o.VideoLink})
	}
	if err := personalJury(ctx, q, e.ID, &p); err != nil {
		return p, err
	}
	if p.VAE, err = personalVAE(ctx, q, e.ID); err != nil {
		return p, err
	}
	return p, nil
}

func personalJury(ctx context.Context, q store.Q, enrolmentID string, p *PersonalEnrolment) error {
	sessions, err := q.JurySessionsOfEnrolment(ctx, enrolmentID)
	if err != nil {
		return err
	}
	for _, js := range sessions {
		pj := PersonalJury{StartsAt: js.StartsAt, Place: js.Place, Status: string(js.Status), Decisions: []PersonalJuryDecision{}}
		cands, err := q.JuryCandidates(ctx, js.ID)
		if err != nil {
			return err
		}
		for _, jc := range cands {
			if jc.EnrolmentID == enrolmentID {
				pj.Outcome = jc.Outcome
			}
		}
		decisions, err := q.JuryDecisions(ctx, js.ID, enrolmentID)
		if err != nil {
			return err
		}
		for _, jd := range decisions {
			pj.Decisions = append(pj.Decisions, PersonalJuryDecision{Block: jd.BlockCode, Decision: jd.Decision, Reason: jd.Reason,
				ReferentOpinion: jd.ReferentOpinion, DecidedAt: jd.DecidedAt, DecidedBy: jd.DecidedByName})
		}
		p.JurySessions = append(p.JurySessions, pj)
	}
	acquired, err := q.AcquiredBlocks(ctx, enrolmentID)
	if err != nil {
		return err
	}
	for _, b := range acquired {
		p.AcquiredBlocks = append(p.AcquiredBlocks, PersonalAcquiredBlock{Block: b.BlockCode, AcquiredOn: b.AcquiredOn})
	}
	derogations, err := q.GateDerogations(ctx, enrolmentID)
	if err != nil {
		return err
	}
	for _, g := range derogations {
		p.GateDerogations = append(p.GateDerogations, PersonalGateDerogation{Gate: g.Gate, Missing: g.Missing, Reason: g.Reason,
			RecordedAt: g.RecordedAt, RecordedBy: g.RecordedByName})
	}
	return nil
}

// personalVAE reads the enrolment's VAE file, or returns nil when it has none.
func personalVAE(ctx context.Context, q store.Q, enrolmentID string) (*PersonalVAE, error) {
	f, err := q.VAEFile(ctx, enrolmentID)
	if domain.ErrorCode(err) == domain.ENOTFOUND {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	v := &PersonalVAE{Status: string(f.Status), RequestedBy: string(f.RequestedBy), RequestMessage: f.RequestMessage,
		Draft: f.Draft, Version: f.Version, ValidUntil: f.ValidUntil, Adviser: f.AdviserName,
		ExperienceStatus: string(f.ExperienceStatus), ExperienceRound: f.ExperienceRound, SentAt: f.SentAt, CreatedAt: f.CreatedAt,
		Versions: []PersonalVAEVersion{}, Reviews: []PersonalVAEReview{}, Decisions: []PersonalVAEDecision{},
		ExperienceBlocks: []PersonalExperienceBlock{}, ExperienceSubmitted: []PersonalExperienceSubmit{},
		AdviserComments: []PersonalAdviserComment{}, Evidence: []PersonalEvidence{}}
	versions, err := q.VAEFileVersions(ctx, enrolmentID)
	if err != nil {
		return nil, err
	}
	for _, ver := range versions {
		v.Versions = append(v.Versions, PersonalVAEVersion{Version: ver.Version, Content: ver.Content, SubmittedAt: ver.SubmittedAt, SubmittedBy: ver.SubmittedByName})
	}
	reviews, err := q.VAEReviews(ctx, enrolmentID)
	if err != nil {
		return nil, err
	}
	for _, r := range reviews {
		v.Reviews = append(v.Reviews, PersonalVAEReview{FileVersion: r.FileVersion, TrainingOrganisation: r.TrainingOrganisationName,
			RequestedAt: r.RequestedAt, Opinion: string(r.Opinion), Comment: r.Comment, GivenAt: r.GivenAt, GivenBy: r.GivenByName})
	}
	decisions, err := q.VAEDecisions(ctx, enrolmentID)
	if err != nil {
		return nil, err
	}
	for _, dd := range decisions {
		v.Decisions = append(v.Decisions, PersonalVAEDecision{FileVersion: dd.FileVersion, Decision: string(dd.Decision), Reason: dd.Reason,
			ValidUntil: dd.ValidUntil, RedirectRoute: string(dd.RedirectRoute), DecidedAt: dd.DecidedAt, DecidedBy: dd.DecidedByName,
			RevokedAt: dd.RevokedAt, RevokeReason: dd.RevokeReason})
	}
	blocks, err := q.ExperienceBlocks(ctx, enrolmentID)
	if err != nil {
		return nil, err
	}
	codes := make([]string, 0, len(blocks))
	for code := range blocks {
		codes = append(codes, code)
	}
	slices.Sort(codes)
	for _, code := range codes {
		b := blocks[code]
		v.ExperienceBlocks = append(v.ExperienceBlocks, PersonalExperienceBlock{Block: b.BlockCode, Narrative: b.Narrative,
			UpdatedAt: b.UpdatedAt, UpdatedBy: b.UpdatedByName})
	}
	subs, err := q.ExperienceSubmissions(ctx, enrolmentID)
	if err != nil {
		return nil, err
	}
	for _, sub := range subs {
		v.ExperienceSubmitted = append(v.ExperienceSubmitted, PersonalExperienceSubmit{Round: sub.Round, Blocks: sub.Blocks,
			SubmittedAt: sub.SubmittedAt, SubmittedBy: sub.SubmittedByName})
	}
	comments, err := q.AdviserComments(ctx, enrolmentID)
	if err != nil {
		return nil, err
	}
	for _, cm := range comments {
		v.AdviserComments = append(v.AdviserComments, PersonalAdviserComment{Block: cm.BlockCode, Comment: cm.Comment,
			CreatedAt: cm.CreatedAt, By: cm.CreatedByName})
	}
	evidence, err := q.EvidenceList(ctx, enrolmentID)
	if err != nil {
		return nil, err
	}
	for _, ev := range evidence {
		v.Evidence = append(v.Evidence, PersonalEvidence{Block: ev.BlockCode, Title: ev.Title, Filename: ev.Filename,
			ContentType: ev.ContentType, SizeBytes: ev.SizeBytes, SHA256: ev.SHA256, Round: ev.Round,
			UploadedAt: ev.UploadedAt, UploadedBy: ev.UploadedByName})
	}
	return v, nil
}

// PersonalDataFileName is the download's name, with the candidate's number.
func PersonalDataFileName(number, ext string) string {
	return "donnees-personnelles-" + strings.ReplaceAll(number, "/", "-") + "." + ext
}
