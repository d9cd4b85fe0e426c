package web

import "cqp/internal/service"

// registerSubjectRoutes registers the subject bank (issue 18). The proposers' pages live under
// /sujets/propositions and show only their organisation's proposals; the bank, the review,
// the calls and the committee's sessions are the secretariat's and the committee's.
func (s *Server) registerSubjectRoutes() {
	s.handle("GET /sujets/propositions", service.ActSubjectPropose, s.subjectProposalList)
	s.handle("GET /sujets/propositions/nouvelle", service.ActSubjectPropose, s.subjectProposalNew)
	s.handle("POST /sujets/propositions", service.ActSubjectPropose, s.subjectProposalCreate)
	s.handle("GET /sujets/propositions/{id}", service.ActSubjectPropose, s.subjectProposalShow)
	s.handle("GET /sujets/propositions/{id}/modification", service.ActSubjectPropose, s.subjectProposalEdit)
	s.handle("POST /sujets/propositions/{id}", service.ActSubjectPropose, s.subjectProposalUpdate)
	s.handle("POST /sujets/propositions/{id}/soumission", service.ActSubjectPropose, s.subjectProposalSubmit)
	s.handle("POST /sujets/propositions/{id}/retrait", service.ActSubjectPropose, s.subjectProposalWithdraw)
	s.handle("POST /sujets/propositions/{id}/pieces", service.ActSubjectPropose, s.subjectProposalAttach)
	s.handle("GET /sujets/propositions/{id}/pieces/{piece}", service.ActSubjectPropose, s.subjectProposalAttachment)
	s.handle("POST /sujets/propositions/{id}/pieces/{piece}/suppression", service.ActSubjectPropose, s.subjectProposalDetach)

	s.handle("GET /sujets", service.ActSubjectBankRead, s.subjectBank)
	s.handle("GET /sujets/a-examiner", service.ActSubjectBankRead, s.subjectReviewList)
	s.handle("GET /sujets/banque/{id}", service.ActSubjectBankRead, s.subjectShow)
	s.handle("GET /sujets/banque/{id}/pieces/{piece}", service.ActSubjectBankRead, s.subjectAttachment)
	s.handle("GET /sujets/banque/{id}/examen", service.ActSubjectReview, s.subjectReviewForm)
	s.handle("POST /sujets/banque/{id}/examen", service.ActSubjectReview, s.subjectReview)
	s.handle("POST /sujets/banque/{id}/retrait", service.ActSubjectRetire, s.subjectRetire)

	s.handle("GET /sujets/appels", service.ActSubjectCallManage, s.subjectCalls)
	s.handle("POST /sujets/appels", service.ActSubjectCallManage, s.subjectCallCreate)
	s.handle("POST /sujets/appels/{id}", service.ActSubjectCallManage, s.subjectCallUpdate)
	s.handle("GET /sujets/commission", service.ActSubjectBankRead, s.subjectCommittee)
	s.handle("POST /sujets/commission", service.ActSubjectCommitteeManage, s.subjectCommitteeCreate)
}
