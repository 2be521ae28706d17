package main

import (
	"flag"
	"fmt"
	"github.com/rcureview/rcureview/analyzers/all"
	"io"
	"os"
	"strings"

	"github.com/rcureview/rcureview/hook"
	"github.com/rcureview/rcureview/reports"
)

const checkUsage = `usage: rcureview check [--git DIR] [--arch ARCH] [--cache DIR | --no-cache] [--config FILE|NAME]
                       [--format text|json|sarif] [--quiet] [--terse] [--emacs|--showfile]
                       [--no-summary] [--mailback] [--strict] [--show-types]
                       [--ignore RULE,…] [--types RULE,…] [--baseline FILE] [--update-baseline FILE]
                       [--no-conf] (--staged | A..B)

Review the staged changes (the index against HEAD, as "git commit" would
record them) or each commit of the range A..B in order, against the
repository's own tree: HEAD for staged changes, each commit's parent for a
range. Output is checkpatch-shaped text (--terse: one line per finding),
JSON or SARIF 2.1.0.

Exit status: 1 when the change introduces an error-severity finding (this
blocks the commit when run from the pre-commit hook); warnings, notes and
findings rcureview could not attribute to the change never block. 2 for a
usage error or a repository that cannot be read; else 0.

Options are also read from the first .rcureview.conf found in the working
directory, the work tree's root and $HOME (see rcureview review --help).

Options:
`

// checkFlags are the options of check.
type checkFlags struct {
	treeFlags
	format        string
	staged, quiet bool
	cp            reportFlags
}

// checkFlagSet returns the flag set of check bound to c.
func checkFlagSet(stderr io.Writer) func(*checkFlags) *flag.FlagSet {
	return func(c *checkFlags) *flag.FlagSet {
		fs := flag.NewFlagSet("check", flag.ContinueOnError)
		fs.SetOutput(stderr)
		c.treeFlags.register(fs, flagRepo|flagArch|flagCache|flagConfig, treeUse{config: "drop findings whose conditions it rules out"})
		fs.BoolVar(&c.staged, "staged", false, "check the staged changes")
		fs.StringVar(&c.format, "format", "text", "output `FORMAT`: text, json or sarif")
		fs.BoolVar(&c.quiet, "quiet", false, "text format: print only findings and the total")
		fs.BoolVar(&c.quiet, "q", false, "short for --quiet")
		c.cp.register(fs)
		fs.Usage = func() {
			fmt.Fprint(stderr, checkUsage)
			fs.PrintDefaults()
		}
		return fs
	}
}

func runCheck(args []string, stdout, stderr io.Writer) int {
	c, fs, conf, err := parseWithConf(checkFlagSet(stderr), args, func(c *checkFlags) string { return workTreeRoot(c.git) })
	if err != nil {
		return confExit("check", err, stderr)
	}
	heapBudget(reviewGCPercent, indexMemoryLimit)
	dir, staged, format, quiet, cp := &c.git, &c.staged, &c.format, &c.quiet, &c.cp
	opt := hook.CheckOptions{Dir: *dir, Staged: *staged, IndexFile: os.Getenv("GIT_INDEX_FILE"), Tool: "rcureview", Version: version}
	switch {
	case *staged && fs.NArg() == 0:
	case !*staged && fs.NArg() == 1:
		opt.Range = fs.Arg(0)
	default:
		fmt.Fprintln(stderr, "rcureview check: give either --staged or one range A..B")
		fs.Usage()
		return 2
	}
	formats := reports.NewFormats()
	formats["text"] = cp.textWriter(reports.TextOptions{Quiet: *quiet})
	rules, baseline, err := cp.prepare()
	if err != nil {
		fmt.Fprintf(stderr, "rcureview check: %v\n", err)
		return 2
	}
	if _, ok := formats[*format]; !ok {
		fmt.Fprintf(stderr, "rcureview check: unknown --format %q (have %s)\n", *format, strings.Join(formats.Names(), ", "))
		return 2
	}
	if opt.Config, err = c.loadConfig(); err != nil {
		fmt.Fprintf(stderr, "rcureview check: %v\n", err)
		return 2
	}
	opt.ConfigName = c.config
	opt.Indexes = c.indexes()
	if opt.Registry, err = all.Registry(); err != nil {
		fmt.Fprintf(stderr, "rcureview check: %v\n", err)
		return 2
	}
	opt.Rules, opt.Baseline = rules, baseline
	res, err := hook.Check(opt)
	if err != nil {
		fmt.Fprintf(stderr, "rcureview check: %v\n", err)
		return 2
	}
	res.Report.Category = "check"
	if conf.Path != "" {
		res.Report.Notes = append(res.Report.Notes, conf.Note())
	}
	if err := cp.writeBaseline(res.Report); err != nil {
		fmt.Fprintf(stderr, "rcureview check: %v\n", err)
		return 2
	}
	if err := formats.Write(stdout, *format, res.Report); err != nil {
		fmt.Fprintf(stderr, "rcureview check: %v\n", err)
		return 2
	}
	if res.Blocking > 0 {
		fmt.Fprintf(stderr, "rcureview check: %d error(s) introduced by the change\n", res.Blocking)
		return 1
	}
	return 0
}
