package web

import (
	"errors"
	"io"
	"net/http"

	"cqp/internal/download"
	"cqp/internal/service"
)

// Evidence files of the experience file: uploaded whole or not at all, their type read from
// their content by the service, and served back as attachments that a browser never runs.

// evidenceFormOverhead is what a multipart upload carries besides the file: boundaries, part
// headers, the title and the block.
const evidenceFormOverhead = 64 << 10

// vaeEvidenceAdd receives one evidence file. The body is limited to the largest file accepted
// plus the form's overhead; it is read whole before anything is stored, so an upload cut off
// midway stores nothing. The parts are read in turn (a title and a block of a few bytes, the
// file into memory) rather than through ParseMultipartForm, so that no part goes to a
// temporary file and the name of a file too large is known for the message.
func (s *Server) vaeEvidenceAdd(w http.ResponseWriter, r *http.Request) error {
	limit := s.svc.VAESettings().MaxEvidenceBytes
	r.Body = http.MaxBytesReader(w, r.Body, limit+evidenceFormOverhead)
	up, readErr := readEvidenceUpload(r)
	f := emptyForm()
	f.Values.Set("title", up.Title)
	f.Values.Set("block", up.BlockCode)
	if readErr != nil {
		var tooBig *http.MaxBytesError
		if errors.As(readErr, &tooBig) {
			name := up.Filename
			if name == "" {
				name = "le fichier"
			}
			f.Error = s.svc.EvidenceTooLarge(name)
			f.Errors["file"] = f.Error
			return s.renderExperience(w, r, http.StatusRequestEntityTooLarge, experienceForms{Upload: f})
		}
		f.Error = "Le fichier n'a pas été reçu en entier : la connexion a peut-être été coupée. Aucune pièce n'a été ajoutée ; recommencez."
		f.Errors["file"] = "Choisissez de nouveau le fichier à joindre."
		return s.renderExperience(w, r, http.StatusBadRequest, experienceForms{Upload: f})
	}
	ev, err := s.svc.AddEvidence(r.Context(), actorFrom(r.Context()), r.PathValue("id"), up)
	if err != nil {
		if !f.fail(err) {
			return err
		}
		status := formStatus(err)
		if int64(len(up.Content)) > limit {
			status = http.StatusRequestEntityTooLarge
		}
		return s.renderExperience(w, r, status, experienceForms{Upload: f})
	}
	anchor := "pieces"
	if ev.BlockCode != "" {
		anchor = "bloc-" + ev.BlockCode
	}
	s.experienceBack(w, r, "La pièce « "+ev.Filename+" » est ajoutée au dossier.", anchor)
	return nil
}

// readEvidenceUpload reads the upload's parts: "file", "title" and "block". A body that is not
// a multipart form gives an empty upload, which the service refuses with its message.
func readEvidenceUpload(r *http.Request) (service.EvidenceUpload, error) {
	var up service.EvidenceUpload
	mr, err := r.MultipartReader()
	if err != nil {
		return up, nil
	}
	for {
		part, err := mr.NextPart()
		if err == io.EOF {
			return up, nil
		}
		if err != nil {
			return up, err
		}
		switch part.FormName() {
		case "file":
			up.Filename = part.FileName()
			if up.Content, err = io.ReadAll(part); err != nil {
				return up, err
			}
		case "title", "block":
			// The service refuses a title above 300 characters; a few more bytes show it.
			b, err := io.ReadAll(io.LimitReader(part, 4<<10))
			if err != nil {
				return up, err
			}
			if part.FormName() == "title" {
				up.Title = string(b)
			} else {
				up.BlockCode = string(b)
			}
		}
		_ = part.Close()
	}
}

// vaeEvidenceRemove removes an evidence file added in the current round.
func (s *Server) vaeEvidenceRemove(w http.ResponseWriter, r *http.Request) error {
	if err := parseForm(w, r); err != nil {
		return err
	}
	f := newForm(r)
	id := r.PathValue("evidence")
	if err := s.svc.RemoveEvidence(r.Context(), actorFrom(r.Context()), r.PathValue("id"), id); err != nil {
		return s.experienceRefused(w, r, err, f, func(fs *experienceForms) { fs.Remove, fs.RemoveID = f, id })
	}
	s.experienceBack(w, r, "La pièce est retirée du dossier.", "pieces")
	return nil
}

// vaeEvidenceDownload serves one evidence file as an attachment, with the type read from its
// content at upload, and headers that keep a browser from sniffing, running or caching it.
func (s *Server) vaeEvidenceDownload(w http.ResponseWriter, r *http.Request) error {
	ctx, a, id := r.Context(), actorFrom(r.Context()), r.PathValue("id")
	if _, ok, err := s.vaePartView(w, r, vaeExperiencePart); !ok {
		return err
	}
	ev, content, err := s.svc.EvidenceFile(ctx, a, id, r.PathValue("evidence"))
	if err != nil {
		return err
	}
	return download.Write(w, r, ev.Filename, ev.ContentType, content)
}
