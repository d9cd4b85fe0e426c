package web

import (
	"net/http"
	"net/url"
	"strconv"

	"cqp/internal/domain"
	"cqp/internal/service"
	"cqp/internal/store"
)

const certificatesPerPage = 50

type certificateListPage struct {
	Filter      url.Values
	Items       []store.Certificate
	Total       int
	Page, Pages int
	Prev, Next  string
	Own         bool   // a candidate's own documents
	Candidate   string // the candidate the list is narrowed to, by name
	Session     string // the session the list is narrowed to, by date
	Kinds       []option
	Statuses    []option
	Export      exportLinks
}

// certificateFilterOf reads the list's filters from the address: kind, status, candidate and
// session. The page and its exports read them the same way.
func certificateFilterOf(q url.Values) store.CertificateFilter {
	f := store.CertificateFilter{Kind: store.CertificateKind(q.Get("nature")), Status: q.Get("etat"),
		CandidateID: q.Get("candidat"), SessionID: q.Get("session")}
	if f.Kind != store.KindCertificate && f.Kind != store.KindAttestation {
		f.Kind = ""
	}
	if f.Status != store.CertificateValid && f.Status != store.CertificateRevoked {
		f.Status = ""
	}
	return f
}

// certificateList lists the documents the actor may read: a candidate's own, or every one for
// the secretariat and the branch, narrowed by kind, status, candidate or session.
func (s *Server) certificateList(w http.ResponseWriter, r *http.Request) error {
	ctx, a := r.Context(), actorFrom(r.Context())
	q := r.URL.Query()
	pageNum, _ := strconv.Atoi(q.Get("page"))
	if pageNum < 1 {
		pageNum = 1
	}
	f := certificateFilterOf(q)
	f.Limit, f.Offset = certificatesPerPage, (pageNum-1)*certificatesPerPage
	res, err := s.svc.Certificates(ctx, a, f)
	if err != nil {
		return err
	}
	p := certificateListPage{Filter: q, Items: res.Items, Total: res.Total, Page: pageNum,
		Own:      service.AccessFor(a, service.ActCertificateRead) == service.AccessScoped,
		Export:   exportLinksOf("/certificats", q, "la liste des certificats et attestations"),
		Kinds:    []option{{string(store.KindCertificate), "Certificats"}, {string(store.KindAttestation), "Attestations de blocs"}},
		Statuses: []option{{store.CertificateValid, "Valides"}, {store.CertificateRevoked, "Révoqués"}}}
	p.Pages = max(1, (res.Total+certificatesPerPage-1)/certificatesPerPage)
	link := func(n int) string {
		v := url.Values{}
		for k, vs := range q {
			v[k] = vs
		}
		v.Set("page", strconv.Itoa(n))
		return "/certificats?" + v.Encode()
	}
	if pageNum > 1 {
		p.Prev = link(pageNum - 1)
	}
	if pageNum < p.Pages {
		p.Next = link(pageNum + 1)
	}
	if len(res.Items) > 0 {
		if f.CandidateID != "" {
			p.Candidate = res.Items[0].HolderName
		}
		if f.SessionID != "" {
			p.Session = res.Items[0].AwardedOn.String()
		}
	}
	title := "Certificats et attestations"
	if p.Own {
		title = "Mes certificats et attestations"
	}
	s.render(w, r, http.StatusOK, "certificate_list.html", title, p)
	return nil
}

// certificateStatus says in French where a document stands.
func certificateStatus(c store.Certificate) string {
	if c.RevokedAt != nil {
		return "révoqué le " + domain.DateOf(*c.RevokedAt).String()
	}
	return "valide"
}
