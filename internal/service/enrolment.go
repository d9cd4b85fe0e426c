package service

import (
	"context"
	"errors"
	"strings"
	"unicode"
	"unicode/utf8"

	"cqp/internal/domain"
	"cqp/internal/rules"
	"cqp/internal/store"
)

// EligibilityRuleLabel names an eligibility rule in French, for refusals and the enrolment page.
func EligibilityRuleLabel(r rules.Rule) string {
	switch r {
	case rules.RuleDiplomaOrExperience:
		return "niveau de diplôme ou expérience professionnelle (voie formation)"
	case rules.RuleNoBlocsPrerequisite:
		return "aucune condition d'accès (voie par blocs de compétences)"
	case rules.RuleVAERelatedExperience:
		return "expérience en lien avec la qualification (VAE)"
	}
	return string(r)
}

// DiplomaLevels are the choices of the highest diploma: none, or EQF levels 3 to 8.
var DiplomaLevels = []struct {
	Level int
	Label string
}{
	{0, "Aucun diplôme"}, {3, "Niveau 3 (CAP, BEP)"}, {4, "Niveau 4 (bac)"}, {5, "Niveau 5 (bac+2)"},
	{6, "Niveau 6 (bac+3, licence)"}, {7, "Niveau 7 (bac+5, master)"}, {8, "Niveau 8 (doctorat)"},
}

// DiplomaLevelLabel names a diploma level in French.
func DiplomaLevelLabel(level int) string {
	for _, d := range DiplomaLevels {
		if d.Level == level {
			return d.Label
		}
	}
	return "Niveau inconnu"
}

func cleanIntake(in store.Intake) store.Intake {
	in.Project, in.Motivation = strings.TrimSpace(in.Project), strings.TrimSpace(in.Motivation)
	return in
}

// checkIntake checks the interview and eligibility data and decides eligibility with the
// rules engine. A refusal is a field error naming the rule, unless the actor may derogate and
// gives a reason, which then becomes the enrolment's derogation.
func (s *Service) checkIntake(a domain.Actor, fe domain.FieldErrors, fw domain.Framework, route domain.Route, raw store.Intake, derogation string) (*rules.Eligibility, store.Derogation) {
	in := cleanIntake(raw)
	switch {
	case in.InterviewOn.IsZero():
		fe.Add("interview_on", "Indiquez la date de l'entretien au format JJ/MM/AAAA.")
	case s.Today().Before(in.InterviewOn):
		fe.Add("interview_on", "La date de l'entretien ne peut pas être postérieure à aujourd'hui ("+s.Today().String()+") : l'entretien précède l'inscription.")
	}
	if in.Project == "" {
		fe.Add("project", "Décrivez le projet professionnel du candidat, tel qu'il l'a exprimé à l'entretien.")
	}
	if in.Motivation == "" {
		fe.Add("motivation", "Indiquez la motivation du candidat, telle qu'il l'a exprimée à l'entretien.")
	}
	if in.DiplomaLevel != 0 && (in.DiplomaLevel < 3 || in.DiplomaLevel > 8) {
		fe.Add("diploma_level", "Choisissez le niveau du diplôme le plus élevé : aucun, ou de 3 (CAP, BEP) à 8 (doctorat).")
		return nil, store.Derogation{}
	}
	elig, err := rules.CheckEligibility(fw, rules.Applicant{Route: route, DiplomaLevel: in.DiplomaLevel,
		ExperienceMonths: in.ExperienceMonths, RelatedExperienceMonths: in.RelatedExperienceMonths})
	if err != nil {
		var ie *rules.InputError
		if errors.As(err, &ie) {
			fe.Add(ie.Field, sentence(ie.Message))
			return nil, store.Derogation{}
		}
		fe.Add("eligibility", "Les données d'éligibilité sont incohérentes : vérifiez-les.")
		return nil, store.Derogation{}
	}
	reason := strings.TrimSpace(derogation)
	if elig.Eligible {
		if reason != "" {
			fe.Add("derogation", "Le candidat remplit les conditions d'éligibilité : aucune dérogation n'est nécessaire ; laissez ce champ vide.")
		}
		return &elig, store.Derogation{}
	}
	refusal := elig.Reason + " Règle appliquée : " + EligibilityRuleLabel(elig.Rule) + "."
	switch {
	case reason == "" && Can(a, ActEnrolmentDerogate):
		fe.Add("eligibility", refusal+" Pour l'inscrire malgré tout, motivez une dérogation.")
	case reason == "":
		fe.Add("eligibility", refusal+" Seul le secrétariat peut inscrire ce candidat, par une dérogation motivée : transmettez-lui le dossier.")
	case !Can(a, ActEnrolmentDerogate):
		fe.Add("derogation", "Seul le secrétariat peut accorder une dérogation aux conditions d'éligibilité.")
	default:
		return &elig, store.Derogation{Reason: reason, ByUserID: a.UserID, ByName: a.Name}
	}
	return &elig, store.Derogation{}
}

// sentence capitalises a message and ends it with a full stop.
func sentence(s string) string {
	r, n := utf8.DecodeRuneInString(s)
	if n == 0 {
		return s
	}
	s = string(unicode.ToUpper(r)) + s[n:]
	if !strings.HasSuffix(s, ".") {
		s += "."
	}
	return s
}

// checkReferent returns why an account cannot be the referent of a candidate of a company, or "".
func (s *Service) checkReferent(ctx context.Context, q store.Q, userID, companyID string) (string, error) {
	if companyID == "" {
		return "Choisissez d'abord l'entreprise du candidat : le référent en fait partie.", nil
	}
	u, err := q.UserByID(ctx, userID)
	if domain.ErrorCode(err) == domain.ENOTFOUND {
		return "Ce compte n'existe pas.", nil
	}
	if err != nil {
		return "", err
	}
	if u.Disabled() {
		return "Le compte de « " + u.Name + " » est désactivé : choisissez un autre référent.", nil
	}
	for _, r := range u.Roles {
		if r.Role == domain.RoleCompanyReferent && r.ScopeID == companyID {
			return "", nil
		}
	}
	return "« " + u.Name + " » n'est pas référent de l'entreprise du candidat : choisissez un référent de cette entreprise, ou demandez au secrétariat de lui en donner le rôle.", nil
}

// identityKey identifies a person for duplicate checks: birth name, first names and birth
// date, without accents or case.
func identityKey(c domain.Candidate) string {
	return domain.Fold(c.BirthName) + "|" + domain.Fold(c.FirstNames) + "|" + c.BirthDate.ISO()
}

func (s *Service) identitiesInAction(ctx context.Context, q store.Q, actionID string) (map[string]bool, error) {
	rows, err := q.EnrolmentsOfAction(ctx, actionID)
	if err != nil {
		return nil, err
	}
	m := make(map[string]bool, len(rows))
	for _, r := range rows {
		m[identityKey(r.Candidate)] = true
	}
	return m, nil
}

// EnrolInAction records a new candidate and their enrolment in an action, after the interview:
// the action's qualification, route and organisation apply, eligibility is checked against the
// framework version frozen on the enrolment, and a refusal needs the secretariat's reasoned
// derogation (in.Enrolment.Derogation). A candidate already in the action (same birth name,
// first names and birth date) is refused. A refused action takes no new candidate.
func (s *Service) EnrolInAction(ctx context.Context, a domain.Actor, actionID string, in CandidateInput) (Enrolled, error) {
	if err := Check(a, ActEnrolmentManage); err != nil {
		return Enrolled{}, err
	}
	sc, err := actionScope(a, ActEnrolmentManage)
	if err != nil {
		return Enrolled{}, err
	}
	enrolment := EnrolmentInput{}
	if in.Enrolment != nil {
		enrolment = *in.Enrolment
	}
	var out Enrolled
	err = s.store.Write(ctx, func(q store.Q) error {
		act, err := q.Action(ctx, actionID, sc)
		if err != nil {
			return err
		}
		enrolment.ActionID = act.ID
		if enrolment.Intake == nil {
			enrolment.Intake = &store.Intake{}
		}
		in.Enrolment = &enrolment
		out, err = s.createCandidate(ctx, q, a, in, createOptions{})
		return err
	})
	return out, err
}

// EnrolmentFile is one enrolment as its page shows it.
type EnrolmentFile struct {
	Candidate   domain.Candidate // identity only
	Enrolment   store.EnrolmentRecord
	Framework   domain.Framework   // the version frozen on the enrolment
	Eligibility *rules.Eligibility // decided again from the recorded intake; nil without interview
	// Blocs is, on the blocs route, the blocks chosen apart from those already held and those
	// still to acquire for the CQP; nil on the other routes.
	Blocs *BlocsProgress
}

// Blocks returns the enrolment's blocks with their titles, in framework order.
func (f EnrolmentFile) Blocks() []domain.Block {
	var out []domain.Block
	for _, b := range f.Framework.Blocks {
		if contains(f.Enrolment.Blocks, b.Code) {
			out = append(out, b)
		}
	}
	return out
}

// Enrolment returns one enrolment with its candidate's identity, its frozen framework and its
// eligibility. Outside the actor's scope it is "not found".
func (s *Service) Enrolment(ctx context.Context, a domain.Actor, id string) (EnrolmentFile, error) {
	sc, err := candidateScope(a, ActCandidateRead)
	if err != nil {
		return EnrolmentFile{}, err
	}
	return s.enrolmentFile(ctx, s.store.Read(), id, sc)
}

func (s *Service) enrolmentFile(ctx context.Context, q store.Q, id string, sc store.Scope) (EnrolmentFile, error) {
	var f EnrolmentFile
	e, err := q.Enrolment(ctx, id, sc)
	if err != nil {
		return f, err
	}
	c, err := q.Candidate(ctx, e.CandidateID, store.Scope{})
	if err != nil {
		return f, err
	}
	c.Enrolments = nil
	fw, err := q.Framework(ctx, e.FrameworkID)
	if err != nil {
		return f, err
	}
	f = EnrolmentFile{Candidate: c, Enrolment: e, Framework: fw.Framework}
	if e.Route == domain.RouteBlocs {
		held, err := q.AcquiredBlocks(ctx, e.ID)
		if err != nil {
			return f, err
		}
		p := blocsProgress(fw.Framework, e.Blocks, held)
		f.Blocs = &p
	}
	if e.Intake.Recorded() {
		elig, err := rules.CheckEligibility(fw.Framework, rules.Applicant{Route: e.Route, DiplomaLevel: e.Intake.DiplomaLevel,
			ExperienceMonths: e.Intake.ExperienceMonths, RelatedExperienceMonths: e.Intake.RelatedExperienceMonths})
		if err == nil {
			f.Eligibility = &elig
		}
	}
	return f, nil
}

// ReferentChoice is an account that may follow the candidates of a company.
type ReferentChoice struct {
	UserID      string
	Name        string
	CompanyID   string
	CompanyName string
}

// ReferentChoices lists the active company referents of the given companies, for the forms
// that name a candidate's referent.
func (s *Service) ReferentChoices(ctx context.Context, a domain.Actor, companyIDs []string) ([]ReferentChoice, error) {
	if err := Check(a, ActEnrolmentManage); err != nil {
		return nil, err
	}
	if len(companyIDs) == 0 {
		return nil, nil
	}
	q := s.store.Read()
	users, err := q.ListUsers(ctx, store.UserFilter{Role: domain.RoleCompanyReferent})
	if err != nil {
		return nil, err
	}
	companies, err := q.ListCompanies(ctx, companyIDs)
	if err != nil {
		return nil, err
	}
	var out []ReferentChoice
	for _, co := range companies {
		for _, u := range users {
			if u.Disabled() {
				continue
			}
			for _, r := range u.Roles {
				if r.Role == domain.RoleCompanyReferent && r.ScopeID == co.ID {
					out = append(out, ReferentChoice{UserID: u.ID, Name: u.Name, CompanyID: co.ID, CompanyName: co.Name})
				}
			}
		}
	}
	return out, nil
}

// ChangeEnrolmentReferent names the company referent who follows one enrolment. The referent
// must be an active referent of the enrolment's company; they are told by mail.
func (s *Service) ChangeEnrolmentReferent(ctx context.Context, a domain.Actor, enrolmentID, referentUserID string) (store.EnrolmentRecord, error) {
	sc, err := candidateScope(a, ActEnrolmentManage)
	if err != nil {
		return store.EnrolmentRecord{}, err
	}
	referentUserID = strings.TrimSpace(referentUserID)
	var e store.EnrolmentRecord
	err = s.store.Write(ctx, func(q store.Q) error {
		e, err = q.Enrolment(ctx, enrolmentID, sc)
		if err != nil {
			return err
		}
		if referentUserID == "" {
			return fieldError("referent", "Choisissez le référent entreprise qui suivra le candidat.")
		}
		msg, err := s.checkReferent(ctx, q, referentUserID, e.CompanyID)
		if err != nil {
			return err
		}
		if msg != "" {
			return fieldError("referent", msg)
		}
		if e.ReferentUserID == referentUserID {
			return &domain.Error{Code: domain.ECONFLICT, Message: e.ReferentName + " suit déjà ce candidat.",
				Fields: map[string]string{"referent": e.ReferentName + " suit déjà ce candidat."}}
		}
		u, err := q.UserByID(ctx, referentUserID)
		if err != nil {
			return err
		}
		before := e.ReferentUserID
		if err := q.UpdateEnrolmentReferent(ctx, e.ID, u.ID, s.Now()); err != nil {
			return err
		}
		e.ReferentUserID, e.ReferentName, e.UpdatedAt = u.ID, u.Name, s.Now()
		if err := s.audit(ctx, q, a, change{Action: "enrolment.referent", EntityType: "enrolment", EntityID: e.ID,
			CandidateID: e.CandidateID, Before: map[string]string{"referent": before}, After: map[string]string{"referent": u.ID, "name": u.Name}}); err != nil {
			return err
		}
		c, err := q.Candidate(ctx, e.CandidateID, store.Scope{})
		if err != nil {
			return err
		}
		return s.queueMail(ctx, q, u.Email, "CQP : vous suivez "+c.DisplayName(),
			"Bonjour "+u.Name+",\n\nVous êtes désormais le référent entreprise de "+c.DisplayName()+" pour le CQP « "+e.QualificationTitle+
				" ».\nVous remplirez son livret d'accompagnement et sa grille d'évaluation finale.\n\nSon inscription : "+s.baseURL+"/inscriptions/"+e.ID+
				"\n\nLe secrétariat des CQP")
	})
	return e, err
}

// RecordEnrolmentIntake records or corrects the interview and eligibility data of an existing
// enrolment (one made outside an action has none), decided against its frozen framework. A
// derogation already recorded stays while the eligibility data are unchanged; otherwise a
// refusal needs a new reasoned derogation from the secretariat, and an eligible candidate needs
// none.
func (s *Service) RecordEnrolmentIntake(ctx context.Context, a domain.Actor, enrolmentID string, in store.Intake, derogation string) (EnrolmentFile, error) {
	sc, err := candidateScope(a, ActEnrolmentManage)
	if err != nil {
		return EnrolmentFile{}, err
	}
	var f EnrolmentFile
	err = s.store.Write(ctx, func(q store.Q) error {
		f, err = s.enrolmentFile(ctx, q, enrolmentID, sc)
		if err != nil {
			return err
		}
		e := f.Enrolment
		in = cleanIntake(in)
		old := e.Intake
		sameData := old.Recorded() && old.DiplomaLevel == in.DiplomaLevel && old.ExperienceMonths == in.ExperienceMonths &&
			old.RelatedExperienceMonths == in.RelatedExperienceMonths
		fe := domain.FieldErrors{}
		keep := e.Derogation.Reason != "" && sameData && strings.TrimSpace(derogation) == ""
		var elig *rules.Eligibility
		var d store.Derogation
		if keep {
			elig, _ = s.checkIntake(domain.SystemActor(""), fe, f.Framework, e.Route, in, "")
			delete(fe, "eligibility")
			d = e.Derogation
		} else {
			elig, d = s.checkIntake(a, fe, f.Framework, e.Route, in, derogation)
		}
		if err := fe.Err(); err != nil {
			return err
		}
		if sameIntake(old, in) && d == e.Derogation {
			return domain.Errorf(domain.ECONFLICT, "Rien n'a changé : l'entretien et les données d'éligibilité sont déjà ceux-ci.")
		}
		if err := q.UpdateEnrolmentIntake(ctx, e.ID, in, d, s.Now()); err != nil {
			return err
		}
		if err := s.audit(ctx, q, a, change{Action: "enrolment.intake", EntityType: "enrolment", EntityID: e.ID, CandidateID: e.CandidateID,
			Before: intakeState(old, nil), After: intakeState(in, elig)}); err != nil {
			return err
		}
		if d.Reason != "" && d != e.Derogation {
			if err := s.audit(ctx, q, a, change{Action: "enrolment.derogation", EntityType: "enrolment", EntityID: e.ID,
				CandidateID: e.CandidateID, After: map[string]any{"eligible": false, "rule": string(elig.Rule), "refusal": elig.Reason},
				Reason: d.Reason}); err != nil {
				return err
			}
		}
		f.Enrolment.Intake, f.Enrolment.Derogation, f.Eligibility = in, d, elig
		return nil
	})
	return f, err
}

func sameIntake(a, b store.Intake) bool {
	return a.InterviewOn.ISO() == b.InterviewOn.ISO() && a.Project == b.Project && a.Motivation == b.Motivation &&
		a.DiplomaLevel == b.DiplomaLevel && a.ExperienceMonths == b.ExperienceMonths && a.RelatedExperienceMonths == b.RelatedExperienceMonths
}

func intakeState(in store.Intake, elig *rules.Eligibility) map[string]any {
	if !in.Recorded() {
		return nil
	}
	m := map[string]any{"interview_on": in.InterviewOn.ISO(), "project": in.Project, "motivation": in.Motivation,
		"diploma_level": in.DiplomaLevel, "experience_months": in.ExperienceMonths, "related_experience_months": in.RelatedExperienceMonths}
	if elig != nil {
		m["eligible"] = elig.Eligible
	}
	return m
}

func fieldError(field, msg string) error {
	return &domain.Error{Code: domain.EINVALID, Message: msg, Fields: map[string]string{field: msg}}
}
