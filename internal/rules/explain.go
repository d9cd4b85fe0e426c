package rules

import (
	"strconv"
	"strings"

	"cqp/internal/domain"
)

// Explanations are French sentences that a jury member can check by hand: every verdict comes
// with its numbers, and only the evaluators who take part in the candidate's route are named
// (all three on formation, the commission on vae, the OF and the referent on blocs). Conventions: a plain space before « % » and « : », a plain apostrophe,
// percentages truncated (never rounded) to one decimal so that the sign shown (≥ or <) always
// agrees with the exact integer comparison, e.g. 20 of 30 is « 66,6 % < 70 % ».

// Explanation is the French explanation of a block outcome, with its numbers, e.g.
// « BC2 en débat : la commission d'évaluation l'a jugé acquis (10 compétences détaillées
// acquises sur 10, soit 100 % ≥ 70 %) ; l'organisme de formation ne l'a pas attribué
// (5 compétences détaillées acquises sur 10, soit 50 % < 70 %) ; le jury décide de son
// attribution. »
func (b BlockResult) Explanation() string {
	return string(b.AppendExplanation(nil))
}

// AppendExplanation appends Explanation to dst, for callers that write many of them.
func (b BlockResult) AppendExplanation(dst []byte) []byte {
	dst = append(dst, b.Code...)
	switch {
	case b.Prior:
		dst = append(dst, " acquis : bloc acquis lors d'une session antérieure (attestation de bloc) ; un bloc acquis l'est définitivement."...)
	case b.MarkGate && !b.HasMark:
		dst = append(dst, " incomplet : aucune note d'évaluation continue ; il en faut une d'au moins "...)
		dst = append(dst, b.Minimum.String()...)
		dst = append(dst, "/20 pour accéder à l'évaluation finale."...)
	case b.Outcome == OutcomeNotAdmitted:
		dst = append(dst, " non admis : note d'évaluation continue de "...)
		dst = append(dst, b.Mark.String()...)
		dst = append(dst, "/20 < "...)
		dst = append(dst, b.Minimum.String()...)
		dst = append(dst, "/20 ; le bloc n'accède pas à l'évaluation finale."...)
	case b.Outcome == OutcomeIncomplete:
		dst = append(dst, " incomplet : "...)
		first := true
		for ei, e := range b.Evaluators {
			switch {
			case !e.Present && b.Required[ei]:
				dst = sep(dst, &first)
				dst = append(dst, evaluatorSubject(e.Evaluator)...)
				dst = append(dst, " n'a pas rendu son évaluation, requise pour cette voie d'accès"...)
			case e.Present && e.Verdict == VerdictIncomplete:
				dst = sep(dst, &first)
				dst = appendUnmarked(dst, e)
			}
		}
		dst = append(dst, " ; la délibération attend des évaluations complètes."...)
	case b.Jury != JuryNone:
		if b.Jury == JuryAcquired {
			dst = append(dst, " acquis par décision du jury, après débat : "...)
		} else {
			dst = append(dst, " non acquis par décision du jury, après débat : "...)
		}
		dst = appendDebate(dst, b)
		dst = append(dst, '.')
	case b.Outcome == OutcomeDebate:
		dst = append(dst, " en débat : "...)
		dst = appendDebate(dst, b)
		switch {
		case b.Route != domain.RouteBlocs:
			dst = append(dst, " ; le jury décide de son attribution."...)
		case b.refusedByAll():
			dst = append(dst, " ; sur la voie blocs, sans commission d'évaluation, leur double refus ne le rend pas non acquis d'office : le jury décide de son attribution."...)
		default:
			dst = append(dst, " ; sur la voie blocs, sans commission d'évaluation, leur désaccord revient au jury, qui décide de son attribution."...)
		}
	case b.Outcome == OutcomeNotAcquired && b.Route == domain.RouteVAE:
		dst = append(dst, " non acquis : "...)
		dst = appendClause(dst, b.Evaluators[commissionIndex], "ne l'a pas attribué", b.Threshold)
		dst = append(dst, " ; en VAE, son verdict décide seul."...)
	case b.Outcome == OutcomeNotAcquired:
		c := b.Evaluators[commissionIndex]
		dst = append(dst, " non acquis : "...)
		dst = appendClause(dst, c, "ne l'a pas attribué", b.Threshold)
		dst = append(dst, ", et sa voix est prépondérante"...)
		for ei, e := range b.Evaluators {
			if ei != commissionIndex && e.Present {
				dst = append(dst, " ; "...)
				dst = appendVerdictClause(dst, e, b.Threshold)
			}
		}
		dst = append(dst, '.')
	case b.Outcome == OutcomeAcquired && b.Route == domain.RouteVAE:
		dst = append(dst, " acquis : "...)
		dst = appendClause(dst, b.Evaluators[commissionIndex], "l'a attribué", b.Threshold)
		dst = append(dst, " ; en VAE, son verdict décide seul."...)
	case b.Outcome == OutcomeAcquired:
		if b.Route == domain.RouteBlocs {
			dst = append(dst, " acquis : l'organisme de formation et le référent entreprise l'ont tous deux attribué"...)
		} else {
			dst = append(dst, " acquis : tous les évaluateurs l'ont attribué"...)
		}
		for _, e := range b.Evaluators {
			if e.Present {
				dst = append(dst, " ; "...)
				dst = appendVerdictClause(dst, e, b.Threshold)
			}
		}
		dst = append(dst, '.')
	default:
		dst = append(dst, ' ')
		dst = append(dst, b.Outcome.Label()...)
		dst = append(dst, '.')
	}
	return dst
}

func sep(dst []byte, first *bool) []byte {
	if !*first {
		dst = append(dst, " ; "...)
	}
	*first = false
	return dst
}

// appendDebate writes the verdicts behind a debate: on the formation route the commission's
// first (it awards the block, or there would be no debate), then the others'; on the blocs
// route, where the commission takes no part, the OF's then the referent's.
func appendDebate(dst []byte, b BlockResult) []byte {
	first := true
	if c := b.Evaluators[commissionIndex]; c.Present {
		dst = appendClause(dst, c, "l'a jugé acquis", b.Threshold)
		first = false
	}
	for ei, e := range b.Evaluators {
		if ei != commissionIndex && e.Present {
			dst = sep(dst, &first)
			dst = appendVerdictClause(dst, e, b.Threshold)
		}
	}
	return dst
}

// refusedByAll reports whether no evaluator read awards the block.
func (b BlockResult) refusedByAll() bool {
	for _, e := range b.Evaluators {
		if e.Present && e.Verdict == VerdictAcquired {
			return false
		}
	}
	return true
}

func appendVerdictClause(dst []byte, e EvaluatorResult, threshold int) []byte {
	if e.Verdict == VerdictAcquired {
		return appendClause(dst, e, "l'a attribué", threshold)
	}
	return appendClause(dst, e, "ne l'a pas attribué", threshold)
}

// appendClause writes « <evaluator> <verb> (<n> compétences détaillées acquises sur <t>, soit
// <p> % ≥ <threshold> %) ».
func appendClause(dst []byte, e EvaluatorResult, verb string, threshold int) []byte {
	dst = append(dst, evaluatorSubject(e.Evaluator)...)
	dst = append(dst, ' ')
	dst = append(dst, verb...)
	dst = append(dst, " ("...)
	dst = appendCount(dst, e.Acquired, "compétence détaillée acquise", "compétences détaillées acquises")
	dst = append(dst, " sur "...)
	dst = AppendInt(dst, e.Total)
	dst = append(dst, ", soit "...)
	dst = AppendShare(dst, e.Acquired, e.Total)
	if Awards(e.Acquired, e.Total, threshold) {
		dst = append(dst, " ≥ "...)
	} else {
		dst = append(dst, " < "...)
	}
	dst = AppendInt(dst, threshold)
	return append(dst, " %)"...)
}

// appendUnmarked writes « le référent entreprise n'a évalué que 1 compétence sur 2 ».
func appendUnmarked(dst []byte, e EvaluatorResult) []byte {
	dst = append(dst, evaluatorSubject(e.Evaluator)...)
	if e.Marked == 0 {
		if e.Competences == 1 {
			return append(dst, " n'a pas évalué la compétence du bloc"...)
		}
		dst = append(dst, " n'a évalué aucune des "...)
		dst = AppendInt(dst, e.Competences)
		return append(dst, " compétences du bloc"...)
	}
	dst = append(dst, " n'a évalué que "...)
	dst = appendCount(dst, e.Marked, "compétence", "compétences")
	dst = append(dst, " sur "...)
	return AppendInt(dst, e.Competences)
}

func evaluatorSubject(e domain.Evaluator) string {
	switch e {
	case domain.EvaluatorTrainingOrganisation:
		return "l'organisme de formation"
	case domain.EvaluatorCompanyReferent:
		return "le référent entreprise"
	case domain.EvaluatorCommission:
		return "la commission d'évaluation"
	}
	return string(e)
}

// appendCount writes n with the singular or plural noun; French uses the singular for 0 and 1.
func appendCount(dst []byte, n int, singular, plural string) []byte {
	dst = AppendInt(dst, n)
	dst = append(dst, ' ')
	if n < 2 {
		return append(dst, singular...)
	}
	return append(dst, plural...)
}

// AppendShare writes acquired/total as a French percentage truncated to one decimal: « 50 % »,
// « 66,6 % », « 71,4 % ». Integers only: the value shown never exceeds the exact value.
func AppendShare(dst []byte, acquired, total int) []byte {
	if total <= 0 {
		return append(dst, "0 %"...)
	}
	tenths := acquired * 1000 / total
	dst = AppendInt(dst, tenths/10)
	if tenths%10 != 0 {
		dst = append(dst, ',')
		dst = append(dst, byte('0'+tenths%10))
	}
	return append(dst, " %"...)
}

// AppendInt writes n in French notation: thousands grouped by a narrow no-break space
// (U+202F), e.g. « 12 345 ».
func AppendInt(dst []byte, n int) []byte {
	if n < 0 {
		dst = append(dst, '-')
		n = -n
	}
	var tmp [20]byte
	s := strconv.AppendInt(tmp[:0], int64(n), 10)
	for i := 0; i < len(s); i++ {
		if i > 0 && (len(s)-i)%3 == 0 {
			dst = append(dst, "\u202f"...)
		}
		dst = append(dst, s[i])
	}
	return dst
}

// Explanation is the French summary of the candidate's outcome, naming the blocks concerned.
func (r CandidateResult) Explanation() string {
	var acquired, debate, incomplete []string
	for _, b := range r.Blocks {
		switch b.Outcome {
		case OutcomeAcquired:
			acquired = append(acquired, b.Code)
		case OutcomeDebate:
			debate = append(debate, b.Code)
		case OutcomeIncomplete:
			incomplete = append(incomplete, b.Code)
		}
	}
	n := len(r.Blocks)
	var sb strings.Builder
	switch r.Outcome {
	case CandidateCertified:
		sb.WriteString("Certifié : ")
		sb.WriteString(countBlocks(n, "bloc acquis", "blocs acquis"))
		sb.WriteString(" sur ")
		sb.WriteString(strconv.Itoa(n))
		sb.WriteString(", le certificat peut être délivré.")
	case CandidatePartial:
		if r.Route == domain.RouteBlocs && len(acquired) == n {
			sb.WriteString("Blocs acquis : ")
			sb.WriteString(countBlocks(n, "bloc présenté acquis", "blocs présentés acquis"))
			sb.WriteString(" (" + strings.Join(acquired, ", ") + "), chacun donne droit à une attestation de bloc ; " +
				"le certificat s'obtient à l'étape finale, devant la commission d'évaluation, une fois tous les blocs du CQP acquis.")
			break
		}
		sb.WriteString("Validation partielle : ")
		sb.WriteString(countBlocks(len(acquired), "bloc acquis", "blocs acquis"))
		sb.WriteString(" sur ")
		sb.WriteString(strconv.Itoa(n))
		sb.WriteString(" (" + strings.Join(acquired, ", ") + "), chacun donne droit à une attestation de bloc ; les autres blocs restent à acquérir.")
	case CandidatePending:
		sb.WriteString("En attente :")
		if len(debate) > 0 {
			sb.WriteString(" " + countBlocks(len(debate), "bloc en débat", "blocs en débat") + " (" + strings.Join(debate, ", ") + ") à soumettre au jury")
		}
		if len(incomplete) > 0 {
			if len(debate) > 0 {
				sb.WriteString(" ;")
			}
			sb.WriteString(" " + countBlocks(len(incomplete), "bloc incomplet", "blocs incomplets") + " (" + strings.Join(incomplete, ", ") + ")")
		}
		sb.WriteString(".")
	case CandidateNotCertified:
		sb.WriteString("Non certifié : aucun bloc acquis sur ")
		sb.WriteString(strconv.Itoa(n))
		sb.WriteString(".")
	}
	return sb.String()
}

func countBlocks(n int, singular, plural string) string {
	return string(appendCount(nil, n, singular, plural))
}
