package store_test

import (
	"context"
	"testing"
	"time"

	"cqp/internal/store/storetest"
)

// BenchmarkSessionPageView is what the session costs one authenticated page view: scs finds
// the session, then, the idle timeout being set, commits it again with its idle deadline moved
// to now + 2 h (the web server's setting). Page views come one second apart by the store's
// clock; the data does not change. On SQLite, then PostgreSQL when CQP_TEST_POSTGRES_URL is set:
//
//	go test -run '^$' -bench BenchmarkSessionPageView -benchtime 2000x ./internal/store/
func BenchmarkSessionPageView(b *testing.B) {
	for _, target := range storetest.Targets(b) {
		b.Run(target.Name, func(b *testing.B) {
			ctx := context.Background()
			s := storetest.Open(b, target)
			now := time.Now().UTC()
			ss := s.Sessions(func() time.Time { return now })
			data := []byte("a session's encoded deadline and values, about a hundred bytes, as scs stores them")
			if err := ss.CommitCtx(ctx, "tok", data, now.Add(2*time.Hour)); err != nil {
				b.Fatal(err)
			}
			for b.Loop() {
				now = now.Add(time.Second)
				got, ok, err := ss.FindCtx(ctx, "tok")
				if err != nil || !ok {
					b.Fatalf("find: %v %v", ok, err)
				}
				if err := ss.CommitCtx(ctx, "tok", got, now.Add(2*time.Hour)); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
