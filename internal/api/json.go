package api

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"net/url"
	"reflect"
	"slices"
	"strconv"
	"strings"

	"cqp/internal/domain"
)

// MaxBodyBytes is the largest request body the API reads (1 MiB).
const MaxBodyBytes = 1 << 20

// writeJSON writes v with the given status. v is encoded before anything is written, so that
// an encoding failure cannot leave half an answer.
func writeJSON(w http.ResponseWriter, status int, contentType string, v any) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		// Only a programming error gets here (the DTOs are plain data); answer without detail.
		status, contentType = http.StatusInternalServerError, "application/problem+json"
		buf.Reset()
		buf.WriteString(`{"type":"` + ProblemTypePrefix + `internal","title":"Erreur interne","status":500,"detail":"` + internalDetail + `"}` + "\n")
	}
	w.Header().Set("Content-Type", contentType)
	w.Header().Set("X-Content-Type-Options", "nosniff")
	w.WriteHeader(status)
	_, _ = w.Write(buf.Bytes())
}

// ok writes a 200 JSON answer.
func ok(w http.ResponseWriter, v any) error {
	writeJSON(w, http.StatusOK, "application/json", v)
	return nil
}

// created writes a 201 JSON answer with the new resource's address.
func created(w http.ResponseWriter, location string, v any) error {
	if location != "" {
		w.Header().Set("Location", location)
	}
	writeJSON(w, http.StatusCreated, "application/json", v)
	return nil
}

// decodeJSON reads the request body into dst: one JSON object of at most MaxBodyBytes, with
// no field dst does not know. Every failure is a French problem that says what to fix.
func decodeJSON(w http.ResponseWriter, r *http.Request, dst any) error {
	mt, _, err := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if err != nil || mt != "application/json" {
		return &requestError{Status: http.StatusUnsupportedMediaType,
			Detail: "Envoyez le corps de la requête en JSON, avec l'en-tête « Content-Type: application/json »."}
	}
	dec := json.NewDecoder(http.MaxBytesReader(w, r.Body, MaxBodyBytes))
	dec.DisallowUnknownFields()
	if err := dec.Decode(dst); err != nil {
		return decodeError(err)
	}
	var extra json.RawMessage
	switch err := dec.Decode(&extra); {
	case err == io.EOF:
		if field, msg := hiddenCharacter(reflect.ValueOf(dst), ""); msg != "" {
			return &requestError{Status: http.StatusUnprocessableEntity, Detail: invalidDetail, Fields: map[string]string{field: msg}}
		}
		return nil
	case err == nil:
		return &requestError{Status: http.StatusBadRequest,
			Detail: "Le corps de la requête contient plusieurs valeurs JSON : envoyez un seul objet."}
	default:
		return decodeError(err)
	}
}

func decodeError(err error) error {
	var maxErr *http.MaxBytesError
	var syntaxErr *json.SyntaxError
	var typeErr *json.UnmarshalTypeError
	switch {
	case errors.As(err, &maxErr):
		return &requestError{Status: http.StatusRequestEntityTooLarge,
			Detail: "Le corps de la requête dépasse la taille maximale de 1 Mio : envoyez moins de données à la fois."}
	case errors.Is(err, io.EOF):
		return &requestError{Status: http.StatusBadRequest, Detail: "Le corps de la requête est vide : envoyez un objet JSON."}
	case errors.Is(err, io.ErrUnexpectedEOF):
		return &requestError{Status: http.StatusBadRequest, Detail: "Le corps de la requête est un JSON incomplet : vérifiez qu'il est entier."}
	case errors.As(err, &syntaxErr):
		return &requestError{Status: http.StatusBadRequest,
			Detail: "Le corps de la requête n'est pas du JSON valide (erreur vers l'octet " + strconv.FormatInt(syntaxErr.Offset, 10) + ")."}
	case errors.As(err, &typeErr):
		if typeErr.Field == "" {
			return &requestError{Status: http.StatusBadRequest, Detail: "Le corps de la requête doit être un objet JSON."}
		}
		msg := "Ce champ doit être " + jsonKind(typeErr.Type) + "."
		return &requestError{Status: http.StatusUnprocessableEntity, Detail: invalidDetail,
			Fields: map[string]string{typeErr.Field: msg}}
	}
	// encoding/json reports an unknown field only in its message: `json: unknown field "x"`.
	if name, found := strings.CutPrefix(err.Error(), `json: unknown field "`); found {
		name = strings.TrimSuffix(name, `"`)
		return &requestError{Status: http.StatusUnprocessableEntity, Detail: invalidDetail,
			Fields: map[string]string{name: "Champ inconnu : vérifiez son nom dans la documentation de l'API (" + Prefix + "/openapi.yaml)."}}
	}
	return &requestError{Status: http.StatusBadRequest, Detail: "Le corps de la requête n'a pas pu être lu comme un objet JSON."}
}

// invalidDetail is the detail of a problem whose errors map says which fields are wrong.
const invalidDetail = "La requête contient des erreurs : corrigez les champs signalés."

func jsonKind(t reflect.Type) string {
	switch t.Kind() {
	case reflect.String:
		return "une chaîne de caractères"
	case reflect.Bool:
		return "un booléen (true ou false)"
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return "un nombre entier"
	case reflect.Float32, reflect.Float64:
		return "un nombre"
	case reflect.Slice, reflect.Array:
		return "une liste"
	case reflect.Pointer:
		return jsonKind(t.Elem())
	}
	return "un objet"
}

// query reads a request's query parameters, refusing those the route does not know (a typo
// must not silently widen a list) and collecting French messages per parameter.
type query struct {
	values url.Values
	fe     domain.FieldErrors
}

func newQuery(r *http.Request, known ...string) *query {
	q := &query{values: r.URL.Query(), fe: domain.FieldErrors{}}
	for name := range q.values {
		if !slices.Contains(known, name) {
			q.fe.Add(name, "Paramètre inconnu. Paramètres acceptés : "+strings.Join(known, ", ")+".")
		}
	}
	return q
}

func (q *query) str(name string) string { return strings.TrimSpace(q.values.Get(name)) }

// intIn reads an optional integer between min and max, def when absent.
func (q *query) intIn(name string, def, min, max int) int {
	s := q.str(name)
	if s == "" {
		return def
	}
	n, err := strconv.Atoi(s)
	if err != nil || n < min || n > max {
		q.fe.Add(name, "Indiquez un nombre entier entre "+strconv.Itoa(min)+" et "+strconv.Itoa(max)+".")
		return def
	}
	return n
}

// err returns the collected problems as one "invalid" error, or nil.
func (q *query) err() error {
	if len(q.fe) == 0 {
		return nil
	}
	return &requestError{Status: http.StatusUnprocessableEntity, Detail: "Les paramètres de la requête contiennent des erreurs : corrigez ceux qui sont signalés.", Fields: q.fe}
}

// hiddenCharacter walks a decoded body and returns the first text field, by its JSON path,
// that holds a control character (line breaks and tabs aside: free texts keep them) or a
// bidirectional override, with the French message saying so. One-line texts (names) refuse
// line breaks too, in the service. Passwords are left as they are.
func hiddenCharacter(v reflect.Value, path string) (field, msg string) {
	switch v.Kind() {
	case reflect.Pointer, reflect.Interface:
		if v.IsNil() {
			return "", ""
		}
		return hiddenCharacter(v.Elem(), path)
	case reflect.String:
		return path, domain.TextProblem(v.String(), true)
	case reflect.Slice, reflect.Array:
		for i := 0; i < v.Len(); i++ {
			if field, msg := hiddenCharacter(v.Index(i), path+"["+strconv.Itoa(i)+"]"); msg != "" {
				return field, msg
			}
		}
	case reflect.Map:
		iter := v.MapRange()
		for iter.Next() {
			key := fmt.Sprint(iter.Key().Interface())
			if msg := domain.TextProblem(key, false); msg != "" {
				return joinPath(path, key), msg
			}
			if field, msg := hiddenCharacter(iter.Value(), joinPath(path, key)); msg != "" {
				return field, msg
			}
		}
	case reflect.Struct:
		t := v.Type()
		for i := 0; i < t.NumField(); i++ {
			f := t.Field(i)
			name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
			if f.Anonymous && name == "" && f.Type.Kind() == reflect.Struct {
				// An embedded struct's fields are the body's own, as encoding/json reads them.
				if field, msg := hiddenCharacter(v.Field(i), path); msg != "" {
					return field, msg
				}
				continue
			}
			if !f.IsExported() || name == "-" || strings.Contains(name, "password") {
				continue
			}
			if name == "" {
				name = f.Name
			}
			if field, msg := hiddenCharacter(v.Field(i), joinPath(path, name)); msg != "" {
				return field, msg
			}
		}
	}
	return "", ""
}

// joinPath names a field inside another: "enrolment.blocks".
func joinPath(path, name string) string {
	if path == "" {
		return name
	}
	return path + "." + name
}
