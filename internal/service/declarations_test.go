package service_test

import (
	"bytes"
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"cqp/internal/cdc/cdctest"
	"cqp/internal/domain"
	"cqp/internal/service"
	"cqp/internal/service/servicetest"
	"cqp/internal/store"
	"cqp/internal/store/storetest"
)

// issueCertificates closes a session for each enrolment, on its date, with the candidate
// certified, and issues the documents.
func issueCertificates(t *testing.T, st *store.Store, w *servicetest.World, sessions map[string]time.Time) {
	t.Helper()
	ctx := context.Background()
	sec := w.Actor(t, w.Accounts[domain.RoleSecretariat])
	w.ConfirmFrameworks(t)
	if err := st.Write(ctx, func(q store.Q) error {
		branches, _ := q.Branches(ctx)
		return q.SaveBranchSettings(ctx, store.BranchSettings{BranchID: branches[0].ID, JuryQuorum: 4, JuryPresidentName: "Bertrand Lécuyer",
			CSCAPresidentName: "Françoise Nguyễn", CPNEPresidentName: "Jean-Noël Œttinger", UpdatedAt: juryDay})
	}); err != nil {
		t.Fatal(err)
	}
	if err := w.Service.SaveSignaturePlace(ctx, sec, "Paris"); err != nil {
		t.Fatal(err)
	}
	i := 0
	for enrolment, day := range sessions {
		i++
		id := fmt.Sprintf("decl-s%d", i)
		closedSession(t, st, id, "", day, "", fullSignatories, presented{enrolment, "certified", nil})
		if _, err := w.Service.IssueSessionDocuments(ctx, sec, id); err != nil {
			t.Fatal(err)
		}
	}
}

func validNIR(first13 string) string { return first13 + domain.NIRKey(first13) }

func TestDeclaringAwardsToTheCaisseDesDepots(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		w := servicetest.New(t, st)
		svc := w.Service
		sec := w.Actor(t, w.Accounts[domain.RoleSecretariat])
		eA, eB := enrolmentOf(t, w, w.CandidateA), enrolmentOf(t, w, w.CandidateB)
		// A is certified on 20/11/2026; B on 01/09/2026, more than two months before today (25/11/2026).
		issueCertificates(t, st, w, map[string]time.Time{eA: juryDay, eB: time.Date(2026, 9, 1, 13, 0, 0, 0, time.UTC)})
		certOf := map[string]string{}
		p, err := svc.Certificates(ctx, sec, store.CertificateFilter{})
		if err != nil || p.Total != 2 {
			t.Fatalf("%d documents: %v", p.Total, err)
		}
		for _, c := range p.Items {
			certOf[c.CandidateID] = c.ID
		}

		t.Run("without the Caisse des Dépôts' identifiers, no batch is built and the page says what to configure", func(t *testing.T) {
			v, err := svc.Declarations(ctx, sec)
			if err != nil || !strings.Contains(v.ConfigProblem, "--cdc-client-id") {
				t.Fatalf("%+v %v", v.ConfigProblem, err)
			}
			if _, err := svc.BuildDeclarationBatch(ctx, sec, nil); domain.ErrorCode(err) != domain.ECONFLICT {
				t.Fatalf("%v", err)
			}
		})
		svc.SetCDCSettings(service.CDCSettings{ClientID: "12ABC345", ContractID: "MCFCER000123", RNCP: "12345"})

		t.Run("an award whose holder has no NIR is not declarable, and is listed with why", func(t *testing.T) {
			v, err := svc.Declarations(ctx, sec)
			if err != nil {
				t.Fatal(err)
			}
			if v.Counts[service.DeclToDeclare] != 2 || v.Declarable != 0 || len(v.NotDeclarable) != 2 ||
				!strings.Contains(strings.Join(v.NotDeclarable[0].Problems, " "), "NIR non renseigné") {
				t.Fatalf("%+v", v)
			}
			if v.LateCount != 1 || v.Late[0].Award.Holder.ID != w.CandidateB {
				t.Fatalf("late %d %+v", v.LateCount, v.Late)
			}
			_, err = svc.BuildDeclarationBatch(ctx, sec, nil)
			if domain.ErrorCode(err) != domain.ECONFLICT || !strings.Contains(domain.ErrorMessage(err), "Aucune délivrance") {
				t.Fatalf("%v", err)
			}
		})

		var first service.BatchReport
		t.Run("a batch holds the declarable awards, leaves out the others with why, and its file validates", func(t *testing.T) {
			if err := svc.SetCandidateNIR(ctx, sec, w.CandidateA, validNIR("2950375056123")); err != nil {
				t.Fatal(err)
			}
			first, err = svc.BuildDeclarationBatch(ctx, sec, nil)
			if err != nil {
				t.Fatal(err)
			}
			if first.Batch.Awards != 1 || len(first.NotDeclarable) != 1 || first.NotDeclarable[0].Award.Holder.ID != w.CandidateB {
				t.Fatalf("%+v", first)
			}
			var b bytes.Buffer
			if err := svc.WriteDeclarationBatch(ctx, sec, first.Batch.ID, &b); err != nil {
				t.Fatal(err)
			}
			cdctest.Validate(t, b.Bytes())
			for _, want := range []string{"<idTechnique>" + certOf[w.CandidateA] + "</idTechnique>", "<code>RNCP12345</code>",
				"<dateDebutValidite>2026-11-20</dateDebutValidite>", "<horodatage>2026-11-25T10:00:00+01:00</horodatage>",
				"<modaliteAcces>FORMATION_CONTINUE_HORS_CONTRAT_DE_PROFESSIONNALISATION</modaliteAcces>"} {
				if !strings.Contains(b.String(), want) {
					t.Errorf("the flow lacks %s", want)
				}
			}
			if strings.Contains(b.String(), certOf[w.CandidateB]) {
				t.Error("the flow holds an award that cannot be declared")
			}
			if e := hasAudit(declarationAudit(t, svc, first.Batch.ID), "declaration.batch"); e == nil || !strings.Contains(e.After, `"awards":1`) {
				t.Errorf("audit %+v", e)
			}
		})

		var second service.BatchReport
		t.Run("once the NIR is given, the award goes into the next batch, and only it", func(t *testing.T) {
			if err := svc.SetCandidateNIR(ctx, sec, w.CandidateB, validNIR("2950375056124")); err != nil {
				t.Fatal(err)
			}
			if _, err := svc.BuildDeclarationBatch(ctx, sec, []string{certOf[w.CandidateA]}); domain.ErrorCode(err) != domain.ECONFLICT ||
				!strings.Contains(domain.ErrorMessage(err), "dans un lot") {
				t.Fatalf("an award already in a batch selected again: %v", err)
			}
			second, err = svc.BuildDeclarationBatch(ctx, sec, []string{certOf[w.CandidateB]})
			if err != nil || second.Batch.Awards != 1 {
				t.Fatalf("%+v %v", second, err)
			}
			var b bytes.Buffer
			if err := svc.WriteDeclarationBatch(ctx, sec, second.Batch.ID, &b); err != nil {
				t.Fatal(err)
			}
			cdctest.Validate(t, b.Bytes())
			v, _ := svc.Declarations(ctx, sec)
			if v.Counts[service.DeclInBatch] != 2 || len(v.Batches) != 2 {
				t.Fatalf("%+v", v.Counts)
			}
		})

		t.Run("a batch whose RNCP code is gone from the configuration is not written, and nothing of it is", func(t *testing.T) {
			settings := svc.CDCSettings()
			defer svc.SetCDCSettings(settings)
			svc.SetCDCSettings(service.CDCSettings{ClientID: settings.ClientID, ContractID: settings.ContractID})
			var b bytes.Buffer
			err := svc.WriteDeclarationBatch(ctx, sec, first.Batch.ID, &b)
			if domain.ErrorCode(err) != domain.ECONFLICT || !strings.Contains(domain.ErrorMessage(err), "--cdc-rncp") || b.Len() != 0 {
				t.Fatalf("%v, %d bytes written", err, b.Len())
			}
		})

		report := func(lines ...string) *strings.Reader {
			return strings.NewReader("<compteRenduTraitement>\n" + strings.Join(lines, "\n") + "\n</compteRenduTraitement>")
		}
		accepted := func(id string) string {
			return "<passageCertification><idTechnique>" + id + "</idTechnique><statut>ACCEPTE</statut></passageCertification>"
		}
		rejected := func(id string) string {
			return "<passageCertification><idTechnique>" + id + "</idTechnique><statut>REJETE</statut><motifRejet>Titulaire non retrouvé au répertoire</motifRejet></passageCertification>"
		}

		t.Run("a report naming an award never declared is refused whole, with its line", func(t *testing.T) {
			_, err := svc.ApplyDeclarationReport(ctx, sec, report(accepted(certOf[w.CandidateA]), accepted("inconnu")))
			if domain.ErrorCode(err) != domain.EINVALID || !strings.Contains(domain.ErrorMessage(err), "Ligne 3, élément <idTechnique> : « inconnu »") {
				t.Fatalf("%v", err)
			}
			if v, _ := svc.Declarations(ctx, sec); v.Counts[service.DeclAccepted] != 0 {
				t.Fatal("a refused report was half applied")
			}
		})

		t.Run("a report with one accepted and one rejected award updates both", func(t *testing.T) {
			out, err := svc.ApplyDeclarationReport(ctx, sec, report(accepted(certOf[w.CandidateA]), rejected(certOf[w.CandidateB])))
			if err != nil || out.Accepted != 1 || out.Rejected != 1 {
				t.Fatalf("%+v %v", out, err)
			}
			v, _ := svc.Declarations(ctx, sec)
			if v.Counts[service.DeclAccepted] != 1 || v.Counts[service.DeclRejected] != 1 || len(v.Rejected) != 1 ||
				v.Rejected[0].Award.Reason != "Titulaire non retrouvé au répertoire" || v.Rejected[0].StatusLabel() != "Rejetée — à corriger" {
				t.Fatalf("%+v", v)
			}
			if v.LateCount != 1 {
				t.Fatalf("the rejected award of September is no longer late: %d", v.LateCount)
			}
			cards, err := svc.Dashboard(ctx, sec)
			if err != nil {
				t.Fatal(err)
			}
			found := false
			for _, c := range cards {
				if c.Href == "/declarations" {
					found = c.Count == 1
				}
			}
			if !found {
				t.Fatalf("the dashboard does not count the late award: %+v", cards)
			}
			entries, _, _ := svc.Audit(ctx, domain.SystemActor("test"), store.AuditFilter{Limit: 100})
			if e := hasAudit(entries, "declaration.report"); e == nil || !strings.Contains(e.After, `"accepted":1`) {
				t.Fatalf("audit %+v", e)
			}
		})

		t.Run("correcting the holder's NIR puts a rejected award back to declare", func(t *testing.T) {
			if err := svc.SetCandidateNIR(ctx, sec, w.CandidateB, validNIR("2950375056125")); err != nil {
				t.Fatal(err)
			}
			v, _ := svc.Declarations(ctx, sec)
			if v.Counts[service.DeclRejected] != 0 || v.Declarable != 1 || v.ToDeclare[0].Award.CertificateID != certOf[w.CandidateB] {
				t.Fatalf("%+v", v.Counts)
			}
		})

		t.Run("correcting the holder's identity puts a rejected award back to declare", func(t *testing.T) {
			if _, err := svc.BuildDeclarationBatch(ctx, sec, []string{certOf[w.CandidateB]}); err != nil {
				t.Fatal(err)
			}
			if _, err := svc.ApplyDeclarationReport(ctx, sec, report(rejected(certOf[w.CandidateB]))); err != nil {
				t.Fatal(err)
			}
			if v, _ := svc.Declarations(ctx, sec); v.Counts[service.DeclRejected] != 1 {
				t.Fatalf("%+v", v.Counts)
			}
			b, err := svc.Candidate(ctx, sec, w.CandidateB)
			if err != nil {
				t.Fatal(err)
			}
			in := correctionOf(b, "Acte de naissance")
			in.FirstNames = b.FirstNames + " Marie"
			if err := svc.CorrectCandidateIdentity(ctx, sec, w.CandidateB, in); err != nil {
				t.Fatal(err)
			}
			v, _ := svc.Declarations(ctx, sec)
			if v.Counts[service.DeclRejected] != 0 || v.Declarable != 1 || v.ToDeclare[0].Award.CertificateID != certOf[w.CandidateB] {
				t.Fatalf("%+v", v.Counts)
			}
		})

		t.Run("revoking a declared certificate marks its declaration to delete", func(t *testing.T) {
			if _, err := svc.RevokeCertificate(ctx, sec, certOf[w.CandidateA], "Erreur de saisie du jury"); err != nil {
				t.Fatal(err)
			}
			v, _ := svc.Declarations(ctx, sec)
			if v.Counts[service.DeclToDelete] != 1 || len(v.ToDelete) != 1 || v.ToDelete[0].StatusLabel() != "À supprimer" {
				t.Fatalf("%+v", v.Counts)
			}
		})

		t.Run("only the secretariat declares", func(t *testing.T) {
			branch := w.Actor(t, w.Accounts[domain.RoleBranch])
			if _, err := svc.BuildDeclarationBatch(ctx, branch, nil); domain.ErrorCode(err) != domain.EFORBIDDEN {
				t.Fatalf("%v", err)
			}
		})
	})
}

func declarationAudit(t *testing.T, svc *service.Service, entityID string) []domain.AuditEntry {
	t.Helper()
	entries, _, err := svc.Audit(context.Background(), domain.SystemActor("test"), store.AuditFilter{EntityID: entityID, Limit: 100})
	if err != nil {
		t.Fatal(err)
	}
	return entries
}
