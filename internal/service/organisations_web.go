package service

import (
	"context"

	"cqp/internal/domain"
	"cqp/internal/store"
)

// OrganisationUsers lists the accounts that act for a training organisation, for its page.
// The organisation is looked up within the actor's scope first, so that an organisation
// outside it is "not found" here too.
func (s *Service) OrganisationUsers(ctx context.Context, a domain.Actor, orgID string) ([]domain.User, error) {
	if _, err := s.TrainingOrganisation(ctx, a, orgID); err != nil {
		return nil, err
	}
	users, err := s.store.Read().ListUsers(ctx, store.UserFilter{Role: domain.RoleTrainingOrganisation, ScopeID: orgID})
	return withoutSecrets(users), err
}

// CompanyUsers lists the accounts that act for a company (the company itself and its
// referents), for its page. The company is looked up within the actor's scope first.
func (s *Service) CompanyUsers(ctx context.Context, a domain.Actor, companyID string) ([]domain.User, error) {
	if _, err := s.Company(ctx, a, companyID); err != nil {
		return nil, err
	}
	var out []domain.User
	seen := map[string]bool{}
	for _, role := range []domain.Role{domain.RoleCompany, domain.RoleCompanyReferent} {
		users, err := s.store.Read().ListUsers(ctx, store.UserFilter{Role: role, ScopeID: companyID})
		if err != nil {
			return nil, err
		}
		for _, u := range users {
			if !seen[u.ID] {
				seen[u.ID] = true
				out = append(out, u)
			}
		}
	}
	return withoutSecrets(out), nil
}

// withoutSecrets drops the password hashes of accounts read for display.
func withoutSecrets(users []domain.User) []domain.User {
	for i := range users {
		users[i].PasswordHash = ""
	}
	return users
}
