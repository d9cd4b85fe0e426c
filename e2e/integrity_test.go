package e2e

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"cqp/internal/domain"
	"cqp/internal/pdftext"
	"cqp/internal/service"
	"cqp/internal/service/servicetest"
	"cqp/internal/store"
)

// Issue 10: only a jury makes a result. Each test walks, over HTTP and with each person's own
// account, one path that changed a result, or the evidence behind it, outside a closed jury
// session, and shows it closed.

// integrity is the cast of these tests: a training organisation, its referent, a commission
// member, the secretariat and the jury president, each logged in, and a declared formation
// action on the Chargé de clientèle CQP.
type integrity struct {
	t                                    *testing.T
	w                                    *servicetest.World
	of, sec, referent, member, president *httpActor
	action, referentID                   string
	public                               string // of the candidates trained next: employee unless set
}

func newIntegrity(t *testing.T) *integrity {
	t.Helper()
	base, w := startServer(t)
	w.ConfirmFrameworks(t) // the documents these tests issue print no placeholder
	in := &integrity{t: t, w: w,
		of: login(t, base, w.Accounts[domain.RoleTrainingOrganisation]), sec: login(t, base, w.Accounts[domain.RoleSecretariat]),
		referent: login(t, base, w.Accounts[domain.RoleCompanyReferent]), member: login(t, base, w.Accounts[domain.RoleCommissionMember]),
		president: login(t, base, w.Accounts[domain.RoleJuryPresident]), referentID: w.UserIDs[w.Accounts[domain.RoleCompanyReferent]]}
	in.action = in.of.submit("/actions/nouvelle", url.Values{"training_organisation": {w.OrgA}, "qualification": {"CC"},
		"route": {"formation"}, "title": {"CQP Chargé de clientèle — promotion de printemps"}, "place": {"Paris"},
		"starts_on": {"04/01/2027"}, "ends_on": {"30/06/2027"}, "planned_hours": {"600"}, "companies": {w.CompanyA}})
	return in
}

var ccBlocks = []string{"BC1", "BC2", "BC3", "BC4", "BC5", "OPT1", "OPT2"}

// trained enrols a candidate in the action with every block (a blocs action presents only the
// blocks chosen; a formation action adds the common and specialty ones anyway), trains them
// (630 hours, a continuous mark per block, 14/20 unless marks says otherwise) and moves them to
// the final evaluation; it returns the enrolment's id.
func (in *integrity) trained(name, first string, marks map[string]string) string {
	in.t.Helper()
	loc := in.of.submit(in.action+"/inscription", url.Values{
		"birth_name": {name}, "first_names": {first}, "sex": {"F"}, "birth_date": {"12/04/1995"},
		"birth_insee": {"75056"}, "birth_city": {"Paris"}, "email": {strings.ToLower(first) + "." + strings.ToLower(name) + "@exemple.fr"},
		"public": {cmp.Or(in.public, "employee")}, "company": {in.w.CompanyA}, "referent": {in.referentID}, "blocks": ccBlocks,
		"interview_on": {"02/11/2026"}, "project": {"Devenir chargée de clientèle en cabinet de courtage."},
		"motivation": {"Relation client et conseil."}, "diploma_level": {"5"}, "experience_months": {"24"}, "related_experience_months": {"12"},
	})
	id := strings.TrimPrefix(loc, "/inscriptions/")
	e := "/inscriptions/" + id
	in.of.submit(e+"/statut", url.Values{"status": {"in_training"}})
	hours := url.Values{}
	for _, b := range ccBlocks {
		hours.Set("planned-"+b, "90")
		hours.Set("done-"+b, "90")
	}
	in.of.submit(e+"/heures", hours)
	for _, b := range ccBlocks {
		mark := "14"
		if m, ok := marks[b]; ok {
			mark = m
		}
		in.of.submit(e+"/notes", url.Values{"block": {b}, "label": {"Étude de cas"}, "on": {"20/11/2026"}, "mark": {mark}})
	}
	in.of.submit(e+"/statut", url.Values{"status": {"final_evaluation"}})
	return id
}

// oral schedules the candidate's certification oral before the world's commission.
func (in *integrity) oral(enrolment, date string) {
	in.t.Helper()
	in.sec.submit("/commissions/"+in.w.CommissionID+"/oraux", url.Values{"enrolment": {enrolment}, "date": {date},
		"time": {"10:00"}, "duration": {"45"}, "place": {"Paris, salle Colbert"}})
}

// graded has the three evaluators submit their grids (rows of C1…C15 marks, see gridForm; the
// optional blocks acquired unless the commission's row says "NA" for all) and sends the file to
// the jury.
func (in *integrity) graded(enrolment, organisation, referent, commission string) {
	in.t.Helper()
	in.oral(enrolment, "15/12/2026")
	g := "/inscriptions/" + enrolment + "/grilles/"
	in.of.submit(g+"organisme", gridForm(organisation, false))
	in.referent.submit(g+"referent", gridForm(referent, false))
	cf := gridForm(commission, true)
	if commission == allNA {
		cf.Set("mark_OPT1-C1", "NA")
		cf.Set("mark_OPT2-C1", "NA")
	}
	in.member.submit(g+"commission", cf)
	in.of.submit("/inscriptions/"+enrolment+"/statut", url.Values{"status": {"awaiting_jury"}})
}

// close presents the enrolments to a session, opens it and has the president close it.
func (in *integrity) close(session string, enrolments ...string) {
	in.t.Helper()
	in.sec.submit(session+"/candidats", url.Values{"enrolments": enrolments})
	in.sec.submit(session+"/ouverture", nil)
	in.president.submit(session+"/cloture", confirmClose)
}

func (in *integrity) status(enrolment string) domain.EnrolmentStatus {
	in.t.Helper()
	ev, err := in.w.Service.EnrolmentEvaluation(context.Background(), domain.SystemActor("test"), enrolment)
	if err != nil {
		in.t.Fatal(err)
	}
	return ev.Enrolment.Status
}

var allNA = strings.TrimSpace(strings.Repeat("NA ", 15))

// Defect 1: the status form offered Certifié / Validation partielle / Non certifié from « en
// attente du jury », and a « Non certifié » candidate could never be presented again.
func TestNoStatusMoveWritesAResult(t *testing.T) {
	in := newIntegrity(t)
	id := in.trained("Lemaire", "Agathe", nil)
	in.graded(id, allA, allA, allNA)
	e := "/inscriptions/" + id

	for _, who := range []*httpActor{in.of, in.sec} {
		body := who.page(e + "/suivi")
		for _, outcome := range []string{"certified", "partial", "not_certified"} {
			if strings.Contains(body, `value="`+outcome+`"`) {
				t.Fatalf("%s is offered the status %s: %s", who.email, outcome, excerpt(body))
			}
		}
	}
	for _, outcome := range []string{"certified", "partial", "not_certified"} {
		status, _, body := in.sec.post(e+"/statut", url.Values{"status": {outcome}, "reason": {"Vu le dossier"}})
		if status != http.StatusForbidden || !strings.Contains(body, "seul le jury le donne") {
			t.Fatalf("the secretariat sets %s: status %d, %s", outcome, status, excerpt(body))
		}
	}
	if s := in.status(id); s != domain.StatusAwaitingJury {
		t.Fatalf("status after the refused moves: %s", s)
	}

	// The jury does not certify her; she can be presented again to a later session.
	session, jurors := juryReady(t, in.sec.base, in.w, in.sec)
	in.close(session, id)
	if s := in.status(id); s != domain.StatusNotCertified {
		t.Fatalf("after the jury: %s", s)
	}
	later := juryOpen(in.sec, "2027-03-18", jurors)
	if body := in.sec.page(later); !strings.Contains(body, "Agathe LEMAIRE") {
		t.Fatalf("a candidate not certified is not offered to a later session: %s", excerpt(body))
	}
	in.sec.submit(later+"/candidats", url.Values{"enrolments": {id}})
	if s := in.status(id); s != domain.StatusAwaitingJury {
		t.Fatalf("presented again: %s", s)
	}
}

// Defects 2 and 7: a grid correction was accepted after the session that used it closed and
// the candidate was certified (the page said it « compte pour la délibération »); a candidate
// certified on one day kept a certification oral planned after it.
func TestACertificationFreezesItsEvidenceAndCancelsLaterOrals(t *testing.T) {
	in := newIntegrity(t)
	id := in.trained("Fontaine", "Bérénice", nil)
	in.graded(id, allA, allA, allA)
	in.oral(id, "20/01/2027")
	session, _ := juryReady(t, in.sec.base, in.w, in.sec)
	in.close(session, id)
	if s := in.status(id); s != domain.StatusCertified {
		t.Fatalf("after the jury: %s", s)
	}
	e := "/inscriptions/" + id
	frozen := "Le jury du 18/12/2026 a certifié ce candidat"

	corrected := gridForm(allNA, true)
	corrected.Set("correction_reason", "Erreur de saisie relevée après le jury")
	status, _, body := in.member.post(e+"/grilles/commission", corrected)
	if status != http.StatusConflict || !strings.Contains(body, frozen) || !strings.Contains(body, "session de rectification") {
		t.Fatalf("a grid corrected after the certification: status %d, %s", status, excerpt(body))
	}
	body = in.member.page(e + "/grilles/commission")
	if !strings.Contains(body, frozen) || strings.Contains(body, `action="`+e+`/grilles/commission"`) || strings.Contains(body, "compte pour la délibération") {
		t.Fatalf("the grid page after the certification: %s", excerpt(body))
	}
	status, _, body = in.of.post(e+"/notes", url.Values{"block": {"BC1"}, "label": {"Rattrapage"}, "on": {"21/11/2026"}, "mark": {"18"}})
	if status != http.StatusConflict || !strings.Contains(body, frozen) {
		t.Fatalf("a mark after the certification: status %d, %s", status, excerpt(body))
	}
	status, _, body = in.of.post(e+"/heures", url.Values{"planned-BC1": {"90"}, "done-BC1": {"10"}})
	if status != http.StatusConflict || !strings.Contains(body, "Le jury du 18/12/2026 a arrêté le résultat") {
		t.Fatalf("hours after the certification: status %d, %s", status, excerpt(body))
	}

	// The oral planned after the jury is cancelled, and the member and the candidate are told
	// why; the one whose grid the jury read stays.
	planning, err := in.w.Service.Orals(context.Background(), domain.SystemActor("test"))
	if err != nil {
		t.Fatal(err)
	}
	var left []string
	for _, o := range append(planning.Upcoming, planning.Past...) {
		if o.EnrolmentID == id {
			left = append(left, o.Day())
		}
	}
	if len(left) != 1 || left[0] != "15/12/2026" {
		t.Fatalf("orals left after the certification: %v", left)
	}
	if body := in.sec.page("/courriels"); !strings.Contains(body, "Oral de certification annulé — 20/01/2027") {
		t.Fatalf("no cancellation mail for the oral of 20/01/2027: %s", excerpt(body))
	}
	entries, _, err := in.w.Service.Audit(context.Background(), domain.SystemActor("test"), store.AuditFilter{Action: "oral.cancel"})
	if err != nil || len(entries) != 1 || !strings.Contains(entries[0].Reason, "Le jury du 18/12/2026 a arrêté le résultat") {
		t.Fatalf("the cancellations in the audit trail: %+v %v", entries, err)
	}
}

// Defect 6 and the issue's first end-to-end: a partial result (BC5 not admitted at 8,5/20, BC4
// withheld by the commission); the organisation marks BC5 again, the three evaluators grade
// the two open blocks in new versions, the frozen ones untouched; a second session certifies.
func TestRetakeAfterAPartialResultThenCertified(t *testing.T) {
	in := newIntegrity(t)
	ctx := context.Background()
	sys := domain.SystemActor("test")
	id := in.trained("Navarro", "Lucie", map[string]string{"BC5": "8,5"})
	a13 := strings.TrimSpace(strings.Repeat("A ", 13))
	in.graded(id, a13, a13, "A A A A A A A A A NA NA NA NA")
	session, jurors := juryReady(t, in.sec.base, in.w, in.sec)
	in.close(session, id)
	if s := in.status(id); s != domain.StatusPartial {
		t.Fatalf("after the first jury: %s", s)
	}
	e := "/inscriptions/" + id

	// The continuous evaluation reopens for the blocks still to acquire.
	body := in.of.page(e + "/notes")
	if !strings.Contains(body, "Reprise après le jury du 18/12/2026") || !strings.Contains(body, "acquis définitivement") {
		t.Fatalf("the marks page after a partial result: %s", excerpt(body))
	}
	status, _, body := in.of.post(e+"/notes", url.Values{"block": {"BC1"}, "label": {"Rattrapage"}, "on": {"21/11/2026"}, "mark": {"18"}})
	if status != http.StatusConflict || !strings.Contains(body, "Le bloc BC1 est acquis depuis le 18/12/2026") {
		t.Fatalf("a mark on an acquired block: status %d, %s", status, excerpt(body))
	}
	marks, err := in.w.Service.ContinuousEvaluation(ctx, sys, id)
	if err != nil {
		t.Fatal(err)
	}
	var old string
	for _, b := range marks.Blocks {
		if b.Code == "BC5" {
			old = b.Assessments[0].ID
		}
	}
	status, _, body = in.of.post(e+"/notes/"+old+"/retrait", url.Values{"reason": {"Rattrapage"}})
	if status != http.StatusConflict || !strings.Contains(body, "lue par le jury du 18/12/2026") {
		t.Fatalf("removing a mark the jury read: status %d, %s", status, excerpt(body))
	}
	in.of.submit(e+"/notes", url.Values{"block": {"BC5"}, "label": {"Rattrapage"}, "on": {"24/11/2026"}, "mark": {"13"}})
	if marks, _ = in.w.Service.ContinuousEvaluation(ctx, sys, id); !marks.Blocks[4].Admitted || marks.Blocks[4].Mean.String() != "13" {
		t.Fatalf("BC5 after the retake mark: %+v", marks.Blocks[4])
	}

	// New grid versions, no correction reason needed for the retake; acquired blocks are kept.
	in.oral(id, "12/01/2027")
	g := e + "/grilles/"
	if body := in.member.page(g + "commission"); !strings.Contains(body, "Reprise après le jury du 18/12/2026") || !strings.Contains(body, "acquis définitivement : ne se note plus") {
		t.Fatalf("the commission's grid after a partial result: %s", excerpt(body))
	}
	in.of.submit(g+"organisme", gridForm(allA, false))
	in.referent.submit(g+"referent", gridForm(allA, false))
	in.member.submit(g+"commission", gridForm(allNA[:3]+strings.Repeat(" A", 14), true)) // NA on C1 (BC1, held) is ignored
	ev, err := in.w.Service.EnrolmentEvaluation(ctx, sys, id)
	if err != nil {
		t.Fatal(err)
	}
	if ev.Result.Outcome != "certified" {
		t.Fatalf("the retake's evaluation: %s %+v", ev.Result.Outcome, ev.Result.Blocks)
	}
	commission := ev.Grid(domain.EvaluatorCommission).Submitted
	if commission.Version != 2 || commission.Marks["C1"].Mark != "A" || !strings.Contains(commission.CorrectionReason, "Reprise") {
		t.Fatalf("the commission's retake version: %+v", commission)
	}

	// The second session reads the open blocks only and says where the others come from.
	second := juryOpen(in.sec, "2027-01-20", jurors)
	in.sec.submit(second+"/candidats", url.Values{"enrolments": {id}})
	if body := in.sec.page(second + "/candidats/" + id); !strings.Contains(body, "Acquis le 18/12/2026 par le jury, lors d'une session antérieure sur cette inscription") {
		t.Fatalf("the jury's candidate page does not say where BC1 comes from: %s", excerpt(body))
	}
	in.sec.submit(second+"/ouverture", nil)
	in.president.submit(second+"/cloture", confirmClose)
	if s := in.status(id); s != domain.StatusCertified {
		t.Fatalf("after the second jury: %s", s)
	}
	sessionID := strings.TrimPrefix(second, "/jury/sessions/")
	in.sec.submit("/delivrance/"+sessionID, confirmIssue)
	page, err := in.w.Service.Certificates(ctx, sys, store.CertificateFilter{SessionID: sessionID})
	if err != nil || len(page.Items) != 1 || page.Items[0].Kind != store.KindCertificate || len(page.Items[0].Blocks) != 7 {
		t.Fatalf("the second session's documents: %+v %v", page.Items, err)
	}
	// The first session's record is untouched: its snapshot still reads version 1 of each grid.
	first, err := in.w.Service.JurySession(ctx, sys, strings.TrimPrefix(session, "/jury/sessions/"))
	if err != nil {
		t.Fatal(err)
	}
	c, _ := first.Snapshot.Candidate(id)
	for _, gr := range c.Grids {
		if gr.Version != 1 {
			t.Fatalf("the first session's snapshot changed: %s version %d", gr.Evaluator, gr.Version)
		}
	}
}

// The issue's second end-to-end: a person acquires two blocks on the blocs route (the
// organisation and the referent both award BC1 and BC2; the jury refuses the blocks they both
// withheld), then asks for a VAE: the VAE enrolment holds BC1 and BC2, the commission marks the
// other five only, and the jury certifies her, saying where each block comes from.
func TestBlocksAcquiredOnTheBlocsRouteCountInALaterVAE(t *testing.T) {
	in := newIntegrity(t)
	ctx := context.Background()
	sys := domain.SystemActor("test")
	svc := in.w.Service
	in.action = in.of.submit("/actions/nouvelle", url.Values{"training_organisation": {in.w.OrgA}, "qualification": {"CC"},
		"route": {"blocs"}, "title": {"CQP Chargé de clientèle — blocs BC1 et BC2"}, "place": {"Lyon"},
		"starts_on": {"04/01/2027"}, "ends_on": {"30/03/2027"}, "planned_hours": {"630"}, "companies": {in.w.CompanyA}})
	blocs := in.trained("Ruiz", "Maëlle", nil)
	in.oral(blocs, "15/12/2026")
	two := "A A A A A A A NA NA NA NA NA NA NA NA" // BC1 (C1–C5) and BC2 (C6, C7)
	g := "/inscriptions/" + blocs + "/grilles/"
	of, ref := gridForm(two, false), gridForm(two, false)
	for _, f := range []url.Values{of, ref} {
		f.Set("mark_OPT1-C1", "NA")
		f.Set("mark_OPT2-C1", "NA")
	}
	// The organisation's final tests of each block, and the line manager beside the referent.
	status, _, body := in.of.post(g+"organisme", of)
	if status != http.StatusUnprocessableEntity || !strings.Contains(body, "les épreuves finales") || !strings.Contains(body, "BC1, épreuve écrite : indiquez la date") {
		t.Fatalf("an organisation's grid without its block tests: status %d, %s", status, excerpt(body))
	}
	for _, b := range ccBlocks {
		written, oral := "14,5", "A"
		if b != "BC1" && b != "BC2" {
			written, oral = "7", "NA"
		}
		of.Set(service.BlockTestField(b, store.BlockTestWritten, "on"), "12/11/2026")
		of.Set(service.BlockTestField(b, store.BlockTestWritten, "result"), written)
		of.Set(service.BlockTestField(b, store.BlockTestWritten, "assessor"), "Marc Dupont")
		of.Set(service.BlockTestField(b, store.BlockTestOralCase, "on"), "2026-11-19")
		of.Set(service.BlockTestField(b, store.BlockTestOralCase, "result"), oral)
		of.Set(service.BlockTestField(b, store.BlockTestOralCase, "assessor"), "Inès Roux")
	}
	in.of.submit(g+"organisme", of)
	if status, _, body := in.referent.post(g+"referent", ref); status != http.StatusUnprocessableEntity || !strings.Contains(body, "responsable hiérarchique (N+1)") {
		t.Fatalf("a referent's grid without the line manager: status %d, %s", status, excerpt(body))
	}
	ref.Set("line_manager", "Claire Fontaine, responsable d'agence")
	in.referent.submit(g+"referent", ref)
	if status, _, body := in.member.post(g+"commission", gridForm(allA, true)); status != http.StatusNotFound ||
		!strings.Contains(body, "sur la voie « Blocs de compétences », l'évaluation finale revient à : organisme de formation et référent entreprise") {
		t.Fatalf("a commission grid on the blocs route: status %d, %s", status, excerpt(body))
	}
	in.of.submit("/inscriptions/"+blocs+"/statut", url.Values{"status": {"awaiting_jury"}})
	session, jurors := juryReady(t, in.sec.base, in.w, in.sec)
	in.sec.submit(session+"/candidats", url.Values{"enrolments": {blocs}})
	in.sec.submit(session+"/ouverture", nil)
	for _, b := range []string{"BC3", "BC4", "BC5", "OPT1", "OPT2"} {
		in.sec.submit(session+"/candidats/"+blocs+"/decisions", url.Values{"block": {b}, "decision": {"NA"},
			"reason": {"L'organisme et le référent n'ont pas attribué le bloc ; la formation se poursuivra."}})
	}
	in.president.submit(session+"/cloture", confirmClose)
	if s := in.status(blocs); s != domain.StatusPartial {
		t.Fatalf("after the block jury: %s", s)
	}
	// The closed session's page, read from its snapshot, has one column per evaluator of the
	// blocs route, each with its verdict, the organisation's tests and the line manager.
	body = in.sec.page(session + "/candidats/" + blocs)
	if !strings.Contains(body, `<th scope="col">Organisme de formation</th><th scope="col">Référent entreprise</th>`) ||
		strings.Contains(body, `<th scope="col">Commission d'évaluation</th>`) || strings.Count(body, `<span class="nowrap">`) != 14 ||
		!strings.Contains(body, "Épreuves de l'organisme : Épreuve écrite le 12/11/2026 : 14,5/20 (Marc Dupont) ; Cas pratique à l'oral le 19/11/2026 : A (Inès Roux)") ||
		!strings.Contains(body, "Évaluée avec le responsable hiérarchique : Claire Fontaine, responsable d'agence") {
		t.Fatalf("the closed block jury's page: %s", excerpt(body))
	}

	// A year later she asks for a VAE on the same CQP; the secretariat types her file in.
	ev, err := svc.EnrolmentEvaluation(ctx, sys, blocs)
	if err != nil {
		t.Fatal(err)
	}
	sec := in.w.Actor(t, in.w.Accounts[domain.RoleSecretariat])
	req, err := svc.RequestVAE(ctx, sec, service.VAERequestInput{CandidateID: ev.Candidate.ID, QualificationCode: "CC",
		Public: domain.PublicEmployee, CompanyID: in.w.CompanyA, Blocks: []string{"OPT1", "OPT2"}})
	if err != nil {
		t.Fatal(err)
	}
	vae := req.Enrolment.ID
	must := func(err error) {
		t.Helper()
		if err != nil {
			var de *domain.Error
			if errors.As(err, &de) {
				t.Fatalf("%v %v", err, de.Fields)
			}
			t.Fatal(err)
		}
	}
	_, err = svc.SendAdmissibilityFile(ctx, sec, vae)
	must(err)
	check, err := svc.SubmitAdmissibility(ctx, sec, vae, servicetest.CompleteAdmissibility(t, in.w, vae))
	must(err)
	// The admissibility file assesses only the blocks she does not hold: BC3–BC5 and the two
	// optional blocks, 10 competences (C8–C15, OPT1-C1, OPT2-C1).
	if check.Competences != 10 {
		t.Fatalf("the self-assessment counts %d competences", check.Competences)
	}
	if body := in.sec.page("/vae/" + vae + "/recevabilite"); strings.Contains(body, "Auto-évaluation du bloc BC1") || !strings.Contains(body, "Auto-évaluation du bloc BC3") {
		t.Fatalf("the admissibility file shows a block she holds: %s", excerpt(body))
	}
	must(svc.RequestVAEReview(ctx, sec, vae, in.w.OrgA))
	must(svc.GiveVAEReview(ctx, in.w.Actor(t, in.w.Accounts[domain.RoleTrainingOrganisation]), vae,
		service.ReviewInput{Opinion: domain.OpinionFavourable, Comment: "Expérience en lien."}))
	_, err = svc.DecideVAE(ctx, sec, vae, service.DecisionInput{Decision: domain.DecisionAdmissible,
		Reason: "Expérience en lien, avis favorable.", ValidUntil: "25/11/2027"})
	must(err)
	v, err := svc.VAE(ctx, sec, vae)
	must(err)
	if !v.Acquired["BC1"] || !v.Acquired["BC2"] || v.Acquired["BC3"] {
		t.Fatalf("the VAE file does not hold the blocks acquired on the blocs route: %v", v.Acquired)
	}
	narratives := map[string]string{}
	for _, b := range v.Blocks {
		if !v.Acquired[b.Code] {
			narratives[b.Code] = "Deux ans en cabinet de courtage sur ces activités."
		}
	}
	must(svc.SaveExperience(ctx, sec, vae, narratives))
	_, err = svc.AddEvidence(ctx, sec, vae, service.EvidenceUpload{Title: "Attestation d'employeur", Filename: "attestation.pdf", Content: servicetest.TinyPDF})
	must(err)
	must(svc.SubmitExperience(ctx, sec, vae))

	// The commission marks the five other blocks; BC1 and BC2 are not marked again.
	in.oral(vae, "20/01/2027")
	body = in.member.page("/inscriptions/" + vae + "/grilles/commission")
	if strings.Count(body, "acquis définitivement : ne se note plus") != 7 || strings.Contains(body, `name="mark_C1"`) || !strings.Contains(body, `name="mark_C8"`) {
		t.Fatalf("the commission's grid of the VAE: %s", excerpt(body))
	}
	in.member.submit("/inscriptions/"+vae+"/grilles/commission", gridForm(allA, true))
	in.sec.submit("/inscriptions/"+vae+"/statut", url.Values{"status": {"awaiting_jury"}})

	second := juryOpen(in.sec, "2027-02-10", jurors)
	in.sec.submit(second+"/candidats", url.Values{"enrolments": {vae}})
	body = in.sec.page(second + "/candidats/" + vae)
	if !strings.Contains(body, "Acquis le 18/12/2026 par le jury, sur une autre inscription du candidat (voie « Blocs de compétences »)") {
		t.Fatalf("the jury does not see where BC1 comes from: %s", excerpt(body))
	}
	in.sec.submit(second+"/ouverture", nil)
	in.president.submit(second+"/cloture", confirmClose)
	if s := in.status(vae); s != domain.StatusCertified {
		t.Fatalf("after the VAE jury: %s", s)
	}
	sessionID := strings.TrimPrefix(second, "/jury/sessions/")
	view, err := svc.JurySession(ctx, sys, sessionID)
	must(err)
	c, _ := view.Snapshot.Candidate(vae)
	if strings.Join(c.NewlyAcquired, " ") != "BC3 BC4 BC5 OPT1 OPT2" {
		t.Fatalf("the VAE jury awarded %v", c.NewlyAcquired)
	}
	in.sec.submit("/delivrance/"+sessionID, confirmIssue)
	page, err := svc.Certificates(ctx, sys, store.CertificateFilter{SessionID: sessionID})
	if err != nil || len(page.Items) != 1 || page.Items[0].Kind != store.KindCertificate || len(page.Items[0].Blocks) != 7 {
		t.Fatalf("the VAE session's documents: %+v %v", page.Items, err)
	}
	if body := in.sec.page("/candidats/" + ev.Candidate.ID); !strings.Contains(body, "Blocs acquis définitivement") || !strings.Contains(body, "Blocs de compétences") {
		t.Fatalf("the candidate's page does not list the held blocks: %s", excerpt(body))
	}
}

// Defect 3: a jury president recorded decisions in a session he was not invited to nor marked
// present at, and every jury member read every session.
func TestAJurorActsOnlyInTheSessionsTheySitIn(t *testing.T) {
	in := newIntegrity(t)
	ctx := context.Background()
	debate := "A A A A A NA A A A A A A A A A" // the organisation withholds C6: BC2 in debate
	x := in.trained("Perrin", "Albane", nil)
	in.graded(x, debate, allA, allA)
	_, jurors := juryReady(t, in.sec.base, in.w, in.sec) // president, member and two others, on the roster
	for i := range 2 {
		u, err := in.w.Service.CreateUser(ctx, domain.SystemActor("test"), service.UserInput{Email: fmt.Sprintf("jure-integrite%d@cqp.test", i),
			Name: fmt.Sprintf("Juré d'intégrité n° %d", i), Password: servicetest.Password, Roles: []domain.RoleAssignment{{Role: domain.RoleJuryMember}}})
		if err != nil {
			t.Fatal(err)
		}
		in.sec.submit("/jury/membres", url.Values{"user": {u.ID}, "college": {"unions"}})
		jurors = append(jurors, u.ID)
	}
	// A session the president is not invited to: he neither reads it nor acts in it.
	without := in.sec.submit("/jury/sessions", url.Values{"date": {"2027-01-15"}, "time": {"14:00"}, "place": {"Lyon"}})
	in.sec.submit(without+"/invitations", url.Values{"members": jurors[1:]})
	in.sec.submit(without+"/presences", url.Values{"present": jurors[1:]})
	in.sec.submit(without+"/candidats", url.Values{"enrolments": {x}})
	in.sec.submit(without+"/ouverture", nil)
	for _, path := range []string{without, without + "/candidats/" + x, without + "/pv.pdf"} {
		if status, _ := in.president.get(path); status != http.StatusNotFound {
			t.Errorf("the president reads %s of a session he is not invited to: %d", path, status)
		}
	}
	if body := in.president.page("/jury/sessions"); strings.Contains(body, without) {
		t.Errorf("the president's list shows a session he is not invited to")
	}
	decision := url.Values{"block": {"BC2"}, "decision": {"A"}, "reason": {"Coordination démontrée à l'oral."}}
	if status, _, _ := in.president.post(without+"/candidats/"+x+"/decisions", decision); status != http.StatusNotFound {
		t.Errorf("the president decides in a session he is not invited to: %d", status)
	}
	if status, _, _ := in.president.post(without+"/cloture", confirmClose); status != http.StatusNotFound {
		t.Errorf("the president closes a session he is not invited to: %d", status)
	}
	login(t, in.sec.base, in.w.Accounts[domain.RoleJuryMember]).page(without) // an invited jury member reads it

	// Invited but not recorded present: he may neither decide nor close, and is told why.
	in.sec.submit(without+"/invitations", url.Values{"members": jurors[:1]})
	status, _, body := in.president.post(without+"/candidats/"+x+"/decisions", decision)
	if status != http.StatusConflict || !strings.Contains(body, "présent") {
		t.Fatalf("a decision by a president not recorded present: %d %s", status, excerpt(body))
	}
	if status, _, body := in.president.post(without+"/cloture", confirmClose); status != http.StatusConflict || !strings.Contains(body, "présent") {
		t.Fatalf("a closing by a president not recorded present: %d %s", status, excerpt(body))
	}
	in.sec.submit(without+"/presences", url.Values{"present": jurors})
	in.president.submit(without+"/candidats/"+x+"/decisions", decision)
	in.president.submit(without+"/cloture", confirmClose)
	if s := in.status(x); s != domain.StatusCertified {
		t.Fatalf("after the president, present, decided and closed: %s", s)
	}
}

// Defect 5: hours and internships the framework requires were shown but never checked: a job
// seeker with « Stage 0 h sur 300 h dues » was certified.
func TestTheGatesBeforeTheJuryHoldBackAJobSeekerWithoutInternship(t *testing.T) {
	in := newIntegrity(t)
	in.public = "job_seeker"
	id := in.trained("Mercier", "Solène", nil)
	in.graded(id, allA, allA, allA)
	session, _ := juryReady(t, in.sec.base, in.w, in.sec)
	status, _, body := in.sec.post(session+"/candidats", url.Values{"enrolments": {id}})
	if status != http.StatusConflict || !strings.Contains(body, "Stage : 0 h sur 300 h dues") {
		t.Fatalf("presenting a job seeker without internship: %d %s", status, excerpt(body))
	}
	if body := in.sec.page(session); !strings.Contains(body, "Stage : 0 h sur 300 h dues") {
		t.Fatalf("the session page does not say what holds her back: %s", excerpt(body))
	}
	reason := "Stage effectué avant l'inscription, attesté par l'employeur ; la CPNEFP l'admet."
	in.sec.submit(session+"/derogations", url.Values{"enrolment": {id}, "gate": {"internship"}, "reason": {reason}})
	in.close(session, id)
	if s := in.status(id); s != domain.StatusCertified {
		t.Fatalf("after the jury: %s", s)
	}
	pdf := in.sec.page(session + "/pv.pdf")
	text := pdftext.Text(t, []byte(pdf))
	if !strings.Contains(text, reason) || !strings.Contains(text, "Stage : 0 h sur 300 h dues") {
		t.Fatalf("the minutes do not print the derogation: %s", text)
	}
}
