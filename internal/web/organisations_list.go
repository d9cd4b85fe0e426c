package web

import (
	"net/http"
	"strconv"

	"cqp/internal/domain"
	"cqp/internal/service"
)

// expiryWarningDays is how early an accreditation about to end is flagged.
const expiryWarningDays = 60

// accreditationView is an accreditation with its state on a given day.
type accreditationView struct {
	domain.Accreditation
	State string // "valid", "expiring", "expired", "future"
	Days  int    // days left for an expiring one
}

func viewAccreditation(acc domain.Accreditation, today domain.Date) accreditationView {
	v := accreditationView{Accreditation: acc}
	switch {
	case !acc.Active():
		v.State = string(acc.Status)
	case acc.ValidUntil.Before(today):
		v.State = "expired"
	case today.Before(acc.ValidFrom):
		v.State = "future"
	case acc.ValidUntil.Before(today.AddDays(expiryWarningDays)):
		v.State = "expiring"
		v.Days = int(acc.ValidUntil.Time().Sub(today.Time()).Hours() / 24)
	default:
		v.State = "valid"
	}
	return v
}

// Flagged reports whether the secretariat must act: the accreditation has ended or ends soon.
func (v accreditationView) Flagged() bool { return v.State == "expired" || v.State == "expiring" }

// StateLabel says the state in French.
func (v accreditationView) StateLabel() string {
	switch v.State {
	case string(domain.AccreditationSuspended), string(domain.AccreditationWithdrawn):
		return v.Status.Label()
	case "expired":
		return "expirée"
	case "future":
		return "pas encore en vigueur"
	case "expiring":
		switch v.Days {
		case 0:
			return "expire aujourd'hui"
		case 1:
			return "expire demain"
		}
		return "expire dans " + strconv.Itoa(v.Days) + " jours"
	}
	return "en cours"
}

// Badge is the CSS class of the state's badge.
func (v accreditationView) Badge() string {
	switch v.State {
	case "expired", string(domain.AccreditationSuspended), string(domain.AccreditationWithdrawn):
		return "off"
	case "expiring", "future":
		return "confirm"
	}
	return "ok"
}

func viewAccreditations(accs []domain.Accreditation, today domain.Date) []accreditationView {
	out := make([]accreditationView, 0, len(accs))
	for _, a := range accs {
		out = append(out, viewAccreditation(a, today))
	}
	return out
}

// formatSIRET groups a SIRET as people read it: 732 829 320 00074.
func formatSIRET(s string) string {
	if len(s) != 14 {
		return s
	}
	return s[0:3] + "\u00a0" + s[3:6] + "\u00a0" + s[6:9] + "\u00a0" + s[9:]
}

type organisationRow struct {
	domain.TrainingOrganisation
	SIRETShown     string
	Accreditations []accreditationView
	Flagged        bool
}

type organisationsListPage struct {
	Rows    []organisationRow
	Flagged int // accreditations expired or expiring soon
	// The register's state, for those who export it.
	Register *service.RegisterState
}

func (s *Server) organisationsList(w http.ResponseWriter, r *http.Request) error {
	orgs, err := s.svc.TrainingOrganisations(r.Context(), actorFrom(r.Context()))
	if err != nil {
		return err
	}
	today := s.svc.Today()
	var p organisationsListPage
	for _, o := range orgs {
		row := organisationRow{TrainingOrganisation: o, SIRETShown: formatSIRET(o.SIRET), Accreditations: viewAccreditations(o.Accreditations, today)}
		for _, a := range row.Accreditations {
			if a.Flagged() {
				row.Flagged = true
				p.Flagged++
			}
		}
		p.Rows = append(p.Rows, row)
	}
	if a := actorFrom(r.Context()); service.Can(a, service.ActRegisterExport) {
		st, err := s.svc.RegisterState(r.Context(), a)
		if err != nil {
			return err
		}
		p.Register = &st
	}
	s.render(w, r, http.StatusOK, "organisations_list.html", "Organismes de formation", p)
	return nil
}
