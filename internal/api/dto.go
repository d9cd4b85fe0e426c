package api

import (
	"encoding/json"
	"time"

	"cqp/internal/domain"
	"cqp/internal/store"
)

// The API's documents. They are separate from the domain types so that the domain can change
// without breaking clients: field names are snake_case, dates "YYYY-MM-DD", timestamps RFC 3339
// in UTC, absent optional values null, lists never null.

// timestamp formats t as RFC 3339 in UTC.
func timestamp(t time.Time) string { return t.UTC().Format(time.RFC3339Nano) }

// optTimestamp is timestamp, or null when t is nil.
func optTimestamp(t *time.Time) *string {
	if t == nil {
		return nil
	}
	s := timestamp(*t)
	return &s
}

// opt is s, or null when s is empty.
func opt(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}

// optDate is the date as YYYY-MM-DD, or null when unset.
func optDate(d domain.Date) *string { return opt(d.ISO()) }

// orEmpty makes a nil list an empty one, so that it encodes as [].
func orEmpty[T any](s []T) []T {
	if s == nil {
		return []T{}
	}
	return s
}

// list is the envelope of a whole list.
type list[T any] struct {
	Items []T `json:"items"`
}

func listOf[T any](items []T) list[T] { return list[T]{Items: orEmpty(items)} }

// page is the envelope of one page of a longer list.
type page[T any] struct {
	Items  []T `json:"items"`
	Total  int `json:"total"`
	Limit  int `json:"limit"`
	Offset int `json:"offset"`
}

type roleDTO struct {
	Role      string  `json:"role"`
	Label     string  `json:"label"`
	ScopeKind *string `json:"scope_kind"`
	ScopeID   *string `json:"scope_id"`
	ScopeName *string `json:"scope_name"`
}

func rolesDTO(rs []domain.RoleAssignment) []roleDTO {
	out := make([]roleDTO, 0, len(rs))
	for _, r := range rs {
		out = append(out, roleDTO{Role: string(r.Role), Label: r.Role.Label(), ScopeKind: opt(r.Role.ScopeKind()),
			ScopeID: opt(r.ScopeID), ScopeName: opt(r.ScopeName)})
	}
	return out
}

type userDTO struct {
	ID         string    `json:"id"`
	Email      string    `json:"email"`
	Name       string    `json:"name"`
	Disabled   bool      `json:"disabled"`
	DisabledAt *string   `json:"disabled_at"`
	CreatedAt  string    `json:"created_at"`
	Roles      []roleDTO `json:"roles"`
}

func userOf(u domain.User) userDTO {
	return userDTO{ID: u.ID, Email: u.Email, Name: u.Name, Disabled: u.Disabled(), DisabledAt: optTimestamp(u.DisabledAt),
		CreatedAt: timestamp(u.CreatedAt), Roles: rolesDTO(u.Roles)}
}

// meDTO is the token's account and the token itself, so that a script knows when to renew it.
type meDTO struct {
	userDTO
	Token apiTokenDTO `json:"token"`
}

type apiTokenDTO struct {
	ID        string `json:"id"`
	Name      string `json:"name"`
	CreatedAt string `json:"created_at"`
	ExpiresAt string `json:"expires_at"`
}

func apiTokenOf(t store.APIToken) apiTokenDTO {
	return apiTokenDTO{ID: t.ID, Name: t.Name, CreatedAt: timestamp(t.CreatedAt), ExpiresAt: timestamp(t.ExpiresAt)}
}

type refDTO struct {
	ID   string `json:"id"`
	Name string `json:"name"`
}

func ref(id, name string) *refDTO {
	if id == "" {
		return nil
	}
	return &refDTO{ID: id, Name: name}
}

type statusChangeDTO struct {
	Status string  `json:"status"`
	Reason string  `json:"reason"`
	At     string  `json:"at"`
	ByName *string `json:"by_name"`
}

type enrolmentDTO struct {
	ID                   string            `json:"id"`
	FrameworkID          string            `json:"framework_id"`
	FrameworkVersion     int               `json:"framework_version"`
	QualificationID      string            `json:"qualification_id"`
	QualificationCode    string            `json:"qualification_code"`
	QualificationTitle   string            `json:"qualification_title"`
	Route                string            `json:"route"`
	Stage                string            `json:"stage"`
	Public               string            `json:"public"`
	Status               string            `json:"status"`
	TrainingOrganisation *refDTO           `json:"training_organisation"`
	Company              *refDTO           `json:"company"`
	Referent             *refDTO           `json:"referent"`
	Blocks               []string          `json:"blocks"`
	CreatedAt            string            `json:"created_at"`
	UpdatedAt            string            `json:"updated_at"`
	History              []statusChangeDTO `json:"history"`
}

func enrolmentOf(e domain.Enrolment) enrolmentDTO {
	d := enrolmentDTO{ID: e.ID, FrameworkID: e.FrameworkID, FrameworkVersion: e.FrameworkVersion,
		QualificationID: e.QualificationID, QualificationCode: e.QualificationCode, QualificationTitle: e.QualificationTitle,
		Route: string(e.Route), Stage: e.Stage, Public: string(e.Public), Status: string(e.Status),
		TrainingOrganisation: ref(e.TrainingOrganisationID, e.TrainingOrganisationName),
		Company:              ref(e.CompanyID, e.CompanyName), Referent: ref(e.ReferentUserID, e.ReferentName),
		Blocks: orEmpty(e.Blocks), CreatedAt: timestamp(e.CreatedAt), UpdatedAt: timestamp(e.UpdatedAt),
		History: []statusChangeDTO{}}
	for _, h := range e.History {
		d.History = append(d.History, statusChangeDTO{Status: string(h.Status), Reason: h.Reason, At: timestamp(h.At), ByName: opt(h.ByName)})
	}
	return d
}

type candidateDTO struct {
	ID           string         `json:"id"`
	Number       string         `json:"number"`
	BirthName    string         `json:"birth_name"`
	UsedName     *string        `json:"used_name"`
	FirstNames   string         `json:"first_names"`
	DisplayName  string         `json:"display_name"`
	BirthDate    *string        `json:"birth_date"`
	Sex          string         `json:"sex"`
	BirthINSEE   *string        `json:"birth_insee"`
	BirthCountry *string        `json:"birth_country"`
	BirthCity    *string        `json:"birth_city"`
	Email        *string        `json:"email"`
	CreatedAt    string         `json:"created_at"`
	Enrolments   []enrolmentDTO `json:"enrolments"`
}

func candidateOf(c domain.Candidate) candidateDTO {
	d := candidateDTO{ID: c.ID, Number: c.Number, BirthName: c.BirthName, UsedName: opt(c.UsedName), FirstNames: c.FirstNames,
		DisplayName: c.DisplayName(), BirthDate: optDate(c.BirthDate), Sex: string(c.Sex), BirthINSEE: opt(c.BirthINSEE),
		BirthCountry: opt(c.BirthCountry), BirthCity: opt(c.BirthCity), Email: opt(c.Email), CreatedAt: timestamp(c.CreatedAt),
		Enrolments: []enrolmentDTO{}}
	for _, e := range c.Enrolments {
		d.Enrolments = append(d.Enrolments, enrolmentOf(e))
	}
	return d
}

type enrolmentSummaryDTO struct {
	ID                       string  `json:"id"`
	QualificationCode        string  `json:"qualification_code"`
	QualificationTitle       string  `json:"qualification_title"`
	Route                    string  `json:"route"`
	Status                   string  `json:"status"`
	TrainingOrganisationName *string `json:"training_organisation_name"`
}

// candidateRowDTO is one line of the candidates list: a candidate with one of their
// enrolments, or with none.
type candidateRowDTO struct {
	ID          string               `json:"id"`
	Number      string               `json:"number"`
	BirthName   string               `json:"birth_name"`
	UsedName    *string              `json:"used_name"`
	FirstNames  string               `json:"first_names"`
	DisplayName string               `json:"display_name"`
	BirthDate   *string              `json:"birth_date"`
	Enrolment   *enrolmentSummaryDTO `json:"enrolment"`
}

func candidateRowOf(r store.CandidateRow) candidateRowDTO {
	c := r.Candidate
	d := candidateRowDTO{ID: c.ID, Number: c.Number, BirthName: c.BirthName, UsedName: opt(c.UsedName), FirstNames: c.FirstNames,
		DisplayName: c.DisplayName(), BirthDate: optDate(c.BirthDate)}
	if e := r.Enrolment; e.ID != "" {
		d.Enrolment = &enrolmentSummaryDTO{ID: e.ID, QualificationCode: e.QualificationCode, QualificationTitle: e.QualificationTitle,
			Route: string(e.Route), Status: string(e.Status), TrainingOrganisationName: opt(e.TrainingOrganisationName)}
	}
	return d
}

type auditEntryDTO struct {
	ID          string          `json:"id"`
	At          string          `json:"at"`
	ActorID     *string         `json:"actor_id"`
	ActorName   string          `json:"actor_name"`
	ActorRole   string          `json:"actor_role"`
	Action      string          `json:"action"`
	EntityType  string          `json:"entity_type"`
	EntityID    string          `json:"entity_id"`
	CandidateID *string         `json:"candidate_id"`
	Before      json.RawMessage `json:"before"`
	After       json.RawMessage `json:"after"`
	Reason      *string         `json:"reason"`
	RequestID   *string         `json:"request_id"`
}

// rawJSON passes a stored JSON state through as it is, or null when there is none.
func rawJSON(s string) json.RawMessage {
	if s == "" || !json.Valid([]byte(s)) {
		return nil
	}
	return json.RawMessage(s)
}

func auditEntryOf(e domain.AuditEntry) auditEntryDTO {
	return auditEntryDTO{ID: e.ID, At: timestamp(e.At), ActorID: opt(e.ActorID), ActorName: e.ActorName, ActorRole: e.ActorRole,
		Action: e.Action, EntityType: e.EntityType, EntityID: e.EntityID, CandidateID: opt(e.CandidateID),
		Before: rawJSON(e.Before), After: rawJSON(e.After), Reason: opt(e.Reason), RequestID: opt(e.RequestID)}
}

type frameworkSummaryDTO struct {
	ID                 string `json:"id"`
	QualificationID    string `json:"qualification_id"`
	QualificationCode  string `json:"qualification_code"`
	QualificationTitle string `json:"qualification_title"`
	Version            int    `json:"version"`
	Frozen             bool   `json:"frozen"`
	ToConfirmCount     int    `json:"to_confirm_count"`
	CreatedAt          string `json:"created_at"`
}

func frameworkSummaryOf(r store.FrameworkRecord) frameworkSummaryDTO {
	return frameworkSummaryDTO{ID: r.ID, QualificationID: r.QualificationID, QualificationCode: r.Framework.Qualification.Code,
		QualificationTitle: r.Framework.Qualification.Title, Version: r.Version, Frozen: r.Frozen(),
		ToConfirmCount: r.ToConfirmCount, CreatedAt: timestamp(r.CreatedAt)}
}

type qualificationDTO struct {
	Code      string  `json:"code"`
	Title     string  `json:"title"`
	RNCP      *string `json:"rncp"`
	NSF       *string `json:"nsf"`
	Level     *string `json:"level"`
	ToConfirm bool    `json:"to_confirm"`
	Note      *string `json:"note"`
}

type compositionDTO struct {
	Common    int `json:"common"`
	Specialty int `json:"specialty"`
	Optional  int `json:"optional"`
}

type prerequisitesDTO struct {
	MinDiplomaLevel             int     `json:"min_diploma_level"`
	MinExperienceMonths         int     `json:"min_experience_months"`
	VAEMinRelatedMonths         int     `json:"vae_min_related_months"`
	VAERecommendedRelatedMonths int     `json:"vae_recommended_related_months"`
	ToConfirm                   bool    `json:"to_confirm"`
	Note                        *string `json:"note"`
}

type competenceDTO struct {
	Code      string  `json:"code"`
	Title     string  `json:"title"`
	Detailed  int     `json:"detailed"`
	ToConfirm bool    `json:"to_confirm"`
	Note      *string `json:"note"`
}

type blockDTO struct {
	Code          string          `json:"code"`
	Title         string          `json:"title"`
	Kind          string          `json:"kind"`
	RNCPCode      *string         `json:"rncp_code"`
	TrainingHours *int            `json:"training_hours"`
	DetailedTotal int             `json:"detailed_total"`
	ToConfirm     bool            `json:"to_confirm"`
	Note          *string         `json:"note"`
	Competences   []competenceDTO `json:"competences"`
}

type frameworkDTO struct {
	frameworkSummaryDTO
	Qualification     qualificationDTO `json:"qualification"`
	ThresholdPercent  int              `json:"threshold_percent"`
	ContinuousMinimum float64          `json:"continuous_minimum"`
	Composition       compositionDTO   `json:"composition"`
	Prerequisites     prerequisitesDTO `json:"prerequisites"`
	TrainingHours     int              `json:"training_hours"`
	InternshipHours   int              `json:"internship_hours"`
	Blocks            []blockDTO       `json:"blocks"`
}

func frameworkOf(r store.FrameworkRecord) frameworkDTO {
	f := r.Framework
	d := frameworkDTO{frameworkSummaryDTO: frameworkSummaryOf(r),
		Qualification: qualificationDTO{Code: f.Qualification.Code, Title: f.Qualification.Title, RNCP: opt(f.Qualification.RNCP),
			NSF: opt(f.Qualification.NSF), Level: opt(f.Qualification.Level), ToConfirm: f.Qualification.ToConfirm,
			Note: opt(f.Qualification.Note)},
		ThresholdPercent:  f.ThresholdPercent,
		ContinuousMinimum: float64(f.ContinuousMinimum) / domain.MarkScale,
		Composition:       compositionDTO{Common: f.Composition.Common, Specialty: f.Composition.Specialty, Optional: f.Composition.Optional},
		Prerequisites: prerequisitesDTO{MinDiplomaLevel: f.Prerequisites.MinDiplomaLevel, MinExperienceMonths: f.Prerequisites.MinExperienceMonths,
			VAEMinRelatedMonths: f.Prerequisites.VAEMinRelatedMonths, VAERecommendedRelatedMonths: f.Prerequisites.VAERecommendedRelatedMonths,
			ToConfirm: f.Prerequisites.ToConfirm, Note: opt(f.Prerequisites.Note)},
		TrainingHours: f.TrainingHours, InternshipHours: f.InternshipHours, Blocks: []blockDTO{}}
	for _, b := range f.Blocks {
		bd := blockDTO{Code: b.Code, Title: b.Title, Kind: string(b.Kind), RNCPCode: opt(b.RNCPCode), DetailedTotal: b.DetailedTotal(),
			ToConfirm: b.ToConfirm, Note: opt(b.Note), Competences: []competenceDTO{}}
		if b.TrainingHours > 0 {
			hours := b.TrainingHours
			bd.TrainingHours = &hours
		}
		for _, c := range b.Competences {
			bd.Competences = append(bd.Competences, competenceDTO{Code: c.Code, Title: c.Title, Detailed: c.Detailed,
				ToConfirm: c.ToConfirm, Note: opt(c.Note)})
		}
		d.Blocks = append(d.Blocks, bd)
	}
	return d
}

type accreditationDTO struct {
	ID                 string `json:"id"`
	QualificationID    string `json:"qualification_id"`
	QualificationCode  string `json:"qualification_code"`
	QualificationTitle string `json:"qualification_title"`
	ValidFrom          string `json:"valid_from"`
	ValidUntil         string `json:"valid_until"`
}

type organisationDTO struct {
	ID             string             `json:"id"`
	Name           string             `json:"name"`
	SIRET          string             `json:"siret"`
	City           *string            `json:"city"`
	Email          *string            `json:"email"`
	CreatedAt      string             `json:"created_at"`
	Accreditations []accreditationDTO `json:"accreditations"`
}

func organisationOf(o domain.TrainingOrganisation) organisationDTO {
	d := organisationDTO{ID: o.ID, Name: o.Name, SIRET: o.SIRET, City: opt(o.City), Email: opt(o.Email),
		CreatedAt: timestamp(o.CreatedAt), Accreditations: []accreditationDTO{}}
	for _, a := range o.Accreditations {
		d.Accreditations = append(d.Accreditations, accreditationDTO{ID: a.ID, QualificationID: a.QualificationID,
			QualificationCode: a.QualificationCode, QualificationTitle: a.QualificationTitle,
			ValidFrom: a.ValidFrom.ISO(), ValidUntil: a.ValidUntil.ISO()})
	}
	return d
}

type companyDTO struct {
	ID        string  `json:"id"`
	Name      string  `json:"name"`
	SIRET     string  `json:"siret"`
	City      *string `json:"city"`
	CreatedAt string  `json:"created_at"`
}

func companyOf(c domain.Company) companyDTO {
	return companyDTO{ID: c.ID, Name: c.Name, SIRET: c.SIRET, City: opt(c.City), CreatedAt: timestamp(c.CreatedAt)}
}

// mapList converts a list with f.
func mapList[T, D any](items []T, f func(T) D) []D {
	out := make([]D, 0, len(items))
	for _, x := range items {
		out = append(out, f(x))
	}
	return out
}
