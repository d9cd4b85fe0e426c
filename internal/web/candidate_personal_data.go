package web

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"cqp/internal/docs"
	"cqp/internal/domain"
	"cqp/internal/service"
	"cqp/internal/store"
)

// candidatePersonalDataJSON sends everything cqp holds on the candidate, as JSON (right of
// access).
func (s *Server) candidatePersonalDataJSON(w http.ResponseWriter, r *http.Request) error {
	d, err := s.svc.PersonalDataExport(r.Context(), actorFrom(r.Context()), r.PathValue("id"))
	if err != nil {
		return err
	}
	b, err := json.MarshalIndent(d, "", "  ")
	if err != nil {
		return err
	}
	sendFile(w, service.CertificateFile{Name: service.PersonalDataFileName(d.Candidate.Number, "json"),
		Type: "application/json; charset=utf-8", Content: append(b, '\n')})
	return nil
}

// candidatePersonalDataPDF sends the same data as a readable French PDF.
func (s *Server) candidatePersonalDataPDF(w http.ResponseWriter, r *http.Request) error {
	d, err := s.svc.PersonalDataForPDF(r.Context(), actorFrom(r.Context()), r.PathValue("id"))
	if err != nil {
		return err
	}
	b, err := docs.PersonalDataPDF(personalDataDoc(d))
	if err != nil {
		return err
	}
	sendFile(w, service.CertificateFile{Name: service.PersonalDataFileName(d.Candidate.Number, "pdf"),
		Type: "application/pdf", Content: b})
	return nil
}

// The French words of the readable copy.
func pdDate(d domain.Date) string { return d.String() }

func pdTime(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.In(domain.Paris()).Format("02/01/2006 à 15:04")
}

func pdTimePtr(t *time.Time) string {
	if t == nil {
		return ""
	}
	return pdTime(*t)
}

func pdDay(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.In(domain.Paris()).Format("02/01/2006")
}

func pdYes(b bool) string {
	if b {
		return "oui"
	}
	return "non"
}

func cols(spec ...any) []docs.PersonalDataColumn {
	var out []docs.PersonalDataColumn
	for i := 0; i+1 < len(spec); i += 2 {
		out = append(out, docs.PersonalDataColumn{Title: spec[i].(string), Weight: spec[i+1].(float64)})
	}
	return out
}

// personalDataDoc lays the export out for people: identity and account, one section per
// enrolment, certificates, mails and the audit trail.
func personalDataDoc(d service.PersonalData) docs.PersonalDataDoc {
	c := d.Candidate
	name := domain.Candidate{BirthName: c.BirthName, UsedName: c.UsedName, FirstNames: c.FirstNames}.DisplayName()
	controller := d.Controller.Name
	if controller == "" {
		controller = "la branche"
	}
	doc := docs.PersonalDataDoc{Controller: controller, HolderName: name, Number: c.Number, Created: d.ExportedAt,
		Intro: []string{
			"Ce document rassemble toutes les données que " + controller + " conserve sur vous dans la plateforme cqp, " +
				"au titre de votre droit d'accès (article 15 du règlement général sur la protection des données). " +
				"La même extraction existe au format JSON, lisible par une machine, sur votre page.",
			"Finalités : organiser votre parcours vers un certificat de qualification professionnelle (inscription, " +
				"suivi de formation, évaluation, jury) ; délivrer, envoyer et permettre de vérifier les certificats et " +
				"attestations ; garder la trace de qui a enregistré quoi et quand, comme l'exigent les règles de la certification.",
			"Les documents déposés (pièces justificatives de VAE) sont décrits ici par leur nom, leur taille et leur " +
				"empreinte SHA-256, sans leur contenu : téléchargez-les depuis votre dossier de VAE ou demandez-les au " +
				"secrétariat. Les certificats et attestations se téléchargent en PDF depuis votre page. Ni mot de passe ni " +
				"jeton n'apparaît ici : cqp n'en garde qu'une empreinte, qui n'est pas communiquée. cqp ne conserve pas " +
				"l'historique de vos connexions.",
		}}

	identity := docs.PersonalDataSection{Title: "Identité", Fields: []docs.PersonalDataField{
		{Label: "N° de candidat", Value: c.Number},
		{Label: "Nom de naissance", Value: c.BirthName},
		{Label: "Nom d'usage", Value: c.UsedName},
		{Label: "Prénoms", Value: c.FirstNames},
		{Label: "Date de naissance", Value: pdDate(c.BirthDate)},
		{Label: "Sexe", Value: domain.Sex(c.Sex).Label()},
		{Label: "Commune de naissance", Value: strings.TrimSpace(c.BirthCity + " " + parens(c.BirthINSEE, "INSEE "))},
		{Label: "Pays de naissance", Value: c.BirthCountry},
		{Label: "E-mail", Value: c.Email},
		{Label: "NIR (sécurité sociale)", Value: domain.FormatNIR(c.NIR)},
		{Label: "Enregistré le", Value: pdTime(c.CreatedAt)},
	}}
	if c.ErasedAt != nil {
		identity.Fields = append(identity.Fields, docs.PersonalDataField{Label: "Données effacées le", Value: pdTime(*c.ErasedAt)})
	}
	doc.Sections = append(doc.Sections, identity)

	account := docs.PersonalDataSection{Title: "Compte utilisateur"}
	if a := d.Account; a == nil {
		account.Paragraphs = []string{"Aucun compte utilisateur n'est lié à votre dossier."}
	} else {
		account.Fields = []docs.PersonalDataField{
			{Label: "E-mail de connexion", Value: a.Email},
			{Label: "Nom affiché", Value: a.Name},
			{Label: "Créé le", Value: pdTime(a.CreatedAt)},
			{Label: "Désactivé le", Value: pdTimePtr(a.DisabledAt)},
			{Label: "Dernière connexion", Value: "non conservée"},
		}
		roles := docs.PersonalDataTable{Title: "Rôles", Columns: cols("Rôle", 2.0, "Périmètre", 2.0, "Depuis le", 1.0)}
		for _, r := range a.Roles {
			roles.Rows = append(roles.Rows, []string{domain.Role(r.Role).Label(), r.Scope, pdDay(r.CreatedAt)})
		}
		tokens := docs.PersonalDataTable{Title: "Jetons d'API", Empty: "Aucun jeton d'API.",
			Columns: cols("Nom", 2.0, "Créé le", 1.4, "Expire le", 1.0, "Dernier usage", 1.4, "Révoqué le", 1.4)}
		for _, t := range a.APITokens {
			tokens.Rows = append(tokens.Rows, []string{t.Name, pdTime(t.CreatedAt), pdDay(t.ExpiresAt), pdTimePtr(t.LastUsedAt), pdTimePtr(t.RevokedAt)})
		}
		account.Tables = []docs.PersonalDataTable{roles, tokens}
	}
	doc.Sections = append(doc.Sections, account)

	for _, e := range d.Enrolments {
		doc.Sections = append(doc.Sections, enrolmentSection(e))
	}
	if len(d.Enrolments) == 0 {
		doc.Sections = append(doc.Sections, docs.PersonalDataSection{Title: "Inscriptions", Paragraphs: []string{"Aucune inscription."}})
	}

	certs := docs.PersonalDataTable{Empty: "Aucun certificat ni attestation.",
		Columns: cols("Document", 1.7, "Numéro et code de vérification", 2.6, "Qualification et blocs", 2.6, "Décerné le", 1.3, "Révocation", 1.3)}
	for _, ct := range d.Certificates {
		rev := ""
		if ct.RevokedAt != nil {
			rev = "révoqué le " + pdDay(*ct.RevokedAt) + " : " + ct.RevokedReason
		}
		certs.Rows = append(certs.Rows, []string{store.CertificateKind(ct.Kind).Label(), ct.Number + "\ncode " + ct.VerificationCode,
			ct.QualificationTitle + " (" + ct.QualificationCode + ")" + blocksSuffix(ct.Blocks), pdDate(ct.AwardedOn), rev})
	}
	doc.Sections = append(doc.Sections, docs.PersonalDataSection{Title: "Certificats et attestations", Tables: []docs.PersonalDataTable{certs}})

	mails := docs.PersonalDataTable{Empty: "Aucun message.",
		Columns: cols("Date", 1.7, "Destinataire", 2.0, "Objet", 3.8, "État", 1.3)}
	for _, m := range d.Mails {
		subject := m.Subject
		if m.Attachment != "" {
			subject += "\npièce jointe : " + m.Attachment
		}
		mails.Rows = append(mails.Rows, []string{pdTime(m.QueuedAt), m.To, subject, mailStatusLabel(m)})
	}
	doc.Sections = append(doc.Sections, docs.PersonalDataSection{Title: "Messages envoyés",
		Paragraphs: []string{"Les messages que cqp vous a adressés : leur objet et leur état, sans leur contenu."},
		Tables:     []docs.PersonalDataTable{mails}})

	names := map[string]string{}
	for _, e := range d.Enrolments {
		for id, name := range map[string]string{e.TrainingOrgID: e.TrainingOrganisation, e.CompanyID: e.Company, e.ReferentID: e.Referent} {
			if id != "" && name != "" {
				names[id] = name
			}
		}
	}
	trail := docs.PersonalDataTable{Empty: "Aucun événement.",
		Columns: cols("Date", 1.7, "Par", 1.3, "Événement", 2.0, "Détail", 3.3)}
	for _, e := range d.AuditTrail {
		by := e.ActorName
		if role := auditRoleLabel(e.ActorRole); role != "" {
			by += " (" + role + ")"
		}
		var detail []string
		before, after := compactState(e.Before, names), compactState(e.After, names)
		switch {
		case before != "" && after != "":
			detail = append(detail, "avant : "+before, "après : "+after)
		case before != "":
			detail = append(detail, "retiré : "+before)
		case after != "":
			detail = append(detail, after)
		}
		if e.Reason != "" {
			detail = append(detail, "motif : "+e.Reason)
		}
		trail.Rows = append(trail.Rows, []string{pdTime(e.At), by, actionLabel(e.Action), strings.Join(detail, "\n")})
	}
	doc.Sections = append(doc.Sections, docs.PersonalDataSection{Title: "Journal des opérations sur votre dossier",
		Paragraphs: []string{"Chaque modification de votre dossier est tracée : qui, quand, quoi. Les plus récentes d'abord."},
		Tables:     []docs.PersonalDataTable{trail}})
	return doc
}

func parens(v, prefix string) string {
	if v == "" {
		return ""
	}
	return "(" + prefix + v + ")"
}

func blocksSuffix(blocks []string) string {
	if len(blocks) == 0 {
		return ""
	}
	return " — blocs " + strings.Join(blocks, ", ")
}

func mailStatusLabel(m service.PersonalMail) string {
	switch m.Status {
	case "sent":
		return "envoyé le " + pdTimePtr(m.SentAt)
	case "failed":
		return "échec de l'envoi"
	}
	return "en attente"
}

func enrolmentSection(e service.PersonalEnrolment) docs.PersonalDataSection {
	route := domain.Enrolment{Route: domain.Route(e.Route), Stage: e.Stage}.RouteLabel()
	sec := docs.PersonalDataSection{Title: "Inscription — " + e.QualificationTitle + " (" + e.QualificationCode + ")"}
	sec.Fields = []docs.PersonalDataField{
		{Label: "Voie", Value: route},
		{Label: "Public", Value: domain.Public(e.Public).Label()},
		{Label: "Statut", Value: domain.EnrolmentStatus(e.Status).Label()},
		{Label: "Organisme", Value: e.TrainingOrganisation},
		{Label: "Entreprise", Value: e.Company},
		{Label: "Référent", Value: e.Referent},
		{Label: "Action de formation", Value: e.Action},
		{Label: "Blocs", Value: strings.Join(e.Blocks, ", ")},
		{Label: "Référentiel", Value: "version " + strconv.Itoa(e.FrameworkVersion)},
		{Label: "Inscrit le", Value: pdTime(e.CreatedAt)},
	}
	if e.Derogation != "" {
		sec.Fields = append(sec.Fields, docs.PersonalDataField{Label: "Dérogation", Value: e.Derogation})
	}
	if in := e.Interview; in != nil {
		sec.Fields = append(sec.Fields,
			docs.PersonalDataField{Label: "Entretien le", Value: pdDate(in.On)},
			docs.PersonalDataField{Label: "Projet", Value: in.Project},
			docs.PersonalDataField{Label: "Motivation", Value: in.Motivation},
			docs.PersonalDataField{Label: "Niveau de diplôme", Value: nonZero(in.DiplomaLevel)},
			docs.PersonalDataField{Label: "Expérience", Value: fmt.Sprintf("%d mois, dont %d en lien", in.ExperienceMonths, in.RelatedExperienceMonths)})
	}
	history := docs.PersonalDataTable{Title: "Historique du statut", Columns: cols("Date", 1.4, "Statut", 1.5, "Par", 1.3, "Motif", 2.5)}
	for _, h := range e.StatusHistory {
		history.Rows = append(history.Rows, []string{pdTime(h.At), domain.EnrolmentStatus(h.Status).Label(), h.By, h.Reason})
	}
	sec.Tables = append(sec.Tables, history)
	if len(e.TrainingHours) > 0 {
		t := docs.PersonalDataTable{Title: "Heures de formation", Columns: cols("Bloc", 1.0, "Prévues", 1.0, "Effectuées", 1.0, "Mises à jour le", 1.5)}
		for _, h := range e.TrainingHours {
			t.Rows = append(t.Rows, []string{h.Block, strconv.Itoa(h.Planned) + " h", strconv.Itoa(h.Done) + " h", pdTime(h.UpdatedAt)})
		}
		sec.Tables = append(sec.Tables, t)
	}
	if len(e.Internships) > 0 {
		t := docs.PersonalDataTable{Title: "Stages", Columns: cols("Entreprise", 2.5, "Du", 1.0, "Au", 1.0, "Heures", 0.8)}
		for _, in := range e.Internships {
			t.Rows = append(t.Rows, []string{in.Company, pdDate(in.StartsOn), pdDate(in.EndsOn), strconv.Itoa(in.Hours) + " h"})
		}
		sec.Tables = append(sec.Tables, t)
	}
	if len(e.Logbook) > 0 {
		t := docs.PersonalDataTable{Title: "Livret d'accompagnement", Columns: cols("Date", 1.0, "Compétence", 1.0, "Évaluation", 0.9, "Compte rendu", 4.0, "Par", 1.3)}
		for _, l := range e.Logbook {
			t.Rows = append(t.Rows, []string{pdDate(l.On), l.Competence, l.Assessment, l.Body, l.Author})
		}
		sec.Tables = append(sec.Tables, t)
	}
	if len(e.ContinuousMarks) > 0 {
		t := docs.PersonalDataTable{Title: "Évaluation continue", Columns: cols("Bloc", 0.8, "Évaluation", 2.5, "Note /20", 0.9, "Le", 1.0, "Par", 1.5)}
		for _, m := range e.ContinuousMarks {
			t.Rows = append(t.Rows, []string{m.Block, m.Label, m.Mark, pdDate(m.AssessedOn), m.By})
		}
		sec.Tables = append(sec.Tables, t)
	}
	for _, g := range e.EvaluationGrids {
		sec.Tables = append(sec.Tables, gridTables(g)...)
	}
	if len(e.Orals) > 0 {
		t := docs.PersonalDataTable{Title: "Oraux de certification", Columns: cols("Date", 1.4, "Commission", 1.5, "Durée", 0.8, "Lieu", 1.5, "Visioconférence", 2.0)}
		for _, o := range e.Orals {
			t.Rows = append(t.Rows, []string{pdTime(o.StartsAt), o.Commission, strconv.Itoa(o.DurationMinutes) + " min", o.Place, o.VideoLink})
		}
		sec.Tables = append(sec.Tables, t)
	}
	for _, j := range e.JurySessions {
		title := "Jury du " + pdTime(j.StartsAt)
		if j.Place != "" {
			title += ", " + j.Place
		}
		title += " (session " + store.JurySessionStatus(j.Status).Label() + ")"
		if j.Outcome != "" {
			title += " — résultat : " + domain.EnrolmentStatus(j.Outcome).Label()
		}
		t := docs.PersonalDataTable{Title: title, Empty: "Aucune décision enregistrée.",
			Columns: cols("Bloc", 0.8, "Décision", 0.9, "Motif", 3.0, "Avis du référent", 2.0, "Le", 1.4)}
		for _, jd := range j.Decisions {
			t.Rows = append(t.Rows, []string{jd.Block, decisionLabel(jd.Decision), jd.Reason, jd.ReferentOpinion, pdTime(jd.DecidedAt)})
		}
		sec.Tables = append(sec.Tables, t)
	}
	if len(e.AcquiredBlocks) > 0 {
		t := docs.PersonalDataTable{Title: "Blocs acquis", Columns: cols("Bloc", 1.0, "Acquis le", 1.0)}
		for _, b := range e.AcquiredBlocks {
			t.Rows = append(t.Rows, []string{b.Block, pdDate(b.AcquiredOn)})
		}
		sec.Tables = append(sec.Tables, t)
	}
	if len(e.GateDerogations) > 0 {
		t := docs.PersonalDataTable{Title: "Dérogations aux conditions de présentation au jury", Columns: cols("Manquait", 2.0, "Motif", 3.0, "Le", 1.4, "Par", 1.3)}
		for _, g := range e.GateDerogations {
			t.Rows = append(t.Rows, []string{g.Missing, g.Reason, pdTime(g.RecordedAt), g.RecordedBy})
		}
		sec.Tables = append(sec.Tables, t)
	}
	if e.VAE != nil {
		sec.Tables = append(sec.Tables, vaeTables(*e.VAE)...)
	}
	return sec
}

func nonZero(n int) string {
	if n == 0 {
		return ""
	}
	return strconv.Itoa(n)
}

func decisionLabel(d string) string {
	switch d {
	case "A":
		return "Acquis"
	case "NA":
		return "Non acquis"
	}
	return d
}

func gridTables(g service.PersonalGrid) []docs.PersonalDataTable {
	status := "brouillon"
	if g.SubmittedAt != nil {
		status = "transmise le " + pdTimePtr(g.SubmittedAt)
		if g.SubmittedBy != "" {
			status += " par " + g.SubmittedBy
		}
	}
	info := docs.PersonalDataTable{Title: fmt.Sprintf("Grille d'évaluation finale — %s, version %d (%s)", domain.Evaluator(g.Evaluator).Label(), g.Version, status),
		Columns: cols("Rubrique", 1.5, "Contenu", 5.0)}
	for _, f := range [][2]string{{"Commentaire", g.Comment}, {"Motif de la correction", g.CorrectionReason},
		{"Présentation du parcours", g.CareerPresentation}, {"Cas pratique", g.PracticalCase},
		{"Question de connaissances", g.KnowledgeQuestion}, {"Questions ouvertes", g.OpenQuestions},
		{"Avis argumenté", g.ReasonedOpinion}, {"Responsable hiérarchique", g.LineManager}} {
		if strings.TrimSpace(f[1]) != "" {
			info.Rows = append(info.Rows, []string{f[0], f[1]})
		}
	}
	var marks []string
	for _, m := range g.Marks {
		v := m.Competence + " : " + m.Mark
		if m.Comment != "" {
			v += " (" + m.Comment + ")"
		}
		marks = append(marks, v)
	}
	if len(marks) > 0 {
		info.Rows = append(info.Rows, []string{"Évaluations", strings.Join(marks, "\n")})
	}
	for _, t := range g.BlockTests {
		info.Rows = append(info.Rows, []string{"Épreuve " + t.Block + " (" + store.BlockTestKind(t.Kind).Label() + ")",
			strings.TrimSpace(pdDate(t.HeldOn) + " — " + t.Result + " — " + t.Assessor)})
	}
	if len(info.Rows) == 0 {
		info.Empty = "Grille sans contenu."
	}
	return []docs.PersonalDataTable{info}
}

func vaeTables(v service.PersonalVAE) []docs.PersonalDataTable {
	file := docs.PersonalDataTable{Title: "Dossier de VAE", Columns: cols("Rubrique", 1.5, "Contenu", 5.0)}
	add := func(label, value string) {
		if strings.TrimSpace(value) != "" {
			file.Rows = append(file.Rows, []string{label, value})
		}
	}
	add("État", domain.VAEStatus(v.Status).Label())
	add("Demandé par", domain.RequestedBy(v.RequestedBy).Label())
	add("Message de la demande", v.RequestMessage)
	add("Recevable jusqu'au", pdDate(v.ValidUntil))
	add("Accompagnateur VAE", v.Adviser)
	add("Dossier d'expérience", domain.ExperienceStatus(v.ExperienceStatus).Label())
	add("Adresse (brouillon)", v.Draft.Address)
	add("Téléphone (brouillon)", v.Draft.Phone)
	add("Situation (brouillon)", v.Draft.Situation)
	add("Motivation (brouillon)", v.Draft.Motivation)
	for _, ver := range v.Versions {
		add(fmt.Sprintf("Version %d du dossier de recevabilité", ver.Version), "transmise le "+pdTime(ver.SubmittedAt)+
			admissibilitySummary(ver.Content))
	}
	for _, r := range v.Reviews {
		opinion := "demandé le " + pdTime(r.RequestedAt) + ", en attente"
		if r.GivenAt != nil {
			opinion = domain.ReviewOpinion(r.Opinion).Label() + ", rendu le " + pdTimePtr(r.GivenAt)
		}
		add("Avis — "+r.TrainingOrganisation, strings.TrimSpace(opinion+"\n"+r.Comment))
	}
	for _, dd := range v.Decisions {
		val := domain.VAEDecisionKind(dd.Decision).Label() + " le " + pdTime(dd.DecidedAt)
		if dd.Reason != "" {
			val += "\n" + dd.Reason
		}
		if dd.RevokedAt != nil {
			val += "\nrévoquée le " + pdTimePtr(dd.RevokedAt) + " : " + dd.RevokeReason
		}
		add(fmt.Sprintf("Décision sur la version %d", dd.FileVersion), val)
	}
	for _, b := range v.ExperienceBlocks {
		add("Expérience — bloc "+b.Block, b.Narrative)
	}
	for _, sub := range v.ExperienceSubmitted {
		add(fmt.Sprintf("Dossier d'expérience transmis (tour %d)", sub.Round), pdTime(sub.SubmittedAt)+" — blocs "+strings.Join(sub.Blocks, ", "))
	}
	for _, cm := range v.AdviserComments {
		label := "Commentaire de l'accompagnateur"
		if cm.Block != "" {
			label += " (bloc " + cm.Block + ")"
		}
		add(label, cm.Comment+" — "+pdTime(cm.CreatedAt))
	}
	out := []docs.PersonalDataTable{file}
	evidence := docs.PersonalDataTable{Title: "Pièces justificatives (décrites, sans leur contenu)", Empty: "Aucune pièce déposée.",
		Columns: cols("Pièce", 2.0, "Fichier", 2.0, "Taille", 1.1, "Empreinte SHA-256", 2.6, "Déposée le", 1.4)}
	for _, ev := range v.Evidence {
		title := ev.Title
		if ev.Block != "" {
			title += " (bloc " + ev.Block + ")"
		}
		evidence.Rows = append(evidence.Rows, []string{title, ev.Filename, strconv.FormatInt(ev.SizeBytes, 10) + " octets", ev.SHA256, pdTime(ev.UploadedAt)})
	}
	return append(out, evidence)
}

func admissibilitySummary(f domain.AdmissibilityFile) string {
	var parts []string
	if f.Address != "" {
		parts = append(parts, "adresse : "+f.Address)
	}
	if f.Phone != "" {
		parts = append(parts, "téléphone : "+f.Phone)
	}
	if f.Situation != "" {
		parts = append(parts, "situation : "+f.Situation)
	}
	if f.Motivation != "" {
		parts = append(parts, "motivation : "+f.Motivation)
	}
	for _, p := range f.Periods {
		line := "expérience : " + p.Employer + " — " + p.Role + ", du " + pdDate(p.From) + " au " + pdDate(p.Until)
		if p.Related {
			line += " (en lien avec la qualification)"
		}
		if p.Activities != "" {
			line += " : " + p.Activities
		}
		parts = append(parts, line)
	}
	for _, dp := range f.Diplomas {
		parts = append(parts, "diplôme : "+strings.TrimSpace(dp.Title+" "+parens(strings.Trim(dp.Year+", "+dp.Level, ", "), "")))
	}
	if n := len(f.SelfAssessment); n > 0 {
		parts = append(parts, "autoévaluation : "+strconv.Itoa(n)+" compétence(s) (le détail figure dans l'export JSON)")
	}
	parts = append(parts, "exactitude certifiée : "+pdYes(f.Certified))
	return "\n" + strings.Join(parts, "\n")
}
