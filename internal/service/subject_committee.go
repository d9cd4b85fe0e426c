package service

import (
	"context"
	"fmt"
	"strings"
	"time"

	"cqp/internal/domain"
	"cqp/internal/store"
)

// The subject bank, the secretariat's and the committee's side (issue 18): the yearly call and
// its opening mail, the committee's sessions, the review of each proposal, and the bank.

// SubjectCallInput is the call form.
type SubjectCallInput struct {
	Year     int
	OpensOn  string // JJ/MM/AAAA or YYYY-MM-DD
	ClosesOn string
}

func parseFormDate(s string) domain.Date {
	s = strings.TrimSpace(s)
	if d, err := domain.ParseISODate(s); err == nil {
		return d
	}
	if d, err := domain.ParseFrenchDate(s); err == nil {
		return d
	}
	return domain.Date{}
}

// SubjectCalls lists the calls, the latest year first.
func (s *Service) SubjectCalls(ctx context.Context, a domain.Actor) ([]domain.SubjectCall, error) {
	if !Can(a, ActSubjectCallManage) && !Can(a, ActSubjectBankRead) {
		return nil, Check(a, ActSubjectCallManage)
	}
	return s.store.Read().SubjectCalls(ctx)
}

// CreateSubjectCall opens the call of a year; the mail to the accredited organisations goes on
// its opening day (AnnounceSubjectCalls).
func (s *Service) CreateSubjectCall(ctx context.Context, a domain.Actor, in SubjectCallInput) (domain.SubjectCall, error) {
	if err := Check(a, ActSubjectCallManage); err != nil {
		return domain.SubjectCall{}, err
	}
	c := domain.SubjectCall{ID: newID(), Year: in.Year, OpensOn: parseFormDate(in.OpensOn), ClosesOn: parseFormDate(in.ClosesOn), CreatedAt: s.Now(), CreatedBy: a.UserID}
	if err := c.Validate(); err != nil {
		return c, err
	}
	err := s.store.Write(ctx, func(q store.Q) error {
		if err := checkCallOverlap(ctx, q, c); err != nil {
			return err
		}
		if err := q.CreateSubjectCall(ctx, c); err != nil {
			return err
		}
		return s.audit(ctx, q, a, change{Action: "subject_call.create", EntityType: "subject_call", EntityID: c.ID,
			After: map[string]any{"year": c.Year, "opens_on": c.OpensOn.ISO(), "closes_on": c.ClosesOn.ISO()}})
	})
	if err != nil {
		return c, err
	}
	_, err = s.AnnounceSubjectCalls(ctx)
	return c, err
}

// UpdateSubjectCall moves a call's dates.
func (s *Service) UpdateSubjectCall(ctx context.Context, a domain.Actor, id string, in SubjectCallInput) error {
	if err := Check(a, ActSubjectCallManage); err != nil {
		return err
	}
	err := s.store.Write(ctx, func(q store.Q) error {
		cur, err := q.SubjectCall(ctx, id)
		if err != nil {
			return err
		}
		next := cur
		next.OpensOn, next.ClosesOn = parseFormDate(in.OpensOn), parseFormDate(in.ClosesOn)
		if err := next.Validate(); err != nil {
			return err
		}
		if err := checkCallOverlap(ctx, q, next); err != nil {
			return err
		}
		if err := q.UpdateSubjectCallDates(ctx, id, next.OpensOn, next.ClosesOn); err != nil {
			return err
		}
		return s.audit(ctx, q, a, change{Action: "subject_call.dates", EntityType: "subject_call", EntityID: id,
			Before: map[string]any{"opens_on": cur.OpensOn.ISO(), "closes_on": cur.ClosesOn.ISO()},
			After:  map[string]any{"opens_on": next.OpensOn.ISO(), "closes_on": next.ClosesOn.ISO()}})
	})
	if err != nil {
		return err
	}
	_, err = s.AnnounceSubjectCalls(ctx)
	return err
}

// checkCallOverlap refuses a call whose dates overlap another's: one call at a time, so that a
// submission belongs to one year's call.
func checkCallOverlap(ctx context.Context, q store.Q, c domain.SubjectCall) error {
	calls, err := q.SubjectCalls(ctx)
	if err != nil {
		return err
	}
	for _, o := range calls {
		if o.ID != c.ID && !c.ClosesOn.Before(o.OpensOn) && !o.ClosesOn.Before(c.OpensOn) {
			msg := fmt.Sprintf("Ces dates chevauchent l'appel %d (du %s au %s) : un seul appel est ouvert à la fois.", o.Year, o.OpensOn, o.ClosesOn)
			return domain.FieldErrors{"opens_on": msg}.Err()
		}
	}
	return nil
}

// AnnounceSubjectCalls queues, once per call, the opening mail to every training organisation
// accredited on the opening day; it runs with the hourly reminders and after a call is saved.
// It returns how many mails were queued.
func (s *Service) AnnounceSubjectCalls(ctx context.Context) (int, error) {
	today := s.Today()
	due, err := s.store.Read().SubjectCallsToAnnounce(ctx, today)
	if err != nil || len(due) == 0 {
		return 0, err
	}
	sent := 0
	for _, c := range due {
		err := s.store.Write(ctx, func(q store.Q) error {
			first, err := q.MarkSubjectCallAnnounced(ctx, c.ID, s.Now())
			if err != nil || !first {
				return err
			}
			orgs, err := q.AccreditedOrganisationEmails(ctx, today)
			if err != nil {
				return err
			}
			subject := fmt.Sprintf("Appel à sujets d'évaluation %d : proposez vos cas pratiques et questions de connaissances", c.Year)
			for _, o := range orgs {
				body := fmt.Sprintf("Bonjour,\n\nL'appel à sujets d'évaluation %d est ouvert du %s au %s.\n\n"+
					"Comme chaque année, %s est invité à proposer à la commission de sujets des cas pratiques et des questions de connaissances "+
					"pour les oraux de certification : texte remis au candidat, réponse attendue et grille de correction, blocs et compétences évalués.\n\n"+
					"Proposez-les sur la plateforme : %s/sujets/propositions\n\nLe secrétariat des CQP",
					c.Year, c.OpensOn, c.ClosesOn, o.Name, s.baseURL)
				if err := s.queueMail(ctx, q, o.Email, subject, body); err != nil {
					return err
				}
				sent++
			}
			return s.audit(ctx, q, domain.SystemActor("cqp"), change{Action: "subject_call.announce", EntityType: "subject_call", EntityID: c.ID,
				After: map[string]any{"year": c.Year, "organisations": len(orgs)}})
		})
		if err != nil {
			return sent, err
		}
	}
	return sent, nil
}

// SubjectCommitteeInput is the form scheduling a committee session.
type SubjectCommitteeInput struct {
	Date    string // JJ/MM/AAAA
	Time    string // HH:MM
	Place   string
	Members []string // user IDs holding the subject committee role
}

// SubjectCommitteeSessions lists the committee's sessions with their members.
func (s *Service) SubjectCommitteeSessions(ctx context.Context, a domain.Actor) ([]store.SubjectCommitteeSessionListing, error) {
	if err := Check(a, ActSubjectBankRead); err != nil {
		return nil, err
	}
	return s.store.Read().SubjectCommitteeSessions(ctx, "")
}

// SubjectCommitteeMembers lists the active accounts holding the subject committee role.
func (s *Service) SubjectCommitteeMembers(ctx context.Context, a domain.Actor) ([]domain.User, error) {
	if err := Check(a, ActSubjectCommitteeManage); err != nil {
		return nil, err
	}
	users, err := s.store.Read().ListUsers(ctx, store.UserFilter{Role: domain.RoleSubjectCommittee})
	if err != nil {
		return nil, err
	}
	out := users[:0]
	for _, u := range users {
		if !u.Disabled() {
			out = append(out, u)
		}
	}
	return out, nil
}

// CreateSubjectCommitteeSession schedules a session and tells its members.
func (s *Service) CreateSubjectCommitteeSession(ctx context.Context, a domain.Actor, in SubjectCommitteeInput) (domain.SubjectCommitteeSession, error) {
	var out domain.SubjectCommitteeSession
	if err := Check(a, ActSubjectCommitteeManage); err != nil {
		return out, err
	}
	fe := domain.FieldErrors{}
	day := parseFormDate(in.Date)
	if day.IsZero() {
		fe.Add("date", "Indiquez la date de la séance au format JJ/MM/AAAA.")
	}
	hm, ok := clock(in.Time)
	if !ok {
		fe.Add("time", "Indiquez l'heure de début au format HH:MM, par exemple 14:00.")
	}
	if strings.TrimSpace(in.Place) == "" {
		fe.Add("place", "Indiquez le lieu de la séance (ou le lien de la visioconférence).")
	}
	if len(in.Members) == 0 {
		fe.Add("members", "Cochez au moins un membre de la commission de sujets.")
	}
	if err := fe.Err(); err != nil {
		return out, err
	}
	starts, err := time.ParseInLocation("2006-01-02 15:04", day.ISO()+" "+hm, domain.Paris())
	if err != nil {
		return out, domain.FieldErrors{"time": "Indiquez l'heure de début au format HH:MM, par exemple 14:00."}.Err()
	}
	err = s.store.Write(ctx, func(q store.Q) error {
		members, err := q.ListUsers(ctx, store.UserFilter{Role: domain.RoleSubjectCommittee})
		if err != nil {
			return err
		}
		byID := map[string]domain.User{}
		for _, u := range members {
			if !u.Disabled() {
				byID[u.ID] = u
			}
		}
		for _, id := range in.Members {
			if _, ok := byID[id]; !ok {
				return domain.FieldErrors{"members": "Un des membres cochés n'a pas (ou plus) le rôle de membre de la commission de sujets."}.Err()
			}
		}
		out = domain.SubjectCommitteeSession{ID: newID(), StartsAt: starts.UTC(), Place: strings.TrimSpace(in.Place), Members: in.Members,
			CreatedAt: s.Now(), CreatedBy: a.UserID}
		if err := q.CreateSubjectCommitteeSession(ctx, out); err != nil {
			return err
		}
		for _, id := range in.Members {
			body := fmt.Sprintf("Bonjour,\n\nLa commission de sujets d'évaluation se réunit le %s à %s, lieu : %s.\n\n"+
				"Les propositions à examiner sont sur la plateforme : %s/sujets/a-examiner\n\nLe secrétariat des CQP",
				day, hm, out.Place, s.baseURL)
			if err := s.queueMail(ctx, q, byID[id].Email, "Commission de sujets d'évaluation du "+day.String(), body); err != nil {
				return err
			}
		}
		return s.audit(ctx, q, a, change{Action: "subject_committee.schedule", EntityType: "subject_committee_session", EntityID: out.ID,
			After: map[string]any{"starts_at": out.StartsAt, "place": out.Place, "members": out.Members}})
	})
	return out, err
}

// SubjectsToReview lists the submitted proposals awaiting the committee, the oldest first.
func (s *Service) SubjectsToReview(ctx context.Context, a domain.Actor) ([]store.SubjectListing, error) {
	if !Can(a, ActSubjectReview) && !Can(a, ActSubjectBankRead) {
		return nil, Check(a, ActSubjectReview)
	}
	list, err := s.store.Read().Subjects(ctx, store.SubjectFilter{Statuses: []domain.SubjectStatus{domain.SubjectSubmitted}})
	if err != nil {
		return nil, err
	}
	for i, j := 0, len(list)-1; i < j; i, j = i+1, j-1 {
		list[i], list[j] = list[j], list[i]
	}
	return list, nil
}

// SubjectReviewInput is the committee member's decision on a proposal. For « accepted with
// changes » the texts are the committee's new version.
type SubjectReviewInput struct {
	Decision        domain.SubjectDecision
	Reason          string
	ValidityYears   int
	Title           string
	CandidateText   string
	ExpectedAnswer  string
	MarkingGuide    string
	DurationMinutes int
}

// ReviewSubject records the committee's decision on a submitted proposal, taken in the latest
// session the member sits on that has begun; an acceptance with changes adds the committee's
// version and keeps the proposer's. The proposer is told by mail.
func (s *Service) ReviewSubject(ctx context.Context, a domain.Actor, id string, in SubjectReviewInput) (domain.SubjectReview, error) {
	var r domain.SubjectReview
	if err := Check(a, ActSubjectReview); err != nil {
		return r, err
	}
	r = domain.SubjectReview{ID: newID(), SubjectID: id, Decision: in.Decision, Reason: strings.TrimSpace(in.Reason),
		ReviewerID: a.UserID, ReviewedAt: s.Now()}
	if in.Decision.Accepts() {
		r.ValidityYears = in.ValidityYears
	}
	fe := domain.FieldErrors{}
	if err := r.Validate(); err != nil {
		for k, m := range err.(*domain.Error).Fields {
			fe.Add(k, m)
		}
	}
	err := s.store.Write(ctx, func(q store.Q) error {
		cur, err := q.Subject(ctx, id)
		if err != nil {
			return err
		}
		if cur.Status != domain.SubjectSubmitted {
			return domain.Errorf(domain.ECONFLICT, "La commission a déjà statué sur ce sujet (%s).", strings.ToLower(cur.Status.Label()))
		}
		var changed domain.SubjectVersion
		if in.Decision == domain.SubjectDecisionAcceptedWithChanges {
			changed = domain.SubjectVersion{SubjectID: id, Version: cur.CurrentVersion + 1, Title: strings.TrimSpace(in.Title),
				CandidateText: strings.TrimSpace(in.CandidateText), ExpectedAnswer: strings.TrimSpace(in.ExpectedAnswer),
				MarkingGuide: strings.TrimSpace(in.MarkingGuide), DurationMinutes: in.DurationMinutes, AuthorID: a.UserID,
				AuthorKind: domain.SubjectAuthorCommittee, Reason: r.Reason, CreatedAt: s.Now()}
			if err := changed.Validate(); err != nil {
				for k, m := range err.(*domain.Error).Fields {
					fe.Add(k, m)
				}
			} else if changed.Title == cur.Current.Title && changed.CandidateText == cur.Current.CandidateText &&
				changed.ExpectedAnswer == cur.Current.ExpectedAnswer && changed.MarkingGuide == cur.Current.MarkingGuide &&
				changed.DurationMinutes == cur.Current.DurationMinutes {
				fe.Add("candidate_text", "Le texte n'a pas changé : modifiez-le, ou choisissez « Accepté » sans modification.")
			}
		}
		if err := fe.Err(); err != nil {
			return err
		}
		sessions, err := q.SubjectCommitteeSessions(ctx, a.UserID)
		if err != nil {
			return err
		}
		for _, sess := range sessions { // the latest first
			if !sess.StartsAt.After(s.Now()) || domain.DateOf(sess.StartsAt) == s.Today() {
				r.SessionID = sess.ID
				break
			}
		}
		if r.SessionID == "" {
			return domain.Errorf(domain.ECONFLICT, "Vous ne siégez à aucune séance de la commission de sujets ouverte à ce jour : la décision se prend en séance, que le secrétariat programme.")
		}
		r.Version = cur.CurrentVersion
		if changed.Version != 0 {
			if err := q.AddSubjectVersion(ctx, changed); err != nil {
				return err
			}
			r.Version = changed.Version
		}
		if err := q.CreateSubjectReview(ctx, r); err != nil {
			return err
		}
		status, validUntil := domain.SubjectRefused, domain.Date{}
		if in.Decision.Accepts() {
			status = domain.SubjectAccepted
			validUntil = domain.DateOf(time.Date(s.Today().Year()+r.ValidityYears, s.Today().Month(), s.Today().Day(), 12, 0, 0, 0, time.UTC)).AddDays(-1)
		}
		if err := q.DecideSubject(ctx, id, status, validUntil, s.Now()); err != nil {
			return err
		}
		if proposer, err := q.UserByID(ctx, cur.ProposedBy); err == nil && !proposer.Disabled() {
			body := fmt.Sprintf("Bonjour,\n\nLa commission de sujets d'évaluation a examiné votre proposition « %s » : %s.\n", cur.Current.Title, strings.ToLower(in.Decision.Label()))
			if r.Reason != "" {
				body += "Motif : " + r.Reason + "\n"
			}
			if status == domain.SubjectAccepted {
				body += fmt.Sprintf("Le sujet entre dans la banque jusqu'au %s.\n", validUntil)
			}
			body += fmt.Sprintf("\nVotre proposition : %s/sujets/propositions/%s\n\nLe secrétariat des CQP", s.baseURL, id)
			if err := s.queueMail(ctx, q, proposer.Email, "Votre proposition de sujet : "+strings.ToLower(in.Decision.Label()), body); err != nil {
				return err
			}
		}
		return s.audit(ctx, q, a, change{Action: "subject.review", EntityType: "subject", EntityID: id, Reason: r.Reason,
			Before: map[string]any{"status": cur.Status, "version": cur.CurrentVersion},
			After:  map[string]any{"status": status, "decision": r.Decision, "version": r.Version, "validity_years": r.ValidityYears, "valid_until": validUntil.ISO(), "session": r.SessionID}})
	})
	return r, err
}

// SubjectBankFilter is the bank's search form.
type SubjectBankFilter struct {
	QualificationID string
	BlockCode       string
	Kind            domain.SubjectKind
	Status          domain.SubjectStatus // empty: the bank (accepted); "all" is not a status
	Proposer        string               // "kind:id"
	MaxUses         *int
	MinUses         int
	NotUsedSince    domain.Date
}

// SubjectBankRow is a subject in the bank's list, with its proposer and use.
type SubjectBankRow struct {
	store.SubjectListing
	Expired bool // accepted but past its validity
}

// SubjectBank searches the subjects for the secretariat and the committee.
func (s *Service) SubjectBank(ctx context.Context, a domain.Actor, f SubjectBankFilter) ([]SubjectBankRow, error) {
	if err := Check(a, ActSubjectBankRead); err != nil {
		return nil, err
	}
	sf := store.SubjectFilter{QualificationID: f.QualificationID, BlockCode: f.BlockCode, Kind: f.Kind, MinUses: f.MinUses, MaxUses: f.MaxUses, Order: "uses"}
	if f.Status != "" {
		sf.Statuses = []domain.SubjectStatus{f.Status}
	} else {
		sf.Statuses = []domain.SubjectStatus{domain.SubjectAccepted}
	}
	if kind, id, ok := strings.Cut(f.Proposer, ":"); ok {
		sf.ProposerKind, sf.ProposerOrgID = domain.ProposerKind(kind), id
	}
	if !f.NotUsedSince.IsZero() {
		t := f.NotUsedSince.Time()
		sf.NotUsedSince = &t
	}
	list, err := s.store.Read().Subjects(ctx, sf)
	if err != nil {
		return nil, err
	}
	today := s.Today()
	out := make([]SubjectBankRow, len(list))
	for i, l := range list {
		out[i] = SubjectBankRow{SubjectListing: l, Expired: l.Status == domain.SubjectAccepted && !l.ValidOn(today)}
	}
	return out, nil
}

// SubjectProposerOptions lists the organisations that proposed at least one subject, for the
// bank's filter.
func (s *Service) SubjectProposerOptions(ctx context.Context, a domain.Actor) ([]SubjectProposer, error) {
	if err := Check(a, ActSubjectBankRead); err != nil {
		return nil, err
	}
	list, err := s.store.Read().Subjects(ctx, store.SubjectFilter{})
	if err != nil {
		return nil, err
	}
	seen := map[string]bool{}
	var out []SubjectProposer
	for _, l := range list {
		p := SubjectProposer{Kind: l.ProposerKind, ID: l.ProposerOrgID, Name: l.ProposerOrgName}
		if l.Status != domain.SubjectDraft && l.Status != domain.SubjectWithdrawn && !seen[p.Key()] {
			seen[p.Key()] = true
			out = append(out, p)
		}
	}
	return out, nil
}

// SubjectDetail is a subject's page for the secretariat and the committee.
type SubjectDetail struct {
	Subject     domain.Subject
	Versions    []domain.SubjectVersion
	Reviews     []domain.SubjectReview
	Attachments []domain.SubjectAttachment
	Uses        int
	LastUsed    *time.Time
	Qualif      SubjectQualification
	Expired     bool
}

// Subject returns a subject with its versions, reviews, attachments and use. Drafts and
// withdrawn proposals stay with their authors.
func (s *Service) Subject(ctx context.Context, a domain.Actor, id string) (SubjectDetail, error) {
	var d SubjectDetail
	if err := Check(a, ActSubjectBankRead); err != nil {
		return d, err
	}
	q := s.store.Read()
	sub, err := q.Subject(ctx, id)
	if err != nil {
		return d, err
	}
	if sub.Status == domain.SubjectDraft || sub.Status == domain.SubjectWithdrawn {
		return d, domain.Errorf(domain.ENOTFOUND, "Sujet introuvable.")
	}
	d.Subject, d.Expired = sub, sub.Status == domain.SubjectAccepted && !sub.ValidOn(s.Today())
	if d.Versions, err = q.SubjectVersions(ctx, id); err != nil {
		return d, err
	}
	if d.Reviews, err = q.SubjectReviews(ctx, id); err != nil {
		return d, err
	}
	if d.Attachments, err = q.SubjectAttachments(ctx, id); err != nil {
		return d, err
	}
	uses, err := q.SubjectUses(ctx)
	if err != nil {
		return d, err
	}
	d.Uses, d.LastUsed = uses[id].Uses, uses[id].LastUsed
	quals, err := subjectQualifications(ctx, q)
	if err != nil {
		return d, err
	}
	for _, qu := range quals {
		if qu.ID == sub.QualificationID {
			d.Qualif = qu
		}
	}
	return d, nil
}

// BankAttachment returns an attachment of a subject the secretariat or the committee reads.
func (s *Service) BankAttachment(ctx context.Context, a domain.Actor, id, attachmentID string) (domain.SubjectAttachment, error) {
	if _, err := s.Subject(ctx, a, id); err != nil {
		return domain.SubjectAttachment{}, err
	}
	return s.store.Read().SubjectAttachment(ctx, id, attachmentID)
}

// RetireSubject takes a subject out of the bank, with the reason.
func (s *Service) RetireSubject(ctx context.Context, a domain.Actor, id, reason string) error {
	if err := Check(a, ActSubjectRetire); err != nil {
		return err
	}
	reason = strings.TrimSpace(reason)
	if reason == "" {
		return domain.FieldErrors{"reason": "Indiquez pourquoi le sujet est retiré de la banque."}.Err()
	}
	return s.store.Write(ctx, func(q store.Q) error {
		cur, err := q.Subject(ctx, id)
		if err != nil {
			return err
		}
		if err := q.RetireSubject(ctx, id, s.Now(), a.UserID, reason); err != nil {
			return err
		}
		return s.audit(ctx, q, a, change{Action: "subject.retire", EntityType: "subject", EntityID: id, Reason: reason,
			Before: map[string]any{"status": cur.Status}, After: map[string]any{"status": domain.SubjectRetired}})
	})
}

// OpenSubjectCall returns the call open today, if any, for whoever proposes or keeps the bank.
func (s *Service) OpenSubjectCall(ctx context.Context, a domain.Actor) (domain.SubjectCall, bool, error) {
	if !Can(a, ActSubjectPropose) && !Can(a, ActSubjectBankRead) && !Can(a, ActSubjectCallManage) {
		return domain.SubjectCall{}, false, Check(a, ActSubjectPropose)
	}
	return s.store.Read().SubjectCallOpenOn(ctx, s.Today())
}
