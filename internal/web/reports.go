package web

import (
	"net/http"
	"strconv"
	"strings"

	"cqp/internal/domain"
	"cqp/internal/service"
)

// registerReportRoutes registers the reports the secretariat and the branch download.
func (s *Server) registerReportRoutes() {
	s.handle("GET /rapports", service.ActBilanExport, s.reportsShow)
	s.handle("GET /rapports/bilan.xlsx", service.ActBilanExport, s.bilanXLSX)
}

type reportsPage struct {
	Years    []int
	Selected int
}

// reportsShow offers the annual bilan, for a year chosen in a list (this year first).
func (s *Server) reportsShow(w http.ResponseWriter, r *http.Request) error {
	this := s.svc.Today().Year()
	p := reportsPage{Selected: this}
	for y := this; y >= service.BilanFirstYear; y-- {
		p.Years = append(p.Years, y)
	}
	s.render(w, r, http.StatusOK, "reports.html", "Rapports", p)
	return nil
}

// bilanXLSX downloads the annual bilan of ?annee= (this year when absent). The workbook goes
// to the response as it is written; the headers are set on its first byte, so that a refusal
// before it still shows the error page.
func (s *Server) bilanXLSX(w http.ResponseWriter, r *http.Request) error {
	year := s.svc.Today().Year()
	if v := strings.TrimSpace(r.URL.Query().Get("annee")); v != "" {
		y, err := strconv.Atoi(v)
		if err != nil {
			return domain.Errorf(domain.EINVALID, "L'année « %s » n'est pas une année : choisissez-la dans la liste.", v)
		}
		year = y
	}
	name := "bilan-cqp-" + strconv.Itoa(year) + ".xlsx"
	return s.svc.WriteBilan(r.Context(), actorFrom(r.Context()), year, &downloadWriter{w: w, set: func(h http.Header) {
		h.Set("Content-Type", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
		h.Set("Content-Disposition", `attachment; filename="`+name+`"`)
	}})
}

// downloadWriter sets a download's headers just before its first byte.
type downloadWriter struct {
	w       http.ResponseWriter
	set     func(http.Header)
	started bool
}

func (d *downloadWriter) Write(p []byte) (int, error) {
	if !d.started {
		d.started = true
		d.set(d.w.Header())
	}
	return d.w.Write(p)
}
