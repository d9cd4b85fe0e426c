package service

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"cqp/internal/domain"
	"cqp/internal/store"
)

// The shipped framework carries placeholders and inferences flagged "to be confirmed by the
// branch" (DOMAIN.md §4). The secretariat confirms each flagged item as it is, or corrects its
// title and confirms it, on the framework's page; until every item of a version is confirmed,
// no certificate or attestation is issued under it (certificates.go), so that no document
// prints a placeholder.
//
// Confirming is a change of wording: the item's title, its flag and the note that explained
// the flag. Codes, kinds, detailed counts and rules never change this way, so a version that
// candidates already use (frozen) may be confirmed too: its candidates are judged exactly as
// before, and their documents print the branch's wording instead of a placeholder. Any other
// change goes through an import, which makes a new version of a frozen one.

// Limits on what the secretariat types when confirming.
const (
	maxItemTitle          = 300
	maxConfirmationReason = 500
)

// FrameworkItemInput is the secretariat's confirmation of one item flagged to confirm.
type FrameworkItemInput struct {
	Item   string // the item's domain.FrameworkItem Ref
	Title  string // the title to keep (the current one: confirmed as is) or its correction; ignored for the prerequisites
	Reason string // optional: why, or on what authority (a decision of the CPNEFP…)
}

// FrameworkItemResult says what a confirmation did.
type FrameworkItemResult struct {
	Record    store.FrameworkRecord // the version after the confirmation
	Item      domain.FrameworkItem  // the item as it was before
	Corrected bool                  // its title changed
}

// ConfirmFrameworkItem confirms one item flagged to confirm in a framework version, frozen or
// not: as it is, or with a corrected title. A title that still reads as a placeholder
// (« à compléter ») cannot be confirmed. When the qualification's own title is corrected on
// its latest version, the qualification takes that title, as an import would do. The change
// is audited with the item's wording before and after.
func (s *Service) ConfirmFrameworkItem(ctx context.Context, a domain.Actor, frameworkID string, in FrameworkItemInput) (FrameworkItemResult, error) {
	if err := Check(a, ActFrameworkConfirm); err != nil {
		return FrameworkItemResult{}, err
	}
	title := strings.Join(strings.Fields(in.Title), " ")
	reason := strings.TrimSpace(in.Reason)
	fe := domain.FieldErrors{}
	if strings.TrimSpace(in.Item) == "" {
		fe.Add("item", "Choisissez l'élément du référentiel à confirmer.")
	}
	if utf8.RuneCountInString(reason) > maxConfirmationReason {
		fe.Add("reason", fmt.Sprintf("La raison ne peut dépasser %d caractères.", maxConfirmationReason))
	}
	if err := fe.Err(); err != nil {
		return FrameworkItemResult{}, err
	}
	var res FrameworkItemResult
	err := s.store.Write(ctx, func(q store.Q) error {
		rec, err := q.LockFramework(ctx, frameworkID)
		if err != nil {
			return err
		}
		item, ok := rec.Framework.Item(in.Item)
		if !ok {
			return fieldError("item", "Cet élément n'existe pas dans ce référentiel : rechargez la page.")
		}
		if !item.ToConfirm {
			return domain.Errorf(domain.ECONFLICT, "L'élément %s est déjà confirmé : rechargez la page.", item.Name())
		}
		if !item.HasTitle() {
			title = ""
		} else {
			switch {
			case title == "":
				return fieldError("title", "Indiquez l'intitulé arrêté par la branche : "+item.Name()+".")
			case utf8.RuneCountInString(title) > maxItemTitle:
				return fieldError("title", fmt.Sprintf("L'intitulé ne peut dépasser %d caractères.", maxItemTitle))
			case domain.ReadsAsPlaceholder(title):
				return fieldError("title", "« "+title+" » est un texte d'attente, pas un intitulé : saisissez l'intitulé arrêté par la branche pour le "+item.Name()+".")
			}
		}
		fw, err := rec.Framework.ConfirmItem(item.Ref(), title)
		if err != nil {
			return err
		}
		if err := q.SetFrameworkWording(ctx, rec.ID, fw); err != nil {
			return err
		}
		res.Item, res.Corrected = item, item.HasTitle() && title != item.Title
		if item.Kind == domain.ItemQualification && res.Corrected {
			versions, err := q.FrameworkVersions(ctx, rec.QualificationID)
			if err != nil {
				return err
			}
			if len(versions) > 0 && versions[0].ID == rec.ID {
				if err := q.SetQualificationTitle(ctx, rec.QualificationID, title); err != nil {
					return err
				}
			}
		}
		action := "framework.confirm"
		if res.Corrected {
			action = "framework.correct"
		}
		before := map[string]any{"qualification": rec.Framework.Qualification.Code, "version": rec.Version, "item": item.Name(),
			"to_confirm": true, "note": item.Note}
		after := map[string]any{"qualification": rec.Framework.Qualification.Code, "version": rec.Version, "item": item.Name(),
			"to_confirm": false}
		if item.HasTitle() {
			before["title"], after["title"] = item.Title, title
		}
		if err := s.audit(ctx, q, a, change{Action: action, EntityType: "framework", EntityID: rec.ID,
			Before: before, After: after, Reason: reason}); err != nil {
			return err
		}
		res.Record, err = q.Framework(ctx, rec.ID)
		return err
	})
	return res, err
}

// FrameworkWordingChange is one confirmation or correction of a framework version's item, as
// the audit trail recorded it.
type FrameworkWordingChange struct {
	At        time.Time
	ActorName string
	ActorRole string
	Corrected bool
	Item      string // the item's name: « bloc OPT1 »
	Before    string // its title before ("" for the prerequisites)
	After     string // its title after
	Reason    string
}

// FrameworkWordingHistory lists the confirmations and corrections made to a framework
// version, newest first, for those who read the audit trail.
func (s *Service) FrameworkWordingHistory(ctx context.Context, a domain.Actor, frameworkID string) ([]FrameworkWordingChange, error) {
	if err := Check(a, ActAuditRead); err != nil {
		return nil, err
	}
	entries, _, err := s.store.Read().ListAudit(ctx, store.AuditFilter{EntityType: "framework", EntityID: frameworkID, Limit: 1000})
	if err != nil {
		return nil, err
	}
	var out []FrameworkWordingChange
	for _, e := range entries {
		if e.Action != "framework.confirm" && e.Action != "framework.correct" {
			continue
		}
		var before, after struct {
			Item  string `json:"item"`
			Title string `json:"title"`
		}
		if json.Unmarshal([]byte(e.Before), &before) != nil || json.Unmarshal([]byte(e.After), &after) != nil {
			continue
		}
		out = append(out, FrameworkWordingChange{At: e.At, ActorName: e.ActorName, ActorRole: e.ActorRole,
			Corrected: e.Action == "framework.correct", Item: after.Item, Before: before.Title, After: after.Title, Reason: e.Reason})
	}
	return out, nil
}
