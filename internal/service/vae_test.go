package service_test

import (
	"bytes"
	"context"
	"encoding/binary"
	"hash/crc32"
	"io"
	"log/slog"
	"strconv"
	"strings"
	"testing"
	"time"

	"cqp/internal/domain"
	"cqp/internal/service"
	"cqp/internal/service/servicetest"
	"cqp/internal/store"
	"cqp/internal/store/storetest"
)

// vaeFixture is a fresh VAE request for a new person, with the accounts that act on it.
type vaeFixture struct {
	w                  *servicetest.World
	svc                *service.Service
	sec, orgA, orgB    domain.Actor
	enrolment, cand    string
	candidate          domain.Actor // the candidate's account, once the file was sent
	candidateEmail     string
	optional           []string
	qualificationTitle string
}

func newVAEFixture(t *testing.T, w *servicetest.World, email string) *vaeFixture {
	t.Helper()
	ctx := context.Background()
	f := &vaeFixture{w: w, svc: w.Service, sec: w.Actor(t, w.Accounts[domain.RoleSecretariat]),
		orgA: w.Actor(t, w.Accounts[domain.RoleTrainingOrganisation]), orgB: w.Actor(t, w.OrgBAccount), candidateEmail: email}
	w.VAE(t) // the shared files exist too: the new one must not mix with them
	f.optional = w.OptionalBlocks(t, "IARD")
	out, err := w.Service.RequestVAE(ctx, f.sec, service.VAERequestInput{
		Candidate: domain.Candidate{BirthName: "Moreau", FirstNames: "Gaëlle", BirthDate: domain.NewDate(1988, 6, 2), Sex: domain.SexFemale,
			BirthINSEE: "69123", BirthCity: "Lyon", Email: email},
		QualificationCode: "IARD", Public: domain.PublicEmployee, CompanyID: w.CompanyA, Blocks: f.optional,
		Message: "Je travaille en cabinet depuis deux ans."})
	if err != nil {
		t.Fatal(err)
	}
	f.enrolment, f.cand, f.qualificationTitle = out.Enrolment.ID, out.Candidate.ID, out.Enrolment.QualificationTitle
	return f
}

// send sends the file and logs the candidate's new account in (its password set directly).
func (f *vaeFixture) send(t *testing.T) service.SentFile {
	t.Helper()
	ctx := context.Background()
	sent, err := f.svc.SendAdmissibilityFile(ctx, f.sec, f.enrolment)
	if err != nil {
		t.Fatal(err)
	}
	if f.candidateEmail != "" {
		u, err := f.svc.UserByEmail(ctx, f.sec, f.candidateEmail)
		if err != nil {
			t.Fatal(err)
		}
		f.candidate, err = f.svc.Actor(ctx, u.ID, "")
		if err != nil {
			t.Fatal(err)
		}
	}
	return sent
}

func (f *vaeFixture) submitComplete(t *testing.T, a domain.Actor) {
	t.Helper()
	if _, err := f.svc.SubmitAdmissibility(context.Background(), a, f.enrolment, servicetest.CompleteAdmissibility(t, f.w, f.enrolment)); err != nil {
		t.Fatal(err)
	}
}

func (f *vaeFixture) reviewed(t *testing.T, opinion domain.ReviewOpinion) {
	t.Helper()
	ctx := context.Background()
	if err := f.svc.RequestVAEReview(ctx, f.sec, f.enrolment, f.w.OrgA); err != nil {
		t.Fatal(err)
	}
	if err := f.svc.GiveVAEReview(ctx, f.orgA, f.enrolment, service.ReviewInput{Opinion: opinion, Comment: "Avis motivé."}); err != nil {
		t.Fatal(err)
	}
}

func (f *vaeFixture) decide(t *testing.T, in service.DecisionInput) store.VAEDecision {
	t.Helper()
	d, err := f.svc.DecideVAE(context.Background(), f.sec, f.enrolment, in)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

func (f *vaeFixture) view(t *testing.T) service.VAEView {
	t.Helper()
	v, err := f.svc.VAE(context.Background(), f.sec, f.enrolment)
	if err != nil {
		t.Fatal(err)
	}
	return v
}

// vaeMails returns the mails to that address, with their attachments' content.
func vaeMails(t *testing.T, svc *service.Service, to string) []store.Mail {
	t.Helper()
	all, err := svc.Store().Read().ListMail(context.Background(), 1000)
	if err != nil {
		t.Fatal(err)
	}
	var out []store.Mail
	for _, m := range all {
		if m.To == to {
			out = append(out, m)
		}
	}
	return out
}

func TestVAEAdmissibility(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		w := servicetest.New(t, st)
		f := newVAEFixture(t, w, "gaelle.moreau@example.fr")

		t.Run("sending the file creates the candidate's account and mails a link with the paper form", func(t *testing.T) {
			sent := f.send(t)
			if !sent.ByMail || !sent.NewAccount {
				t.Fatalf("sent: %+v", sent)
			}
			mails := vaeMails(t, f.svc, "gaelle.moreau@example.fr")
			if len(mails) != 1 || !strings.Contains(mails[0].Body, "/mot-de-passe/nouveau?jeton=") ||
				mails[0].AttachmentType != "application/pdf" || !bytes.HasPrefix(mails[0].Attachment, []byte("%PDF")) {
				t.Fatalf("mail: %+v", mails)
			}
			if !f.candidate.Has(domain.RoleCandidate) || f.view(t).File.Status != domain.VAESent {
				t.Fatalf("candidate %+v", f.candidate)
			}
		})

		t.Run("a wrong date is refused where it is, and a draft keeps what is typed", func(t *testing.T) {
			_, err := f.svc.SaveAdmissibility(ctx, f.candidate, f.enrolment, service.AdmissibilityInput{
				Periods: []service.PeriodInput{{Employer: "Cabinet Durand", Role: "Assistante", From: "31/02/2024"}}})
			if msg := fieldOf(err, service.PeriodField(0, "from")); !strings.Contains(msg, "Période 1") || !strings.Contains(msg, "31/02/2024") {
				t.Fatalf("got %v / %q", err, msg)
			}
			check, err := f.svc.SaveAdmissibility(ctx, f.candidate, f.enrolment, service.AdmissibilityInput{
				Periods: []service.PeriodInput{{Employer: "Cabinet Durand", Role: "Assistante", From: "01/01/2026", Related: true}}})
			if err != nil {
				t.Fatal(err)
			}
			if check.RelatedMonths != 10 || check.Eligible || check.Ready() {
				t.Fatalf("check: %+v", check)
			}
			if v := f.view(t); v.File.Draft.Periods[0].Employer != "Cabinet Durand" || v.File.Version != 0 {
				t.Fatalf("draft: %+v", v.File)
			}
		})

		t.Run("a submission with parts missing is refused with the list of what is missing", func(t *testing.T) {
			in := servicetest.CompleteAdmissibility(t, w, f.enrolment)
			in.Periods = []service.PeriodInput{{Employer: "Cabinet Durand", Role: "Assistante", From: "01/01/2026", Related: true}}
			in.Certified = false
			delete(in.SelfAssessment, "C1")
			_, err := f.svc.SubmitAdmissibility(ctx, f.candidate, f.enrolment, in)
			msg := domain.ErrorMessage(err)
			for _, want := range []string{"12 mois", "10", "C1", "attestation sur l'honneur"} {
				if !strings.Contains(msg, want) {
					t.Errorf("message %q lacks %q", msg, want)
				}
			}
			if f.view(t).File.Version != 0 {
				t.Fatal("a refused submission made a version")
			}
		})

		t.Run("the file asks for the NIR cqp lacks, refuses a wrong one, and sends nothing without it", func(t *testing.T) {
			if f.view(t).Candidate.NIR != "" {
				t.Fatal("the fixture's candidate already has a NIR")
			}
			in := servicetest.CompleteAdmissibility(t, w, f.enrolment)
			good := in.NIR
			in.NIR = ""
			_, err := f.svc.SubmitAdmissibility(ctx, f.candidate, f.enrolment, in)
			if !strings.Contains(domain.ErrorMessage(err), "numéro de sécurité sociale") || fieldOf(err, "nir") == "" {
				t.Fatalf("without NIR: %v", err)
			}
			in.NIR = good[:13] + "00"
			if _, err := f.svc.SaveAdmissibility(ctx, f.candidate, f.enrolment, in); !strings.Contains(fieldOf(err, "nir"), "clé") {
				t.Fatalf("a wrong key: %v", err)
			}
			if v := f.view(t); v.File.Version != 0 || v.Candidate.NIR != "" {
				t.Fatalf("a refused NIR was kept: %q, version %d", v.Candidate.NIR, v.File.Version)
			}
		})

		t.Run("a complete file becomes version 1 and goes to the secretariat", func(t *testing.T) {
			f.submitComplete(t, f.candidate)
			v := f.view(t)
			if v.Candidate.NIR == "" {
				t.Fatal("the NIR given in the file is not on the candidate")
			}
			entries, _, err := f.svc.Audit(ctx, f.sec, store.AuditFilter{Action: "candidate.nir", CandidateID: f.cand})
			if err != nil || len(entries) != 1 || strings.Contains(entries[0].After+entries[0].Before, v.Candidate.NIR[5:13]) ||
				!strings.Contains(entries[0].After, "modifié") {
				t.Fatalf("audit of the NIR: %v %+v", err, entries)
			}
			if v.File.Status != domain.VAESubmitted || v.File.Version != 1 || len(v.Versions) != 1 || v.Check.RelatedMonths != 24 {
				t.Fatalf("after submission: %+v", v.File)
			}
			if _, err := f.svc.SaveAdmissibility(ctx, f.candidate, f.enrolment, service.AdmissibilityInput{Address: "ailleurs"}); domain.ErrorCode(err) != domain.ECONFLICT {
				t.Fatalf("a submitted file is not edited: %v", err)
			}
		})

		t.Run("only the organisation asked gives an opinion, and it must be reasoned", func(t *testing.T) {
			if _, err := f.svc.DecideVAE(ctx, f.sec, f.enrolment, service.DecisionInput{Decision: domain.DecisionAdmissible,
				Reason: "ok", ValidUntil: "25/11/2027"}); !strings.Contains(fieldOf(err, "decision"), "avis") {
				t.Fatalf("admissible before any opinion: %v", err)
			}
			if err := f.svc.RequestVAEReview(ctx, f.sec, f.enrolment, w.OrgA); err != nil {
				t.Fatal(err)
			}
			if err := f.svc.GiveVAEReview(ctx, f.orgB, f.enrolment, service.ReviewInput{Opinion: domain.OpinionFavourable, Comment: "x"}); domain.ErrorCode(err) != domain.ENOTFOUND {
				t.Fatalf("organisation B: %v", err)
			}
			if err := f.svc.GiveVAEReview(ctx, f.orgA, f.enrolment, service.ReviewInput{Opinion: domain.OpinionIncomplete}); fieldOf(err, "comment") == "" {
				t.Fatalf("opinion without comment: %v", err)
			}
			if err := f.svc.GiveVAEReview(ctx, f.orgA, f.enrolment, service.ReviewInput{Opinion: domain.OpinionIncomplete,
				Comment: "Il manque les activités de la seconde période."}); err != nil {
				t.Fatal(err)
			}
			if v := f.view(t); v.File.Status != domain.VAEReviewed || v.Reviews[0].Opinion != domain.OpinionIncomplete {
				t.Fatalf("after the opinion: %+v", v.File)
			}
		})

		t.Run("incomplete: back to the candidate, whose resubmission is version 2 and keeps version 1", func(t *testing.T) {
			if _, err := f.svc.DecideVAE(ctx, f.sec, f.enrolment, service.DecisionInput{Decision: domain.DecisionIncomplete}); !strings.Contains(fieldOf(err, "reason"), "manque") {
				t.Fatalf("incomplete without what is missing: %v", err)
			}
			d := f.decide(t, service.DecisionInput{Decision: domain.DecisionIncomplete, Reason: "Décrivez les activités de la seconde période."})
			letter, err := f.svc.VAEDecisionLetter(ctx, f.candidate, f.enrolment, d.ID)
			if err != nil || !bytes.HasPrefix(letter, []byte("%PDF")) {
				t.Fatalf("letter: %v", err)
			}
			if v := f.view(t); v.File.Status != domain.VAEIncomplete || v.File.WaitingSince == nil {
				t.Fatalf("after incomplete: %+v", v.File)
			}
			in := servicetest.CompleteAdmissibility(t, w, f.enrolment)
			in.Periods[1].Activities = "Souscription, gestion des contrats et des sinistres, relation client"
			if _, err := f.svc.SubmitAdmissibility(ctx, f.candidate, f.enrolment, in); err != nil {
				t.Fatal(err)
			}
			v := f.view(t)
			if v.File.Version != 2 || len(v.Versions) != 2 || v.Versions[1].Version != 1 ||
				v.Versions[1].Content.Periods[1].Activities != "Souscription et gestion de contrats" {
				t.Fatalf("versions: %+v", v.Versions)
			}
		})

		t.Run("admissible: the enrolment is enrolled, the experience file opens and the letter is mailed", func(t *testing.T) {
			f.reviewed(t, domain.OpinionFavourable)
			if _, err := f.svc.DecideVAE(ctx, f.sec, f.enrolment, service.DecisionInput{Decision: domain.DecisionAdmissible,
				ValidUntil: "25/11/2027"}); fieldOf(err, "reason") == "" {
				t.Fatalf("a decision without a reason: %v", err)
			}
			if _, err := f.svc.DecideVAE(ctx, f.sec, f.enrolment, service.DecisionInput{Decision: domain.DecisionAdmissible,
				Reason: "ok", ValidUntil: "01/01/2020"}); fieldOf(err, "valid_until") == "" {
				t.Fatalf("a validity in the past: %v", err)
			}
			f.decide(t, service.DecisionInput{Decision: domain.DecisionAdmissible, Reason: "Deux ans d'expérience en lien.", ValidUntil: "25/11/2027"})
			v := f.view(t)
			if v.File.Status != domain.VAEAdmissible || v.File.ExperienceStatus != domain.ExperienceOpen || v.Enrolment.Status != domain.StatusEnrolled ||
				v.File.ValidUntil != domain.NewDate(2027, 11, 25) {
				t.Fatalf("after admissible: %+v / %s", v.File, v.Enrolment.Status)
			}
			mails := vaeMails(t, f.svc, "gaelle.moreau@example.fr")
			last := mails[0]
			if !strings.Contains(last.Subject, "recevable") || last.AttachmentName != "decision-recevabilite-vae.pdf" {
				t.Fatalf("decision mail: %s %s", last.Subject, last.AttachmentName)
			}
		})

		t.Run("the enrolment's status does not move around the file", func(t *testing.T) {
			_, err := f.svc.SetEnrolmentStatus(ctx, f.sec, f.cand, f.enrolment, domain.StatusFinalEvaluation, "")
			if !strings.Contains(domain.ErrorMessage(err), "dossier d'expérience") {
				t.Fatalf("final evaluation before the experience file: %v", err)
			}
		})

		t.Run("a revocation needs a reason, puts things back and keeps the revoked decision", func(t *testing.T) {
			d := f.view(t).LatestDecision
			if err := f.svc.RevokeVAEDecision(ctx, f.sec, f.enrolment, d.ID, " "); fieldOf(err, "revoke_reason") == "" {
				t.Fatalf("revocation without reason: %v", err)
			}
			if err := f.svc.RevokeVAEDecision(ctx, f.sec, f.enrolment, d.ID, "Validité saisie par erreur."); err != nil {
				t.Fatal(err)
			}
			v := f.view(t)
			if v.File.Status != domain.VAEReviewed || v.Enrolment.Status != domain.StatusAdmissibility || v.File.ExperienceStatus != domain.ExperienceClosed ||
				!v.Decisions[0].Revoked() || v.LatestDecision == nil || v.LatestDecision.Decision != domain.DecisionIncomplete {
				t.Fatalf("after revocation: %+v %s", v.File, v.Enrolment.Status)
			}
			if err := f.svc.RevokeVAEDecision(ctx, f.sec, f.enrolment, d.ID, "encore"); domain.ErrorCode(err) != domain.ECONFLICT {
				t.Fatalf("revoked twice: %v", err)
			}
			entries, _, err := f.svc.Audit(ctx, f.sec, store.AuditFilter{Action: "vae.decision_revoke", CandidateID: f.cand})
			if err != nil || len(entries) != 1 || entries[0].Reason != "Validité saisie par erreur." {
				t.Fatalf("audit: %+v %v", entries, err)
			}
			f.decide(t, service.DecisionInput{Decision: domain.DecisionAdmissible, Reason: "Deux ans d'expérience en lien.", ValidUntil: "25/11/2027"})
		})

		t.Run("the validity is extended with a reason, never shortened", func(t *testing.T) {
			if err := f.svc.ExtendVAEValidity(ctx, f.sec, f.enrolment, "25/12/2027", ""); fieldOf(err, "extend_reason") == "" {
				t.Fatalf("extension without reason: %v", err)
			}
			if err := f.svc.ExtendVAEValidity(ctx, f.sec, f.enrolment, "01/01/2027", "plus tôt"); !strings.Contains(fieldOf(err, "extend_until"), "25/11/2027") {
				t.Fatalf("a shorter validity: %v", err)
			}
			if err := f.svc.ExtendVAEValidity(ctx, f.candidate, f.enrolment, "25/12/2027", "moi"); domain.ErrorCode(err) != domain.EFORBIDDEN {
				t.Fatalf("the candidate extends: %v", err)
			}
			if err := f.svc.ExtendVAEValidity(ctx, f.sec, f.enrolment, "25/05/2028", "Arrêt maladie de trois mois."); err != nil {
				t.Fatal(err)
			}
			if v := f.view(t); v.File.ValidUntil != domain.NewDate(2028, 5, 25) {
				t.Fatalf("validity %s", v.File.ValidUntil)
			}
		})

		t.Run("the company sees where the request stands, not what the candidate wrote", func(t *testing.T) {
			company := w.Actor(t, w.Accounts[domain.RoleCompany])
			v, err := f.svc.VAE(ctx, company, f.enrolment)
			if err != nil || v.ShowAdmissibility || v.ShowExperience || v.File.Draft.Address != "" || len(v.Versions) != 0 {
				t.Fatalf("company view: %+v %v", v, err)
			}
			if _, err := f.svc.AdmissibilityFormPDF(ctx, company, f.enrolment, true); domain.ErrorCode(err) != domain.ENOTFOUND {
				t.Fatalf("company reads the form: %v", err)
			}
			if _, err := f.svc.VAE(ctx, f.orgB, f.enrolment); domain.ErrorCode(err) != domain.ENOTFOUND {
				t.Fatalf("organisation B: %v", err)
			}
			if _, err := f.svc.VAE(ctx, w.Actor(t, w.Accounts[domain.RoleCommissionMember]), f.enrolment); domain.ErrorCode(err) != domain.ENOTFOUND {
				t.Fatalf("a commission member who does not hear the candidate: %v", err)
			}
		})
	})
}

func TestVAEExperienceFile(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		w := servicetest.New(t, st)
		f := newVAEFixture(t, w, "gaelle.moreau@example.fr")
		f.send(t)
		f.submitComplete(t, f.candidate)
		f.reviewed(t, domain.OpinionFavourable)
		f.decide(t, service.DecisionInput{Decision: domain.DecisionAdmissible, Reason: "Avis favorable.", ValidUntil: "25/11/2027"})
		w.Service.SetVAESettings(service.VAESettings{MaxEvidenceBytes: 4096, MaxEvidenceFiles: 3, ReminderDays: 30})
		upload := func(name string, content []byte) (domain.Evidence, error) {
			return f.svc.AddEvidence(ctx, f.candidate, f.enrolment, service.EvidenceUpload{Filename: name, Content: content})
		}

		t.Run("the commission is not scheduled before the experience file is submitted", func(t *testing.T) {
			_, err := f.svc.ScheduleOral(ctx, f.sec, service.OralInput{CommissionID: w.CommissionID, EnrolmentID: f.enrolment,
				Date: "17/12/2026", Time: "10:00", Duration: "60", Place: "Paris"})
			if !strings.Contains(fieldOf(err, "enrolment"), "dossier d'expérience") {
				t.Fatalf("got %v", err)
			}
		})

		t.Run("evidence is judged by its content and size, and a refusal stores nothing", func(t *testing.T) {
			_, err := upload("contrat.pdf", append([]byte("MZ\x90\x00"), make([]byte, 300)...))
			if !strings.Contains(fieldOf(err, "file"), "exécutable") {
				t.Fatalf("executable named .pdf: %v", err)
			}
			_, err = upload("gros.pdf", append(servicetest.TinyPDF, make([]byte, 5000)...))
			if !strings.Contains(fieldOf(err, "file"), "4 Ko") {
				t.Fatalf("oversized: %v", err)
			}
			_, err = upload("formulaire.pdf", []byte("%PDF-1.7\n1 0 obj<</Type/Catalog/OpenAction<</S/JavaScript/JS(app.alert(1))>>>>endobj\ntrailer<<>>\n%%EOF\n"))
			if msg := fieldOf(err, "file"); !strings.Contains(msg, "Le fichier « formulaire.pdf » est un PDF qui contient") || !strings.Contains(msg, "imprimez-le en PDF") {
				t.Fatalf("a PDF with active content: %v", err)
			}
			huge := servicetest.TinyPNG(t)
			binary.BigEndian.PutUint32(huge[16:], 30_000) // the header's width; image.DecodeConfig reads no further
			binary.BigEndian.PutUint32(huge[29:], crc32.ChecksumIEEE(huge[12:29]))
			if _, err = upload("photo.png", huge); !strings.Contains(fieldOf(err, "file"), "trop grande") {
				t.Fatalf("an image 30 000 pixels wide: %v", err)
			}
			if n := len(f.view(t).Evidence); n != 0 {
				t.Fatalf("%d evidence stored after refusals", n)
			}
			png := servicetest.TinyPNG(t)
			ev, err := upload("scan.pdf", png)
			if err != nil || ev.ContentType != domain.EvidencePNG || ev.Filename != "scan.png" || ev.SHA256 == "" {
				t.Fatalf("a PNG named .pdf: %+v %v", ev, err)
			}
			if _, err := upload("attestation.pdf", servicetest.TinyPDF); err != nil {
				t.Fatal(err)
			}
			if _, err := upload("trois.pdf", servicetest.TinyPDF); err != nil {
				t.Fatal(err)
			}
			if _, err := upload("quatre.pdf", servicetest.TinyPDF); !strings.Contains(fieldOf(err, "file"), "maximum") {
				t.Fatalf("beyond the count: %v", err)
			}
			if err := f.svc.RemoveEvidence(ctx, f.candidate, f.enrolment, ev.ID); err != nil {
				t.Fatal(err)
			}
		})

		t.Run("another candidate's evidence is not found, even by its exact id", func(t *testing.T) {
			ev := f.view(t).Evidence[0]
			other := w.Actor(t, w.Accounts[domain.RoleCandidate])
			if _, _, err := f.svc.EvidenceFile(ctx, other, f.enrolment, ev.ID); domain.ErrorCode(err) != domain.ENOTFOUND {
				t.Fatalf("candidate A reads Gaëlle's evidence: %v", err)
			}
			if _, _, err := f.svc.EvidenceFile(ctx, other, w.VAE(t).SideA, ev.ID); domain.ErrorCode(err) != domain.ENOTFOUND {
				t.Fatalf("through candidate A's own file: %v", err)
			}
			got, content, err := f.svc.EvidenceFile(ctx, f.candidate, f.enrolment, ev.ID)
			if err != nil || got.ID != ev.ID || !bytes.Equal(content, servicetest.TinyPDF) {
				t.Fatalf("own evidence: %v", err)
			}
		})

		t.Run("submission needs a narrative for every block", func(t *testing.T) {
			v := f.view(t)
			narratives := map[string]string{}
			for _, b := range v.Blocks[1:] {
				narratives[b.Code] = "J'ai conduit ces activités au quotidien pendant deux ans auprès d'une clientèle variée."
			}
			if err := f.svc.SaveExperience(ctx, f.candidate, f.enrolment, narratives); err != nil {
				t.Fatal(err)
			}
			err := f.svc.SubmitExperience(ctx, f.candidate, f.enrolment)
			if !strings.Contains(domain.ErrorMessage(err), v.Blocks[0].Code) {
				t.Fatalf("missing block narrative: %v", err)
			}
			narratives[v.Blocks[0].Code] = "Trop court."
			if err := f.svc.SaveExperience(ctx, f.candidate, f.enrolment, narratives); err != nil {
				t.Fatal(err)
			}
			if err := f.svc.SubmitExperience(ctx, f.candidate, f.enrolment); !strings.Contains(domain.ErrorMessage(err), "50 caractères") {
				t.Fatalf("short narrative: %v", err)
			}
			narratives[v.Blocks[0].Code] = "J'ai accueilli et conseillé les clients du cabinet sur leurs contrats d'assurance IARD."
			if err := f.svc.SaveExperience(ctx, f.candidate, f.enrolment, narratives); err != nil {
				t.Fatal(err)
			}
			if err := f.svc.SubmitExperience(ctx, f.candidate, f.enrolment); err != nil {
				t.Fatal(err)
			}
			v = f.view(t)
			if v.File.ExperienceStatus != domain.ExperienceSubmitted || v.Enrolment.Status != domain.StatusFinalEvaluation || len(v.Submissions) != 1 {
				t.Fatalf("after submission: %+v %s", v.File, v.Enrolment.Status)
			}
			if _, err := upload("tard.pdf", servicetest.TinyPDF); domain.ErrorCode(err) != domain.ECONFLICT {
				t.Fatalf("evidence after submission: %v", err)
			}
			if err := f.svc.RevokeVAEDecision(ctx, f.sec, f.enrolment, v.LatestDecision.ID, "trop tard"); domain.ErrorCode(err) != domain.ECONFLICT {
				t.Fatalf("revoking after the experience file: %v", err)
			}
		})

		t.Run("the commission member hearing the candidate reads the file and its evidence, nothing else", func(t *testing.T) {
			if _, err := f.svc.ScheduleOral(ctx, f.sec, service.OralInput{CommissionID: w.CommissionID, EnrolmentID: f.enrolment,
				Date: "17/12/2026", Time: "10:00", Duration: "60", Place: "Paris"}); err != nil {
				t.Fatal(err)
			}
			member := w.Actor(t, w.Accounts[domain.RoleCommissionMember])
			v, err := f.svc.VAE(ctx, member, f.enrolment)
			if err != nil || !v.ShowExperience || len(v.Evidence) != 2 || v.CanFillExperience || v.CanDecide {
				t.Fatalf("member view: %v", err)
			}
			if _, _, err := f.svc.EvidenceFile(ctx, member, f.enrolment, v.Evidence[0].ID); err != nil {
				t.Fatal(err)
			}
		})

		t.Run("after a partial result the candidate completes the file without starting over", func(t *testing.T) {
			// The commission withholds the last block; the jury closes on a partial result.
			sys := domain.SystemActor("test")
			v0 := f.view(t)
			in := service.GridInput{Marks: map[string]string{}, ReasonedOpinion: "Dossier solide, sauf sur le dernier bloc."}
			for i, b := range v0.Blocks {
				for _, c := range b.Competences {
					in.Marks[c.Code] = "A"
					if i == len(v0.Blocks)-1 {
						in.Marks[c.Code] = "NA"
					}
				}
			}
			if _, err := f.svc.SubmitGrid(ctx, sys, f.enrolment, domain.EvaluatorCommission, in); err != nil {
				t.Fatal(err)
			}
			if _, err := f.svc.SetEnrolmentStatus(ctx, sys, f.cand, f.enrolment, domain.StatusAwaitingJury, "Avis de la commission rendu"); err != nil {
				t.Fatal(err)
			}
			w.Judge(t, "10/12/2026", nil, f.enrolment)
			if v := f.view(t); v.Enrolment.Status != domain.StatusPartial {
				t.Fatalf("after the jury: %s", v.Enrolment.Status)
			}
			if err := f.svc.ReopenExperience(ctx, f.candidate, f.enrolment); err != nil {
				t.Fatal(err)
			}
			v := f.view(t)
			if v.File.ExperienceStatus != domain.ExperienceOpen || v.File.ExperienceRound != 2 || len(v.Evidence) != 2 || v.Experience[v.Blocks[0].Code].Narrative == "" {
				t.Fatalf("reopened: %+v", v.File)
			}
			if err := f.svc.RemoveEvidence(ctx, f.candidate, f.enrolment, v.Evidence[0].ID); domain.ErrorCode(err) != domain.ECONFLICT {
				t.Fatalf("evidence examined by a commission is kept: %v", err)
			}
			js, err := f.svc.ScheduleJurySession(ctx, f.sec, service.JurySessionInput{Date: "20/01/2027", Time: "14:00", Place: "Paris"})
			if err != nil {
				t.Fatal(err)
			}
			if _, err := f.svc.PresentJuryCandidates(ctx, f.sec, js.ID, []string{f.enrolment}); !strings.Contains(domain.ErrorMessage(err), "complète son dossier") {
				t.Fatalf("presented while completing the file: %v", err)
			}
		})
	})
}

func TestVAERedirectionAndRefusal(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		w := servicetest.New(t, st)
		f := newVAEFixture(t, w, "")

		t.Run("without an e-mail the file is sent on paper", func(t *testing.T) {
			sent := f.send(t)
			if sent.ByMail || f.view(t).File.Status != domain.VAESent {
				t.Fatalf("sent: %+v", sent)
			}
		})
		f.submitComplete(t, f.sec) // the secretariat types the paper file in
		f.reviewed(t, domain.OpinionUnfavourable)

		t.Run("a redirection creates the enrolment on the other route and ends the VAE one", func(t *testing.T) {
			if _, err := f.svc.DecideVAE(ctx, f.sec, f.enrolment, service.DecisionInput{Decision: domain.DecisionRedirected,
				Reason: "Expérience trop éloignée"}); fieldOf(err, "redirect_route") == "" || fieldOf(err, "training_organisation") == "" {
				t.Fatalf("redirection without route: %v", err)
			}
			// Organisation A holds no accreditation for IARD: the formation enrolment is refused.
			_, err := f.svc.DecideVAE(ctx, f.sec, f.enrolment, service.DecisionInput{Decision: domain.DecisionRedirected,
				Reason: "Expérience trop éloignée", RedirectRoute: domain.RouteFormation, TrainingOrganisationID: w.OrgA})
			if !strings.Contains(fieldOf(err, "training_organisation"), "habilitation") {
				t.Fatalf("unaccredited organisation: %v", err)
			}
			if err := f.svc.AddAccreditation(ctx, f.sec, domain.Accreditation{TrainingOrganisationID: w.OrgA, QualificationCode: "IARD",
				ValidFrom: domain.NewDate(2026, 1, 1), ValidUntil: domain.NewDate(2028, 12, 31)}); err != nil {
				t.Fatal(err)
			}
			d := f.decide(t, service.DecisionInput{Decision: domain.DecisionRedirected, Reason: "Expérience trop éloignée",
				RedirectRoute: domain.RouteFormation, TrainingOrganisationID: w.OrgA})
			c, err := f.svc.Candidate(ctx, f.sec, f.cand)
			if err != nil || len(c.Enrolments) != 2 {
				t.Fatalf("enrolments: %+v %v", c.Enrolments, err)
			}
			for _, e := range c.Enrolments {
				switch e.ID {
				case f.enrolment:
					if e.Status != domain.StatusWithdrawn {
						t.Errorf("VAE enrolment %s", e.Status)
					}
				case d.RedirectEnrolmentID:
					if e.Route != domain.RouteFormation || e.Status != domain.StatusEnrolled || e.TrainingOrganisationID != w.OrgA || len(e.Blocks) != 7 {
						t.Errorf("new enrolment %+v", e)
					}
				default:
					t.Errorf("unexpected enrolment %+v", e)
				}
			}
			if err := f.svc.RevokeVAEDecision(ctx, f.sec, f.enrolment, d.ID, "Le candidat préfère la VAE."); err != nil {
				t.Fatal(err)
			}
			c, _ = f.svc.Candidate(ctx, f.sec, f.cand)
			for _, e := range c.Enrolments {
				if e.ID == d.RedirectEnrolmentID && e.Status != domain.StatusWithdrawn || e.ID == f.enrolment && e.Status != domain.StatusAdmissibility {
					t.Errorf("after revocation: %s %s", e.Route, e.Status)
				}
			}
		})

		t.Run("not admissible ends the enrolment with the reason", func(t *testing.T) {
			f.decide(t, service.DecisionInput{Decision: domain.DecisionNotAdmissible, Reason: "Moins d'un an d'expérience en lien."})
			v := f.view(t)
			last := v.Enrolment.History[len(v.Enrolment.History)-1]
			if v.Enrolment.Status != domain.StatusWithdrawn || !strings.Contains(last.Reason, "non recevable") {
				t.Fatalf("enrolment %s %+v", v.Enrolment.Status, last)
			}
		})
	})
}

func TestVAEReminders(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		w := servicetest.New(t, st)
		f := newVAEFixture(t, w, "gaelle.moreau@example.fr")
		f.send(t)
		at := func(days int) *service.Service {
			s := service.New(st, func() time.Time { return servicetest.Clock.Add(time.Duration(days) * 24 * time.Hour) },
				slog.New(slog.NewTextHandler(io.Discard, nil)), "http://cqp.test")
			s.SetVAESettings(service.VAESettings{ReminderDays: 30})
			return s
		}
		count := func() int { return len(vaeMails(t, f.svc, "gaelle.moreau@example.fr")) }
		before := count()
		for _, c := range []struct {
			days, sent int
		}{{29, 0}, {31, 1}, {31, 0}, {45, 0}, {62, 1}} {
			n, err := at(c.days).SendVAEReminders(ctx)
			if err != nil || n != c.sent {
				t.Fatalf("day %d: %d reminders, want %d (%v)", c.days, n, c.sent, err)
			}
		}
		if got := count() - before; got != 2 {
			t.Fatalf("%d reminder mails", got)
		}
		f.submitComplete(t, f.candidate)
		if n, _ := at(120).SendVAEReminders(ctx); n != 0 {
			t.Fatalf("a returned file is reminded: %d", n)
		}
		off := at(120)
		off.SetVAESettings(service.VAESettings{ReminderDays: 0})
		if n, _ := off.SendVAEReminders(ctx); n != 0 {
			t.Fatal("reminders sent while disabled")
		}
	})
}

func TestVAEFilesArePagedOldestChangeFirst(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		w := servicetest.New(t, st)
		sec := w.Actor(t, w.Accounts[domain.RoleSecretariat])
		optional := []string{"OPT1", "OPT2"}
		for i := range service.VAEPageSize + 5 {
			if _, err := w.Service.RequestVAE(ctx, sec, service.VAERequestInput{
				Candidate: domain.Candidate{BirthName: "Moreau", FirstNames: "Gaëlle " + strconv.Itoa(i), BirthDate: domain.NewDate(1988, 6, 2),
					Sex: domain.SexFemale, BirthINSEE: "69123"},
				QualificationCode: "CC", Public: domain.PublicEmployee, Blocks: optional}); err != nil {
				t.Fatal(err)
			}
		}
		first, err := w.Service.VAEFilesPage(ctx, sec, service.VAEListFilter{})
		if err != nil || first.Total != service.VAEPageSize+5 || first.Limit != service.VAEPageSize || len(first.Files) != service.VAEPageSize {
			t.Fatalf("first page: %d files of %d, limit %d, %v", len(first.Files), first.Total, first.Limit, err)
		}
		last, err := w.Service.VAEFilesPage(ctx, sec, service.VAEListFilter{Offset: service.VAEPageSize})
		if err != nil || len(last.Files) != 5 || last.Total != service.VAEPageSize+5 {
			t.Fatalf("second page: %d files, %v", len(last.Files), err)
		}
		seen := map[string]bool{}
		for _, f := range append(first.Files, last.Files...) {
			if seen[f.File.EnrolmentID] {
				t.Fatalf("%s on both pages", f.Candidate.FirstNames)
			}
			seen[f.File.EnrolmentID] = true
		}
		orgB, err := w.Service.VAEFilesPage(ctx, w.Actor(t, w.OrgBAccount), service.VAEListFilter{})
		if err != nil || orgB.Total != 0 || len(orgB.Files) != 0 {
			t.Fatalf("organisation B sees %d files: %v", orgB.Total, err)
		}
	})
}
