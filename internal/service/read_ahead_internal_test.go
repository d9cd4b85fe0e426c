package service

import (
	"context"
	"errors"
	"testing"
)

func TestReadAheadHandsEveryItemOverInOrderAndStopsAtTheFirstError(t *testing.T) {
	ctx := context.Background()
	count := func(n int) func(context.Context, func(int) error) error {
		return func(ctx context.Context, emit func(int) error) error {
			for i := range n {
				if err := emit(i); err != nil {
					return err
				}
			}
			return nil
		}
	}
	t.Run("every item, in order, across batches", func(t *testing.T) {
		for _, n := range []int{0, 1, readAheadBatch, readAheadBatch*readAheadBatches*3 + 7} {
			next := 0
			err := readAhead(ctx, count(n), func(i int) error {
				if i != next {
					t.Fatalf("item %d arrived when %d was due", i, next)
				}
				next++
				return nil
			})
			if err != nil || next != n {
				t.Fatalf("%d items: consumed %d, %v", n, next, err)
			}
		}
	})
	t.Run("the reader's error is returned after what it read", func(t *testing.T) {
		broken := errors.New("disk")
		consumed := 0
		err := readAhead(ctx, func(ctx context.Context, emit func(int) error) error {
			for i := range 10 {
				if err := emit(i); err != nil {
					return err
				}
			}
			return broken
		}, func(int) error { consumed++; return nil })
		if !errors.Is(err, broken) || consumed != 10 {
			t.Fatalf("err %v after %d items", err, consumed)
		}
	})
	t.Run("the writer's error stops the reader, however far it still had to go", func(t *testing.T) {
		full := errors.New("full")
		var readerErr error
		err := readAhead(ctx, func(ctx context.Context, emit func(int) error) error {
			for i := 0; ; i++ {
				if readerErr = emit(i); readerErr != nil {
					return readerErr
				}
			}
		}, func(i int) error {
			if i == 3 {
				return full
			}
			return nil
		})
		if !errors.Is(err, full) || !errors.Is(readerErr, context.Canceled) {
			t.Fatalf("err %v, the reader stopped with %v", err, readerErr)
		}
	})
}
