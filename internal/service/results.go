package service

import (
	"context"
	"slices"

	"cqp/internal/domain"
	"cqp/internal/store"
)

// The record of results (DOMAIN.md §7, rules 3, 4 and 6).
//
// Only a jury makes a result: block outcomes, partial validations and certifications are
// written by closing a jury or rectification session (jury_close.go), never by a status move.
// What a closed session read is frozen with it:
//   - a certified enrolment's grids, continuous marks, hours, internships and logbook no longer
//     change; a mistake is corrected by a rectification session;
//   - a partially validated or not certified enrolment may be evaluated again on the blocks it
//     does not hold (retake): new continuous marks and new grid versions, the versions the
//     session read staying as they were. Marks recorded after a session's closing replace,
//     block by block, those it read.
//
// Acquired blocks belong to the person and the qualification: every enrolment of the same
// person in the same qualification, whatever its route, holds them (store.AcquiredBlocks), and
// they are never evaluated again.

// resultRecord is what closed jury sessions have made of one enrolment.
type resultRecord struct {
	// Judged are the closed sessions the enrolment was presented to, oldest first.
	Judged []store.JurySession
	// Held are the blocks the person holds for the enrolment's qualification, by code.
	Held map[string]store.AcquiredBlock
}

// loadResultRecord reads an enrolment's result record through q.
func loadResultRecord(ctx context.Context, q store.Q, enrolmentID string) (resultRecord, error) {
	r := resultRecord{Held: map[string]store.AcquiredBlock{}}
	sessions, err := q.JurySessionsOfEnrolment(ctx, enrolmentID)
	if err != nil {
		return r, err
	}
	for _, js := range sessions {
		if js.Status == store.JuryClosed && js.ClosedAt != nil {
			r.Judged = append(r.Judged, js)
		}
	}
	slices.SortStableFunc(r.Judged, func(a, b store.JurySession) int { return a.ClosedAt.Compare(*b.ClosedAt) })
	held, err := q.AcquiredBlocks(ctx, enrolmentID)
	if err != nil {
		return r, err
	}
	// An open rectification session re-examines the blocks the corrected session gave: they
	// are not held while it sits.
	rectified := ""
	if open, ok, err := q.OpenJurySessionOf(ctx, enrolmentID); err != nil {
		return r, err
	} else if ok {
		rectified = open.RectifiesSessionID
	}
	for _, b := range held {
		if rectified != "" && b.SessionID == rectified && b.EnrolmentID == enrolmentID {
			continue
		}
		r.Held[b.BlockCode] = b
	}
	return r, nil
}

// last returns the latest closed session that judged the enrolment.
func (r resultRecord) last() (store.JurySession, bool) {
	if len(r.Judged) == 0 {
		return store.JurySession{}, false
	}
	return r.Judged[len(r.Judged)-1], true
}

// sessionDay is a session's date as the refusals name it.
func sessionDay(js store.JurySession) string { return domain.DateOf(js.StartsAt).String() }

// frozen says, in French, why nothing on the enrolment's evaluation may change any more, or ""
// when it may: a certification is final; a withdrawal ends the enrolment. A partial or failed
// result leaves the blocks not held open to a retake.
func (r resultRecord) frozen(e domain.Enrolment) string {
	switch e.Status {
	case domain.StatusCertified:
		msg := "La certification est arrêtée"
		if js, ok := r.last(); ok {
			msg = "Le jury du " + sessionDay(js) + " a certifié ce candidat"
		}
		return msg + " : les évaluations qu'il a lues sont figées et ne changent plus. Une erreur se corrige par une session de rectification, que le secrétariat programme depuis la page de la session du jury."
	case domain.StatusWithdrawn:
		return "L'inscription est close par un abandon : ses évaluations ne changent plus."
	}
	return ""
}

// heldRefusal says why a held block is not evaluated again, or "" when the block is not held.
func (r resultRecord) heldRefusal(code string) string {
	b, ok := r.Held[code]
	if !ok {
		return ""
	}
	return "Le bloc " + code + " est acquis depuis le " + b.AcquiredOn.String() + " (délibération du jury, voie « " + b.Route.Label() +
		" ») : un bloc acquis l'est définitivement et ne s'évalue plus."
}

// retake says, in French, that the enrolment is being evaluated again after a partial or
// failed result, or "" when it is not.
func (r resultRecord) retake(e domain.Enrolment) string {
	js, ok := r.last()
	if !ok || (e.Status != domain.StatusPartial && e.Status != domain.StatusNotCertified && e.Status != domain.StatusAwaitingJury) {
		return ""
	}
	return "Reprise après le jury du " + sessionDay(js) + " : les évaluations qu'il a lues restent telles quelles ; une nouvelle note ou une nouvelle version de grille porte sur les blocs restant à acquérir."
}

// currentMarks is each presented block's continuous mark: the mean of the block's assessments
// of its latest round (store.ContinuousAssessment.Round). Marks recorded for a retake replace,
// block by block, those an earlier session read, which stay in the record. Blocks without an
// assessment have no mark.
func currentMarks(assessments []store.ContinuousAssessment, presented []string) map[string]domain.Mark {
	latest := map[string]int{}
	for _, m := range assessments {
		latest[m.BlockCode] = max(latest[m.BlockCode], m.Round)
	}
	byBlock := map[string][]domain.Mark{}
	for _, m := range assessments {
		if contains(presented, m.BlockCode) && m.Round == latest[m.BlockCode] {
			byBlock[m.BlockCode] = append(byBlock[m.BlockCode], m.Mark)
		}
	}
	out := map[string]domain.Mark{}
	for code, ms := range byBlock {
		if mean, ok := MeanMark(ms); ok {
			out[code] = mean
		}
	}
	return out
}

// readVersion is the version of the evaluator's grid the latest closed session read for the
// enrolment, 0 when none read it.
func (r resultRecord) readVersion(enrolmentID string, ev domain.Evaluator) (int, error) {
	js, ok := r.last()
	if !ok {
		return 0, nil
	}
	sn, err := ParseJurySnapshot(js.Snapshot)
	if err != nil {
		return 0, err
	}
	c, ok := sn.Candidate(enrolmentID)
	if !ok {
		return 0, nil
	}
	for _, g := range c.Grids {
		if g.Evaluator == ev {
			return g.Version, nil
		}
	}
	return 0, nil
}

// HeldBlock is a block a person holds for good in a qualification, with where it comes from
// and the document that attests it.
type HeldBlock struct {
	store.AcquiredBlock
	QualificationCode  string
	QualificationTitle string
	BlockTitle         string
	// Document is the block attestation or certificate issued for it by its session, when the
	// actor may read documents and one was issued.
	Document *store.Certificate
}

// HeldBlocks lists, qualification by qualification, the blocks the candidate holds for good
// (DOMAIN.md §7 rule 3), whatever enrolment and route they were acquired on. The candidate is
// read within the actor's scope.
func (s *Service) HeldBlocks(ctx context.Context, a domain.Actor, candidateID string) ([]HeldBlock, error) {
	c, err := s.Candidate(ctx, a, candidateID)
	if err != nil {
		return nil, err
	}
	q := s.store.Read()
	var docs []store.Certificate
	if Can(a, ActCertificateRead) {
		page, err := s.Certificates(ctx, a, store.CertificateFilter{CandidateID: c.ID})
		if err != nil {
			return nil, err
		}
		docs = page.Items
	}
	var out []HeldBlock
	seen := map[string]bool{} // qualification code
	for _, e := range c.Enrolments {
		if seen[e.QualificationCode] {
			continue
		}
		seen[e.QualificationCode] = true
		held, err := q.AcquiredBlocks(ctx, e.ID)
		if err != nil {
			return nil, err
		}
		if len(held) == 0 {
			continue
		}
		fw, err := q.Framework(ctx, e.FrameworkID)
		if err != nil {
			return nil, err
		}
		for _, b := range held {
			h := HeldBlock{AcquiredBlock: b, QualificationCode: e.QualificationCode, QualificationTitle: e.QualificationTitle}
			if fb, ok := fw.Framework.Block(b.BlockCode); ok {
				h.BlockTitle = fb.Title
			}
			// The block's own attestation first; else the certificate or an older attestation
			// of several blocks that lists it.
			for i := range docs {
				d := &docs[i]
				if d.SessionID != b.SessionID || d.EnrolmentID != b.EnrolmentID || d.Revoked() || !d.Covers(b.BlockCode) {
					continue
				}
				if d.BlockCode == b.BlockCode || h.Document == nil {
					h.Document = d
				}
			}
			out = append(out, h)
		}
	}
	return out, nil
}
