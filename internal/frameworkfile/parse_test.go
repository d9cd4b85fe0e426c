package frameworkfile

import (
	"errors"
	"fmt"
	"os"
	"reflect"
	"strings"
	"testing"

	"cqp/internal/domain"
)

func readExample(t *testing.T) string {
	t.Helper()
	data, err := os.ReadFile("testdata/example.yaml")
	if err != nil {
		t.Fatal(err)
	}
	return string(data)
}

// lineOf returns the 1-based line of the nth (from 1) occurrence of s in text.
func lineOf(t *testing.T, text, s string, nth int) int {
	t.Helper()
	offset := 0
	for i := 0; i < nth; i++ {
		j := strings.Index(text[offset:], s)
		if j < 0 {
			t.Fatalf("%q occurs fewer than %d times in the test file", s, nth)
		}
		offset += j + len(s)
	}
	return strings.Count(text[:offset-len(s)], "\n") + 1
}

// edit replaces the only occurrence of old in text.
func edit(t *testing.T, text, old, new string) string {
	t.Helper()
	if n := strings.Count(text, old); n != 1 {
		t.Fatalf("%q occurs %d times in the test file, want 1", old, n)
	}
	return strings.Replace(text, old, new, 1)
}

func problemsOf(t *testing.T, err error) []Problem {
	t.Helper()
	var verr *ValidationError
	if !errors.As(err, &verr) {
		t.Fatalf("Parse error = %v (%T), want a *ValidationError", err, err)
	}
	return verr.Problems
}

func TestParseReadsTheExample(t *testing.T) {
	f, err := Parse("example.yaml", []byte(readExample(t)))
	if err != nil {
		t.Fatal(err)
	}
	common := domain.Block{Code: "BC1", Title: "Accueillir et informer le client", Kind: domain.BlockCommon,
		Competences: []domain.Competence{
			{Code: "C1", Title: "Accueillir le client", Detailed: 3},
			{Code: "C2", Title: "Identifier la demande du client", Detailed: 2},
		}}
	want := File{
		Branch: domain.Branch{Code: "exemple", Name: "Branche exemple de l'hôtellerie", IDCC: "9999"},
		Frameworks: []domain.Framework{{
			Qualification:     domain.Qualification{Code: "REC", Title: "Réceptionniste", RNCP: "RNCP00000", NSF: "334", Level: "4"},
			Version:           1,
			ThresholdPercent:  70,
			ContinuousMinimum: 1250,
			Composition:       domain.Composition{Common: 1, Specialty: 1, Optional: 1},
			Prerequisites: domain.Prerequisites{MinDiplomaLevel: 3, MinExperienceMonths: 12,
				VAEMinRelatedMonths: 12, VAERecommendedRelatedMonths: 24},
			TrainingHours:   200,
			InternshipHours: 70,
			Blocks: []domain.Block{
				common,
				{Code: "BS1", Title: "Gérer les réservations", Kind: domain.BlockSpecialty, RNCPCode: "RNCP00000BC02", TrainingHours: 60,
					Competences: []domain.Competence{{Code: "C3", Title: "Enregistrer une réservation", Detailed: 4}}},
				{Code: "BO1", Title: "Accueillir une clientèle étrangère", Kind: domain.BlockOptional, ToConfirm: true,
					Competences: []domain.Competence{{Code: "C4", Title: "Échanger en anglais", Detailed: 2}}},
				{Code: "BO2", Title: "Tenir la caisse", Kind: domain.BlockOptional,
					Competences: []domain.Competence{{Code: "C5", Title: "Encaisser un paiement", Detailed: 2}}},
			},
		}},
		Notes: map[Ref]string{BlockRef("REC", "BO1"): "Intitulé provisoire, à valider par la commission paritaire."},
	}
	if !reflect.DeepEqual(f, want) {
		t.Errorf("Parse(example) =\n%+v\nwant\n%+v", f, want)
	}
}

func TestCommonBlocksAreCopiedIntoEveryQualification(t *testing.T) {
	text := readExample(t)
	// A second qualification, with the same shape and its own codes.
	second := text[strings.Index(text, "  - code: REC"):]
	second = strings.NewReplacer("code: REC", "code: GOUV", "Réceptionniste", "Gouvernant").Replace(second)
	f, err := Parse("two.yaml", []byte(text+second))
	if err != nil {
		t.Fatal(err)
	}
	if len(f.Frameworks) != 2 {
		t.Fatalf("got %d frameworks, want 2", len(f.Frameworks))
	}
	for _, fw := range f.Frameworks {
		b, ok := fw.Block("BC1")
		if !ok || b.Kind != domain.BlockCommon || len(b.Competences) != 2 {
			t.Errorf("%s: common block BC1 = %+v, %v; want it with its 2 competences", fw.Qualification.Code, b, ok)
		}
		if fw.Blocks[0].Code != "BC1" {
			t.Errorf("%s: first block %s, want the common block BC1 first", fw.Qualification.Code, fw.Blocks[0].Code)
		}
	}
	// Each framework owns its copy.
	f.Frameworks[0].Blocks[0].Competences[0].Title = "changé"
	if f.Frameworks[1].Blocks[0].Competences[0].Title == "changé" {
		t.Error("the two frameworks share the common block's competences slice")
	}
	if f.Note(BlockRef("GOUV", "BO1")) == "" || f.Note(BlockRef("REC", "BO1")) == "" {
		t.Error("each qualification should keep the note of its block BO1")
	}
}

func TestContinuousMinimumAcceptsDecimalWritings(t *testing.T) {
	for _, tc := range []struct {
		written string
		want    domain.Mark
	}{
		{"10", 1000},
		{"12.5", 1250},
		{`"12,5"`, 1250},
		{"9.75", 975},
		{"10.50", 1050},
		{"0", 0},
		{"20", 2000},
		{"20.00", 2000},
		{"08", 800},
	} {
		t.Run(tc.written+" is read as "+tc.want.String(), func(t *testing.T) {
			text := edit(t, readExample(t), "continuous_minimum: 12.5", "continuous_minimum: "+tc.written)
			f, err := Parse("x.yaml", []byte(text))
			if err != nil {
				t.Fatal(err)
			}
			if got := f.Frameworks[0].ContinuousMinimum; got != tc.want {
				t.Errorf("continuous minimum = %d, want %d", got, tc.want)
			}
		})
	}
}

func TestOptionalFieldsMayBeLeftOut(t *testing.T) {
	text := readExample(t)
	for _, line := range []string{"format: 1\n", "  idcc: \"9999\"\n", "    rncp: RNCP00000\n", "    nsf: \"334\"\n",
		"    level: \"4\"\n", "        rncp_code: RNCP00000BC02\n", "        training_hours: 60\n"} {
		text = edit(t, text, line, "")
	}
	f, err := Parse("x.yaml", []byte(text))
	if err != nil {
		t.Fatal(err)
	}
	q := f.Frameworks[0].Qualification
	if q.RNCP != "" || q.NSF != "" || q.Level != "" || f.Branch.IDCC != "" {
		t.Errorf("optional codes = %+v %+v, want them empty", q, f.Branch)
	}
}

func TestBadFilesAreReportedInFrenchWithTheirLine(t *testing.T) {
	example := readExample(t)
	dupQualification := edit(t, example, "qualifications:\n", "qualifications:\n"+example[strings.Index(example, "  - code: REC"):])
	for _, tc := range []struct {
		name string
		text string
		at   string // the problem's line is the one holding this text…
		nth  int    // …at this occurrence (1 when zero)
		want string // the message, exactly
	}{
		{
			name: "an unknown key is named, with the key it resembles",
			text: edit(t, example, "    title: Réceptionniste\n", "    title: Réceptionniste\n    titel: Réceptionniste\n"),
			at:   "titel:",
			want: "qualification REC : clé inconnue « titel » : vouliez-vous dire « title » ? (clés possibles : code, title, rncp, nsf, level, to_confirm, note, version, threshold_percent, continuous_minimum, composition, prerequisites, training_hours, internship_hours, blocks)",
		},
		{
			name: "an unknown key far from any known one is named with the possible keys",
			text: edit(t, example, "  idcc: \"9999\"\n", "  idcc: \"9999\"\n  secteur: hôtellerie\n"),
			at:   "secteur:",
			want: "branche : clé inconnue « secteur » (clés possibles : code, name, idcc, to_confirm, note)",
		},
		{
			name: "a missing detailed count is reported on its competence",
			text: edit(t, example, "            detailed: 4\n", ""),
			at:   "- code: C3",
			want: "compétence C3 : la clé « detailed » est obligatoire",
		},
		{
			name: "a detailed count of zero is refused",
			text: edit(t, example, "detailed: 4", "detailed: 0"),
			at:   "detailed: 0",
			want: "compétence C3 : le nombre de compétences détaillées doit être au moins 1 (valeur trouvée : 0)",
		},
		{
			name: "a detailed count that is not a whole number is refused",
			text: edit(t, example, "detailed: 4", "detailed: 2.5"),
			at:   "detailed: 2.5",
			want: "compétence C3 : le nombre de compétences détaillées doit être un nombre entier (valeur trouvée : « 2.5 »)",
		},
		{
			name: "a duplicate qualification code is refused",
			text: dupQualification,
			at:   "- code: REC", nth: 2,
			want: "qualification REC : code de qualification en double (déjà utilisé ligne 23)",
		},
		{
			name: "a duplicate block code is refused",
			text: edit(t, example, "code: BO2", "code: BO1"),
			at:   "code: BO1", nth: 2,
			want: "bloc BO1 : code de bloc en double (déjà utilisé ligne 52)",
		},
		{
			name: "a block code already used by a common block is refused",
			text: edit(t, example, "code: BS1", "code: BC1"),
			at:   "code: BC1", nth: 2,
			want: "bloc BC1 : code de bloc en double (déjà utilisé ligne 12)",
		},
		{
			name: "a competence code already used in a common block is refused",
			text: edit(t, example, "code: C3", "code: C1"),
			at:   "code: C1", nth: 2,
			want: "compétence C1 : code de compétence en double (déjà utilisé ligne 15)",
		},
		{
			name: "a threshold of zero is refused",
			text: edit(t, example, "threshold_percent: 70", "threshold_percent: 0"),
			at:   "threshold_percent:",
			want: "qualification REC : le seuil d'attribution d'un bloc en pourcentage (threshold_percent) doit être un nombre entre 1 et 100 (valeur trouvée : 0)",
		},
		{
			name: "a threshold above 100 is refused",
			text: edit(t, example, "threshold_percent: 70", "threshold_percent: 101"),
			at:   "threshold_percent:",
			want: "qualification REC : le seuil d'attribution d'un bloc en pourcentage (threshold_percent) doit être un nombre entre 1 et 100 (valeur trouvée : 101)",
		},
		{
			name: "a continuous minimum above 20 is refused",
			text: edit(t, example, "continuous_minimum: 12.5", "continuous_minimum: 20.5"),
			at:   "continuous_minimum:",
			want: "qualification REC : la note minimale d'évaluation continue (continuous_minimum) doit être un nombre entre 0 et 20 (valeur trouvée : 20.5)",
		},
		{
			name: "a negative continuous minimum is refused",
			text: edit(t, example, "continuous_minimum: 12.5", "continuous_minimum: -1"),
			at:   "continuous_minimum:",
			want: "qualification REC : la note minimale d'évaluation continue (continuous_minimum) doit être un nombre entre 0 et 20, avec au plus 2 décimales, par exemple 10 ou 12.5 (valeur trouvée : « -1 »)",
		},
		{
			name: "a continuous minimum with three decimals is refused",
			text: edit(t, example, "continuous_minimum: 12.5", "continuous_minimum: 12.125"),
			at:   "continuous_minimum:",
			want: "qualification REC : la note minimale d'évaluation continue (continuous_minimum) ne peut pas avoir plus de 2 décimales (valeur trouvée : 12.125)",
		},
		{
			name: "a continuous minimum in words is refused",
			text: edit(t, example, "continuous_minimum: 12.5", "continuous_minimum: douze"),
			at:   "continuous_minimum:",
			want: "qualification REC : la note minimale d'évaluation continue (continuous_minimum) doit être un nombre entre 0 et 20, avec au plus 2 décimales, par exemple 10 ou 12.5 (valeur trouvée : « douze »)",
		},
		{
			name: "an unknown block kind is refused",
			text: edit(t, example, "kind: specialty", "kind: specialite"),
			at:   "kind: specialite",
			want: "bloc BS1 : type de bloc « specialite » inconnu : choisissez common (commun), specialty (spécialité) ou optional (optionnel)",
		},
		{
			name: "fewer specialty blocks than the composition asks is refused",
			text: edit(t, example, "specialty: 1", "specialty: 2"),
			at:   "specialty: 2",
			want: "qualification REC : la composition demande 2 blocs de spécialité mais le référentiel en contient 1 : les blocs de spécialité sont tous obligatoires, les deux nombres doivent être égaux",
		},
		{
			name: "more specialty blocks than the composition asks is refused",
			text: edit(t, example, "kind: optional\n        competences", "kind: specialty\n        competences"),
			at:   "specialty: 1",
			want: "qualification REC : la composition demande 1 bloc de spécialité mais le référentiel en contient 2 : les blocs de spécialité sont tous obligatoires, les deux nombres doivent être égaux",
		},
		{
			name: "a common count that differs from the common blocks is refused",
			text: edit(t, example, "common: 1", "common: 3"),
			at:   "common: 3",
			want: "qualification REC : la composition demande 3 blocs communs mais le référentiel en contient 1 : le candidat présente tous les blocs communs, les deux nombres doivent être égaux",
		},
		{
			name: "fewer optional blocks than the candidate must choose is refused",
			text: edit(t, example, "optional: 1", "optional: 3"),
			at:   "optional: 3",
			want: "qualification REC : la composition fait choisir 3 blocs optionnels mais le référentiel n'en propose que 2 : ajoutez des blocs de type optional",
		},
		{
			name: "a single optional block when two must be chosen is refused",
			text: edit(t, example[:strings.Index(example, "      - code: BO2")], "optional: 1", "optional: 2"),
			at:   "optional: 2",
			want: "qualification REC : la composition fait choisir 2 blocs optionnels mais le référentiel n'en propose qu'un : ajoutez des blocs de type optional",
		},
		{
			name: "optional blocks that no candidate may choose are refused",
			text: edit(t, example, "optional: 1", "optional: 0"),
			at:   "optional: 0",
			want: "qualification REC : le référentiel propose 2 blocs optionnels mais la composition n'en fait choisir aucun : indiquez combien le candidat en choisit",
		},
		{
			name: "a composition of nothing is refused",
			text: edit(t, edit(t, edit(t, example, "common: 1", "common: 0"), "specialty: 1", "specialty: 0"), "optional: 1", "optional: 0"),
			at:   "common: 0",
			want: "composition de la qualification REC : le candidat doit présenter au moins un bloc : les trois nombres ne peuvent pas être tous nuls",
		},
		{
			name: "a block without competences is refused",
			text: edit(t, example, "    competences:\n      - code: C1\n        title: Accueillir le client\n        detailed: 3\n      - code: C2\n        title: Identifier la demande du client\n        detailed: 2\n", "    competences: []\n"),
			at:   "competences: []",
			want: "bloc commun BC1 : le bloc doit contenir au moins une compétence",
		},
		{
			name: "negative training hours are refused",
			text: edit(t, example, "training_hours: 200", "training_hours: -200"),
			at:   "training_hours: -200",
			want: "qualification REC : la durée de formation (training_hours) doit être un nombre positif ou nul (valeur trouvée : -200)",
		},
		{
			name: "negative internship hours are refused",
			text: edit(t, example, "internship_hours: 70", "internship_hours: -1"),
			at:   "internship_hours: -1",
			want: "qualification REC : la durée de stage (internship_hours) doit être un nombre positif ou nul (valeur trouvée : -1)",
		},
		{
			name: "negative block hours are refused",
			text: edit(t, example, "training_hours: 60", "training_hours: -60"),
			at:   "training_hours: -60",
			want: "bloc BS1 : la durée de formation du bloc (training_hours) doit être un nombre positif ou nul (valeur trouvée : -60)",
		},
		{
			name: "a key given twice is refused",
			text: edit(t, example, "    version: 1\n", "    version: 1\n    version: 2\n"),
			at:   "version: 2",
			want: "qualification REC : clé « version » en double (déjà donnée ligne 28)",
		},
		{
			name: "a missing title is refused",
			text: edit(t, example, "        title: Tenir la caisse\n", ""),
			at:   "- code: BO2",
			want: "bloc BO2 : la clé « title » est obligatoire",
		},
		{
			name: "a required key without a value is reported on its own line",
			text: edit(t, example, "title: Tenir la caisse", "title:"),
			at:   "title:\n        kind: optional\n        competences:\n          - code: C5",
			want: "bloc BO2 : la clé « title » est obligatoire mais n'a pas de valeur",
		},
		{
			name: "an empty title is refused",
			text: edit(t, example, "title: Tenir la caisse", `title: "  "`),
			at:   `title: "  "`,
			want: "bloc BO2 : « title » ne peut pas être vide",
		},
		{
			name: "a code with a space is refused",
			text: edit(t, example, "code: BO2", "code: BO 2"),
			at:   "code: BO 2",
			want: "bloc n°3 de la qualification REC : le code « BO 2 » n'est pas valide : de 1 à 32 caractères parmi les lettres sans accent, les chiffres, « - », « _ » et « . », en commençant par une lettre ou un chiffre",
		},
		{
			name: "a to_confirm that is not true or false is refused",
			text: edit(t, example, "to_confirm: true", "to_confirm: oui"),
			at:   "to_confirm: oui",
			want: "bloc BO1 : « to_confirm » doit valoir true ou false (valeur trouvée : « oui »)",
		},
		{
			name: "a list where a mapping is expected is refused",
			text: edit(t, example, "    composition:\n      common: 1\n      specialty: 1\n      optional: 1\n", "    composition: [1, 1, 1]\n"),
			at:   "composition: [1, 1, 1]",
			want: "composition de la qualification REC : « composition » doit être un ensemble de clés « clé: valeur » (common, specialty, optional)",
		},
		{
			name: "a text where a list of blocks is expected is refused",
			text: example[:strings.Index(example, "common_blocks:")] + "common_blocks: BC1\n\n" + example[strings.Index(example, "qualifications:"):],
			at:   "common_blocks: BC1",
			want: "« common_blocks » doit être une liste de blocs, chacun commençant par « - »",
		},
		{
			name: "a common block of another kind is refused",
			text: edit(t, example, "    title: Accueillir et informer le client\n", "    title: Accueillir et informer le client\n    kind: specialty\n"),
			at:   "kind: specialty", nth: 1,
			want: "bloc commun BC1 : un bloc de « common_blocks » est toujours commun : retirez « kind: specialty » ou déplacez le bloc dans les « blocks » de sa qualification",
		},
		{
			name: "a later format is refused",
			text: edit(t, example, "format: 1", "format: 2"),
			at:   "format: 2",
			want: "format 2 non pris en charge : cette version de cqp lit le format 1",
		},
		{
			name: "a recommended VAE experience below the minimum is refused",
			text: edit(t, example, "vae_recommended_months: 24", "vae_recommended_months: 6"),
			at:   "vae_recommended_months: 6",
			want: "prérequis de la qualification REC : l'expérience recommandée pour la VAE (6 mois) ne peut pas être inférieure à l'expérience minimale (12 mois)",
		},
		{
			name: "a diploma level above the European scale is refused",
			text: edit(t, example, "min_diploma_level: 3", "min_diploma_level: 9"),
			at:   "min_diploma_level: 9",
			want: "prérequis de la qualification REC : le niveau de diplôme minimal (min_diploma_level, niveau européen de 0 à 8) doit être un nombre entre 0 et 8 (valeur trouvée : 9)",
		},
		{
			name: "missing prerequisites are refused",
			text: edit(t, example, "    prerequisites:\n      min_diploma_level: 3\n      min_experience_months: 12\n      vae_min_related_months: 12\n      vae_recommended_months: 24\n", ""),
			at:   "- code: REC",
			want: "qualification REC : la clé « prerequisites » est obligatoire",
		},
		{
			name: "a missing branch is refused",
			text: edit(t, example, "branch:\n  code: exemple\n  name: Branche exemple de l'hôtellerie\n  idcc: \"9999\"\n", ""),
			at:   "format: 1",
			want: "la clé « branch » est obligatoire",
		},
		{
			name: "a file without qualification is refused",
			text: example[:strings.Index(example, "qualifications:")] + "qualifications: []\n",
			at:   "qualifications: []",
			want: "le fichier doit décrire au moins une qualification",
		},
		{
			name: "a qualification without any block is refused",
			text: example[:strings.Index(example, "common_blocks:")] + example[strings.Index(example, "qualifications:"):strings.Index(example, "    blocks:")],
			at:   "- code: REC",
			want: "qualification REC : la qualification n'a aucun bloc : décrivez ses blocs dans « blocks » (ou les blocs communs dans « common_blocks »)",
		},
		{
			name: "a YAML alias is refused",
			text: edit(t, edit(t, example, "training_hours: 200", "training_hours: &h 200"), "internship_hours: 70", "internship_hours: *h"),
			at:   "internship_hours: *h",
			want: "qualification REC : les alias YAML (« *h ») ne sont pas acceptés : recopiez la valeur",
		},
		{
			name: "a second YAML document is refused",
			text: example + "---\nformat: 1\n",
			at:   "---",
			want: "le fichier contient plusieurs documents YAML (séparés par « --- ») : un seul est attendu",
		},
		{
			name: "a value holding a colon without quotes is a syntax error on its line",
			text: edit(t, example, "title: Tenir la caisse", "title: Caisse : tenue"),
			at:   "title: Caisse : tenue",
			want: "erreur de syntaxe YAML : deux-points « : » inattendu : une valeur qui contient « : » doit être entre guillemets, sinon vérifiez l'indentation",
		},
		{
			name: "a badly indented key is a syntax error on its line",
			text: edit(t, example, "    version: 1\n", "     version: 1\n"),
			at:   "version: 1",
			want: "erreur de syntaxe YAML : clé attendue introuvable : vérifiez l'indentation de cette ligne et de la précédente",
		},
		{
			name: "a list item indented less than its siblings is a syntax error on its line",
			text: edit(t, example, "      - code: BO2", "     - code: BO2"),
			at:   "- code: BO2",
			want: "erreur de syntaxe YAML : clé attendue introuvable : vérifiez l'indentation de cette ligne et de la précédente",
		},
		{
			name: "an unclosed quote is a syntax error on its line",
			text: edit(t, example, "title: Tenir la caisse", `title: "Tenir la caisse`),
			at:   `"Tenir la caisse`,
			want: "erreur de syntaxe YAML : fin de fichier inattendue : des guillemets ne sont-ils pas refermés ?",
		},
		{
			name: "a tab in the indentation is a syntax error on its line",
			text: edit(t, example, "    version: 1\n", "\tversion: 1\n"),
			at:   "version: 1",
			want: "erreur de syntaxe YAML : caractère qui ne peut pas commencer une valeur (une tabulation ? indentez avec des espaces)",
		},
		{
			name: "a file that is not UTF-8 is refused on the first bad line",
			text: edit(t, example, "title: Tenir la caisse", "title: Tenir la caisse \xe9"),
			at:   "title: Tenir la caisse",
			want: "le fichier n'est pas encodé en UTF-8 : enregistrez-le en UTF-8",
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Parse("bad.yaml", []byte(tc.text))
			problems := problemsOf(t, err)
			nth := tc.nth
			if nth == 0 {
				nth = 1
			}
			line := lineOf(t, tc.text, tc.at, nth)
			want := tc.want
			for _, p := range problems {
				if p.Line == line && p.Message == want {
					if len(problems) != 1 {
						t.Errorf("got %d problems, want this one only: %v", len(problems), problems)
					}
					return
				}
			}
			t.Errorf("want on line %d:\n  %s\ngot:\n%s", line, want, err)
		})
	}
}

func TestEmptyFilesAreRefused(t *testing.T) {
	for _, tc := range []struct{ name, text, want string }{
		{"an empty file", "", "le fichier est vide"},
		{"a file of blanks", "  \n\n", "le fichier est vide"},
		{"a file of comments", "# rien\n", "le fichier ne contient que des commentaires"},
		{"a file that is a list", "- a\n", "le fichier doit être un ensemble de clés « clé: valeur » (format, branch, common_blocks, qualifications)"},
	} {
		t.Run(tc.name+" is refused", func(t *testing.T) {
			_, err := Parse("x.yaml", []byte(tc.text))
			problems := problemsOf(t, err)
			if len(problems) != 1 || problems[0].Message != tc.want {
				t.Errorf("problems = %v, want one: %s", problems, tc.want)
			}
		})
	}
}

func TestEveryProblemIsReportedAtOnceInLineOrder(t *testing.T) {
	text := readExample(t)
	text = edit(t, text, "detailed: 4", "detailed: 0")
	text = edit(t, text, "threshold_percent: 70", "threshold_percent: 170")
	text = edit(t, text, "kind: specialty", "kind: speciality")
	text = edit(t, text, "code: C5", "code: C4")
	text = edit(t, text, "  name: Branche", "  nom: Branche")
	_, err := Parse("many.yaml", []byte(text))
	problems := problemsOf(t, err)
	want := []Problem{
		{Line: lineOf(t, text, "  code: exemple", 1), Path: "branch.name", Message: "branche : la clé « name » est obligatoire"},
		{Line: lineOf(t, text, "nom:", 1), Path: "branch.nom", Message: "branche : clé inconnue « nom » : vouliez-vous dire « name » ? (clés possibles : code, name, idcc, to_confirm, note)"},
		{Line: lineOf(t, text, "threshold_percent", 1), Path: "qualifications[0].threshold_percent", Message: "qualification REC : le seuil d'attribution d'un bloc en pourcentage (threshold_percent) doit être un nombre entre 1 et 100 (valeur trouvée : 170)"},
		{Line: lineOf(t, text, "kind: speciality", 1), Path: "qualifications[0].blocks[0].kind", Message: "bloc BS1 : type de bloc « speciality » inconnu : choisissez common (commun), specialty (spécialité) ou optional (optionnel)"},
		{Line: lineOf(t, text, "detailed: 0", 1), Path: "qualifications[0].blocks[0].competences[0].detailed", Message: "compétence C3 : le nombre de compétences détaillées doit être au moins 1 (valeur trouvée : 0)"},
		{Line: lineOf(t, text, "code: C4", 2), Path: "qualifications[0].blocks[2].competences[0].code", Message: fmt.Sprintf("compétence C4 : code de compétence en double (déjà utilisé ligne %d)", lineOf(t, text, "code: C4", 1))},
	}
	if !reflect.DeepEqual(problems, want) {
		t.Errorf("problems =\n%v\nwant\n%v", problems, want)
	}
	wantText := "many.yaml : le référentiel contient 6 erreurs\n" +
		"ligne 5 : branche : la clé « name » est obligatoire\n" +
		"ligne 6 : branche : clé inconnue « nom » : vouliez-vous dire « name » ? (clés possibles : code, name, idcc, to_confirm, note)\n"
	if !strings.HasPrefix(err.Error(), wantText) || strings.Count(err.Error(), "\n") != 6 {
		t.Errorf("Error() =\n%s\nwant it to start with\n%s", err, wantText)
	}
}

func TestProblemWithoutLineIsPrintedAlone(t *testing.T) {
	p := Problem{Message: "le fichier est vide"}
	if p.String() != "le fichier est vide" {
		t.Errorf("String() = %q", p.String())
	}
	e := &ValidationError{Problems: []Problem{p}}
	if e.Error() != "fichier de référentiel : le référentiel contient 1 erreur\nle fichier est vide" {
		t.Errorf("Error() = %q", e.Error())
	}
}

func TestTooLargeFilesAreRefusedBeforeReading(t *testing.T) {
	data := make([]byte, MaxFileSize+1)
	_, err := Parse("big.yaml", data)
	problems := problemsOf(t, err)
	if len(problems) != 1 || !strings.Contains(problems[0].Message, "le fichier dépasse 4 Mo") {
		t.Errorf("problems = %v", problems)
	}
}
