package web

import (
	"net/http"
	"strconv"

	"cqp/internal/service"
	"cqp/internal/store"
)

// registerName is the downloaded register's file name, dated in Paris.
func (s *Server) registerName(ext string) string {
	return "registre-organismes-habilites-" + s.svc.Today().ISO() + "." + ext
}

// registerCSV downloads the register of accredited organisations, for France Compétences.
func (s *Server) registerCSV(w http.ResponseWriter, r *http.Request) error {
	rows, err := s.svc.RegisterRows(r.Context(), actorFrom(r.Context()), "csv")
	if err != nil {
		return err
	}
	w.Header().Set("Content-Type", "text/csv; charset=utf-8")
	w.Header().Set("Content-Disposition", `attachment; filename="`+s.registerName("csv")+`"`)
	_, err = w.Write(service.RegisterCSV(rows))
	return err
}

// registerXLSX is the register as a workbook.
func (s *Server) registerXLSX(w http.ResponseWriter, r *http.Request) error {
	rows, err := s.svc.RegisterRows(r.Context(), actorFrom(r.Context()), "xlsx")
	if err != nil {
		return err
	}
	b, err := service.RegisterXLSX(rows)
	if err != nil {
		return err
	}
	w.Header().Set("Content-Type", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
	w.Header().Set("Content-Disposition", `attachment; filename="`+s.registerName("xlsx")+`"`)
	_, err = w.Write(b)
	return err
}

type obligationsPage struct {
	Current store.Obligations
	Form    *form
}

// obligationsShow shows the obligations an accredited organisation accepts, and to the
// secretariat the form that saves a new version.
func (s *Server) obligationsShow(w http.ResponseWriter, r *http.Request) error {
	return s.renderObligations(w, r, http.StatusOK, nil)
}

func (s *Server) renderObligations(w http.ResponseWriter, r *http.Request, status int, f *form) error {
	cur, err := s.svc.Obligations(r.Context(), actorFrom(r.Context()))
	if err != nil {
		return err
	}
	if f == nil {
		f = emptyForm()
		f.Values.Set("text", cur.Text)
	}
	s.render(w, r, status, "obligations.html", "Obligations des organismes habilités", obligationsPage{Current: cur, Form: f})
	return nil
}

// obligationsSave records a new version of the obligations.
func (s *Server) obligationsSave(w http.ResponseWriter, r *http.Request) error {
	if err := parseForm(w, r); err != nil {
		return err
	}
	f := newForm(r)
	o, err := s.svc.SaveObligations(r.Context(), actorFrom(r.Context()), r.PostForm.Get("text"))
	if err != nil {
		if !f.fail(err) {
			return err
		}
		return s.renderObligations(w, r, formStatus(err), f)
	}
	s.flash(r, "La version "+strconv.Itoa(o.Version)+" des obligations est enregistrée : les prochaines habilitations la retiendront.")
	http.Redirect(w, r, "/organismes/obligations", http.StatusSeeOther)
	return nil
}
