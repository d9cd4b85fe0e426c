package api

import (
	"net/http"
	"strings"

	"cqp/internal/domain"
	"cqp/internal/service"
	"cqp/internal/store"
)

// The logbook (livret d'accompagnement): the company referent's dated entries and their
// current evaluation of each competence of the presented blocks.

type logbookEntryDTO struct {
	ID         string  `json:"id"`
	On         string  `json:"on"`
	Body       *string `json:"body"`
	Competence *string `json:"competence"`
	Assessment *string `json:"assessment"`
	AuthorName *string `json:"author_name"`
	CreatedAt  string  `json:"created_at"`
}

func logbookEntryOf(e store.LogbookEntry) logbookEntryDTO {
	return logbookEntryDTO{ID: e.ID, On: e.On.ISO(), Body: opt(e.Body), Competence: opt(e.CompetenceCode), Assessment: opt(e.Assessment),
		AuthorName: opt(e.AuthorName), CreatedAt: timestamp(e.CreatedAt)}
}

type logbookCompetenceDTO struct {
	Code       string  `json:"code"`
	Title      string  `json:"title"`
	Block      string  `json:"block"`
	Assessment *string `json:"assessment"`
	On         *string `json:"on"`
}

type logbookDTO struct {
	EnrolmentID string                 `json:"enrolment_id"`
	CandidateID string                 `json:"candidate_id"`
	Closed      *string                `json:"closed"`
	Entries     []logbookEntryDTO      `json:"entries"`
	Competences []logbookCompetenceDTO `json:"competences"`
}

func logbookOf(lb service.Logbook) logbookDTO {
	return logbookDTO{EnrolmentID: lb.Enrolment.ID, CandidateID: lb.Candidate.ID, Closed: opt(lb.Closed),
		Entries: mapList(lb.Entries, logbookEntryOf),
		Competences: mapList(lb.Competences, func(c service.CompetenceView) logbookCompetenceDTO {
			return logbookCompetenceDTO{Code: c.Code, Title: c.Title, Block: c.BlockCode, Assessment: opt(c.Assessment), On: optDate(c.On)}
		})}
}

func (a *API) logbookShow(w http.ResponseWriter, r *http.Request, actor domain.Actor) error {
	lb, err := a.svc.Logbook(r.Context(), actor, r.PathValue("id"))
	if err != nil {
		return err
	}
	return ok(w, logbookOf(lb))
}

// logbookInput is one visit: its date, the report, and competences evaluated (code → A or NA).
type logbookInput struct {
	On          string            `json:"on"`
	Body        string            `json:"body"`
	Competences map[string]string `json:"competences"`
}

// logbookAddedDTO is how many entries a visit added, and the logbook afterwards.
type logbookAddedDTO struct {
	Added   int        `json:"added"`
	Logbook logbookDTO `json:"logbook"`
}

func (a *API) logbookAdd(w http.ResponseWriter, r *http.Request, actor domain.Actor) error {
	var in logbookInput
	if err := decodeJSON(w, r, &in); err != nil {
		return err
	}
	id := r.PathValue("id")
	n, err := a.svc.AddLogbookEntries(r.Context(), actor, id, service.LogbookInput{On: in.On, Body: in.Body, Competences: in.Competences})
	if err != nil {
		return renameFieldsBy(err, func(k string) string {
			if code, found := strings.CutPrefix(k, service.CompetenceField("")); found {
				return "competences." + code
			}
			return k
		})
	}
	lb, err := a.svc.Logbook(r.Context(), actor, id)
	if err != nil {
		return err
	}
	return created(w, "", logbookAddedDTO{Added: n, Logbook: logbookOf(lb)})
}
