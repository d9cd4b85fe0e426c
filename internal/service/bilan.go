package service

import (
	"context"
	"io"
	"strconv"

	"cqp/internal/docs"
	"cqp/internal/domain"
	"cqp/internal/store"
)

// The annual bilan (issue 12). A row of the candidates' sheet is an enrolment created in the
// year or judged by a session of the year that is closed (its latest one, a rectification
// superseding what it rectifies); the juries' sheet holds the sessions of the year that are
// closed. The year runs on UTC dates, as the sessions' times are stored. Each wave of the
// outcome survey (« devenir », at 6 and 12 months by default) adds its columns: the answer, its
// date and its source, « Sans réponse » for a survey sent and not answered.

// bilanChunk is how many enrolments one query of the bilan reads, and bilanReaders how many
// such queries run at once: enough to keep the cores busy while the workbook is written.
const (
	bilanChunk   = 1000
	bilanReaders = 2
)

// BilanYears are the years the bilan can be asked for.
const (
	BilanFirstYear = 2020
	BilanLastYear  = 2100
)

// WriteBilan checks the actor may export the bilan, records the export in the audit trail and
// writes the workbook for year to w. The audit entry is written first: a download cut short
// still says who asked for the data.
func (s *Service) WriteBilan(ctx context.Context, a domain.Actor, year int, w io.Writer) error {
	if err := Check(a, ActBilanExport); err != nil {
		return err
	}
	if year < BilanFirstYear || year > BilanLastYear {
		return domain.Errorf(domain.EINVALID, "Choisissez une année entre %d et %d.", BilanFirstYear, BilanLastYear)
	}
	y := strconv.Itoa(year)
	if err := s.store.Write(ctx, func(q store.Q) error {
		return s.audit(ctx, q, a, change{Action: "bilan.export", EntityType: "bilan", EntityID: y,
			After: map[string]string{"annee": y, "format": "xlsx"}})
	}); err != nil {
		return err
	}
	q := s.store.Read()
	juries, err := q.BilanJuries(ctx, year)
	if err != nil {
		return err
	}
	src := docs.BilanSource{Year: year, Juries: make([]docs.BilanJury, len(juries)), SurveyWaves: s.survey.Waves}
	for i, j := range juries {
		src.Juries[i] = docs.BilanJury{Date: domain.DateOf(j.StartsAt).Time(), Place: j.Place, Rectification: j.Rectifies,
			Candidates: j.Candidates, Certified: j.Certified, Partial: j.Partial, NotCertified: j.NotCertified}
	}
	ids, err := q.BilanEnrolmentIDs(ctx, year)
	if err != nil {
		return err
	}
	names, err := q.BilanNames(ctx, juries)
	if err != nil {
		return err
	}
	// The rows are read by chunks of enrolments, bilanReaders at a time, while the workbook is
	// written on this goroutine.
	src.Candidates = func(each func(docs.BilanCandidate) error) error {
		chunks := (len(ids) + bilanChunk - 1) / bilanChunk
		return readChunks(ctx, chunks, bilanReaders, func(ctx context.Context, i int) ([]docs.BilanCandidate, error) {
			rows := make([]docs.BilanCandidate, 0, bilanChunk)
			err := q.BilanCandidates(ctx, names, ids[i*bilanChunk:min((i+1)*bilanChunk, len(ids))], func(c store.BilanCandidate) error {
				rows = append(rows, bilanRow(c))
				return nil
			})
			return rows, err
		}, each)
	}
	src.Actions = func(each func(docs.BilanAction) error) error {
		return q.BilanActions(ctx, year, func(a store.BilanAction) error {
			return each(docs.BilanAction{Title: a.Title, Organisation: a.Organisation, QualificationCode: a.QualificationCode,
				QualificationTitle: a.QualificationTitle, Route: a.Route.Label(), StartsOn: a.StartsOn.Time(), EndsOn: a.EndsOn.Time(),
				Place: a.Place, PlannedHours: a.PlannedHours, Funder: a.Funder, Status: a.Status.Label(),
				DeclaredAt: domain.DateOf(a.DeclaredAt).Time(), Enrolments: a.Enrolments, Certified: a.Certified,
				Partial: a.Partial, NotCertified: a.NotCertified, Withdrawn: a.Withdrawn})
		})
	}
	return docs.WriteBilan(w, src)
}

// bilanRow puts a store row in the sheet's words.
func bilanRow(c store.BilanCandidate) docs.BilanCandidate {
	r := docs.BilanCandidate{Number: c.CandidateNumber, BirthName: c.BirthName, UsedName: c.UsedName, FirstNames: c.FirstNames,
		QualificationCode: c.QualificationCode, QualificationTitle: c.QualificationTitle, Route: c.Route.Label(),
		Organisation: c.Organisation, Company: c.Company, Public: c.Public.Label(),
		EnrolledAt: domain.DateOf(c.EnrolledAt).Time(), JuryPlace: c.JuryPlace, Status: c.Status.Label(),
		Blocks: c.Blocks, Documents: c.Documents}
	if c.JuryDate != nil {
		d := domain.DateOf(*c.JuryDate).Time()
		r.JuryDate = &d
	}
	if c.EvaluatedAt != nil {
		d := domain.DateOf(*c.EvaluatedAt).Time()
		r.EvaluatedAt = &d
	}
	switch c.Outcome {
	case string(domain.StatusCertified):
		r.Result = docs.ResultCertified
	case string(domain.StatusPartial):
		r.Result = docs.ResultPartial
	case string(domain.StatusNotCertified):
		r.Result = docs.ResultNotCertified
	}
	for _, b := range c.Acquired {
		// The route of the enrolment it was acquired on and the session's date: an earlier
		// session, or another route of the same person, shows here.
		how := b.Route.Label() + ", jury du " + b.AcquiredOn.String()
		r.Acquired = append(r.Acquired, docs.BilanBlock{Code: b.BlockCode, How: how, AtThisJury: c.SessionID != "" && b.SessionID == c.SessionID})
	}
	for _, sv := range c.Surveys {
		b := docs.BilanSurvey{Months: sv.Wave}
		if sv.AnsweredAt != nil {
			d := domain.DateOf(*sv.AnsweredAt).Time()
			b.AnsweredAt = &d
			b.Situation, b.JobTitle, b.Company, b.Helped, b.Source = sv.Answer.Situation.Label(), sv.Answer.JobTitle,
				sv.Answer.CompanyName, sv.Answer.Helped.Label(), sv.Source.Label()
			if sv.Answer.Contract != "" {
				b.Contract = sv.Answer.Contract.Label()
			}
		}
		r.Surveys = append(r.Surveys, b)
	}
	return r
}
