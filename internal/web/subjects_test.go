package web_test

import (
	"bytes"
	"mime/multipart"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"cqp/internal/domain"
	"cqp/internal/service/servicetest"
)

func init() { sampleSources = append(sampleSources, subjectSamples) }

// subjectSamples builds the subject bank's fixture: each proposer role reads its own
// organisation's draft (OF A's, company A's), side B's draft is OF B's; the bank's pages show
// OF A's submitted proposal.
func subjectSamples(t testing.TB, w *servicetest.World) routeSamples {
	sw := w.Subjects(t)
	paths, cross := map[string]string{}, map[string]string{}
	roles := map[string]map[domain.Role]string{}
	proposal := func(pattern, suffix string, attachment bool) {
		own := func(id, att string) string {
			p := "/sujets/propositions/" + id + suffix
			if attachment {
				p = strings.Replace(p, "{piece}", att, 1)
			}
			return p
		}
		paths[pattern] = own(sw.DraftA, sw.AttachmentA)
		cross[pattern] = own(sw.DraftB, sw.AttachmentA)
		co := own(sw.DraftCo, sw.AttachmentCo)
		roles[pattern] = map[domain.Role]string{domain.RoleCompany: co, domain.RoleCompanyReferent: co}
	}
	proposal("/sujets/propositions/{id}", "", false)
	proposal("/sujets/propositions/{id}/modification", "/modification", false)
	proposal("/sujets/propositions/{id}/soumission", "/soumission", false)
	proposal("/sujets/propositions/{id}/retrait", "/retrait", false)
	proposal("/sujets/propositions/{id}/pieces", "/pieces", false)
	proposal("/sujets/propositions/{id}/pieces/{piece}", "/pieces/{piece}", true)
	proposal("/sujets/propositions/{id}/pieces/{piece}/suppression", "/pieces/{piece}/suppression", true)
	bank := "/sujets/banque/" + sw.SubmittedA
	paths["/sujets/banque/{id}"] = bank
	paths["/sujets/banque/{id}/pieces/{piece}"] = bank + "/pieces/" + sw.AttachmentS
	paths["/sujets/banque/{id}/examen"] = bank + "/examen"
	paths["/sujets/banque/{id}/retrait"] = "/sujets/banque/" + sw.AcceptedCo + "/retrait"
	paths["/sujets/appels/{id}"] = "/sujets/appels/" + sw.CallID
	return routeSamples{Paths: paths, CrossScope: cross, RolePaths: roles}
}

func TestAnOrganisationProposesASubjectAndTheCommitteeAcceptsItWithChanges(t *testing.T) {
	s := newSite(t)
	sw := s.world.Subjects(t)
	of := s.client(t, s.world.Accounts[domain.RoleTrainingOrganisation])
	committee := s.client(t, sw.CommitteeKey)
	secretariat := s.client(t, s.world.Accounts[domain.RoleSecretariat])

	status, body := s.do(t, of, http.MethodGet, "/sujets/propositions/nouvelle?qualification="+sw.Qualif.ID)
	if status != http.StatusOK || !strings.Contains(body, sw.Qualif.Blocks[0].Title) || !strings.Contains(body, `<label for="f-candidate_text">`) {
		t.Fatalf("the form: %d %.300s", status, body)
	}
	b := sw.Qualif.Blocks[0]
	form := url.Values{"qualification": {sw.Qualif.ID}, "kind": {"knowledge_question"}, "blocks": {b.Code}, "competences": {b.Competences[0].Code},
		"title": {"Le devoir de conseil"}, "candidate_text": {"Qu'est-ce que le devoir de conseil ?"}, "expected_answer": {"Une obligation légale"},
		"marking_guide": {"A si l'obligation est citée"}, "duration_minutes": {"abc"}}
	status, _, body = s.post(t, of, "/sujets/propositions", form)
	if status != http.StatusUnprocessableEntity || !strings.Contains(body, "entre 5 et 120 minutes") || !strings.Contains(body, "Qu'est-ce que le devoir de conseil ?") {
		t.Fatalf("a wrong duration: %d %.500s", status, body)
	}
	form.Set("duration_minutes", "15")
	status, loc, _ := s.post(t, of, "/sujets/propositions", form)
	if status != http.StatusSeeOther || !strings.HasPrefix(loc, "/sujets/propositions/") {
		t.Fatalf("create: %d %s", status, loc)
	}
	id := strings.TrimPrefix(loc, "/sujets/propositions/")

	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	fw, _ := mw.CreateFormFile("file", "bareme.txt")
	fw.Write([]byte("pas un pdf"))
	mw.Close()
	req, _ := http.NewRequest(http.MethodPost, s.URL+loc+"/pieces", &buf)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	res, err := of.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusUnprocessableEntity {
		t.Fatalf("a text file attached: %d", res.StatusCode)
	}

	if status, _, _ := s.post(t, of, loc+"/soumission", url.Values{}); status != http.StatusSeeOther {
		t.Fatalf("submit: %d", status)
	}
	if status, body := s.do(t, committee, http.MethodGet, "/sujets/a-examiner"); status != http.StatusOK || !strings.Contains(body, "Le devoir de conseil") {
		t.Fatalf("to review: %d", status)
	}
	review := url.Values{"decision": {"accepted_with_changes"}, "reason": {"Question élargie au devoir d'information"}, "validity_years": {"2"},
		"title": {"Devoir de conseil et d'information"}, "candidate_text": {"Qu'est-ce que le devoir de conseil et d'information ?"},
		"expected_answer": {"Deux obligations légales"}, "marking_guide": {"A si les deux sont citées"}, "duration_minutes": {"15"}}
	if status, _, body := s.post(t, committee, "/sujets/banque/"+id+"/examen", review); status != http.StatusSeeOther {
		t.Fatalf("review: %d %.400s", status, body)
	}
	status, body = s.do(t, of, http.MethodGet, loc)
	if status != http.StatusOK || !strings.Contains(body, "Accepté avec modifications") || !strings.Contains(body, "Question élargie au devoir d'information") ||
		strings.Contains(body, "Deux obligations légales") {
		t.Fatalf("the proposer's page: %d %.600s", status, body)
	}
	status, body = s.do(t, secretariat, http.MethodGet, "/sujets/banque/"+id)
	if status != http.StatusOK || !strings.Contains(body, "Version 1") || !strings.Contains(body, "Version 2 (en vigueur)") || !strings.Contains(body, "Une obligation légale") {
		t.Fatalf("the subject's page: %d", status)
	}
	status, body = s.do(t, secretariat, http.MethodGet, "/sujets?kind=knowledge_question&max_uses=0")
	if status != http.StatusOK || !strings.Contains(body, "Devoir de conseil et d'information") {
		t.Fatalf("the bank: %d", status)
	}
	if status, _ := s.do(t, of, http.MethodGet, "/sujets/banque/"+id); status != http.StatusForbidden {
		t.Fatalf("the proposer read the bank's page: %d", status)
	}
}

func TestTheMenusOfferTheSubjectBankToTheRolesThatUseIt(t *testing.T) {
	s := newSite(t)
	for role, want := range map[domain.Role]string{
		domain.RoleTrainingOrganisation: `href="/sujets/propositions"`, domain.RoleCompany: `href="/sujets/propositions"`,
		domain.RoleSecretariat: `href="/sujets"`, domain.RoleSubjectCommittee: `href="/sujets"`,
	} {
		_, body := s.do(t, s.client(t, s.world.Accounts[role]), http.MethodGet, "/")
		if !strings.Contains(body, want+">Sujets d'évaluation") && !strings.Contains(body, want+` aria-current="page">Sujets d'évaluation`) {
			t.Errorf("%s: no « Sujets d'évaluation » entry %s", role, want)
		}
	}
	_, body := s.do(t, s.client(t, s.world.Accounts[domain.RoleCandidate]), http.MethodGet, "/")
	if strings.Contains(body, "Sujets d'évaluation") {
		t.Error("a candidate is offered the subject bank")
	}
}

func TestTheSecretariatMakesAJuryMemberAMemberOfTheSubjectCommittee(t *testing.T) {
	s := newSite(t)
	juror := s.world.Accounts[domain.RoleJuryMember]
	before := s.client(t, juror)
	if status, _ := s.do(t, before, http.MethodGet, "/sujets/a-examiner"); status != http.StatusForbidden {
		t.Fatalf("a juror reads the proposals: %d", status)
	}
	secretariat := s.client(t, s.world.Accounts[domain.RoleSecretariat])
	_, body := s.do(t, secretariat, http.MethodGet, "/comptes/"+s.world.UserIDs[juror])
	if !strings.Contains(body, "Membre de la commission de sujets") {
		t.Fatal("the account page does not offer the subject committee role")
	}
	status, _, body := s.post(t, secretariat, "/comptes/"+s.world.UserIDs[juror]+"/roles", url.Values{"role": {"subject_committee"}})
	if status != http.StatusSeeOther {
		t.Fatalf("add the role: %d %.300s", status, body)
	}
	after := s.client(t, juror)
	if status, _ := s.do(t, after, http.MethodGet, "/sujets/a-examiner"); status != http.StatusOK {
		t.Fatalf("the new committee member: %d", status)
	}
}

func TestACallOverlappingAnotherIsRefusedWithTheOtherCallsDates(t *testing.T) {
	s := newSite(t)
	sw := s.world.Subjects(t)
	secretariat := s.client(t, s.world.Accounts[domain.RoleSecretariat])
	status, _, body := s.post(t, secretariat, "/sujets/appels", url.Values{"year": {"2027"}, "opens_on": {"10/12/2026"}, "closes_on": {"31/01/2027"}})
	if status != http.StatusUnprocessableEntity || !strings.Contains(body, "chevauchent l'appel 2026 (du 01/11/2026 au 15/12/2026)") || !strings.Contains(body, `value="10/12/2026"`) {
		t.Fatalf("create: %d %.400s", status, body)
	}
	status, _, body = s.post(t, secretariat, "/sujets/appels/"+sw.CallID, url.Values{"opens_on": {"01/11/2026"}, "closes_on": {"31/10/2026"}})
	if status != http.StatusUnprocessableEntity || !strings.Contains(body, "La date de clôture doit suivre la date d'ouverture") {
		t.Fatalf("update: %d %.400s", status, body)
	}
}
