package web

import (
	"net/http"
	"net/url"

	"cqp/internal/service"
	"cqp/internal/tabular"
)

// exportBatch is how many rows an export reads from the list's service call at a time: the
// whole list leaves, never more than a batch of it in memory.
const exportBatch = 500

// exportedListNames name the exported lists in the audit trail.
var exportedListNames = map[service.ExportedList]string{
	service.ListCandidates: "candidats", service.ListActions: "actions de formation", service.ListVAE: "dossiers de VAE",
	service.ListCertificates: "certificats et attestations", service.ListAudit: "journal d'audit", service.ListOutbox: "courriels",
}

// exportFormats are the formats every list is exported in, as the address ends.
var exportFormats = []string{"csv", "xlsx"}

// listExport is a list as a file: the list, the file's name (without its date and extension),
// the sheet's name, the columns, and the rows the list's own service call gives, with the
// page's filters and scope, batch by batch.
type listExport struct {
	list    service.ExportedList
	file    string
	sheet   string
	columns []tabular.Column
	rows    func(emit func(cells ...tabular.Cell) error) error
}

// handleExports registers path/export.csv and path/export.xlsx, read with the list's action.
func (s *Server) handleExports(path string, act service.Action, h func(w http.ResponseWriter, r *http.Request, format string) error) {
	for _, format := range exportFormats {
		s.handle("GET "+path+"/export."+format, act, func(w http.ResponseWriter, r *http.Request) error { return h(w, r, format) })
	}
}

// writeExport records the export in the audit trail, then streams the list to the client.
// An error before the first byte leaves is shown as a page; after it, the connection is cut
// so that the download fails rather than look complete.
func (s *Server) writeExport(w http.ResponseWriter, r *http.Request, format string, e listExport) error {
	ctx, a := r.Context(), actorFrom(r.Context())
	if err := s.svc.RecordListExport(ctx, a, e.list, format, r.URL.Query()); err != nil {
		return err
	}
	out := &exportResponse{w: w, name: e.file + "-" + s.svc.Today().ISO() + "." + format}
	var tw tabular.Writer
	var err error
	switch format {
	case "csv":
		out.contentType = "text/csv; charset=utf-8"
		tw, err = tabular.NewCSV(out, e.columns)
	default:
		out.contentType = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
		tw, err = tabular.NewXLSX(out, e.sheet, e.columns)
	}
	if err != nil {
		return err
	}
	if err := e.rows(tw.Row); err != nil {
		tw.Abort()
		return out.fail(s, err)
	}
	if err := tw.Close(); err != nil {
		return out.fail(s, err)
	}
	return nil
}

// exportResponse sends the file's headers with its first bytes, so that an error before
// them can still be answered with a page.
type exportResponse struct {
	w           http.ResponseWriter
	contentType string
	name        string
	started     bool
}

func (o *exportResponse) Write(p []byte) (int, error) {
	if !o.started {
		o.started = true
		h := o.w.Header()
		h.Set("Content-Type", o.contentType)
		h.Set("Content-Disposition", `attachment; filename="`+o.name+`"`)
		h.Set("Cache-Control", "no-store") // personal data: no copy in a cache
	}
	return o.w.Write(p)
}

// fail answers an error: as a page when nothing was sent, else by cutting the connection.
func (o *exportResponse) fail(s *Server, err error) error {
	if !o.started {
		return err
	}
	s.log.Error("list export cut short", "file", o.name, "error", err)
	panic(http.ErrAbortHandler)
}

// exportLinks are the list page's links to its exports, with the page's filters.
type exportLinks struct {
	CSV, XLSX string
	Label     string // what is exported, for screen readers: « la liste des candidats »
}

// exportLinksOf links to path/export.csv and .xlsx with the filters of q, whatever page is shown.
func exportLinksOf(path string, q url.Values, label string) exportLinks {
	v := url.Values{}
	for k, vs := range q {
		if k != "page" && len(vs) > 0 {
			v[k] = vs
		}
	}
	query := ""
	if len(v) > 0 {
		query = "?" + v.Encode()
	}
	return exportLinks{CSV: path + "/export.csv" + query, XLSX: path + "/export.xlsx" + query, Label: label}
}

// walkOffsets calls page with growing offsets, exportBatch rows at a time, until a page comes
// back short: the lists whose service call pages by offset are exported so.
func walkOffsets(page func(offset int) (int, error)) error {
	for offset := 0; ; offset += exportBatch {
		n, err := page(offset)
		if err != nil || n < exportBatch {
			return err
		}
	}
}
