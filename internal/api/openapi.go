package api

import (
	"bytes"
	_ "embed"
	"net/http"

	"cqp/internal/domain"
)

// openAPISource is the API's contract (OpenAPI 3.1). docs/openapi.yaml is a byte-identical
// copy for readers of the repository (go:embed cannot reach outside this directory); a test
// keeps the two equal and checks that the document and the registered routes name the same
// operations.
//
//go:embed openapi.yaml
var openAPISource []byte

// OpenAPI returns the API's OpenAPI 3.1 document, served at /api/v1/openapi.yaml.
func OpenAPI() []byte { return bytes.Clone(openAPISource) }

func (a *API) openAPIShow(w http.ResponseWriter, r *http.Request, _ domain.Actor) error {
	w.Header().Set("Content-Type", "application/yaml")
	w.Header().Set("Cache-Control", "public, max-age=300")
	w.WriteHeader(http.StatusOK)
	if r.Method != http.MethodHead {
		_, _ = w.Write(openAPISource)
	}
	return nil
}
