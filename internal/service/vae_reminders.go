package service

import (
	"context"
	"fmt"
	"time"

	"cqp/internal/domain"
	"cqp/internal/store"
)

// SendVAEReminders mails the candidates who have held a VAE file for ReminderDays without
// returning it: an admissibility file sent or returned as incomplete, an experience file still
// being written. A file is reminded again after another ReminderDays. Each reminder is recorded
// in the same transaction as its mail, and only once even when several servers run this at
// the same time. It returns how many reminders were queued.
func (s *Service) SendVAEReminders(ctx context.Context) (int, error) {
	if s.vae.ReminderDays <= 0 {
		return 0, nil
	}
	now := s.Now()
	before := now.Add(-time.Duration(s.vae.ReminderDays) * 24 * time.Hour)
	files, err := s.store.Read().VAEFilesWaiting(ctx, before)
	if err != nil {
		return 0, err
	}
	sent := 0
	sys := domain.SystemActor("Relances VAE")
	for _, f := range files {
		err := s.store.Write(ctx, func(q store.Q) error {
			mine, err := q.MarkVAEReminded(ctx, f.EnrolmentID, now, before)
			if err != nil || !mine {
				return err
			}
			c, e, err := enrolmentUnscoped(ctx, q, f.EnrolmentID)
			if err != nil {
				return err
			}
			what, link := "votre dossier de recevabilité", s.vaeURL(f.EnrolmentID)+"/recevabilite"
			if f.Status == domain.VAEAdmissible {
				what, link = "votre dossier d'expérience", s.vaeURL(f.EnrolmentID)+"/experience"
			}
			if err := s.audit(ctx, q, sys, change{Action: "vae.reminder", EntityType: "vae_file", EntityID: f.EnrolmentID, CandidateID: c.ID,
				After: map[string]any{"status": string(f.Status), "experience": string(f.ExperienceStatus), "waiting_since": f.WaitingSince,
					"email": c.Email != ""}}); err != nil {
				return err
			}
			days := int(now.Sub(*f.WaitingSince).Hours() / 24)
			if c.Email == "" {
				return s.tellSecretariat(ctx, q, "Relance VAE à faire par courrier : "+c.DisplayName(),
					fmt.Sprintf("Bonjour,\n\n%s (%s) n'a pas d'adresse e-mail et n'a pas rendu %s depuis %d jours. Relancez-le par courrier ou par téléphone.\n\n%s\n",
						c.DisplayName(), c.Number, what, days, s.vaeURL(f.EnrolmentID)))
			}
			sent++
			return s.queueMail(ctx, q, c.Email, "Rappel : "+what+" VAE est en attente",
				fmt.Sprintf("Bonjour %s,\n\nVous n'avez pas encore rendu %s pour le CQP « %s » (en attente depuis %d jours). Ce que vous avez déjà saisi est conservé : reprenez là où vous en étiez.\n\n%s\n\nSi vous avez besoin d'aide, répondez à ce message ou contactez le secrétariat des CQP.\n",
					c.DisplayName(), what, e.QualificationTitle, days, link))
		})
		if err != nil {
			return sent, err
		}
	}
	return sent, nil
}
