package service

import (
	"context"
	"slices"
	"strings"

	"cqp/internal/domain"
	"cqp/internal/rules"
	"cqp/internal/store"
)

// A candidate's path on one enrolment (DOMAIN.md §5, issue 4 item 7):
//
//	formation, blocs: enrolled → in_training → final_evaluation → awaiting_jury
//	vae:              admissibility → enrolled → final_evaluation → awaiting_jury
//
// The status path holds only the steps before the jury. The jury's outcomes (certified,
// partial, not_certified) are results: only closing a jury or rectification session writes
// them (DOMAIN.md §7 rule 4, jury_close.go), and no status move sets one, whoever asks —
// the platform itself included. A partial or failed result is presented again to a later
// session for a retake (rule 6, PresentJuryCandidates). A candidate may withdraw at any step
// before a certification, with a reason. Each move is written to the enrolment's status
// history and to the audit trail, with who and why.
//
// Two moves need evidence, checked for every person (the platform itself, which loads demo
// histories without their evidence, is trusted):
//   - final_evaluation, on the formation and blocs routes: a continuous mark for every
//     presented block the person does not hold yet (a block under the minimum is fine: it is
//     not admitted to the final evaluation, and the jury records it as not acquired);
//   - awaiting_jury: no block "incomplete" in the rules engine's result (EnrolmentEvaluation):
//     every required evaluator has submitted a grid marking every competence of the admitted
//     blocks. Blocks not admitted, not acquired or in debate are fine: the jury decides them.

// juryOutcomes are the statuses only a jury deliberation gives.
var juryOutcomes = []domain.EnrolmentStatus{domain.StatusCertified, domain.StatusPartial, domain.StatusNotCertified}

// IsJuryOutcome reports whether a status is a result, which only a closed jury session gives.
func IsJuryOutcome(s domain.EnrolmentStatus) bool { return slices.Contains(juryOutcomes, s) }

// nextStatuses are the moves the path allows from each status, route aside.
func nextStatuses(e domain.Enrolment) []domain.EnrolmentStatus {
	switch e.Status {
	case domain.StatusAdmissibility:
		return []domain.EnrolmentStatus{domain.StatusEnrolled, domain.StatusWithdrawn}
	case domain.StatusEnrolled:
		if e.Route == domain.RouteVAE {
			return []domain.EnrolmentStatus{domain.StatusFinalEvaluation, domain.StatusWithdrawn}
		}
		return []domain.EnrolmentStatus{domain.StatusInTraining, domain.StatusWithdrawn}
	case domain.StatusInTraining:
		return []domain.EnrolmentStatus{domain.StatusFinalEvaluation, domain.StatusWithdrawn}
	case domain.StatusFinalEvaluation:
		return []domain.EnrolmentStatus{domain.StatusAwaitingJury, domain.StatusWithdrawn}
	case domain.StatusAwaitingJury, domain.StatusPartial, domain.StatusNotCertified:
		return []domain.EnrolmentStatus{domain.StatusWithdrawn}
	}
	return nil // withdrawn and certified are final
}

// secretariatOnly reports whether only a branch-wide role may make the move: the admissibility
// decision of a VAE request.
func secretariatOnly(from, to domain.EnrolmentStatus) bool {
	return from == domain.StatusAdmissibility && to == domain.StatusEnrolled
}

// outcomeRefusal refuses to set a jury's outcome by a status move.
func outcomeRefusal(to domain.EnrolmentStatus) error {
	return statusRefusal(domain.EFORBIDDEN, "« "+to.Label()+" » est un résultat : seul le jury le donne, à la clôture d'une session (ou d'une session de rectification). "+
		"Présentez le candidat à une session du jury depuis la page du jury.")
}

// EnrolmentTransitions lists the statuses the actor may move the enrolment to, in path order,
// for the status form. The evidence guards are checked when the move is asked for.
func EnrolmentTransitions(a domain.Actor, e domain.Enrolment) []domain.EnrolmentStatus {
	access := AccessFor(a, ActEnrolmentManage)
	if access == AccessNone {
		return nil
	}
	var out []domain.EnrolmentStatus
	for _, to := range nextStatuses(e) {
		if secretariatOnly(e.Status, to) && access != AccessAll {
			continue
		}
		out = append(out, to)
	}
	return out
}

// statusRefusal is a refused move, shown on the status field of the form.
func statusRefusal(code, msg string) error {
	return &domain.Error{Code: code, Message: msg, Fields: map[string]string{"status": msg}}
}

// SetEnrolmentStatus moves one of a candidate's enrolments to a new status, records the change
// in the enrolment's history and in the audit trail. The candidate is looked up within the
// actor's scope, so an enrolment outside it is "not found". Only the moves of the path are
// allowed (see above); a withdrawal needs a reason; the jury's outcomes and the admissibility
// decision are set by the secretariat only; entering the final evaluation and awaiting the
// jury need their evidence.
func (s *Service) SetEnrolmentStatus(ctx context.Context, a domain.Actor, candidateID, enrolmentID string, status domain.EnrolmentStatus, reason string) (domain.Enrolment, error) {
	sc, err := candidateScope(a, ActEnrolmentManage)
	if err != nil {
		return domain.Enrolment{}, err
	}
	reason = strings.TrimSpace(reason)
	fe := domain.FieldErrors{}
	if !status.Valid() {
		fe.Add("status", "Choisissez un statut dans la liste.")
	} else if IsJuryOutcome(status) {
		return domain.Enrolment{}, outcomeRefusal(status)
	}
	if status == domain.StatusWithdrawn && reason == "" {
		fe.Add("reason", "Indiquez la raison de l'abandon : elle est gardée dans l'historique du candidat.")
	}
	if len([]rune(reason)) > 1000 {
		fe.Add("reason", "La raison dépasse 1 000 caractères : raccourcissez-la.")
	}
	if err := fe.Err(); err != nil {
		return domain.Enrolment{}, err
	}
	find := func(q store.Q) (domain.Candidate, domain.Enrolment, error) {
		c, err := q.Candidate(ctx, candidateID, sc)
		if err != nil {
			return c, domain.Enrolment{}, err
		}
		for _, x := range c.Enrolments {
			if x.ID == enrolmentID && enrolmentInScope(sc, c, x) {
				return c, x, nil
			}
		}
		return c, domain.Enrolment{}, domain.Errorf(domain.ENOTFOUND, "Inscription introuvable.")
	}
	// The awaiting-jury guard reads the final evaluation, which has its own reads: it runs
	// before the write, and the write checks that the status has not moved meanwhile.
	_, current, err := find(s.store.Read())
	if err != nil {
		return domain.Enrolment{}, err
	}
	if err := checkMove(a, current, status); err != nil {
		return domain.Enrolment{}, err
	}
	if status == domain.StatusAwaitingJury && !a.System {
		if err := s.checkAwaitingJury(ctx, a, current); err != nil {
			return domain.Enrolment{}, err
		}
	}
	var e domain.Enrolment
	err = s.store.Write(ctx, func(q store.Q) error {
		c, x, err := find(q)
		if err != nil {
			return err
		}
		if x.Status != current.Status {
			return statusRefusal(domain.ECONFLICT, "Le statut de l'inscription vient de changer (« "+x.Status.Label()+" ») : rechargez la page et recommencez.")
		}
		e = x
		if !a.System {
			if err := checkVAEMove(ctx, q, e, status); err != nil {
				return err
			}
		}
		if status == domain.StatusFinalEvaluation && !a.System && e.Route != domain.RouteVAE {
			if err := checkFinalEvaluation(ctx, q, e); err != nil {
				return err
			}
		}
		before := e.Status
		e.Status, e.UpdatedAt = status, s.Now()
		if err := q.SetEnrolmentStatus(ctx, newID(), e, reason, a.UserID); err != nil {
			return err
		}
		e.History = append(e.History, domain.StatusChange{Status: status, Reason: reason, At: e.UpdatedAt, ByName: a.Name})
		return s.audit(ctx, q, a, change{Action: "enrolment.status", EntityType: "enrolment", EntityID: e.ID, CandidateID: c.ID,
			Before: map[string]string{"status": string(before)}, After: map[string]string{"status": string(status)}, Reason: reason})
	})
	return e, err
}

// checkMove refuses a move the path does not allow, or one the actor's role may not make.
func checkMove(a domain.Actor, e domain.Enrolment, to domain.EnrolmentStatus) error {
	if e.Status == to {
		return statusRefusal(domain.ECONFLICT, "L'inscription est déjà au statut « "+to.Label()+" ».")
	}
	allowed := false
	for _, x := range nextStatuses(e) {
		allowed = allowed || x == to
	}
	if !allowed {
		next := nextStatuses(e)
		if len(next) == 0 {
			return statusRefusal(domain.ECONFLICT, "L'inscription est au statut « "+e.Status.Label()+" », qui est définitif : son statut ne change plus.")
		}
		labels := make([]string, len(next))
		for i, x := range next {
			labels[i] = "« " + x.Label() + " »"
		}
		return statusRefusal(domain.ECONFLICT, "Depuis « "+e.Status.Label()+" », l'inscription ne peut passer qu'à "+strings.Join(labels, ", ")+
			" : « "+to.Label()+" » n'est pas l'étape suivante du parcours ("+e.Route.Label()+").")
	}
	if IsJuryOutcome(to) {
		return outcomeRefusal(to)
	}
	if secretariatOnly(e.Status, to) && AccessFor(a, ActEnrolmentManage) != AccessAll {
		return domain.Errorf(domain.EFORBIDDEN, "La recevabilité d'une demande de VAE est décidée par le secrétariat.")
	}
	return nil
}

// checkFinalEvaluation refuses the final evaluation while a presented block the person does not
// hold has no continuous mark.
func checkFinalEvaluation(ctx context.Context, q store.Q, e domain.Enrolment) error {
	ms, err := q.ContinuousAssessments(ctx, e.ID)
	if err != nil {
		return err
	}
	held, err := q.AcquiredBlocks(ctx, e.ID)
	if err != nil {
		return err
	}
	marked := map[string]bool{}
	for _, m := range ms {
		marked[m.BlockCode] = true
	}
	for _, b := range held {
		marked[b.BlockCode] = true // acquired for good: not evaluated again
	}
	var missing []string
	for _, b := range e.Blocks {
		if !marked[b] {
			missing = append(missing, b)
		}
	}
	switch len(missing) {
	case 0:
		return nil
	case 1:
		return statusRefusal(domain.ECONFLICT, "Le bloc "+missing[0]+" n'a pas encore de note de contrôle continu : saisissez-la avant l'entrée en évaluation finale.")
	}
	return statusRefusal(domain.ECONFLICT, "Les blocs "+strings.Join(missing, ", ")+" n'ont pas encore de note de contrôle continu : saisissez-les avant l'entrée en évaluation finale.")
}

// checkAwaitingJury refuses to send the file to the jury while a block is incomplete in the
// rules engine's result: a required evaluator has not submitted its grid, or has not marked
// every competence of an admitted block.
func (s *Service) checkAwaitingJury(ctx context.Context, a domain.Actor, e domain.Enrolment) error {
	ev, err := s.EnrolmentEvaluation(ctx, a, e.ID)
	if err != nil {
		return err
	}
	var parts []string
	for _, b := range ev.Result.Blocks {
		if b.Outcome != rules.OutcomeIncomplete {
			continue
		}
		var who []string
		if !b.HasMark && b.MarkGate {
			who = append(who, "note de contrôle continu manquante")
		}
		for i, r := range b.Evaluators {
			switch {
			case b.Required[i] && !r.Present:
				who = append(who, "grille « "+domain.Evaluators[i].Label()+" » non soumise")
			case r.Present && r.Verdict == rules.VerdictIncomplete:
				who = append(who, "grille « "+domain.Evaluators[i].Label()+" » incomplète")
			}
		}
		part := b.Code
		if len(who) > 0 {
			part += " (" + strings.Join(who, ", ") + ")"
		}
		parts = append(parts, part)
	}
	if len(parts) == 0 && e.FinalStage() {
		// Every block may be held: the commission's account of the oral on the trained blocks
		// and its reasoned opinion must still reach the jury.
		for _, g := range ev.Grids {
			if g.Evaluator == domain.EvaluatorCommission && g.Submitted == nil {
				return statusRefusal(domain.ECONFLICT, "Le dossier ne peut pas être transmis au jury : la commission n'a pas encore soumis sa grille "+
					"(cas pratique, question de connaissances et entretien sur les blocs acquis par formation, avis argumenté).")
			}
		}
	}
	if len(parts) == 0 {
		return nil
	}
	msg := "Le dossier ne peut pas être transmis au jury : évaluation finale incomplète pour "
	if len(parts) == 1 {
		msg = "Le dossier ne peut pas être transmis au jury : évaluation finale incomplète pour le bloc "
	} else {
		msg += "les blocs "
	}
	return statusRefusal(domain.ECONFLICT, msg+strings.Join(parts, " ; ")+". Les blocs non admis ou en débat n'empêchent pas la transmission.")
}
