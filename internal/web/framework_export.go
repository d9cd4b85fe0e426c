package web

import (
	"fmt"
	"net/http"
	"strconv"

	"cqp/internal/domain"
	"cqp/internal/frameworkfile"
)

// frameworkExport downloads the latest version of one qualification's framework as a
// framework file that « cqp framework import » and the import page read back.
func (s *Server) frameworkExport(w http.ResponseWriter, r *http.Request) error {
	rec, branch, err := s.svc.QualificationFramework(r.Context(), actorFrom(r.Context()), r.PathValue("code"))
	if err != nil {
		return err
	}
	data, err := frameworkfile.Encode(frameworkfile.FromFrameworks(branch, []domain.Framework{rec.Framework}))
	if err != nil {
		return fmt.Errorf("export framework %s v%d: %w", rec.Framework.Qualification.Code, rec.Version, err)
	}
	// Qualification codes are restricted by the file format to letters, digits, '.', '_'
	// and '-', so the name needs no quoting beyond the quotes themselves.
	name := "referentiel-" + rec.Framework.Qualification.Code + "-v" + strconv.Itoa(rec.Version) + ".yaml"
	w.Header().Set("Content-Type", "application/yaml; charset=utf-8")
	w.Header().Set("Content-Disposition", `attachment; filename="`+name+`"`)
	w.Header().Set("Cache-Control", "no-store")
	_, err = w.Write(data)
	if err != nil {
		s.log.Warn("framework export interrupted", "error", err, "request_id", requestID(r.Context()))
	}
	return nil
}
