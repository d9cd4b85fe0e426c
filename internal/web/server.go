// Package web is cqp's HTML interface: server-rendered pages in French that work without
// JavaScript. Every route names the service.Action it serves; the permission table decides
// who gets it, and the service enforces each record's scope.
package web

import (
	"context"
	"log/slog"
	"net/http"
	"net/netip"
	"time"

	"github.com/alexedwards/scs/v2"

	"cqp/internal/domain"
	"cqp/internal/httpstatus"
	"cqp/internal/service"
)

// Options configure the web server.
type Options struct {
	BaseURL         string
	InsecureCookies bool // plain-HTTP development: no Secure attribute, no __Host- prefix
	SessionLifetime time.Duration
	API             http.Handler // mounted at /api/v1/ when not nil
	// TrustedProxies are the networks of the proxies in front of cqp: only a request from one
	// of them has its X-Forwarded-For read. Empty: the peer's address is the client's.
	TrustedProxies []netip.Prefix
	// MaxRequests bounds the requests handled at once, MaxQueued those waiting for a turn, and
	// QueueWait how long one waits before it is answered 503. Zero values are the defaults; a
	// negative MaxQueued refuses at once a request that finds every slot taken.
	MaxRequests int
	MaxQueued   int
	QueueWait   time.Duration
	// APIOverloaded answers an /api/v1/ request refused for overload (a problem document); nil
	// answers it with the HTML page.
	APIOverloaded http.Handler
}

// Server serves the HTML interface.
type Server struct {
	svc      *service.Service
	log      *slog.Logger
	opts     Options
	sessions *scs.SessionManager
	pages    *pages
	routes   []Route
	mux      *http.ServeMux
}

// Route is one registered page or form endpoint and the action it needs. Public routes have
// an empty Action.
type Route struct {
	Pattern string // "GET /candidats/{id}"
	Action  service.Action
	handle  handlerFunc
}

// handlerFunc is a handler that returns its error for one adapter to render.
type handlerFunc func(w http.ResponseWriter, r *http.Request) error

// New builds the server and registers every route.
func New(svc *service.Service, log *slog.Logger, opts Options) (*Server, error) {
	p, err := loadPages()
	if err != nil {
		return nil, err
	}
	sm := scs.New()
	sm.Store = svc.Store().Sessions(svc.Now)
	sm.Codec = sessionCodec{}
	sm.Lifetime = opts.SessionLifetime
	if sm.Lifetime == 0 {
		sm.Lifetime = 12 * time.Hour
	}
	sm.IdleTimeout = 2 * time.Hour
	sm.Cookie.Name = "__Host-cqp_session"
	sm.Cookie.Secure = true
	if opts.InsecureCookies {
		sm.Cookie.Name = "cqp_session"
		sm.Cookie.Secure = false
	}
	sm.Cookie.Path = "/"
	sm.Cookie.HttpOnly = true
	sm.Cookie.SameSite = http.SameSiteLaxMode
	sm.ErrorFunc = func(w http.ResponseWriter, r *http.Request, err error) {
		if httpstatus.ClientGone(r.Context(), err) {
			log.Debug("session store: request cancelled by the client", "error", err, "request_id", requestID(r.Context()))
			w.WriteHeader(httpstatus.ClientClosedRequest)
			return
		}
		log.Error("session store", "error", err, "request_id", requestID(r.Context()))
		http.Error(w, "Service momentanément indisponible. Réessayez dans quelques secondes.", http.StatusServiceUnavailable)
	}
	s := &Server{svc: svc, log: log, opts: opts, sessions: sm, pages: p, mux: http.NewServeMux()}
	s.registerRoutes()
	return s, nil
}

// Routes returns every registered route, for the authorization test.
func (s *Server) Routes() []Route { return append([]Route(nil), s.routes...) }

// handle registers a route. The permission check runs before the handler: an anonymous
// visitor is sent to the login page, a role without the action gets 403.
func (s *Server) handle(pattern string, act service.Action, h handlerFunc) {
	s.routes = append(s.routes, Route{Pattern: pattern, Action: act, handle: h})
	s.mux.Handle(pattern, s.adapt(act, h))
}

func (s *Server) adapt(act service.Action, h handlerFunc) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if info, ok := r.Context().Value(requestInfoKey).(*requestInfo); ok {
			info.pattern = r.Pattern
		}
		if act != "" {
			if err := service.Check(actorFrom(r.Context()), act); err != nil {
				s.renderError(w, r, err)
				return
			}
		}
		if err := h(w, r); err != nil {
			s.renderError(w, r, err)
		}
	})
}

// Handler returns the whole HTTP handler with its middleware.
func (s *Server) Handler() http.Handler {
	var h http.Handler = s.mux
	h = s.refuseHiddenCharacters(h)
	h = s.loadActor(h)
	h = s.sessions.LoadAndSave(h)
	cop := http.NewCrossOriginProtection()
	cop.SetDenyHandler(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.renderError(w, r, domain.Errorf(domain.EFORBIDDEN, "Requête refusée : elle ne vient pas d'une page de cqp. Rechargez la page et recommencez."))
	}))
	// The API authenticates with bearer tokens, never with the session cookie, so a cross-site
	// request to it carries no ambient credential: it answers in problem+json by itself.
	cop.AddInsecureBypassPattern("/api/v1/")
	h = cop.Handler(h)
	// Before the session is read: a refused request costs no database query.
	h = newLoadShedder(s.opts.MaxRequests, s.opts.MaxQueued, s.opts.QueueWait, s.log).handler(h, s.overloaded)
	h = securityHeaders(h, servedOverHTTPS(s.opts.BaseURL))
	h = s.recoverPanics(h)
	h = s.logRequests(h)
	h = withClientAddress(h, s.opts.TrustedProxies)
	return h
}

type ctxKey int

const (
	actorKey       ctxKey = iota // set once the session is read: flash messages are readable
	requestInfoKey               // *requestInfo: the request's id, and its route pattern for the log
)

func actorFrom(ctx context.Context) domain.Actor {
	a, _ := ctx.Value(actorKey).(domain.Actor)
	return a
}

func requestID(ctx context.Context) string {
	if info, ok := ctx.Value(requestInfoKey).(*requestInfo); ok {
		return info.id
	}
	return ""
}

// A session holds the id of the account logged in, and the account's session generation at
// login (absent, hence 0, for the first generation): a password change or reset moves the
// account's generation on, which ends the session.
const (
	sessionUserKey       = "user_id"
	sessionGenerationKey = "generation"
)

// loadActor puts the logged-in actor in the request context. A session that ended with a
// password change or reset, or whose account is disabled or deleted, is destroyed.
func (s *Server) loadActor(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ctx := r.Context()
		a := domain.Actor{RequestID: requestID(ctx)}
		if id := s.sessions.GetString(ctx, sessionUserKey); id != "" {
			var err error
			a, err = s.svc.SessionActor(ctx, id, s.sessions.GetInt(ctx, sessionGenerationKey), requestID(ctx))
			if err != nil {
				s.renderError(w, r, err)
				return
			}
			if a.UserID == "" {
				if err := s.sessions.Destroy(ctx); err != nil {
					s.renderError(w, r, err)
					return
				}
				s.sessions.Put(ctx, flashKey, "Votre session a pris fin : le mot de passe du compte a changé, ou le compte est désactivé. Connectez-vous à nouveau.")
			}
		}
		next.ServeHTTP(w, r.WithContext(context.WithValue(ctx, actorKey, a)))
	})
}
