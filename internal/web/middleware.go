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

func withRequestID(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var b [8]byte
		_, _ = rand.Read(b[:])
		id := hex.EncodeToString(b[:])
		w.Header().Set("X-Request-Id", id)
		next.ServeHTTP(w, r.WithContext(context.WithValue(r.Context(), requestIDKey, id)))
	})
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

// logRequests logs one line per request: method, route pattern (never the query string, which
// may hold names), status, duration and request id. No personal data.
func (s *Server) logRequests(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		rec := &statusRecorder{ResponseWriter: w}
		pattern := ""
		next.ServeHTTP(rec, r.WithContext(context.WithValue(r.Context(), patternKey, &pattern)))
		if pattern == "" {
			pattern = "(unmatched)"
			if strings.HasPrefix(r.URL.Path, "/api/v1/") {
				pattern = "/api/v1/"
			}
		}
		s.log.Info("request", "method", r.Method, "route", pattern, "status", rec.status,
			"duration_ms", time.Since(start).Milliseconds(), "request_id", requestID(r.Context()))
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

// securityHeaders sets the headers every answer carries; hsts adds Strict-Transport-Security.
func securityHeaders(next http.Handler, hsts bool) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Set("Content-Security-Policy", contentSecurityPolicy)
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("X-Frame-Options", "DENY")
		h.Set("Referrer-Policy", "same-origin")
		h.Set("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
		h.Set("Cross-Origin-Opener-Policy", "same-origin")
		if hsts || r.TLS != nil {
			h.Set("Strict-Transport-Security", strictTransportSecurity)
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
