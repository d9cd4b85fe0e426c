package service_test

import (
	"context"
	"log/slog"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"cqp/internal/domain"
	"cqp/internal/service"
	"cqp/internal/store"
	"cqp/internal/store/storetest"
)

// limitClock is a clock the tests move by hand, shared by the servers of one test.
type limitClock struct{ at atomic.Pointer[time.Time] }

func newLimitClock() *limitClock {
	c := &limitClock{}
	c.set(time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC))
	return c
}
func (c *limitClock) now() time.Time          { return *c.at.Load() }
func (c *limitClock) set(t time.Time)         { c.at.Store(&t) }
func (c *limitClock) advance(d time.Duration) { c.set(c.now().Add(d)) }

// lookups sends n lookups of a well-formed code that matches nothing from ip and returns how
// many were admitted (answered "not found") rather than refused as too many.
func lookups(t *testing.T, svc *service.Service, ip string, n int) int {
	t.Helper()
	admitted := 0
	for i := 0; i < n; i++ {
		_, err := svc.VerifyCertificate(context.Background(), "ACDEFGHJKMNP", ip)
		switch domain.ErrorCode(err) {
		case domain.ENOTFOUND:
			admitted++
		case domain.ETOOMANY:
		default:
			t.Fatalf("lookup from %s: %v", ip, err)
		}
	}
	return admitted
}

// sharedHits is the count of ip's lookups in the database.
func sharedHits(t *testing.T, st *store.Store, ip string, now time.Time) int {
	t.Helper()
	n, _, err := st.Read().Hits(context.Background(), store.HitVerification+ip, now, service.VerifyWindow)
	if err != nil {
		t.Fatal(err)
	}
	return n
}

func flush(t *testing.T, svc *service.Service) {
	t.Helper()
	if err := svc.FlushVerifications(context.Background()); err != nil {
		t.Fatal(err)
	}
}

func TestVerificationLimitCountedInMemory(t *testing.T) {
	for _, target := range storetest.Targets(t) {
		t.Run(target.Name, func(t *testing.T) {
			st := storetest.Open(t, target)
			clock := newLimitClock()
			svc := service.New(st, clock.now, slog.New(slog.DiscardHandler), "")
			t.Run("the lookup after the limit is refused, another address is not, and the database is written at the flush alone", func(t *testing.T) {
				if n := lookups(t, svc, "192.0.2.1", service.VerifyLimit); n != service.VerifyLimit {
					t.Fatalf("%d of the first %d lookups admitted", n, service.VerifyLimit)
				}
				if n := lookups(t, svc, "192.0.2.1", 1); n != 0 {
					t.Fatal("lookup after the limit admitted")
				}
				if n := lookups(t, svc, "192.0.2.2", 1); n != 1 {
					t.Fatal("another address refused")
				}
				if n := sharedHits(t, st, "192.0.2.1", clock.now()); n != 0 {
					t.Fatalf("%d hits written before the flush: a lookup must not write", n)
				}
				flush(t, svc)
				if n := sharedHits(t, st, "192.0.2.1", clock.now()); n != service.VerifyLimit {
					t.Fatalf("after the flush the database counts %d hits, want %d", n, service.VerifyLimit)
				}
				clock.advance(service.VerifyWindow / 2)
				if n := lookups(t, svc, "192.0.2.1", 1); n != 0 {
					t.Fatal("lookup admitted within the window after the flush")
				}
			})
			t.Run("once the window is over the address is admitted again", func(t *testing.T) {
				clock.advance(service.VerifyWindow / 2)
				if n := lookups(t, svc, "192.0.2.1", service.VerifyLimit+1); n != service.VerifyLimit {
					t.Fatalf("%d lookups admitted in the new window, want %d", n, service.VerifyLimit)
				}
			})
		})
	}
}

// TestTwoServersSharingOneDatabaseKeepTheDocumentedBound runs two services on two stores of
// one database, as two servers behind a load balancer: verification_limit.go documents what
// they admit together.
func TestTwoServersSharingOneDatabaseKeepTheDocumentedBound(t *testing.T) {
	for _, target := range storetest.Targets(t) {
		t.Run(target.Name, func(t *testing.T) {
			clock := newLimitClock()
			stA, stB := storetest.Open(t, target), storetest.Open(t, target)
			a := service.New(stA, clock.now, slog.New(slog.DiscardHandler), "")
			b := service.New(stB, clock.now, slog.New(slog.DiscardHandler), "")
			limit := service.VerifyLimit

			t.Run("a client moving to the other server starts there from what it used on the first", func(t *testing.T) {
				ip := "198.51.100.1"
				if n := lookups(t, a, ip, limit-10); n != limit-10 {
					t.Fatalf("server A admitted %d", n)
				}
				flush(t, a)
				clock.advance(time.Second)
				if n := lookups(t, b, ip, 20); n != 10 {
					t.Fatalf("server B admitted %d lookups after A's %d; want the %d left", n, limit-10, 10)
				}
				flush(t, b)
				// Back on A, which has not heard of B's lookups: it may admit up to the limit of
				// its own until its next flush tells it, never more.
				clock.advance(time.Second)
				again := lookups(t, a, ip, limit)
				if again > 10 {
					t.Fatalf("server A admitted %d more: beyond the limit on one server", again)
				}
				flush(t, a)
				if n := lookups(t, a, ip, 1) + lookups(t, b, ip, 1); n != 0 {
					t.Fatal("after both flushes a lookup was admitted")
				}
				if n := sharedHits(t, stA, ip, clock.now()); n != limit+again {
					t.Fatalf("the database counts %d hits, want the %d admitted", n, limit+again)
				}
			})
			t.Run("lookups sent to both servers at once: at most the limit on each, the total in the database", func(t *testing.T) {
				ip := "198.51.100.2"
				var (
					wg       sync.WaitGroup
					admitted atomic.Int64
				)
				for i := 0; i < 2*limit; i++ {
					for _, svc := range []*service.Service{a, b} {
						wg.Add(1)
						go func() {
							defer wg.Done()
							_, err := svc.VerifyCertificate(context.Background(), "ACDEFGHJKMNP", ip)
							switch domain.ErrorCode(err) {
							case domain.ENOTFOUND:
								admitted.Add(1)
							case domain.ETOOMANY:
							default:
								t.Error(err)
							}
						}()
					}
				}
				wg.Wait()
				n := int(admitted.Load())
				if n < limit || n > 2*limit {
					t.Fatalf("two servers admitted %d lookups at once: want from %d to %d", n, limit, 2*limit)
				}
				flush(t, a)
				flush(t, b)
				if shared := sharedHits(t, stB, ip, clock.now()); shared != n {
					t.Fatalf("the database counts %d hits, want the %d admitted", shared, n)
				}
				if n := lookups(t, a, ip, 1) + lookups(t, b, ip, 1); n != 0 {
					t.Fatal("after both flushes a lookup was admitted")
				}
			})
		})
	}
}
