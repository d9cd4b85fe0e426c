package service

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"cqp/internal/domain"
	"cqp/internal/store"
)

// A webhook sends its owner's change feed to an address as it grows: each event of the feed,
// within the owner's scope, is POSTed as JSON (the feed's item), signed with the webhook's
// secret: X-CQP-Signature is "sha256=" and the hex HMAC-SHA256 of X-CQP-Timestamp, a dot and
// the body. A delivery answered with anything but 2xx (or not answered within 10 s) is tried
// again after 1 min, 5 min, 30 min, 2 h and 12 h, then marked failed. Redirects are not
// followed. Every attempt is logged for « Mon compte ».

const (
	// WebhookSecretPrefix starts every webhook secret, so that a leaked one is recognisable.
	WebhookSecretPrefix = "whsec_"
	// maxWebhooks bounds the active webhooks of one account.
	maxWebhooks = 5
	// maxWebhookURL bounds an address, in bytes.
	maxWebhookURL = 500
	// WebhookTimeout bounds one delivery attempt.
	WebhookTimeout = 10 * time.Second
	// webhookBatch bounds the events queued per webhook, and the deliveries sent, per run.
	webhookBatch = 100
	// WebhookLogSize is how many attempts « Mon compte » shows per webhook.
	WebhookLogSize = 20
)

// webhookBackoff is the wait before each new attempt; after the last, the delivery fails.
var webhookBackoff = []time.Duration{time.Minute, 5 * time.Minute, 30 * time.Minute, 2 * time.Hour, 12 * time.Hour}

// checkWebhookURL accepts an https address, or an http one on this machine (tests, a local
// development), and says in French what is wrong otherwise.
func checkWebhookURL(raw string) (string, string) {
	raw = strings.TrimSpace(raw)
	if raw == "" {
		return "", "Indiquez l'adresse qui recevra les événements, par exemple https://exemple.fr/cqp/evenements."
	}
	if len(raw) > maxWebhookURL {
		return "", "L'adresse ne peut dépasser 500 caractères."
	}
	u, err := url.Parse(raw)
	if err != nil || u.Host == "" || u.Opaque != "" {
		return "", "Adresse invalide : indiquez une adresse complète, par exemple https://exemple.fr/cqp/evenements."
	}
	if u.User != nil {
		return "", "L'adresse ne doit pas contenir d'identifiant ni de mot de passe : la signature authentifie les envois."
	}
	if u.Fragment != "" {
		return "", "L'adresse ne doit pas contenir de fragment (#…)."
	}
	switch u.Scheme {
	case "https":
	case "http":
		switch u.Hostname() {
		case "localhost", "127.0.0.1", "::1":
		default:
			return "", "L'adresse doit commencer par https:// (http:// n'est accepté que pour localhost ou 127.0.0.1)."
		}
	default:
		return "", "L'adresse doit commencer par https://."
	}
	return u.String(), ""
}

// CreateWebhook subscribes an address to the actor's change feed, from now on, and returns its
// secret, shown this once.
func (s *Service) CreateWebhook(ctx context.Context, a domain.Actor, rawURL string) (string, store.Webhook, error) {
	if err := Check(a, ActEventRead); err != nil {
		return "", store.Webhook{}, err
	}
	if a.UserID == "" {
		return "", store.Webhook{}, domain.Errorf(domain.EFORBIDDEN, "Un webhook appartient à un compte : connectez-vous avec le vôtre pour en créer un.")
	}
	u, msg := checkWebhookURL(rawURL)
	if msg != "" {
		fe := domain.FieldErrors{}
		fe.Add("url", msg)
		return "", store.Webhook{}, fe.Err()
	}
	random, _ := newSecret()
	w := store.Webhook{ID: newID(), UserID: a.UserID, URL: u, Secret: WebhookSecretPrefix + random,
		LastEventID: eventBound(time.Now()), CreatedAt: s.Now()}
	err := s.store.Write(ctx, func(q store.Q) error {
		existing, err := q.WebhooksOfUser(ctx, a.UserID)
		if err != nil {
			return err
		}
		active := 0
		for _, x := range existing {
			if x.DisabledAt == nil {
				active++
			}
		}
		if active >= maxWebhooks {
			return domain.Errorf(domain.ECONFLICT, "Vous avez déjà %d webhooks actifs : désactivez ou supprimez ceux qui ne servent plus avant d'en créer un autre.", active)
		}
		if err := q.CreateWebhook(ctx, w); err != nil {
			return err
		}
		return s.audit(ctx, q, a, change{Action: "webhook.create", EntityType: "webhook", EntityID: w.ID,
			After: map[string]any{"url": w.URL}})
	})
	if err != nil {
		return "", store.Webhook{}, err
	}
	return w.Secret, w, nil
}

// WebhookView is one of the actor's webhooks with its last attempts, newest first.
type WebhookView struct {
	store.Webhook
	Attempts []store.WebhookAttempt
}

// Webhooks lists the actor's own webhooks with their delivery log. A role that does not read
// the feed has none.
func (s *Service) Webhooks(ctx context.Context, a domain.Actor) ([]WebhookView, error) {
	if !Can(a, ActEventRead) || a.UserID == "" {
		return nil, nil
	}
	q := s.store.Read()
	hooks, err := q.WebhooksOfUser(ctx, a.UserID)
	if err != nil {
		return nil, err
	}
	out := make([]WebhookView, 0, len(hooks))
	for _, w := range hooks {
		attempts, err := q.WebhookAttempts(ctx, w.ID, WebhookLogSize)
		if err != nil {
			return nil, err
		}
		w.Secret = ""
		out = append(out, WebhookView{Webhook: w, Attempts: attempts})
	}
	return out, nil
}

// ownWebhook returns the actor's webhook id; someone else's is "not found".
func (s *Service) ownWebhook(ctx context.Context, q store.Q, a domain.Actor, id string) (store.Webhook, error) {
	notFound := domain.Errorf(domain.ENOTFOUND, "Webhook introuvable.")
	if err := Check(a, ActEventRead); err != nil {
		return store.Webhook{}, err
	}
	w, err := q.Webhook(ctx, id)
	if domain.ErrorCode(err) == domain.ENOTFOUND || (err == nil && w.UserID != a.UserID) {
		return store.Webhook{}, notFound
	}
	return w, err
}

// DisableWebhook stops one of the actor's webhooks: nothing more is sent, its log stays.
func (s *Service) DisableWebhook(ctx context.Context, a domain.Actor, id string) error {
	return s.store.Write(ctx, func(q store.Q) error {
		w, err := s.ownWebhook(ctx, q, a, id)
		if err != nil {
			return err
		}
		if w.DisabledAt != nil {
			return domain.Errorf(domain.ECONFLICT, "Ce webhook est déjà désactivé.")
		}
		if err := q.DisableWebhook(ctx, id, s.Now()); err != nil {
			return err
		}
		return s.audit(ctx, q, a, change{Action: "webhook.disable", EntityType: "webhook", EntityID: id,
			Before: map[string]any{"url": w.URL, "active": true}, After: map[string]any{"url": w.URL, "active": false}})
	})
}

// DeleteWebhook removes one of the actor's webhooks with its deliveries and log.
func (s *Service) DeleteWebhook(ctx context.Context, a domain.Actor, id string) error {
	return s.store.Write(ctx, func(q store.Q) error {
		w, err := s.ownWebhook(ctx, q, a, id)
		if err != nil {
			return err
		}
		if err := q.DeleteWebhook(ctx, id); err != nil {
			return err
		}
		return s.audit(ctx, q, a, change{Action: "webhook.delete", EntityType: "webhook", EntityID: id,
			Before: map[string]any{"url": w.URL}})
	})
}

// WebhookRun counts what one run of the webhooks did.
type WebhookRun struct {
	Queued, Delivered, Retried, Failed int
}

// RunWebhooks queues, for each active webhook, the new events of its owner's feed, then
// sends the deliveries that are due. The server calls it every few seconds; several servers
// may: each event is queued once per webhook and each attempt made by one of them.
func (s *Service) RunWebhooks(ctx context.Context) (WebhookRun, error) {
	var run WebhookRun
	hooks, err := s.store.Read().ActiveWebhooks(ctx)
	if err != nil {
		return run, err
	}
	for _, w := range hooks {
		n, err := s.queueWebhook(ctx, w)
		if err != nil {
			return run, err
		}
		run.Queued += n
	}
	due, err := s.store.Read().DueWebhookDeliveries(ctx, s.Now(), webhookBatch)
	if err != nil {
		return run, err
	}
	for _, d := range due {
		state, err := s.deliver(ctx, d)
		if err != nil {
			return run, err
		}
		switch state {
		case store.DeliveryDelivered:
			run.Delivered++
		case store.DeliveryFailed:
			run.Failed++
		case store.DeliveryPending:
			run.Retried++
		}
	}
	return run, nil
}

// queueWebhook queues the events of the owner's feed past the webhook's mark. An owner
// disabled, or without the right to read the feed any more, gets nothing.
func (s *Service) queueWebhook(ctx context.Context, w store.Webhook) (int, error) {
	owner, err := s.Actor(ctx, w.UserID, "")
	if err != nil || !Can(owner, ActEventRead) {
		return 0, err
	}
	page, err := s.Events(ctx, owner, EncodeEventCursor(w.LastEventID), webhookBatch)
	if err != nil || len(page.Items) == 0 {
		return 0, err
	}
	now := s.Now()
	ds := make([]store.WebhookDelivery, len(page.Items))
	for i, ev := range page.Items {
		ds[i] = store.WebhookDelivery{ID: newID(), WebhookID: w.ID, EventID: ev.ID, NextAttemptAt: now, CreatedAt: now}
	}
	var done bool
	err = s.store.Write(ctx, func(q store.Q) error {
		done, err = q.QueueWebhookDeliveries(ctx, w.ID, w.LastEventID, page.Items[len(page.Items)-1].ID, ds)
		return err
	})
	if err != nil || !done {
		return 0, err
	}
	return len(ds), nil
}

// WebhookEvent is the body of a delivery: the feed's item.
type WebhookEvent struct {
	ID          string          `json:"id"`
	Cursor      string          `json:"cursor"`
	Type        string          `json:"type"`
	At          time.Time       `json:"at"`
	Resource    WebhookResource `json:"resource"`
	CandidateID string          `json:"candidate_id,omitempty"`
}

// WebhookResource is the record an event is about.
type WebhookResource struct {
	Kind string `json:"kind"`
	ID   string `json:"id"`
	URL  string `json:"url,omitempty"`
}

// SignWebhook returns the X-CQP-Signature value of body sent at timestamp.
func SignWebhook(secret, timestamp string, body []byte) string {
	mac := hmac.New(sha256.New, []byte(secret))
	mac.Write([]byte(timestamp + "."))
	mac.Write(body)
	return "sha256=" + hex.EncodeToString(mac.Sum(nil))
}

// deliver makes one attempt at a delivery claimed for this server, logs it, and returns the
// delivery's new state ("" when another server had claimed it).
func (s *Service) deliver(ctx context.Context, d store.WebhookDelivery) (string, error) {
	now := s.Now()
	var claimed bool
	err := s.store.Write(ctx, func(q store.Q) error {
		var err error
		claimed, err = q.ClaimWebhookDelivery(ctx, d, now.Add(time.Minute))
		return err
	})
	if err != nil || !claimed {
		return "", err
	}
	q := s.store.Read()
	w, err := q.Webhook(ctx, d.WebhookID)
	if err != nil {
		return "", err
	}
	e, err := q.AuditEntry(ctx, d.EventID)
	if err != nil {
		return "", err
	}
	ev := eventOf(e)
	body, err := json.Marshal(WebhookEvent{ID: ev.ID, Cursor: ev.Cursor, Type: ev.Type, At: ev.At, CandidateID: ev.CandidateID,
		Resource: WebhookResource{Kind: ev.ResourceKind, ID: ev.ResourceID, URL: ev.ResourceURL}})
	if err != nil {
		return "", err
	}
	attempt := store.WebhookAttempt{ID: newID(), DeliveryID: d.ID, WebhookID: w.ID, EventID: ev.ID, EventType: ev.Type, At: now}
	start := time.Now()
	attempt.StatusCode, attempt.Error = s.post(ctx, w, now, ev.ID, body)
	attempt.DurationMS = int(time.Since(start).Milliseconds())
	if ctx.Err() != nil {
		// The server stops: the claim lapses and another run tries again.
		return "", ctx.Err()
	}
	attempts := d.Attempts + 1
	state, next := store.DeliveryDelivered, now
	if attempt.Error != "" {
		state = store.DeliveryFailed
		if attempts <= len(webhookBackoff) {
			state, next = store.DeliveryPending, now.Add(webhookBackoff[attempts-1])
		}
	}
	err = s.store.Write(ctx, func(q store.Q) error { return q.RecordWebhookAttempt(ctx, attempt, state, attempts, next) })
	return state, err
}

// post sends body and returns the answer's status and, unless it is 2xx, what went wrong, in
// French for the delivery log.
func (s *Service) post(ctx context.Context, w store.Webhook, now time.Time, eventID string, body []byte) (int, string) {
	ts := strconv.FormatInt(now.Unix(), 10)
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, w.URL, bytes.NewReader(body))
	if err != nil {
		return 0, "Adresse inutilisable : " + err.Error()
	}
	req = req.WithContext(withLoopback(ctx, req.URL.Hostname()))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("User-Agent", "cqp-webhooks/1")
	req.Header.Set("X-CQP-Event-Id", eventID)
	req.Header.Set("X-CQP-Timestamp", ts)
	req.Header.Set("X-CQP-Signature", SignWebhook(w.Secret, ts, body))
	resp, err := s.webhookClient.Do(req)
	if err != nil {
		var ne net.Error
		if errors.As(err, &ne) && ne.Timeout() {
			return 0, fmt.Sprintf("Pas de réponse en %d s.", int(WebhookTimeout.Seconds()))
		}
		if errors.Is(err, errWebhookPrivateAddress) {
			return 0, "Envoi refusé : l'adresse mène à un réseau privé ou local, que les webhooks n'atteignent pas. Indiquez l'adresse publique de votre système."
		}
		return 0, "Connexion impossible : " + err.Error()
	}
	defer resp.Body.Close()
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		msg := fmt.Sprintf("Réponse HTTP %d : seul un statut 2xx accuse réception.", resp.StatusCode)
		if resp.StatusCode >= 300 && resp.StatusCode < 400 {
			msg = fmt.Sprintf("Réponse HTTP %d : les redirections ne sont pas suivies, indiquez l'adresse finale.", resp.StatusCode)
		}
		return resp.StatusCode, msg
	}
	return resp.StatusCode, ""
}
