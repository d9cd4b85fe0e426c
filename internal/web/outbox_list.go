package web

import (
	"net/http"

	"cqp/internal/store"
)

// mailRow is one message of the outbox with its state.
type mailRow struct {
	store.Mail
}

// State is "sent", "failed" or "kept" (not sent: no SMTP server is set, or sending waits).
func (m mailRow) State() string {
	switch {
	case m.SentAt != nil:
		return "sent"
	case m.Error != "":
		return "failed"
	}
	return "kept"
}

type outboxPage struct {
	Rows   []mailRow
	Failed int
	Kept   int
	Export exportLinks
}

func (s *Server) outboxList(w http.ResponseWriter, r *http.Request) error {
	mails, err := s.svc.Outbox(r.Context(), actorFrom(r.Context()))
	if err != nil {
		return err
	}
	p := outboxPage{Export: exportLinksOf("/courriels", nil, "la liste des courriels")}
	for _, m := range mails {
		row := mailRow{Mail: m}
		switch row.State() {
		case "failed":
			p.Failed++
		case "kept":
			p.Kept++
		}
		p.Rows = append(p.Rows, row)
	}
	s.render(w, r, http.StatusOK, "outbox_list.html", "Courriels", p)
	return nil
}
