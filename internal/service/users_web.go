package service

import (
	"context"
	"strings"

	"cqp/internal/domain"
	"cqp/internal/store"
)

// SetUserStatus disables (disabled true) or re-enables an account from the secretariat's
// pages. Unlike the command line, a person must say why: the reason is required and goes to
// the audit trail. Asking for the state the account is already in is a conflict, so that the
// trail records only real changes.
func (s *Service) SetUserStatus(ctx context.Context, a domain.Actor, id string, disabled bool, reason string) error {
	if err := Check(a, ActUserManage); err != nil {
		return err
	}
	reason = strings.TrimSpace(reason)
	if reason == "" {
		msg := "Indiquez la raison de la réactivation du compte."
		if disabled {
			msg = "Indiquez la raison de la désactivation du compte."
		}
		return &domain.Error{Code: domain.EINVALID, Message: msg, Fields: map[string]string{"reason": msg}}
	}
	u, err := s.store.Read().UserByID(ctx, id)
	if err != nil {
		return err
	}
	if u.Disabled() == disabled {
		if disabled {
			return domain.Errorf(domain.ECONFLICT, "Ce compte est déjà désactivé.")
		}
		return domain.Errorf(domain.ECONFLICT, "Ce compte est déjà actif.")
	}
	return s.SetUserDisabled(ctx, a, id, disabled, reason)
}

// AuditPerson is an account as the audit trail names it: enough to filter by actor and to
// name the accounts an entry is about.
type AuditPerson struct {
	ID            string
	Name          string
	CandidateOnly bool // the account holds no role but the candidate's
}

// AuditPeople lists every account by name for the audit trail's filters. Whoever may read
// the trail already sees these names in it.
func (s *Service) AuditPeople(ctx context.Context, a domain.Actor) ([]AuditPerson, error) {
	if err := Check(a, ActAuditRead); err != nil {
		return nil, err
	}
	users, err := s.store.Read().ListUsers(ctx, store.UserFilter{})
	if err != nil {
		return nil, err
	}
	out := make([]AuditPerson, 0, len(users))
	for _, u := range users {
		p := AuditPerson{ID: u.ID, Name: u.Name, CandidateOnly: len(u.Roles) > 0}
		for _, r := range u.Roles {
			p.CandidateOnly = p.CandidateOnly && r.Role == domain.RoleCandidate
		}
		out = append(out, p)
	}
	return out, nil
}
