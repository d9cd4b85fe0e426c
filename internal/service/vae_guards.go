package service

import (
	"context"

	"cqp/internal/domain"
	"cqp/internal/store"
)

// What the VAE file holds back elsewhere in the route: a VAE enrolment's status moves and its
// orals wait for the file's own steps.

// checkVAEMove refuses, on a VAE enrolment, the status moves that only the VAE file gives:
// admissibility is decided on the file, and the final evaluation starts when the experience
// file is submitted.
func checkVAEMove(ctx context.Context, q store.Q, e domain.Enrolment, to domain.EnrolmentStatus) error {
	if e.Route != domain.RouteVAE {
		return nil
	}
	f, err := q.VAEFile(ctx, e.ID)
	if domain.ErrorCode(err) == domain.ENOTFOUND {
		return nil // an enrolment recorded before the VAE file existed
	}
	if err != nil {
		return err
	}
	switch {
	case noExperienceFile(e, f):
	case e.Status == domain.StatusAdmissibility && to == domain.StatusEnrolled:
		return statusRefusal(domain.ECONFLICT, "La recevabilité d'une VAE se décide sur son dossier (« "+f.Status.Label()+" ») : enregistrez la décision depuis le dossier de VAE.")
	case to == domain.StatusFinalEvaluation && f.ExperienceStatus != domain.ExperienceSubmitted:
		return statusRefusal(domain.ECONFLICT, "Le dossier d'expérience n'est pas encore déposé : l'évaluation finale commence à son dépôt.")
	}
	return nil
}

// vaeOralRefusal says why a VAE candidate cannot be called to an oral yet: the commission
// hears a VAE candidate on their submitted experience file.
func vaeOralRefusal(ctx context.Context, q store.Q, c domain.Candidate, e domain.Enrolment) (string, error) {
	if e.Route != domain.RouteVAE {
		return "", nil
	}
	f, err := q.VAEFile(ctx, e.ID)
	if domain.ErrorCode(err) == domain.ENOTFOUND {
		return "", nil // recorded before the VAE file existed
	}
	if err != nil {
		return "", err
	}
	if f.ExperienceStatus != domain.ExperienceSubmitted && !noExperienceFile(e, f) {
		return "La commission entend " + c.DisplayName() + " sur son dossier d'expérience, qui n'est pas encore déposé (« " +
			f.Status.Label() + " », dossier d'expérience « " + f.ExperienceStatus.Label() + " ») : planifiez l'oral après son dépôt.", nil
	}
	return "", nil
}

// noExperienceFile reports a final stage of the blocs route where every block is held: there
// is no experience file to write, the commission hears the candidate on the trained blocks.
func noExperienceFile(e domain.Enrolment, f store.VAEFile) bool {
	return e.FinalStage() && f.ExperienceStatus == domain.ExperienceClosed
}
