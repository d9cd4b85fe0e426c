package main

import (
	"errors"
	"flag"
	"fmt"
	"io"

	"cqp/internal/deliberatejson"
)

const deliberateUsage = `Usage : cqp deliberate < entrée.json > sortie.json

Applique les règles de délibération des CQP (référentiel, DOMAIN.md §7) à des candidats.
Lit un document JSON sur l'entrée standard, écrit un document JSON sur la sortie standard.

Entrée :
  {"qualification": {"code": "CC", "threshold_percent": 70, "continuous_min": 10,
     "blocks": [{"code": "BC1", "competences": [{"code": "C1", "detailed": 2}]}]},
   "candidates": [{"id": "c-1", "route": "formation",
     "blocks": ["BC1"], "prior_blocks": [],
     "continuous_marks": {"BC1": 12.5},
     "evaluations": {"training_organisation": {"C1": "A"},
                     "company_referent": {"C1": "NA"}, "commission": {"C1": 2}},
     "jury_decisions": {"BC1": "A"}}]}

  threshold_percent vaut 70 par défaut, continuous_min 10.
  route : formation, vae ou blocs. blocks : par défaut tous les blocs de la qualification.
  prior_blocks : blocs acquis lors d'une session antérieure (toujours acquis).
  continuous_marks : note sur 20 par bloc (voies formation et blocs).
  evaluations : évaluateur (training_organisation, company_referent, commission) →
    compétence → "A", "NA" ou nombre de compétences détaillées acquises.
    Chaque voie ne lit que ses évaluateurs, tous requis (DOMAIN.md §7, règle 2) :
      formation : training_organisation, company_referent et commission ;
      vae : commission seule ;
      blocs : training_organisation et company_referent, sans commission.
    Les grilles des autres évaluateurs sont ignorées, pas refusées : elles doivent
    seulement être bien formées (compétences connues, notes valides), ne comptent pas
    et n'apparaissent pas dans la sortie.
  jury_decisions : bloc → "A" ou "NA", seulement pour un bloc en débat.

Résultat d'un bloc évalué : un évaluateur requis absent ou qui n'a pas tout noté →
incomplete. Sinon, formation : tous attribuent → acquired, la commission refuse →
not_acquired, la commission attribue et un autre refuse → debate ; vae : la commission
attribue → acquired, sinon not_acquired ; blocs : les deux attribuent → acquired,
sinon → debate (le jury décide).

Sortie, candidats et blocs dans l'ordre de l'entrée :
  {"candidates": [{"id": "c-1", "outcome": "pending|certified|partial|not_certified",
     "blocks": [{"code": "BC1",
       "outcome": "acquired|not_acquired|debate|incomplete|not_admitted",
       "evaluators": {"commission": {"verdict": "acquired|not_acquired|incomplete",
                                     "acquired_detailed": 2, "total_detailed": 2}},
       "explanation": "…"}]}]}
  evaluators : les évaluateurs de la voie qui ont rendu leur grille ; absent pour un bloc
    antérieur, non admis ou sans note continue.
  outcome : tous les blocs acquis → certified, sauf sur la voie blocs (étape des blocs) où
    c'est partial : des attestations de bloc, le certificat venant à l'étape finale.

Statut de sortie : 0 si l'entrée est valide, même si aucun candidat n'est reçu ;
2 si elle est invalide (une ligne sur l'erreur standard nomme le candidat et le champ,
rien n'est écrit sur la sortie standard) ; 1 si la lecture ou l'écriture échoue.
Les champs inconnus et les clés en double sont refusés.
L'entrée est lue deux fois (vérification, puis écriture) : un fichier est relu sur place ;
une entrée lue d'un tube est copiée, le temps de la relire, dans un fichier temporaire de
même taille (dans $TMPDIR, /tmp par défaut), effacé dès sa création.

Reads one JSON document on standard input (a qualification and its candidates) and writes the
deliberation of every candidate on standard output, in input order. Exit status 0 on valid
input, 2 on invalid input (one line on standard error naming the candidate and the field,
nothing on standard output), 1 on I/O errors. Each route reads only its own evaluators, all
required: formation all three, vae the commission alone, blocs the training organisation and
the company referent; other evaluators' grids are checked for form, then ignored and left out of
the output. The input is read twice in bounded memory: a file on standard input is read again
in place, a pipe is copied to a temporary file of the same size ($TMPDIR) meanwhile.
See docs/deliberation.md.
`

// runDeliberate implements `cqp deliberate`: the JSON contract of issue 3 on standard input
// and output.
func runDeliberate(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("deliberate", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			fmt.Fprint(stdout, deliberateUsage)
			return 0
		}
		fmt.Fprintf(stderr, "cqp deliberate : %v (voir cqp deliberate -h)\n", err)
		return 2
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(stderr, "cqp deliberate : argument inattendu « %s » : le document se lit sur l'entrée standard (voir cqp deliberate -h)\n", fs.Arg(0))
		return 2
	}
	err := deliberatejson.Run(stdin, stdout)
	var invalid *deliberatejson.Error
	switch {
	case err == nil:
		return 0
	case errors.As(err, &invalid):
		fmt.Fprintf(stderr, "cqp deliberate : %s\n", invalid.Error())
		return 2
	default:
		fmt.Fprintf(stderr, "cqp deliberate : %v\n", err)
		return 1
	}
}
