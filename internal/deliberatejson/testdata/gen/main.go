// Command gen writes a `cqp deliberate` benchmark input on standard output:
//
//	go run ./internal/deliberatejson/testdata/gen -n 100000 > /tmp/deliberate-100k.json
package main

import (
	"flag"
	"fmt"
	"os"

	"cqp/internal/deliberatejson/benchinput"
)

func main() {
	n := flag.Int("n", 100000, "number of candidates")
	seed := flag.Uint64("seed", 1, "random seed: the same seed gives the same file")
	flag.Parse()
	if err := benchinput.Write(os.Stdout, *n, *seed); err != nil {
		fmt.Fprintln(os.Stderr, "gen:", err)
		os.Exit(1)
	}
}
