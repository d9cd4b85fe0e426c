package api

import (
	"strconv"

	"cqp/internal/service"
)

// juryRoutes are the routes of issue 17's evaluation and certification part: the commissions
// and their orals, the jury sessions (read only: decisions and closing stay in the web
// interface, where the president signs), the certificates and attestations, and the blocs
// route's enrolment and final stage. Each handler calls the service method its web page calls,
// so the permissions, scopes, validations and audit entries are the same.
func (a *API) juryRoutes() []route {
	return []route{
		a.route("GET", "/commissions", service.ActCommissionManage, a.commissionsList),
		a.route("POST", "/commissions", service.ActCommissionManage, a.commissionCreate),
		a.route("GET", "/commissions/{id}", service.ActCommissionManage, a.commissionShow),
		a.route("POST", "/commissions/{id}/orals", service.ActCommissionManage, a.oralSchedule),

		a.route("GET", "/orals", service.ActOralRead, a.oralsList),
		a.route("GET", "/orals/{id}", service.ActOralRead, a.oralShow),
		a.route("POST", "/orals/{id}/convocations", service.ActCommissionManage, a.oralConvocations),

		a.route("GET", "/jury-sessions", service.ActJuryRead, a.jurySessionsList),
		a.route("GET", "/jury-sessions/{id}", service.ActJuryRead, a.jurySessionShow),
		a.route("GET", "/jury-sessions/{id}/candidates/{enrolment}", service.ActJuryRead, a.juryCandidateShow),

		a.route("GET", "/certificates", service.ActCertificateRead, a.certificatesList),
		a.route("GET", "/certificates/{id}", service.ActCertificateRead, a.certificateShow),
		a.route("GET", "/certificates/{id}/pdf", service.ActCertificateRead, a.certificatePDF),
		a.route("POST", "/certificates/{id}/revocation", service.ActCertificateRevoke, a.certificateRevoke),

		a.route("GET", "/companies/{id}/blocs-choices", service.ActBlocsEnrol, a.blocsChoices),
		a.route("POST", "/companies/{id}/blocs-enrolments", service.ActBlocsEnrol, a.blocsEnrol),
		a.route("GET", "/candidates/{id}/blocs-final-stage", service.ActBlocsFinal, a.finalStageOptions),
		a.route("POST", "/candidates/{id}/blocs-final-stage", service.ActBlocsFinal, a.finalStageOpen),
	}
}

// itoaOrEmpty gives the service a number it reads as text; 0 (absent) is empty.
func itoaOrEmpty(n int) string {
	if n == 0 {
		return ""
	}
	return strconv.Itoa(n)
}
