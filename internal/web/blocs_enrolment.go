package web

import (
	"net/http"
	"strings"

	"cqp/internal/domain"
	"cqp/internal/service"
)

// The company's page to enrol one of its employees on the blocs route (DOMAIN.md §5): the
// employee (known or new), the qualification, the accredited OF, the blocks and the referent.

type blocsEnrolmentPage struct {
	Form          *form
	Company       domain.Company
	Employees     []option
	Qualification []option
	Blocks        []optionalBlocks // every block of each qualification
	Organisations []option
	Referents     []option
	Optional      map[string]int // qualification code → optional blocks of its composition
}

const blocsEnrolmentTitle = "Inscrire un salarié à des blocs de compétences"

func (s *Server) blocsEnrolmentData(r *http.Request, f *form) (blocsEnrolmentPage, error) {
	ctx, a := r.Context(), actorFrom(r.Context())
	ch, err := s.svc.BlocsChoices(ctx, a, r.PathValue("id"))
	if err != nil {
		return blocsEnrolmentPage{}, err
	}
	p := blocsEnrolmentPage{Form: f, Company: ch.Company, Optional: map[string]int{}}
	for _, c := range ch.Employees {
		p.Employees = append(p.Employees, option{c.ID, c.FullName() + " — " + c.Number + ", né·e le " + c.BirthDate.String()})
	}
	for _, fw := range ch.Frameworks {
		q := fw.Framework.Qualification
		p.Qualification = append(p.Qualification, option{q.Code, q.Title})
		p.Blocks = append(p.Blocks, optionalBlocks{q.Code, q.Title, fw.Framework.Blocks})
		p.Optional[q.Code] = fw.Framework.Composition.Optional
	}
	for _, o := range ch.Organisations {
		label := o.Name
		if o.City != "" {
			label += " (" + o.City + ")"
		}
		p.Organisations = append(p.Organisations, option{o.ID, label + " — habilité pour " + strings.Join(o.QualificationNames, ", ")})
	}
	for _, ref := range ch.Referents {
		p.Referents = append(p.Referents, option{ref.UserID, ref.Name})
	}
	return p, nil
}

func (s *Server) blocsEnrolmentForm(w http.ResponseWriter, r *http.Request) error {
	f := emptyForm()
	f.Values.Set("candidate", r.URL.Query().Get("candidat"))
	p, err := s.blocsEnrolmentData(r, f)
	if err != nil {
		return err
	}
	if len(p.Referents) == 1 {
		f.Values.Set("referent", p.Referents[0].Value)
	}
	s.render(w, r, http.StatusOK, "blocs_enrolment.html", blocsEnrolmentTitle, p)
	return nil
}

func (s *Server) blocsEnrolmentSubmit(w http.ResponseWriter, r *http.Request) error {
	if err := parseForm(w, r); err != nil {
		return err
	}
	ctx, a := r.Context(), actorFrom(r.Context())
	f := newForm(r)
	v := r.PostForm
	fe := domain.FieldErrors{}
	qual := v.Get("qualification")
	in := service.BlocsEnrolmentInput{CandidateID: v.Get("candidate"), QualificationCode: qual, TrainingOrganisationID: v.Get("training_organisation"),
		CompanyID: r.PathValue("id"), ReferentUserID: v.Get("referent"), Blocks: v["blocks_"+qual]}
	if in.CandidateID == "" {
		in.Candidate = candidateIdentityOf(v, fe)
	}
	out, err := s.svc.EnrolInBlocs(ctx, a, in)
	if err != nil {
		if !f.failWith(err, fe) {
			return err
		}
		p, derr := s.blocsEnrolmentData(r, f)
		if derr != nil {
			return derr
		}
		s.render(w, r, formStatus(err), "blocs_enrolment.html", blocsEnrolmentTitle, p)
		return nil
	}
	s.flash(r, out.Candidate.DisplayName()+" ("+out.Candidate.Number+") est inscrit·e aux blocs "+strings.Join(out.Enrolment.Blocks, ", ")+
		" de « "+out.Enrolment.QualificationTitle+" ». L'organisme de formation et le secrétariat en sont informés par courriel.")
	http.Redirect(w, r, "/inscriptions/"+out.Enrolment.ID, http.StatusSeeOther)
	return nil
}
