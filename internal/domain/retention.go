package domain

import "fmt"

// RetentionKind names a kind of personal data the branch keeps for a time it chooses
// (RGPD article 5: kept no longer than needed). Each kind counts its months from its own
// starting point, given by RetentionKind.Start.
type RetentionKind string

const (
	// RetainVAEFiles: the VAE admissibility and experience files, their evidence, the adviser's
	// comments and the letters, counted from the enrolment's final result.
	RetainVAEFiles RetentionKind = "vae_files"
	// RetainMail: the mails cqp sent or holds in its outbox, counted from when they were written.
	RetainMail RetentionKind = "mail"
	// RetainUnfinishedCandidates: the identity of a person who holds no certificate, no
	// attestation and no acquired block, counted from the last result of their enrolments.
	RetainUnfinishedCandidates RetentionKind = "unfinished_candidates"
)

// RetentionKinds lists the kinds in the order the settings page shows them.
var RetentionKinds = []RetentionKind{RetainVAEFiles, RetainMail, RetainUnfinishedCandidates}

// DefaultRetention gives each kind's months when the branch set none: VAE files 2 years after
// the final result (issue 14), mails one year, the identity of a person without any result
// that must stay verifiable 5 years.
var DefaultRetention = map[RetentionKind]int{
	RetainVAEFiles:             24,
	RetainMail:                 12,
	RetainUnfinishedCandidates: 60,
}

// MinRetentionMonths and MaxRetentionMonths bound what the branch may choose: at least a month
// (the jury and any appeal need the files), at most 30 years.
const (
	MinRetentionMonths = 1
	MaxRetentionMonths = 360
)

// Valid reports whether k is a known kind.
func (k RetentionKind) Valid() bool {
	_, ok := DefaultRetention[k]
	return ok
}

// Label is the kind as the settings and the privacy page name it.
func (k RetentionKind) Label() string {
	switch k {
	case RetainVAEFiles:
		return "Dossiers VAE (recevabilité et expérience) et pièces justificatives"
	case RetainMail:
		return "Courriels envoyés par la plateforme"
	case RetainUnfinishedCandidates:
		return "Identité des personnes sans certificat, attestation ni bloc acquis"
	}
	return string(k)
}

// Start says from when the months count.
func (k RetentionKind) Start() string {
	switch k {
	case RetainVAEFiles:
		return "après le résultat final de l'inscription (certification, validation partielle, refus, retrait)"
	case RetainMail:
		return "après l'écriture du courriel"
	case RetainUnfinishedCandidates:
		return "après le dernier résultat de leurs inscriptions, quand aucune n'est en cours"
	}
	return ""
}

// Erases says what the purge does when the time is over.
func (k RetentionKind) Erases() string {
	switch k {
	case RetainVAEFiles:
		return "le contenu des dossiers, les pièces, les commentaires et les lettres sont effacés ; les décisions et les résultats restent"
	case RetainMail:
		return "le courriel et sa pièce jointe sont supprimés"
	case RetainUnfinishedCandidates:
		return "la personne est anonymisée : il ne reste que son numéro et ses résultats, sans nom"
	}
	return ""
}

// CheckRetentionMonths reports, in French, why months cannot be kept for kind k.
func CheckRetentionMonths(k RetentionKind, months int) error {
	if !k.Valid() {
		return Errorf(EINVALID, "Type de données inconnu : %q.", string(k))
	}
	if months < MinRetentionMonths || months > MaxRetentionMonths {
		return Errorf(EINVALID, "%s : la durée doit être comprise entre %d et %d mois (reçu : %d).",
			k.Label(), MinRetentionMonths, MaxRetentionMonths, months)
	}
	return nil
}

// RetentionPeriod writes months as a person says it: « 2 ans », « 18 mois », « 1 an et 6 mois ».
func RetentionPeriod(months int) string {
	years, rest := months/12, months%12
	unit := func(n int, one, many string) string {
		if n == 1 {
			return "1 " + one
		}
		return fmt.Sprintf("%d %s", n, many)
	}
	switch {
	case years == 0:
		return unit(rest, "mois", "mois")
	case rest == 0:
		return unit(years, "an", "ans")
	default:
		return unit(years, "an", "ans") + " et " + unit(rest, "mois", "mois")
	}
}
