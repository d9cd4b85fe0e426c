package servicetest

import (
	"bytes"
	"context"
	"cqp/internal/demo"
	"image"
	"image/color"
	"image/png"
	"testing"

	"cqp/internal/domain"
	"cqp/internal/service"
)

// TinyPDF is the smallest file SniffEvidence reads as a PDF.
var TinyPDF = []byte("%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n")

// VAEWorld holds two VAE files built through the service, one on each side of the world.
type VAEWorld struct {
	// SideA is candidate A's VAE enrolment (Gestionnaire IARD, company A): sent, filled by the
	// candidate, reviewed favourably by organisation A, admissible, followed by the VAE adviser,
	// experience file submitted with one evidence file, heard by commission A. Every scoped
	// role of side A sees it.
	SideA, EvidenceA string
	// SideB is candidate B's VAE enrolment (company B): its file submitted on paper (typed by
	// the secretariat) and under review by organisation B.
	SideB string
}

// PeriodsFor24Months are two related experience periods adding up to 24 months.
func PeriodsFor24Months() []service.PeriodInput {
	return []service.PeriodInput{
		{Employer: "Cabinet Durand", Role: "Assistante de gestion", From: "01/09/2022", Until: "31/08/2023", Related: true,
			Activities: "Gestion des sinistres IARD"},
		{Employer: "Courtage Lumière", Role: "Gestionnaire", From: "01/09/2023", Until: "31/08/2024", Related: true,
			Activities: "Souscription et gestion de contrats"},
	}
}

// CompleteAdmissibility is an admissibility file with nothing missing for the enrolment's blocks
// (those the person holds already are not assessed).
func CompleteAdmissibility(t testing.TB, w *World, enrolmentID string) service.AdmissibilityInput {
	t.Helper()
	v, err := w.Service.VAE(context.Background(), domain.SystemActor("test"), enrolmentID)
	if err != nil {
		t.Fatal(err)
	}
	in := service.AdmissibilityInput{Address: "3 rue des Lilas, 75011 Paris", Phone: "06 12 34 56 78", Situation: "Salariée",
		Motivation: "Faire reconnaître mon expérience", Periods: PeriodsFor24Months(), Certified: true,
		Diplomas:       []domain.Diploma{{Title: "Baccalauréat", Year: "2018", Level: "4"}},
		SelfAssessment: map[string]domain.SelfAssessment{}}
	if v.Candidate.NIR == "" {
		in.NIR = demo.FictitiousNIR(v.Candidate)
	}
	for _, b := range v.Blocks {
		if v.Acquired[b.Code] {
			continue // held for good: not assessed again
		}
		for _, c := range b.Competences {
			in.SelfAssessment[c.Code] = domain.SelfAssessment{Level: domain.SelfAcquired, Situation: "Au quotidien chez Courtage Lumière"}
		}
	}
	return in
}

// VAE returns the world's two VAE files, built on the first call. Side A's oral is heard by
// the world's commission.
func (w *World) VAE(t testing.TB) VAEWorld {
	t.Helper()
	if w.vae == nil {
		v := w.buildVAE(t)
		w.vae = &v
	}
	return *w.vae
}

func (w *World) buildVAE(t testing.TB) VAEWorld {
	t.Helper()
	ctx := context.Background()
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	sec := w.Actor(t, w.Accounts[domain.RoleSecretariat])
	optional := w.OptionalBlocks(t, "IARD")
	var out VAEWorld

	a, err := w.Service.RequestVAE(ctx, sec, service.VAERequestInput{CandidateID: w.CandidateA, QualificationCode: "IARD",
		Public: domain.PublicEmployee, CompanyID: w.CompanyA, Blocks: optional})
	must(err)
	out.SideA = a.Enrolment.ID
	_, err = w.Service.SendAdmissibilityFile(ctx, sec, out.SideA)
	must(err)
	cand := w.Actor(t, w.Accounts[domain.RoleCandidate])
	_, err = w.Service.SubmitAdmissibility(ctx, cand, out.SideA, CompleteAdmissibility(t, w, out.SideA))
	must(err)
	must(w.Service.RequestVAEReview(ctx, sec, out.SideA, w.OrgA))
	must(w.Service.GiveVAEReview(ctx, w.Actor(t, w.Accounts[domain.RoleTrainingOrganisation]), out.SideA,
		service.ReviewInput{Opinion: domain.OpinionFavourable, Comment: "Expérience solide et en lien direct."}))
	_, err = w.Service.DecideVAE(ctx, sec, out.SideA, service.DecisionInput{Decision: domain.DecisionAdmissible,
		Reason: "Deux ans d'expérience en lien, avis favorable.", ValidUntil: "25/11/2027"})
	must(err)
	must(w.Service.AssignAdviser(ctx, sec, out.SideA, w.UserIDs[w.Accounts[domain.RoleVAEAdviser]]))
	v, err := w.Service.VAE(ctx, sec, out.SideA)
	must(err)
	narratives := map[string]string{}
	for _, b := range v.Blocks {
		narratives[b.Code] = "J'ai exercé ces activités pendant deux ans, avec des clients particuliers et professionnels."
	}
	must(w.Service.SaveExperience(ctx, cand, out.SideA, narratives))
	ev, err := w.Service.AddEvidence(ctx, cand, out.SideA, service.EvidenceUpload{Title: "Attestation d'employeur",
		Filename: "attestation.pdf", Content: TinyPDF})
	must(err)
	out.EvidenceA = ev.ID
	must(w.Service.SubmitExperience(ctx, cand, out.SideA))
	_, err = w.Service.ScheduleOral(ctx, sec, service.OralInput{CommissionID: w.CommissionID, EnrolmentID: out.SideA,
		Date: "16/12/2026", Time: "14:00", Duration: "60", Place: "Paris"})
	must(err)

	b, err := w.Service.RequestVAE(ctx, sec, service.VAERequestInput{CandidateID: w.CandidateB, QualificationCode: "IARD",
		Public: domain.PublicEmployee, CompanyID: w.CompanyB, Blocks: optional})
	must(err)
	out.SideB = b.Enrolment.ID
	_, err = w.Service.SendAdmissibilityFile(ctx, sec, out.SideB)
	must(err)
	_, err = w.Service.SubmitAdmissibility(ctx, sec, out.SideB, CompleteAdmissibility(t, w, out.SideB))
	must(err)
	must(w.Service.RequestVAEReview(ctx, sec, out.SideB, w.OrgB))
	return out
}

// OptionalBlocks returns the first optional blocks a qualification's composition asks for.
func (w *World) OptionalBlocks(t testing.TB, qualification string) []string {
	t.Helper()
	fws, err := w.Service.Frameworks(context.Background(), domain.SystemActor("test"))
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range fws {
		if r.Framework.Qualification.Code != qualification {
			continue
		}
		var out []string
		for _, b := range r.Framework.BlocksOfKind(domain.BlockOptional)[:r.Framework.Composition.Optional] {
			out = append(out, b.Code)
		}
		return out
	}
	t.Fatalf("no framework for %s", qualification)
	return nil
}

// TinyPNG is a small valid PNG image.
func TinyPNG(t testing.TB) []byte {
	t.Helper()
	var buf bytes.Buffer
	img := image.NewRGBA(image.Rect(0, 0, 3, 2))
	img.Set(1, 1, color.RGBA{B: 200, A: 255})
	if err := png.Encode(&buf, img); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}
