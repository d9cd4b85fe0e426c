// Package demo fills a cqp database with demonstration data: Load creates, through the use
// cases (so everything is validated and audited), a small deterministic set in which every role
// has an account and something to look at; Synthetic adds large generated sets of candidates
// for performance measurements.
package demo

import (
	"context"
	"fmt"
	"math/rand/v2"
	"strconv"
	"time"

	"cqp/internal/domain"
	"cqp/internal/frameworkfile"
	"cqp/internal/service"
	"cqp/internal/store"
)

const (
	// Password is every demo account's password.
	Password = "demo-cqp-2026"
	// Domain is the mail domain of every demo address (a reserved .test domain: nothing is
	// delivered there).
	Domain = "demo.cqp.test"
	// SecretariatEmail is the demo secretariat's login. Its presence tells that the demo data
	// is already loaded: Load creates it last.
	SecretariatEmail = "secretariat@" + Domain
	// actorName is who the audit trail says loaded the demo data.
	actorName = "démo"
)

// planSeed fixes the pseudo-random choices of the demo set (birth dates, optional blocks).
const planSeed = 2247

// Account is one demo login, for the CLI and the README to print.
type Account struct {
	Role     string // the role's French label
	Name     string
	Email    string
	Password string
	Sees     string // what the account gives access to, in French
}

// Accounts lists the demo logins, role by role in the order menus show roles, and the
// password they share.
type Accounts struct {
	Password string
	List     []Account
	// SampleVerificationCode is the code of a certificate issued by the demo jury session, for
	// /verifier/{code}.
	SampleVerificationCode string
}

// candidatePlan is one demo candidate: who they are and where their enrolment stands.
// Organisation and Company index organisations and companies, -1 for none.
type candidatePlan struct {
	Person       person
	BirthDate    domain.Date
	Route        domain.Route
	Public       domain.Public
	Status       domain.EnrolmentStatus
	Organisation int
	Company      int
	Account      bool
}

// Email is the candidate's address, which is also their login when they have an account.
func (c candidatePlan) Email() string {
	return email("candidat." + slug(firstOf(c.Person.FirstNames)) + "." + slug(c.Person.BirthName))
}

func firstOf(names string) string {
	for i, r := range names {
		if r == ' ' || r == ',' {
			return names[:i]
		}
	}
	return names
}

// Statuses each route's candidates take in turn, so that every step of every route has
// someone to show. Those at a jury outcome get it from the historical jury session (jury.go),
// which judges the evidence recorded for them (evidence.go).
var statusCycle = map[domain.Route][]domain.EnrolmentStatus{
	domain.RouteFormation: {domain.StatusEnrolled, domain.StatusInTraining, domain.StatusFinalEvaluation, domain.StatusAwaitingJury,
		domain.StatusCertified, domain.StatusInTraining, domain.StatusPartial, domain.StatusWithdrawn, domain.StatusAwaitingJury,
		domain.StatusNotCertified, domain.StatusCertified, domain.StatusFinalEvaluation, domain.StatusInTraining, domain.StatusEnrolled},
	domain.RouteVAE: vaeStatuses(),
	domain.RouteBlocs: {domain.StatusEnrolled, domain.StatusInTraining, domain.StatusFinalEvaluation, domain.StatusAwaitingJury,
		domain.StatusPartial, domain.StatusInTraining, domain.StatusPartial, domain.StatusWithdrawn, domain.StatusAwaitingJury,
		domain.StatusFinalEvaluation, domain.StatusPartial, domain.StatusEnrolled, domain.StatusNotCertified},
}

// vaeStatuses are the enrolment statuses the VAE candidates' stages leave them in (vae.go).
func vaeStatuses() []domain.EnrolmentStatus {
	out := make([]domain.EnrolmentStatus, len(vaeStages))
	for i, s := range vaeStages {
		out[i] = s.status()
	}
	return out
}

// vaeOrganisations is the training organisation each VAE candidate's file is reviewed by, by
// rank as in vaeStages (-1: no opinion asked yet). The organisation whose accreditation expired
// has a file to review.
var vaeOrganisations = []int{0, -1, -1, -1, 3, 1, 2, 0, 1, 2, 0, 1, 2}

// plan returns the 40 demo candidates. The route follows the candidate's rank, the
// qualification is chosen at load time among the frameworks present.
func plan() []candidatePlan {
	rng := rand.New(rand.NewPCG(planSeed, 1))
	routeRank := map[domain.Route]int{}
	accredited := 0 // candidates placed with an accredited organisation so far, to take turns
	accounts := map[int]bool{}
	for _, i := range candidateAccounts {
		accounts[i] = true
	}
	out := make([]candidatePlan, len(people))
	for i, p := range people {
		route := domain.Routes[i%len(domain.Routes)]
		k := routeRank[route]
		routeRank[route]++
		c := candidatePlan{Person: p, Route: route, Status: statusCycle[route][k%len(statusCycle[route])],
			BirthDate: domain.NewDate(1972+rng.IntN(32), time.Month(1+rng.IntN(12)), 1+rng.IntN(28)),
			Company:   i % len(companies), Account: accounts[i]}
		switch route {
		case domain.RouteFormation:
			c.Public = domain.PublicRecentGraduate
			if k%2 == 1 {
				c.Public = domain.PublicJobSeeker
			}
			c.Organisation = accredited % accreditedOrganisations
			accredited++
		case domain.RouteVAE:
			c.Public = domain.PublicEmployee
			if k%4 == 3 {
				c.Public, c.Company = domain.PublicJobSeeker, -1
			}
			c.Organisation = vaeOrganisations[k%len(vaeOrganisations)]
			if vaeStages[k%len(vaeStages)] == vaeRequested {
				c.Company = -1 // asked on their own, from the public page
			}
		case domain.RouteBlocs:
			c.Public = domain.PublicEmployee
			if k%3 == 2 {
				c.Public, c.Company = domain.PublicJobSeeker, -1
			}
			c.Organisation = accredited % accreditedOrganisations
			accredited++
		}
		out[i] = c
	}
	return out
}

// accountsOf lists the demo logins and what each one sees, role by role.
func accountsOf(cands []candidatePlan) Accounts {
	// Who each organisation and company has: the planned candidates and those of the demo
	// actions (route.go). A planned VAE candidate's organisation reviews their file; the one
	// redirected to the blocs route is enrolled there as well.
	perOrganisation := make([]int, len(organisations))
	vaeFiles := make([]int, len(organisations))
	perCompany := make([]int, len(companies))
	vaeRank := 0
	for _, c := range cands {
		switch {
		case c.Route == domain.RouteVAE && c.Organisation >= 0:
			vaeFiles[c.Organisation]++
			if vaeStages[vaeRank%len(vaeStages)] == vaeRedirected {
				perOrganisation[c.Organisation]++
			}
		case c.Organisation >= 0:
			perOrganisation[c.Organisation]++
		}
		if c.Route == domain.RouteVAE {
			vaeRank++
		}
		if c.Company >= 0 {
			perCompany[c.Company]++
		}
	}
	for j, row := range routePeople {
		perOrganisation[j] += len(row)
		perCompany[j] += len(row)
	}
	blocsRouteSeen(perOrganisation, perCompany)
	acc := func(r domain.Role, name, local, sees string) Account {
		return Account{Role: r.Label(), Name: name, Email: email(local), Password: Password, Sees: sees}
	}
	out := []Account{acc(domain.RoleSecretariat, secretariatName, "secretariat",
		"tout : candidats, organismes et habilitations, entreprises, référentiels, comptes, courriels et journal d'audit")}
	for j, o := range organisations {
		sees := "les " + count(perOrganisation[j], "candidat inscrit", "candidats inscrits") + " chez « " + o.Name + " » et les " +
			count(vaeFiles[j], "dossier VAE", "dossiers VAE") + " qu'il examine ; habilité pour chaque CQP"
		if !o.Accredited {
			sees = "les " + count(vaeFiles[j], "dossier VAE", "dossiers VAE") + " qu'examine « " + o.Name + " » ; son habilitation a expiré : il ne peut plus inscrire en formation"
		}
		out = append(out, acc(domain.RoleTrainingOrganisation, o.Contact, "of."+o.Slug, sees))
	}
	for j, c := range companies {
		if c.HR != "" {
			out = append(out, acc(domain.RoleCompany, c.HR, "entreprise."+c.Slug,
				"les "+count(perCompany[j], "candidat", "candidats")+" de « "+c.Name+" » et leur progression"))
		}
	}
	for j, c := range companies {
		out = append(out, acc(domain.RoleCompanyReferent, c.Referent, "referent."+c.Slug,
			"les "+count(perCompany[j], "candidat", "candidats")+" de « "+c.Name+" » qu'il ou elle suit comme tuteur"))
	}
	for _, r := range []domain.Role{domain.RoleCommissionMember, domain.RoleJuryMember, domain.RoleJuryPresident, domain.RoleVAEAdviser, domain.RoleSubjectCommittee} {
		for _, s := range staff {
			if s.Role == r {
				out = append(out, acc(s.Role, s.Name, s.Local, s.Sees))
			}
		}
	}
	for _, c := range cands {
		if c.Account {
			a := acc(domain.RoleCandidate, firstOf(c.Person.FirstNames)+" "+c.Person.BirthName, "", "son propre dossier : parcours ("+c.Route.Label()+"), statut, résultats")
			a.Email = c.Email()
			out = append(out, a)
		}
	}
	for _, s := range staff {
		if s.Role == domain.RoleBranch {
			out = append(out, acc(s.Role, s.Name, s.Local, s.Sees))
		}
	}
	out = append(out, acc(domain.RoleFunder, funderContact, "financeur", "les actions financées par « "+funderName+" »"))
	return Accounts{Password: Password, List: out}
}

func count(n int, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return strconv.Itoa(n) + " " + many
}

// Load creates the demo data set through the use cases, as the platform itself ("démo" in the
// audit trail): the shipped framework when no framework exists yet, every item it flags to
// confirm confirmed, its placeholders as titles marked as demonstration examples
// (frameworks.go), 4 training organisations (3 accredited for every qualification, 1 whose
// accreditation expired), 8 companies with a referent each and an account for 4 of them, an
// OPCO, the branch, commission and jury members, 40 candidates across the qualifications and
// the three routes at every step of their route, 4 of them with an account, those at a result
// judged by a closed jury session some months ago, one action per accredited organisation whose
// candidates stand at every step of the formation route up to a recent closed jury session
// (route.go), people on the blocs route at each of its steps, from a one-block enrolment by
// their company to a final stage whose experience file awaits the commission's oral (blocs.go),
// the certificates and block attestations of both sessions, the six-month outcome surveys of
// the historical session's candidates, some answered (surveys.go), and the secretariat. No
// result is set otherwise: every certified, partial or not certified enrolment comes from a
// closed session (DOMAIN.md §7 rule 4). Every account's password is Password.
//
// Load is idempotent: when the demo secretariat exists it changes nothing and returns the
// accounts. It creates the secretariat last, so a load that was interrupted is not mistaken
// for a complete one; run it again on a fresh database.
func Load(ctx context.Context, svc *service.Service) (Accounts, error) {
	sys := domain.SystemActor(actorName)
	cands := plan()
	accounts := accountsOf(cands)
	_, err := svc.UserByEmail(ctx, sys, SecretariatEmail)
	switch domain.ErrorCode(err) {
	case "":
		accounts.SampleVerificationCode, err = sampleVerificationCode(ctx, svc, sys)
		return accounts, err
	case domain.ENOTFOUND:
	default:
		return Accounts{}, fmt.Errorf("demo: look for the demo secretariat: %w", err)
	}
	l := loader{svc: svc, a: sys}
	if err := l.load(ctx, cands); err != nil {
		return Accounts{}, fmt.Errorf("demo: %w", err)
	}
	accounts.SampleVerificationCode, err = sampleVerificationCode(ctx, svc, sys)
	return accounts, err
}

type loader struct {
	svc *service.Service
	a   domain.Actor
}

func (l loader) user(ctx context.Context, name, mail string, r domain.Role, scopeID string) (string, error) {
	u, err := l.svc.CreateUser(ctx, l.a, service.UserInput{Email: mail, Name: name, Password: Password,
		Roles: []domain.RoleAssignment{{Role: r, ScopeID: scopeID}}})
	if err != nil {
		return "", fmt.Errorf("create account %s: %w", mail, err)
	}
	return u.ID, nil
}

func (l loader) load(ctx context.Context, cands []candidatePlan) error {
	fws, err := l.frameworks(ctx)
	if err != nil {
		return err
	}
	if fws, err = l.confirmFrameworks(ctx, fws); err != nil {
		return err
	}
	today := l.svc.Today()
	orgIDs := make([]string, len(organisations))
	for j, o := range organisations {
		created, err := l.svc.CreateTrainingOrganisation(ctx, l.a, domain.TrainingOrganisation{
			Name: o.Name, SIRET: siret(j), City: o.City, Email: email("of." + o.Slug)})
		if err != nil {
			return fmt.Errorf("create training organisation %s: %w", o.Name, err)
		}
		orgIDs[j] = created.ID
		for k, fw := range fws {
			acc := domain.Accreditation{TrainingOrganisationID: created.ID, QualificationID: fw.QualificationID,
				ValidFrom: today.AddDays(-400), ValidUntil: today.AddDays(3*365 - 400)}
			switch {
			case !o.Accredited && k > 0:
				continue
			case !o.Accredited:
				acc.ValidFrom, acc.ValidUntil = today.AddDays(-4*365), today.AddDays(-30)
			case j == accreditedOrganisations-1 && k == len(fws)-1:
				// Expires within 60 days: the secretariat's dashboard has one to renew.
				acc.ValidUntil = today.AddDays(45)
			}
			if err := l.svc.AddAccreditation(ctx, l.a, acc); err != nil {
				return fmt.Errorf("accredit %s: %w", o.Name, err)
			}
		}
	}
	companyIDs := make([]string, len(companies))
	for j, c := range companies {
		created, err := l.svc.CreateCompany(ctx, l.a, domain.Company{Name: c.Name, SIRET: siret(len(organisations) + j), City: c.City})
		if err != nil {
			return fmt.Errorf("create company %s: %w", c.Name, err)
		}
		companyIDs[j] = created.ID
	}
	funder, err := l.svc.CreateFunder(ctx, l.a, domain.Funder{Name: funderName})
	if err != nil {
		return fmt.Errorf("create funder: %w", err)
	}

	for j, o := range organisations {
		if _, err := l.user(ctx, o.Contact, email("of."+o.Slug), domain.RoleTrainingOrganisation, orgIDs[j]); err != nil {
			return err
		}
	}
	referentIDs := make([]string, len(companies))
	for j, c := range companies {
		if c.HR != "" {
			if _, err := l.user(ctx, c.HR, email("entreprise."+c.Slug), domain.RoleCompany, companyIDs[j]); err != nil {
				return err
			}
		}
		if referentIDs[j], err = l.user(ctx, c.Referent, email("referent."+c.Slug), domain.RoleCompanyReferent, companyIDs[j]); err != nil {
			return err
		}
	}
	if _, err := l.user(ctx, funderContact, email("financeur"), domain.RoleFunder, funder.ID); err != nil {
		return err
	}

	adviserID := ""
	for _, s := range staff {
		id, err := l.user(ctx, s.Name, email(s.Local), s.Role, "")
		if err != nil {
			return err
		}
		if s.Role == domain.RoleVAEAdviser {
			adviserID = id
		}
	}

	// The candidates the plan puts at a result await the jury, with their evidence, until the
	// historical session judges them: their evaluations were over the day before it.
	historical := today.AddDays(-historicalSessionDaysAgo)
	expected := map[string]domain.EnrolmentStatus{}
	var judged []string
	rng := rand.New(rand.NewPCG(planSeed, 2))
	vaeRank := 0
	for i, c := range cands {
		fw := fws[(i/len(domain.Routes))%len(fws)]
		in := service.EnrolmentInput{QualificationCode: fw.Framework.Qualification.Code, Route: c.Route, Public: c.Public,
			Blocks: chooseOptional(rng, fw.Framework)}
		if c.Route == domain.RouteBlocs {
			// The planned blocs candidates chose every block of a composition, as they did before
			// the blocs route presented only the blocks chosen; the blocs route's people
			// (blocs.go) choose one block or a few, as the route runs today.
			in.Blocks = append(mandatoryBlocks(fw.Framework), in.Blocks...)
		}
		if c.Organisation >= 0 {
			in.TrainingOrganisationID = orgIDs[c.Organisation]
		}
		// The company that hosts a job seeker's internship: their own, or one in turn.
		hostID := companyIDs[i%len(companyIDs)]
		if c.Company >= 0 {
			in.CompanyID = companyIDs[c.Company]
			hostID = in.CompanyID
		}
		p := c.Person
		var candidateID, enrolmentID string
		if c.Route == domain.RouteVAE {
			created, err := l.vae(ctx, c, vaeRank, in, vaeIDs{Organisations: orgIDs, AdviserID: adviserID, HostID: hostID, By: historical.AddDays(-1)})
			if err != nil {
				return fmt.Errorf("create VAE candidate %s %s: %w", p.FirstNames, p.BirthName, err)
			}
			candidateID, enrolmentID = created.Candidate.ID, created.Enrolment.ID
			if err := l.referent(ctx, c, candidateID, referentIDs); err != nil {
				return err
			}
			vaeRank++
		} else {
			created, err := l.svc.CreateCandidate(ctx, l.a, service.CandidateInput{
				Candidate: withNIR(domain.Candidate{BirthName: p.BirthName, UsedName: p.UsedName, FirstNames: p.FirstNames,
					BirthDate: c.BirthDate, Sex: p.Sex, BirthINSEE: p.BirthINSEE, BirthCountry: p.BirthCountry,
					BirthCity: p.City, Email: c.Email()}),
				Enrolment: &in})
			if err != nil {
				return fmt.Errorf("create candidate %s %s: %w", p.FirstNames, p.BirthName, err)
			}
			candidateID, enrolmentID = created.ID, created.Enrolments[0].ID
			if err := l.referent(ctx, c, candidateID, referentIDs); err != nil {
				return err
			}
			f := followed{CandidateID: candidateID, EnrolmentID: enrolmentID, HostID: hostID, Status: c.Status}
			if isOutcome(c.Status) {
				f.Status, f.Outcome, f.By = domain.StatusAwaitingJury, c.Status, historical.AddDays(-1)
			}
			if err := l.follow(ctx, f); err != nil {
				return fmt.Errorf("follow candidate %s %s to %s: %w", p.FirstNames, p.BirthName, c.Status, err)
			}
			if c.Account {
				if _, err := l.user(ctx, firstOf(p.FirstNames)+" "+p.BirthName, c.Email(), domain.RoleCandidate, candidateID); err != nil {
					return err
				}
			}
		}
		if isOutcome(c.Status) {
			judged = append(judged, enrolmentID)
			expected[enrolmentID] = c.Status
		}
	}
	// The blocs route's people: those whose blocks the historical session attests reach the
	// final stage once it is closed; the one the recent session attests is presented there.
	if err := l.subjectBank(ctx); err != nil { // subjects.go: before any oral, so that each draws its subjects
		return err
	}
	blocsFW := blocsFramework(fws)
	onBlocsRoute, blocsHistorical, blocsRecent, err := l.blocsRoute(ctx, blocsFW,
		blocsIDs{Organisations: orgIDs, Companies: companyIDs, Referents: referentIDs})
	if err != nil {
		return err
	}
	for _, id := range blocsHistorical {
		judged = append(judged, id)
		expected[id] = domain.StatusPartial
	}
	members, err := l.juryRoster(ctx)
	if err != nil {
		return err
	}
	if err := l.holdSession(ctx, sessionPlan{Day: historical, Members: members, Presented: judged,
		Decide: byPlan(expected), Expected: expected}); err != nil {
		return err
	}
	finalOrals, err := l.blocsFinal(ctx, blocsFW, onBlocsRoute)
	if err != nil {
		return err
	}
	if err := l.route(ctx, fws[0], routeIDs{Organisations: orgIDs, Companies: companyIDs, Referents: referentIDs, FunderID: funder.ID,
		JuryMembers: members, BlocsPresented: blocsRecent, BlocsOrals: finalOrals}); err != nil {
		return err
	}
	if err := l.outcomeSurveys(ctx); err != nil { // surveys.go
		return err
	}
	_, err = l.user(ctx, secretariatName, SecretariatEmail, domain.RoleSecretariat, "")
	return err
}

// referent names the referent of the candidate's company as their tutor.
func (l loader) referent(ctx context.Context, c candidatePlan, candidateID string, referentIDs []string) error {
	if c.Company < 0 {
		return nil
	}
	if err := l.svc.SetCandidateReferent(ctx, l.a, candidateID, referentIDs[c.Company]); err != nil {
		return fmt.Errorf("name the referent of %s %s: %w", c.Person.FirstNames, c.Person.BirthName, err)
	}
	return nil
}

// frameworks returns the latest framework of every qualification, importing the shipped
// framework file first when the database holds none.
// demoRegistrations are plausible RNCP registrations and levels for the shipped CQPs, which the
// guide does not give: the demo's certificates print them as a real branch's would. The
// numbers are far above any registration issued so far, so no one takes them for real ones.
var demoRegistrations = map[string]struct{ rncp, level string }{
	"CC":   {"RNCP99101", "4"},
	"IARD": {"RNCP99102", "5"},
	"ADP":  {"RNCP99103", "5"},
}

func (l loader) frameworks(ctx context.Context) ([]store.FrameworkRecord, error) {
	fws, err := l.svc.Frameworks(ctx, l.a)
	if err != nil || len(fws) > 0 {
		return fws, err
	}
	f, err := frameworkfile.Shipped()
	if err != nil {
		return nil, err
	}
	for i := range f.Frameworks {
		q := &f.Frameworks[i].Qualification
		if d, ok := demoRegistrations[q.Code]; ok && q.RNCP == "" {
			q.RNCP, q.Level = d.rncp, d.level
		}
	}
	if _, err := l.svc.ImportFrameworks(ctx, l.a, f.Branch, frameworkfile.WithNotes(f)); err != nil {
		return nil, fmt.Errorf("import the shipped framework: %w", err)
	}
	fws, err = l.svc.Frameworks(ctx, l.a)
	if err == nil && len(fws) == 0 {
		err = fmt.Errorf("the shipped framework holds no qualification")
	}
	return fws, err
}

// chooseOptional picks the framework's number of optional blocks among its optional blocks.
// mandatoryBlocks are the common and specialty blocks of a framework.
func mandatoryBlocks(fw domain.Framework) []string {
	var codes []string
	for _, b := range fw.Blocks {
		if b.Kind != domain.BlockOptional {
			codes = append(codes, b.Code)
		}
	}
	return codes
}

func chooseOptional(rng *rand.Rand, fw domain.Framework) []string {
	var codes []string
	for _, b := range fw.BlocksOfKind(domain.BlockOptional) {
		codes = append(codes, b.Code)
	}
	rng.Shuffle(len(codes), func(i, j int) { codes[i], codes[j] = codes[j], codes[i] })
	return codes[:min(fw.Composition.Optional, len(codes))]
}

type step struct {
	Status domain.EnrolmentStatus
	Reason string
}

// steps returns the status changes that take a new enrolment on route to status, up to « En
// attente du jury » or a withdrawal, each with the reason a secretariat would record. The
// jury's outcomes are not among them: only a closed jury session gives one (jury.go).
func steps(route domain.Route, status domain.EnrolmentStatus) []step {
	path := []step{
		{domain.StatusInTraining, "Entrée en formation"},
		{domain.StatusFinalEvaluation, "Évaluations continues terminées : blocs admis à l'évaluation finale"},
		{domain.StatusAwaitingJury, "Évaluations finales complètes : dossier transmis au jury"},
	}
	withdrawal := step{domain.StatusWithdrawn, "Abandon : a repris un emploi hors de la branche"}
	if route == domain.RouteVAE {
		path = []step{
			{domain.StatusEnrolled, "Dossier de recevabilité déclaré recevable par le secrétariat"},
			{domain.StatusFinalEvaluation, "Dossier de validation déposé : oral devant la commission"},
			{domain.StatusAwaitingJury, "Avis argumenté de la commission rendu : dossier transmis au jury"},
		}
		withdrawal = step{domain.StatusWithdrawn, "Abandon : dossier de recevabilité non retourné"}
	}
	switch {
	case status == domain.StatusWithdrawn && route == domain.RouteVAE:
		return []step{withdrawal}
	case status == domain.StatusWithdrawn:
		return []step{path[0], withdrawal}
	}
	for i, st := range path {
		if st.Status == status {
			return path[:i+1]
		}
	}
	return nil // the status a new enrolment starts in
}
