package e2e

import (
	"context"
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

// Issue 11: the blocs route as the guide describes it. Each actor works with their own
// account, over HTTP: the company chooses the blocks, the training organisation trains and
// tests them, the referent evaluates with the line manager, the block jury awards attestations,
// the secretariat opens the final stage, the commission hears the candidate, the jury certifies.

// ccCompetences are the competences of each block of the Chargé de clientèle framework.
var ccCompetences = map[string][]string{
	"BC1": {"C1", "C2", "C3", "C4", "C5"}, "BC2": {"C6", "C7"}, "BC3": {"C8", "C9"},
	"BC4": {"C10", "C11", "C12", "C13"}, "BC5": {"C14", "C15"},
	"OPT1": {"OPT1-C1"}, "OPT2": {"OPT2-C1"}, "OPT3": {"OPT3-C1"},
}

// blocksGrid is a grid posted for submission that awards the blocks given, and marks nothing else.
func blocksGrid(blocks ...string) url.Values {
	v := url.Values{"action": {"submit"}, "comment": {"Évaluation conduite selon le référentiel."}}
	for _, b := range blocks {
		for _, c := range ccCompetences[b] {
			v.Set("mark_"+c, "A")
		}
	}
	return v
}

// blocsEnrolment has the company enrol a person on the blocs route with the world's accredited
// organisation and referent: a known candidate (candidateID), or a new one (identity).
func (in *integrity) blocsEnrolment(company *httpActor, candidateID string, identity url.Values, blocks ...string) string {
	in.t.Helper()
	form := url.Values{"qualification": {"CC"}, "training_organisation": {in.w.OrgA}, "referent": {in.referentID}, "blocks_CC": blocks}
	if candidateID != "" {
		form.Set("candidate", candidateID)
	}
	for k, v := range identity {
		form[k] = v
	}
	return strings.TrimPrefix(company.submit("/entreprises/"+in.w.CompanyA+"/inscription-blocs", form), "/inscriptions/")
}

// blockStage runs the block stage of the chosen blocks: the organisation's training and
// continuous marks, its final tests and grid, the referent's grid with the line manager; the
// file goes to the jury.
func (in *integrity) blockStage(enrolment string, blocks ...string) {
	in.t.Helper()
	e := "/inscriptions/" + enrolment
	in.of.submit(e+"/statut", url.Values{"status": {"in_training"}})
	for _, b := range blocks {
		in.of.submit(e+"/notes", url.Values{"block": {b}, "label": {"Étude de cas"}, "on": {"03/11/2026"}, "mark": {"13,5"}})
	}
	in.of.submit(e+"/statut", url.Values{"status": {"final_evaluation"}})
	of := blocksGrid(blocks...)
	for _, b := range blocks {
		of.Set(service.BlockTestField(b, store.BlockTestWritten, "on"), "10/11/2026")
		of.Set(service.BlockTestField(b, store.BlockTestWritten, "result"), "15")
		of.Set(service.BlockTestField(b, store.BlockTestWritten, "assessor"), "Marc Dupont")
		of.Set(service.BlockTestField(b, store.BlockTestOralCase, "on"), "17/11/2026")
		of.Set(service.BlockTestField(b, store.BlockTestOralCase, "result"), "A")
		of.Set(service.BlockTestField(b, store.BlockTestOralCase, "assessor"), "Inès Roux")
	}
	in.of.submit(e+"/grilles/organisme", of)
	ref := blocksGrid(blocks...)
	ref.Set("line_manager", "Claire Fontaine, responsable d'agence")
	in.referent.submit(e+"/grilles/referent", ref)
	in.of.submit(e+"/statut", url.Values{"status": {"awaiting_jury"}})
}

// issued issues a closed session's documents and returns them.
func (in *integrity) issued(session string) []store.Certificate {
	in.t.Helper()
	id := strings.TrimPrefix(session, "/jury/sessions/")
	in.sec.submit("/delivrance/"+id, confirmIssue)
	page, err := in.w.Service.Certificates(context.Background(), domain.SystemActor("test"), store.CertificateFilter{SessionID: id})
	if err != nil {
		in.t.Fatal(err)
	}
	return page.Items
}

// TestBlocsRouteBlockByBlockThenTheFinalStage: an employee chooses BC2 alone, is trained and
// tested, the block jury awards BC2 and its attestation is verified at /verifier; a year later
// BC4 and OPT1, two more attestations; then the final stage: the rest by experience file, the
// commission's oral on the trained blocks, the jury, the certificate, the minutes saying where
// each block comes from.
func TestBlocsRouteBlockByBlockThenTheFinalStage(t *testing.T) {
	in := newIntegrity(t)
	ctx := context.Background()
	sys := domain.SystemActor("test")
	company := login(t, in.sec.base, in.w.Accounts[domain.RoleCompany])
	visitor := login(t, in.sec.base, "")

	// The company enrols its employee for BC2 alone; the block jury awards it.
	first := in.blocsEnrolment(company, "", url.Values{"birth_name": {"Marchetti"}, "first_names": {"Salomé"}, "birth_date": {"03/07/1992"},
		"sex": {"F"}, "birth_insee": {"13055"}, "email": {"salome.marchetti@exemple.fr"}}, "BC2")
	ev, err := in.w.Service.EnrolmentEvaluation(ctx, sys, first)
	if err != nil {
		t.Fatal(err)
	}
	person := ev.Candidate.ID
	if strings.Join(ev.Enrolment.Blocks, " ") != "BC2" {
		t.Fatalf("the blocs enrolment presents %v", ev.Enrolment.Blocks)
	}
	for _, who := range []*httpActor{company, in.of} {
		if body := who.page("/"); !strings.Contains(body, "Voie des blocs : inscriptions en cours") || !strings.Contains(body, "1 inscrit.") {
			t.Fatalf("the dashboard does not count the blocs enrolment: %s", excerpt(body))
		}
	}
	in.blockStage(first, "BC2")
	session, jurors := juryReady(t, in.sec.base, in.w, in.sec)
	in.sec.submit(session+"/candidats", url.Values{"enrolments": {first}})
	body := in.sec.page(session + "/candidats/" + first)
	if strings.Contains(body, "incomplet") || strings.Contains(body, "BC1") || !strings.Contains(body, "BC2") {
		t.Fatalf("the block jury's page shows blocks not chosen: %s", excerpt(body))
	}
	in.sec.submit(session+"/ouverture", nil)
	in.president.submit(session+"/cloture", confirmClose)
	if s := in.status(first); s != domain.StatusPartial {
		t.Fatalf("after the first block jury: %s", s)
	}
	docs := in.issued(session)
	if len(docs) != 1 || docs[0].Kind != store.KindAttestation || docs[0].BlockCode != "BC2" {
		t.Fatalf("the first block jury's documents: %+v", docs)
	}
	body = visitor.page("/verifier/" + docs[0].VerificationCode)
	if !strings.Contains(body, "Document authentique et valide") || !strings.Contains(body, "Attestation du bloc BC2") || !strings.Contains(body, "Salomé") {
		t.Fatalf("verifying the BC2 attestation: %s", excerpt(body))
	}

	// A year later: BC4 and OPT1. BC2 cannot be chosen again.
	status, _, body := company.post("/entreprises/"+in.w.CompanyA+"/inscription-blocs", url.Values{"qualification": {"CC"},
		"training_organisation": {in.w.OrgA}, "referent": {in.referentID}, "candidate": {person}, "blocks_CC": {"BC2", "BC4"}})
	if status != http.StatusUnprocessableEntity || !strings.Contains(body, "bloc BC2 déjà acquis le 18/12/2026") {
		t.Fatalf("choosing a block already held: %d %s", status, excerpt(body))
	}
	second := in.blocsEnrolment(company, person, nil, "BC4", "OPT1")
	in.blockStage(second, "BC4", "OPT1")
	session2 := juryOpen(in.sec, "2027-12-15", jurors)
	in.close(session2, second)
	if s := in.status(second); s != domain.StatusPartial {
		t.Fatalf("after the second block jury: %s", s)
	}
	if docs := in.issued(session2); len(docs) != 2 || docs[0].Kind != store.KindAttestation || docs[1].Kind != store.KindAttestation {
		t.Fatalf("the second block jury's documents: %+v", docs)
	}

	// The final stage: only the secretariat opens it, for the blocks not held.
	final := "/candidats/" + person + "/evaluation-finale-blocs"
	if status, _ := company.get(final); status != http.StatusForbidden {
		t.Fatalf("a company opens the final stage: %d", status)
	}
	body = in.sec.page("/candidats/" + person)
	if !strings.Contains(body, `href="`+final+`"`) {
		t.Fatalf("the candidate's page does not offer the final stage: %s", excerpt(body))
	}
	body = in.sec.page(final)
	if !strings.Contains(body, "Blocs acquis, qui restent acquis") || !strings.Contains(body, `value="OPT2"`) || strings.Contains(body, `value="OPT1"`) {
		t.Fatalf("the final stage's form: %s", excerpt(body))
	}
	status, _, body = in.sec.post(final, url.Values{"qualification": {"CC"}, "optional_CC": {"OPT2", "OPT3"}, "valid_until": {"30/06/2028"}})
	if status != http.StatusUnprocessableEntity || !strings.Contains(body, "optionnels") {
		t.Fatalf("three optional blocks: %d %s", status, excerpt(body))
	}
	loc := in.sec.submit(final, url.Values{"qualification": {"CC"}, "optional_CC": {"OPT2"}, "valid_until": {"30/06/2028"},
		"reason": {"Salariée titulaire de trois attestations, souhaite le CQP."}})
	finalID := strings.TrimPrefix(loc, "/vae/")
	v, err := in.w.Service.VAE(ctx, sys, finalID)
	if err != nil {
		t.Fatal(err)
	}
	if !v.Enrolment.FinalStage() || v.Enrolment.Status != domain.StatusEnrolled || !v.Acquired["BC2"] || !v.Acquired["OPT1"] || v.Acquired["BC1"] {
		t.Fatalf("the final stage's file: stage %q, %s, acquired %v", v.Enrolment.Stage, v.Enrolment.Status, v.Acquired)
	}
	if body := in.sec.page("/vae/" + finalID); !strings.Contains(body, "<h1>Évaluation finale de la voie blocs — Salomé MARCHETTI</h1>") ||
		strings.Contains(body, "Dossier de recevabilité") || !strings.Contains(body, "Dossier d'expérience à déposer avant le") {
		t.Fatalf("the final stage's page: %s", excerpt(body))
	}
	if body := in.sec.page("/blocs"); !strings.Contains(body, "Évaluation finale de la voie blocs") || !strings.Contains(body, ">Salomé MARCHETTI</a>") {
		t.Fatalf("the blocs overview does not list the final stage: %s", excerpt(body))
	}
	if body := in.sec.page("/candidats/" + person); !strings.Contains(body, "Blocs de compétences — évaluation finale") {
		t.Fatalf("the candidate's page does not name the final stage: %s", excerpt(body))
	}
	if status, _ := in.sec.get(final); status != http.StatusOK {
		t.Fatalf("the final stage's page: %d", status)
	}
	if status, _, body := in.sec.post(final, url.Values{"qualification": {"CC"}, "valid_until": {"30/06/2028"}}); status != http.StatusConflict ||
		!strings.Contains(body, "inscription en cours") {
		t.Fatalf("a second final stage: %d %s", status, excerpt(body))
	}

	// The experience file covers BC1, BC3, BC5 and OPT2; the trained blocks are locked.
	vae := "/vae/" + finalID
	narratives := url.Values{"do": {"save"}}
	for _, b := range []string{"BC1", "BC3", "BC5", "OPT2"} {
		narratives.Set(service.NarrativeField(b), "Cinq ans en cabinet de courtage : voici ce que j'ai fait pour ce bloc, pièces à l'appui.")
	}
	in.sec.submit(vae+"/experience", narratives)
	if status, _, body := in.sec.upload(vae+"/preuves", "attestation.pdf", servicetest.TinyPDF, nil); status != http.StatusSeeOther {
		t.Fatalf("upload: %d %s", status, excerpt(body))
	}
	in.sec.submit(vae+"/experience", url.Values{"do": {"submit"}})

	// The commission's oral: a practical case and a knowledge question on the trained blocks.
	oral := in.sec.submit("/commissions/"+in.w.CommissionID+"/oraux", url.Values{"enrolment": {finalID}, "date": {"20/01/2028"},
		"time": {"10:00"}, "duration": {"45"}, "place": {"Paris, salle Colbert"}})
	in.sec.submit(oral+"/convocations", nil)
	mails, err := in.w.Service.Outbox(ctx, sys)
	if err != nil {
		t.Fatal(err)
	}
	convoked := false
	for _, m := range mails {
		if m.To == "salome.marchetti@exemple.fr" && strings.HasPrefix(m.Subject, "Convocation") {
			convoked = strings.Contains(m.Body, "sur les blocs acquis par formation (BC2, BC4, OPT1), qui restent acquis, et vous entend sur votre dossier d'expérience pour les blocs BC1, BC3, BC5, OPT2")
		}
	}
	if !convoked {
		t.Fatal("the final stage's convocation does not say what the oral covers")
	}
	grid := "/inscriptions/" + finalID + "/grilles/commission"
	body = in.member.page(grid)
	if !strings.Contains(body, "portent sur les blocs acquis par formation (BC2, BC4, OPT1)") || strings.Contains(body, `name="mark_C6"`) ||
		!strings.Contains(body, `name="mark_C1"`) {
		t.Fatalf("the final stage's commission grid: %s", excerpt(body))
	}
	cf := blocksGrid("BC1", "BC3", "BC5", "OPT2")
	cf.Set("reasoned_opinion", "Maîtrise confirmée des blocs acquis par formation ; expérience probante pour les autres.")
	if status, _, body := in.member.post(grid, cf); status != http.StatusUnprocessableEntity || !strings.Contains(body, "Résumez le cas pratique") {
		t.Fatalf("a final stage grid without its practical case: %d %s", status, excerpt(body))
	}
	cf.Set("practical_case", "Cas d'un client professionnel à renouveler : analyse et proposition argumentée.")
	cf.Set("knowledge_question", "Le devoir de conseil du courtier.")
	in.member.submit(grid, cf)
	in.sec.submit("/inscriptions/"+finalID+"/statut", url.Values{"status": {"awaiting_jury"}})

	// The jury awards the certificate; the minutes say where each block comes from.
	session3 := juryOpen(in.sec, "2028-02-10", jurors)
	in.sec.submit(session3+"/candidats", url.Values{"enrolments": {finalID}})
	body = in.sec.page(session3 + "/candidats/" + finalID)
	if !strings.Contains(body, "Blocs de compétences — évaluation finale") || !strings.Contains(body, "voie « Blocs de compétences »") ||
		!strings.Contains(body, "Maîtrise confirmée des blocs acquis par formation") {
		t.Fatalf("the final stage at the jury: %s", excerpt(body))
	}
	in.sec.submit(session3+"/ouverture", nil)
	in.president.submit(session3+"/cloture", confirmClose)
	if s := in.status(finalID); s != domain.StatusCertified {
		t.Fatalf("after the final jury: %s", s)
	}
	docs = in.issued(session3)
	if len(docs) != 1 || docs[0].Kind != store.KindCertificate || len(docs[0].Blocks) != 7 {
		t.Fatalf("the final jury's documents: %+v", docs)
	}
	text := pdftext.Text(t, []byte(in.sec.page(session3+"/pv.pdf")))
	flat := strings.Join(strings.Fields(text), " ")
	for _, want := range []string{"voie : Blocs de compétences — évaluation finale", "MARCHETTI",
		"BC2 acquis Assurer le relais d'information et la coordination interne Origine : formation (voie « Blocs de compétences »)",
		"BC1 acquis : la commission", "Origine : expérience (dossier d'expérience à l'évaluation finale de la voie blocs)"} {
		if !strings.Contains(flat, want) {
			t.Errorf("the minutes lack %q: %s", want, flat)
		}
	}
	if body := visitor.page("/verifier/" + docs[0].VerificationCode); !strings.Contains(body, "Document authentique et valide") {
		t.Fatalf("verifying the certificate: %s", excerpt(body))
	}
}

// TestBlocsRouteAfterAPartialVAE: the commission withholds BC5 in a VAE; the company enrols
// the employee on the blocs route for BC5 alone; the block jury awards it; the final stage has
// nothing left to present by experience, so the commission hears the trained block and the
// jury certifies without evaluating the six others again.
func TestBlocsRouteAfterAPartialVAE(t *testing.T) {
	in := newIntegrity(t)
	ctx := context.Background()
	sys := domain.SystemActor("test")
	svc := in.w.Service
	company := login(t, in.sec.base, in.w.Accounts[domain.RoleCompany])
	sec := in.w.Actor(t, in.w.Accounts[domain.RoleSecretariat])
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}

	req, err := svc.RequestVAE(ctx, sec, service.VAERequestInput{QualificationCode: "CC", Public: domain.PublicEmployee, CompanyID: in.w.CompanyA,
		Blocks: []string{"OPT1", "OPT2"}, Candidate: domain.Candidate{BirthName: "Nguyen", FirstNames: "Thomas", BirthDate: mustDate(t, "1988-02-14"),
			Sex: domain.SexMale, BirthINSEE: "69123", Email: "thomas.nguyen@exemple.fr"}})
	must(err)
	vaeID := req.Enrolment.ID
	_, err = svc.SendAdmissibilityFile(ctx, sec, vaeID)
	must(err)
	_, err = svc.SubmitAdmissibility(ctx, sec, vaeID, servicetest.CompleteAdmissibility(t, in.w, vaeID))
	must(err)
	must(svc.RequestVAEReview(ctx, sec, vaeID, in.w.OrgA))
	must(svc.GiveVAEReview(ctx, in.w.Actor(t, in.w.Accounts[domain.RoleTrainingOrganisation]), vaeID,
		service.ReviewInput{Opinion: domain.OpinionFavourable, Comment: "Expérience en lien."}))
	_, err = svc.DecideVAE(ctx, sec, vaeID, service.DecisionInput{Decision: domain.DecisionAdmissible, Reason: "Avis favorable.", ValidUntil: "25/11/2027"})
	must(err)
	narratives := map[string]string{}
	for _, b := range ccBlocks {
		narratives[b] = "Six ans en cabinet de courtage sur ces activités, pièces à l'appui."
	}
	must(svc.SaveExperience(ctx, sec, vaeID, narratives))
	_, err = svc.AddEvidence(ctx, sec, vaeID, service.EvidenceUpload{Title: "Attestation d'employeur", Filename: "attestation.pdf", Content: servicetest.TinyPDF})
	must(err)
	must(svc.SubmitExperience(ctx, sec, vaeID))
	in.oral(vaeID, "16/12/2026")
	in.member.submit("/inscriptions/"+vaeID+"/grilles/commission", gridForm("A A A A A A A A A A A A A NA NA", true))
	in.sec.submit("/inscriptions/"+vaeID+"/statut", url.Values{"status": {"awaiting_jury"}})
	session, jurors := juryReady(t, in.sec.base, in.w, in.sec)
	in.close(session, vaeID)
	if s := in.status(vaeID); s != domain.StatusPartial {
		t.Fatalf("after the VAE jury: %s", s)
	}
	person := req.Candidate.ID

	// BC5 by training: the company enrols him for it alone.
	blocs := in.blocsEnrolment(company, person, nil, "BC5")
	in.blockStage(blocs, "BC5")
	session2 := juryOpen(in.sec, "2027-06-15", jurors)
	in.close(session2, blocs)
	if s := in.status(blocs); s != domain.StatusPartial {
		t.Fatalf("after the block jury: %s", s)
	}

	// Every block is held: the final stage goes straight to the commission's oral.
	loc := in.sec.submit("/candidats/"+person+"/evaluation-finale-blocs", url.Values{"qualification": {"CC"}, "valid_until": {"30/06/2028"}})
	finalID := strings.TrimPrefix(loc, "/vae/")
	if s := in.status(finalID); s != domain.StatusFinalEvaluation {
		t.Fatalf("the final stage with every block held: %s", s)
	}
	if body := in.sec.page(loc); !strings.Contains(body, "Tous les blocs sont acquis : il n'y a pas de dossier d'expérience à écrire") {
		t.Fatalf("the final stage's page with every block held: %s", excerpt(body))
	}
	status, _, body := in.sec.post("/inscriptions/"+finalID+"/statut", url.Values{"status": {"awaiting_jury"}})
	if status != http.StatusConflict || !strings.Contains(body, "la commission n'a pas encore soumis sa grille") {
		t.Fatalf("the final stage sent to the jury without the commission: %d %s", status, excerpt(body))
	}
	in.oral(finalID, "10/09/2027")
	grid := "/inscriptions/" + finalID + "/grilles/commission"
	if body := in.member.page(grid); strings.Contains(body, `name="mark_C`) || !strings.Contains(body, "BC5") {
		t.Fatalf("the commission's grid marks held blocks: %s", excerpt(body))
	}
	in.member.submit(grid, url.Values{"action": {"submit"}, "practical_case": {"Renouvellement d'un portefeuille professionnel."},
		"knowledge_question": {"La résiliation infra-annuelle."}, "reasoned_opinion": {"Maîtrise du bloc BC5 confirmée à l'oral."}})
	in.sec.submit("/inscriptions/"+finalID+"/statut", url.Values{"status": {"awaiting_jury"}})
	session3 := juryOpen(in.sec, "2027-10-01", jurors)
	in.close(session3, finalID)
	if s := in.status(finalID); s != domain.StatusCertified {
		t.Fatalf("after the final jury: %s", s)
	}
	view, err := svc.JurySession(ctx, sys, strings.TrimPrefix(session3, "/jury/sessions/"))
	must(err)
	c, _ := view.Snapshot.Candidate(finalID)
	if len(c.NewlyAcquired) != 0 || c.Stage != domain.StageBlocsFinal {
		t.Fatalf("the final jury evaluated blocks again: %v (stage %q)", c.NewlyAcquired, c.Stage)
	}
	if docs := in.issued(session3); len(docs) != 1 || docs[0].Kind != store.KindCertificate || len(docs[0].Blocks) != 7 {
		t.Fatalf("the certificate: %+v", docs)
	}
}

func mustDate(t *testing.T, iso string) domain.Date {
	t.Helper()
	d, err := domain.ParseISODate(iso)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

// TestBlocsRouteForAJobSeeker: a job seeker trained on a block in an organisation's blocs
// action does the internship the framework asks of job seekers there; at the final stage, the
// internship done is the person's and counts, without a derogation.
func TestBlocsRouteForAJobSeeker(t *testing.T) {
	in := newIntegrity(t)
	in.action = in.of.submit("/actions/nouvelle", url.Values{"training_organisation": {in.w.OrgA}, "qualification": {"CC"},
		"route": {"blocs"}, "title": {"CQP Chargé de clientèle — bloc BC2"}, "place": {"Lyon"},
		"starts_on": {"04/01/2027"}, "ends_on": {"30/03/2027"}, "planned_hours": {"90"}, "companies": {in.w.CompanyA}})
	loc := in.of.submit(in.action+"/inscription", url.Values{
		"birth_name": {"Diallo"}, "first_names": {"Aminata"}, "sex": {"F"}, "birth_date": {"22/09/1990"},
		"birth_insee": {"75056"}, "email": {"aminata.diallo@exemple.fr"}, "public": {"job_seeker"}, "company": {in.w.CompanyA},
		"referent": {in.referentID}, "blocks": {"BC2"}, "interview_on": {"02/11/2026"}, "project": {"Reprendre une activité en courtage."},
		"motivation": {"Expérience en agence d'assurance."}, "diploma_level": {"4"}, "experience_months": {"60"}, "related_experience_months": {"48"},
	})
	blocs := strings.TrimPrefix(loc, "/inscriptions/")
	in.of.submit("/inscriptions/"+blocs+"/stages", url.Values{"company": {in.w.CompanyA}, "starts_on": {"05/10/2026"},
		"ends_on": {"20/11/2026"}, "hours": {"300"}})
	in.blockStage(blocs, "BC2")
	session, jurors := juryReady(t, in.sec.base, in.w, in.sec)
	in.close(session, blocs)
	if s := in.status(blocs); s != domain.StatusPartial {
		t.Fatalf("after the block jury: %s", s)
	}
	ev, err := in.w.Service.EnrolmentEvaluation(context.Background(), domain.SystemActor("test"), blocs)
	if err != nil {
		t.Fatal(err)
	}

	// The final stage: the rest by experience file; the internship is already done.
	loc = in.sec.submit("/candidats/"+ev.Candidate.ID+"/evaluation-finale-blocs", url.Values{"qualification": {"CC"},
		"optional_CC": {"OPT1", "OPT2"}, "valid_until": {"30/06/2028"}})
	final := strings.TrimPrefix(loc, "/vae/")
	narratives := url.Values{"do": {"save"}}
	for _, b := range []string{"BC1", "BC3", "BC4", "BC5", "OPT1", "OPT2"} {
		narratives.Set(service.NarrativeField(b), "Quatre ans en agence d'assurance : voici ce que j'ai fait pour ce bloc, pièces à l'appui.")
	}
	in.sec.submit(loc+"/experience", narratives)
	if status, _, body := in.sec.upload(loc+"/preuves", "attestation.pdf", servicetest.TinyPDF, nil); status != http.StatusSeeOther {
		t.Fatalf("upload: %d %s", status, excerpt(body))
	}
	in.sec.submit(loc+"/experience", url.Values{"do": {"submit"}})
	in.oral(final, "20/01/2027")
	cf := blocksGrid("BC1", "BC3", "BC4", "BC5", "OPT1", "OPT2")
	cf.Set("practical_case", "Sinistre d'un client professionnel : conseil et suivi.")
	cf.Set("knowledge_question", "Les obligations d'information du courtier.")
	cf.Set("reasoned_opinion", "Expérience probante ; bloc BC2 maîtrisé à l'oral.")
	in.member.submit("/inscriptions/"+final+"/grilles/commission", cf)
	in.sec.submit("/inscriptions/"+final+"/statut", url.Values{"status": {"awaiting_jury"}})
	second := juryOpen(in.sec, "2027-02-10", jurors)
	if status, _, body := in.sec.post(second+"/candidats", url.Values{"enrolments": {final}}); status != http.StatusSeeOther {
		t.Fatalf("presenting the final stage of a job seeker whose internship was done on the blocs route: %d %s", status, excerpt(body))
	}
	in.sec.submit(second+"/ouverture", nil)
	in.president.submit(second+"/cloture", confirmClose)
	if s := in.status(final); s != domain.StatusCertified {
		t.Fatalf("after the final jury: %s", s)
	}
}
