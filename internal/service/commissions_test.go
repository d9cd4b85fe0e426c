package service_test

import (
	"context"
	"strings"
	"testing"

	"cqp/internal/domain"
	"cqp/internal/service"
	"cqp/internal/service/servicetest"
	"cqp/internal/store"
	"cqp/internal/store/storetest"
)

// people creates accounts for commission tests and returns their actors' ids by key.
func people(t *testing.T, w *servicetest.World, specs map[string][]domain.RoleAssignment) map[string]string {
	t.Helper()
	ctx := context.Background()
	ids := map[string]string{}
	for key, roles := range specs {
		u, err := w.Service.CreateUser(ctx, domain.SystemActor("test"), service.UserInput{Email: key + "@cqp.test", Name: strings.ToUpper(key[:1]) + key[1:] + " Dupont",
			Password: servicetest.Password, Roles: roles})
		if err != nil {
			t.Fatal(err)
		}
		ids[key] = u.ID
	}
	return ids
}

func TestCommissionsAndOrals(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		w := servicetest.New(t, st)
		svc := w.Service
		sec := w.Actor(t, w.Accounts[domain.RoleSecretariat])
		member := []domain.RoleAssignment{{Role: domain.RoleCommissionMember}}
		ids := people(t, w, map[string][]domain.RoleAssignment{
			"jeanne": member, "marc": member, "paul": member, "lea": member,
			// A member who also works for organisation A: their role says so.
			"olivier": {{Role: domain.RoleCommissionMember}, {Role: domain.RoleTrainingOrganisation, ScopeID: w.OrgA}},
			"rose":    {{Role: domain.RoleTrainingOrganisation, ScopeID: w.OrgB}},
		})
		oral := func(commission, enrolment, date, hour string) service.OralInput {
			return service.OralInput{CommissionID: commission, EnrolmentID: enrolment, Date: date, Time: hour, Duration: "60", Place: "CSCA, salle 2"}
		}
		c, err := svc.Candidate(ctx, sec, w.CandidateB)
		if err != nil {
			t.Fatal(err)
		}
		enrolmentB := c.Enrolments[0].ID

		t.Run("a commission has exactly two voting members of the right role", func(t *testing.T) {
			cases := []struct {
				name  string
				in    service.CommissionInput
				field string
			}{
				{"no name", service.CommissionInput{VotingMemberIDs: []string{ids["jeanne"], ids["marc"]}}, "name"},
				{"one member", service.CommissionInput{Name: "X", VotingMemberIDs: []string{ids["jeanne"]}}, "member2"},
				{"the same member twice", service.CommissionInput{Name: "X", VotingMemberIDs: []string{ids["jeanne"], ids["jeanne"]}}, "member2"},
				{"a member without the role", service.CommissionInput{Name: "X", VotingMemberIDs: []string{ids["jeanne"], ids["rose"]}}, "member2"},
				{"a representative who is not from an organisation", service.CommissionInput{Name: "X", VotingMemberIDs: []string{ids["jeanne"], ids["marc"]}, RepresentativeID: ids["paul"]}, "representative"},
			}
			for _, c := range cases {
				t.Run(c.name, func(t *testing.T) {
					_, err := svc.CreateCommission(ctx, sec, c.in)
					if domain.ErrorCode(err) != domain.EINVALID || fieldOf(err, c.field) == "" {
						t.Fatalf("got %v, want a message on %s", err, c.field)
					}
				})
			}
			_, err := svc.CreateCommission(ctx, w.Actor(t, w.Accounts[domain.RoleTrainingOrganisation]), service.CommissionInput{Name: "X"})
			if domain.ErrorCode(err) != domain.EFORBIDDEN {
				t.Fatalf("an organisation formed a commission: %v", err)
			}
		})

		k1, err := svc.CreateCommission(ctx, sec, service.CommissionInput{Name: "Commission de Paris",
			VotingMemberIDs: []string{ids["jeanne"], ids["marc"]}, RepresentativeID: ids["rose"]})
		if err != nil {
			t.Fatal(err)
		}
		k2, err := svc.CreateCommission(ctx, sec, service.CommissionInput{Name: "Commission de Lyon", VotingMemberIDs: []string{ids["paul"], ids["marc"]}})
		if err != nil {
			t.Fatal(err)
		}
		k3, err := svc.CreateCommission(ctx, sec, service.CommissionInput{Name: "Commission de Lille", VotingMemberIDs: []string{ids["olivier"], ids["lea"]}})
		if err != nil {
			t.Fatal(err)
		}

		t.Run("the oral is scheduled in Paris time and convocations with a calendar file go to the candidate and each member", func(t *testing.T) {
			got, err := svc.ScheduleOral(ctx, sec, oral(k1.ID, w.EnrolmentA, "09/12/2026", "14:00"))
			if err != nil {
				t.Fatal(err)
			}
			if got.Oral.StartsAt.UTC().Format("2006-01-02 15:04") != "2026-12-09 13:00" || got.Oral.When() != "le 09/12/2026 de 14:00 à 15:00" {
				t.Fatalf("oral at %v (%s)", got.Oral.StartsAt, got.Oral.When())
			}
			want := []string{w.Accounts[domain.RoleCandidate], "jeanne@cqp.test", "marc@cqp.test", "rose@cqp.test"}
			if strings.Join(got.Sent, " ") != strings.Join(want, " ") || got.NoEmail != "" {
				t.Fatalf("sent to %v, no e-mail %q", got.Sent, got.NoEmail)
			}
			mails, err := st.Read().ListMail(ctx, 1000) // with the attachments' content
			if err != nil {
				t.Fatal(err)
			}
			n := 0
			for _, m := range mails {
				if !m.HasAttachment() {
					continue
				}
				n++
				ics := string(m.Attachment)
				if m.AttachmentName != "convocation.ics" || !strings.HasPrefix(m.AttachmentType, "text/calendar") ||
					!strings.Contains(ics, "UID:"+got.Oral.ID+"@cqp\r\n") || !strings.Contains(ics, "DTSTART:20261209T130000Z\r\n") ||
					!strings.Contains(ics, "DTEND:20261209T140000Z\r\n") || !strings.Contains(ics, "LOCATION:CSCA\\, salle 2\r\n") {
					t.Errorf("attachment of the mail to %s:\n%s", m.To, ics)
				}
				if m.To == w.Accounts[domain.RoleCandidate] && (!strings.Contains(m.Body, "mercredi 9 décembre 2026") ||
					!strings.Contains(m.Body, "14:00 (heure de Paris)") || !strings.Contains(m.Subject, "Chargé de clientèle")) {
					t.Errorf("candidate's convocation: %s\n%s", m.Subject, m.Body)
				}
				if m.To == "rose@cqp.test" && !strings.Contains(m.Body, "sans évaluer") {
					t.Errorf("the representative's convocation does not say they do not evaluate:\n%s", m.Body)
				}
			}
			if n != 4 {
				t.Fatalf("%d convocations in the outbox", n)
			}
			entries, _, err := svc.Audit(ctx, sec, store.AuditFilter{Action: "oral.schedule", CandidateID: w.CandidateA})
			if err != nil || len(entries) != 1 {
				t.Fatalf("audit %v %v", entries, err)
			}
		})

		t.Run("a member affiliated with the candidate's company is refused, naming who and why", func(t *testing.T) {
			if err := svc.SetAffiliations(ctx, sec, ids["paul"], []string{w.CompanyA}, nil); err != nil {
				t.Fatal(err)
			}
			_, err := svc.ScheduleOral(ctx, sec, oral(k2.ID, w.EnrolmentA, "10/12/2026", "09:00"))
			msg := domain.ErrorMessage(err)
			if domain.ErrorCode(err) != domain.ECONFLICT || !strings.Contains(msg, "Conflit d'intérêts : Paul Dupont") ||
				!strings.Contains(msg, "« Cabinet A »") || !strings.Contains(msg, "enregistré par le secrétariat") {
				t.Fatalf("got %v", err)
			}
			entries, _, _ := svc.Audit(ctx, sec, store.AuditFilter{Action: "commission.affiliations"})
			if len(entries) != 1 || !strings.Contains(entries[0].After, w.CompanyA) {
				t.Fatalf("audit %+v", entries)
			}
		})

		t.Run("a member whose role is with the candidate's organisation is refused", func(t *testing.T) {
			_, err := svc.ScheduleOral(ctx, sec, oral(k3.ID, w.EnrolmentA, "11/12/2026", "09:00"))
			msg := domain.ErrorMessage(err)
			if domain.ErrorCode(err) != domain.ECONFLICT || !strings.Contains(msg, "Olivier Dupont") || !strings.Contains(msg, "« Organisme A »") ||
				!strings.Contains(msg, "donné par son compte") {
				t.Fatalf("got %v", err)
			}
			if _, err := svc.ScheduleOral(ctx, sec, oral(k3.ID, enrolmentB, "11/12/2026", "09:00")); err != nil {
				t.Fatalf("the same commission may hear a candidate of another organisation: %v", err)
			}
		})

		t.Run("a member booked on an overlapping oral is refused, naming the other oral", func(t *testing.T) {
			if err := svc.SetAffiliations(ctx, sec, ids["paul"], nil, nil); err != nil {
				t.Fatal(err)
			}
			// Marc sits on k1 (candidate A, 14:00–15:00) and on k2.
			_, err := svc.ScheduleOral(ctx, sec, oral(k2.ID, enrolmentB, "09/12/2026", "14:30"))
			msg := domain.ErrorMessage(err)
			if domain.ErrorCode(err) != domain.ECONFLICT || !strings.Contains(msg, "Marc Dupont est déjà pris·e") ||
				!strings.Contains(msg, "le 09/12/2026 de 14:00 à 15:00, commission « Commission de Paris », candidat Éloïse LEFÈVRE") {
				t.Fatalf("got %v", err)
			}
			if _, err := svc.ScheduleOral(ctx, sec, oral(k2.ID, enrolmentB, "09/12/2026", "15:00")); err != nil {
				t.Fatalf("an oral starting when the other ends: %v", err)
			}
		})

		t.Run("a candidate already heard at that time is refused", func(t *testing.T) {
			// k3 shares no member with k1; candidate B is heard by k2 at 15:00.
			_, err := svc.ScheduleOral(ctx, sec, oral(k3.ID, enrolmentB, "09/12/2026", "15:30"))
			if domain.ErrorCode(err) != domain.ECONFLICT || !strings.Contains(domain.ErrorMessage(err), "Paul MARTIN a déjà un oral à ce moment") {
				t.Fatalf("got %v", err)
			}
		})

		t.Run("bad dates, times, durations and places are refused field by field", func(t *testing.T) {
			in := service.OralInput{CommissionID: k1.ID, EnrolmentID: w.EnrolmentA, Date: "2026-31-12", Time: "25h", Duration: "5",
				VideoLink: "visio.example"}
			_, err := svc.ScheduleOral(ctx, sec, in)
			for _, f := range []string{"date", "time", "duration", "video_link"} {
				if fieldOf(err, f) == "" {
					t.Errorf("no message on %s: %v", f, err)
				}
			}
			in = oral(k1.ID, w.EnrolmentA, "01/01/2026", "10:00")
			in.Place = ""
			_, err = svc.ScheduleOral(ctx, sec, in)
			if !strings.Contains(fieldOf(err, "date"), "passées") || fieldOf(err, "place") == "" {
				t.Errorf("past date and no place: %v", err)
			}
		})

		t.Run("a member sees only their orals; the secretariat sees the planning", func(t *testing.T) {
			jeanne, err := svc.Actor(ctx, ids["jeanne"], "")
			if err != nil {
				t.Fatal(err)
			}
			mine, err := svc.Orals(ctx, jeanne)
			if err != nil || !mine.Own || len(mine.Upcoming) != 1 || mine.Upcoming[0].CommissionID != k1.ID {
				t.Fatalf("Jeanne's orals: %+v %v", mine, err)
			}
			all, err := svc.Orals(ctx, sec)
			if err != nil || all.Own || len(all.Upcoming) != 4 { // the fixture's, k1's, k3's and k2's
				t.Fatalf("planning: %d %v", len(all.Upcoming), err)
			}
			d, err := svc.Oral(ctx, jeanne, mine.Upcoming[0].ID)
			if err != nil || !d.CanGrade || len(d.Blocks) != 7 || d.Candidate.BirthName != "Lefèvre" || d.Grid.Status() != "none" {
				t.Fatalf("oral detail: %+v %v", d, err)
			}
			if _, err := svc.Oral(ctx, jeanne, w.OralID); domain.ErrorCode(err) != domain.ENOTFOUND {
				t.Fatalf("Jeanne opened another commission's oral: %v", err)
			}
			rose, _ := svc.Actor(ctx, ids["rose"], "")
			if _, err := svc.Orals(ctx, rose); domain.ErrorCode(err) != domain.EFORBIDDEN {
				t.Fatalf("the representative's role does not read orals: %v", err)
			}
		})

		t.Run("a voting member of the commission fills its grid, the representative does not", func(t *testing.T) {
			jeanne, _ := svc.Actor(ctx, ids["jeanne"], "")
			if _, err := svc.Grid(ctx, jeanne, w.EnrolmentA, domain.EvaluatorCommission); err != nil {
				t.Fatalf("Jeanne: %v", err)
			}
			lea, _ := svc.Actor(ctx, ids["lea"], "")
			if _, err := svc.Grid(ctx, lea, w.EnrolmentA, domain.EvaluatorCommission); domain.ErrorCode(err) != domain.ENOTFOUND {
				t.Fatalf("Léa does not hear candidate A: %v", err)
			}
		})

		t.Run("convocations can be sent again, and are audited", func(t *testing.T) {
			before, _ := svc.Outbox(ctx, sec)
			got, err := svc.SendConvocations(ctx, sec, w.OralID)
			if err != nil || len(got.Sent) != 2 { // candidate A and the fixture's member
				t.Fatalf("%+v %v", got, err)
			}
			after, _ := svc.Outbox(ctx, sec)
			if len(after) != len(before)+2 {
				t.Fatalf("%d mails queued", len(after)-len(before))
			}
			entries, _, _ := svc.Audit(ctx, sec, store.AuditFilter{Action: "oral.convocations"})
			if len(entries) != 1 {
				t.Fatalf("audit %+v", entries)
			}
		})

		t.Run("the commission's page lists its members' affiliations and its orals", func(t *testing.T) {
			v, err := svc.Commission(ctx, sec, k3.ID)
			if err != nil || len(v.Orals) != 1 || len(v.Affiliations[ids["olivier"]]) != 1 || v.Affiliations[ids["olivier"]][0].OrgName != "Organisme A" {
				t.Fatalf("%+v %v", v, err)
			}
			ch, err := svc.CommissionChoices(ctx, sec)
			if err != nil || len(ch.Members) != 6 || len(ch.Representatives) < 3 || len(ch.Enrolments) != 2 {
				t.Fatalf("choices: %d members, %d representatives, %d enrolments, %v", len(ch.Members), len(ch.Representatives), len(ch.Enrolments), err)
			}
		})
	})
}
