package api_test

import (
	"encoding/json"
	"fmt"
	"math"
	"reflect"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"

	"go.yaml.in/yaml/v3"

	"cqp/internal/api"
)

// spec is the parsed OpenAPI document, with what the tests need to check answers against it.
type spec struct {
	root map[string]any
}

func loadSpec(t testing.TB) *spec {
	t.Helper()
	var root map[string]any
	if err := yaml.Unmarshal(api.OpenAPI(), &root); err != nil {
		t.Fatalf("parse openapi.yaml: %v", err)
	}
	return &spec{root: root}
}

func (s *spec) paths() map[string]any { return mapAt(s.root, "paths") }

func mapAt(m map[string]any, keys ...string) map[string]any {
	for _, k := range keys {
		next, _ := m[k].(map[string]any)
		m = next
	}
	return m
}

// resolve follows a local $ref such as "#/components/schemas/Candidate".
func (s *spec) resolve(ref string) (any, error) {
	if !strings.HasPrefix(ref, "#/") {
		return nil, fmt.Errorf("only local references are used, got %q", ref)
	}
	var cur any = s.root
	for _, part := range strings.Split(strings.TrimPrefix(ref, "#/"), "/") {
		m, ok := cur.(map[string]any)
		if !ok {
			return nil, fmt.Errorf("reference %s: %s is not an object", ref, part)
		}
		if cur, ok = m[part]; !ok {
			return nil, fmt.Errorf("reference %s does not resolve: no %s", ref, part)
		}
	}
	return cur, nil
}

// deref returns node with its $ref, if any, followed.
func (s *spec) deref(node any) (map[string]any, error) {
	m, _ := node.(map[string]any)
	for m != nil {
		ref, ok := m["$ref"].(string)
		if !ok {
			return m, nil
		}
		target, err := s.resolve(ref)
		if err != nil {
			return nil, err
		}
		m, _ = target.(map[string]any)
	}
	return nil, fmt.Errorf("not an object: %v", node)
}

// operation finds the documented operation answering method on a request path such as
// "/api/v1/candidates/0192…": literal segments must match, {param} segments match anything.
func (s *spec) operation(method, path string) (template string, op map[string]any) {
	path = strings.TrimPrefix(path, api.Prefix)
	if i := strings.IndexByte(path, '?'); i >= 0 {
		path = path[:i]
	}
	segs := strings.Split(path, "/")
	for tmpl, item := range s.paths() {
		tsegs := strings.Split(tmpl, "/")
		if len(tsegs) != len(segs) {
			continue
		}
		match := true
		for i := range tsegs {
			if !strings.HasPrefix(tsegs[i], "{") && tsegs[i] != segs[i] {
				match = false
			}
		}
		if !match {
			continue
		}
		if op, ok := item.(map[string]any)[strings.ToLower(method)].(map[string]any); ok {
			return tmpl, op
		}
		return tmpl, nil
	}
	return "", nil
}

// validate checks value (decoded JSON) against a JSON Schema node of the document. It is
// stricter than the document: an object whose schema lists properties may hold no other
// (unless the schema gives additionalProperties a schema), so that every field the API sends
// is documented. A schema without properties, like the audit trail's free-form states,
// accepts any object.
func (s *spec) validate(schema any, value any, at string) []string {
	m, err := s.deref(schema)
	if err != nil {
		return []string{at + ": " + err.Error()}
	}
	if alts, ok := m["oneOf"].([]any); ok {
		matches := 0
		var all []string
		for _, alt := range alts {
			errs := s.validate(alt, value, at)
			if len(errs) == 0 {
				matches++
			}
			all = append(all, errs...)
		}
		if matches != 1 {
			return append([]string{fmt.Sprintf("%s: matches %d of the oneOf alternatives, want 1", at, matches)}, all...)
		}
		return nil
	}
	var problems []string
	kind := jsonType(value)
	if t, ok := m["type"]; ok {
		var allowed []string
		switch t := t.(type) {
		case string:
			allowed = []string{t}
		case []any:
			for _, x := range t {
				allowed = append(allowed, fmt.Sprint(x))
			}
		}
		if !slices.Contains(allowed, kind) && !(kind == "integer" && slices.Contains(allowed, "number")) {
			return []string{fmt.Sprintf("%s: is %s, the document says %v", at, kind, allowed)}
		}
	}
	if enum, ok := m["enum"].([]any); ok {
		found := false
		for _, e := range enum {
			if reflect.DeepEqual(e, value) {
				found = true
			}
		}
		if !found {
			problems = append(problems, fmt.Sprintf("%s: %v is not one of %v", at, value, enum))
		}
	}
	if c, ok := m["const"]; ok && !reflect.DeepEqual(c, value) {
		problems = append(problems, fmt.Sprintf("%s: %v is not %v", at, value, c))
	}
	if format, ok := m["format"].(string); ok && kind == "string" {
		layout := map[string]string{"date": "2006-01-02", "date-time": time.RFC3339Nano}[format]
		if layout != "" {
			if _, err := time.Parse(layout, value.(string)); err != nil {
				problems = append(problems, fmt.Sprintf("%s: %q is not a %s", at, value, format))
			}
		}
	}
	switch v := value.(type) {
	case map[string]any:
		props := mapAt(m, "properties")
		for _, r := range asStrings(m["required"]) {
			if _, ok := v[r]; !ok {
				problems = append(problems, fmt.Sprintf("%s: required property %q is missing", at, r))
			}
		}
		extra, extraAllowed := m["additionalProperties"].(map[string]any)
		for _, k := range sortedKeys(v) {
			if p, ok := props[k]; ok {
				problems = append(problems, s.validate(p, v[k], at+"."+k)...)
			} else if extraAllowed {
				problems = append(problems, s.validate(extra, v[k], at+"."+k)...)
			} else if props != nil {
				problems = append(problems, fmt.Sprintf("%s: property %q is not documented", at, k))
			}
		}
	case []any:
		if items, ok := m["items"]; ok {
			for i, x := range v {
				problems = append(problems, s.validate(items, x, fmt.Sprintf("%s[%d]", at, i))...)
			}
		}
	}
	return problems
}

func jsonType(v any) string {
	switch v := v.(type) {
	case nil:
		return "null"
	case bool:
		return "boolean"
	case float64:
		if v == math.Trunc(v) {
			return "integer"
		}
		return "number"
	case int:
		return "integer"
	case string:
		return "string"
	case []any:
		return "array"
	case map[string]any:
		return "object"
	}
	return fmt.Sprintf("%T", v)
}

func asStrings(v any) []string {
	var out []string
	list, _ := v.([]any)
	for _, x := range list {
		out = append(out, fmt.Sprint(x))
	}
	return out
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// checkResponse checks an answer against the document: the status is documented for the
// operation, with that media type, and the body matches the schema.
func (s *spec) checkResponse(t testing.TB, method, path string, status int, contentType string, body []byte) {
	t.Helper()
	template, op := s.operation(method, path)
	if op == nil {
		// Unknown path or method: the answer is a problem all the same.
		if contentType != "application/problem+json" {
			t.Errorf("%s %s (no documented operation) answered %d with %q, want a problem", method, path, status, contentType)
			return
		}
		s.checkBody(t, method+" "+path, map[string]any{"$ref": "#/components/schemas/Problem"}, body)
		return
	}
	resp, ok := mapAt(op, "responses")[fmt.Sprint(status)]
	if !ok {
		t.Errorf("%s %s answered %d, which the document does not list for %s", method, path, status, template)
		return
	}
	r, err := s.deref(resp)
	if err != nil {
		t.Errorf("%s %s: %v", method, path, err)
		return
	}
	if len(mapAt(r, "content")) == 0 && len(body) == 0 {
		return // a documented answer without a body (204)
	}
	media, ok := mapAt(r, "content")[contentType].(map[string]any)
	if !ok {
		t.Errorf("%s %s answered %d as %q, which the document does not list", method, path, status, contentType)
		return
	}
	if contentType != "application/json" && contentType != "application/problem+json" {
		return // a file (this document, an evidence file): its bytes are not JSON
	}
	s.checkBody(t, method+" "+path, media["schema"], body)
}

// checkRequest checks a request body that the API accepted against the documented schema.
func (s *spec) checkRequest(t testing.TB, method, path string, body []byte) {
	t.Helper()
	_, op := s.operation(method, path)
	schema := mapAt(op, "requestBody", "content", "application/json")["schema"]
	if schema == nil {
		t.Errorf("%s %s accepted a body but the document lists none", method, path)
		return
	}
	s.checkBody(t, "request "+method+" "+path, schema, body)
}

func (s *spec) checkBody(t testing.TB, what string, schema any, body []byte) {
	t.Helper()
	var v any
	if err := json.Unmarshal(body, &v); err != nil {
		t.Errorf("%s: body is not JSON: %v", what, err)
		return
	}
	for _, p := range s.validate(schema, v, "$") {
		t.Errorf("%s: %s", what, p)
	}
}
