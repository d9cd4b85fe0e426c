// Package httpstatus maps domain error codes to HTTP statuses: the one table the web pages and
// the JSON API share.
package httpstatus

import (
	"context"
	"errors"
	"net/http"

	"cqp/internal/domain"
)

// Of returns the HTTP status of a domain error code; unknown codes are internal errors.
func Of(code string) int {
	switch code {
	case domain.EINVALID:
		return http.StatusUnprocessableEntity
	case domain.ENOTFOUND:
		return http.StatusNotFound
	case domain.ECONFLICT:
		return http.StatusConflict
	case domain.EFORBIDDEN:
		return http.StatusForbidden
	case domain.EUNAUTHORIZED:
		return http.StatusUnauthorized
	case domain.EUNAVAILABLE:
		return http.StatusServiceUnavailable
	case domain.ETOOMANY:
		return http.StatusTooManyRequests
	}
	return http.StatusInternalServerError
}

// ClientClosedRequest is the status recorded in the request log when the client went away
// before its answer (the one nginx uses): nobody reads what is written then, so nothing is.
const ClientClosedRequest = 499

// ClientGone reports whether a request failed because its client went away: its context was
// cancelled. That is no fault of the server: it is neither logged as an error nor answered 500.
func ClientGone(ctx context.Context, err error) bool {
	return errors.Is(err, context.Canceled) || errors.Is(ctx.Err(), context.Canceled)
}
