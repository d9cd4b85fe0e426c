package deliberatejson

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"sync"
	"testing"

	"cqp/internal/deliberatejson/benchinput"
)

// largeGolden is the output for benchinput seed 1 with 20 000 candidates, written by the
// implementation that held the whole input in memory (commit 324d8d5):
//
//	go run ./internal/deliberatejson/testdata/gen -n 20000 -seed 1 | cqp deliberate | sha256sum
const (
	largeCandidates = 20000
	largeGoldenSize = 74091364
	largeGoldenSHA  = "7101be561a392c95d72d9a9ae62f9fb8e84a94dfbf93ec110e34eab1236a42c0"
)

var generated sync.Map // candidates → path of the generated input

// generatedInput writes benchinput seed 1 with n candidates to a file, once per test binary.
func generatedInput(t *testing.T, n int) string {
	t.Helper()
	if p, ok := generated.Load(n); ok {
		return p.(string)
	}
	dir, err := os.MkdirTemp("", "deliberatejson-test-")
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(dir, "in.json")
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := benchinput.Write(f, n, 1); err != nil {
		t.Fatal(err)
	}
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
	generated.Store(n, path)
	return path
}

func TestMain(m *testing.M) {
	code := m.Run()
	generated.Range(func(_, p any) bool {
		os.RemoveAll(filepath.Dir(p.(string)))
		return true
	})
	os.Exit(code)
}

// countingWriter hashes what it is given.
type countingWriter struct {
	n int64
	h interface {
		io.Writer
		Sum([]byte) []byte
	}
}

func newCountingWriter() *countingWriter { return &countingWriter{h: sha256.New()} }

func (w *countingWriter) Write(p []byte) (int, error) {
	w.n += int64(len(p))
	return w.h.Write(p)
}

func (w *countingWriter) sum() string { return hex.EncodeToString(w.h.Sum(nil)) }

// onlyReader hides everything but Read: Run takes it for a pipe.
type onlyReader struct{ r io.Reader }

func (r onlyReader) Read(p []byte) (int, error) { return r.r.Read(p) }

// osPipe feeds path to the read end of an operating system pipe.
func osPipe(t *testing.T, data io.Reader) *os.File {
	t.Helper()
	pr, pw, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	go func() {
		io.Copy(pw, data)
		pw.Close()
	}()
	t.Cleanup(func() { pr.Close() })
	return pr
}

func TestLargeInputThroughFileAndPipe(t *testing.T) {
	if testing.Short() {
		t.Skip("generates a 14 MB input")
	}
	path := generatedInput(t, largeCandidates)
	open := func(t *testing.T) *os.File {
		f, err := os.Open(path)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { f.Close() })
		return f
	}
	sources := []struct {
		name string
		r    func(t *testing.T) io.Reader
	}{
		{"a regular file", func(t *testing.T) io.Reader { return open(t) }},
		{"an operating system pipe", func(t *testing.T) io.Reader { return osPipe(t, open(t)) }},
		{"a reader that is not a file", func(t *testing.T) io.Reader { return onlyReader{open(t)} }},
	}
	for _, src := range sources {
		t.Run("20 000 candidates read from "+src.name+" give the in-memory implementation's output, byte for byte", func(t *testing.T) {
			out := newCountingWriter()
			if err := Run(src.r(t), out); err != nil {
				t.Fatal(err)
			}
			if out.n != largeGoldenSize || out.sum() != largeGoldenSHA {
				t.Fatalf("wrote %d bytes, sha256 %s; want %d bytes, sha256 %s", out.n, out.sum(), largeGoldenSize, largeGoldenSHA)
			}
		})
	}

	t.Run("a regular file is read from where standard input stands", func(t *testing.T) {
		// The file holds some other bytes, then the document: the shell may hand over a file
		// already partly read.
		f, err := os.CreateTemp(t.TempDir(), "in-*.json")
		if err != nil {
			t.Fatal(err)
		}
		defer f.Close()
		f.WriteString("lu avant")
		f.WriteString(issueExample)
		f.Seek(int64(len("lu avant")), io.SeekStart)
		var out bytes.Buffer
		if err := Run(f, &out); err != nil {
			t.Fatal(err)
		}
		var want bytes.Buffer
		if err := Deliberate([]byte(issueExample), &want); err != nil || out.String() != want.String() {
			t.Fatalf("got %q, want %q (%v)", out.String(), want.String(), err)
		}
	})

	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	// The messages are those of the in-memory implementation (commit 324d8d5) for the same
	// inputs.
	refusals := []struct {
		name  string
		input []byte
		want  string
	}{
		{"an unknown route in the sixth candidate from the end",
			bytes.Replace(data, []byte(`{"id":"c-019995","route":"`), []byte(`{"id":"c-019995","route":"x`), 1),
			`candidat « c-019995 » (candidates[19994]), champ route : voie d'accès inconnue « xformation » : formation, vae ou blocs`},
		{"the eleventh candidate from the end taking the seventh one's id",
			bytes.Replace(data, []byte(`"c-019990"`), []byte(`"c-000007"`), 1),
			`candidat « c-000007 » (candidates[19989]), champ id : identifiant déjà donné au candidat candidates[6]`},
		{"a document cut before its last bracket",
			data[:len(data)-3],
			`document, champ candidates : JSON invalide ligne 20003, colonne 1 : fin du document inattendue, « , » ou « ] » attendu`},
		{"an id that is not UTF-8 in the second candidate from the end",
			bytes.Replace(data, []byte(`"c-019999"`), []byte("\"c-0199\xff9\""), 1),
			`candidat n° 19999 (candidates[19998]), champ id : JSON invalide ligne 20001, colonne 8 : chaîne qui n'est pas de l'UTF-8 valide`},
		{"a byte after the document",
			append(bytes.Clone(data), 'x'),
			`document : JSON invalide ligne 20004, colonne 1 : contenu après la fin du document`},
	}
	for _, tt := range refusals {
		file := filepath.Join(t.TempDir(), "in.json")
		if err := os.WriteFile(file, tt.input, 0o600); err != nil {
			t.Fatal(err)
		}
		readers := []struct {
			name string
			r    func(t *testing.T) io.Reader
		}{
			{"a regular file", func(t *testing.T) io.Reader {
				f, err := os.Open(file)
				if err != nil {
					t.Fatal(err)
				}
				t.Cleanup(func() { f.Close() })
				return f
			}},
			{"a pipe", func(t *testing.T) io.Reader { return osPipe(t, bytes.NewReader(tt.input)) }},
		}
		for _, rd := range readers {
			t.Run("refuses "+tt.name+" read from "+rd.name+", writing nothing", func(t *testing.T) {
				out := newCountingWriter()
				err := Run(rd.r(t), out)
				var e *Error
				if !errors.As(err, &e) {
					t.Fatalf("err = %v, want *Error", err)
				}
				if e.Error() != tt.want {
					t.Fatalf("got  %s\nwant %s", e.Error(), tt.want)
				}
				if out.n != 0 {
					t.Fatalf("wrote %d bytes", out.n)
				}
			})
		}
	}
}

// heapSampler records the highest live heap seen at its samples, taken every step bytes that
// go through it.
type heapSampler struct {
	step, since int
	peak        uint64
	samples     int
}

func (h *heapSampler) add(n int) {
	h.since += n
	if h.since < h.step {
		return
	}
	h.since = 0
	h.samples++
	runtime.GC()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	h.peak = max(h.peak, m.HeapAlloc)
}

type sampledReader struct {
	r io.Reader
	h *heapSampler
}

func (r sampledReader) Read(p []byte) (int, error) {
	n, err := r.r.Read(p)
	r.h.add(n)
	return n, err
}

type sampledWriter struct{ h *heapSampler }

func (w sampledWriter) Write(p []byte) (int, error) {
	w.h.add(len(p))
	return len(p), nil
}

// TestMemoryDoesNotGrowWithTheInput measures the live heap (after a collection) every 512 KB
// read from a pipe during the first pass and written during the second, for 2 000 and 20 000
// candidates: the second input is ten times the first, the memory held may grow only by the
// table of id hashes, a few bytes per candidate, where the in-memory implementation held the
// whole input (14 MB at 20 000).
func TestMemoryDoesNotGrowWithTheInput(t *testing.T) {
	if testing.Short() {
		t.Skip("generates a 14 MB input")
	}
	peak := func(n int) (uint64, int64) {
		path := generatedInput(t, n)
		f, err := os.Open(path)
		if err != nil {
			t.Fatal(err)
		}
		defer f.Close()
		fi, _ := f.Stat()
		h := &heapSampler{step: 512 << 10}
		if err := Run(sampledReader{f, h}, sampledWriter{h}); err != nil {
			t.Fatal(err)
		}
		if h.samples < 10 {
			t.Fatalf("%d candidates: only %d samples", n, h.samples)
		}
		return h.peak, fi.Size()
	}
	small, _ := peak(largeCandidates / 10)
	large, size := peak(largeCandidates)
	grown := int64(large) - int64(small)
	t.Logf("peak live heap: %d bytes at %d candidates, %d bytes at %d (%d bytes of input)", small, largeCandidates/10, large, largeCandidates, size)
	if perCandidate := grown / (largeCandidates - largeCandidates/10); perCandidate > 40 {
		t.Fatalf("the live heap grew by %d bytes (%d per candidate) for %d more candidates", grown, perCandidate, largeCandidates-largeCandidates/10)
	}
	if large > uint64(size/4) {
		t.Fatalf("the live heap reached %d bytes for an input of %d", large, size)
	}
}

func TestAPipeLeavesNoTemporaryFile(t *testing.T) {
	tmp := t.TempDir()
	t.Setenv("TMPDIR", tmp)
	for _, input := range []string{issueExample, issueExample[:40]} {
		var out bytes.Buffer
		Run(onlyReader{bytes.NewReader([]byte(input))}, &out)
		if left, _ := os.ReadDir(tmp); len(left) > 0 {
			t.Fatalf("%s left behind", left[0].Name())
		}
	}
}
