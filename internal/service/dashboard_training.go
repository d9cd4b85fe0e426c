package service

import (
	"context"

	"cqp/internal/domain"
)

// trainingTasks are the dashboard tasks of a training organisation and of a company referent
// on the candidates of their scope.
func (s *Service) trainingTasks(ctx context.Context, a domain.Actor) ([]DashboardCard, error) {
	return nil, nil
}
