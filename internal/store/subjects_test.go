package store_test

import (
	"bytes"
	"context"
	"testing"
	"time"

	"cqp/internal/domain"
	"cqp/internal/store"
	"cqp/internal/store/storetest"
)

func TestSubjectBankStore(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		seedEnrolment(t, s) // of1 and co1 train c1 in e1 (q1, framework f1), u1 writes
		write := func(fn func(q store.Q) error) {
			t.Helper()
			if err := s.Write(ctx, fn); err != nil {
				t.Fatal(err)
			}
		}
		write(func(q store.Q) error {
			if err := q.CreateTrainingOrganisation(ctx, domain.TrainingOrganisation{ID: "of2", Name: "Institut Sud", SIRET: "55203253400646",
				Email: "contact@institut-sud.fr", CreatedAt: t0}); err != nil {
				return err
			}
			if err := q.AddAccreditation(ctx, domain.Accreditation{ID: "a2", TrainingOrganisationID: "of2", QualificationID: "q1",
				ValidFrom: domain.NewDate(2026, 1, 1), ValidUntil: domain.NewDate(2028, 12, 31), CreatedAt: t0}); err != nil {
				return err
			}
			if err := q.CreateUser(ctx, domain.User{ID: "u2", Email: "comite@example.fr", Name: "Bernard Comité", CreatedAt: t0}); err != nil {
				return err
			}
			if err := q.CreateCommission(ctx, store.Commission{ID: "k1", Name: "Commission Paris", CreatedAt: t0}); err != nil {
				return err
			}
			return q.CreateOral(ctx, store.Oral{ID: "o1", CommissionID: "k1", EnrolmentID: "e1", StartsAt: t0.Add(48 * time.Hour), DurationMinutes: 60, CreatedAt: t0})
		})

		proposal := func(id string, kind domain.SubjectKind, orgKind domain.ProposerKind, org string, blocks ...string) (domain.Subject, domain.SubjectVersion) {
			return domain.Subject{ID: id, Kind: kind, QualificationID: "q1", FrameworkID: "f1", Status: domain.SubjectDraft,
					ProposerKind: orgKind, ProposerOrgID: org, ProposedBy: "u1", Blocks: blocks, Competences: []string{"C1"}, CreatedAt: t0, UpdatedAt: t0},
				domain.SubjectVersion{Title: "Sujet " + id, CandidateText: "Un client vous appelle…", ExpectedAnswer: "Rappeler le devoir de conseil",
					MarkingGuide: "A si le devoir de conseil est cité", DurationMinutes: 20, AuthorID: "u1", AuthorKind: domain.SubjectAuthorProposer, CreatedAt: t0}
		}

		t.Run("a call for its year is unique and open from its opening to its closing day", func(t *testing.T) {
			write(func(q store.Q) error {
				return q.CreateSubjectCall(ctx, domain.SubjectCall{ID: "call1", Year: 2026, OpensOn: domain.NewDate(2026, 11, 1),
					ClosesOn: domain.NewDate(2026, 12, 15), CreatedAt: t0, CreatedBy: "u1"})
			})
			err := s.Write(ctx, func(q store.Q) error {
				return q.CreateSubjectCall(ctx, domain.SubjectCall{ID: "call2", Year: 2026, OpensOn: domain.NewDate(2026, 1, 1), ClosesOn: domain.NewDate(2026, 2, 1), CreatedAt: t0})
			})
			if domain.ErrorCode(err) != domain.ECONFLICT {
				t.Fatalf("a second call for 2026: %v", err)
			}
			for _, c := range []struct {
				day  domain.Date
				open bool
			}{{domain.NewDate(2026, 10, 31), false}, {domain.NewDate(2026, 11, 1), true}, {domain.NewDate(2026, 12, 15), true}, {domain.NewDate(2026, 12, 16), false}} {
				call, ok, err := s.Read().SubjectCallOpenOn(ctx, c.day)
				if err != nil || ok != c.open || ok && call.ID != "call1" {
					t.Fatalf("%s: got %v %v %v", c.day, call.ID, ok, err)
				}
			}
		})

		t.Run("the opening is announced once, to the accredited organisations with an address", func(t *testing.T) {
			due, err := s.Read().SubjectCallsToAnnounce(ctx, domain.NewDate(2026, 11, 25))
			if err != nil || len(due) != 1 {
				t.Fatalf("got %v %v", due, err)
			}
			orgs, err := s.Read().AccreditedOrganisationEmails(ctx, domain.NewDate(2026, 11, 25))
			if err != nil || len(orgs) != 1 || orgs[0].ID != "of2" || orgs[0].Email != "contact@institut-sud.fr" {
				t.Fatalf("got %+v %v", orgs, err)
			}
			var first, second bool
			write(func(q store.Q) (err error) {
				first, err = q.MarkSubjectCallAnnounced(ctx, "call1", t0)
				return err
			})
			write(func(q store.Q) (err error) {
				second, err = q.MarkSubjectCallAnnounced(ctx, "call1", t0)
				return err
			})
			if !first || second {
				t.Fatalf("first %v, second %v", first, second)
			}
			if due, _ := s.Read().SubjectCallsToAnnounce(ctx, domain.NewDate(2026, 11, 25)); len(due) != 0 {
				t.Fatalf("still due: %v", due)
			}
		})

		t.Run("a draft is edited in place, then submitted, and no longer edited", func(t *testing.T) {
			sub, v := proposal("s1", domain.SubjectPracticalCase, domain.ProposerTrainingOrganisation, "of2", "BC1", "BC1")
			write(func(q store.Q) error { return q.CreateSubject(ctx, sub, v) })
			sub.Blocks, sub.Competences = []string{"BC1", "BC2"}, []string{"C1", "C4"}
			v.Title = "Le devoir de conseil"
			write(func(q store.Q) error { return q.UpdateSubjectDraft(ctx, sub, v) })
			got, err := s.Read().Subject(ctx, "s1")
			if err != nil || got.Current.Title != "Le devoir de conseil" || len(got.Blocks) != 2 || got.Competences[1] != "C4" ||
				got.ProposerOrgName != "Institut Sud" || got.ProposedByName != "Claire Durand" || got.Status != domain.SubjectDraft {
				t.Fatalf("got %+v %v", got, err)
			}
			write(func(q store.Q) error { return q.SubmitSubject(ctx, "s1", "call1", t0.Add(time.Hour)) })
			err = s.Write(ctx, func(q store.Q) error { return q.UpdateSubjectDraft(ctx, sub, v) })
			if domain.ErrorCode(err) != domain.ECONFLICT {
				t.Fatalf("editing a submitted subject: %v", err)
			}
			if err := s.Write(ctx, func(q store.Q) error { return q.WithdrawSubject(ctx, "s1", t0) }); domain.ErrorCode(err) != domain.ECONFLICT {
				t.Fatalf("withdrawing a submitted subject: %v", err)
			}
			if _, err := s.Read().Subject(ctx, "nope"); domain.ErrorCode(err) != domain.ENOTFOUND {
				t.Fatalf("unknown subject: %v", err)
			}
		})

		t.Run("an acceptance with changes keeps the proposer's version and makes the committee's current", func(t *testing.T) {
			write(func(q store.Q) error {
				if err := q.CreateSubjectCommitteeSession(ctx, domain.SubjectCommitteeSession{ID: "cs1", StartsAt: t0.Add(24 * time.Hour),
					Place: "Paris", Members: []string{"u2", "u2"}, CreatedAt: t0}); err != nil {
					return err
				}
				if err := q.AddSubjectVersion(ctx, domain.SubjectVersion{SubjectID: "s1", Version: 2, Title: "Le devoir de conseil",
					CandidateText: "Un client vous appelle, inquiet…", ExpectedAnswer: "Rappeler le devoir de conseil", MarkingGuide: "A si…",
					DurationMinutes: 25, AuthorID: "u2", AuthorKind: domain.SubjectAuthorCommittee, Reason: "Énoncé précisé", CreatedAt: t0.Add(25 * time.Hour)}); err != nil {
					return err
				}
				if err := q.CreateSubjectReview(ctx, domain.SubjectReview{ID: "r1", SubjectID: "s1", SessionID: "cs1", Version: 2,
					Decision: domain.SubjectDecisionAcceptedWithChanges, Reason: "Énoncé précisé", ValidityYears: 2, ReviewerID: "u2", ReviewedAt: t0.Add(25 * time.Hour)}); err != nil {
					return err
				}
				return q.DecideSubject(ctx, "s1", domain.SubjectAccepted, domain.NewDate(2028, 11, 26), t0.Add(25*time.Hour))
			})
			got, err := s.Read().Subject(ctx, "s1")
			if err != nil || got.CurrentVersion != 2 || got.Current.DurationMinutes != 25 || got.Status != domain.SubjectAccepted ||
				got.ValidUntil != domain.NewDate(2028, 11, 26) || !got.ValidOn(domain.NewDate(2028, 11, 26)) || got.ValidOn(domain.NewDate(2028, 11, 27)) {
				t.Fatalf("got %+v %v", got, err)
			}
			versions, err := s.Read().SubjectVersions(ctx, "s1")
			if err != nil || len(versions) != 2 || versions[0].CandidateText != "Un client vous appelle…" || versions[1].AuthorName != "Bernard Comité" {
				t.Fatalf("got %+v %v", versions, err)
			}
			reviews, err := s.Read().SubjectReviews(ctx, "s1")
			if err != nil || len(reviews) != 1 || reviews[0].Decision != domain.SubjectDecisionAcceptedWithChanges || reviews[0].SessionID != "cs1" || reviews[0].ReviewerName != "Bernard Comité" {
				t.Fatalf("got %+v %v", reviews, err)
			}
			sessions, err := s.Read().SubjectCommitteeSessions(ctx, "u2")
			if err != nil || len(sessions) != 1 || sessions[0].Decisions != 1 || len(sessions[0].MemberNames) != 1 || sessions[0].Place != "Paris" {
				t.Fatalf("got %+v %v", sessions, err)
			}
			if none, _ := s.Read().SubjectCommitteeSessions(ctx, "u1"); len(none) != 0 {
				t.Fatalf("u1 sits on no session: %+v", none)
			}
			if err := s.Write(ctx, func(q store.Q) error {
				return q.DecideSubject(ctx, "s1", domain.SubjectRefused, domain.Date{}, t0)
			}); domain.ErrorCode(err) != domain.ECONFLICT {
				t.Fatalf("deciding twice: %v", err)
			}
		})

		t.Run("attachments are listed without their bytes and read whole", func(t *testing.T) {
			pdf := []byte("%PDF-1.4 fake but stored as is")
			write(func(q store.Q) error {
				return q.AddSubjectAttachment(ctx, domain.SubjectAttachment{ID: "att1", SubjectID: "s1", Filename: "contrat.pdf",
					SizeBytes: int64(len(pdf)), SHA256: "abc", Content: pdf, UploadedAt: t0, UploadedBy: "u1"})
			})
			list, err := s.Read().SubjectAttachments(ctx, "s1")
			if err != nil || len(list) != 1 || list[0].Content != nil || list[0].Filename != "contrat.pdf" {
				t.Fatalf("got %+v %v", list, err)
			}
			a, err := s.Read().SubjectAttachment(ctx, "s1", "att1")
			if err != nil || !bytes.Equal(a.Content, pdf) {
				t.Fatalf("got %+v %v", a, err)
			}
			if _, err := s.Read().SubjectAttachment(ctx, "s2", "att1"); domain.ErrorCode(err) != domain.ENOTFOUND {
				t.Fatalf("another subject's attachment: %v", err)
			}
		})

		t.Run("draws leave out the candidate's organisations and subjects met, least used first", func(t *testing.T) {
			// s1: of2, BC1+BC2, accepted above. s2: of1 (the candidate's OF). s3: of2, BC3 (not the candidate's).
			// s4: company co1. s5: of2, BC1. s6: a knowledge question.
			for _, p := range []struct {
				id      string
				kind    domain.SubjectKind
				orgKind domain.ProposerKind
				org     string
				blocks  []string
			}{
				{"s2", domain.SubjectPracticalCase, domain.ProposerTrainingOrganisation, "of1", []string{"BC1"}},
				{"s3", domain.SubjectPracticalCase, domain.ProposerTrainingOrganisation, "of2", []string{"BC3"}},
				{"s4", domain.SubjectPracticalCase, domain.ProposerCompany, "co1", []string{"BC1"}},
				{"s5", domain.SubjectPracticalCase, domain.ProposerTrainingOrganisation, "of2", []string{"BC1"}},
				{"s6", domain.SubjectKnowledgeQuestion, domain.ProposerTrainingOrganisation, "of2", []string{"BC1"}},
			} {
				sub, v := proposal(p.id, p.kind, p.orgKind, p.org, p.blocks...)
				write(func(q store.Q) error {
					if err := q.CreateSubject(ctx, sub, v); err != nil {
						return err
					}
					if err := q.SubmitSubject(ctx, p.id, "call1", t0); err != nil {
						return err
					}
					return q.DecideSubject(ctx, p.id, domain.SubjectAccepted, domain.NewDate(2027, 12, 31), t0)
				})
			}
			filter := store.DrawableFilter{QualificationID: "q1", Kind: domain.SubjectPracticalCase, On: domain.NewDate(2026, 11, 27),
				Blocks: []string{"BC1", "BC2"}, ExcludedOrgs: []string{"of1", "co1"}, CandidateID: "c1"}
			ids := func() []string {
				t.Helper()
				list, err := s.Read().DrawableSubjects(ctx, filter)
				if err != nil {
					t.Fatal(err)
				}
				var out []string
				for _, l := range list {
					out = append(out, l.ID)
				}
				return out
			}
			if got := ids(); len(got) != 2 || got[0] != "s1" || got[1] != "s5" {
				t.Fatalf("drawable: %v", got)
			}
			// Another candidate's oral used s1: s5 comes first now.
			write(func(q store.Q) error {
				if err := q.CreateCandidate(ctx, domain.Candidate{ID: "c2", Number: "C-2026-00002", BirthName: "Martin", FirstNames: "Jules",
					BirthDate: domain.NewDate(1991, 1, 1), Sex: domain.SexMale, BirthINSEE: "75056", CreatedAt: t0}); err != nil {
					return err
				}
				if err := q.CreateEnrolment(ctx, domain.Enrolment{ID: "e2", CandidateID: "c2", FrameworkID: "f1", QualificationID: "q1",
					Route: domain.RouteFormation, Public: domain.PublicJobSeeker, Status: domain.StatusInTraining, TrainingOrganisationID: "of1",
					Blocks: []string{"BC1"}, CreatedAt: t0, UpdatedAt: t0}, ""); err != nil {
					return err
				}
				if err := q.CreateOral(ctx, store.Oral{ID: "o2", CommissionID: "k1", EnrolmentID: "e2", StartsAt: t0.Add(24 * time.Hour), DurationMinutes: 60, CreatedAt: t0}); err != nil {
					return err
				}
				return q.CreateSubjectDraw(ctx, domain.SubjectDraw{ID: "d0", OralID: "o2", SubjectID: "s1", Kind: domain.SubjectPracticalCase, Version: 2,
					CandidateID: "c2", EnrolmentID: "e2", DrawnBy: "u2", DrawnAt: t0})
			})
			if got := ids(); len(got) != 2 || got[0] != "s5" || got[1] != "s1" {
				t.Fatalf("least used first: %v", got)
			}
			// c1's oral draws s5, then the secretariat redraws s1: both are met, none is left.
			write(func(q store.Q) error {
				return q.CreateSubjectDraw(ctx, domain.SubjectDraw{ID: "d1", OralID: "o1", SubjectID: "s5", Kind: domain.SubjectPracticalCase, Version: 1,
					CandidateID: "c1", EnrolmentID: "e1", DrawnBy: "u2", DrawnAt: t0.Add(time.Hour)})
			})
			err := s.Write(ctx, func(q store.Q) error {
				return q.CreateSubjectDraw(ctx, domain.SubjectDraw{ID: "dx", OralID: "o1", SubjectID: "s1", Kind: domain.SubjectPracticalCase, Version: 2,
					CandidateID: "c1", EnrolmentID: "e1", DrawnAt: t0.Add(time.Hour)})
			})
			if domain.ErrorCode(err) != domain.ECONFLICT {
				t.Fatalf("a second practical case in force for o1: %v", err)
			}
			write(func(q store.Q) error {
				return q.ReplaceSubjectDraw(ctx, "d1", domain.SubjectDraw{ID: "d2", OralID: "o1", SubjectID: "s1", Kind: domain.SubjectPracticalCase, Version: 2,
					CandidateID: "c1", EnrolmentID: "e1", DrawnBy: "u1", DrawnAt: t0.Add(2 * time.Hour)}, "u1", "Sujet déjà traité en formation")
			})
			if got := ids(); len(got) != 0 {
				t.Fatalf("after the redraw: %v", got)
			}
			draws, err := s.Read().SubjectDraws(ctx, "o1")
			if err != nil || len(draws) != 2 || draws[0].InForce() || draws[0].ReplacedBy != "d2" || draws[0].RedrawReason != "Sujet déjà traité en formation" || !draws[1].InForce() {
				t.Fatalf("got %+v %v", draws, err)
			}
			met, err := s.Read().SubjectsMetBy(ctx, "c1")
			if err != nil || len(met) != 2 {
				t.Fatalf("met %v %v", met, err)
			}
			uses, err := s.Read().SubjectUses(ctx)
			if err != nil || uses["s1"].Uses != 2 || uses["s5"].Uses != 0 || !uses["s1"].LastUsed.Equal(t0.Add(2*time.Hour)) {
				t.Fatalf("uses %+v %v", uses, err)
			}
		})

		t.Run("the bank filters by block, kind, proposer and use", func(t *testing.T) {
			zero := 0
			since := t0.Add(90 * time.Minute)
			for _, c := range []struct {
				name   string
				filter store.SubjectFilter
				want   []string
			}{
				{"by block, least used first", store.SubjectFilter{BlockCode: "BC1", Kind: domain.SubjectPracticalCase, Order: "uses"}, []string{"s2", "s4", "s5", "s1"}},
				{"by proposer", store.SubjectFilter{ProposerKind: domain.ProposerCompany}, []string{"s4"}},
				{"never used", store.SubjectFilter{ProposerOrgID: "of2", MaxUses: &zero, Order: "uses"}, []string{"s3", "s5", "s6"}},
				{"used at least twice", store.SubjectFilter{MinUses: 2}, []string{"s1"}},
				{"not used since", store.SubjectFilter{Kind: domain.SubjectPracticalCase, NotUsedSince: &since, Order: "uses"}, []string{"s2", "s3", "s4", "s5"}},
				{"knowledge questions", store.SubjectFilter{Kind: domain.SubjectKnowledgeQuestion, Statuses: []domain.SubjectStatus{domain.SubjectAccepted}}, []string{"s6"}},
			} {
				list, err := s.Read().Subjects(ctx, c.filter)
				if err != nil {
					t.Fatal(err)
				}
				var got []string
				for _, l := range list {
					got = append(got, l.ID)
				}
				if len(got) != len(c.want) {
					t.Fatalf("%s: got %v, want %v", c.name, got, c.want)
				}
				for i := range got {
					if got[i] != c.want[i] {
						t.Fatalf("%s: got %v, want %v", c.name, got, c.want)
					}
				}
				if c.name == "used at least twice" && (list[0].Uses != 2 || list[0].LastUsed == nil || len(list[0].Blocks) != 2) {
					t.Fatalf("listing %+v", list[0])
				}
			}
		})

		t.Run("a retired subject leaves the bank with its reason", func(t *testing.T) {
			write(func(q store.Q) error {
				return q.RetireSubject(ctx, "s5", t0.Add(3*time.Hour), "u1", "Réglementation modifiée")
			})
			got, err := s.Read().Subject(ctx, "s5")
			if err != nil || got.Status != domain.SubjectRetired || got.RetireReason != "Réglementation modifiée" || got.ValidOn(domain.NewDate(2026, 12, 1)) {
				t.Fatalf("got %+v %v", got, err)
			}
			if err := s.Write(ctx, func(q store.Q) error { return q.RetireSubject(ctx, "s5", t0, "u1", "encore") }); domain.ErrorCode(err) != domain.ECONFLICT {
				t.Fatalf("retiring twice: %v", err)
			}
		})

		t.Run("a cancelled oral takes its draws with it", func(t *testing.T) {
			write(func(q store.Q) error { return q.DeleteOral(ctx, "o2") })
			uses, err := s.Read().SubjectUses(ctx)
			if err != nil || uses["s1"].Uses != 1 {
				t.Fatalf("uses %+v %v", uses, err)
			}
			if draws, _ := s.Read().SubjectDraws(ctx, "o2"); len(draws) != 0 {
				t.Fatalf("draws left: %+v", draws)
			}
		})
	})
}
