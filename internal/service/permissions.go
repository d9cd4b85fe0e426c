package service

import "cqp/internal/domain"

// Action is something a user may ask cqp to do. Every web route and API route names one.
type Action string

const (
	ActDashboard       Action = "dashboard"        // one's own dashboard
	ActAccount         Action = "account"          // one's own password and API tokens
	ActCandidateList   Action = "candidate.list"   // the candidates list
	ActCandidateRead   Action = "candidate.read"   // a candidate's file
	ActCandidateCreate Action = "candidate.create" // enrol a new candidate
	ActCandidateUpdate Action = "candidate.update" // change a candidate's identity
	// Correct a recorded identity (a typo in a name, a wrong birth date) on the proof of a
	// civil-status document: the secretariat alone, since the certificate prints it.
	ActCandidateIdentityCorrect Action = "candidate.identity_correct"
	ActFrameworkRead            Action = "framework.read"        // browse frameworks
	ActFrameworkImport          Action = "framework.import"      // load a new framework version
	ActFrameworkConfirm         Action = "framework.confirm"     // confirm or correct an item flagged to confirm
	ActOrganisationRead         Action = "organisation.read"     // training organisations
	ActOrganisationManage       Action = "organisation.manage"   // create OFs, grant, suspend, withdraw accreditations, obligations
	ActRegisterExport           Action = "organisation.register" // the register of accredited OFs, for France Compétences
	ActBilanExport              Action = "report.bilan"          // the annual bilan (XLSX) of the CQPs, for the CPNEFP
	ActCompanyRead              Action = "company.read"          // companies
	ActCompanyManage            Action = "company.manage"        // create companies
	ActUserManage               Action = "user.manage"           // accounts and roles
	ActAuditRead                Action = "audit.read"            // the audit trail
	ActOutboxRead               Action = "outbox.read"           // mails kept when no SMTP server is set
	// The right of access (RGPD art. 15): everything cqp holds on a candidate, as JSON and PDF.
	ActPersonalDataExport Action = "candidate.personal_data"

	// The formation route (issue 4).
	ActActionRead        Action = "action.read"                // actions (fiches action) and their calendar
	ActActionDeclare     Action = "action.declare"             // declare an action, add its calendar and candidates
	ActActionReview      Action = "action.review"              // comment on or refuse an action
	ActEnrolmentManage   Action = "enrolment.manage"           // interview, eligibility data, blocks, company and referent, status, import
	ActEnrolmentDerogate Action = "enrolment.derogate"         // record a reasoned derogation to eligibility
	ActBlocsEnrol        Action = "enrolment.blocs"            // enrol an employee on the blocs route with an accredited OF
	ActBlocsFinal        Action = "enrolment.blocs_final"      // open the blocs route's final stage for a person holding attestations
	ActTrainingRecord    Action = "training.record"            // training hours, internships, continuous marks
	ActLogbookWrite      Action = "logbook.write"              // the referent's follow-up entries
	ActGridOrganisation  Action = "grid.training_organisation" // the OF's final evaluation grid
	ActGridReferent      Action = "grid.company_referent"      // the referent's final evaluation grid
	ActGridCommission    Action = "grid.commission"            // the commission's grid and reasoned opinion
	ActCommissionManage  Action = "commission.manage"          // form commissions, schedule orals, send convocations
	ActOralRead          Action = "oral.read"                  // orals: the secretariat's planning, a member's own orals

	// Jury sessions and certificates (issue 5).
	ActJuryRead          Action = "jury.read"          // sessions, their candidates and debates
	ActJuryManage        Action = "jury.manage"        // schedule sessions, invite, record attendance, present candidates
	ActJuryDecide        Action = "jury.decide"        // record the decision and reason on a debated block
	ActJuryClose         Action = "jury.close"         // close a session: results frozen
	ActJuryDerogate      Action = "jury.derogate"      // record a reasoned derogation to a gate before the jury
	ActCertificateRead   Action = "certificate.read"   // certificates and attestations, and their PDFs
	ActCertificateIssue  Action = "certificate.issue"  // issue and send certificates and attestations
	ActCertificateRevoke Action = "certificate.revoke" // revoke one, with a reason
	ActBranchSettings    Action = "branch.settings"    // quorum, signatories

	// The VAE route (issue 6).
	ActVAERead    Action = "vae.read"    // VAE files: requests, admissibility files, experience files and evidence
	ActVAERequest Action = "vae.request" // record a VAE request (the secretariat, or a company for its employee)
	ActVAEFill    Action = "vae.fill"    // write the admissibility file and the experience file, upload evidence
	ActVAEReview  Action = "vae.review"  // give the reasoned opinion on an admissibility file one was asked to review
	ActVAEDecide  Action = "vae.decide"  // send the file, ask for a review, decide, revoke, name the adviser
	ActVAEAdvise  Action = "vae.advise"  // comment on the experience file as its VAE adviser

	// Personal data (issue 14).
	ActPersonalDataErase Action = "personal_data.erase" // erase a person's data on their request
	ActNIRRead           Action = "nir.read"            // see a candidate's NIR whole (others see it masked), list the missing ones
	ActNIRWrite          Action = "nir.write"           // record a candidate's NIR

	// The declaration of awards to the Caisse des Dépôts (issue 13).
	ActDeclarationRead  Action = "declaration.read"  // the declarations page: states, what cannot be declared, late ones
	ActDeclarationWrite Action = "declaration.write" // build a batch, download its file, apply a processing report

	// What the branch sees (issue 12).
	ActStatisticsRead Action = "statistics.read" // the statistics page: results, steps, delays

	// The subject bank (issue 18).
	ActSubjectPropose         Action = "subject.propose"   // write, submit and withdraw one's organisation's proposals, read their decisions
	ActSubjectCallManage      Action = "subject.call"      // open the yearly call for proposals: its dates
	ActSubjectCommitteeManage Action = "subject.committee" // schedule the subject committee's sessions and name their members
	ActSubjectReview          Action = "subject.review"    // accept, accept with changes or refuse a submitted proposal
	ActSubjectBankRead        Action = "subject.bank"      // the bank: every subject's texts, versions, reviews and use
	ActSubjectRetire          Action = "subject.retire"    // take a subject out of the bank, with a reason
	// The subjects drawn for an oral: the secretariat and the subject committee at any time, the
	// oral's commission from the day of the oral (subject_draws.go); never the proposers.
	ActSubjectDrawRead Action = "subject.draw.read"
	ActSubjectRedraw   Action = "subject.redraw" // draw again one kind or both, with a reason
	// The secretariat types or corrects a candidate's answer to the outcome survey (a phone call).
	ActSurveyRecord Action = "survey.record"

	// The change feed (issue 17): what changed, from the audit trail, within the reader's
	// scope; the same readers subscribe webhooks to it on « Mon compte ».
	ActEventRead Action = "event.read"
)

// Access is how far a role may carry an action.
type Access int

const (
	AccessNone   Access = iota
	AccessScoped        // only within the role's own scope (its OF, company, candidates…)
	AccessAll           // across the whole branch
)

var everyRole = func() map[domain.Role]Access {
	m := map[domain.Role]Access{}
	for _, r := range domain.Roles {
		m[r] = AccessAll
	}
	return m
}

// Permissions is the one table of who may do what: action × role → access. Handlers and
// services consult it through Can and Check; a test walks every route against it.
var Permissions = map[Action]map[domain.Role]Access{
	ActDashboard:     everyRole(),
	ActAccount:       everyRole(),
	ActFrameworkRead: everyRole(),
	ActCandidateList: {
		domain.RoleSecretariat: AccessAll, domain.RoleBranch: AccessAll,
		domain.RoleTrainingOrganisation: AccessScoped, domain.RoleCompany: AccessScoped,
		domain.RoleCompanyReferent: AccessScoped,
	},
	ActCandidateRead: {
		domain.RoleSecretariat: AccessAll, domain.RoleBranch: AccessAll,
		domain.RoleTrainingOrganisation: AccessScoped, domain.RoleCompany: AccessScoped,
		domain.RoleCompanyReferent: AccessScoped, domain.RoleCandidate: AccessScoped,
		domain.RoleCommissionMember: AccessScoped, // the candidates of their orals
	},
	ActCandidateCreate: {
		domain.RoleSecretariat: AccessAll, domain.RoleTrainingOrganisation: AccessScoped,
	},
	ActCandidateUpdate: {
		domain.RoleSecretariat: AccessAll, domain.RoleTrainingOrganisation: AccessScoped,
	},
	ActCandidateIdentityCorrect: {domain.RoleSecretariat: AccessAll},
	ActFrameworkImport:          {domain.RoleSecretariat: AccessAll},
	// Confirming the branch's wording is the secretariat's; the branch (CPNEFP) reads only.
	ActFrameworkConfirm: {domain.RoleSecretariat: AccessAll},
	ActOrganisationRead: {
		domain.RoleSecretariat: AccessAll, domain.RoleBranch: AccessAll,
		domain.RoleTrainingOrganisation: AccessScoped,
	},
	ActOrganisationManage: {domain.RoleSecretariat: AccessAll},
	ActRegisterExport:     {domain.RoleSecretariat: AccessAll, domain.RoleBranch: AccessAll},
	ActBilanExport:        {domain.RoleSecretariat: AccessAll, domain.RoleBranch: AccessAll},
	ActCompanyRead: {
		domain.RoleSecretariat: AccessAll, domain.RoleBranch: AccessAll,
		domain.RoleTrainingOrganisation: AccessAll, // an OF picks the companies of its candidates
		domain.RoleCompany:              AccessScoped, domain.RoleCompanyReferent: AccessScoped,
	},
	ActCompanyManage: {domain.RoleSecretariat: AccessAll},
	ActUserManage:    {domain.RoleSecretariat: AccessAll},
	ActAuditRead:     {domain.RoleSecretariat: AccessAll, domain.RoleBranch: AccessAll},
	ActOutboxRead:    {domain.RoleSecretariat: AccessAll},
	// The candidate downloads their own data; the secretariat answers a request made to it.
	ActPersonalDataExport: {domain.RoleSecretariat: AccessAll, domain.RoleCandidate: AccessScoped},

	ActActionRead: {
		domain.RoleSecretariat: AccessAll, domain.RoleBranch: AccessAll,
		domain.RoleTrainingOrganisation: AccessScoped, // its own actions
		domain.RoleCompany:              AccessScoped, // actions its employees or interns follow
		domain.RoleFunder:               AccessScoped, // actions it funds
	},
	ActActionDeclare:     {domain.RoleSecretariat: AccessAll, domain.RoleTrainingOrganisation: AccessScoped},
	ActActionReview:      {domain.RoleSecretariat: AccessAll},
	ActEnrolmentManage:   {domain.RoleSecretariat: AccessAll, domain.RoleTrainingOrganisation: AccessScoped},
	ActEnrolmentDerogate: {domain.RoleSecretariat: AccessAll},
	// A company enrols its own employees on the blocs route; the secretariat may do it for one.
	ActBlocsEnrol:       {domain.RoleSecretariat: AccessAll, domain.RoleCompany: AccessScoped},
	ActBlocsFinal:       {domain.RoleSecretariat: AccessAll},
	ActTrainingRecord:   {domain.RoleSecretariat: AccessAll, domain.RoleTrainingOrganisation: AccessScoped},
	ActLogbookWrite:     {domain.RoleCompanyReferent: AccessScoped},
	ActGridOrganisation: {domain.RoleTrainingOrganisation: AccessScoped},
	ActGridReferent:     {domain.RoleCompanyReferent: AccessScoped},
	ActGridCommission:   {domain.RoleCommissionMember: AccessScoped},
	ActCommissionManage: {domain.RoleSecretariat: AccessAll},
	ActOralRead:         {domain.RoleSecretariat: AccessAll, domain.RoleCommissionMember: AccessScoped},

	ActJuryRead: {
		domain.RoleSecretariat: AccessAll, domain.RoleBranch: AccessAll,
		domain.RoleJuryMember: AccessScoped, domain.RoleJuryPresident: AccessScoped, // the sessions they are invited to
	},
	ActJuryManage: {domain.RoleSecretariat: AccessAll},
	// The secretariat captures decisions as the jury speaks them; the president may too, in a
	// session they are invited to and recorded present at, and closes it on the same terms.
	ActJuryDecide:   {domain.RoleSecretariat: AccessAll, domain.RoleJuryPresident: AccessScoped},
	ActJuryClose:    {domain.RoleJuryPresident: AccessScoped},
	ActJuryDerogate: {domain.RoleSecretariat: AccessAll},
	ActCertificateRead: {
		domain.RoleSecretariat: AccessAll, domain.RoleBranch: AccessAll,
		domain.RoleCandidate: AccessScoped, // their own
	},
	ActCertificateIssue:  {domain.RoleSecretariat: AccessAll},
	ActCertificateRevoke: {domain.RoleSecretariat: AccessAll},
	ActBranchSettings:    {domain.RoleSecretariat: AccessAll},

	ActVAERead: {
		domain.RoleSecretariat: AccessAll, domain.RoleBranch: AccessAll,
		domain.RoleCandidate:            AccessScoped, // their own
		domain.RoleCompany:              AccessScoped, // its employees' requests
		domain.RoleTrainingOrganisation: AccessScoped, // the files it was asked to review
		domain.RoleVAEAdviser:           AccessScoped, // the files it follows
		domain.RoleCommissionMember:     AccessScoped, // the files of the orals it hears
	},
	ActVAERequest: {domain.RoleSecretariat: AccessAll, domain.RoleCompany: AccessScoped},
	// The secretariat types in a file returned on paper.
	ActVAEFill:   {domain.RoleSecretariat: AccessAll, domain.RoleCandidate: AccessScoped},
	ActVAEReview: {domain.RoleTrainingOrganisation: AccessScoped},
	ActVAEDecide: {domain.RoleSecretariat: AccessAll},
	ActVAEAdvise: {domain.RoleVAEAdviser: AccessScoped},

	ActPersonalDataErase: {domain.RoleSecretariat: AccessAll},
	ActNIRRead:           {domain.RoleSecretariat: AccessAll},
	ActNIRWrite:          {domain.RoleSecretariat: AccessAll, domain.RoleCandidate: AccessScoped}, // the candidate, their own
	ActDeclarationRead:   {domain.RoleSecretariat: AccessAll},
	ActDeclarationWrite:  {domain.RoleSecretariat: AccessAll},
	ActStatisticsRead:    {domain.RoleSecretariat: AccessAll, domain.RoleBranch: AccessAll},

	// Training organisations propose every year, companies when they can (the guide); each
	// reads only its own proposals, never the bank nor the draws.
	ActSubjectPropose: {
		domain.RoleTrainingOrganisation: AccessScoped, domain.RoleCompany: AccessScoped, domain.RoleCompanyReferent: AccessScoped,
	},
	ActSubjectCallManage:      {domain.RoleSecretariat: AccessAll},
	ActSubjectCommitteeManage: {domain.RoleSecretariat: AccessAll},
	ActSubjectReview:          {domain.RoleSubjectCommittee: AccessAll},
	ActSubjectBankRead:        {domain.RoleSecretariat: AccessAll, domain.RoleSubjectCommittee: AccessAll},
	ActSubjectRetire:          {domain.RoleSecretariat: AccessAll, domain.RoleSubjectCommittee: AccessAll},
	ActSubjectDrawRead: {
		domain.RoleSecretariat: AccessAll, domain.RoleSubjectCommittee: AccessAll,
		domain.RoleCommissionMember: AccessScoped, // the orals it hears, from their day
	},
	ActSubjectRedraw: {domain.RoleSecretariat: AccessAll},
	ActSurveyRecord:  {domain.RoleSecretariat: AccessAll},
	ActEventRead: {
		domain.RoleSecretariat: AccessAll, domain.RoleBranch: AccessAll,
		domain.RoleTrainingOrganisation: AccessScoped, // its candidates, enrolments, actions and their orals
		domain.RoleCompany:              AccessScoped, // its employees and their enrolments
		domain.RoleCompanyReferent:      AccessScoped, // the enrolments it follows
		domain.RoleCommissionMember:     AccessScoped, // the orals of its commissions
		domain.RoleCandidate:            AccessScoped, // their own
	},
}

// AccessFor returns the widest access any of the actor's roles gives for the action.
func AccessFor(a domain.Actor, act Action) Access {
	if a.System {
		return AccessAll
	}
	best := AccessNone
	for _, r := range a.Roles {
		if acc := Permissions[act][r.Role]; acc > best {
			best = acc
		}
	}
	return best
}

// Can reports whether the actor may do the action at all (in some scope).
func Can(a domain.Actor, act Action) bool { return AccessFor(a, act) != AccessNone }

// RoleCan reports whether the role alone may do the action.
func RoleCan(r domain.Role, act Action) bool { return Permissions[act][r] != AccessNone }

// Check returns an error unless the actor may do the action: "unauthorized" for an anonymous
// caller, "forbidden" otherwise.
func Check(a domain.Actor, act Action) error {
	if Can(a, act) {
		return nil
	}
	if a.UserID == "" && !a.System {
		return domain.Errorf(domain.EUNAUTHORIZED, "Connectez-vous pour accéder à cette page.")
	}
	return domain.Errorf(domain.EFORBIDDEN, "Votre rôle ne permet pas cette action.")
}

// scopedAssignments says how far the actor may carry act: all is true when one of their roles
// carries it across the branch; otherwise scoped lists the assignments whose role carries it
// within its own scope, for the caller to turn into a store scope. An actor with no such role
// gets Check's error.
func scopedAssignments(a domain.Actor, act Action) (all bool, scoped []domain.RoleAssignment, err error) {
	switch AccessFor(a, act) {
	case AccessAll:
		return true, nil, nil
	case AccessNone:
		return false, nil, Check(a, act)
	}
	for _, r := range a.Roles {
		if Permissions[act][r.Role] == AccessScoped {
			scoped = append(scoped, r)
		}
	}
	return false, scoped, nil
}
