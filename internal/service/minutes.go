package service

import (
	"context"

	"cqp/internal/docs"
	"cqp/internal/domain"
	"cqp/internal/store"
)

// JuryMinutes is a closed session's minutes (procès-verbal de délibération) as a PDF.
type JuryMinutes struct {
	PDF      []byte
	Filename string
}

// JuryMinutes prints the minutes of a closed session from its frozen snapshot alone, dated
// by its closing: two generations give the same bytes, whatever changed since (names,
// settings, grids).
func (s *Service) JuryMinutes(ctx context.Context, a domain.Actor, sessionID string) (JuryMinutes, error) {
	js, _, err := readableJurySession(ctx, s.store.Read(), a, sessionID)
	if err != nil {
		return JuryMinutes{}, err
	}
	if js.Status != store.JuryClosed {
		return JuryMinutes{}, domain.Errorf(domain.ECONFLICT, "Le procès-verbal est établi à la clôture de la session : celle-ci n'est pas encore close.")
	}
	snap, err := ParseJurySnapshot(js.Snapshot)
	if err != nil {
		return JuryMinutes{}, err
	}
	pdf, err := docs.MinutesPDF(MinutesDoc(snap))
	if err != nil {
		return JuryMinutes{}, err
	}
	day := snap.StartsAt.In(domain.Paris()).Format("2006-01-02")
	short := snap.SessionID
	if len(short) > 8 {
		short = short[len(short)-8:]
	}
	return JuryMinutes{PDF: pdf, Filename: "pv-jury-" + day + "-" + short + ".pdf"}, nil
}

// MinutesDoc turns a closed session's snapshot into the minutes' content: the branch, the
// qualifications, the members with their colleges and attendance, the quorum, every
// candidate's blocks with the rules engine's explanation and, for debated blocks, the jury's
// decision, reason and the referent's opinion, the derogations to the gates before the jury a
// candidate was presented with, the rectification notice, and the signatories
// the branch's settings named at closing.
func MinutesDoc(sn JurySnapshot) docs.MinutesDoc {
	m := docs.MinutesDoc{BranchName: sn.Branch.Name, SessionID: sn.SessionID, Date: sn.StartsAt, Quorum: sn.Quorum,
		PresentCount: sn.PresentCount, ClosedAt: sn.ClosedAt, CreatedAt: sn.ClosedAt}
	switch {
	case sn.Place != "" && sn.VideoLink != "":
		m.Place = sn.Place + ", et en visioconférence"
	case sn.Place != "":
		m.Place = sn.Place
	case sn.VideoLink != "":
		m.Place = "En visioconférence"
	}
	seen := map[string]bool{}
	for _, c := range sn.Candidates {
		q := c.QualificationTitle + " (" + c.QualificationCode + ")"
		if !seen[q] {
			seen[q] = true
			m.Qualifications = append(m.Qualifications, q)
		}
	}
	for _, mb := range sn.Members {
		m.Members = append(m.Members, docs.MinutesMember{Name: mb.Name, College: mb.College.Label(), Present: mb.Present, President: mb.President})
	}
	for _, c := range sn.Candidates {
		mc := docs.MinutesCandidate{Name: c.FullName, Number: c.Number, QualificationTitle: c.QualificationTitle,
			Route: c.RouteLabel(), Outcome: c.Outcome.Label()}
		for _, d := range c.Derogations {
			mc.Derogations = append(mc.Derogations, docs.MinutesDerogation{Missing: d.Missing, Reason: d.Reason, By: d.By, On: d.When()})
		}
		for _, b := range c.Blocks {
			mc.Blocks = append(mc.Blocks, docs.MinutesBlock{Code: b.Code, Title: b.Title, Outcome: b.Outcome.Label(),
				Explanation: b.Explanation, Source: c.BlockSource(b), Debate: b.InDebate, Decision: b.DecisionLabel(), Reason: b.Reason,
				ReferentOpinion: b.ReferentOpinion})
		}
		m.Candidates = append(m.Candidates, mc)
	}
	if r := sn.Rectifies; r != nil {
		m.Rectification = "Cette séance rectifie le jury de certification du " + SessionWhen(r.StartsAt) +
			", dont le procès-verbal reste inchangé ; elle réexamine ses candidats et remplace ses résultats. Motif : " + r.Reason
	}
	for _, sg := range []docs.Signatory{
		{Role: "Le président du jury", Name: sn.Signatories.JuryPresident},
		{Role: "Le président de la CSCA", Name: sn.Signatories.CSCAPresident},
		{Role: "Le président de la CPNE", Name: sn.Signatories.CPNEPresident},
	} {
		if sg.Name != "" {
			m.Signatories = append(m.Signatories, sg)
		}
	}
	return m
}
