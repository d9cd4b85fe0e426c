package web

import (
	"mime"
	"net/http"
	"strconv"
	"strings"

	"cqp/internal/domain"
	"cqp/internal/service"
)

// The forms of a VAE file's overview: the secretariat sends the admissibility file, asks a
// training organisation for its opinion, decides, revokes its latest decision and names the
// adviser; the adviser comments on the experience file. A refused form shows the overview again
// with what was typed.

// vaeNoAdviser is the adviser choice that removes the adviser: an empty choice is refused, so
// that a form sent without a choice never removes one by mistake.
const vaeNoAdviser = "aucun"

func (s *Server) vaeSendSubmit(w http.ResponseWriter, r *http.Request) error {
	if err := parseForm(w, r); err != nil {
		return err
	}
	f := newForm(r)
	sent, err := s.svc.SendAdmissibilityFile(r.Context(), actorFrom(r.Context()), r.PathValue("id"))
	if err != nil {
		return s.vaeFormFailed(w, r, err, f, nil, vaeShowPage{Send: f})
	}
	msg := "Le dossier de recevabilité est à envoyer par courrier (pas d'adresse e-mail) : imprimez le dossier vierge et postez-le. Il est marqué envoyé."
	if sent.ByMail {
		msg = "Le dossier de recevabilité est envoyé par courriel à " + sent.Email + "."
		if sent.NewAccount {
			msg += " Un compte a été créé pour le candidat : le courriel contient le lien pour choisir son mot de passe."
		}
	}
	s.flash(r, msg)
	http.Redirect(w, r, "/vae/"+r.PathValue("id"), http.StatusSeeOther)
	return nil
}

func (s *Server) vaeReviewRequestSubmit(w http.ResponseWriter, r *http.Request) error {
	if err := parseForm(w, r); err != nil {
		return err
	}
	f := newForm(r)
	if err := s.svc.RequestVAEReview(r.Context(), actorFrom(r.Context()), r.PathValue("id"), r.PostForm.Get("training_organisation")); err != nil {
		return s.vaeFormFailed(w, r, err, f, nil, vaeShowPage{AskReview: f})
	}
	s.flash(r, "L'avis de l'organisme est demandé : ses comptes en sont informés par courriel.")
	http.Redirect(w, r, "/vae/"+r.PathValue("id")+"#avis", http.StatusSeeOther)
	return nil
}

func (s *Server) vaeDecisionSubmit(w http.ResponseWriter, r *http.Request) error {
	if err := parseForm(w, r); err != nil {
		return err
	}
	f := newForm(r)
	v := r.PostForm
	in := service.DecisionInput{Decision: domain.VAEDecisionKind(v.Get("decision")), Reason: v.Get("reason"),
		ValidUntil: v.Get("valid_until"), RedirectRoute: domain.Route(v.Get("redirect_route")),
		TrainingOrganisationID: v.Get("training_organisation")}
	d, err := s.svc.DecideVAE(r.Context(), actorFrom(r.Context()), r.PathValue("id"), in)
	if err != nil {
		if !f.fail(err) {
			return err
		}
		// The decision's organisation select has its own id: the review request's select,
		// on the same page, holds the name training_organisation.
		if m, ok := f.Errors["training_organisation"]; ok {
			delete(f.Errors, "training_organisation")
			f.Errors["redirect_organisation"] = m
		}
		return s.renderVAE(w, r, formStatus(err), vaeShowPage{Decide: f})
	}
	msg := "La décision « " + strings.ToLower(d.Decision.Label()) + " » est enregistrée ; la lettre de décision est produite."
	switch d.Decision {
	case domain.DecisionAdmissible:
		msg += " Le dossier d'expérience est ouvert jusqu'au " + d.ValidUntil.String() + "."
	case domain.DecisionRedirected:
		msg += " L'inscription sur la voie « " + d.RedirectRoute.Label() + " » est créée."
	}
	s.flash(r, msg)
	http.Redirect(w, r, "/vae/"+r.PathValue("id")+"#decisions", http.StatusSeeOther)
	return nil
}

func (s *Server) vaeRevokeSubmit(w http.ResponseWriter, r *http.Request) error {
	if err := parseForm(w, r); err != nil {
		return err
	}
	f := newForm(r)
	err := s.svc.RevokeVAEDecision(r.Context(), actorFrom(r.Context()), r.PathValue("id"), r.PathValue("decision"), r.PostForm.Get("revoke_reason"))
	if err != nil {
		return s.vaeFormFailed(w, r, err, f, nil, vaeShowPage{Revoke: f})
	}
	s.flash(r, "La décision est révoquée : le dossier attend une nouvelle décision. Le candidat en est informé.")
	http.Redirect(w, r, "/vae/"+r.PathValue("id")+"#decisions", http.StatusSeeOther)
	return nil
}

// vaeDecisionLetter sends the letter of one of the file's decisions.
func (s *Server) vaeDecisionLetter(w http.ResponseWriter, r *http.Request) error {
	letter, err := s.svc.VAEDecisionLetter(r.Context(), actorFrom(r.Context()), r.PathValue("id"), r.PathValue("decision"))
	if err != nil {
		return err
	}
	w.Header().Set("Content-Type", "application/pdf")
	w.Header().Set("Content-Disposition", mime.FormatMediaType("attachment", map[string]string{"filename": "decision-recevabilite-vae.pdf"}))
	w.Header().Set("Content-Length", strconv.Itoa(len(letter)))
	w.Header().Set("Cache-Control", "private, no-store")
	_, _ = w.Write(letter)
	return nil
}

func (s *Server) vaeAdviserSubmit(w http.ResponseWriter, r *http.Request) error {
	if err := parseForm(w, r); err != nil {
		return err
	}
	f := newForm(r)
	choice := strings.TrimSpace(r.PostForm.Get("adviser"))
	if choice == "" {
		err := domain.FieldErrors{"adviser": "Choisissez l'accompagnateur dans la liste, ou « Aucun accompagnateur » pour retirer celui qui est désigné."}.Err()
		return s.vaeFormFailed(w, r, err, f, nil, vaeShowPage{Adviser: f})
	}
	if choice == vaeNoAdviser {
		choice = ""
	}
	if err := s.svc.AssignAdviser(r.Context(), actorFrom(r.Context()), r.PathValue("id"), choice); err != nil {
		return s.vaeFormFailed(w, r, err, f, nil, vaeShowPage{Adviser: f})
	}
	if choice == "" {
		s.flash(r, "Le dossier n'a plus d'accompagnateur.")
	} else {
		s.flash(r, "L'accompagnateur est désigné ; il en est informé par courriel.")
	}
	http.Redirect(w, r, "/vae/"+r.PathValue("id"), http.StatusSeeOther)
	return nil
}

func (s *Server) vaeCommentSubmit(w http.ResponseWriter, r *http.Request) error {
	if err := parseForm(w, r); err != nil {
		return err
	}
	f := newForm(r)
	err := s.svc.AddAdviserComment(r.Context(), actorFrom(r.Context()), r.PathValue("id"), r.PostForm.Get("block"), r.PostForm.Get("comment"))
	if err != nil {
		return s.vaeFormFailed(w, r, err, f, nil, vaeShowPage{Comment: f})
	}
	s.flash(r, "Le commentaire est enregistré ; le candidat en est informé par courriel.")
	http.Redirect(w, r, "/vae/"+r.PathValue("id")+"#commentaires", http.StatusSeeOther)
	return nil
}

// vaeExtendSubmit moves the end of an admissible request's validity, with the reason.
func (s *Server) vaeExtendSubmit(w http.ResponseWriter, r *http.Request) error {
	if err := parseForm(w, r); err != nil {
		return err
	}
	f := newForm(r)
	err := s.svc.ExtendVAEValidity(r.Context(), actorFrom(r.Context()), r.PathValue("id"), r.PostForm.Get("extend_until"), r.PostForm.Get("extend_reason"))
	if err != nil {
		return s.vaeFormFailed(w, r, err, f, nil, vaeShowPage{Extend: f})
	}
	s.flash(r, "La validité de la recevabilité est prolongée ; le candidat en est informé par courriel.")
	http.Redirect(w, r, "/vae/"+r.PathValue("id"), http.StatusSeeOther)
	return nil
}
