package service

import (
	"context"
	"encoding/json"
	"fmt"

	"cqp/internal/domain"
	"cqp/internal/rules"
	"cqp/internal/store"
)

// FrameworkImportResult says what an import did to one qualification.
type FrameworkImportResult struct {
	QualificationCode string
	Version           int
	Outcome           string // "created", "new_version", "updated", "unchanged"
}

// Label is the outcome in French.
func (r FrameworkImportResult) Label() string {
	switch r.Outcome {
	case "created":
		return "créé"
	case "new_version":
		return "nouvelle version (la précédente a des inscrits et reste figée)"
	case "updated":
		return "mis à jour (aucun inscrit sur cette version)"
	}
	return "inchangé"
}

// ImportFrameworks loads a branch's frameworks. A qualification's latest version is rewritten
// in place while no enrolment uses it; once it has enrolments it is frozen and a change makes
// a new version. The whole import is one transaction: nothing is written if any part fails.
func (s *Service) ImportFrameworks(ctx context.Context, a domain.Actor, branch domain.Branch, fws []domain.Framework) ([]FrameworkImportResult, error) {
	if err := Check(a, ActFrameworkImport); err != nil {
		return nil, err
	}
	for _, fw := range fws {
		if err := rules.ValidateFramework(fw); err != nil {
			return nil, domain.Errorf(domain.EINVALID, "Référentiel %s refusé : %s", fw.Qualification.Code, err.Error())
		}
	}
	var results []FrameworkImportResult
	err := s.store.Write(ctx, func(q store.Q) error {
		b, err := q.EnsureBranch(ctx, newID(), branch, s.Now())
		if err != nil {
			return err
		}
		for _, fw := range fws {
			qu, err := q.EnsureQualification(ctx, newID(), b.ID, fw.Qualification.Code, fw.Qualification.Title, s.Now())
			if err != nil {
				return err
			}
			versions, err := q.FrameworkVersions(ctx, qu.ID)
			if err != nil {
				return err
			}
			res := FrameworkImportResult{QualificationCode: fw.Qualification.Code}
			rec := store.FrameworkRecord{QualificationID: qu.ID, ToConfirmCount: fw.ToConfirmCount(), CreatedAt: s.Now()}
			switch {
			case len(versions) == 0:
				rec.ID, rec.Version, res.Outcome = newID(), max(fw.Version, 1), "created"
			case sameFramework(versions[0].Framework, fw):
				res.Version, res.Outcome = versions[0].Version, "unchanged"
				results = append(results, res)
				continue
			case versions[0].Frozen():
				rec.ID, rec.Version, res.Outcome = newID(), max(fw.Version, versions[0].Version+1), "new_version"
			default:
				rec.ID, rec.Version, res.Outcome = versions[0].ID, versions[0].Version, "updated"
			}
			fw.Version = rec.Version
			rec.Framework = fw
			res.Version = rec.Version
			if res.Outcome == "updated" {
				err = q.ReplaceFrameworkDefinition(ctx, rec)
			} else {
				err = q.InsertFramework(ctx, rec, a.UserID)
			}
			if err != nil {
				return err
			}
			if err := s.audit(ctx, q, a, change{Action: "framework." + res.Outcome, EntityType: "framework", EntityID: rec.ID,
				After: map[string]any{"qualification": fw.Qualification.Code, "version": rec.Version, "blocks": len(fw.Blocks)}}); err != nil {
				return err
			}
			results = append(results, res)
		}
		return nil
	})
	return results, err
}

func sameFramework(a, b domain.Framework) bool {
	b.Version = a.Version
	ja, _ := json.Marshal(a)
	jb, _ := json.Marshal(b)
	return string(ja) == string(jb)
}

// Frameworks returns the latest version of every qualification's framework.
func (s *Service) Frameworks(ctx context.Context, a domain.Actor) ([]store.FrameworkRecord, error) {
	if err := Check(a, ActFrameworkRead); err != nil {
		return nil, err
	}
	return s.store.Read().LatestFrameworks(ctx)
}

// FrameworkVersions returns every version of a qualification, newest first.
func (s *Service) FrameworkVersions(ctx context.Context, a domain.Actor, qualificationCode string) ([]store.FrameworkRecord, error) {
	if err := Check(a, ActFrameworkRead); err != nil {
		return nil, err
	}
	quals, err := s.store.Read().Qualifications(ctx)
	if err != nil {
		return nil, err
	}
	for _, qu := range quals {
		if qu.Code == qualificationCode {
			return s.store.Read().FrameworkVersions(ctx, qu.ID)
		}
	}
	return nil, domain.Errorf(domain.ENOTFOUND, "Qualification %s introuvable.", qualificationCode)
}

// Framework returns one framework version.
func (s *Service) Framework(ctx context.Context, a domain.Actor, id string) (store.FrameworkRecord, error) {
	if err := Check(a, ActFrameworkRead); err != nil {
		return store.FrameworkRecord{}, err
	}
	return s.store.Read().Framework(ctx, id)
}

// Branch returns the (first) branch, for exports.
func (s *Service) Branch(ctx context.Context) (domain.Branch, error) {
	bs, err := s.store.Read().Branches(ctx)
	if err != nil {
		return domain.Branch{}, err
	}
	if len(bs) == 0 {
		return domain.Branch{}, fmt.Errorf("no branch loaded")
	}
	return bs[0].Branch, nil
}
