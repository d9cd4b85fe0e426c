package service

import (
	"context"
	"encoding/base64"
	"fmt"
	"time"

	"github.com/google/uuid"

	"cqp/internal/domain"
	"cqp/internal/store"
)

// The change feed (issue 17) lists the audit trail's entries, oldest first, that the reader
// may know of: a partner system follows it instead of polling every resource. An event says
// what happened (the audit action), to which record, and when; never who did it, the states
// before and after, nor the reason given: the reader reads those, when they may, on the
// record itself.

// Event is one entry of the change feed.
type Event struct {
	ID           string    // the audit entry's id
	Cursor       string    // opaque: the feed continues after it
	Type         string    // the audit action, e.g. "candidate.create"
	ResourceKind string    // the record's kind, e.g. "candidate", "enrolment", "oral"
	ResourceID   string    // the record's id
	ResourceURL  string    // the record's address in the API, "" when it has none
	CandidateID  string    // the candidate the record belongs to, "" when none
	At           time.Time // when it happened
}

// EventPage is one page of the feed. NextCursor continues after its last event, or stays
// where the page began when it is empty: a reader polls again with it.
type EventPage struct {
	Items      []Event
	NextCursor string
}

// EventsMaxLimit bounds a page of the feed; EventsDefaultLimit is a page when none is asked.
const (
	EventsMaxLimit     = 500
	EventsDefaultLimit = 100
)

// apiPrefix is where the API's resources live; events carry their records' API addresses.
const apiPrefix = "/api/v1"

// DefaultEventSettle is how old an audit entry must be before the feed shows it. Entries are
// ordered by id, drawn from the clock when they are written; a transaction still open may
// commit an entry older than one already shown. The feed waits this long so that a cursor
// never passes an entry that commits afterwards.
const DefaultEventSettle = 5 * time.Second

// The bound is the first id of the millisecond after now - settle, so that with no settle
// (tests) an entry written this very millisecond shows.

// SetEventSettle changes how old an entry must be to show in the feed (tests set 0).
func (s *Service) SetEventSettle(d time.Duration) { s.eventSettle = d }

// eventBound returns the smallest audit id drawn at t or later (ids are UUIDv7).
func eventBound(t time.Time) string {
	ms := uint64(t.UnixMilli())
	return fmt.Sprintf("%08x-%04x-0000-0000-000000000000", ms>>16, ms&0xffff)
}

// EncodeEventCursor turns an audit id into an opaque cursor.
func EncodeEventCursor(id string) string { return base64.RawURLEncoding.EncodeToString([]byte(id)) }

// decodeEventCursor reads a cursor back into an audit id; "" is the start of the trail.
func decodeEventCursor(cursor string) (string, error) {
	if cursor == "" {
		return "", nil
	}
	b, err := base64.RawURLEncoding.DecodeString(cursor)
	if err == nil {
		_, err = uuid.Parse(string(b))
	}
	if err != nil || len(b) != 36 {
		fe := domain.FieldErrors{}
		fe.Add("after", "Curseur invalide : reprenez la valeur next_cursor d'une réponse précédente, ou omettez ce paramètre pour partir du début.")
		return "", fe.Err()
	}
	return string(b), nil
}

// eventScope turns the actor's roles into the part of the trail they read: the same parts of
// the platform as the candidates they see, read as events.
func eventScope(a domain.Actor) (store.EventScope, error) {
	sc, err := candidateScope(a, ActEventRead)
	return store.EventScope(sc), err
}

// Events returns the feed's page after cursor (the start when ""), at most limit events.
func (s *Service) Events(ctx context.Context, a domain.Actor, cursor string, limit int) (EventPage, error) {
	sc, err := eventScope(a)
	if err != nil {
		return EventPage{}, err
	}
	after, err := decodeEventCursor(cursor)
	if err != nil {
		return EventPage{}, err
	}
	if limit <= 0 || limit > EventsMaxLimit {
		limit = EventsDefaultLimit
	}
	entries, err := s.store.Read().ListEvents(ctx, sc, after, eventBound(time.Now().Add(time.Millisecond-s.eventSettle)), limit)
	if err != nil {
		return EventPage{}, err
	}
	page := EventPage{NextCursor: cursor, Items: make([]Event, 0, len(entries))}
	for _, e := range entries {
		page.Items = append(page.Items, eventOf(e))
	}
	if n := len(page.Items); n > 0 {
		page.NextCursor = page.Items[n-1].Cursor
	}
	return page, nil
}

// eventOf keeps of an audit entry what the feed shows.
func eventOf(e domain.AuditEntry) Event {
	ev := Event{ID: e.ID, Cursor: EncodeEventCursor(e.ID), Type: e.Action, ResourceKind: e.EntityType,
		ResourceID: e.EntityID, CandidateID: e.CandidateID, At: e.At.UTC()}
	if ev.CandidateID == "" && e.EntityType == "candidate" {
		ev.CandidateID = e.EntityID
	}
	switch e.EntityType {
	case "candidate":
		ev.ResourceURL = apiPrefix + "/candidates/" + e.EntityID
	case "enrolment":
		ev.ResourceURL = apiPrefix + "/enrolments/" + e.EntityID + "/blocks"
	case "vae_file":
		ev.ResourceURL = apiPrefix + "/vae/" + e.EntityID
	case "training_organisation":
		ev.ResourceURL = apiPrefix + "/training-organisations/" + e.EntityID
	case "company":
		ev.ResourceURL = apiPrefix + "/companies/" + e.EntityID
	}
	return ev
}
