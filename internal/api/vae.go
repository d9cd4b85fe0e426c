package api

import (
	"errors"
	"net/http"
	"slices"
	"strings"

	"cqp/internal/domain"
	"cqp/internal/download"
	"cqp/internal/service"
	"cqp/internal/store"
)

// The VAE files (DOMAIN.md §5): the list the token's owner may see, one file limited to the
// sections the service lets them read, an evidence file's bytes, and a training organisation's
// reasoned opinion on the version it was asked to review.

// vaeCandidateDTO names the candidate of a VAE file.
type vaeCandidateDTO struct {
	ID     string `json:"id"`
	Number string `json:"number"`
	Name   string `json:"name"`
}

type vaeQualificationDTO struct {
	Code  string `json:"code"`
	Title string `json:"title"`
}

// vaeSummaryDTO is where a VAE file stands: a line of the list, and the head of a file.
type vaeSummaryDTO struct {
	EnrolmentID          string              `json:"enrolment_id"`
	Candidate            vaeCandidateDTO     `json:"candidate"`
	Qualification        vaeQualificationDTO `json:"qualification"`
	Status               string              `json:"status"`
	StatusLabel          string              `json:"status_label"`
	RequestedBy          string              `json:"requested_by"`
	EnrolmentStatus      string              `json:"enrolment_status"`
	ExperienceStatus     string              `json:"experience_status"`
	ValidUntil           *string             `json:"valid_until"`
	ReviewerOrganisation *string             `json:"reviewer_organisation"`
	ReviewOpinion        *string             `json:"review_opinion"`
	UpdatedAt            string              `json:"updated_at"`
}

func vaeSummaryOf(f store.VAEFile, c domain.Candidate, qualification vaeQualificationDTO, enrolmentStatus domain.EnrolmentStatus,
	reviewer string, opinion domain.ReviewOpinion) vaeSummaryDTO {
	return vaeSummaryDTO{EnrolmentID: f.EnrolmentID, Candidate: vaeCandidateDTO{ID: c.ID, Number: c.Number, Name: c.DisplayName()},
		Qualification: qualification, Status: string(f.Status), StatusLabel: f.Status.Label(), RequestedBy: string(f.RequestedBy),
		EnrolmentStatus: string(enrolmentStatus), ExperienceStatus: string(f.ExperienceStatus), ValidUntil: optDate(f.ValidUntil),
		ReviewerOrganisation: opt(reviewer), ReviewOpinion: opt(string(opinion)), UpdatedAt: timestamp(f.UpdatedAt)}
}

// vaeFileDTO is one VAE file: its summary, then each section the caller may read, or null.
type vaeFileDTO struct {
	vaeSummaryDTO
	Admissibility *vaeAdmissibilityDTO `json:"admissibility"`
	Experience    *vaeExperienceDTO    `json:"experience"`
}

// vaeAdmissibilityDTO is the admissibility file: the versions the candidate sent, the latest
// with its content, the training organisations' opinions and the secretariat's decisions.
type vaeAdmissibilityDTO struct {
	Versions      []vaeVersionRefDTO `json:"versions"`
	LatestVersion *vaeVersionDTO     `json:"latest_version"`
	Reviews       []vaeReviewDTO     `json:"reviews"`
	Decisions     []vaeDecisionDTO   `json:"decisions"`
}

type vaeVersionRefDTO struct {
	Version     int    `json:"version"`
	SubmittedAt string `json:"submitted_at"`
}

// vaeVersionDTO is one submitted version of the admissibility file, with the related and total
// experience its periods give under the VAE rule.
type vaeVersionDTO struct {
	Version        int                    `json:"version"`
	SubmittedAt    string                 `json:"submitted_at"`
	Periods        []vaePeriodDTO         `json:"periods"`
	Diplomas       []vaeDiplomaDTO        `json:"diplomas"`
	SelfAssessment []vaeSelfAssessmentDTO `json:"self_assessment"`
	RelatedMonths  int                    `json:"related_months"`
	TotalMonths    int                    `json:"total_months"`
}

type vaePeriodDTO struct {
	Employer   string  `json:"employer"`
	Role       string  `json:"role"`
	From       *string `json:"from"`
	Until      *string `json:"until"`
	Related    bool    `json:"related"`
	Activities *string `json:"activities"`
}

type vaeDiplomaDTO struct {
	Title string  `json:"title"`
	Year  *string `json:"year"`
	Level *string `json:"level"`
}

type vaeSelfAssessmentDTO struct {
	Competence string  `json:"competence"`
	Level      *string `json:"level"`
	Situation  *string `json:"situation"`
}

type vaeReviewDTO struct {
	ID           string  `json:"id"`
	Organisation refDTO  `json:"organisation"`
	FileVersion  int     `json:"file_version"`
	Opinion      *string `json:"opinion"`
	Comment      *string `json:"comment"`
	RequestedAt  string  `json:"requested_at"`
	GivenAt      *string `json:"given_at"`
}

type vaeDecisionDTO struct {
	ID                  string  `json:"id"`
	FileVersion         int     `json:"file_version"`
	Decision            string  `json:"decision"`
	DecisionLabel       string  `json:"decision_label"`
	Reason              string  `json:"reason"`
	ValidUntil          *string `json:"valid_until"`
	RedirectRoute       *string `json:"redirect_route"`
	RedirectEnrolmentID *string `json:"redirect_enrolment_id"`
	DecidedAt           string  `json:"decided_at"`
	RevokedAt           *string `json:"revoked_at"`
	RevokeReason        *string `json:"revoke_reason"`
}

// vaeExperienceDTO is the experience file: what the candidate wrote for each block presented,
// and the evidence files.
type vaeExperienceDTO struct {
	Blocks   []vaeNarrativeDTO `json:"blocks"`
	Evidence []vaeEvidenceDTO  `json:"evidence"`
}

type vaeNarrativeDTO struct {
	Code      string  `json:"code"`
	Title     string  `json:"title"`
	Acquired  bool    `json:"acquired"`
	Narrative *string `json:"narrative"`
	UpdatedAt *string `json:"updated_at"`
}

type vaeEvidenceDTO struct {
	ID          string  `json:"id"`
	Block       *string `json:"block"`
	Title       *string `json:"title"`
	Filename    string  `json:"filename"`
	ContentType string  `json:"content_type"`
	SizeBytes   int64   `json:"size_bytes"`
	SHA256      string  `json:"sha256"`
	UploadedAt  string  `json:"uploaded_at"`
	Download    string  `json:"download"`
}

// vaeFileOf turns the service's view into the document, section by section as the view shows
// them. The months of the latest version are counted on that version, as of today.
func vaeFileOf(v service.VAEView, today domain.Date) vaeFileDTO {
	var reviewer string
	var opinion domain.ReviewOpinion
	if len(v.Reviews) > 0 { // the latest first, as the list counts them
		reviewer, opinion = v.Reviews[0].TrainingOrganisationName, v.Reviews[0].Opinion
	}
	d := vaeFileDTO{vaeSummaryDTO: vaeSummaryOf(v.File, v.Candidate,
		vaeQualificationDTO{Code: v.Enrolment.QualificationCode, Title: v.Enrolment.QualificationTitle},
		v.Enrolment.Status, reviewer, opinion)}
	if v.ShowAdmissibility {
		d.Admissibility = vaeAdmissibilityOf(v, today)
	}
	if v.ShowExperience {
		d.Experience = vaeExperienceOf(v)
	}
	return d
}

func vaeAdmissibilityOf(v service.VAEView, today domain.Date) *vaeAdmissibilityDTO {
	out := &vaeAdmissibilityDTO{Versions: []vaeVersionRefDTO{}, Reviews: []vaeReviewDTO{}, Decisions: []vaeDecisionDTO{}}
	for i, ver := range v.Versions { // the latest first
		out.Versions = append(out.Versions, vaeVersionRefDTO{Version: ver.Version, SubmittedAt: timestamp(ver.SubmittedAt)})
		if i == 0 {
			out.LatestVersion = vaeVersionOf(v, ver, today)
		}
	}
	for _, r := range v.Reviews {
		out.Reviews = append(out.Reviews, vaeReviewDTO{ID: r.ID, Organisation: refDTO{ID: r.TrainingOrganisationID, Name: r.TrainingOrganisationName},
			FileVersion: r.FileVersion, Opinion: opt(string(r.Opinion)), Comment: opt(r.Comment), RequestedAt: timestamp(r.RequestedAt),
			GivenAt: optTimestamp(r.GivenAt)})
	}
	for _, x := range v.Decisions {
		out.Decisions = append(out.Decisions, vaeDecisionDTO{ID: x.ID, FileVersion: x.FileVersion, Decision: string(x.Decision),
			DecisionLabel: x.Decision.Label(), Reason: x.Reason, ValidUntil: optDate(x.ValidUntil), RedirectRoute: opt(string(x.RedirectRoute)),
			RedirectEnrolmentID: opt(x.RedirectEnrolmentID), DecidedAt: timestamp(x.DecidedAt), RevokedAt: optTimestamp(x.RevokedAt),
			RevokeReason: opt(x.RevokeReason)})
	}
	return out
}

func vaeVersionOf(v service.VAEView, ver store.VAEFileVersion, today domain.Date) *vaeVersionDTO {
	c := ver.Content
	check := service.CheckAdmissibility(v.Framework, v.SelfAssessed(), c, true, today) // for the months only
	out := &vaeVersionDTO{Version: ver.Version, SubmittedAt: timestamp(ver.SubmittedAt), Periods: []vaePeriodDTO{},
		Diplomas: []vaeDiplomaDTO{}, SelfAssessment: []vaeSelfAssessmentDTO{}, RelatedMonths: check.RelatedMonths, TotalMonths: check.TotalMonths}
	for _, p := range c.Periods {
		out.Periods = append(out.Periods, vaePeriodDTO{Employer: p.Employer, Role: p.Role, From: optDate(p.From), Until: optDate(p.Until),
			Related: p.Related, Activities: opt(p.Activities)})
	}
	for _, x := range c.Diplomas {
		out.Diplomas = append(out.Diplomas, vaeDiplomaDTO{Title: x.Title, Year: opt(x.Year), Level: opt(x.Level)})
	}
	// The self-assessment in the order of the framework, then any competence it no longer has.
	var codes []string
	for _, b := range v.Blocks {
		for _, comp := range b.Competences {
			if _, ok := c.SelfAssessment[comp.Code]; ok && !slices.Contains(codes, comp.Code) {
				codes = append(codes, comp.Code)
			}
		}
	}
	var rest []string
	for code := range c.SelfAssessment {
		if !slices.Contains(codes, code) {
			rest = append(rest, code)
		}
	}
	slices.Sort(rest)
	for _, code := range append(codes, rest...) {
		sa := c.SelfAssessment[code]
		out.SelfAssessment = append(out.SelfAssessment, vaeSelfAssessmentDTO{Competence: code, Level: opt(string(sa.Level)), Situation: opt(sa.Situation)})
	}
	return out
}

func vaeExperienceOf(v service.VAEView) *vaeExperienceDTO {
	out := &vaeExperienceDTO{Blocks: []vaeNarrativeDTO{}, Evidence: []vaeEvidenceDTO{}}
	for _, b := range v.Blocks {
		n := vaeNarrativeDTO{Code: b.Code, Title: b.Title, Acquired: v.Acquired[b.Code]}
		if x, ok := v.Experience[b.Code]; ok {
			n.Narrative = opt(x.Narrative)
			if n.Narrative != nil {
				n.UpdatedAt = opt(timestamp(x.UpdatedAt))
			}
		}
		out.Blocks = append(out.Blocks, n)
	}
	for _, e := range v.Evidence {
		out.Evidence = append(out.Evidence, vaeEvidenceDTO{ID: e.ID, Block: opt(e.BlockCode), Title: opt(e.Title), Filename: e.Filename,
			ContentType: e.ContentType, SizeBytes: e.SizeBytes, SHA256: e.SHA256, UploadedAt: timestamp(e.UploadedAt),
			Download: evidencePath(v.File.EnrolmentID, e.ID)})
	}
	return out
}

func evidencePath(enrolmentID, evidenceID string) string {
	return Prefix + "/vae/" + enrolmentID + "/evidence/" + evidenceID
}

// vaeStatusNames lists the VAE statuses' codes, in the order of a request's path.
func vaeStatusNames() string {
	names := make([]string, len(domain.VAEStatuses))
	for i, s := range domain.VAEStatuses {
		names[i] = string(s)
	}
	return strings.Join(names, ", ")
}

// vaeList answers GET /vae: the files the token's owner may see, oldest change first, as a
// queue; `status` (repeatable) keeps the files in any of the statuses given.
func (a *API) vaeList(w http.ResponseWriter, r *http.Request, actor domain.Actor) error {
	q := newQuery(r, "status", "limit", "offset")
	var f service.VAEListFilter
	for _, raw := range q.values["status"] {
		st := domain.VAEStatus(strings.TrimSpace(raw))
		switch {
		case st == "":
		case !st.Valid():
			q.fe.Add("status", "Statut de VAE inconnu : « "+raw+" ». Indiquez l'un de "+vaeStatusNames()+".")
		case !slices.Contains(f.Statuses, st):
			f.Statuses = append(f.Statuses, st)
		}
	}
	f.Limit = q.intIn("limit", service.VAEPageSize, 1, 500)
	f.Offset = q.intIn("offset", 0, 0, maxOffset)
	if err := q.err(); err != nil {
		return err
	}
	p, err := a.svc.VAEFilesPage(r.Context(), actor, f)
	if err != nil {
		return err
	}
	items := make([]vaeSummaryDTO, 0, len(p.Files))
	for _, l := range p.Files {
		items = append(items, vaeSummaryOf(l.File, l.Candidate,
			vaeQualificationDTO{Code: l.QualificationCode, Title: l.QualificationTitle},
			l.EnrolmentStatus, l.ReviewerName, l.ReviewOpinion))
	}
	return ok(w, page[vaeSummaryDTO]{Items: items, Total: p.Total, Limit: p.Limit, Offset: p.Offset})
}

// vaeShow answers GET /vae/{id}: the file, with the sections the caller may read.
func (a *API) vaeShow(w http.ResponseWriter, r *http.Request, actor domain.Actor) error {
	v, err := a.svc.VAE(r.Context(), actor, r.PathValue("id"))
	if err != nil {
		return err
	}
	return ok(w, vaeFileOf(v, a.svc.Today()))
}

// vaeEvidenceDownload answers GET /vae/{id}/evidence/{evidence}: one evidence file as an
// attachment, with the type read from its content at upload, and headers that keep a browser
// from sniffing, running or caching it. Evidence of another file, or of a file whose experience
// file the caller does not read, is not found.
func (a *API) vaeEvidenceDownload(w http.ResponseWriter, r *http.Request, actor domain.Actor) error {
	ev, content, err := a.svc.EvidenceFile(r.Context(), actor, r.PathValue("id"), r.PathValue("evidence"))
	if err != nil {
		return err
	}
	_ = download.Write(w, r, ev.Filename, ev.ContentType, content)
	return nil
}

// vaeReviewInput is the body of POST /vae/{id}/review.
type vaeReviewInput struct {
	Opinion string `json:"opinion"`
	Comment string `json:"comment"`
}

// vaeReviewMessages replaces the service's messages, written for the web form's choices, with
// ones that name what the API accepts.
var vaeReviewMessages = map[string]string{
	"opinion": "Indiquez votre avis : favourable (favorable), unfavourable (défavorable) ou incomplete (dossier incomplet).",
}

// vaeReviewGive answers POST /vae/{id}/review: the reasoned opinion of the token's
// organisation on the version it was asked to review. The answer is the file as the
// organisation now reads it, with its opinion.
func (a *API) vaeReviewGive(w http.ResponseWriter, r *http.Request, actor domain.Actor) error {
	var in vaeReviewInput
	if err := decodeJSON(w, r, &in); err != nil {
		return err
	}
	id := r.PathValue("id")
	err := a.svc.GiveVAEReview(r.Context(), actor, id,
		service.ReviewInput{Opinion: domain.ReviewOpinion(strings.TrimSpace(in.Opinion)), Comment: in.Comment})
	if err != nil {
		return replaceFieldMessages(err, vaeReviewMessages)
	}
	v, err := a.svc.VAE(r.Context(), actor, id)
	if err != nil {
		return err
	}
	return ok(w, vaeFileOf(v, a.svc.Today()))
}

// replaceFieldMessages returns err with the message of each field named in messages replaced.
func replaceFieldMessages(err error, messages map[string]string) error {
	var de *domain.Error
	if !errors.As(err, &de) || len(de.Fields) == 0 {
		return err
	}
	out := *de
	out.Fields = domain.FieldErrors{}
	for k, v := range de.Fields {
		if m, ok := messages[k]; ok {
			v = m
		}
		out.Fields[k] = v
	}
	return &out
}
