package service

import (
	"context"
	"sync"
)

// readChunks reads chunks 0..n-1 with fetch, up to workers at a time (each on a connection of
// its own), while consume takes their items in chunk order on the caller's goroutine: a long
// export reads from the database on several cores while the file is written. At most
// 2×workers chunks are read and not yet consumed, so memory stays flat whatever n. The first
// error of either side stops both and is returned; fetch's context is cancelled on an error.
func readChunks[T any](ctx context.Context, n, workers int, fetch func(ctx context.Context, chunk int) ([]T, error), consume func(T) error) error {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	type result struct {
		items []T
		err   error
	}
	pending := make(chan chan result, 2*workers) // in chunk order
	slots := make(chan struct{}, workers)
	var wg sync.WaitGroup
	go func() {
		defer close(pending)
		for i := range n {
			select {
			case slots <- struct{}{}:
			case <-ctx.Done():
				return
			}
			out := make(chan result, 1)
			select {
			case pending <- out:
			case <-ctx.Done():
				<-slots
				return
			}
			wg.Go(func() {
				items, err := fetch(ctx, i)
				<-slots
				out <- result{items, err}
			})
		}
	}()
	var err error
	for out := range pending {
		r := <-out
		if err != nil {
			continue // drain: every chunk started ends before this returns
		}
		if err = r.err; err != nil {
			cancel()
			continue
		}
		for _, item := range r.items {
			if err = consume(item); err != nil {
				cancel()
				break
			}
		}
	}
	wg.Wait()
	return err
}
