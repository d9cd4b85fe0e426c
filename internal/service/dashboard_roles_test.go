package service_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"cqp/internal/domain"
	"cqp/internal/service"
	"cqp/internal/service/servicetest"
	"cqp/internal/store"
	"cqp/internal/store/storetest"
)

// cardsOf returns an actor's dashboard cards by label.
func cardsOf(t *testing.T, w *servicetest.World, email string) map[string]service.DashboardCard {
	t.Helper()
	cards, err := w.Service.Dashboard(context.Background(), w.Actor(t, email))
	if err != nil {
		t.Fatal(err)
	}
	m := map[string]service.DashboardCard{}
	for _, c := range cards {
		m[c.Label] = c
	}
	return m
}

// itemsOf joins what a task names, each with where it leads.
func itemsOf(c service.DashboardCard) string {
	var out []string
	for _, it := range c.Items {
		out = append(out, it.Label+" → "+it.Href)
	}
	return strings.Join(out, " ; ")
}

func TestDashboardsListEachRolesTasks(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		w := servicetest.New(t, st)
		member, sec := w.Accounts[domain.RoleCommissionMember], w.Accounts[domain.RoleSecretariat]
		b, err := st.Read().Candidate(ctx, w.CandidateB, store.Scope{})
		if err != nil {
			t.Fatal(err)
		}

		t.Run("a commission member sees their next oral, with who, when and where", func(t *testing.T) {
			c := cardsOf(t, w, member)
			next := c["Oraux de certification à venir"]
			if !next.Task || next.Count != 1 || next.Href != "/oraux/"+w.OralID || !strings.Contains(itemsOf(next), "Éloïse LEFÈVRE") ||
				!strings.Contains(itemsOf(next), "mercredi 9 décembre 2026 à 10:00, Paris") {
				t.Fatalf("next orals: %+v", next)
			}
			if n := c["Grilles de commission à envoyer"].Count; n != 0 {
				t.Fatalf("grids due before any oral was held: %d", n)
			}
		})

		t.Run("an oral held without its grid sent is a grid to send, and the secretariat staffs the commission", func(t *testing.T) {
			err := st.Write(ctx, func(q store.Q) error {
				return q.CreateOral(ctx, store.Oral{ID: "oral-held", CommissionID: w.CommissionID, EnrolmentID: b.Enrolments[0].ID,
					StartsAt: servicetest.Clock.Add(-48 * time.Hour), DurationMinutes: 60, CreatedAt: servicetest.Clock})
			})
			if err != nil {
				t.Fatal(err)
			}
			grids := cardsOf(t, w, member)["Grilles de commission à envoyer"]
			if grids.Count != 1 || grids.Href != "/oraux/oral-held" || !strings.Contains(itemsOf(grids), "Paul MARTIN, entendu·e le 23/11/2026") {
				t.Fatalf("grids due: %+v", grids)
			}
			staff := cardsOf(t, w, sec)["Commissions d'évaluation à compléter"]
			if staff.Count != 1 || staff.Href != "/commissions/"+w.CommissionID {
				t.Fatalf("commission with one voting member: %+v", staff)
			}
			if _, ok := cardsOf(t, w, w.Accounts[domain.RoleTrainingOrganisation])["Commissions d'évaluation à compléter"]; ok {
				t.Fatal("an OF sees the secretariat's tasks")
			}
		})

		t.Run("the secretariat is told of an oral without a room and of a session nobody is presented to", func(t *testing.T) {
			err := st.Write(ctx, func(q store.Q) error {
				return q.CreateOral(ctx, store.Oral{ID: "oral-nowhere", CommissionID: w.CommissionID, EnrolmentID: b.Enrolments[0].ID,
					StartsAt: servicetest.Clock.Add(72 * time.Hour), DurationMinutes: 60, CreatedAt: servicetest.Clock})
			})
			if err != nil {
				t.Fatal(err)
			}
			js, err := w.Service.ScheduleJurySession(ctx, w.Actor(t, sec), service.JurySessionInput{Date: "17/12/2026", Time: "14:00", Place: "Paris"})
			if err != nil {
				t.Fatal(err)
			}
			c := cardsOf(t, w, sec)
			if room := c["Oraux à venir sans salle ni visioconférence"]; room.Count != 1 || room.Href != "/oraux/oral-nowhere" ||
				!strings.Contains(itemsOf(room), "Paul MARTIN le 28/11/2026 à 10:00") {
				t.Fatalf("orals without a room: %+v", room)
			}
			if prep := c["Sessions de jury à préparer"]; prep.Count != 1 || prep.Href != "/jury/sessions/"+js.ID ||
				!strings.Contains(itemsOf(prep), "jury du 17/12/2026 : aucun candidat présenté") {
				t.Fatalf("sessions to prepare: %+v", prep)
			}
			if c["Candidats — Inscrit"].Task {
				t.Fatal("a status count is shown as a task")
			}
		})

		t.Run("a candidate sees their route, the next date and what they must do; nobody else gets a route", func(t *testing.T) {
			own, err := w.Service.CandidateDashboard(ctx, w.Actor(t, w.Accounts[domain.RoleCandidate]))
			if err != nil {
				t.Fatal(err)
			}
			if len(own) != 1 || own[0].Enrolment.ID != w.EnrolmentA || len(own[0].Blocks) == 0 {
				t.Fatalf("own routes: %+v", own)
			}
			r := own[0]
			if len(r.Dates) == 0 || !strings.Contains(r.Dates[0], "Oral de certification le mercredi 9 décembre 2026 de 10:00 à 11:00, Paris") {
				t.Errorf("dates: %v", r.Dates)
			}
			if len(r.Todo) != 1 || r.Todo[0].Href != "/candidats/"+w.CandidateA+"/nir" {
				t.Errorf("todo: %+v", r.Todo)
			}
			if r.Waiting == "" || r.Blocks[0].State != "pas encore noté" {
				t.Errorf("waiting %q, blocks %+v", r.Waiting, r.Blocks)
			}
			other, err := w.Service.CandidateDashboard(ctx, w.Actor(t, w.Accounts[domain.RoleTrainingOrganisation]))
			if err != nil || len(other) != 0 {
				t.Fatalf("an OF's own routes: %v %+v", err, other)
			}
		})
	})
}

func TestThePresentingListSaysWhoLacksAGrid(t *testing.T) {
	st := storetest.Open(t, storetest.Targets(t)[0])
	w := servicetest.New(t, st)
	ctx, sys := context.Background(), domain.SystemActor("test")
	sec := w.Actor(t, w.Accounts[domain.RoleSecretariat])
	b, err := w.Service.Candidate(ctx, sys, w.CandidateB)
	if err != nil {
		t.Fatal(err)
	}
	e := b.Enrolments[0]
	for _, st := range []domain.EnrolmentStatus{domain.StatusInTraining, domain.StatusFinalEvaluation, domain.StatusAwaitingJury} {
		if _, err := w.Service.SetEnrolmentStatus(ctx, sys, e.CandidateID, e.ID, st, "test"); err != nil {
			t.Fatalf("%s: %v", st, err)
		}
	}
	js, err := w.Service.ScheduleJurySession(ctx, sec, service.JurySessionInput{Date: "17/12/2026", Time: "14:00", Place: "Paris"})
	if err != nil {
		t.Fatal(err)
	}
	v, err := w.Service.JurySession(ctx, sec, js.ID)
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range v.Presentable {
		if p.EnrolmentID == e.ID {
			if got := strings.Join(p.MissingGrids, " ; "); !strings.Contains(got, "non soumise") {
				t.Fatalf("missing grids: %q", got)
			}
			return
		}
	}
	t.Fatalf("candidate B is not presentable: %+v", v.Presentable)
}
