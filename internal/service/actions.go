package service

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"time"

	"cqp/internal/domain"
	"cqp/internal/store"
)

// actionScope turns the actor's roles into the store's scope of actions for act: a training
// organisation sees its own actions, a company those it takes part in, a funder those it funds.
func actionScope(a domain.Actor, act Action) (store.ActionScope, error) {
	all, scoped, err := scopedAssignments(a, act)
	if all || err != nil {
		return store.ActionScope{}, err
	}
	sc := store.ActionScope{Restricted: true}
	for _, r := range scoped {
		switch r.Role {
		case domain.RoleTrainingOrganisation:
			sc.TrainingOrganisationIDs = append(sc.TrainingOrganisationIDs, r.ScopeID)
		case domain.RoleCompany:
			sc.CompanyIDs = append(sc.CompanyIDs, r.ScopeID)
		case domain.RoleFunder:
			sc.FunderIDs = append(sc.FunderIDs, r.ScopeID)
		}
	}
	return sc, nil
}

// CalendarInput is one session of an action's calendar as typed.
type CalendarInput struct {
	Row       int // the number of the session in field keys and messages; 0: its position from 1
	Day       domain.Date
	StartTime string // HH:MM or ""
	EndTime   string
	BlockCode string
	Label     string
}

// ActionInput is a new action (fiche action). Field errors about calendar entries are keyed
// cal_day_N, cal_start_N, cal_end_N and cal_block_N, N being the entry's Row.
type ActionInput struct {
	TrainingOrganisationID string
	QualificationCode      string
	Route                  domain.Route // formation or blocs
	Title                  string
	StartsOn, EndsOn       domain.Date
	Place                  string
	PlannedHours           int
	CompanyIDs             []string
	FunderID               string
	Calendar               []CalendarInput
}

// DeclareAction records an action declared by a training organisation (or by the secretariat
// for one). The organisation must hold accreditations for the qualification covering the whole
// period of the action; a refusal names the dates. The secretariat is told by mail and finds
// the action among those to review on its dashboard.
func (s *Service) DeclareAction(ctx context.Context, a domain.Actor, in ActionInput) (store.Action, error) {
	if err := Check(a, ActActionDeclare); err != nil {
		return store.Action{}, err
	}
	fe := domain.FieldErrors{}
	in.Title, in.Place = strings.TrimSpace(in.Title), strings.TrimSpace(in.Place)
	if in.Title == "" {
		fe.Add("title", "Indiquez l'intitulé de l'action, par exemple « CQP Chargé de clientèle — Paris 2027 ».")
	} else if len([]rune(in.Title)) > 200 {
		fe.Add("title", "L'intitulé dépasse 200 caractères : raccourcissez-le.")
	}
	if in.Route != domain.RouteFormation && in.Route != domain.RouteBlocs {
		fe.Add("route", "Choisissez la voie : formation ou blocs de compétences (la VAE ne passe pas par une action de formation).")
	}
	datesOK := checkPeriod(fe, in.StartsOn, in.EndsOn)
	if in.PlannedHours <= 0 || in.PlannedHours > 5000 {
		fe.Add("planned_hours", "Indiquez le nombre d'heures de formation prévues : un nombre entier de 1 à 5 000.")
	}
	if in.TrainingOrganisationID == "" {
		fe.Add("training_organisation", "Choisissez l'organisme de formation qui porte l'action.")
	} else if AccessFor(a, ActActionDeclare) == AccessScoped && !contains(a.Scopes(domain.RoleTrainingOrganisation), in.TrainingOrganisationID) {
		fe.Add("training_organisation", "Vous ne pouvez déclarer une action que pour votre propre organisme.")
	}
	act := store.Action{ID: newID(), TrainingOrganisationID: in.TrainingOrganisationID, Route: in.Route, Title: in.Title,
		StartsOn: in.StartsOn, EndsOn: in.EndsOn, Place: in.Place, PlannedHours: in.PlannedHours, FunderID: in.FunderID,
		Status: store.ActionDeclared, CreatedAt: s.Now(), CreatedBy: a.UserID}
	err := s.store.Write(ctx, func(q store.Q) error {
		fw, err := latestFramework(ctx, q, in.QualificationCode)
		if err != nil {
			return err
		}
		if fw == nil {
			fe.Add("qualification", "Choisissez la qualification préparée.")
		} else {
			act.QualificationID, act.QualificationCode, act.QualificationTitle = fw.QualificationID, fw.Framework.Qualification.Code, fw.Framework.Qualification.Title
		}
		var org domain.TrainingOrganisation
		if in.TrainingOrganisationID != "" && fe["training_organisation"] == "" {
			org, err = q.TrainingOrganisation(ctx, in.TrainingOrganisationID)
			switch {
			case domain.ErrorCode(err) == domain.ENOTFOUND:
				fe.Add("training_organisation", "Organisme de formation inconnu.")
			case err != nil:
				return err
			case fw != nil && datesOK:
				if msg := accreditationGap(org, fw.QualificationID, fw.Framework.Qualification.Title, in.StartsOn, in.EndsOn); msg != "" {
					fe.Add("qualification", msg)
				}
			}
			act.TrainingOrganisationName = org.Name
		}
		seen := map[string]bool{}
		for _, id := range in.CompanyIDs {
			if id == "" || seen[id] {
				continue
			}
			seen[id] = true
			c, err := q.Company(ctx, id)
			if domain.ErrorCode(err) == domain.ENOTFOUND {
				fe.Add("companies", "Une des entreprises choisies n'existe pas.")
				continue
			}
			if err != nil {
				return err
			}
			act.Companies = append(act.Companies, c)
		}
		if in.FunderID != "" {
			funders, err := q.ListFunders(ctx)
			if err != nil {
				return err
			}
			found := false
			for _, f := range funders {
				if f.ID == in.FunderID {
					found, act.FunderName = true, f.Name
				}
			}
			if !found {
				fe.Add("funder", "Ce financeur n'existe pas.")
			}
		}
		for i, c := range in.Calendar {
			n := c.Row
			if n == 0 {
				n = i + 1
			}
			e, ok := checkCalendarEntry(fe, n, c, act, fw)
			if ok {
				act.Calendar = append(act.Calendar, e)
			}
		}
		if err := fe.Err(); err != nil {
			return err
		}
		if err := q.CreateAction(ctx, act); err != nil {
			return err
		}
		companies := make([]string, 0, len(act.Companies))
		for _, c := range act.Companies {
			companies = append(companies, c.ID)
		}
		if err := s.audit(ctx, q, a, change{Action: "action.declare", EntityType: "action", EntityID: act.ID,
			After: map[string]any{"title": act.Title, "training_organisation": act.TrainingOrganisationID,
				"qualification": act.QualificationCode, "route": act.Route, "starts_on": act.StartsOn.ISO(), "ends_on": act.EndsOn.ISO(),
				"place": act.Place, "planned_hours": act.PlannedHours, "funder": act.FunderName, "companies": companies,
				"calendar_entries": len(act.Calendar)}}); err != nil {
			return err
		}
		return s.tellSecretariat(ctx, q, "Nouvelle action de formation à examiner : "+act.Title,
			"Bonjour,\n\n"+org.Name+" a déclaré une action de formation :\n\n"+actionSummary(act)+
				"\nExaminez-la, commentez-la ou refusez-la : "+s.baseURL+"/actions/"+act.ID+"\n\nLa plateforme des CQP")
	})
	sortCalendar(act.Calendar)
	return act, err
}

// checkPeriod checks an action's dates and reports whether they make a period.
func checkPeriod(fe domain.FieldErrors, from, until domain.Date) bool {
	if from.IsZero() {
		fe.Add("starts_on", "Indiquez la date de début au format JJ/MM/AAAA.")
	}
	if until.IsZero() {
		fe.Add("ends_on", "Indiquez la date de fin au format JJ/MM/AAAA.")
	}
	if from.IsZero() || until.IsZero() {
		return false
	}
	if until.Before(from) {
		fe.Add("ends_on", "La date de fin ("+until.String()+") précède la date de début ("+from.String()+").")
		return false
	}
	return true
}

// checkCalendarEntry checks one session against the action's period and the framework's blocks.
func checkCalendarEntry(fe domain.FieldErrors, n int, c CalendarInput, act store.Action, fw *store.FrameworkRecord) (store.CalendarEntry, bool) {
	key := func(f string) string { return fmt.Sprintf("cal_%s_%d", f, n) }
	e := store.CalendarEntry{ID: newID(), ActionID: act.ID, Day: c.Day, StartTime: strings.TrimSpace(c.StartTime),
		EndTime: strings.TrimSpace(c.EndTime), BlockCode: strings.TrimSpace(c.BlockCode), Label: strings.TrimSpace(c.Label)}
	ok := true
	bad := func(f, msg string) {
		fe.Add(key(f), fmt.Sprintf("Séance %d : %s", n, msg))
		ok = false
	}
	switch {
	case e.Day.IsZero():
		bad("day", "indiquez le jour au format JJ/MM/AAAA.")
	case !act.StartsOn.IsZero() && !act.EndsOn.IsZero() && (e.Day.Before(act.StartsOn) || act.EndsOn.Before(e.Day)):
		bad("day", "le "+e.Day.String()+" est hors de la période de l'action (du "+act.StartsOn.String()+" au "+act.EndsOn.String()+").")
	}
	start, startOK := clock(e.StartTime)
	end, endOK := clock(e.EndTime)
	if !startOK {
		bad("start", "l'heure de début s'écrit HH:MM, par exemple 09:00.")
	}
	if !endOK {
		bad("end", "l'heure de fin s'écrit HH:MM, par exemple 17:00.")
	}
	if startOK && endOK && e.StartTime != "" && e.EndTime != "" && end <= start {
		bad("end", "l'heure de fin ("+e.EndTime+") doit suivre l'heure de début ("+e.StartTime+").")
	}
	e.StartTime, e.EndTime = start, end
	if e.BlockCode != "" && fw != nil {
		if _, found := fw.Framework.Block(e.BlockCode); !found {
			bad("block", "le bloc "+e.BlockCode+" n'appartient pas à la qualification « "+fw.Framework.Qualification.Title+" ».")
		}
	}
	return e, ok
}

// clock reads "9:00", "09:00" or "9h00" as "09:00"; "" is valid and stays "".
func clock(s string) (string, bool) {
	if s == "" {
		return "", true
	}
	s = strings.Replace(strings.ToLower(s), "h", ":", 1)
	if strings.HasSuffix(s, ":") {
		s += "00"
	}
	t, err := time.Parse("15:04", s)
	if err != nil {
		return "", false
	}
	return t.Format("15:04"), true
}

func sortCalendar(c []store.CalendarEntry) {
	sort.SliceStable(c, func(i, j int) bool {
		if c[i].Day != c[j].Day {
			return c[i].Day.Before(c[j].Day)
		}
		return c[i].StartTime < c[j].StartTime
	})
}

// latestFramework returns the latest framework version of a qualification, or nil.
func latestFramework(ctx context.Context, q store.Q, code string) (*store.FrameworkRecord, error) {
	fws, err := q.LatestFrameworks(ctx)
	if err != nil {
		return nil, err
	}
	for i := range fws {
		if fws[i].Framework.Qualification.Code == code {
			return &fws[i], nil
		}
	}
	return nil, nil
}

// accreditationGap says why the organisation's accreditations for a qualification do not cover
// every day from from to until, naming the dates, or returns "" when they do. Consecutive
// accreditations join.
func accreditationGap(o domain.TrainingOrganisation, qualificationID, title string, from, until domain.Date) string {
	var accs []domain.Accreditation
	for _, acc := range o.Accreditations {
		if acc.QualificationID == qualificationID {
			accs = append(accs, acc)
		}
	}
	if len(accs) == 0 {
		return fmt.Sprintf("L'organisme « %s » n'a aucune habilitation pour « %s » : il ne peut pas porter d'action pour cette qualification. Demandez l'habilitation au secrétariat.", o.Name, title)
	}
	day := from
	for !until.Before(day) {
		next, covered := day, false
		for _, acc := range accs {
			if acc.CoversDate(day) && !acc.ValidUntil.Before(next) {
				next, covered = acc.ValidUntil, true
			}
		}
		if !covered {
			if msg := accreditationStopped(o, qualificationID, title, day); msg != "" {
				return msg
			}
			var held []string
			for _, acc := range accs {
				held = append(held, "du "+acc.ValidFrom.String()+" au "+acc.ValidUntil.String())
			}
			return fmt.Sprintf("L'organisme « %s » n'est pas habilité pour « %s » sur toute la période de l'action, du %s au %s : aucune habilitation ne couvre le %s. Ses habilitations pour cette qualification vont %s. Modifiez les dates de l'action ou demandez au secrétariat de prolonger l'habilitation.",
				o.Name, title, from.String(), until.String(), day.String(), strings.Join(held, ", "))
		}
		day = next.AddDays(1)
	}
	return ""
}

func actionSummary(a store.Action) string {
	var b strings.Builder
	fmt.Fprintf(&b, "Intitulé : %s\nOrganisme de formation : %s\nQualification : %s\nVoie : %s\nDu %s au %s\nHeures prévues : %d\n",
		a.Title, a.TrainingOrganisationName, a.QualificationTitle, a.Route.Label(), a.StartsOn.String(), a.EndsOn.String(), a.PlannedHours)
	if a.Place != "" {
		fmt.Fprintf(&b, "Lieu : %s\n", a.Place)
	}
	if a.FunderName != "" {
		fmt.Fprintf(&b, "Financeur : %s\n", a.FunderName)
	}
	return b.String()
}

// tellSecretariat mails every active secretariat account.
func (s *Service) tellSecretariat(ctx context.Context, q store.Q, subject, body string) error {
	return s.mailRole(ctx, q, domain.RoleSecretariat, "", subject, body)
}

// mailRole mails every active account holding role in scope ("" for branch-wide roles).
func (s *Service) mailRole(ctx context.Context, q store.Q, role domain.Role, scope, subject, body string) error {
	users, err := q.ListUsers(ctx, store.UserFilter{Role: role, ScopeID: scope})
	if err != nil {
		return err
	}
	for _, u := range users {
		if u.Disabled() {
			continue
		}
		if err := s.queueMail(ctx, q, u.Email, subject, body); err != nil {
			return err
		}
	}
	return nil
}

// Actions returns one page of the actions the actor may see.
func (s *Service) Actions(ctx context.Context, a domain.Actor, f store.ActionFilter) (store.ActionPage, error) {
	sc, err := actionScope(a, ActActionRead)
	if err != nil {
		return store.ActionPage{}, err
	}
	f.Scope = sc
	return s.store.Read().ListActions(ctx, f)
}

// Action returns an action with its companies, calendar (by date) and comments. Outside the
// actor's scope it is "not found".
func (s *Service) Action(ctx context.Context, a domain.Actor, id string) (store.Action, error) {
	sc, err := actionScope(a, ActActionRead)
	if err != nil {
		return store.Action{}, err
	}
	return s.store.Read().Action(ctx, id, sc)
}

// ActionForEnrolment returns an action the actor may enrol candidates in ("not found" outside
// its scope), for the enrolment and import pages.
func (s *Service) ActionForEnrolment(ctx context.Context, a domain.Actor, id string) (store.Action, error) {
	sc, err := actionScope(a, ActEnrolmentManage)
	if err != nil {
		return store.Action{}, err
	}
	return s.store.Read().Action(ctx, id, sc)
}

// ActionEnrolments lists the candidates enrolled in an action, by name, with their enrolment
// and status. A company that sees the action only as one of its companies sees its own
// employees and interns alone.
func (s *Service) ActionEnrolments(ctx context.Context, a domain.Actor, actionID string) ([]store.ActionEnrolment, error) {
	act, err := s.Action(ctx, a, actionID)
	if err != nil {
		return nil, err
	}
	rows, err := s.store.Read().EnrolmentsOfAction(ctx, act.ID)
	if err != nil {
		return nil, err
	}
	if AccessFor(a, ActActionRead) == AccessAll || contains(a.Scopes(domain.RoleTrainingOrganisation), act.TrainingOrganisationID) ||
		(act.FunderID != "" && contains(a.Scopes(domain.RoleFunder), act.FunderID)) {
		return rows, nil
	}
	companies := a.Scopes(domain.RoleCompany)
	var own []store.ActionEnrolment
	for _, r := range rows {
		if contains(companies, r.Enrolment.CompanyID) {
			own = append(own, r)
		}
	}
	return own, nil
}

// ActionFunders lists the funders an action may name.
func (s *Service) ActionFunders(ctx context.Context, a domain.Actor) ([]domain.Funder, error) {
	if err := Check(a, ActActionDeclare); err != nil {
		return nil, err
	}
	return s.store.Read().ListFunders(ctx)
}

// ActionFramework returns the latest framework version of an action's qualification: the one an
// enrolment made now would freeze.
func (s *Service) ActionFramework(ctx context.Context, a domain.Actor, act store.Action) (store.FrameworkRecord, error) {
	if err := Check(a, ActFrameworkRead); err != nil {
		return store.FrameworkRecord{}, err
	}
	fw, err := latestFramework(ctx, s.store.Read(), act.QualificationCode)
	if err != nil {
		return store.FrameworkRecord{}, err
	}
	if fw == nil {
		return store.FrameworkRecord{}, domain.Errorf(domain.ENOTFOUND, "Le référentiel de « %s » est introuvable.", act.QualificationTitle)
	}
	return *fw, nil
}

// AddActionCalendarEntry adds a session to the calendar of an action of the actor's
// organisation. A refused action's calendar no longer changes.
func (s *Service) AddActionCalendarEntry(ctx context.Context, a domain.Actor, actionID string, in CalendarInput) (store.CalendarEntry, error) {
	sc, err := actionScope(a, ActActionDeclare)
	if err != nil {
		return store.CalendarEntry{}, err
	}
	var e store.CalendarEntry
	err = s.store.Write(ctx, func(q store.Q) error {
		act, err := q.Action(ctx, actionID, sc)
		if err != nil {
			return err
		}
		if act.Status == store.ActionRefused {
			return domain.Errorf(domain.ECONFLICT, "L'action « %s » a été refusée : son calendrier ne change plus.", act.Title)
		}
		fw, err := latestFramework(ctx, q, act.QualificationCode)
		if err != nil {
			return err
		}
		fe := domain.FieldErrors{}
		var ok bool
		e, ok = checkCalendarEntry(fe, 1, in, act, fw)
		if !ok {
			return fe.Err()
		}
		if err := q.AddCalendarEntry(ctx, e); err != nil {
			return err
		}
		return s.audit(ctx, q, a, change{Action: "action.calendar", EntityType: "action", EntityID: act.ID,
			After: map[string]string{"day": e.Day.ISO(), "start_time": e.StartTime, "end_time": e.EndTime, "block": e.BlockCode, "session_label": e.Label}})
	})
	return e, err
}

// CommentAction appends the secretariat's comment to an action; the organisation is told by mail.
func (s *Service) CommentAction(ctx context.Context, a domain.Actor, actionID, body string) error {
	return s.reviewAction(ctx, a, actionID, store.CommentRemark, body)
}

// MarkActionReviewed records that the secretariat has examined an action, with an optional
// note; the action leaves the dashboard's list of actions to review.
func (s *Service) MarkActionReviewed(ctx context.Context, a domain.Actor, actionID, note string) error {
	return s.reviewAction(ctx, a, actionID, store.CommentReview, note)
}

// RefuseAction refuses an action with a required reason: it takes no new candidate, and the
// organisation is told by mail. The candidates already enrolled stay enrolled.
func (s *Service) RefuseAction(ctx context.Context, a domain.Actor, actionID, reason string) error {
	return s.reviewAction(ctx, a, actionID, store.CommentRefusal, reason)
}

func (s *Service) reviewAction(ctx context.Context, a domain.Actor, actionID, kind, body string) error {
	if err := Check(a, ActActionReview); err != nil {
		return err
	}
	sc, err := actionScope(a, ActActionReview)
	if err != nil {
		return err
	}
	body = strings.TrimSpace(body)
	switch {
	case kind == store.CommentRemark && body == "":
		return fieldError("comment", "Écrivez le commentaire à adresser à l'organisme.")
	case kind == store.CommentRefusal && body == "":
		return fieldError("reason", "Indiquez la raison du refus : l'organisme la recevra.")
	case len([]rune(body)) > 4000:
		return fieldError(map[string]string{store.CommentRemark: "comment", store.CommentRefusal: "reason", store.CommentReview: "note"}[kind],
			"Le texte dépasse 4 000 caractères : raccourcissez-le.")
	}
	return s.store.Write(ctx, func(q store.Q) error {
		act, err := q.Action(ctx, actionID, sc)
		if err != nil {
			return err
		}
		before := act.Status
		next := before
		switch kind {
		case store.CommentReview:
			if before != store.ActionDeclared {
				return domain.Errorf(domain.ECONFLICT, "L'action est déjà au statut « %s ».", before.Label())
			}
			next = store.ActionReviewed
		case store.CommentRefusal:
			if before == store.ActionRefused {
				return domain.Errorf(domain.ECONFLICT, "L'action est déjà refusée.")
			}
			next = store.ActionRefused
		}
		if err := q.AddActionComment(ctx, store.ActionComment{ID: newID(), ActionID: act.ID, Kind: kind, Body: body,
			AuthorID: a.UserID, CreatedAt: s.Now()}); err != nil {
			return err
		}
		if next != before {
			if err := q.SetActionStatus(ctx, act.ID, next); err != nil {
				return err
			}
		}
		c := change{EntityType: "action", EntityID: act.ID}
		var subject, text string
		switch kind {
		case store.CommentRemark:
			c.Action, c.After = "action.comment", map[string]string{"comment": body}
			subject, text = "Commentaire du secrétariat sur l'action « "+act.Title+" »", "Le secrétariat a commenté l'action :\n\n"+body
		case store.CommentReview:
			c.Action, c.Reason = "action.review", body
			c.Before, c.After = map[string]string{"action_status": string(before)}, map[string]string{"action_status": string(next)}
			subject, text = "Action « "+act.Title+" » examinée", "Le secrétariat a examiné l'action."
			if body != "" {
				text += "\n\nSa note :\n" + body
			}
		case store.CommentRefusal:
			c.Action, c.Reason = "action.refuse", body
			c.Before, c.After = map[string]string{"action_status": string(before)}, map[string]string{"action_status": string(next)}
			subject = "Action « " + act.Title + " » refusée"
			text = "Le secrétariat a refusé l'action. Elle ne prend plus de nouveau candidat ; les candidats déjà inscrits le restent.\n\nRaison du refus :\n" + body
		}
		if err := s.audit(ctx, q, a, c); err != nil {
			return err
		}
		return s.mailRole(ctx, q, domain.RoleTrainingOrganisation, act.TrainingOrganisationID, subject,
			"Bonjour,\n\n"+text+"\n\n"+actionSummary(act)+"\nL'action : "+s.baseURL+"/actions/"+act.ID+"\n\nLe secrétariat des CQP")
	})
}
