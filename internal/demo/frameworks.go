package demo

import (
	"context"
	"fmt"
	"strings"

	"cqp/internal/domain"
	"cqp/internal/service"
	"cqp/internal/store"
)

// The shipped framework keeps its items flagged to confirm: a real branch must confirm them
// itself. The demo confirms them as the secretariat would, through the same use case as the
// framework page (so the audit trail shows it, under « démo »), so that its certificates and
// attestations can be issued and print no placeholder. A title the guide gives is confirmed as
// it is; a placeholder becomes a title marked as a demonstration example, which no one can take
// for the branch's own.

// demoMark is what every demonstration title carries.
const demoMark = "(exemple de démonstration)"

// demoBlockSubjects give the demonstration blocks a plausible subject, by qualification and
// block code. A block missing here gets the mark alone.
var demoBlockSubjects = map[string]string{
	"CC/OPT1":   "Conseiller la clientèle en assurance emprunteur",
	"CC/OPT2":   "Accompagner les clients professionnels à l'international",
	"CC/OPT3":   "Conseiller la clientèle en protection sociale complémentaire",
	"IARD/SPE1": "Gérer les contrats d'assurance de dommages",
	"IARD/SPE2": "Gérer les sinistres de dommages",
	"IARD/OPT1": "Assurer les flottes automobiles",
	"IARD/OPT2": "Assurer les risques de la construction",
	"IARD/OPT3": "Assurer les risques agricoles",
	"ADP/SPE1":  "Gérer les contrats santé et prévoyance",
	"ADP/SPE2":  "Gérer les prestations santé et prévoyance",
	"ADP/OPT1":  "Conseiller en épargne et retraite",
	"ADP/OPT2":  "Gérer l'assurance collective des entreprises",
	"ADP/OPT3":  "Conseiller la clientèle en assurance emprunteur",
}

// demoTitle is the title the demo confirms an item with, and the reason it records.
func demoTitle(qualification string, it domain.FrameworkItem) (title, reason string) {
	if !domain.ReadsAsPlaceholder(it.Title) {
		return it.Title, "Démonstration : intitulé du guide de la branche (2017) confirmé tel quel."
	}
	reason = "Démonstration : intitulé d'exemple ; la branche donne le sien."
	base, _, _ := strings.Cut(it.Title, " — ")
	if domain.ReadsAsPlaceholder(base) { // « Compétence à compléter par la branche »
		base = "Compétence " + it.Code
	}
	title = base + " " + demoMark
	if subject := demoBlockSubjects[qualification+"/"+it.Code]; it.Kind == domain.ItemBlock && subject != "" {
		title += " — " + subject
	}
	return title, reason
}

// confirmFrameworks confirms every item still flagged in the given framework versions and
// returns them as they are now.
func (l loader) confirmFrameworks(ctx context.Context, fws []store.FrameworkRecord) ([]store.FrameworkRecord, error) {
	out := make([]store.FrameworkRecord, len(fws))
	for i, r := range fws {
		out[i] = r
		code := r.Framework.Qualification.Code
		for _, it := range r.Framework.ItemsToConfirm() {
			title, reason := demoTitle(code, it)
			res, err := l.svc.ConfirmFrameworkItem(ctx, l.a, r.ID, service.FrameworkItemInput{Item: it.Ref(), Title: title, Reason: reason})
			if err != nil {
				return nil, fmt.Errorf("confirm %s of %s: %w", it.Name(), code, err)
			}
			out[i] = res.Record
		}
	}
	return out, nil
}
