package service

import (
	"context"
	"strconv"
	"strings"

	"cqp/internal/domain"
	"cqp/internal/store"
)

func cleanSIRET(fe domain.FieldErrors, s string) string {
	s = domain.NormalizeSIRET(s)
	if msg := domain.CheckSIRET(s); msg != "" {
		fe.Add("siret", msg)
	}
	return s
}

// CreateTrainingOrganisation records an OF.
func (s *Service) CreateTrainingOrganisation(ctx context.Context, a domain.Actor, o domain.TrainingOrganisation) (domain.TrainingOrganisation, error) {
	if err := Check(a, ActOrganisationManage); err != nil {
		return o, err
	}
	fe := domain.FieldErrors{}
	o.Name, o.City, o.Email = strings.TrimSpace(o.Name), strings.TrimSpace(o.City), domain.NormalizeEmail(o.Email)
	if o.Name == "" {
		fe.Add("name", "Indiquez la raison sociale de l'organisme.")
	}
	fe.CheckLine("name", o.Name)
	fe.CheckLine("city", o.City)
	o.SIRET = cleanSIRET(fe, o.SIRET)
	if o.Email != "" && !domain.LooksLikeEmail(o.Email) {
		fe.Add("email", "Cette adresse e-mail n'est pas valide.")
	}
	if err := fe.Err(); err != nil {
		return o, err
	}
	o.ID, o.CreatedAt = newID(), s.Now()
	err := s.store.Write(ctx, func(q store.Q) error {
		if err := q.CreateTrainingOrganisation(ctx, o); err != nil {
			return err
		}
		return s.audit(ctx, q, a, change{Action: "organisation.create", EntityType: "training_organisation", EntityID: o.ID,
			After: map[string]string{"name": o.Name, "siret": o.SIRET, "city": o.City}})
	})
	return o, err
}

// orgScope returns nil when the actor sees every OF, else the ids they may see.
func orgScope(a domain.Actor, act Action) ([]string, error) {
	switch AccessFor(a, act) {
	case AccessAll:
		return nil, nil
	case AccessScoped:
		return append([]string{}, a.Scopes(domain.RoleTrainingOrganisation)...), nil
	}
	return nil, Check(a, act)
}

// TrainingOrganisations lists the OFs the actor may see.
func (s *Service) TrainingOrganisations(ctx context.Context, a domain.Actor) ([]domain.TrainingOrganisation, error) {
	ids, err := orgScope(a, ActOrganisationRead)
	if err != nil {
		return nil, err
	}
	return s.store.Read().ListTrainingOrganisations(ctx, ids)
}

// TrainingOrganisation returns one OF, "not found" outside the actor's scope.
func (s *Service) TrainingOrganisation(ctx context.Context, a domain.Actor, id string) (domain.TrainingOrganisation, error) {
	ids, err := orgScope(a, ActOrganisationRead)
	if err != nil {
		return domain.TrainingOrganisation{}, err
	}
	if ids != nil && !contains(ids, id) {
		return domain.TrainingOrganisation{}, domain.Errorf(domain.ENOTFOUND, "Organisme de formation introuvable.")
	}
	return s.store.Read().TrainingOrganisation(ctx, id)
}

// AddAccreditation grants an OF an accreditation for a qualification between two dates.
func (s *Service) AddAccreditation(ctx context.Context, a domain.Actor, acc domain.Accreditation) error {
	if err := Check(a, ActOrganisationManage); err != nil {
		return err
	}
	fe := domain.FieldErrors{}
	if acc.ValidFrom.IsZero() {
		fe.Add("valid_from", "Indiquez la date de début au format JJ/MM/AAAA.")
	}
	if acc.ValidUntil.IsZero() {
		fe.Add("valid_until", "Indiquez la date de fin au format JJ/MM/AAAA.")
	} else if !acc.ValidFrom.IsZero() && acc.ValidUntil.Before(acc.ValidFrom) {
		fe.Add("valid_until", "La date de fin doit suivre la date de début.")
	}
	return s.store.Write(ctx, func(q store.Q) error {
		if _, err := q.TrainingOrganisation(ctx, acc.TrainingOrganisationID); err != nil {
			return err
		}
		quals, err := q.Qualifications(ctx)
		if err != nil {
			return err
		}
		for _, qu := range quals {
			if qu.Code == acc.QualificationCode || qu.ID == acc.QualificationID {
				acc.QualificationID, acc.QualificationCode = qu.ID, qu.Code
			}
		}
		if acc.QualificationID == "" {
			fe.Add("qualification", "Choisissez une qualification.")
		}
		if err := fe.Err(); err != nil {
			return err
		}
		acc.ID, acc.CreatedAt = newID(), s.Now()
		acc.Status = domain.AccreditationActive
		if acc.ObligationsVersion, err = currentObligationsVersion(ctx, q); err != nil {
			return err
		}
		if err := q.AddAccreditation(ctx, acc); err != nil {
			return err
		}
		return s.audit(ctx, q, a, change{Action: "accreditation.create", EntityType: "training_organisation",
			EntityID: acc.TrainingOrganisationID, After: map[string]string{"qualification": acc.QualificationCode,
				"valid_from": acc.ValidFrom.ISO(), "valid_until": acc.ValidUntil.ISO(),
				"obligations_version": strconv.Itoa(acc.ObligationsVersion)}})
	})
}

// CreateCompany records a company.
func (s *Service) CreateCompany(ctx context.Context, a domain.Actor, c domain.Company) (domain.Company, error) {
	if err := Check(a, ActCompanyManage); err != nil {
		return c, err
	}
	fe := domain.FieldErrors{}
	c.Name, c.City = strings.TrimSpace(c.Name), strings.TrimSpace(c.City)
	if c.Name == "" {
		fe.Add("name", "Indiquez la raison sociale de l'entreprise.")
	}
	fe.CheckLine("name", c.Name)
	fe.CheckLine("city", c.City)
	c.SIRET = cleanSIRET(fe, c.SIRET)
	if err := fe.Err(); err != nil {
		return c, err
	}
	c.ID, c.CreatedAt = newID(), s.Now()
	err := s.store.Write(ctx, func(q store.Q) error {
		if err := q.CreateCompany(ctx, c); err != nil {
			return err
		}
		return s.audit(ctx, q, a, change{Action: "company.create", EntityType: "company", EntityID: c.ID,
			After: map[string]string{"name": c.Name, "siret": c.SIRET, "city": c.City}})
	})
	return c, err
}

func companyScope(a domain.Actor) ([]string, error) {
	switch AccessFor(a, ActCompanyRead) {
	case AccessAll:
		return nil, nil
	case AccessScoped:
		return append(append([]string{}, a.Scopes(domain.RoleCompany)...), a.Scopes(domain.RoleCompanyReferent)...), nil
	}
	return nil, Check(a, ActCompanyRead)
}

// Companies lists the companies the actor may see.
func (s *Service) Companies(ctx context.Context, a domain.Actor) ([]domain.Company, error) {
	ids, err := companyScope(a)
	if err != nil {
		return nil, err
	}
	return s.store.Read().ListCompanies(ctx, ids)
}

// Company returns one company, "not found" outside the actor's scope.
func (s *Service) Company(ctx context.Context, a domain.Actor, id string) (domain.Company, error) {
	ids, err := companyScope(a)
	if err != nil {
		return domain.Company{}, err
	}
	if ids != nil && !contains(ids, id) {
		return domain.Company{}, domain.Errorf(domain.ENOTFOUND, "Entreprise introuvable.")
	}
	return s.store.Read().Company(ctx, id)
}

// CreateFunder records an OPCO.
func (s *Service) CreateFunder(ctx context.Context, a domain.Actor, f domain.Funder) (domain.Funder, error) {
	if err := Check(a, ActOrganisationManage); err != nil {
		return f, err
	}
	f.Name = strings.TrimSpace(f.Name)
	if f.Name == "" {
		return f, &domain.Error{Code: domain.EINVALID, Message: "Indiquez le nom du financeur.", Fields: map[string]string{"name": "Indiquez le nom du financeur."}}
	}
	if msg := domain.TextProblem(f.Name, false); msg != "" {
		return f, &domain.Error{Code: domain.EINVALID, Message: msg, Fields: map[string]string{"name": msg}}
	}
	f.ID, f.CreatedAt = newID(), s.Now()
	err := s.store.Write(ctx, func(q store.Q) error {
		if err := q.CreateFunder(ctx, f); err != nil {
			return err
		}
		return s.audit(ctx, q, a, change{Action: "funder.create", EntityType: "funder", EntityID: f.ID, After: map[string]string{"name": f.Name}})
	})
	return f, err
}

// Funders lists the OPCOs (for role assignment).
func (s *Service) Funders(ctx context.Context, a domain.Actor) ([]domain.Funder, error) {
	if err := Check(a, ActUserManage); err != nil {
		return nil, err
	}
	return s.store.Read().ListFunders(ctx)
}

// Audit returns the audit trail for the secretariat and the branch.
func (s *Service) Audit(ctx context.Context, a domain.Actor, f store.AuditFilter) ([]domain.AuditEntry, int, error) {
	if err := Check(a, ActAuditRead); err != nil {
		return nil, 0, err
	}
	return s.store.Read().ListAudit(ctx, f)
}

// Qualifications lists the qualifications (for forms).
func (s *Service) Qualifications(ctx context.Context) ([]store.QualificationRecord, error) {
	return s.store.Read().Qualifications(ctx)
}
