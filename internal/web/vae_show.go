package web

import (
	"net/http"
	"strconv"
	"strings"

	"cqp/internal/domain"
	"cqp/internal/rules"
	"cqp/internal/service"
	"cqp/internal/store"
)

// vaeShowPage is a VAE file's overview: where it stands, the admissibility file, the reviews,
// the decisions and the experience file, with the forms the actor may use on it.
type vaeShowPage struct {
	V                service.VAEView
	Steps            []progressStep
	Latest           *vaeVersionView // the latest submitted version, shown in full
	CanReadCandidate bool
	CanRevoke        bool // the latest decision may still be revoked
	HasActions       bool // the page holds forms of the secretariat or the adviser
	Organisations    []option
	Advisers         []option
	DecisionKinds    []vaeDecisionChoice
	RedirectRoutes   []option
	CommentBlocks    []option
	// The forms of the page, each shown again with its errors after a refusal.
	Send, AskReview, Decide, Revoke, Adviser, Comment, Extend *form
}

// vaeDecisionChoice is one decision of the radio group, with when it applies.
type vaeDecisionChoice struct{ Value, Label, Hint string }

func vaeDecisionChoices() []vaeDecisionChoice {
	hints := map[domain.VAEDecisionKind]string{
		domain.DecisionAdmissible:    "La demande est recevable jusqu'à la date indiquée ci-dessous : le dossier d'expérience s'ouvre. Après l'avis d'un organisme.",
		domain.DecisionNotAdmissible: "La demande est close ; le motif figure dans la lettre.",
		domain.DecisionIncomplete:    "Le dossier retourne au candidat, qui le complète ; le motif dit ce qui manque.",
		domain.DecisionRedirected:    "Une inscription est créée sur la voie et avec l'organisme choisis ci-dessous ; la demande de VAE est close. Après l'avis d'un organisme.",
	}
	var out []vaeDecisionChoice
	for _, k := range domain.VAEDecisionKinds {
		out = append(out, vaeDecisionChoice{string(k), k.Label(), hints[k]})
	}
	return out
}

// vaeVersionView is one submitted admissibility file as the pages show it (template
// "vaeversion" in _vae_version.html): identity and situation, experience periods with the
// months they count, diplomas, and the self-assessment of every competence of the presented
// blocks.
type vaeVersionView struct {
	Version store.VAEFileVersion
	// CountedOn is the day the months are counted at: the day the version was sent.
	CountedOn                    domain.Date
	Periods                      []vaePeriodView
	RelatedMonths, TotalMonths   int
	MinMonths, RecommendedMonths int
	Eligible                     bool
	Rule                         string
	Warnings                     []string
	Blocks                       []vaeSelfBlock
}

type vaePeriodView struct {
	domain.ExperiencePeriod
	Months int
}

type vaeSelfBlock struct {
	Code, Title string
	Competences []vaeSelfCompetence
}

type vaeSelfCompetence struct {
	Code, Title, Level, Situation string
	Assessed                      bool
}

// vaeVersionOf prepares a submitted version for its template.
func vaeVersionOf(v service.VAEView, ver store.VAEFileVersion) *vaeVersionView {
	day := domain.DateOf(ver.SubmittedAt)
	c := ver.Content
	r := rules.CheckRelatedExperience(v.Framework, c.Periods, day)
	out := &vaeVersionView{Version: ver, CountedOn: day, RelatedMonths: r.Months, TotalMonths: r.TotalMonths,
		MinMonths: v.Framework.Prerequisites.VAEMinRelatedMonths, RecommendedMonths: v.Framework.Prerequisites.VAERecommendedRelatedMonths,
		Eligible: r.Eligibility.Eligible, Rule: r.Eligibility.Reason, Warnings: r.Eligibility.Warnings}
	for _, p := range c.Periods {
		out.Periods = append(out.Periods, vaePeriodView{p, rules.ExperienceMonths([]domain.ExperiencePeriod{p}, day, false)})
	}
	for _, b := range v.Blocks {
		if v.Acquired[b.Code] {
			continue // held for good: not assessed
		}
		sb := vaeSelfBlock{Code: b.Code, Title: b.Title}
		for _, comp := range b.Competences {
			sa, ok := c.SelfAssessment[comp.Code]
			sc := vaeSelfCompetence{Code: comp.Code, Title: comp.Title, Assessed: ok && sa.Level != ""}
			if ok {
				sc.Level, sc.Situation = sa.Level.Label(), sa.Situation
			}
			sb.Competences = append(sb.Competences, sc)
		}
		out.Blocks = append(out.Blocks, sb)
	}
	return out
}

// vaeFileSteps is the path of a VAE file, from the request to the jury, with the step it is at.
func vaeFileSteps(v service.VAEView) []progressStep {
	if v.Enrolment.FinalStage() {
		return finalStageSteps(v)
	}
	labels := []string{"Demande", "Dossier de recevabilité envoyé au candidat", "Dossier de recevabilité reçu", "Avis de l'organisme",
		"Décision de recevabilité", "Dossier d'expérience", "Commission d'évaluation", "Jury"}
	cur := 0
	switch v.File.Status {
	case domain.VAESent, domain.VAEIncomplete:
		cur = 1
	case domain.VAESubmitted:
		cur = 2
	case domain.VAEUnderReview:
		cur = 3
	case domain.VAEReviewed, domain.VAENotAdmissible, domain.VAERedirected:
		cur = 4
	case domain.VAEAdmissible:
		switch {
		case v.File.ExperienceStatus != domain.ExperienceSubmitted:
			cur = 5
		case v.Enrolment.Status == domain.StatusFinalEvaluation:
			cur = 6
		default:
			cur = 7
		}
	}
	switch v.File.Status {
	case domain.VAEIncomplete:
		labels[1] += " (renvoyé incomplet, à compléter par le candidat)"
	case domain.VAENotAdmissible, domain.VAERedirected:
		labels[4] += " : " + strings.ToLower(v.File.Status.Label()) + " (demande close)"
	}
	if cur == 7 && v.Enrolment.Status != domain.StatusAwaitingJury {
		labels[7] += " : " + strings.ToLower(v.Enrolment.Status.Label())
	}
	return stepsAt(labels, cur)
}

// stepsAt is a path of steps, done before cur, current at cur.
func stepsAt(labels []string, cur int) []progressStep {
	out := make([]progressStep, len(labels))
	for i, l := range labels {
		out[i] = progressStep{Label: l, Done: i < cur, Current: i == cur}
	}
	return out
}

// finalStageSteps is the path of the blocs route's final stage: opened by the secretariat, the
// experience file (none when every block is held), the commission, the jury.
func finalStageSteps(v service.VAEView) []progressStep {
	labels := []string{"Ouverture par le secrétariat", "Dossier d'expérience", "Commission d'évaluation", "Jury"}
	cur := 1
	switch {
	case v.File.ExperienceStatus == domain.ExperienceOpen:
	case v.Enrolment.Status == domain.StatusFinalEvaluation:
		cur = 2
	default:
		cur = 3
	}
	if v.File.ExperienceStatus == domain.ExperienceClosed {
		labels[1] += " : sans objet, tous les blocs sont acquis"
	}
	if cur == 3 && v.Enrolment.Status != domain.StatusAwaitingJury {
		labels[3] += " : " + strings.ToLower(v.Enrolment.Status.Label())
	}
	return stepsAt(labels, cur)
}

// Paragraphs splits a text typed in a textarea into its paragraphs.
func (vaeShowPage) Paragraphs(text string) []string {
	var out []string
	for _, p := range strings.Split(strings.ReplaceAll(text, "\r\n", "\n"), "\n\n") {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}

// Size writes a file's size in Ko or Mo.
func (vaeShowPage) Size(n int64) string {
	if n >= 1<<20 {
		return strings.Replace(strconv.FormatFloat(float64(n)/(1<<20), 'f', 1, 64), ".", ",", 1) + " Mo"
	}
	return frenchNumber(int((n+1023)/1024)) + " Ko"
}

// BlockTitle names a block of the file by its code ("" for the whole file).
func (p vaeShowPage) BlockTitle(code string) string {
	if code == "" {
		return "Ensemble du dossier"
	}
	for _, b := range p.V.Blocks {
		if b.Code == code {
			return b.Code + " — " + b.Title
		}
	}
	return code
}

func (s *Server) vaeShow(w http.ResponseWriter, r *http.Request) error {
	return s.renderVAE(w, r, http.StatusOK, vaeShowPage{})
}

// renderVAE shows a VAE file's overview; p carries the forms to show again with their errors.
func (s *Server) renderVAE(w http.ResponseWriter, r *http.Request, status int, p vaeShowPage) error {
	ctx, a := r.Context(), actorFrom(r.Context())
	v, err := s.svc.VAE(ctx, a, r.PathValue("id"))
	if err != nil {
		return err
	}
	p.V, p.Steps = v, vaeFileSteps(v)
	if len(v.Versions) > 0 {
		p.Latest = vaeVersionOf(v, v.Versions[0])
	}
	p.CanReadCandidate = service.Can(a, service.ActCandidateRead)
	if d := v.LatestDecision; d != nil && service.Can(a, service.ActVAEDecide) && d.Decision.Status() == v.File.Status {
		p.CanRevoke = !(d.Decision == domain.DecisionAdmissible && v.File.ExperienceStatus == domain.ExperienceSubmitted)
	}
	p.HasActions = v.CanSend || v.CanAskReview || v.CanDecide || v.CanAssignAdviser || p.CanRevoke || v.CanComment || v.CanExtend
	for _, f := range []**form{&p.Send, &p.AskReview, &p.Decide, &p.Revoke, &p.Adviser, &p.Comment, &p.Extend} {
		if *f == nil {
			*f = emptyForm()
		}
	}
	if v.CanAskReview || v.CanDecide {
		orgs, err := s.svc.TrainingOrganisations(ctx, a)
		if err != nil {
			return err
		}
		for _, o := range orgs {
			p.Organisations = append(p.Organisations, option{o.ID, o.Name})
		}
	}
	if v.CanDecide {
		p.DecisionKinds = vaeDecisionChoices()
		p.RedirectRoutes = []option{{string(domain.RouteFormation), domain.RouteFormation.Label()}, {string(domain.RouteBlocs), domain.RouteBlocs.Label()}}
		if p.Decide.Error == "" && p.Decide.Get("valid_until") == "" {
			t := s.svc.Today()
			p.Decide.Values.Set("valid_until", domain.NewDate(t.Year()+1, t.Month(), t.Day()).String())
		}
	}
	if v.CanAssignAdviser {
		users, err := s.svc.VAEAdviserChoices(ctx, a)
		if err != nil {
			return err
		}
		p.Advisers = append(p.Advisers, option{vaeNoAdviser, "Aucun accompagnateur"})
		for _, u := range users {
			p.Advisers = append(p.Advisers, option{u.ID, u.Name + " — " + u.Email})
		}
		if p.Adviser.Error == "" {
			p.Adviser.Values.Set("adviser", v.File.AdviserUserID)
		}
	}
	if v.CanComment {
		p.CommentBlocks = []option{{"", "Ensemble du dossier"}}
		for _, b := range v.OpenBlocks() {
			p.CommentBlocks = append(p.CommentBlocks, option{b.Code, b.Code + " — " + b.Title})
		}
	}
	s.render(w, r, status, "vae_show.html", "Dossier de VAE — "+v.Candidate.DisplayName(), p)
	return nil
}

// vaeFormFailed shows the file's page again with the refused form, or returns err when it is
// not about the input.
func (s *Server) vaeFormFailed(w http.ResponseWriter, r *http.Request, err error, f *form, fe domain.FieldErrors, p vaeShowPage) error {
	if !f.failWith(err, fe) {
		return err
	}
	return s.renderVAE(w, r, formStatus(err), p)
}

// vaeVersionPage is one submitted version of the admissibility file, read-only.
type vaeVersionPage struct {
	V       service.VAEView
	Version *vaeVersionView
}

func (s *Server) vaeVersionShow(w http.ResponseWriter, r *http.Request) error {
	ctx, a := r.Context(), actorFrom(r.Context())
	v, err := s.svc.VAE(ctx, a, r.PathValue("id"))
	if err != nil {
		return err
	}
	if !v.ShowAdmissibility {
		// A company follows where its employee's request stands, not what the file says.
		s.flash(r, "Le contenu du dossier de recevabilité n'est pas accessible à votre rôle : cette page montre où en est la demande.")
		http.Redirect(w, r, "/vae/"+v.Enrolment.ID, http.StatusSeeOther)
		return nil
	}
	n, _ := strconv.Atoi(r.PathValue("version"))
	for _, ver := range v.Versions {
		if ver.Version == n {
			p := vaeVersionPage{V: v, Version: vaeVersionOf(v, ver)}
			s.render(w, r, http.StatusOK, "vae_version.html", "Dossier de recevabilité, version "+strconv.Itoa(n)+" — "+v.Candidate.DisplayName(), p)
			return nil
		}
	}
	return domain.Errorf(domain.ENOTFOUND, "Le dossier de recevabilité n'a pas de version %s : ouvrez-en une depuis la liste des versions du dossier.", r.PathValue("version"))
}
