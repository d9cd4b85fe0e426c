package domain

import (
	"errors"
	"fmt"
)

// Error codes, mapped to HTTP statuses in one place (internal/web and internal/api).
const (
	EINVALID      = "invalid"      // the input is wrong; Fields says where
	ENOTFOUND     = "not_found"    // absent, or outside the caller's scope
	ECONFLICT     = "conflict"     // duplicate, or a state that forbids the change
	EFORBIDDEN    = "forbidden"    // the caller's role may not do this
	EUNAUTHORIZED = "unauthorized" // not logged in
	EUNAVAILABLE  = "unavailable"  // the database is busy or unreachable: retry later
	ETOOMANY      = "too_many"     // throttled
	EINTERNAL     = "internal"
)

// Error is an error whose Message is safe to show a person (in French). Fields maps a form
// field or input location to its own French message.
type Error struct {
	Code    string
	Message string
	Fields  map[string]string
	Err     error // the underlying cause, for logs only
}

func (e *Error) Error() string {
	if e.Err != nil {
		return fmt.Sprintf("%s: %s: %v", e.Code, e.Message, e.Err)
	}
	return e.Code + ": " + e.Message
}

func (e *Error) Unwrap() error { return e.Err }

// Errorf returns an Error with a formatted French message.
func Errorf(code, format string, args ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...)}
}

// ErrorCode returns the code of err, EINTERNAL for errors that are not an *Error.
func ErrorCode(err error) string {
	var e *Error
	if errors.As(err, &e) {
		return e.Code
	}
	if err == nil {
		return ""
	}
	return EINTERNAL
}

// ErrorMessage returns the French message of err, or a generic one that reveals nothing.
func ErrorMessage(err error) string {
	var e *Error
	if errors.As(err, &e) && e.Code != EINTERNAL {
		return e.Message
	}
	return "Une erreur interne est survenue. Elle a été enregistrée ; réessayez dans un instant."
}

// FieldErrors collects field-level messages while validating a form or a record.
type FieldErrors map[string]string

// Add records msg for field unless the field already has a message.
func (f FieldErrors) Add(field, msg string) {
	if _, ok := f[field]; !ok {
		f[field] = msg
	}
}

// Err returns an EINVALID *Error carrying the fields, or nil when there are none.
func (f FieldErrors) Err() error {
	if len(f) == 0 {
		return nil
	}
	return &Error{Code: EINVALID, Message: "Le formulaire contient des erreurs : corrigez les champs signalés.", Fields: f}
}
