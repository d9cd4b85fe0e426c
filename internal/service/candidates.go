package service

import (
	"context"
	"strings"

	"cqp/internal/domain"
	"cqp/internal/rules"
	"cqp/internal/store"
)

// candidateScope turns the actor's roles into the store's scope for a candidate action.
func candidateScope(a domain.Actor, act Action) (store.Scope, error) {
	switch AccessFor(a, act) {
	case AccessAll:
		return store.Scope{}, nil
	case AccessNone:
		return store.Scope{}, Check(a, act)
	}
	sc := store.Scope{Restricted: true}
	for _, r := range a.Roles {
		if Permissions[act][r.Role] != AccessScoped {
			continue
		}
		switch r.Role {
		case domain.RoleTrainingOrganisation:
			sc.TrainingOrganisationIDs = append(sc.TrainingOrganisationIDs, r.ScopeID)
		case domain.RoleCompany:
			sc.CompanyIDs = append(sc.CompanyIDs, r.ScopeID)
		case domain.RoleCompanyReferent:
			sc.ReferentUserID = a.UserID
		case domain.RoleCandidate:
			sc.CandidateIDs = append(sc.CandidateIDs, r.ScopeID)
		case domain.RoleCommissionMember:
			sc.CommissionMemberUserID = a.UserID
		}
	}
	return sc, nil
}

// Candidates returns one page of the candidates the actor may see.
func (s *Service) Candidates(ctx context.Context, a domain.Actor, f store.CandidateFilter) (store.CandidatePage, error) {
	sc, err := candidateScope(a, ActCandidateList)
	if err != nil {
		return store.CandidatePage{}, err
	}
	f.Scope = sc
	return s.store.Read().ListCandidates(ctx, f)
}

// Candidate returns a candidate's file. Outside the actor's scope it is "not found", never
// "forbidden", so that nobody learns that a candidate exists elsewhere.
func (s *Service) Candidate(ctx context.Context, a domain.Actor, id string) (domain.Candidate, error) {
	sc, err := candidateScope(a, ActCandidateRead)
	if err != nil {
		return domain.Candidate{}, err
	}
	c, err := s.store.Read().Candidate(ctx, id, sc)
	if err != nil {
		return c, err
	}
	if sc.Restricted && len(sc.TrainingOrganisationIDs) > 0 && len(sc.CompanyIDs) == 0 && sc.ReferentUserID == "" && len(sc.CandidateIDs) == 0 {
		// An OF sees its own enrolments of the candidate, not those with other organisations.
		var own []domain.Enrolment
		for _, e := range c.Enrolments {
			for _, id := range sc.TrainingOrganisationIDs {
				if e.TrainingOrganisationID == id {
					own = append(own, e)
				}
			}
		}
		c.Enrolments = own
	}
	return c, nil
}

// CandidateTimeline returns the audit entries about a candidate, newest first.
func (s *Service) CandidateTimeline(ctx context.Context, a domain.Actor, id string) ([]domain.AuditEntry, error) {
	if _, err := s.Candidate(ctx, a, id); err != nil {
		return nil, err
	}
	entries, _, err := s.store.Read().ListAudit(ctx, store.AuditFilter{CandidateID: id, Limit: 200})
	return entries, err
}

// EnrolmentInput is the enrolment part of a new candidate.
type EnrolmentInput struct {
	QualificationCode      string
	Route                  domain.Route
	Public                 domain.Public
	TrainingOrganisationID string
	CompanyID              string
	Blocks                 []string // empty: the framework's common and specialty blocks only
}

// CandidateInput is a new candidate with, optionally, their first enrolment.
type CandidateInput struct {
	Candidate domain.Candidate
	Enrolment *EnrolmentInput
}

// CreateCandidate records a candidate and their enrolment in one transaction.
func (s *Service) CreateCandidate(ctx context.Context, a domain.Actor, in CandidateInput) (domain.Candidate, error) {
	if err := Check(a, ActCandidateCreate); err != nil {
		return domain.Candidate{}, err
	}
	c := in.Candidate
	c.BirthName, c.UsedName, c.FirstNames = strings.TrimSpace(c.BirthName), strings.TrimSpace(c.UsedName), strings.TrimSpace(c.FirstNames)
	c.BirthINSEE, c.BirthCountry = strings.ToUpper(strings.TrimSpace(c.BirthINSEE)), strings.TrimSpace(c.BirthCountry)
	c.Email = domain.NormalizeEmail(c.Email)
	fe := c.Validate(s.Today())
	scoped := AccessFor(a, ActCandidateCreate) == AccessScoped
	if scoped {
		// An OF enrols only into its own organisation.
		if in.Enrolment == nil {
			fe.Add("qualification", "Choisissez la qualification visée.")
		} else if !contains(a.Scopes(domain.RoleTrainingOrganisation), in.Enrolment.TrainingOrganisationID) {
			fe.Add("training_organisation", "Vous ne pouvez inscrire un candidat que dans votre propre organisme.")
		}
	}
	err := s.store.Write(ctx, func(q store.Q) error {
		var enrolment *domain.Enrolment
		if in.Enrolment != nil {
			e, efe, err := s.buildEnrolment(ctx, q, *in.Enrolment)
			if err != nil {
				return err
			}
			for k, v := range efe {
				fe.Add(k, v)
			}
			enrolment = &e
		}
		if err := fe.Err(); err != nil {
			return err
		}
		num, err := q.NextCandidateNumber(ctx, s.Now())
		if err != nil {
			return err
		}
		c.ID, c.Number, c.CreatedAt = newID(), num, s.Now()
		if err := q.CreateCandidate(ctx, c); err != nil {
			return err
		}
		if err := s.audit(ctx, q, a, change{Action: "candidate.create", EntityType: "candidate", EntityID: c.ID,
			CandidateID: c.ID, After: identityOf(c)}); err != nil {
			return err
		}
		if enrolment != nil {
			e := *enrolment
			e.ID, e.CandidateID, e.CreatedAt, e.UpdatedAt = newID(), c.ID, s.Now(), s.Now()
			if err := q.CreateEnrolment(ctx, e, a.UserID); err != nil {
				return err
			}
			c.Enrolments = append(c.Enrolments, e)
			return s.audit(ctx, q, a, change{Action: "enrolment.create", EntityType: "enrolment", EntityID: e.ID,
				CandidateID: c.ID, After: map[string]any{"qualification": in.Enrolment.QualificationCode, "route": e.Route,
					"public": e.Public, "blocks": e.Blocks, "framework_version": e.FrameworkVersion,
					"training_organisation": e.TrainingOrganisationID, "company": e.CompanyID}})
		}
		return nil
	})
	return c, err
}

// buildEnrolment checks an enrolment against the qualification's latest framework version,
// which it freezes on the enrolment.
func (s *Service) buildEnrolment(ctx context.Context, q store.Q, in EnrolmentInput) (domain.Enrolment, domain.FieldErrors, error) {
	fe := domain.FieldErrors{}
	e := domain.Enrolment{Route: in.Route, Public: in.Public, Status: domain.StatusEnrolled,
		TrainingOrganisationID: in.TrainingOrganisationID, CompanyID: in.CompanyID}
	if !in.Route.Valid() {
		fe.Add("route", "Choisissez la voie d'accès : formation, VAE ou blocs de compétences.")
	}
	if !in.Public.Valid() {
		fe.Add("public", "Choisissez le public : jeune diplômé, demandeur d'emploi ou salarié.")
	}
	if in.Route == domain.RouteVAE {
		e.Status = domain.StatusAdmissibility
	}
	fws, err := q.LatestFrameworks(ctx)
	if err != nil {
		return e, fe, err
	}
	var fw *store.FrameworkRecord
	for i := range fws {
		if fws[i].Framework.Qualification.Code == in.QualificationCode {
			fw = &fws[i]
		}
	}
	if fw == nil {
		fe.Add("qualification", "Choisissez une qualification existante.")
		return e, fe, nil
	}
	e.FrameworkID, e.FrameworkVersion, e.QualificationID = fw.ID, fw.Version, fw.QualificationID
	e.QualificationCode = fw.Framework.Qualification.Code
	if in.TrainingOrganisationID != "" {
		o, err := q.TrainingOrganisation(ctx, in.TrainingOrganisationID)
		switch {
		case domain.ErrorCode(err) == domain.ENOTFOUND:
			fe.Add("training_organisation", "Organisme de formation inconnu.")
		case err != nil:
			return e, fe, err
		default:
			ok := false
			for _, acc := range o.Accreditations {
				if acc.QualificationID == fw.QualificationID && acc.CoversDate(s.Today()) {
					ok = true
				}
			}
			if !ok && in.Route != domain.RouteVAE {
				fe.Add("training_organisation", "Cet organisme n'a pas d'habilitation en cours de validité pour « "+fw.Framework.Qualification.Title+" ».")
			}
		}
	} else if in.Route != domain.RouteVAE {
		fe.Add("training_organisation", "Choisissez l'organisme de formation.")
	}
	if in.CompanyID != "" {
		if _, err := q.Company(ctx, in.CompanyID); domain.ErrorCode(err) == domain.ENOTFOUND {
			fe.Add("company", "Entreprise inconnue.")
		} else if err != nil {
			return e, fe, err
		}
	}
	// The common and specialty blocks are always presented; the person chooses the optional ones.
	blocks := append([]string(nil), in.Blocks...)
	for _, b := range fw.Framework.Blocks {
		if b.Kind != domain.BlockOptional && !contains(blocks, b.Code) {
			blocks = append(blocks, b.Code)
		}
	}
	if err := rules.CheckComposition(fw.Framework, blocks); err != nil {
		fe.Add("blocks", err.Error())
	}
	e.Blocks = inFrameworkOrder(fw.Framework, blocks)
	return e, fe, nil
}

func inFrameworkOrder(f domain.Framework, codes []string) []string {
	var out []string
	for _, b := range f.Blocks {
		if contains(codes, b.Code) {
			out = append(out, b.Code)
		}
	}
	return out
}

func identityOf(c domain.Candidate) map[string]string {
	return map[string]string{"number": c.Number, "birth_name": c.BirthName, "used_name": c.UsedName,
		"first_names": c.FirstNames, "birth_date": c.BirthDate.ISO(), "sex": string(c.Sex),
		"birth_insee": c.BirthINSEE, "birth_country": c.BirthCountry, "email": c.Email}
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}
