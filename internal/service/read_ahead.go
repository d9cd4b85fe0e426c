package service

import "context"

// readAheadBatch is how many items the reader hands over at once, and readAheadBatches how
// many batches may wait for the writer: enough to keep both busy, few enough that memory
// stays flat whatever the number of rows.
const (
	readAheadBatch   = 256
	readAheadBatches = 4
)

// readAhead runs produce in a goroutine of its own while consume takes its items in order on
// the caller's, so that a long export reads its rows from the database on one core while the
// file is written on another. Items travel in small batches through a bounded channel: the
// reader never runs more than a few batches ahead. The first error of either side stops both
// and is returned; produce's context is cancelled when consume fails.
func readAhead[T any](ctx context.Context, produce func(ctx context.Context, emit func(T) error) error, consume func(T) error) error {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	batches := make(chan []T, readAheadBatches)
	produced := make(chan error, 1)
	go func() {
		defer close(batches)
		batch := make([]T, 0, readAheadBatch)
		send := func() error {
			select {
			case batches <- batch:
				batch = make([]T, 0, readAheadBatch)
				return nil
			case <-ctx.Done():
				return ctx.Err()
			}
		}
		err := produce(ctx, func(item T) error {
			batch = append(batch, item)
			if len(batch) < readAheadBatch {
				return nil
			}
			return send()
		})
		if len(batch) > 0 && ctx.Err() == nil {
			// What was read before an error is handed over too, then the error.
			if sendErr := send(); err == nil {
				err = sendErr
			}
		}
		produced <- err
	}()
	var consumeErr error
	for batch := range batches {
		if consumeErr != nil {
			continue // drain, so that the reader is never left blocked on a send
		}
		for _, item := range batch {
			if consumeErr = consume(item); consumeErr != nil {
				cancel()
				break
			}
		}
	}
	if err := <-produced; consumeErr == nil {
		return err
	}
	return consumeErr
}
