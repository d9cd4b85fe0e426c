package web

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"cqp/internal/domain"
	"cqp/internal/service"
)

// calendarRows is how many sessions the declaration form offers; more are added from the
// action's page.
const calendarRows = 6

type actionNewPage struct {
	Form           *form
	Organisations  []option
	Qualifications []option
	Routes         []option
	Companies      []option
	Funders        []option
	CalendarRows   []calendarRowView
}

// calendarRowView is one row of a calendar form: a session's fields.
type calendarRowView struct {
	N     int
	Cells []calendarCell
}

type calendarCell struct{ Name, Label, Type string }

func calendarRowViews(from, to int) []calendarRowView {
	var out []calendarRowView
	for i := from; i <= to; i++ {
		n := strconv.Itoa(i)
		out = append(out, calendarRowView{N: i, Cells: []calendarCell{
			{"cal_day_" + n, "Jour de la séance " + n, "date"},
			{"cal_start_" + n, "Heure de début de la séance " + n, "time"},
			{"cal_end_" + n, "Heure de fin de la séance " + n, "time"},
			{"cal_block_" + n, "Bloc de la séance " + n, "text"},
			{"cal_label_" + n, "Libellé de la séance " + n, "text"},
		}})
	}
	return out
}

func (s *Server) actionNewData(r *http.Request, f *form) (actionNewPage, error) {
	ctx, a := r.Context(), actorFrom(r.Context())
	p := actionNewPage{Form: f, Routes: []option{{string(domain.RouteFormation), domain.RouteFormation.Label()},
		{string(domain.RouteBlocs), domain.RouteBlocs.Label()}}}
	p.CalendarRows = calendarRowViews(1, calendarRows)
	orgs, err := s.svc.TrainingOrganisations(ctx, a)
	if err != nil {
		return p, err
	}
	for _, o := range orgs {
		p.Organisations = append(p.Organisations, option{o.ID, o.Name})
	}
	if len(orgs) == 1 && f.Get("training_organisation") == "" {
		f.Values.Set("training_organisation", orgs[0].ID)
	}
	quals, err := s.svc.Qualifications(ctx)
	if err != nil {
		return p, err
	}
	for _, q := range quals {
		p.Qualifications = append(p.Qualifications, option{q.Code, q.Title})
	}
	if service.Can(a, service.ActCompanyRead) {
		cos, err := s.svc.Companies(ctx, a)
		if err != nil {
			return p, err
		}
		for _, c := range cos {
			p.Companies = append(p.Companies, option{c.ID, companyLabel(c)})
		}
	}
	funders, err := s.svc.ActionFunders(ctx, a)
	if err != nil {
		return p, err
	}
	for _, fu := range funders {
		p.Funders = append(p.Funders, option{fu.ID, fu.Name})
	}
	return p, nil
}

func companyLabel(c domain.Company) string {
	if c.City == "" {
		return c.Name
	}
	return c.Name + " (" + c.City + ")"
}

func (s *Server) actionNewForm(w http.ResponseWriter, r *http.Request) error {
	f := emptyForm()
	f.Values.Set("route", string(domain.RouteFormation))
	p, err := s.actionNewData(r, f)
	if err != nil {
		return err
	}
	s.render(w, r, http.StatusOK, "action_new.html", "Déclarer une action de formation", p)
	return nil
}

func (s *Server) actionNewSubmit(w http.ResponseWriter, r *http.Request) error {
	if err := parseForm(w, r); err != nil {
		return err
	}
	f := newForm(r)
	v := r.PostForm
	fe := domain.FieldErrors{}
	in := service.ActionInput{
		TrainingOrganisationID: v.Get("training_organisation"), QualificationCode: v.Get("qualification"),
		Route: domain.Route(v.Get("route")), Title: v.Get("title"), Place: v.Get("place"),
		StartsOn:     formDate(v, "starts_on", fe, "La date de début doit être au format JJ/MM/AAAA, par exemple 04/01/2027."),
		EndsOn:       formDate(v, "ends_on", fe, "La date de fin doit être au format JJ/MM/AAAA, par exemple 30/06/2027."),
		PlannedHours: formInt(v, "planned_hours", -1, fe, "Le nombre d'heures prévues s'écrit en chiffres, par exemple 600."),
		CompanyIDs:   v["companies"], FunderID: v.Get("funder"),
	}
	for i := 1; i <= calendarRows; i++ {
		if e, ok := calendarRow(v, i, fe); ok {
			in.Calendar = append(in.Calendar, e)
		}
	}
	act, err := s.svc.DeclareAction(r.Context(), actorFrom(r.Context()), in)
	if err != nil {
		if !f.failWith(err, fe) {
			return err
		}
		p, derr := s.actionNewData(r, f)
		if derr != nil {
			return derr
		}
		s.render(w, r, formStatus(err), "action_new.html", "Déclarer une action de formation", p)
		return nil
	}
	s.flash(r, "L'action « "+act.Title+" » est déclarée. Le secrétariat en est informé ; vous pouvez maintenant y inscrire des candidats.")
	http.Redirect(w, r, "/actions/"+act.ID, http.StatusSeeOther)
	return nil
}

// calendarRow reads the session of row n of a form (fields cal_day_n, cal_start_n, cal_end_n,
// cal_block_n, cal_label_n) when any of it is filled.
func calendarRow(v url.Values, n int, fe domain.FieldErrors) (service.CalendarInput, bool) {
	k := strconv.Itoa(n)
	day, start, end := strings.TrimSpace(v.Get("cal_day_"+k)), v.Get("cal_start_"+k), v.Get("cal_end_"+k)
	block, label := v.Get("cal_block_"+k), v.Get("cal_label_"+k)
	if day == "" && strings.TrimSpace(start+end+block+label) == "" {
		return service.CalendarInput{}, false
	}
	d := formDate(v, "cal_day_"+k, fe, "Séance "+k+" : le jour doit être au format JJ/MM/AAAA.")
	if msg := fe["cal_day_"+k]; strings.HasPrefix(msg, "Le ") { // a day that does not exist: say which session
		fe["cal_day_"+k] = "Séance " + k + " : l" + strings.TrimPrefix(msg, "L")
	}
	return service.CalendarInput{Row: n, StartTime: start, EndTime: end, BlockCode: strings.ToUpper(strings.TrimSpace(block)), Label: label,
		Day: d}, true
}

// formDate reads an optional date typed as JJ/MM/AAAA (or given by a date input). An
// unreadable date is zero, which the service refuses as missing; msg then says what was wrong.
func formDate(v url.Values, name string, fe domain.FieldErrors, msg string) domain.Date {
	raw := strings.TrimSpace(v.Get(name))
	if raw == "" {
		return domain.Date{}
	}
	d, err := domain.ParseFrenchDate(raw)
	if err != nil {
		if impossible := domain.ImpossibleDate(raw); impossible != "" {
			msg = impossible
		}
		fe.Add(name, msg)
	}
	return d
}

// formInt reads a whole number; an empty field gives empty, an unreadable one -1 (which the
// service refuses) with msg.
func formInt(v url.Values, name string, empty int, fe domain.FieldErrors, msg string) int {
	raw := strings.TrimSpace(strings.ReplaceAll(v.Get(name), "\u202f", ""))
	if raw == "" {
		return empty
	}
	n, err := strconv.Atoi(strings.ReplaceAll(raw, " ", ""))
	if err != nil || n < 0 {
		fe.Add(name, msg)
		return -1
	}
	return n
}
