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

// routeStep is where one candidate of a demo action stands on the formation route.
type routeStep int

const (
	routeEnrolled       routeStep = iota // interview recorded, nothing else
	routeInTraining                      // hours done and continuous marks
	routeFinal                           // the training organisation's grid submitted
	routeAwaiting                        // all three grids, every block acquired
	routeAwaitingDebate                  // all three grids, the referent disagrees on one block
	routeClosed                          // decided by the closed demo jury session
	routeClosedDebate                    // decided by the closed session after a debate
)

// routePeople are the candidates of the demo actions: one row per accredited organisation,
// one column per step of the route.
var routePeople = [accreditedOrganisations][]person{
	{
		{"Margaux", "Ferrière", "", domain.SexFemale, "75056", "", "Paris"},
		{"Clément", "Rivière", "", domain.SexMale, "92050", "", "Nanterre"},
		{"Léa", "Châtelain", "", domain.SexFemale, "94028", "", "Créteil"},
		{"Hugo", "Lesueur", "", domain.SexMale, "75056", "", "Paris"},
		{"Chloé", "Abécassis", "", domain.SexFemale, "93066", "", "Saint-Denis"},
		{"Mathéo", "Duchêne", "", domain.SexMale, "78646", "", "Versailles"},
		{"Inès", "Ouédraogo", "", domain.SexFemale, "", "Burkina Faso", "Ouagadougou"},
	},
	{
		{"Lucie", "Berthaud", "", domain.SexFemale, "69123", "", "Lyon"},
		{"Bastien", "Géraud", "", domain.SexMale, "42218", "", "Saint-Étienne"},
		{"Émilie", "Rochas", "", domain.SexFemale, "38185", "", "Grenoble"},
		{"Valentin", "Perrichon", "", domain.SexMale, "69266", "", "Villeurbanne"},
		{"Maëva", "Tissot", "", domain.SexFemale, "01053", "", "Bourg-en-Bresse"},
		{"Adrien", "Lacôte", "", domain.SexMale, "69123", "", "Lyon"},
		{"Soraya", "Haddouche", "", domain.SexFemale, "", "Algérie", "Oran"},
	},
	{
		{"Julie", "Agostini", "", domain.SexFemale, "13055", "", "Marseille"},
		{"Nicolas", "Barthélémy", "", domain.SexMale, "83137", "", "Toulon"},
		{"Océane", "Giraud", "", domain.SexFemale, "06088", "", "Nice"},
		{"Kévin", "Amsellem", "", domain.SexMale, "13001", "", "Aix-en-Provence"},
		{"Laurène", "Pélissier", "", domain.SexFemale, "84007", "", "Avignon"},
		{"Yanis", "Bouzid", "", domain.SexMale, "13055", "", "Marseille"},
		{"Mélanie", "Santucci", "", domain.SexFemale, "2B033", "", "Bastia"},
	},
}

// cscaPresident signs the demo certificates for the branch's CSCA; the jury president and the
// CPNEFP president are demo accounts.
const cscaPresident = "Hélène Marchal"

// routeIDs is what the formation route of the demo needs from the rest of the load.
type routeIDs struct {
	Organisations, Companies, Referents []string
	FunderID                            string
	JuryMembers                         []string // the president first
	// BlocsPresented are the blocs route's enrolments the recent session judges beside the
	// actions' candidates; BlocsOrals the final stages whose oral the commission plans.
	BlocsPresented, BlocsOrals []string
}

// enrolledOnRoute is one candidate of a demo action.
type enrolledOnRoute struct {
	CandidateID, EnrolmentID string
	Step                     routeStep
	Organisation             int // index in organisations
}

// The gates before the jury (DOMAIN.md §7 rule 5) show on two candidates: one awaiting the
// jury has not done the internship their public owes, so the session page holds them back with
// the derogation form; one has cut the internship short and is presented to the recent closed
// session by the secretariat's derogation, which their jury page and the minutes show. Every
// other candidate from the final evaluation on has done the framework's internship.
const (
	heldOrganisation       = 1 // the organisation whose routeAwaiting candidate has no internship
	derogationOrganisation = 0 // the organisation whose routeClosed candidate is presented by derogation
	shortInternship        = 80
	derogationReason       = "Stage interrompu après 80 h pour raison de santé (certificat médical transmis au secrétariat) ; " +
		"la CPNEFP admet la présentation au jury au vu de l'évaluation en entreprise du référent."
)

// internshipHours is the internship the candidate has done once at the jury's door.
func (e enrolledOnRoute) internshipHours(fw domain.Framework) int {
	switch {
	case e.Step == routeAwaiting && e.Organisation == heldOrganisation:
		return 0
	case e.Step == routeClosed && e.Organisation == derogationOrganisation:
		return min(shortInternship, fw.InternshipHours)
	}
	return fw.InternshipHours
}

// route declares, per accredited organisation, one action of the first qualification whose
// candidates stand at every step of the formation route, forms a commission with two demo
// commission members, and holds the recent closed jury session, whose certificates and block
// attestations are issued, for those at the end of the route.
func (l loader) route(ctx context.Context, fw store.FrameworkRecord, ids routeIDs) error {
	today := l.svc.Today()
	var all []enrolledOnRoute
	for j := range accreditedOrganisations {
		o := organisations[j]
		act, err := l.svc.DeclareAction(ctx, l.a, service.ActionInput{TrainingOrganisationID: ids.Organisations[j],
			QualificationCode: fw.Framework.Qualification.Code, Route: domain.RouteFormation,
			Title:    "CQP " + fw.Framework.Qualification.Title + " — " + o.City + " " + today.ISO()[:4],
			StartsOn: today.AddDays(-180), EndsOn: today.AddDays(60), Place: o.City, PlannedHours: plannedHours(fw.Framework),
			CompanyIDs: []string{ids.Companies[j]}, FunderID: ids.FunderID,
			Calendar: []service.CalendarInput{{Day: today.AddDays(-180), StartTime: "09:00", EndTime: "12:30", Label: "Accueil et positionnement"}}})
		if err != nil {
			return fmt.Errorf("declare the action of %s: %w", o.Name, err)
		}
		for k, p := range routePeople[j] {
			in := service.CandidateInput{
				Candidate: withNIR(domain.Candidate{BirthName: p.BirthName, UsedName: p.UsedName, FirstNames: p.FirstNames,
					BirthDate: domain.NewDate(1996+k, time.Month(1+j*3+k%3), 3+2*k), Sex: p.Sex, BirthINSEE: p.BirthINSEE,
					BirthCountry: p.BirthCountry, BirthCity: p.City,
					Email: email("candidat." + slug(firstOf(p.FirstNames)) + "." + slug(p.BirthName))}),
				Enrolment: &service.EnrolmentInput{Public: []domain.Public{domain.PublicJobSeeker, domain.PublicRecentGraduate}[k%2],
					CompanyID: ids.Companies[j], ReferentUserID: ids.Referents[j],
					Blocks: optionalBlocks(fw.Framework),
					Intake: &store.Intake{InterviewOn: today.AddDays(-200), Project: "Devenir " + fw.Framework.Qualification.Title + " en cabinet de courtage",
						Motivation: "Reconversion vers le conseil en assurance", DiplomaLevel: 5, ExperienceMonths: 6 + k}}}
			out, err := l.svc.EnrolInAction(ctx, l.a, act.ID, in)
			if err != nil {
				return fmt.Errorf("enrol %s %s: %w", p.FirstNames, p.BirthName, err)
			}
			e := enrolledOnRoute{CandidateID: out.Candidate.ID, EnrolmentID: out.Enrolment.ID, Step: routeStep(k), Organisation: j}
			if err := l.advance(ctx, fw.Framework, e, ids.Companies[j]); err != nil {
				return fmt.Errorf("follow %s %s: %w", p.FirstNames, p.BirthName, err)
			}
			all = append(all, e)
		}
	}
	if err := l.commission(ctx, all, ids.BlocsOrals); err != nil {
		return err
	}
	return l.jury(ctx, all, ids.BlocsPresented, ids.JuryMembers)
}

// optionalBlocks picks the framework's first optional blocks, as many as its composition asks.
func optionalBlocks(fw domain.Framework) []string {
	var codes []string
	for _, b := range fw.BlocksOfKind(domain.BlockOptional) {
		codes = append(codes, b.Code)
	}
	return codes[:min(fw.Composition.Optional, len(codes))]
}

// advance records what an enrolment at its step has: hours, continuous marks, grids and the
// statuses that lead there. Those the jury sees or has seen did every hour of the path and, as
// job seekers and recent graduates, the internship the framework asks of them.
func (l loader) advance(ctx context.Context, fw domain.Framework, e enrolledOnRoute, hostID string) error {
	if e.Step == routeEnrolled {
		return nil
	}
	grid, err := l.svc.Grid(ctx, l.a, e.EnrolmentID, domain.EvaluatorTrainingOrganisation)
	if err != nil {
		return err
	}
	blocks := gridBlockCodes(grid)
	owed := blockHours(fw, blocks)
	hours := map[string]service.BlockHoursInput{}
	for i, code := range blocks {
		done := owed[code]
		if e.Step == routeInTraining && i%2 == 1 {
			done /= 2
		}
		hours[code] = service.BlockHoursInput{Planned: fmt.Sprint(owed[code]), Done: fmt.Sprint(done)}
	}
	if err := l.svc.SetTrainingHours(ctx, l.a, e.EnrolmentID, hours); err != nil {
		return fmt.Errorf("record hours: %w", err)
	}
	by := l.svc.Today()
	if e.Step == routeClosed || e.Step == routeClosedDebate {
		by = by.AddDays(-recentSessionDaysAgo - 1)
	}
	for i, code := range blocks {
		mark := continuousMarks[i%len(continuousMarks)]
		if e.Step == routeInTraining {
			// A candidate in training gives their organisation something to do: the first block's
			// hours are done but its mark is not entered yet, and the third one's is below 10/20.
			switch i {
			case 0:
				continue
			case 2:
				mark = "8,5"
			}
		}
		if _, err := l.svc.AddContinuousAssessment(ctx, l.a, e.EnrolmentID, service.AssessmentInput{BlockCode: code,
			Label: "Étude de cas", On: by.AddDays(-30).String(), Mark: mark}); err != nil {
			return fmt.Errorf("mark block %s: %w", code, err)
		}
	}
	path := []domain.EnrolmentStatus{domain.StatusInTraining}
	var evaluators []domain.Evaluator
	switch e.Step {
	case routeFinal:
		path = append(path, domain.StatusFinalEvaluation)
		evaluators = []domain.Evaluator{domain.EvaluatorTrainingOrganisation}
	case routeAwaiting, routeAwaitingDebate, routeClosed, routeClosedDebate:
		path = append(path, domain.StatusFinalEvaluation, domain.StatusAwaitingJury)
		evaluators = domain.Evaluators
		if err := l.internship(ctx, e.EnrolmentID, grid.Enrolment.Public, hostID, e.internshipHours(fw), by); err != nil {
			return err
		}
	}
	debate := e.Step == routeAwaitingDebate || e.Step == routeClosedDebate
	if len(evaluators) > 0 {
		// In a debate the referent does not award the first block, which the others award.
		if err := l.submitGrids(ctx, grid, evaluators, func(ev domain.Evaluator, block int, _ string) bool {
			return debate && block == 0 && ev == domain.EvaluatorCompanyReferent
		}); err != nil {
			return err
		}
	}
	reasons := map[domain.EnrolmentStatus]string{}
	for _, st := range steps(domain.RouteFormation, domain.StatusAwaitingJury) {
		reasons[st.Status] = st.Reason
	}
	for _, st := range path {
		if _, err := l.svc.SetEnrolmentStatus(ctx, l.a, e.CandidateID, e.EnrolmentID, st, reasons[st]); err != nil {
			return fmt.Errorf("move to %s: %w", st, err)
		}
	}
	return nil
}

// userID returns the id of a demo staff account.
func (l loader) userID(ctx context.Context, local string) (string, error) {
	u, err := l.svc.UserByEmail(ctx, l.a, email(local))
	if err != nil {
		return "", fmt.Errorf("find %s: %w", email(local), err)
	}
	return u.ID, nil
}

// commission forms the demo commission of two commission members and schedules, a fortnight
// ahead, the orals of the candidates awaiting the jury and of the more enrolments given (the
// blocs route's final stages whose experience file is submitted).
func (l loader) commission(ctx context.Context, all []enrolledOnRoute, more []string) error {
	var members []string
	for _, local := range []string{"commission1", "commission2"} {
		id, err := l.userID(ctx, local)
		if err != nil {
			return err
		}
		members = append(members, id)
	}
	c, err := l.svc.CreateCommission(ctx, l.a, service.CommissionInput{Name: "Commission d'évaluation Île-de-France", VotingMemberIDs: members})
	if err != nil {
		return fmt.Errorf("form the commission: %w", err)
	}
	var orals []string
	for _, e := range all {
		if e.Step == routeAwaiting || e.Step == routeAwaitingDebate {
			orals = append(orals, e.EnrolmentID)
		}
	}
	for slot, id := range append(orals, more...) {
		hour := 9 + slot
		if _, err := l.svc.ScheduleOral(ctx, l.a, service.OralInput{CommissionID: c.ID, EnrolmentID: id,
			Date: l.svc.Today().AddDays(14).String(), Time: fmt.Sprintf("%02d:00", hour), Duration: "45",
			Place: "Paris 9e, 12 rue de la Chaussée-d'Antin, salle 3"}); err != nil {
			return fmt.Errorf("schedule an oral: %w", err)
		}
	}
	return nil
}

// jury holds the recent demo session for the candidates of the actions the route closes and
// the more enrolments given (a blocs route's block stage):
// every member present, the debates decided (acquired for the first candidate in debate, not
// acquired after the referent's opinion for the second, and so on), one candidate presented by
// the secretariat's derogation to the internship gate, the session closed by the president and
// its documents issued. It then schedules the next session, three weeks ahead, with the jury
// invited and no candidate yet: the secretariat finds there the candidates awaiting the jury,
// ready or held back by a gate.
func (l loader) jury(ctx context.Context, all []enrolledOnRoute, more, members []string) error {
	var presented []string
	for _, e := range all {
		if e.Step != routeClosed && e.Step != routeClosedDebate {
			continue
		}
		if e.Step == routeClosed && e.Organisation == derogationOrganisation {
			if _, err := l.svc.RecordJuryGateDerogation(ctx, l.a, e.EnrolmentID, rules.GateInternship, derogationReason); err != nil {
				return fmt.Errorf("derogate to the internship: %w", err)
			}
		}
		presented = append(presented, e.EnrolmentID)
	}
	presented = append(presented, more...)
	err := l.holdSession(ctx, sessionPlan{Day: l.svc.Today().AddDays(-recentSessionDaysAgo), Members: members, Presented: presented,
		Decide: func(debated int, _ service.JuryCandidate, b service.JuryBlock) service.JuryDecisionInput {
			if debated%2 == 1 {
				return service.JuryDecisionInput{Block: b.Code, Decision: "NA",
					Reason: "Le jury suit le référent : compétences insuffisamment mises en œuvre en entreprise."}
			}
			return service.JuryDecisionInput{Block: b.Code, Decision: "A",
				Reason:          "Le jury retient la maîtrise démontrée à l'oral et en évaluation continue.",
				ReferentOpinion: "Progrès nets depuis l'évaluation en entreprise."}
		}})
	if err != nil {
		return err
	}
	next, err := l.svc.ScheduleJurySession(ctx, l.a, service.JurySessionInput{Date: l.svc.Today().AddDays(21).String(), Time: "14:00",
		Place: juryPlace, VideoLink: "https://visio.demo.cqp.test/jury"})
	if err != nil {
		return fmt.Errorf("schedule the next jury session: %w", err)
	}
	if _, err := l.svc.InviteJuryMembers(ctx, l.a, next.ID, members); err != nil {
		return fmt.Errorf("invite the jury to the next session: %w", err)
	}
	return nil
}

func plannedHours(fw domain.Framework) int {
	if fw.TrainingHours > 0 {
		return fw.TrainingHours
	}
	return 600
}

// routeCandidates is how many candidates the demo actions hold.
func routeCandidates() int {
	n := 0
	for _, row := range routePeople {
		n += len(row)
	}
	return n
}

// sampleVerificationCode returns the verification code of the first certificate of the demo
// jury session, to try /verifier/{code} with.
func sampleVerificationCode(ctx context.Context, svc *service.Service, a domain.Actor) (string, error) {
	page, err := svc.Certificates(ctx, a, store.CertificateFilter{Kind: store.KindCertificate, Limit: 1})
	if err != nil {
		return "", fmt.Errorf("demo: find a certificate to verify: %w", err)
	}
	if len(page.Items) == 0 {
		return "", nil
	}
	return page.Items[0].VerificationCode, nil
}
