package web

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"cqp/internal/api"
)

// blockedSite is a load shedder in front of a handler that holds every request until release
// is closed; entered receives the path of each request the handler starts. No assertion
// depends on time: the queue wait is an hour unless a test asks otherwise.
type blockedSite struct {
	shedder *loadShedder
	handler http.Handler
	entered chan string
	release chan struct{}
}

func newBlockedSite(t *testing.T, maxRequests, maxQueued int, wait time.Duration) *blockedSite {
	t.Helper()
	p, err := loadPages()
	if err != nil {
		t.Fatal(err)
	}
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	s := &Server{log: log, pages: p, opts: Options{APIOverloaded: api.Overloaded(OverloadMessage)}}
	b := &blockedSite{entered: make(chan string, 100), release: make(chan struct{})}
	b.shedder = newLoadShedder(maxRequests, maxQueued, wait, log)
	b.handler = b.shedder.handler(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !bypassesLimit(r) {
			b.entered <- r.URL.Path
			<-b.release
		}
		_, _ = io.WriteString(w, "ok")
	}), s.overloaded)
	return b
}

// serve runs one request in the background; its answer arrives on the returned channel.
func (b *blockedSite) serve(ctx context.Context, path string) <-chan *httptest.ResponseRecorder {
	done := make(chan *httptest.ResponseRecorder, 1)
	go func() {
		rec := httptest.NewRecorder()
		b.handler.ServeHTTP(rec, httptest.NewRequest("GET", path, nil).WithContext(ctx))
		done <- rec
	}()
	return done
}

// get runs one request to its end.
func (b *blockedSite) get(path string) *httptest.ResponseRecorder {
	return <-b.serve(context.Background(), path)
}

// waitFor yields until cond holds: requests in goroutines reach the queue in their own time.
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	for i := 0; !cond(); i++ {
		if i > 60_000 { // a minute at the least: only a stuck request gets here
			t.Fatalf("never happened: %s", what)
		}
		time.Sleep(time.Millisecond)
	}
}

func TestRequestsBeyondTheSlotsAndTheQueueAreAnswered503WithRetryAfter(t *testing.T) {
	b := newBlockedSite(t, 2, 1, time.Hour)
	first, second := b.serve(context.Background(), "/candidats"), b.serve(context.Background(), "/blocs")
	<-b.entered
	<-b.entered
	queued := b.serve(context.Background(), "/candidats")
	waitFor(t, "the third request waits in the queue", func() bool { return len(b.shedder.queue) == 1 })

	t.Run("a page is refused with a French HTML page", func(t *testing.T) {
		rec := b.get("/candidats")
		if rec.Code != http.StatusServiceUnavailable || rec.Header().Get("Retry-After") != overloadRetryAfter {
			t.Fatalf("status %d, Retry-After %q", rec.Code, rec.Header().Get("Retry-After"))
		}
		if ct := rec.Header().Get("Content-Type"); !strings.HasPrefix(ct, "text/html") {
			t.Fatalf("content type %q", ct)
		}
		if body := rec.Body.String(); !strings.Contains(body, "Le serveur reçoit trop de demandes") {
			t.Fatalf("body does not say why:\n%s", body)
		}
	})
	t.Run("an API request is refused with a problem document", func(t *testing.T) {
		rec := b.get("/api/v1/candidats")
		if rec.Code != http.StatusServiceUnavailable || rec.Header().Get("Retry-After") != overloadRetryAfter {
			t.Fatalf("status %d, Retry-After %q", rec.Code, rec.Header().Get("Retry-After"))
		}
		if ct := rec.Header().Get("Content-Type"); ct != "application/problem+json" {
			t.Fatalf("content type %q", ct)
		}
		var p api.Problem
		if err := json.Unmarshal(rec.Body.Bytes(), &p); err != nil {
			t.Fatal(err)
		}
		if p.Status != http.StatusServiceUnavailable || p.Detail != OverloadMessage || p.Type != api.ProblemTypePrefix+"unavailable" {
			t.Fatalf("%+v", p)
		}
	})
	t.Run("the health check and the static files are still served", func(t *testing.T) {
		for _, path := range []string{"/healthz", "/static/app.css"} {
			if rec := b.get(path); rec.Code != http.StatusOK {
				t.Fatalf("%s: status %d", path, rec.Code)
			}
		}
	})

	close(b.release)
	for name, c := range map[string]<-chan *httptest.ResponseRecorder{"first": first, "second": second, "queued": queued} {
		if rec := <-c; rec.Code != http.StatusOK {
			t.Fatalf("the %s request got %d once released", name, rec.Code)
		}
	}
	t.Run("once the load is gone requests are served again", func(t *testing.T) {
		if rec := b.get("/candidats"); rec.Code != http.StatusOK {
			t.Fatalf("status %d", rec.Code)
		}
	})
	if n := b.shedder.shed.Load(); n != 2 {
		t.Fatalf("%d requests counted as refused, want 2", n)
	}
}

func TestARequestThatWaitedTooLongIsAnswered503(t *testing.T) {
	b := newBlockedSite(t, 1, 1, time.Millisecond)
	held := b.serve(context.Background(), "/candidats")
	<-b.entered
	// The only slot is never given back while this request waits: its wait must run out.
	if rec := b.get("/blocs"); rec.Code != http.StatusServiceUnavailable || rec.Header().Get("Retry-After") == "" {
		t.Fatalf("status %d, Retry-After %q", rec.Code, rec.Header().Get("Retry-After"))
	}
	if len(b.shedder.queue) != 0 {
		t.Fatal("the request that gave up still holds its place in the queue")
	}
	close(b.release)
	<-held
}

func TestAClientLeavingTheQueueGivesBackItsPlaceAndTakesNoSlot(t *testing.T) {
	b := newBlockedSite(t, 1, 1, time.Hour)
	held := b.serve(context.Background(), "/candidats")
	<-b.entered

	ctx, cancel := context.WithCancel(context.Background())
	leaving := b.serve(ctx, "/blocs")
	waitFor(t, "the second request waits in the queue", func() bool { return len(b.shedder.queue) == 1 })
	cancel()
	if rec := <-leaving; rec.Code != 499 {
		t.Fatalf("the request whose client left got %d", rec.Code)
	}
	if len(b.shedder.queue) != 0 {
		t.Fatal("the client that left still holds its place in the queue")
	}

	close(b.release)
	if rec := <-held; rec.Code != http.StatusOK {
		t.Fatalf("the held request got %d", rec.Code)
	}
	if len(b.shedder.slots) != 0 {
		t.Fatalf("%d slots still taken with no request running", len(b.shedder.slots))
	}
	if rec := b.get("/candidats"); rec.Code != http.StatusOK {
		t.Fatalf("after the client left, a request got %d", rec.Code)
	}
}
