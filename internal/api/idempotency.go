package api

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"io"
	"net/http"
	"os"
	"strconv"

	"cqp/internal/domain"
	"cqp/internal/httpstatus"
	"cqp/internal/service"
	"cqp/internal/store"
)

// Idempotency keys (issue 17). A client that sends a POST with an Idempotency-Key header may
// send it again, as often as its network needs, with the same key: the request runs once and
// every retry gets the first answer, byte for byte, with the header Idempotent-Replayed: true.
// It is done here, around every POST route, so that no handler has to think of it:
//
//   - the key (1 to 255 visible ASCII characters) belongs to the token's owner;
//   - before the handler runs, the key is reserved with the request's fingerprint (method,
//     path and query, SHA-256 of the body); a key already used for another fingerprint is 422,
//     a key whose first request still runs is 409 with Retry-After;
//   - the answer (status, Content-Type, Location, body) is stored once written; a server error
//     (5xx), a client gone (499) or a throttled request (429) wrote nothing, so the key is
//     released and a retry runs again; every other answer, 4xx included, is replayed;
//   - a key still running after service.IdempotencyStaleAfter belongs to a request the server
//     stopped during: it answers 409 asking the client to check the resource and use a new key,
//     because the write may have happened;
//   - keys are kept 24 hours (service.IdempotencyKeyLifetime), then purged every hour.

// IdempotencyKeyHeader is the request header that carries the key.
const IdempotencyKeyHeader = "Idempotency-Key"

// ReplayedHeader marks an answer replayed from a key's first request.
const ReplayedHeader = "Idempotent-Replayed"

// runningRetryAfter is the Retry-After of the 409 for a key whose request still runs.
const runningRetryAfter = "2"

// validIdempotencyKey reports whether key is 1 to 255 visible ASCII characters.
func validIdempotencyKey(key string) bool {
	if len(key) == 0 || len(key) > 255 {
		return false
	}
	for i := 0; i < len(key); i++ {
		if key[i] < 0x21 || key[i] > 0x7e {
			return false
		}
	}
	return true
}

// serveIdempotent serves a POST sent with an Idempotency-Key header for an authenticated actor.
func (a *API) serveIdempotent(w http.ResponseWriter, r *http.Request, actor domain.Actor, rt route, keys []string) {
	if len(keys) != 1 || !validIdempotencyKey(keys[0]) {
		a.problem(w, r, &requestError{Status: http.StatusBadRequest,
			Detail: "L'en-tête Idempotency-Key doit être présent une seule fois et contenir de 1 à 255 caractères ASCII visibles (sans espace ni accent), par exemple un UUID."})
		return
	}
	key := keys[0]
	sum, body, cleanup, err := readBody(r)
	defer cleanup()
	if err != nil {
		a.problem(w, r, err)
		return
	}
	r.Body = body
	path := r.URL.EscapedPath()
	if r.URL.RawQuery != "" {
		path += "?" + r.URL.RawQuery
	}
	outcome, held, err := a.svc.ReserveIdempotencyKey(r.Context(), actor,
		service.IdempotencyRequest{Key: key, Method: r.Method, Path: path, BodySHA256: sum})
	if err != nil {
		a.problem(w, r, err)
		return
	}
	switch outcome {
	case service.IdempotencyReplay:
		replay(w, held)
	case service.IdempotencyMismatch:
		a.problem(w, r, &requestError{Status: http.StatusUnprocessableEntity,
			Detail: "Cette clé d'idempotence a déjà servi pour une autre requête (autre adresse, autre méthode ou autre corps) : une nouvelle requête demande une nouvelle clé."})
	case service.IdempotencyRunning:
		a.problem(w, r, &requestError{Status: http.StatusConflict, RetryAfter: runningRetryAfter,
			Detail: "Une requête avec cette clé d'idempotence est en cours de traitement : renvoyez-la dans quelques secondes pour obtenir sa réponse."})
	case service.IdempotencyInterrupted:
		a.problem(w, r, &requestError{Status: http.StatusConflict,
			Detail: "La première requête avec cette clé d'idempotence a été interrompue avant sa réponse (arrêt du serveur) : son écriture a pu avoir lieu. Vérifiez l'état de la ressource, puis, si l'écriture manque, renvoyez la requête avec une nouvelle clé."})
	case service.IdempotencyNotKept:
		a.problem(w, r, &requestError{Status: http.StatusConflict,
			Detail: "La requête avec cette clé d'idempotence a déjà été traitée (statut " + strconv.Itoa(held.Status) + "), mais sa réponse, trop volumineuse, n'a pas été conservée : consultez l'état de la ressource."})
	default:
		a.runOnce(w, r, actor, rt, key)
	}
}

// runOnce runs the handler of a request whose key is reserved, then stores its answer, or
// releases the key when the request wrote nothing. The bookkeeping outlives the client: a client
// gone after the write must still find its answer when it retries.
func (a *API) runOnce(w http.ResponseWriter, r *http.Request, actor domain.Actor, rt route, key string) {
	ctx := context.WithoutCancel(r.Context())
	rec := &recorder{ResponseWriter: w}
	done := false
	defer func() {
		if done {
			return
		}
		// A panic: the recovery answers 500, so the request wrote nothing that committed.
		if err := a.svc.ReleaseIdempotencyKey(ctx, actor, key); err != nil {
			a.log.Warn("api idempotency key release", "error", err, "route", r.Pattern, "request_id", actor.RequestID)
		}
	}()
	a.serve(rec, r, actor, rt)
	done = true
	status := rec.status
	if status == 0 {
		status = http.StatusOK
	}
	if status >= 500 || status == httpstatus.ClientClosedRequest || status == http.StatusTooManyRequests {
		if err := a.svc.ReleaseIdempotencyKey(ctx, actor, key); err != nil {
			a.log.Warn("api idempotency key release", "error", err, "route", r.Pattern, "request_id", actor.RequestID)
		}
		return
	}
	answer := store.IdempotencyKey{Status: status, ContentType: rec.Header().Get("Content-Type"), Location: rec.Header().Get("Location"),
		Body: rec.body.Bytes(), Kept: !rec.overflow}
	if err := a.svc.FinishIdempotencyKey(ctx, actor, key, answer); err != nil {
		// The key stays running, then interrupted: retries are refused, never run twice.
		a.log.Warn("api idempotency answer not stored", "error", err, "route", r.Pattern, "request_id", actor.RequestID)
	}
}

// replay writes a stored answer again.
func replay(w http.ResponseWriter, k store.IdempotencyKey) {
	h := w.Header()
	if k.ContentType != "" {
		h.Set("Content-Type", k.ContentType)
		h.Set("X-Content-Type-Options", "nosniff")
	}
	if k.Location != "" {
		h.Set("Location", k.Location)
	}
	h.Set(ReplayedHeader, "true")
	w.WriteHeader(k.Status)
	_, _ = w.Write(k.Body)
}

// recorder passes an answer through to the client and keeps its status and the first
// IdempotencyMaxKeptBody bytes of its body.
type recorder struct {
	http.ResponseWriter
	status   int
	body     bytes.Buffer
	overflow bool
}

func (c *recorder) WriteHeader(code int) {
	if c.status == 0 && code >= 200 {
		c.status = code
	}
	c.ResponseWriter.WriteHeader(code)
}

func (c *recorder) Write(b []byte) (int, error) {
	if c.status == 0 {
		c.status = http.StatusOK
	}
	if !c.overflow {
		if c.body.Len()+len(b) > service.IdempotencyMaxKeptBody {
			c.overflow = true
			c.body = bytes.Buffer{}
		} else {
			c.body.Write(b)
		}
	}
	return c.ResponseWriter.Write(b)
}

// Flush sends what was written so far, for handlers that check for an http.Flusher.
func (c *recorder) Flush() {
	if f, ok := c.ResponseWriter.(http.Flusher); ok {
		if c.status == 0 {
			c.status = http.StatusOK
		}
		f.Flush()
	}
}

// Unwrap lets http.ResponseController reach the connection's writer.
func (c *recorder) Unwrap() http.ResponseWriter { return c.ResponseWriter }

// maxSpooledBody is the largest body a request with a key may have (128 MiB): more than any
// upload the server accepts (VAE evidence: 100 MB at most).
const maxSpooledBody = 128 << 20

// readBody reads the request body whole to take its SHA-256, and returns a body for the
// handler that gives the same bytes. Up to MaxBodyBytes it stays in memory; a larger body (an
// upload, or one the handler will refuse as too large) goes to a temporary file that cleanup
// removes, up to maxSpooledBody.
func readBody(r *http.Request) (sum string, body io.ReadCloser, cleanup func(), err error) {
	cleanup = func() {}
	h := sha256.New()
	if r.Body == nil || r.Body == http.NoBody {
		return hex.EncodeToString(h.Sum(nil)), http.NoBody, cleanup, nil
	}
	var buf bytes.Buffer
	n, err := io.CopyN(&buf, io.TeeReader(r.Body, h), MaxBodyBytes+1)
	if err != nil && !errors.Is(err, io.EOF) {
		return "", nil, cleanup, unreadableBody(r, err)
	}
	if n <= MaxBodyBytes {
		return hex.EncodeToString(h.Sum(nil)), io.NopCloser(bytes.NewReader(buf.Bytes())), cleanup, nil
	}
	f, err := os.CreateTemp("", "cqp-api-body-*")
	if err != nil {
		return "", nil, cleanup, err
	}
	cleanup = func() {
		f.Close()
		os.Remove(f.Name())
	}
	if _, err := f.Write(buf.Bytes()); err != nil {
		return "", nil, cleanup, err
	}
	rest, err := io.Copy(io.MultiWriter(f, h), io.LimitReader(r.Body, maxSpooledBody-n+1))
	if err != nil {
		return "", nil, cleanup, unreadableBody(r, err)
	}
	if n+rest > maxSpooledBody {
		return "", nil, cleanup, &requestError{Status: http.StatusRequestEntityTooLarge,
			Detail: "Le corps d'une requête envoyée avec l'en-tête Idempotency-Key ne peut dépasser 128 Mio."}
	}
	if _, err := f.Seek(0, io.SeekStart); err != nil {
		return "", nil, cleanup, err
	}
	return hex.EncodeToString(h.Sum(nil)), io.NopCloser(f), cleanup, nil
}

// unreadableBody is the problem of a body that could not be read: a client gone, or a body
// larger than a limit set before the API.
func unreadableBody(r *http.Request, err error) error {
	var maxErr *http.MaxBytesError
	switch {
	case r.Context().Err() != nil:
		return r.Context().Err()
	case errors.As(err, &maxErr):
		return decodeError(err)
	}
	return &requestError{Status: http.StatusBadRequest, Detail: "Le corps de la requête n'a pas pu être lu en entier : renvoyez-la."}
}
