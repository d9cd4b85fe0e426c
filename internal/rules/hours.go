package rules

import (
	"strconv"

	"cqp/internal/domain"
)

// Training is the training and internship a candidate has done, with what decides what they
// owe.
type Training struct {
	Public domain.Public
	Route  domain.Route
	// Blocks are the blocks followed by training on the blocs route.
	Blocks          []string
	TrainingHours   int // recorded hours of training
	InternshipHours int // recorded hours of internship
}

// HoursCheck compares the recorded hours with what the framework asks of the candidate.
type HoursCheck struct {
	TrainingOwed    int
	TrainingDone    int
	InternshipOwed  int
	InternshipDone  int
	Met             bool   // both requirements are met
	Explanation     string // French, with the numbers
	TrainingMet     bool
	InternshipMet   bool
	InternshipNotes string // French: why no internship is owed, when none is
}

// CheckHours says whether recorded hours meet the framework's requirement for the candidate
// (DOMAIN.md §4 and §5). What is owed:
//
//   - Training, by route: the full path (fw.TrainingHours) on the formation route, whatever the
//     public; on the blocs route, the sum of the followed blocks' hours (each block's
//     TrainingHours, which must be known); nothing on the VAE route, which validates experience.
//   - Internship, by public: recent graduates and job seekers owe fw.InternshipHours whatever the
//     route (the guide makes it compulsory for them); employees owe none, since they put the
//     competences into practice in their own company (guide, « Pour les salariés en poste »).
//
// An error means the input is wrong (unknown public or route, negative hours, a block unknown or
// without known hours on the blocs route).
func CheckHours(fw domain.Framework, t Training) (HoursCheck, error) {
	if !t.Public.Valid() {
		return HoursCheck{}, &InputError{Field: "public", Message: "public inconnu « " + string(t.Public) + " » : recent_graduate, job_seeker ou employee"}
	}
	if !t.Route.Valid() {
		return HoursCheck{}, &InputError{Field: "route", Message: "voie d'accès inconnue « " + string(t.Route) + " » : formation, vae ou blocs"}
	}
	if t.TrainingHours < 0 {
		return HoursCheck{}, &InputError{Field: "training_hours", Message: "nombre d'heures négatif"}
	}
	if t.InternshipHours < 0 {
		return HoursCheck{}, &InputError{Field: "internship_hours", Message: "nombre d'heures négatif"}
	}
	h := HoursCheck{TrainingDone: t.TrainingHours, InternshipDone: t.InternshipHours}
	var trainingWhy string
	switch t.Route {
	case domain.RouteFormation:
		h.TrainingOwed = fw.TrainingHours
		trainingWhy = "parcours complet"
	case domain.RouteBlocs:
		if len(t.Blocks) == 0 {
			return HoursCheck{}, &InputError{Field: "blocks", Message: "aucun bloc suivi en formation sur la voie par blocs"}
		}
		seen := make(map[string]bool, len(t.Blocks))
		for _, code := range t.Blocks {
			b, ok := fw.Block(code)
			if !ok {
				return HoursCheck{}, &InputError{Field: "blocks", Message: "bloc inconnu « " + code + " »"}
			}
			if seen[code] {
				return HoursCheck{}, &InputError{Field: "blocks", Message: "le bloc " + code + " est cité deux fois"}
			}
			seen[code] = true
			if b.TrainingHours <= 0 {
				return HoursCheck{}, &InputError{Field: "blocks", Message: "le référentiel ne donne pas les heures de formation du bloc " + code + " : le secrétariat doit les renseigner"}
			}
			h.TrainingOwed += b.TrainingHours
		}
		trainingWhy = "blocs suivis"
	case domain.RouteVAE:
		trainingWhy = "aucune heure due par la VAE"
	}
	switch t.Public {
	case domain.PublicRecentGraduate, domain.PublicJobSeeker:
		h.InternshipOwed = fw.InternshipHours
	case domain.PublicEmployee:
		h.InternshipNotes = "aucun stage dû par un salarié, qui met en pratique les compétences dans son entreprise"
	}
	h.TrainingMet = h.TrainingDone >= h.TrainingOwed
	h.InternshipMet = h.InternshipDone >= h.InternshipOwed
	h.Met = h.TrainingMet && h.InternshipMet

	s := "Formation : " + hoursPart(h.TrainingDone, h.TrainingOwed) + " (" + trainingWhy + ")"
	if h.InternshipNotes != "" {
		s += " ; stage : " + h.InternshipNotes
	} else {
		s += " ; stage : " + hoursPart(h.InternshipDone, h.InternshipOwed) + " (" + publicName(t.Public) + ")"
	}
	h.Explanation = s + "."
	return h, nil
}

func hoursPart(done, owed int) string {
	s := strconv.Itoa(done) + " h effectuées sur " + strconv.Itoa(owed) + " h dues"
	if done < owed {
		s += ", il manque " + strconv.Itoa(owed-done) + " h"
	}
	return s
}

func publicName(p domain.Public) string {
	switch p {
	case domain.PublicRecentGraduate:
		return "obligatoire pour un jeune diplômé"
	case domain.PublicJobSeeker:
		return "obligatoire pour un demandeur d'emploi"
	}
	return string(p)
}
