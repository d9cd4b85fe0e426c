package service

import (
	"context"
	"fmt"
	"strings"
	"time"

	"cqp/internal/docs"
	"cqp/internal/domain"
	"cqp/internal/store"
)

// The VAE request and the admissibility file's sending: who asks, the account and link the
// candidate receives, and the printable form (blank or filled).

// VAERequestInput is a VAE request: who, for which qualification, and which optional blocks.
type VAERequestInput struct {
	// CandidateID attaches the request to a candidate already known (another qualification,
	// or a new attempt); otherwise Candidate is recorded as a new candidate.
	CandidateID       string
	Candidate         domain.Candidate // identity and e-mail
	QualificationCode string
	Public            domain.Public
	CompanyID         string
	Blocks            []string // the optional blocks chosen
	Message           string   // what the person says about their request
	// FormErrors are what the form found before the service (a date that is not one, an
	// unchecked consent): they are reported with the service's own, so that a person corrects
	// everything at once.
	FormErrors domain.FieldErrors
}

// RequestVAE records a VAE request: the candidate, their VAE enrolment (status
// "admissibility") and the VAE file, in one transaction. A company asks for its own employees.
func (s *Service) RequestVAE(ctx context.Context, a domain.Actor, in VAERequestInput) (Enrolled, error) {
	if err := Check(a, ActVAERequest); err != nil {
		return Enrolled{}, err
	}
	by := domain.RequestedBySecretariat
	if AccessFor(a, ActVAERequest) == AccessScoped {
		by = domain.RequestedByCompany
		if !contains(a.Scopes(domain.RoleCompany), in.CompanyID) {
			return Enrolled{}, fieldError("company", "Vous ne pouvez demander une VAE que pour un salarié de votre entreprise.")
		}
	}
	in.Message = strings.TrimSpace(in.Message)
	if len([]rune(in.Message)) > 4000 {
		return Enrolled{}, fieldError("message", "Le message dépasse 4 000 caractères : raccourcissez-le.")
	}
	var out Enrolled
	err := s.store.Write(ctx, func(q store.Q) error {
		enrol := EnrolmentInput{QualificationCode: in.QualificationCode, Route: domain.RouteVAE, Public: in.Public,
			CompanyID: in.CompanyID, Blocks: in.Blocks}
		if in.CandidateID != "" {
			c, err := q.Candidate(ctx, strings.TrimSpace(in.CandidateID), store.Scope{})
			if domain.ErrorCode(err) == domain.ENOTFOUND {
				return fieldError("candidate", "Candidat inconnu : choisissez-le dans la liste, ou saisissez son identité.")
			}
			if err != nil {
				return err
			}
			if by == domain.RequestedByCompany && !candidateOfCompany(c, in.CompanyID) {
				return fieldError("candidate", "Ce candidat n'est pas rattaché à votre entreprise : saisissez son identité.")
			}
			rec, elig, err := s.addEnrolment(ctx, q, a, c.ID, enrol, "Demande de VAE")
			if err != nil {
				return err
			}
			out = Enrolled{Candidate: c, Enrolment: rec, Eligibility: elig}
		} else {
			var err error
			if out, err = s.createCandidate(ctx, q, a, CandidateInput{Candidate: in.Candidate, Enrolment: &enrol},
				createOptions{reason: "Demande de VAE"}); err != nil {
				return err
			}
		}
		now := s.Now()
		f := store.VAEFile{EnrolmentID: out.Enrolment.ID, Status: domain.VAERequested, RequestedBy: by, RequestMessage: in.Message,
			ExperienceStatus: domain.ExperienceClosed, CreatedAt: now, UpdatedAt: now}
		if err := q.CreateVAEFile(ctx, f); err != nil {
			return err
		}
		if err := s.audit(ctx, q, a, change{Action: "vae.request", EntityType: "vae_file", EntityID: f.EnrolmentID,
			CandidateID: out.Candidate.ID, After: map[string]string{"status": string(f.Status), "requested_by": string(by),
				"qualification": out.Enrolment.QualificationCode}, Reason: in.Message}); err != nil {
			return err
		}
		return s.tellSecretariat(ctx, q, "Nouvelle demande de VAE : "+out.Candidate.DisplayName(),
			fmt.Sprintf("Bonjour,\n\nUne demande de VAE pour « %s » a été enregistrée par %s pour %s (%s).\n\nEnvoyez-lui le dossier de recevabilité depuis sa fiche :\n%s\n",
				out.Enrolment.QualificationTitle, by.Label(), out.Candidate.DisplayName(), out.Candidate.Number, s.vaeURL(out.Enrolment.ID)))
	})
	return out, err
}

func candidateOfCompany(c domain.Candidate, companyID string) bool {
	for _, e := range c.Enrolments {
		if e.CompanyID == companyID {
			return true
		}
	}
	return false
}

func (s *Service) vaeURL(enrolmentID string) string { return s.baseURL + "/vae/" + enrolmentID }

// SentFile says how the admissibility file went to the candidate.
type SentFile struct {
	ByMail     bool   // a mail with the link and the paper form was queued
	NewAccount bool   // an account was created for the candidate
	Email      string // where it went
}

// SendAdmissibilityFile sends the candidate their admissibility file: an account (created if
// needed) with a link to set their password, and the paper form attached. Without an e-mail
// address the secretariat prints the form: the file is marked sent all the same. Sending again
// re-sends the mail with a fresh link.
func (s *Service) SendAdmissibilityFile(ctx context.Context, a domain.Actor, enrolmentID string) (SentFile, error) {
	if err := Check(a, ActVAEDecide); err != nil {
		return SentFile{}, err
	}
	var out SentFile
	err := s.store.Write(ctx, func(q store.Q) error {
		v, err := s.loadVAE(ctx, q, a, ActVAEDecide, enrolmentID)
		if err != nil {
			return err
		}
		if v.file.Status != domain.VAERequested && v.file.Status != domain.VAESent {
			return domain.Errorf(domain.ECONFLICT, "Le dossier de recevabilité a déjà été rendu (« %s ») : il n'est plus à envoyer.", v.file.Status.Label())
		}
		form, err := s.admissibilityFormPDF(ctx, q, v, false)
		if err != nil {
			return err
		}
		now := s.Now()
		before := v.file.Status
		v.file.Status, v.file.SentAt, v.file.WaitingSince, v.file.LastReminderAt, v.file.UpdatedAt = domain.VAESent, &now, &now, nil, now
		if err := q.UpdateVAEFile(ctx, v.file); err != nil {
			return err
		}
		if v.candidate.Email != "" {
			out.Email, out.ByMail = v.candidate.Email, true
			link, created, err := s.candidateAccess(ctx, q, a, v.candidate)
			if err != nil {
				return err
			}
			out.NewAccount = created
			body := fmt.Sprintf("Bonjour %s,\n\nVotre demande de validation des acquis de l'expérience (VAE) pour le CQP « %s » a bien été reçue.\n\n"+
				"Remplissez votre dossier de recevabilité en ligne : vos expériences professionnelles, vos diplômes et votre auto-évaluation, compétence par compétence. "+
				"Il est enregistré à chaque étape : vous pouvez y revenir autant de fois que nécessaire avant de l'envoyer.\n\n%s\n\n"+
				"Le dossier est aussi joint en PDF, si vous préférez le remplir sur papier et le renvoyer au secrétariat.\n\n"+
				"Rappel : il faut au moins %d mois d'expérience en lien avec la qualification ; %d mois sont recommandés.\n",
				v.candidate.DisplayName(), v.enrolment.QualificationTitle, link,
				v.framework.Prerequisites.VAEMinRelatedMonths, v.framework.Prerequisites.VAERecommendedRelatedMonths)
			if err := s.queueMailWithAttachment(ctx, q, v.candidate.Email, "Votre dossier de recevabilité VAE", body,
				Attachment{Name: "dossier-recevabilite-vae.pdf", Type: "application/pdf", Content: form}); err != nil {
				return err
			}
		}
		return s.audit(ctx, q, a, change{Action: "vae.send", EntityType: "vae_file", EntityID: enrolmentID, CandidateID: v.candidate.ID,
			Before: map[string]string{"status": string(before)},
			After:  map[string]any{"status": string(domain.VAESent), "by_mail": out.ByMail, "new_account": out.NewAccount}})
	})
	return out, err
}

// candidateAccess makes sure the candidate has an account holding their candidate role and
// returns the link they follow: a link to set their password when they have none yet.
func (s *Service) candidateAccess(ctx context.Context, q store.Q, a domain.Actor, c domain.Candidate) (string, bool, error) {
	userID, created := c.UserID, false
	if userID == "" {
		u, err := q.UserByEmail(ctx, c.Email)
		switch {
		case domain.ErrorCode(err) == domain.ENOTFOUND:
			u, err = s.createUser(ctx, q, a, UserInput{Email: c.Email, Name: c.DisplayName(),
				Roles: []domain.RoleAssignment{{Role: domain.RoleCandidate, ScopeID: c.ID}}})
			if err != nil {
				return "", false, err
			}
			created = true
		case err != nil:
			return "", false, err
		default:
			if !hasCandidateRole(u, c.ID) {
				r := domain.RoleAssignment{ID: newID(), UserID: u.ID, Role: domain.RoleCandidate, ScopeID: c.ID, CreatedAt: s.Now()}
				if err := q.AddRole(ctx, r); err != nil {
					return "", false, err
				}
				if err := s.audit(ctx, q, a, change{Action: "user.role_add", EntityType: "user", EntityID: u.ID,
					After: map[string]string{"role": string(r.Role), "scope": c.ID}}); err != nil {
					return "", false, err
				}
			}
		}
		if err := q.SetCandidateUser(ctx, c.ID, u.ID); err != nil {
			return "", false, err
		}
		userID = u.ID
	}
	u, err := q.UserByID(ctx, userID)
	if err != nil {
		return "", false, err
	}
	if u.PasswordHash != "" {
		return "Connectez-vous à cqp avec votre adresse " + u.Email + " :\n" + s.baseURL + "/connexion", created, nil
	}
	token, hash := newSecret()
	// A new link ends the earlier ones: only the last mail sent can set the password.
	if err := q.EndOneTimeTokens(ctx, u.ID, purposePasswordReset, "", s.Now()); err != nil {
		return "", false, err
	}
	if err := q.CreateOneTimeToken(ctx, store.OneTimeToken{Hash: hash, Purpose: purposePasswordReset, UserID: u.ID,
		ExpiresAt: s.Now().Add(time.Duration(s.vae.InvitationDays) * 24 * time.Hour), CreatedAt: s.Now()}); err != nil {
		return "", false, err
	}
	return fmt.Sprintf("Choisissez d'abord votre mot de passe (lien valable %d jours) :\n%s/mot-de-passe/nouveau?jeton=%s",
		s.vae.InvitationDays, s.baseURL, token), created, nil
}

func hasCandidateRole(u domain.User, candidateID string) bool {
	for _, r := range u.Roles {
		if r.Role == domain.RoleCandidate && r.ScopeID == candidateID {
			return true
		}
	}
	return false
}

// branchName returns the name of the branch that awards the enrolment's qualification.
func branchName(ctx context.Context, q store.Q, qualificationID string) (string, error) {
	quals, err := q.Qualifications(ctx)
	if err != nil {
		return "", err
	}
	branchID := ""
	for _, x := range quals {
		if x.ID == qualificationID {
			branchID = x.BranchID
		}
	}
	branches, err := q.Branches(ctx)
	if err != nil {
		return "", err
	}
	for _, b := range branches {
		if b.ID == branchID {
			return b.Name, nil
		}
	}
	return "", nil
}

// AdmissibilityFormPDF returns the admissibility file as a printable form: blank for paper, or
// filled with the latest submitted version (or the draft) when filled is true.
func (s *Service) AdmissibilityFormPDF(ctx context.Context, a domain.Actor, enrolmentID string, filled bool) ([]byte, error) {
	q := s.store.Read()
	v, err := s.loadVAE(ctx, q, a, ActVAERead, enrolmentID)
	if err != nil {
		return nil, err
	}
	if !v.sections.Admissibility {
		return nil, domain.Errorf(domain.ENOTFOUND, "Dossier de recevabilité introuvable.")
	}
	return s.admissibilityFormPDF(ctx, q, v, filled)
}

func (s *Service) admissibilityFormPDF(ctx context.Context, q store.Q, v vaeFileCtx, filled bool) ([]byte, error) {
	branch, err := branchName(ctx, q, v.enrolment.QualificationID)
	if err != nil {
		return nil, err
	}
	pre := v.framework.Prerequisites
	f := docs.AdmissibilityForm{BranchName: branch, QualificationTitle: v.enrolment.QualificationTitle,
		QualificationCode: v.framework.Qualification.RNCP, Generated: s.Now(),
		CandidateName: v.candidate.DisplayName(), CandidateNumber: v.candidate.Number, BirthDate: v.candidate.BirthDate.String(),
		Email: v.candidate.Email, MinRelatedMonths: pre.VAEMinRelatedMonths, RecommendedMonths: pre.VAERecommendedRelatedMonths}
	content := domain.AdmissibilityFile{}
	if filled {
		content, f.Version = v.file.Draft, v.file.Version
	}
	for _, p := range content.Periods {
		f.Periods = append(f.Periods, docs.FormPeriod{Employer: p.Employer, Role: p.Role, From: p.From.String(),
			To: untilText(p.Until), Activities: p.Activities, Related: p.Related})
	}
	for _, d := range content.Diplomas {
		f.Diplomas = append(f.Diplomas, docs.FormDiploma{Title: d.Title, Year: d.Year, Level: d.Level})
	}
	assessed, err := v.selfAssessed(ctx, q)
	if err != nil {
		return nil, err
	}
	for _, b := range v.framework.Blocks {
		if !contains(assessed.Blocks, b.Code) {
			continue // not presented, or already held: not assessed again
		}
		fb := docs.FormBlock{Code: b.Code, Title: b.Title}
		for _, c := range b.Competences {
			sa := content.SelfAssessment[c.Code]
			fb.Competences = append(fb.Competences, docs.FormCompetence{Code: c.Code, Title: c.Title, Level: sa.Level.Label(), Situation: sa.Situation})
		}
		f.Blocks = append(f.Blocks, fb)
	}
	return docs.AdmissibilityFormPDF(f)
}

func untilText(d domain.Date) string {
	if d.IsZero() {
		return "en cours"
	}
	return d.String()
}
