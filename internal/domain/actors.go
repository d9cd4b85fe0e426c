package domain

import "time"

// Role is what a user may do in cqp; each assignment is limited to a scope.
type Role string

const (
	RoleSecretariat          Role = "secretariat"           // whole branch
	RoleTrainingOrganisation Role = "training_organisation" // scope: a training organisation
	RoleCompany              Role = "company"               // scope: a company
	RoleCompanyReferent      Role = "company_referent"      // scope: a company; sees the candidates they follow
	RoleCommissionMember     Role = "commission_member"     // scope: the orals they are assigned
	RoleJuryMember           Role = "jury_member"           // whole branch, session by session
	RoleJuryPresident        Role = "jury_president"
	RoleCandidate            Role = "candidate"         // scope: a candidate
	RoleBranch               Role = "branch"            // read-only oversight
	RoleFunder               Role = "funder"            // scope: a funder
	RoleVAEAdviser           Role = "vae_adviser"       // sees and comments the experience files the secretariat assigns them
	RoleSubjectCommittee     Role = "subject_committee" // whole branch: reviews the proposed subjects, keeps the bank
)

// Roles lists every role in the order menus show them.
var Roles = []Role{RoleSecretariat, RoleTrainingOrganisation, RoleCompany, RoleCompanyReferent,
	RoleCommissionMember, RoleJuryMember, RoleJuryPresident, RoleCandidate, RoleBranch, RoleFunder, RoleVAEAdviser, RoleSubjectCommittee}

// Valid reports whether r is a known role.
func (r Role) Valid() bool {
	for _, x := range Roles {
		if x == r {
			return true
		}
	}
	return false
}

// Label is the French name of the role.
func (r Role) Label() string {
	switch r {
	case RoleSecretariat:
		return "Secrétariat (CSCA)"
	case RoleTrainingOrganisation:
		return "Organisme de formation"
	case RoleCompany:
		return "Entreprise"
	case RoleCompanyReferent:
		return "Référent entreprise"
	case RoleCommissionMember:
		return "Membre de commission"
	case RoleJuryMember:
		return "Membre du jury"
	case RoleJuryPresident:
		return "Président du jury"
	case RoleCandidate:
		return "Candidat"
	case RoleBranch:
		return "Branche (CPNEFP)"
	case RoleFunder:
		return "Financeur (OPCO)"
	case RoleVAEAdviser:
		return "Accompagnateur VAE"
	case RoleSubjectCommittee:
		return "Membre de la commission de sujets"
	}
	return string(r)
}

// ScopeKind says what a role's scope_id points at.
func (r Role) ScopeKind() string {
	switch r {
	case RoleTrainingOrganisation:
		return "training_organisation"
	case RoleCompany, RoleCompanyReferent:
		return "company"
	case RoleCandidate:
		return "candidate"
	case RoleFunder:
		return "funder"
	}
	return ""
}

// RoleAssignment is one role of a user, with its scope ("" for branch-wide roles).
type RoleAssignment struct {
	ID        string
	UserID    string
	Role      Role
	ScopeID   string
	ScopeName string // filled when read, for display
	CreatedAt time.Time
}

// User is an account that can log in.
type User struct {
	ID           string
	Email        string
	Name         string
	PasswordHash string
	DisabledAt   *time.Time
	CreatedAt    time.Time
	Roles        []RoleAssignment
	// SessionGeneration moves on with every password change or reset: a session logged in
	// under an older generation has ended.
	SessionGeneration int
}

// Disabled reports whether the account may no longer log in.
func (u User) Disabled() bool { return u.DisabledAt != nil }

// Actor is who is acting: the logged-in user and their roles. The zero Actor is anonymous.
type Actor struct {
	UserID    string
	Name      string
	Roles     []RoleAssignment
	RequestID string
	System    bool // the platform itself (start-up, CLI, demo loader)
}

// SystemActor acts for the platform in CLI commands and start-up tasks.
func SystemActor(name string) Actor { return Actor{Name: name, System: true} }

// Has reports whether the actor holds role r (in any scope).
func (a Actor) Has(r Role) bool {
	for _, x := range a.Roles {
		if x.Role == r {
			return true
		}
	}
	return false
}

// Scopes returns the scope IDs of every assignment of role r.
func (a Actor) Scopes(r Role) []string {
	var out []string
	for _, x := range a.Roles {
		if x.Role == r {
			out = append(out, x.ScopeID)
		}
	}
	return out
}

// PrimaryRole is the role recorded in the audit trail: the first assignment, in Roles order.
func (a Actor) PrimaryRole() Role {
	if a.System {
		return "system"
	}
	for _, r := range Roles {
		if a.Has(r) {
			return r
		}
	}
	return ""
}

// TrainingOrganisation is an OF.
type TrainingOrganisation struct {
	ID             string
	Name           string
	SIRET          string
	City           string
	Email          string
	CreatedAt      time.Time
	Accreditations []Accreditation
}

// Accreditation (habilitation) lets an OF run a qualification between two dates, inclusive.
type Accreditation struct {
	ID                     string
	TrainingOrganisationID string
	QualificationID        string
	QualificationCode      string
	QualificationTitle     string
	ValidFrom              Date
	ValidUntil             Date
	CreatedAt              time.Time
	// Status is active unless the secretariat suspended or withdrew it, with StatusReason,
	// on StatusChangedAt (nil while it never changed).
	Status          AccreditationStatus
	StatusReason    string
	StatusChangedAt *time.Time
	// ObligationsVersion is the version of the branch's obligations accepted (0 = none).
	ObligationsVersion int
}

// AccreditationStatus says whether an accreditation is in force, suspended or withdrawn.
type AccreditationStatus string

const (
	AccreditationActive    AccreditationStatus = "active"
	AccreditationSuspended AccreditationStatus = "suspended"
	AccreditationWithdrawn AccreditationStatus = "withdrawn"
)

// Label says the status in French.
func (s AccreditationStatus) Label() string {
	switch s {
	case AccreditationSuspended:
		return "suspendue"
	case AccreditationWithdrawn:
		return "retirée"
	}
	return "active"
}

// Active reports whether the accreditation is neither suspended nor withdrawn.
func (a Accreditation) Active() bool {
	return a.Status == "" || a.Status == AccreditationActive
}

// CoversDate reports whether the accreditation is valid on d: within its dates and neither
// suspended nor withdrawn.
func (a Accreditation) CoversDate(d Date) bool {
	return a.Active() && a.CoversDates(d)
}

// CoversDates reports whether d falls within the accreditation's dates, whatever its status.
func (a Accreditation) CoversDates(d Date) bool {
	return !d.Before(a.ValidFrom) && !a.ValidUntil.Before(d)
}

// Company is an employer or internship host.
type Company struct {
	ID        string
	Name      string
	SIRET     string
	City      string
	CreatedAt time.Time
}

// Funder is an OPCO.
type Funder struct {
	ID        string
	Name      string
	CreatedAt time.Time
}
