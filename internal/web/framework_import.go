package web

import (
	"errors"
	"fmt"
	"io"
	"net/http"

	"cqp/internal/domain"
	"cqp/internal/frameworkfile"
	"cqp/internal/service"
)

type frameworkImportPage struct {
	Form     *form
	FileName string
	Problems []frameworkfile.Problem         // why the file was refused, in line order
	Results  []service.FrameworkImportResult // what a successful import did
}

const maxFrameworkUpload = frameworkfile.MaxFileSize + 64<<10 // the file and the form around it

func (s *Server) frameworkImportForm(w http.ResponseWriter, r *http.Request) error {
	s.render(w, r, http.StatusOK, "framework_import.html", "Importer un référentiel", frameworkImportPage{Form: emptyForm()})
	return nil
}

// frameworkImportSubmit validates the whole uploaded file and imports it in one transaction:
// an invalid file lists every problem with its line and nothing is written.
func (s *Server) frameworkImportSubmit(w http.ResponseWriter, r *http.Request) error {
	p := frameworkImportPage{Form: emptyForm()}
	refuse := func(status int, msg string) error {
		p.Form.Error = msg
		s.render(w, r, status, "framework_import.html", "Importer un référentiel", p)
		return nil
	}
	r.Body = http.MaxBytesReader(w, r.Body, maxFrameworkUpload)
	if err := r.ParseMultipartForm(1 << 20); err != nil {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			return refuse(http.StatusRequestEntityTooLarge, fmt.Sprintf("Le fichier dépasse la taille maximale de %d Mo : un référentiel fait d'ordinaire quelques kilo-octets. Vérifiez que vous envoyez le bon fichier.", frameworkfile.MaxFileSize>>20))
		}
		return refuse(http.StatusUnprocessableEntity, "Choisissez le fichier de référentiel (YAML) à importer.")
	}
	defer func() { _ = r.MultipartForm.RemoveAll() }()
	file, header, err := r.FormFile("fichier")
	if err != nil {
		p.Form.Errors["fichier"] = "Choisissez le fichier de référentiel (YAML) à importer."
		return refuse(http.StatusUnprocessableEntity, "Aucun fichier n'a été reçu.")
	}
	defer file.Close()
	p.FileName = header.Filename
	data, err := io.ReadAll(io.LimitReader(file, frameworkfile.MaxFileSize+1))
	if err != nil {
		return refuse(http.StatusUnprocessableEntity, "Le fichier n'a pas pu être lu entièrement. Réessayez.")
	}
	if len(data) > frameworkfile.MaxFileSize {
		return refuse(http.StatusRequestEntityTooLarge, fmt.Sprintf("Le fichier dépasse la taille maximale de %d Mo.", frameworkfile.MaxFileSize>>20))
	}
	parsed, err := frameworkfile.Parse(header.Filename, data)
	if err != nil {
		var ve *frameworkfile.ValidationError
		if !errors.As(err, &ve) {
			return err
		}
		p.Problems = ve.Problems
		n := len(ve.Problems)
		msg := fmt.Sprintf("Le fichier « %s » n'a pas été importé : il contient %d erreurs. Rien n'a été enregistré ; corrigez-les puis envoyez-le de nouveau.", header.Filename, n)
		if n == 1 {
			msg = fmt.Sprintf("Le fichier « %s » n'a pas été importé : il contient 1 erreur. Rien n'a été enregistré ; corrigez-la puis envoyez-le de nouveau.", header.Filename)
		}
		return refuse(http.StatusUnprocessableEntity, msg)
	}
	a := actorFrom(r.Context())
	results, err := s.svc.ImportFrameworks(r.Context(), a, parsed.Branch, frameworkfile.WithNotes(parsed))
	if err != nil {
		code := domain.ErrorCode(err)
		if code != domain.EINVALID && code != domain.ECONFLICT {
			return err
		}
		return refuse(formStatus(err), domain.ErrorMessage(err)+" Rien n'a été enregistré.")
	}
	p.Results = results
	s.render(w, r, http.StatusOK, "framework_import.html", "Référentiel importé", p)
	return nil
}
