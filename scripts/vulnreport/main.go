// Command vulnreport reads govulncheck's JSON output (-format json) on standard input and says
// which known vulnerabilities cqp's code calls. It exits 1 when one of them is in a module cqp
// depends on (upgrade it), 0 when there is none. Those of the standard library are printed too,
// with the Go version that fixes them, but do not fail the run: the Go that CI runs is the
// machine's, and no binary may be downloaded at run time; the README asks the binary that is
// deployed to be built with a Go that fixes them.
package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"sort"
	"strings"

	"golang.org/x/mod/semver"
)

type frame struct {
	Module   string `json:"module"`
	Version  string `json:"version"`
	Package  string `json:"package"`
	Function string `json:"function"`
	Receiver string `json:"receiver"`
}

type message struct {
	Finding *struct {
		OSV          string  `json:"osv"`
		FixedVersion string  `json:"fixed_version"`
		Trace        []frame `json:"trace"`
	} `json:"finding"`
}

type called struct {
	id, module, version, fixed string
	symbols                    map[string]bool
}

func main() {
	dec := json.NewDecoder(os.Stdin)
	found := map[string]*called{}
	for {
		var m message
		err := dec.Decode(&m)
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			fmt.Fprintln(os.Stderr, "vulnreport: unreadable govulncheck output:", err)
			os.Exit(2)
		}
		if m.Finding == nil || len(m.Finding.Trace) == 0 || m.Finding.Trace[0].Function == "" {
			continue // imported or required, not called
		}
		top := m.Finding.Trace[0]
		c := found[m.Finding.OSV]
		if c == nil {
			c = &called{id: m.Finding.OSV, module: top.Module, version: top.Version, fixed: m.Finding.FixedVersion, symbols: map[string]bool{}}
			found[c.id] = c
		}
		symbol := top.Package + "." + top.Function
		if top.Receiver != "" {
			symbol = top.Package + "." + strings.TrimPrefix(top.Receiver, "*") + "." + top.Function
		}
		c.symbols[symbol] = true
	}
	ids := make([]string, 0, len(found))
	for id := range found {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	modules, stdlibFix := 0, ""
	for _, id := range ids {
		c := found[id]
		symbols := make([]string, 0, len(c.symbols))
		for s := range c.symbols {
			symbols = append(symbols, s)
		}
		sort.Strings(symbols)
		if len(symbols) > 4 {
			symbols = append(symbols[:4], fmt.Sprintf("and %d more", len(symbols)-4))
		}
		fmt.Printf("%s  %s@%s, fixed in %s: %s\n", c.id, c.module, c.version, orNone(c.fixed), strings.Join(symbols, ", "))
		if c.module == "stdlib" {
			if stdlibFix == "" || semver.Compare(c.fixed, stdlibFix) > 0 {
				stdlibFix = c.fixed
			}
			continue
		}
		modules++
	}
	switch {
	case modules > 0:
		fmt.Printf("%d known vulnerabilit(y/ies) called in the modules cqp depends on: upgrade them (go get MODULE@FIXED).\n", modules)
		os.Exit(1)
	case stdlibFix != "":
		fmt.Printf("No module cqp depends on has a called vulnerability. The standard library above is this machine's Go: build the binary you deploy with Go %s or later.\n",
			strings.TrimPrefix(stdlibFix, "v"))
	default:
		fmt.Println("No called vulnerability.")
	}
}

func orNone(v string) string {
	if v == "" {
		return "no version yet"
	}
	return v
}
