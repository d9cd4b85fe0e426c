package api

import (
	"net/http"
	"strconv"
	"strings"

	"cqp/internal/domain"
	"cqp/internal/service"
)

// The training follow-up of an enrolment (DOMAIN.md §4 and §5): hours per block and
// internships against what the framework asks of the candidate's public, the hours of some
// blocks, an internship added or removed with its reason, and the hours of many enrolments at
// once in one all-or-nothing batch.

type blockHoursDTO struct {
	Code         string `json:"code"`
	Title        string `json:"title"`
	PlannedHours int    `json:"planned_hours"`
	DoneHours    int    `json:"done_hours"`
	Recorded     bool   `json:"recorded"`
	Late         bool   `json:"late"`
}

type internshipDTO struct {
	ID                 string `json:"id"`
	Company            refDTO `json:"company"`
	StartsOn           string `json:"starts_on"`
	EndsOn             string `json:"ends_on"`
	Hours              int    `json:"hours"`
	BeforeTrainingEnds bool   `json:"before_training_ends"`
	CreatedAt          string `json:"created_at"`
}

func internshipOf(l service.InternshipLine) internshipDTO {
	return internshipDTO{ID: l.ID, Company: refDTO{ID: l.CompanyID, Name: l.CompanyName}, StartsOn: l.StartsOn.ISO(), EndsOn: l.EndsOn.ISO(),
		Hours: l.Hours, BeforeTrainingEnds: l.BeforeTrainingEnds, CreatedAt: timestamp(l.CreatedAt)}
}

// hoursCheckDTO is the rules engine's comparison of what is done with what is owed.
type hoursCheckDTO struct {
	TrainingOwed    int     `json:"training_owed"`
	TrainingDone    int     `json:"training_done"`
	InternshipOwed  int     `json:"internship_owed"`
	InternshipDone  int     `json:"internship_done"`
	Met             bool    `json:"met"`
	TrainingMet     bool    `json:"training_met"`
	InternshipMet   bool    `json:"internship_met"`
	Explanation     string  `json:"explanation"`
	InternshipNotes *string `json:"internship_notes"`
}

// followupDTO is an enrolment's training follow-up.
type followupDTO struct {
	EnrolmentID       string          `json:"enrolment_id"`
	Candidate         candidateRefDTO `json:"candidate"`
	Route             string          `json:"route"`
	Public            string          `json:"public"`
	Status            string          `json:"status"`
	Closed            *string         `json:"closed"`
	Blocks            []blockHoursDTO `json:"blocks"`
	PlannedHours      int             `json:"planned_hours"`
	DoneHours         int             `json:"done_hours"`
	Internships       []internshipDTO `json:"internships"`
	Hours             *hoursCheckDTO  `json:"hours"`
	HoursError        *string         `json:"hours_error"`
	TrainingEnd       *string         `json:"training_end"`
	TrainingEndSource *string         `json:"training_end_source"`
	Warnings          []string        `json:"warnings"`
}

func followupOf(f service.Followup) followupDTO {
	d := followupDTO{EnrolmentID: f.Enrolment.ID,
		Candidate: candidateRefDTO{ID: f.Candidate.ID, Number: f.Candidate.Number, Name: f.Candidate.DisplayName()},
		Route:     string(f.Enrolment.Route), Public: string(f.Enrolment.Public), Status: string(f.Enrolment.Status), Closed: opt(f.Closed),
		Blocks: []blockHoursDTO{}, PlannedHours: f.Planned, DoneHours: f.Done, Internships: mapList(f.Internships, internshipOf),
		HoursError: opt(f.HoursError), TrainingEnd: optDate(f.TrainingEnd), TrainingEndSource: opt(string(f.TrainingEndSource)),
		Warnings: orEmpty(f.Warnings)}
	for _, b := range f.Blocks {
		d.Blocks = append(d.Blocks, blockHoursDTO{Code: b.Code, Title: b.Title, PlannedHours: b.Planned, DoneHours: b.Done,
			Recorded: b.Recorded, Late: b.Late})
	}
	if f.HoursError == "" {
		h := f.Hours
		d.Hours = &hoursCheckDTO{TrainingOwed: h.TrainingOwed, TrainingDone: h.TrainingDone, InternshipOwed: h.InternshipOwed,
			InternshipDone: h.InternshipDone, Met: h.Met, TrainingMet: h.TrainingMet, InternshipMet: h.InternshipMet,
			Explanation: h.Explanation, InternshipNotes: opt(h.InternshipNotes)}
	}
	return d
}

func (a *API) followupShow(w http.ResponseWriter, r *http.Request, actor domain.Actor) error {
	f, err := a.svc.Followup(r.Context(), actor, r.PathValue("id"))
	if err != nil {
		return err
	}
	return ok(w, followupOf(f))
}

// followupAfter answers a write with the follow-up as it now stands.
func (a *API) followupAfter(w http.ResponseWriter, r *http.Request, actor domain.Actor) error {
	f, err := a.svc.Followup(r.Context(), actor, r.PathValue("id"))
	if err != nil {
		return err
	}
	return ok(w, followupOf(f))
}

// blockHoursInput is one block's hours as sent: hours are those done; planned hours left out
// keep those recorded.
type blockHoursInput struct {
	BlockCode    string     `json:"block_code"`
	PlannedHours textNumber `json:"planned_hours"`
	Hours        textNumber `json:"hours"`
}

// trainingHoursInput is the body of POST /enrolments/{id}/training-hours.
type trainingHoursInput struct {
	Blocks []blockHoursInput `json:"blocks"`
}

// trainingHoursSet answers POST /enrolments/{id}/training-hours: the hours of some blocks of
// the enrolment, as the follow-up page's form records them.
func (a *API) trainingHoursSet(w http.ResponseWriter, r *http.Request, actor domain.Actor) error {
	var in trainingHoursInput
	if err := decodeJSON(w, r, &in); err != nil {
		return err
	}
	fe := domain.FieldErrors{}
	hours := map[string]service.BlockHoursInput{}
	names := map[string]string{"hours": "blocks"}
	for i, b := range in.Blocks {
		at := "blocks[" + strconv.Itoa(i) + "]."
		code := strings.ToUpper(strings.TrimSpace(b.BlockCode))
		switch _, dup := hours[code]; {
		case code == "":
			fe.Add(at+"block_code", "Indiquez le code du bloc, par exemple BC1.")
		case dup:
			fe.Add(at+"block_code", "Le bloc « "+code+" » figure déjà plus haut : une entrée par bloc.")
		case !b.Hours.set:
			fe.Add(at+"hours", "Indiquez les heures effectuées du bloc "+code+".")
		default:
			hours[code] = hoursInput(b.PlannedHours, b.Hours)
			names[service.HoursField("planned", code)] = at + "planned_hours"
			names[service.HoursField("done", code)] = at + "hours"
		}
	}
	if err := fe.Err(); err != nil {
		return &requestError{Status: http.StatusUnprocessableEntity, Detail: invalidDetail, Fields: fe}
	}
	if err := a.svc.SetTrainingHours(r.Context(), actor, r.PathValue("id"), hours); err != nil {
		return renameFields(err, names)
	}
	return a.followupAfter(w, r, actor)
}

// internshipInput is the body of POST /enrolments/{id}/internships.
type internshipInput struct {
	CompanyID string     `json:"company_id"`
	StartsOn  string     `json:"starts_on"`
	EndsOn    string     `json:"ends_on"`
	Hours     textNumber `json:"hours"`
}

// internshipAdd answers POST /enrolments/{id}/internships: the internship, with
// before_training_ends when it starts before the training ends (allowed; the guide prefers
// it at the end of the path).
func (a *API) internshipAdd(w http.ResponseWriter, r *http.Request, actor domain.Actor) error {
	var in internshipInput
	if err := decodeJSON(w, r, &in); err != nil {
		return err
	}
	fe := domain.FieldErrors{}
	date := func(field, raw, what string) string {
		if d := isoDate(fe, field, raw, "La date de "+what+" du stage doit être au format AAAA-MM-JJ, par exemple 2027-05-03."); !d.IsZero() {
			return d.ISO()
		}
		return ""
	}
	line, err := a.svc.AddInternship(r.Context(), actor, r.PathValue("id"), service.InternshipInput{CompanyID: in.CompanyID,
		StartsOn: date("starts_on", in.StartsOn, "début"), EndsOn: date("ends_on", in.EndsOn, "fin"), Hours: in.Hours.text})
	if err != nil {
		return withFields(renameFields(isoMessages(err), map[string]string{"company": "company_id"}), fe)
	}
	return created(w, Prefix+"/enrolments/"+r.PathValue("id")+"/followup", internshipOf(line))
}

// internshipRemovalInput is the body of POST /enrolments/{id}/internships/{internship}/removal.
type internshipRemovalInput struct {
	Reason string `json:"reason"`
}

// internshipRemove answers POST /enrolments/{id}/internships/{internship}/removal: an
// internship entered by mistake goes, its reason and content kept in the audit trail.
func (a *API) internshipRemove(w http.ResponseWriter, r *http.Request, actor domain.Actor) error {
	var in internshipRemovalInput
	if err := decodeJSON(w, r, &in); err != nil {
		return err
	}
	if err := a.svc.RemoveInternship(r.Context(), actor, r.PathValue("id"), r.PathValue("internship"), in.Reason); err != nil {
		return err
	}
	return a.followupAfter(w, r, actor)
}

// hoursRowInput is one row of a batch of hours.
type hoursRowInput struct {
	EnrolmentID  string     `json:"enrolment_id"`
	BlockCode    string     `json:"block_code"`
	Hours        textNumber `json:"hours"`
	PlannedHours textNumber `json:"planned_hours"`
}

// hoursBatchInput is the body of POST /training-hours/batch.
type hoursBatchInput struct {
	Items []hoursRowInput `json:"items"`
}

type hoursBatchDTO struct {
	Rows       int `json:"rows"`
	Enrolments int `json:"enrolments"`
	Changed    int `json:"changed"`
}

// trainingHoursBatch answers POST /training-hours/batch: up to service.MaxBatchRows rows,
// recorded all together or not at all. A refusal lists every row's errors under
// items[i].field, each message starting « Ligne i+1 : ».
func (a *API) trainingHoursBatch(w http.ResponseWriter, r *http.Request, actor domain.Actor) error {
	var in hoursBatchInput
	if err := decodeJSON(w, r, &in); err != nil {
		return err
	}
	if len(in.Items) > service.MaxBatchRows {
		return tooManyRows(len(in.Items))
	}
	rows := make([]service.HoursRow, len(in.Items))
	for i, x := range in.Items {
		rows[i] = service.HoursRow{EnrolmentID: x.EnrolmentID, BlockCode: strings.ToUpper(strings.TrimSpace(x.BlockCode)),
			Hours: hoursInput(x.PlannedHours, x.Hours)}
	}
	res, err := a.svc.SetTrainingHoursBatch(r.Context(), actor, rows)
	if err != nil {
		return err
	}
	return ok(w, hoursBatchDTO{Rows: res.Rows, Enrolments: res.Enrolments, Changed: res.Changed})
}
