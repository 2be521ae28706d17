package main

import (
	"flag"
	"fmt"
	"io"
	"strings"

	"github.com/rcureview/rcureview/ruledoc"
)

func runExplain(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("explain", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() {
		fmt.Fprint(stderr, "usage: rcureview explain RULE...\n\n"+
			"Explain a rule: what it means, why it matters in the kernel (with the\n"+
			"kernel files and commits behind it), how to fix it, and an example.\n"+
			"\"rcureview rules\" lists the rule IDs.\n")
	}
	if err := fs.Parse(args); err != nil {
		return flagExit(err)
	}
	if fs.NArg() == 0 {
		fs.Usage()
		return 2
	}
	for i, id := range fs.Args() {
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
	return 0
}
