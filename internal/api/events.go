package api

import (
	"net/http"
	"time"

	"cqp/internal/domain"
	"cqp/internal/service"
)

// eventRoutes serves the change feed (issue 17): what changed, from the audit trail, within
// the caller's scope. The webhooks that push it are managed on « Mon compte ».
func (a *API) eventRoutes() []route {
	return []route{
		a.route("GET", "/events", service.ActEventRead, a.eventsList),
	}
}

// eventDTO is one event of the feed; a webhook delivery's body has the same shape
// (service.WebhookEvent).
type eventDTO struct {
	ID          string           `json:"id"`
	Cursor      string           `json:"cursor"`
	Type        string           `json:"type"`
	At          time.Time        `json:"at"`
	Resource    eventResourceDTO `json:"resource"`
	CandidateID string           `json:"candidate_id,omitempty"`
}

type eventResourceDTO struct {
	Kind string `json:"kind"`
	ID   string `json:"id"`
	URL  string `json:"url,omitempty"`
}

type eventPageDTO struct {
	Items      []eventDTO `json:"items"`
	NextCursor string     `json:"next_cursor"`
}

func eventOf(e service.Event) eventDTO {
	return eventDTO{ID: e.ID, Cursor: e.Cursor, Type: e.Type, At: e.At, CandidateID: e.CandidateID,
		Resource: eventResourceDTO{Kind: e.ResourceKind, ID: e.ResourceID, URL: e.ResourceURL}}
}

func (a *API) eventsList(w http.ResponseWriter, r *http.Request, actor domain.Actor) error {
	q := newQuery(r, "after", "limit")
	limit := q.intIn("limit", service.EventsDefaultLimit, 1, service.EventsMaxLimit)
	if err := q.err(); err != nil {
		return err
	}
	p, err := a.svc.Events(r.Context(), actor, q.str("after"), limit)
	if err != nil {
		return err
	}
	items := make([]eventDTO, len(p.Items))
	for i, e := range p.Items {
		items[i] = eventOf(e)
	}
	return ok(w, eventPageDTO{Items: items, NextCursor: p.NextCursor})
}
