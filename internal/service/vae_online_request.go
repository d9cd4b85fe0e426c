package service

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"cqp/internal/domain"
	"cqp/internal/store"
)

// A person asks for a VAE themselves, without an account, from the public page. The request is
// recorded like any other (candidate, VAE enrolment, VAE file "requested by the candidate");
// the secretariat then sends the admissibility file, which creates their account. Requests are
// counted per address (OnlineRequestLimit per OnlineRequestWindow) and one e-mail address holds
// one open request per qualification, so the form cannot be used to flood the secretariat.

// Limits on online requests from one address.
const (
	OnlineRequestLimit  = 5
	OnlineRequestWindow = time.Hour
)

// onlineRequester is who the audit trail names for a request made from the public page.
var onlineRequester = domain.Actor{Name: "Demande en ligne (la personne elle-même)"}

// RequestVAEOnline records a person's own VAE request. The e-mail address is required: the
// secretariat answers there.
func (s *Service) RequestVAEOnline(ctx context.Context, in VAERequestInput, ip string) (Enrolled, error) {
	if ip == "" {
		ip = "unknown"
	}
	in.CandidateID, in.CompanyID = "", ""
	in.Candidate.Email = domain.NormalizeEmail(in.Candidate.Email)
	in.Message = strings.TrimSpace(in.Message)
	// Every error is collected before any is reported: the form's own, the e-mail, the message,
	// then the identity and the enrolment, checked inside a transaction that is rolled back.
	fe := domain.FieldErrors{}
	for field, msg := range in.FormErrors {
		fe.Add(field, msg)
	}
	if in.Candidate.Email == "" {
		fe.Add("email", "Indiquez votre adresse e-mail : le secrétariat vous y envoie votre dossier de recevabilité.")
	}
	if len([]rune(in.Message)) > 4000 {
		fe.Add("message", "Le message dépasse 4 000 caractères : raccourcissez-le.")
	}
	now := s.Now()
	var out Enrolled
	err := s.store.Write(ctx, func(q store.Q) error {
		if in.Candidate.Email != "" {
			open, err := q.OpenVAERequestByEmail(ctx, in.Candidate.Email, strings.TrimSpace(in.QualificationCode))
			if err != nil {
				return err
			}
			if open {
				fe.Add("email", "Une demande de VAE pour cette qualification est déjà en cours avec cette adresse : le secrétariat vous a écrit ou va le faire.")
			}
		}
		enrol := EnrolmentInput{QualificationCode: in.QualificationCode, Route: domain.RouteVAE, Public: in.Public, Blocks: in.Blocks}
		var err error
		out, err = s.createCandidate(ctx, q, onlineRequester, CandidateInput{Candidate: in.Candidate, Enrolment: &enrol},
			createOptions{reason: "Demande de VAE en ligne"})
		var invalid *domain.Error
		switch {
		case errors.As(err, &invalid) && invalid.Code == domain.EINVALID && len(invalid.Fields) > 0:
			for field, msg := range invalid.Fields {
				fe.Add(field, msg)
			}
		case err != nil:
			return err
		}
		if len(fe) > 0 {
			return fe.Err() // nothing written: the transaction is rolled back
		}
		// Counted once the request is valid, so that a person correcting their form is not
		// locked out; checked and counted in one statement.
		n, err := q.Hit(ctx, store.HitOnlineVAERequest+ip, now, OnlineRequestWindow)
		if err != nil {
			return err
		}
		if n > OnlineRequestLimit {
			return domain.Errorf(domain.ETOOMANY, "Trop de demandes depuis votre adresse : %d par heure au plus. Réessayez plus tard ou écrivez au secrétariat des CQP.", OnlineRequestLimit)
		}
		f := store.VAEFile{EnrolmentID: out.Enrolment.ID, Status: domain.VAERequested, RequestedBy: domain.RequestedByCandidate,
			RequestMessage: in.Message, ExperienceStatus: domain.ExperienceClosed, CreatedAt: now, UpdatedAt: now}
		if err := q.CreateVAEFile(ctx, f); err != nil {
			return err
		}
		if err := s.audit(ctx, q, onlineRequester, change{Action: "vae.request", EntityType: "vae_file", EntityID: f.EnrolmentID,
			CandidateID: out.Candidate.ID, After: map[string]string{"status": string(f.Status), "requested_by": string(f.RequestedBy),
				"qualification": out.Enrolment.QualificationCode}, Reason: in.Message}); err != nil {
			return err
		}
		if err := s.queueMail(ctx, q, out.Candidate.Email, "Votre demande de VAE a bien été reçue",
			fmt.Sprintf("Bonjour %s,\n\nVotre demande de validation des acquis de l'expérience (VAE) pour le CQP « %s » a bien été reçue (dossier %s).\n\n"+
				"Le secrétariat des CQP vous envoie votre dossier de recevabilité à cette adresse : vous le remplirez en ligne, ou sur papier si vous préférez.\n\n"+
				"Si vous n'êtes pas à l'origine de cette demande, ignorez ce message.\n",
				out.Candidate.DisplayName(), out.Enrolment.QualificationTitle, out.Candidate.Number)); err != nil {
			return err
		}
		return s.tellSecretariat(ctx, q, "Nouvelle demande de VAE en ligne : "+out.Candidate.DisplayName(),
			fmt.Sprintf("Bonjour,\n\n%s (%s) demande une VAE pour « %s » depuis le formulaire en ligne.\n\nVérifiez la demande et envoyez le dossier de recevabilité :\n%s\n",
				out.Candidate.DisplayName(), out.Candidate.Email, out.Enrolment.QualificationTitle, s.vaeURL(out.Enrolment.ID)))
	})
	return out, err
}

// VAEQualification is a qualification a person may ask a VAE for, with its optional blocks,
// as the public form shows them: no title the branch has not confirmed.
type VAEQualification struct {
	Code, Title       string // Title is "" while the branch has not confirmed it
	OptionalBlocks    []PublicBlock
	OptionalToChoose  int
	MinMonths         int
	RecommendedMonths int
}

// PublicBlock is a block as a public page shows it: its title only once the branch has
// confirmed it, "" before (the page then says the title is not published yet). The person
// can still choose it: the composition rule needs its optional blocks chosen now.
type PublicBlock struct{ Code, Title string }

// Unpublished reports whether some optional block has no title to show.
func (q VAEQualification) Unpublished() bool {
	for _, b := range q.OptionalBlocks {
		if b.Title == "" {
			return true
		}
	}
	return false
}

// VAEQualifications lists the qualifications open to VAE requests, for the public form.
func (s *Service) VAEQualifications(ctx context.Context) ([]VAEQualification, error) {
	fws, err := s.store.Read().LatestFrameworks(ctx)
	if err != nil {
		return nil, err
	}
	var out []VAEQualification
	for _, r := range fws {
		fw := r.Framework
		q := VAEQualification{Code: fw.Qualification.Code, Title: domain.PublicTitle(fw.Qualification.Title, fw.Qualification.ToConfirm),
			OptionalToChoose: fw.Composition.Optional,
			MinMonths:        fw.Prerequisites.VAEMinRelatedMonths, RecommendedMonths: fw.Prerequisites.VAERecommendedRelatedMonths}
		for _, b := range fw.BlocksOfKind(domain.BlockOptional) {
			q.OptionalBlocks = append(q.OptionalBlocks, PublicBlock{Code: b.Code, Title: domain.PublicTitle(b.Title, b.ToConfirm)})
		}
		out = append(out, q)
	}
	return out, nil
}
