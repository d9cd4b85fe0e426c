package store

import (
	"context"
	"database/sql"
	"errors"
	"sync"
)

// maxPrepared bounds the statements preparedReads keeps: the queries cqp writes are far fewer;
// past the bound (queries built with varying lists), a statement is prepared each time.
const maxPrepared = 512

// preparedReads is the SQLite read pool with each query prepared once and kept, its compiled
// statement reused on every connection: parsing and planning the statement was a sixth of a
// public verification's CPU (docs/PERFORMANCE.md, « Public verification »). The driver resets
// a kept statement when its rows are closed, so it holds no read transaction open between
// uses. PostgreSQL needs none of this: pgx keeps its prepared statements itself.
type preparedReads struct {
	*sql.DB

	mu    sync.RWMutex
	stmts map[string]*sql.Stmt
}

func newPreparedReads(db *sql.DB) *preparedReads {
	return &preparedReads{DB: db, stmts: map[string]*sql.Stmt{}}
}

// stmt returns query prepared, or nil when the cache is full or preparing failed (the query
// then runs unprepared and reports its own error).
func (p *preparedReads) stmt(ctx context.Context, query string) *sql.Stmt {
	p.mu.RLock()
	s, ok := p.stmts[query]
	full := len(p.stmts) >= maxPrepared
	p.mu.RUnlock()
	if ok || full {
		return s
	}
	s, err := p.DB.PrepareContext(ctx, query)
	if err != nil {
		return nil
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	if kept, ok := p.stmts[query]; ok { // prepared meanwhile by another query
		s.Close()
		return kept
	}
	if len(p.stmts) >= maxPrepared {
		s.Close()
		return nil
	}
	p.stmts[query] = s
	return s
}

func (p *preparedReads) QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	if s := p.stmt(ctx, query); s != nil {
		return s.QueryContext(ctx, args...)
	}
	return p.DB.QueryContext(ctx, query, args...)
}

func (p *preparedReads) QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row {
	if s := p.stmt(ctx, query); s != nil {
		return s.QueryRowContext(ctx, args...)
	}
	return p.DB.QueryRowContext(ctx, query, args...)
}

// close closes the kept statements.
func (p *preparedReads) close() error {
	p.mu.Lock()
	defer p.mu.Unlock()
	var err error
	for q, s := range p.stmts {
		err = errors.Join(err, s.Close())
		delete(p.stmts, q)
	}
	return err
}
