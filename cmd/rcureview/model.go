package main

import (
	"flag"
	"fmt"
	"io"
	"os"
	"runtime/debug"
	"sort"
	"strings"
	"text/tabwriter"

	"github.com/rcureview/rcureview/rcumodel"
)

const modelUsage = `usage: rcureview model list
       rcureview model run [--profile P] [--json] [--max-states N] SCENARIO
       rcureview model check [--profile P] [--json] [--max-states N] FILE
       rcureview model litmus [--json] [--witness] [--tree DIR] [--index [--rcu]] [--max-executions N] FILE|DIR...

The embedded executable model of RCU. "list" names the embedded scenarios
(the validation scenarios V1-V12 in failing and fixed variants) with what each
is expected to show; "run" checks one of them; "check" checks a scenario file
written in the format documented by "go doc ./rcumodel/scenario"; "litmus"
checks C litmus tests under the Linux-kernel memory model exactly as herd7
runs it with tools/memory-model/linux-kernel.cfg (see "go doc
./rcumodel/lkmm"): for each test it prints herd7's output (Test, States, Ok
or No, Witnesses, Flag, Condition, Observation), with --witness an execution
satisfying the condition, or "Error|Unsupported|NoVerdict NAME: reason".
--tree takes the kernel API (linux-kernel.def) from a kernel tree. For several
files or --index (DIR is a corpus root with INDEX.tsv and HERD7-RESULTS.tsv;
its C tests, or its RCU tests with --rcu) a summary compares the verdicts with
herd7's and with the tests' "Result:" claims. Exit 2 when a test cannot be
read or parsed (or an index path leaves the corpus root), 1 when a verdict
disagrees with herd7's, 3 when a bound was reached (the test's size against
the parser's limits, or --max-executions) and some test has no verdict,
else 0.

Each checked property prints holds, violated (with the shortest
counterexample as a per-CPU table) or no verdict when a bound was reached.
--max-states is a ceiling: a scenario's "bounds states=N" may lower it but
not raise it (default 1,000,000 states, about 1 GiB of memory).
Exit status: 0 every property matched the scenario's expectation (or, without
expectations, none was violated), 1 otherwise, 2 usage or parse error, 3 no
verdict: a bound was reached before every property was decided (and none of
the decided ones is unexpected).

Options:
`

func runModel(args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		fmt.Fprint(stderr, modelUsage)
		return 2
	}
	sub, rest := args[0], args[1:]
	fs := flag.NewFlagSet("model "+sub, flag.ContinueOnError)
	fs.SetOutput(stderr)
	profile := fs.String("profile", "", "read-side `PROFILE` to check against (default: the scenario's; one of "+profileNames()+")")
	asJSON := fs.Bool("json", false, "print JSON lines instead of tables")
	maxStates := fs.Int("max-states", 0, "explore at most `N` states; scenarios cannot raise it (default 1000000)")
	fs.Usage = func() {
		fmt.Fprint(stderr, modelUsage)
		fs.PrintDefaults()
	}
	switch sub {
	case "-h", "--help", "help":
		fs.Usage()
		return 0
	case "litmus":
		return modelLitmus(fs, rest, asJSON, maxStates, stdout, stderr)
	case "list":
		if err := fs.Parse(rest); err != nil {
			return flagExit(err)
		}
		return modelList(stdout, stderr)
	case "run", "check":
		if err := fs.Parse(rest); err != nil {
			return flagExit(err)
		}
		if fs.NArg() != 1 {
			fmt.Fprintf(stderr, "rcureview model %s: want exactly one %s\n", sub, map[string]string{"run": "SCENARIO", "check": "FILE"}[sub])
			return 2
		}
		var s *rcumodel.Scenario
		var err error
		if sub == "run" {
			s, err = rcumodel.Load(fs.Arg(0))
		} else {
			var src []byte
			if src, err = os.ReadFile(fs.Arg(0)); err == nil {
				s, err = rcumodel.ParseScenario(fs.Arg(0), src)
			}
		}
		if err != nil {
			fmt.Fprintf(stderr, "rcureview model %s: %v\n", sub, err)
			return 2
		}
		if *maxStates < 0 {
			fmt.Fprintf(stderr, "rcureview model %s: --max-states %d: want a positive number\n", sub, *maxStates)
			return 2
		}
		// The explored graph is bounded by --max-states; keep the
		// collector's headroom in proportion too.
		debug.SetMemoryLimit(modelMemoryLimit(*maxStates))
		res, err := rcumodel.Check(s, rcumodel.Options{Profile: *profile, MaxStates: *maxStates})
		if err != nil {
			// Compile errors carry line:col but not the file; add it.
			if !strings.HasPrefix(err.Error(), fs.Arg(0)) {
				err = fmt.Errorf("%s:%w", fs.Arg(0), err)
			}
			fmt.Fprintf(stderr, "rcureview model %s: %v\n", sub, err)
			return 2
		}
		if *asJSON {
			err = res.JSONLines(stdout)
		} else {
			err = res.Table(stdout)
		}
		if err != nil {
			fmt.Fprintf(stderr, "rcureview model %s: %v\n", sub, err)
			return 2
		}
		return modelExit(s, res, stderr)
	default:
		fmt.Fprintf(stderr, "rcureview model: unknown subcommand %q\n\n", sub)
		fs.Usage()
		return 2
	}
}

func profileNames() string {
	var names []string
	for _, p := range rcumodel.Profiles {
		names = append(names, p.Name)
	}
	return strings.Join(names, ", ")
}

func modelList(stdout, stderr io.Writer) int {
	infos, err := rcumodel.List()
	if err != nil {
		fmt.Fprintf(stderr, "rcureview model list: %v\n", err)
		return 2
	}
	tw := tabwriter.NewWriter(stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "SCENARIO\tPROFILE\tEXPECT\tWHAT")
	for _, in := range infos {
		var exp []string
		for k, v := range in.Expect {
			exp = append(exp, k+"="+v)
		}
		sort.Strings(exp)
		doc := strings.SplitN(strings.TrimSpace(in.Doc), "\n", 2)[0]
		if len(doc) > 72 {
			doc = doc[:69] + "..."
		}
		prof := in.Profile
		if prof == "" {
			prof = rcumodel.DefaultProfile
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\n", in.Name, prof, strings.Join(exp, ","), doc)
	}
	if err := tw.Flush(); err != nil {
		return 2
	}
	return 0
}

// Exit statuses of "model run/check".
const (
	exitModelNoVerdict = 3
)

// modelExit reports unexpected verdicts and picks the exit status: 1 for an
// unexpected verdict (or, without expectations, a violation), 3 when a
// bound left properties undecided, 0 otherwise.
func modelExit(s *rcumodel.Scenario, res *rcumodel.Result, stderr io.Writer) int {
	code := 0
	for _, p := range res.Props {
		switch {
		case p.Verdict == rcumodel.NoVerdict:
			if code == 0 {
				code = exitModelNoVerdict
			}
		case p.Expected != "" && p.Expected != p.Verdict.String():
			fmt.Fprintf(stderr, "rcureview model: unexpected: %s: expected %s, got %s\n", p.Property, p.Expected, p.Verdict)
			code = 1
		case p.Expected == "" && len(s.Expect) == 0 && p.Verdict == rcumodel.Violated:
			code = 1
		}
	}
	if code == exitModelNoVerdict {
		fmt.Fprintf(stderr, "rcureview model: no verdict: %s\n", res.BoundMsg)
	}
	return code
}

// modelMemoryLimit is the soft memory limit of a model run: 900 MiB at the
// default state bound, in proportion above it.
func modelMemoryLimit(maxStates int) int64 {
	const base = 900 << 20
	if maxStates <= rcumodel.DefaultMaxStates {
		return base
	}
	return int64(float64(base) * float64(maxStates) / rcumodel.DefaultMaxStates)
}
