package web

import (
	"fmt"
	"net/http"
	"strings"

	"cqp/internal/domain"
	"cqp/internal/service"
	"cqp/internal/store"
)

// certificateSessions lists the closed jury sessions with what was issued for each.
func (s *Server) certificateSessions(w http.ResponseWriter, r *http.Request) error {
	sessions, err := s.svc.IssuingSessions(r.Context(), actorFrom(r.Context()))
	if err != nil {
		return err
	}
	s.render(w, r, http.StatusOK, "certificate_sessions.html", "Délivrance des certificats et attestations", sessions)
	return nil
}

type certificateSessionPage struct {
	service.SessionDocuments
	Error string // why the last issuing was refused
	// Unconfirmed is set when the issuing was asked without ticking the confirmation.
	Unconfirmed bool
}

// IssueSummary says what issuing makes final: the documents, how they are signed and where.
func (p certificateSessionPage) IssueSummary() []string {
	certificates, attestations := 0, 0
	for _, r := range p.Rows {
		switch {
		case r.Owed() == 0:
		case r.Planned == store.KindCertificate:
			certificates++
		default:
			attestations += r.Owed()
		}
	}
	var out []string
	if certificates > 0 {
		out = append(out, service.Plural(certificates, "certificat de qualification professionnelle", "certificats de qualification professionnelle")+".")
	}
	if attestations > 0 {
		out = append(out, service.Plural(attestations, "attestation de bloc de compétences", "attestations de bloc de compétences")+".")
	}
	var names []string
	for _, sig := range p.Signatories {
		names = append(names, sig.Name+" ("+sig.Role+")")
	}
	if len(names) > 0 {
		out = append(out, "Signés de "+strings.Join(names, ", ")+", fait à "+p.Place+", le "+p.AwardedOn.String()+".")
	}
	return append(out, "Leurs numéros et leurs codes de vérification sont définitifs : un document délivré ne se corrige plus, il se révoque.")
}

// certificateSessionShow is a closed session's issuing page.
func (s *Server) certificateSessionShow(w http.ResponseWriter, r *http.Request) error {
	return s.renderCertificateSession(w, r, http.StatusOK, "")
}

func (s *Server) renderCertificateSession(w http.ResponseWriter, r *http.Request, status int, msg string) error {
	d, err := s.svc.SessionDocuments(r.Context(), actorFrom(r.Context()), r.PathValue("session"))
	if err != nil {
		return err
	}
	for _, f := range d.ToConfirm {
		if msg == f.Problem() { // the page lists the items below: say it once
			msg = "Délivrance refusée : des éléments du référentiel restent à confirmer ; ils sont listés ci-dessous."
		}
	}
	s.render(w, r, status, "certificate_session.html", "Délivrance — jury du "+d.AwardedOn.String(),
		certificateSessionPage{SessionDocuments: d, Error: msg})
	return nil
}

// renderCertificateSessionUnconfirmed shows the issuing page again when the confirmation box
// was not ticked: nothing is issued.
func (s *Server) renderCertificateSessionUnconfirmed(w http.ResponseWriter, r *http.Request) error {
	d, err := s.svc.SessionDocuments(r.Context(), actorFrom(r.Context()), r.PathValue("session"))
	if err != nil {
		return err
	}
	s.render(w, r, http.StatusUnprocessableEntity, "certificate_session.html", "Délivrance — jury du "+d.AwardedOn.String(),
		certificateSessionPage{SessionDocuments: d, Error: "Cochez la case pour confirmer la délivrance : rien n'a été délivré.", Unconfirmed: true})
	return nil
}

// certificateSessionIssue issues a session's documents and mails them.
func (s *Server) certificateSessionIssue(w http.ResponseWriter, r *http.Request) error {
	id := r.PathValue("session")
	if err := parseForm(w, r); err != nil {
		return err
	}
	if r.PostForm.Get("confirm") == "" {
		return s.renderCertificateSessionUnconfirmed(w, r)
	}
	rep, err := s.svc.IssueSessionDocuments(r.Context(), actorFrom(r.Context()), id)
	if err != nil {
		if code := domain.ErrorCode(err); code != domain.ECONFLICT && code != domain.EINVALID {
			return err
		}
		return s.renderCertificateSession(w, r, statusOf(domain.ErrorCode(err)), domain.ErrorMessage(err))
	}
	var b strings.Builder
	fmt.Fprintf(&b, "%s délivré%s", service.Plural(rep.Certificates+rep.Attestations, "document", "documents"), issuedPlural(rep.Certificates+rep.Attestations))
	fmt.Fprintf(&b, " (%s, %s).", service.Plural(rep.Certificates, "certificat", "certificats"), service.Plural(rep.Attestations, "attestation de bloc", "attestations de bloc"))
	if rep.Replaced > 0 {
		fmt.Fprintf(&b, " %s de la session rectifiée révoqué%s.", service.Plural(rep.Replaced, "document", "documents"), issuedPlural(rep.Replaced))
	}
	b.WriteString(mailSummary(rep.Mail))
	if rep.MailError != nil {
		b.WriteString(" La préparation des courriels a échoué : utilisez « Envoyer par courriel » pour réessayer.")
	}
	s.flash(r, b.String())
	http.Redirect(w, r, "/delivrance/"+id, http.StatusSeeOther)
	return nil
}

// certificateSessionMail mails the session's documents not sent yet.
func (s *Server) certificateSessionMail(w http.ResponseWriter, r *http.Request) error {
	id := r.PathValue("session")
	rep, err := s.svc.MailSessionDocuments(r.Context(), actorFrom(r.Context()), id)
	if err != nil {
		return err
	}
	msg := strings.TrimSpace(mailSummary(rep))
	if rep.Queued == 0 && len(rep.WithoutEmail) == 0 {
		msg = "Aucun document à envoyer : chaque document valide est déjà dans la boîte d'envoi pour son titulaire."
	}
	s.flash(r, msg)
	http.Redirect(w, r, "/delivrance/"+id, http.StatusSeeOther)
	return nil
}

// certificateSessionZIP downloads every valid document of a session in one ZIP file.
func (s *Server) certificateSessionZIP(w http.ResponseWriter, r *http.Request) error {
	f, err := s.svc.SessionDocumentsZIP(r.Context(), actorFrom(r.Context()), r.PathValue("session"))
	if err != nil {
		return err
	}
	sendFile(w, f)
	return nil
}

func mailSummary(rep service.MailReport) string {
	var b strings.Builder
	if rep.Queued > 0 {
		fmt.Fprintf(&b, " %s au titulaire avec son document en pièce jointe.", service.Plural(rep.Queued, "courriel mis dans la boîte d'envoi", "courriels mis dans la boîte d'envoi"))
	}
	if len(rep.WithoutEmail) > 0 {
		fmt.Fprintf(&b, " Sans adresse e-mail, à remettre autrement : %s.", strings.Join(rep.WithoutEmail, ", "))
	}
	return b.String()
}

func issuedPlural(n int) string {
	if n < 2 {
		return ""
	}
	return "s"
}
