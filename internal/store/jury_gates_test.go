package store_test

import (
	"context"
	"testing"
	"time"

	"cqp/internal/domain"
	"cqp/internal/store"
	"cqp/internal/store/storetest"
)

func TestGateDerogations(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		seedJury(t, s)
		write := func(fn func(q store.Q) error) error { return s.Write(ctx, fn) }
		d := store.GateDerogation{EnrolmentID: "e1", Gate: "internship", Missing: "Stage : 0 h sur 175 h dues",
			Reason: "Stage impossible : reconnaissance de handicap", RecordedBy: "u-sec", RecordedByName: "Secrétariat", RecordedAt: t0}

		t.Run("an enrolment's derogations read back by gate", func(t *testing.T) {
			hours := d
			hours.Gate, hours.Missing, hours.Reason = "training_hours", "Heures de formation : 320 h sur 600 h dues", "Parcours allégé validé par la branche"
			if err := write(func(q store.Q) error {
				if err := q.SaveGateDerogation(ctx, d); err != nil {
					return err
				}
				return q.SaveGateDerogation(ctx, hours)
			}); err != nil {
				t.Fatal(err)
			}
			got, err := s.Read().GateDerogations(ctx, "e1")
			if err != nil || len(got) != 2 || got[0] != d || got[1].Gate != "training_hours" || got[1].Reason != hours.Reason {
				t.Fatalf("derogations %+v %v", got, err)
			}
			if none, err := s.Read().GateDerogations(ctx, "e2"); err != nil || len(none) != 0 {
				t.Fatalf("another enrolment's: %+v %v", none, err)
			}
		})

		t.Run("recording a gate again replaces its derogation", func(t *testing.T) {
			again := d
			again.Reason, again.RecordedAt = "Motif précisé", t0.Add(time.Hour)
			if err := write(func(q store.Q) error { return q.SaveGateDerogation(ctx, again) }); err != nil {
				t.Fatal(err)
			}
			got, err := s.Read().GateDerogations(ctx, "e1")
			if err != nil || len(got) != 2 || got[0].Reason != "Motif précisé" || !got[0].RecordedAt.Equal(again.RecordedAt) {
				t.Fatalf("derogations %+v %v", got, err)
			}
		})

		t.Run("a derogation belongs to an enrolment that exists", func(t *testing.T) {
			orphan := d
			orphan.EnrolmentID = "nobody"
			err := write(func(q store.Q) error { return q.SaveGateDerogation(ctx, orphan) })
			if err == nil || domain.ErrorCode(err) == "" {
				t.Fatalf("a derogation for no enrolment: %v", err)
			}
		})
	})
}
