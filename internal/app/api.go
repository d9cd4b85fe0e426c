package app

import (
	"log/slog"
	"net/http"

	"cqp/internal/api"
	"cqp/internal/service"
)

// newAPI builds the JSON API handler mounted at /api/v1/.
func newAPI(svc *service.Service, log *slog.Logger) http.Handler { return api.New(svc, log).Handler() }
