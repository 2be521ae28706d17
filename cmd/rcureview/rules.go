package main

import (
	"flag"
	"fmt"
	"io"
	"text/tabwriter"

	"github.com/rcureview/rcureview/finding"
)

func runRules(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("rules", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() {
		fmt.Fprint(stderr, "usage: rcureview rules\n\nList every rule ID with its default severity and meaning.\n")
	}
	if err := fs.Parse(args); err != nil {
		return flagExit(err)
	}
	tw := tabwriter.NewWriter(stdout, 0, 4, 2, ' ', 0)
	for _, r := range finding.Rules() {
		fmt.Fprintf(tw, "%s\t%s\t%s\n", r.ID, r.Severity, r.Summary)
	}
	if err := tw.Flush(); err != nil {
		return 2
	}
	return 0
}

// flagExit maps a flag parsing error to an exit code: --help is success.
func flagExit(err error) int {
	if err == flag.ErrHelp {
		return 0
	}
	return 2
}
