package service

import (
	"context"
	"fmt"
	"strings"
	"unicode/utf8"

	"cqp/internal/domain"
	"cqp/internal/store"
)

// A person may ask the branch to erase their data (RGPD article 17). cqp erases everything but
// what the verification of their certificates and attestations needs, and what proves the
// decisions taken (the results, the jury's minutes, the audit trail), and says so before and
// after.

// ErasurePlan says what erasing a person's data erases and keeps, and, in Blocked, why it
// cannot be done now.
type ErasurePlan struct {
	Candidate    domain.Candidate
	KeepIdentity bool // the person holds a document anyone may verify, or an acquired block
	Blocked      string
	Erases       []string
	Keeps        []string
}

// ErasureDone is the plan carried out, with what was erased counted.
type ErasureDone struct {
	ErasurePlan
	Counts []string
}

// ErasurePlan prepares the erasure of a person's data, for the secretariat to confirm.
func (s *Service) ErasurePlan(ctx context.Context, a domain.Actor, candidateID string) (ErasurePlan, error) {
	if err := Check(a, ActPersonalDataErase); err != nil {
		return ErasurePlan{}, err
	}
	return s.erasurePlan(ctx, s.store.Read(), candidateID)
}

func (s *Service) erasurePlan(ctx context.Context, q store.Q, candidateID string) (ErasurePlan, error) {
	c, err := q.Candidate(ctx, candidateID, store.Scope{})
	if err != nil {
		return ErasurePlan{}, err
	}
	keep, err := q.CandidateVerifiable(ctx, candidateID)
	if err != nil {
		return ErasurePlan{}, err
	}
	p := ErasurePlan{Candidate: c, KeepIdentity: keep}
	if c.ErasedAt != nil {
		p.Blocked = fmt.Sprintf("Les données de cette personne ont déjà été effacées le %s.", domain.DateOf(*c.ErasedAt).String())
	}
	for _, e := range c.Enrolments {
		if !finalStatus(e.Status) && p.Blocked == "" {
			p.Blocked = fmt.Sprintf("L'inscription %s (%s) est en cours, au statut « %s ». Retirez-la d'abord, avec pour motif la demande d'effacement : les résultats déjà acquis restent.",
				e.QualificationTitle, e.RouteLabel(), e.Status.Label())
		}
	}
	p.Erases = []string{
		"l'adresse électronique et le lieu de naissance ;",
		"le compte de connexion : fermé, ses sessions terminées et ses jetons d'accès révoqués ;",
		"les courriels que la plateforme lui a écrits ;",
		"le contenu des dossiers VAE (recevabilité et expérience), les pièces justificatives, les commentaires et les lettres ;",
		"les notes d'entretien de positionnement et les textes du livret de suivi.",
	}
	if !keep {
		p.Erases = append([]string{"les noms, prénoms et la date de naissance : il ne reste qu'un numéro ;"}, p.Erases...)
		p.Keeps = append(p.Keeps, "le numéro de candidat, le sexe et les inscriptions avec leurs résultats, sans nom : ils comptent dans les statistiques de la branche ;")
	} else {
		p.Keeps = append(p.Keeps,
			"les noms, prénoms, date de naissance et sexe : ils figurent sur les certificats ou attestations délivrés, que chacun peut vérifier, ou fondent un bloc acquis qu'un jury comptera ;",
			"les certificats et attestations délivrés, avec leur numéro et leur code de vérification ;",
			"le numéro de candidat, les inscriptions, les notes, les grilles d'évaluation, les décisions du jury et les blocs acquis ;")
	}
	p.Keeps = append(p.Keeps,
		"les procès-verbaux des jurys, documents officiels qui fondent les résultats ;",
		"le journal d'audit, qui prouve qui a décidé quoi et quand : il n'est jamais réécrit.")
	return p, nil
}

// finalStatus reports whether nothing more happens on an enrolment at this status.
func finalStatus(st domain.EnrolmentStatus) bool {
	switch st {
	case domain.StatusCertified, domain.StatusPartial, domain.StatusNotCertified, domain.StatusWithdrawn:
		return true
	}
	return false
}

// maxErasureReason bounds the note on the request, in characters.
const maxErasureReason = 2000

// ErasureRequest is what the secretariat types to erase a person's data: the person's request
// (when and how they asked) and the confirmation that the erasure is final.
type ErasureRequest struct {
	Reason    string
	Confirmed bool
}

// EraseOnRequest erases a person's data as ErasurePlan describes, in one transaction, with the
// request in the audit trail.
func (s *Service) EraseOnRequest(ctx context.Context, a domain.Actor, candidateID string, in ErasureRequest) (ErasureDone, error) {
	if err := Check(a, ActPersonalDataErase); err != nil {
		return ErasureDone{}, err
	}
	reason := strings.TrimSpace(in.Reason)
	fe := domain.FieldErrors{}
	if !in.Confirmed {
		fe.Add("confirm", "Cochez la case pour confirmer : l'effacement est définitif.")
	}
	switch {
	case reason == "":
		fe.Add("reason", "Indiquez la demande de la personne : sa date et par quel moyen elle l'a faite.")
	case utf8.RuneCountInString(reason) > maxErasureReason:
		fe.Add("reason", fmt.Sprintf("Ce texte dépasse %d caractères.", maxErasureReason))
	default:
		if msg := domain.TextProblem(reason, true); msg != "" {
			fe.Add("reason", msg)
		}
	}
	if err := fe.Err(); err != nil {
		return ErasureDone{}, err
	}
	var done ErasureDone
	err := s.store.Write(ctx, func(q store.Q) error {
		p, err := s.erasurePlan(ctx, q, candidateID)
		if err != nil {
			return err
		}
		if p.Blocked != "" {
			return domain.Errorf(domain.ECONFLICT, "%s", p.Blocked)
		}
		e, err := s.erase(ctx, q, candidateID, p.KeepIdentity)
		if err != nil {
			return err
		}
		done = ErasureDone{ErasurePlan: p, Counts: e.summary()}
		return s.audit(ctx, q, a, change{Action: "candidate.erased", EntityType: "candidate", EntityID: candidateID,
			CandidateID: candidateID, After: e.counts(), Reason: reason})
	})
	if err != nil {
		return ErasureDone{}, err
	}
	done.Candidate, err = s.store.Read().Candidate(ctx, candidateID, store.Scope{})
	return done, err
}

// summary is what an erasure did, in French.
func (e erasure) summary() []string {
	out := []string{
		fmt.Sprintf("dossiers VAE effacés : %d (pièces justificatives : %d)", e.VAEFiles, e.Purged.Evidence),
		fmt.Sprintf("courriels supprimés : %d", e.Erased.Mails),
		fmt.Sprintf("textes du livret de suivi effacés : %d", e.Erased.LogbookTexts),
		fmt.Sprintf("notes d'entretien effacées : %d", e.Erased.Interviews),
	}
	if e.Erased.Account {
		out = append(out, "compte de connexion fermé")
	}
	if e.KeptIdentity {
		out = append(out, "identité gardée : elle figure sur des documents vérifiables")
	} else {
		out = append(out, "identité effacée : la personne n'est plus qu'un numéro")
	}
	return out
}
