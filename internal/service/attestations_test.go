package service_test

import (
	"bytes"
	"context"
	"slices"
	"strings"
	"testing"

	"cqp/internal/domain"
	"cqp/internal/service"
	"cqp/internal/service/servicetest"
	"cqp/internal/store"
	"cqp/internal/store/storetest"
)

// issuedBlockSession closes a session where candidate A (who has an address) acquires three
// blocks and candidate B is certified, sets the signatories and issues its documents.
func issuedBlockSession(t *testing.T, w *servicetest.World, st *store.Store) service.IssueReport {
	t.Helper()
	ctx := context.Background()
	sec := w.Actor(t, w.Accounts[domain.RoleSecretariat])
	w.ConfirmFrameworks(t)
	eA, eB := enrolmentOf(t, w, w.CandidateA), enrolmentOf(t, w, w.CandidateB)
	closedSession(t, st, "s1", "", juryDay, "Paris", fullSignatories,
		presented{eA, "partial", []string{"BC3", "BC1", "BC2"}},
		presented{eB, "certified", []string{"BC1", "BC2", "BC3", "BC4", "BC5", "OPT1", "OPT2"}})
	rep, err := w.Service.IssueSessionDocuments(ctx, sec, "s1")
	if err != nil {
		t.Fatal(err)
	}
	return rep
}

func TestOneAttestationPerAcquiredBlock(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		w := servicetest.New(t, st)
		svc := w.Service
		sec := w.Actor(t, w.Accounts[domain.RoleSecretariat])
		cand := w.Actor(t, w.Accounts[domain.RoleCandidate])

		rep := issuedBlockSession(t, w, st)
		p, err := svc.Certificates(ctx, sec, store.CertificateFilter{SessionID: "s1"})
		if err != nil {
			t.Fatal(err)
		}
		var atts []store.Certificate
		var certs []store.Certificate
		for _, c := range p.Items {
			if c.Kind == store.KindAttestation {
				atts = append(atts, c)
			} else {
				certs = append(certs, c)
			}
		}

		t.Run("three blocks acquired give three attestations with three gapless numbers, each of one block", func(t *testing.T) {
			if rep.Attestations != 3 || rep.Certificates != 1 || p.Total != 4 {
				t.Fatalf("report %+v, %d documents", rep, p.Total)
			}
			var numbers, blocks []string
			for _, c := range atts {
				numbers = append(numbers, c.Number)
				blocks = append(blocks, c.BlockCode)
				if len(c.Blocks) != 1 || c.Blocks[0].Code != c.BlockCode || c.CandidateID != w.CandidateA {
					t.Errorf("%s holds %+v for block %q", c.Number, c.Blocks, c.BlockCode)
				}
				if len(c.Blocks) == 1 && (len(c.Blocks[0].Competences) == 0 || c.Blocks[0].Competences[0].Code == "" || c.Blocks[0].Competences[0].Title == "") {
					t.Errorf("%s does not list the block's competences: %+v", c.Number, c.Blocks[0])
				}
			}
			// A comes first in the session: its attestations take 1 to 3 in the framework's order.
			if !slices.Equal(numbers, []string{"COURTAGE-2026-000001", "COURTAGE-2026-000002", "COURTAGE-2026-000003"}) ||
				!slices.Equal(blocks, []string{"BC1", "BC2", "BC3"}) {
				t.Fatalf("attestations %v for blocks %v", numbers, blocks)
			}
			if atts[0].VerificationCode == atts[1].VerificationCode || atts[1].VerificationCode == atts[2].VerificationCode {
				t.Error("two attestations share a verification code")
			}
			if last, _ := st.Read().LastCertificateNumber(ctx, "COURTAGE", 2026); last != 4 {
				t.Errorf("the counter is at %d, want 4", last)
			}
		})

		t.Run("a certified candidate still gets one certificate of every block", func(t *testing.T) {
			if len(certs) != 1 || certs[0].BlockCode != "" || len(certs[0].Blocks) != 7 || certs[0].Number != "COURTAGE-2026-000004" {
				t.Fatalf("certificates %+v", certs)
			}
		})

		t.Run("the issuing page counts one document per acquired block", func(t *testing.T) {
			d, err := svc.SessionDocuments(ctx, sec, "s1")
			if err != nil {
				t.Fatal(err)
			}
			if d.Owed() != 4 || len(d.Rows[0].Documents) != 3 {
				t.Fatalf("owed %d, A's documents %d", d.Owed(), len(d.Rows[0].Documents))
			}
		})

		t.Run("issuing again is refused and changes nothing", func(t *testing.T) {
			if _, err := svc.IssueSessionDocuments(ctx, sec, "s1"); domain.ErrorCode(err) != domain.ECONFLICT {
				t.Fatalf("%v", err)
			}
			again, _ := svc.Certificates(ctx, sec, store.CertificateFilter{SessionID: "s1"})
			if again.Total != 4 {
				t.Fatalf("%d documents after issuing again", again.Total)
			}
			if last, _ := st.Read().LastCertificateNumber(ctx, "COURTAGE", 2026); last != 4 {
				t.Errorf("the counter moved to %d", last)
			}
			if rep, err := svc.MailSessionDocuments(ctx, sec, "s1"); err != nil || rep.Queued != 0 {
				t.Fatalf("mailing again %+v %v", rep, err)
			}
		})

		t.Run("the candidate gets each attestation by mail, the block named in the subject", func(t *testing.T) {
			mails, err := st.Read().ListMail(ctx, 1000) // with the attachments' content
			if err != nil {
				t.Fatal(err)
			}
			var names []string
			for _, m := range mails {
				if m.To != w.Accounts[domain.RoleCandidate] || m.AttachmentType != "application/pdf" {
					continue
				}
				names = append(names, m.AttachmentName)
				if !bytes.HasPrefix(m.Attachment, []byte("%PDF-")) || !strings.Contains(m.Subject, "attestation du bloc de compétences BC") {
					t.Errorf("mail %q with %s", m.Subject, m.AttachmentName)
				}
			}
			slices.Sort(names)
			if !slices.Equal(names, []string{"attestation-BC1-COURTAGE-2026-000001.pdf", "attestation-BC2-COURTAGE-2026-000002.pdf", "attestation-BC3-COURTAGE-2026-000003.pdf"}) {
				t.Fatalf("attachments %v", names)
			}
		})

		t.Run("the candidate's held blocks link each to its own attestation", func(t *testing.T) {
			held, err := svc.HeldBlocks(ctx, cand, w.CandidateA)
			if err != nil {
				t.Fatal(err)
			}
			if len(held) != 3 {
				t.Fatalf("held %+v", held)
			}
			for _, h := range held {
				if h.Document == nil || h.Document.BlockCode != h.BlockCode {
					t.Errorf("block %s links to %+v", h.BlockCode, h.Document)
				}
			}
		})

		t.Run("a block attestation is verified as the attestation of its block", func(t *testing.T) {
			v, err := svc.VerifyCertificate(ctx, atts[1].VerificationCode, "192.0.2.1")
			if err != nil {
				t.Fatal(err)
			}
			if v.BlockCode != "BC2" || len(v.Blocks) != 1 || v.Blocks[0].Code != "BC2" || !strings.HasPrefix(v.Title(), "Attestation du bloc BC2 — ") {
				t.Fatalf("verification %+v, title %q", v, v.Title())
			}
		})

		t.Run("revoking one attestation leaves the others valid", func(t *testing.T) {
			if _, err := svc.RevokeCertificate(ctx, sec, atts[1].ID, "Erreur sur le bloc"); err != nil {
				t.Fatal(err)
			}
			for i, c := range atts {
				v, err := svc.VerifyCertificate(ctx, c.VerificationCode, "192.0.2.2")
				if err != nil || v.Revoked != (i == 1) {
					t.Errorf("%s revoked=%v %v", c.BlockCode, v.Revoked, err)
				}
			}
			held, _ := svc.HeldBlocks(ctx, cand, w.CandidateA)
			for _, h := range held {
				if (h.Document == nil) != (h.BlockCode == "BC2") {
					t.Errorf("after revoking BC2's attestation, %s links to %+v", h.BlockCode, h.Document)
				}
			}
		})

		t.Run("the PDF of a block attestation is the same every time and named after its block", func(t *testing.T) {
			one, err := svc.CertificatePDF(ctx, cand, atts[0].ID)
			if err != nil {
				t.Fatal(err)
			}
			two, _ := svc.CertificatePDF(ctx, sec, atts[0].ID)
			if !bytes.Equal(one.Content, two.Content) || one.Name != "attestation-BC1-COURTAGE-2026-000001.pdf" {
				t.Fatalf("%q not reproducible", one.Name)
			}
		})
	})
}
