package service

import (
	"context"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"cqp/internal/domain"
	"cqp/internal/store"
)

// APITokenPrefix starts every API token, so that a leaked token is recognisable in a file or a
// secret scanner.
const APITokenPrefix = "cqp_"

const (
	// maxActiveAPITokens bounds how many unrevoked tokens one account may hold.
	maxActiveAPITokens = 20
	// maxAPITokenName bounds a token's name, in characters.
	maxAPITokenName = 100
	// apiTokenTouchEvery is how stale last_used_at may get before a request records it again:
	// a busy script must not turn every read into a write.
	apiTokenTouchEvery = time.Minute
	// DefaultAPITokenDays is a new token's lifetime when its creator chooses none.
	DefaultAPITokenDays = 90
	// MaxAPITokenDays bounds the lifetime one may choose.
	MaxAPITokenDays = 365
)

// CreateAPIToken creates a bearer token for the actor's own account and returns its secret,
// shown this once: only its SHA-256 hash is stored. The token acts with the roles its owner
// holds when it is used, never more, and expires after days days (DefaultAPITokenDays unless
// its creator chose otherwise).
func (s *Service) CreateAPIToken(ctx context.Context, a domain.Actor, name string, days int) (string, store.APIToken, error) {
	if err := Check(a, ActAccount); err != nil {
		return "", store.APIToken{}, err
	}
	if a.UserID == "" {
		return "", store.APIToken{}, domain.Errorf(domain.EFORBIDDEN, "Un jeton d'API appartient à un compte : connectez-vous avec le vôtre pour en créer un.")
	}
	name = strings.TrimSpace(name)
	fe := domain.FieldErrors{}
	switch {
	case name == "":
		fe.Add("name", "Donnez un nom au jeton, par exemple le script ou l'outil qui l'utilisera.")
	case utf8.RuneCountInString(name) > maxAPITokenName:
		fe.Add("name", "Le nom du jeton ne peut dépasser 100 caractères.")
	}
	if days < 1 || days > MaxAPITokenDays {
		fe.Add("days", fmt.Sprintf("Choisissez une durée de validité de 1 à %d jours.", MaxAPITokenDays))
	}
	if err := fe.Err(); err != nil {
		return "", store.APIToken{}, err
	}
	random, _ := newSecret()
	secret := APITokenPrefix + random
	t := store.APIToken{ID: newID(), UserID: a.UserID, Name: name, Hash: hashSecret(secret), CreatedAt: s.Now(),
		ExpiresAt: s.Now().AddDate(0, 0, days)}
	err := s.store.Write(ctx, func(q store.Q) error {
		existing, err := q.APITokensOfUser(ctx, a.UserID)
		if err != nil {
			return err
		}
		active := 0
		for _, x := range existing {
			if x.Active(s.Now()) {
				active++
			}
		}
		if active >= maxActiveAPITokens {
			return domain.Errorf(domain.ECONFLICT, "Vous avez déjà %d jetons d'API actifs : révoquez ceux qui ne servent plus avant d'en créer un autre.", active)
		}
		if err := q.CreateAPIToken(ctx, t); err != nil {
			return err
		}
		return s.audit(ctx, q, a, change{Action: "api_token.create", EntityType: "api_token", EntityID: t.ID,
			After: map[string]any{"name": t.Name, "expires_at": t.ExpiresAt}})
	})
	if err != nil {
		return "", store.APIToken{}, err
	}
	return secret, t, nil
}

// APITokens lists the actor's own tokens, revoked ones included, newest first.
func (s *Service) APITokens(ctx context.Context, a domain.Actor) ([]store.APIToken, error) {
	if err := Check(a, ActAccount); err != nil {
		return nil, err
	}
	if a.UserID == "" {
		return nil, nil
	}
	return s.store.Read().APITokensOfUser(ctx, a.UserID)
}

// RevokeAPIToken revokes one of the actor's own tokens. Someone else's token is "not found".
func (s *Service) RevokeAPIToken(ctx context.Context, a domain.Actor, id string) error {
	if err := Check(a, ActAccount); err != nil {
		return err
	}
	notFound := domain.Errorf(domain.ENOTFOUND, "Jeton d'API introuvable ou déjà révoqué.")
	if a.UserID == "" {
		return notFound
	}
	return s.store.Write(ctx, func(q store.Q) error {
		tokens, err := q.APITokensOfUser(ctx, a.UserID)
		if err != nil {
			return err
		}
		var t *store.APIToken
		for i := range tokens {
			if tokens[i].ID == id && tokens[i].RevokedAt == nil {
				t = &tokens[i]
			}
		}
		if t == nil {
			return notFound
		}
		if err := q.RevokeAPIToken(ctx, a.UserID, id, s.Now()); err != nil {
			if domain.ErrorCode(err) == domain.ENOTFOUND {
				return notFound
			}
			return err
		}
		return s.audit(ctx, q, a, change{Action: "api_token.revoke", EntityType: "api_token", EntityID: id,
			Before: map[string]any{"name": t.Name, "revoked": false}, After: map[string]any{"name": t.Name, "revoked": true}})
	})
}

// ActorForAPIToken returns the actor a bearer token acts for: its owner, with the roles the
// owner holds now. An unknown, revoked or expired token, or a disabled owner, is
// "unauthorized", with a message that says which. The token's last use is recorded at most
// once a minute.
func (s *Service) ActorForAPIToken(ctx context.Context, token, requestID string) (domain.Actor, error) {
	anonymous := domain.Actor{RequestID: requestID}
	invalid := domain.Errorf(domain.EUNAUTHORIZED, "Jeton d'API inconnu ou révoqué : créez-en un nouveau depuis la page « Mon compte ».")
	if !strings.HasPrefix(token, APITokenPrefix) || len(token) > 200 {
		return anonymous, invalid
	}
	r := s.store.Read()
	t, err := r.APITokenByHash(ctx, hashSecret(token))
	if domain.ErrorCode(err) == domain.ENOTFOUND {
		return anonymous, invalid
	}
	if err != nil {
		return anonymous, err
	}
	now := s.Now()
	switch {
	case t.RevokeReason == store.RevokedByReset:
		return anonymous, domain.Errorf(domain.EUNAUTHORIZED, "Ce jeton d'API a pris fin le %s avec la réinitialisation du mot de passe de son compte : créez-en un nouveau depuis la page « Mon compte ».",
			t.RevokedAt.In(domain.Paris()).Format("02/01/2006"))
	case t.RevokedAt != nil:
		return anonymous, invalid
	case t.Expired(now):
		return anonymous, domain.Errorf(domain.EUNAUTHORIZED, "Ce jeton d'API a expiré le %s : créez-en un nouveau depuis la page « Mon compte ».",
			t.ExpiresAt.In(domain.Paris()).Format("02/01/2006 à 15:04"))
	}
	u, err := r.UserByID(ctx, t.UserID)
	if domain.ErrorCode(err) == domain.ENOTFOUND {
		return anonymous, invalid
	}
	if err != nil {
		return anonymous, err
	}
	if u.Disabled() {
		return anonymous, domain.Errorf(domain.EUNAUTHORIZED, "Le compte de ce jeton d'API est désactivé. Contactez le secrétariat.")
	}
	if t.LastUsedAt == nil || now.Sub(*t.LastUsedAt) >= apiTokenTouchEvery {
		if err := s.store.Write(ctx, func(q store.Q) error { return q.TouchAPIToken(ctx, t.ID, now) }); err != nil && s.log != nil {
			// The request may go on: the last-use date is information, not a guard.
			s.log.Warn("record api token use", "token_id", t.ID, "error", err, "request_id", requestID)
		}
	}
	return domain.Actor{UserID: u.ID, Name: u.Name, Roles: u.Roles, RequestID: requestID}, nil
}

// OwnAPIToken returns the actor's token whose secret is token: the one an API request came
// with, to tell its owner when it expires.
func (s *Service) OwnAPIToken(ctx context.Context, a domain.Actor, token string) (store.APIToken, error) {
	if err := Check(a, ActAccount); err != nil {
		return store.APIToken{}, err
	}
	t, err := s.store.Read().APITokenByHash(ctx, hashSecret(token))
	if err == nil && t.UserID != a.UserID {
		err = domain.Errorf(domain.ENOTFOUND, "Jeton d'API introuvable.")
	}
	return t, err
}

// Me returns the actor's own account with its roles.
func (s *Service) Me(ctx context.Context, a domain.Actor) (domain.User, error) {
	if err := Check(a, ActAccount); err != nil {
		return domain.User{}, err
	}
	if a.UserID == "" {
		return domain.User{}, domain.Errorf(domain.ENOTFOUND, "Aucun compte n'est associé à cette action.")
	}
	return s.store.Read().UserByID(ctx, a.UserID)
}
