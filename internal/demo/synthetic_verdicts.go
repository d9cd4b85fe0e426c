package demo

import (
	"hash/fnv"
	"math/rand/v2"

	"cqp/internal/domain"
	"cqp/internal/rules"
	"cqp/internal/store"
)

// The evaluators' verdicts behind the synthetic results, for the statistics' evaluator
// agreement: each block a synthetic session judged gets the verdicts of the evaluators its
// route reads (DOMAIN.md §7, rule 2), consistent with the block's outcome under the rules:
//
//   - formation: an acquired block was awarded by all three grids, or the commission awarded it,
//     a training organisation or referent did not, and the jury settled the debate « acquis »;
//     a block not acquired was refused by the commission, or awarded by it and refused by an
//     evaluator, the jury settling the debate « non acquis »;
//   - blocs (no commission): both evaluators awarded an acquired block, or the jury settled a
//     debate « acquis »; a block not acquired is always a debate settled « non acquis »;
//   - vae: the commission alone.
//
// Each training organisation and company has its own leniency (how often it awards a block the
// commission refuses) and severity (how often it refuses a block the commission awards), drawn
// from its id: most agree closely with the commission, a few do not.

// verdictEnrolment is what the verdicts of one judged enrolment depend on.
type verdictEnrolment struct {
	sessionID, enrolmentID, organisationID, companyID string
	route                                             domain.Route
	blocks                                            []string
	acquired                                          uint64 // bit i: blocks[i] acquired
}

// syntheticVerdicts draws the verdicts of one judged enrolment's blocks. The draw depends on
// the seed and the enrolment's id only.
func syntheticVerdicts(seed uint64, e verdictEnrolment) []store.BlockVerdicts {
	rng := rand.New(rand.NewPCG(seed, idHash(e.enrolmentID)))
	ofLenient, ofSevere := evaluatorBias(seed, e.organisationID)
	refLenient, refSevere := evaluatorBias(seed, e.companyID)
	const acquired, notAcquired = string(rules.VerdictAcquired), string(rules.VerdictNotAcquired)
	// say is an evaluator's verdict: the commission's unless it departs from it.
	say := func(commission string, lenient, severe float64) string {
		if commission == acquired && rng.Float64() < severe {
			return notAcquired
		}
		if commission == notAcquired && rng.Float64() < lenient {
			return acquired
		}
		return commission
	}
	out := make([]store.BlockVerdicts, 0, len(e.blocks))
	for i, code := range e.blocks {
		isAcquired := e.acquired&(1<<i) != 0
		v := store.BlockVerdicts{SessionID: e.sessionID, EnrolmentID: e.enrolmentID, BlockCode: code,
			TrainingOrganisationID: e.organisationID, CompanyID: e.companyID}
		switch e.route {
		case domain.RouteVAE:
			v.Commission = notAcquired
			if isAcquired {
				v.Commission = acquired
			}
		case domain.RouteFormation:
			if !isAcquired && rng.IntN(5) > 0 {
				// Refused by the commission: no debate, whatever the others say.
				v.Commission = notAcquired
				v.Organisation, v.Referent = say(notAcquired, ofLenient, ofSevere), say(notAcquired, refLenient, refSevere)
				break
			}
			v.Commission = acquired
			v.Organisation, v.Referent = say(acquired, ofLenient, ofSevere), say(acquired, refLenient, refSevere)
			if !isAcquired && v.Organisation == acquired && v.Referent == acquired {
				// A debate settled « non acquis » needs an evaluator who refused the block.
				if rng.IntN(2) == 0 {
					v.Organisation = notAcquired
				} else {
					v.Referent = notAcquired
				}
			}
			settleDebate(&v, isAcquired)
		case domain.RouteBlocs:
			v.Organisation, v.Referent = say(acquired, ofLenient, ofSevere), say(acquired, refLenient, refSevere)
			if !isAcquired && v.Organisation == acquired && v.Referent == acquired {
				v.Organisation = notAcquired
			}
			settleDebate(&v, isAcquired)
		}
		out = append(out, v)
	}
	return out
}

// settleDebate puts a block in debate when an evaluator refused it while no commission
// refused it, and records the jury's decision: the block's outcome.
func settleDebate(v *store.BlockVerdicts, acquired bool) {
	na := string(rules.VerdictNotAcquired)
	if v.Organisation != na && v.Referent != na {
		return
	}
	v.InDebate, v.Decision = true, string(rules.JuryNotAcquired)
	if acquired {
		v.Decision = string(rules.JuryAcquired)
	}
}

// evaluatorBias is a training organisation's or company's leniency and severity: one in eight
// departs often from the commission (kappa well under 0.40), the others seldom.
func evaluatorBias(seed uint64, id string) (lenient, severe float64) {
	r := rand.New(rand.NewPCG(seed^0x61677265, idHash(id)))
	if r.IntN(8) == 0 {
		return 0.35 + 0.3*r.Float64(), 0.15 + 0.15*r.Float64()
	}
	return 0.03 + 0.12*r.Float64(), 0.01 + 0.05*r.Float64()
}

func idHash(id string) uint64 {
	h := fnv.New64a()
	h.Write([]byte(id))
	return h.Sum64()
}
