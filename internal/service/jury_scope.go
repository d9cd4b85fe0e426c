package service

import (
	"context"
	"slices"

	"cqp/internal/domain"
	"cqp/internal/store"
)

// Who reads and acts in which jury session (issue 10, item 3). The secretariat and the
// branch read every session; a jury member or president reads only the sessions they are
// invited to, and any other session is "not found", exactly as if it did not exist. The
// secretariat records decisions in any session (it captures them as the jury speaks them); a
// president records decisions and closes only in a session they are invited to and recorded
// present at.

func errSessionNotFound() error {
	return domain.Errorf(domain.ENOTFOUND, "Session de jury introuvable.")
}

// invitation returns the actor's invitation among a session's, if any.
func invitation(a domain.Actor, invited []store.JuryInvitation) (store.JuryInvitation, bool) {
	i := slices.IndexFunc(invited, func(in store.JuryInvitation) bool { return in.UserID == a.UserID })
	if i < 0 || a.UserID == "" {
		return store.JuryInvitation{}, false
	}
	return invited[i], true
}

// readableJurySessions returns the sessions the actor may read, the most recent first.
func readableJurySessions(ctx context.Context, q store.Q, a domain.Actor) ([]store.JurySession, error) {
	all, _, err := scopedAssignments(a, ActJuryRead)
	if err != nil {
		return nil, err
	}
	if all {
		return q.JurySessions(ctx)
	}
	return q.JurySessionsOfMember(ctx, a.UserID)
}

// openJurySessions counts the sessions the actor may read that are not closed yet.
func openJurySessions(ctx context.Context, q store.Q, a domain.Actor) (int, error) {
	all, _, err := scopedAssignments(a, ActJuryRead)
	if err != nil {
		return 0, err
	}
	if all {
		return q.CountOpenJurySessions(ctx, "")
	}
	return q.CountOpenJurySessions(ctx, a.UserID)
}

// readableJurySession returns a session the actor may read, with its invitations; a session
// the actor is not invited to is "not found" unless they read every session.
func readableJurySession(ctx context.Context, q store.Q, a domain.Actor, id string) (store.JurySession, []store.JuryInvitation, error) {
	all, _, err := scopedAssignments(a, ActJuryRead)
	if err != nil {
		return store.JurySession{}, nil, err
	}
	js, err := q.JurySession(ctx, id)
	if err != nil {
		return js, nil, err
	}
	invited, err := q.JuryInvitations(ctx, js.ID)
	if err != nil {
		return js, nil, err
	}
	if _, ok := invitation(a, invited); !all && !ok {
		return store.JurySession{}, nil, errSessionNotFound()
	}
	return js, invited, nil
}

// notPresentMessage tells an invited president not recorded present why they may not act.
func notPresentMessage(what string) string {
	return "Vous n'êtes pas enregistré comme présent à cette session : seul un président du jury présent " + what +
		". Demandez au secrétariat d'enregistrer votre présence."
}

// actingMember says whether the actor may carry act (deciding, closing) in a session whose
// invitations are given: nil for a role that carries it in every session; for a role that
// carries it in its own sessions only, "not found" when the actor is not invited and a
// conflict, saying why, when they are not recorded present. what names the act in French for
// that message (« décide des blocs en débat »).
func actingMember(a domain.Actor, act Action, invited []store.JuryInvitation, what string) error {
	switch AccessFor(a, act) {
	case AccessAll:
		return nil
	case AccessNone:
		return Check(a, act)
	}
	in, ok := invitation(a, invited)
	if !ok {
		return errSessionNotFound()
	}
	if !in.Present {
		return domain.Errorf(domain.ECONFLICT, "%s", notPresentMessage(what))
	}
	return nil
}

const (
	whatDecide = "décide des blocs en débat"
	whatClose  = "clôt la délibération"
)

// actingSession locks a session the actor may carry act in (actingMember), then refuses it
// if it is closed: a session the actor is not invited to is "not found" before anything about
// its state is said.
func actingSession(ctx context.Context, q store.Q, a domain.Actor, act Action, sessionID, what string) (store.JurySession, error) {
	js, err := q.LockJurySession(ctx, sessionID)
	if err != nil {
		return js, err
	}
	invited, err := q.JuryInvitations(ctx, js.ID)
	if err != nil {
		return js, err
	}
	if err := actingMember(a, act, invited, what); err != nil {
		return js, err
	}
	if js.Status == store.JuryClosed {
		return js, errSessionClosed()
	}
	return js, nil
}
