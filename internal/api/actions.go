package api

import (
	"net/http"
	"strconv"
	"strings"

	"cqp/internal/domain"
	"cqp/internal/service"
	"cqp/internal/store"
)

// Actions (fiches action, DOMAIN.md §5): the list the token's owner may see, one action with
// its calendar, the secretariat's comments and the candidates enrolled, its declaration, a new
// session of its calendar, and the secretariat's review.

// actionSummaryDTO is an action as the list shows it.
type actionSummaryDTO struct {
	ID                   string  `json:"id"`
	Title                string  `json:"title"`
	TrainingOrganisation refDTO  `json:"training_organisation"`
	QualificationCode    string  `json:"qualification_code"`
	QualificationTitle   string  `json:"qualification_title"`
	Route                string  `json:"route"`
	StartsOn             string  `json:"starts_on"`
	EndsOn               string  `json:"ends_on"`
	Place                *string `json:"place"`
	PlannedHours         int     `json:"planned_hours"`
	Funder               *refDTO `json:"funder"`
	Status               string  `json:"status"`
	StatusLabel          string  `json:"status_label"`
	EnrolmentCount       int     `json:"enrolment_count"`
	CreatedAt            string  `json:"created_at"`
}

func actionSummaryOf(a store.Action) actionSummaryDTO {
	return actionSummaryDTO{ID: a.ID, Title: a.Title, TrainingOrganisation: refDTO{ID: a.TrainingOrganisationID, Name: a.TrainingOrganisationName},
		QualificationCode: a.QualificationCode, QualificationTitle: a.QualificationTitle, Route: string(a.Route),
		StartsOn: a.StartsOn.ISO(), EndsOn: a.EndsOn.ISO(), Place: opt(a.Place), PlannedHours: a.PlannedHours,
		Funder: ref(a.FunderID, a.FunderName), Status: string(a.Status), StatusLabel: a.Status.Label(),
		EnrolmentCount: a.Enrolments, CreatedAt: timestamp(a.CreatedAt)}
}

// calendarEntryDTO is one session of an action's calendar.
type calendarEntryDTO struct {
	ID        string  `json:"id"`
	Day       string  `json:"day"`
	StartTime *string `json:"start_time"`
	EndTime   *string `json:"end_time"`
	BlockCode *string `json:"block_code"`
	Label     *string `json:"label"`
}

func calendarEntryOf(e store.CalendarEntry) calendarEntryDTO {
	return calendarEntryDTO{ID: e.ID, Day: e.Day.ISO(), StartTime: opt(e.StartTime), EndTime: opt(e.EndTime),
		BlockCode: opt(e.BlockCode), Label: opt(e.Label)}
}

type actionCommentDTO struct {
	ID         string  `json:"id"`
	Kind       string  `json:"kind"`
	Body       *string `json:"body"`
	AuthorName *string `json:"author_name"`
	CreatedAt  string  `json:"created_at"`
}

// actionCandidateDTO is a candidate enrolled in an action, with that enrolment.
type actionCandidateDTO struct {
	EnrolmentID string   `json:"enrolment_id"`
	CandidateID string   `json:"candidate_id"`
	Number      string   `json:"number"`
	Name        string   `json:"name"`
	Public      string   `json:"public"`
	Status      string   `json:"status"`
	Company     *refDTO  `json:"company"`
	Blocks      []string `json:"blocks"`
}

// actionDTO is one action with its companies, calendar, comments and candidates.
type actionDTO struct {
	actionSummaryDTO
	Companies  []refDTO             `json:"companies"`
	Calendar   []calendarEntryDTO   `json:"calendar"`
	Comments   []actionCommentDTO   `json:"comments"`
	Candidates []actionCandidateDTO `json:"candidates"`
}

func actionOf(a store.Action, enrolled []store.ActionEnrolment) actionDTO {
	d := actionDTO{actionSummaryDTO: actionSummaryOf(a), Companies: []refDTO{}, Calendar: mapList(a.Calendar, calendarEntryOf),
		Comments: []actionCommentDTO{}, Candidates: []actionCandidateDTO{}}
	for _, c := range a.Companies {
		d.Companies = append(d.Companies, refDTO{ID: c.ID, Name: c.Name})
	}
	for _, c := range a.Comments {
		d.Comments = append(d.Comments, actionCommentDTO{ID: c.ID, Kind: c.Kind, Body: opt(c.Body), AuthorName: opt(c.AuthorName),
			CreatedAt: timestamp(c.CreatedAt)})
	}
	for _, r := range enrolled {
		e := r.Enrolment
		d.Candidates = append(d.Candidates, actionCandidateDTO{EnrolmentID: e.ID, CandidateID: r.Candidate.ID, Number: r.Candidate.Number,
			Name: r.Candidate.DisplayName(), Public: string(e.Public), Status: string(e.Status), Company: ref(e.CompanyID, e.CompanyName),
			Blocks: orEmpty(e.Blocks)})
	}
	return d
}

// actionStatusNames lists the actions' status codes.
func actionStatusNames() string {
	names := make([]string, len(store.ActionStatuses))
	for i, s := range store.ActionStatuses {
		names[i] = string(s)
	}
	return strings.Join(names, ", ")
}

// actionsList answers GET /actions: the page's list and filter (the status), and the
// organisation, those starting latest first.
func (a *API) actionsList(w http.ResponseWriter, r *http.Request, actor domain.Actor) error {
	q := newQuery(r, "status", "training_organisation", "limit", "offset")
	f := store.ActionFilter{Status: store.ActionStatus(q.str("status")), TrainingOrganisationID: q.str("training_organisation")}
	if f.Status != "" && !f.Status.Valid() {
		q.fe.Add("status", "Statut d'action inconnu : indiquez l'un de "+actionStatusNames()+".")
	}
	f.Limit = q.intIn("limit", 50, 1, 500)
	f.Offset = q.intIn("offset", 0, 0, maxOffset)
	if err := q.err(); err != nil {
		return err
	}
	p, err := a.svc.Actions(r.Context(), actor, f)
	if err != nil {
		return err
	}
	return ok(w, page[actionSummaryDTO]{Items: mapList(p.Actions, actionSummaryOf), Total: p.Total, Limit: f.Limit, Offset: f.Offset})
}

// actionRead reads an action and the candidates the actor sees in it.
func (a *API) actionRead(r *http.Request, actor domain.Actor, id string) (actionDTO, error) {
	act, err := a.svc.Action(r.Context(), actor, id)
	if err != nil {
		return actionDTO{}, err
	}
	enrolled, err := a.svc.ActionEnrolments(r.Context(), actor, id)
	if err != nil {
		return actionDTO{}, err
	}
	return actionOf(act, enrolled), nil
}

func (a *API) actionShow(w http.ResponseWriter, r *http.Request, actor domain.Actor) error {
	d, err := a.actionRead(r, actor, r.PathValue("id"))
	if err != nil {
		return err
	}
	return ok(w, d)
}

// calendarInput is one session as sent.
type calendarInput struct {
	Day       string `json:"day"`
	StartTime string `json:"start_time"`
	EndTime   string `json:"end_time"`
	BlockCode string `json:"block_code"`
	Label     string `json:"label"`
}

// serviceInput reads the session; a day that is not AAAA-MM-JJ is reported under prefix+"day".
func (c calendarInput) serviceInput(fe domain.FieldErrors, n int, prefix string) service.CalendarInput {
	msg := "Le jour de la séance doit être au format AAAA-MM-JJ, par exemple 2027-01-11."
	if n > 0 {
		msg = "Séance " + strconv.Itoa(n) + " : le jour doit être au format AAAA-MM-JJ, par exemple 2027-01-11."
	}
	return service.CalendarInput{Row: n, Day: isoDate(fe, prefix+"day", c.Day, msg), StartTime: c.StartTime, EndTime: c.EndTime,
		BlockCode: strings.ToUpper(strings.TrimSpace(c.BlockCode)), Label: c.Label}
}

// calendarFields names, for the service's field names of session n, the request's fields.
func calendarFields(names map[string]string, n int, prefix string) {
	k := strconv.Itoa(n)
	for _, f := range [][2]string{{"day", "day"}, {"start", "start_time"}, {"end", "end_time"}, {"block", "block_code"}} {
		names["cal_"+f[0]+"_"+k] = prefix + f[1]
	}
}

// actionInput is the body of POST /actions.
type actionInput struct {
	TrainingOrganisationID string          `json:"training_organisation_id"`
	Qualification          string          `json:"qualification"`
	Route                  string          `json:"route"`
	Title                  string          `json:"title"`
	StartsOn               string          `json:"starts_on"`
	EndsOn                 string          `json:"ends_on"`
	Place                  string          `json:"place"`
	PlannedHours           int             `json:"planned_hours"`
	CompanyIDs             []string        `json:"company_ids"`
	FunderID               string          `json:"funder_id"`
	Calendar               []calendarInput `json:"calendar"`
}

// actionDeclare answers POST /actions: the declaration, checked and announced to the
// secretariat as the page's.
func (a *API) actionDeclare(w http.ResponseWriter, r *http.Request, actor domain.Actor) error {
	var in actionInput
	if err := decodeJSON(w, r, &in); err != nil {
		return err
	}
	fe := domain.FieldErrors{}
	si := service.ActionInput{TrainingOrganisationID: strings.TrimSpace(in.TrainingOrganisationID),
		QualificationCode: strings.TrimSpace(in.Qualification), Route: domain.Route(strings.TrimSpace(in.Route)), Title: in.Title,
		StartsOn: isoDate(fe, "starts_on", in.StartsOn, "La date de début doit être au format AAAA-MM-JJ, par exemple 2027-01-04."),
		EndsOn:   isoDate(fe, "ends_on", in.EndsOn, "La date de fin doit être au format AAAA-MM-JJ, par exemple 2027-06-30."),
		Place:    in.Place, PlannedHours: in.PlannedHours, CompanyIDs: in.CompanyIDs, FunderID: strings.TrimSpace(in.FunderID)}
	names := map[string]string{"training_organisation": "training_organisation_id", "companies": "company_ids", "funder": "funder_id"}
	for i, c := range in.Calendar {
		prefix := "calendar[" + strconv.Itoa(i) + "]."
		si.Calendar = append(si.Calendar, c.serviceInput(fe, i+1, prefix))
		calendarFields(names, i+1, prefix)
	}
	act, err := a.svc.DeclareAction(r.Context(), actor, si)
	if err != nil {
		return withFields(renameFields(isoMessages(err), names), fe)
	}
	d, err := a.actionRead(r, actor, act.ID)
	if err != nil {
		return err
	}
	return created(w, Prefix+"/actions/"+act.ID, d)
}

// actionCalendarAdd answers POST /actions/{id}/calendar: one more session.
func (a *API) actionCalendarAdd(w http.ResponseWriter, r *http.Request, actor domain.Actor) error {
	var in calendarInput
	if err := decodeJSON(w, r, &in); err != nil {
		return err
	}
	fe := domain.FieldErrors{}
	names := map[string]string{}
	calendarFields(names, 1, "")
	si := in.serviceInput(fe, 0, "")
	e, err := a.svc.AddActionCalendarEntry(r.Context(), actor, r.PathValue("id"), si)
	if err != nil {
		return withFields(renameFields(isoMessages(err), names), fe)
	}
	return created(w, Prefix+"/actions/"+r.PathValue("id"), calendarEntryOf(e))
}

// actionCommentInput, actionReviewInput and actionRefusalInput are the bodies of the
// secretariat's review routes.
type actionCommentInput struct {
	Comment string `json:"comment"`
}

type actionReviewInput struct {
	Note string `json:"note"`
}

type actionRefusalInput struct {
	Reason string `json:"reason"`
}

// actionReviewed answers a review route with the action as it now stands.
func (a *API) actionReviewed(w http.ResponseWriter, r *http.Request, actor domain.Actor, err error) error {
	if err != nil {
		return err
	}
	d, err := a.actionRead(r, actor, r.PathValue("id"))
	if err != nil {
		return err
	}
	return ok(w, d)
}

// actionComment answers POST /actions/{id}/comments: the secretariat's remark, mailed to the
// organisation.
func (a *API) actionComment(w http.ResponseWriter, r *http.Request, actor domain.Actor) error {
	var in actionCommentInput
	if err := decodeJSON(w, r, &in); err != nil {
		return err
	}
	return a.actionReviewed(w, r, actor, a.svc.CommentAction(r.Context(), actor, r.PathValue("id"), in.Comment))
}

// actionMarkReviewed answers POST /actions/{id}/review: the secretariat has examined the
// action.
func (a *API) actionMarkReviewed(w http.ResponseWriter, r *http.Request, actor domain.Actor) error {
	var in actionReviewInput
	if err := decodeJSON(w, r, &in); err != nil {
		return err
	}
	return a.actionReviewed(w, r, actor, a.svc.MarkActionReviewed(r.Context(), actor, r.PathValue("id"), in.Note))
}

// actionRefuse answers POST /actions/{id}/refusal: the action takes no new candidate.
func (a *API) actionRefuse(w http.ResponseWriter, r *http.Request, actor domain.Actor) error {
	var in actionRefusalInput
	if err := decodeJSON(w, r, &in); err != nil {
		return err
	}
	return a.actionReviewed(w, r, actor, a.svc.RefuseAction(r.Context(), actor, r.PathValue("id"), in.Reason))
}
