package api

import (
	"net/http"
	"strconv"
	"strings"

	"cqp/internal/domain"
	"cqp/internal/service"
	"cqp/internal/store"
)

// Evaluation commissions and their orals (DOMAIN.md §6): the secretariat forms commissions,
// schedules orals and sends convocations; a commission member reads the orals of the
// commissions they sit on.

type commissionMemberDTO struct {
	UserID string `json:"user_id"`
	Name   string `json:"name"`
	Email  string `json:"email"`
	Voting bool   `json:"voting"`
}

func commissionMembersOf(ms []store.CommissionMember) []commissionMemberDTO {
	out := make([]commissionMemberDTO, 0, len(ms))
	for _, m := range ms {
		out = append(out, commissionMemberDTO{UserID: m.UserID, Name: m.Name, Email: m.Email, Voting: m.Voting})
	}
	return out
}

// commissionSummaryDTO is a line of the commissions list.
type commissionSummaryDTO struct {
	ID        string                `json:"id"`
	Name      string                `json:"name"`
	CreatedAt string                `json:"created_at"`
	Members   []commissionMemberDTO `json:"members"`
	Orals     int                   `json:"orals"`
}

func commissionSummaryOf(c store.Commission) commissionSummaryDTO {
	return commissionSummaryDTO{ID: c.ID, Name: c.Name, CreatedAt: timestamp(c.CreatedAt), Members: commissionMembersOf(c.Members), Orals: c.Orals}
}

// affiliationDTO is an organisation a member is affiliated with: they sit at no oral of its
// candidates.
type affiliationDTO struct {
	UserID       string `json:"user_id"`
	Kind         string `json:"kind"`
	Organisation refDTO `json:"organisation"`
	FromRole     bool   `json:"from_role"`
}

// commissionDTO is a commission with its members' affiliations and its orals.
type commissionDTO struct {
	ID           string                `json:"id"`
	Name         string                `json:"name"`
	CreatedAt    string                `json:"created_at"`
	Members      []commissionMemberDTO `json:"members"`
	Affiliations []affiliationDTO      `json:"affiliations"`
	Orals        []oralDTO             `json:"orals"`
}

func commissionOf(v service.CommissionView) commissionDTO {
	c := v.Commission
	d := commissionDTO{ID: c.ID, Name: c.Name, CreatedAt: timestamp(c.CreatedAt), Members: commissionMembersOf(c.Members),
		Affiliations: []affiliationDTO{}, Orals: mapList(v.Orals, oralOf)}
	for _, m := range c.Members {
		for _, af := range v.Affiliations[m.UserID] {
			d.Affiliations = append(d.Affiliations, affiliationDTO{UserID: m.UserID, Kind: af.Kind,
				Organisation: refDTO{ID: af.OrgID, Name: af.OrgName}, FromRole: af.FromRole})
		}
	}
	return d
}

// oralCandidateDTO names the candidate heard at an oral.
type oralCandidateDTO struct {
	ID     string `json:"id"`
	Number string `json:"number"`
	Name   string `json:"name"`
}

// oralDTO is an oral: when and where, before which commission, for which candidate.
type oralDTO struct {
	ID                 string                `json:"id"`
	Commission         refDTO                `json:"commission"`
	EnrolmentID        string                `json:"enrolment_id"`
	Candidate          oralCandidateDTO      `json:"candidate"`
	QualificationTitle string                `json:"qualification_title"`
	Route              string                `json:"route"`
	Stage              *string               `json:"stage"`
	Blocks             []string              `json:"blocks"`
	StartsAt           string                `json:"starts_at"`
	EndsAt             string                `json:"ends_at"`
	DurationMinutes    int                   `json:"duration_minutes"`
	Place              *string               `json:"place"`
	VideoLink          *string               `json:"video_link"`
	Members            []commissionMemberDTO `json:"members"`
}

func oralOf(o service.OralView) oralDTO {
	return oralDTO{ID: o.ID, Commission: refDTO{ID: o.CommissionID, Name: o.CommissionName}, EnrolmentID: o.EnrolmentID,
		Candidate:          oralCandidateDTO{ID: o.Candidate.ID, Number: o.Candidate.Number, Name: o.Candidate.DisplayName()},
		QualificationTitle: o.QualificationTitle, Route: string(o.Route), Stage: opt(o.Stage), Blocks: orEmpty(o.Blocks),
		StartsAt: timestamp(o.StartsAt), EndsAt: timestamp(o.Ends()), DurationMinutes: o.DurationMinutes,
		Place: opt(o.Place), VideoLink: opt(o.VideoLink), Members: commissionMembersOf(o.Members)}
}

// oralPlanningDTO is the orals list: every oral for the secretariat, a member's own otherwise.
type oralPlanningDTO struct {
	Own      bool      `json:"own"`
	Upcoming []oralDTO `json:"upcoming"`
	Past     []oralDTO `json:"past"`
}

// oralDetailDTO is one oral with where the commission's grid stands.
type oralDetailDTO struct {
	oralDTO
	CanGrade         bool    `json:"can_grade"`
	GridSubmittedAt  *string `json:"grid_submitted_at"`
	GridDraftVersion *int    `json:"grid_draft_version"`
}

// scheduledOralDTO is an oral just scheduled, or whose convocations were sent again.
type scheduledOralDTO struct {
	Oral     oralDTO  `json:"oral"`
	Convoked []string `json:"convoked"`
	NoEmail  *string  `json:"no_email"`
	Subjects *string  `json:"subjects"`
}

func scheduledOralOf(s service.ScheduledOral, withSubjects bool) scheduledOralDTO {
	d := scheduledOralDTO{Oral: oralOf(s.Oral), Convoked: orEmpty(s.Sent), NoEmail: opt(s.NoEmail)}
	if withSubjects {
		d.Subjects = opt(strings.TrimSpace(service.SubjectDrawNote(s.Subjects)))
	}
	return d
}

func (a *API) commissionsList(w http.ResponseWriter, r *http.Request, actor domain.Actor) error {
	cs, err := a.svc.Commissions(r.Context(), actor)
	if err != nil {
		return err
	}
	return ok(w, listOf(mapList(cs, commissionSummaryOf)))
}

// commissionInput is the body of POST /commissions.
type commissionInput struct {
	Name             string   `json:"name"`
	MemberIDs        []string `json:"member_ids"`
	RepresentativeID string   `json:"representative_id"`
}

// commissionFields names, for the service's field names (member1, member2… and
// representative), the field of the request body.
func commissionFields(members int) map[string]string {
	names := map[string]string{"representative": "representative_id"}
	for i := 1; i <= members+1; i++ {
		names["member"+strconv.Itoa(i)] = "member_ids"
	}
	return names
}

func (a *API) commissionCreate(w http.ResponseWriter, r *http.Request, actor domain.Actor) error {
	var in commissionInput
	if err := decodeJSON(w, r, &in); err != nil {
		return err
	}
	c, err := a.svc.CreateCommission(r.Context(), actor, service.CommissionInput{Name: in.Name, VotingMemberIDs: in.MemberIDs,
		RepresentativeID: in.RepresentativeID})
	if err != nil {
		return renameFields(err, commissionFields(len(in.MemberIDs)))
	}
	v, err := a.svc.Commission(r.Context(), actor, c.ID)
	if err != nil {
		return err
	}
	return created(w, Prefix+"/commissions/"+c.ID, commissionOf(v))
}

func (a *API) commissionShow(w http.ResponseWriter, r *http.Request, actor domain.Actor) error {
	v, err := a.svc.Commission(r.Context(), actor, r.PathValue("id"))
	if err != nil {
		return err
	}
	return ok(w, commissionOf(v))
}

// oralInput is the body of POST /commissions/{id}/orals.
type oralInput struct {
	EnrolmentID     string `json:"enrolment_id"`
	Date            string `json:"date"`
	Time            string `json:"time"`
	DurationMinutes int    `json:"duration_minutes"`
	Place           string `json:"place"`
	VideoLink       string `json:"video_link"`
}

var oralFields = map[string]string{"enrolment": "enrolment_id", "duration": "duration_minutes"}

// oralSchedule answers POST /commissions/{id}/orals: the oral is scheduled, its subjects drawn
// and its convocations sent, as the commission's page does.
func (a *API) oralSchedule(w http.ResponseWriter, r *http.Request, actor domain.Actor) error {
	var in oralInput
	if err := decodeJSON(w, r, &in); err != nil {
		return err
	}
	fe := domain.FieldErrors{}
	date := isoDate(fe, "date", in.Date, "La date de l'oral doit être au format AAAA-MM-JJ, par exemple 2026-12-09.")
	got, err := a.svc.ScheduleOral(r.Context(), actor, service.OralInput{CommissionID: r.PathValue("id"), EnrolmentID: in.EnrolmentID,
		Date: serviceDate(date), Time: in.Time, Duration: itoaOrEmpty(in.DurationMinutes), Place: in.Place, VideoLink: in.VideoLink})
	if err != nil {
		return withFields(renameFields(isoMessages(err), oralFields), fe)
	}
	return created(w, Prefix+"/orals/"+got.Oral.ID, scheduledOralOf(got, true))
}

func (a *API) oralsList(w http.ResponseWriter, r *http.Request, actor domain.Actor) error {
	p, err := a.svc.Orals(r.Context(), actor)
	if err != nil {
		return err
	}
	return ok(w, oralPlanningDTO{Own: p.Own, Upcoming: mapList(p.Upcoming, oralOf), Past: mapList(p.Past, oralOf)})
}

func (a *API) oralShow(w http.ResponseWriter, r *http.Request, actor domain.Actor) error {
	d, err := a.svc.Oral(r.Context(), actor, r.PathValue("id"))
	if err != nil {
		return err
	}
	out := oralDetailDTO{oralDTO: oralOf(d.Oral), CanGrade: d.CanGrade}
	if g := d.Grid.Submitted; g != nil {
		out.GridSubmittedAt = optTimestamp(g.SubmittedAt)
	}
	if g := d.Grid.Latest; g != nil && g.Status != store.GridSubmitted {
		v := g.Version
		out.GridDraftVersion = &v
	}
	return ok(w, out)
}

// oralConvocations answers POST /orals/{id}/convocations: the convocations are sent again to
// the candidate and every member. The request has no body.
func (a *API) oralConvocations(w http.ResponseWriter, r *http.Request, actor domain.Actor) error {
	got, err := a.svc.SendConvocations(r.Context(), actor, r.PathValue("id"))
	if err != nil {
		return err
	}
	return ok(w, scheduledOralOf(got, false))
}
