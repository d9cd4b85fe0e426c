package store

import (
	"context"
	"database/sql"
	"errors"
	"net"
	"strings"

	"github.com/jackc/pgx/v5/pgconn"
	"modernc.org/sqlite"

	"cqp/internal/domain"
)

// normalize turns driver errors into domain errors: a unique violation is a conflict, a busy
// or unreachable database is "unavailable" (retry), a missing row is "not found". Errors that
// are already domain errors pass through.
func normalize(err error) error {
	if err == nil {
		return nil
	}
	var de *domain.Error
	if errors.As(err, &de) {
		return err
	}
	if errors.Is(err, sql.ErrNoRows) {
		return &domain.Error{Code: domain.ENOTFOUND, Message: "Élément introuvable.", Err: err}
	}
	if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return err
	}
	var se *sqlite.Error
	if errors.As(err, &se) {
		switch se.Code() & 0xff {
		case 5, 6: // SQLITE_BUSY, SQLITE_LOCKED
			return unavailable(err)
		case 19: // SQLITE_CONSTRAINT
			if se.Code() == 2067 || se.Code() == 1555 { // UNIQUE, PRIMARYKEY
				return &domain.Error{Code: domain.ECONFLICT, Message: "Cet élément existe déjà.", Err: err}
			}
		}
		return err
	}
	var pe *pgconn.PgError
	if errors.As(err, &pe) {
		switch {
		case pe.Code == "23505":
			return &domain.Error{Code: domain.ECONFLICT, Message: "Cet élément existe déjà.", Err: err}
		case pe.Code == "40001" || pe.Code == "40P01" || pe.Code == "55P03" || strings.HasPrefix(pe.Code, "08") || pe.Code == "57P01":
			return unavailable(err)
		}
		return err
	}
	var ne net.Error
	if errors.As(err, &ne) || errors.Is(err, sql.ErrConnDone) || strings.Contains(err.Error(), "connection refused") {
		return unavailable(err)
	}
	return err
}

func unavailable(err error) error {
	return &domain.Error{Code: domain.EUNAVAILABLE, Message: "La base de données est momentanément indisponible. Réessayez dans quelques secondes.", Err: err}
}

// uniqueField tells, for a conflict, which constraint was hit, so that callers can name the
// field ("email", "siret").
func conflictOn(err error, column string) bool {
	return domain.ErrorCode(err) == domain.ECONFLICT && strings.Contains(strings.ToLower(errors.Unwrap(err).Error()), column)
}
