package main

import (
	"flag"
	"fmt"
	"io"
	"strings"

	"github.com/rcureview/rcureview/reports"
	"github.com/rcureview/rcureview/ruledoc"
)

func runExplain(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("explain", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var f treeFlags
	var locs multiFlag
	fs.Var(&locs, "location", "also show the protection map of an RCU `LOCATION` (a struct field \"struct tracepoint.funcs\" or \"funcs\", a global, an RCU list): its readers with their protection per flavour, its retire paths with their chains (repeatable)")
	f.register(fs, kernelTree, treeUse{tree: "whose map --location shows (default: the embedded 6.12 facts)", config: "its conditions decide which definitions exist"})
	fs.Usage = func() {
		fmt.Fprint(stderr, "usage: rcureview explain RULE...\n"+
			"       rcureview explain [RULE...] --location LOCATION [--tree DIR | --git DIR [--rev REV]]\n"+
			"                         [--arch ARCH] [--cache DIR | --no-cache] [--config FILE|NAME]\n\n"+
			"Explain a rule: what it means, why it matters in the kernel (with the\n"+
			"kernel files and commits behind it), how to fix it, and an example.\n"+
			"\"rcureview rules\" lists the rule IDs.\n\n"+
			"With --location, also show the protection map of the RCU location an\n"+
			"rcu-gp-flavor-mismatch or rcu-illegal-context finding names, as tables:\n"+
			"each path that reaches a read with the read-side section of each flavour\n"+
			"in force there and how it was opened (here, by a caller, by a macro,\n"+
			"guard()), whether the retire paths cover it; and each publication or\n"+
			"removal with the grace periods that retire the old object and the\n"+
			"wrapper and callback chain to them. Flags may follow the rules.\n\n")
		fs.PrintDefaults()
	}
	ids, err := parseInterspersed(fs, args)
	if err != nil {
		return flagExit(err)
	}
	if len(ids) == 0 && len(locs) == 0 {
		fs.Usage()
		return 2
	}
	for i, id := range ids {
		d, ok := ruledoc.Lookup(id)
		if !ok {
			fmt.Fprintf(stderr, "rcureview explain: unknown rule %q", id)
			if s := ruledoc.Suggest(id); len(s) > 0 {
				fmt.Fprintf(stderr, " (did you mean %s?)", strings.Join(s, ", "))
			}
			fmt.Fprintln(stderr, "; see \"rcureview rules\"")
			return 2
		}
		if i > 0 {
			fmt.Fprintln(stdout)
		}
		if _, err := io.WriteString(stdout, d.Text()); err != nil {
			return 2
		}
	}
	if len(locs) == 0 {
		return 0
	}
	m, err := openMap(&f)
	if err != nil {
		fmt.Fprintf(stderr, "rcureview explain: %v\n", err)
		return 2
	}
	status := 0
	first := len(ids) == 0
	for _, q := range locs {
		keys := m.Lookup(q)
		if len(keys) == 0 {
			fmt.Fprintf(stderr, "rcureview explain: no RCU location matches %q (see \"rcureview rcu-map --all\")\n", q)
			status = 2
			continue
		}
		for _, k := range keys {
			if !first {
				fmt.Fprintln(stdout)
			}
			first = false
			if err := reports.WriteRCUMap(stdout, m.Entry(k, true).Table(nil)); err != nil {
				fmt.Fprintf(stderr, "rcureview explain: %v\n", err)
				return 2
			}
		}
	}
	return status
}

// parseInterspersed parses flags that may come before, between or after
// the positional arguments ("explain RULE --location X"), and returns the
// positional ones.
func parseInterspersed(fs *flag.FlagSet, args []string) ([]string, error) {
	var pos []string
	for {
		if err := fs.Parse(args); err != nil {
			return nil, err
		}
		rest := fs.Args()
		if len(rest) == 0 {
			return pos, nil
		}
		i := 0
		for i < len(rest) && (!strings.HasPrefix(rest[i], "-") || rest[i] == "-") {
			i++
		}
		pos = append(pos, rest[:i]...)
		if i == len(rest) {
			return pos, nil
		}
		if rest[i] == "--" {
			return append(pos, rest[i+1:]...), nil
		}
		args = rest[i:]
	}
}

// multiFlag is a repeatable string flag.
type multiFlag []string

func (m *multiFlag) String() string { return strings.Join(*m, ",") }

// Set adds one value.
func (m *multiFlag) Set(v string) error {
	*m = append(*m, v)
	return nil
}
