package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"sort"
	"strings"
	"time"

	"github.com/rcureview/rcureview/rcumodel/lkmm"
	"github.com/rcureview/rcureview/rcumodel/lkmm/litmus"
)

// modelLitmus runs "rcureview model litmus": it checks C litmus tests under
// the Linux-kernel memory model as herd7 runs it and prints herd7's output
// for each; for directories and corpus indexes it adds a summary against
// the expected results.
func modelLitmus(fs *flag.FlagSet, args []string, jsonFlag *bool, maxStates *int, stdout, stderr io.Writer) int {
	index := fs.Bool("index", false, "arguments are corpus roots with INDEX.tsv: check their C tests")
	rcuOnly := fs.Bool("rcu", false, "with --index: only the tests that use RCU")
	var tf treeFlags
	tf.register(fs, flagTree, treeUse{tree: "whose tools/memory-model/linux-kernel.def maps the kernel API (default: Linux 6.12's)"})
	tree := &tf.tree
	maxEx := fs.Int("max-executions", 0, fmt.Sprintf("examine at most `N` candidate executions per test (default %d)", lkmm.DefaultMaxExecutions))
	witness := fs.Bool("witness", false, "print a witness execution for each test whose condition some execution satisfies")
	if err := fs.Parse(args); err != nil {
		return flagExit(err)
	}
	if fs.NArg() == 0 {
		fmt.Fprintln(stderr, "rcureview model litmus: want at least one FILE or DIR")
		return 2
	}
	mod := lkmm.DefaultModel()
	if *tree != "" {
		var err error
		if mod, err = lkmm.LoadModel(*tree); err != nil {
			fmt.Fprintf(stderr, "rcureview model litmus: %v\n", err)
			return 2
		}
		if mod.Note != "" {
			fmt.Fprintf(stderr, "rcureview model litmus: note: %s\n", mod.Note)
		}
	}
	opt := lkmm.Options{MaxExecutions: *maxEx, Witness: *witness}
	if opt.MaxExecutions == 0 && *maxStates > 0 {
		opt.MaxExecutions = *maxStates
	}
	enc := json.NewEncoder(stdout)
	var sum litmusSummary
	start := time.Now()
	check := func(file string, e *litmus.Entry) {
		r := mod.CheckFile(file, opt)
		if *jsonFlag {
			_ = enc.Encode(r)
		} else {
			fmt.Fprint(stdout, r.Herd())
			if r.Witness != nil {
				fmt.Fprint(stdout, lkmm.FormatWitness(r.Witness))
			}
			fmt.Fprintln(stdout)
		}
		sum.add(r, e)
	}
	summary := *index
	if *index {
		for _, root := range fs.Args() {
			entries, err := litmus.LoadIndex(root)
			if err != nil {
				fmt.Fprintf(stderr, "rcureview model litmus: %v\n", err)
				return 2
			}
			for i := range entries {
				e := &entries[i]
				if e.Dialect != "C" || *rcuOnly && len(e.Features) == 0 {
					continue
				}
				if e.Err != nil {
					r := lkmm.Result{Name: e.Path, Verdict: lkmm.Invalid, Reason: e.Err.Error()}
					if *jsonFlag {
						_ = enc.Encode(r)
					} else {
						fmt.Fprint(stdout, r.Herd(), "\n")
					}
					sum.add(r, nil)
					continue
				}
				check(e.File, e)
			}
		}
	} else {
		files, err := litmus.Files(fs.Args())
		if err != nil {
			fmt.Fprintf(stderr, "rcureview model litmus: %v\n", err)
			return 2
		}
		summary = len(files) > 1
		for _, f := range files {
			check(f, nil)
		}
	}
	if summary {
		if *jsonFlag {
			_ = enc.Encode(struct {
				Summary *litmusSummary `json:"summary"`
				Seconds float64        `json:"seconds"`
			}{&sum, time.Since(start).Seconds()})
		} else {
			sum.write(stdout)
			fmt.Fprintf(stdout, "time %.2fs\n", time.Since(start).Seconds())
		}
	}
	switch {
	case sum.Errors > 0:
		return 2
	case len(sum.HerdDisagree) > 0:
		return 1
	case sum.NoVerdict > 0:
		// A bound (size of the test, or --max-executions) was reached:
		// "no verdict", as for model run and model check.
		return 3
	}
	return 0
}

// litmusSummary counts the results of a sweep.
type litmusSummary struct {
	Tests         int            `json:"tests"`
	Verdicts      map[string]int `json:"verdicts"`
	Errors        int            `json:"errors"`
	Unsupported   map[string]int `json:"unsupported,omitempty"`
	NoVerdict     int            `json:"no_verdict"`
	HerdCompared  int            `json:"herd_compared"`
	HerdAgree     int            `json:"herd_agree"`
	HerdDisagree  []string       `json:"herd_disagree,omitempty"`
	ClaimCompared int            `json:"claims_compared"`
	ClaimAgree    int            `json:"claims_agree"`
}

func (s *litmusSummary) add(r lkmm.Result, e *litmus.Entry) {
	if s.Verdicts == nil {
		s.Verdicts = map[string]int{}
		s.Unsupported = map[string]int{}
	}
	s.Tests++
	s.Verdicts[string(r.Verdict)]++
	switch r.Verdict {
	case lkmm.Invalid:
		s.Errors++
	case lkmm.Unsupported:
		s.Unsupported[r.Construct]++
	case lkmm.NoVerdict:
		s.NoVerdict++
	}
	if e == nil || e.Expected == "" {
		return
	}
	switch e.Expected {
	case "Never", "Sometimes", "Always":
	default:
		return
	}
	agree := string(r.Verdict) == e.Expected
	if e.HerdExpected {
		s.HerdCompared++
		if agree {
			s.HerdAgree++
		} else if r.Verdict == lkmm.Never || r.Verdict == lkmm.Sometimes || r.Verdict == lkmm.Always {
			s.HerdDisagree = append(s.HerdDisagree, fmt.Sprintf("%s: herd7 %s, got %s", e.Path, e.Expected, r.Verdict))
		}
		return
	}
	s.ClaimCompared++
	if agree {
		s.ClaimAgree++
	}
}

func (s *litmusSummary) write(w io.Writer) {
	var vs []string
	for k, v := range s.Verdicts {
		vs = append(vs, fmt.Sprintf("%s %d", k, v))
	}
	sort.Strings(vs)
	fmt.Fprintf(w, "tests %d: %s\n", s.Tests, strings.Join(vs, ", "))
	if len(s.Unsupported) > 0 {
		var us []string
		for k, v := range s.Unsupported {
			us = append(us, fmt.Sprintf("%s %d", k, v))
		}
		sort.Strings(us)
		fmt.Fprintf(w, "unsupported constructs: %s\n", strings.Join(us, ", "))
	}
	fmt.Fprintf(w, "herd7 verdicts: %d of %d agree\n", s.HerdAgree, s.HerdCompared)
	for _, d := range s.HerdDisagree {
		fmt.Fprintf(w, "  disagree: %s\n", d)
	}
	if s.ClaimCompared > 0 {
		fmt.Fprintf(w, "Result: claims: %d of %d agree\n", s.ClaimAgree, s.ClaimCompared)
	}
}
