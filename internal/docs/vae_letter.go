package docs

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"cqp/internal/domain"
)

// VAEDecisionLetter is the secretariat's admissibility decision on a VAE request.
type VAEDecisionLetter struct {
	BranchName         string     // e.g. "Branche des cabinets de courtage d'assurances"
	SecretariatName    string     // e.g. "CSCA — secrétariat des CQP"
	City               string     // place of the letter, e.g. "Paris" (may be empty)
	Date               time.Time  // date of the decision (printed dd/mm/yyyy, Paris time); also the PDF creation date
	Reference          string     // e.g. "VAE-<short id>-v2"
	CandidateName      string     // "Gaëlle MOREAU"
	CandidateSex       domain.Sex // chooses « Madame » or « Monsieur »; "" writes to the person without a civility
	CandidateNumber    string
	CandidateAddress   string // may be empty; multi-line allowed
	QualificationTitle string
	QualificationCode  string    // optional: CQP code, RNCP number…
	FileVersion        int       // version of the admissibility file decided on
	Decision           string    // domain.VAEDecisionKind: "admissible", "not_admissible", "incomplete" or "redirected"
	Reason             string    // required unless admissible; for incomplete, what is missing
	ValidUntil         time.Time // admissible only: end of validity of the admissibility (printed in Paris time)
	RedirectRoute      string    // redirected only: French label, e.g. "formation" / "blocs de compétences"
	Opinion            string    // optional: the training organisation's opinion, e.g. "Avis favorable de Formassur Paris"
	NextSteps          []string  // optional French sentences on what comes next, after the standard ones; each step is printed once
	Signatory          Signatory // who signs for the secretariat
}

func (l VAEDecisionLetter) check() error {
	invalid := func(format string, args ...any) error { return domain.Errorf(domain.EINVALID, format, args...) }
	if strings.TrimSpace(l.BranchName) == "" && strings.TrimSpace(l.SecretariatName) == "" {
		return invalid("Le nom de la branche ou du secrétariat est obligatoire.")
	}
	if l.Date.IsZero() {
		return invalid("La date de la décision est obligatoire.")
	}
	if strings.TrimSpace(l.Reference) == "" {
		return invalid("La référence du courrier est obligatoire.")
	}
	if strings.TrimSpace(l.CandidateName) == "" {
		return invalid("Le nom du candidat est obligatoire.")
	}
	if strings.TrimSpace(l.QualificationTitle) == "" {
		return invalid("L’intitulé de la qualification est obligatoire.")
	}
	if l.FileVersion < 1 {
		return invalid("La version du dossier de recevabilité sur laquelle porte la décision est obligatoire.")
	}
	decision := domain.VAEDecisionKind(l.Decision)
	if !decision.Valid() {
		return invalid("La décision « %s » est inconnue : admissible, not_admissible, incomplete ou redirected est attendu.", l.Decision)
	}
	noReason := strings.TrimSpace(l.Reason) == ""
	switch decision {
	case domain.DecisionAdmissible:
		if l.ValidUntil.IsZero() {
			return invalid("La date de fin de validité de la recevabilité est obligatoire.")
		}
		if domain.DateOf(l.ValidUntil).Before(domain.DateOf(l.Date)) {
			return invalid("La fin de validité de la recevabilité (%s) précède la date de la décision (%s).",
				domain.DateOf(l.ValidUntil), domain.DateOf(l.Date))
		}
	case domain.DecisionNotAdmissible:
		if noReason {
			return invalid("Le motif de la décision de non-recevabilité est obligatoire.")
		}
	case domain.DecisionIncomplete:
		if noReason {
			return invalid("Les éléments manquants au dossier sont obligatoires pour un dossier incomplet.")
		}
	case domain.DecisionRedirected:
		if noReason {
			return invalid("Le motif de la réorientation est obligatoire.")
		}
		if strings.TrimSpace(l.RedirectRoute) == "" {
			return invalid("La voie proposée au candidat est obligatoire pour une réorientation.")
		}
	}
	if strings.TrimSpace(l.Signatory.Role) == "" || strings.TrimSpace(l.Signatory.Name) == "" {
		return invalid("Le signataire du courrier doit avoir une fonction et un nom.")
	}
	return nil
}

// VAEDecisionLetterPDF renders the secretariat's admissibility decision as a letter to the
// candidate: A4 portrait pages with the sender, the candidate's address, the place and date,
// the reference and subject, the decision with its reason and what follows from it, and the
// signature, numbered « Page 1 / 1 ». Long reasons continue on the next page.
func VAEDecisionLetterPDF(l VAEDecisionLetter) ([]byte, error) {
	if err := l.check(); err != nil {
		return nil, fmt.Errorf("VAE decision letter %s: %w", l.Reference, err)
	}
	pdf, err := renderCounted(func(total int) *sheet { return writeVAELetter(l, total) })
	if err != nil {
		return nil, fmt.Errorf("VAE decision letter %s: %w", l.Reference, err)
	}
	return pdf, nil
}

// The candidate's address and the place and date sit in the right-hand column, as in a
// window envelope.
const letterAddressX = 112.0

func writeVAELetter(l VAEDecisionLetter, total int) *sheet {
	ref := clean(l.Reference, false)
	branch := clean(l.BranchName, false)
	secretariat := clean(l.SecretariatName, false)
	author := secretariat
	if author == "" {
		author = branch
	}
	s := newSheet(l.Date, "Décision de recevabilité VAE — "+ref, author,
		"Décision de recevabilité VAE — réf. "+ref, total)

	// Sender.
	senderW := letterAddressX - sheetMargin - 8
	if branch != "" {
		s.text(sheetMargin, senderW, 10, "B", colourTitle, "L", strings.ToUpper(branch))
	}
	if secretariat != "" {
		s.text(sheetMargin, senderW, 9.5, "", colourText, "L", secretariat)
	}

	// Recipient, then place and date.
	addressW := sheetW - sheetMargin - letterAddressX
	s.y = max(s.y, sheetTop+14) + 6
	civ := civility(l.CandidateSex)
	recipient := clean(l.CandidateName, false)
	if civ != "" {
		recipient = civ + " " + recipient
	}
	s.text(letterAddressX, addressW, 10.5, "B", colourText, "L", recipient)
	if a := clean(l.CandidateAddress, true); a != "" {
		s.text(letterAddressX, addressW, 10, "", colourText, "L", a)
	}
	if n := clean(l.CandidateNumber, false); n != "" {
		s.text(letterAddressX, addressW, 9, "", colourLabel, "L", candidateLabel(l.CandidateSex)+" n° "+n)
	}
	s.y += 8
	dated := "Le " + domain.DateOf(l.Date).String()
	if city := clean(l.City, false); city != "" {
		dated = city + ", le " + domain.DateOf(l.Date).String()
	}
	s.text(letterAddressX, addressW, 10, "", colourText, "L", dated)

	// Reference and subject.
	s.y += 8
	version := strconv.Itoa(l.FileVersion)
	s.text(sheetMargin, sheetTextW, 9, "", colourLabel, "L",
		"Nos références : "+ref+" — dossier de recevabilité, version "+version)
	s.y += 1
	qualification := clean(l.QualificationTitle, false)
	s.text(sheetMargin, sheetTextW, 10, "B", colourText, "L",
		"Objet : décision de recevabilité de votre demande de VAE — "+qualification)
	s.y += 6
	salutation := "Madame, Monsieur,"
	if civ != "" {
		salutation = civ + ","
	} else if name := clean(l.CandidateName, false); name != "" {
		salutation = "Bonjour " + name + ","
	}
	s.para(10, "", salutation)
	s.y += 1

	named := "« " + qualification + " »"
	if code := clean(l.QualificationCode, false); code != "" {
		named += " (" + code + ")"
	}
	s.para(10, "", "Vous avez demandé à obtenir par la validation des acquis de l’expérience (VAE) la qualification "+
		named+". Nous avons examiné votre dossier de recevabilité dans sa version "+version+".")
	if o := clean(l.Opinion, true); o != "" {
		s.para(10, "", "Nous avons recueilli l’avis d’un organisme de formation :")
		s.quote(10, o)
	}

	reason := clean(l.Reason, true)
	quoted := "« " + reason + " »"
	var steps []string
	switch domain.VAEDecisionKind(l.Decision) {
	case domain.DecisionAdmissible:
		s.para(10, "B", "Nous avons le plaisir de vous informer que votre demande est recevable. "+
			"Cette recevabilité est valable jusqu’au "+domain.DateOf(l.ValidUntil).String()+".")
		if reason != "" {
			s.para(10, "", "Observations du secrétariat :")
			s.quote(10, quoted)
		}
		steps = []string{
			"Constituer votre dossier d’expérience : vous y décrivez les activités que vous avez exercées " +
				"et y joignez les documents qui en apportent la preuve (attestations d’employeur, " +
				"bulletins de salaire, exemples de travaux réalisés).",
			"Présenter votre expérience lors d’un entretien avec la commission d’évaluation, " +
				"qui s’appuie sur votre dossier d’expérience.",
			"Le jury de certification délibère ensuite sur chacun des blocs de compétences de la qualification ; " +
				"les blocs acquis le restent définitivement.",
		}
	case domain.DecisionNotAdmissible:
		s.para(10, "B", "Nous sommes au regret de vous informer que votre demande n’est pas recevable.")
		s.para(10, "", "Motif de la décision :")
		s.quote(10, quoted)
		s.para(10, "", "Si vous contestez cette décision, vous pouvez en demander le réexamen par un courrier motivé "+
			"adressé au secrétariat, en rappelant la référence "+ref+". Vous pouvez aussi présenter une nouvelle "+
			"demande lorsque votre expérience répondra aux conditions exigées.")
	case domain.DecisionIncomplete:
		s.para(10, "B", "Votre dossier de recevabilité est incomplet : nous ne pouvons pas encore nous prononcer "+
			"sur votre demande.")
		s.para(10, "", "Éléments manquants :")
		s.quote(10, quoted)
		s.para(10, "", "Vous pouvez compléter votre dossier et nous l’adresser de nouveau : il sera examiné "+
			"dans sa nouvelle version, sans qu’une nouvelle demande soit nécessaire.")
	case domain.DecisionRedirected:
		s.para(10, "B", "Après examen, nous vous proposons d’accéder à cette qualification par une autre voie "+
			"que la VAE. Voie proposée : "+clean(l.RedirectRoute, false)+".")
		s.para(10, "", "Motif de la réorientation :")
		s.quote(10, quoted)
		s.para(10, "", "Le secrétariat se tient à votre disposition pour vous accompagner dans cette démarche.")
	}
	for _, n := range l.NextSteps {
		if n = clean(n, false); n != "" && !slices.Contains(steps, n) {
			steps = append(steps, n)
		}
	}
	if len(steps) > 0 {
		s.ensure(lineHeight(10.5) + 3*lineHeight(10))
		s.y += 1
		s.text(sheetMargin, sheetTextW, 10.5, "B", colourTitle, "L", "La suite de votre démarche")
		s.y += 1
		for _, st := range steps {
			s.bullet(10, st)
		}
		s.y += 1
	}

	// The closing formula stays with the signature.
	addressed := "Madame, Monsieur"
	if civ != "" {
		addressed = civ
	}
	closing := "Nous restons à votre disposition pour toute question et vous prions d’agréer, " + addressed + ", " +
		"l’expression de nos salutations distinguées."
	if civ == "" && clean(l.CandidateName, false) != "" {
		closing = "Nous restons à votre disposition pour toute question. Recevez nos salutations distinguées."
	}
	setFont(s.pdf, "", 10, colourText)
	closingH := float64(len(wrap(s.pdf, closing, sheetTextW)))*lineHeight(10) + 2
	sig := []Signatory{l.Signatory}
	colW := sheetTextW / 2
	s.ensure(closingH + 6 + signatureHeight(s.pdf, sig, colW))
	s.para(10, "", closing)
	s.y = signatureBlocks(s.pdf, sheetMargin+colW, s.y+6, colW, sig)
	return s
}

// candidateLabel is « Candidate » or « Candidat » as the person's sex agrees it, or
// « Dossier » when the sex is not recorded.
func candidateLabel(sex domain.Sex) string {
	switch sex {
	case domain.SexFemale:
		return "Candidate"
	case domain.SexMale:
		return "Candidat"
	}
	return "Dossier"
}
