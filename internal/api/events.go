package api

import (
	"net/http"
	"time"

	"cqp/internal/domain"
	"cqp/internal/service"
	"cqp/internal/store"
)

// eventRoutes serves the change feed (issue 17): what changed, from the audit trail, within
// the caller's scope. The webhooks that push it are managed on « Mon compte ».
func (a *API) eventRoutes() []route {
	return []route{
		a.route("GET", "/events", service.ActEventRead, a.eventsList),
		a.route("GET", "/webhooks", service.ActEventRead, a.webhooksList),
		a.route("POST", "/webhooks", service.ActEventRead, a.webhookCreate),
		a.route("POST", "/webhooks/{id}/disable", service.ActEventRead, a.webhookDisable),
		a.route("DELETE", "/webhooks/{id}", service.ActEventRead, a.webhookDelete),
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

// webhookDTO is one of the caller's webhooks with its last delivery attempts, newest first.
// Its secret is never shown again after its creation.
type webhookDTO struct {
	ID         string              `json:"id"`
	URL        string              `json:"url"`
	Active     bool                `json:"active"`
	CreatedAt  time.Time           `json:"created_at"`
	DisabledAt *time.Time          `json:"disabled_at"`
	Attempts   []webhookAttemptDTO `json:"attempts"`
	Secret     string              `json:"secret,omitempty"`
}

type webhookAttemptDTO struct {
	EventID    string    `json:"event_id"`
	EventType  string    `json:"event_type"`
	At         time.Time `json:"at"`
	StatusCode *int      `json:"status_code"`
	DurationMS int       `json:"duration_ms"`
	Error      string    `json:"error"`
}

func webhookOf(w store.Webhook, attempts []store.WebhookAttempt) webhookDTO {
	d := webhookDTO{ID: w.ID, URL: w.URL, Active: w.DisabledAt == nil, CreatedAt: w.CreatedAt.UTC(), DisabledAt: w.DisabledAt,
		Attempts: make([]webhookAttemptDTO, 0, len(attempts))}
	for _, at := range attempts {
		x := webhookAttemptDTO{EventID: at.EventID, EventType: at.EventType, At: at.At.UTC(), DurationMS: at.DurationMS, Error: at.Error}
		if at.StatusCode != 0 {
			code := at.StatusCode
			x.StatusCode = &code
		}
		d.Attempts = append(d.Attempts, x)
	}
	return d
}

func (a *API) webhooksList(w http.ResponseWriter, r *http.Request, actor domain.Actor) error {
	if err := newQuery(r).err(); err != nil {
		return err
	}
	views, err := a.svc.Webhooks(r.Context(), actor)
	if err != nil {
		return err
	}
	items := make([]webhookDTO, len(views))
	for i, v := range views {
		items[i] = webhookOf(v.Webhook, v.Attempts)
	}
	return ok(w, struct {
		Items []webhookDTO `json:"items"`
	}{items})
}

type webhookCreateDTO struct {
	URL string `json:"url"`
}

func (a *API) webhookCreate(w http.ResponseWriter, r *http.Request, actor domain.Actor) error {
	var in webhookCreateDTO
	if err := decodeJSON(w, r, &in); err != nil {
		return err
	}
	secret, hook, err := a.svc.CreateWebhook(r.Context(), actor, in.URL)
	if err != nil {
		return err
	}
	d := webhookOf(hook, nil)
	d.Secret = secret
	return created(w, Prefix+"/webhooks", d)
}

func (a *API) webhookDisable(w http.ResponseWriter, r *http.Request, actor domain.Actor) error {
	if err := a.svc.DisableWebhook(r.Context(), actor, r.PathValue("id")); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

func (a *API) webhookDelete(w http.ResponseWriter, r *http.Request, actor domain.Actor) error {
	if err := a.svc.DeleteWebhook(r.Context(), actor, r.PathValue("id")); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}
