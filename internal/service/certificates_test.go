package service_test

import (
	"archive/zip"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"slices"
	"strings"
	"testing"
	"time"

	"cqp/internal/domain"
	"cqp/internal/pdftext"
	"cqp/internal/service"
	"cqp/internal/service/servicetest"
	"cqp/internal/store"
	"cqp/internal/store/storetest"
)

// presented is a candidate of a closed session as the jury left it: the outcome and the
// blocks acquired at that session.
type presented struct {
	enrolment string
	outcome   string
	acquired  []string
}

// closedSession writes, as closing a session does, a closed jury session with its candidates'
// outcomes, the blocks they acquired there and a snapshot holding the signatories' names.
func closedSession(t testing.TB, st *store.Store, id, rectifies string, starts time.Time, place string, sigs map[string]string, cands ...presented) {
	t.Helper()
	ctx := context.Background()
	err := st.Write(ctx, func(q store.Q) error {
		branches, err := q.Branches(ctx)
		if err != nil {
			return err
		}
		js := store.JurySession{ID: id, BranchID: branches[0].ID, StartsAt: starts, Place: place, Quorum: 4,
			Status: store.JuryPlanned, RectifiesSessionID: rectifies, CreatedAt: starts}
		if rectifies != "" {
			js.RectificationReason = "Erreur de report de la note de la commission"
		}
		if err := q.CreateJurySession(ctx, js); err != nil {
			return err
		}
		for _, c := range cands {
			if err := q.AddJuryCandidate(ctx, id, c.enrolment); err != nil {
				return err
			}
		}
		if err := q.SetJurySessionStatus(ctx, id, store.JuryPlanned, store.JuryDeliberating); err != nil {
			return err
		}
		for _, c := range cands {
			if err := q.SetJuryOutcome(ctx, id, c.enrolment, c.outcome); err != nil {
				return err
			}
			if rectifies != "" {
				if err := q.DeleteAcquiredBlocksOfSession(ctx, c.enrolment, rectifies); err != nil {
					return err
				}
			}
			for _, b := range c.acquired {
				if err := q.AddAcquiredBlock(ctx, store.AcquiredBlock{EnrolmentID: c.enrolment, BlockCode: b, SessionID: id, AcquiredOn: domain.DateOf(starts)}); err != nil {
					return err
				}
			}
		}
		snapshot, err := json.Marshal(map[string]any{"format": 1, "session_id": id, "signatories": sigs})
		if err != nil {
			return err
		}
		return q.CloseJurySession(ctx, id, string(snapshot), starts.Add(3*time.Hour), "")
	})
	if err != nil {
		t.Fatal(err)
	}
}

// enrolmentOf returns the id of a fixture candidate's enrolment.
func enrolmentOf(t *testing.T, w *servicetest.World, candidateID string) string {
	t.Helper()
	c, err := w.Service.Candidate(context.Background(), domain.SystemActor("test"), candidateID)
	if err != nil || len(c.Enrolments) != 1 {
		t.Fatalf("enrolment of %s: %v", candidateID, err)
	}
	return c.Enrolments[0].ID
}

var juryDay = time.Date(2026, 11, 20, 13, 0, 0, 0, time.UTC)

var fullSignatories = map[string]string{"jury_president": "Bertrand Lécuyer", "csca_president": "Françoise Nguyễn", "cpne_president": "Jean-Noël Œttinger"}

func TestIssuingCertificatesAndAttestations(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		w := servicetest.New(t, st)
		svc := w.Service
		sec := w.Actor(t, w.Accounts[domain.RoleSecretariat])
		cand := w.Actor(t, w.Accounts[domain.RoleCandidate])
		eA, eB := enrolmentOf(t, w, w.CandidateA), enrolmentOf(t, w, w.CandidateB)

		t.Run("a session that is not closed issues nothing", func(t *testing.T) {
			err := st.Write(ctx, func(q store.Q) error {
				branches, _ := q.Branches(ctx)
				return q.CreateJurySession(ctx, store.JurySession{ID: "open", BranchID: branches[0].ID, StartsAt: juryDay, Quorum: 4, Status: store.JuryPlanned, CreatedAt: juryDay})
			})
			if err != nil {
				t.Fatal(err)
			}
			_, err = svc.IssueSessionDocuments(ctx, sec, "open")
			if domain.ErrorCode(err) != domain.ECONFLICT || !strings.Contains(domain.ErrorMessage(err), "n'est pas close") {
				t.Fatalf("%v", err)
			}
			if _, err := svc.IssueSessionDocuments(ctx, sec, "nope"); domain.ErrorCode(err) != domain.ENOTFOUND {
				t.Fatalf("unknown session: %v", err)
			}
		})

		// A is certified; B acquires two blocks (a partial result).
		closedSession(t, st, "s1", "", juryDay, "", map[string]string{"jury_president": "Bertrand Lécuyer"},
			presented{eA, "certified", []string{"BC1", "BC2", "BC3", "BC4", "BC5", "OPT1", "OPT2"}},
			presented{eB, "partial", []string{"BC2", "BC1"}})

		t.Run("while the framework holds items to confirm, issuing is refused with their list and where to confirm them", func(t *testing.T) {
			d, err := svc.SessionDocuments(ctx, sec, "s1")
			if err != nil {
				t.Fatal(err)
			}
			cc, _ := svc.Framework(ctx, sec, w.FrameworkCC)
			if len(d.ToConfirm) != 1 || d.ToConfirm[0].FrameworkID != w.FrameworkCC || len(d.ToConfirm[0].Items) != cc.ToConfirmCount {
				t.Fatalf("to confirm %+v", d.ToConfirm)
			}
			if _, err := svc.ConfirmFrameworkItem(ctx, sec, w.FrameworkCC, service.FrameworkItemInput{Item: "block/OPT2", Title: "Assurance des risques professionnels"}); err != nil {
				t.Fatal(err)
			}
			_, err = svc.IssueSessionDocuments(ctx, sec, "s1")
			msg := domain.ErrorMessage(err)
			for _, says := range []string{
				fmt.Sprintf("Le référentiel « Chargé de clientèle », version 1, a %d éléments à confirmer par la branche", cc.ToConfirmCount-1),
				"bloc OPT1 « Bloc optionnel 1 — à compléter par la branche »",
				"compétence C1 du bloc BC1 « Compétence C1 — intitulé à compléter par la branche »",
				"Référentiels → Chargé de clientèle → version 1",
			} {
				if !strings.Contains(msg, says) {
					t.Errorf("the refusal does not say %q: %v", says, err)
				}
			}
			if domain.ErrorCode(err) != domain.ECONFLICT || strings.Contains(msg, "bloc OPT2 « Bloc") {
				t.Fatalf("%v", err)
			}
			if p, _ := svc.Certificates(ctx, sec, store.CertificateFilter{}); p.Total != 0 {
				t.Fatalf("a refused issuing left %d documents", p.Total)
			}
		})
		w.ConfirmFrameworks(t)

		t.Run("without the signatories' names or a place, issuing is refused and says what is missing", func(t *testing.T) {
			d, err := svc.SessionDocuments(ctx, sec, "s1")
			if err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(d.MissingSignatories, []string{"Président·e de la CSCA", "Président·e de la CPNE"}) || d.Signatories[0].Name != "Bertrand Lécuyer" {
				t.Errorf("signatories %+v, missing %v", d.Signatories, d.MissingSignatories)
			}
			// One certificate, and one attestation for each of the two blocks B acquired.
			if d.Owed() != 3 || d.Issued() || len(d.Problems()) != 2 {
				t.Errorf("owed %d, problems %v", d.Owed(), d.Problems())
			}
			_, err = svc.IssueSessionDocuments(ctx, sec, "s1")
			if domain.ErrorCode(err) != domain.ECONFLICT || !strings.Contains(domain.ErrorMessage(err), "signataires manquent") {
				t.Fatalf("%v", err)
			}
			if p, _ := svc.Certificates(ctx, sec, store.CertificateFilter{}); p.Total != 0 {
				t.Fatalf("a refused issuing left %d documents", p.Total)
			}
		})

		if err := st.Write(ctx, func(q store.Q) error {
			branches, _ := q.Branches(ctx)
			return q.SaveBranchSettings(ctx, store.BranchSettings{BranchID: branches[0].ID, JuryQuorum: 4, JuryPresidentName: "Autre Président",
				CSCAPresidentName: "Françoise Nguyễn", CPNEPresidentName: "Jean-Noël Œttinger", UpdatedAt: juryDay})
		}); err != nil {
			t.Fatal(err)
		}
		if err := svc.SaveSignaturePlace(ctx, sec, "  Paris  "); err != nil {
			t.Fatal(err)
		}

		var certA, attB, attB2 store.Certificate
		t.Run("a certificate goes to the certified candidate and an attestation of each block acquired to the partial one", func(t *testing.T) {
			rep, err := svc.IssueSessionDocuments(ctx, sec, "s1")
			if err != nil {
				t.Fatal(err)
			}
			if rep.Certificates != 1 || rep.Attestations != 2 || rep.MailError != nil {
				t.Fatalf("report %+v", rep)
			}
			p, err := svc.Certificates(ctx, sec, store.CertificateFilter{SessionID: "s1"})
			if err != nil || p.Total != 3 {
				t.Fatalf("%+v %v", p, err)
			}
			certA, attB, attB2 = p.Items[0], p.Items[1], p.Items[2]
			if certA.Number != "COURTAGE-2026-000001" || attB.Number != "COURTAGE-2026-000002" || attB2.Number != "COURTAGE-2026-000003" {
				t.Errorf("numbers %s %s %s", certA.Number, attB.Number, attB2.Number)
			}
			if certA.Kind != store.KindCertificate || certA.HolderName != "Éloïse LEFÈVRE" || certA.HolderBirthDate != domain.NewDate(1995, 3, 14) ||
				len(certA.Blocks) != 7 || certA.Blocks[0].Code != "BC1" || !strings.HasPrefix(certA.Blocks[0].Title, "Exercer son rôle de courtier") ||
				certA.QualificationTitle != "Chargé de clientèle" || certA.BranchName != "Courtage d'assurances et/ou de réassurances" ||
				certA.AwardedOn != domain.NewDate(2026, 11, 20) || certA.Place != "Paris" || !certA.IssuedAt.Equal(servicetest.Clock) {
				t.Errorf("certificate %+v", certA)
			}
			// The names held at closing win; a name missing then comes from the settings now.
			want := []store.CertificateSignatory{{Role: "Président·e du jury", Name: "Bertrand Lécuyer"},
				{Role: "Président·e de la CSCA", Name: "Françoise Nguyễn"}, {Role: "Président·e de la CPNE", Name: "Jean-Noël Œttinger"}}
			if !slices.Equal(certA.Signatories, want) {
				t.Errorf("signatories %+v", certA.Signatories)
			}
			// In the framework's order, whatever the order the jury acquired them in.
			if attB.Kind != store.KindAttestation || attB.BlockCode != "BC1" || len(attB.Blocks) != 1 || attB.Blocks[0].Code != "BC1" || attB.HolderName != "Paul MARTIN" ||
				attB2.BlockCode != "BC2" || len(attB2.Blocks) != 1 || attB2.Blocks[0].Code != "BC2" {
				t.Errorf("attestations %+v\n%+v", attB, attB2)
			}
			for _, c := range p.Items {
				for _, b := range c.Blocks {
					if domain.ReadsAsPlaceholder(b.Title) {
						t.Errorf("%s prints the placeholder %s « %s »", c.Number, b.Code, b.Title)
					}
				}
			}
			if i := slices.IndexFunc(certA.Blocks, func(b store.CertificateBlock) bool { return b.Code == "OPT2" }); i < 0 ||
				certA.Blocks[i].Title != "Assurance des risques professionnels" {
				t.Errorf("the certificate does not print OPT2's confirmed title: %+v", certA.Blocks)
			}
			for _, c := range p.Items {
				if code, ok := service.NormalizeVerificationCode(c.VerificationCode); !ok || code != c.VerificationCode {
					t.Errorf("code %q is not a well-formed code", c.VerificationCode)
				}
			}
			if certA.VerificationCode == attB.VerificationCode || attB.VerificationCode == attB2.VerificationCode {
				t.Error("two documents share a code")
			}
			entries, _, err := svc.Audit(ctx, sec, store.AuditFilter{Limit: 50})
			if err != nil {
				t.Fatal(err)
			}
			issued := 0
			for _, e := range entries {
				if e.Action == "certificate.issue" && e.ActorID == sec.UserID && strings.Contains(e.After, "COURTAGE-2026-00000") {
					issued++
				}
			}
			if issued != 3 {
				t.Errorf("%d issuing entries in the audit trail", issued)
			}
		})

		t.Run("each holder with an address gets theirs by mail, attached, once", func(t *testing.T) {
			mails, err := st.Read().ListMail(ctx, 1000) // with the attachments' content
			if err != nil {
				t.Fatal(err)
			}
			var sent []store.Mail
			for _, m := range mails {
				if m.AttachmentType == "application/pdf" {
					sent = append(sent, m)
				}
			}
			// Candidate A's address is their account's; candidate B has none.
			if len(sent) != 1 || sent[0].To != w.Accounts[domain.RoleCandidate] || sent[0].AttachmentName != "certificat-COURTAGE-2026-000001.pdf" ||
				!bytes.HasPrefix(sent[0].Attachment, []byte("%PDF-")) || !strings.Contains(sent[0].Body, "http://cqp.test/verifier/"+certA.VerificationCode) ||
				!strings.Contains(sent[0].Body, service.GroupVerificationCode(certA.VerificationCode)) || !strings.Contains(sent[0].Subject, "Chargé de clientèle") {
				t.Fatalf("mails %+v", sent)
			}
			// The mailed PDF is kept for the ZIP and the downloads; the documents of a holder
			// without an address were not rendered.
			kept, err := st.Read().CertificatePDFs(ctx, []string{certA.ID, attB.ID, attB2.ID})
			if err != nil || len(kept) != 1 || !bytes.Equal(kept[certA.ID], sent[0].Attachment) {
				t.Fatalf("kept PDFs: %d %v", len(kept), err)
			}
			rep, err := svc.MailSessionDocuments(ctx, sec, "s1")
			if err != nil || rep.Queued != 0 || !slices.Equal(rep.WithoutEmail, []string{"Paul MARTIN"}) {
				t.Fatalf("second sending %+v %v", rep, err)
			}
			if _, err := svc.MailSessionDocuments(ctx, cand, "s1"); domain.ErrorCode(err) != domain.EFORBIDDEN {
				t.Fatalf("a candidate sending: %v", err)
			}
		})

		t.Run("issuing the same decisions twice is refused in French and takes no number", func(t *testing.T) {
			_, err := svc.IssueSessionDocuments(ctx, sec, "s1")
			if domain.ErrorCode(err) != domain.ECONFLICT || !strings.Contains(domain.ErrorMessage(err), "déjà été délivrés") {
				t.Fatalf("%v", err)
			}
			if last, _ := st.Read().LastCertificateNumber(ctx, "COURTAGE", 2026); last != 3 {
				t.Fatalf("the counter moved to %d", last)
			}
		})

		t.Run("a candidate reads and downloads their own documents only; the PDF is the same every time", func(t *testing.T) {
			p, err := svc.Certificates(ctx, cand, store.CertificateFilter{})
			if err != nil || p.Total != 1 || p.Items[0].ID != certA.ID {
				t.Fatalf("candidate's list %+v %v", p, err)
			}
			if _, err := svc.Certificate(ctx, cand, attB.ID); domain.ErrorCode(err) != domain.ENOTFOUND {
				t.Fatalf("another candidate's document: %v", err)
			}
			if _, err := svc.CertificatePDF(ctx, cand, attB.ID); domain.ErrorCode(err) != domain.ENOTFOUND {
				t.Fatalf("another candidate's PDF: %v", err)
			}
			one, err := svc.CertificatePDF(ctx, cand, certA.ID)
			if err != nil {
				t.Fatal(err)
			}
			two, err := svc.CertificatePDF(ctx, sec, certA.ID)
			if err != nil || !bytes.Equal(one.Content, two.Content) || one.Name != "certificat-COURTAGE-2026-000001.pdf" || one.Type != "application/pdf" {
				t.Fatalf("PDF not reproducible or misnamed: %q %v", one.Name, err)
			}
			if _, err := svc.Certificates(ctx, w.Actor(t, w.Accounts[domain.RoleTrainingOrganisation]), store.CertificateFilter{}); domain.ErrorCode(err) != domain.EFORBIDDEN {
				t.Fatalf("a training organisation listing documents: %v", err)
			}
		})

		t.Run("the documents agree with the holder's sex and name the city, the RNCP code and the blocks in the framework's order", func(t *testing.T) {
			if certA.HolderSex != domain.SexFemale || attB.HolderSex != domain.SexFemale {
				t.Errorf("holder's sex %q, %q", certA.HolderSex, attB.HolderSex)
			}
			f, err := svc.CertificatePDF(ctx, sec, certA.ID)
			if err != nil {
				t.Fatal(err)
			}
			text := pdftext.Text(t, f.Content)
			for _, says := range []string{"délivré à Madame Éloïse LEFÈVRE née le 14/03/1995", "Fait à Paris, le 20/11/2026",
				"BC1 Exercer son rôle de courtier", "BC2 Assurer le relais"} {
				if !strings.Contains(text, says) {
					t.Errorf("the certificate does not say %q:\n%s", says, text)
				}
			}
			if strings.Contains(text, "né(e)") {
				t.Error("the certificate says « né(e) »")
			}
			// Acquired BC2 then BC1, the attestations follow the framework: BC1 first.
			if attB.BlockCode != "BC1" || attB2.BlockCode != "BC2" {
				t.Errorf("attestations in the order %s, %s", attB.BlockCode, attB2.BlockCode)
			}
		})

		t.Run("the session's ZIP holds its valid documents by number, the same bytes every time", func(t *testing.T) {
			z, err := svc.SessionDocumentsZIP(ctx, sec, "s1")
			if err != nil {
				t.Fatal(err)
			}
			again, _ := svc.SessionDocumentsZIP(ctx, sec, "s1")
			if !bytes.Equal(z.Content, again.Content) || z.Name != "documents-jury-2026-11-20.zip" {
				t.Fatalf("ZIP %q not reproducible", z.Name)
			}
			zr, err := zip.NewReader(bytes.NewReader(z.Content), int64(len(z.Content)))
			if err != nil {
				t.Fatal(err)
			}
			var names []string
			for _, f := range zr.File {
				names = append(names, f.Name)
				if !f.Modified.Equal(servicetest.Clock) {
					t.Errorf("%s modified %v", f.Name, f.Modified)
				}
			}
			if !slices.Equal(names, []string{"COURTAGE-2026-000001-Lefevre-Eloise-certificat.pdf",
				"COURTAGE-2026-000002-Martin-Paul-attestation-BC1.pdf", "COURTAGE-2026-000003-Martin-Paul-attestation-BC2.pdf"}) {
				t.Fatalf("entries %v", names)
			}
			rc, _ := zr.File[0].Open()
			content, _ := io.ReadAll(rc)
			rc.Close()
			pdf, _ := svc.CertificatePDF(ctx, sec, certA.ID)
			if !bytes.Equal(content, pdf.Content) {
				t.Error("the ZIP's certificate differs from the one downloaded alone")
			}
			// The ZIP rendered the attestations, never mailed: their first rendering is kept.
			kept, err := st.Read().CertificatePDFs(ctx, []string{attB.ID, attB2.ID})
			if err != nil || len(kept) != 2 {
				t.Fatalf("kept PDFs: %d %v", len(kept), err)
			}
			rc, _ = zr.File[1].Open()
			content, _ = io.ReadAll(rc)
			rc.Close()
			if !bytes.Equal(content, kept[attB.ID]) {
				t.Error("the ZIP's attestation differs from the one kept")
			}
			if _, err := svc.SessionDocumentsZIP(ctx, w.Actor(t, w.Accounts[domain.RoleBranch]), "s1"); domain.ErrorCode(err) != domain.EFORBIDDEN {
				t.Fatalf("the branch downloading the ZIP: %v", err)
			}
		})

		t.Run("a revocation needs a reason, is audited, and is refused twice", func(t *testing.T) {
			_, err := svc.RevokeCertificate(ctx, sec, attB.ID, "   ")
			if domain.ErrorCode(err) != domain.EINVALID {
				t.Fatalf("no reason: %v", err)
			}
			if _, err := svc.RevokeCertificate(ctx, cand, certA.ID, "Je n'en veux plus"); domain.ErrorCode(err) != domain.EFORBIDDEN {
				t.Fatalf("a candidate revoking: %v", err)
			}
			c, err := svc.RevokeCertificate(ctx, sec, attB.ID, "Erreur de saisie du nom")
			if err != nil || !c.Revoked() || c.RevokedReason != "Erreur de saisie du nom" {
				t.Fatalf("%+v %v", c, err)
			}
			if _, err := svc.RevokeCertificate(ctx, sec, attB.ID, "encore"); domain.ErrorCode(err) != domain.ECONFLICT {
				t.Fatalf("second revocation: %v", err)
			}
			entries, _, _ := svc.Audit(ctx, sec, store.AuditFilter{Limit: 10})
			if entries[0].Action != "certificate.revoke" || entries[0].Reason != "Erreur de saisie du nom" || entries[0].CandidateID != w.CandidateB {
				t.Fatalf("audit %+v", entries[0])
			}
			z, err := svc.SessionDocumentsZIP(ctx, sec, "s1")
			if err != nil {
				t.Fatal(err)
			}
			if zr, _ := zip.NewReader(bytes.NewReader(z.Content), int64(len(z.Content))); len(zr.File) != 2 {
				t.Fatalf("the ZIP still holds the revoked document: %d entries", len(zr.File))
			}
		})

		t.Run("a rectification session replaces the documents of the decisions it takes again", func(t *testing.T) {
			closedSession(t, st, "s2", "s1", juryDay.Add(7*24*time.Hour), "Lyon", fullSignatories,
				presented{eB, "certified", []string{"BC1", "BC2", "BC3", "BC4", "BC5", "OPT1", "OPT2"}})
			// B's BC1 attestation of s1 was revoked by hand; the BC2 one is replaced.
			d, err := svc.SessionDocuments(ctx, sec, "s1")
			if err != nil || d.RectifiedBy == nil || d.Rows[1].Elsewhere == "" || d.Rows[0].Elsewhere != "" {
				t.Fatalf("s1 after its rectification: %+v %v", d, err)
			}
			rep, err := svc.IssueSessionDocuments(ctx, sec, "s2")
			if err != nil || rep.Certificates != 1 || rep.Replaced != 1 {
				t.Fatalf("%+v %v", rep, err)
			}
			p, _ := svc.Certificates(ctx, sec, store.CertificateFilter{SessionID: "s2"})
			if p.Total != 1 || p.Items[0].Number != "COURTAGE-2026-000004" || p.Items[0].Place != "Lyon" || p.Items[0].CandidateID != w.CandidateB {
				t.Fatalf("rectified certificate %+v", p.Items)
			}
		})

		t.Run("a rectification revokes the valid documents it replaces, saying why", func(t *testing.T) {
			closedSession(t, st, "s3", "s2", juryDay.Add(14*24*time.Hour), "Lyon", fullSignatories,
				presented{eB, "partial", []string{"BC1"}})
			rep, err := svc.IssueSessionDocuments(ctx, sec, "s3")
			if err != nil || rep.Attestations != 1 || rep.Replaced != 1 {
				t.Fatalf("%+v %v", rep, err)
			}
			p, _ := svc.Certificates(ctx, sec, store.CertificateFilter{SessionID: "s2"})
			if !p.Items[0].Revoked() || !strings.Contains(p.Items[0].RevokedReason, "session rectificative du jury du 04/12/2026 : Erreur de report") {
				t.Fatalf("replaced certificate %+v", p.Items[0])
			}
		})
	})
}

func TestCertificateSettings(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		w := servicetest.New(t, st)
		sec := w.Actor(t, w.Accounts[domain.RoleSecretariat])
		got, err := w.Service.CertificateSettings(ctx, sec)
		if err != nil || got.JuryQuorum != 4 || len(got.MissingSignatories) != 3 || got.SignaturePlace != "" || got.BranchName == "" {
			t.Fatalf("defaults %+v %v", got, err)
		}
		if err := w.Service.SaveSignaturePlace(ctx, sec, strings.Repeat("x", 121)); domain.ErrorCode(err) != domain.EINVALID {
			t.Fatalf("a too long place: %v", err)
		}
		if err := w.Service.SaveSignaturePlace(ctx, w.Actor(t, w.Accounts[domain.RoleBranch]), "Paris"); domain.ErrorCode(err) != domain.EFORBIDDEN {
			t.Fatalf("the branch changing the place: %v", err)
		}
		if err := w.Service.SaveSignaturePlace(ctx, sec, " Paris   La Défense "); err != nil {
			t.Fatal(err)
		}
		if got, _ := w.Service.CertificateSettings(ctx, sec); got.SignaturePlace != "Paris La Défense" {
			t.Fatalf("place %q", got.SignaturePlace)
		}
		entries, _, _ := w.Service.Audit(ctx, sec, store.AuditFilter{Limit: 1})
		if entries[0].Action != "branch.signature_place" || !strings.Contains(entries[0].After, "Paris La Défense") {
			t.Fatalf("audit %+v", entries[0])
		}
	})
}
