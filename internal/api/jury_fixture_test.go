package api_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"cqp/internal/api"
	"cqp/internal/domain"
	"cqp/internal/service"
	"cqp/internal/service/servicetest"
	"cqp/internal/store"
)

// juryWorld is the service fixture world (side A and side B, an account of every role scoped
// to side A, a commission with an oral of candidate A) with what issue 17's routes read: a
// planned jury session the fixture's jury member and president are invited to, hearing a third
// candidate; another session they are not invited to; and a closed session whose documents
// were issued: candidate A's certificate and candidate B's.
type juryWorld struct {
	*servicetest.World
	h      http.Handler
	spec   *spec
	tokens map[domain.Role]string

	open, other, closed string // jury sessions
	enrolmentC          string // presented to the open session
	certA, certB        store.Certificate
}

func newJuryWorld(t testing.TB, st *store.Store) *juryWorld {
	t.Helper()
	return juryWorldOf(t, servicetest.New(t, st))
}

// juryWorldOf adds the jury sessions and the documents to a fixture world.
func juryWorldOf(t testing.TB, sw *servicetest.World) *juryWorld {
	t.Helper()
	w := &juryWorld{World: sw, spec: loadSpec(t), tokens: map[domain.Role]string{}}
	w.h = api.New(w.Service, slog.New(slog.NewTextHandler(io.Discard, nil))).Handler()
	ctx := context.Background()
	sys := domain.SystemActor("test")
	svc := w.Service
	for _, role := range domain.Roles {
		secret, _, err := svc.CreateAPIToken(ctx, w.Actor(t, w.Accounts[role]), "jury", service.DefaultAPITokenDays)
		must(t, err)
		w.tokens[role] = secret
	}
	w.closed = "jury-closed"
	w.certA, w.certB = issueCertificates(t, w.World, w.closed)

	// A third candidate, awaiting the jury, presented to a session the jurors are invited to.
	c, err := svc.CreateCandidate(ctx, sys, service.CandidateInput{
		Candidate: domain.Candidate{BirthName: "Nguyễn", FirstNames: "Bérénice", BirthDate: domain.NewDate(1990, 6, 2),
			Sex: domain.SexFemale, BirthINSEE: "69123", BirthCity: "Lyon"},
		Enrolment: &service.EnrolmentInput{QualificationCode: "CC", Route: domain.RouteFormation, Public: domain.PublicEmployee,
			TrainingOrganisationID: w.OrgB, CompanyID: w.CompanyB, Blocks: []string{"OPT1", "OPT2"}}})
	must(t, err)
	e := c.Enrolments[0]
	for _, b := range e.Blocks {
		_, err := svc.AddContinuousAssessment(ctx, sys, e.ID, service.AssessmentInput{BlockCode: b, Label: "Étude de cas", On: "20/11/2026", Mark: "14"})
		must(t, err)
	}
	w.MeetJuryGates(t, e.ID)
	for _, s := range []domain.EnrolmentStatus{domain.StatusInTraining, domain.StatusFinalEvaluation, domain.StatusAwaitingJury} {
		_, err := svc.SetEnrolmentStatus(ctx, sys, c.ID, e.ID, s, "")
		must(t, err)
	}
	w.enrolmentC = e.ID
	jurors := []string{w.UserIDs[w.Accounts[domain.RoleJuryMember]], w.UserIDs[w.Accounts[domain.RoleJuryPresident]]}
	must(t, svc.SetJuryRosterMember(ctx, sys, jurors[0], service.CollegeUnions))
	must(t, svc.SetJuryRosterMember(ctx, sys, jurors[1], service.CollegeCPNEFPPresident))
	js, err := svc.ScheduleJurySession(ctx, sys, service.JurySessionInput{Date: "10/12/2026", Time: "14:00", Place: "Paris, salle Turgot"})
	must(t, err)
	w.open = js.ID
	_, err = svc.InviteJuryMembers(ctx, sys, w.open, jurors)
	must(t, err)
	_, err = svc.PresentJuryCandidates(ctx, sys, w.open, []string{e.ID})
	must(t, err)
	other, err := svc.ScheduleJurySession(ctx, sys, service.JurySessionInput{Date: "11/12/2026", Time: "09:00", Place: "Lyon"})
	must(t, err)
	w.other = other.ID
	return w
}

// issueCertificates closes a session as the jury would (candidates A and B certified, a
// snapshot with the signatories) and issues its documents as the secretariat.
func issueCertificates(t testing.TB, w *servicetest.World, id string) (certA, certB store.Certificate) {
	t.Helper()
	ctx := context.Background()
	st, sys := w.Service.Store(), domain.SystemActor("test")
	var enrolments []string
	for _, cid := range []string{w.CandidateA, w.CandidateB} {
		c, err := w.Service.Candidate(ctx, sys, cid)
		must(t, err)
		enrolments = append(enrolments, c.Enrolments[0].ID)
	}
	day := time.Date(2026, 11, 20, 13, 0, 0, 0, time.UTC)
	must(t, st.Write(ctx, func(q store.Q) error {
		branches, err := q.Branches(ctx)
		if err != nil {
			return err
		}
		if err := q.SaveBranchSettings(ctx, store.BranchSettings{BranchID: branches[0].ID, JuryQuorum: 4, JuryPresidentName: "Bertrand Lécuyer",
			CSCAPresidentName: "Françoise Nguyễn", CPNEPresidentName: "Jean-Noël Œttinger", UpdatedAt: day}); err != nil {
			return err
		}
		if err := q.CreateJurySession(ctx, store.JurySession{ID: id, BranchID: branches[0].ID, StartsAt: day, Place: "Paris", Quorum: 4,
			Status: store.JuryPlanned, CreatedAt: day}); err != nil {
			return err
		}
		for _, e := range enrolments {
			if err := q.AddJuryCandidate(ctx, id, e); err != nil {
				return err
			}
		}
		if err := q.SetJurySessionStatus(ctx, id, store.JuryPlanned, store.JuryDeliberating); err != nil {
			return err
		}
		for _, e := range enrolments {
			if err := q.SetJuryOutcome(ctx, id, e, "certified"); err != nil {
				return err
			}
		}
		return q.CloseJurySession(ctx, id, `{"format":1,"session_id":"`+id+`","signatories":{"jury_president":"Bertrand Lécuyer"}}`, day.Add(3*time.Hour), "")
	}))
	w.ConfirmFrameworks(t)
	_, err := w.Service.IssueSessionDocuments(ctx, sys, id)
	must(t, err)
	p, err := w.Service.Certificates(ctx, sys, store.CertificateFilter{SessionID: id})
	must(t, err)
	for _, c := range p.Items {
		switch c.CandidateID {
		case w.CandidateA:
			certA = c
		case w.CandidateB:
			certB = c
		}
	}
	if certA.ID == "" || certB.ID == "" {
		t.Fatalf("issued %+v", p)
	}
	return certA, certB
}

// do sends a request as the role ("" for none), v encoded as JSON unless nil, and checks the
// answer against the OpenAPI document.
func (w *juryWorld) do(t testing.TB, method, path string, role domain.Role, v any) response {
	t.Helper()
	var body io.Reader
	var raw []byte
	if v != nil {
		var err error
		raw, err = json.Marshal(v)
		must(t, err)
		body = bytes.NewReader(raw)
	}
	req := httptest.NewRequest(method, path, body)
	if role != "" {
		req.Header.Set("Authorization", "Bearer "+w.tokens[role])
	}
	if v != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	rec := httptest.NewRecorder()
	w.h.ServeHTTP(rec, req)
	r := response{Status: rec.Code, Header: rec.Header(), Body: rec.Body.Bytes()}
	w.spec.checkResponse(t, method, path, r.Status, r.Header.Get("Content-Type"), r.Body)
	if r.Status < 300 && v != nil {
		w.spec.checkRequest(t, method, path, raw)
	}
	return r
}

// audited reports whether the audit trail holds an entry of the action on the entity.
func (w *juryWorld) audited(t testing.TB, action, entityID string) domain.AuditEntry {
	t.Helper()
	entries, _, err := w.Service.Store().Read().ListAudit(context.Background(), store.AuditFilter{Action: action, EntityID: entityID, Limit: 10})
	must(t, err)
	if len(entries) == 0 {
		t.Fatalf("no %s audit entry for %s", action, entityID)
	}
	return entries[0]
}
