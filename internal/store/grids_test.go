package store_test

import (
	"bytes"
	"context"
	"fmt"
	"testing"
	"time"

	"cqp/internal/domain"
	"cqp/internal/store"
	"cqp/internal/store/storetest"
)

// seedEvaluation stores what grids and orals hang on: a framework, an OF and a company, two
// candidates with one enrolment each (e1 with ofA and coA, e2 with ofB), and three accounts:
// m1 and m2 (commission members) and rep (the OF representative, with a training organisation
// role on ofA).
func seedEvaluation(t *testing.T, s *store.Store) {
	t.Helper()
	ctx := context.Background()
	fw := seedFramework(t, s)
	err := s.Write(ctx, func(q store.Q) error {
		for _, o := range []string{"ofA", "ofB"} {
			if err := q.CreateTrainingOrganisation(ctx, domain.TrainingOrganisation{ID: o, Name: "Organisme " + o, SIRET: o + "-siret", CreatedAt: t0}); err != nil {
				return err
			}
		}
		if err := q.CreateCompany(ctx, domain.Company{ID: "coA", Name: "Cabinet A", SIRET: "40483304800022", CreatedAt: t0}); err != nil {
			return err
		}
		for i, p := range []struct{ id, name, of, co string }{{"c1", "Lefèvre", "ofA", "coA"}, {"c2", "Martin", "ofB", ""}} {
			c := domain.Candidate{ID: p.id, Number: "C-2026-0000" + string(rune('1'+i)), BirthName: p.name, FirstNames: "Éloïse",
				BirthDate: domain.NewDate(1990, 5, 4), Sex: domain.SexFemale, BirthINSEE: "75056", CreatedAt: t0}
			if err := q.CreateCandidate(ctx, c); err != nil {
				return err
			}
			e := domain.Enrolment{ID: "e" + p.id[1:], CandidateID: p.id, FrameworkID: fw.ID, QualificationID: fw.QualificationID,
				Route: domain.RouteFormation, Public: domain.PublicJobSeeker, Status: domain.StatusInTraining,
				TrainingOrganisationID: p.of, CompanyID: p.co, Blocks: []string{"BC1", "BC2"}, CreatedAt: t0, UpdatedAt: t0}
			if err := q.CreateEnrolment(ctx, e, ""); err != nil {
				return err
			}
		}
		for _, u := range []struct{ id, name string }{{"m1", "Jeanne Membre"}, {"m2", "Marc Membre"}, {"rep", "Rose Représentante"}} {
			if err := q.CreateUser(ctx, domain.User{ID: u.id, Email: u.id + "@cqp.test", Name: u.name, CreatedAt: t0}); err != nil {
				return err
			}
		}
		return q.AddRole(ctx, domain.RoleAssignment{ID: "ra-rep", UserID: "rep", Role: domain.RoleTrainingOrganisation, ScopeID: "ofA", CreatedAt: t0})
	})
	if err != nil {
		t.Fatal(err)
	}
}

func TestGrids(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		seedEvaluation(t, s)
		draft := store.Grid{ID: "g1", EnrolmentID: "e1", Evaluator: domain.EvaluatorTrainingOrganisation, Version: 1,
			Status: store.GridDraft, Comment: "Premier jet", CreatedAt: t0, CreatedBy: "m1",
			Marks: map[string]store.GridMark{"C1": {Mark: "A"}, "C2": {Mark: "3", Comment: "presque"}}}

		t.Run("a draft is stored with its marks and read back", func(t *testing.T) {
			if err := s.Write(ctx, func(q store.Q) error { return q.CreateGrid(ctx, draft) }); err != nil {
				t.Fatal(err)
			}
			gs, err := s.Read().GridVersions(ctx, "e1", domain.EvaluatorTrainingOrganisation)
			if err != nil || len(gs) != 1 {
				t.Fatalf("versions %v %v", gs, err)
			}
			g := gs[0]
			if g.Status != store.GridDraft || g.Comment != "Premier jet" || g.CreatedByName != "Jeanne Membre" ||
				g.Marks["C2"] != (store.GridMark{Mark: "3", Comment: "presque"}) || len(g.Marks) != 2 || g.SubmittedAt != nil {
				t.Fatalf("read back %+v", g)
			}
		})

		t.Run("a draft is rewritten, marks included", func(t *testing.T) {
			d := draft
			d.Comment, d.Marks = "Deuxième jet", map[string]store.GridMark{"C1": {Mark: "NA"}}
			if err := s.Write(ctx, func(q store.Q) error { return q.UpdateDraftGrid(ctx, d) }); err != nil {
				t.Fatal(err)
			}
			gs, _ := s.Read().GridVersions(ctx, "e1", "")
			if len(gs) != 1 || gs[0].Comment != "Deuxième jet" || len(gs[0].Marks) != 1 || gs[0].Marks["C1"].Mark != "NA" {
				t.Fatalf("after update %+v", gs)
			}
		})

		t.Run("a submitted version is locked: neither rewritten nor submitted again", func(t *testing.T) {
			at := t0.Add(time.Hour)
			if err := s.Write(ctx, func(q store.Q) error { return q.SubmitGrid(ctx, "g1", at, "m1") }); err != nil {
				t.Fatal(err)
			}
			err := s.Write(ctx, func(q store.Q) error { return q.UpdateDraftGrid(ctx, draft) })
			if domain.ErrorCode(err) != domain.ECONFLICT {
				t.Fatalf("update of a submitted grid: %v", err)
			}
			err = s.Write(ctx, func(q store.Q) error { return q.SubmitGrid(ctx, "g1", at, "m1") })
			if domain.ErrorCode(err) != domain.ECONFLICT {
				t.Fatalf("second submission: %v", err)
			}
			gs, _ := s.Read().GridVersions(ctx, "e1", domain.EvaluatorTrainingOrganisation)
			if gs[0].Status != store.GridSubmitted || gs[0].SubmittedAt == nil || !gs[0].SubmittedAt.Equal(at) ||
				gs[0].SubmittedByName != "Jeanne Membre" || gs[0].Marks["C1"].Mark != "NA" {
				t.Fatalf("submitted %+v", gs[0])
			}
		})

		t.Run("a correction is a new version listed first, and a version number is used once", func(t *testing.T) {
			v2 := store.Grid{ID: "g2", EnrolmentID: "e1", Evaluator: domain.EvaluatorTrainingOrganisation, Version: 2,
				Status: store.GridDraft, CorrectionReason: "Erreur de saisie sur C1", CreatedAt: t0.Add(2 * time.Hour),
				Marks: map[string]store.GridMark{"C1": {Mark: "A"}}}
			if err := s.Write(ctx, func(q store.Q) error { return q.CreateGrid(ctx, v2) }); err != nil {
				t.Fatal(err)
			}
			dup := v2
			dup.ID = "g3"
			err := s.Write(ctx, func(q store.Q) error { return q.CreateGrid(ctx, dup) })
			if domain.ErrorCode(err) != domain.ECONFLICT {
				t.Fatalf("duplicate version: %v", err)
			}
			gs, _ := s.Read().GridVersions(ctx, "e1", domain.EvaluatorTrainingOrganisation)
			if len(gs) != 2 || gs[0].ID != "g2" || gs[1].ID != "g1" || gs[0].CorrectionReason != "Erreur de saisie sur C1" ||
				gs[1].Marks["C1"].Mark != "NA" || gs[0].Marks["C1"].Mark != "A" {
				t.Fatalf("versions %+v", gs)
			}
		})

		t.Run("another enrolment and another evaluator have their own grids", func(t *testing.T) {
			g := store.Grid{ID: "g4", EnrolmentID: "e1", Evaluator: domain.EvaluatorCommission, Version: 1, Status: store.GridDraft,
				ReasonedOpinion: "Avis", PracticalCase: "Cas", CreatedAt: t0}
			if err := s.Write(ctx, func(q store.Q) error { return q.CreateGrid(ctx, g) }); err != nil {
				t.Fatal(err)
			}
			all, _ := s.Read().GridVersions(ctx, "e1", "")
			other, _ := s.Read().GridVersions(ctx, "e2", "")
			com, _ := s.Read().GridVersions(ctx, "e1", domain.EvaluatorCommission)
			if len(all) != 3 || len(other) != 0 || len(com) != 1 || com[0].ReasonedOpinion != "Avis" || com[0].PracticalCase != "Cas" {
				t.Fatalf("all %d other %d commission %+v", len(all), len(other), com)
			}
		})

		t.Run("an enrolment leads to its candidate", func(t *testing.T) {
			if id, err := s.Read().CandidateOfEnrolment(ctx, "e2"); err != nil || id != "c2" {
				t.Fatalf("%q %v", id, err)
			}
			if _, err := s.Read().CandidateOfEnrolment(ctx, "nope"); domain.ErrorCode(err) != domain.ENOTFOUND {
				t.Fatalf("unknown enrolment: %v", err)
			}
		})
	})
}

func TestCommissionsAndOrals(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		seedEvaluation(t, s)
		err := s.Write(ctx, func(q store.Q) error {
			for _, c := range []string{"k1", "k2"} {
				if err := q.CreateCommission(ctx, store.Commission{ID: c, Name: "Commission " + c, CreatedAt: t0}); err != nil {
					return err
				}
			}
			for _, m := range []struct {
				c, u   string
				voting bool
			}{{"k1", "m1", true}, {"k1", "m2", true}, {"k1", "rep", false}, {"k2", "m2", true}} {
				if err := q.AddCommissionMember(ctx, m.c, store.CommissionMember{UserID: m.u, Voting: m.voting}); err != nil {
					return err
				}
			}
			at := time.Date(2026, 12, 9, 13, 0, 0, 0, time.UTC)
			if err := q.CreateOral(ctx, store.Oral{ID: "o1", CommissionID: "k1", EnrolmentID: "e1", StartsAt: at, DurationMinutes: 60, Place: "Paris", CreatedAt: t0}); err != nil {
				return err
			}
			return q.CreateOral(ctx, store.Oral{ID: "o2", CommissionID: "k2", EnrolmentID: "e2", StartsAt: at.Add(24 * time.Hour), DurationMinutes: 45, VideoLink: "https://visio.example/x", CreatedAt: t0})
		})
		if err != nil {
			t.Fatal(err)
		}

		t.Run("a commission lists its members, voting first, and its orals", func(t *testing.T) {
			c, err := s.Read().Commission(ctx, "k1")
			if err != nil || len(c.Members) != 3 || !c.Members[0].Voting || !c.Members[1].Voting || c.Members[2].Voting ||
				c.Members[2].Email != "rep@cqp.test" || c.Orals != 1 {
				t.Fatalf("%+v %v", c, err)
			}
			all, err := s.Read().Commissions(ctx)
			if err != nil || len(all) != 2 || len(all[0].Members)+len(all[1].Members) != 4 {
				t.Fatalf("%+v %v", all, err)
			}
			if _, err := s.Read().Commission(ctx, "nope"); domain.ErrorCode(err) != domain.ENOTFOUND {
				t.Fatalf("unknown commission: %v", err)
			}
		})

		t.Run("only a voting member of a commission hearing the enrolment fills its grid", func(t *testing.T) {
			for _, c := range []struct {
				user, enrolment string
				want            bool
			}{{"m1", "e1", true}, {"m2", "e1", true}, {"rep", "e1", false}, {"m1", "e2", false}, {"m2", "e2", true}} {
				got, err := s.Read().VotingMemberHearing(ctx, c.user, c.enrolment)
				if err != nil || got != c.want {
					t.Errorf("%s hears %s: %v %v", c.user, c.enrolment, got, err)
				}
			}
		})

		t.Run("orals are filtered by member, candidate, enrolment and time", func(t *testing.T) {
			count := func(f store.OralFilter) []string {
				os, err := s.Read().ListOrals(ctx, f)
				if err != nil {
					t.Fatal(err)
				}
				var ids []string
				for _, o := range os {
					ids = append(ids, o.ID)
				}
				return ids
			}
			cases := []struct {
				name string
				f    store.OralFilter
				want string
			}{
				{"all", store.OralFilter{}, "o1 o2"},
				{"member m1", store.OralFilter{MemberUserID: "m1"}, "o1"},
				{"member m2", store.OralFilter{MemberUserID: "m2"}, "o1 o2"},
				{"an empty member list keeps nothing", store.OralFilter{MemberUserIDs: []string{}}, ""},
				{"candidate c2", store.OralFilter{CandidateID: "c2"}, "o2"},
				{"enrolment e1", store.OralFilter{EnrolmentID: "e1"}, "o1"},
				{"from the 10th", store.OralFilter{From: time.Date(2026, 12, 10, 0, 0, 0, 0, time.UTC)}, "o2"},
				{"until the 10th", store.OralFilter{Until: time.Date(2026, 12, 10, 0, 0, 0, 0, time.UTC)}, "o1"},
			}
			for _, c := range cases {
				got := ""
				for i, id := range count(c.f) {
					if i > 0 {
						got += " "
					}
					got += id
				}
				if got != c.want {
					t.Errorf("%s: got %q, want %q", c.name, got, c.want)
				}
			}
			o, err := s.Read().Oral(ctx, "o1")
			if err != nil || o.Candidate.BirthName != "Lefèvre" || o.CommissionName != "Commission k1" || len(o.Members) != 3 ||
				o.QualificationTitle != "Chargé de clientèle" || o.TrainingOrganisationID != "ofA" || o.CompanyID != "coA" ||
				len(o.Blocks) != 2 || o.Ends() != o.StartsAt.Add(time.Hour) {
				t.Fatalf("%+v %v", o, err)
			}
		})

		t.Run("orals overlap when they share time, not when one ends as the other starts", func(t *testing.T) {
			a := store.Oral{StartsAt: t0, DurationMinutes: 60}
			for _, c := range []struct {
				offset, minutes int
				want            bool
			}{{0, 60, true}, {30, 60, true}, {-30, 31, true}, {60, 30, false}, {-30, 30, false}, {10, 10, true}} {
				b := store.Oral{StartsAt: t0.Add(time.Duration(c.offset) * time.Minute), DurationMinutes: c.minutes}
				if a.Overlaps(b) != c.want || b.Overlaps(a) != c.want {
					t.Errorf("offset %d, %d min: want %v", c.offset, c.minutes, c.want)
				}
			}
		})

		t.Run("affiliations merge those recorded and those of roles, without duplicates", func(t *testing.T) {
			err := s.Write(ctx, func(q store.Q) error {
				return q.SetAffiliations(ctx, "rep", []store.Affiliation{{Kind: store.AffiliationCompany, OrgID: "coA"},
					{Kind: store.AffiliationTrainingOrganisation, OrgID: "ofA"}})
			})
			if err != nil {
				t.Fatal(err)
			}
			affs, err := s.Read().Affiliations(ctx, []string{"rep", "m1"})
			if err != nil {
				t.Fatal(err)
			}
			rep := affs["rep"]
			if len(rep) != 2 || rep[0].Kind != store.AffiliationTrainingOrganisation || rep[0].OrgName != "Organisme ofA" || !rep[0].FromRole ||
				rep[1].Kind != store.AffiliationCompany || rep[1].OrgName != "Cabinet A" || rep[1].FromRole || len(affs["m1"]) != 0 {
				t.Fatalf("%+v", affs)
			}
			if err := s.Write(ctx, func(q store.Q) error { return q.SetAffiliations(ctx, "rep", nil) }); err != nil {
				t.Fatal(err)
			}
			affs, _ = s.Read().Affiliations(ctx, []string{"rep"})
			if len(affs["rep"]) != 1 || !affs["rep"][0].FromRole {
				t.Fatalf("after clearing: %+v", affs)
			}
		})

		t.Run("enrolments on their way to the jury can be called, with their orals counted", func(t *testing.T) {
			list, err := s.Read().OralCandidates(ctx)
			if err != nil || len(list) != 2 || list[0].Candidate.BirthName != "Lefèvre" || list[0].Orals != 1 || list[0].EnrolmentID != "e1" {
				t.Fatalf("%+v %v", list, err)
			}
		})
	})
}

func TestOutboxKeepsOneAttachment(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		ics := []byte("BEGIN:VCALENDAR\r\nSUMMARY:Oral\\, salle 2\r\nEND:VCALENDAR\r\n\x00\xff")
		err := s.Write(ctx, func(q store.Q) error {
			if err := q.QueueMail(ctx, store.Mail{ID: "plain", To: "a@cqp.test", Subject: "S", Body: "B", CreatedAt: t0}); err != nil {
				return err
			}
			return q.QueueMail(ctx, store.Mail{ID: "with", To: "b@cqp.test", Subject: "S", Body: "B", CreatedAt: t0.Add(time.Second),
				AttachmentName: "convocation.ics", AttachmentType: "text/calendar", Attachment: ics})
		})
		if err != nil {
			t.Fatal(err)
		}
		for name, read := range map[string]func() ([]store.Mail, error){
			"outbox": func() ([]store.Mail, error) { return s.Read().ListMail(ctx, 10) },
			"unsent": func() ([]store.Mail, error) { return s.Read().UnsentMail(ctx, 10) },
		} {
			ms, err := read()
			if err != nil || len(ms) != 2 {
				t.Fatalf("%s: %v %v", name, ms, err)
			}
			for _, m := range ms {
				switch m.ID {
				case "plain":
					if m.HasAttachment() || m.Attachment != nil {
						t.Errorf("%s: plain mail has an attachment %+v", name, m)
					}
				case "with":
					if !m.HasAttachment() || m.AttachmentName != "convocation.ics" || m.AttachmentType != "text/calendar" || !bytes.Equal(m.Attachment, ics) {
						t.Errorf("%s: attachment not kept: %+v", name, m)
					}
				}
			}
		}
		t.Run("the list without content names the attachment and carries no bytes", func(t *testing.T) {
			ms, err := s.Read().ListMailWithoutAttachments(ctx, 10)
			if err != nil || len(ms) != 2 || ms[0].ID != "with" || ms[1].ID != "plain" {
				t.Fatalf("%+v %v", ms, err)
			}
			if !ms[0].HasAttachment() || ms[0].AttachmentName != "convocation.ics" || ms[0].AttachmentType != "text/calendar" || ms[0].Attachment != nil {
				t.Errorf("%+v", ms[0])
			}
		})
	})
}

func TestFailedMailIsCountedAmongTheLatest(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		sent := t0.Add(time.Hour)
		err := s.Write(ctx, func(q store.Q) error {
			for i := range 6 {
				id := fmt.Sprintf("m%d", i)
				if err := q.QueueMail(ctx, store.Mail{ID: id, To: "a@cqp.test", Subject: "S", Body: "B", CreatedAt: t0.Add(time.Duration(i) * time.Minute)}); err != nil {
					return err
				}
				var err error
				switch i {
				case 0, 3, 5: // failed
					err = q.MarkMail(ctx, id, nil, "550 mailbox unavailable")
				case 4: // sent
					err = q.MarkMail(ctx, id, &sent, "")
				}
				if err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		for limit, want := range map[int]int{6: 3, 3: 2, 1: 1, 100: 3} {
			if n, err := s.Read().CountFailedMail(ctx, limit); err != nil || n != want {
				t.Errorf("among the latest %d: %d failed (%v), want %d", limit, n, err, want)
			}
		}
	})
}
