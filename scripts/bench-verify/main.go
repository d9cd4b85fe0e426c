// Command bench-verify measures the throughput of public verification: it boots the real
// server (internal/app, on a fresh SQLite file unless -database is given), loads the demo data
// for one genuine verification code, and sends GET /verifier/{code} and GET
// /api/v1/verify/{code} from -conns connections at once for -duration each. Every request
// carries an X-Forwarded-For address (the server trusts 127.0.0.1 as its proxy), a new one every
// -per-address requests, so that no client reaches the lookup limit. A bare net/http handler
// serving the same bytes is measured in the same run, on the same machine, as the ceiling, and
// the same handler reading the document first (store.Q.PublicCertificateByCode) as the floor
// of any answer read from the database.
//
//	go run ./scripts/bench-verify -duration 5s -conns 64
//	go run ./scripts/bench-verify -cpuprofile /tmp/verify.pprof -profile api
//
// scripts/bench-verify.sh runs it; docs/PERFORMANCE.md (« Public verification ») has the figures.
package main

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"runtime"
	"runtime/pprof"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"cqp/internal/app"
	"cqp/internal/config"
	"cqp/internal/demo"
	"cqp/internal/service"
)

func main() {
	duration := flag.Duration("duration", 5*time.Second, "how long each target is hammered")
	conns := flag.Int("conns", 64, "connections sending requests at once")
	perAddress := flag.Int("per-address", 10, "requests sent from one client address before the next (below the limit)")
	rounds := flag.Int("rounds", 2, "times each target is measured, alternating; the best round is kept")
	database := flag.String("database", "", "PostgreSQL URL; empty for a fresh SQLite file in a temporary directory")
	cpuProfile := flag.String("cpuprofile", "", "write a CPU profile of the last round of the -profile target to this file")
	memProfile := flag.String("memprofile", "", "write the allocations of the last round of the -profile target to this file")
	profileTarget := flag.String("profile", "page", "the target -cpuprofile and -memprofile profile: page (GET /verifier/{code}), api (GET /api/v1/verify/{code}) or lookup (the bare handler with the document's lookup)")
	flag.Parse()
	profile, allocProfile = *cpuProfile, *memProfile
	if allocProfile != "" {
		runtime.MemProfileRate = 0 // until the profiled round: loading the demo is not measured
	}
	switch *profileTarget {
	case "lookup":
		profiled = 1
	case "page":
		profiled = 2
	case "api":
		profiled = 5
	default:
		fail(fmt.Errorf("-profile %q: page, api or lookup", *profileTarget))
	}
	if *perAddress >= service.VerifyLimit {
		fail(fmt.Errorf("-per-address %d reaches the limit of %d lookups a minute", *perAddress, service.VerifyLimit))
	}
	if err := run(*duration, *conns, *perAddress, *rounds, *database); err != nil {
		fail(err)
	}
}

// profile is where the -cpuprofile goes, allocProfile the -memprofile; "" for none. profiled
// is the index of the target they profile.
var (
	profile      string
	allocProfile string
	profiled     int
)

func fail(err error) {
	fmt.Fprintln(os.Stderr, "bench-verify:", err)
	os.Exit(1)
}

func run(duration time.Duration, conns, perAddress, rounds int, database string) error {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	dir, err := os.MkdirTemp("", "bench-verify-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)

	cfg := config.Default()
	cfg.Addr = "127.0.0.1:0"
	cfg.DataDir = dir
	cfg.DatabaseURL = database
	cfg.TrustedProxies = "127.0.0.1/32"
	cfg.MaxRequests = conns // every connection is served at once: the queue is not measured
	if err := cfg.Resolve(); err != nil {
		return err
	}
	log := slog.New(slog.DiscardHandler) // the bare handler logs nothing either
	a, err := app.Open(ctx, cfg, log, nil)
	if err != nil {
		return err
	}
	defer a.Close()
	start := time.Now()
	accounts, err := demo.Load(ctx, a.Service)
	if err != nil {
		return err
	}
	fmt.Fprintf(os.Stderr, "demo data loaded in %s\n", time.Since(start).Round(time.Millisecond))
	if err := a.Listen(); err != nil {
		return err
	}
	done := make(chan error, 1)
	go func() { done <- a.Run(ctx) }()
	defer func() { cancel(); <-done }()

	client := &http.Client{Transport: &http.Transport{MaxIdleConns: conns, MaxIdleConnsPerHost: conns, MaxConnsPerHost: conns,
		DisableCompression: true, DialContext: (&net.Dialer{}).DialContext}}
	page := a.URL() + "/verifier/" + accounts.SampleVerificationCode
	apiURL := a.URL() + "/api/v1/verify/" + accounts.SampleVerificationCode
	pageBody, pageType, err := fetch(client, page)
	if err != nil {
		return err
	}
	apiBody, apiType, err := fetch(client, apiURL)
	if err != nil {
		return err
	}

	// The bare handler serves the same bytes as cqp and does nothing else. The one with the
	// lookup also reads the document as cqp does (store.Q.PublicCertificateByCode, on the
	// same database, through the same pool): it is the floor of what cqp can serve, its
	// database included, and what cqp spends above it is its own (the limit, the service,
	// the middleware, the page).
	serveSame := func(w http.ResponseWriter, r *http.Request) {
		body, typ := pageBody, pageType
		if strings.HasPrefix(r.URL.Path, "/api/") {
			body, typ = apiBody, apiType
		}
		w.Header().Set("Content-Type", typ)
		_, _ = w.Write(body)
	}
	bareURL, stopBare, err := serve(http.HandlerFunc(serveSame))
	if err != nil {
		return err
	}
	defer stopBare()
	code := accounts.SampleVerificationCode
	lookupURL, stopLookup, err := serve(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if _, err := a.Store.Read().PublicCertificateByCode(r.Context(), code); err != nil {
			http.Error(w, err.Error(), http.StatusInternalServerError)
			return
		}
		serveSame(w, r)
	}))
	if err != nil {
		return err
	}
	defer stopLookup()

	targets := []struct{ name, url string }{
		{"bare net/http handler, same bytes as the page", bareURL + "/verifier/" + code},
		{"the same, after the document's lookup", lookupURL + "/verifier/" + code},
		{"GET /verifier/{code}", page},
		{"bare net/http handler, same bytes as the API", bareURL + "/api/v1/verify/" + code},
		{"the same, after the document's lookup", lookupURL + "/api/v1/verify/" + code},
		{"GET /api/v1/verify/{code}", apiURL},
	}
	best := make([]float64, len(targets))
	cpuBest := make([]float64, len(targets)) // CPU µs per request, the least of the rounds
	allBest := make([]float64, len(targets)) // the same with PostgreSQL's server processes' CPU
	var next atomic.Uint64                   // request number, across targets: every request gets its address
	for round := 0; round < rounds; round++ {
		for i, t := range targets {
			last := round == rounds-1 && i == profiled
			profiling := profile != "" && last
			if allocProfile != "" && last {
				runtime.MemProfileRate = 4096
			}
			if profiling {
				f, err := os.Create(profile)
				if err != nil {
					return err
				}
				defer f.Close()
				if err := pprof.StartCPUProfile(f); err != nil {
					return err
				}
			}
			cpu0, db0 := cpuTime(), databaseCPUTime()
			rate, statuses, err := hammer(client, t.url, duration, conns, perAddress, &next)
			requests := rate * duration.Seconds()
			cpu := float64((cpuTime() - cpu0).Microseconds()) / requests
			dbCPU := float64((databaseCPUTime() - db0).Microseconds()) / requests
			if profiling {
				pprof.StopCPUProfile()
			}
			if allocProfile != "" && last {
				if err := writeAllocProfile(allocProfile); err != nil {
					return err
				}
			}
			if err != nil {
				return err
			}
			fmt.Fprintf(os.Stderr, "round %d: %-48s %8.0f req/s %6.1f µs CPU/req (+ %.1f µs PostgreSQL) %v\n", round+1, t.name, rate, cpu, dbCPU, statuses)
			if len(statuses) != 1 || statuses[http.StatusOK] == 0 {
				return fmt.Errorf("%s answered %v: every request must be a 200", t.name, statuses)
			}
			best[i] = max(best[i], rate)
			if cpuBest[i] == 0 || cpu < cpuBest[i] {
				cpuBest[i] = cpu
			}
			if allBest[i] == 0 || cpu+dbCPU < allBest[i] {
				allBest[i] = cpu + dbCPU
			}
		}
	}
	fmt.Printf("%d connections, %s per target, best of %d rounds, a new client address every %d requests, %s, GOMAXPROCS %d.\n\n",
		conns, duration, rounds, perAddress, dbLabel(database), runtime.GOMAXPROCS(0))
	// The machine may be shared: requests/s move with the load of others, CPU per request
	// (server and client of this process together) much less.
	// On PostgreSQL the database's own processes work for each lookup too, on the same cores:
	// the last two columns add their CPU (read from /proc) to this process's.
	fmt.Println("| target | requests/s | share of the bare handler | share of the bare handler with the lookup | CPU per request | share by CPU | CPU with PostgreSQL's | share by that CPU |")
	fmt.Println("|---|---|---|---|---|---|---|---|")
	for i, t := range targets {
		bare := i - i%3
		fmt.Printf("| %s | %.0f | %.0f %% | %.0f %% | %.0f µs | %.0f %% | %.0f µs | %.0f %% |\n", t.name, best[i], best[i]/best[bare]*100,
			best[i]/best[bare+1]*100, cpuBest[i], cpuBest[bare]/cpuBest[i]*100, allBest[i], allBest[bare]/allBest[i]*100)
	}
	return nil
}

// writeAllocProfile writes the allocations sampled so far (pprof's allocs profile).
func writeAllocProfile(path string) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	defer f.Close()
	return pprof.Lookup("allocs").WriteTo(f, 0)
}

// serve serves h on a port of its own and returns its URL and how to stop it.
func serve(h http.Handler) (string, func(), error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", nil, err
	}
	srv := &http.Server{Handler: h}
	go func() { _ = srv.Serve(l) }()
	return "http://" + l.Addr().String(), func() { _ = srv.Close() }, nil
}

// fetch gets url once from a client address of its own and returns the body and its type.
func fetch(c *http.Client, url string) ([]byte, string, error) {
	req, err := http.NewRequest(http.MethodGet, url, nil)
	if err != nil {
		return nil, "", err
	}
	req.Header.Set("X-Forwarded-For", "192.0.2.1")
	res, err := c.Do(req)
	if err != nil {
		return nil, "", err
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	if err != nil {
		return nil, "", err
	}
	if res.StatusCode != http.StatusOK {
		return nil, "", fmt.Errorf("GET %s: %d %.300s", url, res.StatusCode, b)
	}
	return b, res.Header.Get("Content-Type"), nil
}

// hammer sends GET url from conns goroutines for d and returns the rate of answers and their
// count by status. Request n comes from address n / perAddress in 10.0.0.0/8.
func hammer(c *http.Client, url string, d time.Duration, conns, perAddress int, next *atomic.Uint64) (float64, map[int]int, error) {
	var (
		wg       sync.WaitGroup
		mu       sync.Mutex
		statuses = map[int]int{}
		firstErr error
	)
	deadline := time.Now().Add(d)
	start := time.Now()
	for i := 0; i < conns; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			local := map[int]int{}
			var err error
			for time.Now().Before(deadline) {
				n := next.Add(1) / uint64(perAddress)
				req, e := http.NewRequest(http.MethodGet, url, nil)
				if e != nil {
					err = e
					break
				}
				req.Header.Set("X-Forwarded-For", fmt.Sprintf("10.%d.%d.%d", n>>16&255, n>>8&255, n&255))
				res, e := c.Do(req)
				if e != nil {
					err = e
					break
				}
				_, _ = io.Copy(io.Discard, res.Body)
				res.Body.Close()
				local[res.StatusCode]++
			}
			mu.Lock()
			defer mu.Unlock()
			for k, v := range local {
				statuses[k] += v
			}
			if err != nil && firstErr == nil {
				firstErr = err
			}
		}()
	}
	wg.Wait()
	elapsed := time.Since(start)
	total := 0
	for _, v := range statuses {
		total += v
	}
	if firstErr != nil && !errors.Is(firstErr, context.Canceled) {
		return 0, statuses, firstErr
	}
	return float64(total) / elapsed.Seconds(), statuses, nil
}

// cpuTime is the CPU time this process has used, user and system.
func cpuTime() time.Duration {
	var u syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &u); err != nil {
		return 0
	}
	return time.Duration(u.Utime.Nano() + u.Stime.Nano())
}

// databaseCPUTime is the CPU time, user and system, that the PostgreSQL server processes of
// this machine have used, ended backends included (0 without any, as with SQLite):
// /proc/PID/stat of each process whose name is postgres, in clock ticks of 1/100 s (USER_HZ,
// the same on every Linux).
func databaseCPUTime() time.Duration {
	entries, err := os.ReadDir("/proc")
	if err != nil {
		return 0
	}
	var ticks int64
	for _, e := range entries {
		if e.Name()[0] < '0' || e.Name()[0] > '9' {
			continue
		}
		stat, err := os.ReadFile("/proc/" + e.Name() + "/stat")
		if err != nil {
			continue // ended since
		}
		// pid (comm) state ppid … utime stime: comm may hold spaces, so fields count from ')'.
		open, end := bytes.IndexByte(stat, '('), bytes.LastIndexByte(stat, ')')
		if open < 0 || end < open || string(stat[open+1:end]) != "postgres" {
			continue
		}
		fields := strings.Fields(string(stat[end+1:]))
		if len(fields) < 15 {
			continue
		}
		// utime, stime, then cutime and cstime: the server's main process reaps the backends
		// the pool closes, and their CPU moves there instead of vanishing.
		for _, f := range fields[11:15] {
			t, _ := strconv.ParseInt(f, 10, 64)
			ticks += t
		}
	}
	return time.Duration(ticks) * 10 * time.Millisecond
}

func dbLabel(database string) string {
	if database != "" {
		return "PostgreSQL"
	}
	return "SQLite file"
}
