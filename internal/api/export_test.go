package api

import (
	"net/http"

	"cqp/internal/domain"
	"cqp/internal/service"
)

// AddRouteForTest registers one more route, for tests that need a handler they control (one
// that blocks until told to answer).
func (a *API) AddRouteForTest(method, path string, act service.Action, h func(http.ResponseWriter, *http.Request, domain.Actor) error) {
	a.routes = append(a.routes, a.route(method, path, act, h))
	a.mux = a.buildMux()
}
