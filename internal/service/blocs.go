package service

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"strings"

	"cqp/internal/domain"
	"cqp/internal/rules"
	"cqp/internal/store"
)

// The blocs route (DOMAIN.md §5): a person reaches a CQP block by block. The company enrols
// its employee with an accredited OF, or the OF enrols a candidate in one of its blocs actions;
// either may enrol a person already known (after a partial result, say) for the blocks they
// still lack, never for one they hold.

// BlocsEnrolmentInput is a company's enrolment of its employee on the blocs route.
type BlocsEnrolmentInput struct {
	// CandidateID enrols a candidate already known (one of the company's employees);
	// otherwise Candidate is recorded as a new person.
	CandidateID            string
	Candidate              domain.Candidate
	QualificationCode      string
	TrainingOrganisationID string
	CompanyID              string
	ReferentUserID         string
	Blocks                 []string // the blocks chosen
}

// EnrolInBlocs records an enrolment on the blocs route with an accredited OF, started by a
// company for its own employee (or by the secretariat): the chosen blocks are checked by
// rules.CheckBlocsChoice against those the person already holds, no eligibility prerequisite
// applies, and the OF and the secretariat are told by mail (candidate, blocks, path).
func (s *Service) EnrolInBlocs(ctx context.Context, a domain.Actor, in BlocsEnrolmentInput) (Enrolled, error) {
	if err := Check(a, ActBlocsEnrol); err != nil {
		return Enrolled{}, err
	}
	in.CandidateID, in.CompanyID = strings.TrimSpace(in.CandidateID), strings.TrimSpace(in.CompanyID)
	in.ReferentUserID, in.TrainingOrganisationID = strings.TrimSpace(in.ReferentUserID), strings.TrimSpace(in.TrainingOrganisationID)
	byCompany := AccessFor(a, ActBlocsEnrol) == AccessScoped
	fe := domain.FieldErrors{}
	switch {
	case in.CompanyID == "":
		fe.Add("company", "Choisissez l'entreprise qui emploie le salarié.")
	case byCompany && !contains(a.Scopes(domain.RoleCompany), in.CompanyID):
		return Enrolled{}, domain.Errorf(domain.ENOTFOUND, "Entreprise introuvable.")
	}
	if strings.TrimSpace(in.QualificationCode) == "" {
		fe.Add("qualification", "Choisissez la qualification visée : ses blocs s'affichent ensuite.")
	}
	if in.TrainingOrganisationID == "" {
		fe.Add("training_organisation", "Choisissez l'organisme de formation habilité qui formera le salarié aux blocs choisis.")
	}
	if in.ReferentUserID == "" {
		fe.Add("referent", "Désignez le référent entreprise qui suivra le salarié : il évalue chaque bloc avec l'organisme.")
	}
	var out Enrolled
	err := s.store.Write(ctx, func(q store.Q) error {
		enrol := EnrolmentInput{QualificationCode: in.QualificationCode, Route: domain.RouteBlocs, Public: domain.PublicEmployee,
			TrainingOrganisationID: in.TrainingOrganisationID, CompanyID: in.CompanyID, ReferentUserID: in.ReferentUserID, Blocks: in.Blocks}
		var err error
		if in.CandidateID != "" {
			var c domain.Candidate
			c, err = q.Candidate(ctx, in.CandidateID, store.Scope{})
			switch {
			case domain.ErrorCode(err) == domain.ENOTFOUND || (err == nil && byCompany && !candidateOfCompany(c, in.CompanyID)):
				return mergeFields(fieldError("candidate", "Choisissez un salarié de votre entreprise dans la liste, ou saisissez l'identité d'une nouvelle personne."), fe)
			case err != nil:
				return err
			}
			var rec store.EnrolmentRecord
			var elig *rules.Eligibility
			rec, elig, err = s.addEnrolment(ctx, q, a, c.ID, enrol, "Inscription par blocs de compétences")
			out = Enrolled{Candidate: c, Enrolment: rec, Eligibility: elig}
		} else {
			out, err = s.createCandidate(ctx, q, a, CandidateInput{Candidate: in.Candidate, Enrolment: &enrol},
				createOptions{reason: "Inscription par blocs de compétences"})
		}
		if err != nil {
			return mergeFields(err, fe)
		}
		if err := fe.Err(); err != nil {
			return err
		}
		return s.announceBlocs(ctx, q, a, out, byCompany)
	})
	return out, err
}

// KnownCandidate identifies a person already known to cqp: their candidate number and, as a
// proof that the one enrolling them has their file, their birth date.
type KnownCandidate struct {
	Number    string
	BirthDate domain.Date
}

// EnrolKnownInAction enrols a candidate already known in one of the actor's blocs actions, for
// the blocks they still lack: a new enrolment on their existing file, after the interview as
// any enrolment in an action. Only a blocs action takes a known candidate: the formation
// route presents every block, some of which the person may already hold.
func (s *Service) EnrolKnownInAction(ctx context.Context, a domain.Actor, actionID string, who KnownCandidate, in EnrolmentInput) (Enrolled, error) {
	if err := Check(a, ActEnrolmentManage); err != nil {
		return Enrolled{}, err
	}
	sc, err := actionScope(a, ActEnrolmentManage)
	if err != nil {
		return Enrolled{}, err
	}
	var out Enrolled
	err = s.store.Write(ctx, func(q store.Q) error {
		act, err := q.Action(ctx, actionID, sc)
		if err != nil {
			return err
		}
		if act.Route != domain.RouteBlocs {
			return fieldError("candidate_number", "Seule une action par blocs de compétences accueille un candidat déjà connu, pour les blocs qui lui manquent : saisissez l'identité d'une nouvelle personne.")
		}
		c, err := s.knownCandidate(ctx, q, who)
		if err != nil {
			return err
		}
		inAction, err := s.identitiesInAction(ctx, q, act.ID)
		if err != nil {
			return err
		}
		if inAction[identityKey(c)] {
			return fieldError("candidate_number", c.DisplayName()+" est déjà inscrit·e dans cette action.")
		}
		in.ActionID = act.ID
		if in.Intake == nil {
			in.Intake = &store.Intake{}
		}
		rec, elig, err := s.addEnrolment(ctx, q, a, c.ID, in, "Inscription dans l'action « "+act.Title+" »")
		if err != nil {
			return err
		}
		out = Enrolled{Candidate: c, Enrolment: rec, Eligibility: elig}
		return nil
	})
	return out, err
}

// knownCandidate finds a candidate by number and birth date; a mismatch says so at the fields
// without telling whether the number exists.
func (s *Service) knownCandidate(ctx context.Context, q store.Q, who KnownCandidate) (domain.Candidate, error) {
	number := strings.ToUpper(strings.TrimSpace(who.Number))
	fe := domain.FieldErrors{}
	if number == "" {
		fe.Add("candidate_number", "Indiquez le numéro du candidat, par exemple C-2026-00042 : il figure sur ses attestations.")
	}
	if who.BirthDate.IsZero() {
		fe.Add("candidate_birth_date", "Indiquez la date de naissance du candidat au format JJ/MM/AAAA.")
	}
	if err := fe.Err(); err != nil {
		return domain.Candidate{}, err
	}
	page, err := q.ListCandidates(ctx, store.CandidateFilter{Search: number, Limit: 20})
	if err != nil {
		return domain.Candidate{}, err
	}
	for _, row := range page.Rows {
		if strings.EqualFold(row.Candidate.Number, number) && row.Candidate.BirthDate.ISO() == who.BirthDate.ISO() {
			return q.Candidate(ctx, row.Candidate.ID, store.Scope{})
		}
	}
	msg := "Aucun candidat ne porte ce numéro avec cette date de naissance : vérifiez-les sur une attestation du candidat."
	return domain.Candidate{}, &domain.Error{Code: domain.EINVALID, Message: msg,
		Fields: map[string]string{"candidate_number": msg, "candidate_birth_date": "Vérifiez la date de naissance."}}
}

// mergeFields adds the field errors found before a step to that step's field error, so that the
// form shows every error at once; the earlier ones, about empty fields, win. Other errors pass
// unchanged.
func mergeFields(err error, fe domain.FieldErrors) error {
	var de *domain.Error
	if len(fe) == 0 || !errors.As(err, &de) || de.Code != domain.EINVALID {
		return err
	}
	if de.Fields == nil {
		de.Fields = map[string]string{}
	}
	for k, v := range fe {
		de.Fields[k] = v // the check before says what is missing, more precisely
	}
	return de
}

// announceBlocs audits who started a blocs enrolment and tells the OF and the secretariat, as
// declaring an action tells the secretariat: the candidate, the blocks, the path.
func (s *Service) announceBlocs(ctx context.Context, q store.Q, a domain.Actor, out Enrolled, byCompany bool) error {
	e := out.Enrolment
	fw, err := q.Framework(ctx, e.FrameworkID)
	if err != nil {
		return err
	}
	held, err := q.AcquiredBlocks(ctx, e.ID)
	if err != nil {
		return err
	}
	by := "secretariat"
	if byCompany {
		by = "company"
	}
	var heldCodes []string
	for _, h := range held {
		heldCodes = append(heldCodes, h.BlockCode)
	}
	if err := s.audit(ctx, q, a, change{Action: "enrolment.blocs", EntityType: "enrolment", EntityID: e.ID, CandidateID: out.Candidate.ID,
		After: map[string]any{"by": by, "blocks": e.Blocks, "held": heldCodes, "training_organisation": e.TrainingOrganisationID,
			"company": e.CompanyID, "referent": e.ReferentUserID}}); err != nil {
		return err
	}
	company := e.CompanyName
	if company == "" && e.CompanyID != "" {
		if co, err := q.Company(ctx, e.CompanyID); err == nil {
			company = co.Name
		}
	}
	org := e.TrainingOrganisationName
	if org == "" {
		if o, err := q.TrainingOrganisation(ctx, e.TrainingOrganisationID); err == nil {
			org = o.Name
		}
	}
	referent, referentEmail := e.ReferentName, ""
	if e.ReferentUserID != "" {
		if u, err := q.UserByID(ctx, e.ReferentUserID); err == nil {
			referent, referentEmail = cmp.Or(referent, u.Name), u.Email
		}
	}
	var b strings.Builder
	fmt.Fprintf(&b, "Bonjour,\n\n%s a inscrit %s (%s) à des blocs de compétences du CQP « %s », avec l'organisme de formation %s.\n\n",
		a.Name, out.Candidate.DisplayName(), out.Candidate.Number, e.QualificationTitle, org)
	b.WriteString("Blocs choisis :\n")
	for _, code := range e.Blocks {
		title := ""
		if bl, ok := fw.Framework.Block(code); ok {
			title = " — " + bl.Title
		}
		fmt.Fprintf(&b, "- %s%s\n", code, title)
	}
	if len(held) > 0 {
		b.WriteString("\nBlocs déjà acquis, qui ne se présentent pas de nouveau :\n")
		for _, h := range held {
			fmt.Fprintf(&b, "- %s, acquis le %s (voie %s)\n", h.BlockCode, h.AcquiredOn, h.Route.Label())
		}
	}
	if company != "" {
		fmt.Fprintf(&b, "\nEntreprise : %s", company)
		if referent != "" {
			fmt.Fprintf(&b, " ; référent : %s", referent)
		}
		b.WriteString(".\n")
	}
	fmt.Fprintf(&b, "\nParcours : formation aux blocs choisis par l'organisme, puis ses épreuves écrite et orale par bloc et l'évaluation du référent ; "+
		"le jury délibère et délivre une attestation par bloc acquis. Les blocs acquis le restent ; une fois tous les blocs acquis, "+
		"la commission évalue le candidat avant le certificat.\n\nL'inscription : %s/inscriptions/%s\n", s.baseURL, e.ID)
	subject := "Inscription par blocs de compétences : " + out.Candidate.DisplayName()
	if err := s.mailRole(ctx, q, domain.RoleTrainingOrganisation, e.TrainingOrganisationID, subject, b.String()); err != nil {
		return err
	}
	if referentEmail != "" {
		// The referent follows the candidate and evaluates each block with the line manager.
		if err := s.queueMail(ctx, q, referentEmail, subject, b.String()); err != nil {
			return err
		}
	}
	return s.tellSecretariat(ctx, q, subject, b.String())
}

// BlocsProgress is, for an enrolment on the blocs route, the blocks it presents apart from
// those the person already holds and those they still lack for the whole CQP.
type BlocsProgress struct {
	Chosen    []domain.Block
	Held      []HeldBlockOf
	ToAcquire []domain.Block // blocks of a full composition neither held nor chosen; optional ones only while the choice is open
	// OptionalOpen is how many optional blocks the person may still choose.
	OptionalOpen int
	Optional     []domain.Block // the optional blocks they may choose from, when OptionalOpen > 0
}

// HeldBlockOf is a block held, with its title.
type HeldBlockOf struct {
	store.AcquiredBlock
	Title string
}

// blocsProgress works out a blocs enrolment's progress from its frozen framework.
func blocsProgress(fw domain.Framework, chosen []string, held []store.AcquiredBlock) BlocsProgress {
	var p BlocsProgress
	isHeld := map[string]bool{}
	optionalTaken := 0
	for _, h := range held {
		isHeld[h.BlockCode] = true
		title := ""
		if b, ok := fw.Block(h.BlockCode); ok {
			title = b.Title
			if b.Kind == domain.BlockOptional {
				optionalTaken++
			}
		}
		p.Held = append(p.Held, HeldBlockOf{AcquiredBlock: h, Title: title})
	}
	for _, b := range fw.Blocks {
		switch {
		case contains(chosen, b.Code):
			p.Chosen = append(p.Chosen, b)
			if b.Kind == domain.BlockOptional && !isHeld[b.Code] {
				optionalTaken++
			}
		case isHeld[b.Code]:
		case b.Kind != domain.BlockOptional:
			p.ToAcquire = append(p.ToAcquire, b)
		default:
			p.Optional = append(p.Optional, b)
		}
	}
	p.OptionalOpen = max(fw.Composition.Optional-optionalTaken, 0)
	if p.OptionalOpen == 0 {
		p.Optional = nil
	}
	return p
}

// BlocsChoices is what the company's blocs enrolment page offers: its employees already known,
// the qualifications with their blocks, the OFs accredited today and the company's referents.
type BlocsChoices struct {
	Company       domain.Company
	Employees     []domain.Candidate // the company's candidates, by name
	Frameworks    []store.FrameworkRecord
	Organisations []AccreditedOrganisation
	Referents     []ReferentChoice
}

// AccreditedOrganisation is an OF with the qualifications it is accredited for today.
type AccreditedOrganisation struct {
	ID, Name, City     string
	QualificationCodes []string
	QualificationNames []string
}

// BlocsChoices returns the choices of the blocs enrolment page of a company, "not found"
// outside the actor's scope.
func (s *Service) BlocsChoices(ctx context.Context, a domain.Actor, companyID string) (BlocsChoices, error) {
	var out BlocsChoices
	if err := Check(a, ActBlocsEnrol); err != nil {
		return out, err
	}
	if AccessFor(a, ActBlocsEnrol) == AccessScoped && !contains(a.Scopes(domain.RoleCompany), companyID) {
		return out, domain.Errorf(domain.ENOTFOUND, "Entreprise introuvable.")
	}
	q := s.store.Read()
	co, err := q.Company(ctx, companyID)
	if err != nil {
		return out, err
	}
	out.Company = co
	page, err := q.ListCandidates(ctx, store.CandidateFilter{Scope: store.Scope{Restricted: true, CompanyIDs: []string{co.ID}}, Limit: 500})
	if err != nil {
		return out, err
	}
	seen := map[string]bool{}
	for _, row := range page.Rows {
		if !seen[row.Candidate.ID] {
			seen[row.Candidate.ID] = true
			out.Employees = append(out.Employees, row.Candidate)
		}
	}
	if out.Frameworks, err = q.LatestFrameworks(ctx); err != nil {
		return out, err
	}
	orgs, err := q.ListTrainingOrganisations(ctx, nil)
	if err != nil {
		return out, err
	}
	for _, o := range orgs {
		ao := AccreditedOrganisation{ID: o.ID, Name: o.Name, City: o.City}
		for _, acc := range o.Accreditations {
			if acc.CoversDate(s.Today()) && !contains(ao.QualificationCodes, acc.QualificationCode) {
				ao.QualificationCodes = append(ao.QualificationCodes, acc.QualificationCode)
				ao.QualificationNames = append(ao.QualificationNames, acc.QualificationTitle)
			}
		}
		if len(ao.QualificationCodes) > 0 {
			out.Organisations = append(out.Organisations, ao)
		}
	}
	users, err := q.ListUsers(ctx, store.UserFilter{Role: domain.RoleCompanyReferent, ScopeID: co.ID})
	if err != nil {
		return out, err
	}
	for _, u := range users {
		if !u.Disabled() {
			out.Referents = append(out.Referents, ReferentChoice{UserID: u.ID, Name: u.Name, CompanyID: co.ID, CompanyName: co.Name})
		}
	}
	return out, nil
}
