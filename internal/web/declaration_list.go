package web

import (
	"errors"
	"fmt"
	"net/http"

	"cqp/internal/service"
)

type declarationCount struct {
	Label string
	Count int
}

type declarationsPage struct {
	View   service.DeclarationsView
	Counts []declarationCount
	Limit  int
	Form   *form
}

const declarationsTitle = "Déclarations à la Caisse des Dépôts"

// declarationList shows the declarations page: counts per state, the awards to declare, those
// that cannot be (and why), the rejected, those to delete and the late ones, with the forms
// to build a batch and to apply a processing report.
func (s *Server) declarationList(w http.ResponseWriter, r *http.Request) error {
	return s.renderDeclarations(w, r, http.StatusOK, emptyForm())
}

func (s *Server) renderDeclarations(w http.ResponseWriter, r *http.Request, status int, f *form) error {
	v, err := s.svc.Declarations(r.Context(), actorFrom(r.Context()))
	if err != nil {
		return err
	}
	p := declarationsPage{View: v, Form: f, Limit: service.DeclarationsListLimit}
	for _, st := range service.DeclStatuses {
		p.Counts = append(p.Counts, declarationCount{Label: service.DeclStatusLabel(st), Count: v.Counts[st]})
	}
	s.render(w, r, status, "declarations.html", declarationsTitle, p)
	return nil
}

// declarationBatchBuild puts every declarable award to declare in a new batch (button « tout »),
// or the awards ticked.
func (s *Server) declarationBatchBuild(w http.ResponseWriter, r *http.Request) error {
	if err := parseForm(w, r); err != nil {
		return err
	}
	var selected []string
	if r.PostForm.Get("tout") == "" {
		selected = r.PostForm["certificat"]
		if len(selected) == 0 {
			f := emptyForm()
			f.Error = "Cochez au moins une délivrance à déclarer, ou déclarez-les toutes."
			return s.renderDeclarations(w, r, http.StatusUnprocessableEntity, f)
		}
	}
	rep, err := s.svc.BuildDeclarationBatch(r.Context(), actorFrom(r.Context()), selected)
	if err != nil {
		f := emptyForm()
		if !f.fail(err) {
			return err
		}
		return s.renderDeclarations(w, r, formStatus(err), f)
	}
	s.flash(r, fmt.Sprintf("Lot constitué : %d délivrance(s). Téléchargez son fichier dans la liste des lots et déposez-le auprès de la Caisse des Dépôts.", rep.Batch.Awards))
	http.Redirect(w, r, "/declarations", http.StatusSeeOther)
	return nil
}

// lazyDownload sets the download's headers with its first byte, so that an error found before
// anything is written is still shown as a page.
type lazyDownload struct {
	w       http.ResponseWriter
	name    string
	started bool
}

func (l *lazyDownload) Write(p []byte) (int, error) {
	if !l.started {
		l.started = true
		h := l.w.Header()
		h.Set("Content-Type", "application/xml; charset=utf-8")
		h.Set("Content-Disposition", `attachment; filename="`+l.name+`"`)
		h.Set("Cache-Control", "no-store")
	}
	return l.w.Write(p)
}

// declarationBatchFile downloads a batch's flow, streamed from the database.
func (s *Server) declarationBatchFile(w http.ResponseWriter, r *http.Request) error {
	id := r.PathValue("id")
	out := &lazyDownload{w: w, name: "accrochage-" + safeFileName(id) + ".xml"}
	err := s.svc.WriteDeclarationBatch(r.Context(), actorFrom(r.Context()), id, out)
	if err != nil && out.started {
		s.log.Warn("declaration flow interrupted", "error", err, "request_id", requestID(r.Context()))
		return nil
	}
	return err
}

// maxReportUpload bounds a processing report: a few hundred bytes per award.
const maxReportUpload = 64 << 20

// declarationReportApply applies an uploaded processing report, or shows why it was refused.
func (s *Server) declarationReportApply(w http.ResponseWriter, r *http.Request) error {
	refuse := func(status int, msg string) error {
		f := emptyForm()
		f.Errors["compte_rendu"] = msg
		f.Error = msg
		return s.renderDeclarations(w, r, status, f)
	}
	r.Body = http.MaxBytesReader(w, r.Body, maxReportUpload)
	if err := r.ParseMultipartForm(1 << 20); err != nil {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			return refuse(http.StatusRequestEntityTooLarge, fmt.Sprintf("Le compte rendu dépasse %d Mo : découpez-le.", maxReportUpload>>20))
		}
		return refuse(http.StatusUnprocessableEntity, "Choisissez le fichier du compte rendu (XML) à appliquer.")
	}
	defer func() { _ = r.MultipartForm.RemoveAll() }()
	file, _, err := r.FormFile("compte_rendu")
	if err != nil {
		return refuse(http.StatusUnprocessableEntity, "Aucun fichier n'a été reçu : choisissez le compte rendu (XML).")
	}
	defer file.Close()
	out, err := s.svc.ApplyDeclarationReport(r.Context(), actorFrom(r.Context()), file)
	if err != nil {
		f := emptyForm()
		if !f.fail(err) {
			return err
		}
		return s.renderDeclarations(w, r, formStatus(err), f)
	}
	s.flash(r, fmt.Sprintf("Compte rendu appliqué : %d déclaration(s) acceptée(s), %d rejetée(s).", out.Accepted, out.Rejected))
	http.Redirect(w, r, "/declarations", http.StatusSeeOther)
	return nil
}

// safeFileName keeps the letters, digits and dashes of an id for a file name.
func safeFileName(s string) string {
	b := []rune{}
	for _, r := range s {
		if r == '-' || (r >= '0' && r <= '9') || (r >= 'a' && r <= 'z') || (r >= 'A' && r <= 'Z') {
			b = append(b, r)
		}
	}
	return string(b)
}
