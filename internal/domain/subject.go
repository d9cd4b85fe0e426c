package domain

import (
	"path/filepath"
	"strconv"
	"strings"
	"time"
)

// The subject bank (issue 18): training organisations and companies propose knowledge
// questions and practical cases during a yearly call; the subject committee (« commission de
// sujets d'évaluation ») accepts, edits or refuses them; accepted subjects enter the bank for a
// number of years, and each certification oral draws its practical case and knowledge question
// from it.

// SubjectKind is the part of the oral a subject serves.
type SubjectKind string

const (
	SubjectKnowledgeQuestion SubjectKind = "knowledge_question"
	SubjectPracticalCase     SubjectKind = "practical_case"
)

// SubjectKinds lists the kinds in the order of the oral.
var SubjectKinds = []SubjectKind{SubjectPracticalCase, SubjectKnowledgeQuestion}

// Valid reports whether k is a known kind.
func (k SubjectKind) Valid() bool { return k == SubjectKnowledgeQuestion || k == SubjectPracticalCase }

// Label is the French name of the kind.
func (k SubjectKind) Label() string {
	switch k {
	case SubjectKnowledgeQuestion:
		return "Question de connaissances"
	case SubjectPracticalCase:
		return "Cas pratique"
	}
	return string(k)
}

// SubjectStatus is where a subject stands from its draft to its retirement.
type SubjectStatus string

const (
	SubjectDraft     SubjectStatus = "draft"     // the proposer edits it; may be withdrawn
	SubjectSubmitted SubjectStatus = "submitted" // sent during a call: the committee reviews it
	SubjectAccepted  SubjectStatus = "accepted"  // in the bank until valid_until
	SubjectRefused   SubjectStatus = "refused"   // the committee refused it, with its reason
	SubjectWithdrawn SubjectStatus = "withdrawn" // the proposer withdrew the draft
	SubjectRetired   SubjectStatus = "retired"   // taken out of the bank, with its reason
)

// SubjectStatuses lists the statuses in the order of a subject's path.
var SubjectStatuses = []SubjectStatus{SubjectDraft, SubjectSubmitted, SubjectAccepted, SubjectRefused, SubjectWithdrawn, SubjectRetired}

// Valid reports whether s is a known status.
func (s SubjectStatus) Valid() bool {
	for _, x := range SubjectStatuses {
		if x == s {
			return true
		}
	}
	return false
}

// Label is the French name of the status, as the proposer and the committee read it.
func (s SubjectStatus) Label() string {
	switch s {
	case SubjectDraft:
		return "Brouillon"
	case SubjectSubmitted:
		return "Soumis à la commission"
	case SubjectAccepted:
		return "Accepté"
	case SubjectRefused:
		return "Refusé"
	case SubjectWithdrawn:
		return "Retiré par l'auteur"
	case SubjectRetired:
		return "Retiré de la banque"
	}
	return string(s)
}

// ProposerKind is the kind of organisation that proposed a subject.
type ProposerKind string

const (
	ProposerTrainingOrganisation ProposerKind = "training_organisation"
	ProposerCompany              ProposerKind = "company"
)

// Valid reports whether k is a known proposer kind.
func (k ProposerKind) Valid() bool { return k == ProposerTrainingOrganisation || k == ProposerCompany }

// Label is the French name of the proposer kind.
func (k ProposerKind) Label() string {
	switch k {
	case ProposerTrainingOrganisation:
		return "Organisme de formation"
	case ProposerCompany:
		return "Entreprise"
	}
	return string(k)
}

// SubjectDecision is the committee's decision on a submitted subject.
type SubjectDecision string

const (
	SubjectDecisionAccepted            SubjectDecision = "accepted"
	SubjectDecisionAcceptedWithChanges SubjectDecision = "accepted_with_changes"
	SubjectDecisionRefused             SubjectDecision = "refused"
)

// SubjectDecisions lists the decisions in the order the review form offers them.
var SubjectDecisions = []SubjectDecision{SubjectDecisionAccepted, SubjectDecisionAcceptedWithChanges, SubjectDecisionRefused}

// Valid reports whether d is a known decision.
func (d SubjectDecision) Valid() bool {
	for _, x := range SubjectDecisions {
		if x == d {
			return true
		}
	}
	return false
}

// Accepts reports whether the subject enters the bank.
func (d SubjectDecision) Accepts() bool {
	return d == SubjectDecisionAccepted || d == SubjectDecisionAcceptedWithChanges
}

// Label is the French name of the decision.
func (d SubjectDecision) Label() string {
	switch d {
	case SubjectDecisionAccepted:
		return "Accepté"
	case SubjectDecisionAcceptedWithChanges:
		return "Accepté avec modifications"
	case SubjectDecisionRefused:
		return "Refusé"
	}
	return string(d)
}

// Bounds of a subject's fields.
const (
	SubjectMinDurationMinutes = 5
	SubjectMaxDurationMinutes = 120
	SubjectMinValidityYears   = 1
	SubjectMaxValidityYears   = 5
	SubjectMaxAttachmentBytes = 5 << 20 // one PDF attachment
	SubjectMaxAttachments     = 5
	SubjectMaxTextRunes       = 20000
)

// SubjectCall is the yearly call for proposals: submissions are open from OpensOn to ClosesOn
// inclusive. AnnouncedAt is set once the opening mail to the accredited organisations is queued.
type SubjectCall struct {
	ID          string
	Year        int
	OpensOn     Date
	ClosesOn    Date
	AnnouncedAt *time.Time
	CreatedAt   time.Time
	CreatedBy   string
}

// OpenOn reports whether submissions are accepted on day d.
func (c SubjectCall) OpenOn(d Date) bool {
	return !d.Before(c.OpensOn) && !c.ClosesOn.Before(d)
}

// Validate checks the call's year and dates.
func (c SubjectCall) Validate() error {
	fe := FieldErrors{}
	if c.Year < 2000 || c.Year > 2100 {
		fe.Add("year", "Indiquez l'année de l'appel (par exemple 2027).")
	}
	if c.OpensOn.IsZero() {
		fe.Add("opens_on", "Indiquez la date d'ouverture de l'appel.")
	}
	if c.ClosesOn.IsZero() {
		fe.Add("closes_on", "Indiquez la date de clôture de l'appel.")
	}
	if !c.OpensOn.IsZero() && !c.ClosesOn.IsZero() && c.ClosesOn.Before(c.OpensOn) {
		fe.Add("closes_on", "La date de clôture doit suivre la date d'ouverture.")
	}
	return fe.Err()
}

// SubjectVersion is one text of a subject: version 1 is the proposer's, later ones the
// committee's changes with their reason.
type SubjectVersion struct {
	SubjectID       string
	Version         int
	Title           string
	CandidateText   string // what the candidate reads
	ExpectedAnswer  string // for the commission only
	MarkingGuide    string // for the commission only
	DurationMinutes int
	AuthorID        string
	AuthorName      string // filled when read
	AuthorKind      string // SubjectAuthorProposer or SubjectAuthorCommittee
	Reason          string // why the committee changed the text
	CreatedAt       time.Time
}

// Authors of a subject version.
const (
	SubjectAuthorProposer  = "proposer"
	SubjectAuthorCommittee = "committee"
)

// Validate checks the texts and the duration; the field names are the form's.
func (v SubjectVersion) Validate() error {
	fe := FieldErrors{}
	if strings.TrimSpace(v.Title) == "" {
		fe.Add("title", "Donnez un titre au sujet.")
	} else if len([]rune(v.Title)) > 200 {
		fe.Add("title", "Le titre dépasse 200 caractères.")
	}
	if strings.TrimSpace(v.CandidateText) == "" {
		fe.Add("candidate_text", "Écrivez le texte remis au candidat.")
	}
	for field, text := range map[string]string{"candidate_text": v.CandidateText, "expected_answer": v.ExpectedAnswer, "marking_guide": v.MarkingGuide} {
		if len([]rune(text)) > SubjectMaxTextRunes {
			fe.Add(field, "Ce texte dépasse 20 000 caractères.")
		}
	}
	if strings.TrimSpace(v.ExpectedAnswer) == "" {
		fe.Add("expected_answer", "Décrivez la réponse attendue, pour la commission.")
	}
	if strings.TrimSpace(v.MarkingGuide) == "" {
		fe.Add("marking_guide", "Donnez la grille de correction, pour la commission.")
	}
	if v.DurationMinutes < SubjectMinDurationMinutes || v.DurationMinutes > SubjectMaxDurationMinutes {
		fe.Add("duration_minutes", "La durée doit être comprise entre 5 et 120 minutes.")
	}
	return fe.Err()
}

// Subject is a proposal and, once accepted, a subject of the bank. Current is the version the
// bank uses (the committee's latest, else the proposer's).
type Subject struct {
	ID              string
	Kind            SubjectKind
	QualificationID string
	FrameworkID     string
	Status          SubjectStatus
	ProposerKind    ProposerKind
	ProposerOrgID   string
	ProposerOrgName string // filled when read
	ProposedBy      string
	ProposedByName  string // filled when read
	CallID          string
	CurrentVersion  int
	Blocks          []string // block codes covered
	Competences     []string // competence codes covered
	SubmittedAt     *time.Time
	DecidedAt       *time.Time
	ValidUntil      Date // zero until accepted
	RetiredAt       *time.Time
	RetiredBy       string
	RetireReason    string
	CreatedAt       time.Time
	UpdatedAt       time.Time
	Current         SubjectVersion // filled when read
}

// ValidOn reports whether the subject may be drawn on day d: accepted, not retired, within
// its validity.
func (s Subject) ValidOn(d Date) bool {
	return s.Status == SubjectAccepted && !s.ValidUntil.IsZero() && !s.ValidUntil.Before(d)
}

// Editable reports whether the proposer may still change or withdraw the subject.
func (s Subject) Editable() bool { return s.Status == SubjectDraft }

// SubjectAttachment is one PDF handed with a subject.
type SubjectAttachment struct {
	ID         string
	SubjectID  string
	Filename   string
	SizeBytes  int64
	SHA256     string
	Content    []byte // filled only when the file itself is read
	UploadedAt time.Time
	UploadedBy string
}

// SubjectCommitteeSession is one meeting of the subject committee.
type SubjectCommitteeSession struct {
	ID        string
	StartsAt  time.Time
	Place     string
	Members   []string // user IDs
	CreatedAt time.Time
	CreatedBy string
}

// SubjectReview is one decision of the committee on a subject.
type SubjectReview struct {
	ID            string
	SubjectID     string
	SessionID     string
	Version       int // the version decided (the new one for « accepted with changes »)
	Decision      SubjectDecision
	Reason        string
	ValidityYears int
	ReviewerID    string
	ReviewerName  string // filled when read
	ReviewedAt    time.Time
}

// Validate checks that a refusal has its reason and an acceptance its validity.
func (r SubjectReview) Validate() error {
	fe := FieldErrors{}
	if !r.Decision.Valid() {
		fe.Add("decision", "Choisissez une décision : accepté, accepté avec modifications ou refusé.")
	}
	if (r.Decision == SubjectDecisionRefused || r.Decision == SubjectDecisionAcceptedWithChanges) && strings.TrimSpace(r.Reason) == "" {
		fe.Add("reason", "Indiquez le motif de la décision : il est communiqué à l'auteur du sujet.")
	}
	if r.Decision.Accepts() && (r.ValidityYears < SubjectMinValidityYears || r.ValidityYears > SubjectMaxValidityYears) {
		fe.Add("validity_years", "La durée de validité doit être comprise entre 1 et 5 ans.")
	}
	return fe.Err()
}

// SubjectDraw is one subject drawn for an oral. A redraw keeps the replaced draw with
// ReplacedAt, ReplacedBy (the new draw), RedrawnBy and RedrawReason.
type SubjectDraw struct {
	ID           string
	OralID       string
	SubjectID    string
	Kind         SubjectKind
	Version      int
	CandidateID  string
	EnrolmentID  string
	DrawnBy      string
	DrawnAt      time.Time
	ReplacedAt   *time.Time
	ReplacedBy   string
	RedrawnBy    string
	RedrawReason string
}

// InForce reports whether the draw is the oral's current subject of its kind.
func (d SubjectDraw) InForce() bool { return d.ReplacedAt == nil }

// CheckSubjectAttachment accepts a PDF without active content, of at most
// SubjectMaxAttachmentBytes; the French message names the file and what is wrong.
func CheckSubjectAttachment(filename string, content []byte) error {
	name := SafeFilename(filename)
	if len(content) > SubjectMaxAttachmentBytes {
		return Errorf(EINVALID, "Le fichier « %s » dépasse 5 Mo : réduisez-le (par exemple en l'imprimant de nouveau en PDF) et recommencez.", name)
	}
	kind, err := SniffEvidence(name, content)
	if err != nil {
		return Errorf(EINVALID, "%s.", capitalise(err.Error()))
	}
	if kind != EvidencePDF {
		return Errorf(EINVALID, "Le fichier « %s » n'est pas un PDF : seuls les PDF sont acceptés comme pièces jointes d'un sujet.", name)
	}
	return nil
}

// SafeFilename keeps the last element of a path sent by a browser, without control characters.
func SafeFilename(filename string) string {
	name := filepath.Base(strings.ReplaceAll(filename, `\`, "/"))
	name = strings.Map(func(r rune) rune {
		if r < 0x20 || r == 0x7f {
			return -1
		}
		return r
	}, name)
	if name == "." || name == "/" || name == "" {
		return "piece.pdf"
	}
	return name
}

func capitalise(s string) string {
	if s == "" {
		return s
	}
	r := []rune(s)
	return strings.ToUpper(string(r[0])) + string(r[1:])
}

// SizeLabel is the attachment's size in French: « 812 octets », « 34 Ko », « 1,5 Mo ».
func (a SubjectAttachment) SizeLabel() string {
	switch {
	case a.SizeBytes < 1024:
		return strconv.FormatInt(a.SizeBytes, 10) + " octets"
	case a.SizeBytes < 1<<20:
		return strconv.FormatInt((a.SizeBytes+1023)/1024, 10) + " Ko"
	}
	tenths := (a.SizeBytes*10 + (1<<20)/2) / (1 << 20)
	return strconv.FormatInt(tenths/10, 10) + "," + strconv.FormatInt(tenths%10, 10) + " Mo"
}
