package web

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"net/http"
	"net/url"
	"runtime/debug"
	"strings"
	"time"

	"cqp/internal/domain"
)

// requestInfo is what the request log knows of a request: the id it gives it, and the route
// pattern the handler below matched (adapt writes it). One value in the context, not two: each
// value is a copy of the request, on every request.
type requestInfo struct {
	id      string
	pattern string
}

func newRequestID() string {
	var b [8]byte
	_, _ = rand.Read(b[:])
	return hex.EncodeToString(b[:])
}

type statusRecorder struct {
	http.ResponseWriter
	status int
}

func (s *statusRecorder) WriteHeader(code int) {
	if s.status == 0 {
		s.status = code
	}
	s.ResponseWriter.WriteHeader(code)
}

func (s *statusRecorder) Write(b []byte) (int, error) {
	if s.status == 0 {
		s.status = http.StatusOK
	}
	return s.ResponseWriter.Write(b)
}

func (s *statusRecorder) Unwrap() http.ResponseWriter { return s.ResponseWriter }

// logRequests gives each request an id (the X-Request-Id header, and requestID below) and
// logs one line for it: method, route pattern (never the query string, which may hold names),
// status, duration and request id. No personal data.
func (s *Server) logRequests(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		info := &requestInfo{id: newRequestID()}
		w.Header().Set("X-Request-Id", info.id)
		rec := &statusRecorder{ResponseWriter: w}
		next.ServeHTTP(rec, r.WithContext(context.WithValue(r.Context(), requestInfoKey, info)))
		pattern := info.pattern
		if pattern == "" {
			pattern = "(unmatched)"
			if strings.HasPrefix(r.URL.Path, "/api/v1/") {
				pattern = "/api/v1/"
			}
		}
		s.log.Info("request", "method", r.Method, "route", pattern, "status", rec.status,
			"duration_ms", time.Since(start).Milliseconds(), "request_id", info.id)
	})
}

func (s *Server) recoverPanics(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		defer func() {
			if v := recover(); v != nil {
				if v == http.ErrAbortHandler {
					panic(v)
				}
				s.log.Error("panic", "value", v, "stack", string(debug.Stack()), "request_id", requestID(r.Context()))
				s.renderError(w, r, &domain.Error{Code: domain.EINTERNAL, Message: "panic"})
			}
		}()
		next.ServeHTTP(w, r)
	})
}

// contentSecurityPolicy allows no inline script and no framing.
const contentSecurityPolicy = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; " +
	"object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"

// strictTransportSecurity tells browsers to reach cqp over HTTPS only, for a year, on its host
// and the hosts under it.
const strictTransportSecurity = "max-age=31536000; includeSubDomains"

// servedOverHTTPS says whether the configured base URL is an https one: cqp then sends HSTS on
// every answer, even when a proxy in front of it ends TLS and the request reaches it in clear.
func servedOverHTTPS(baseURL string) bool {
	u, err := url.Parse(strings.TrimSpace(baseURL))
	return err == nil && strings.EqualFold(u.Scheme, "https")
}

// securityHeaderNames are the headers every answer carries, by canonical name, and
// securityHeaderValues their values; the last, Strict-Transport-Security, only over HTTPS.
var (
	securityHeaderNames = [...]string{"Content-Security-Policy", "X-Content-Type-Options", "X-Frame-Options",
		"Referrer-Policy", "Permissions-Policy", "Cross-Origin-Opener-Policy", "Strict-Transport-Security"}
	securityHeaderValues = [len(securityHeaderNames)]string{contentSecurityPolicy, "nosniff", "DENY",
		"same-origin", "camera=(), microphone=(), geolocation=()", "same-origin", strictTransportSecurity}
)

// securityHeaders sets the headers every answer carries; hsts adds Strict-Transport-Security.
// Their values are copied into one array per answer, each header a full slice of it (Add
// copies it, Set replaces it): one allocation per answer instead of one per header.
func securityHeaders(next http.Handler, hsts bool) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		n := len(securityHeaderNames)
		if !hsts && r.TLS == nil {
			n--
		}
		values := new([len(securityHeaderValues)]string)
		*values = securityHeaderValues
		h := w.Header()
		for i := range n {
			h[securityHeaderNames[i]] = values[i : i+1 : i+1]
		}
		next.ServeHTTP(w, r)
	})
}

// refuseHiddenCharacters answers a form whose fields hold a control character or a
// bidirectional override with a French 422 page, before any handler reads it. Line breaks and
// tabs pass (text areas keep them; one-line names refuse line breaks in the service), and
// passwords are left as they are. Uploads (multipart forms) are read by their own handlers.
func (s *Server) refuseHiddenCharacters(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodPost || !strings.HasPrefix(r.Header.Get("Content-Type"), "application/x-www-form-urlencoded") {
			next.ServeHTTP(w, r)
			return
		}
		if err := parseForm(w, r); err != nil {
			s.renderError(w, r, err)
			return
		}
		for name, values := range r.PostForm {
			if strings.Contains(name, "password") || name == "current" || name == "confirm" {
				continue // a password, or its confirmation
			}
			for _, v := range values {
				if msg := domain.TextProblem(v, true); msg != "" {
					s.renderError(w, r, domain.Errorf(domain.EINVALID,
						"Le formulaire n'a pas été enregistré. %s Revenez à la page précédente pour corriger le champ.", msg))
					return
				}
			}
		}
		next.ServeHTTP(w, r)
	})
}
