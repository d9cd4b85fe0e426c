package service

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"path/filepath"
	"strings"
	"unicode/utf8"

	"cqp/internal/domain"
	"cqp/internal/store"
)

// The experience file (dossier déclaratif): per block, what the candidate did, with evidence
// files. Evidence is stored in the database, so that several servers share it and an upload is
// written whole or not at all; its type is read from its content (domain.SniffEvidence) and its
// size is limited (VAESettings.MaxEvidenceBytes). Submitting it sends the file to the
// commission: the enrolment enters the final evaluation. After a partial result at the jury the
// candidate reopens it for the blocks still missing: the acquired blocks stay as they were, and
// evidence from earlier rounds stays attached but can no longer be removed.

const (
	minNarrative = 50    // characters: a sentence or two at least
	maxNarrative = 20000 // characters per block
)

// experienceMissing lists what the experience file lacks before it can be submitted.
func experienceMissing(v VAEView) []string {
	var out []string
	var empty, short []string
	for _, b := range v.OpenBlocks() {
		text := strings.TrimSpace(v.Experience[b.Code].Narrative)
		switch n := utf8.RuneCountInString(text); {
		case n == 0:
			empty = append(empty, b.Code)
		case n < minNarrative:
			short = append(short, b.Code)
		}
	}
	if len(empty) > 0 {
		out = append(out, "Ce que vous avez fait pour "+blockList(empty)+".")
	}
	if len(short) > 0 {
		out = append(out, fmt.Sprintf("Un récit plus détaillé (au moins %d caractères) pour %s.", minNarrative, blockList(short)))
	}
	if len(v.Evidence) == 0 {
		out = append(out, "Au moins une pièce justificative (PDF, PNG ou JPEG).")
	}
	return out
}

func blockList(codes []string) string {
	if len(codes) == 1 {
		return "le bloc " + codes[0]
	}
	return "les blocs " + strings.Join(codes, ", ")
}

// NarrativeField names the form field of a block's narrative.
func NarrativeField(block string) string { return "narrative_" + block }

// loadOpenExperience reads the file for a change to the experience file: the actor fills it
// (the scope of vae.fill is the candidate's own file, or every file for the secretariat), and
// it is open.
func (s *Service) loadOpenExperience(ctx context.Context, q store.Q, a domain.Actor, enrolmentID string) (vaeFileCtx, map[string]bool, error) {
	v, err := s.loadVAE(ctx, q, a, ActVAEFill, enrolmentID)
	if err != nil {
		return v, nil, err
	}
	if v.file.Status != domain.VAEAdmissible || v.file.ExperienceStatus != domain.ExperienceOpen {
		msg := "Le dossier d'expérience s'ouvre quand la demande est déclarée recevable."
		if v.file.ExperienceStatus == domain.ExperienceSubmitted {
			msg = "Le dossier d'expérience a été déposé : il ne se modifie plus."
		}
		return v, nil, domain.Errorf(domain.ECONFLICT, "%s", msg)
	}
	if !v.file.ValidUntil.IsZero() && v.file.ValidUntil.Before(s.Today()) {
		return v, nil, domain.Errorf(domain.ECONFLICT, "La recevabilité a pris fin le %s : demandez au secrétariat de la prolonger.", v.file.ValidUntil)
	}
	acquired, err := acquiredBlocks(ctx, q, enrolmentID)
	return v, acquired, err
}

// SaveExperience saves the narratives of the blocks given (block code → text). Acquired blocks
// are not written again.
func (s *Service) SaveExperience(ctx context.Context, a domain.Actor, enrolmentID string, narratives map[string]string) error {
	if err := Check(a, ActVAEFill); err != nil {
		return err
	}
	return s.store.Write(ctx, func(q store.Q) error {
		v, acquired, err := s.loadOpenExperience(ctx, q, a, enrolmentID)
		if err != nil {
			return err
		}
		fe := domain.FieldErrors{}
		for code, text := range narratives {
			if !contains(v.enrolment.Blocks, code) {
				fe.Add("narratives", "Le bloc « "+code+" » n'est pas présenté par le candidat.")
			} else if acquired[code] {
				fe.Add(NarrativeField(code), "Le bloc "+code+" est déjà acquis : son récit ne change plus.")
			} else if utf8.RuneCountInString(text) > maxNarrative {
				fe.Add(NarrativeField(code), fmt.Sprintf("Le récit du bloc %s dépasse %s caractères : raccourcissez-le.", code, frenchInt(maxNarrative)))
			}
		}
		if err := fe.Err(); err != nil {
			return err
		}
		existing, err := q.ExperienceBlocks(ctx, enrolmentID)
		if err != nil {
			return err
		}
		var changed []string
		for _, code := range v.enrolment.Blocks {
			text, ok := narratives[code]
			if !ok {
				continue
			}
			text = strings.TrimSpace(strings.ReplaceAll(text, "\r\n", "\n"))
			if existing[code].Narrative == text {
				continue
			}
			if err := q.SaveExperienceBlock(ctx, enrolmentID, store.ExperienceBlock{BlockCode: code, Narrative: text,
				UpdatedAt: s.Now(), UpdatedBy: a.UserID}); err != nil {
				return err
			}
			changed = append(changed, code)
		}
		if len(changed) == 0 {
			return nil
		}
		return s.audit(ctx, q, a, change{Action: "vae.experience_save", EntityType: "vae_file", EntityID: enrolmentID,
			CandidateID: v.candidate.ID, After: map[string]any{"blocks": changed, "round": v.file.ExperienceRound}})
	})
}

// EvidenceUpload is one evidence file sent by the candidate.
type EvidenceUpload struct {
	BlockCode string // "" for the whole file
	Title     string // what it is, e.g. « Attestation d'employeur »
	Filename  string
	Content   []byte
}

// EvidenceTooLarge is the message for a file above the limit.
func (s *Service) EvidenceTooLarge(filename string) string {
	return fmt.Sprintf("Le fichier « %s » dépasse la taille maximale de %s : réduisez-le (une photo moins lourde, un PDF compressé) et recommencez.",
		filepath.Base(filename), frenchBytes(s.vae.MaxEvidenceBytes))
}

func frenchBytes(n int64) string {
	if n >= 1<<20 && n%(1<<20) == 0 {
		return frenchInt(int(n>>20)) + " Mo"
	}
	if n >= 1<<10 {
		return frenchInt(int(n>>10)) + " Ko"
	}
	return frenchInt(int(n)) + " octets"
}

// AddEvidence stores one evidence file after checking its size and its content: a PDF, a PNG
// or a JPEG, whatever its name says. The file's name keeps the extension of its real type.
func (s *Service) AddEvidence(ctx context.Context, a domain.Actor, enrolmentID string, in EvidenceUpload) (domain.Evidence, error) {
	if err := Check(a, ActVAEFill); err != nil {
		return domain.Evidence{}, err
	}
	in.Title, in.BlockCode = strings.TrimSpace(in.Title), strings.TrimSpace(in.BlockCode)
	name := filepath.Base(strings.ReplaceAll(strings.TrimSpace(in.Filename), `\`, "/"))
	if name == "" || name == "." || name == "/" {
		name = "piece"
	}
	fe := domain.FieldErrors{}
	if len(in.Content) == 0 && in.Filename == "" {
		fe.Add("file", "Choisissez le fichier à joindre.")
	} else if int64(len(in.Content)) > s.vae.MaxEvidenceBytes {
		fe.Add("file", s.EvidenceTooLarge(name))
	}
	if utf8.RuneCountInString(in.Title) > maxShortText {
		fe.Add("title", "L'intitulé dépasse 300 caractères : raccourcissez-le.")
	}
	var contentType string
	if len(fe) == 0 {
		var err error
		if contentType, err = domain.SniffEvidence(name, in.Content); err != nil {
			msg := err.Error()
			fe.Add("file", strings.ToUpper(msg[:1])+msg[1:]+".")
		}
	}
	if err := fe.Err(); err != nil {
		return domain.Evidence{}, err
	}
	if ext := domain.EvidenceExtension(contentType); !strings.EqualFold(filepath.Ext(name), ext) &&
		!(contentType == domain.EvidenceJPEG && strings.EqualFold(filepath.Ext(name), ".jpeg")) {
		name = strings.TrimSuffix(name, filepath.Ext(name)) + ext
	}
	if utf8.RuneCountInString(name) > 200 {
		name = string([]rune(name)[:190]) + domain.EvidenceExtension(contentType)
	}
	sum := sha256.Sum256(in.Content)
	var ev domain.Evidence
	err := s.store.Write(ctx, func(q store.Q) error {
		v, acquired, err := s.loadOpenExperience(ctx, q, a, enrolmentID)
		if err != nil {
			return err
		}
		if in.BlockCode != "" && (!contains(v.enrolment.Blocks, in.BlockCode) || acquired[in.BlockCode]) {
			return fieldError("block", "Rattachez la pièce à un bloc encore à valider, ou à l'ensemble du dossier.")
		}
		list, err := q.EvidenceList(ctx, enrolmentID)
		if err != nil {
			return err
		}
		if len(list) >= s.vae.MaxEvidenceFiles {
			return fieldError("file", fmt.Sprintf("Le dossier compte déjà %d pièces, le maximum : regroupez-en plusieurs dans un seul PDF.", len(list)))
		}
		ev = domain.Evidence{ID: newID(), EnrolmentID: enrolmentID, BlockCode: in.BlockCode, Title: in.Title, Filename: name,
			ContentType: contentType, SizeBytes: int64(len(in.Content)), SHA256: hex.EncodeToString(sum[:]),
			Round: v.file.ExperienceRound, UploadedAt: s.Now(), UploadedBy: a.UserID, UploadedByName: a.Name}
		if err := q.AddEvidence(ctx, ev, in.Content); err != nil {
			return err
		}
		return s.audit(ctx, q, a, change{Action: "vae.evidence_add", EntityType: "vae_evidence", EntityID: ev.ID, CandidateID: v.candidate.ID,
			After: map[string]any{"filename": ev.Filename, "content_type": ev.ContentType, "size": ev.SizeBytes, "sha256": ev.SHA256, "block": ev.BlockCode}})
	})
	return ev, err
}

// RemoveEvidence removes an evidence file added in the current round, before submission.
func (s *Service) RemoveEvidence(ctx context.Context, a domain.Actor, enrolmentID, evidenceID string) error {
	if err := Check(a, ActVAEFill); err != nil {
		return err
	}
	return s.store.Write(ctx, func(q store.Q) error {
		v, _, err := s.loadOpenExperience(ctx, q, a, enrolmentID)
		if err != nil {
			return err
		}
		ev, _, err := q.EvidenceContent(ctx, enrolmentID, evidenceID)
		if err != nil {
			return err
		}
		if ev.Round != v.file.ExperienceRound {
			return domain.Errorf(domain.ECONFLICT, "La pièce « %s » a été examinée par une commission : elle reste au dossier.", ev.Filename)
		}
		if err := q.DeleteEvidence(ctx, enrolmentID, evidenceID); err != nil {
			return err
		}
		return s.audit(ctx, q, a, change{Action: "vae.evidence_remove", EntityType: "vae_evidence", EntityID: ev.ID, CandidateID: v.candidate.ID,
			Before: map[string]any{"filename": ev.Filename, "content_type": ev.ContentType, "size": ev.SizeBytes, "sha256": ev.SHA256}})
	})
}

// EvidenceFile returns one evidence file with its content, for whoever may read the
// experience file: another candidate's evidence, even by its exact address, is "not found".
func (s *Service) EvidenceFile(ctx context.Context, a domain.Actor, enrolmentID, evidenceID string) (domain.Evidence, []byte, error) {
	q := s.store.Read()
	v, err := s.loadVAE(ctx, q, a, ActVAERead, enrolmentID)
	if err != nil {
		return domain.Evidence{}, nil, err
	}
	if !v.sections.Experience {
		return domain.Evidence{}, nil, domain.Errorf(domain.ENOTFOUND, "Pièce justificative introuvable.")
	}
	return q.EvidenceContent(ctx, enrolmentID, evidenceID)
}

// SubmitExperience sends the experience file to the secretariat and the commission when it is
// complete. The first submission moves the enrolment to the final evaluation.
func (s *Service) SubmitExperience(ctx context.Context, a domain.Actor, enrolmentID string) error {
	if err := Check(a, ActVAEFill); err != nil {
		return err
	}
	return s.store.Write(ctx, func(q store.Q) error {
		v, acquired, err := s.loadOpenExperience(ctx, q, a, enrolmentID)
		if err != nil {
			return err
		}
		view := VAEView{Enrolment: v.enrolment, Acquired: acquired}
		for _, b := range v.framework.Blocks {
			if contains(v.enrolment.Blocks, b.Code) {
				view.Blocks = append(view.Blocks, b)
			}
		}
		if view.Experience, err = q.ExperienceBlocks(ctx, enrolmentID); err != nil {
			return err
		}
		if view.Evidence, err = q.EvidenceList(ctx, enrolmentID); err != nil {
			return err
		}
		if missing := experienceMissing(view); len(missing) > 0 {
			return &domain.Error{Code: domain.EINVALID, Message: "Le dossier d'expérience ne peut pas encore être déposé. Il manque : " +
				strings.Join(missing, " "), Fields: map[string]string{"submit": strings.Join(missing, " ")}}
		}
		var blocks []string
		for _, b := range view.OpenBlocks() {
			blocks = append(blocks, b.Code)
		}
		now := s.Now()
		if err := q.AddExperienceSubmission(ctx, enrolmentID, store.ExperienceSubmission{Round: v.file.ExperienceRound, Blocks: blocks,
			SubmittedAt: now, SubmittedBy: a.UserID}); err != nil {
			return err
		}
		v.file.ExperienceStatus, v.file.WaitingSince, v.file.LastReminderAt, v.file.UpdatedAt = domain.ExperienceSubmitted, nil, nil, now
		if err := q.UpdateVAEFile(ctx, v.file); err != nil {
			return err
		}
		if v.enrolment.Status == domain.StatusEnrolled {
			if err := s.moveVAEEnrolment(ctx, q, v.enrolment, domain.StatusFinalEvaluation, "Dossier d'expérience déposé", a.UserID); err != nil {
				return err
			}
		}
		if err := s.audit(ctx, q, a, change{Action: "vae.experience_submit", EntityType: "vae_file", EntityID: enrolmentID,
			CandidateID: v.candidate.ID, Before: map[string]string{"experience": string(domain.ExperienceOpen)},
			After: map[string]any{"experience": string(domain.ExperienceSubmitted), "round": v.file.ExperienceRound, "blocks": blocks,
				"evidence": len(view.Evidence)}}); err != nil {
			return err
		}
		if v.candidate.Email != "" {
			if err := s.queueMail(ctx, q, v.candidate.Email, "Votre dossier d'expérience VAE a bien été déposé",
				fmt.Sprintf("Bonjour %s,\n\nVotre dossier d'expérience pour « %s » (%s, %d pièce%s) a bien été déposé. Le secrétariat vous convoquera devant une commission d'évaluation ; la convocation arrivera par mail avec le lieu et l'heure.\n\nVotre dossier : %s\n",
					v.candidate.DisplayName(), v.enrolment.QualificationTitle, blockList(blocks), len(view.Evidence), pluralS(len(view.Evidence)), s.vaeURL(enrolmentID))); err != nil {
				return err
			}
		}
		return s.tellSecretariat(ctx, q, "Dossier d'expérience VAE déposé : "+v.candidate.DisplayName(),
			fmt.Sprintf("Bonjour,\n\n%s (%s) a déposé son dossier d'expérience pour « %s » : %s.\n\nOrganisez la commission d'évaluation et planifiez l'oral :\n%s/commissions/oraux\n\nLe dossier : %s\n",
				v.candidate.DisplayName(), v.candidate.Number, v.enrolment.QualificationTitle, blockList(blocks), s.baseURL, s.vaeURL(enrolmentID)))
	})
}

func pluralS(n int) string {
	if n > 1 {
		return "s"
	}
	return ""
}

// ReopenExperience reopens the experience file after a partial result, for the blocks still
// missing: what was written and the evidence stay; the acquired blocks are locked.
func (s *Service) ReopenExperience(ctx context.Context, a domain.Actor, enrolmentID string) error {
	if err := Check(a, ActVAEFill); err != nil {
		return err
	}
	return s.store.Write(ctx, func(q store.Q) error {
		v, err := s.loadVAE(ctx, q, a, ActVAEFill, enrolmentID)
		if err != nil {
			return err
		}
		if v.file.ExperienceStatus != domain.ExperienceSubmitted || v.enrolment.Status != domain.StatusPartial {
			return domain.Errorf(domain.ECONFLICT, "Le dossier d'expérience se complète après une validation partielle du jury ; l'inscription est « %s ».", v.enrolment.Status.Label())
		}
		if !v.file.ValidUntil.IsZero() && v.file.ValidUntil.Before(s.Today()) {
			return domain.Errorf(domain.ECONFLICT, "La recevabilité a pris fin le %s : demandez au secrétariat de la prolonger.", v.file.ValidUntil)
		}
		acquired, err := acquiredBlocks(ctx, q, enrolmentID)
		if err != nil {
			return err
		}
		var open []string
		for _, b := range v.enrolment.Blocks {
			if !acquired[b] {
				open = append(open, b)
			}
		}
		now := s.Now()
		v.file.ExperienceStatus, v.file.ExperienceRound = domain.ExperienceOpen, v.file.ExperienceRound+1
		v.file.WaitingSince, v.file.LastReminderAt, v.file.UpdatedAt = &now, nil, now
		if err := q.UpdateVAEFile(ctx, v.file); err != nil {
			return err
		}
		return s.audit(ctx, q, a, change{Action: "vae.experience_reopen", EntityType: "vae_file", EntityID: enrolmentID,
			CandidateID: v.candidate.ID, Before: map[string]string{"experience": string(domain.ExperienceSubmitted)},
			After: map[string]any{"experience": string(domain.ExperienceOpen), "round": v.file.ExperienceRound, "blocks": open}})
	})
}

// AssignAdviser names the VAE adviser who follows the experience file ("" to remove).
func (s *Service) AssignAdviser(ctx context.Context, a domain.Actor, enrolmentID, userID string) error {
	if err := Check(a, ActVAEDecide); err != nil {
		return err
	}
	userID = strings.TrimSpace(userID)
	return s.store.Write(ctx, func(q store.Q) error {
		v, err := s.loadVAE(ctx, q, a, ActVAEDecide, enrolmentID)
		if err != nil {
			return err
		}
		if v.file.Status != domain.VAEAdmissible {
			return domain.Errorf(domain.ECONFLICT, "Un accompagnateur se désigne pour une demande recevable.")
		}
		var adviser domain.User
		if userID != "" {
			if adviser, err = q.UserByID(ctx, userID); domain.ErrorCode(err) == domain.ENOTFOUND {
				return fieldError("adviser", "Compte inconnu : choisissez l'accompagnateur dans la liste.")
			} else if err != nil {
				return err
			}
			if !hasRole(adviser, domain.RoleVAEAdviser) || adviser.Disabled() {
				return fieldError("adviser", adviser.Name+" n'a pas de rôle « Accompagnateur VAE » actif.")
			}
		}
		before := v.file.AdviserUserID
		v.file.AdviserUserID, v.file.UpdatedAt = userID, s.Now()
		if err := q.UpdateVAEFile(ctx, v.file); err != nil {
			return err
		}
		if err := s.audit(ctx, q, a, change{Action: "vae.adviser_assign", EntityType: "vae_file", EntityID: enrolmentID,
			CandidateID: v.candidate.ID, Before: map[string]string{"adviser": before}, After: map[string]string{"adviser": userID}}); err != nil {
			return err
		}
		if userID == "" {
			return nil
		}
		return s.queueMail(ctx, q, adviser.Email, "Accompagnement VAE : "+v.candidate.DisplayName(),
			fmt.Sprintf("Bonjour %s,\n\nLe secrétariat des CQP vous confie l'accompagnement de %s, qui rédige son dossier d'expérience pour « %s ».\n\nLe dossier et vos commentaires :\n%s\n",
				adviser.Name, v.candidate.DisplayName(), v.enrolment.QualificationTitle, s.vaeURL(enrolmentID)))
	})
}

// AddAdviserComment records the adviser's comment on the experience file (on one block or on
// the whole), and mails the candidate.
func (s *Service) AddAdviserComment(ctx context.Context, a domain.Actor, enrolmentID, blockCode, comment string) error {
	if err := Check(a, ActVAEAdvise); err != nil {
		return err
	}
	comment, blockCode = strings.TrimSpace(comment), strings.TrimSpace(blockCode)
	if comment == "" {
		return fieldError("comment", "Écrivez votre commentaire.")
	}
	if utf8.RuneCountInString(comment) > maxLongText {
		return fieldError("comment", "Le commentaire dépasse 4 000 caractères : raccourcissez-le.")
	}
	return s.store.Write(ctx, func(q store.Q) error {
		v, err := s.loadVAE(ctx, q, a, ActVAEAdvise, enrolmentID)
		if err != nil {
			return err
		}
		if v.file.AdviserUserID != a.UserID {
			return domain.Errorf(domain.ENOTFOUND, "Dossier de VAE introuvable.")
		}
		if v.file.ExperienceStatus != domain.ExperienceOpen {
			return domain.Errorf(domain.ECONFLICT, "Le dossier d'expérience n'est pas en cours de rédaction : les commentaires sont fermés.")
		}
		if blockCode != "" && !contains(v.enrolment.Blocks, blockCode) {
			return fieldError("block", "Choisissez un bloc présenté par le candidat, ou l'ensemble du dossier.")
		}
		c := store.AdviserComment{ID: newID(), BlockCode: blockCode, Comment: comment, CreatedAt: s.Now(), CreatedBy: a.UserID}
		if err := q.AddAdviserComment(ctx, enrolmentID, c); err != nil {
			return err
		}
		if err := s.audit(ctx, q, a, change{Action: "vae.adviser_comment", EntityType: "vae_file", EntityID: enrolmentID,
			CandidateID: v.candidate.ID, After: map[string]string{"block": blockCode}, Reason: comment}); err != nil {
			return err
		}
		if v.candidate.Email == "" {
			return nil
		}
		return s.queueMail(ctx, q, v.candidate.Email, "Un commentaire de votre accompagnateur VAE",
			fmt.Sprintf("Bonjour %s,\n\n%s a commenté votre dossier d'expérience :\n\n« %s »\n\nVotre dossier : %s/experience\n",
				v.candidate.DisplayName(), a.Name, comment, s.vaeURL(enrolmentID)))
	})
}
