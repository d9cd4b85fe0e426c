package service

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"cqp/internal/domain"
	"cqp/internal/store"
)

// Login throttling: after this many failures in the window, the account or the address must wait.
const (
	maxFailuresPerAccount = 5
	maxFailuresPerIP      = 20
	failureWindow         = 15 * time.Minute
)

// LoginRetryAfter is how long a login refused as too many should wait before the next try:
// a few seconds when the server was busy hashing passwords, the window when throttled.
func LoginRetryAfter(err error) time.Duration {
	if errors.Is(err, errPasswordWorkBusy) {
		return busyRetryAfter
	}
	return failureWindow
}

// Login checks an e-mail and password and returns the user. Every attempt is counted per
// account and per IP address in the database before any password is hashed, so every server
// shares the count and parallel attempts cannot all slip under the limit: each gets its own
// number. A successful login clears its account's count and gives back its address's attempt.
func (s *Service) Login(ctx context.Context, email, password, ip string) (domain.User, error) {
	email = domain.NormalizeEmail(email)
	if ip == "" {
		ip = "unknown"
	}
	accountKey, ipKey := store.HitLoginAccount+email, store.HitLoginAddress+ip
	now := s.Now()
	throttled := false
	err := s.store.Write(ctx, func(q store.Q) error {
		for _, k := range []struct {
			key string
			max int
		}{{accountKey, maxFailuresPerAccount}, {ipKey, maxFailuresPerIP}} {
			n, err := q.Hit(ctx, k.key, now, failureWindow)
			if err != nil {
				return err
			}
			if n > k.max {
				throttled = true
			}
		}
		return nil
	})
	if err != nil {
		return domain.User{}, err
	}
	if throttled {
		return domain.User{}, domain.Errorf(domain.ETOOMANY, "Trop de tentatives de connexion. Réessayez dans %d minutes ou réinitialisez votre mot de passe.", int(failureWindow.Minutes()))
	}
	u, err := s.store.Read().UserByEmail(ctx, email)
	if err != nil && domain.ErrorCode(err) != domain.ENOTFOUND {
		return domain.User{}, err
	}
	if !s.passwordWork.tryStart() {
		// Not tried, so not counted: the attempt is given back to the account and the address.
		if werr := s.store.Write(ctx, func(q store.Q) error {
			if err := q.Unhit(ctx, accountKey); err != nil {
				return err
			}
			return q.Unhit(ctx, ipKey)
		}); werr != nil {
			return domain.User{}, werr
		}
		return domain.User{}, busyLoginError()
	}
	ok := false
	if err == nil {
		ok = VerifyPassword(u.PasswordHash, password)
	} else {
		VerifyPassword(dummyHash, password)
	}
	s.passwordWork.done()
	if ok && u.Disabled() {
		return domain.User{}, domain.Errorf(domain.EUNAUTHORIZED, "Ce compte est désactivé. Contactez le secrétariat.")
	}
	if !ok {
		return domain.User{}, domain.Errorf(domain.EUNAUTHORIZED, "Adresse e-mail ou mot de passe incorrect.")
	}
	err = s.store.Write(ctx, func(q store.Q) error {
		if err := q.ForgetHits(ctx, accountKey, s.Now().Add(-24*time.Hour)); err != nil {
			return err
		}
		return q.Unhit(ctx, ipKey)
	})
	return u, err
}

// Actor loads the actor for a logged-in user id. A disabled or deleted account is anonymous.
func (s *Service) Actor(ctx context.Context, userID, requestID string) (domain.Actor, error) {
	a, _, err := s.userActor(ctx, userID, requestID)
	return a, err
}

// SessionActor loads the actor of a web session that logged in as userID under the account's
// session generation generation. A session of an older generation has ended with a password
// change or reset: it is anonymous, like that of a disabled or deleted account.
func (s *Service) SessionActor(ctx context.Context, userID string, generation int, requestID string) (domain.Actor, error) {
	a, u, err := s.userActor(ctx, userID, requestID)
	if err != nil || u.SessionGeneration != generation {
		return domain.Actor{RequestID: requestID}, err
	}
	return a, nil
}

func (s *Service) userActor(ctx context.Context, userID, requestID string) (domain.Actor, domain.User, error) {
	anonymous := domain.Actor{RequestID: requestID}
	u, err := s.store.Read().UserByID(ctx, userID)
	if err != nil {
		if domain.ErrorCode(err) == domain.ENOTFOUND {
			return anonymous, u, nil
		}
		return anonymous, u, err
	}
	if u.Disabled() {
		return anonymous, u, nil
	}
	return domain.Actor{UserID: u.ID, Name: u.Name, Roles: u.Roles, RequestID: requestID}, u, nil
}

const (
	purposePasswordReset = "password_reset"
	purposeSetup         = "setup"
	resetLifetime        = time.Hour
	setupLifetime        = 24 * time.Hour
)

// Password-reset throttling: at most this many requests per account and per address in the
// window. The account's limit leaves room for a mail that got lost; the address's, for a
// shared office address.
const (
	maxResetsPerAccount = 3
	maxResetsPerIP      = 10
	resetWindow         = time.Hour
)

// RequestPasswordReset mails a reset link if the account exists. Its answer, refusals
// included, and the work it does are the same whether or not the account exists, so that the
// form cannot be used to find out who has an account. Requests are counted per account and
// per address (ip); a new link ends every earlier link of the account.
func (s *Service) RequestPasswordReset(ctx context.Context, email, ip string) error {
	email = domain.NormalizeEmail(email)
	if !domain.LooksLikeEmail(email) {
		return &domain.Error{Code: domain.EINVALID, Message: "Indiquez une adresse e-mail valide.", Fields: map[string]string{"email": "Indiquez une adresse e-mail valide."}}
	}
	u, err := s.store.Read().UserByEmail(ctx, email)
	if err != nil && domain.ErrorCode(err) != domain.ENOTFOUND {
		return err
	}
	exists := err == nil && !u.Disabled()
	if !exists {
		u = domain.User{} // no account: the statements below match nothing
	}
	token, hash := newSecret()
	body := fmt.Sprintf("Bonjour %s,\n\nPour choisir un nouveau mot de passe cqp, ouvrez ce lien dans l'heure :\n%s/mot-de-passe/nouveau?jeton=%s\n\nSi vous n'avez rien demandé, ignorez ce message : votre mot de passe ne change pas.\n",
		u.Name, s.baseURL, token)
	now := s.Now()
	return s.store.Write(ctx, func(q store.Q) error {
		for _, k := range []struct {
			key string
			max int
		}{{store.HitResetAccount + email, maxResetsPerAccount}, {store.HitResetAddress + ip, maxResetsPerIP}} {
			n, err := q.Hit(ctx, k.key, now, resetWindow)
			if err != nil {
				return err
			}
			if n > k.max {
				return domain.Errorf(domain.ETOOMANY, "Trop de demandes de réinitialisation pour cette adresse. Utilisez le lien du dernier courriel reçu ou réessayez dans une heure.")
			}
		}
		if err := q.EndOneTimeTokens(ctx, u.ID, purposePasswordReset, "", now); err != nil {
			return err
		}
		if !exists {
			return nil
		}
		if err := q.CreateOneTimeToken(ctx, store.OneTimeToken{Hash: hash, Purpose: purposePasswordReset, UserID: u.ID,
			ExpiresAt: now.Add(resetLifetime), CreatedAt: now}); err != nil {
			return err
		}
		return s.queueMail(ctx, q, u.Email, "Réinitialisation de votre mot de passe cqp", body)
	})
}

// ResetPassword sets a new password with a reset token. Every other reset link, every session
// and every API token of the account end with it.
func (s *Service) ResetPassword(ctx context.Context, token, password string) error {
	if msg := checkPasswordStrength(password); msg != "" {
		return &domain.Error{Code: domain.EINVALID, Message: msg, Fields: map[string]string{"password": msg}}
	}
	hash, err := s.hashPassword(ctx, password)
	if err != nil {
		return err
	}
	return s.store.Write(ctx, func(q store.Q) error {
		t, err := q.UseOneTimeToken(ctx, hashSecret(token), purposePasswordReset, s.Now())
		if err != nil {
			return err
		}
		if err := q.EndOneTimeTokens(ctx, t.UserID, purposePasswordReset, t.Hash, s.Now()); err != nil {
			return err
		}
		// The new password ends every session and every API token of the account: whoever
		// knew the old password, or took a token, is out.
		if _, err := q.SetPasswordHash(ctx, t.UserID, hash); err != nil {
			return err
		}
		ended, err := q.RevokeAPITokensOfUser(ctx, t.UserID, store.RevokedByReset, s.Now())
		if err != nil {
			return err
		}
		u, err := q.UserByID(ctx, t.UserID)
		if err != nil {
			return err
		}
		if err := s.queuePasswordChangedMail(ctx, q, u, "Toutes vos sessions ouvertes sont fermées et vos jetons d'API ont pris fin : créez-en de nouveaux depuis la page « Mon compte »."); err != nil {
			return err
		}
		return s.audit(ctx, q, domain.Actor{UserID: t.UserID, Name: "(lien de réinitialisation)"},
			change{Action: "user.password_reset", EntityType: "user", EntityID: t.UserID,
				After: map[string]any{"sessions_ended": true, "api_tokens_ended": ended}})
	})
}

// queuePasswordChangedMail tells the account's owner that its password changed, with what
// ended with it, so that someone who did not change it knows at once what to do.
func (s *Service) queuePasswordChangedMail(ctx context.Context, q store.Q, u domain.User, ended string) error {
	body := fmt.Sprintf("Bonjour %s,\n\nLe mot de passe de votre compte cqp a été changé le %s. %s\n\nSi vous n'êtes pas à l'origine de ce changement, choisissez aussitôt un nouveau mot de passe depuis %s/mot-de-passe/oubli et prévenez le secrétariat des CQP.\n",
		u.Name, s.Now().In(domain.Paris()).Format("02/01/2006 à 15:04"), ended, s.baseURL)
	return s.queueMail(ctx, q, u.Email, "Le mot de passe de votre compte cqp a changé", body)
}

// ValidResetToken reports whether a reset link can still be used, to show the form or not.
func (s *Service) ValidResetToken(ctx context.Context, token string) (bool, error) {
	return s.store.Read().ValidOneTimeToken(ctx, hashSecret(token), purposePasswordReset, s.Now())
}

// ChangePassword lets a logged-in user change their own password. Every session of the
// account ends but the one that changed it, which carries on with the session generation
// returned.
func (s *Service) ChangePassword(ctx context.Context, a domain.Actor, current, next string) (int, error) {
	if err := Check(a, ActAccount); err != nil {
		return 0, err
	}
	u, err := s.store.Read().UserByID(ctx, a.UserID)
	if err != nil {
		return 0, err
	}
	fe := domain.FieldErrors{}
	if ok, err := s.verifyPassword(ctx, u.PasswordHash, current); err != nil {
		return 0, err
	} else if !ok {
		fe.Add("current", "Le mot de passe actuel est incorrect.")
	}
	if msg := checkPasswordStrength(next); msg != "" {
		fe.Add("password", msg)
	}
	if err := fe.Err(); err != nil {
		return 0, err
	}
	hash, err := s.hashPassword(ctx, next)
	if err != nil {
		return 0, err
	}
	var generation int
	err = s.store.Write(ctx, func(q store.Q) error {
		var err error
		if generation, err = q.SetPasswordHash(ctx, u.ID, hash); err != nil {
			return err
		}
		if err := s.queuePasswordChangedMail(ctx, q, u, "Vos sessions ouvertes sur d'autres appareils sont fermées."); err != nil {
			return err
		}
		return s.audit(ctx, q, a, change{Action: "user.password_change", EntityType: "user", EntityID: u.ID,
			After: map[string]any{"other_sessions_ended": true}})
	})
	return generation, err
}

// NeedsSetup reports whether no account exists yet.
func (s *Service) NeedsSetup(ctx context.Context) (bool, error) {
	n, err := s.store.Read().CountUsers(ctx)
	return n == 0, err
}

// CreateSetupToken returns a one-time link token for creating the first secretariat account.
func (s *Service) CreateSetupToken(ctx context.Context) (string, error) {
	token, hash := newSecret()
	err := s.store.Write(ctx, func(q store.Q) error {
		return q.CreateOneTimeToken(ctx, store.OneTimeToken{Hash: hash, Purpose: purposeSetup,
			ExpiresAt: s.Now().Add(setupLifetime), CreatedAt: s.Now()})
	})
	return token, err
}

// ValidSetupToken reports whether a setup link can still be used.
func (s *Service) ValidSetupToken(ctx context.Context, token string) (bool, error) {
	return s.store.Read().ValidOneTimeToken(ctx, hashSecret(token), purposeSetup, s.Now())
}

// CompleteSetup creates the first secretariat account with a setup token.
func (s *Service) CompleteSetup(ctx context.Context, token string, in UserInput) (domain.User, error) {
	var u domain.User
	in.Roles = []domain.RoleAssignment{{Role: domain.RoleSecretariat}}
	err := s.store.Write(ctx, func(q store.Q) error {
		if _, err := q.UseOneTimeToken(ctx, hashSecret(token), purposeSetup, s.Now()); err != nil {
			return err
		}
		var err error
		u, err = s.createUser(ctx, q, domain.SystemActor("installation"), in)
		return err
	})
	return u, err
}

// EnsureAdmin creates the first secretariat account from the configuration when no account
// exists. It reports whether it created one.
func (s *Service) EnsureAdmin(ctx context.Context, email, password string) (bool, error) {
	created := false
	err := s.store.Write(ctx, func(q store.Q) error {
		n, err := q.CountUsers(ctx)
		if err != nil || n > 0 {
			return err
		}
		_, err = s.createUser(ctx, q, domain.SystemActor("configuration"), UserInput{
			Email: email, Name: "Secrétariat", Password: password,
			Roles: []domain.RoleAssignment{{Role: domain.RoleSecretariat}},
		})
		created = err == nil
		return err
	})
	return created, err
}

// UserInput is a new account.
type UserInput struct {
	Email    string
	Name     string
	Password string // empty: the user sets it through a reset link mailed to them
	Roles    []domain.RoleAssignment
}

func (s *Service) validateUser(in *UserInput) domain.FieldErrors {
	fe := domain.FieldErrors{}
	in.Email = domain.NormalizeEmail(in.Email)
	in.Name = strings.TrimSpace(in.Name)
	if !domain.LooksLikeEmail(in.Email) {
		fe.Add("email", "Indiquez une adresse e-mail valide, par exemple prenom.nom@exemple.fr.")
	}
	if in.Name == "" {
		fe.Add("name", "Indiquez le nom de la personne.")
	}
	fe.CheckLine("name", in.Name)
	if in.Password != "" {
		if msg := checkPasswordStrength(in.Password); msg != "" {
			fe.Add("password", msg)
		}
	}
	for _, r := range in.Roles {
		if !r.Role.Valid() {
			fe.Add("role", "Rôle inconnu.")
		} else if r.Role.ScopeKind() != "" && r.ScopeID == "" {
			fe.Add("scope", "Le rôle « "+r.Role.Label()+" » doit être rattaché à un périmètre (organisme, entreprise, candidat ou financeur).")
		}
	}
	return fe
}

func (s *Service) createUser(ctx context.Context, q store.Q, a domain.Actor, in UserInput) (domain.User, error) {
	if err := s.validateUser(&in).Err(); err != nil {
		return domain.User{}, err
	}
	u := domain.User{ID: newID(), Email: in.Email, Name: in.Name, CreatedAt: s.Now()}
	if in.Password != "" {
		h, err := s.hashPassword(ctx, in.Password)
		if err != nil {
			return u, err
		}
		u.PasswordHash = h
	}
	if err := q.CreateUser(ctx, u); err != nil {
		return u, err
	}
	for _, r := range in.Roles {
		r.ID, r.UserID, r.CreatedAt = newID(), u.ID, s.Now()
		if r.Role.ScopeKind() == "" {
			r.ScopeID = ""
		} else if err := checkScope(ctx, q, r); err != nil {
			return u, err
		}
		if err := q.AddRole(ctx, r); err != nil {
			return u, err
		}
		u.Roles = append(u.Roles, r)
	}
	type auditUser struct {
		Email string
		Name  string
		Roles []string
	}
	au := auditUser{Email: u.Email, Name: u.Name}
	for _, r := range u.Roles {
		au.Roles = append(au.Roles, string(r.Role)+":"+r.ScopeID)
	}
	return u, s.audit(ctx, q, a, change{Action: "user.create", EntityType: "user", EntityID: u.ID, After: au})
}

// checkScope refuses a role whose scope points at no existing organisation, company,
// candidate or funder.
func checkScope(ctx context.Context, q store.Q, r domain.RoleAssignment) error {
	ok, err := q.ScopeExists(ctx, r.Role.ScopeKind(), r.ScopeID)
	if err != nil {
		return err
	}
	if !ok {
		msg := "Le périmètre choisi pour le rôle « " + r.Role.Label() + " » n'existe pas."
		return &domain.Error{Code: domain.EINVALID, Message: msg, Fields: map[string]string{"scope": msg}}
	}
	return nil
}
