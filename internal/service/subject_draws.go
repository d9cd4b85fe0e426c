package service

import (
	"context"
	"fmt"
	"math/rand/v2"
	"strings"

	"cqp/internal/domain"
	"cqp/internal/store"
)

// The draw of an oral's subjects (issue 18). When the secretariat schedules an oral, the
// commission gets one practical case and one knowledge question of the candidate's
// qualification, drawn at random among the bank's valid subjects (accepted, not retired, valid
// on the oral's day) that bear only on the blocks the candidate presents, never one proposed by
// the candidate's training organisation or company, never one the candidate met at an earlier
// oral (a redrawn one included), the least used first. When no subject qualifies the oral is
// scheduled all the same and the secretariat reads why, on the oral's subjects page and on its
// dashboard. The commission reads the subjects from the day of the oral (Paris time), the
// secretariat and the subject committee at any time; the proposers and the candidate never.
//
// The audit entries of a draw name the oral and the subject, never the candidate: the
// candidate's personal-data export carries the entries about them, and must not tell which
// subject they will meet.

// SetSubjectPicker replaces the draw's random source: pick(n) returns an index in [0, n).
// Tests pass a fixed one; by default the draw uses math/rand/v2's generator.
func (s *Service) SetSubjectPicker(pick func(n int) int) { s.pickSubject = pick }

func (s *Service) pick(n int) int {
	if s.pickSubject != nil {
		if i := s.pickSubject(n); i >= 0 && i < n {
			return i
		}
		return 0
	}
	return rand.IntN(n)
}

// SubjectDrawOutcome is the draw of one kind of subject for an oral: the draw made, or why no
// subject could be drawn.
type SubjectDrawOutcome struct {
	Kind    domain.SubjectKind
	Draw    *domain.SubjectDraw
	Missing string // in French: why no subject qualifies
}

// Message tells the secretariat what happened, in French.
func (o SubjectDrawOutcome) Message() string {
	if o.Draw != nil {
		return o.Kind.Label() + " tiré."
	}
	return "Aucun sujet disponible pour « " + o.Kind.Label() + " » : " + o.Missing + "."
}

// SubjectDrawNote sums up the outcomes for the secretariat's message after scheduling an oral.
func SubjectDrawNote(outcomes []SubjectDrawOutcome) string {
	var missing []string
	for _, o := range outcomes {
		if o.Draw == nil {
			missing = append(missing, o.Message())
		}
	}
	if len(outcomes) == 0 {
		return ""
	}
	if len(missing) == 0 {
		return "Le cas pratique et la question de connaissances sont tirés dans la banque de sujets."
	}
	return strings.Join(missing, " ") + " L'oral est programmé : tirez le sujet depuis la page des sujets de l'oral quand la banque en aura un."
}

// drawFilter is what an oral may draw of one kind.
func drawFilter(o store.Oral, cand domain.Candidate, e domain.Enrolment, kind domain.SubjectKind) store.DrawableFilter {
	var excluded []string
	for _, id := range []string{e.TrainingOrganisationID, e.CompanyID} {
		if id != "" {
			excluded = append(excluded, id)
		}
	}
	return store.DrawableFilter{QualificationID: e.QualificationID, Kind: kind, On: domain.DateOf(o.StartsAt),
		Blocks: e.Blocks, ExcludedOrgs: excluded, CandidateID: cand.ID}
}

// drawOralSubjects draws each kind for the oral. A kind in replace has a draw in force that the
// new one replaces, with the reason; when nothing qualifies, the outcome says why and nothing is
// written for that kind.
func (s *Service) drawOralSubjects(ctx context.Context, q store.Q, a domain.Actor, o store.Oral, cand domain.Candidate, e domain.Enrolment,
	kinds []domain.SubjectKind, replace map[domain.SubjectKind]domain.SubjectDraw, reason string) ([]SubjectDrawOutcome, error) {
	var out []SubjectDrawOutcome
	for _, kind := range kinds {
		f := drawFilter(o, cand, e, kind)
		oc := SubjectDrawOutcome{Kind: kind}
		var list []store.SubjectListing
		var err error
		if len(f.Blocks) > 0 {
			if list, err = q.DrawableSubjects(ctx, f); err != nil {
				return nil, err
			}
		}
		if len(list) == 0 {
			if oc.Missing, err = whyNoSubject(ctx, q, f, e); err != nil {
				return nil, err
			}
			out = append(out, oc)
			continue
		}
		// The least used come first: draw among them.
		least := 1
		for least < len(list) && list[least].Uses == list[0].Uses {
			least++
		}
		chosen := list[s.pick(least)]
		d := domain.SubjectDraw{ID: newID(), OralID: o.ID, SubjectID: chosen.ID, Kind: kind, Version: chosen.CurrentVersion,
			CandidateID: cand.ID, EnrolmentID: e.ID, DrawnBy: a.UserID, DrawnAt: s.Now()}
		after := map[string]any{"kind": string(kind), "subject_id": chosen.ID, "version": chosen.CurrentVersion, "draw_id": d.ID}
		if old, ok := replace[kind]; ok {
			if err := q.ReplaceSubjectDraw(ctx, old.ID, d, a.UserID, reason); err != nil {
				return nil, err
			}
			if err := s.audit(ctx, q, a, change{Action: "subject.redraw", EntityType: "oral", EntityID: o.ID,
				Before: map[string]any{"kind": string(kind), "subject_id": old.SubjectID, "version": old.Version, "draw_id": old.ID},
				After:  after, Reason: reason}); err != nil {
				return nil, err
			}
		} else {
			if err := q.CreateSubjectDraw(ctx, d); err != nil {
				return nil, err
			}
			if err := s.audit(ctx, q, a, change{Action: "subject.draw", EntityType: "oral", EntityID: o.ID, After: after}); err != nil {
				return nil, err
			}
		}
		oc.Draw = &d
		out = append(out, oc)
	}
	return out, nil
}

// kindNone says « aucun cas pratique » or « aucune question de connaissances ».
func kindNone(k domain.SubjectKind) string {
	if k == domain.SubjectKnowledgeQuestion {
		return "aucune question de connaissances"
	}
	return "aucun cas pratique"
}

// whyNoSubject says why no subject qualifies: none valid at all, or how many of the valid ones
// each rule leaves out (lifting the rules one by one: blocks, organisations, subjects met).
func whyNoSubject(ctx context.Context, q store.Q, f store.DrawableFilter, e domain.Enrolment) (string, error) {
	if len(f.Blocks) == 0 {
		return "l'inscription du candidat ne présente aucun bloc", nil
	}
	count := func(g store.DrawableFilter) (int, error) {
		list, err := q.DrawableSubjects(ctx, g)
		return len(list), err
	}
	qualification := "du CQP « " + e.QualificationTitle + " »"
	if e.QualificationTitle == "" {
		qualification = "de la qualification du candidat"
	}
	g := store.DrawableFilter{QualificationID: f.QualificationID, Kind: f.Kind, On: f.On}
	valid, err := count(g)
	if err != nil || valid == 0 {
		return fmt.Sprintf("la banque n'a %s %s accepté et valide le %s", kindNone(f.Kind), qualification, f.On.String()), err
	}
	g.Blocks = f.Blocks
	onBlocks, err := count(g)
	if err != nil {
		return "", err
	}
	g.ExcludedOrgs = f.ExcludedOrgs
	notOwn, err := count(g)
	if err != nil {
		return "", err
	}
	var parts []string
	if n := valid - onBlocks; n > 0 {
		parts = append(parts, fmt.Sprintf("%d %s sur des blocs que le candidat ne présente pas", n, pluralWord(n, "porte", "portent")))
	}
	if n := onBlocks - notOwn; n > 0 {
		parts = append(parts, fmt.Sprintf("%d %s par l'organisme de formation ou l'entreprise du candidat", n, pluralWord(n, "a été proposé", "ont été proposés")))
	}
	if notOwn > 0 {
		parts = append(parts, fmt.Sprintf("%d %s déjà été rencontré%s par le candidat lors d'un oral précédent", notOwn, pluralWord(notOwn, "a", "ont"), pluralWord(notOwn, "", "s")))
	}
	return fmt.Sprintf("sur %s %s, %s", Plural(valid, "sujet valide", "sujets valides"), qualification, strings.Join(parts, ", ")), nil
}

func pluralWord(n int, singular, plural string) string {
	if n > 1 {
		return plural
	}
	return singular
}

// DrawnSubject is a subject drawn for an oral, as its commission reads it: the subject's current
// version, its attachments, and who drew it when.
type DrawnSubject struct {
	Draw        domain.SubjectDraw
	Subject     domain.Subject
	Attachments []domain.SubjectAttachment
	DrawnByName string
	// Stale, for the secretariat and the committee, says the subject is no longer valid on the
	// oral's day (retired since, or its validity ends before an oral moved later).
	Stale string
}

// ReplacedDraw is a draw replaced by a redraw, as the secretariat and the committee read it.
type ReplacedDraw struct {
	Draw          domain.SubjectDraw
	Title         string
	RedrawnByName string
}

// OralSubjects is what one reader sees of an oral's subjects.
type OralSubjects struct {
	Oral      OralView
	Candidate domain.Candidate
	// Visible is false for the commission before the day of the oral: then only VisibleFrom shows.
	Visible     bool
	VisibleFrom string
	Subjects    []DrawnSubject
	// Missing lists the kinds without a draw and why (the secretariat and the committee).
	Missing   []SubjectDrawOutcome
	Replaced  []ReplacedDraw
	Staff     bool // the secretariat or the subject committee: history and reasons
	CanRedraw bool
	Started   bool // the oral has started: its subjects are no longer drawn again
}

// OralSubjects returns the subjects drawn for an oral as the actor may read them: the
// secretariat and the subject committee at any time; a member of the oral's commission from the
// day of the oral (before it, only that day); anyone else finds no such oral.
func (s *Service) OralSubjects(ctx context.Context, a domain.Actor, oralID string) (OralSubjects, error) {
	if err := Check(a, ActSubjectDrawRead); err != nil {
		return OralSubjects{}, err
	}
	q := s.store.Read()
	o, err := q.Oral(ctx, oralID)
	if err != nil {
		return OralSubjects{}, err
	}
	v := OralSubjects{Oral: oralView(o), Candidate: o.Candidate, Staff: AccessFor(a, ActSubjectDrawRead) == AccessAll,
		Started: !s.Now().Before(o.StartsAt)}
	v.VisibleFrom = v.Oral.Day()
	if !v.Staff {
		member := false
		for _, m := range o.Members {
			member = member || m.UserID == a.UserID
		}
		if !member {
			return OralSubjects{}, domain.Errorf(domain.ENOTFOUND, "Oral introuvable.")
		}
		if s.Today().Before(domain.DateOf(o.StartsAt)) {
			return v, nil
		}
	}
	v.Visible = true
	v.CanRedraw = Can(a, ActSubjectRedraw) && !v.Started
	draws, err := q.SubjectDraws(ctx, oralID)
	if err != nil {
		return OralSubjects{}, err
	}
	names := map[string]string{}
	name := func(id string) string {
		if id == "" {
			return "la plateforme"
		}
		if n, ok := names[id]; ok {
			return n
		}
		u, err := q.UserByID(ctx, id)
		if err == nil {
			names[id] = u.Name
		}
		return names[id]
	}
	inForce := map[domain.SubjectKind]bool{}
	for _, kind := range domain.SubjectKinds {
		for _, d := range draws {
			if d.Kind != kind || !d.InForce() {
				continue
			}
			sub, err := q.Subject(ctx, d.SubjectID)
			if err != nil {
				return OralSubjects{}, err
			}
			atts, err := q.SubjectAttachments(ctx, d.SubjectID)
			if err != nil {
				return OralSubjects{}, err
			}
			ds := DrawnSubject{Draw: d, Subject: sub, Attachments: atts, DrawnByName: name(d.DrawnBy)}
			if v.Staff && !sub.ValidOn(domain.DateOf(o.StartsAt)) {
				ds.Stale = "Ce sujet n'est plus valide le jour de l'oral (retiré de la banque ou arrivé au terme de sa validité) : tirez-en un autre."
			}
			v.Subjects = append(v.Subjects, ds)
			inForce[kind] = true
		}
	}
	if !v.Staff {
		return v, nil
	}
	for _, d := range draws {
		if d.InForce() {
			continue
		}
		sub, err := q.Subject(ctx, d.SubjectID)
		if err != nil {
			return OralSubjects{}, err
		}
		v.Replaced = append(v.Replaced, ReplacedDraw{Draw: d, Title: sub.Current.Title, RedrawnByName: name(d.RedrawnBy)})
	}
	var cand domain.Candidate
	var e domain.Enrolment
	for _, kind := range domain.SubjectKinds {
		if inForce[kind] {
			continue
		}
		if e.ID == "" {
			if cand, e, err = enrolmentUnscoped(ctx, q, o.EnrolmentID); err != nil {
				return OralSubjects{}, err
			}
		}
		why, err := whyNoSubject(ctx, q, drawFilter(o.Oral, cand, e, kind), e)
		if err != nil {
			return OralSubjects{}, err
		}
		if f := drawFilter(o.Oral, cand, e, kind); len(f.Blocks) > 0 {
			if list, err := q.DrawableSubjects(ctx, f); err != nil {
				return OralSubjects{}, err
			} else if len(list) > 0 {
				why = Plural(len(list), "sujet est désormais disponible", "sujets sont désormais disponibles") + " : tirez-le"
			}
		}
		v.Missing = append(v.Missing, SubjectDrawOutcome{Kind: kind, Missing: why})
	}
	return v, nil
}

// OralSubjectAttachment returns a PDF of a subject in force for the oral, to whoever reads the
// oral's subjects now.
func (s *Service) OralSubjectAttachment(ctx context.Context, a domain.Actor, oralID, attachmentID string) (domain.SubjectAttachment, error) {
	v, err := s.OralSubjects(ctx, a, oralID)
	if err != nil {
		return domain.SubjectAttachment{}, err
	}
	for _, d := range v.Subjects {
		for _, att := range d.Attachments {
			if att.ID == attachmentID {
				return s.store.Read().SubjectAttachment(ctx, d.Subject.ID, attachmentID)
			}
		}
	}
	return domain.SubjectAttachment{}, domain.Errorf(domain.ENOTFOUND, "Pièce jointe introuvable.")
}

// RedrawInput is the secretariat's redraw: which kind ("" or "both" for both) and why.
type RedrawInput struct {
	Kind   string
	Reason string
}

// RedrawSubjects draws again the oral's subjects of one kind or both, before the oral starts.
// Replacing a subject in force needs a reason; the replaced draw stays, and its subject counts
// as met by the candidate. A kind without a subject in force is simply drawn. When no other
// subject qualifies for a replacement, nothing changes and the error says why.
func (s *Service) RedrawSubjects(ctx context.Context, a domain.Actor, oralID string, in RedrawInput) ([]SubjectDrawOutcome, error) {
	if err := Check(a, ActSubjectRedraw); err != nil {
		return nil, err
	}
	kinds := domain.SubjectKinds
	switch k := domain.SubjectKind(strings.TrimSpace(in.Kind)); {
	case k == "" || k == "both":
	case k.Valid():
		kinds = []domain.SubjectKind{k}
	default:
		return nil, fieldError("kind", "Choisissez le sujet à tirer de nouveau : le cas pratique, la question de connaissances ou les deux.")
	}
	reason := strings.TrimSpace(in.Reason)
	var out []SubjectDrawOutcome
	err := s.store.Write(ctx, func(q store.Q) error {
		o, err := q.Oral(ctx, oralID)
		if err != nil {
			return err
		}
		if !s.Now().Before(o.StartsAt) {
			return domain.Errorf(domain.ECONFLICT, "L'oral a commencé le %s à %s : ses sujets ne se tirent plus.", oralView(o).Day(), oralView(o).Start())
		}
		draws, err := q.SubjectDraws(ctx, oralID)
		if err != nil {
			return err
		}
		replace := map[domain.SubjectKind]domain.SubjectDraw{}
		for _, d := range draws {
			if d.InForce() && containsKind(kinds, d.Kind) {
				replace[d.Kind] = d
			}
		}
		if len(replace) > 0 && reason == "" {
			return fieldError("reason", "Indiquez pourquoi le sujet est tiré de nouveau : le motif reste dans l'historique du tirage.")
		}
		if len([]rune(reason)) > 1000 {
			return fieldError("reason", "Le motif dépasse 1 000 caractères : raccourcissez-le.")
		}
		cand, e, err := enrolmentUnscoped(ctx, q, o.EnrolmentID)
		if err != nil {
			return err
		}
		out, err = s.drawOralSubjects(ctx, q, a, o.Oral, cand, e, kinds, replace, reason)
		if err != nil {
			return err
		}
		for _, oc := range out {
			if _, replacing := replace[oc.Kind]; replacing && oc.Draw == nil {
				return domain.Errorf(domain.ECONFLICT, "Aucun autre sujet disponible pour « %s » : %s. Le sujet tiré reste en vigueur.", oc.Kind.Label(), oc.Missing)
			}
		}
		return nil
	})
	return out, err
}

func containsKind(kinds []domain.SubjectKind, k domain.SubjectKind) bool {
	for _, x := range kinds {
		if x == k {
			return true
		}
	}
	return false
}

// subjectDrawTask is the secretariat's task for the coming orals still without a practical case
// or a knowledge question.
func (s *Service) subjectDrawTask(ctx context.Context, r store.Q, orals []store.OralListing) (DashboardCard, error) {
	card := DashboardCard{Label: "Oraux à venir sans sujet tiré", Href: "/oraux", Task: true,
		Hint: "Aucun sujet de la banque ne convenait : faites accepter des sujets par la commission de sujets, puis tirez-les depuis la page des sujets de l'oral."}
	kinds, err := r.OralDrawnKinds(ctx, s.Now())
	if err != nil {
		return card, err
	}
	for _, o := range orals {
		drawn, ok := kinds[o.ID]
		if !ok || len(drawn) >= len(domain.SubjectKinds) {
			continue
		}
		var missing []string
		for _, k := range domain.SubjectKinds {
			if !containsKind(drawn, k) {
				missing = append(missing, strings.ToLower(k.Label()))
			}
		}
		v := oralView(o)
		card.addItem(v.Candidate.DisplayName()+" le "+v.Day()+" : "+strings.Join(missing, " et ")+" à tirer", "/oraux/"+o.ID+"/sujets")
	}
	return card.linkSingle(), nil
}
