package service

import (
	"context"
	"strings"
	"unicode/utf8"

	"cqp/internal/domain"
	"cqp/internal/store"
)

// An oral that has not started yet can be moved or cancelled by the secretariat, with a reason.
// Moving it checks the conflicts again (its own slot aside) and sends the convocations again,
// with the same calendar event, which calendars update. Cancelling it removes it from the
// planning; the audit trail keeps what it was and why it was cancelled, and the candidate and
// the members are told.

// RescheduleOral moves an oral to the date, time, duration and place given, with a reason.
func (s *Service) RescheduleOral(ctx context.Context, a domain.Actor, oralID string, in OralInput, reason string) (ScheduledOral, error) {
	if err := Check(a, ActCommissionManage); err != nil {
		return ScheduledOral{}, err
	}
	fe := domain.FieldErrors{}
	start, duration := s.parseOralTime(fe, in)
	place, link := parseOralPlace(fe, in)
	reason = strings.TrimSpace(reason)
	checkOralReason(fe, reason, "Indiquez pourquoi l'oral est déplacé : le motif est envoyé au candidat et aux membres.")
	if err := fe.Err(); err != nil {
		return ScheduledOral{}, err
	}
	var out ScheduledOral
	err := s.store.Write(ctx, func(q store.Q) error {
		current, err := s.changeableOral(ctx, q, oralID)
		if err != nil {
			return err
		}
		c, err := q.Commission(ctx, current.CommissionID)
		if err != nil {
			return err
		}
		cand, e, err := enrolmentUnscoped(ctx, q, current.EnrolmentID)
		if err != nil {
			return err
		}
		moved := current.Oral
		moved.StartsAt, moved.DurationMinutes, moved.Place, moved.VideoLink = start, duration, place, link
		if err := s.checkOralConflicts(ctx, q, c, cand, e, moved); err != nil {
			return err
		}
		if err := q.RescheduleOral(ctx, moved); err != nil {
			return err
		}
		listing, err := q.Oral(ctx, oralID)
		if err != nil {
			return err
		}
		out.Oral = oralView(listing)
		if err := s.audit(ctx, q, a, change{Action: "oral.reschedule", EntityType: "oral", EntityID: oralID, CandidateID: cand.ID,
			Before: oralState(oralView(current)), After: oralState(out.Oral), Reason: reason}); err != nil {
			return err
		}
		out.Sent, out.NoEmail, err = s.queueConvocations(ctx, q, out.Oral, cand)
		return err
	})
	return out, err
}

// CancelOral cancels an oral that has not started, with a reason, and tells the candidate and
// the members.
func (s *Service) CancelOral(ctx context.Context, a domain.Actor, oralID, reason string) error {
	if err := Check(a, ActCommissionManage); err != nil {
		return err
	}
	reason = strings.TrimSpace(reason)
	fe := domain.FieldErrors{}
	checkOralReason(fe, reason, "Indiquez pourquoi l'oral est annulé : le motif est envoyé au candidat et aux membres.")
	if err := fe.Err(); err != nil {
		return err
	}
	return s.store.Write(ctx, func(q store.Q) error {
		current, err := s.changeableOral(ctx, q, oralID)
		if err != nil {
			return err
		}
		return s.cancelOral(ctx, q, a, current, reason)
	})
}

// cancelOral removes an oral that has not started, in the caller's transaction, audits it with
// its reason and tells the candidate and the commission's members by mail.
func (s *Service) cancelOral(ctx context.Context, q store.Q, a domain.Actor, current store.OralListing, reason string) error {
	cand, _, err := enrolmentUnscoped(ctx, q, current.EnrolmentID)
	if err != nil {
		return err
	}
	if err := q.DeleteOral(ctx, current.ID); err != nil {
		return err
	}
	o := oralView(current)
	if err := s.audit(ctx, q, a, change{Action: "oral.cancel", EntityType: "oral", EntityID: current.ID, CandidateID: cand.ID,
		Before: oralState(o), Reason: reason}); err != nil {
		return err
	}
	body := "L'oral de certification prévu " + o.When() + " (commission « " + o.CommissionName + " », " + cand.DisplayName() +
		", CQP « " + o.QualificationTitle + " ») est annulé.\n\nMotif : " + reason +
		"\n\nUne nouvelle convocation sera envoyée si un autre oral est programmé. Supprimez ce rendez-vous de votre agenda.\n\nLe secrétariat des CQP\n"
	recipients := []string{cand.Email}
	for _, m := range o.Members {
		recipients = append(recipients, m.Email)
	}
	for _, to := range recipients {
		if to == "" {
			continue
		}
		if err := s.queueMail(ctx, q, to, "Oral de certification annulé — "+o.Day(), "Bonjour,\n\n"+body); err != nil {
			return err
		}
	}
	return nil
}

// cancelOralsAfterResult cancels the orals of an enrolment planned after the session that has
// just made its result final, and not held yet: they would evaluate what the jury has decided.
func (s *Service) cancelOralsAfterResult(ctx context.Context, q store.Q, a domain.Actor, enrolmentID string, session store.JurySession) error {
	orals, err := q.ListOrals(ctx, store.OralFilter{EnrolmentID: enrolmentID})
	if err != nil {
		return err
	}
	for _, o := range orals {
		if !o.StartsAt.After(session.StartsAt) || !s.Now().Before(o.StartsAt) {
			continue
		}
		reason := "Le jury du " + sessionDay(session) + " a arrêté le résultat du candidat : cet oral, prévu après la délibération, n'a plus lieu d'être."
		if err := s.cancelOral(ctx, q, a, o, reason); err != nil {
			return err
		}
	}
	return nil
}

// changeableOral reads an oral that may still be moved or cancelled: it has not started.
func (s *Service) changeableOral(ctx context.Context, q store.Q, oralID string) (store.OralListing, error) {
	o, err := q.Oral(ctx, oralID)
	if err != nil {
		return o, err
	}
	if !s.Now().Before(o.StartsAt) {
		return o, domain.Errorf(domain.ECONFLICT, "L'oral du %s a commencé ou a eu lieu : il ne se déplace ni ne s'annule plus.", oralView(o).Day())
	}
	return o, nil
}

func checkOralReason(fe domain.FieldErrors, reason, missing string) {
	switch {
	case reason == "":
		fe.Add("reason", missing)
	case utf8.RuneCountInString(reason) > 1000:
		fe.Add("reason", "Le motif dépasse 1 000 caractères : raccourcissez-le.")
	}
}
