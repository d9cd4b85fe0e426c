// Package httpstatus maps domain error codes to HTTP statuses: the one table the web pages and
// the JSON API share.
package httpstatus

import (
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
