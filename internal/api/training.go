package api

import (
	"encoding/json"
	"errors"
	"net/http"
	"strings"

	"cqp/internal/domain"
	"cqp/internal/service"
)

// The formation route's data that training organisations keep in their own systems (issue 17):
// actions (fiches action) with their calendar and the secretariat's review, the enrolments made
// in them after the interview, and the training follow-up (hours per block, internships), with
// a batch of hours for a whole intake at once. Each route calls the service method the
// corresponding page calls, so the same permissions, scopes, checks and audit entries apply.

func (a *API) trainingRoutes() []route {
	return []route{
		a.route("GET", "/actions", service.ActActionRead, a.actionsList),
		a.route("POST", "/actions", service.ActActionDeclare, a.actionDeclare),
		a.route("GET", "/actions/{id}", service.ActActionRead, a.actionShow),
		a.route("POST", "/actions/{id}/calendar", service.ActActionDeclare, a.actionCalendarAdd),
		a.route("POST", "/actions/{id}/comments", service.ActActionReview, a.actionComment),
		a.route("POST", "/actions/{id}/review", service.ActActionReview, a.actionMarkReviewed),
		a.route("POST", "/actions/{id}/refusal", service.ActActionReview, a.actionRefuse),
		a.route("POST", "/actions/{id}/enrolments", service.ActEnrolmentManage, a.actionEnrol),

		a.route("GET", "/enrolments/{id}", service.ActCandidateRead, a.enrolmentShow),
		a.route("POST", "/enrolments/{id}/intake", service.ActEnrolmentManage, a.enrolmentIntake),
		a.route("POST", "/enrolments/{id}/status", service.ActEnrolmentManage, a.enrolmentStatus),
		a.route("GET", "/enrolments/{id}/followup", service.ActCandidateRead, a.followupShow),
		a.route("POST", "/enrolments/{id}/training-hours", service.ActTrainingRecord, a.trainingHoursSet),
		a.route("POST", "/enrolments/{id}/internships", service.ActTrainingRecord, a.internshipAdd),
		a.route("POST", "/enrolments/{id}/internships/{internship}/removal", service.ActTrainingRecord, a.internshipRemove),

		a.route("POST", "/training-hours/batch", service.ActTrainingRecord, a.trainingHoursBatch),
	}
}

// isoDate reads an optional date written AAAA-MM-JJ. An empty one is zero; a wrong one is
// zero too, with msg under field (the service then sees a missing date, and fe's message,
// which says what was wrong, wins over the service's).
func isoDate(fe domain.FieldErrors, field, raw, msg string) domain.Date {
	raw = strings.TrimSpace(raw)
	if raw == "" {
		return domain.Date{}
	}
	d, err := domain.ParseISODate(raw)
	if err != nil {
		fe.Add(field, msg)
	}
	return d
}

// serviceDate is a date read by isoDate in the form the service reads (JJ/MM/AAAA), "" when
// it is zero: the service then says the date is missing, and isoDate's message wins.
func serviceDate(d domain.Date) string {
	if d.IsZero() {
		return ""
	}
	return d.String()
}

// withFields returns err with fe's messages added, fe's winning: they were found while reading
// the request and say more precisely what is wrong than the service, which saw a missing
// value. Errors other than invalid data pass unchanged.
func withFields(err error, fe domain.FieldErrors) error {
	var de *domain.Error
	if len(fe) == 0 || !errors.As(err, &de) || de.Code != domain.EINVALID {
		return err
	}
	out := *de
	out.Fields = domain.FieldErrors{}
	for k, v := range de.Fields {
		out.Fields[k] = v
	}
	for k, v := range fe {
		out.Fields[k] = v
	}
	return &out
}

// isoMessages rewrites the French date format the web forms use (JJ/MM/AAAA) into the one the
// API takes (AAAA-MM-JJ) in the messages of err.
func isoMessages(err error) error {
	var de *domain.Error
	if !errors.As(err, &de) {
		return err
	}
	out := *de
	fix := func(s string) string { return strings.ReplaceAll(s, "JJ/MM/AAAA", "AAAA-MM-JJ") }
	out.Message = fix(out.Message)
	if len(de.Fields) > 0 {
		out.Fields = domain.FieldErrors{}
		for k, v := range de.Fields {
			out.Fields[k] = fix(v)
		}
	}
	return &out
}

// textNumber is a number of hours as sent: a JSON number, or a string holding one. It keeps
// the text so that the service, which checks typed hours for the web form too, says what is
// wrong with it (« 12.5 » is not a whole number of hours).
type textNumber struct {
	text string
	set  bool
}

func (n *textNumber) UnmarshalJSON(b []byte) error {
	s := strings.TrimSpace(string(b))
	switch {
	case s == "null":
		*n = textNumber{}
	case strings.HasPrefix(s, `"`):
		var v string
		if err := json.Unmarshal(b, &v); err != nil {
			return err
		}
		*n = textNumber{text: v, set: true}
	default:
		*n = textNumber{text: s, set: true}
	}
	return nil
}

// hoursInput turns sent hours into the service's typed hours: planned hours left out keep
// those recorded.
func hoursInput(planned, done textNumber) service.BlockHoursInput {
	return service.BlockHoursInput{Planned: planned.text, Done: done.text, KeepPlanned: !planned.set}
}

// tooManyRows answers a batch of more rows than one request takes, before any is read.
func tooManyRows(n int) error {
	return &requestError{Status: http.StatusRequestEntityTooLarge, Detail: service.BatchTooLarge(n)}
}
