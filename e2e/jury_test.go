package e2e

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"cqp/internal/domain"
	"cqp/internal/rules"
	"cqp/internal/service"
	"cqp/internal/service/servicetest"
	"cqp/internal/store"
)

// confirmClose is the president's confirmation that closes a session.
var confirmClose = url.Values{"confirm": {"1"}}

// confirmIssue is the secretariat's confirmation that issues a session's documents.
var confirmIssue = url.Values{"confirm": {"1"}}

// awaitJury prepares an enrolment through service calls: one continuous mark per block (mark
// for the blocks of lowMarks, "14" otherwise), the three grids (one row of 15 marks for
// C1–C15 per evaluator, the optional blocks always acquired), the training hours and the
// internship the gates before the jury ask, then the statuses up to « En attente du jury ».
func awaitJury(t *testing.T, w *servicetest.World, candidateID string, rows map[domain.Evaluator]string, lowMarks map[string]string) string {
	t.Helper()
	ctx := context.Background()
	sys := domain.SystemActor("test")
	c, err := w.Service.Candidate(ctx, sys, candidateID)
	if err != nil {
		t.Fatal(err)
	}
	e := c.Enrolments[0]
	for _, b := range e.Blocks {
		mark := "14"
		if m, ok := lowMarks[b]; ok {
			mark = m
		}
		if _, err := w.Service.AddContinuousAssessment(ctx, sys, e.ID, service.AssessmentInput{BlockCode: b, Label: "Étude de cas",
			On: "20/11/2026", Mark: mark}); err != nil {
			t.Fatalf("mark %s: %v", b, err)
		}
	}
	for _, ev := range domain.Evaluators {
		in := service.GridInput{Marks: map[string]string{"OPT1-C1": "A", "OPT2-C1": "A"}}
		for i, m := range strings.Fields(rows[ev]) {
			in.Marks[fmt.Sprintf("C%d", i+1)] = m
		}
		if ev == domain.EvaluatorCommission {
			in.ReasonedOpinion = "Relation client maîtrisée ; argumentaire à consolider."
		}
		if _, err := w.Service.SubmitGrid(ctx, sys, e.ID, ev, in); err != nil {
			t.Fatalf("submit the %s grid: %v", ev, err)
		}
	}
	w.MeetJuryGates(t, e.ID)
	for _, st := range []domain.EnrolmentStatus{domain.StatusInTraining, domain.StatusFinalEvaluation, domain.StatusAwaitingJury} {
		if _, err := w.Service.SetEnrolmentStatus(ctx, sys, candidateID, e.ID, st, ""); err != nil {
			t.Fatalf("move to %s: %v", st, err)
		}
	}
	return e.ID
}

var (
	allA       = strings.TrimSpace(strings.Repeat("A ", 15))
	rowsAllA   = map[domain.Evaluator]string{domain.EvaluatorTrainingOrganisation: allA, domain.EvaluatorCompanyReferent: allA, domain.EvaluatorCommission: allA}
	rowsDebate = map[domain.Evaluator]string{ // the OF withholds C6: BC2 (C6, C7: 5 + 5 detailed) falls to 50 %, the others award it
		domain.EvaluatorTrainingOrganisation: "A A A A A NA A A A A A A A A A",
		domain.EvaluatorCompanyReferent:      allA, domain.EvaluatorCommission: allA}
)

func TestJurySessionToVerifiedCertificate(t *testing.T) {
	base, w := startServer(t)
	ctx := context.Background()
	sys := domain.SystemActor("test")
	svc := w.Service

	// A third candidate, of organisation A, beside the fixture's two.
	third, err := svc.CreateCandidate(ctx, sys, service.CandidateInput{
		Candidate: domain.Candidate{BirthName: "Nguyễn", FirstNames: "Bérénice", BirthDate: domain.NewDate(1990, 6, 2),
			Sex: domain.SexFemale, BirthINSEE: "69123", BirthCity: "Lyon"},
		Enrolment: &service.EnrolmentInput{QualificationCode: "CC", Route: domain.RouteFormation, Public: domain.PublicJobSeeker,
			TrainingOrganisationID: w.OrgA, CompanyID: w.CompanyA, Blocks: []string{"OPT1", "OPT2"}},
	})
	if err != nil {
		t.Fatal(err)
	}
	certified := awaitJury(t, w, w.CandidateA, rowsAllA, nil)
	debated := awaitJury(t, w, w.CandidateB, rowsDebate, nil)
	// BC5 (C14, C15) is not admitted: its competences are not marked.
	a13 := strings.Repeat("A ", 13)
	partial := awaitJury(t, w, third.ID, map[domain.Evaluator]string{domain.EvaluatorTrainingOrganisation: a13,
		domain.EvaluatorCompanyReferent: a13, domain.EvaluatorCommission: a13}, map[string]string{"BC5": "8"})

	// The rules engine's outcomes before the jury: every block acquired, a debate on BC2, BC5
	// not admitted (continuous mark 8/20).
	for id, want := range map[string]map[string]rules.Outcome{
		certified: {"BC2": rules.OutcomeAcquired, "BC5": rules.OutcomeAcquired},
		debated:   {"BC2": rules.OutcomeDebate, "BC5": rules.OutcomeAcquired},
		partial:   {"BC2": rules.OutcomeAcquired, "BC5": rules.OutcomeNotAdmitted},
	} {
		ev, err := svc.EnrolmentEvaluation(ctx, sys, id)
		if err != nil {
			t.Fatal(err)
		}
		for _, b := range ev.Result.Blocks {
			if o, ok := want[b.Code]; ok && b.Outcome != o {
				t.Fatalf("%s: %s is %s, want %s", ev.Candidate.BirthName, b.Code, b.Outcome, o)
			}
		}
	}

	sec := login(t, base, w.Accounts[domain.RoleSecretariat])
	president := login(t, base, w.Accounts[domain.RoleJuryPresident])

	// The branch's settings: the quorum stays 4, the three signatories are named.
	sec.submit("/parametres", url.Values{"signature_place": {"Paris"}, "quorum": {"4"},
		"jury_president_name": {"Bruno Lemaître"}, "csca_president_name": {"Hélène Duval"}, "cpne_president_name": {"Marc Girard"}})

	// The roster: the president, the fixture's member and two more members.
	jurors := []string{w.UserIDs[w.Accounts[domain.RoleJuryPresident]], w.UserIDs[w.Accounts[domain.RoleJuryMember]]}
	for i := range 2 {
		u, err := svc.CreateUser(ctx, sys, service.UserInput{Email: fmt.Sprintf("jure%d@cqp.test", i), Name: fmt.Sprintf("Juré n° %d", i),
			Password: servicetest.Password, Roles: []domain.RoleAssignment{{Role: domain.RoleJuryMember}}})
		if err != nil {
			t.Fatal(err)
		}
		jurors = append(jurors, u.ID)
	}
	for i, college := range []string{"cpnefp_president", "unions", "employers", "experts"} {
		sec.submit("/jury/membres", url.Values{"user": {jurors[i]}, "college": {college}})
	}

	// The secretariat schedules the session, invites the members and presents the candidates.
	session := sec.submit("/jury/sessions", url.Values{"date": {"2026-12-10"}, "time": {"14:00"}, "place": {"Paris, salle Turgot"}})
	if !strings.HasPrefix(session, "/jury/sessions/") {
		t.Fatalf("scheduling redirects to %q", session)
	}
	sessionID := strings.TrimPrefix(session, "/jury/sessions/")
	sec.submit(session+"/invitations", url.Values{"members": jurors})
	sec.submit(session+"/candidats", url.Values{"enrolments": {certified, debated, partial}})

	// Three present: the deliberation does not open, and the screen says why.
	sec.submit(session+"/presences", url.Values{"present": jurors[:3]})
	status, _, body := sec.post(session+"/ouverture", nil)
	if status != http.StatusConflict || !strings.Contains(body, "Quorum non atteint : 3 présents sur 4 requis, il manque 1 membre.") {
		t.Fatalf("opening with 3 present: status %d, body %s", status, excerpt(body))
	}
	if body := sec.page(session); !strings.Contains(body, "il manque 1 membre") {
		t.Fatalf("the session screen does not say how many are missing: %s", excerpt(body))
	}
	// Four present: it opens.
	sec.submit(session+"/presences", url.Values{"present": jurors})
	sec.submit(session+"/ouverture", nil)

	// Closing with the debate undecided is refused.
	status, _, body = president.post(session+"/cloture", confirmClose)
	if status != http.StatusConflict || !strings.Contains(body, "BC2 en débat sans décision du jury") {
		t.Fatalf("closing with an undecided debate: status %d, body %s", status, excerpt(body))
	}
	decisions := session + "/candidats/" + debated + "/decisions"
	status, _, body = sec.post(decisions, url.Values{"block": {"BC2"}, "decision": {"A"}, "reason": {""}})
	if status != http.StatusUnprocessableEntity || !strings.Contains(body, "Indiquez le motif de la décision") {
		t.Fatalf("a decision without a reason: status %d, body %s", status, excerpt(body))
	}
	sec.submit(decisions, url.Values{"block": {"BC2"}, "decision": {"A"}, "reason": {"Mise en situation convaincante devant le jury"}})
	president.submit(session+"/cloture", confirmClose)
	if body := president.page(session); !strings.Contains(body, "Mise en situation convaincante devant le jury") {
		t.Fatalf("the closed session does not show the reason: %s", excerpt(body))
	}

	// The results are frozen on the enrolments.
	for id, want := range map[string]domain.EnrolmentStatus{certified: domain.StatusCertified, debated: domain.StatusCertified, partial: domain.StatusPartial} {
		ev, err := svc.EnrolmentEvaluation(ctx, sys, id)
		if err != nil {
			t.Fatal(err)
		}
		if ev.Enrolment.Status != want {
			t.Errorf("%s: status %s after closing, want %s", ev.Candidate.BirthName, ev.Enrolment.Status, want)
		}
	}

	// The shipped framework still holds placeholders: the issuing page lists them and links to
	// the framework, where the secretariat confirms them; then it issues the documents.
	if body := sec.page("/delivrance/" + sessionID); !strings.Contains(body, "éléments à confirmer</h3>") ||
		!strings.Contains(body, "#a-confirmer") || strings.Contains(body, "Délivrer les documents") {
		t.Fatalf("the issuing page does not stop at the items to confirm: %s", excerpt(body))
	}
	w.ConfirmFrameworks(t)
	sec.submit("/delivrance/"+sessionID, confirmIssue)
	page, err := svc.Certificates(ctx, sys, store.CertificateFilter{SessionID: sessionID})
	if err != nil {
		t.Fatal(err)
	}
	// One certificate to each certified candidate, one attestation per acquired block to the
	// partial one (DOMAIN.md §5), never of BC5, which was not admitted.
	kinds := map[string]store.Certificate{}
	perEnrolment := map[string]int{}
	for _, c := range page.Items {
		if _, seen := kinds[c.EnrolmentID]; !seen {
			kinds[c.EnrolmentID] = c
		}
		perEnrolment[c.EnrolmentID]++
		if c.EnrolmentID == partial && (c.Kind != store.KindAttestation || c.BlockCode == "" || len(c.Blocks) != 1 || c.BlockCode == "BC5") {
			t.Fatalf("the partial candidate's document %s: kind %s, block %q, blocks %+v", c.Number, c.Kind, c.BlockCode, c.Blocks)
		}
	}
	if perEnrolment[certified] != 1 || perEnrolment[debated] != 1 || perEnrolment[partial] < 2 || kinds[certified].Kind != store.KindCertificate ||
		kinds[debated].Kind != store.KindCertificate || kinds[partial].Kind != store.KindAttestation {
		t.Fatalf("issued documents: %+v", page.Items)
	}

	// Anyone verifies a code without logging in, on the page and through the API.
	visitor := login(t, base, "")
	cert := kinds[certified]
	body = visitor.page("/verifier/" + cert.VerificationCode)
	if !strings.Contains(body, "Document authentique et valide") || !strings.Contains(body, cert.HolderName) ||
		!strings.Contains(body, "Éloïse") {
		t.Fatalf("verifying the certificate: %s", excerpt(body))
	}
	att := kinds[partial]
	body = visitor.page("/verifier/" + att.VerificationCode)
	if !strings.Contains(body, "Document authentique et valide") || !strings.Contains(body, "Bérénice") || strings.Contains(body, "BC5 ") ||
		!strings.Contains(body, "Attestation du bloc "+att.BlockCode) {
		t.Fatalf("verifying the attestation: %s", excerpt(body))
	}
	var dto struct {
		Status     string `json:"status"`
		Kind       string `json:"kind"`
		HolderName string `json:"holder_name"`
		Number     string `json:"number"`
	}
	apiGet := func(code string) {
		t.Helper()
		status, body := visitor.get("/api/v1/verify/" + code)
		if status != http.StatusOK {
			t.Fatalf("API verification: status %d, body %s", status, excerpt(body))
		}
		if err := json.Unmarshal([]byte(body), &dto); err != nil {
			t.Fatalf("API verification: %v in %s", err, excerpt(body))
		}
	}
	apiGet(cert.VerificationCode)
	if dto.Status != "valid" || dto.HolderName != cert.HolderName || dto.Number != cert.Number || dto.Kind != "certificate" {
		t.Fatalf("API verification: %+v", dto)
	}
	apiGet(att.VerificationCode)
	if dto.Status != "valid" || dto.Kind != "attestation" || dto.HolderName != att.HolderName {
		t.Fatalf("API verification of the attestation: %+v", dto)
	}
	if status, _ := visitor.get("/verifier/PAS-UN-CODE"); status != http.StatusNotFound {
		t.Fatalf("a malformed code: status %d", status)
	}

	// The secretariat revokes the debated candidate's certificate: the page and the API say so.
	revoked := kinds[debated]
	status, _, body = sec.post("/certificats/"+revoked.ID+"/revocation", url.Values{"reason": {""}})
	if status == http.StatusSeeOther {
		t.Fatalf("a revocation without a reason was accepted")
	}
	sec.submit("/certificats/"+revoked.ID+"/revocation", url.Values{"reason": {"Fraude constatée au dossier"}})
	body = visitor.page("/verifier/" + revoked.VerificationCode)
	// The public page says when, never why (issue 14, item 9).
	if !strings.Contains(body, "Ce document a été révoqué le") || strings.Contains(body, "Fraude constatée au dossier") ||
		strings.Contains(body, "Document authentique et valide") {
		t.Fatalf("verifying the revoked certificate: %s", excerpt(body))
	}
	apiGet(revoked.VerificationCode)
	if dto.Status != "revoked" {
		t.Fatalf("API verification of the revoked certificate: %+v", dto)
	}
}
