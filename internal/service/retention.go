package service

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"cqp/internal/domain"
	"cqp/internal/store"
)

// Personal data is kept no longer than the branch decides (issue 14, item 15): one rule per
// kind of data (domain.RetentionKind), applied every day by "cqp serve" and on demand by
// "cqp purge". What a purge erases is counted in the audit trail.

// RetentionRules returns the branch's rules, for its settings page.
func (s *Service) RetentionRules(ctx context.Context, a domain.Actor) ([]store.RetentionRule, error) {
	if err := Check(a, ActBranchSettings); err != nil {
		return nil, err
	}
	return s.retentionRules(ctx, s.store.Read())
}

// PrivacyNotice is what the public privacy page says: who holds the data, and the rules.
type PrivacyNotice struct {
	BranchName string
	Rules      []store.RetentionRule
}

// PrivacyNotice returns the branch's name and rules for the public privacy page.
func (s *Service) PrivacyNotice(ctx context.Context) (PrivacyNotice, error) {
	r := s.store.Read()
	var n PrivacyNotice
	bs, err := r.Branches(ctx)
	if err != nil {
		return n, err
	}
	if len(bs) > 0 {
		n.BranchName = bs[0].Name
	}
	n.Rules, err = s.retentionRules(ctx, r)
	return n, err
}

func (s *Service) retentionRules(ctx context.Context, q store.Q) ([]store.RetentionRule, error) {
	bs, err := q.Branches(ctx)
	if err != nil {
		return nil, err
	}
	if len(bs) == 0 { // no branch yet: the defaults
		return store.DefaultRetentionRules(), nil
	}
	return q.RetentionRules(ctx, bs[0].ID)
}

// RetentionField is the form field of a kind's months.
func RetentionField(k domain.RetentionKind) string { return "months_" + string(k) }

// SaveRetentionRules records the months typed for each kind (as the form sends them, keyed by
// kind). Every kind is checked before anything is written; the change is audited.
func (s *Service) SaveRetentionRules(ctx context.Context, a domain.Actor, months map[domain.RetentionKind]string) error {
	if err := Check(a, ActBranchSettings); err != nil {
		return err
	}
	fe := domain.FieldErrors{}
	parsed := map[domain.RetentionKind]int{}
	for k, v := range months {
		if !k.Valid() {
			return domain.Errorf(domain.EINVALID, "Type de données inconnu : %q.", string(k))
		}
		n, err := strconv.Atoi(strings.TrimSpace(v))
		if err != nil {
			fe.Add(RetentionField(k), fmt.Sprintf("%s : indiquez un nombre entier de mois, de %d à %d.",
				k.Label(), domain.MinRetentionMonths, domain.MaxRetentionMonths))
			continue
		}
		if err := domain.CheckRetentionMonths(k, n); err != nil {
			fe.Add(RetentionField(k), domain.ErrorMessage(err))
			continue
		}
		parsed[k] = n
	}
	if err := fe.Err(); err != nil {
		return err
	}
	return s.store.Write(ctx, func(q store.Q) error {
		b, err := branchID(ctx, q)
		if err != nil {
			return err
		}
		before, err := q.RetentionRules(ctx, b.ID)
		if err != nil {
			return err
		}
		was, now := map[string]int{}, map[string]int{}
		for _, r := range before {
			was[string(r.Kind)] = r.Months
			n, ok := parsed[r.Kind]
			if !ok || n == r.Months && !r.Default {
				now[string(r.Kind)] = r.Months
				continue
			}
			now[string(r.Kind)] = n
			if err := q.SaveRetentionRule(ctx, b.ID, store.RetentionRule{Kind: r.Kind, Months: n, UpdatedAt: s.Now(), UpdatedBy: a.Name}); err != nil {
				return err
			}
		}
		return s.audit(ctx, q, a, change{Action: "retention.rules", EntityType: "branch", EntityID: b.ID, Before: was, After: now})
	})
}

// purgeBatch is how many people or files one transaction of a purge erases: a first purge of
// a large, old database erases tens of thousands, in short transactions that let the other
// writers through.
const purgeBatch = 200

// PurgeActorName is who the audit trail names for the purges cqp runs by itself.
const PurgeActorName = "Conservation des données"

// PurgeReport counts what a purge erased, or would erase on a dry run.
type PurgeReport struct {
	DryRun     bool
	VAEFiles   int // VAE files whose content was erased
	Evidence   int // evidence files among them
	Mails      int // mails deleted
	Candidates int // people anonymised
}

// Empty reports whether the purge had nothing to erase.
func (p PurgeReport) Empty() bool { return p.VAEFiles == 0 && p.Mails == 0 && p.Candidates == 0 }

// String is the report as the command line prints it.
func (p PurgeReport) String() string {
	if p.DryRun {
		return fmt.Sprintf("Dossiers VAE à effacer : %d ; courriels à supprimer : %d ; personnes à anonymiser : %d",
			p.VAEFiles, p.Mails, p.Candidates)
	}
	return fmt.Sprintf("Dossiers VAE effacés : %d (dont %d pièces) ; courriels supprimés : %d ; personnes anonymisées : %d",
		p.VAEFiles, p.Evidence, p.Mails, p.Candidates)
}

// PurgeExpired applies the branch's retention rules at the service's clock: it erases the VAE
// files, the mails and the identities whose time is over, each in the transaction that audits
// it. dryRun counts without erasing. The daily run of "cqp serve" and "cqp purge" call it with
// a system actor; the secretariat may run it too.
func (s *Service) PurgeExpired(ctx context.Context, a domain.Actor, dryRun bool) (PurgeReport, error) {
	report := PurgeReport{DryRun: dryRun}
	if !a.System {
		if err := Check(a, ActBranchSettings); err != nil {
			return report, err
		}
	}
	r := s.store.Read()
	rules, err := s.retentionRules(ctx, r)
	if err != nil {
		return report, err
	}
	now := s.Now()
	limit := map[domain.RetentionKind]time.Time{}
	for _, rule := range rules {
		limit[rule.Kind] = now.AddDate(0, -rule.Months, 0)
	}
	candidates, err := r.UnfinishedCandidatesBefore(ctx, limit[domain.RetainUnfinishedCandidates])
	if err != nil {
		return report, err
	}
	files, err := r.VAEFilesEndedBefore(ctx, limit[domain.RetainVAEFiles])
	if err != nil {
		return report, err
	}
	if dryRun {
		report.Candidates, report.VAEFiles = len(candidates), len(files)
		mails, err := r.CountMailBefore(ctx, limit[domain.RetainMail])
		report.Mails = int(mails)
		return report, err
	}
	why := func(k domain.RetentionKind) string {
		for _, rule := range rules {
			if rule.Kind == k {
				return fmt.Sprintf("Durée de conservation écoulée : %s %s.", domain.RetentionPeriod(rule.Months), k.Start())
			}
		}
		return ""
	}
	sys := a
	for batch := range slices.Chunk(candidates, purgeBatch) {
		var erased []erasure
		err := s.store.Write(ctx, func(q store.Q) error {
			erased = erased[:0]
			for _, id := range batch {
				e, err := s.erase(ctx, q, id, false)
				if err != nil {
					return err
				}
				if err := s.audit(ctx, q, sys, change{Action: "candidate.anonymised", EntityType: "candidate", EntityID: id, CandidateID: id,
					After: e.counts(), Reason: why(domain.RetainUnfinishedCandidates)}); err != nil {
					return err
				}
				erased = append(erased, e)
			}
			return nil
		})
		if err != nil {
			return report, err
		}
		for _, e := range erased {
			report.Candidates++
			report.VAEFiles += e.VAEFiles
			report.Evidence += int(e.Purged.Evidence)
		}
	}
	for batch := range slices.Chunk(files, purgeBatch) {
		var purged []store.PurgedVAEFile
		err := s.store.Write(ctx, func(q store.Q) error {
			purged = purged[:0]
			for _, id := range batch {
				p, err := q.PurgeVAEFile(ctx, id, now)
				if err != nil {
					return err
				}
				candidateID, err := q.EnrolmentCandidateID(ctx, id)
				if err != nil {
					return err
				}
				if err := s.audit(ctx, q, sys, change{Action: "vae.purged", EntityType: "vae_file", EntityID: id, CandidateID: candidateID,
					After:  map[string]int64{"versions": p.Versions, "evidence": p.Evidence, "comments": p.Comments, "letters": p.Letters},
					Reason: why(domain.RetainVAEFiles)}); err != nil {
					return err
				}
				purged = append(purged, p)
			}
			return nil
		})
		if err != nil {
			return report, err
		}
		for _, p := range purged {
			report.VAEFiles++
			report.Evidence += int(p.Evidence)
		}
	}
	err = s.store.Write(ctx, func(q store.Q) error {
		n, err := q.DeleteMailBefore(ctx, limit[domain.RetainMail])
		if err != nil || n == 0 {
			return err
		}
		report.Mails = int(n)
		return s.audit(ctx, q, sys, change{Action: "mail.purged", EntityType: "outbox", After: map[string]int64{"mails": n},
			Reason: why(domain.RetainMail)})
	})
	return report, err
}

// erasure is what erasing one person did.
type erasure struct {
	KeptIdentity bool
	VAEFiles     int
	Purged       store.PurgedVAEFile
	Erased       store.ErasedCandidate
}

func (e erasure) counts() map[string]any {
	return map[string]any{"identity_kept": e.KeptIdentity, "vae_files": e.VAEFiles, "evidence": e.Purged.Evidence,
		"vae_versions": e.Purged.Versions, "mails": e.Erased.Mails, "logbook_texts": e.Erased.LogbookTexts,
		"interviews": e.Erased.Interviews, "account_closed": e.Erased.Account}
}

// erase removes a person's data but what their results need, in q's transaction. keepIdentity
// keeps the names and the birth date, which the verification of a document needs.
func (s *Service) erase(ctx context.Context, q store.Q, candidateID string, keepIdentity bool) (erasure, error) {
	e := erasure{KeptIdentity: keepIdentity}
	enrolments, err := q.CandidateEnrolmentIDs(ctx, candidateID)
	if err != nil {
		return e, err
	}
	for _, id := range enrolments {
		p, err := q.PurgeVAEFile(ctx, id, s.Now())
		if err != nil {
			return e, err
		}
		if p.File {
			e.VAEFiles++
		}
		e.Purged.Versions += p.Versions
		e.Purged.Evidence += p.Evidence
		e.Purged.Comments += p.Comments
		e.Purged.Letters += p.Letters
	}
	e.Erased, err = q.EraseCandidate(ctx, candidateID, keepIdentity, s.Now())
	return e, err
}
