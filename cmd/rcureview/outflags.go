package main

import (
	"bytes"
	"flag"
	"fmt"
	"io"
	"os"

	"github.com/rcureview/rcureview/reports"
)

// reportFlags are what review and check share about the report:
// checkpatch.pl's output options, which editors, patman, b4 and CI
// scripts pass by habit, and baselines.
type reportFlags struct {
	terse, emacs, showFile, noSummary, strict, mailback, showTypes bool
	ignore, types                                                  listFlag
	baseline, updateBaseline                                       string
	noConf                                                         bool
}

func (c *reportFlags) register(fs *flag.FlagSet) {
	fs.BoolVar(&c.terse, "terse", false, "text: one line per finding, FILE:LINE: SEVERITY:RULE: message (checkpatch --terse --showfile)")
	fs.BoolVar(&c.emacs, "emacs", false, "text: positions are INPUT:LINE, the input file and its line (checkpatch --emacs)")
	fs.BoolVar(&c.showFile, "showfile", false, "text: positions are FILE:LINE of the patched file (default with --terse)")
	fs.BoolVar(&c.noSummary, "no-summary", false, "text: no per-patch totals, summary or total line")
	fs.BoolVar(&c.strict, "strict", false, "text --terse: also print notes, as CHECK lines")
	fs.BoolVar(&c.mailback, "mailback", false, "text: print nothing unless there is a warning or an error")
	fs.BoolVar(&c.showTypes, "show-types", false, "accepted for checkpatch habits: rule IDs are always shown")
	fs.Var(&c.ignore, "ignore", "drop findings of `RULE[,RULE…]` (repeatable; any case)")
	fs.Var(&c.types, "types", "keep only findings of `RULE[,RULE…]` (repeatable; any case)")
	fs.StringVar(&c.baseline, "baseline", "", "earlier JSON or SARIF report `FILE`: its findings are marked unchanged and do not count for the exit status")
	fs.BoolVar(&c.noConf, "no-conf", false, "do not read "+confName+" (from the working directory, the tree's root or $HOME)")
	fs.StringVar(&c.updateBaseline, "update-baseline", "", "write this run's findings as a baseline (JSON report) to `FILE`")
}

// prepare reads what the flags name before the review runs: the rule
// filter and the baseline.
func (c *reportFlags) prepare() (reports.RuleFilter, *reports.Baseline, error) {
	rules, err := c.ruleFilter()
	if err != nil {
		return rules, nil, err
	}
	if c.baseline == "" {
		return rules, nil, nil
	}
	b, err := reports.ReadBaseline(c.baseline)
	return rules, b, err
}

// writeBaseline writes r as a JSON report to --update-baseline's file
// (through a temporary file, so that a failure leaves the old one).
func (c *reportFlags) writeBaseline(r *reports.Report) error {
	if c.updateBaseline == "" {
		return nil
	}
	var buf bytes.Buffer
	if err := reports.WriteJSON(&buf, r); err != nil {
		return err
	}
	tmp := c.updateBaseline + ".tmp"
	if err := os.WriteFile(tmp, buf.Bytes(), 0o644); err != nil {
		return fmt.Errorf("--update-baseline: %w", err)
	}
	if err := os.Rename(tmp, c.updateBaseline); err != nil {
		os.Remove(tmp)
		return fmt.Errorf("--update-baseline: %w", err)
	}
	return nil
}

// ruleFilter returns the --ignore/--types filter.
func (c *reportFlags) ruleFilter() (reports.RuleFilter, error) {
	var rf reports.RuleFilter
	var err error
	if rf.Ignore, err = reports.ParseRuleList(c.ignore); err != nil {
		return rf, err
	}
	if rf.Only, err = reports.ParseRuleList(c.types); err != nil {
		return rf, err
	}
	return rf, nil
}

// textWriter is the text format with the checkpatch options; --mailback
// prints nothing when no finding is a warning or worse.
func (c *reportFlags) textWriter(to reports.TextOptions) reports.Writer {
	to.Terse, to.Emacs, to.ShowFile, to.NoSummary, to.Strict = c.terse, c.emacs, c.showFile, c.noSummary, c.strict
	mailback := c.mailback
	return func(w io.Writer, r *reports.Report) error {
		if mailback && !reports.HasWarnings(r.Patches) {
			return nil
		}
		return reports.WriteText(w, r, to)
	}
}
