package service

import (
	"context"
	"sync"
	"time"

	"cqp/internal/store"
)

// Public verification is counted in memory, not in the database on every lookup: a lookup
// used to be a write transaction, and every one of them waited for the database's single
// writer (SQLite) or a commit (PostgreSQL), which capped verification at a few thousand
// lookups a second behind the writes of everyone else. The login and password-reset throttles,
// rare and security-critical, stay in the database (store.Hit); so does the public VAE request
// limit, whose request is a write anyway.
//
// The choice, and the bound it keeps:
//
//   - Each server keeps, per address, the hits it knows of: the count in the database when it
//     last heard of it (known) and the lookups it has admitted since (pending). A lookup is
//     admitted while known + pending is below VerifyLimit, under one mutex: alone, a server
//     holds the limit exactly, as the database did.
//   - Every VerifyFlushEvery (a second) FlushVerifications adds each address's pending hits
//     to the database in one transaction (store.Q.AddHits), and learns back the shared count
//     and the window it belongs to: the window is the database's, opened at the first hit it
//     counted (up to a second after the first lookup, never before).
//   - The first time a server sees an address it reads the shared count (a read, no write),
//     so a client moving to another server starts there from what it has used. It reads it
//     once: the lookups that arrive meanwhile wait for that read.
//   - So a server learns the others' hits on an address when it first sees it, then at each
//     flush that follows a lookup it admitted: in the second before that flush it may admit
//     lookups the others had already used. An address gets at most VerifyLimit lookups per
//     window from each server, hence at most N × VerifyLimit from N servers, and in practice
//     VerifyLimit plus what it sends within a second of moving to another server. 25¹² codes
//     keep guessing hopeless at that rate, which is what the limit protects.
//   - The table is bounded (maxVerificationCounters addresses): a flush forgets windows that
//     are over; an address that finds it full is counted in the database at once, as before.
//   - A flush that fails keeps its hits for the next one; a server that stops flushes once
//     more after its last request (internal/app).

// VerifyFlushEvery is how often a server adds the lookups it admitted to the shared count.
const VerifyFlushEvery = time.Second

// maxVerificationCounters bounds the addresses counted in memory (about 100 bytes each).
const maxVerificationCounters = 100_000

// verificationCounts is one server's count of public lookups per address.
type verificationCounts struct {
	limit  int
	window time.Duration
	max    int // addresses counted in memory at most

	mu       sync.Mutex
	counters map[string]*verificationCounter

	flushing sync.Mutex // one flush at a time
}

// verificationCounter is one address's window as this server knows it.
type verificationCounter struct {
	reading  chan struct{} // while the shared count is read: closed, and nil, once it is
	start    time.Time     // when the window opened
	known    int           // hits in the database at the last flush or read, this server's included
	inflight int           // hits being added to the database by the flush under way
	pending  int           // hits admitted since
}

func newVerificationCounts(limit int, window time.Duration) *verificationCounts {
	return &verificationCounts{limit: limit, window: window, max: maxVerificationCounters, counters: map[string]*verificationCounter{}}
}

// admit counts one lookup from ip at now, reading the shared count the first time the address
// is seen, and says whether it is within the limit. Lookups that come from the address while
// its count is being read wait for that read rather than read it too: a client sends its
// lookups at once, and each would otherwise cost a query.
func (c *verificationCounts) admit(ctx context.Context, st *store.Store, ip string, now time.Time) (bool, error) {
	key := store.HitVerification + ip
	for {
		c.mu.Lock()
		e := c.current(key, now)
		switch {
		case e == nil && len(c.counters) >= c.max:
			c.mu.Unlock()
			var n int
			err := st.Write(ctx, func(q store.Q) error {
				var err error
				n, err = q.Hit(ctx, key, now, c.window)
				return err
			})
			return n <= c.limit, err
		case e == nil:
			e = &verificationCounter{start: now, reading: make(chan struct{})}
			c.counters[key] = e
			c.mu.Unlock()
			return c.read(ctx, st, key, e, now)
		case e.reading != nil:
			reading := e.reading
			c.mu.Unlock()
			select {
			case <-reading: // counted now, or forgotten if the read failed: look again
			case <-ctx.Done():
				return false, ctx.Err()
			}
		default:
			ok := c.count(e)
			c.mu.Unlock()
			return ok, nil
		}
	}
}

// read fills e, just put in the table for key, with the shared count, admits the lookup that
// asked for it, and lets the lookups waiting on it go. A read that fails takes e out of the
// table, so that the next lookup reads again.
func (c *verificationCounts) read(ctx context.Context, st *store.Store, key string, e *verificationCounter, now time.Time) (bool, error) {
	known, start, err := st.Read().Hits(ctx, key, now, c.window)
	c.mu.Lock()
	defer c.mu.Unlock()
	close(e.reading)
	e.reading = nil
	if err != nil {
		if c.counters[key] == e {
			delete(c.counters, key)
		}
		return false, err
	}
	e.start, e.known = start, known
	return c.count(e), nil
}

// count admits one more lookup on e if the hits it knows of are below the limit. c.mu is held.
func (c *verificationCounts) count(e *verificationCounter) bool {
	if e.known+e.inflight+e.pending >= c.limit {
		return false
	}
	e.pending++
	return true
}

// current is key's counter if its window is still open at now; nil otherwise. c.mu is held.
func (c *verificationCounts) current(key string, now time.Time) *verificationCounter {
	e := c.counters[key]
	if e == nil || !now.Before(e.start.Add(c.window)) {
		return nil
	}
	return e
}

// flush adds the hits admitted since the last flush to the database in one transaction, learns
// back each address's shared count, and forgets the windows that are over.
func (c *verificationCounts) flush(ctx context.Context, st *store.Store, now time.Time) error {
	c.flushing.Lock()
	defer c.flushing.Unlock()
	type batch struct {
		key   string
		e     *verificationCounter
		hits  int
		known int
		start time.Time
	}
	var todo []batch
	c.mu.Lock()
	for key, e := range c.counters {
		switch {
		case e.pending > 0:
			e.inflight, e.pending = e.pending, 0
			todo = append(todo, batch{key: key, e: e, hits: e.inflight})
		case !now.Before(e.start.Add(c.window)):
			delete(c.counters, key)
		}
	}
	c.mu.Unlock()
	if len(todo) == 0 {
		return nil
	}
	err := st.Write(ctx, func(q store.Q) error {
		for i := range todo {
			var err error
			if todo[i].known, todo[i].start, err = q.AddHits(ctx, todo[i].key, todo[i].hits, now, c.window); err != nil {
				return err
			}
		}
		return nil
	})
	c.mu.Lock()
	defer c.mu.Unlock()
	for _, b := range todo {
		b.e.inflight = 0
		if err != nil {
			b.e.pending += b.hits // counted at the next flush
			continue
		}
		// The shared window and its count; hits admitted during the flush stay pending.
		b.e.start, b.e.known = b.start, b.known
	}
	return err
}

// size is the number of addresses counted in memory, for tests.
func (c *verificationCounts) size() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return len(c.counters)
}

// FlushVerifications adds the public lookups this server admitted since the last flush to the
// count every server shares. RunVerificationFlusher calls it every VerifyFlushEvery.
func (s *Service) FlushVerifications(ctx context.Context) error {
	return s.verifications.flush(ctx, s.store, s.Now())
}

// RunVerificationFlusher flushes the public lookups every VerifyFlushEvery until ctx ends, then
// once more with a short deadline of its own, so that a server that stops leaves its count
// behind.
func (s *Service) RunVerificationFlusher(ctx context.Context) {
	tick := time.NewTicker(VerifyFlushEvery)
	defer tick.Stop()
	for {
		select {
		case <-ctx.Done():
			last, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
			defer cancel()
			if err := s.FlushVerifications(last); err != nil {
				s.log.Warn("verification counts: last flush", "error", err)
			}
			return
		case <-tick.C:
			if err := s.FlushVerifications(ctx); err != nil && ctx.Err() == nil {
				s.log.Warn("verification counts: flush", "error", err)
			}
		}
	}
}
