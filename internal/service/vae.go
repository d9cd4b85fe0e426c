package service

import (
	"context"

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
// candidates who hold a file too long (vae_reminders.go). The request and the sending of the
// admissibility file are in vae_request.go (vae_online_request.go for a person's own request),
// the admissibility file in vae_admissibility.go, reviews and decisions in vae_decision.go, the
// experience file in vae_experience.go, and what the file holds back elsewhere (status moves,
// orals) in vae_guards.go.

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

// SelfAssessed is the enrolment as its admissibility file sees it: the presented blocks the
// person does not hold yet. A block acquired earlier, on any route, is not assessed again.
func (v VAEView) SelfAssessed() domain.Enrolment { return withoutHeld(v.Enrolment, v.Acquired) }

// withoutHeld returns the enrolment with only the blocks not in held.
func withoutHeld(e domain.Enrolment, held map[string]bool) domain.Enrolment {
	var open []string
	for _, code := range e.Blocks {
		if !held[code] {
			open = append(open, code)
		}
	}
	e.Blocks = open
	return e
}

// selfAssessed reads the blocks the person holds and returns the enrolment as its
// admissibility file sees it (VAEView.SelfAssessed).
func (v vaeFileCtx) selfAssessed(ctx context.Context, q store.Q) (domain.Enrolment, error) {
	held, err := acquiredBlocks(ctx, q, v.enrolment.ID)
	if err != nil {
		return domain.Enrolment{}, err
	}
	return withoutHeld(v.enrolment, held), nil
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
		view.Check = CheckAdmissibility(v.framework, view.SelfAssessed(), v.file.Draft, v.candidate.NIR != "", s.Today())
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
