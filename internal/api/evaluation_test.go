package api_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"cqp/internal/api"
	"cqp/internal/domain"
	"cqp/internal/service"
	"cqp/internal/service/servicetest"
	"cqp/internal/store"
	"cqp/internal/store/storetest"
)

// seedMarksAction declares an action of the organisation, on the formation route, with one
// candidate enrolled through it on the enrolment's blocks, as the organisation's own system
// would. It returns the action and the enrolment.
func seedMarksAction(t testing.TB, w *servicetest.World, orgID, title string) (string, string) {
	t.Helper()
	ctx := context.Background()
	sys := domain.SystemActor("test")
	fw, err := w.Service.Framework(ctx, sys, w.FrameworkCC)
	if err != nil {
		t.Fatal(err)
	}
	a, err := w.Service.Store().Read().Candidate(ctx, w.CandidateA, store.Scope{})
	if err != nil {
		t.Fatal(err)
	}
	actionID := "action-" + strings.ToLower(strings.ReplaceAll(title, " ", "-"))
	c, err := w.Service.CreateCandidate(ctx, sys, service.CandidateInput{Candidate: domain.Candidate{BirthName: "Roux " + title, FirstNames: "Camille",
		BirthDate: domain.NewDate(1998, 6, 1), Sex: domain.SexFemale, BirthINSEE: "75056", BirthCity: "Paris"}})
	if err != nil {
		t.Fatal(err)
	}
	enrolmentID := "enrolment-" + c.ID
	err = w.Service.Store().Write(ctx, func(q store.Q) error {
		if err := q.CreateAction(ctx, store.Action{ID: actionID, TrainingOrganisationID: orgID, QualificationID: fw.QualificationID,
			Route: domain.RouteFormation, Title: title, StartsOn: domain.NewDate(2026, 9, 1), EndsOn: domain.NewDate(2027, 2, 26),
			Status: "declared", CreatedAt: servicetest.Clock}); err != nil {
			return err
		}
		return q.CreateEnrolmentRecord(ctx, store.EnrolmentRecord{ActionID: actionID, Enrolment: domain.Enrolment{ID: enrolmentID, CandidateID: c.ID,
			FrameworkID: fw.ID, QualificationID: fw.QualificationID, Route: domain.RouteFormation, Public: domain.PublicRecentGraduate,
			Status: domain.StatusInTraining, TrainingOrganisationID: orgID, Blocks: a.Enrolments[0].Blocks,
			CreatedAt: servicetest.Clock, UpdatedAt: servicetest.Clock}}, "")
	})
	if err != nil {
		t.Fatal(err)
	}
	return actionID, enrolmentID
}

// evalClient sends requests as the world's accounts and checks every answer, and every body
// accepted, against openapi.yaml.
type evalClient struct {
	h      http.Handler
	spec   *spec
	tokens map[string]string
}

type evalAnswer struct {
	status int
	body   map[string]any
	raw    []byte
}

func (c evalClient) do(t *testing.T, who, method, path string, body any) evalAnswer {
	t.Helper()
	var rd io.Reader
	var raw []byte
	if body != nil {
		var err error
		if raw, err = json.Marshal(body); err != nil {
			t.Fatal(err)
		}
		rd = bytes.NewReader(raw)
	}
	req := httptest.NewRequest(method, path, rd)
	req.Header.Set("Authorization", "Bearer "+c.tokens[who])
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	rec := httptest.NewRecorder()
	c.h.ServeHTTP(rec, req)
	c.spec.checkResponse(t, method, path, rec.Code, rec.Header().Get("Content-Type"), rec.Body.Bytes())
	if rec.Code < 300 && raw != nil {
		c.spec.checkRequest(t, method, path, raw)
	}
	a := evalAnswer{status: rec.Code, raw: rec.Body.Bytes()}
	if err := json.Unmarshal(rec.Body.Bytes(), &a.body); err != nil {
		t.Fatalf("%s %s: %v", method, path, err)
	}
	return a
}

func (a evalAnswer) want(t *testing.T, status int) evalAnswer {
	t.Helper()
	if a.status != status {
		t.Fatalf("status %d, want %d: %s", a.status, status, a.raw)
	}
	return a
}

// field is the message of the problem's errors at key.
func (a evalAnswer) field(key string) string {
	errs, _ := a.body["errors"].(map[string]any)
	s, _ := errs[key].(string)
	return s
}

type evalWorld struct {
	w                      *servicetest.World
	c                      evalClient
	enrolmentB             string
	actionA, actionB       string
	groupEnrolmentA        string
	competences            []string // every competence of candidate A's blocks
	secretariat            domain.Actor
	countMarks             func(t *testing.T, enrolmentID string) int
	blockA, blockAComp     string
	enrolmentA, candidateA string
}

func newEvalWorld(t *testing.T, st *store.Store) evalWorld {
	ctx := context.Background()
	w := servicetest.New(t, st)
	ew := evalWorld{w: w, enrolmentA: w.EnrolmentA, candidateA: w.CandidateA,
		c: evalClient{h: api.New(w.Service, slog.New(slog.NewTextHandler(io.Discard, nil))).Handler(), spec: loadSpec(t), tokens: map[string]string{}}}
	for name, email := range map[string]string{
		"secretariat": w.Accounts[domain.RoleSecretariat], "org": w.Accounts[domain.RoleTrainingOrganisation], "orgB": w.OrgBAccount,
		"referent": w.Accounts[domain.RoleCompanyReferent], "commission": w.Accounts[domain.RoleCommissionMember],
		"company": w.Accounts[domain.RoleCompany],
	} {
		secret, _, err := w.Service.CreateAPIToken(ctx, w.Actor(t, email), "evaluation", service.DefaultAPITokenDays)
		if err != nil {
			t.Fatal(err)
		}
		ew.c.tokens[name] = secret
	}
	b, err := st.Read().Candidate(ctx, w.CandidateB, store.Scope{})
	if err != nil {
		t.Fatal(err)
	}
	ew.enrolmentB = b.Enrolments[0].ID
	ew.actionA, ew.groupEnrolmentA = seedMarksAction(t, w, w.OrgA, "CC Paris")
	ew.actionB, _ = seedMarksAction(t, w, w.OrgB, "CC Lyon")
	file, err := w.Service.Enrolment(ctx, domain.SystemActor("test"), w.EnrolmentA)
	if err != nil {
		t.Fatal(err)
	}
	for _, bl := range file.Blocks() {
		for _, cp := range bl.Competences {
			ew.competences = append(ew.competences, cp.Code)
		}
	}
	ew.blockA, ew.blockAComp = file.Blocks()[0].Code, file.Blocks()[0].Competences[0].Code
	ew.secretariat = w.Actor(t, w.Accounts[domain.RoleSecretariat])
	ew.countMarks = func(t *testing.T, enrolmentID string) int {
		t.Helper()
		ev, err := w.Service.ContinuousEvaluation(ctx, ew.secretariat, enrolmentID)
		if err != nil {
			t.Fatal(err)
		}
		n := 0
		for _, bl := range ev.Blocks {
			n += len(bl.Assessments)
		}
		return n
	}
	return ew
}

// TestEvaluationRoutesServeTheirRoleOnItsSideOnly has each route answered for its role on
// side A, and not found for the same token on side B (and for organisation B on side A).
func TestEvaluationRoutesServeTheirRoleOnItsSideOnly(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		ew := newEvalWorld(t, st)
		c := ew.c
		marks := func(e string) string { return "/api/v1/enrolments/" + e + "/continuous-marks" }
		mark := map[string]any{"block": ew.blockA, "label": "Étude de cas n° 1", "on": "2026-11-20", "mark": "12,5"}

		t.Run("the organisation adds, reads and removes an assessment of its candidate; side B is not found", func(t *testing.T) {
			added := c.do(t, "org", "POST", marks(ew.enrolmentA), mark).want(t, http.StatusCreated)
			if added.body["mark"] != 12.5 || added.body["block"] != ew.blockA {
				t.Fatalf("added %v", added.body)
			}
			got := c.do(t, "org", "GET", marks(ew.enrolmentA), nil).want(t, http.StatusOK)
			bl := got.body["blocks"].([]any)[0].(map[string]any)
			if bl["mean"] != 12.5 || len(bl["assessments"].([]any)) != 1 {
				t.Fatalf("block %v", bl)
			}
			c.do(t, "org", "GET", marks(ew.enrolmentB), nil).want(t, http.StatusNotFound)
			c.do(t, "org", "POST", marks(ew.enrolmentB), mark).want(t, http.StatusNotFound)
			c.do(t, "orgB", "POST", marks(ew.enrolmentA), mark).want(t, http.StatusNotFound)
			c.do(t, "company", "POST", marks(ew.enrolmentA), mark).want(t, http.StatusForbidden)

			removal := marks(ew.enrolmentA) + "/" + added.body["id"].(string) + "/removal"
			c.do(t, "orgB", "POST", removal, map[string]any{"reason": "Erreur"}).want(t, http.StatusNotFound)
			p := c.do(t, "org", "POST", removal, map[string]any{"reason": " "}).want(t, http.StatusUnprocessableEntity)
			if !strings.Contains(p.field("reason"), "Indiquez pourquoi") {
				t.Fatalf("no reason: %s", p.raw)
			}
			c.do(t, "org", "POST", removal, map[string]any{"reason": "Saisie sur le mauvais candidat"}).want(t, http.StatusOK)
			if n := ew.countMarks(t, ew.enrolmentA); n != 0 {
				t.Fatalf("%d marks after the removal", n)
			}
		})

		t.Run("the organisation marks its action's group for a block; another organisation's action is not found", func(t *testing.T) {
			path := "/api/v1/actions/" + ew.actionA + "/continuous-marks"
			g := c.do(t, "org", "GET", path+"?block="+ew.blockA, nil).want(t, http.StatusOK)
			if rows := g.body["rows"].([]any); len(rows) != 1 || rows[0].(map[string]any)["markable"] != true {
				t.Fatalf("group %v", g.body)
			}
			body := map[string]any{"block": ew.blockA, "label": "Oral blanc", "on": "24/11/2026", "marks": map[string]string{ew.groupEnrolmentA: "21"}}
			p := c.do(t, "org", "POST", path, body).want(t, http.StatusUnprocessableEntity)
			if msg := p.field("marks." + ew.groupEnrolmentA); !strings.Contains(msg, "hors de 0 à 20") {
				t.Fatalf("wrong mark: %s", p.raw)
			}
			body["marks"] = map[string]string{ew.enrolmentB: "14"}
			p = c.do(t, "org", "POST", path, body).want(t, http.StatusUnprocessableEntity)
			if msg := p.field("marks." + ew.enrolmentB); !strings.Contains(msg, "pas un candidat de l'action") {
				t.Fatalf("enrolment outside the action: %s", p.raw)
			}
			body["marks"] = map[string]string{ew.groupEnrolmentA: "14"}
			r := c.do(t, "org", "POST", path, body).want(t, http.StatusCreated)
			if r.body["recorded"] != 1.0 {
				t.Fatalf("recorded %v", r.body)
			}
			other := "/api/v1/actions/" + ew.actionB + "/continuous-marks"
			c.do(t, "org", "GET", other+"?block="+ew.blockA, nil).want(t, http.StatusNotFound)
			c.do(t, "org", "POST", other, body).want(t, http.StatusNotFound)
		})

		t.Run("the referent reads and writes the logbook of the candidate they follow; side B is not found", func(t *testing.T) {
			path := "/api/v1/enrolments/" + ew.enrolmentA + "/logbook"
			body := map[string]any{"on": "2026-11-18", "body": "Visite en entreprise : bonne prise en main.",
				"competences": map[string]string{ew.blockAComp: "A"}}
			r := c.do(t, "referent", "POST", path, body).want(t, http.StatusCreated)
			if r.body["added"] != 2.0 {
				t.Fatalf("added %v", r.body)
			}
			p := c.do(t, "referent", "POST", path, map[string]any{"on": "2026-11-18", "competences": map[string]string{"ZZ9": "A"}}).want(t, http.StatusUnprocessableEntity)
			if !strings.Contains(p.field("competences.ZZ9"), "n'appartient pas") {
				t.Fatalf("unknown competence: %s", p.raw)
			}
			lb := c.do(t, "referent", "GET", path, nil).want(t, http.StatusOK)
			if len(lb.body["entries"].([]any)) != 2 {
				t.Fatalf("logbook %v", lb.body)
			}
			c.do(t, "org", "POST", path, body).want(t, http.StatusForbidden)
			pathB := "/api/v1/enrolments/" + ew.enrolmentB + "/logbook"
			c.do(t, "referent", "GET", pathB, nil).want(t, http.StatusNotFound)
			c.do(t, "referent", "POST", pathB, body).want(t, http.StatusNotFound)
		})

		t.Run("each grid opens for its own evaluator only; side B is not found", func(t *testing.T) {
			for who, slug := range map[string]string{"org": "training-organisation", "referent": "company-referent", "commission": "commission"} {
				path := "/api/v1/enrolments/" + ew.enrolmentA + "/grids/" + slug
				g := c.do(t, who, "GET", path, nil).want(t, http.StatusOK)
				if g.body["current"] != nil || len(g.body["blocks"].([]any)) == 0 {
					t.Fatalf("%s: %v", slug, g.body)
				}
				d := c.do(t, who, "POST", path, map[string]any{"marks": map[string]string{ew.blockAComp: "A"}, "comment": "Premier passage"}).want(t, http.StatusOK)
				if cur := d.body["current"].(map[string]any); cur["status"] != "draft" || cur["version"] != 1.0 {
					t.Fatalf("%s draft: %v", slug, cur)
				}
				pathB := "/api/v1/enrolments/" + ew.enrolmentB + "/grids/" + slug
				c.do(t, who, "GET", pathB, nil).want(t, http.StatusNotFound)
				c.do(t, who, "POST", pathB+"/submission", map[string]any{"marks": map[string]string{}}).want(t, http.StatusNotFound)
			}
			c.do(t, "orgB", "GET", "/api/v1/enrolments/"+ew.enrolmentA+"/grids/training-organisation", nil).want(t, http.StatusNotFound)
			c.do(t, "referent", "GET", "/api/v1/enrolments/"+ew.enrolmentA+"/grids/training-organisation", nil).want(t, http.StatusForbidden)
		})
	})
}

// TestAMarksBatchIsAllOrNothing sends a batch with one wrong mark and one enrolment outside the
// organisation's scope: nothing is written, and each bad row's error is listed under its index
// with its line number; the batch without them is recorded, and one over 1 000 rows is refused.
func TestAMarksBatchIsAllOrNothing(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		ew := newEvalWorld(t, st)
		c := ew.c
		row := func(e, m string) map[string]any {
			return map[string]any{"enrolment_id": e, "block": ew.blockA, "label": "Étude de cas", "on": "2026-11-20", "mark": m}
		}
		p := c.do(t, "org", "POST", "/api/v1/continuous-marks/batch", map[string]any{"items": []any{
			row(ew.enrolmentA, "12"), row(ew.groupEnrolmentA, "21"), row(ew.enrolmentB, "10"),
		}}).want(t, http.StatusUnprocessableEntity)
		if msg := p.field("items[1].mark"); !strings.HasPrefix(msg, "Ligne 2 : ") || !strings.Contains(msg, "hors de 0 à 20") {
			t.Fatalf("bad mark: %s", p.raw)
		}
		if msg := p.field("items[2].enrolment_id"); msg != "Ligne 3 : inscription introuvable." {
			t.Fatalf("out of scope: %s", p.raw)
		}
		if len(p.body["errors"].(map[string]any)) != 2 || !strings.Contains(p.body["detail"].(string), "Aucune note n'est enregistrée") {
			t.Fatalf("problem %s", p.raw)
		}
		if n := ew.countMarks(t, ew.enrolmentA) + ew.countMarks(t, ew.groupEnrolmentA); n != 0 {
			t.Fatalf("a refused batch wrote %d marks", n)
		}

		ok := c.do(t, "org", "POST", "/api/v1/continuous-marks/batch", map[string]any{"items": []any{
			row(ew.enrolmentA, "12"), row(ew.groupEnrolmentA, "9,5"),
		}}).want(t, http.StatusCreated)
		if ok.body["recorded"] != 2.0 || ew.countMarks(t, ew.enrolmentA) != 1 || ew.countMarks(t, ew.groupEnrolmentA) != 1 {
			t.Fatalf("batch %s", ok.raw)
		}
		entries, _, err := ew.w.Service.Audit(context.Background(), ew.secretariat, store.AuditFilter{Action: "continuous_mark.create"})
		if err != nil || len(entries) != 2 {
			t.Fatalf("audit %d entries, %v", len(entries), err)
		}

		many := make([]any, service.MaxBatchRows+1)
		for i := range many {
			many[i] = row(ew.enrolmentA, fmt.Sprint(i%20))
		}
		p = c.do(t, "org", "POST", "/api/v1/continuous-marks/batch", map[string]any{"items": many}).want(t, http.StatusRequestEntityTooLarge)
		if !strings.Contains(p.body["detail"].(string), "au plus par envoi") {
			t.Fatalf("too many rows: %s", p.body["detail"])
		}
	})
}

// TestCorrectingASubmittedGridNeedsAReason submits the organisation's complete grid, then
// changes it: without a reason the change is refused in French, with one it is version 2.
func TestCorrectingASubmittedGridNeedsAReason(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		ew := newEvalWorld(t, st)
		c := ew.c
		path := "/api/v1/enrolments/" + ew.enrolmentA + "/grids/training-organisation"
		all := map[string]string{}
		for _, code := range ew.competences {
			all[code] = "A"
		}
		p := c.do(t, "org", "POST", path+"/submission", map[string]any{"marks": map[string]string{ew.blockAComp: "A"}}).want(t, http.StatusUnprocessableEntity)
		if !strings.Contains(p.body["detail"].(string), "incomplète") {
			t.Fatalf("incomplete: %s", p.raw)
		}
		g := c.do(t, "org", "POST", path+"/submission", map[string]any{"marks": all}).want(t, http.StatusOK)
		if g.body["locked"] != true || g.body["needs_reason"] != true {
			t.Fatalf("submitted %v", g.body)
		}
		all[ew.blockAComp] = "NA"
		p = c.do(t, "org", "POST", path, map[string]any{"marks": all}).want(t, http.StatusUnprocessableEntity)
		if !strings.Contains(p.field("correction_reason"), "Indiquez le motif de la correction") {
			t.Fatalf("no reason: %s", p.raw)
		}
		g = c.do(t, "org", "POST", path+"/submission", map[string]any{"marks": all, "correction_reason": "Erreur de saisie sur " + ew.blockAComp}).want(t, http.StatusOK)
		cur := g.body["current"].(map[string]any)
		if cur["version"] != 2.0 || cur["status"] != "submitted" || !strings.HasPrefix(cur["correction_reason"].(string), "Erreur de saisie") ||
			len(g.body["versions"].([]any)) != 2 {
			t.Fatalf("correction %v", g.body)
		}
		if m := cur["marks"].(map[string]any)[ew.blockAComp].(map[string]any); m["mark"] != "NA" {
			t.Fatalf("corrected mark %v", m)
		}
		entries, _, err := ew.w.Service.Audit(context.Background(), ew.secretariat, store.AuditFilter{Action: "grid.correction"})
		if err != nil || len(entries) != 1 || !strings.Contains(entries[0].Reason, "Erreur de saisie") {
			t.Fatalf("audit %+v %v", entries, err)
		}
	})
}
