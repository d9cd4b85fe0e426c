package store_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"cqp/internal/domain"
	"cqp/internal/store"
	"cqp/internal/store/storetest"
)

func TestBlockAttestationStore(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		seed := seedCertificates(t, s, 1, "js1")
		insert := func(c store.Certificate) error {
			return s.Write(ctx, func(q store.Q) error {
				ok, err := q.InsertCertificate(ctx, c)
				if err == nil && !ok {
					return errors.New("code taken")
				}
				return err
			})
		}
		block := func(id, number, code, blockCode string) store.Certificate {
			c := certificate(id, number, code, "js1", seed.enrolments[0], seed.candidates[0], store.KindAttestation)
			c.BlockCode = blockCode
			c.Blocks = []store.CertificateBlock{{Code: blockCode, Title: "Bloc " + blockCode, Competences: []store.CertificateCompetence{
				{Code: "C1", Title: "Accueillir le client"}, {Code: "C2", Title: "Analyser ses besoins"}}}}
			return c
		}

		t.Run("one session gives one enrolment an attestation per block, each read back with its competences", func(t *testing.T) {
			for _, c := range []store.Certificate{block("a1", "COURTAGE-2026-000001", "ACDEFGHJKMN1", "BC1"), block("a2", "COURTAGE-2026-000002", "ACDEFGHJKMN2", "BC2")} {
				if err := insert(c); err != nil {
					t.Fatal(err)
				}
			}
			got, err := s.Read().Certificate(ctx, "a2")
			if err != nil {
				t.Fatal(err)
			}
			if got.BlockCode != "BC2" || !got.BlockAttestation() || len(got.Blocks) != 1 || len(got.Blocks[0].Competences) != 2 ||
				got.Blocks[0].Competences[1].Title != "Analyser ses besoins" || got.Title() != "Attestation du bloc BC2 — Bloc BC2" {
				t.Fatalf("%+v", got)
			}
		})

		t.Run("a second attestation of the same block at the same session is refused in French", func(t *testing.T) {
			err := insert(block("a3", "COURTAGE-2026-000003", "ACDEFGHJKMN3", "BC1"))
			if domain.ErrorCode(err) != domain.ECONFLICT || !strings.Contains(domain.ErrorMessage(err), "attestation du bloc BC1") {
				t.Fatalf("%v", err)
			}
		})

		t.Run("the certificate of the same enrolment and session still fits beside them", func(t *testing.T) {
			if err := insert(certificate("c1", "COURTAGE-2026-000004", "ACDEFGHJKMN4", "js1", seed.enrolments[0], seed.candidates[0], store.KindCertificate)); err != nil {
				t.Fatal(err)
			}
		})
	})
}

// An attestation of several blocks issued before attestations were issued block by block
// stays readable and verifiable once the migration is applied.
func TestBlockAttestationMigrationKeepsOldAttestations(t *testing.T) {
	for _, target := range storetest.Targets(t) {
		t.Run(target.Name, func(t *testing.T) {
			ctx := context.Background()
			s, err := store.Open(ctx, target.Options)
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { s.Close() })
			if err := s.MigrateUpTo(ctx, 14); err != nil {
				t.Fatal(err)
			}
			seed := seedCertificates(t, s, 1, "js1")
			if err := s.ExecRaw(ctx, `INSERT INTO certificates (id, number, kind, verification_code, enrolment_id, candidate_id, session_id,
				holder_name, qualification_code, qualification_title, blocks, awarded_on, issued_at, issued_by, holder_birth_date,
				branch_name, rncp, place, signatories)
				VALUES ('old', 'COURTAGE-2026-000001', 'attestation', 'ACDEFGHJKMNP', $1, $2, 'js1', 'Éloïse LEFÈVRE', 'CC',
				'Chargé de clientèle', '[{"code":"BC1","title":"Rôle du courtier"},{"code":"BC2","title":"Coordination"}]',
				'2026-11-25', $3, 'cu-holder', '1995-03-14', 'Courtage', '', 'Paris', '[]')`,
				seed.enrolments[0], seed.candidates[0], t0); err != nil {
				t.Fatal(err)
			}
			if err := s.Migrate(ctx); err != nil {
				t.Fatal(err)
			}
			got, err := s.Read().CertificateByCode(ctx, "ACDEFGHJKMNP")
			if err != nil {
				t.Fatal(err)
			}
			if got.ID != "old" || got.BlockCode != "" || got.BlockAttestation() || len(got.Blocks) != 2 || got.Blocks[1].Code != "BC2" ||
				got.Title() != "Attestation de blocs de compétences" || !got.IssuedAt.Equal(t0) {
				t.Fatalf("%+v", got)
			}
			// A block attestation of the same session now fits beside it.
			c := certificate("new", "COURTAGE-2026-000002", "ACDEFGHJKMNQ", "js1", seed.enrolments[0], seed.candidates[0], store.KindAttestation)
			c.BlockCode, c.Blocks = "BC3", []store.CertificateBlock{{Code: "BC3", Title: "Bloc trois"}}
			if err := s.Write(ctx, func(q store.Q) error { _, err := q.InsertCertificate(ctx, c); return err }); err != nil {
				t.Fatal(err)
			}
		})
	}
}
