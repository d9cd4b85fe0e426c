package demo

import (
	"context"
	"fmt"
	"strings"

	"cqp/internal/domain"
	"cqp/internal/service"
)

// The demo's subject bank (issue 18): a call open this year, a committee session held
// yesterday, and for every block of every qualification a practical case and a knowledge
// question accepted by the committee, written by two training organisations (Paris, Lyon) and a
// company (Rhône Courtage Conseil), so that every oral the demo schedules afterwards draws its
// subjects from organisations other than the candidate's. One proposal is refused, with its
// reason.

// subjectProposerAccounts are the local parts of the demo's proposers, in turn.
var subjectProposerAccounts = []string{"of.paris", "of.lyon", "entreprise.lyon"}

func (l loader) subjectBank(ctx context.Context) error {
	today := l.svc.Today()
	if _, err := l.svc.CreateSubjectCall(ctx, l.a, service.SubjectCallInput{Year: today.Year(),
		OpensOn: today.AddDays(-60).String(), ClosesOn: today.AddDays(30).String()}); err != nil {
		return fmt.Errorf("open the subject call: %w", err)
	}
	var members []string
	for _, local := range []string{"sujets1", "sujets2"} {
		id, err := l.userID(ctx, local)
		if err != nil {
			return err
		}
		members = append(members, id)
	}
	if _, err := l.svc.CreateSubjectCommitteeSession(ctx, l.a, service.SubjectCommitteeInput{Date: today.AddDays(-1).String(), Time: "14:00",
		Place: "Paris 9e, siège de la branche, salle 2", Members: members}); err != nil {
		return fmt.Errorf("schedule the subject committee: %w", err)
	}
	reviewer, err := l.svc.Actor(ctx, members[0], "")
	if err != nil {
		return err
	}
	var proposers []domain.Actor
	for _, local := range subjectProposerAccounts {
		id, err := l.userID(ctx, local)
		if err != nil {
			return err
		}
		a, err := l.svc.Actor(ctx, id, "")
		if err != nil {
			return err
		}
		proposers = append(proposers, a)
	}
	quals, err := l.svc.SubjectQualifications(ctx, l.a)
	if err != nil {
		return err
	}
	propose := func(a domain.Actor, in service.SubjectInput, review service.SubjectReviewInput) error {
		sub, err := l.svc.CreateSubjectProposal(ctx, a, in)
		if err != nil {
			return fmt.Errorf("propose « %s »: %w", in.Title, err)
		}
		if err := l.svc.SubmitSubjectProposal(ctx, a, sub.ID); err != nil {
			return fmt.Errorf("submit « %s »: %w", in.Title, err)
		}
		if _, err := l.svc.ReviewSubject(ctx, reviewer, sub.ID, review); err != nil {
			return fmt.Errorf("review « %s »: %w", in.Title, err)
		}
		return nil
	}
	accept := service.SubjectReviewInput{Decision: domain.SubjectDecisionAccepted, ValidityYears: 3}
	for qi, q := range quals {
		for bi, b := range q.Blocks {
			for ki, kind := range domain.SubjectKinds {
				if err := propose(proposers[(bi+ki)%len(proposers)], demoSubject(q, b, kind), accept); err != nil {
					return err
				}
			}
		}
		if qi == 0 && len(q.Blocks) > 0 {
			in := demoSubject(q, q.Blocks[0], domain.SubjectKnowledgeQuestion)
			in.Title = "Question générale sur le métier"
			in.CandidateText = "Parlez-nous de votre métier."
			if err := propose(proposers[1], in, service.SubjectReviewInput{Decision: domain.SubjectDecisionRefused,
				Reason: "Question trop vague : elle ne permet pas d'évaluer une compétence du bloc."}); err != nil {
				return err
			}
		}
	}
	return nil
}

// demoSubject writes a plausible subject of the kind on the block.
func demoSubject(q service.SubjectQualification, b domain.Block, kind domain.SubjectKind) service.SubjectInput {
	topic := strings.TrimSpace(b.Title)
	if r := []rune(topic); len(r) > 120 {
		topic = string(r[:120]) + "…"
	}
	var comps []string
	for i, c := range b.Competences {
		if i < 2 {
			comps = append(comps, c.Code)
		}
	}
	in := service.SubjectInput{Kind: kind, QualificationID: q.ID, Blocks: []string{b.Code}, Competences: comps}
	if kind == domain.SubjectPracticalCase {
		in.Title = "Cas pratique " + b.Code + " — " + topic
		in.CandidateText = "Vous êtes en poste depuis six mois dans un cabinet de courtage. Un client professionnel vous appelle : " +
			"il vient de reprendre une entreprise et veut savoir comment il est couvert. Situation à traiter : " + topic + ".\n\n" +
			"Présentez votre démarche pas à pas : les informations à recueillir, les vérifications, ce que vous proposez et les documents que vous remettez."
		in.ExpectedAnswer = "Le candidat recueille les besoins et la situation du client, vérifie les garanties en place, " +
			"formule une proposition adaptée et motivée, et remet les documents d'information exigés (devoir de conseil tracé)."
		in.MarkingGuide = "A : démarche complète, ordonnée et conforme aux obligations d'information et de conseil.\n" +
			"Nombre de compétences détaillées : une par étape correctement traitée (recueil, vérification, proposition, documents).\n" +
			"NA : le besoin du client n'est pas identifié ou aucune proposition n'est motivée."
		in.DurationMinutes = 30
	} else {
		in.Title = "Question de connaissances " + b.Code + " — " + topic
		in.CandidateText = "Expliquez les règles essentielles qui encadrent : " + topic + ". Donnez un exemple tiré de votre expérience."
		in.ExpectedAnswer = "Les règles citées sont exactes et situées (code des assurances, obligations du distributeur), " +
			"l'exemple les illustre correctement."
		in.MarkingGuide = "A : au moins trois règles exactes et un exemple pertinent.\nNA : règles inexactes ou absentes."
		in.DurationMinutes = 15
	}
	return in
}
