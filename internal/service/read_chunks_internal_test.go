package service

import (
	"context"
	"errors"
	"sync/atomic"
	"testing"
)

func TestReadChunksHandsEveryItemOverInOrderAndStopsAtTheFirstError(t *testing.T) {
	ctx := context.Background()
	// chunk i holds the items i*10 .. i*10+9.
	tens := func(ctx context.Context, i int) ([]int, error) {
		out := make([]int, 10)
		for k := range out {
			out[k] = i*10 + k
		}
		return out, nil
	}
	t.Run("every item, in order, whatever the number of chunks and readers", func(t *testing.T) {
		for _, n := range []int{0, 1, 2, 37} {
			for _, workers := range []int{1, 2, 4} {
				next := 0
				err := readChunks(ctx, n, workers, tens, func(i int) error {
					if i != next {
						t.Fatalf("%d chunks, %d readers: item %d arrived when %d was due", n, workers, i, next)
					}
					next++
					return nil
				})
				if err != nil || next != n*10 {
					t.Fatalf("%d chunks, %d readers: consumed %d, %v", n, workers, next, err)
				}
			}
		}
	})
	t.Run("a chunk's error is returned after the chunks before it, and none after", func(t *testing.T) {
		broken := errors.New("disk")
		consumed := 0
		err := readChunks(ctx, 20, 2, func(ctx context.Context, i int) ([]int, error) {
			if i == 3 {
				return nil, broken
			}
			return tens(ctx, i)
		}, func(int) error { consumed++; return nil })
		if !errors.Is(err, broken) || consumed != 30 {
			t.Fatalf("err %v after %d items", err, consumed)
		}
	})
	t.Run("the writer's error stops the readers", func(t *testing.T) {
		full := errors.New("full")
		var fetched atomic.Int32
		err := readChunks(ctx, 1000, 2, func(ctx context.Context, i int) ([]int, error) {
			if err := ctx.Err(); err != nil {
				return nil, err
			}
			fetched.Add(1)
			return tens(ctx, i)
		}, func(i int) error {
			if i == 15 {
				return full
			}
			return nil
		})
		// The writer stops in chunk 1; at most 2 readers and 4 chunks waiting may be ahead of it.
		if !errors.Is(err, full) || fetched.Load() > 8 {
			t.Fatalf("err %v, %d chunks read of 1000", err, fetched.Load())
		}
	})
}
