package store

import (
	"context"
	"strconv"
	"strings"

	"cqp/internal/domain"
)

// EventScope is how much of the audit trail a change feed reader sees. Unrestricted, every
// entry; restricted, only the entries about the records each scope names, and of those only
// the kinds of record the role reads on the record itself.
// Its fields are Scope's, in the same order: the service builds one from the other.
type EventScope struct {
	Restricted              bool
	TrainingOrganisationIDs []string // its candidates, enrolments, actions and their orals
	CompanyIDs              []string // its employees and their enrolments
	ReferentUserID          string   // the enrolments this referent follows
	CandidateIDs            []string // these candidates' own file, enrolments, orals, certificates, VAE files
	CommissionMemberUserID  string   // the orals of the commissions this user sits on
}

// candidateEventKinds are the kinds of a candidate's own events they read.
var candidateEventKinds = []string{"candidate", "enrolment", "oral", "certificate", "vae_file"}

// noDraws keeps out of a restricted feed the subject draws written on an oral: the subjects
// are read by the secretariat, the subject committee and, from the day of the oral, its
// commission (service.ActSubjectDrawRead), never before nor by the others.
const noDraws = `action NOT LIKE 'subject.%'`

// ListEvents returns at most limit audit entries with after < id < before, oldest first, within
// scope. Each part of a restricted scope is one index range of the trail (by entity or by
// candidate, both ending in id), cut at limit before the parts are merged: the query reads
// the caller's own records' entries, never the whole trail.
func (q Q) ListEvents(ctx context.Context, sc EventScope, after, before string, limit int) ([]domain.AuditEntry, error) {
	query, a := eventsSQL(sc, after, before, limit)
	if query == "" {
		return nil, nil
	}
	rows, err := q.db.QueryContext(ctx, query, a...)
	if err != nil {
		return nil, normalize(err)
	}
	defer rows.Close()
	var out []domain.AuditEntry
	for rows.Next() {
		var e domain.AuditEntry
		if err := rows.Scan(&e.ID, &e.At, &e.ActorID, &e.ActorName, &e.ActorRole, &e.Action, &e.EntityType, &e.EntityID,
			&e.CandidateID, &e.Before, &e.After, &e.Reason, &e.RequestID); err != nil {
			return nil, normalize(err)
		}
		out = append(out, e)
	}
	return out, normalize(rows.Err())
}

// eventsSQL builds ListEvents' query; "" when the scope reads nothing.
func eventsSQL(sc EventScope, after, before string, limit int) (string, args) {
	var a args
	window := func() string {
		w := `id > ` + a.add(after)
		if before != "" {
			w += ` AND id < ` + a.add(before)
		}
		return w
	}
	var where string
	if !sc.Restricted {
		where = window()
	} else {
		var parts []string
		part := func(cond string) {
			parts = append(parts, `SELECT id FROM (SELECT id FROM audit_log WHERE `+cond+` AND `+window()+
				` ORDER BY id LIMIT `+strconv.Itoa(limit)+`) b`+strconv.Itoa(len(parts)))
		}
		entities := func(kind, ids string) {
			cond := `entity_type = ` + a.add(kind) + ` AND entity_id IN (` + ids + `)`
			if kind == "oral" {
				cond += ` AND ` + noDraws
			}
			part(cond)
		}
		if ids := sc.TrainingOrganisationIDs; len(ids) > 0 {
			entities("candidate", `SELECT candidate_id FROM enrolments WHERE training_organisation_id IN `+a.in(ids))
			entities("enrolment", `SELECT id FROM enrolments WHERE training_organisation_id IN `+a.in(ids))
			entities("action", `SELECT id FROM actions WHERE training_organisation_id IN `+a.in(ids))
			entities("oral", `SELECT o.id FROM orals o JOIN enrolments e ON e.id = o.enrolment_id WHERE e.training_organisation_id IN `+a.in(ids))
		}
		if ids := sc.CompanyIDs; len(ids) > 0 {
			entities("candidate", `SELECT candidate_id FROM enrolments WHERE company_id IN `+a.in(ids))
			entities("enrolment", `SELECT id FROM enrolments WHERE company_id IN `+a.in(ids))
		}
		if sc.ReferentUserID != "" {
			entities("enrolment", `SELECT id FROM enrolments WHERE referent_user_id = `+a.add(sc.ReferentUserID))
		}
		if sc.CommissionMemberUserID != "" {
			entities("oral", `SELECT o.id FROM orals o JOIN commission_members m ON m.commission_id = o.commission_id WHERE m.user_id = `+
				a.add(sc.CommissionMemberUserID))
		}
		if ids := sc.CandidateIDs; len(ids) > 0 {
			part(`candidate_id IN ` + a.in(ids) + ` AND entity_type IN ` + a.in(candidateEventKinds) + ` AND ` + noDraws)
		}
		if len(parts) == 0 {
			return "", nil
		}
		where = `id IN (` + strings.Join(parts, ` UNION `) + `)`
	}
	return `SELECT id, at, actor_id, actor_name, actor_role, action, entity_type, entity_id,
		candidate_id, before_state, after_state, reason, request_id FROM audit_log WHERE ` + where +
		` ORDER BY id LIMIT ` + a.add(limit), a
}

// AuditEntry returns one entry of the trail.
func (q Q) AuditEntry(ctx context.Context, id string) (domain.AuditEntry, error) {
	var e domain.AuditEntry
	err := q.db.QueryRowContext(ctx, `SELECT id, at, actor_id, actor_name, actor_role, action, entity_type, entity_id,
		candidate_id, before_state, after_state, reason, request_id FROM audit_log WHERE id = $1`, id).
		Scan(&e.ID, &e.At, &e.ActorID, &e.ActorName, &e.ActorRole, &e.Action, &e.EntityType, &e.EntityID,
			&e.CandidateID, &e.Before, &e.After, &e.Reason, &e.RequestID)
	return e, normalize(err)
}
