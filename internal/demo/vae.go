package demo

import (
	"bytes"
	"context"
	"fmt"
	"image"
	"image/color"
	"image/png"

	"cqp/internal/domain"
	"cqp/internal/service"
)

// The demo's VAE candidates go through the VAE route's real steps (internal/service/vae*.go),
// one stage each, so that every screen of the route has a file to show: the k-th VAE candidate
// of the plan stops at vaeStages[k].

type vaeStage int

const (
	vaeExperienceOpen      vaeStage = iota // admissible, writing the experience file with an adviser
	vaeRequested                           // the secretariat has to send the admissibility file
	vaeSent                                // the candidate is filling the admissibility file
	vaeSubmitted                           // the secretariat has to ask an organisation's opinion
	vaeUnderReview                         // an organisation has to give its opinion
	vaeReviewed                            // the secretariat has to decide
	vaeIncomplete                          // back to the candidate with what is missing
	vaeExperienceSubmitted                 // the commission has to be organised
	vaeAwaitingJury                        // heard by the commission, for a jury to come
	vaeCertified                           // judged by the historical jury session: certified
	vaePartial                             // judged by the historical jury session: partial
	vaeNotAdmissible
	vaeRedirected
)

// vaeStages gives each VAE candidate of the plan, by rank, the stage it stops at.
var vaeStages = []vaeStage{vaeExperienceOpen, vaeRequested, vaeSent, vaeSubmitted, vaeUnderReview, vaeReviewed,
	vaeIncomplete, vaeExperienceSubmitted, vaeAwaitingJury, vaeCertified, vaePartial, vaeNotAdmissible, vaeRedirected}

// status is the enrolment status the stage leaves the VAE enrolment in: for vaeCertified and
// vaePartial, the outcome of the jury session that judges it (vae stops at « En attente du
// jury »).
func (s vaeStage) status() domain.EnrolmentStatus {
	switch s {
	case vaeExperienceOpen:
		return domain.StatusEnrolled
	case vaeExperienceSubmitted:
		return domain.StatusFinalEvaluation
	case vaeAwaitingJury:
		return domain.StatusAwaitingJury
	case vaeCertified:
		return domain.StatusCertified
	case vaePartial:
		return domain.StatusPartial
	case vaeNotAdmissible, vaeRedirected:
		return domain.StatusWithdrawn
	}
	return domain.StatusAdmissibility
}

// vaeIDs are the records the VAE candidates refer to.
type vaeIDs struct {
	Organisations []string
	AdviserID     string
	HostID        string      // the company that hosts the internship a job seeker owes
	By            domain.Date // when the evaluations of those the historical session judges were over
}

// vae records one VAE candidate through the request and then each step up to its stage. Steps
// are taken as the platform ("démo"); the file is typed by the secretariat for candidates
// without an account, as for a file returned on paper.
func (l loader) vae(ctx context.Context, c candidatePlan, k int, in service.EnrolmentInput, ids vaeIDs) (service.Enrolled, error) {
	stage := vaeStages[k%len(vaeStages)]
	p := c.Person
	request := service.VAERequestInput{
		Candidate: withNIR(domain.Candidate{BirthName: p.BirthName, UsedName: p.UsedName, FirstNames: p.FirstNames,
			BirthDate: c.BirthDate, Sex: p.Sex, BirthINSEE: p.BirthINSEE, BirthCountry: p.BirthCountry, BirthCity: p.City, Email: c.Email()}),
		QualificationCode: in.QualificationCode, Public: in.Public, CompanyID: in.CompanyID, Blocks: in.Blocks,
		Message: "Je souhaite faire reconnaître mon expérience en cabinet de courtage."}
	// Who asks: the person from the public page, their company, or the secretariat.
	var req service.Enrolled
	var err error
	switch {
	case in.CompanyID == "":
		// Asked on their own from the public page (the plan gives them no company).
		req, err = l.svc.RequestVAEOnline(ctx, request, "demo")
	case k%2 == 0:
		company := domain.Actor{Name: "Service RH (démo)", Roles: []domain.RoleAssignment{{Role: domain.RoleCompany, ScopeID: in.CompanyID}}}
		req, err = l.svc.RequestVAE(ctx, company, request)
	default:
		req, err = l.svc.RequestVAE(ctx, l.a, request)
	}
	if err != nil {
		return service.Enrolled{}, err
	}
	id := req.Enrolment.ID
	fail := func(what string, err error) error {
		if err != nil {
			return fmt.Errorf("VAE of %s %s, %s: %w", p.FirstNames, p.BirthName, what, err)
		}
		return nil
	}
	if stage == vaeRequested {
		return req, nil
	}
	if c.Account {
		if _, err := l.user(ctx, firstOf(p.FirstNames)+" "+p.BirthName, c.Email(), domain.RoleCandidate, req.Candidate.ID); err != nil {
			return req, err
		}
	}
	if _, err := l.svc.SendAdmissibilityFile(ctx, l.a, id); err != nil {
		return req, fail("send the file", err)
	}
	file := l.admissibilityFile(ctx, id, stage == vaeSent)
	if stage == vaeSent {
		_, err := l.svc.SaveAdmissibility(ctx, l.a, id, file)
		return req, fail("save the draft", err)
	}
	if _, err := l.svc.SubmitAdmissibility(ctx, l.a, id, file); err != nil {
		return req, fail("submit the file", err)
	}
	if stage == vaeSubmitted {
		return req, nil
	}
	reviewer := ids.Organisations[max(c.Organisation, 0)]
	if err := l.svc.RequestVAEReview(ctx, l.a, id, reviewer); err != nil {
		return req, fail("ask an opinion", err)
	}
	if stage == vaeUnderReview {
		return req, nil
	}
	review := service.ReviewInput{Opinion: domain.OpinionFavourable,
		Comment: "Deux ans d'expérience en cabinet, activités en lien direct avec les blocs présentés ; auto-évaluation cohérente."}
	switch stage {
	case vaeIncomplete:
		review = service.ReviewInput{Opinion: domain.OpinionIncomplete, Comment: "Les activités de la première période ne sont pas décrites."}
	case vaeNotAdmissible, vaeRedirected:
		review = service.ReviewInput{Opinion: domain.OpinionUnfavourable,
			Comment: "Expérience surtout commerciale, hors du cœur de la qualification ; une formation par blocs conviendrait mieux."}
	}
	if err := l.svc.GiveVAEReview(ctx, l.reviewerActor(reviewer), id, review); err != nil {
		return req, fail("give the opinion", err)
	}
	if stage == vaeReviewed {
		return req, nil
	}
	decision := service.DecisionInput{Decision: domain.DecisionAdmissible, ValidUntil: l.svc.Today().AddDays(365).String(),
		Reason: "Vingt-quatre mois d'expérience en lien avec la qualification ; avis favorable de l'organisme."}
	switch stage {
	case vaeIncomplete:
		decision = service.DecisionInput{Decision: domain.DecisionIncomplete, Reason: "Décrivez les activités de votre première période d'emploi."}
	case vaeNotAdmissible:
		decision = service.DecisionInput{Decision: domain.DecisionNotAdmissible,
			Reason: "L'expérience déclarée n'est pas en lien avec la qualification visée."}
	case vaeRedirected:
		decision = service.DecisionInput{Decision: domain.DecisionRedirected, RedirectRoute: domain.RouteBlocs,
			TrainingOrganisationID: reviewer, Reason: "Une partie seulement de l'expérience est en lien : les blocs manquants s'acquièrent en formation."}
	}
	// The decision letter is signed by whoever decides: a person of the secretariat, not the
	// platform that loads the demo.
	secretariat := domain.Actor{Name: secretariatName, Roles: []domain.RoleAssignment{{Role: domain.RoleSecretariat}}}
	if _, err := l.svc.DecideVAE(ctx, secretariat, id, decision); err != nil {
		return req, fail("decide", err)
	}
	if decision.Decision != domain.DecisionAdmissible {
		return req, nil
	}
	if err := l.experienceFile(ctx, id, stage != vaeExperienceOpen); err != nil {
		return req, fail("write the experience file", err)
	}
	if stage == vaeExperienceOpen {
		if err := l.svc.AssignAdviser(ctx, l.a, id, ids.AdviserID); err != nil {
			return req, fail("name the adviser", err)
		}
		adviser, err := l.svc.Actor(ctx, ids.AdviserID, "")
		if err != nil {
			return req, err
		}
		err = l.svc.AddAdviserComment(ctx, adviser, id, "", "Bon début. Pour chaque bloc, donnez un exemple précis : le client, ce que vous avez proposé, le résultat.")
		return req, fail("comment", err)
	}
	if stage == vaeExperienceSubmitted {
		return req, nil
	}
	// Awaiting the jury, or judged by the historical session: the commission heard the
	// candidate on their experience file and gave its grid (the only one the VAE route reads).
	outcome := c.Status
	if stage == vaeAwaitingJury {
		outcome = domain.StatusCertified // a jury to come will find every block acquired
	}
	by := l.svc.Today()
	if isOutcome(c.Status) {
		by = ids.By
	}
	g, err := l.svc.Grid(ctx, l.a, id, domain.EvaluatorCommission)
	if err != nil {
		return req, fail("read the commission's grid", err)
	}
	if err := l.internship(ctx, id, in.Public, ids.HostID, g.Framework.InternshipHours, by); err != nil {
		return req, fail("record the internship", err)
	}
	if err := l.grids(ctx, g, outcome); err != nil {
		return req, fail("evaluate", err)
	}
	return req, fail("send to the jury", l.move(ctx, req.Candidate.ID, id, steps(domain.RouteVAE, domain.StatusAwaitingJury)[2:]))
}

// reviewerActor acts as the reviewing organisation's demo account.
func (l loader) reviewerActor(organisationID string) domain.Actor {
	return domain.Actor{Name: "Organisme de formation (démo)",
		Roles: []domain.RoleAssignment{{Role: domain.RoleTrainingOrganisation, ScopeID: organisationID}}}
}

// admissibilityFile is a plausible admissibility file for the enrolment's blocks; a draft
// holds one period of 18 months (the warning under 24 months shows) and half the
// self-assessment.
func (l loader) admissibilityFile(ctx context.Context, enrolmentID string, draft bool) service.AdmissibilityInput {
	today := l.svc.Today()
	in := service.AdmissibilityInput{Address: "12 rue de la République, 69002 Lyon", Phone: "06 12 34 56 78",
		Situation: "Salarié·e d'un cabinet de courtage", Motivation: "Faire reconnaître mon expérience et évoluer vers un poste de gestionnaire confirmé.",
		Certified: !draft, SelfAssessment: map[string]domain.SelfAssessment{},
		Diplomas: []domain.Diploma{{Title: "Baccalauréat professionnel Commerce", Year: "2012", Level: "4"}},
		Periods: []service.PeriodInput{
			{Employer: "Assurances du Centre", Role: "Chargé·e d'accueil", From: today.AddDays(-365 * 5).String(), Until: today.AddDays(-365*3 - 1).String(),
				Activities: "Accueil téléphonique, tenue des dossiers clients"},
			{Employer: "Cabinet Roux Courtage", Role: "Assistant·e de gestion IARD", From: today.AddDays(-365 * 3).String(), Until: today.AddDays(-365).String(),
				Related: true, Activities: "Gestion des contrats et des sinistres des particuliers"},
			{Employer: "Cabinet Roux Courtage", Role: "Gestionnaire IARD", From: today.AddDays(-364).String(), Related: true,
				Activities: "Souscription, avenants, gestion des sinistres des professionnels"},
		}}
	if draft {
		in.Periods = in.Periods[2:]
		in.Periods[0].From = today.AddDays(-548).String()
	}
	v, err := l.svc.VAE(ctx, l.a, enrolmentID)
	if err != nil {
		return in
	}
	n := 0
	for _, b := range v.Blocks {
		for _, c := range b.Competences {
			n++
			if draft && n%2 == 0 {
				continue
			}
			level, situation := domain.SelfAcquired, "Je le fais chaque semaine pour les clients du cabinet."
			if n%5 == 0 {
				level, situation = domain.SelfPartial, "Je l'ai fait quelques fois, avec l'aide de ma responsable."
			}
			in.SelfAssessment[c.Code] = domain.SelfAssessment{Level: level, Situation: situation}
		}
	}
	return in
}

// experienceFile writes every block's narrative and one evidence image, and submits the file
// when submit is true.
func (l loader) experienceFile(ctx context.Context, enrolmentID string, submit bool) error {
	v, err := l.svc.VAE(ctx, l.a, enrolmentID)
	if err != nil {
		return err
	}
	narratives := map[string]string{}
	for i, b := range v.Blocks {
		if !submit && i >= 3 {
			break // still writing
		}
		narratives[b.Code] = "Pour « " + b.Title + " », je m'appuie sur deux ans de pratique au cabinet : " +
			"j'accueille les clients, j'analyse leurs besoins et je suis leurs dossiers du devis au règlement des sinistres."
	}
	if err := l.svc.SaveExperience(ctx, l.a, enrolmentID, narratives); err != nil {
		return err
	}
	if _, err := l.svc.AddEvidence(ctx, l.a, enrolmentID, service.EvidenceUpload{Title: "Attestation d'employeur (scan)",
		Filename: "attestation-employeur.png", Content: evidenceImage()}); err != nil {
		return err
	}
	if !submit {
		return nil
	}
	return l.svc.SubmitExperience(ctx, l.a, enrolmentID)
}

// evidenceImage is a small grey page with a band, standing in for a scanned document.
func evidenceImage() []byte {
	img := image.NewGray(image.Rect(0, 0, 120, 160))
	for y := 0; y < 160; y++ {
		for x := 0; x < 120; x++ {
			g := uint8(245)
			if y > 20 && y < 30 || (y > 50 && y%12 < 2 && x > 10 && x < 110) {
				g = 90
			}
			img.SetGray(x, y, color.Gray{Y: g})
		}
	}
	var buf bytes.Buffer
	_ = png.Encode(&buf, img)
	return buf.Bytes()
}
