package service

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"unicode/utf8"

	"cqp/internal/docs"
	"cqp/internal/domain"
	"cqp/internal/rules"
	"cqp/internal/store"
)

// Reviews and decisions on the admissibility file. A training organisation reviews the version
// it was asked about and gives a reasoned opinion; the secretariat decides on the latest version
// with a reason, and the decision letter (PDF) is kept and mailed. A decision can be revoked with
// a reason while nothing has been built on it; the file then waits for a new decision.

// RequestVAEReview asks a training organisation to review the latest version of the file. Its
// accounts are mailed with a direct link.
func (s *Service) RequestVAEReview(ctx context.Context, a domain.Actor, enrolmentID, organisationID string) error {
	if err := Check(a, ActVAEDecide); err != nil {
		return err
	}
	organisationID = strings.TrimSpace(organisationID)
	if organisationID == "" {
		return fieldError("training_organisation", "Choisissez l'organisme de formation qui examinera le dossier.")
	}
	return s.store.Write(ctx, func(q store.Q) error {
		v, err := s.loadVAE(ctx, q, a, ActVAEDecide, enrolmentID)
		if err != nil {
			return err
		}
		if v.file.Status != domain.VAESubmitted && v.file.Status != domain.VAEReviewed {
			return domain.Errorf(domain.ECONFLICT, "Le dossier est « %s » : un avis se demande sur un dossier reçu et pas encore décidé.", v.file.Status.Label())
		}
		org, err := q.TrainingOrganisation(ctx, organisationID)
		if domain.ErrorCode(err) == domain.ENOTFOUND {
			return fieldError("training_organisation", "Organisme de formation inconnu : choisissez-le dans la liste.")
		}
		if err != nil {
			return err
		}
		r := store.VAEReview{ID: newID(), EnrolmentID: enrolmentID, FileVersion: v.file.Version, TrainingOrganisationID: org.ID,
			RequestedAt: s.Now(), RequestedBy: a.UserID}
		if err := q.CreateVAEReview(ctx, r); err != nil {
			return err
		}
		before := v.file.Status
		v.file.Status, v.file.UpdatedAt = domain.VAEUnderReview, s.Now()
		if err := q.UpdateVAEFile(ctx, v.file); err != nil {
			return err
		}
		if err := s.audit(ctx, q, a, change{Action: "vae.review_request", EntityType: "vae_file", EntityID: enrolmentID,
			CandidateID: v.candidate.ID, Before: map[string]string{"status": string(before)},
			After: map[string]any{"status": string(domain.VAEUnderReview), "training_organisation": org.ID, "version": v.file.Version}}); err != nil {
			return err
		}
		return s.mailRole(ctx, q, domain.RoleTrainingOrganisation, org.ID, "Avis demandé sur un dossier de VAE : "+v.candidate.DisplayName(),
			fmt.Sprintf("Bonjour,\n\nLe secrétariat des CQP demande l'avis de %s sur le dossier de recevabilité VAE de %s pour « %s » (version %d).\n\nDonnez votre avis argumenté (favorable, défavorable ou dossier incomplet), le dossier à côté du formulaire :\n%s/avis\n",
				org.Name, v.candidate.DisplayName(), v.enrolment.QualificationTitle, v.file.Version, s.vaeURL(enrolmentID)))
	})
}

// ReviewInput is a training organisation's opinion.
type ReviewInput struct {
	Opinion domain.ReviewOpinion
	Comment string
}

// GiveVAEReview records the opinion of the actor's organisation on the version it was asked
// to review. The opinion is reasoned: the comment is required.
func (s *Service) GiveVAEReview(ctx context.Context, a domain.Actor, enrolmentID string, in ReviewInput) error {
	if err := Check(a, ActVAEReview); err != nil {
		return err
	}
	in.Comment = strings.TrimSpace(in.Comment)
	fe := domain.FieldErrors{}
	if !in.Opinion.Valid() {
		fe.Add("opinion", "Choisissez votre avis : favorable, défavorable ou dossier incomplet.")
	}
	if in.Comment == "" {
		fe.Add("comment", "Argumentez votre avis : ce qui, dans le dossier, le justifie (ou ce qui manque).")
	} else if utf8.RuneCountInString(in.Comment) > maxLongText {
		fe.Add("comment", "L'avis dépasse 4 000 caractères : raccourcissez-le.")
	}
	if err := fe.Err(); err != nil {
		return err
	}
	return s.store.Write(ctx, func(q store.Q) error {
		v, err := s.loadVAE(ctx, q, a, ActVAEReview, enrolmentID)
		if err != nil {
			return err
		}
		reviews, err := q.VAEReviews(ctx, enrolmentID)
		if err != nil {
			return err
		}
		var pending *store.VAEReview
		for i, r := range reviews {
			if !r.Given() && r.FileVersion == v.file.Version && contains(a.Scopes(domain.RoleTrainingOrganisation), r.TrainingOrganisationID) {
				pending = &reviews[i]
				break
			}
		}
		if pending == nil || v.file.Status != domain.VAEUnderReview {
			return domain.Errorf(domain.ECONFLICT, "Aucun avis n'est attendu de votre organisme sur ce dossier (« %s »).", v.file.Status.Label())
		}
		now := s.Now()
		pending.Opinion, pending.Comment, pending.GivenAt, pending.GivenBy = in.Opinion, in.Comment, &now, a.UserID
		if err := q.GiveVAEReview(ctx, *pending); err != nil {
			return err
		}
		v.file.Status, v.file.UpdatedAt = domain.VAEReviewed, now
		if err := q.UpdateVAEFile(ctx, v.file); err != nil {
			return err
		}
		if err := s.audit(ctx, q, a, change{Action: "vae.review_give", EntityType: "vae_review", EntityID: pending.ID,
			CandidateID: v.candidate.ID, Before: map[string]string{"status": string(domain.VAEUnderReview)},
			After:  map[string]any{"status": string(domain.VAEReviewed), "opinion": string(in.Opinion), "version": pending.FileVersion},
			Reason: in.Comment}); err != nil {
			return err
		}
		return s.tellSecretariat(ctx, q, "Avis rendu sur le dossier de VAE de "+v.candidate.DisplayName(),
			fmt.Sprintf("Bonjour,\n\n%s a rendu son avis sur le dossier de recevabilité de %s : %s.\n\n« %s »\n\nDécidez de la recevabilité :\n%s\n",
				pending.TrainingOrganisationName, v.candidate.DisplayName(), strings.ToLower(in.Opinion.Label()), in.Comment, s.vaeURL(enrolmentID)))
	})
}

// DecisionInput is the secretariat's decision on the admissibility file.
type DecisionInput struct {
	Decision   domain.VAEDecisionKind
	Reason     string
	ValidUntil string // admissible: JJ/MM/AAAA
	// Redirected: the route, the training organisation that will run it.
	RedirectRoute          domain.Route
	TrainingOrganisationID string
}

// DecideVAE records the secretariat's decision on the latest version of the admissibility
// file, with its reason, generates the decision letter and mails it to the candidate:
//   - incomplete: the file goes back to the candidate with what is missing;
//   - admissible: until the given date; the enrolment is "enrolled" and the experience file opens;
//   - not admissible: the enrolment ends (withdrawn, with the reason);
//   - redirected: an enrolment on the formation or blocs route is created with the same
//     qualification and blocks, and the VAE enrolment ends.
//
// Admissible and redirected need the training organisation's opinion first; incomplete and not
// admissible may be decided on the file alone.
func (s *Service) DecideVAE(ctx context.Context, a domain.Actor, enrolmentID string, in DecisionInput) (store.VAEDecision, error) {
	if err := Check(a, ActVAEDecide); err != nil {
		return store.VAEDecision{}, err
	}
	// The letter is signed with the name of whoever decides: a process is no signatory.
	if a.System || strings.TrimSpace(a.Name) == "" {
		return store.VAEDecision{}, domain.Errorf(domain.EFORBIDDEN,
			"Une décision de recevabilité est signée par une personne du secrétariat : prenez-la depuis votre compte.")
	}
	in.Reason = strings.TrimSpace(in.Reason)
	fe := domain.FieldErrors{}
	if !in.Decision.Valid() {
		fe.Add("decision", "Choisissez la décision : recevable, non recevable, incomplet ou réorientation.")
	}
	if in.Reason == "" {
		switch in.Decision {
		case domain.DecisionIncomplete:
			fe.Add("reason", "Indiquez ce qui manque au dossier : le candidat le lira dans la lettre de décision.")
		default:
			fe.Add("reason", "Motivez la décision : le motif figure dans la lettre envoyée au candidat.")
		}
	} else if utf8.RuneCountInString(in.Reason) > maxLongText {
		fe.Add("reason", "Le motif dépasse 4 000 caractères : raccourcissez-le.")
	}
	var validUntil domain.Date
	if in.Decision == domain.DecisionAdmissible {
		validUntil = s.futureDate(fe, "valid_until", in.ValidUntil, "Indiquez jusqu'à quand la recevabilité est valable (JJ/MM/AAAA).",
			"La fin de validité doit être après aujourd'hui.")
	}
	if in.Decision == domain.DecisionRedirected {
		if in.RedirectRoute != domain.RouteFormation && in.RedirectRoute != domain.RouteBlocs {
			fe.Add("redirect_route", "Choisissez la voie proposée : formation ou blocs de compétences.")
		}
		if strings.TrimSpace(in.TrainingOrganisationID) == "" {
			fe.Add("training_organisation", "Choisissez l'organisme de formation habilité qui accueillera le candidat.")
		}
	}
	if err := fe.Err(); err != nil {
		return store.VAEDecision{}, err
	}
	var d store.VAEDecision
	err := s.store.Write(ctx, func(q store.Q) error {
		v, err := s.loadVAE(ctx, q, a, ActVAEDecide, enrolmentID)
		if err != nil {
			return err
		}
		switch v.file.Status {
		case domain.VAEReviewed:
		case domain.VAESubmitted:
			if in.Decision == domain.DecisionAdmissible || in.Decision == domain.DecisionRedirected {
				return fieldError("decision", "Demandez d'abord l'avis d'un organisme de formation : la décision « "+
					strings.ToLower(in.Decision.Label())+" » se prend après son examen du dossier.")
			}
		case domain.VAEUnderReview:
			return domain.Errorf(domain.ECONFLICT, "L'avis de l'organisme est attendu : décidez quand il l'aura rendu.")
		default:
			return domain.Errorf(domain.ECONFLICT, "Le dossier est « %s » : il n'y a pas de décision à prendre.", v.file.Status.Label())
		}
		now := s.Now()
		d = store.VAEDecision{ID: newID(), EnrolmentID: enrolmentID, FileVersion: v.file.Version, Decision: in.Decision,
			Reason: in.Reason, ValidUntil: validUntil, DecidedAt: now, DecidedBy: a.UserID, DecidedByName: a.Name}
		before := v.file.Status
		v.file.Status, v.file.UpdatedAt = in.Decision.Status(), now
		statusReason := ""
		switch in.Decision {
		case domain.DecisionIncomplete:
			v.file.WaitingSince, v.file.LastReminderAt = &now, nil
		case domain.DecisionAdmissible:
			v.file.ValidUntil = validUntil
			v.file.ExperienceStatus, v.file.ExperienceRound = domain.ExperienceOpen, 1
			v.file.WaitingSince, v.file.LastReminderAt = &now, nil
			if err := s.moveVAEEnrolment(ctx, q, v.enrolment, domain.StatusEnrolled, "Demande de VAE recevable jusqu'au "+validUntil.String()+" : "+in.Reason, a.UserID); err != nil {
				return err
			}
		case domain.DecisionNotAdmissible:
			statusReason = "Demande de VAE non recevable : " + in.Reason
		case domain.DecisionRedirected:
			// The VAE enrolment ends before the new one starts: a block is presented on one
			// enrolment at a time.
			if err := s.moveVAEEnrolment(ctx, q, v.enrolment, domain.StatusWithdrawn,
				"Réorientation vers la voie « "+in.RedirectRoute.Label()+" » : "+in.Reason, a.UserID); err != nil {
				return err
			}
			d.RedirectRoute = in.RedirectRoute
			rec, err := s.redirectEnrolment(ctx, q, a, v, in)
			if err != nil {
				return err
			}
			d.RedirectEnrolmentID = rec.ID
		}
		if statusReason != "" {
			if err := s.moveVAEEnrolment(ctx, q, v.enrolment, domain.StatusWithdrawn, statusReason, a.UserID); err != nil {
				return err
			}
		}
		reviews, err := q.VAEReviews(ctx, enrolmentID)
		if err != nil {
			return err
		}
		if d.Letter, err = s.decisionLetter(ctx, q, v, d, reviews); err != nil {
			return err
		}
		if err := q.CreateVAEDecision(ctx, d); err != nil {
			return err
		}
		if err := q.UpdateVAEFile(ctx, v.file); err != nil {
			return err
		}
		after := map[string]any{"status": string(v.file.Status), "decision": string(d.Decision), "version": d.FileVersion}
		if !validUntil.IsZero() {
			after["valid_until"] = validUntil.ISO()
		}
		if d.RedirectEnrolmentID != "" {
			after["redirect_route"], after["redirect_enrolment"] = string(d.RedirectRoute), d.RedirectEnrolmentID
		}
		if err := s.audit(ctx, q, a, change{Action: "vae.decide", EntityType: "vae_decision", EntityID: d.ID, CandidateID: v.candidate.ID,
			Before: map[string]string{"status": string(before)}, After: after, Reason: in.Reason}); err != nil {
			return err
		}
		if v.candidate.Email == "" {
			return nil
		}
		return s.queueMailWithAttachment(ctx, q, v.candidate.Email, "Décision sur votre demande de VAE : "+strings.ToLower(d.Decision.Label()),
			decisionMail(v, d, s.vaeURL(enrolmentID)), Attachment{Name: "decision-recevabilite-vae.pdf", Type: "application/pdf", Content: d.Letter})
	})
	return d, err
}

// futureDate reads a date typed JJ/MM/AAAA (or YYYY-MM-DD) that must come after today. What is
// wrong goes into fe under field: missing when nothing is typed, notAfter when the date is not
// after today; the zero date is returned then.
func (s *Service) futureDate(fe domain.FieldErrors, field, raw, missing, notAfter string) domain.Date {
	raw = strings.TrimSpace(raw)
	if raw == "" {
		fe.Add(field, missing)
		return domain.Date{}
	}
	d, err := domain.ParseFrenchDate(raw)
	switch {
	case err != nil:
		fe.Add(field, "La date « "+raw+" » n'est pas au format JJ/MM/AAAA.")
	case !s.Today().Before(d):
		fe.Add(field, notAfter)
	default:
		return d
	}
	return domain.Date{}
}

// moveVAEEnrolment moves the VAE enrolment as its file's decision says, in the status history.
func (s *Service) moveVAEEnrolment(ctx context.Context, q store.Q, e domain.Enrolment, to domain.EnrolmentStatus, reason, byUserID string) error {
	if e.Status == to {
		return nil
	}
	e.Status, e.UpdatedAt = to, s.Now()
	return q.SetEnrolmentStatus(ctx, newID(), e, reason, byUserID)
}

// redirectEnrolment creates the enrolment on the route the secretariat redirects to: same
// qualification, public, company and blocks, with the chosen training organisation. On the
// blocs route the blocks are those of the VAE request the person does not hold yet.
func (s *Service) redirectEnrolment(ctx context.Context, q store.Q, a domain.Actor, v vaeFileCtx, in DecisionInput) (store.EnrolmentRecord, error) {
	var blocks []string
	held, err := heldInQualification(ctx, q, v.candidate.ID, v.enrolment.QualificationID)
	if err != nil {
		return store.EnrolmentRecord{}, err
	}
	for _, code := range v.enrolment.Blocks {
		b, ok := v.framework.Block(code)
		switch {
		case !ok:
		case in.RedirectRoute == domain.RouteBlocs:
			if !slices.ContainsFunc(held, func(h rules.HeldBlock) bool { return h.Code == code }) {
				blocks = append(blocks, code)
			}
		case b.Kind == domain.BlockOptional:
			blocks = append(blocks, code)
		}
	}
	rec, _, err := s.addEnrolment(ctx, q, a, v.candidate.ID, EnrolmentInput{QualificationCode: v.enrolment.QualificationCode, Route: in.RedirectRoute,
		Public: v.enrolment.Public, TrainingOrganisationID: strings.TrimSpace(in.TrainingOrganisationID), CompanyID: v.enrolment.CompanyID,
		Blocks: blocks}, "Réorientation d'une demande de VAE : "+in.Reason)
	return rec, err
}

// addEnrolment checks and records a new enrolment of an existing candidate inside the caller's
// transaction (insertEnrolment), and returns it with its eligibility (nil without interview).
func (s *Service) addEnrolment(ctx context.Context, q store.Q, a domain.Actor, candidateID string, in EnrolmentInput, reason string) (store.EnrolmentRecord, *rules.Eligibility, error) {
	in.candidateID = candidateID
	b, fe, err := s.buildEnrolment(ctx, q, a, in)
	if err != nil {
		return store.EnrolmentRecord{}, nil, err
	}
	if err := fe.Err(); err != nil {
		return store.EnrolmentRecord{}, nil, err
	}
	e, err := s.insertEnrolment(ctx, q, a, candidateID, &b, reason)
	return e, b.eligibility, err
}

// decisionLetter prints the decision letter.
func (s *Service) decisionLetter(ctx context.Context, q store.Q, v vaeFileCtx, d store.VAEDecision, reviews []store.VAEReview) ([]byte, error) {
	branch, err := branchName(ctx, q, v.enrolment.QualificationID)
	if err != nil {
		return nil, err
	}
	city := ""
	if b, err := branchID(ctx, q); err == nil {
		configured, err := q.SignaturePlace(ctx, b.ID)
		if err != nil {
			return nil, err
		}
		city = SignatureCity("", configured)
	}
	l := docs.VAEDecisionLetter{BranchName: branch, SecretariatName: "Secrétariat des CQP de la branche", City: city,
		Date: d.DecidedAt, Reference: "VAE-" + v.candidate.Number + "-v" + fmt.Sprint(d.FileVersion),
		CandidateName: v.candidate.DisplayName(), CandidateSex: v.candidate.Sex, CandidateNumber: v.candidate.Number,
		CandidateAddress:   v.file.Draft.Address,
		QualificationTitle: v.enrolment.QualificationTitle, QualificationCode: v.framework.Qualification.RNCP,
		FileVersion: d.FileVersion, Decision: string(d.Decision), Reason: d.Reason, ValidUntil: d.ValidUntil.Time(),
		Signatory: docs.Signatory{Role: "Pour le secrétariat des CQP", Name: d.DecidedByName}}
	if d.Decision == domain.DecisionRedirected {
		l.RedirectRoute = d.RedirectRoute.Label()
	}
	for _, r := range reviews {
		if r.Given() && r.FileVersion == d.FileVersion {
			l.Opinion = r.Opinion.Label() + " " + docs.De(r.TrainingOrganisationName)
			break
		}
	}
	switch d.Decision {
	case domain.DecisionAdmissible:
		// The letter already says the three steps of every admissible request (dossier,
		// interview, jury); only what this platform adds is said here.
		l.NextSteps = []string{
			"Votre dossier d’expérience se rédige en ligne, dans votre espace candidat, bloc par bloc ; les documents qui prouvent ce que vous avez fait s’y déposent (PDF, PNG ou JPEG).",
		}
	case domain.DecisionIncomplete:
		l.NextSteps = []string{"Complétez votre dossier de recevabilité dans cqp, puis envoyez-le de nouveau : ce que vous avez déjà saisi est conservé."}
	}
	return docs.VAEDecisionLetterPDF(l)
}

func decisionMail(v vaeFileCtx, d store.VAEDecision, link string) string {
	var b strings.Builder
	fmt.Fprintf(&b, "Bonjour %s,\n\nLe secrétariat des CQP a examiné votre dossier de recevabilité VAE pour « %s » (version %d).\n\nDécision : %s.\n",
		v.candidate.DisplayName(), v.enrolment.QualificationTitle, d.FileVersion, strings.ToLower(d.Decision.Label()))
	switch d.Decision {
	case domain.DecisionAdmissible:
		fmt.Fprintf(&b, "Votre demande est recevable jusqu'au %s. Vous pouvez maintenant rédiger votre dossier d'expérience et y joindre vos preuves.\n", d.ValidUntil)
	case domain.DecisionIncomplete:
		b.WriteString("Votre dossier est incomplet. Complétez-le et envoyez-le de nouveau : ce que vous avez saisi est conservé.\n")
	case domain.DecisionRedirected:
		fmt.Fprintf(&b, "Le secrétariat vous propose la voie « %s » : votre inscription sur cette voie est créée.\n", d.RedirectRoute.Label())
	}
	fmt.Fprintf(&b, "\nMotif : %s\n\nLa lettre de décision est jointe. Votre dossier : %s\n", d.Reason, link)
	return b.String()
}

// VAEDecisionLetter returns the letter of one of the file's decisions.
func (s *Service) VAEDecisionLetter(ctx context.Context, a domain.Actor, enrolmentID, decisionID string) ([]byte, error) {
	q := s.store.Read()
	v, err := s.loadVAE(ctx, q, a, ActVAERead, enrolmentID)
	if err != nil {
		return nil, err
	}
	if v.file.PurgedAt != nil {
		return nil, domain.Errorf(domain.ENOTFOUND, "La lettre de décision a été effacée le %s avec le contenu du dossier (durée de conservation écoulée ou demande de la personne) ; la décision et son motif restent sur la page du dossier.",
			domain.DateOf(*v.file.PurgedAt).String())
	}
	return q.VAEDecisionLetter(ctx, enrolmentID, decisionID)
}

// RevokeVAEDecision revokes the file's latest decision, with a reason, while nothing was built
// on it: an admissible file whose experience file was submitted, or a redirection whose new
// enrolment has moved on, is no longer revoked. The file goes back to waiting for a decision
// and the enrolments are put back as they were; the candidate is told.
func (s *Service) RevokeVAEDecision(ctx context.Context, a domain.Actor, enrolmentID, decisionID, reason string) error {
	if err := Check(a, ActVAEDecide); err != nil {
		return err
	}
	reason = strings.TrimSpace(reason)
	if reason == "" {
		return fieldError("revoke_reason", "Indiquez pourquoi la décision est révoquée : le motif est gardé et communiqué au candidat.")
	}
	if utf8.RuneCountInString(reason) > maxLongText {
		return fieldError("revoke_reason", "Le motif dépasse 4 000 caractères : raccourcissez-le.")
	}
	return s.store.Write(ctx, func(q store.Q) error {
		v, err := s.loadVAE(ctx, q, a, ActVAEDecide, enrolmentID)
		if err != nil {
			return err
		}
		decisions, err := q.VAEDecisions(ctx, enrolmentID)
		if err != nil {
			return err
		}
		var d *store.VAEDecision
		for i := range decisions {
			if !decisions[i].Revoked() {
				d = &decisions[i]
				break
			}
		}
		if d == nil || d.ID != decisionID {
			return domain.Errorf(domain.ECONFLICT, "Seule la dernière décision en vigueur peut être révoquée.")
		}
		if d.Decision.Status() != v.file.Status {
			return domain.Errorf(domain.ECONFLICT, "Le dossier a changé depuis cette décision (« %s ») : elle ne peut plus être révoquée.", v.file.Status.Label())
		}
		back := fmt.Sprintf("Décision « %s » révoquée : %s", strings.ToLower(d.Decision.Label()), reason)
		switch d.Decision {
		case domain.DecisionAdmissible:
			if v.file.ExperienceStatus == domain.ExperienceSubmitted || v.enrolment.Status != domain.StatusEnrolled {
				return domain.Errorf(domain.ECONFLICT, "Le dossier d'expérience a été déposé : la recevabilité ne peut plus être révoquée.")
			}
			v.file.ValidUntil, v.file.ExperienceStatus, v.file.ExperienceRound = domain.Date{}, domain.ExperienceClosed, 0
			if err := s.moveVAEEnrolment(ctx, q, v.enrolment, domain.StatusAdmissibility, back, a.UserID); err != nil {
				return err
			}
		case domain.DecisionNotAdmissible:
			if err := s.moveVAEEnrolment(ctx, q, v.enrolment, domain.StatusAdmissibility, back, a.UserID); err != nil {
				return err
			}
		case domain.DecisionRedirected:
			_, other, err := enrolmentUnscoped(ctx, q, d.RedirectEnrolmentID)
			if err != nil {
				return err
			}
			if other.Status != domain.StatusEnrolled {
				return domain.Errorf(domain.ECONFLICT, "L'inscription sur la voie « %s » est déjà « %s » : la réorientation ne peut plus être révoquée.",
					other.Route.Label(), other.Status.Label())
			}
			if err := s.moveVAEEnrolment(ctx, q, other, domain.StatusWithdrawn, back, a.UserID); err != nil {
				return err
			}
			if err := s.moveVAEEnrolment(ctx, q, v.enrolment, domain.StatusAdmissibility, back, a.UserID); err != nil {
				return err
			}
		}
		now := s.Now()
		if err := q.RevokeVAEDecision(ctx, d.ID, now, a.UserID, reason); err != nil {
			return err
		}
		before := v.file.Status
		v.file.Status, v.file.WaitingSince, v.file.UpdatedAt = domain.VAESubmitted, nil, now
		reviews, err := q.VAEReviews(ctx, enrolmentID)
		if err != nil {
			return err
		}
		for _, r := range reviews {
			if r.Given() && r.FileVersion == v.file.Version {
				v.file.Status = domain.VAEReviewed
				break
			}
		}
		if err := q.UpdateVAEFile(ctx, v.file); err != nil {
			return err
		}
		if err := s.audit(ctx, q, a, change{Action: "vae.decision_revoke", EntityType: "vae_decision", EntityID: d.ID, CandidateID: v.candidate.ID,
			Before: map[string]string{"status": string(before), "decision": string(d.Decision)},
			After:  map[string]string{"status": string(v.file.Status)}, Reason: reason}); err != nil {
			return err
		}
		if v.candidate.Email == "" {
			return nil
		}
		return s.queueMail(ctx, q, v.candidate.Email, "Votre demande de VAE : décision révoquée",
			fmt.Sprintf("Bonjour %s,\n\nLa décision « %s » prise le %s sur votre dossier de recevabilité VAE a été révoquée par le secrétariat.\n\nMotif : %s\n\nUne nouvelle décision vous sera communiquée. Votre dossier : %s\n",
				v.candidate.DisplayName(), strings.ToLower(d.Decision.Label()), domain.DateOf(d.DecidedAt), reason, s.vaeURL(enrolmentID)))
	})
}

// ExtendVAEValidity moves the end of an admissible request's validity, with a reason (the
// candidate needs more time for the experience file, a jury session was postponed…). The new
// date must be after today and after the current one; the decision letter stays as it was, the
// change is in the file, the audit trail and a mail to the candidate.
func (s *Service) ExtendVAEValidity(ctx context.Context, a domain.Actor, enrolmentID, until, reason string) error {
	if err := Check(a, ActVAEDecide); err != nil {
		return err
	}
	reason, until = strings.TrimSpace(reason), strings.TrimSpace(until)
	fe := domain.FieldErrors{}
	newUntil := s.futureDate(fe, "extend_until", until, "Indiquez la nouvelle fin de validité (JJ/MM/AAAA).",
		"La nouvelle fin de validité doit être après aujourd'hui.")
	if reason == "" {
		fe.Add("extend_reason", "Indiquez pourquoi la validité est prolongée : le motif est gardé et communiqué au candidat.")
	} else if utf8.RuneCountInString(reason) > maxLongText {
		fe.Add("extend_reason", "Le motif dépasse 4 000 caractères : raccourcissez-le.")
	}
	if err := fe.Err(); err != nil {
		return err
	}
	return s.store.Write(ctx, func(q store.Q) error {
		v, err := s.loadVAE(ctx, q, a, ActVAEDecide, enrolmentID)
		if err != nil {
			return err
		}
		if v.file.Status != domain.VAEAdmissible {
			return domain.Errorf(domain.ECONFLICT, "Seule une demande recevable a une validité à prolonger ; celle-ci est « %s ».", v.file.Status.Label())
		}
		if !v.file.ValidUntil.Before(newUntil) {
			return fieldError("extend_until", "La nouvelle fin de validité doit être après l'actuelle ("+v.file.ValidUntil.String()+").")
		}
		before := v.file.ValidUntil
		v.file.ValidUntil, v.file.UpdatedAt = newUntil, s.Now()
		if err := q.UpdateVAEFile(ctx, v.file); err != nil {
			return err
		}
		if err := s.audit(ctx, q, a, change{Action: "vae.validity_extend", EntityType: "vae_file", EntityID: enrolmentID,
			CandidateID: v.candidate.ID, Before: map[string]string{"valid_until": before.ISO()},
			After: map[string]string{"valid_until": newUntil.ISO()}, Reason: reason}); err != nil {
			return err
		}
		if v.candidate.Email == "" {
			return nil
		}
		return s.queueMail(ctx, q, v.candidate.Email, "Votre demande de VAE : validité prolongée",
			fmt.Sprintf("Bonjour %s,\n\nLa recevabilité de votre demande de VAE pour « %s » est prolongée jusqu'au %s (elle courait jusqu'au %s).\n\nMotif : %s\n\nVotre dossier : %s\n",
				v.candidate.DisplayName(), v.enrolment.QualificationTitle, newUntil, before, reason, s.vaeURL(enrolmentID)))
	})
}
