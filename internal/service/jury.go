package service

import (
	"context"
	"fmt"
	"net/url"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"cqp/internal/domain"
	"cqp/internal/rules"
	"cqp/internal/store"
)

// Jury sessions (DOMAIN.md §6–§7, issue 5 items 1–3 and 8).
//
// The secretariat keeps the jury roster (who may sit, for which college), schedules a session,
// invites members from the roster, records who is present, and presents the enrolments that
// await the jury. Deliberation opens only when the members present reach the quorum the
// branch set (4 unless configured), copied onto the session when it is scheduled. The jury
// then decides each block the rules engine puts in debate, with a reason; the president
// closes the session, which computes every final result and freezes every input and decision
// in a snapshot that is never written again (jury_close.go). The minutes are printed from that
// snapshot only (minutes.go).
//
// A later session (item 8): an enrolment with a partial result may be presented again. It
// goes back to "awaiting jury" when presented, and comes back to "partial" if withdrawn before
// the deliberation; the blocks it acquired stay acquired (they are PriorBlocks for the rules
// engine) and only its open blocks are judged.

// College is the part of the branch a jury member represents.
type College string

const (
	CollegeUnions                College = "unions"
	CollegeEmployers             College = "employers"
	CollegeExperts               College = "experts"
	CollegeTrainingOrganisations College = "training_organisations"
	CollegeCPNEFPPresident       College = "cpnefp_president"
)

// Colleges lists the colleges in the order the jury's composition gives them.
var Colleges = []College{CollegeUnions, CollegeEmployers, CollegeExperts, CollegeTrainingOrganisations, CollegeCPNEFPPresident}

// Valid reports whether c is a known college.
func (c College) Valid() bool { return slices.Contains(Colleges, c) }

// Label is the French name of the college.
func (c College) Label() string {
	switch c {
	case CollegeUnions:
		return "Organisations syndicales de salariés"
	case CollegeEmployers:
		return "Collège employeurs"
	case CollegeExperts:
		return "Experts de la formation professionnelle en assurance"
	case CollegeTrainingOrganisations:
		return "Représentant des organismes de formation"
	case CollegeCPNEFPPresident:
		return "Président de la CPNEFP"
	}
	return string(c)
}

// Seats is how many members of the college the jury holds (DOMAIN.md §6).
func (c College) Seats() int {
	switch c {
	case CollegeUnions, CollegeEmployers:
		return 5
	case CollegeExperts:
		return 2
	case CollegeTrainingOrganisations, CollegeCPNEFPPresident:
		return 1
	}
	return 0
}

// Quorum is how many members are present against how many the session requires.
type Quorum struct {
	Required int
	Present  int
}

// Reached reports whether the session may deliberate.
func (q Quorum) Reached() bool { return q.Present >= q.Required }

// Missing is how many more members must be present.
func (q Quorum) Missing() int { return max(q.Required-q.Present, 0) }

// Message says where the quorum stands, e.g. « Quorum non atteint : 3 présents sur 4 requis,
// il manque 1 membre. »
func (q Quorum) Message() string {
	present := Plural(q.Present, "présent", "présents")
	if q.Reached() {
		return fmt.Sprintf("Quorum atteint : %s sur %d requis.", present, q.Required)
	}
	return fmt.Sprintf("Quorum non atteint : %s sur %d requis, il manque %s.", present, q.Required, Plural(q.Missing(), "membre", "membres"))
}

// Plural writes n with its noun; French takes the singular for 0 and 1.
func Plural(n int, singular, pluralForm string) string {
	if n < 2 {
		return fmt.Sprintf("%d %s", n, singular)
	}
	return fmt.Sprintf("%d %s", n, pluralForm)
}

// branchID returns the id of the branch the platform runs (the first one loaded).
func branchID(ctx context.Context, q store.Q) (store.BranchRecord, error) {
	bs, err := q.Branches(ctx)
	if err != nil {
		return store.BranchRecord{}, err
	}
	if len(bs) == 0 {
		return store.BranchRecord{}, domain.Errorf(domain.ECONFLICT, "Aucune branche n'est enregistrée : importez d'abord un référentiel.")
	}
	return bs[0], nil
}

// --- Roster and settings ---------------------------------------------------------------------

// CollegeCount is how many roster members a college has against its seats.
type CollegeCount struct {
	College College
	Seats   int
	Count   int
}

// Over reports whether the roster holds more people than the college's seats (substitutes).
func (c CollegeCount) Over() bool { return c.Count > c.Seats }

// RosterEntry is a roster member with their college in French.
type RosterEntry struct{ store.RosterMember }

// CollegeLabel is the member's college in French.
func (e RosterEntry) CollegeLabel() string { return College(e.College).Label() }

func rosterEntries(ms []store.RosterMember) []RosterEntry {
	out := make([]RosterEntry, len(ms))
	for i, m := range ms {
		out[i] = RosterEntry{m}
	}
	return out
}

// JuryRosterView is the roster page: members by name, counts per college, the jury accounts
// not on the roster yet, and the branch's settings.
type JuryRosterView struct {
	Members   []RosterEntry
	Colleges  []CollegeCount
	Available []domain.User // accounts holding a jury role, not on the roster
	Settings  store.BranchSettings
}

// JuryRoster returns the roster and the branch's jury settings.
func (s *Service) JuryRoster(ctx context.Context, a domain.Actor) (JuryRosterView, error) {
	if err := Check(a, ActJuryManage); err != nil {
		return JuryRosterView{}, err
	}
	q := s.store.Read()
	var v JuryRosterView
	roster, err := q.JuryRoster(ctx)
	if err != nil {
		return v, err
	}
	v.Members = rosterEntries(roster)
	users, err := q.JuryUsers(ctx)
	if err != nil {
		return v, err
	}
	on := map[string]bool{}
	counts := map[string]int{}
	for _, m := range v.Members {
		on[m.UserID] = true
		counts[m.College]++
	}
	for _, c := range Colleges {
		v.Colleges = append(v.Colleges, CollegeCount{College: c, Seats: c.Seats(), Count: counts[string(c)]})
	}
	for _, u := range users {
		if !on[u.ID] {
			v.Available = append(v.Available, u)
		}
	}
	b, err := branchID(ctx, q)
	if err != nil {
		return v, err
	}
	v.Settings, err = q.BranchSettings(ctx, b.ID)
	return v, err
}

// SetJuryRosterMember puts an account holding a jury role on the roster for a college, or
// moves it to another college.
func (s *Service) SetJuryRosterMember(ctx context.Context, a domain.Actor, userID string, college College) error {
	if err := Check(a, ActJuryManage); err != nil {
		return err
	}
	fe := domain.FieldErrors{}
	if userID == "" {
		fe.Add("user", "Choisissez un membre du jury.")
	}
	if !college.Valid() {
		fe.Add("college", "Choisissez le collège que ce membre représente.")
	}
	if err := fe.Err(); err != nil {
		return err
	}
	return s.store.Write(ctx, func(q store.Q) error {
		u, err := q.UserByID(ctx, userID)
		if domain.ErrorCode(err) == domain.ENOTFOUND {
			return (domain.FieldErrors{"user": "Ce compte n'existe pas."}).Err()
		}
		if err != nil {
			return err
		}
		if u.Disabled() {
			return (domain.FieldErrors{"user": "Ce compte est désactivé : réactivez-le avant de l'inscrire au jury."}).Err()
		}
		if !hasJuryRole(u.Roles) {
			return (domain.FieldErrors{"user": "Ce compte n'a pas le rôle « Membre du jury » ni « Président du jury » : ajoutez-lui ce rôle d'abord."}).Err()
		}
		roster, err := q.JuryRoster(ctx)
		if err != nil {
			return err
		}
		var before any
		for _, m := range roster {
			if m.UserID == userID {
				if m.College == string(college) {
					return domain.Errorf(domain.ECONFLICT, "%s siège déjà pour ce collège.", u.Name)
				}
				before = map[string]string{"college": College(m.College).Label()}
			}
		}
		if err := q.SetRosterMember(ctx, userID, string(college), s.Now()); err != nil {
			return err
		}
		return s.audit(ctx, q, a, change{Action: "jury.roster_set", EntityType: "user", EntityID: userID,
			Before: before, After: map[string]string{"name": u.Name, "college": college.Label()}})
	})
}

func hasJuryRole(roles []domain.RoleAssignment) bool {
	for _, r := range roles {
		if r.Role == domain.RoleJuryMember || r.Role == domain.RoleJuryPresident {
			return true
		}
	}
	return false
}

// RemoveJuryRosterMember takes a member off the roster. Their past sessions keep them.
func (s *Service) RemoveJuryRosterMember(ctx context.Context, a domain.Actor, userID string) error {
	if err := Check(a, ActJuryManage); err != nil {
		return err
	}
	return s.store.Write(ctx, func(q store.Q) error {
		u, err := q.UserByID(ctx, userID)
		if err != nil {
			return err
		}
		if err := q.RemoveRosterMember(ctx, userID); err != nil {
			if domain.ErrorCode(err) == domain.ENOTFOUND {
				return domain.Errorf(domain.ENOTFOUND, "%s ne figure pas sur la liste du jury.", u.Name)
			}
			return err
		}
		return s.audit(ctx, q, a, change{Action: "jury.roster_remove", EntityType: "user", EntityID: userID,
			Before: map[string]string{"name": u.Name}})
	})
}

// JurySettingsInput is the settings form: the quorum and the signatories' names.
type JurySettingsInput struct {
	Quorum            string
	JuryPresidentName string
	CSCAPresidentName string
	CPNEPresidentName string
}

// maxJury is the jury's full composition: a quorum above it could never be reached.
func maxJury() int {
	n := 0
	for _, c := range Colleges {
		n += c.Seats()
	}
	return n
}

// SaveJurySettings records the branch's quorum and signatories. Sessions already scheduled
// keep the quorum they were scheduled with.
func (s *Service) SaveJurySettings(ctx context.Context, a domain.Actor, in JurySettingsInput) (store.BranchSettings, error) {
	if err := Check(a, ActBranchSettings); err != nil {
		return store.BranchSettings{}, err
	}
	fe := domain.FieldErrors{}
	quorum, ok := atoi(strings.TrimSpace(in.Quorum))
	if !ok || quorum < 1 || quorum > maxJury() {
		fe.Add("quorum", fmt.Sprintf("Le quorum est un nombre entier de membres, de 1 à %d (la composition complète du jury).", maxJury()))
	}
	names := []*string{&in.JuryPresidentName, &in.CSCAPresidentName, &in.CPNEPresidentName}
	for i, field := range []string{"jury_president_name", "csca_president_name", "cpne_president_name"} {
		*names[i] = strings.Join(strings.Fields(*names[i]), " ")
		if utf8.RuneCountInString(*names[i]) > 200 {
			fe.Add(field, "Ce nom dépasse 200 caractères.")
		}
	}
	if err := fe.Err(); err != nil {
		return store.BranchSettings{}, err
	}
	var out store.BranchSettings
	err := s.store.Write(ctx, func(q store.Q) error {
		b, err := branchID(ctx, q)
		if err != nil {
			return err
		}
		before, err := q.BranchSettings(ctx, b.ID)
		if err != nil {
			return err
		}
		out = store.BranchSettings{BranchID: b.ID, JuryQuorum: quorum, JuryPresidentName: in.JuryPresidentName,
			CSCAPresidentName: in.CSCAPresidentName, CPNEPresidentName: in.CPNEPresidentName, UpdatedAt: s.Now()}
		if err := q.SaveBranchSettings(ctx, out); err != nil {
			return err
		}
		return s.audit(ctx, q, a, change{Action: "branch.settings", EntityType: "branch", EntityID: b.ID,
			Before: settingsState(before), After: settingsState(out)})
	})
	return out, err
}

func settingsState(b store.BranchSettings) map[string]any {
	return map[string]any{"quorum": b.JuryQuorum, "jury_president": b.JuryPresidentName,
		"csca_president": b.CSCAPresidentName, "cpne_president": b.CPNEPresidentName}
}

func atoi(s string) (int, bool) {
	if s == "" || len(s) > 6 || !allDigits(s) {
		return 0, false
	}
	n := 0
	for _, r := range s {
		n = n*10 + int(r-'0')
	}
	return n, true
}

// --- Sessions --------------------------------------------------------------------------------

// JurySessionInput is the scheduling form: the day, the hour, and a place or a video link.
type JurySessionInput struct {
	Date      string // 25/11/2026 or 2026-11-25
	Time      string // 14:00
	Place     string
	VideoLink string
}

// parse checks the form and returns the start time in UTC.
func (in *JurySessionInput) parse(fe domain.FieldErrors) time.Time {
	in.Place = strings.Join(strings.Fields(in.Place), " ")
	in.VideoLink = strings.TrimSpace(in.VideoLink)
	d, err := domain.ParseFrenchDate(strings.TrimSpace(in.Date))
	switch {
	case strings.TrimSpace(in.Date) == "":
		fe.Add("date", "Indiquez le jour de la session, au format JJ/MM/AAAA.")
	case err != nil || d.Time().Year() < 2000 || d.Time().Year() > 2100:
		fe.Add("date", "La date doit être au format JJ/MM/AAAA, par exemple 25/11/2026.")
	}
	hm, terr := time.Parse("15:04", strings.TrimSpace(in.Time))
	if terr != nil {
		fe.Add("time", "Indiquez l'heure de début au format HH:MM, par exemple 14:00.")
	}
	if in.Place == "" && in.VideoLink == "" {
		fe.Add("place", "Indiquez le lieu de la session, ou un lien de visioconférence.")
	}
	if utf8.RuneCountInString(in.Place) > 300 {
		fe.Add("place", "Le lieu dépasse 300 caractères : raccourcissez-le.")
	}
	if in.VideoLink != "" {
		u, err := url.Parse(in.VideoLink)
		if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" || len(in.VideoLink) > 500 {
			fe.Add("video_link", "Le lien de visioconférence doit être une adresse web complète, commençant par https://.")
		}
	}
	if len(fe) > 0 {
		return time.Time{}
	}
	t := d.Time()
	return time.Date(t.Year(), t.Month(), t.Day(), hm.Hour(), hm.Minute(), 0, 0, domain.Paris()).UTC()
}

// ScheduleJurySession plans a session with the branch's current quorum.
func (s *Service) ScheduleJurySession(ctx context.Context, a domain.Actor, in JurySessionInput) (store.JurySession, error) {
	if err := Check(a, ActJuryManage); err != nil {
		return store.JurySession{}, err
	}
	fe := domain.FieldErrors{}
	starts := in.parse(fe)
	if err := fe.Err(); err != nil {
		return store.JurySession{}, err
	}
	var js store.JurySession
	err := s.store.Write(ctx, func(q store.Q) error {
		js = store.JurySession{StartsAt: starts, Place: in.Place, VideoLink: in.VideoLink}
		if err := s.newSession(ctx, q, &js); err != nil {
			return err
		}
		return s.audit(ctx, q, a, change{Action: "jury.session_create", EntityType: "jury_session", EntityID: js.ID,
			After: sessionState(js)})
	})
	return js, err
}

// newSession completes and stores a planned session with the branch's current quorum.
func (s *Service) newSession(ctx context.Context, q store.Q, js *store.JurySession) error {
	b, err := branchID(ctx, q)
	if err != nil {
		return err
	}
	settings, err := q.BranchSettings(ctx, b.ID)
	if err != nil {
		return err
	}
	js.ID, js.BranchID, js.Quorum, js.Status, js.CreatedAt = newID(), b.ID, settings.JuryQuorum, store.JuryPlanned, s.Now()
	return q.CreateJurySession(ctx, *js)
}

func sessionState(js store.JurySession) map[string]any {
	m := map[string]any{"starts_at": SessionWhen(js.StartsAt), "quorum": js.Quorum}
	if js.Place != "" {
		m["place"] = js.Place
	}
	if js.VideoLink != "" {
		m["video_link"] = js.VideoLink
	}
	if js.RectifiesSessionID != "" {
		m["rectifies"] = js.RectifiesSessionID
	}
	return m
}

// SessionWhen says a session's start in French, in Paris time: « 25/11/2026 à 14:00 ».
func SessionWhen(t time.Time) string { return t.In(domain.Paris()).Format("02/01/2006 à 15:04") }

// JurySessions returns the sessions the actor may read, the most recent first: every session
// for the secretariat and the branch, those they are invited to for a jury member.
func (s *Service) JurySessions(ctx context.Context, a domain.Actor) ([]store.JurySession, error) {
	return readableJurySessions(ctx, s.store.Read(), a)
}

// openSession returns a session that is not closed, locked for the rest of the transaction.
func openSession(ctx context.Context, q store.Q, id string) (store.JurySession, error) {
	js, err := q.LockJurySession(ctx, id)
	if err != nil {
		return js, err
	}
	if js.Status == store.JuryClosed {
		return js, errSessionClosed()
	}
	return js, nil
}

func errSessionClosed() error {
	return domain.Errorf(domain.ECONFLICT, "La session est close : ses résultats sont figés. Une correction passe par une session de rectification.")
}

// InviteJuryMembers invites roster members to a session, for the college they sit for. Those
// already invited are left as they are; it returns how many were invited.
func (s *Service) InviteJuryMembers(ctx context.Context, a domain.Actor, sessionID string, userIDs []string) (int, error) {
	if err := Check(a, ActJuryManage); err != nil {
		return 0, err
	}
	if len(userIDs) == 0 {
		return 0, (domain.FieldErrors{"members": "Cochez au moins un membre à inviter."}).Err()
	}
	n := 0
	err := s.store.Write(ctx, func(q store.Q) error {
		if _, err := openSession(ctx, q, sessionID); err != nil {
			return err
		}
		roster, err := q.JuryRoster(ctx)
		if err != nil {
			return err
		}
		invited, err := q.JuryInvitations(ctx, sessionID)
		if err != nil {
			return err
		}
		already := map[string]bool{}
		for _, in := range invited {
			already[in.UserID] = true
		}
		var names []string
		for _, id := range userIDs {
			i := slices.IndexFunc(roster, func(m store.RosterMember) bool { return m.UserID == id })
			if i < 0 {
				return (domain.FieldErrors{"members": "Un membre coché ne figure pas sur la liste du jury : rechargez la page."}).Err()
			}
			if already[id] {
				continue
			}
			if roster[i].Disabled {
				return (domain.FieldErrors{"members": roster[i].Name + " a un compte désactivé : il ne peut pas être invité."}).Err()
			}
			if err := q.InviteJuryMember(ctx, sessionID, id, roster[i].College); err != nil {
				return err
			}
			already[id] = true
			names = append(names, roster[i].Name)
			n++
		}
		if n == 0 {
			return nil
		}
		return s.audit(ctx, q, a, change{Action: "jury.invite", EntityType: "jury_session", EntityID: sessionID,
			After: map[string]any{"invited": names}})
	})
	return n, err
}

// RecordJuryAttendance records who among the invited members is present: those in
// presentUserIDs, and no one else. It may change during the deliberation; decisions and the
// closing check the quorum when they are taken.
func (s *Service) RecordJuryAttendance(ctx context.Context, a domain.Actor, sessionID string, presentUserIDs []string) (Quorum, error) {
	if err := Check(a, ActJuryManage); err != nil {
		return Quorum{}, err
	}
	var qu Quorum
	err := s.store.Write(ctx, func(q store.Q) error {
		js, err := openSession(ctx, q, sessionID)
		if err != nil {
			return err
		}
		invited, err := q.JuryInvitations(ctx, sessionID)
		if err != nil {
			return err
		}
		if len(invited) == 0 {
			return domain.Errorf(domain.ECONFLICT, "Aucun membre n'est invité à cette session : invitez d'abord les membres du jury.")
		}
		present := map[string]bool{}
		for _, id := range presentUserIDs {
			if !slices.ContainsFunc(invited, func(in store.JuryInvitation) bool { return in.UserID == id }) {
				return (domain.FieldErrors{"present": "Une personne cochée n'est pas invitée à cette session : rechargez la page."}).Err()
			}
			present[id] = true
		}
		var before, after []string
		for _, in := range invited {
			if in.Present {
				before = append(before, in.Name)
			}
			if present[in.UserID] {
				after = append(after, in.Name)
			}
			if in.Present != present[in.UserID] || in.RecordedAt == nil {
				if err := q.SetJuryPresence(ctx, sessionID, in.UserID, present[in.UserID], s.Now()); err != nil {
					return err
				}
			}
		}
		qu = Quorum{Required: js.Quorum, Present: len(after)}
		return s.audit(ctx, q, a, change{Action: "jury.attendance", EntityType: "jury_session", EntityID: sessionID,
			Before: map[string]any{"present": before}, After: map[string]any{"present": after}})
	})
	return qu, err
}

// PresentJuryCandidates presents enrolments to a session. An enrolment must await the jury, or
// be partially validated (item 8: it comes back for its open blocks, and its status returns to
// "awaiting jury"); it may sit in one open session at a time; it must pass the gates before the
// jury, or have the secretariat's derogation on those it misses (jury_gates.go). A
// rectification session only re-examines the candidates of the session it corrects. One
// refusal presents none of the enrolments.
func (s *Service) PresentJuryCandidates(ctx context.Context, a domain.Actor, sessionID string, enrolmentIDs []string) (int, error) {
	if err := Check(a, ActJuryManage); err != nil {
		return 0, err
	}
	if len(enrolmentIDs) == 0 {
		return 0, (domain.FieldErrors{"enrolments": "Cochez au moins un candidat à présenter."}).Err()
	}
	n := 0
	err := s.store.Write(ctx, func(q store.Q) error {
		js, err := openSession(ctx, q, sessionID)
		if err != nil {
			return err
		}
		if js.RectifiesSessionID != "" {
			return domain.Errorf(domain.ECONFLICT, "Une session de rectification réexamine les seuls candidats de la session qu'elle corrige : présentez les autres candidats à une session ordinaire.")
		}
		fws := map[string]domain.Framework{}
		for _, id := range enrolmentIDs {
			c, e, err := enrolmentUnscoped(ctx, q, id)
			if err != nil {
				return err
			}
			retake := e.Status == domain.StatusPartial || e.Status == domain.StatusNotCertified
			if e.Status != domain.StatusAwaitingJury && !retake {
				return domain.Errorf(domain.ECONFLICT, "%s ne peut pas être présenté au jury : son inscription est au statut « %s » ; seules les inscriptions en attente du jury, en validation partielle ou non certifiées (reprise) le peuvent.",
					c.DisplayName(), e.Status.Label())
			}
			if retake {
				if msg, err := vaeOralRefusal(ctx, q, c, e); err != nil {
					return err
				} else if msg != "" {
					return domain.Errorf(domain.ECONFLICT, "%s complète son dossier d'expérience pour les blocs restant à valider : présentez-le au jury une fois le dossier déposé et la commission réunie.", c.DisplayName())
				}
			}
			if other, ok, err := q.OpenJurySessionOf(ctx, e.ID); err != nil {
				return err
			} else if ok {
				if other.ID == js.ID {
					continue
				}
				return domain.Errorf(domain.ECONFLICT, "%s est déjà présenté à la session du %s : retirez-le de cette session d'abord.",
					c.DisplayName(), SessionWhen(other.StartsAt))
			}
			in, err := loadJuryInput(ctx, q, fws, c, e, "")
			if err != nil {
				return err
			}
			if g, err := juryGates(ctx, q, in); err != nil {
				return err
			} else if !g.Presentable() {
				return gateRefusal(c, g)
			}
			if err := q.AddJuryCandidate(ctx, js.ID, e.ID); err != nil {
				return err
			}
			if retake {
				e.Status, e.UpdatedAt = domain.StatusAwaitingJury, s.Now()
				reason := "Reprise : présenté à la session du jury du " + SessionWhen(js.StartsAt) + " pour les blocs restant à acquérir"
				if err := q.SetEnrolmentStatus(ctx, newID(), e, reason, a.UserID); err != nil {
					return err
				}
			}
			if err := s.audit(ctx, q, a, change{Action: "jury.present", EntityType: "jury_session", EntityID: js.ID, CandidateID: c.ID,
				After: map[string]any{"candidate": c.DisplayName(), "number": c.Number, "qualification": e.QualificationCode, "status": string(e.Status)}}); err != nil {
				return err
			}
			n++
		}
		return nil
	})
	return n, err
}

// WithdrawJuryCandidate takes a candidate off a session that is not closed, before the jury
// decides anything on them. A retake goes back to the outcome an earlier session gave it;
// otherwise the enrolment keeps awaiting the jury.
func (s *Service) WithdrawJuryCandidate(ctx context.Context, a domain.Actor, sessionID, enrolmentID string) error {
	if err := Check(a, ActJuryManage); err != nil {
		return err
	}
	return s.store.Write(ctx, func(q store.Q) error {
		js, err := openSession(ctx, q, sessionID)
		if err != nil {
			return err
		}
		c, e, err := presentedEnrolment(ctx, q, js.ID, enrolmentID)
		if err != nil {
			return err
		}
		if js.RectifiesSessionID != "" {
			return domain.Errorf(domain.ECONFLICT, "Une session de rectification réexamine tous les candidats de la session qu'elle corrige : %s ne peut pas en être retiré.", c.DisplayName())
		}
		ds, err := q.JuryDecisions(ctx, js.ID, e.ID)
		if err != nil {
			return err
		}
		if len(ds) > 0 {
			return domain.Errorf(domain.ECONFLICT, "Le jury a déjà pris %s sur %s : supprimez-les avant de retirer le candidat.",
				Plural(len(ds), "décision", "décisions"), c.DisplayName())
		}
		if err := q.RemoveJuryCandidate(ctx, js.ID, e.ID); err != nil {
			return err
		}
		// A retake withdrawn from the session gets back the result the last jury gave it.
		if last, ok, err := q.LastJuryOutcome(ctx, e.ID); err != nil {
			return err
		} else if ok && e.Status == domain.StatusAwaitingJury {
			if status, ok := outcomeStatus(rules.CandidateOutcome(last)); ok {
				e.Status, e.UpdatedAt = status, s.Now()
				if err := q.SetEnrolmentStatus(ctx, newID(), e, "Retiré de la session du jury du "+SessionWhen(js.StartsAt)+" : le résultat du jury précédent demeure", a.UserID); err != nil {
					return err
				}
			}
		}
		return s.audit(ctx, q, a, change{Action: "jury.withdraw", EntityType: "jury_session", EntityID: js.ID, CandidateID: c.ID,
			Before: map[string]any{"candidate": c.DisplayName(), "number": c.Number}, After: map[string]any{"status": string(e.Status)}})
	})
}

// presentedEnrolment returns an enrolment presented to the session, or "not found".
func presentedEnrolment(ctx context.Context, q store.Q, sessionID, enrolmentID string) (domain.Candidate, domain.Enrolment, error) {
	cands, err := q.JuryCandidates(ctx, sessionID)
	if err != nil {
		return domain.Candidate{}, domain.Enrolment{}, err
	}
	if !slices.ContainsFunc(cands, func(c store.JuryCandidate) bool { return c.EnrolmentID == enrolmentID }) {
		return domain.Candidate{}, domain.Enrolment{}, domain.Errorf(domain.ENOTFOUND, "Ce candidat n'est pas présenté à cette session.")
	}
	return enrolmentUnscoped(ctx, q, enrolmentID)
}

// --- What the jury reads ---------------------------------------------------------------------

// JuryMember is a member invited to a session, as the session screen and the minutes list them.
type JuryMember struct {
	UserID    string  `json:"user_id"`
	Name      string  `json:"name"`
	College   College `json:"college"`
	Present   bool    `json:"present"`
	President bool    `json:"president"` // holds the jury president's role
}

// CollegeLabel is the member's college in French.
func (m JuryMember) CollegeLabel() string { return m.College.Label() }

// JuryCandidate is one presented candidate with everything the jury weighs: identity, route,
// each block with the evaluators' verdicts and the continuous mark, the rules engine's
// explanation, the jury's decision and reason, and what is missing. The same structure is
// frozen into the session's snapshot at closing.
type JuryCandidate struct {
	EnrolmentID        string                 `json:"enrolment_id"`
	CandidateID        string                 `json:"candidate_id"`
	Number             string                 `json:"number"`
	Name               string                 `json:"name"`      // Prénom NOM
	FullName           string                 `json:"full_name"` // NOM Prénoms, as official lists print it
	BirthDate          string                 `json:"birth_date"`
	QualificationCode  string                 `json:"qualification_code"`
	QualificationTitle string                 `json:"qualification_title"`
	FrameworkVersion   int                    `json:"framework_version"`
	Threshold          int                    `json:"threshold_percent"`
	Route              domain.Route           `json:"route"`
	Stage              string                 `json:"stage,omitempty"` // domain.StageBlocsFinal on the blocs route's final stage
	Outcome            rules.CandidateOutcome `json:"outcome"`
	Explanation        string                 `json:"explanation"`
	Blocks             []JuryBlock            `json:"blocks"`
	Grids              []JuryGrid             `json:"grids"`
	Missing            []string               `json:"missing,omitempty"`
	// NewlyAcquired are the blocks acquired at this session (not at an earlier one).
	NewlyAcquired []string `json:"newly_acquired,omitempty"`
	// Derogations are the secretariat's derogations to the gates before the jury the
	// candidate is presented with; UnmetGates the hours and internship gates missed without
	// one, which keep the session from closing (jury_gates.go).
	Derogations []GateDerogation `json:"derogations,omitempty"`
	UnmetGates  []string         `json:"unmet_gates,omitempty"`
}

// RouteLabel is the route in French.
func (c JuryCandidate) RouteLabel() string {
	return domain.Enrolment{Route: c.Route, Stage: c.Stage}.RouteLabel()
}

// OutcomeLabel is the candidate's outcome in French.
func (c JuryCandidate) OutcomeLabel() string { return c.Outcome.Label() }

// Debates counts the blocks the rules engine put in debate, decided or not.
func (c JuryCandidate) Debates() int {
	n := 0
	for _, b := range c.Blocks {
		if b.InDebate {
			n++
		}
	}
	return n
}

// Undecided lists the blocks in debate without a decision.
func (c JuryCandidate) Undecided() []string {
	var out []string
	for _, b := range c.Blocks {
		if b.InDebate && b.Decision == rules.JuryNone {
			out = append(out, b.Code)
		}
	}
	return out
}

// Block returns one of the candidate's blocks.
func (c JuryCandidate) Block(code string) (JuryBlock, bool) {
	for _, b := range c.Blocks {
		if b.Code == code {
			return b, true
		}
	}
	return JuryBlock{}, false
}

// Acquired lists the codes of the acquired blocks, prior ones included.
func (c JuryCandidate) Acquired() []string {
	var out []string
	for _, b := range c.Blocks {
		if b.Outcome == rules.OutcomeAcquired {
			out = append(out, b.Code)
		}
	}
	return out
}

// JuryBlock is one block of a presented candidate.
type JuryBlock struct {
	Code        string        `json:"code"`
	Title       string        `json:"title"`
	Outcome     rules.Outcome `json:"outcome"`
	Explanation string        `json:"explanation"`
	// Prior blocks were acquired at an earlier session, on PriorOn, on an enrolment of the
	// person in the same qualification: this one, or another (PriorElsewhere) on PriorRoute.
	Prior          bool         `json:"prior,omitempty"`
	PriorSessionID string       `json:"prior_session_id,omitempty"`
	PriorOn        string       `json:"prior_on,omitempty"`
	PriorRoute     domain.Route `json:"prior_route,omitempty"`
	PriorElsewhere bool         `json:"prior_elsewhere,omitempty"`
	// ContinuousMark is the mean of the block's assessments, in French notation, "" without one.
	ContinuousMark string        `json:"continuous_mark,omitempty"`
	MarkMinimum    string        `json:"mark_minimum,omitempty"`
	Verdicts       []JuryVerdict `json:"verdicts,omitempty"`
	Competences    []JuryMarks   `json:"competences,omitempty"`
	// InDebate: the rules engine put the block in debate; the jury decides it.
	InDebate        bool               `json:"in_debate,omitempty"`
	Decision        rules.JuryDecision `json:"decision,omitempty"`
	Reason          string             `json:"reason,omitempty"`
	ReferentOpinion string             `json:"referent_opinion,omitempty"`
	DecidedBy       string             `json:"decided_by,omitempty"`
	DecidedAt       *time.Time         `json:"decided_at,omitempty"`
	// StaleDecision: a decision is recorded on a block that is no longer in debate (its
	// evaluations changed since); it is not applied and must be removed before closing.
	StaleDecision bool `json:"stale_decision,omitempty"`
	// Tests are the training organisation's final tests of the block (blocs route), from the
	// version of its grid the session reads.
	Tests []JuryBlockTest `json:"tests,omitempty"`
}

// JuryBlockTest is one of the organisation's final tests of a block, as the jury reads it.
type JuryBlockTest struct {
	Kind     string `json:"kind"` // « Épreuve écrite », « Cas pratique à l'oral »
	On       string `json:"on"`   // 12/03/2027
	Result   string `json:"result"`
	Assessor string `json:"assessor"`
}

// TestsText says the block's tests in one French line: « Épreuve écrite le 12/03/2027 :
// 14/20 (Marc Dupont) ; Cas pratique à l'oral le 19/03/2027 : A (Inès Roux) ».
func (b JuryBlock) TestsText() string {
	parts := make([]string, len(b.Tests))
	for i, t := range b.Tests {
		result := t.Result
		if result != "A" && result != "NA" {
			result += "/20"
		}
		parts[i] = t.Kind + " le " + t.On + " : " + result + " (" + t.Assessor + ")"
	}
	return strings.Join(parts, " ; ")
}

// OutcomeLabel is the block's outcome in French.
func (b JuryBlock) OutcomeLabel() string { return b.Outcome.Label() }

// VerdictOf returns an evaluator's verdict on the block; its Evaluator is empty when the
// evaluator neither takes part nor is required, or when the verdicts were not read (a prior
// block, a block not admitted).
func (b JuryBlock) VerdictOf(ev domain.Evaluator) JuryVerdict {
	for _, v := range b.Verdicts {
		if v.Evaluator == ev {
			return v
		}
	}
	return JuryVerdict{}
}

// DecisionLabel is the jury's decision in French, "" without one.
func (b JuryBlock) DecisionLabel() string { return decisionLabel(b.Decision) }

func decisionLabel(d rules.JuryDecision) string {
	switch d {
	case rules.JuryAcquired:
		return "acquis"
	case rules.JuryNotAcquired:
		return "non acquis"
	}
	return ""
}

// JuryColumn is one evaluator's column on the jury's grid.
type JuryColumn struct {
	Evaluator domain.Evaluator
	Title     string // « Organisme de formation »
}

// Columns are the evaluators the candidate's route reads, in display order: the jury's grid has
// one column each, and no other (DOMAIN.md §7 rule 2).
func (c JuryCandidate) Columns() []JuryColumn {
	var out []JuryColumn
	for _, ev := range rules.RouteEvaluators(c.Route) {
		l := ev.Label()
		out = append(out, JuryColumn{Evaluator: ev, Title: strings.ToUpper(l[:1]) + l[1:]})
	}
	return out
}

// PriorOrigin says in French where a prior block comes from: « Acquis le 12/03/2026 par le
// jury, sur une autre inscription du candidat (voie « Blocs de compétences ») ».
func (b JuryBlock) PriorOrigin() string {
	out := "Acquis le " + b.PriorDate() + " par le jury"
	switch {
	case b.PriorElsewhere && b.PriorRoute != "":
		out += ", sur une autre inscription du candidat (voie « " + b.PriorRoute.Label() + " »)"
	case b.PriorElsewhere:
		out += ", sur une autre inscription du candidat"
	default:
		out += ", lors d'une session antérieure sur cette inscription"
	}
	return out
}

// BlockSource says in French how an acquired block was reached, for the minutes: by training
// (the formation and blocs routes) or by experience (VAE, and the blocs route's final stage);
// "" for a block not acquired.
func (c JuryCandidate) BlockSource(b JuryBlock) string {
	if b.Outcome != rules.OutcomeAcquired {
		return ""
	}
	route := c.Route
	if b.Prior && b.PriorRoute != "" {
		route = b.PriorRoute
	}
	switch route {
	case domain.RouteFormation, domain.RouteBlocs:
		return "formation (voie « " + route.Label() + " »)"
	case domain.RouteVAE:
		if !b.Prior && c.Stage == domain.StageBlocsFinal {
			return "expérience (dossier d'expérience à l'évaluation finale de la voie blocs)"
		}
		return "expérience (VAE)"
	}
	return ""
}

// PriorDate says in French when a prior block was acquired: « 10/12/2026 ».
func (b JuryBlock) PriorDate() string {
	d, err := domain.ParseISODate(b.PriorOn)
	if err != nil {
		return b.PriorOn
	}
	return d.String()
}

// JuryVerdict is one evaluator's verdict on a block, with its numbers.
type JuryVerdict struct {
	Evaluator domain.Evaluator `json:"evaluator"`
	Present   bool             `json:"present"` // false: a required evaluator that has not submitted
	Verdict   rules.Verdict    `json:"verdict,omitempty"`
	Acquired  int              `json:"acquired"`
	Total     int              `json:"total"`
	Marked    int              `json:"marked"`
	Count     int              `json:"competences"`
	Threshold int              `json:"threshold_percent"`
	Text      string           `json:"text"` // « acquis : 15 compétences détaillées acquises sur 15, soit 100 % ≥ 70 % »
}

// Figures says the verdict's numbers briefly: « 5/10 = 50 % < 70 % », or for an incomplete
// grid « 3 compétences notées sur 5 ».
func (v JuryVerdict) Figures() string {
	if !v.Present {
		return ""
	}
	if v.Verdict == rules.VerdictIncomplete {
		return Plural(v.Marked, "compétence notée", "compétences notées") + " sur " + string(rules.AppendInt(nil, v.Count))
	}
	b := rules.AppendInt(nil, v.Acquired)
	b = append(b, '/')
	b = rules.AppendInt(b, v.Total)
	b = append(b, " = "...)
	b = rules.AppendShare(b, v.Acquired, v.Total)
	if rules.Awards(v.Acquired, v.Total, v.Threshold) {
		b = append(b, " ≥ "...)
	} else {
		b = append(b, " < "...)
	}
	b = rules.AppendInt(b, v.Threshold)
	return string(append(b, " %"...))
}

// EvaluatorLabel names the evaluator in French.
func (v JuryVerdict) EvaluatorLabel() string { return v.Evaluator.Label() }

// VerdictLabel is « acquis », « non acquis », « incomplet » or « grille non soumise ».
func (v JuryVerdict) VerdictLabel() string {
	if !v.Present {
		return "grille non soumise"
	}
	return verdictLabel(v.Verdict)
}

// JuryMarks is one competence of a block with each evaluator's mark as entered ("A", "NA", a
// number of detailed competences, "" when not marked), in domain.Evaluators order.
type JuryMarks struct {
	Code     string    `json:"code"`
	Title    string    `json:"title"`
	Detailed int       `json:"detailed"`
	Marks    [3]string `json:"marks"`
}

// Of is one evaluator's mark on the competence, "" without one.
func (m JuryMarks) Of(ev domain.Evaluator) string {
	for i, e := range domain.Evaluators {
		if e == ev {
			return m.Marks[i]
		}
	}
	return ""
}

// JuryGrid is where one evaluator's grid stands for a presented candidate.
type JuryGrid struct {
	Evaluator       domain.Evaluator `json:"evaluator"`
	Required        bool             `json:"required"`
	Version         int              `json:"version,omitempty"` // the submitted version that counts, 0 if none
	SubmittedAt     *time.Time       `json:"submitted_at,omitempty"`
	SubmittedBy     string           `json:"submitted_by,omitempty"`
	Draft           bool             `json:"draft,omitempty"` // a newer draft exists (not counted)
	Comment         string           `json:"comment,omitempty"`
	ReasonedOpinion string           `json:"reasoned_opinion,omitempty"` // the commission's
	LineManager     string           `json:"line_manager,omitempty"`     // the referent's, on the blocs route
}

// Title names the grid in French.
func (g JuryGrid) Title() string { return GridTitle(g.Evaluator) }

// Commission returns the commission's grid, if it is among the candidate's grids.
func (c JuryCandidate) Commission() JuryGrid {
	for _, g := range c.Grids {
		if g.Evaluator == domain.EvaluatorCommission {
			return g
		}
	}
	return JuryGrid{}
}

// juryInput is what one enrolment's deliberation reads, in the caller's transaction.
type juryInput struct {
	candidate domain.Candidate
	enrolment domain.Enrolment
	framework domain.Framework
	marks     map[string]domain.Mark
	submitted [3]*store.Grid // latest submitted version per evaluator, domain.Evaluators order
	draft     [3]bool        // a draft newer than the submitted version
	prior     map[string]store.AcquiredBlock
}

// missingGrids says, in French, which of the grids the route reads are not submitted, or lack
// the commission's reasoned opinion.
func missingGrids(route domain.Route, in juryInput) []string {
	var out []string
	for ei, ev := range domain.Evaluators {
		if !rules.TakesPart(route, ev) {
			continue
		}
		s := in.submitted[ei]
		switch {
		case s == nil && in.draft[ei]:
			out = append(out, GridTitle(ev)+" en brouillon, non soumise")
		case s == nil:
			out = append(out, GridTitle(ev)+" non soumise")
		case ev == domain.EvaluatorCommission && strings.TrimSpace(s.ReasonedOpinion) == "":
			out = append(out, "Avis motivé de la commission absent")
		}
	}
	return out
}

// loadJuryInput reads an enrolment's deliberation input through q, so that the closing judges
// inside its own transaction: continuous marks as means of each block's latest round, the
// latest submitted grid of each evaluator (grades on the presented blocks only), and the blocks
// the person already holds for the qualification (on this enrolment or another), leaving out
// those of the session being rectified (excludeSession). EnrolmentEvaluation reads the same.
func loadJuryInput(ctx context.Context, q store.Q, fws map[string]domain.Framework, c domain.Candidate, e domain.Enrolment, excludeSession string) (juryInput, error) {
	in := juryInput{candidate: c, enrolment: e, marks: map[string]domain.Mark{}, prior: map[string]store.AcquiredBlock{}}
	fw, ok := fws[e.FrameworkID]
	if !ok {
		rec, err := q.Framework(ctx, e.FrameworkID)
		if err != nil {
			return in, err
		}
		fw = rec.Framework
		fws[e.FrameworkID] = fw
	}
	in.framework = fw
	presented := map[string]bool{}
	for _, code := range e.Blocks {
		presented[code] = true
	}
	assessments, err := q.ContinuousAssessments(ctx, e.ID)
	if err != nil {
		return in, err
	}
	in.marks = currentMarks(assessments, e.Blocks)
	grids, err := q.GridVersions(ctx, e.ID, "")
	if err != nil {
		return in, err
	}
	for ei, ev := range domain.Evaluators {
		newest := true
		for i := range grids {
			g := &grids[i]
			if g.Evaluator != ev {
				continue
			}
			if g.Status == store.GridSubmitted {
				in.submitted[ei] = g
				break
			}
			if newest {
				in.draft[ei] = true
			}
			newest = false
		}
	}
	acquired, err := q.AcquiredBlocks(ctx, e.ID)
	if err != nil {
		return in, err
	}
	for _, b := range acquired {
		if b.SessionID != excludeSession && presented[b.BlockCode] {
			in.prior[b.BlockCode] = b
		}
	}
	return in, nil
}

// rulesCandidate builds the rules engine's input, with the given jury decisions.
func (in juryInput) rulesCandidate(decisions map[string]rules.JuryDecision) rules.Candidate {
	comps := map[string]bool{}
	for _, code := range in.enrolment.Blocks {
		if b, ok := in.framework.Block(code); ok {
			for _, cp := range b.Competences {
				comps[cp.Code] = true
			}
		}
	}
	rc := rules.Candidate{Route: in.enrolment.Route, Blocks: in.enrolment.Blocks, ContinuousMarks: in.marks,
		Evaluations: map[domain.Evaluator]map[string]rules.Grade{}, JuryDecisions: decisions}
	for code := range in.prior {
		rc.PriorBlocks = append(rc.PriorBlocks, code)
	}
	slices.Sort(rc.PriorBlocks)
	for ei, ev := range domain.Evaluators {
		g := in.submitted[ei]
		if g == nil || !rules.TakesPart(in.enrolment.Route, ev) {
			continue
		}
		grades := map[string]rules.Grade{}
		for code, m := range g.Marks {
			if !comps[code] {
				continue
			}
			if gr, ok := storedGrade(m.Mark); ok {
				grades[code] = gr
			}
		}
		rc.Evaluations[ev] = grades
	}
	return rc
}

// judge deliberates one enrolment with the session's decisions: decisions on blocks in debate
// are applied, the others are reported as stale.
func (in juryInput) judge(decisions []store.JuryDecision) (JuryCandidate, error) {
	base, err := rules.Deliberate(in.framework, in.rulesCandidate(nil))
	if err != nil {
		return JuryCandidate{}, fmt.Errorf("deliberate enrolment %s: %w", in.enrolment.ID, err)
	}
	debate := map[string]bool{}
	for _, b := range base.Blocks {
		if b.Outcome == rules.OutcomeDebate {
			debate[b.Code] = true
		}
	}
	applied := map[string]rules.JuryDecision{}
	byBlock := map[string]store.JuryDecision{}
	for _, d := range decisions {
		byBlock[d.BlockCode] = d
		if debate[d.BlockCode] {
			applied[d.BlockCode] = rules.JuryDecision(d.Decision)
		}
	}
	result := base
	if len(applied) > 0 {
		if result, err = rules.Deliberate(in.framework, in.rulesCandidate(applied)); err != nil {
			return JuryCandidate{}, fmt.Errorf("deliberate enrolment %s with the jury's decisions: %w", in.enrolment.ID, err)
		}
	}
	return in.view(result, debate, byBlock), nil
}

// view turns the rules engine's result into what the jury reads.
func (in juryInput) view(r rules.CandidateResult, debate map[string]bool, decisions map[string]store.JuryDecision) JuryCandidate {
	c, e, fw := in.candidate, in.enrolment, in.framework
	jc := JuryCandidate{EnrolmentID: e.ID, CandidateID: c.ID, Number: c.Number, Name: c.DisplayName(), FullName: c.FullName(),
		BirthDate: c.BirthDate.ISO(), QualificationCode: e.QualificationCode, QualificationTitle: e.QualificationTitle,
		FrameworkVersion: e.FrameworkVersion, Threshold: fw.ThresholdPercent, Route: e.Route, Stage: e.Stage, Outcome: r.Outcome,
		Explanation: r.Explanation()}
	if jc.QualificationTitle == "" {
		jc.QualificationTitle = fw.Qualification.Title
	}
	for ei, ev := range domain.Evaluators {
		if !rules.TakesPart(e.Route, ev) {
			continue // not part of this route: its grid, if any, is never read (DOMAIN.md §7 rule 2)
		}
		g := JuryGrid{Evaluator: ev, Required: true, Draft: in.draft[ei]}
		if s := in.submitted[ei]; s != nil {
			g.Version, g.SubmittedAt, g.SubmittedBy, g.Comment, g.ReasonedOpinion = s.Version, s.SubmittedAt, s.SubmittedByName, s.Comment, s.ReasonedOpinion
			g.LineManager = s.LineManager
		}
		jc.Grids = append(jc.Grids, g)
	}
	jc.Missing = append(jc.Missing, missingGrids(e.Route, in)...)
	for _, br := range r.Blocks {
		fb, _ := fw.Block(br.Code)
		b := JuryBlock{Code: br.Code, Title: fb.Title, Outcome: br.Outcome, Explanation: br.Explanation(), Prior: br.Prior,
			InDebate: debate[br.Code]}
		if p, ok := in.prior[br.Code]; ok && br.Prior {
			b.PriorSessionID, b.PriorOn, b.PriorRoute = p.SessionID, p.AcquiredOn.ISO(), p.Route
			b.PriorElsewhere = p.EnrolmentID != e.ID
			b.Explanation = b.PriorOrigin() + " : un bloc acquis l'est définitivement, il n'est pas évalué à nouveau."
		}
		if br.MarkGate {
			b.MarkMinimum = br.Minimum.String()
			if br.HasMark {
				b.ContinuousMark = br.Mark.String()
			} else if !br.Prior {
				jc.Missing = append(jc.Missing, "Note d'évaluation continue manquante pour "+br.Code)
			}
		}
		if br.Evaluated() {
			for ei, er := range br.Evaluators {
				if !er.Present && !br.Required[ei] {
					continue
				}
				v := JuryVerdict{Evaluator: er.Evaluator, Present: er.Present}
				if er.Present {
					v.Verdict, v.Acquired, v.Total, v.Marked, v.Count, v.Threshold = er.Verdict, er.Acquired, er.Total, er.Marked, er.Competences, br.Threshold
					v.Text = verdictText(er, br.Threshold)
				}
				b.Verdicts = append(b.Verdicts, v)
			}
			for _, cp := range fb.Competences {
				m := JuryMarks{Code: cp.Code, Title: cp.Title, Detailed: cp.Detailed}
				for ei, ev := range domain.Evaluators {
					if g := in.submitted[ei]; g != nil && rules.TakesPart(e.Route, ev) {
						m.Marks[ei] = g.Marks[cp.Code].Mark
					}
				}
				b.Competences = append(b.Competences, m)
			}
		}
		if br.Outcome == rules.OutcomeIncomplete && (!br.MarkGate || br.HasMark) {
			jc.Missing = append(jc.Missing, "Évaluations incomplètes pour "+br.Code)
		}
		if d, ok := decisions[br.Code]; ok {
			at := d.DecidedAt
			b.Decision, b.Reason, b.ReferentOpinion, b.DecidedBy, b.DecidedAt = rules.JuryDecision(d.Decision), d.Reason, d.ReferentOpinion, d.DecidedByName, &at
			b.StaleDecision = !b.InDebate
		}
		if e.Route == domain.RouteBlocs && br.Evaluated() {
			for _, t := range BlockTestsOf(in.submitted[0], br.Code) {
				b.Tests = append(b.Tests, JuryBlockTest{Kind: t.Kind.Label(), On: t.HeldOn.String(), Result: t.Result, Assessor: t.Assessor})
			}
		}
		if b.Outcome == rules.OutcomeAcquired && !b.Prior {
			jc.NewlyAcquired = append(jc.NewlyAcquired, b.Code)
		}
		jc.Blocks = append(jc.Blocks, b)
	}
	return jc
}

// sessionCandidates judges every candidate presented to a session, in presentation order.
func sessionCandidates(ctx context.Context, q store.Q, js store.JurySession) ([]JuryCandidate, []juryInput, error) {
	presented, err := q.JuryCandidates(ctx, js.ID)
	if err != nil {
		return nil, nil, err
	}
	decisions, err := q.JuryDecisions(ctx, js.ID, "")
	if err != nil {
		return nil, nil, err
	}
	byEnrolment := map[string][]store.JuryDecision{}
	for _, d := range decisions {
		byEnrolment[d.EnrolmentID] = append(byEnrolment[d.EnrolmentID], d)
	}
	fws := map[string]domain.Framework{}
	var out []JuryCandidate
	var inputs []juryInput
	for _, p := range presented {
		c, e, err := enrolmentUnscoped(ctx, q, p.EnrolmentID)
		if err != nil {
			return nil, nil, err
		}
		in, err := loadJuryInput(ctx, q, fws, c, e, js.RectifiesSessionID)
		if err != nil {
			return nil, nil, err
		}
		jc, err := in.judge(byEnrolment[e.ID])
		if err != nil {
			return nil, nil, err
		}
		if err := withGates(ctx, q, in, &jc); err != nil {
			return nil, nil, err
		}
		out = append(out, jc)
		inputs = append(inputs, in)
	}
	return out, inputs, nil
}

// JurySessionView is the session screen: the session, its members and quorum, its candidates
// (debates first), and, for the secretariat, what can be invited or presented. Once the
// session is closed, members and candidates come from the frozen snapshot.
type JurySessionView struct {
	Session     store.JurySession
	Rectifies   *store.JurySession // the closed session this one corrects
	RectifiedBy *store.JurySession // the session that corrects this one
	Members     []JuryMember
	Quorum      Quorum
	Candidates  []JuryCandidate
	// For those who manage the session, while it is open.
	Invitable   []RosterEntry
	Presentable []PresentableEntry
	// Blocking says, while deliberating, why the session cannot be closed yet.
	Blocking []string
	Snapshot *JurySnapshot
	// MayDecide and MayClose say whether the reader may record decisions and close the session
	// now: the secretariat may decide in any session; a president, only in a session they are
	// invited to and recorded present at. NotPresent says, to an invited president not
	// recorded present, why they may not.
	MayDecide, MayClose bool
	NotPresent          string
}

// When says the session's start in French.
func (v JurySessionView) When() string { return SessionWhen(v.Session.StartsAt) }

// WithDebates counts the candidates with a block in debate.
func (v JurySessionView) WithDebates() int {
	n := 0
	for _, c := range v.Candidates {
		if c.Debates() > 0 {
			n++
		}
	}
	return n
}

// JurySession returns a session as the jury and the secretariat see it; a session a jury member
// is not invited to is "not found".
func (s *Service) JurySession(ctx context.Context, a domain.Actor, id string) (JurySessionView, error) {
	q := s.store.Read()
	js, invited, err := readableJurySession(ctx, q, a, id)
	if err != nil {
		return JurySessionView{}, err
	}
	v := JurySessionView{Session: js}
	if js.RectifiesSessionID != "" {
		r, err := q.JurySession(ctx, js.RectifiesSessionID)
		if err != nil {
			return v, err
		}
		v.Rectifies = &r
	}
	if r, ok, err := q.RectificationOf(ctx, js.ID); err != nil {
		return v, err
	} else if ok {
		v.RectifiedBy = &r
	}
	if js.Status == store.JuryClosed {
		snap, err := ParseJurySnapshot(js.Snapshot)
		if err != nil {
			return v, err
		}
		v.Snapshot, v.Members, v.Candidates = &snap, snap.Members, debatesFirst(snap.Candidates)
		v.Quorum = Quorum{Required: snap.Quorum, Present: snap.PresentCount}
		return v, nil
	}
	v.Members = juryMembers(invited)
	v.Quorum = quorumOf(js, v.Members)
	v.MayClose = actingMember(a, ActJuryClose, invited, whatClose) == nil
	switch domain.ErrorCode(actingMember(a, ActJuryDecide, invited, whatDecide)) {
	case "":
		v.MayDecide = true
	case domain.ECONFLICT:
		v.NotPresent = notPresentMessage(whatDecide + " et " + whatClose)
	}
	cands, _, err := sessionCandidates(ctx, q, js)
	if err != nil {
		return v, err
	}
	v.Blocking = closingProblems(js, v.Quorum, cands)
	v.Candidates = debatesFirst(cands)
	if Can(a, ActJuryManage) {
		roster, err := q.JuryRoster(ctx)
		if err != nil {
			return v, err
		}
		for _, m := range roster {
			if !m.Disabled && !slices.ContainsFunc(invited, func(in store.JuryInvitation) bool { return in.UserID == m.UserID }) {
				v.Invitable = append(v.Invitable, RosterEntry{m})
			}
		}
		if js.RectifiesSessionID == "" {
			ps, err := q.PresentableEnrolments(ctx)
			if err != nil {
				return v, err
			}
			if v.Presentable, err = presentableEntries(ctx, q, ps); err != nil {
				return v, err
			}
		}
	}
	return v, nil
}

// PresentableEntry is an enrolment the secretariat may present to a session, with where it
// stands against the gates before the jury (jury_gates.go).
type PresentableEntry struct {
	store.PresentableEnrolment
	Gates JuryGates
	// MissingGrids are the grids the route reads that are not submitted yet: the candidate may
	// be presented, but the jury will find their blocks incomplete.
	MissingGrids []string
}

// Name is the candidate's name, « Prénom NOM ».
func (p PresentableEntry) Name() string {
	return domain.Candidate{BirthName: p.BirthName, UsedName: p.UsedName, FirstNames: p.FirstNames}.DisplayName()
}

func juryMembers(invited []store.JuryInvitation) []JuryMember {
	out := make([]JuryMember, 0, len(invited))
	for _, in := range invited {
		out = append(out, JuryMember{UserID: in.UserID, Name: in.Name, College: College(in.College), Present: in.Present,
			President: slices.Contains(in.Roles, domain.RoleJuryPresident)})
	}
	return out
}

func quorumOf(js store.JurySession, members []JuryMember) Quorum {
	q := Quorum{Required: js.Quorum}
	for _, m := range members {
		if m.Present {
			q.Present++
		}
	}
	return q
}

// debatesFirst orders the candidates with a block in debate before the others, keeping the
// presentation order within each group.
func debatesFirst(cs []JuryCandidate) []JuryCandidate {
	out := slices.Clone(cs)
	slices.SortStableFunc(out, func(a, b JuryCandidate) int {
		da, db := a.Debates() > 0, b.Debates() > 0
		switch {
		case da && !db:
			return -1
		case db && !da:
			return 1
		}
		return 0
	})
	return out
}

// JuryCandidateView is one presented candidate on their own page (a tablet during the debate).
type JuryCandidateView struct {
	Session   store.JurySession
	Quorum    Quorum
	Candidate JuryCandidate
	// Previous and Next are the neighbouring candidates in the session's order, "" at the ends.
	Previous, Next string
	// MayDecide and NotPresent are the session's (JurySessionView).
	MayDecide  bool
	NotPresent string
}

// JuryCandidate returns one presented candidate of a session.
func (s *Service) JuryCandidate(ctx context.Context, a domain.Actor, sessionID, enrolmentID string) (JuryCandidateView, error) {
	v, err := s.JurySession(ctx, a, sessionID)
	if err != nil {
		return JuryCandidateView{}, err
	}
	for i, c := range v.Candidates {
		if c.EnrolmentID != enrolmentID {
			continue
		}
		out := JuryCandidateView{Session: v.Session, Quorum: v.Quorum, Candidate: c, MayDecide: v.MayDecide, NotPresent: v.NotPresent}
		if i > 0 {
			out.Previous = v.Candidates[i-1].EnrolmentID
		}
		if i+1 < len(v.Candidates) {
			out.Next = v.Candidates[i+1].EnrolmentID
		}
		return out, nil
	}
	return JuryCandidateView{}, domain.Errorf(domain.ENOTFOUND, "Ce candidat n'est pas présenté à cette session.")
}
