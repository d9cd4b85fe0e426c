package web

import (
	"bytes"
	"context"
	"embed"
	"errors"
	"fmt"
	"html/template"
	"io/fs"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"time"

	"cqp/internal/domain"
	"cqp/internal/service"
)

//go:embed templates/*.html
var templateFiles embed.FS

//go:embed static
var staticFiles embed.FS

type pages struct {
	byName map[string]*template.Template

	// buffers keeps the buffers pages were rendered into, so that a page does not grow a new
	// one from 64 bytes each time; one grown past maxKeptBuffer (a long list) is let go.
	buffers sync.Pool
}

// maxKeptBuffer is the largest render buffer kept for the next page.
const maxKeptBuffer = 64 << 10

// buffer returns an empty buffer to render a page into; release gives it back.
func (p *pages) buffer() *bytes.Buffer {
	if b, ok := p.buffers.Get().(*bytes.Buffer); ok {
		return b
	}
	return new(bytes.Buffer)
}

// release gives back a buffer whose bytes were written out and are no longer used.
func (p *pages) release(b *bytes.Buffer) {
	if b.Cap() <= maxKeptBuffer {
		b.Reset()
		p.buffers.Put(b)
	}
}

var funcs = template.FuncMap{
	"countryNames": domain.CountryNames,
	"maskNIR":      domain.MaskNIR,
	"date": func(v any) string {
		switch d := v.(type) {
		case domain.Date:
			return d.String()
		case time.Time:
			if d.IsZero() {
				return ""
			}
			return d.In(domain.Paris()).Format("02/01/2006")
		case *time.Time:
			if d == nil {
				return ""
			}
			return d.In(domain.Paris()).Format("02/01/2006")
		}
		return ""
	},
	"datetime": func(v any) string {
		switch t := v.(type) {
		case time.Time:
			if t.IsZero() {
				return ""
			}
			return t.In(domain.Paris()).Format("02/01/2006 à 15:04")
		case *time.Time:
			if t == nil {
				return ""
			}
			return t.In(domain.Paris()).Format("02/01/2006 à 15:04")
		}
		return ""
	},
	"actionLabel":          actionLabel,
	"proposerOptions":      proposerOptions,
	"qualificationOptions": qualificationOptions,
	"dict": func(kv ...any) (map[string]any, error) {
		if len(kv)%2 != 0 {
			return nil, fmt.Errorf("dict needs key/value pairs")
		}
		m := make(map[string]any, len(kv)/2)
		for i := 0; i < len(kv); i += 2 {
			k, ok := kv[i].(string)
			if !ok {
				return nil, fmt.Errorf("dict key %v is not a string", kv[i])
			}
			m[k] = kv[i+1]
		}
		return m, nil
	},
	"isotime":         func(t time.Time) string { return t.UTC().Format(time.RFC3339) },
	"retentionOrigin": retentionOrigin,
	"period":          domain.RetentionPeriod,
	"number":          frenchNumber,
	"percent":         frenchPercent,
	"decimal":         frenchDecimal,
	"add":             func(a, b int) int { return a + b },
	"join":            strings.Join,
	"contains": func(list []string, s string) bool {
		for _, x := range list {
			if x == s {
				return true
			}
		}
		return false
	},
}

// frenchNumber formats 12345 as "12 345" (narrow no-break space as the thousands separator).
func frenchNumber(n int) string {
	s := strconv.Itoa(n)
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	var b strings.Builder
	for i, r := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteString("\u202f")
		}
		b.WriteRune(r)
	}
	if neg {
		return "-" + b.String()
	}
	return b.String()
}

func loadPages() (*pages, error) {
	base, err := template.New("layout.html").Funcs(funcs).ParseFS(templateFiles, "templates/layout.html", "templates/_*.html")
	if err != nil {
		return nil, fmt.Errorf("parse layout: %w", err)
	}
	entries, err := fs.Glob(templateFiles, "templates/*.html")
	if err != nil {
		return nil, err
	}
	p := &pages{byName: map[string]*template.Template{}}
	for _, path := range entries {
		name := strings.TrimPrefix(path, "templates/")
		if name == "layout.html" || strings.HasPrefix(name, "_") {
			continue
		}
		t, err := base.Clone()
		if err != nil {
			return nil, err
		}
		if _, err := t.ParseFS(templateFiles, path); err != nil {
			return nil, fmt.Errorf("parse %s: %w", name, err)
		}
		p.byName[name] = t
	}
	return p, nil
}

// navItem is one entry of the main navigation.
type navItem struct {
	Label, Href string
	Current     bool
}

// page is what every template receives.
type page struct {
	Title     string
	Actor     domain.Actor
	Nav       []navItem
	Flash     string
	Path      string
	RequestID string
	Data      any
}

// Can is used by templates to show only what the actor may do.
func (p page) Can(act string) bool { return service.Can(p.Actor, service.Action(act)) }

// LoggedIn reports whether someone is logged in.
func (p page) LoggedIn() bool { return p.Actor.UserID != "" }

func (s *Server) nav(ctx context.Context, a domain.Actor, path string) []navItem {
	if a.UserID == "" {
		return nil
	}
	if onlyCandidate(a) {
		return s.candidateNav(ctx, a, path)
	}
	all := []struct {
		label, href string
		act         service.Action
	}{
		{"Tableau de bord", "/", service.ActDashboard},
		{"Candidats", "/candidats", service.ActCandidateList},
		{"Blocs", "/blocs", service.ActCandidateList},
		{"VAE", "/vae", service.ActVAERead},
		{"Actions", "/actions", service.ActActionRead},
		{"Commissions", "/commissions", service.ActCommissionManage},
		{"Oraux", "/oraux", service.ActOralRead},
		{"Sujets d'évaluation", "/sujets/propositions", service.ActSubjectPropose},
		{"Sujets d'évaluation", "/sujets", service.ActSubjectBankRead},
		{"Jury", "/jury/sessions", service.ActJuryRead},
		{"Certificats", "/certificats", service.ActCertificateRead},
		{"Référentiels", "/referentiels", service.ActFrameworkRead},
		{"Organismes de formation", "/organismes", service.ActOrganisationRead},
		{"Entreprises", "/entreprises", service.ActCompanyRead},
		{"Comptes", "/comptes", service.ActUserManage},
		{"Statistiques", "/statistiques", service.ActStatisticsRead},
		{"Journal d'audit", "/audit", service.ActAuditRead},
		{"Courriels", "/courriels", service.ActOutboxRead},
		{"Rapports", "/rapports", service.ActBilanExport},
		{"Paramètres", "/parametres", service.ActBranchSettings},
	}
	var out []navItem
	for _, it := range all {
		if service.Can(a, it.act) {
			cur := path == it.href || (it.href != "/" && strings.HasPrefix(path, it.href))
			out = append(out, navItem{Label: it.label, Href: it.href, Current: cur})
		}
	}
	return out
}

// onlyCandidate reports whether the actor's every role is the candidate's.
func onlyCandidate(a domain.Actor) bool {
	for _, r := range a.Roles {
		if r.Role != domain.RoleCandidate {
			return false
		}
	}
	return len(a.Roles) > 0
}

// candidateNav is a candidate's menu: their dashboard, their own file, the VAE pages only when
// one of their enrolments is a VAE, and their certificates.
func (s *Server) candidateNav(ctx context.Context, a domain.Actor, path string) []navItem {
	item := func(label, href string) navItem {
		return navItem{Label: label, Href: href, Current: path == href || (href != "/" && strings.HasPrefix(path, href))}
	}
	out := []navItem{item("Tableau de bord", "/")}
	vae := false
	for _, id := range a.Scopes(domain.RoleCandidate) {
		out = append(out, item("Mon dossier", "/candidats/"+id))
		if c, err := s.svc.Candidate(ctx, a, id); err == nil {
			for _, e := range c.Enrolments {
				vae = vae || e.Route == domain.RouteVAE
			}
		}
	}
	if vae {
		out = append(out, item("VAE", "/vae"))
	}
	return append(out, item("Certificats", "/certificats"))
}

const flashKey = "flash"

// flash stores a message shown once on the next page.
func (s *Server) flash(r *http.Request, msg string) { s.sessions.Put(r.Context(), flashKey, msg) }

// render executes a page template inside the layout.
func (s *Server) render(w http.ResponseWriter, r *http.Request, status int, name, title string, data any) {
	t, ok := s.pages.byName[name]
	if !ok {
		s.log.Error("missing template", "template", name)
		http.Error(w, "Erreur interne.", http.StatusInternalServerError)
		return
	}
	a := actorFrom(r.Context())
	p := page{Title: title, Actor: a, Nav: s.nav(r.Context(), a, r.URL.Path), Path: r.URL.Path, RequestID: requestID(r.Context()), Data: data}
	if r.Context().Value(actorKey) != nil { // the session is read
		p.Flash = s.sessions.PopString(r.Context(), flashKey)
	}
	buf := s.pages.buffer()
	defer s.pages.release(buf)
	if err := t.ExecuteTemplate(buf, "layout.html", p); err != nil {
		s.log.Error("render", "template", name, "error", err, "request_id", requestID(r.Context()))
		http.Error(w, "Erreur interne.", http.StatusInternalServerError)
		return
	}
	body := buf.Bytes()
	if status >= http.StatusBadRequest {
		body = orderErrorSummary(body)
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	_, _ = w.Write(body)
}

// form carries what the user typed and the field errors, so a refused form is shown again
// with everything kept.
type form struct {
	Values url.Values
	Errors map[string]string
	Error  string // a message for the whole form
}

// newForm copies the posted values, so that handlers may drop secrets from what is shown again.
func newForm(r *http.Request) *form {
	v := url.Values{}
	for k, vs := range r.PostForm {
		v[k] = append([]string(nil), vs...)
	}
	return &form{Values: v, Errors: map[string]string{}}
}

func emptyForm() *form { return &form{Values: url.Values{}, Errors: map[string]string{}} }

// Get returns a typed value.
func (f *form) Get(name string) string {
	if f == nil {
		return ""
	}
	return f.Values.Get(name)
}

// Has reports whether a checkbox or multi-value holds v.
func (f *form) Has(name, v string) bool {
	if f == nil {
		return false
	}
	for _, x := range f.Values[name] {
		if x == v {
			return true
		}
	}
	return false
}

// Err returns the message for one field.
func (f *form) Err(name string) string {
	if f == nil {
		return ""
	}
	return f.Errors[name]
}

// fail records err on the form: field messages go to their fields, the rest to the form.
// It returns false for errors that are not about the input (render them as error pages).
func (f *form) fail(err error) bool {
	code := domain.ErrorCode(err)
	if code != domain.EINVALID && code != domain.ECONFLICT && code != domain.EUNAUTHORIZED && code != domain.ETOOMANY {
		return false
	}
	f.Error = domain.ErrorMessage(err)
	var de *domain.Error
	if errors.As(err, &de) {
		for k, v := range de.Fields {
			f.Errors[k] = v
		}
	}
	return true
}

// failWith records err like fail, then the handler's own field messages (fe), found while
// reading the form, which say more precisely what was wrong with what was typed.
func (f *form) failWith(err error, fe domain.FieldErrors) bool {
	if !f.fail(err) {
		return false
	}
	for k, m := range fe {
		f.Errors[k] = m
	}
	return true
}

// formStatus is the status of a form page shown again after a refusal.
func formStatus(err error) int { return statusOf(domain.ErrorCode(err)) }

// parseForm reads a POST body of bounded size.
func parseForm(w http.ResponseWriter, r *http.Request) error {
	r.Body = http.MaxBytesReader(w, r.Body, 1<<20)
	if err := r.ParseForm(); err != nil {
		return domain.Errorf(domain.EINVALID, "Le formulaire envoyé est illisible ou trop volumineux.")
	}
	return nil
}

// option is one choice of a select.
type option struct{ Value, Label string }
