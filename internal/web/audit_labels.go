package web

import (
	"encoding/json"
	"fmt"
	"sort"
	"strings"

	"cqp/internal/domain"
	"cqp/internal/rules"
	"cqp/internal/service"
	"cqp/internal/store"
)

// actionLabels names in French every action the service writes to the audit trail. A test
// reads the service's sources and fails when an action has no label here.
var actionLabels = map[string]string{
	"candidate.create":               "Candidat enregistré",
	"candidate.personal_data_export": "Données personnelles extraites (droit d'accès)",
	"list.export":                    "Liste exportée (CSV ou Excel)",
	"enrolment.create":               "Inscription enregistrée",
	"blocs.final_stage":              "Évaluation finale de la voie blocs ouverte",
	"enrolment.status":               "Statut d'inscription modifié",
	"enrolment.referent":             "Référent entreprise désigné",
	"enrolment.derogation":           "Dérogation aux conditions d'éligibilité accordée",
	"enrolment.blocs":                "Inscription par blocs de compétences annoncée à l'organisme et au secrétariat",
	"enrolment.intake":               "Entretien et données d'éligibilité enregistrés",
	"action.declare":                 "Action de formation déclarée",
	"action.calendar":                "Séance ajoutée au calendrier d'une action",
	"action.comment":                 "Action de formation commentée par le secrétariat",
	"action.review":                  "Action de formation examinée",
	"action.refuse":                  "Action de formation refusée",
	"action.company_add":             "Entreprise ajoutée à une action",
	"action.import":                  "Candidats importés dans une action",
	"oral.reschedule":                "Oral de certification déplacé",
	"oral.cancel":                    "Oral de certification annulé",
	"vae.request":                    "Demande de VAE enregistrée",
	"vae.send":                       "Dossier de recevabilité VAE envoyé au candidat",
	"vae.admissibility_save":         "Dossier de recevabilité VAE enregistré (brouillon)",
	"vae.admissibility_submit":       "Dossier de recevabilité VAE envoyé au secrétariat",
	"vae.review_request":             "Avis d'un organisme demandé sur un dossier de VAE",
	"vae.review_give":                "Avis rendu sur un dossier de VAE",
	"vae.decide":                     "Décision de recevabilité VAE",
	"vae.decision_revoke":            "Décision de recevabilité VAE révoquée",
	"vae.experience_save":            "Dossier d'expérience VAE enregistré",
	"vae.experience_submit":          "Dossier d'expérience VAE déposé",
	"vae.experience_reopen":          "Dossier d'expérience VAE rouvert après une validation partielle",
	"vae.evidence_add":               "Pièce justificative VAE ajoutée",
	"vae.evidence_remove":            "Pièce justificative VAE retirée",
	"vae.adviser_assign":             "Accompagnateur VAE désigné",
	"vae.adviser_comment":            "Commentaire de l'accompagnateur VAE",
	"vae.validity_extend":            "Validité d'une recevabilité VAE prolongée",
	"vae.reminder":                   "Relance VAE envoyée",
	"vae.purged":                     "Dossier VAE effacé (durée de conservation)",
	"mail.purged":                    "Courriels supprimés (durée de conservation)",
	"candidate.anonymised":           "Personne anonymisée (durée de conservation)",
	"candidate.erased":               "Données effacées à la demande de la personne",
	"candidate.nir":                  "NIR enregistré ou corrigé",
	"candidate.identity_correct":     "Identité du candidat corrigée",
	"declaration.batch":              "Lot de déclaration à la Caisse des Dépôts constitué",
	"subject.draft":                  "Proposition de sujet d'évaluation rédigée",
	"subject.edit":                   "Proposition de sujet d'évaluation modifiée",
	"subject.submit":                 "Proposition de sujet soumise à la commission de sujets",
	"subject.withdraw":               "Proposition de sujet retirée par son auteur",
	"subject.attach":                 "Pièce jointe ajoutée à une proposition de sujet",
	"subject.detach":                 "Pièce jointe retirée d'une proposition de sujet",
	"subject.review":                 "Décision de la commission de sujets",
	"subject.retire":                 "Sujet retiré de la banque",
	"subject_call.create":            "Appel à sujets d'évaluation ouvert",
	"subject_call.dates":             "Dates de l'appel à sujets modifiées",
	"subject_call.announce":          "Appel à sujets annoncé aux organismes habilités",
	"subject_committee.schedule":     "Séance de la commission de sujets programmée",
	"declaration.report":             "Compte rendu de la Caisse des Dépôts appliqué",
	"retention.rules":                "Durées de conservation modifiées",
	"survey.send":                    "Questionnaire de devenir envoyé",
	"survey.remind":                  "Questionnaire de devenir relancé",
	"survey.answer":                  "Réponse au questionnaire de devenir (lien du courriel)",
	"survey.record":                  "Réponse au questionnaire de devenir saisie par le secrétariat",
	"survey.correct":                 "Réponse au questionnaire de devenir corrigée par le secrétariat",
	"organisation.create":            "Organisme de formation créé",
	"accreditation.create":           "Habilitation accordée",
	"accreditation.suspend":          "Habilitation suspendue",
	"accreditation.withdraw":         "Habilitation retirée",
	"accreditation.reinstate":        "Habilitation rétablie",
	"accreditation.obligations":      "Obligations des organismes habilités modifiées",
	"register.export":                "Registre des organismes habilités exporté",
	"bilan.export":                   "Bilan exporté",
	"company.create":                 "Entreprise créée",
	"funder.create":                  "Financeur créé",
	"user.create":                    "Compte créé",
	"user.role_add":                  "Rôle ajouté à un compte",
	"user.disable":                   "Compte désactivé",
	"user.enable":                    "Compte réactivé",
	"user.password_reset":            "Mot de passe choisi par lien",
	"user.password_change":           "Mot de passe changé",
	"api_token.create":               "Jeton d'API créé",
	"api_token.revoke":               "Jeton d'API révoqué",
	"webhook.create":                 "Webhook créé",
	"webhook.disable":                "Webhook désactivé",
	"webhook.delete":                 "Webhook supprimé",
	"framework.created":              "Référentiel créé",
	"framework.new_version":          "Nouvelle version de référentiel",
	"framework.updated":              "Référentiel mis à jour",
	"framework.confirm":              "Élément de référentiel confirmé tel quel",
	"framework.correct":              "Élément de référentiel corrigé et confirmé",

	"training.hours":             "Heures de formation enregistrées",
	"training.internship_add":    "Stage enregistré",
	"training.internship_remove": "Stage retiré",
	"continuous_mark.create":     "Note de contrôle continu saisie",
	"continuous_mark.remove":     "Note de contrôle continu retirée",
	"logbook.entry":              "Entrée au livret d'accompagnement",

	"grid.save":               "Grille d'évaluation finale enregistrée en brouillon",
	"grid.submit":             "Grille d'évaluation finale soumise",
	"grid.correction":         "Correction d'une grille d'évaluation finale (nouvelle version)",
	"commission.create":       "Commission d'évaluation formée",
	"commission.affiliations": "Rattachements d'un membre de commission modifiés",
	"oral.schedule":           "Oral de certification programmé et convocations envoyées",
	"oral.convocations":       "Convocations à un oral renvoyées",
	"subject.draw":            "Sujet tiré dans la banque pour un oral",
	"subject.redraw":          "Sujet d'un oral tiré de nouveau (motif)",

	"jury.roster_set":      "Membre inscrit sur la liste du jury",
	"jury.roster_remove":   "Membre retiré de la liste du jury",
	"branch.settings":      "Quorum et signataires du jury modifiés",
	"jury.session_create":  "Session de jury programmée",
	"jury.invite":          "Membres invités à une session de jury",
	"jury.attendance":      "Présences enregistrées à une session de jury",
	"jury.present":         "Candidat présenté au jury",
	"jury.withdraw":        "Candidat retiré d'une session de jury",
	"jury.open":            "Délibération du jury ouverte",
	"jury.decide":          "Décision du jury sur un bloc en débat",
	"jury.decision_remove": "Décision du jury supprimée",
	"jury.close":           "Session de jury close, résultats figés",
	"jury.outcome":         "Résultat du jury enregistré",
	"jury.rectify":         "Session de rectification programmée",
	"jury.gate_derogation": "Dérogation à une condition de présentation au jury",

	"certificate.issue":      "Certificat ou attestation de blocs délivré",
	"certificate.revoke":     "Certificat ou attestation de blocs révoqué",
	"branch.signature_place": "Lieu de signature des certificats modifié",
}

// actionFamilies are the action prefixes the audit page filters by, in menu order.
var actionFamilies = []option{
	{"candidate.", "Candidats"},
	{"enrolment.", "Inscriptions"},
	{"action.", "Actions de formation"},
	{"framework.", "Référentiels"},
	{"organisation.", "Organismes de formation"},
	{"accreditation.", "Habilitations"},
	{"company.", "Entreprises"},
	{"funder.", "Financeurs"},
	{"user.", "Comptes"},
	{"api_token.", "Jetons d'API"},
	{"webhook.", "Webhooks"},
	{"training.", "Suivi de formation"},
	{"continuous_mark.", "Évaluation continue"},
	{"logbook.", "Livret d'accompagnement"},
	{"grid.", "Grilles d'évaluation finale"},
	{"commission.", "Commissions d'évaluation"},
	{"oral.", "Oraux de certification"},
	{"jury.", "Jury"},
	{"branch.", "Paramètres de la branche"},
	{"survey.", "Devenir des candidats"},
	{"certificate.", "Certificats et attestations"},
	{"list.", "Exports de listes"},
	{"subject", "Sujets d'évaluation"},
}

// actionLabel is the French label of an audited action; an action without a label is shown
// as recorded rather than hidden.
func actionLabel(action string) string {
	if l, ok := actionLabels[action]; ok {
		return l
	}
	return action
}

// entityLabels names the kinds of record the audit trail is about.
var entityLabels = map[string]string{
	"candidate":                 "Candidat",
	"enrolment":                 "Inscription",
	"action":                    "Action de formation",
	"training_organisation":     "Organisme de formation",
	"company":                   "Entreprise",
	"funder":                    "Financeur",
	"user":                      "Compte",
	"framework":                 "Référentiel",
	"api_token":                 "Jeton d'API",
	"webhook":                   "Webhook",
	"evaluation_grid":           "Grille d'évaluation finale",
	"commission":                "Commission d'évaluation",
	"oral":                      "Oral de certification",
	"jury_session":              "Session de jury",
	"branch":                    "Branche",
	"certificate":               "Certificat ou attestation de blocs",
	"register":                  "Registre des organismes habilités",
	"outcome_survey":            "Questionnaire de devenir",
	"list":                      "Liste",
	"subject":                   "Sujet d'évaluation",
	"subject_call":              "Appel à sujets",
	"subject_committee_session": "Séance de la commission de sujets",
}

func entityLabel(kind string) string {
	if l, ok := entityLabels[kind]; ok {
		return l
	}
	return kind
}

// auditRoleLabel names the role recorded with an entry.
func auditRoleLabel(role string) string {
	switch role {
	case "":
		return ""
	case "system":
		return "Plateforme"
	}
	return domain.Role(role).Label()
}

// auditFieldLabels names the keys of the before/after states in French.
var auditFieldLabels = map[string]string{
	"filters": "filtres",
	"name":    "nom", "siret": "SIRET", "city": "ville", "email": "e-mail", "Email": "e-mail", "Name": "nom",
	"Roles": "rôles", "role": "rôle", "scope": "périmètre", "qualification": "qualification",
	"valid_from": "du", "valid_until": "au", "version": "version", "blocks": "blocs", "status": "statut",
	"disabled": "désactivé", "route": "voie", "public": "public", "framework_version": "version du référentiel",
	"training_organisation": "organisme", "company": "entreprise", "number": "numéro",
	"accreditation": "habilitation", "obligations_version": "version des obligations",
	"birth_name": "nom de naissance", "used_name": "nom d'usage", "first_names": "prénoms",
	"referent": "référent", "held": "blocs déjà acquis", "by": "à l'initiative de", "referents": "référents précédents",
	"birth_date": "né·e le", "sex": "sexe", "birth_insee": "INSEE de naissance", "birth_country": "pays de naissance",
	"birth_city": "commune de naissance", "nir": "NIR",
	"company_name": "entreprise", "situation": "situation", "contract": "contrat", "job_title": "poste", "helped": "le CQP a aidé", "source": "source",
	"wave":  "mois après le résultat",
	"block": "bloc", "planned_hours": "heures prévues", "done_hours": "heures effectuées", "starts_on": "du", "ends_on": "au",
	"hours": "heures", "label": "évaluation", "assessed_on": "le", "mark": "note", "action": "action", "on": "le",
	"body": "compte rendu", "competence": "compétence", "assessment": "évaluation du savoir-faire",
	"title": "intitulé", "place": "lieu", "funder": "financeur", "companies": "entreprises", "calendar_entries": "séances",
	"action_title": "intitulé de l'action", "action_status": "statut de l'action", "comment": "commentaire", "day": "jour",
	"start_time": "de", "end_time": "à", "session_label": "séance", "interview_on": "entretien le", "project": "projet",
	"motivation": "motivation", "diploma_level": "niveau de diplôme", "experience_months": "expérience (mois)",
	"related_experience_months": "expérience en lien (mois)", "eligible": "éligible", "rule": "règle",
	"refusal": "motif du refus", "file": "fichier", "rows": "candidats",
	"evaluator": "évaluateur", "marks": "notes", "reasoned_opinion": "avis argumenté", "members": "membres",
	"representative": "représentant des organismes", "starts_at": "le", "duration_minutes": "durée (minutes)",
	"video_link": "visioconférence", "recipients": "destinataires", "training_organisations": "organismes",
	"enrolment": "inscription", "commission": "commission", "grid_status": "état de la grille",
	"college": "collège", "invited": "invités", "present": "présents", "candidate": "candidat",
	"decision": "décision", "reason": "motif", "referent_opinion": "avis du référent", "quorum": "quorum",
	"rectifies": "rectifie la session", "rectified": "session rectifiée", "session": "session",
	"session_status": "état de la session", "jury_president": "président du jury",
	"csca_president": "président de la CSCA", "cpne_president": "président de la CPNE",
	"certified": "certifiés", "partial": "validations partielles", "not_certified": "non certifiés",
	"kind": "nature", "signature_place": "lieu de signature", "gate": "condition", "missing": "manquait",
	"item": "élément", "to_confirm": "à confirmer par la branche", "note": "note", "format": "format",
}

// compactState shows a JSON state of the audit trail on one line: « nom : Organisme A ·
// SIRET : 73282932000074 ». Codes are said in French (statuses, routes, roles) and the ids
// of records in names are replaced by their names. Empty values are left out; a text that is
// not JSON is shown as is.
func compactState(raw string, names map[string]string) string {
	raw = strings.TrimSpace(raw)
	if raw == "" {
		return ""
	}
	var v any
	dec := json.NewDecoder(strings.NewReader(raw))
	dec.UseNumber()
	if err := dec.Decode(&v); err != nil {
		return raw
	}
	return compactValue("", v, names)
}

func compactValue(key string, v any, names map[string]string) string {
	switch x := v.(type) {
	case nil:
		return ""
	case bool:
		if x {
			return "oui"
		}
		return "non"
	case string:
		return stateValue(key, x, names)
	case json.Number:
		return x.String()
	case []any:
		parts := make([]string, 0, len(x))
		for _, e := range x {
			if s := compactValue(key, e, names); s != "" {
				parts = append(parts, s)
			}
		}
		return strings.Join(parts, ", ")
	case map[string]any:
		keys := make([]string, 0, len(x))
		for k := range x {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		parts := make([]string, 0, len(keys))
		for _, k := range keys {
			s := compactValue(k, x[k], names)
			if s == "" {
				continue
			}
			label := k
			if l, ok := auditFieldLabels[k]; ok {
				label = l
			}
			parts = append(parts, label+" : "+s)
		}
		return strings.Join(parts, " · ")
	}
	return fmt.Sprint(v)
}

// stateValue says one recorded value in French, by the key it is recorded under.
func stateValue(key, v string, names map[string]string) string {
	switch key {
	case "status":
		return domain.EnrolmentStatus(v).Label()
	case "situation":
		return domain.SurveySituation(v).Label()
	case "contract":
		return domain.SurveyContract(v).Label()
	case "helped":
		return domain.SurveyHelped(v).Label()
	case "source":
		return domain.SurveySource(v).Label()
	case "session_status":
		return store.JurySessionStatus(v).Label()
	case "route":
		return domain.Route(v).Label()
	case "public":
		return domain.Public(v).Label()
	case "role":
		return domain.Role(v).Label()
	case "Roles": // "role:scope" as user.create records them
		role, scope, _ := strings.Cut(v, ":")
		out := domain.Role(role).Label()
		if scope != "" {
			out += " — " + nameOr(names, scope)
		}
		return out
	case "scope", "training_organisation", "company", "companies", "referent", "referents", "training_organisations":
		return nameOr(names, v)
	case "evaluator":
		return domain.Evaluator(v).Label()
	case "grid_status":
		switch v {
		case "draft":
			return "brouillon"
		case "submitted":
			return "soumise"
		}
	case "action_status":
		return store.ActionStatus(v).Label()
	case "rule":
		return service.EligibilityRuleLabel(rules.Rule(v))
	case "assessment":
		switch v {
		case "A":
			return "acquis"
		case "NA":
			return "non acquis"
		}
	case "birth_date", "valid_from", "valid_until", "starts_on", "ends_on", "assessed_on", "on", "interview_on", "day":
		if d, err := domain.ParseISODate(v); err == nil {
			return d.String()
		}
	}
	return v
}

func nameOr(names map[string]string, id string) string {
	if n, ok := names[id]; ok && n != "" {
		return n
	}
	return id
}
