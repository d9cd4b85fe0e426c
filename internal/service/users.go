package service

import (
	"context"

	"cqp/internal/domain"
	"cqp/internal/store"
)

// CreateUser creates an account. Without a password, the person receives a link to choose one.
func (s *Service) CreateUser(ctx context.Context, a domain.Actor, in UserInput) (domain.User, error) {
	if err := Check(a, ActUserManage); err != nil {
		return domain.User{}, err
	}
	var u domain.User
	err := s.store.Write(ctx, func(q store.Q) error {
		var err error
		if u, err = s.createUser(ctx, q, a, in); err != nil {
			return err
		}
		if in.Password != "" {
			return nil
		}
		token, hash := newSecret()
		if err := q.CreateOneTimeToken(ctx, store.OneTimeToken{Hash: hash, Purpose: purposePasswordReset, UserID: u.ID,
			ExpiresAt: s.Now().Add(setupLifetime), CreatedAt: s.Now()}); err != nil {
			return err
		}
		body := "Bonjour " + u.Name + ",\n\nUn compte cqp vient d'être créé pour vous. Choisissez votre mot de passe dans les 24 heures :\n" +
			s.baseURL + "/mot-de-passe/nouveau?jeton=" + token + "\n"
		return s.queueMail(ctx, q, u.Email, "Votre compte cqp", body)
	})
	return u, err
}

// Users lists accounts for the secretariat.
func (s *Service) Users(ctx context.Context, a domain.Actor, f store.UserFilter) ([]domain.User, error) {
	if err := Check(a, ActUserManage); err != nil {
		return nil, err
	}
	return s.store.Read().ListUsers(ctx, f)
}

// User returns one account.
func (s *Service) User(ctx context.Context, a domain.Actor, id string) (domain.User, error) {
	if err := Check(a, ActUserManage); err != nil {
		return domain.User{}, err
	}
	return s.store.Read().UserByID(ctx, id)
}

// UserByEmail returns one account by e-mail (CLI).
func (s *Service) UserByEmail(ctx context.Context, a domain.Actor, email string) (domain.User, error) {
	if err := Check(a, ActUserManage); err != nil {
		return domain.User{}, err
	}
	return s.store.Read().UserByEmail(ctx, domain.NormalizeEmail(email))
}

// SetUserDisabled disables or re-enables an account, with a reason.
func (s *Service) SetUserDisabled(ctx context.Context, a domain.Actor, id string, disabled bool, reason string) error {
	if err := Check(a, ActUserManage); err != nil {
		return err
	}
	if disabled && id == a.UserID {
		return domain.Errorf(domain.ECONFLICT, "Vous ne pouvez pas désactiver votre propre compte.")
	}
	return s.store.Write(ctx, func(q store.Q) error {
		u, err := q.UserByID(ctx, id)
		if err != nil {
			return err
		}
		var at = u.DisabledAt
		action := "user.enable"
		if disabled {
			now := s.Now()
			at, action = &now, "user.disable"
		} else {
			at = nil
		}
		if err := q.SetUserDisabled(ctx, id, at); err != nil {
			return err
		}
		return s.audit(ctx, q, a, change{Action: action, EntityType: "user", EntityID: id,
			Before: map[string]bool{"disabled": u.Disabled()}, After: map[string]bool{"disabled": disabled}, Reason: reason})
	})
}

// AddRole gives an account one more role.
func (s *Service) AddRole(ctx context.Context, a domain.Actor, userID string, r domain.RoleAssignment) error {
	if err := Check(a, ActUserManage); err != nil {
		return err
	}
	if !r.Role.Valid() {
		return &domain.Error{Code: domain.EINVALID, Message: "Rôle inconnu.", Fields: map[string]string{"role": "Choisissez un rôle dans la liste."}}
	}
	if r.Role.ScopeKind() == "" {
		r.ScopeID = ""
	} else if r.ScopeID == "" {
		msg := "Choisissez le périmètre de ce rôle."
		return &domain.Error{Code: domain.EINVALID, Message: msg, Fields: map[string]string{"scope": msg}}
	}
	return s.store.Write(ctx, func(q store.Q) error {
		r.ID, r.UserID, r.CreatedAt = newID(), userID, s.Now()
		if _, err := q.UserByID(ctx, userID); err != nil {
			return err
		}
		if r.Role.ScopeKind() != "" {
			if err := checkScope(ctx, q, r); err != nil {
				return err
			}
		}
		if err := q.AddRole(ctx, r); err != nil {
			return err
		}
		return s.audit(ctx, q, a, change{Action: "user.role_add", EntityType: "user", EntityID: userID,
			After: map[string]string{"role": string(r.Role), "scope": r.ScopeID}})
	})
}
