package service

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"cqp/internal/domain"
	"cqp/internal/rules"
	"cqp/internal/store"
)

// The deliberation and the closing of a jury session (DOMAIN.md §6–§7, issue 5 item 3).
//
// The jury decides only the blocks the rules engine puts in debate; the commission's "not
// acquired" and the automatic outcomes are refused with the reason. Decisions are taken while
// the session deliberates with its quorum present. The president closes the session: in one
// transaction every candidate's final result is computed again by the rules engine (the jury's
// decisions and the blocks acquired at earlier sessions included), the outcomes, the newly
// acquired blocks and the enrolments' statuses are written, and every input and decision is
// frozen in the session's snapshot. A closed session is never written again: a correction is
// a rectification session, which re-examines the same candidates and replaces the blocks the
// corrected session gave them.

// OpenJuryDeliberation lets a planned session deliberate, once its quorum is present.
func (s *Service) OpenJuryDeliberation(ctx context.Context, a domain.Actor, sessionID string) (Quorum, error) {
	if err := Check(a, ActJuryManage); err != nil {
		return Quorum{}, err
	}
	var qu Quorum
	err := s.store.Write(ctx, func(q store.Q) error {
		js, err := openSession(ctx, q, sessionID)
		if err != nil {
			return err
		}
		if js.Status == store.JuryDeliberating {
			return domain.Errorf(domain.ECONFLICT, "La délibération est déjà ouverte.")
		}
		if qu, err = sessionQuorum(ctx, q, js); err != nil {
			return err
		}
		if !qu.Reached() {
			return domain.Errorf(domain.ECONFLICT, "%s La délibération ne peut pas s'ouvrir.", qu.Message())
		}
		if err := q.SetJurySessionStatus(ctx, js.ID, store.JuryPlanned, store.JuryDeliberating); err != nil {
			return err
		}
		return s.audit(ctx, q, a, change{Action: "jury.open", EntityType: "jury_session", EntityID: js.ID,
			Before: map[string]any{"session_status": string(store.JuryPlanned)},
			After:  map[string]any{"session_status": string(store.JuryDeliberating), "present": qu.Present, "quorum": qu.Required}})
	})
	return qu, err
}

func sessionQuorum(ctx context.Context, q store.Q, js store.JurySession) (Quorum, error) {
	invited, err := q.JuryInvitations(ctx, js.ID)
	if err != nil {
		return Quorum{}, err
	}
	return quorumOf(js, juryMembers(invited)), nil
}

// deliberating returns the session locked, if the actor may decide in it (actingSession) and it
// deliberates with its quorum present.
func deliberating(ctx context.Context, q store.Q, a domain.Actor, sessionID string) (store.JurySession, Quorum, error) {
	js, err := actingSession(ctx, q, a, ActJuryDecide, sessionID, whatDecide)
	if err != nil {
		return js, Quorum{}, err
	}
	qu, err := sessionQuorum(ctx, q, js)
	if err != nil {
		return js, qu, err
	}
	if js.Status != store.JuryDeliberating {
		return js, qu, domain.Errorf(domain.ECONFLICT, "La délibération n'est pas ouverte : enregistrez les présences, puis ouvrez la délibération quand le quorum est atteint.")
	}
	if !qu.Reached() {
		return js, qu, domain.Errorf(domain.ECONFLICT, "%s Le jury ne peut pas délibérer.", qu.Message())
	}
	return js, qu, nil
}

// JuryDecisionInput is the jury's decision on one debated block of one candidate.
type JuryDecisionInput struct {
	Block           string
	Decision        string // "A" (acquis) or "NA" (non acquis)
	Reason          string // required: it is printed in the minutes
	ReferentOpinion string // the company referent's opinion, when the jury asked for it
}

const maxReason = 4000

// DecideJuryBlock records the jury's decision on a block in debate, with its reason. Deciding a
// block again replaces the earlier decision (both are kept in the audit trail).
func (s *Service) DecideJuryBlock(ctx context.Context, a domain.Actor, sessionID, enrolmentID string, in JuryDecisionInput) error {
	if err := Check(a, ActJuryDecide); err != nil {
		return err
	}
	in.Block = strings.TrimSpace(in.Block)
	in.Reason = strings.TrimSpace(in.Reason)
	in.ReferentOpinion = strings.TrimSpace(in.ReferentOpinion)
	fe := domain.FieldErrors{}
	if in.Block == "" {
		fe.Add("block", "Choisissez le bloc sur lequel le jury décide.")
	}
	if !rules.JuryDecision(in.Decision).Valid() {
		fe.Add("decision", "Choisissez la décision du jury : acquis ou non acquis.")
	}
	switch {
	case in.Reason == "":
		fe.Add("reason", "Indiquez le motif de la décision : il figure au procès-verbal.")
	case utf8.RuneCountInString(in.Reason) > maxReason:
		fe.Add("reason", fmt.Sprintf("Le motif dépasse %d caractères : résumez-le.", maxReason))
	}
	if utf8.RuneCountInString(in.ReferentOpinion) > maxReason {
		fe.Add("referent_opinion", fmt.Sprintf("L'avis du référent dépasse %d caractères : résumez-le.", maxReason))
	}
	if err := fe.Err(); err != nil {
		return err
	}
	return s.store.Write(ctx, func(q store.Q) error {
		js, _, err := deliberating(ctx, q, a, sessionID)
		if err != nil {
			return err
		}
		c, e, err := presentedEnrolment(ctx, q, js.ID, enrolmentID)
		if err != nil {
			return err
		}
		input, err := loadJuryInput(ctx, q, map[string]domain.Framework{}, c, e, js.RectifiesSessionID)
		if err != nil {
			return err
		}
		decisions, err := q.JuryDecisions(ctx, js.ID, e.ID)
		if err != nil {
			return err
		}
		var others []store.JuryDecision
		var before any
		for _, d := range decisions {
			if d.BlockCode == in.Block {
				before = decisionState(d)
				continue
			}
			others = append(others, d)
		}
		jc, err := input.judge(others)
		if err != nil {
			return err
		}
		b, ok := jc.Block(in.Block)
		if !ok {
			return (domain.FieldErrors{"block": "Le bloc " + in.Block + " n'est pas parmi les blocs présentés par " + c.DisplayName() + "."}).Err()
		}
		if !b.InDebate {
			return domain.Errorf(domain.ECONFLICT, "%s", notInDebate(b))
		}
		d := store.JuryDecision{ID: newID(), SessionID: js.ID, EnrolmentID: e.ID, BlockCode: b.Code, Decision: in.Decision,
			Reason: in.Reason, ReferentOpinion: in.ReferentOpinion, DecidedAt: s.Now(), DecidedBy: a.UserID}
		if err := q.SaveJuryDecision(ctx, d); err != nil {
			return err
		}
		return s.audit(ctx, q, a, change{Action: "jury.decide", EntityType: "jury_session", EntityID: js.ID, CandidateID: c.ID,
			Before: before, After: decisionState(d), Reason: in.Reason})
	})
}

func decisionState(d store.JuryDecision) map[string]string {
	m := map[string]string{"block": d.BlockCode, "decision": decisionLabel(rules.JuryDecision(d.Decision)), "reason": d.Reason}
	if d.ReferentOpinion != "" {
		m["referent_opinion"] = d.ReferentOpinion
	}
	return m
}

// notInDebate explains in French why the jury may not decide a block.
func notInDebate(b JuryBlock) string {
	switch {
	case b.Prior:
		return "Le bloc " + b.Code + " est acquis depuis une session antérieure : un bloc acquis l'est définitivement, le jury ne revient pas dessus."
	case b.Outcome == rules.OutcomeAcquired:
		return "Le bloc " + b.Code + " est acquis automatiquement : tous les évaluateurs l'ont attribué. Le jury ne décide que des blocs en débat ; un résultat automatique ne se modifie pas."
	case b.Outcome == rules.OutcomeNotAcquired:
		return "Le bloc " + b.Code + " n'est pas acquis : la commission d'évaluation ne l'a pas attribué et sa voix est prépondérante ; le jury ne peut pas revenir dessus."
	case b.Outcome == rules.OutcomeNotAdmitted:
		return "Le bloc " + b.Code + " n'est pas admis à l'évaluation finale : sa note d'évaluation continue est sous le minimum ; le jury ne peut pas l'attribuer."
	case b.Outcome == rules.OutcomeIncomplete:
		return "Le bloc " + b.Code + " est incomplet : la délibération attend des évaluations complètes avant que le jury en décide."
	}
	return "Le bloc " + b.Code + " n'est pas en débat : le jury ne décide que des blocs en débat."
}

// RemoveJuryDecision removes a decision while the session deliberates: a decision taken by
// mistake, or one left on a block that is no longer in debate.
func (s *Service) RemoveJuryDecision(ctx context.Context, a domain.Actor, sessionID, enrolmentID, block string) error {
	if err := Check(a, ActJuryDecide); err != nil {
		return err
	}
	return s.store.Write(ctx, func(q store.Q) error {
		js, err := actingSession(ctx, q, a, ActJuryDecide, sessionID, whatDecide)
		if err != nil {
			return err
		}
		c, e, err := presentedEnrolment(ctx, q, js.ID, enrolmentID)
		if err != nil {
			return err
		}
		decisions, err := q.JuryDecisions(ctx, js.ID, e.ID)
		if err != nil {
			return err
		}
		var before any
		for _, d := range decisions {
			if d.BlockCode == block {
				before = decisionState(d)
			}
		}
		if err := q.DeleteJuryDecision(ctx, js.ID, e.ID, block); err != nil {
			if domain.ErrorCode(err) == domain.ENOTFOUND {
				// The candidate and the session exist: what is missing is a state, not a page.
				return domain.Errorf(domain.ECONFLICT, "Aucune décision du jury n'est enregistrée sur le bloc %s de %s.", block, c.DisplayName())
			}
			return err
		}
		return s.audit(ctx, q, a, change{Action: "jury.decision_remove", EntityType: "jury_session", EntityID: js.ID, CandidateID: c.ID,
			Before: before})
	})
}

// closingProblems says, in French, what keeps a session from being closed now.
func closingProblems(js store.JurySession, qu Quorum, cands []JuryCandidate) []string {
	var out []string
	switch js.Status {
	case store.JuryClosed:
		return nil
	case store.JuryPlanned:
		out = append(out, "La délibération n'est pas ouverte : le secrétariat l'ouvre quand le quorum est atteint.")
	}
	if !qu.Reached() {
		out = append(out, qu.Message())
	}
	if len(cands) == 0 {
		out = append(out, "Aucun candidat n'est présenté à cette session.")
	}
	for _, c := range cands {
		who := c.Name + " (" + c.Number + ")"
		if u := c.Undecided(); len(u) > 0 {
			out = append(out, who+" : "+strings.Join(u, ", ")+" en débat sans décision du jury.")
		}
		var incomplete, stale []string
		for _, b := range c.Blocks {
			if b.Outcome == rules.OutcomeIncomplete {
				incomplete = append(incomplete, b.Code)
			}
			if b.StaleDecision {
				stale = append(stale, b.Code)
			}
		}
		if len(incomplete) > 0 {
			word := "incomplet"
			if len(incomplete) > 1 {
				word = "incomplets"
			}
			out = append(out, who+" : "+strings.Join(incomplete, ", ")+" "+word+" ; la délibération attend des évaluations complètes (faites compléter les grilles, ou retirez le candidat de la session).")
		}
		if len(stale) > 0 {
			out = append(out, who+" : la décision enregistrée sur "+strings.Join(stale, ", ")+" ne porte plus sur un bloc en débat (ses évaluations ont changé depuis) ; supprimez-la.")
		}
		if len(c.UnmetGates) > 0 {
			out = append(out, who+" : "+strings.Join(c.UnmetGates, " ; ")+", sans dérogation ; le secrétariat enregistre une dérogation motivée, ou retire le candidat de la session.")
		}
	}
	return out
}

// JurySnapshot is everything a closed session decided and everything it read, frozen at
// closing in jury_sessions.snapshot. The minutes are printed from it alone; certificates and
// block attestations are issued from it (each candidate's Outcome, Acquired and NewlyAcquired
// blocks), together with jury_candidates.outcome and acquired_blocks written in the same
// transaction.
type JurySnapshot struct {
	Format       int                `json:"format"` // 1
	SessionID    string             `json:"session_id"`
	Branch       JuryBranch         `json:"branch"`
	StartsAt     time.Time          `json:"starts_at"`
	Place        string             `json:"place,omitempty"`
	VideoLink    string             `json:"video_link,omitempty"`
	Quorum       int                `json:"quorum"`
	PresentCount int                `json:"present_count"`
	Members      []JuryMember       `json:"members"`
	Rectifies    *JuryRectification `json:"rectifies,omitempty"`
	Signatories  JurySignatories    `json:"signatories"`
	Candidates   []JuryCandidate    `json:"candidates"` // in presentation order
	ClosedAt     time.Time          `json:"closed_at"`
	ClosedBy     string             `json:"closed_by"`
	ClosedByName string             `json:"closed_by_name"`
}

// JuryBranch is the branch as the snapshot records it.
type JuryBranch struct {
	Code string `json:"code"`
	Name string `json:"name"`
	IDCC string `json:"idcc,omitempty"`
}

// JuryRectification says which closed session a session corrects, and why.
type JuryRectification struct {
	SessionID string    `json:"session_id"`
	StartsAt  time.Time `json:"starts_at"`
	Reason    string    `json:"reason"`
}

// JurySignatories are the names the branch's settings held at closing.
type JurySignatories struct {
	JuryPresident string `json:"jury_president"`
	CSCAPresident string `json:"csca_president,omitempty"`
	CPNEPresident string `json:"cpne_president,omitempty"`
}

// Candidate returns the snapshot's candidate for an enrolment.
func (sn JurySnapshot) Candidate(enrolmentID string) (JuryCandidate, bool) {
	for _, c := range sn.Candidates {
		if c.EnrolmentID == enrolmentID {
			return c, true
		}
	}
	return JuryCandidate{}, false
}

// ParseJurySnapshot reads a closed session's snapshot.
func ParseJurySnapshot(raw string) (JurySnapshot, error) {
	var sn JurySnapshot
	if err := json.Unmarshal([]byte(raw), &sn); err != nil {
		return sn, fmt.Errorf("read jury session snapshot: %w", err)
	}
	if sn.Format != 1 {
		return sn, fmt.Errorf("read jury session snapshot: unknown format %d", sn.Format)
	}
	return sn, nil
}

// outcomeStatus is the enrolment status a final outcome gives.
func outcomeStatus(o rules.CandidateOutcome) (domain.EnrolmentStatus, bool) {
	switch o {
	case rules.CandidateCertified:
		return domain.StatusCertified, true
	case rules.CandidatePartial:
		return domain.StatusPartial, true
	case rules.CandidateNotCertified:
		return domain.StatusNotCertified, true
	}
	return "", false
}

// CloseJurySession closes a deliberating session (the jury president, invited and recorded
// present: actingSession). It is refused, naming the candidates and blocks, while the quorum
// is not present, a debated block is undecided, a block is incomplete, a decision no longer
// applies or a gate before the jury is missed without a derogation. In one transaction it
// judges every candidate again with the jury's decisions and the blocks acquired earlier,
// writes each outcome, the newly acquired blocks (acquired on the session's date) and each
// enrolment's status, cancels their orals planned after the session (their result is final;
// the members and the candidate are told), and freezes the snapshot.
func (s *Service) CloseJurySession(ctx context.Context, a domain.Actor, sessionID string) (JurySnapshot, error) {
	if err := Check(a, ActJuryClose); err != nil {
		return JurySnapshot{}, err
	}
	var snap JurySnapshot
	err := s.store.Write(ctx, func(q store.Q) error {
		js, err := actingSession(ctx, q, a, ActJuryClose, sessionID, whatClose)
		if err != nil {
			return err
		}
		invited, err := q.JuryInvitations(ctx, js.ID)
		if err != nil {
			return err
		}
		members := juryMembers(invited)
		qu := quorumOf(js, members)
		cands, inputs, err := sessionCandidates(ctx, q, js)
		if err != nil {
			return err
		}
		if problems := closingProblems(js, qu, cands); len(problems) > 0 {
			return domain.Errorf(domain.ECONFLICT, "La session ne peut pas être close. %s", strings.Join(problems, " "))
		}
		branches, err := q.Branches(ctx)
		if err != nil {
			return err
		}
		snap = JurySnapshot{Format: 1, SessionID: js.ID, StartsAt: js.StartsAt, Place: js.Place, VideoLink: js.VideoLink,
			Quorum: js.Quorum, PresentCount: qu.Present, Members: members, Candidates: cands,
			ClosedAt: s.Now().Truncate(time.Second), ClosedBy: a.UserID, ClosedByName: a.Name}
		for _, b := range branches {
			if b.ID == js.BranchID {
				snap.Branch = JuryBranch{Code: b.Code, Name: b.Name, IDCC: b.IDCC}
			}
		}
		settings, err := q.BranchSettings(ctx, js.BranchID)
		if err != nil {
			return err
		}
		snap.Signatories = JurySignatories{JuryPresident: settings.JuryPresidentName, CSCAPresident: settings.CSCAPresidentName,
			CPNEPresident: settings.CPNEPresidentName}
		if snap.Signatories.JuryPresident == "" {
			snap.Signatories.JuryPresident = a.Name
		}
		if js.RectifiesSessionID != "" {
			r, err := q.JurySession(ctx, js.RectifiesSessionID)
			if err != nil {
				return err
			}
			snap.Rectifies = &JuryRectification{SessionID: r.ID, StartsAt: r.StartsAt, Reason: js.RectificationReason}
		}
		day := domain.DateOf(js.StartsAt)
		counts := map[rules.CandidateOutcome]int{}
		for i, c := range cands {
			status, ok := outcomeStatus(c.Outcome)
			if !ok {
				return fmt.Errorf("close jury session %s: enrolment %s is still %s after the checks", js.ID, c.EnrolmentID, c.Outcome)
			}
			counts[c.Outcome]++
			if err := q.SetJuryOutcome(ctx, js.ID, c.EnrolmentID, string(c.Outcome)); err != nil {
				return err
			}
			if js.RectifiesSessionID != "" {
				if err := q.DeleteAcquiredBlocksOfSession(ctx, c.EnrolmentID, js.RectifiesSessionID); err != nil {
					return err
				}
			}
			for _, code := range c.NewlyAcquired {
				if err := q.AddAcquiredBlock(ctx, store.AcquiredBlock{EnrolmentID: c.EnrolmentID, BlockCode: code, SessionID: js.ID, AcquiredOn: day}); err != nil {
					return err
				}
			}
			e := inputs[i].enrolment
			if err := q.InsertBlockVerdicts(ctx, blockVerdicts(js.ID, c, e)); err != nil {
				return err
			}
			before := e.Status
			e.Status, e.UpdatedAt = status, s.Now()
			if err := q.SetEnrolmentStatus(ctx, newID(), e, "Délibération du jury du "+day.String(), a.UserID); err != nil {
				return err
			}
			if err := s.cancelOralsAfterResult(ctx, q, a, c.EnrolmentID, js); err != nil {
				return err
			}
			if err := s.audit(ctx, q, a, change{Action: "jury.outcome", EntityType: "enrolment", EntityID: c.EnrolmentID, CandidateID: c.CandidateID,
				Before: map[string]any{"status": string(before)},
				After:  map[string]any{"status": string(status), "blocks": c.Acquired(), "session": SessionWhen(js.StartsAt)}}); err != nil {
				return err
			}
		}
		raw, err := json.Marshal(snap)
		if err != nil {
			return fmt.Errorf("encode jury session snapshot: %w", err)
		}
		if err := q.CloseJurySession(ctx, js.ID, string(raw), snap.ClosedAt, a.UserID); err != nil {
			return err
		}
		return s.audit(ctx, q, a, change{Action: "jury.close", EntityType: "jury_session", EntityID: js.ID,
			Before: map[string]any{"session_status": string(js.Status)},
			After: map[string]any{"session_status": string(store.JuryClosed), "certified": counts[rules.CandidateCertified],
				"partial": counts[rules.CandidatePartial], "not_certified": counts[rules.CandidateNotCertified]}})
	})
	if err != nil {
		return JurySnapshot{}, err
	}
	return snap, nil
}

// RectificationInput is a rectification session's schedule and the reason for the correction.
type RectificationInput struct {
	JurySessionInput
	Reason string
}

// RectifyJurySession schedules a session that corrects a closed one: it re-examines the same
// candidates (their enrolments go back to "awaiting jury"), and at its closing replaces the
// blocks the corrected session gave them. The corrected session and its minutes stay as they
// were. A session is rectified once, and only while none of its candidates went on to a later
// session.
func (s *Service) RectifyJurySession(ctx context.Context, a domain.Actor, sessionID string, in RectificationInput) (store.JurySession, error) {
	if err := Check(a, ActJuryManage); err != nil {
		return store.JurySession{}, err
	}
	fe := domain.FieldErrors{}
	starts := in.parse(fe)
	in.Reason = strings.TrimSpace(in.Reason)
	switch {
	case in.Reason == "":
		fe.Add("reason", "Indiquez pourquoi la session est rectifiée : le motif figure au procès-verbal de la rectification.")
	case utf8.RuneCountInString(in.Reason) > maxReason:
		fe.Add("reason", fmt.Sprintf("Le motif dépasse %d caractères : résumez-le.", maxReason))
	}
	if err := fe.Err(); err != nil {
		return store.JurySession{}, err
	}
	var r store.JurySession
	err := s.store.Write(ctx, func(q store.Q) error {
		x, err := q.LockJurySession(ctx, sessionID)
		if err != nil {
			return err
		}
		if x.Status != store.JuryClosed {
			return domain.Errorf(domain.ECONFLICT, "Seule une session close se rectifie : celle-ci est encore ouverte, corrigez-la directement.")
		}
		if other, ok, err := q.RectificationOf(ctx, x.ID); err != nil {
			return err
		} else if ok {
			return domain.Errorf(domain.ECONFLICT, "Cette session est déjà rectifiée par la session du %s : rectifiez plutôt celle-ci.", SessionWhen(other.StartsAt))
		}
		presented, err := q.JuryCandidates(ctx, x.ID)
		if err != nil {
			return err
		}
		type candidate struct {
			c domain.Candidate
			e domain.Enrolment
		}
		var cands []candidate
		for _, p := range presented {
			c, e, err := enrolmentUnscoped(ctx, q, p.EnrolmentID)
			if err != nil {
				return err
			}
			sessions, err := q.JurySessionsOfEnrolment(ctx, e.ID)
			if err != nil {
				return err
			}
			after := false
			for _, o := range sessions {
				if after {
					return domain.Errorf(domain.ECONFLICT, "%s a été présenté à une session ultérieure (le %s) : c'est cette dernière qui se rectifie.",
						c.DisplayName(), SessionWhen(o.StartsAt))
				}
				after = o.ID == x.ID
			}
			if open, ok, err := q.OpenJurySessionOf(ctx, e.ID); err != nil {
				return err
			} else if ok {
				return domain.Errorf(domain.ECONFLICT, "%s est présenté à la session du %s, qui n'est pas close : retirez-le de cette session d'abord.",
					c.DisplayName(), SessionWhen(open.StartsAt))
			}
			cands = append(cands, candidate{c, e})
		}
		r = store.JurySession{StartsAt: starts, Place: in.Place, VideoLink: in.VideoLink, RectifiesSessionID: x.ID, RectificationReason: in.Reason}
		if err := s.newSession(ctx, q, &r); err != nil {
			if domain.ErrorCode(err) == domain.ECONFLICT {
				return domain.Errorf(domain.ECONFLICT, "Cette session vient d'être rectifiée par ailleurs : rechargez la page.")
			}
			return err
		}
		for _, ce := range cands {
			if err := q.AddJuryCandidate(ctx, r.ID, ce.e.ID); err != nil {
				return err
			}
			e := ce.e
			e.Status, e.UpdatedAt = domain.StatusAwaitingJury, s.Now()
			reason := "Réexamen par la session de rectification du " + SessionWhen(r.StartsAt) + " : " + in.Reason
			if err := q.SetEnrolmentStatus(ctx, newID(), e, reason, a.UserID); err != nil {
				return err
			}
		}
		return s.audit(ctx, q, a, change{Action: "jury.rectify", EntityType: "jury_session", EntityID: r.ID,
			Before: map[string]any{"rectified": SessionWhen(x.StartsAt)}, After: sessionState(r), Reason: in.Reason})
	})
	return r, err
}
