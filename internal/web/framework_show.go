package web

import (
	"errors"
	"maps"
	"net/http"
	"slices"
	"strconv"
	"strings"

	"cqp/internal/domain"
	"cqp/internal/service"
	"cqp/internal/store"
)

type frameworkShowPage struct {
	Record store.FrameworkRecord
	Latest bool // this version is the qualification's latest
	// ToConfirm holds one form per item still flagged, for those who may confirm them.
	ToConfirm []confirmRow
	// Error is a refusal that concerns no item's form (an unknown or missing item); Failed is
	// the item's form a refusal concerns, which the top of the page links to.
	Error  string
	Failed *confirmRow
	// History lists the confirmations and corrections, for those who read the audit trail;
	// Changed is the latest of them by item name, to mark each item confirmed.
	History []service.FrameworkWordingChange
	Changed map[string]*service.FrameworkWordingChange
}

// confirmRow is the form that confirms one item flagged to confirm.
type confirmRow struct {
	Item        domain.FrameworkItem
	ID          string // the item's Ref, usable in element ids
	Title       string // the title field's value
	Reason      string
	Error       string // why the last confirmation of this item was refused
	Placeholder bool   // the current title is placeholder wording, to be replaced
}

// Heading names the item with a capital, as a form's legend.
func (c confirmRow) Heading() string {
	n := c.Item.Name()
	return strings.ToUpper(n[:1]) + n[1:]
}

// confirmFailure is a refused confirmation, shown again on the page with what was typed.
type confirmFailure struct {
	Item, Title, Reason, Message string
}

func (s *Server) frameworkShow(w http.ResponseWriter, r *http.Request) error {
	return s.renderFrameworkShow(w, r, http.StatusOK, nil)
}

func (s *Server) renderFrameworkShow(w http.ResponseWriter, r *http.Request, status int, failed *confirmFailure) error {
	ctx, a := r.Context(), actorFrom(r.Context())
	rec, err := s.svc.Framework(ctx, a, r.PathValue("id"))
	if err != nil {
		return err
	}
	versions, err := s.svc.FrameworkVersions(ctx, a, rec.Framework.Qualification.Code)
	if err != nil {
		return err
	}
	p := frameworkShowPage{Record: rec, Latest: len(versions) > 0 && versions[0].ID == rec.ID}
	if service.Can(a, service.ActFrameworkConfirm) {
		for _, it := range rec.Framework.ItemsToConfirm() {
			row := confirmRow{Item: it, ID: strings.ReplaceAll(it.Ref(), "/", "-"), Placeholder: domain.ReadsAsPlaceholder(it.Title)}
			if !row.Placeholder {
				row.Title = it.Title
			}
			if failed != nil && failed.Item == it.Ref() {
				row.Title, row.Reason, row.Error = failed.Title, failed.Reason, failed.Message
				failed = nil
			}
			p.ToConfirm = append(p.ToConfirm, row)
		}
		for i := range p.ToConfirm {
			if p.ToConfirm[i].Error != "" {
				p.Failed = &p.ToConfirm[i]
			}
		}
	}
	if failed != nil {
		p.Error = failed.Message
	}
	if service.Can(a, service.ActAuditRead) {
		if p.History, err = s.svc.FrameworkWordingHistory(ctx, a, rec.ID); err != nil {
			return err
		}
		p.Changed = map[string]*service.FrameworkWordingChange{}
		for i := len(p.History) - 1; i >= 0; i-- { // oldest first, so that the latest wins
			p.Changed[p.History[i].Item] = &p.History[i]
		}
	}
	q := rec.Framework.Qualification
	s.render(w, r, status, "framework_show.html", q.Title+" — version "+strconv.Itoa(rec.Version), p)
	return nil
}

// frameworkConfirm confirms one item of a framework version as it is, or with its corrected
// title; a refusal shows the page again with the message at the item's form.
func (s *Server) frameworkConfirm(w http.ResponseWriter, r *http.Request) error {
	if err := parseForm(w, r); err != nil {
		return err
	}
	id := r.PathValue("id")
	in := service.FrameworkItemInput{Item: r.PostForm.Get("item"), Title: r.PostForm.Get("title"), Reason: r.PostForm.Get("reason")}
	res, err := s.svc.ConfirmFrameworkItem(r.Context(), actorFrom(r.Context()), id, in)
	if err != nil {
		if code := domain.ErrorCode(err); code != domain.EINVALID && code != domain.ECONFLICT {
			return err
		}
		return s.renderFrameworkShow(w, r, formStatus(err), &confirmFailure{Item: in.Item, Title: in.Title, Reason: in.Reason,
			Message: fieldMessages(err)})
	}
	name := confirmRow{Item: res.Item}.Heading()
	msg := name + " confirmé tel quel."
	switch {
	case res.Corrected:
		msg = name + " : intitulé corrigé et confirmé."
	case !res.Item.HasTitle():
		msg = "Prérequis confirmés tels quels."
	case res.Item.Kind == domain.ItemCompetence || res.Item.Kind == domain.ItemQualification:
		msg = name + " confirmée telle quelle."
	}
	switch n := res.Record.ToConfirmCount; n {
	case 0:
		msg += " Tous les éléments de cette version sont confirmés : ses certificats et attestations peuvent être délivrés."
	case 1:
		msg += " Il reste 1 élément à confirmer."
	default:
		msg += " Il reste " + strconv.Itoa(n) + " éléments à confirmer."
	}
	s.flash(r, msg)
	anchor := "#a-confirmer"
	if res.Record.ToConfirmCount == 0 {
		anchor = ""
	}
	http.Redirect(w, r, "/referentiels/"+id+anchor, http.StatusSeeOther)
	return nil
}

// fieldMessages is what a refusal says about the fields, each message once, or its message
// when it names no field: a form of one or two fields shows them together.
func fieldMessages(err error) string {
	var de *domain.Error
	if !errors.As(err, &de) || len(de.Fields) == 0 {
		return domain.ErrorMessage(err)
	}
	msgs := make([]string, 0, len(de.Fields))
	for _, k := range slices.Sorted(maps.Keys(de.Fields)) {
		if m := de.Fields[k]; !slices.Contains(msgs, m) {
			msgs = append(msgs, m)
		}
	}
	return strings.Join(msgs, " ")
}
