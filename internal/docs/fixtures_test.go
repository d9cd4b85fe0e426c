package docs

import (
	"fmt"
	"strings"
	"time"

	"cqp/internal/domain"
)

// The fixtures follow the guide's example (DOMAIN.md §7) on the brokerage branch's CQP Chargé
// de clientèle: one candidate certified, one with a partial result, one not certified.

var (
	fixtureCreated = time.Date(2026, time.November, 25, 17, 45, 0, 0, time.UTC)
	fixtureSession = time.Date(2026, time.November, 25, 13, 30, 0, 0, time.UTC) // 14:30 in Paris
	fixtureClosed  = time.Date(2026, time.November, 25, 16, 50, 0, 0, time.UTC)
)

const fixtureBranch = "Courtage d'assurances et/ou de réassurances"

var fixtureBlocks = []DocBlock{
	{"BC1", "Exercer son rôle de courtier et assurer la coordination et l'intermédiation clients/organismes assureurs"},
	{"BC2", "Assurer le relais d'information et la coordination interne"},
	{"BC3", "Gérer la relation clientèle"},
	{"BC4", "Rédiger ou proposer une offre commerciale client"},
	{"BC5", "Gérer un portefeuille clients et contribuer au développement commercial"},
	{"OPT1", "Bloc optionnel 1 — à compléter par la branche"},
	{"OPT2", "Bloc optionnel 2 — à compléter par la branche"},
}

var fixtureSignatories = []Signatory{
	{"Le président du jury", "Bertrand Lécuyer"},
	{"La présidente de la CSCA", "Françoise Nguyễn-Dufresne"},
	{"Le président de la CPNE", "Jean-Noël Œttinger"},
}

func demoCertificate() CertificateDoc {
	return CertificateDoc{
		Kind:               KindCertificate,
		Number:             "COURTAGE-2026-000042",
		VerificationCode:   "K7QM9XRT2P",
		VerificationURL:    "https://cqp.example.fr/verifier/K7QM9XRT2P",
		HolderName:         "Éloïse LEFÈVRE",
		HolderBirthDate:    domain.NewDate(1995, time.April, 12),
		HolderSex:          domain.SexFemale,
		BranchName:         fixtureBranch,
		QualificationCode:  "CC",
		QualificationTitle: "Chargé de clientèle",
		RNCP:               "RNCP35342",
		Level:              "4",
		Blocks:             fixtureBlocks,
		AwardedOn:          domain.NewDate(2026, time.November, 25),
		Place:              "Paris",
		Signatories:        fixtureSignatories,
		CreatedAt:          fixtureCreated,
	}
}

func demoAttestation() CertificateDoc {
	d := demoCertificate()
	d.Kind = KindAttestation
	d.Number = "COURTAGE-2026-000043"
	d.VerificationCode = "W4HZ8NCE3V"
	d.VerificationURL = "https://cqp.example.fr/verifier/W4HZ8NCE3V"
	d.HolderName = "Amélie ŒUVRAY"
	d.HolderBirthDate = domain.NewDate(1988, time.September, 3)
	d.Blocks = []DocBlock{fixtureBlocks[0], fixtureBlocks[1], fixtureBlocks[3]}
	return d
}

// demoBlockAttestation is the attestation of one block, BC2, with its two competences.
func demoBlockAttestation() CertificateDoc {
	d := demoAttestation()
	d.Kind = KindBlockAttestation
	d.Number = "COURTAGE-2026-000044"
	d.VerificationCode = "P3RT7KWA9X"
	d.VerificationURL = "https://cqp.example.fr/verifier/P3RT7KWA9X"
	d.RNCP = "RNCP35342"
	d.AwardedOn = domain.NewDate(2026, time.December, 18)
	d.Blocks = []DocBlock{fixtureBlocks[1]}
	d.Competences = []DocCompetence{
		{"C6", "Transmettre aux services internes les informations utiles au traitement des dossiers clients"},
		{"C7", "Coordonner avec les services internes le suivi des contrats et des sinistres"},
	}
	return d
}

func demoMembers() []MinutesMember {
	return []MinutesMember{
		{Name: "Bertrand Lécuyer", College: "Collège employeurs", Present: true, President: true},
		{Name: "Hélène Œuvray-Dubois", College: "Collège salariés (organisations syndicales)", Present: true},
		{Name: "Sébastien Müller", College: "Collège salariés (organisations syndicales)", Present: true},
		{Name: "Maëlle Garnier", College: "Collège employeurs", Present: true},
		{Name: "Loïc Péron", College: "Experts de la formation en assurance", Present: true},
		{Name: "Agnès Châtelet", College: "Représentante des organismes de formation", Present: true},
		{Name: "Thierry Lemaître", College: "Collège employeurs", Present: false},
	}
}

const (
	explainBC1 = "BC1 acquis : tous les évaluateurs l'ont attribué (organisme de formation 15/15, référent entreprise 15/15, commission d'évaluation 15/15 compétences détaillées acquises, soit 100 % ≥ 70 %)."
	explainBC2 = "BC2 acquis par décision du jury, après débat : la commission d'évaluation l'a jugé acquis (10 compétences détaillées acquises sur 10, soit 100 % ≥ 70 %) ; l'organisme de formation ne l'a pas attribué (5 compétences détaillées acquises sur 10, soit 50 % < 70 %)."
	explainBC3 = "BC3 non acquis par décision du jury, après débat : la commission d'évaluation l'a jugé acquis (7 compétences détaillées acquises sur 7, soit 100 % ≥ 70 %) ; le référent entreprise ne l'a pas attribué (0 compétence détaillée acquise sur 7, soit 0 % < 70 %)."
	explainBC5 = "BC5 non acquis : la commission d'évaluation ne l'a pas attribué (0 compétence détaillée acquise sur 10, soit 0 % < 70 %), et sa voix est prépondérante ; l'organisme de formation l'a attribué (10 compétences détaillées acquises sur 10, soit 100 % ≥ 70 %)."
)

func acquired(b DocBlock) MinutesBlock {
	return MinutesBlock{Code: b.Code, Title: b.Title, Outcome: "acquis",
		Explanation: b.Code + " acquis : tous les évaluateurs l'ont attribué."}
}

func demoMinutes() MinutesDoc {
	certified := MinutesCandidate{
		Name: "Éloïse LEFÈVRE", Number: "CAND-2026-0007", QualificationTitle: "Chargé de clientèle",
		Route: "formation", Outcome: "certifié",
	}
	for _, b := range fixtureBlocks {
		certified.Blocks = append(certified.Blocks, acquired(b))
	}
	certified.Blocks[0].Explanation = explainBC1
	certified.Blocks[1] = MinutesBlock{
		Code: "BC2", Title: fixtureBlocks[1].Title, Outcome: "acquis", Explanation: explainBC2,
		Debate: true, Decision: "acquis",
		Reason:          "Les entretiens montrent une coordination interne effective ; l’écart avec l’organisme de formation tient à une épreuve passée avant la fin de la période en entreprise.",
		ReferentOpinion: "Le référent confirme que la candidate assure seule le relais d’information avec les équipes de gestion depuis six mois.",
	}

	partial := MinutesCandidate{
		Name: "Amélie ŒUVRAY", Number: "CAND-2026-0011", QualificationTitle: "Chargé de clientèle",
		Route: "formation", Outcome: "validation partielle",
		Blocks: []MinutesBlock{
			acquired(fixtureBlocks[0]),
			{Code: "BC2", Title: fixtureBlocks[1].Title, Outcome: "acquis", Explanation: explainBC2, Debate: true,
				Decision: "acquis", Reason: "Compétence démontrée lors de l’oral de la commission, avec des exemples précis."},
			{Code: "BC3", Title: fixtureBlocks[2].Title, Outcome: "non acquis", Explanation: explainBC3, Debate: true,
				Decision: "non acquis", Reason: "Le suivi de la relation clientèle n’a pas été observé en situation réelle.",
				ReferentOpinion: "La candidate n’a pas encore de portefeuille attitré."},
			acquired(fixtureBlocks[3]),
			{Code: "BC5", Title: fixtureBlocks[4].Title, Outcome: "non acquis", Explanation: explainBC5},
		},
	}

	failed := MinutesCandidate{
		Name: "Kévin N'DIAYE", Number: "CAND-2026-0012", QualificationTitle: "Chargé de clientèle",
		Route: "formation", Outcome: "non certifié",
		Blocks: []MinutesBlock{
			{Code: "BC1", Title: fixtureBlocks[0].Title, Outcome: "non admis",
				Explanation: "BC1 non admis : note d'évaluation continue de 8,5/20 < 10/20 ; le bloc n'accède pas à l'évaluation finale."},
			{Code: "BC2", Title: fixtureBlocks[1].Title, Outcome: "non acquis",
				Explanation: "BC2 non acquis : la commission d'évaluation ne l'a pas attribué (3 compétences détaillées acquises sur 10, soit 30 % < 70 %), et sa voix est prépondérante."},
		},
	}

	return MinutesDoc{
		BranchName:     fixtureBranch,
		SessionID:      "01a23dbd-7c4e-4f5a-9b21-6d0e8f3a9c57",
		Date:           fixtureSession,
		Place:          "Paris — 10, rue Auber, salle « Lutèce »",
		Qualifications: []string{"CQP Chargé de clientèle (CC)"},
		Members:        demoMembers(),
		Quorum:         4,
		PresentCount:   6,
		Candidates:     []MinutesCandidate{certified, partial, failed},
		Signatories: []Signatory{
			{"Le président du jury", "Bertrand Lécuyer"},
			{"L’assesseure", "Hélène Œuvray-Dubois"},
		},
		ClosedAt:  fixtureClosed,
		CreatedAt: fixtureCreated,
	}
}

// bigMinutes is a session of n candidates, each with seven blocks and a debate every third
// candidate: the size of the performance target (issue 5).
func bigMinutes(n int) MinutesDoc {
	m := demoMinutes()
	m.Candidates = make([]MinutesCandidate, n)
	for i := range m.Candidates {
		c := MinutesCandidate{
			Name:               fmt.Sprintf("Candidate %03d ŒUVRAY-LEFÈVRE", i+1),
			Number:             fmt.Sprintf("CAND-2026-%04d", i+1),
			QualificationTitle: "Chargé de clientèle",
			Route:              "formation",
			Outcome:            "certifié",
		}
		for _, b := range fixtureBlocks {
			c.Blocks = append(c.Blocks, acquired(b))
		}
		c.Blocks[0].Explanation = explainBC1
		if i%3 == 0 {
			c.Blocks[1] = MinutesBlock{Code: "BC2", Title: fixtureBlocks[1].Title, Outcome: "acquis",
				Explanation: explainBC2, Debate: true, Decision: "acquis",
				Reason: strings.Repeat("Compétence démontrée à l’oral. ", 3)}
		}
		m.Candidates[i] = c
	}
	return m
}

// certificatesOf returns one certificate per candidate of m, numbered in order.
func certificatesOf(m MinutesDoc) []CertificateDoc {
	docs := make([]CertificateDoc, len(m.Candidates))
	for i, c := range m.Candidates {
		d := demoCertificate()
		d.Number = fmt.Sprintf("COURTAGE-2026-%06d", i+1)
		d.VerificationCode = codeFor(i)
		d.VerificationURL = "https://cqp.example.fr/verifier/" + d.VerificationCode
		d.HolderName = c.Name
		docs[i] = d
	}
	return docs
}

// codeFor is a distinct ten-character verification code for i, from the alphabet without
// look-alikes (no 0/O, 1/I).
func codeFor(i int) string {
	const alphabet = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"
	b := []byte("K7QM9XRT2P")
	for p := len(b) - 1; i > 0; p-- {
		b[p] = alphabet[i%len(alphabet)]
		i /= len(alphabet)
	}
	return string(b)
}
