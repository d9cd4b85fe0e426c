package service

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"unicode/utf8"

	"cqp/internal/domain"
	"cqp/internal/rules"
	"cqp/internal/store"
)

// The blocs route's final stage (DOMAIN.md §5 « blocs »): a person who holds block attestations
// and wants the CQP presents the rest to an evaluation commission. It is one enrolment evaluated
// as a VAE, on the path the VAE route uses (domain.StageBlocsFinal): the blocks not held by
// experience file, which the commission's grid decides; the blocks held stay acquired and are
// covered at the oral by a practical case, a knowledge question and an interview, whose account
// and reasoned opinion go to the jury; the jury awards the certificate. There is no
// admissibility phase: the secretariat opens the stage, the experience file opens at once.

// FinalStageInput is the secretariat's opening of the final stage for a person.
type FinalStageInput struct {
	CandidateID       string
	QualificationCode string
	// Optional are the optional blocks chosen to complete the composition, beside those held.
	Optional []string
	// ValidUntil is the date the experience file must be submitted by (JJ/MM/AAAA).
	ValidUntil string
	Reason     string
}

// FinalStageOption is a qualification in which a person can start the final stage.
type FinalStageOption struct {
	QualificationCode  string
	QualificationTitle string
	Held               []rules.HeldBlock
	// ByExperience are the common and specialty blocks not held: presented by experience file.
	ByExperience []domain.Block
	// Optional are the framework's optional blocks the person does not hold, to choose from;
	// OptionalOwed is how many of them to choose.
	Optional     []domain.Block
	OptionalOwed int
}

// FinalStageOptions lists the qualifications in which the person could start the final stage:
// a block held by training on the blocs route, no enrolment under way, no certification.
func (s *Service) FinalStageOptions(ctx context.Context, a domain.Actor, candidateID string) ([]FinalStageOption, error) {
	if AccessFor(a, ActBlocsFinal) != AccessAll {
		return nil, nil
	}
	q := s.store.Read()
	c, err := q.Candidate(ctx, candidateID, store.Scope{})
	if err != nil {
		return nil, err
	}
	fws, err := q.LatestFrameworks(ctx)
	if err != nil {
		return nil, err
	}
	var out []FinalStageOption
	for _, fw := range fws {
		if finalStageRefusal(c, fw.QualificationID) != "" {
			continue
		}
		held, err := heldInQualification(ctx, q, c.ID, fw.QualificationID)
		if err != nil {
			return nil, err
		}
		if !slices.ContainsFunc(held, func(h rules.HeldBlock) bool { return h.Route == domain.RouteBlocs }) {
			continue
		}
		o := FinalStageOption{QualificationCode: fw.Framework.Qualification.Code, QualificationTitle: fw.Framework.Qualification.Title,
			Held: held, OptionalOwed: fw.Framework.Composition.Optional}
		for _, b := range fw.Framework.Blocks {
			isHeld := slices.ContainsFunc(held, func(h rules.HeldBlock) bool { return h.Code == b.Code })
			switch {
			case b.Kind != domain.BlockOptional && !isHeld:
				o.ByExperience = append(o.ByExperience, b)
			case b.Kind != domain.BlockOptional:
			case isHeld:
				o.OptionalOwed--
			default:
				o.Optional = append(o.Optional, b)
			}
		}
		out = append(out, o)
	}
	return out, nil
}

// finalStageRefusal says why the person cannot start a final stage in a qualification: an
// enrolment still under way, or the qualification already certified.
func finalStageRefusal(c domain.Candidate, qualificationID string) string {
	for _, e := range c.Enrolments {
		if e.QualificationID != qualificationID {
			continue
		}
		switch e.Status {
		case domain.StatusCertified:
			return c.DisplayName() + " est déjà certifié(e) pour « " + e.QualificationTitle + " » : il n'y a plus d'évaluation finale à ouvrir."
		case domain.StatusPartial, domain.StatusNotCertified, domain.StatusWithdrawn:
		default:
			return c.DisplayName() + " a une inscription en cours pour « " + e.QualificationTitle + " » (voie « " + e.RouteLabel() +
				" », « " + e.Status.Label() + " ») : l'évaluation finale s'ouvre quand elle est passée devant le jury ou abandonnée."
		}
	}
	return ""
}

// OpenBlocsFinalStage opens the final stage: the enrolment (evaluated as a VAE, stage
// StageBlocsFinal, no admissibility), its VAE file with the experience file open for the blocks
// not held — or, when every block is held, straight to the final evaluation, the commission
// hearing the candidate on the trained blocks alone. The candidate gets an account and a mail
// saying what to write; everything is in the audit trail.
func (s *Service) OpenBlocsFinalStage(ctx context.Context, a domain.Actor, in FinalStageInput) (Enrolled, error) {
	if err := Check(a, ActBlocsFinal); err != nil {
		return Enrolled{}, err
	}
	in.Reason = strings.TrimSpace(in.Reason)
	fe := domain.FieldErrors{}
	if utf8.RuneCountInString(in.Reason) > maxLongText {
		fe.Add("reason", "Le motif dépasse 4 000 caractères : raccourcissez-le.")
	}
	validUntil := s.futureDate(fe, "valid_until", in.ValidUntil, "Indiquez la date limite de dépôt du dossier d'expérience (JJ/MM/AAAA).",
		"La date limite de dépôt doit être après aujourd'hui.")
	if err := fe.Err(); err != nil {
		return Enrolled{}, err
	}
	var out Enrolled
	err := s.store.Write(ctx, func(q store.Q) error {
		c, err := q.Candidate(ctx, strings.TrimSpace(in.CandidateID), store.Scope{})
		if err != nil {
			return err
		}
		fws, err := q.LatestFrameworks(ctx)
		if err != nil {
			return err
		}
		i := slices.IndexFunc(fws, func(f store.FrameworkRecord) bool { return f.Framework.Qualification.Code == in.QualificationCode })
		if i < 0 {
			return fieldError("qualification", "Choisissez une qualification existante.")
		}
		fw := fws[i]
		if msg := finalStageRefusal(c, fw.QualificationID); msg != "" {
			return domain.Errorf(domain.ECONFLICT, "%s", msg)
		}
		held, err := heldInQualification(ctx, q, c.ID, fw.QualificationID)
		if err != nil {
			return err
		}
		blocks, remaining, err := rules.FinalStageBlocks(fw.Framework, held, in.Optional)
		if err != nil {
			return fieldError("optional", err.Error())
		}
		last := lastEnrolment(c, fw.QualificationID)
		reason := "Évaluation finale de la voie blocs"
		if in.Reason != "" {
			reason += " : " + in.Reason
		}
		b, bfe, err := s.buildEnrolment(ctx, q, a, EnrolmentInput{candidateID: c.ID, QualificationCode: in.QualificationCode,
			Route: domain.RouteVAE, Public: last.Public, CompanyID: last.CompanyID, Blocks: blocks})
		if err != nil {
			return err
		}
		if err := bfe.Err(); err != nil {
			return err
		}
		b.rec.Status, b.rec.Stage = domain.StatusEnrolled, domain.StageBlocsFinal
		rec, err := s.insertEnrolment(ctx, q, a, c.ID, &b, reason)
		if err != nil {
			return err
		}
		out = Enrolled{Candidate: c, Enrolment: rec}
		now := s.Now()
		f := store.VAEFile{EnrolmentID: rec.ID, Status: domain.VAEAdmissible, RequestedBy: domain.RequestedBySecretariat,
			RequestMessage: in.Reason, ValidUntil: validUntil, ExperienceStatus: domain.ExperienceOpen, ExperienceRound: 1,
			WaitingSince: &now, CreatedAt: now, UpdatedAt: now}
		if len(remaining) == 0 {
			// Nothing left to present by experience: the commission hears the trained blocks.
			f.ExperienceStatus, f.ExperienceRound, f.WaitingSince = domain.ExperienceClosed, 0, nil
		}
		if err := q.CreateVAEFile(ctx, f); err != nil {
			return err
		}
		if len(remaining) == 0 {
			if err := s.moveVAEEnrolment(ctx, q, rec.Enrolment, domain.StatusFinalEvaluation,
				"Tous les blocs sont acquis : la commission entend le candidat sur les blocs acquis par formation", a.UserID); err != nil {
				return err
			}
			out.Enrolment.Status = domain.StatusFinalEvaluation
		}
		if err := s.audit(ctx, q, a, change{Action: "blocs.final_stage", EntityType: "enrolment", EntityID: rec.ID, CandidateID: c.ID,
			After: map[string]any{"qualification": in.QualificationCode, "blocks": blocks, "held": heldCodes(held),
				"by_experience": remaining, "valid_until": validUntil.ISO()}, Reason: in.Reason}); err != nil {
			return err
		}
		return s.announceFinalStage(ctx, q, a, out, held, remaining, validUntil)
	})
	return out, err
}

func lastEnrolment(c domain.Candidate, qualificationID string) domain.Enrolment {
	var last domain.Enrolment
	for _, e := range c.Enrolments {
		if e.QualificationID == qualificationID {
			last = e
		}
	}
	return last
}

func heldCodes(held []rules.HeldBlock) []string {
	out := make([]string, len(held))
	for i, h := range held {
		out[i] = h.Code
	}
	return out
}

// announceFinalStage tells the candidate what the final stage asks of them, with their access.
func (s *Service) announceFinalStage(ctx context.Context, q store.Q, a domain.Actor, out Enrolled, held []rules.HeldBlock, remaining []string, validUntil domain.Date) error {
	c, e := out.Candidate, out.Enrolment
	if c.Email == "" {
		return nil
	}
	link, _, err := s.candidateAccess(ctx, q, a, c)
	if err != nil {
		return err
	}
	var b strings.Builder
	fmt.Fprintf(&b, "Bonjour %s,\n\nLe secrétariat ouvre votre évaluation finale pour « %s » (voie des blocs de compétences).\n\n", c.DisplayName(), e.QualificationTitle)
	b.WriteString("Blocs acquis, qui le restent :\n")
	for _, h := range held {
		fmt.Fprintf(&b, "- %s, acquis le %s (voie %s)\n", h.Code, h.AcquiredOn, h.Route.Label())
	}
	if len(remaining) > 0 {
		fmt.Fprintf(&b, "\nPour %s, rédigez votre dossier d'expérience avec vos pièces justificatives, et déposez-le avant le %s :\n%s\n",
			blockList(remaining), validUntil, s.vaeURL(e.ID))
	}
	b.WriteString("\nLa commission d'évaluation vous entendra ensuite : un cas pratique, une question de connaissances et un entretien sur les blocs acquis par formation")
	if len(remaining) > 0 {
		b.WriteString(", et votre dossier d'expérience pour les autres")
	}
	b.WriteString(". Son avis va au jury, qui délivre le certificat. La convocation arrivera par mail.\n\n")
	b.WriteString(link + "\n")
	return s.queueMail(ctx, q, c.Email, "Votre évaluation finale : « "+e.QualificationTitle+" »", b.String())
}
