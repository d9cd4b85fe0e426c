package web

import (
	"log/slog"
	"net/http"
	"strings"
	"sync/atomic"
	"time"

	"cqp/internal/httpstatus"
)

// Default bounds of the requests handled at once. A request beyond MaxRequests waits its turn
// among MaxQueued others for up to QueueWait; past that it is answered 503 at once, rather than
// every request slowing down until all of them time out.
const (
	DefaultMaxRequests = 64
	DefaultMaxQueued   = 128
	DefaultQueueWait   = 2 * time.Second
)

// overloadRetryAfter is the Retry-After of a shed request, in seconds: the same as the other
// 503 answers of cqp (database unavailable, password hashing busy).
const overloadRetryAfter = "5"

// OverloadMessage is what a shed request is told, on a page or in a problem document.
const OverloadMessage = "Le serveur reçoit trop de demandes en ce moment. Réessayez dans quelques secondes."

// loadShedder bounds the requests being handled at once (slots) and the requests waiting for
// one (queue). Each handler built by Server.Handler holds its own.
type loadShedder struct {
	slots   chan struct{}
	queue   chan struct{}
	maxWait time.Duration
	log     *slog.Logger

	shed    atomic.Int64 // requests refused since the start, for the log
	lastLog atomic.Int64 // when the last warning was written, in Unix nanoseconds
}

func newLoadShedder(maxRequests, maxQueued int, maxWait time.Duration, log *slog.Logger) *loadShedder {
	if maxRequests < 1 {
		maxRequests = DefaultMaxRequests
	}
	switch {
	case maxQueued == 0:
		maxQueued = DefaultMaxQueued
	case maxQueued < 0:
		maxQueued = 0 // no waiting: refused at once when every slot is taken
	}
	if maxWait <= 0 {
		maxWait = DefaultQueueWait
	}
	return &loadShedder{slots: make(chan struct{}, maxRequests), queue: make(chan struct{}, maxQueued),
		maxWait: maxWait, log: log}
}

// admission is how a request came out of acquire.
type admission int

const (
	admitted   admission = iota // it holds a slot: call release when done
	refused                     // no slot and no room to wait, or the wait was too long
	clientGone                  // the client went away while waiting
)

// acquire takes a slot at once if one is free; otherwise it waits in the queue, if the queue
// has room, for a slot, for maxWait or for the client to go away, whichever comes first.
func (l *loadShedder) acquire(r *http.Request) admission {
	select {
	case l.slots <- struct{}{}:
		return admitted
	default:
	}
	select {
	case l.queue <- struct{}{}:
	default:
		return refused
	}
	defer func() { <-l.queue }()
	timer := time.NewTimer(l.maxWait)
	defer timer.Stop()
	select {
	case l.slots <- struct{}{}:
		return admitted
	case <-timer.C:
		return refused
	case <-r.Context().Done():
		return clientGone
	}
}

func (l *loadShedder) release() { <-l.slots }

// noteShed counts a refused request and warns at most once a second: under overload, a line
// per refusal would add to the load. The request log still has one line per request.
func (l *loadShedder) noteShed() {
	n := l.shed.Add(1)
	now := time.Now().UnixNano()
	last := l.lastLog.Load()
	if now-last < int64(time.Second) || !l.lastLog.CompareAndSwap(last, now) {
		return
	}
	l.log.Warn("overload: requests refused with 503", "refused_total", n,
		"max_requests", cap(l.slots), "max_queued", cap(l.queue), "max_wait_ms", l.maxWait.Milliseconds())
}

// bypassesLimit says whether a request is served whatever the load: the health check, so that
// a load balancer still sees a live server, and the static files, which cost next to nothing.
func bypassesLimit(r *http.Request) bool {
	return (r.Method == http.MethodGet || r.Method == http.MethodHead) &&
		(r.URL.Path == "/healthz" || strings.HasPrefix(r.URL.Path, "/static/"))
}

// handler lets through the requests next has room for and answers the others with refuse.
func (l *loadShedder) handler(next http.Handler, refuse http.HandlerFunc) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if bypassesLimit(r) {
			next.ServeHTTP(w, r)
			return
		}
		switch l.acquire(r) {
		case admitted:
			defer l.release()
			next.ServeHTTP(w, r)
		case clientGone:
			w.WriteHeader(httpstatus.ClientClosedRequest)
		case refused:
			l.noteShed()
			refuse(w, r)
		}
	})
}

// overloaded answers a refused request: 503 with Retry-After, an HTML page, or a problem
// document under /api/v1/. It reads neither the session nor the database: the server is busy
// enough.
func (s *Server) overloaded(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Retry-After", overloadRetryAfter)
	if strings.HasPrefix(r.URL.Path, "/api/v1/") && s.opts.APIOverloaded != nil {
		s.opts.APIOverloaded.ServeHTTP(w, r)
		return
	}
	s.render(w, r, http.StatusServiceUnavailable, "error.html", "Service momentanément indisponible",
		errorPage{Status: http.StatusServiceUnavailable, Message: OverloadMessage, RequestID: requestID(r.Context())})
}
