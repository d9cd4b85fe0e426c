package demo

import (
	"context"
	"io"
	"log/slog"
	"runtime"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"cqp/internal/docs"
	"cqp/internal/domain"
	"cqp/internal/service"
)

// BenchmarkBilan measures the annual bilan (issue 12) over the demo data and 100 000
// synthetic candidates, against excelize's StreamWriter writing the same number of rows and
// cells from memory: the time of each, the CPU time the process spent on it (user and system:
// on a shared machine the wall time measures the neighbours too) and the peak heap while it runs.
//
//	go test -run '^$' -bench BenchmarkBilan -benchtime 3x ./internal/demo/
func BenchmarkBilan(b *testing.B) {
	const year = 2026
	for _, target := range benchTargets() {
		b.Run(target.name, func(b *testing.B) {
			s := target.open(b)
			svc := service.New(s, time.Now, slog.New(slog.DiscardHandler), "")
			sys := domain.SystemActor("benchmark")
			ctx := context.Background()
			ids, err := s.Read().BilanEnrolmentIDs(ctx, year)
			if err != nil {
				b.Fatal(err)
			}
			rows := len(ids)
			// The candidates' sheet has the outcome survey's columns at 6 and 12 months (the
			// default waves) after BilanCandidatesHeader: the StreamWriter baseline writes as many.
			cols := len(docs.BilanCandidatesColumns([]int{6, 12}))
			b.Logf("%d rows of %d cells", rows, cols)
			b.Run("bilan", func(b *testing.B) {
				cpu := processCPU(b)
				peak := heapPeak(b, func() {
					for b.Loop() {
						if err := svc.WriteBilan(ctx, sys, year, io.Discard); err != nil {
							b.Fatal(err)
						}
					}
				})
				b.ReportMetric(float64(processCPU(b)-cpu)/float64(time.Millisecond)/float64(b.N), "cpu-ms/op")
				b.ReportMetric(float64(rows), "rows")
				b.ReportMetric(peak, "peak-heap-MB")
			})
			b.Run("streamwriter-from-memory", func(b *testing.B) {
				cpu := processCPU(b)
				peak := heapPeak(b, func() {
					for b.Loop() {
						if err := streamFromMemory(rows, cols); err != nil {
							b.Fatal(err)
						}
					}
				})
				b.ReportMetric(float64(processCPU(b)-cpu)/float64(time.Millisecond)/float64(b.N), "cpu-ms/op")
				b.ReportMetric(float64(rows), "rows")
				b.ReportMetric(peak, "peak-heap-MB")
			})
		})
	}
}

// streamFromMemory writes rows × cols cells like the bilan's (text, and two dates) with
// StreamWriter and nothing else.
func streamFromMemory(rows, cols int) error {
	f := excelize.NewFile()
	defer f.Close()
	sw, err := f.NewStreamWriter("Sheet1")
	if err != nil {
		return err
	}
	date, err := f.NewStyle(&excelize.Style{CustomNumFmt: new("dd/mm/yyyy")})
	if err != nil {
		return err
	}
	on := time.Date(2026, 6, 1, 0, 0, 0, 0, time.UTC)
	row := make([]any, cols)
	for i := range row {
		row[i] = "Chargé de clientèle"
	}
	row[10], row[11] = excelize.Cell{StyleID: date, Value: on}, excelize.Cell{StyleID: date, Value: on}
	for r := 1; r <= rows+1; r++ {
		cell, _ := excelize.CoordinatesToCellName(1, r)
		if err := sw.SetRow(cell, row); err != nil {
			return err
		}
	}
	if err := sw.Flush(); err != nil {
		return err
	}
	_, err = f.WriteTo(io.Discard)
	return err
}

// heapPeak runs fn while sampling the heap in use every 10 ms, and returns its peak in MB.
func heapPeak(b *testing.B, fn func()) float64 {
	runtime.GC()
	var peak uint64
	var mu sync.Mutex
	done := make(chan struct{})
	var wg sync.WaitGroup
	wg.Go(func() {
		t := time.NewTicker(10 * time.Millisecond)
		defer t.Stop()
		var m runtime.MemStats
		for {
			select {
			case <-done:
				return
			case <-t.C:
				runtime.ReadMemStats(&m)
				mu.Lock()
				peak = max(peak, m.HeapInuse)
				mu.Unlock()
			}
		}
	})
	fn()
	close(done)
	wg.Wait()
	return float64(peak) / (1 << 20)
}

// processCPU is the CPU time (user and system) the process has used so far.
func processCPU(b *testing.B) time.Duration {
	var u syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &u); err != nil {
		b.Fatal(err)
	}
	return time.Duration(u.Utime.Nano() + u.Stime.Nano())
}
