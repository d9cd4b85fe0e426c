package service

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"unicode/utf8"

	"cqp/internal/domain"
	"cqp/internal/rules"
	"cqp/internal/store"
)

// The admissibility file (dossier de recevabilité): identity (the candidate's record, with an
// address and a phone here), experience periods, diplomas and the self-assessment of every
// competence of the presented blocks. The candidate saves it as often as they like; each
// submission freezes a new version, and a file returned as incomplete is completed, not
// started over.

// PeriodInput is one experience period as typed in the form; dates are JJ/MM/AAAA or
// AAAA-MM-JJ, the end may be empty for the job held today.
type PeriodInput struct {
	Employer, Role, From, Until, Activities string
	Related                                 bool
}

func (p PeriodInput) blank() bool {
	return strings.TrimSpace(p.Employer+p.Role+p.From+p.Until+p.Activities) == ""
}

// AdmissibilityInput is the admissibility file as typed in the form.
type AdmissibilityInput struct {
	Address, Phone, Situation, Motivation string
	Periods                               []PeriodInput
	Diplomas                              []domain.Diploma
	SelfAssessment                        map[string]domain.SelfAssessment // competence code →
	Certified                             bool
	// NIR is the candidate's social security number, asked in the file while cqp has none: it
	// is recorded on the candidate (not in the file) as soon as it is valid.
	NIR string
}

// PeriodField names the form field of period i (from 0), e.g. "period_2_from" for the second.
func PeriodField(i int, name string) string { return "period_" + strconv.Itoa(i+1) + "_" + name }

// DiplomaField names the form field of diploma i (from 0).
func DiplomaField(i int, name string) string { return "diploma_" + strconv.Itoa(i+1) + "_" + name }

// SelfLevelField and SituationField name the self-assessment fields of a competence.
func SelfLevelField(competence string) string { return "self_" + competence }
func SituationField(competence string) string { return "situation_" + competence }

const (
	maxShortText = 300
	maxLongText  = 4000
	maxPeriods   = 40
	maxDiplomas  = 20
)

// parseAdmissibility checks the form's values and builds the file; blank rows are dropped.
// Field errors say where: "Période 2 : la date de fin…".
func parseAdmissibility(fw domain.Framework, e domain.Enrolment, in AdmissibilityInput, today domain.Date) (domain.AdmissibilityFile, domain.FieldErrors) {
	fe := domain.FieldErrors{}
	f := domain.AdmissibilityFile{Address: strings.TrimSpace(in.Address), Phone: strings.TrimSpace(in.Phone),
		Situation: strings.TrimSpace(in.Situation), Motivation: strings.TrimSpace(in.Motivation), Certified: in.Certified,
		SelfAssessment: map[string]domain.SelfAssessment{}}
	long := func(field, label, v string, limit int) {
		if utf8.RuneCountInString(v) > limit {
			fe.Add(field, fmt.Sprintf("%s dépasse %s caractères : raccourcissez-le.", label, frenchInt(limit)))
		}
	}
	long("address", "L'adresse", f.Address, maxShortText)
	long("phone", "Le téléphone", f.Phone, 40)
	long("situation", "La situation actuelle", f.Situation, maxShortText)
	long("motivation", "Le projet", f.Motivation, maxLongText)
	n := 0
	for _, p := range in.Periods {
		if p.blank() {
			continue
		}
		if n == maxPeriods {
			fe.Add("periods", fmt.Sprintf("Au plus %d périodes d'expérience : regroupez les plus anciennes.", maxPeriods))
			break
		}
		i := n
		n++
		label := fmt.Sprintf("Période %d : ", i+1)
		period := domain.ExperiencePeriod{Employer: strings.TrimSpace(p.Employer), Role: strings.TrimSpace(p.Role),
			Activities: strings.TrimSpace(p.Activities), Related: p.Related}
		if period.Employer == "" {
			fe.Add(PeriodField(i, "employer"), label+"indiquez l'employeur.")
		}
		if period.Role == "" {
			fe.Add(PeriodField(i, "role"), label+"indiquez l'emploi occupé.")
		}
		long(PeriodField(i, "employer"), label+"l'employeur", period.Employer, maxShortText)
		long(PeriodField(i, "role"), label+"l'emploi", period.Role, maxShortText)
		long(PeriodField(i, "activities"), label+"la description des activités", period.Activities, maxLongText)
		from, until := strings.TrimSpace(p.From), strings.TrimSpace(p.Until)
		var err error
		switch {
		case from == "":
			fe.Add(PeriodField(i, "from"), label+"indiquez la date de début (JJ/MM/AAAA).")
		default:
			if period.From, err = domain.ParseFrenchDate(from); err != nil {
				fe.Add(PeriodField(i, "from"), label+"la date de début « "+from+" » n'est pas au format JJ/MM/AAAA.")
			} else if today.Before(period.From) {
				fe.Add(PeriodField(i, "from"), label+"la date de début est dans le futur.")
			}
		}
		if until != "" {
			if period.Until, err = domain.ParseFrenchDate(until); err != nil {
				fe.Add(PeriodField(i, "until"), label+"la date de fin « "+until+" » n'est pas au format JJ/MM/AAAA (laissez-la vide pour l'emploi actuel).")
			} else if !period.From.IsZero() && period.Until.Before(period.From) {
				fe.Add(PeriodField(i, "until"), label+"la date de fin est avant la date de début.")
			}
		}
		f.Periods = append(f.Periods, period)
	}
	n = 0
	for _, d := range in.Diplomas {
		d = domain.Diploma{Title: strings.TrimSpace(d.Title), Year: strings.TrimSpace(d.Year), Level: strings.TrimSpace(d.Level)}
		if d.Title+d.Year+d.Level == "" {
			continue
		}
		if n == maxDiplomas {
			fe.Add("diplomas", fmt.Sprintf("Au plus %d diplômes : gardez les plus utiles à la qualification.", maxDiplomas))
			break
		}
		i := n
		n++
		label := fmt.Sprintf("Diplôme %d : ", i+1)
		if d.Title == "" {
			fe.Add(DiplomaField(i, "title"), label+"indiquez son intitulé.")
		}
		long(DiplomaField(i, "title"), label+"l'intitulé", d.Title, maxShortText)
		if d.Year != "" {
			if y, err := strconv.Atoi(d.Year); err != nil || y < 1940 || y > today.Year() {
				fe.Add(DiplomaField(i, "year"), label+"l'année « "+d.Year+" » doit être une année à quatre chiffres, au plus "+strconv.Itoa(today.Year())+".")
			}
		}
		long(DiplomaField(i, "level"), label+"le niveau", d.Level, 100)
		f.Diplomas = append(f.Diplomas, d)
	}
	known := map[string]bool{}
	for _, b := range fw.Blocks {
		if !contains(e.Blocks, b.Code) {
			continue
		}
		for _, c := range b.Competences {
			known[c.Code] = true
		}
	}
	for code, sa := range in.SelfAssessment {
		if !known[code] {
			fe.Add("self_assessment", "La compétence « "+code+" » n'appartient pas aux blocs à évaluer (présentés et pas encore acquis).")
			continue
		}
		sa.Situation = strings.TrimSpace(sa.Situation)
		if sa.Level != "" && !sa.Level.Valid() {
			fe.Add(SelfLevelField(code), code+" : choisissez acquise, partiellement acquise ou non acquise.")
			continue
		}
		long(SituationField(code), code+" : la situation", sa.Situation, maxLongText)
		if sa.Level != "" || sa.Situation != "" {
			f.SelfAssessment[code] = sa
		}
	}
	return f, fe
}

// frenchInt writes 4000 as « 4 000 », with a no-break space.
func frenchInt(n int) string { return domain.GroupThousands(n, "\u00a0") }

// AdmissibilityCheck is the admissibility file against the rules: the related experience the
// periods give (the VAE rule, with its warning under the recommendation), and what is still
// missing before the file can be sent.
type AdmissibilityCheck struct {
	RelatedMonths, TotalMonths   int
	MinMonths, RecommendedMonths int
	Eligible                     bool
	Message                      string
	Warnings                     []string
	Competences, Assessed        int
	Missing                      []MissingPart // one per missing part, in the order of the form
	// FieldMessages says, field by field, what each field still needs (every unassessed
	// competence, every missing situation), for the form to show at the field.
	FieldMessages map[string]string
}

// MissingPart is one part of the file still missing, and the form field where it is filled
// (or "periods" for the experience periods as a whole).
type MissingPart struct {
	Field   string
	Message string
}

// MissingMessages returns the missing parts' messages.
func (c AdmissibilityCheck) MissingMessages() []string {
	out := make([]string, len(c.Missing))
	for i, m := range c.Missing {
		out[i] = m.Message
	}
	return out
}

// Ready reports whether the file may be submitted.
func (c AdmissibilityCheck) Ready() bool { return len(c.Missing) == 0 }

// CheckAdmissibility applies the rules to an admissibility file. nirKnown says whether cqp holds
// the candidate's NIR, which the file asks for while it does not.
func CheckAdmissibility(fw domain.Framework, e domain.Enrolment, f domain.AdmissibilityFile, nirKnown bool, today domain.Date) AdmissibilityCheck {
	r := rules.CheckRelatedExperience(fw, f.Periods, today)
	c := AdmissibilityCheck{RelatedMonths: r.Months, TotalMonths: r.TotalMonths, MinMonths: fw.Prerequisites.VAEMinRelatedMonths,
		RecommendedMonths: fw.Prerequisites.VAERecommendedRelatedMonths, Eligible: r.Eligibility.Eligible,
		Message: r.Eligibility.Reason, Warnings: r.Eligibility.Warnings}
	c.FieldMessages = map[string]string{}
	missing := func(field, summary, atField string) {
		c.Missing = append(c.Missing, MissingPart{Field: field, Message: summary})
		if atField != "" {
			c.FieldMessages[field] = atField
		}
	}
	if f.Address == "" {
		missing("address", "Votre adresse postale (pour la lettre de décision).", "Indiquez votre adresse postale : la lettre de décision y est envoyée.")
	}
	if !nirKnown {
		missing("nir", "Votre numéro de sécurité sociale (NIR), pour déclarer votre certification à Mon Compte Formation.",
			"Indiquez votre numéro de sécurité sociale : 15 caractères, clé comprise, tels qu'ils figurent sur votre carte Vitale.")
	}
	if len(f.Periods) == 0 {
		missing(PeriodField(0, "employer"), "Au moins une période d'expérience professionnelle.", "Indiquez au moins une période d'expérience professionnelle.")
	} else if !r.Eligibility.Eligible {
		missing("periods", fmt.Sprintf("Au moins %d mois d'expérience en lien avec la qualification : vos périodes en donnent %d.",
			c.MinMonths, c.RelatedMonths), "")
	}
	var unassessed, noSituation []string
	for _, b := range fw.Blocks {
		if !contains(e.Blocks, b.Code) {
			continue
		}
		for _, comp := range b.Competences {
			c.Competences++
			sa, ok := f.SelfAssessment[comp.Code]
			switch {
			case !ok || sa.Level == "":
				unassessed = append(unassessed, comp.Code)
				c.FieldMessages[SelfLevelField(comp.Code)] = comp.Code + " : choisissez votre niveau (acquise, partiellement acquise ou non acquise)."
			default:
				c.Assessed++
				if sa.Level != domain.SelfNotAcquired && sa.Situation == "" {
					noSituation = append(noSituation, comp.Code)
					c.FieldMessages[SituationField(comp.Code)] = comp.Code + " : décrivez une situation de travail qui montre cette compétence."
				}
			}
		}
	}
	if len(unassessed) > 0 {
		c.Missing = append(c.Missing, MissingPart{Field: SelfLevelField(unassessed[0]),
			Message: "L'auto-évaluation de " + Plural(len(unassessed), "compétence", "compétences") + " : " + strings.Join(unassessed, ", ") + "."})
	}
	if len(noSituation) > 0 {
		c.Missing = append(c.Missing, MissingPart{Field: SituationField(noSituation[0]),
			Message: "La situation qui montre chaque compétence acquise ou partiellement acquise : " + strings.Join(noSituation, ", ") + "."})
	}
	if !f.Certified {
		missing("certified", "Votre attestation sur l'honneur que les informations sont exactes (case à cocher).", "Cochez cette case pour envoyer le dossier.")
	}
	return c
}

// SaveAdmissibility saves the admissibility file as a draft: what is typed is kept even when
// incomplete, but a value that is wrong (a date that is not one) is refused with its field.
func (s *Service) SaveAdmissibility(ctx context.Context, a domain.Actor, enrolmentID string, in AdmissibilityInput) (AdmissibilityCheck, error) {
	return s.writeAdmissibility(ctx, a, enrolmentID, in, false)
}

// SubmitAdmissibility saves the admissibility file and sends it to the secretariat as a new
// version, when nothing required is missing.
func (s *Service) SubmitAdmissibility(ctx context.Context, a domain.Actor, enrolmentID string, in AdmissibilityInput) (AdmissibilityCheck, error) {
	return s.writeAdmissibility(ctx, a, enrolmentID, in, true)
}

func (s *Service) writeAdmissibility(ctx context.Context, a domain.Actor, enrolmentID string, in AdmissibilityInput, submit bool) (AdmissibilityCheck, error) {
	if err := Check(a, ActVAEFill); err != nil {
		return AdmissibilityCheck{}, err
	}
	var check AdmissibilityCheck
	err := s.store.Write(ctx, func(q store.Q) error {
		v, err := s.loadVAE(ctx, q, a, ActVAEFill, enrolmentID)
		if err != nil {
			return err
		}
		st := v.file.Status
		if !st.CandidateHoldsFile() && !(st == domain.VAERequested && AccessFor(a, ActVAEFill) == AccessAll) {
			return domain.Errorf(domain.ECONFLICT, "Le dossier de recevabilité est « %s » : il ne se modifie plus.", st.Label())
		}
		assessed, err := v.selfAssessed(ctx, q)
		if err != nil {
			return err
		}
		f, fe := parseAdmissibility(v.framework, assessed, in, s.Today())
		nir := domain.NormalizeNIR(in.NIR)
		if nir != "" {
			if msg := domain.NIRProblem(nir, v.candidate); msg != "" {
				fe.Add("nir", msg)
			} else if err := Check(a, ActNIRWrite); err != nil {
				return err
			}
		}
		if err := fe.Err(); err != nil {
			return err
		}
		check = CheckAdmissibility(v.framework, assessed, f, v.candidate.NIR != "" || nir != "", s.Today())
		if submit && !check.Ready() {
			missing := strings.Join(check.MissingMessages(), " ")
			fields := map[string]string{"submit": missing}
			for k, m := range check.FieldMessages {
				fields[k] = m
			}
			return &domain.Error{Code: domain.EINVALID, Message: "Le dossier ne peut pas encore être envoyé. Il manque : " + missing, Fields: fields}
		}
		now := s.Now()
		before := map[string]any{"status": string(st), "version": v.file.Version}
		v.file.Draft, v.file.UpdatedAt = f, now
		action := "vae.admissibility_save"
		after := map[string]any{"status": string(st), "periods": len(f.Periods), "related_months": check.RelatedMonths,
			"assessed": check.Assessed, "competences": check.Competences}
		if submit {
			action = "vae.admissibility_submit"
			v.file.Version++
			v.file.Status, v.file.WaitingSince, v.file.LastReminderAt = domain.VAESubmitted, nil, nil
			if err := q.AddVAEFileVersion(ctx, store.VAEFileVersion{EnrolmentID: enrolmentID, Version: v.file.Version, Content: f,
				SubmittedAt: now, SubmittedBy: a.UserID}); err != nil {
				return err
			}
			after["status"], after["version"] = string(domain.VAESubmitted), v.file.Version
		}
		if err := q.UpdateVAEFile(ctx, v.file); err != nil {
			return err
		}
		if nir != "" && nir != v.candidate.NIR {
			if err := s.recordNIR(ctx, q, a, v.candidate, nir); err != nil {
				return err
			}
		}
		if err := s.audit(ctx, q, a, change{Action: action, EntityType: "vae_file", EntityID: enrolmentID, CandidateID: v.candidate.ID,
			Before: before, After: after}); err != nil {
			return err
		}
		if !submit {
			return nil
		}
		if v.candidate.Email != "" {
			if err := s.queueMail(ctx, q, v.candidate.Email, "Votre dossier de recevabilité VAE a bien été reçu",
				fmt.Sprintf("Bonjour %s,\n\nVotre dossier de recevabilité (version %d) pour « %s » a bien été reçu. Le secrétariat le fait examiner par un organisme de formation, puis vous informe de sa décision.\n\nSuivre votre dossier : %s\n",
					v.candidate.DisplayName(), v.file.Version, v.enrolment.QualificationTitle, s.vaeURL(enrolmentID))); err != nil {
				return err
			}
		}
		return s.tellSecretariat(ctx, q, "Dossier de recevabilité VAE reçu : "+v.candidate.DisplayName(),
			fmt.Sprintf("Bonjour,\n\n%s (%s) a envoyé son dossier de recevabilité pour « %s » (version %d, %d mois d'expérience en lien).\n\nDemandez l'avis d'un organisme de formation, ou décidez :\n%s\n",
				v.candidate.DisplayName(), v.candidate.Number, v.enrolment.QualificationTitle, v.file.Version, check.RelatedMonths, s.vaeURL(enrolmentID)))
	})
	return check, err
}
