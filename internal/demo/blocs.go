package demo

import (
	"context"
	"fmt"
	"time"

	"cqp/internal/domain"
	"cqp/internal/rules"
	"cqp/internal/service"
	"cqp/internal/store"
)

// The blocs route as the service runs it (DOMAIN.md §5 « blocs »): a company enrols its
// employee on the blocks chosen with an accredited organisation, which trains them, marks
// them and runs a written test and an oral practical case per block; the referent evaluates
// with the line manager; a block jury awards one attestation per acquired block; once the
// person holds blocks, the secretariat opens the final stage, where the blocks not held are
// presented by experience file to the commission. The demo has one person at each step, all
// on the same qualification (blocsFramework) and everything done through the use cases.

// blocsStep is where one person of the demo's blocs route stands.
type blocsStep int

const (
	blocsEnrolled       blocsStep = iota // enrolled by their company on one block, nothing else yet
	blocsInTraining                      // two blocks, hours under way and continuous marks
	blocsAwaiting                        // the organisation's tests and grid, the referent's grid: awaiting the jury
	blocsAttested                        // one block acquired at the recent session: partial, with its attestation
	blocsFinalOpen                       // common blocks attested long ago; final stage opened, experience file being written
	blocsFinalSubmitted                  // blocks attested long ago; final stage, experience file submitted, oral planned
)

// blocsPerson is one person of the demo's blocs route. Organisation and Company index
// organisations and companies.
type blocsPerson struct {
	Person       person
	Step         blocsStep
	Organisation int
	Company      int
}

// blocsPeople are the people of the demo's blocs route, one per step, with the company that
// employs them and the organisation that trains them. The Nantes company, whose referent's
// candidates the tests count from the plan, has none.
var blocsPeople = []blocsPerson{
	{person{"Sandrine", "Villemin", "", domain.SexFemale, "54395", "", "Nancy"}, blocsEnrolled, 0, 0},
	{person{"Florian", "Mazières", "", domain.SexMale, "34172", "", "Montpellier"}, blocsInTraining, 2, 2},
	{person{"Nadia", "Belkacem", "", domain.SexFemale, "69123", "", "Lyon"}, blocsAwaiting, 1, 1},
	{person{"Guillaume", "Carrel", "", domain.SexMale, "74010", "", "Annecy"}, blocsAttested, 0, 4},
	{person{"Véronique", "Lacombe", "Delmas", domain.SexFemale, "31555", "", "Toulouse"}, blocsFinalOpen, 0, 5},
	{person{"Rachid", "Amrani", "", domain.SexMale, "68224", "", "Mulhouse"}, blocsFinalSubmitted, 2, 6},
}

// Email is the person's address.
func (p blocsPerson) Email() string {
	return email("candidat." + slug(firstOf(p.Person.FirstNames)) + "." + slug(p.Person.BirthName))
}

// finalStage reports whether the person reaches the final stage, which is a second enrolment.
func (p blocsPerson) finalStage() bool {
	return p.Step == blocsFinalOpen || p.Step == blocsFinalSubmitted
}

// blocsEnrolments is how many enrolments the demo's blocs route people hold.
func blocsEnrolments() int {
	n := 0
	for _, p := range blocsPeople {
		n++
		if p.finalStage() {
			n++
		}
	}
	return n
}

// blocsChoice returns the blocks the person chooses at the block stage: by kind, so that it
// reads on any framework with three common blocks and two specialty blocks (the shipped CC:
// BC2; BC1 and BC3; BC2 and BC4; BC1; BC1–BC3; BC1–BC5).
func blocsChoice(fw domain.Framework, st blocsStep) ([]string, error) {
	var common, specialty []string
	for _, b := range fw.BlocksOfKind(domain.BlockCommon) {
		common = append(common, b.Code)
	}
	for _, b := range fw.BlocksOfKind(domain.BlockSpecialty) {
		specialty = append(specialty, b.Code)
	}
	if len(common) < 3 || len(specialty) < 2 {
		return nil, fmt.Errorf("the blocs route of the demo needs 3 common and 2 specialty blocks in %s", fw.Qualification.Code)
	}
	switch st {
	case blocsEnrolled:
		return common[1:2], nil
	case blocsInTraining:
		return []string{common[0], common[2]}, nil
	case blocsAwaiting:
		return []string{common[1], specialty[0]}, nil
	case blocsAttested:
		return common[:1], nil
	case blocsFinalOpen:
		return common[:3], nil
	}
	return append(common[:3:3], specialty[:2]...), nil
}

// blocsFinalOptional returns the optional blocks the person completes the composition with at
// the final stage: the first ones, or the last ones for the second person, as many as owed.
func blocsFinalOptional(fw domain.Framework, st blocsStep) []string {
	var codes []string
	for _, b := range fw.BlocksOfKind(domain.BlockOptional) {
		codes = append(codes, b.Code)
	}
	n := min(fw.Composition.Optional, len(codes))
	if st == blocsFinalSubmitted {
		return codes[len(codes)-n:]
	}
	return codes[:n]
}

// blocsQualification is the qualification of the demo's blocs route: the one whose blocks the
// branch's guide details.
const blocsQualification = "CC"

// blocsFramework returns the framework of the demo's blocs route: blocsQualification's, or the
// first one when the database has none of that code.
func blocsFramework(fws []store.FrameworkRecord) domain.Framework {
	for _, fw := range fws {
		if fw.Framework.Qualification.Code == blocsQualification {
			return fw.Framework
		}
	}
	return fws[0].Framework
}

// blocsIDs is what the demo's blocs route needs from the rest of the load.
type blocsIDs struct {
	Organisations, Companies, Referents []string
}

// onBlocs is one enrolment of the demo's blocs route at its block stage.
type onBlocs struct {
	Who                      blocsPerson
	CandidateID, EnrolmentID string
}

// blocsRoute enrols the demo's blocs route people and takes each one's block stage as far as
// their step: it returns them, those the historical session is to judge and the one the recent
// session is to judge. Their final stage opens after the sessions (blocsFinal).
func (l loader) blocsRoute(ctx context.Context, fw domain.Framework, ids blocsIDs) (all []onBlocs, historical, recent []string, err error) {
	today := l.svc.Today()
	for k, p := range blocsPeople {
		blocks, err := blocsChoice(fw, p.Step)
		if err != nil {
			return nil, nil, nil, err
		}
		// The first person is enrolled by their company's HR on its own page; the others by
		// the secretariat, on the company's request.
		by := l.a
		if p.Step == blocsEnrolled && companies[p.Company].HR != "" {
			if by, err = l.staffActor(ctx, "entreprise."+companies[p.Company].Slug); err != nil {
				return nil, nil, nil, err
			}
		}
		out, err := l.svc.EnrolInBlocs(ctx, by, service.BlocsEnrolmentInput{
			Candidate: withNIR(domain.Candidate{BirthName: p.Person.BirthName, UsedName: p.Person.UsedName, FirstNames: p.Person.FirstNames,
				BirthDate: domain.NewDate(1979+3*k, time.Month(2+k), 4+3*k), Sex: p.Person.Sex, BirthINSEE: p.Person.BirthINSEE,
				BirthCountry: p.Person.BirthCountry, BirthCity: p.Person.City, Email: p.Email()}),
			QualificationCode: fw.Qualification.Code, TrainingOrganisationID: ids.Organisations[p.Organisation],
			CompanyID: ids.Companies[p.Company], ReferentUserID: ids.Referents[p.Company], Blocks: blocks})
		if err != nil {
			return nil, nil, nil, fmt.Errorf("enrol %s %s on the blocs route: %w", p.Person.FirstNames, p.Person.BirthName, err)
		}
		e := onBlocs{Who: p, CandidateID: out.Candidate.ID, EnrolmentID: out.Enrolment.ID}
		// The block jury's eve: the recent session's for the attested block, the historical
		// one's for those who reach the final stage, today for those still on their way.
		eve := today
		switch p.Step {
		case blocsAttested:
			eve = today.AddDays(-recentSessionDaysAgo - 1)
			recent = append(recent, e.EnrolmentID)
		case blocsFinalOpen, blocsFinalSubmitted:
			eve = today.AddDays(-historicalSessionDaysAgo - 1)
			historical = append(historical, e.EnrolmentID)
		}
		if err := l.blockStage(ctx, fw, e, eve); err != nil {
			return nil, nil, nil, fmt.Errorf("follow %s %s on the blocs route: %w", p.Person.FirstNames, p.Person.BirthName, err)
		}
		all = append(all, e)
	}
	return all, historical, recent, nil
}

// staffActor returns the actor of a demo account, as if they had logged in.
func (l loader) staffActor(ctx context.Context, local string) (domain.Actor, error) {
	id, err := l.userID(ctx, local)
	if err != nil {
		return domain.Actor{}, err
	}
	return l.svc.Actor(ctx, id, "")
}

// blockStage records the block stage of a blocs enrolment up to the person's step: hours per
// block (a seventh of the framework's path each, half of it for the second block in training),
// continuous marks a month before eve, then the organisation's written and oral tests per block
// and its grid, the referent's grid with the line manager, and « En attente du jury ». Every
// block is awarded by both evaluators, so the block jury acquires it (a partial validation: the
// block stage never certifies).
func (l loader) blockStage(ctx context.Context, fw domain.Framework, e onBlocs, eve domain.Date) error {
	if e.Who.Step == blocsEnrolled {
		return nil
	}
	g, err := l.svc.Grid(ctx, l.a, e.EnrolmentID, domain.EvaluatorTrainingOrganisation)
	if err != nil {
		return err
	}
	blocks := gridBlockCodes(g)
	if err := l.move(ctx, e.CandidateID, e.EnrolmentID, steps(domain.RouteBlocs, domain.StatusInTraining)); err != nil {
		return err
	}
	perBlock := 70 // a plausible block when the framework gives no path
	if n := fw.Composition.Total(); n > 0 && fw.TrainingHours > 0 {
		perBlock = (fw.TrainingHours + n - 1) / n
	}
	hours := map[string]service.BlockHoursInput{}
	for i, code := range blocks {
		done := perBlock
		if e.Who.Step == blocsInTraining && i == 1 {
			done = perBlock / 2
		}
		hours[code] = service.BlockHoursInput{Planned: fmt.Sprint(perBlock), Done: fmt.Sprint(done)}
	}
	if err := l.svc.SetTrainingHours(ctx, l.a, e.EnrolmentID, hours); err != nil {
		return fmt.Errorf("record hours: %w", err)
	}
	for i, code := range blocks {
		if _, err := l.svc.AddContinuousAssessment(ctx, l.a, e.EnrolmentID, service.AssessmentInput{BlockCode: code,
			Label: "Étude de cas en cabinet", On: eve.AddDays(-30).String(), Mark: continuousMarks[(i+2)%len(continuousMarks)]}); err != nil {
			return fmt.Errorf("mark block %s: %w", code, err)
		}
	}
	if e.Who.Step == blocsInTraining {
		return nil
	}
	if err := l.move(ctx, e.CandidateID, e.EnrolmentID, steps(domain.RouteBlocs, domain.StatusFinalEvaluation)[1:]); err != nil {
		return err
	}
	// The organisation's tests a fortnight before the jury's eve, the grids of both evaluators
	// of the blocs route (rules.RouteEvaluators), every competence acquired.
	for _, ev := range rules.RouteEvaluators(domain.RouteBlocs) {
		in := service.GridInput{Marks: map[string]string{}, Comment: "Évaluation du bloc de la démonstration"}
		for _, b := range g.Blocks {
			for _, c := range b.Block.Competences {
				in.Marks[c.Code] = "A"
			}
		}
		blocsStage(&in, g, ev, eve.AddDays(-14), nil)
		if _, err := l.svc.SubmitGrid(ctx, l.a, e.EnrolmentID, ev, in); err != nil {
			return fmt.Errorf("submit the %s grid: %w", ev, err)
		}
	}
	return l.move(ctx, e.CandidateID, e.EnrolmentID, steps(domain.RouteBlocs, domain.StatusAwaitingJury)[2:])
}

// blocsFinal opens, as the secretariat, the final stage of those whose blocks the historical
// session attested: the optional blocks chosen, the experience file due in three months;
// the first one has written part of it, the second has submitted it with an evidence and is
// called to the commission's oral. It returns the enrolment whose oral the commission is to
// plan.
func (l loader) blocsFinal(ctx context.Context, fw domain.Framework, all []onBlocs) (submitted []string, err error) {
	due := l.svc.Today().AddDays(90)
	for _, e := range all {
		if !e.Who.finalStage() {
			continue
		}
		p := e.Who.Person
		out, err := l.svc.OpenBlocsFinalStage(ctx, l.a, service.FinalStageInput{CandidateID: e.CandidateID,
			QualificationCode: fw.Qualification.Code, Optional: blocsFinalOptional(fw, e.Who.Step), ValidUntil: due.String(),
			Reason: "Demande de l'entreprise : la personne vise le CQP complet après ses attestations de blocs."})
		if err != nil {
			return nil, fmt.Errorf("open the final stage of %s %s: %w", p.FirstNames, p.BirthName, err)
		}
		submit := e.Who.Step == blocsFinalSubmitted
		if err := l.finalExperience(ctx, out.Enrolment.ID, submit); err != nil {
			return nil, fmt.Errorf("experience file of %s %s: %w", p.FirstNames, p.BirthName, err)
		}
		if submit {
			submitted = append(submitted, out.Enrolment.ID)
		}
	}
	return submitted, nil
}

// finalExperience writes the experience file of a final stage for the blocks not held: the
// first block's narrative only while still writing; every block's, an evidence and the
// submission otherwise.
func (l loader) finalExperience(ctx context.Context, enrolmentID string, submit bool) error {
	v, err := l.svc.VAE(ctx, l.a, enrolmentID)
	if err != nil {
		return err
	}
	narratives := map[string]string{}
	for i, b := range v.OpenBlocks() {
		if !submit && i > 0 {
			break // still writing
		}
		narratives[b.Code] = "Pour « " + b.Title + " », je m'appuie sur six ans en agence de courtage : " +
			"je conseille une clientèle de particuliers et de professionnels, je monte les dossiers et j'en assure le suivi."
	}
	if err := l.svc.SaveExperience(ctx, l.a, enrolmentID, narratives); err != nil {
		return err
	}
	if !submit {
		return nil
	}
	if _, err := l.svc.AddEvidence(ctx, l.a, enrolmentID, service.EvidenceUpload{Title: "Attestation d'employeur (scan)",
		Filename: "attestation-employeur.png", Content: evidenceImage()}); err != nil {
		return err
	}
	return l.svc.SubmitExperience(ctx, l.a, enrolmentID)
}

// blocsRouteSeen counts, per organisation and company, the demo's blocs route people.
func blocsRouteSeen(perOrganisation, perCompany []int) {
	for _, p := range blocsPeople {
		perOrganisation[p.Organisation]++
		perCompany[p.Company]++
	}
}
