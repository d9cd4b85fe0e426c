package domain

import "testing"

func TestASurveyAnswerIsCheckedFieldByField(t *testing.T) {
	for _, tc := range []struct {
		name   string
		answer SurveyAnswer
		fields []string
	}{
		{"an employed candidate with a contract, a job and a valid SIRET typed with spaces",
			SurveyAnswer{Situation: SituationEmployedBranch, Contract: ContractCDI, JobTitle: " Chargé de clientèle ", SIRET: "404 833 048 00022", Helped: HelpedYes}, nil},
		{"a job seeker says only whether the CQP helped", SurveyAnswer{Situation: SituationJobSeeker, Helped: HelpedNo}, nil},
		{"nothing chosen", SurveyAnswer{}, []string{"situation", "helped"}},
		{"an employed candidate without contract nor job", SurveyAnswer{Situation: SituationEmployedOther, Helped: HelpedPartly}, []string{"contract", "job_title"}},
		{"an unknown contract and situation", SurveyAnswer{Situation: "retired", Contract: "cdi-chantier", Helped: HelpedYes}, []string{"situation", "contract"}},
		{"a SIRET whose key is wrong", SurveyAnswer{Situation: SituationTraining, SIRET: "40483304800023", Helped: HelpedYes}, []string{"siret"}},
		{"a job title with a bidirectional override", SurveyAnswer{Situation: SituationOther, JobTitle: "Conseiller\u202e", Helped: HelpedYes}, []string{"job_title"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			a := tc.answer
			fe := a.Check()
			if len(fe) != len(tc.fields) {
				t.Fatalf("errors %v, want on %v", fe, tc.fields)
			}
			for _, f := range tc.fields {
				if fe[f] == "" {
					t.Errorf("no message for %s: %v", f, fe)
				}
			}
			if len(tc.fields) == 0 && (a.SIRET != "" && len(a.SIRET) != 14 || a.JobTitle != "" && a.JobTitle[0] == ' ') {
				t.Errorf("not normalised: %+v", a)
			}
		})
	}
}

func TestSurveyLabelsAreFrench(t *testing.T) {
	if SituationEmployedBranch.Label() != "En emploi dans la branche" || ContractTemporary.Label() != "Intérim" ||
		HelpedPartly.Label() != "En partie" || SourcePhone.Label() != "téléphone" || SourceSecretariat.Label() != "saisie secrétariat" {
		t.Fatal("a label changed")
	}
	if !SituationEmployedOther.Employed() || SituationTraining.Employed() {
		t.Fatal("employment misread")
	}
}
