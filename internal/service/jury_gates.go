package service

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"cqp/internal/domain"
	"cqp/internal/rules"
	"cqp/internal/store"
)

// Gates before the jury (DOMAIN.md §7 rule 5, issue 10 item 5). rules.CheckGates says what an
// enrolment misses: the training hours and the internship its public owes, a continuous mark on
// a block it presents. The session screen lists each presentable enrolment with what it misses;
// PresentJuryCandidates refuses one that misses a gate without the secretariat's reasoned
// derogation on that gate; the closing refuses again if a gate became unmet since. The
// derogations a candidate was presented with are shown to the jury, frozen in the snapshot
// and printed in the minutes. A block below the continuous-mark minimum does not keep a
// candidate from the jury: the jury records it not admitted (see rules/gates.go).

// GateDerogation is a derogation as the jury and the minutes read it.
type GateDerogation struct {
	Gate    rules.GateKind `json:"gate"`
	Missing string         `json:"missing"` // what was missing when it was recorded
	Reason  string         `json:"reason"`
	By      string         `json:"by"`
	At      time.Time      `json:"at"`
}

// When says in French when the derogation was recorded: « 25/11/2026 ».
func (d GateDerogation) When() string { return domain.DateOf(d.At).String() }

func gateDerogation(d store.GateDerogation) GateDerogation {
	return GateDerogation{Gate: rules.GateKind(d.Gate), Missing: d.Missing, Reason: d.Reason, By: d.RecordedByName, At: d.RecordedAt}
}

// JuryGates is where an enrolment stands against the gates before the jury.
type JuryGates struct {
	Missing  []rules.Gate    // every gate it misses, waived or not
	LowMarks []rules.LowMark // blocks it presents below the minimum: they will be judged not admitted
	// Derogations are the secretariat's derogations on the gates it misses.
	Derogations []GateDerogation
	// Error, when set, says in French why the gates cannot be checked (wrong data).
	Error string
}

// Derogation returns the derogation on a gate the enrolment misses, nil without one.
func (g JuryGates) Derogation(k rules.GateKind) *GateDerogation {
	i := slices.IndexFunc(g.Derogations, func(d GateDerogation) bool { return d.Gate == k })
	if i < 0 {
		return nil
	}
	return &g.Derogations[i]
}

// Unmet lists the gates missed without a derogation: what keeps the enrolment from the jury.
func (g JuryGates) Unmet() []rules.Gate {
	var out []rules.Gate
	for _, m := range g.Missing {
		if g.Derogation(m.Kind) == nil {
			out = append(out, m)
		}
	}
	return out
}

// Presentable reports whether the enrolment may be presented to a jury.
func (g JuryGates) Presentable() bool { return g.Error == "" && len(g.Unmet()) == 0 }

// juryGates checks an enrolment against the gates, with the recorded hours, the continuous
// marks and the blocks acquired earlier that its deliberation input holds, and the derogations
// recorded on it.
func juryGates(ctx context.Context, q store.Q, in juryInput) (JuryGates, error) {
	var g JuryGates
	e := in.enrolment
	hours, err := q.TrainingHours(ctx, e.ID)
	if err != nil {
		return g, err
	}
	training := 0
	for _, h := range hours {
		if slices.Contains(e.Blocks, h.BlockCode) {
			training += h.Done
		}
	}
	// The internship is the person's: one done during an earlier enrolment in the qualification
	// (a blocs enrolment before the final stage, say) counts.
	internship := 0
	for _, id := range enrolmentsInQualification(in.candidate, e) {
		internships, err := q.Internships(ctx, id)
		if err != nil {
			return g, err
		}
		for _, it := range internships {
			internship += it.Hours
		}
	}
	gi := rules.GateInput{Public: e.Public, Route: e.Route, Blocks: e.Blocks, TrainingHours: training, InternshipHours: internship,
		ContinuousMarks: in.marks}
	for code := range in.prior {
		gi.PriorBlocks = append(gi.PriorBlocks, code)
	}
	check, err := rules.CheckGates(in.framework, gi)
	if err != nil {
		g.Error = "Les conditions de présentation au jury ne peuvent pas être vérifiées : " + err.Error() + "."
		return g, nil
	}
	g.Missing, g.LowMarks = check.Missing, check.LowMarks
	ds, err := q.GateDerogations(ctx, e.ID)
	if err != nil {
		return g, err
	}
	for _, d := range ds {
		if _, missing := check.Gate(rules.GateKind(d.Gate)); missing {
			g.Derogations = append(g.Derogations, gateDerogation(d))
		}
	}
	slices.SortFunc(g.Derogations, func(a, b GateDerogation) int {
		return slices.Index(rules.GateKinds, a.Gate) - slices.Index(rules.GateKinds, b.Gate)
	})
	return g, nil
}

// gateTexts returns the gates' French texts.
func gateTexts(gs []rules.Gate) []string {
	out := make([]string, len(gs))
	for i, g := range gs {
		out[i] = g.Text
	}
	return out
}

// gateRefusal says why an enrolment may not be presented, naming the candidate and what is
// missing, and what can be done.
func gateRefusal(c domain.Candidate, g JuryGates) error {
	if g.Error != "" {
		return domain.Errorf(domain.ECONFLICT, "%s ne peut pas être présenté au jury. %s", c.DisplayName(), g.Error)
	}
	unmet := g.Unmet()
	msg := c.DisplayName() + " ne peut pas être présenté au jury : " + strings.Join(gateTexts(unmet), " ; ") + "."
	derogable, marks := false, false
	for _, u := range unmet {
		derogable = derogable || u.Kind.Derogable()
		marks = marks || !u.Kind.Derogable()
	}
	if derogable {
		msg += " Le secrétariat peut y déroger en enregistrant une dérogation motivée sur la page de la session ; elle figurera au procès-verbal."
	}
	if marks {
		msg += " Une note d'évaluation continue manquante est saisie par l'organisme de formation : aucune dérogation ne la remplace."
	}
	return domain.Errorf(domain.ECONFLICT, "%s", msg)
}

// withGates adds to a presented candidate what the jury reads of the gates: the derogations
// it was presented with, and the hours and internship gates it misses without one (a missing
// continuous mark is already in Missing, from the rules engine).
func withGates(ctx context.Context, q store.Q, in juryInput, jc *JuryCandidate) error {
	g, err := juryGates(ctx, q, in)
	if err != nil {
		return err
	}
	jc.Derogations = g.Derogations
	if g.Error != "" {
		jc.UnmetGates = append(jc.UnmetGates, g.Error)
	}
	for _, u := range g.Unmet() {
		if u.Kind.Derogable() {
			jc.UnmetGates = append(jc.UnmetGates, u.Text)
		}
	}
	return nil
}

// presentableEntries checks every presentable enrolment against the gates.
func presentableEntries(ctx context.Context, q store.Q, ps []store.PresentableEnrolment) ([]PresentableEntry, error) {
	fws := map[string]domain.Framework{}
	out := make([]PresentableEntry, 0, len(ps))
	for _, p := range ps {
		c, e, err := enrolmentUnscoped(ctx, q, p.EnrolmentID)
		if err != nil {
			return nil, err
		}
		in, err := loadJuryInput(ctx, q, fws, c, e, "")
		if err != nil {
			return nil, err
		}
		g, err := juryGates(ctx, q, in)
		if err != nil {
			return nil, err
		}
		out = append(out, PresentableEntry{PresentableEnrolment: p, Gates: g, MissingGrids: missingGrids(e.Route, in)})
	}
	return out, nil
}

// ReadyToPresent lists the presentable enrolments that pass the gates, or are presented by
// derogation.
func (v JurySessionView) ReadyToPresent() []PresentableEntry {
	var out []PresentableEntry
	for _, p := range v.Presentable {
		if p.Gates.Presentable() {
			out = append(out, p)
		}
	}
	return out
}

// HeldByGates lists the presentable enrolments a missing gate keeps from the jury.
func (v JurySessionView) HeldByGates() []PresentableEntry {
	var out []PresentableEntry
	for _, p := range v.Presentable {
		if !p.Gates.Presentable() {
			out = append(out, p)
		}
	}
	return out
}

// RecordJuryGateDerogation records the secretariat's reasoned derogation to one gate before
// the jury that an enrolment misses (the training hours or the internship), so that it may be
// presented. Recording a gate again replaces the reason; both are kept in the audit trail.
func (s *Service) RecordJuryGateDerogation(ctx context.Context, a domain.Actor, enrolmentID string, gate rules.GateKind, reason string) (GateDerogation, error) {
	if err := Check(a, ActJuryDerogate); err != nil {
		return GateDerogation{}, err
	}
	reason = strings.TrimSpace(reason)
	fe := domain.FieldErrors{}
	if strings.TrimSpace(enrolmentID) == "" {
		fe.Add("enrolment", "Choisissez le candidat pour lequel vous dérogez.")
	}
	switch {
	case !gate.Valid():
		fe.Add("gate", "Choisissez la condition à laquelle vous dérogez : les heures de formation ou le stage.")
	case !gate.Derogable():
		fe.Add("gate", "Une note d'évaluation continue manquante ne se remplace pas par une dérogation : l'organisme de formation la saisit.")
	}
	switch {
	case reason == "":
		fe.Add("reason", "Indiquez le motif de la dérogation : il figure au procès-verbal du jury.")
	case utf8.RuneCountInString(reason) > maxReason:
		fe.Add("reason", fmt.Sprintf("Le motif dépasse %d caractères : résumez-le.", maxReason))
	}
	if err := fe.Err(); err != nil {
		return GateDerogation{}, err
	}
	var out GateDerogation
	err := s.store.Write(ctx, func(q store.Q) error {
		c, e, err := enrolmentUnscoped(ctx, q, enrolmentID)
		if err != nil {
			return err
		}
		if e.Status != domain.StatusAwaitingJury && e.Status != domain.StatusPartial {
			return domain.Errorf(domain.ECONFLICT, "%s n'est pas à présenter au jury (statut « %s ») : une dérogation aux conditions de présentation ne s'enregistre que pour une inscription en attente du jury ou en validation partielle.",
				c.DisplayName(), e.Status.Label())
		}
		in, err := loadJuryInput(ctx, q, map[string]domain.Framework{}, c, e, "")
		if err != nil {
			return err
		}
		g, err := juryGates(ctx, q, in)
		if err != nil {
			return err
		}
		if g.Error != "" {
			return domain.Errorf(domain.ECONFLICT, "%s", g.Error)
		}
		missing, ok := rules.GateCheck{Missing: g.Missing}.Gate(gate)
		if !ok {
			return domain.Errorf(domain.ECONFLICT, "%s remplit la condition « %s » : aucune dérogation n'est nécessaire.", c.DisplayName(), gate.Label())
		}
		var before any
		if d := g.Derogation(gate); d != nil {
			before = derogationState(*d)
		}
		d := store.GateDerogation{EnrolmentID: e.ID, Gate: string(gate), Missing: missing.Text, Reason: reason,
			RecordedBy: a.UserID, RecordedByName: a.Name, RecordedAt: s.Now().Truncate(time.Second)}
		if err := q.SaveGateDerogation(ctx, d); err != nil {
			return err
		}
		out = gateDerogation(d)
		return s.audit(ctx, q, a, change{Action: "jury.gate_derogation", EntityType: "enrolment", EntityID: e.ID, CandidateID: c.ID,
			Before: before, After: derogationState(out), Reason: reason})
	})
	return out, err
}

func derogationState(d GateDerogation) map[string]string {
	return map[string]string{"gate": d.Gate.Label(), "missing": d.Missing, "reason": d.Reason}
}

// enrolmentsInQualification lists the ids of the candidate's enrolments in e's qualification,
// e included even when the candidate was read without their enrolments.
func enrolmentsInQualification(c domain.Candidate, e domain.Enrolment) []string {
	ids := []string{e.ID}
	for _, x := range c.Enrolments {
		if x.QualificationID == e.QualificationID && x.ID != e.ID {
			ids = append(ids, x.ID)
		}
	}
	return ids
}
