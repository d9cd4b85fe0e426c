package service

import (
	"context"

	"cqp/internal/domain"
	"cqp/internal/store"
)

// CandidateTimeline returns the audit entries about a candidate, newest first, keeping only
// those whose subject the actor may read: an event of a VAE file, a grid, a jury session or a
// certificate shows only to those who read that file, grid, session or certificate, never
// merely to those who read the candidate.
func (s *Service) CandidateTimeline(ctx context.Context, a domain.Actor, id string) ([]domain.AuditEntry, error) {
	c, err := s.Candidate(ctx, a, id)
	if err != nil {
		return nil, err
	}
	q := s.store.Read()
	entries, _, err := q.ListAudit(ctx, store.AuditFilter{CandidateID: id, Limit: 200})
	if err != nil {
		return nil, err
	}
	subjects, err := s.timelineSubjects(ctx, q, a, c)
	if err != nil {
		return nil, err
	}
	var out []domain.AuditEntry
	for _, e := range entries {
		if subjects.visible(e) {
			out = append(out, e)
		}
	}
	return out, nil
}

// timelineSubjects holds what the actor may read of one candidate's file, to sort the
// timeline's events.
type timelineSubjects struct {
	everything   bool                   // the platform itself, or a role reading every candidate, VAE file, session and certificate
	candidateID  string                 // the candidate whose timeline it is
	isCandidate  bool                   // the actor is this candidate
	enrolments   map[string]bool        // the enrolments the actor reads
	vae          map[string]vaeSections // per VAE enrolment the actor reads, the parts they read
	vaeAny       vaeSections            // the parts the actor reads of at least one of the candidate's VAE files
	vaeEnrolment map[string]string      // review, decision and evidence → their VAE enrolment
	grids        map[string]bool        // the grid versions the actor reads
	juryAll      bool                   // the actor reads every jury session
	juryInvited  map[string]bool        // the sessions the actor is invited to
	certificates bool                   // the actor reads this candidate's certificates
}

func (s *Service) timelineSubjects(ctx context.Context, q store.Q, a domain.Actor, c domain.Candidate) (timelineSubjects, error) {
	t := timelineSubjects{candidateID: c.ID, enrolments: map[string]bool{}, vae: map[string]vaeSections{},
		vaeEnrolment: map[string]string{}, grids: map[string]bool{}, juryInvited: map[string]bool{}}
	t.isCandidate = contains(a.Scopes(domain.RoleCandidate), c.ID)
	t.everything = a.System || (AccessFor(a, ActCandidateRead) == AccessAll && AccessFor(a, ActVAERead) == AccessAll &&
		AccessFor(a, ActJuryRead) == AccessAll && AccessFor(a, ActCertificateRead) == AccessAll)
	if t.everything {
		return t, nil
	}
	for _, e := range c.Enrolments {
		t.enrolments[e.ID] = true
	}
	if err := s.timelineVAE(ctx, q, a, c, &t); err != nil {
		return t, err
	}
	if err := s.timelineGrids(ctx, q, a, c, &t); err != nil {
		return t, err
	}
	t.juryAll = AccessFor(a, ActJuryRead) == AccessAll
	if !t.juryAll && Can(a, ActJuryRead) {
		sessions, err := q.JurySessionsOfMember(ctx, a.UserID)
		if err != nil {
			return t, err
		}
		for _, js := range sessions {
			t.juryInvited[js.ID] = true
		}
	}
	t.certificates = AccessFor(a, ActCertificateRead) == AccessAll || (Can(a, ActCertificateRead) && t.isCandidate)
	return t, nil
}

// timelineVAE notes the candidate's VAE files the actor reads, the parts they read, and which
// file each review, decision and piece of evidence belongs to.
func (s *Service) timelineVAE(ctx context.Context, q store.Q, a domain.Actor, c domain.Candidate, t *timelineSubjects) error {
	if !Can(a, ActVAERead) {
		return nil
	}
	for _, e := range c.Enrolments {
		v, err := s.loadVAE(ctx, q, a, ActVAERead, e.ID)
		if domain.ErrorCode(err) == domain.ENOTFOUND {
			continue
		}
		if err != nil {
			return err
		}
		t.vae[e.ID] = v.sections
		t.vaeAny.Admissibility = t.vaeAny.Admissibility || v.sections.Admissibility
		t.vaeAny.Experience = t.vaeAny.Experience || v.sections.Experience
		reviews, err := q.VAEReviews(ctx, e.ID)
		if err != nil {
			return err
		}
		for _, r := range reviews {
			t.vaeEnrolment[r.ID] = e.ID
		}
		decisions, err := q.VAEDecisions(ctx, e.ID)
		if err != nil {
			return err
		}
		for _, d := range decisions {
			t.vaeEnrolment[d.ID] = e.ID
		}
		evidence, err := q.EvidenceList(ctx, e.ID)
		if err != nil {
			return err
		}
		for _, ev := range evidence {
			t.vaeEnrolment[ev.ID] = e.ID
		}
	}
	return nil
}

// timelineGrids notes the grid versions whose detail the actor reads: those they fill, or every
// one when they read every candidate (as the evaluation summary shows them).
func (s *Service) timelineGrids(ctx context.Context, q store.Q, a domain.Actor, c domain.Candidate, t *timelineSubjects) error {
	all := AccessFor(a, ActCandidateRead) == AccessAll
	for _, e := range c.Enrolments {
		versions, err := q.GridVersions(ctx, e.ID, "")
		if err != nil {
			return err
		}
		for _, g := range versions {
			mine := all
			if !mine {
				if mine, err = s.isGridEvaluator(ctx, q, a, e, g.Evaluator); err != nil {
					return err
				}
			}
			if mine {
				t.grids[g.ID] = true
			}
		}
	}
	return nil
}

// vaeSection names the part of a VAE file an event tells of: the admissibility file (the
// request's message, the file itself, the organisation's reasoned opinion), the experience
// file (its blocks, evidence and the adviser's comments), or "" for where the file stands
// (sent, decided, reminded), which every reader of the file reads.
func vaeSection(action string) string {
	switch action {
	case "vae.request", "vae.admissibility_save", "vae.admissibility_submit", "vae.review_request", "vae.review_give":
		return "admissibility"
	case "vae.experience_save", "vae.experience_submit", "vae.experience_reopen",
		"vae.evidence_add", "vae.evidence_remove", "vae.adviser_comment":
		return "experience"
	}
	return ""
}

// visible says whether the actor may read the event's subject.
func (t timelineSubjects) visible(e domain.AuditEntry) bool {
	if t.everything {
		return true
	}
	switch e.EntityType {
	case "candidate":
		return e.EntityID == t.candidateID
	case "enrolment":
		return t.enrolments[e.EntityID]
	case "oral":
		// The convocations show in the candidate's progress to whoever reads the candidate.
		return true
	case "evaluation_grid":
		return t.grids[e.EntityID]
	case "jury_session":
		return t.juryAll || t.juryInvited[e.EntityID] || t.isCandidate
	case "certificate":
		return t.certificates
	case "vae_file", "vae_review", "vae_decision", "vae_evidence":
		return t.vaeVisible(e)
	}
	return false
}

func (t timelineSubjects) vaeVisible(e domain.AuditEntry) bool {
	enrolment := e.EntityID
	if e.EntityType != "vae_file" {
		enrolment = t.vaeEnrolment[e.EntityID]
	}
	sections, ok := t.vae[enrolment]
	if !ok {
		// Evidence since removed names no file any more: the parts read on any of the
		// candidate's files decide.
		if e.EntityType != "vae_evidence" || len(t.vae) == 0 {
			return false
		}
		sections = t.vaeAny
	}
	switch vaeSection(e.Action) {
	case "admissibility":
		return sections.Admissibility
	case "experience":
		return sections.Experience
	}
	return true
}
