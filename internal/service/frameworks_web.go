package service

import (
	"context"

	"cqp/internal/domain"
	"cqp/internal/store"
)

// QualificationFramework returns the latest framework version of one qualification and the
// branch it belongs to, for the export of that qualification's framework file.
func (s *Service) QualificationFramework(ctx context.Context, a domain.Actor, code string) (store.FrameworkRecord, domain.Branch, error) {
	versions, err := s.FrameworkVersions(ctx, a, code)
	if err != nil {
		return store.FrameworkRecord{}, domain.Branch{}, err
	}
	if len(versions) == 0 {
		return store.FrameworkRecord{}, domain.Branch{}, domain.Errorf(domain.ENOTFOUND, "La qualification %s n'a encore aucun référentiel.", code)
	}
	r := s.store.Read()
	quals, err := r.Qualifications(ctx)
	if err != nil {
		return store.FrameworkRecord{}, domain.Branch{}, err
	}
	branchID := ""
	for _, q := range quals {
		if q.ID == versions[0].QualificationID {
			branchID = q.BranchID
		}
	}
	branches, err := r.Branches(ctx)
	if err != nil {
		return store.FrameworkRecord{}, domain.Branch{}, err
	}
	for _, b := range branches {
		if b.ID == branchID {
			return versions[0], b.Branch, nil
		}
	}
	return store.FrameworkRecord{}, domain.Branch{}, domain.Errorf(domain.ENOTFOUND, "Branche de la qualification %s introuvable.", code)
}
