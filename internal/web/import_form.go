package web

import (
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"

	"cqp/internal/domain"
	"cqp/internal/service"
	"cqp/internal/store"
)

type importPage struct {
	Action   store.Action
	Columns  []service.ImportColumn
	Optional []string
	MaxRows  int
	MaxMB    int
	Form     *form
	FileName string
	Problems []service.ImportProblem
}

// importData loads what the import page shows around the form: the action, which must take
// candidates, and the columns of the file.
func (s *Server) importData(r *http.Request) (importPage, error) {
	ctx, a := r.Context(), actorFrom(r.Context())
	act, err := s.svc.ActionForEnrolment(ctx, a, r.PathValue("id"))
	if err != nil {
		return importPage{}, err
	}
	if act.Status == store.ActionRefused {
		return importPage{}, domain.Errorf(domain.ECONFLICT, "L'action « %s » a été refusée par le secrétariat : elle ne prend plus de candidat.", act.Title)
	}
	fw, err := s.svc.ActionFramework(ctx, a, act)
	if err != nil {
		return importPage{}, err
	}
	p := importPage{Action: act, Columns: service.ImportColumns, MaxRows: service.MaxImportRows, MaxMB: service.MaxImportSize >> 20, Form: emptyForm()}
	for _, b := range fw.Framework.BlocksOfKind(domain.BlockOptional) {
		p.Optional = append(p.Optional, b.Code)
	}
	return p, nil
}

func (s *Server) importForm(w http.ResponseWriter, r *http.Request) error {
	p, err := s.importData(r)
	if err != nil {
		return err
	}
	s.render(w, r, http.StatusOK, "import_form.html", "Importer des candidats", p)
	return nil
}

// importSubmit checks the whole uploaded list and enrols every candidate in one transaction: a
// file with any error lists every problem with its line, and nothing is recorded.
func (s *Server) importSubmit(w http.ResponseWriter, r *http.Request) error {
	r.Body = http.MaxBytesReader(w, r.Body, service.MaxImportSize+64<<10)
	parseErr := r.ParseMultipartForm(1 << 20)
	p, err := s.importData(r)
	if err != nil {
		return err
	}
	refuse := func(status int, msg string) error {
		p.Form.Error = msg
		s.render(w, r, status, "import_form.html", "Importer des candidats", p)
		return nil
	}
	if parseErr != nil {
		var tooBig *http.MaxBytesError
		if errors.As(parseErr, &tooBig) {
			return refuse(http.StatusRequestEntityTooLarge, fmt.Sprintf("Le fichier dépasse la taille maximale de %d Mo : une liste de candidats tient d'ordinaire en quelques dizaines de kilo-octets.", p.MaxMB))
		}
		p.Form.Errors["fichier"] = "Choisissez le fichier de la liste des candidats (CSV ou .xlsx)."
		return refuse(http.StatusUnprocessableEntity, "Aucun fichier n'a été reçu.")
	}
	defer func() { _ = r.MultipartForm.RemoveAll() }()
	file, header, err := r.FormFile("fichier")
	if err != nil {
		p.Form.Errors["fichier"] = "Choisissez le fichier de la liste des candidats (CSV ou .xlsx)."
		return refuse(http.StatusUnprocessableEntity, "Aucun fichier n'a été reçu.")
	}
	defer file.Close()
	p.FileName = header.Filename
	data, err := io.ReadAll(io.LimitReader(file, service.MaxImportSize+1))
	if err != nil {
		return refuse(http.StatusUnprocessableEntity, "Le fichier n'a pas pu être lu entièrement. Réessayez.")
	}
	res, err := s.svc.ImportCandidates(r.Context(), actorFrom(r.Context()), p.Action.ID, header.Filename, data)
	if err != nil {
		var ie *service.ImportError
		if errors.As(err, &ie) {
			p.Problems = ie.Problems
			status := http.StatusUnprocessableEntity
			if len(data) > service.MaxImportSize {
				status = http.StatusRequestEntityTooLarge
			}
			return refuse(status, "« "+header.Filename+" » : "+domain.ErrorMessage(err))
		}
		if code := domain.ErrorCode(err); code == domain.EINVALID || code == domain.ECONFLICT {
			return refuse(formStatus(err), domain.ErrorMessage(err)+" Aucun candidat n'a été inscrit.")
		}
		return err
	}
	n := len(res.Enrolled)
	msg := strconv.Itoa(n) + " candidats du fichier « " + header.Filename + " » sont inscrits dans l'action."
	if n == 1 {
		msg = "Le candidat du fichier « " + header.Filename + " » est inscrit dans l'action."
	}
	derogations := 0
	for _, e := range res.Enrolled {
		if e.Enrolment.Derogation.Reason != "" {
			derogations++
		}
	}
	if derogations > 0 {
		msg += " " + strconv.Itoa(derogations) + " par dérogation aux conditions d'éligibilité."
	}
	s.flash(r, msg)
	http.Redirect(w, r, "/actions/"+p.Action.ID+"#candidats", http.StatusSeeOther)
	return nil
}

func (s *Server) importTemplateCSV(w http.ResponseWriter, r *http.Request) error {
	if _, err := s.importData(r); err != nil {
		return err
	}
	w.Header().Set("Content-Type", "text/csv; charset=utf-8")
	w.Header().Set("Content-Disposition", `attachment; filename="modele-import-candidats.csv"`)
	_, err := w.Write(service.ImportTemplateCSV())
	return err
}

func (s *Server) importTemplateXLSX(w http.ResponseWriter, r *http.Request) error {
	p, err := s.importData(r)
	if err != nil {
		return err
	}
	data, err := service.ImportTemplateXLSX(p.Optional)
	if err != nil {
		return err
	}
	w.Header().Set("Content-Type", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
	w.Header().Set("Content-Disposition", `attachment; filename="modele-import-candidats.xlsx"`)
	_, err = w.Write(data)
	return err
}
