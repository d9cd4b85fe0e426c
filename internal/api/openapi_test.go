package api_test

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"cqp/internal/api"
	"cqp/internal/service"
)

var httpMethods = []string{"get", "put", "post", "delete", "options", "head", "patch", "trace"}

func TestDocsCopyOfTheOpenAPIDocumentIsIdentical(t *testing.T) {
	docs, err := os.ReadFile(filepath.Join("..", "..", "docs", "openapi.yaml"))
	if err != nil {
		t.Fatalf("read docs/openapi.yaml: %v", err)
	}
	if !bytes.Equal(docs, api.OpenAPI()) {
		t.Fatal("docs/openapi.yaml differs from internal/api/openapi.yaml, which the server embeds: edit internal/api/openapi.yaml, then `cp internal/api/openapi.yaml docs/openapi.yaml`")
	}
}

func TestEveryRouteIsDocumentedAndEveryDocumentedOperationExists(t *testing.T) {
	s := loadSpec(t)
	if v := s.root["openapi"]; v != "3.1.0" {
		t.Errorf("openapi = %v, want 3.1.0", v)
	}
	if servers, _ := s.root["servers"].([]any); len(servers) != 1 || servers[0].(map[string]any)["url"] != api.Prefix {
		t.Errorf("servers = %v, want one server at %s", s.root["servers"], api.Prefix)
	}
	registered := map[string]api.RouteInfo{}
	for _, rt := range registeredRoutes(t) {
		key := rt.Method + " " + strings.TrimPrefix(rt.Pattern, api.Prefix)
		if _, dup := registered[key]; dup {
			t.Errorf("route %s is registered twice", key)
		}
		registered[key] = rt
	}
	documented := map[string]map[string]any{}
	for path, item := range s.paths() {
		for _, m := range httpMethods {
			if op, ok := item.(map[string]any)[m].(map[string]any); ok {
				documented[strings.ToUpper(m)+" "+path] = op
			}
		}
	}
	for key := range registered {
		if _, ok := documented[key]; !ok {
			t.Errorf("route %s is registered but not documented in openapi.yaml", key)
		}
	}
	for key := range documented {
		if _, ok := registered[key]; !ok {
			t.Errorf("operation %s is documented but no route serves it", key)
		}
	}
}

// registeredRoutes gives the registered routes without a database: building the API only
// wires handlers.
func registeredRoutes(t *testing.T) []api.RouteInfo {
	t.Helper()
	routes := api.New(nil, nil).Routes()
	if len(routes) == 0 {
		t.Fatal("no route registered")
	}
	return routes
}

func TestEveryDocumentedOperationStatesItsActionSecurityAndErrors(t *testing.T) {
	s := loadSpec(t)
	actions := map[string]service.Action{}
	for _, rt := range registeredRoutes(t) {
		actions[rt.Method+" "+strings.TrimPrefix(rt.Pattern, api.Prefix)] = rt.Action
	}
	operationIDs := map[string]string{}
	params := regexp.MustCompile(`\{([a-z_]+)\}`)
	for path, item := range s.paths() {
		for _, m := range httpMethods {
			op, ok := item.(map[string]any)[m].(map[string]any)
			if !ok {
				continue
			}
			key := strings.ToUpper(m) + " " + path
			t.Run(key, func(t *testing.T) {
				id, _ := op["operationId"].(string)
				if id == "" {
					t.Error("no operationId")
				} else if other, dup := operationIDs[id]; dup {
					t.Errorf("operationId %s is also used by %s", id, other)
				}
				operationIDs[id] = key
				act, _ := op["x-cqp-action"].(string)
				security, overridden := op["security"].([]any)
				public := overridden && len(security) == 0
				if want := string(actions[key]); act != want {
					t.Errorf("x-cqp-action = %q, the route registry says %q", act, want)
				}
				if public != (actions[key] == "") {
					t.Errorf("public in the document = %v, the route registry has action %q", public, actions[key])
				}
				responses := mapAt(op, "responses")
				want := []string{}
				if !public {
					want = append(want, "401", "403", "500", "503")
				}
				if strings.Contains(path, "{id}") {
					want = append(want, "404")
				}
				if m == "post" {
					want = append(want, "400", "409", "413", "415", "422")
				}
				for _, code := range want {
					if _, ok := responses[code]; !ok {
						t.Errorf("response %s is not documented", code)
					}
				}
				declared := map[string]bool{}
				ps, _ := op["parameters"].([]any)
				for _, p := range ps {
					pm, err := s.deref(p)
					if err != nil {
						t.Error(err)
						continue
					}
					if pm["in"] == "path" {
						declared[fmt.Sprint(pm["name"])] = true
					}
				}
				for _, match := range params.FindAllStringSubmatch(path, -1) {
					if !declared[match[1]] {
						t.Errorf("path parameter %s is not declared", match[1])
					}
				}
			})
		}
	}
}

func TestEveryReferenceInTheOpenAPIDocumentResolves(t *testing.T) {
	s := loadSpec(t)
	var walk func(node any, at string)
	walk = func(node any, at string) {
		switch n := node.(type) {
		case map[string]any:
			for k, v := range n {
				if ref, ok := v.(string); ok && k == "$ref" {
					if _, err := s.resolve(ref); err != nil {
						t.Errorf("%s: %v", at, err)
					}
					continue
				}
				walk(v, at+"/"+k)
			}
		case []any:
			for i, v := range n {
				walk(v, fmt.Sprintf("%s[%d]", at, i))
			}
		}
	}
	walk(s.root, "#")
}

// Every POST accepts an Idempotency-Key (idempotency.go does it for all routes): each one must
// say so, and say it the same way.
func TestEveryPostOperationAcceptsAnIdempotencyKey(t *testing.T) {
	s := loadSpec(t)
	const ref = "#/components/parameters/IdempotencyKey"
	if _, err := s.resolve(ref); err != nil {
		t.Fatal(err)
	}
	for path, item := range s.paths() {
		op, ok := item.(map[string]any)["post"].(map[string]any)
		if !ok {
			continue
		}
		found := false
		ps, _ := op["parameters"].([]any)
		for _, p := range ps {
			if pm, ok := p.(map[string]any); ok && pm["$ref"] == ref {
				found = true
			}
		}
		if !found {
			t.Errorf("POST %s does not reference the parameter %s", path, ref)
		}
	}
}
