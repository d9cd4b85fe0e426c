package api

import (
	"net/http"

	"cqp/internal/domain"
	"cqp/internal/service"
	"cqp/internal/store"
)

// Jury sessions, read only: the sessions the token's owner may read (every session for the
// secretariat and the branch, those they are invited to for a jury member), one session with
// its members, quorum and candidates, and one candidate of a session. Decisions and closing
// stay in the web interface, where the president signs.

// jurySessionDTO is a session as the list shows it.
type jurySessionDTO struct {
	ID                 string  `json:"id"`
	StartsAt           string  `json:"starts_at"`
	Place              *string `json:"place"`
	VideoLink          *string `json:"video_link"`
	Quorum             int     `json:"quorum"`
	Status             string  `json:"status"`
	StatusLabel        string  `json:"status_label"`
	RectifiesSessionID *string `json:"rectifies_session_id"`
	ClosedAt           *string `json:"closed_at"`
	Candidates         int     `json:"candidates"`
	Invited            int     `json:"invited"`
	Present            int     `json:"present"`
}

func jurySessionOf(s store.JurySession) jurySessionDTO {
	return jurySessionDTO{ID: s.ID, StartsAt: timestamp(s.StartsAt), Place: opt(s.Place), VideoLink: opt(s.VideoLink), Quorum: s.Quorum,
		Status: string(s.Status), StatusLabel: s.Status.Label(), RectifiesSessionID: opt(s.RectifiesSessionID),
		ClosedAt: optTimestamp(s.ClosedAt), Candidates: s.Candidates, Invited: s.Invited, Present: s.Present}
}

type juryMemberDTO struct {
	UserID       string `json:"user_id"`
	Name         string `json:"name"`
	College      string `json:"college"`
	CollegeLabel string `json:"college_label"`
	Present      bool   `json:"present"`
	President    bool   `json:"president"`
}

type quorumDTO struct {
	Required int    `json:"required"`
	Present  int    `json:"present"`
	Reached  bool   `json:"reached"`
	Message  string `json:"message"`
}

// juryBlockDTO is a block as the jury weighs it: the rules engine's outcome and explanation,
// and the jury's decision on a block in debate.
type juryBlockDTO struct {
	Code           string  `json:"code"`
	Title          string  `json:"title"`
	Outcome        string  `json:"outcome"`
	Explanation    string  `json:"explanation"`
	Prior          bool    `json:"prior"`
	ContinuousMark *string `json:"continuous_mark"`
	InDebate       bool    `json:"in_debate"`
	Decision       *string `json:"decision"`
	Reason         *string `json:"reason"`
}

// juryCandidateDTO is a presented candidate with what the jury weighs.
type juryCandidateDTO struct {
	EnrolmentID        string         `json:"enrolment_id"`
	CandidateID        string         `json:"candidate_id"`
	Number             string         `json:"number"`
	Name               string         `json:"name"`
	QualificationCode  string         `json:"qualification_code"`
	QualificationTitle string         `json:"qualification_title"`
	Route              string         `json:"route"`
	Stage              *string        `json:"stage"`
	Outcome            string         `json:"outcome"`
	OutcomeLabel       string         `json:"outcome_label"`
	Explanation        string         `json:"explanation"`
	Blocks             []juryBlockDTO `json:"blocks"`
	Missing            []string       `json:"missing"`
	UnmetGates         []string       `json:"unmet_gates"`
}

func juryCandidateOf(c service.JuryCandidate) juryCandidateDTO {
	d := juryCandidateDTO{EnrolmentID: c.EnrolmentID, CandidateID: c.CandidateID, Number: c.Number, Name: c.Name,
		QualificationCode: c.QualificationCode, QualificationTitle: c.QualificationTitle, Route: string(c.Route), Stage: opt(c.Stage),
		Outcome: string(c.Outcome), OutcomeLabel: c.OutcomeLabel(), Explanation: c.Explanation, Blocks: []juryBlockDTO{},
		Missing: orEmpty(c.Missing), UnmetGates: orEmpty(c.UnmetGates)}
	for _, b := range c.Blocks {
		d.Blocks = append(d.Blocks, juryBlockDTO{Code: b.Code, Title: b.Title, Outcome: string(b.Outcome), Explanation: b.Explanation,
			Prior: b.Prior, ContinuousMark: opt(b.ContinuousMark), InDebate: b.InDebate, Decision: opt(string(b.Decision)), Reason: opt(b.Reason)})
	}
	return d
}

// jurySessionDetailDTO is one session: members, quorum, candidates (debates first) and, while
// it deliberates, what keeps it from closing.
type jurySessionDetailDTO struct {
	Session    jurySessionDTO     `json:"session"`
	Members    []juryMemberDTO    `json:"members"`
	Quorum     quorumDTO          `json:"quorum"`
	Candidates []juryCandidateDTO `json:"candidates"`
	Blocking   []string           `json:"blocking"`
}

func quorumOf(q service.Quorum) quorumDTO {
	return quorumDTO{Required: q.Required, Present: q.Present, Reached: q.Reached(), Message: q.Message()}
}

func (a *API) jurySessionsList(w http.ResponseWriter, r *http.Request, actor domain.Actor) error {
	ss, err := a.svc.JurySessions(r.Context(), actor)
	if err != nil {
		return err
	}
	return ok(w, listOf(mapList(ss, jurySessionOf)))
}

func (a *API) jurySessionShow(w http.ResponseWriter, r *http.Request, actor domain.Actor) error {
	v, err := a.svc.JurySession(r.Context(), actor, r.PathValue("id"))
	if err != nil {
		return err
	}
	d := jurySessionDetailDTO{Session: jurySessionOf(v.Session), Members: []juryMemberDTO{}, Quorum: quorumOf(v.Quorum),
		Candidates: mapList(v.Candidates, juryCandidateOf), Blocking: orEmpty(v.Blocking)}
	for _, m := range v.Members {
		d.Members = append(d.Members, juryMemberDTO{UserID: m.UserID, Name: m.Name, College: string(m.College),
			CollegeLabel: m.CollegeLabel(), Present: m.Present, President: m.President})
	}
	return ok(w, d)
}

// juryCandidateViewDTO is one candidate of a session with its neighbours in the session's order.
type juryCandidateViewDTO struct {
	Session   jurySessionDTO   `json:"session"`
	Quorum    quorumDTO        `json:"quorum"`
	Candidate juryCandidateDTO `json:"candidate"`
	Previous  *string          `json:"previous"`
	Next      *string          `json:"next"`
}

func (a *API) juryCandidateShow(w http.ResponseWriter, r *http.Request, actor domain.Actor) error {
	v, err := a.svc.JuryCandidate(r.Context(), actor, r.PathValue("id"), r.PathValue("enrolment"))
	if err != nil {
		return err
	}
	return ok(w, juryCandidateViewDTO{Session: jurySessionOf(v.Session), Quorum: quorumOf(v.Quorum), Candidate: juryCandidateOf(v.Candidate),
		Previous: opt(v.Previous), Next: opt(v.Next)})
}
