package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"time"

	"github.com/rcureview/rcureview/rcumodel/litmus"
)

// modelLitmus runs "rcureview model litmus": it checks C litmus files,
// directories of them, or (with --index) a corpus's INDEX.tsv.
func modelLitmus(fs *flag.FlagSet, args []string, jsonFlag *bool, maxStates *int, stdout, stderr io.Writer) int {
	index := fs.Bool("index", false, "arguments are corpus roots with INDEX.tsv: check their RCU C tests")
	all := fs.Bool("all", false, "with --index: check every C test, not only RCU ones")
	counts := fs.Bool("counts", false, "also enumerate all final states for herd7's POS NEG counts (slower)")
	if err := fs.Parse(args); err != nil {
		return flagExit(err)
	}
	asJSON := *jsonFlag
	if fs.NArg() == 0 {
		fmt.Fprintln(stderr, "rcureview model litmus: want at least one FILE or DIR")
		return 2
	}
	opt := litmus.Options{MaxStates: *maxStates, Counts: *counts}
	enc := json.NewEncoder(stdout)
	print := func(r litmus.Result) {
		if asJSON {
			_ = enc.Encode(r)
		} else {
			fmt.Fprintln(stdout, r.Line())
		}
	}
	var sum litmus.Summary
	start := time.Now()
	summary := *index
	if *index {
		sel := litmus.RCUTests
		if *all {
			sel = litmus.CTests
		}
		for _, root := range fs.Args() {
			s, err := litmus.SweepIndex(root, sel, opt, func(_ litmus.Entry, r litmus.Result) { print(r) })
			if err != nil {
				fmt.Fprintf(stderr, "rcureview model litmus: %v\n", err)
				return 2
			}
			merge(&sum, s)
		}
	} else {
		expect := map[string]litmus.Verdict{}
		for _, a := range fs.Args() {
			if st, err := os.Stat(a); err == nil && st.IsDir() {
				summary = true
				for k, v := range litmus.Expectations(a) {
					expect[k] = v
				}
			}
		}
		files, err := litmus.Files(fs.Args())
		if err != nil {
			fmt.Fprintf(stderr, "rcureview model litmus: %v\n", err)
			return 2
		}
		for _, f := range files {
			r := litmus.CheckFile(f, opt)
			print(r)
			abs, _ := filepath.Abs(f)
			sum.Add(r, expect[abs])
		}
	}
	if summary {
		if asJSON {
			_ = enc.Encode(struct {
				Summary litmus.Summary `json:"summary"`
				Seconds float64        `json:"seconds"`
			}{sum, time.Since(start).Seconds()})
		} else {
			_ = sum.Write(stdout)
			fmt.Fprintf(stdout, "time %.2fs\n", time.Since(start).Seconds())
		}
	}
	if len(sum.ModelBugs) > 0 {
		return 1
	}
	return 0
}

// merge adds the counts of b to a.
func merge(a *litmus.Summary, b litmus.Summary) {
	if a.Verdicts == nil {
		a.Verdicts = map[litmus.Verdict]int{}
		a.Reasons = map[string]int{}
	}
	a.Total += b.Total
	a.Supported += b.Supported
	a.Unsupported += b.Unsupported
	a.NoVerdict += b.NoVerdict
	a.Errors += b.Errors
	for k, v := range b.Verdicts {
		a.Verdicts[k] += v
	}
	for k, v := range b.Reasons {
		a.Reasons[k] += v
	}
	a.ExpectedNever += b.ExpectedNever
	a.NeverSupported += b.NeverSupported
	a.NeverAgree += b.NeverAgree
	a.ModelBugs = append(a.ModelBugs, b.ModelBugs...)
	a.ExpectedSometimes += b.ExpectedSometimes
	a.SometimesSupported += b.SometimesSupported
	a.SometimesAgree += b.SometimesAgree
}
