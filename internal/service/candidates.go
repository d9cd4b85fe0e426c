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
	all, scoped, err := scopedAssignments(a, act)
	if all || err != nil {
		return store.Scope{}, err
	}
	sc := store.Scope{Restricted: true}
	for _, r := range scoped {
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

// EnrolmentInput is the enrolment part of a new candidate.
type EnrolmentInput struct {
	QualificationCode      string
	Route                  domain.Route
	Public                 domain.Public
	TrainingOrganisationID string
	CompanyID              string
	Blocks                 []string // empty: the framework's common and specialty blocks only

	// ActionID enrols the candidate in an action (fiche action): the action's qualification,
	// route and training organisation apply, and the interview (Intake) is required.
	ActionID string
	// ReferentUserID names the company referent who follows the candidate: an account with the
	// company referent role for CompanyID.
	ReferentUserID string
	// Intake is the interview and what eligibility depends on. When given, eligibility is
	// checked by the rules engine against the framework version frozen on the enrolment.
	Intake *store.Intake
	// Derogation is the secretariat's reason to enrol a candidate the eligibility rules refuse.
	Derogation string

	// candidateID is the known candidate a new enrolment is for ("" for a new person): on the
	// blocs route, the blocks they already hold are refused.
	candidateID string
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
	var out Enrolled
	err := s.store.Write(ctx, func(q store.Q) error {
		var err error
		out, err = s.createCandidate(ctx, q, a, in, createOptions{})
		return err
	})
	return out.Candidate, err
}

// Enrolled is what the creation of a candidate and their enrolment produced.
type Enrolled struct {
	Candidate   domain.Candidate
	Enrolment   store.EnrolmentRecord // zero when the candidate was created without enrolment
	Eligibility *rules.Eligibility    // nil when no interview was given
}

// createOptions tune createCandidate for the import.
type createOptions struct {
	reason string // recorded on the audit entries, e.g. the imported file
	// inAction holds the identity keys of the candidates already in the action, when the
	// caller has read them; createCandidate adds the new one. nil: read them here.
	inAction map[string]bool
}

// createCandidate checks and records a candidate and their enrolment inside the caller's
// transaction, with their audit entries.
func (s *Service) createCandidate(ctx context.Context, q store.Q, a domain.Actor, in CandidateInput, o createOptions) (Enrolled, error) {
	c := in.Candidate
	c.BirthName, c.UsedName, c.FirstNames = strings.TrimSpace(c.BirthName), strings.TrimSpace(c.UsedName), strings.TrimSpace(c.FirstNames)
	c.NormalizeBirthPlace()
	c.Email = domain.NormalizeEmail(c.Email)
	c.NIR = domain.NormalizeNIR(c.NIR)
	fe := c.Validate(s.Today())
	out := Enrolled{}
	var b *builtEnrolment
	if in.Enrolment != nil {
		built, efe, err := s.buildEnrolment(ctx, q, a, *in.Enrolment)
		if err != nil {
			return out, err
		}
		for k, v := range efe {
			fe.Add(k, v)
		}
		b = &built
		if b.action != nil && !c.BirthDate.IsZero() && c.BirthName != "" && c.FirstNames != "" {
			if o.inAction == nil {
				if o.inAction, err = s.identitiesInAction(ctx, q, b.action.ID); err != nil {
					return out, err
				}
			}
			if o.inAction[identityKey(c)] {
				fe.Add("birth_name", "Ce candidat (même nom de naissance, mêmes prénoms, même date de naissance) est déjà inscrit dans cette action.")
			}
		}
	}
	if AccessFor(a, ActCandidateCreate) == AccessScoped {
		// An OF enrols only into its own organisation.
		if b == nil {
			fe.Add("qualification", "Choisissez la qualification visée.")
		} else if !contains(a.Scopes(domain.RoleTrainingOrganisation), b.rec.TrainingOrganisationID) {
			fe.Add("training_organisation", "Vous ne pouvez inscrire un candidat que dans votre propre organisme.")
		}
	}
	if err := fe.Err(); err != nil {
		return out, err
	}
	num, err := q.NextCandidateNumber(ctx, s.Now())
	if err != nil {
		return out, err
	}
	c.ID, c.Number, c.CreatedAt = newID(), num, s.Now()
	if err := q.CreateCandidate(ctx, c); err != nil {
		return out, err
	}
	if err := s.audit(ctx, q, a, change{Action: "candidate.create", EntityType: "candidate", EntityID: c.ID,
		CandidateID: c.ID, After: identityOf(c), Reason: o.reason}); err != nil {
		return out, err
	}
	out.Candidate = c
	if b == nil {
		return out, nil
	}
	e, err := s.insertEnrolment(ctx, q, a, c.ID, b, o.reason)
	if err != nil {
		return out, err
	}
	if b.action != nil && o.inAction != nil {
		o.inAction[identityKey(c)] = true
	}
	c.Enrolments = append(c.Enrolments, e.Enrolment)
	out.Candidate, out.Enrolment, out.Eligibility = c, e, b.eligibility
	return out, nil
}

// insertEnrolment writes a checked enrolment on a candidate's file inside the caller's
// transaction: the record, its audit entries (with the derogation to eligibility, if any), and,
// in an action, the candidate's company among the action's companies.
func (s *Service) insertEnrolment(ctx context.Context, q store.Q, a domain.Actor, candidateID string, b *builtEnrolment, reason string) (store.EnrolmentRecord, error) {
	e := b.rec
	e.ID, e.CandidateID, e.CreatedAt, e.UpdatedAt = newID(), candidateID, s.Now(), s.Now()
	if err := q.CreateEnrolmentRecord(ctx, e, a.UserID); err != nil {
		return e, err
	}
	after := map[string]any{"qualification": b.framework.Framework.Qualification.Code, "route": e.Route,
		"public": e.Public, "blocks": e.Blocks, "framework_version": e.FrameworkVersion,
		"training_organisation": e.TrainingOrganisationID, "company": e.CompanyID}
	if b.action != nil {
		after["action"] = b.action.ID
		after["action_title"] = b.action.Title
	}
	if e.ReferentUserID != "" {
		after["referent"] = e.ReferentUserID
	}
	if e.Stage != "" {
		after["stage"] = e.Stage
	}
	if e.Intake.Recorded() {
		after["interview_on"] = e.Intake.InterviewOn.ISO()
		after["diploma_level"] = e.Intake.DiplomaLevel
		after["experience_months"] = e.Intake.ExperienceMonths
		after["related_experience_months"] = e.Intake.RelatedExperienceMonths
	}
	if b.eligibility != nil {
		after["eligible"] = b.eligibility.Eligible
	}
	if err := s.audit(ctx, q, a, change{Action: "enrolment.create", EntityType: "enrolment", EntityID: e.ID,
		CandidateID: candidateID, After: after, Reason: reason}); err != nil {
		return e, err
	}
	if e.Derogation.Reason != "" {
		if err := s.audit(ctx, q, a, change{Action: "enrolment.derogation", EntityType: "enrolment", EntityID: e.ID,
			CandidateID: candidateID, After: map[string]any{"eligible": false, "rule": string(b.eligibility.Rule), "refusal": b.eligibility.Reason},
			Reason: e.Derogation.Reason}); err != nil {
			return e, err
		}
	}
	if b.action != nil && e.CompanyID != "" && !b.actionHasCompany(e.CompanyID) {
		// The company of a candidate becomes one of the action's companies, so that it sees
		// the action its employee or intern follows.
		if err := q.AddActionCompany(ctx, b.action.ID, e.CompanyID); err != nil {
			return e, err
		}
		b.action.Companies = append(b.action.Companies, domain.Company{ID: e.CompanyID})
		if err := s.audit(ctx, q, a, change{Action: "action.company_add", EntityType: "action", EntityID: b.action.ID,
			After: map[string]string{"company": e.CompanyID}, Reason: "Entreprise d'un candidat inscrit"}); err != nil {
			return e, err
		}
	}
	return e, nil
}

// builtEnrolment is an enrolment checked and ready to insert, with what it was checked against.
type builtEnrolment struct {
	rec         store.EnrolmentRecord
	framework   store.FrameworkRecord
	action      *store.Action      // the action it joins, or nil
	eligibility *rules.Eligibility // nil without intake
}

func (b builtEnrolment) actionHasCompany(id string) bool {
	for _, c := range b.action.Companies {
		if c.ID == id {
			return true
		}
	}
	return false
}

// buildEnrolment checks an enrolment against the qualification's latest framework version,
// which it freezes on the enrolment. With an action, the action's qualification, route and
// organisation apply; with an intake, eligibility is checked and a refusal needs the
// secretariat's reasoned derogation.
func (s *Service) buildEnrolment(ctx context.Context, q store.Q, a domain.Actor, in EnrolmentInput) (builtEnrolment, domain.FieldErrors, error) {
	fe := domain.FieldErrors{}
	var b builtEnrolment
	if in.ActionID != "" {
		act, err := q.Action(ctx, in.ActionID, store.ActionScope{})
		if err != nil {
			return b, fe, err
		}
		if act.Status == store.ActionRefused {
			return b, fe, domain.Errorf(domain.ECONFLICT, "L'action « %s » a été refusée par le secrétariat : elle ne prend plus de candidat.", act.Title)
		}
		if in.TrainingOrganisationID != "" && in.TrainingOrganisationID != act.TrainingOrganisationID {
			fe.Add("training_organisation", "Le candidat d'une action est inscrit auprès de l'organisme qui la porte.")
		}
		in.QualificationCode, in.Route, in.TrainingOrganisationID = act.QualificationCode, act.Route, act.TrainingOrganisationID
		b.action = &act
		if in.Intake == nil {
			fe.Add("interview_on", "Enregistrez l'entretien préalable du candidat (date, projet, motivation).")
		}
	}
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
	b.rec.Enrolment = e
	fws, err := q.LatestFrameworks(ctx)
	if err != nil {
		return b, fe, err
	}
	var fw *store.FrameworkRecord
	for i := range fws {
		if fws[i].Framework.Qualification.Code == in.QualificationCode {
			fw = &fws[i]
		}
	}
	if fw == nil {
		fe.Add("qualification", "Choisissez une qualification existante.")
		return b, fe, nil
	}
	b.framework = *fw
	e.FrameworkID, e.FrameworkVersion, e.QualificationID = fw.ID, fw.Version, fw.QualificationID
	e.QualificationCode, e.QualificationTitle = fw.Framework.Qualification.Code, fw.Framework.Qualification.Title
	if in.TrainingOrganisationID != "" {
		o, err := q.TrainingOrganisation(ctx, in.TrainingOrganisationID)
		switch {
		case domain.ErrorCode(err) == domain.ENOTFOUND:
			fe.Add("training_organisation", "Organisme de formation inconnu.")
		case err != nil:
			return b, fe, err
		case b.action != nil:
			// The accreditation must cover the action's whole period, as when it was declared.
			if msg := accreditationGap(o, fw.QualificationID, fw.Framework.Qualification.Title, b.action.StartsOn, b.action.EndsOn); msg != "" {
				fe.Add("training_organisation", msg)
			}
		default:
			ok := false
			for _, acc := range o.Accreditations {
				if acc.QualificationID == fw.QualificationID && acc.CoversDate(s.Today()) {
					ok = true
				}
			}
			if !ok && in.Route != domain.RouteVAE {
				msg := accreditationStopped(o, fw.QualificationID, fw.Framework.Qualification.Title, s.Today())
				if msg == "" {
					msg = "Cet organisme n'a pas d'habilitation en cours de validité pour « " + fw.Framework.Qualification.Title + " »."
				}
				fe.Add("training_organisation", msg)
			}
		}
	} else if in.Route != domain.RouteVAE {
		fe.Add("training_organisation", "Choisissez l'organisme de formation.")
	}
	if in.CompanyID != "" {
		if _, err := q.Company(ctx, in.CompanyID); domain.ErrorCode(err) == domain.ENOTFOUND {
			fe.Add("company", "Entreprise inconnue.")
		} else if err != nil {
			return b, fe, err
		}
	}
	if in.ReferentUserID != "" {
		msg, err := s.checkReferent(ctx, q, in.ReferentUserID, in.CompanyID)
		if err != nil {
			return b, fe, err
		}
		if msg != "" {
			fe.Add("referent", msg)
		}
		e.ReferentUserID = in.ReferentUserID
	}
	blocks := append([]string(nil), in.Blocks...)
	if in.Route == domain.RouteBlocs {
		// The blocs route presents only the blocks chosen, never one the person already holds.
		held, err := heldInQualification(ctx, q, in.candidateID, fw.QualificationID)
		if err != nil {
			return b, fe, err
		}
		if err := rules.CheckBlocsChoice(fw.Framework, blocks, held); err != nil {
			fe.Add("blocks", err.Error())
		} else if msg, err := blocksUnderWay(ctx, q, in.candidateID, fw.QualificationID, blocks); err != nil {
			return b, fe, err
		} else if msg != "" {
			fe.Add("blocks", msg)
		}
	} else {
		// The common and specialty blocks are always presented; the person chooses the optional ones.
		for _, bl := range fw.Framework.Blocks {
			if bl.Kind != domain.BlockOptional && !contains(blocks, bl.Code) {
				blocks = append(blocks, bl.Code)
			}
		}
		if err := rules.CheckComposition(fw.Framework, blocks); err != nil {
			fe.Add("blocks", err.Error())
		}
	}
	e.Blocks = inFrameworkOrder(fw.Framework, blocks)
	b.rec.Enrolment = e
	if b.action != nil {
		b.rec.ActionID, b.rec.ActionTitle = b.action.ID, b.action.Title
	}
	if in.Intake != nil {
		elig, derogation := s.checkIntake(a, fe, fw.Framework, in.Route, *in.Intake, in.Derogation)
		b.rec.Intake, b.rec.Derogation, b.eligibility = cleanIntake(*in.Intake), derogation, elig
	} else if strings.TrimSpace(in.Derogation) != "" {
		fe.Add("derogation", "Une dérogation porte sur l'éligibilité : enregistrez d'abord l'entretien et les données d'éligibilité.")
	}
	return b, fe, nil
}

// blocksUnderWay refuses, for a known person, a block already presented on another of their
// enrolments in the qualification that has not been judged yet, and any block once the
// qualification is certified: a block is evaluated on one enrolment at a time.
func blocksUnderWay(ctx context.Context, q store.Q, candidateID, qualificationID string, blocks []string) (string, error) {
	if candidateID == "" {
		return "", nil
	}
	c, err := q.Candidate(ctx, candidateID, store.Scope{})
	if err != nil {
		return "", err
	}
	var busy []string
	for _, e := range c.Enrolments {
		if e.QualificationID != qualificationID {
			continue
		}
		switch e.Status {
		case domain.StatusCertified:
			return c.DisplayName() + " est déjà certifié(e) pour « " + e.QualificationTitle + " » : il n'y a plus de bloc à acquérir.", nil
		case domain.StatusPartial, domain.StatusNotCertified, domain.StatusWithdrawn:
			continue
		}
		for _, b := range blocks {
			if contains(e.Blocks, b) {
				busy = append(busy, b+" (inscription « "+e.RouteLabel()+" », « "+e.Status.Label()+" »)")
			}
		}
	}
	switch len(busy) {
	case 0:
		return "", nil
	case 1:
		return "Le bloc " + busy[0] + " est déjà en cours sur une autre inscription : il ne se présente que sur une inscription à la fois.", nil
	}
	return "Les blocs " + strings.Join(busy, ", ") + " sont déjà en cours sur une autre inscription : un bloc ne se présente que sur une inscription à la fois.", nil
}

// heldInQualification returns the blocks a known candidate holds for good in a qualification
// (DOMAIN.md §7 rule 3), from any of their enrolments; none for a new person.
func heldInQualification(ctx context.Context, q store.Q, candidateID, qualificationID string) ([]rules.HeldBlock, error) {
	if candidateID == "" {
		return nil, nil
	}
	c, err := q.Candidate(ctx, candidateID, store.Scope{})
	if err != nil {
		return nil, err
	}
	for _, e := range c.Enrolments {
		if e.QualificationID != qualificationID {
			continue
		}
		acquired, err := q.AcquiredBlocks(ctx, e.ID)
		if err != nil {
			return nil, err
		}
		var out []rules.HeldBlock
		for _, ab := range acquired {
			out = append(out, rules.HeldBlock{Code: ab.BlockCode, AcquiredOn: ab.AcquiredOn, Route: ab.Route})
		}
		return out, nil // every enrolment of the qualification gives the same held blocks
	}
	return nil, nil
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
	id := map[string]string{"number": c.Number, "birth_name": c.BirthName, "used_name": c.UsedName,
		"first_names": c.FirstNames, "birth_date": c.BirthDate.ISO(), "sex": string(c.Sex),
		"birth_insee": c.BirthINSEE, "birth_country": c.BirthCountry, "email": c.Email}
	if c.NIR != "" {
		id["nir"] = "renseigné" // the audit trail never holds the number itself
	}
	return id
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// enrolmentUnscoped returns an enrolment and its candidate without checking the caller's
// scope: for use cases whose permission already covers every candidate (the secretariat
// planning orals, the jury hearing the candidates presented to it).
func enrolmentUnscoped(ctx context.Context, q store.Q, enrolmentID string) (domain.Candidate, domain.Enrolment, error) {
	cid, err := q.CandidateOfEnrolment(ctx, enrolmentID)
	if err != nil {
		return domain.Candidate{}, domain.Enrolment{}, err
	}
	c, err := q.Candidate(ctx, cid, store.Scope{})
	if err != nil {
		return c, domain.Enrolment{}, err
	}
	for _, e := range c.Enrolments {
		if e.ID == enrolmentID {
			return c, e, nil
		}
	}
	return c, domain.Enrolment{}, domain.Errorf(domain.ENOTFOUND, "Inscription introuvable.")
}
