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

// The VAE route (DOMAIN.md §5, issue 6), in the order it runs:
//
//	request (the secretariat, a company for its employee) → the secretariat sends the
//	admissibility file (an account and a link, or paper) → the candidate fills it with the
//	self-assessment and submits it (a new version each time) → a training organisation gives its
//	reasoned opinion → the secretariat decides: incomplete (back to the candidate), admissible
//	(until a date: the experience file opens and the enrolment is "enrolled"), not admissible, or
//	redirected to the formation or blocs route (which creates that enrolment) → the candidate
//	writes the experience file per block with evidence, a VAE adviser may comment → submitted:
//	the enrolment enters the final evaluation and the secretariat schedules the commission →
//	commission grid → awaiting jury → jury. After a partial result the experience file reopens
//	for the blocks still missing (vae_experience.go).
//
// Each step is audited in its transaction and mails the people it concerns; reminders go to
// candidates who hold a file too long (vae_reminders.go). The admissibility file is in
// vae_admissibility.go, reviews and decisions in vae_decision.go.

// VAESettings are the VAE route's configurable limits.
type VAESettings struct {
	MaxEvidenceBytes int64 // largest evidence file accepted
	MaxEvidenceFiles int   // evidence files per experience file
	ReminderDays     int   // days a candidate may hold a file before a reminder; 0: no reminders
	InvitationDays   int   // how long the link to set one's password stays valid
}

// DefaultVAESettings are used until SetVAESettings is called.
func DefaultVAESettings() VAESettings {
	return VAESettings{MaxEvidenceBytes: 10 << 20, MaxEvidenceFiles: 60, ReminderDays: 30, InvitationDays: 14}
}

// SetVAESettings changes the limits (from the configuration, at start-up).
func (s *Service) SetVAESettings(v VAESettings) {
	d := DefaultVAESettings()
	if v.MaxEvidenceBytes <= 0 {
		v.MaxEvidenceBytes = d.MaxEvidenceBytes
	}
	if v.MaxEvidenceFiles <= 0 {
		v.MaxEvidenceFiles = d.MaxEvidenceFiles
	}
	if v.InvitationDays <= 0 {
		v.InvitationDays = d.InvitationDays
	}
	if v.ReminderDays < 0 {
		v.ReminderDays = 0
	}
	s.vae = v
}

// VAESettings returns the limits in force.
func (s *Service) VAESettings() VAESettings { return s.vae }

// vaeScope turns the actor's roles into the VAE files they may see for act.
func vaeScope(a domain.Actor, act Action) (store.VAEScope, error) {
	all, scoped, err := scopedAssignments(a, act)
	if all || err != nil {
		return store.VAEScope{}, err
	}
	sc := store.VAEScope{Restricted: true}
	for _, r := range scoped {
		switch r.Role {
		case domain.RoleCandidate:
			sc.CandidateIDs = append(sc.CandidateIDs, r.ScopeID)
		case domain.RoleCompany:
			sc.CompanyIDs = append(sc.CompanyIDs, r.ScopeID)
		case domain.RoleTrainingOrganisation:
			sc.ReviewerOrganisationIDs = append(sc.ReviewerOrganisationIDs, r.ScopeID)
		case domain.RoleVAEAdviser:
			sc.AdviserUserID = a.UserID
		case domain.RoleCommissionMember:
			sc.CommissionMemberUserID = a.UserID
		}
	}
	return sc, nil
}

// vaeSections says which parts of a VAE file the actor may read. The secretariat, the branch,
// the candidate and their adviser read everything; the reviewing organisation reads the
// admissibility file; a commission member hearing the candidate reads the admissibility file
// and the experience file with its evidence; the company reads where the request stands.
type vaeSections struct {
	Admissibility bool
	Experience    bool
}

// vaeFileCtx is a VAE file with its enrolment, candidate and framework, once the actor's right
// to it was checked.
type vaeFileCtx struct {
	file      store.VAEFile
	candidate domain.Candidate
	enrolment domain.Enrolment
	framework domain.Framework
	sections  vaeSections
}

// loadVAE reads an enrolment's VAE file for the actor and act: "not found" when the actor's
// scope does not reach it, exactly as if it did not exist.
func (s *Service) loadVAE(ctx context.Context, q store.Q, a domain.Actor, act Action, enrolmentID string) (vaeFileCtx, error) {
	var v vaeFileCtx
	sc, err := vaeScope(a, act)
	if err != nil {
		return v, err
	}
	visible, err := q.VAEFileVisible(ctx, enrolmentID, sc)
	if err != nil {
		return v, err
	}
	if !visible {
		return v, domain.Errorf(domain.ENOTFOUND, "Dossier de VAE introuvable.")
	}
	if v.file, err = q.VAEFile(ctx, enrolmentID); err != nil {
		return v, err
	}
	if v.candidate, v.enrolment, err = enrolmentUnscoped(ctx, q, enrolmentID); err != nil {
		return v, err
	}
	fw, err := q.Framework(ctx, v.enrolment.FrameworkID)
	if err != nil {
		return v, err
	}
	v.framework = fw.Framework
	v.sections, err = s.vaeSectionsFor(ctx, q, a, v)
	return v, err
}

func (s *Service) vaeSectionsFor(ctx context.Context, q store.Q, a domain.Actor, v vaeFileCtx) (vaeSections, error) {
	if a.System || AccessFor(a, ActVAERead) == AccessAll || contains(a.Scopes(domain.RoleCandidate), v.candidate.ID) ||
		(a.Has(domain.RoleVAEAdviser) && v.file.AdviserUserID == a.UserID) {
		return vaeSections{Admissibility: true, Experience: true}, nil
	}
	var out vaeSections
	if a.Has(domain.RoleCommissionMember) {
		hears, err := q.MemberHearing(ctx, a.UserID, v.enrolment.ID)
		if err != nil {
			return out, err
		}
		if hears {
			out = vaeSections{Admissibility: true, Experience: true}
		}
	}
	if orgs := a.Scopes(domain.RoleTrainingOrganisation); len(orgs) > 0 {
		reviews, err := q.VAEReviews(ctx, v.enrolment.ID)
		if err != nil {
			return out, err
		}
		for _, r := range reviews {
			if contains(orgs, r.TrainingOrganisationID) {
				out.Admissibility = true
			}
		}
	}
	return out, nil
}

// VAEView is everything a VAE file's page shows, limited to what the actor may read.
type VAEView struct {
	File        store.VAEFile
	Candidate   domain.Candidate
	Enrolment   domain.Enrolment
	Framework   domain.Framework
	Blocks      []domain.Block // the blocks the candidate presents, framework order
	Versions    []store.VAEFileVersion
	Reviews     []store.VAEReview
	Decisions   []store.VAEDecision
	Experience  map[string]store.ExperienceBlock
	Evidence    []domain.Evidence
	Submissions []store.ExperienceSubmission
	Comments    []store.AdviserComment
	// Acquired holds the blocks a jury already awarded: they are not written again.
	Acquired map[string]bool
	// Check is the admissibility draft against the rules, as the candidate sees it while typing.
	Check AdmissibilityCheck
	// ExperienceMissing lists what the experience file still lacks before it can be submitted.
	ExperienceMissing []string
	Settings          VAESettings

	ShowAdmissibility, ShowExperience bool
	// What the actor may do on this page now.
	CanFillAdmissibility, CanFillExperience, CanReopenExperience   bool
	CanSend, CanAskReview, CanDecide, CanAssignAdviser, CanComment bool
	CanExtend                                                      bool // move the end of the admissibility's validity
	CanReview                                                      bool
	PendingReview                                                  *store.VAEReview // the review the actor's organisation owes
	LatestDecision                                                 *store.VAEDecision
}

// OpenBlocks are the presented blocks not yet acquired at a jury: the experience file covers
// them.
func (v VAEView) OpenBlocks() []domain.Block {
	var out []domain.Block
	for _, b := range v.Blocks {
		if !v.Acquired[b.Code] {
			out = append(out, b)
		}
	}
	return out
}

// EvidenceOf returns the evidence files attached to a block ("" for the whole file).
func (v VAEView) EvidenceOf(block string) []domain.Evidence {
	var out []domain.Evidence
	for _, e := range v.Evidence {
		if e.BlockCode == block {
			out = append(out, e)
		}
	}
	return out
}

// VAE returns a VAE file for its page.
func (s *Service) VAE(ctx context.Context, a domain.Actor, enrolmentID string) (VAEView, error) {
	q := s.store.Read()
	v, err := s.loadVAE(ctx, q, a, ActVAERead, enrolmentID)
	if err != nil {
		return VAEView{}, err
	}
	view := VAEView{File: v.file, Candidate: v.candidate, Enrolment: v.enrolment, Framework: v.framework, Settings: s.vae,
		ShowAdmissibility: v.sections.Admissibility, ShowExperience: v.sections.Experience}
	for _, b := range v.framework.Blocks {
		if contains(v.enrolment.Blocks, b.Code) {
			view.Blocks = append(view.Blocks, b)
		}
	}
	if view.Decisions, err = q.VAEDecisions(ctx, enrolmentID); err != nil {
		return view, err
	}
	for i := range view.Decisions {
		if !view.Decisions[i].Revoked() {
			view.LatestDecision = &view.Decisions[i]
			break
		}
	}
	if view.Acquired, err = acquiredBlocks(ctx, q, enrolmentID); err != nil {
		return view, err
	}
	if view.ShowAdmissibility {
		if view.Versions, err = q.VAEFileVersions(ctx, enrolmentID); err != nil {
			return view, err
		}
		if view.Reviews, err = q.VAEReviews(ctx, enrolmentID); err != nil {
			return view, err
		}
		view.Check = CheckAdmissibility(v.framework, v.enrolment, v.file.Draft, s.Today())
	} else {
		view.File.Draft = domain.AdmissibilityFile{}
		view.File.RequestMessage = ""
	}
	if view.ShowExperience {
		if view.Experience, err = q.ExperienceBlocks(ctx, enrolmentID); err != nil {
			return view, err
		}
		if view.Evidence, err = q.EvidenceList(ctx, enrolmentID); err != nil {
			return view, err
		}
		if view.Submissions, err = q.ExperienceSubmissions(ctx, enrolmentID); err != nil {
			return view, err
		}
		if view.Comments, err = q.AdviserComments(ctx, enrolmentID); err != nil {
			return view, err
		}
		view.ExperienceMissing = experienceMissing(view)
	}
	s.vaeAbilities(a, &view)
	return view, nil
}

// vaeAbilities fills what the actor may do now on the file.
func (s *Service) vaeAbilities(a domain.Actor, v *VAEView) {
	own := AccessFor(a, ActVAEFill) == AccessAll || contains(a.Scopes(domain.RoleCandidate), v.Candidate.ID)
	fill := Can(a, ActVAEFill) && own
	st := v.File.Status
	v.CanFillAdmissibility = fill && (st.CandidateHoldsFile() || (st == domain.VAERequested && AccessFor(a, ActVAEFill) == AccessAll))
	v.CanFillExperience = fill && st == domain.VAEAdmissible && v.File.ExperienceStatus == domain.ExperienceOpen
	v.CanReopenExperience = fill && st == domain.VAEAdmissible && v.File.ExperienceStatus == domain.ExperienceSubmitted &&
		v.Enrolment.Status == domain.StatusPartial
	decide := Can(a, ActVAEDecide)
	v.CanSend = decide && (st == domain.VAERequested || st == domain.VAESent)
	v.CanAskReview = decide && (st == domain.VAESubmitted || st == domain.VAEReviewed)
	v.CanDecide = decide && (st == domain.VAESubmitted || st == domain.VAEReviewed)
	v.CanAssignAdviser = decide && st == domain.VAEAdmissible
	v.CanExtend = decide && st == domain.VAEAdmissible
	v.CanComment = Can(a, ActVAEAdvise) && v.File.AdviserUserID == a.UserID && v.File.ExperienceStatus == domain.ExperienceOpen
	if Can(a, ActVAEReview) && st == domain.VAEUnderReview {
		for i := range v.Reviews {
			r := v.Reviews[i]
			if !r.Given() && r.FileVersion == v.File.Version && contains(a.Scopes(domain.RoleTrainingOrganisation), r.TrainingOrganisationID) {
				v.CanReview, v.PendingReview = true, &v.Reviews[i]
			}
		}
	}
}

// acquiredBlocks returns the blocks a closed jury session awarded to the enrolment.
func acquiredBlocks(ctx context.Context, q store.Q, enrolmentID string) (map[string]bool, error) {
	acquired, err := q.AcquiredBlocks(ctx, enrolmentID)
	if err != nil {
		return nil, err
	}
	out := map[string]bool{}
	for _, b := range acquired {
		out[b.BlockCode] = true
	}
	return out, nil
}

// VAEListFilter selects VAE files for the list.
type VAEListFilter struct {
	Statuses []domain.VAEStatus
	Limit    int // VAEFilesPage: files per page, VAEPageSize when 0, at most 500
	Offset   int
}

// VAEPageSize is how many files one page of the list shows by default.
const VAEPageSize = 100

// VAEPage is one page of the VAE files list, with how many files there are in all.
type VAEPage struct {
	Files                []store.VAEListing
	Total, Limit, Offset int
	ShowsReviews         bool // the lines name the reviewing organisation and its opinion
}

// VAEFiles returns the VAE files the actor may see, oldest change first (at most 500).
func (s *Service) VAEFiles(ctx context.Context, a domain.Actor, f VAEListFilter) ([]store.VAEListing, error) {
	f.Limit, f.Offset = 500, 0
	p, err := s.VAEFilesPage(ctx, a, f)
	return p.Files, err
}

// VAEFilesPage returns one page of the VAE files the actor may see, oldest change first, with
// how many there are in all. What the candidate wrote is never in the list; who reviews the
// file and their opinion are left out for a reader who may not read the admissibility file
// (a company sees where its employees' requests stand, not the organisation's opinion).
func (s *Service) VAEFilesPage(ctx context.Context, a domain.Actor, f VAEListFilter) (VAEPage, error) {
	sc, err := vaeScope(a, ActVAERead)
	if err != nil {
		return VAEPage{}, err
	}
	q := s.store.Read()
	p := VAEPage{Limit: f.Limit, Offset: max(f.Offset, 0)}
	if p.Limit <= 0 {
		p.Limit = VAEPageSize
	}
	p.Limit = min(p.Limit, 500)
	filter := store.VAEFilter{Statuses: f.Statuses, Scope: sc, Limit: p.Limit, Offset: p.Offset}
	if p.Total, err = q.CountVAEFiles(ctx, filter); err != nil {
		return p, err
	}
	if p.Files, err = q.VAEFiles(ctx, filter); err != nil {
		return p, err
	}
	p.ShowsReviews = readsAdmissibilityOfAny(a)
	for i := range p.Files {
		p.Files[i].File.Draft, p.Files[i].File.RequestMessage = domain.AdmissibilityFile{}, ""
		if !p.ShowsReviews {
			p.Files[i].ReviewerName, p.Files[i].ReviewOpinion = "", ""
		}
	}
	return p, nil
}

// readsAdmissibilityOfAny reports whether one of the actor's roles reads admissibility files
// (vaeSectionsFor): every role that sees VAE files but the company.
func readsAdmissibilityOfAny(a domain.Actor) bool {
	if a.System || AccessFor(a, ActVAERead) == AccessAll {
		return true
	}
	for _, r := range a.Roles {
		if r.Role != domain.RoleCompany && RoleCan(r.Role, ActVAERead) {
			return true
		}
	}
	return false
}

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
			rec, err := s.addEnrolment(ctx, q, a, c.ID, enrol, "Demande de VAE")
			if err != nil {
				return err
			}
			out = Enrolled{Candidate: c, Enrolment: rec}
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
	for _, b := range v.framework.Blocks {
		if !contains(v.enrolment.Blocks, b.Code) {
			continue
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

// checkVAEMove refuses, on a VAE enrolment, the status moves that only the VAE file gives:
// admissibility is decided on the file, and the final evaluation starts when the experience
// file is submitted.
func checkVAEMove(ctx context.Context, q store.Q, e domain.Enrolment, to domain.EnrolmentStatus) error {
	if e.Route != domain.RouteVAE {
		return nil
	}
	f, err := q.VAEFile(ctx, e.ID)
	if domain.ErrorCode(err) == domain.ENOTFOUND {
		return nil // an enrolment recorded before the VAE file existed
	}
	if err != nil {
		return err
	}
	switch {
	case e.Status == domain.StatusAdmissibility && to == domain.StatusEnrolled:
		return statusRefusal(domain.ECONFLICT, "La recevabilité d'une VAE se décide sur son dossier (« "+f.Status.Label()+" ») : enregistrez la décision depuis le dossier de VAE.")
	case to == domain.StatusFinalEvaluation && f.ExperienceStatus != domain.ExperienceSubmitted:
		return statusRefusal(domain.ECONFLICT, "Le dossier d'expérience n'est pas encore déposé : l'évaluation finale commence à son dépôt.")
	}
	return nil
}

// vaeOralRefusal says why a VAE candidate cannot be called to an oral yet: the commission
// hears a VAE candidate on their submitted experience file.
func vaeOralRefusal(ctx context.Context, q store.Q, c domain.Candidate, e domain.Enrolment) (string, error) {
	if e.Route != domain.RouteVAE {
		return "", nil
	}
	f, err := q.VAEFile(ctx, e.ID)
	if domain.ErrorCode(err) == domain.ENOTFOUND {
		return "", nil // recorded before the VAE file existed
	}
	if err != nil {
		return "", err
	}
	if f.ExperienceStatus != domain.ExperienceSubmitted {
		return "La commission entend " + c.DisplayName() + " sur son dossier d'expérience, qui n'est pas encore déposé (« " +
			f.Status.Label() + " », dossier d'expérience « " + f.ExperienceStatus.Label() + " ») : planifiez l'oral après son dépôt.", nil
	}
	return "", nil
}
