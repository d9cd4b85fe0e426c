package service

import (
	"context"
	"fmt"
	"net/url"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"cqp/internal/domain"
	"cqp/internal/store"
)

// Evaluation commissions and their orals (DOMAIN.md §6). The secretariat forms a commission of
// two voting members delegated by the jury, with an optional non-voting representative of the
// training organisations, and schedules orals before it. Nobody sits at the oral of a candidate
// of a company or training organisation they are affiliated with (conflict of interest), nobody
// is booked on two orals at once, and a candidate has one oral at a time. Scheduling an oral
// sends each person a convocation with a calendar file.

// CommissionInput is a new commission.
type CommissionInput struct {
	Name             string
	VotingMemberIDs  []string // exactly two accounts holding the commission member role
	RepresentativeID string   // optional: a training organisation's representative, who does not vote
}

// CreateCommission forms a commission.
func (s *Service) CreateCommission(ctx context.Context, a domain.Actor, in CommissionInput) (store.Commission, error) {
	if err := Check(a, ActCommissionManage); err != nil {
		return store.Commission{}, err
	}
	fe := domain.FieldErrors{}
	name := strings.TrimSpace(in.Name)
	switch {
	case name == "":
		fe.Add("name", "Donnez un nom à la commission (par exemple « Commission de Paris — décembre 2026 »).")
	case utf8.RuneCountInString(name) > 200:
		fe.Add("name", "Le nom de la commission dépasse 200 caractères : raccourcissez-le.")
	}
	fe.CheckLine("name", name)
	var voting []string
	for _, id := range in.VotingMemberIDs {
		if id = strings.TrimSpace(id); id != "" {
			voting = append(voting, id)
		}
	}
	rep := strings.TrimSpace(in.RepresentativeID)
	var c store.Commission
	err := s.store.Write(ctx, func(q store.Q) error {
		members := make([]store.CommissionMember, 0, 3)
		for i, id := range voting {
			field := "member" + strconv.Itoa(i+1)
			u, err := q.UserByID(ctx, id)
			switch {
			case domain.ErrorCode(err) == domain.ENOTFOUND:
				fe.Add(field, "Ce compte n'existe pas : choisissez un membre dans la liste.")
				continue
			case err != nil:
				return err
			case u.Disabled():
				fe.Add(field, u.Name+" a un compte désactivé : choisissez un autre membre.")
				continue
			case !hasRole(u, domain.RoleCommissionMember):
				fe.Add(field, u.Name+" n'a pas le rôle « membre de commission » : seuls les membres délégués par le jury évaluent.")
				continue
			}
			if i > 0 && voting[0] == id {
				fe.Add(field, "Choisissez deux membres différents.")
				continue
			}
			members = append(members, store.CommissionMember{UserID: u.ID, Name: u.Name, Email: u.Email, Voting: true})
		}
		if len(voting) != 2 {
			fe.Add("member"+strconv.Itoa(len(voting)+1), "Une commission compte exactement deux membres délégués par le jury, qui évaluent.")
		}
		if rep != "" {
			u, err := q.UserByID(ctx, rep)
			switch {
			case domain.ErrorCode(err) == domain.ENOTFOUND:
				fe.Add("representative", "Ce compte n'existe pas : choisissez le représentant dans la liste.")
			case err != nil:
				return err
			case u.Disabled():
				fe.Add("representative", u.Name+" a un compte désactivé : choisissez un autre représentant.")
			case !hasRole(u, domain.RoleTrainingOrganisation):
				fe.Add("representative", u.Name+" n'a pas le rôle « organisme de formation » : le représentant vient d'un organisme de formation.")
			case contains(voting, u.ID):
				fe.Add("representative", u.Name+" est déjà membre votant : le représentant est une autre personne.")
			default:
				members = append(members, store.CommissionMember{UserID: u.ID, Name: u.Name, Email: u.Email})
			}
		}
		if err := fe.Err(); err != nil {
			return err
		}
		c = store.Commission{ID: newID(), Name: name, CreatedAt: s.Now(), Members: members}
		if err := q.CreateCommission(ctx, c); err != nil {
			return err
		}
		after := map[string]any{"name": name}
		var names []string
		for _, m := range members {
			if err := q.AddCommissionMember(ctx, c.ID, m); err != nil {
				return err
			}
			if m.Voting {
				names = append(names, m.Name)
			} else {
				after["representative"] = m.Name
			}
		}
		after["members"] = names
		return s.audit(ctx, q, a, change{Action: "commission.create", EntityType: "commission", EntityID: c.ID, After: after})
	})
	return c, err
}

func hasRole(u domain.User, r domain.Role) bool {
	for _, x := range u.Roles {
		if x.Role == r {
			return true
		}
	}
	return false
}

// Commissions lists the commissions, newest first.
func (s *Service) Commissions(ctx context.Context, a domain.Actor) ([]store.Commission, error) {
	if err := Check(a, ActCommissionManage); err != nil {
		return nil, err
	}
	return s.store.Read().Commissions(ctx)
}

// CommissionChoices are the people and enrolments the secretariat picks from.
type CommissionChoices struct {
	Members         []domain.User // accounts with the commission member role
	Representatives []domain.User // accounts with the training organisation role
	Enrolments      []store.OralCandidate
	Companies       []domain.Company
	Organisations   []domain.TrainingOrganisation
}

// CommissionChoices returns who may sit on a commission and which enrolments may be heard.
func (s *Service) CommissionChoices(ctx context.Context, a domain.Actor) (CommissionChoices, error) {
	if err := Check(a, ActCommissionManage); err != nil {
		return CommissionChoices{}, err
	}
	q := s.store.Read()
	var out CommissionChoices
	var err error
	if out.Members, err = activeUsers(ctx, q, domain.RoleCommissionMember); err != nil {
		return out, err
	}
	if out.Representatives, err = activeUsers(ctx, q, domain.RoleTrainingOrganisation); err != nil {
		return out, err
	}
	if out.Enrolments, err = q.OralCandidates(ctx); err != nil {
		return out, err
	}
	if out.Companies, err = q.ListCompanies(ctx, nil); err != nil {
		return out, err
	}
	out.Organisations, err = q.ListTrainingOrganisations(ctx, nil)
	return out, err
}

func activeUsers(ctx context.Context, q store.Q, r domain.Role) ([]domain.User, error) {
	users, err := q.ListUsers(ctx, store.UserFilter{Role: r})
	if err != nil {
		return nil, err
	}
	var out []domain.User
	for _, u := range users {
		if !u.Disabled() {
			out = append(out, u)
		}
	}
	return out, nil
}

// CommissionView is a commission's page: its members with their affiliations, and its orals.
type CommissionView struct {
	Commission   store.Commission
	Affiliations map[string][]store.Affiliation // member user id → affiliations
	Orals        []OralView
}

// Commission returns a commission with its members' affiliations and its orals.
func (s *Service) Commission(ctx context.Context, a domain.Actor, id string) (CommissionView, error) {
	if err := Check(a, ActCommissionManage); err != nil {
		return CommissionView{}, err
	}
	q := s.store.Read()
	c, err := q.Commission(ctx, id)
	if err != nil {
		return CommissionView{}, err
	}
	v := CommissionView{Commission: c}
	ids := make([]string, len(c.Members))
	for i, m := range c.Members {
		ids[i] = m.UserID
	}
	if v.Affiliations, err = q.Affiliations(ctx, ids); err != nil {
		return v, err
	}
	orals, err := q.ListOrals(ctx, store.OralFilter{CommissionID: id})
	if err != nil {
		return v, err
	}
	for _, o := range orals {
		v.Orals = append(v.Orals, oralView(o))
	}
	return v, nil
}

// MemberAffiliations is a person's affiliations, for the secretariat's form.
type MemberAffiliations struct {
	User         domain.User
	Affiliations []store.Affiliation
}

// Recorded returns the ids of the organisations of a kind recorded by hand.
func (m MemberAffiliations) Recorded(kind string) []string {
	var out []string
	for _, af := range m.Affiliations {
		if af.Kind == kind && !af.FromRole {
			out = append(out, af.OrgID)
		}
	}
	return out
}

// FromRoles returns the affiliations given by the person's roles.
func (m MemberAffiliations) FromRoles() []store.Affiliation {
	var out []store.Affiliation
	for _, af := range m.Affiliations {
		if af.FromRole {
			out = append(out, af)
		}
	}
	return out
}

// MemberAffiliations returns a person's affiliations, recorded and from their roles.
func (s *Service) MemberAffiliations(ctx context.Context, a domain.Actor, userID string) (MemberAffiliations, error) {
	if err := Check(a, ActCommissionManage); err != nil {
		return MemberAffiliations{}, err
	}
	q := s.store.Read()
	u, err := q.UserByID(ctx, userID)
	if err != nil {
		if domain.ErrorCode(err) == domain.ENOTFOUND {
			return MemberAffiliations{}, domain.Errorf(domain.ENOTFOUND, "Compte introuvable.")
		}
		return MemberAffiliations{}, err
	}
	affs, err := q.Affiliations(ctx, []string{u.ID})
	return MemberAffiliations{User: u, Affiliations: affs[u.ID]}, err
}

// SetAffiliations records the companies and training organisations a person works for, besides
// those their roles give, so that they are never assigned a candidate of those.
func (s *Service) SetAffiliations(ctx context.Context, a domain.Actor, userID string, companyIDs, organisationIDs []string) error {
	if err := Check(a, ActCommissionManage); err != nil {
		return err
	}
	return s.store.Write(ctx, func(q store.Q) error {
		u, err := q.UserByID(ctx, userID)
		if err != nil {
			if domain.ErrorCode(err) == domain.ENOTFOUND {
				return domain.Errorf(domain.ENOTFOUND, "Compte introuvable.")
			}
			return err
		}
		before, err := q.Affiliations(ctx, []string{u.ID})
		if err != nil {
			return err
		}
		fe := domain.FieldErrors{}
		var affs []store.Affiliation
		seen := map[string]bool{}
		for _, id := range companyIDs {
			if id = strings.TrimSpace(id); id == "" || seen["c"+id] {
				continue
			}
			seen["c"+id] = true
			if ok, err := q.ScopeExists(ctx, "company", id); err != nil {
				return err
			} else if !ok {
				fe.Add("companies", "Une des entreprises choisies n'existe pas : rechargez la page.")
				continue
			}
			affs = append(affs, store.Affiliation{Kind: store.AffiliationCompany, OrgID: id})
		}
		for _, id := range organisationIDs {
			if id = strings.TrimSpace(id); id == "" || seen["o"+id] {
				continue
			}
			seen["o"+id] = true
			if ok, err := q.ScopeExists(ctx, "training_organisation", id); err != nil {
				return err
			} else if !ok {
				fe.Add("organisations", "Un des organismes choisis n'existe pas : rechargez la page.")
				continue
			}
			affs = append(affs, store.Affiliation{Kind: store.AffiliationTrainingOrganisation, OrgID: id})
		}
		if err := fe.Err(); err != nil {
			return err
		}
		if err := q.SetAffiliations(ctx, u.ID, affs); err != nil {
			return err
		}
		return s.audit(ctx, q, a, change{Action: "commission.affiliations", EntityType: "user", EntityID: u.ID,
			Before: affiliationState(before[u.ID], false), After: affiliationState(affs, false)})
	})
}

func affiliationState(affs []store.Affiliation, withRoles bool) map[string][]string {
	st := map[string][]string{"companies": {}, "training_organisations": {}}
	for _, af := range affs {
		if af.FromRole && !withRoles {
			continue
		}
		if af.Kind == store.AffiliationCompany {
			st["companies"] = append(st["companies"], af.OrgID)
		} else {
			st["training_organisations"] = append(st["training_organisations"], af.OrgID)
		}
	}
	return st
}

// OralView is an oral with its times in Paris.
type OralView struct {
	store.OralListing
}

func oralView(o store.OralListing) OralView { return OralView{OralListing: o} }

// Day is the oral's date, « 09/12/2026 ».
func (o OralView) Day() string { return o.StartsAt.In(domain.Paris()).Format("02/01/2006") }

// LongDay is the oral's date as a letter writes it, « mercredi 9 décembre 2026 ».
func (o OralView) LongDay() string { return FrenchLongDate(o.StartsAt) }

// Start is the oral's start time in Paris, « 14:00 ».
func (o OralView) Start() string { return o.StartsAt.In(domain.Paris()).Format("15:04") }

// End is the oral's planned end in Paris, « 15:00 ».
func (o OralView) End() string { return o.Ends().In(domain.Paris()).Format("15:04") }

// When says « le 09/12/2026 de 14:00 à 15:00 ».
func (o OralView) When() string { return "le " + o.Day() + " de " + o.Start() + " à " + o.End() }

// Voting reports whether the user is a voting member of the oral's commission.
func (o OralView) Voting(userID string) bool {
	for _, m := range o.Members {
		if m.UserID == userID && m.Voting {
			return true
		}
	}
	return false
}

// OralInput is an oral as the secretariat types it.
type OralInput struct {
	CommissionID string
	EnrolmentID  string
	Date         string // JJ/MM/AAAA
	Time         string // HH:MM, Paris time
	Duration     string // minutes
	Place        string
	VideoLink    string
}

// Oral durations accepted, in minutes.
const (
	minOralMinutes = 15
	maxOralMinutes = 8 * 60
)

// ScheduledOral is a newly scheduled oral and who was sent a convocation.
type ScheduledOral struct {
	Oral OralView
	Sent []string // the addresses convoked
	// NoEmail, when set, names the candidate without an e-mail address: their convocation must
	// be handed over another way.
	NoEmail string
	// Subjects are the practical case and knowledge question drawn, or why none (subject_draws.go).
	Subjects []SubjectDrawOutcome
}

// ScheduleOral schedules a candidate's oral before a commission and sends the convocations.
// It refuses, naming who and why, a member affiliated with the candidate's company or
// training organisation, a member already booked at an overlapping time, and a candidate
// already scheduled at an overlapping time.
func (s *Service) ScheduleOral(ctx context.Context, a domain.Actor, in OralInput) (ScheduledOral, error) {
	if err := Check(a, ActCommissionManage); err != nil {
		return ScheduledOral{}, err
	}
	fe := domain.FieldErrors{}
	start, duration := s.parseOralTime(fe, in)
	place, link := parseOralPlace(fe, in)
	var out ScheduledOral
	err := s.store.Write(ctx, func(q store.Q) error {
		c, err := q.Commission(ctx, strings.TrimSpace(in.CommissionID))
		if err != nil {
			return err
		}
		var cand domain.Candidate
		var e domain.Enrolment
		if strings.TrimSpace(in.EnrolmentID) == "" {
			fe.Add("enrolment", "Choisissez le candidat à entendre.")
		} else if cand, e, err = enrolmentUnscoped(ctx, q, strings.TrimSpace(in.EnrolmentID)); err != nil {
			if domain.ErrorCode(err) != domain.ENOTFOUND {
				return err
			}
			fe.Add("enrolment", "Cette inscription n'existe pas : choisissez le candidat dans la liste.")
		} else if e.Status == domain.StatusWithdrawn || e.Status == domain.StatusCertified {
			fe.Add("enrolment", "L'inscription de "+cand.DisplayName()+" est au statut « "+e.Status.Label()+" » : elle n'appelle plus d'oral.")
		} else if msg, err := vaeOralRefusal(ctx, q, cand, e); err != nil {
			return err
		} else if msg != "" {
			fe.Add("enrolment", msg)
		}
		if err := fe.Err(); err != nil {
			return err
		}
		o := store.Oral{ID: newID(), CommissionID: c.ID, EnrolmentID: e.ID, StartsAt: start, DurationMinutes: duration,
			Place: place, VideoLink: link, CreatedAt: s.Now()}
		if err := s.checkOralConflicts(ctx, q, c, cand, e, o); err != nil {
			return err
		}
		if err := q.CreateOral(ctx, o); err != nil {
			return err
		}
		listing, err := q.Oral(ctx, o.ID)
		if err != nil {
			return err
		}
		out.Oral = oralView(listing)
		if out.Subjects, err = s.drawOralSubjects(ctx, q, a, o, cand, e, domain.SubjectKinds, nil, ""); err != nil {
			return err
		}
		if err := s.audit(ctx, q, a, change{Action: "oral.schedule", EntityType: "oral", EntityID: o.ID, CandidateID: cand.ID,
			After: oralState(out.Oral)}); err != nil {
			return err
		}
		out.Sent, out.NoEmail, err = s.queueConvocations(ctx, q, out.Oral, cand)
		return err
	})
	return out, err
}

// parseOralPlace reads where the oral is held: a place, a video link, or both.
func parseOralPlace(fe domain.FieldErrors, in OralInput) (place, link string) {
	place, link = strings.TrimSpace(in.Place), strings.TrimSpace(in.VideoLink)
	if place == "" && link == "" {
		fe.Add("place", "Indiquez le lieu de l'oral, ou un lien de visioconférence.")
	}
	if utf8.RuneCountInString(place) > 300 {
		fe.Add("place", "Le lieu dépasse 300 caractères : raccourcissez-le.")
	}
	if link != "" {
		if u, err := url.Parse(link); err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
			fe.Add("video_link", "Le lien de visioconférence doit être une adresse web complète, commençant par https://.")
		}
	}
	return place, link
}

// parseOralTime reads the date, time and duration; the time is in Paris.
func (s *Service) parseOralTime(fe domain.FieldErrors, in OralInput) (time.Time, int) {
	var start time.Time
	day, derr := domain.ParseFrenchDate(strings.TrimSpace(in.Date))
	if strings.TrimSpace(in.Date) == "" {
		fe.Add("date", "Indiquez la date de l'oral au format JJ/MM/AAAA.")
	} else if derr != nil {
		fe.Add("date", "La date « "+strings.TrimSpace(in.Date)+" » n'est pas au format JJ/MM/AAAA.")
	}
	hm, terr := time.Parse("15:04", strings.TrimSpace(in.Time))
	if strings.TrimSpace(in.Time) == "" {
		fe.Add("time", "Indiquez l'heure de début au format HH:MM (heure de Paris).")
	} else if terr != nil {
		fe.Add("time", "L'heure « "+strings.TrimSpace(in.Time)+" » n'est pas au format HH:MM, par exemple 14:30.")
	}
	if derr == nil && terr == nil {
		d := day.Time()
		start = time.Date(d.Year(), d.Month(), d.Day(), hm.Hour(), hm.Minute(), 0, 0, domain.Paris()).UTC()
		if start.Before(s.Now()) {
			fe.Add("date", "Cette date et cette heure sont passées : un oral se programme à l'avance.")
		}
	}
	duration, err := strconv.Atoi(strings.TrimSpace(in.Duration))
	if err != nil || duration < minOralMinutes || duration > maxOralMinutes {
		fe.Add("duration", fmt.Sprintf("Indiquez la durée en minutes, de %d à %d.", minOralMinutes, maxOralMinutes))
	}
	return start, duration
}

// checkOralConflicts refuses an oral that puts a member before a candidate of their own
// company or training organisation, books a member twice, or hears a candidate twice at once.
func (s *Service) checkOralConflicts(ctx context.Context, q store.Q, c store.Commission, cand domain.Candidate, e domain.Enrolment, o store.Oral) error {
	ids := make([]string, len(c.Members))
	for i, m := range c.Members {
		ids[i] = m.UserID
	}
	affs, err := q.Affiliations(ctx, ids)
	if err != nil {
		return err
	}
	var problems []string
	for _, m := range c.Members {
		for _, af := range affs[m.UserID] {
			var what string
			switch {
			case af.Kind == store.AffiliationTrainingOrganisation && af.OrgID == e.TrainingOrganisationID:
				what = "à l'organisme de formation « " + af.OrgName + " », qui forme " + cand.DisplayName()
			case af.Kind == store.AffiliationCompany && af.OrgID == e.CompanyID:
				what = "à l'entreprise « " + af.OrgName + " », où " + cand.DisplayName() + " travaille ou fait son stage"
			default:
				continue
			}
			source := "rattachement enregistré par le secrétariat"
			if af.FromRole {
				source = "rattachement donné par son compte"
			}
			problems = append(problems, "conflit d'intérêts : "+m.Name+" ("+memberKind(m)+") est rattaché·e "+what+" ("+source+")")
		}
	}
	window := time.Duration(maxOralMinutes) * time.Minute
	others, err := q.ListOrals(ctx, store.OralFilter{MemberUserIDs: ids, From: o.StartsAt.Add(-window), Until: o.Ends()})
	if err != nil {
		return err
	}
	for _, other := range others {
		if other.ID == o.ID || !other.Overlaps(o) { // an oral being moved does not conflict with itself
			continue
		}
		for _, m := range c.Members {
			for _, om := range other.Members {
				if om.UserID == m.UserID {
					problems = append(problems, m.Name+" est déjà pris·e par un autre oral qui chevauche celui-ci : "+
						describeOral(oralView(other)))
				}
			}
		}
	}
	theirs, err := q.ListOrals(ctx, store.OralFilter{CandidateID: cand.ID, From: o.StartsAt.Add(-window), Until: o.Ends()})
	if err != nil {
		return err
	}
	for _, other := range theirs {
		if other.ID != o.ID && other.Overlaps(o) {
			problems = append(problems, cand.DisplayName()+" a déjà un oral à ce moment : "+describeOral(oralView(other)))
		}
	}
	if len(problems) == 0 {
		return nil
	}
	msg := "L'oral ne peut pas être programmé. " + strings.ToUpper(problems[0][:1]) + problems[0][1:]
	for _, p := range problems[1:] {
		msg += " ; " + p
	}
	return domain.Errorf(domain.ECONFLICT, "%s.", msg)
}

func memberKind(m store.CommissionMember) string {
	if m.Voting {
		return "membre de la commission"
	}
	return "représentant des organismes de formation"
}

// describeOral names an oral for a message: « le 09/12/2026 de 14:00 à 15:00, commission
// « Commission B », candidat Paul MARTIN ».
func describeOral(o OralView) string {
	return o.When() + ", commission « " + o.CommissionName + " », candidat " + o.Candidate.DisplayName()
}

func oralState(o OralView) map[string]any {
	st := map[string]any{"commission": o.CommissionName, "enrolment": o.EnrolmentID, "starts_at": o.Day() + " " + o.Start(),
		"duration_minutes": o.DurationMinutes}
	if o.Place != "" {
		st["place"] = o.Place
	}
	if o.VideoLink != "" {
		st["video_link"] = o.VideoLink
	}
	return st
}

// SendConvocations sends the convocations of an oral again, to the candidate and every member.
func (s *Service) SendConvocations(ctx context.Context, a domain.Actor, oralID string) (ScheduledOral, error) {
	if err := Check(a, ActCommissionManage); err != nil {
		return ScheduledOral{}, err
	}
	var out ScheduledOral
	err := s.store.Write(ctx, func(q store.Q) error {
		o, err := q.Oral(ctx, oralID)
		if err != nil {
			return err
		}
		out.Oral = oralView(o)
		cand, _, err := enrolmentUnscoped(ctx, q, o.EnrolmentID)
		if err != nil {
			return err
		}
		if out.Sent, out.NoEmail, err = s.queueConvocations(ctx, q, out.Oral, cand); err != nil {
			return err
		}
		return s.audit(ctx, q, a, change{Action: "oral.convocations", EntityType: "oral", EntityID: o.ID, CandidateID: cand.ID,
			After: map[string]any{"recipients": out.Sent}})
	})
	return out, err
}

// queueConvocations puts the convocations in the outbox: the candidate (their e-mail, or their
// account's) and each member, each with the oral's calendar file.
func (s *Service) queueConvocations(ctx context.Context, q store.Q, o OralView, cand domain.Candidate) ([]string, string, error) {
	ics := Attachment{Name: "convocation.ics", Type: "text/calendar; charset=UTF-8; method=PUBLISH", Content: s.convocationEvent(o).ICS()}
	var sent []string
	noEmail := ""
	to := cand.Email
	if to == "" && cand.UserID != "" {
		if u, err := q.UserByID(ctx, cand.UserID); err == nil {
			to = u.Email
		} else if domain.ErrorCode(err) != domain.ENOTFOUND {
			return nil, "", err
		}
	}
	if to == "" {
		noEmail = cand.DisplayName()
	} else {
		var held map[string]bool
		if o.Stage == domain.StageBlocsFinal {
			var err error
			if held, err = acquiredBlocks(ctx, q, o.EnrolmentID); err != nil {
				return nil, "", err
			}
		}
		if err := s.queueMailWithAttachment(ctx, q, to, "Convocation à l'oral de certification — "+o.QualificationTitle,
			candidateConvocation(o, cand, held), ics); err != nil {
			return nil, "", err
		}
		sent = append(sent, to)
	}
	for _, m := range o.Members {
		if err := s.queueMailWithAttachment(ctx, q, m.Email, "Oral de certification du "+o.Day()+" — "+cand.DisplayName(),
			s.memberConvocation(o, m, cand), ics); err != nil {
			return nil, "", err
		}
		sent = append(sent, m.Email)
	}
	return sent, noEmail, nil
}

// convocationEvent is the oral as a calendar event; its UID stays the same when convocations
// are sent again, so calendars update the event instead of adding one.
func (s *Service) convocationEvent(o OralView) CalendarEvent {
	desc := "Oral de certification — " + o.Candidate.DisplayName() + " (CQP " + o.QualificationTitle + ", blocs " +
		strings.Join(o.Blocks, ", ") + ") devant la commission « " + o.CommissionName + " »."
	if s.baseURL != "" {
		desc += "\nDossier : " + strings.TrimRight(s.baseURL, "/") + "/oraux/" + o.ID
	}
	return CalendarEvent{UID: o.ID + "@cqp", Stamp: s.Now(), Start: o.StartsAt, End: o.Ends(),
		Summary:  "Oral de certification CQP " + o.QualificationTitle + " — " + o.Candidate.DisplayName(),
		Location: o.Place, URL: o.VideoLink, Description: desc}
}

func oralWhereLines(o OralView) string {
	var b strings.Builder
	b.WriteString("  Date : " + o.LongDay() + "\n")
	b.WriteString("  Heure : " + o.Start() + " (heure de Paris), durée " + strconv.Itoa(o.DurationMinutes) + " minutes\n")
	if o.Place != "" {
		b.WriteString("  Lieu : " + o.Place + "\n")
	}
	if o.VideoLink != "" {
		b.WriteString("  Visioconférence : " + o.VideoLink + "\n")
	}
	return b.String()
}

// candidateConvocation is the candidate's mail; held are the blocks they hold, read on the blocs
// route's final stage, whose oral covers them apart from the experience file.
func candidateConvocation(o OralView, cand domain.Candidate, held map[string]bool) string {
	content := "L'oral se déroule en quatre temps : la présentation de votre parcours, un cas pratique, une question de " +
		"connaissances et des questions ouvertes sur l'ensemble de vos blocs (" + strings.Join(o.Blocks, ", ") + ").\n\n"
	if o.Stage == domain.StageBlocsFinal {
		var trained, byFile []string
		for _, b := range o.Blocks {
			if held[b] {
				trained = append(trained, b)
			} else {
				byFile = append(byFile, b)
			}
		}
		content = "Évaluation finale de la voie des blocs : la commission vous interroge par un cas pratique, une question de connaissances " +
			"et un entretien sur les blocs acquis par formation (" + strings.Join(trained, ", ") + "), qui restent acquis"
		if len(byFile) > 0 {
			content += ", et vous entend sur votre dossier d'expérience pour " + blockList(byFile)
		}
		content += ".\n\n"
	}
	return "Bonjour " + cand.DisplayName() + ",\n\n" +
		"Vous êtes convoqué·e à l'oral de certification du CQP « " + o.QualificationTitle + " » :\n\n" +
		oralWhereLines(o) + "\n" + content +
		"Le fichier joint « convocation.ics » ajoute ce rendez-vous à votre agenda.\n\n" +
		"Le secrétariat des CQP\n"
}

func (s *Service) memberConvocation(o OralView, m store.CommissionMember, cand domain.Candidate) string {
	role := "Vous siégez, comme membre délégué par le jury,"
	if !m.Voting {
		role = "Vous assistez, comme représentant des organismes de formation (sans évaluer),"
	}
	body := "Bonjour " + m.Name + ",\n\n" + role + " à la commission « " + o.CommissionName + " » pour un oral de certification : " +
		cand.DisplayName() + " (CQP « " + o.QualificationTitle + " », blocs " + strings.Join(o.Blocks, ", ") + ").\n\n" +
		oralWhereLines(o) + "\n"
	if s.baseURL != "" {
		body += "Le dossier du candidat"
		if m.Voting {
			body += " et la grille de la commission"
		}
		body += " : " + strings.TrimRight(s.baseURL, "/") + "/oraux/" + o.ID + "\n\n"
	}
	return body + "Le fichier joint « convocation.ics » ajoute ce rendez-vous à votre agenda.\n\nLe secrétariat des CQP\n"
}

// OralPlanning is the orals list: the secretariat's planning, or a member's own orals.
type OralPlanning struct {
	Upcoming []OralView
	Past     []OralView
	Own      bool // the list holds only the actor's orals
}

// Orals returns the planning: every oral for the secretariat, only their own for a member.
func (s *Service) Orals(ctx context.Context, a domain.Actor) (OralPlanning, error) {
	if err := Check(a, ActOralRead); err != nil {
		return OralPlanning{}, err
	}
	f := store.OralFilter{}
	out := OralPlanning{}
	if AccessFor(a, ActOralRead) != AccessAll {
		f.MemberUserID, out.Own = a.UserID, true
	}
	orals, err := s.store.Read().ListOrals(ctx, f)
	if err != nil {
		return out, err
	}
	today := s.Today().Time()
	startOfDay := time.Date(today.Year(), today.Month(), today.Day(), 0, 0, 0, 0, domain.Paris())
	for _, o := range orals {
		if o.Ends().Before(startOfDay) {
			out.Past = append([]OralView{oralView(o)}, out.Past...)
		} else {
			out.Upcoming = append(out.Upcoming, oralView(o))
		}
	}
	return out, nil
}

// OralDetail is everything one oral needs on one page: the candidate, their blocks with their
// competences, the commission, and where the commission's grid stands.
type OralDetail struct {
	Oral      OralView
	Candidate domain.Candidate // identity
	Framework domain.Framework
	Blocks    []domain.Block // the candidate's blocks, in framework order
	Grid      GridState      // the commission's grid
	// CanGrade is true for a voting member of this commission: the grid is theirs to fill.
	CanGrade bool
}

// Oral returns one oral: for the secretariat any, for a member only one before their commission.
func (s *Service) Oral(ctx context.Context, a domain.Actor, id string) (OralDetail, error) {
	if err := Check(a, ActOralRead); err != nil {
		return OralDetail{}, err
	}
	q := s.store.Read()
	o, err := q.Oral(ctx, id)
	if err != nil {
		return OralDetail{}, err
	}
	v := oralView(o)
	if AccessFor(a, ActOralRead) != AccessAll {
		member := false
		for _, m := range o.Members {
			member = member || m.UserID == a.UserID
		}
		if !member {
			return OralDetail{}, domain.Errorf(domain.ENOTFOUND, "Oral introuvable.")
		}
	}
	fw, err := q.Framework(ctx, o.FrameworkID)
	if err != nil {
		return OralDetail{}, err
	}
	d := OralDetail{Oral: v, Candidate: o.Candidate, Framework: fw.Framework, CanGrade: v.Voting(a.UserID) && Can(a, ActGridCommission)}
	for _, b := range fw.Framework.Blocks {
		if contains(o.Blocks, b.Code) {
			d.Blocks = append(d.Blocks, b)
		}
	}
	grids, err := q.GridVersions(ctx, o.EnrolmentID, domain.EvaluatorCommission)
	if err != nil {
		return OralDetail{}, err
	}
	d.Grid = GridState{Evaluator: domain.EvaluatorCommission, Required: true}
	if len(grids) > 0 {
		d.Grid.Latest = &grids[0]
	}
	for i := range grids {
		if grids[i].Status == store.GridSubmitted {
			d.Grid.Submitted = &grids[i]
			break
		}
	}
	return d, nil
}
