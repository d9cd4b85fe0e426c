package rules

import (
	"errors"
	"strings"
	"testing"

	"cqp/internal/domain"
)

// enrolmentFramework has the guide's Chargé de clientèle prerequisites and hours, and a 3 + 2 + 2
// composition over CO1–CO3, SP1–SP2 and OP1–OP4.
func enrolmentFramework() domain.Framework {
	fw := domain.Framework{
		Qualification: domain.Qualification{Code: "CC"},
		Composition:   domain.Composition{Common: 3, Specialty: 2, Optional: 2},
		Prerequisites: domain.Prerequisites{
			MinDiplomaLevel: 5, MinExperienceMonths: 24,
			VAEMinRelatedMonths: 12, VAERecommendedRelatedMonths: 24,
		},
		TrainingHours:   600,
		InternshipHours: 300,
	}
	add := func(kind domain.BlockKind, hours int, codes ...string) {
		for _, c := range codes {
			fw.Blocks = append(fw.Blocks, domain.Block{Code: c, Kind: kind, TrainingHours: hours})
		}
	}
	add(domain.BlockCommon, 90, "CO1", "CO2", "CO3")
	add(domain.BlockSpecialty, 100, "SP1", "SP2")
	add(domain.BlockOptional, 60, "OP1", "OP2", "OP3")
	fw.Blocks = append(fw.Blocks, domain.Block{Code: "OP4", Kind: domain.BlockOptional})
	return fw
}

func TestEligibility(t *testing.T) {
	gestionnaire := enrolmentFramework()
	gestionnaire.Prerequisites.MinDiplomaLevel = 4
	tests := []struct {
		name     string
		fw       *domain.Framework
		a        Applicant
		eligible bool
		rule     Rule
		reason   string
		warning  string
	}{
		{name: "formation: a bac+2 is enough for Chargé de clientèle",
			a: Applicant{Route: domain.RouteFormation, DiplomaLevel: 5}, eligible: true, rule: RuleDiplomaOrExperience,
			reason: "Éligible à la voie formation : diplôme de niveau 5 (bac+2), pour niveau 5 (bac+2) requis."},
		{name: "formation: a bac without experience is refused for Chargé de clientèle, naming the rule",
			a: Applicant{Route: domain.RouteFormation, DiplomaLevel: 4, ExperienceMonths: 23}, rule: RuleDiplomaOrExperience,
			reason: "Non éligible à la voie formation : il faut un diplôme de niveau 5 (bac+2) au moins, ou 24 mois (2 ans) d'expérience professionnelle tous domaines confondus, stages compris ; le candidat a un diplôme de niveau 4 (bac) et 23 mois d'expérience."},
		{name: "formation: 24 months of experience in any field replace the diploma",
			a: Applicant{Route: domain.RouteFormation, ExperienceMonths: 24}, eligible: true, rule: RuleDiplomaOrExperience,
			reason: "24 mois (2 ans) d'expérience professionnelle (tous domaines, stages compris), pour 24 mois (2 ans) requis"},
		{name: "formation: no diploma and no experience is refused",
			a: Applicant{Route: domain.RouteFormation}, rule: RuleDiplomaOrExperience, reason: "le candidat a aucun diplôme et 0 mois d'expérience"},
		{name: "formation: the level comes from the framework (a bac suffices for Gestionnaire)", fw: &gestionnaire,
			a: Applicant{Route: domain.RouteFormation, DiplomaLevel: 4}, eligible: true, rule: RuleDiplomaOrExperience},
		{name: "blocs: no prerequisite applies, the framework file stating none for this route",
			a: Applicant{Route: domain.RouteBlocs, DiplomaLevel: 0, ExperienceMonths: 0}, eligible: true, rule: RuleNoBlocsPrerequisite,
			reason: "Éligible à la voie par blocs de compétences : le référentiel ne fixe aucune condition d'accès à cette voie."},
		{name: "vae: 12 months of related experience are enough, with a warning under 24",
			a: Applicant{Route: domain.RouteVAE, ExperienceMonths: 40, RelatedExperienceMonths: 12}, eligible: true, rule: RuleVAERelatedExperience,
			warning: "Expérience en lien avec la qualification de 12 mois (1 an), sous les 24 mois (2 ans) recommandés pour maîtriser l'activité professionnelle."},
		{name: "vae: 11 months of related experience are refused whatever the diploma",
			a: Applicant{Route: domain.RouteVAE, DiplomaLevel: 7, ExperienceMonths: 60, RelatedExperienceMonths: 11}, rule: RuleVAERelatedExperience,
			reason: "Non éligible à la VAE : il faut au moins 12 mois (1 an) d'expérience professionnelle en lien avec la qualification ; le candidat en a 11 mois."},
		{name: "vae: 24 months of related experience carry no warning",
			a: Applicant{Route: domain.RouteVAE, ExperienceMonths: 24, RelatedExperienceMonths: 24}, eligible: true, rule: RuleVAERelatedExperience},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fw := enrolmentFramework()
			if tt.fw != nil {
				fw = *tt.fw
			}
			e, err := CheckEligibility(fw, tt.a)
			if err != nil {
				t.Fatal(err)
			}
			if e.Eligible != tt.eligible || e.Rule != tt.rule {
				t.Fatalf("got %+v", e)
			}
			if !strings.Contains(e.Reason, tt.reason) {
				t.Errorf("reason %q lacks %q", e.Reason, tt.reason)
			}
			if tt.warning == "" && len(e.Warnings) > 0 {
				t.Errorf("unexpected warnings %q", e.Warnings)
			}
			if tt.warning != "" && (len(e.Warnings) != 1 || e.Warnings[0] != tt.warning) {
				t.Errorf("warnings %q, want %q", e.Warnings, tt.warning)
			}
		})
	}
	refusals := []struct {
		name  string
		a     Applicant
		field string
	}{
		{"an unknown route", Applicant{Route: "x"}, "route"},
		{"a diploma level above 8", Applicant{Route: domain.RouteVAE, DiplomaLevel: 9}, "diploma_level"},
		{"negative experience", Applicant{Route: domain.RouteVAE, ExperienceMonths: -1}, "experience_months"},
		{"related experience above the total", Applicant{Route: domain.RouteVAE, ExperienceMonths: 10, RelatedExperienceMonths: 12}, "related_experience_months"},
	}
	for _, tt := range refusals {
		t.Run("the input is refused for "+tt.name, func(t *testing.T) {
			_, err := CheckEligibility(enrolmentFramework(), tt.a)
			var ie *InputError
			if !errors.As(err, &ie) || ie.Field != tt.field {
				t.Fatalf("err = %v, want field %s", err, tt.field)
			}
		})
	}
}

func TestComposition(t *testing.T) {
	tests := []struct {
		name     string
		fw       func(fw *domain.Framework)
		blocks   []string
		problems []string
	}{
		{name: "3 common, 2 specialty and 2 optional blocks are accepted",
			blocks: []string{"CO1", "CO2", "CO3", "SP1", "SP2", "OP1", "OP3"}},
		{name: "the order of the blocks does not matter",
			blocks: []string{"OP4", "SP2", "CO3", "OP1", "CO1", "SP1", "CO2"}},
		{name: "a missing common block is named",
			blocks:   []string{"CO1", "CO3", "SP1", "SP2", "OP1", "OP2"},
			problems: []string{"bloc commun manquant : CO2"}},
		{name: "missing specialty blocks are named",
			blocks:   []string{"CO1", "CO2", "CO3", "OP1", "OP2"},
			problems: []string{"blocs de spécialité manquants : SP1, SP2"}},
		{name: "one optional block is too few, and the choices are listed",
			blocks:   []string{"CO1", "CO2", "CO3", "SP1", "SP2", "OP2"},
			problems: []string{"il faut choisir exactement 2 blocs optionnels, 1 est choisi (OP2) ; au choix : OP1, OP3, OP4"}},
		{name: "three optional blocks are too many",
			blocks:   []string{"CO1", "CO2", "CO3", "SP1", "SP2", "OP1", "OP2", "OP3"},
			problems: []string{"il faut choisir exactement 2 blocs optionnels, 3 sont choisis (OP1, OP2, OP3)"}},
		{name: "no optional block says none is chosen",
			blocks:   []string{"CO1", "CO2", "CO3", "SP1", "SP2"},
			problems: []string{"il faut choisir exactement 2 blocs optionnels, aucun n'est choisi ; au choix : OP1, OP2, OP3, OP4"}},
		{name: "unknown and repeated blocks are named",
			blocks:   []string{"CO1", "CO2", "CO3", "SP1", "SP2", "OP1", "OP1", "ZZ9"},
			problems: []string{"bloc inconnu de la qualification CC : ZZ9", "bloc présenté deux fois : OP1", "il faut choisir exactement 2 blocs optionnels, 1 est choisi (OP1)"}},
		{name: "the counts come from the framework (1 optional block)",
			fw:     func(fw *domain.Framework) { fw.Composition.Optional = 1 },
			blocks: []string{"CO1", "CO2", "CO3", "SP1", "SP2", "OP4"}},
		{name: "a framework without enough optional blocks is reported",
			fw:     func(fw *domain.Framework) { fw.Blocks = fw.Blocks[:6] },
			blocks: []string{"CO1", "CO2", "CO3", "SP1", "SP2", "OP1"},
			problems: []string{"le référentiel définit 3 blocs communs, 2 blocs de spécialité et 1 bloc optionnel alors que sa composition demande 3 + 2 + 2 : le secrétariat doit compléter le référentiel",
				"il faut choisir exactement 2 blocs optionnels, 1 est choisi (OP1)"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fw := enrolmentFramework()
			if tt.fw != nil {
				tt.fw(&fw)
			}
			err := CheckComposition(fw, tt.blocks)
			if tt.problems == nil {
				if err != nil {
					t.Fatalf("refused: %v", err)
				}
				return
			}
			var ce *CompositionError
			if !errors.As(err, &ce) {
				t.Fatalf("err = %v, want *CompositionError", err)
			}
			for _, p := range tt.problems {
				found := false
				for _, got := range ce.Problems {
					found = found || strings.HasPrefix(got, p)
				}
				if !found {
					t.Errorf("problems %q lack %q", ce.Problems, p)
				}
			}
			if len(ce.Problems) != len(tt.problems) {
				t.Errorf("problems %q, want %d", ce.Problems, len(tt.problems))
			}
			if !strings.HasPrefix(err.Error(), "Composition des blocs refusée : ") {
				t.Errorf("error %q", err)
			}
		})
	}
}

func TestHours(t *testing.T) {
	tests := []struct {
		name                     string
		t                        Training
		trainingOwed, internOwed int
		met                      bool
		explanation              string
	}{
		{name: "a recent graduate on the formation route owes the full path and the internship",
			t:            Training{Public: domain.PublicRecentGraduate, Route: domain.RouteFormation, TrainingHours: 600, InternshipHours: 300},
			trainingOwed: 600, internOwed: 300, met: true,
			explanation: "Formation : 600 h effectuées sur 600 h dues (parcours complet) ; stage : 300 h effectuées sur 300 h dues (obligatoire pour un jeune diplômé)."},
		{name: "a recent graduate one internship hour short does not meet it",
			t:            Training{Public: domain.PublicRecentGraduate, Route: domain.RouteFormation, TrainingHours: 600, InternshipHours: 299},
			trainingOwed: 600, internOwed: 300,
			explanation: "stage : 299 h effectuées sur 300 h dues, il manque 1 h"},
		{name: "a job seeker on VAE owes the internship but no training",
			t:            Training{Public: domain.PublicJobSeeker, Route: domain.RouteVAE, InternshipHours: 300},
			trainingOwed: 0, internOwed: 300, met: true,
			explanation: "Formation : 0 h effectuées sur 0 h dues (aucune heure due par la VAE) ; stage : 300 h effectuées sur 300 h dues (obligatoire pour un demandeur d'emploi)."},
		{name: "an employee owes no internship",
			t:            Training{Public: domain.PublicEmployee, Route: domain.RouteFormation, TrainingHours: 600},
			trainingOwed: 600, internOwed: 0, met: true,
			explanation: "stage : aucun stage dû par un salarié, qui met en pratique les compétences dans son entreprise."},
		{name: "an employee on the blocs route owes the hours of the blocks followed",
			t:            Training{Public: domain.PublicEmployee, Route: domain.RouteBlocs, Blocks: []string{"SP1", "OP2"}, TrainingHours: 159},
			trainingOwed: 160, internOwed: 0,
			explanation: "Formation : 159 h effectuées sur 160 h dues, il manque 1 h (blocs suivis)"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h, err := CheckHours(enrolmentFramework(), tt.t)
			if err != nil {
				t.Fatal(err)
			}
			if h.TrainingOwed != tt.trainingOwed || h.InternshipOwed != tt.internOwed || h.Met != tt.met {
				t.Fatalf("got %+v", h)
			}
			if !strings.Contains(h.Explanation, tt.explanation) {
				t.Errorf("explanation %q lacks %q", h.Explanation, tt.explanation)
			}
		})
	}
	t.Run("the hours come from the framework", func(t *testing.T) {
		fw := enrolmentFramework()
		fw.TrainingHours, fw.InternshipHours = 350, 175
		h, err := CheckHours(fw, Training{Public: domain.PublicJobSeeker, Route: domain.RouteFormation, TrainingHours: 350, InternshipHours: 175})
		if err != nil || !h.Met || h.TrainingOwed != 350 || h.InternshipOwed != 175 {
			t.Fatalf("got %+v, %v", h, err)
		}
	})
	refusals := []struct {
		name  string
		t     Training
		field string
		msg   string
	}{
		{"an unknown public", Training{Public: "retraité", Route: domain.RouteVAE}, "public", "public inconnu"},
		{"an unknown route", Training{Public: domain.PublicEmployee, Route: "x"}, "route", "voie d'accès inconnue"},
		{"negative training hours", Training{Public: domain.PublicEmployee, Route: domain.RouteVAE, TrainingHours: -1}, "training_hours", "négatif"},
		{"negative internship hours", Training{Public: domain.PublicEmployee, Route: domain.RouteVAE, InternshipHours: -1}, "internship_hours", "négatif"},
		{"the blocs route without blocks", Training{Public: domain.PublicEmployee, Route: domain.RouteBlocs}, "blocks", "aucun bloc"},
		{"an unknown block", Training{Public: domain.PublicEmployee, Route: domain.RouteBlocs, Blocks: []string{"ZZ"}}, "blocks", "bloc inconnu « ZZ »"},
		{"a block cited twice", Training{Public: domain.PublicEmployee, Route: domain.RouteBlocs, Blocks: []string{"SP1", "SP1"}}, "blocks", "cité deux fois"},
		{"a block whose hours the framework does not give", Training{Public: domain.PublicEmployee, Route: domain.RouteBlocs, Blocks: []string{"OP4"}}, "blocks", "ne donne pas les heures de formation du bloc OP4"},
	}
	for _, tt := range refusals {
		t.Run("refuses "+tt.name, func(t *testing.T) {
			_, err := CheckHours(enrolmentFramework(), tt.t)
			var ie *InputError
			if !errors.As(err, &ie) || ie.Field != tt.field || !strings.Contains(ie.Message, tt.msg) {
				t.Fatalf("err = %v, want %s …%s…", err, tt.field, tt.msg)
			}
		})
	}
}
