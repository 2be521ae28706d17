package main

import (
	"bytes"
	"flag"
	"fmt"
	"github.com/rcureview/rcureview/analyzers/all"
	"io"
	"os"
	"strings"
	"sync"

	"github.com/rcureview/rcureview/kconfig"
	"github.com/rcureview/rcureview/ksrc"
	"github.com/rcureview/rcureview/mbox"
	"github.com/rcureview/rcureview/reports"
	"github.com/rcureview/rcureview/review"
)

const reviewUsage = `usage: rcureview review [--tree DIR | --git DIR [--rev REV] [--try-rev A,B,…]] [--arch ARCH]
                        [--cache DIR | --no-cache] [--config FILE|NAME]
                        [--format text|json|sarif|email|html|b4] [--out FILE|DIR] [--from ADDRESS]
                        [--all] [--all-versions] [--quiet] [--color auto|always|never]
                        [--terse] [--emacs|--showfile] [--no-summary] [--mailback] [--strict] [--show-types]
                        [--ignore RULE,…] [--types RULE,…]
                        [--baseline FILE] [--update-baseline FILE]
                        [--max-patches N] [--max-patch-bytes SIZE] [--no-conf]
                        FILE...

Review the patches in each FILE: an mbox (mboxo or mboxrd, optionally
gzipped), a single mail (.eml, lore's /raw), a git format-patch file, or a
bare diff. "-" reads standard input. Patches are grouped into series; only the
newest version of each series is reviewed unless --all-versions is given.
Each series is applied in order onto the kernel tree in memory; nothing is
written into the tree.

Without --tree or --git, patches are parsed but not applied, and analyzers use
the facts embedded from linux 6.12; the report header says so.

With --git, a series that names its base-commit: is applied to that commit
when the repository has it (when --rev is given, to --rev first and to the
base-commit only if more of the series applies there); each patch says which
base was used. --try-rev A,B,… names more revisions (the branches a
maintainer follows): a series goes to its base-commit: when it applies
there, else to the newest of them where it applies, else to --rev. A patch or series the tree already has (its reverse applies,
as with git apply -R --check: a b4 prep worktree with --tree ., or --git at a
revision that contains it) is reviewed against the tree with it reversed,
and the header says so. A
patch reviewed from its hunks alone (no tree, or it did not apply) gets
findings only on the lines it adds, each marked as such.
Findings carry the configuration conditions under which they hold: the
#if conditions of the chain and whether Kbuild compiles each file, with
what Kconfig implies left out (the tree's Kconfig is read for --arch).
--config evaluates them exactly for one .config (plain, .xz or .gz) or one
of these names:
` + "{{NAMES}}" + `Without --config, each finding says in which of these it holds (when
linux-config-6.12 is installed).

--format email writes one reply per reviewed patch, threaded on the patch
mail, as an mbox; with --out naming an existing directory, one .eml file per
reply instead. --format b4 is b4's review CI protocol (a JSON array of
results). Colour is used on a terminal unless NO_COLOR is set.

Memory follows what is reviewed: mails without a patch are dropped as they
are read, and a run reviews at most --max-patches patches (and covers) with
at most --max-patch-bytes of diff; a mail past that budget is an input-mail
error naming it.

checkpatch habits: --terse prints one line per finding (FILE:LINE:
SEVERITY:RULE: message), --emacs names the input file and line instead,
--ignore/--types drop or keep rules; "#N" counts lines of the input file.

Options are also read from the first .rcureview.conf found in the working
directory, the tree's root (--tree or --git) and $HOME, as checkpatch reads
.checkpatch.conf: options separated by white space, one a line by habit, a
word starting with # comments out the rest of its line. They come before
the command line's, which override them; --no-conf skips the file.

Options:
`

type reviewFlags struct {
	treeFlags
	format, out             string
	all, allVersions, quiet bool
	from, color             string
	cp                      reportFlags
	maxPatches              int
	maxPatchBytes           byteSize
}

// reviewFlagSet returns the flag set of review bound to f.
func reviewFlagSet(stderr io.Writer) func(*reviewFlags) *flag.FlagSet {
	return func(f *reviewFlags) *flag.FlagSet {
		fs := flag.NewFlagSet("review", flag.ContinueOnError)
		fs.SetOutput(stderr)
		f.treeFlags.register(fs, kernelTree|flagTryRev, treeUse{tree: "to apply the patches to", config: "drop findings whose conditions it rules out"})
		fs.StringVar(&f.format, "format", "text", "output `FORMAT`: text, json, sarif, email (mbox of replies), html or b4 (b4's review CI JSON)")
		fs.StringVar(&f.out, "out", "", "write the report to `FILE` instead of standard output (email: an existing DIR gets one file per reply)")
		fs.StringVar(&f.from, "from", "", "email: sender `ADDRESS` of the replies (default rcureview <rcureview@localhost>)")
		fs.StringVar(&f.color, "color", "auto", "text colours: `WHEN` auto (on a terminal, unless NO_COLOR is set), always or never")
		fs.BoolVar(&f.all, "all", false, "audit the whole tree, not only what the patches introduce")
		fs.BoolVar(&f.allVersions, "all-versions", false, "review every version of a series, not only the newest")
		fs.BoolVar(&f.quiet, "quiet", false, "text format: print only findings, one summary line per patch and the total")
		fs.BoolVar(&f.quiet, "q", false, "short for --quiet")
		fs.IntVar(&f.maxPatches, "max-patches", mbox.DefaultBudgetPatches, "review at most `N` patches and cover letters in one run")
		f.maxPatchBytes = mbox.DefaultBudgetBytes
		fs.Var(&f.maxPatchBytes, "max-patch-bytes", "review at most `SIZE` of diff in one run (bytes, or with K, M, G)")
		f.cp.register(fs)
		fs.Usage = func() {
			fmt.Fprint(stderr, strings.Replace(reviewUsage, "{{NAMES}}", kconfig.NamesHelp(), 1))
			fs.PrintDefaults()
			fmt.Fprint(stderr, "\nExit status: 0 no finding of severity warning or above, 1 such findings,\n2 usage error or no input could be reviewed.\n")
		}
		return fs
	}
}

func runReview(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	fp, fs, conf, err := parseWithConf(reviewFlagSet(stderr), args, func(f *reviewFlags) string {
		if f.tree != "" {
			return f.tree
		}
		return f.git
	})
	if err != nil {
		return confExit("review", err, stderr)
	}
	f := *fp
	if !f.all {
		heapBudget(reviewGCPercent, indexMemoryLimit) // an audit of the whole tree keeps the default
	}
	files := fs.Args()
	if len(files) == 0 {
		fmt.Fprintln(stderr, "rcureview review: no input files (use - for standard input)")
		fs.Usage()
		return 2
	}
	if err := f.treeFlags.check(); err != nil {
		fmt.Fprintf(stderr, "rcureview review: %v\n", err)
		return 2
	}
	formats, emailOpt, err := outputFormats(f, stdout)
	if err != nil {
		fmt.Fprintf(stderr, "rcureview review: %v\n", err)
		return 2
	}
	if _, ok := formats[f.format]; !ok {
		fmt.Fprintf(stderr, "rcureview review: unknown --format %q (have %s)\n", f.format, strings.Join(formats.Names(), ", "))
		return 2
	}
	rules, baseline, err := f.cp.prepare()
	if err != nil {
		fmt.Fprintf(stderr, "rcureview review: %v\n", err)
		return 2
	}
	if f.maxPatches <= 0 {
		fmt.Fprintln(stderr, "rcureview review: --max-patches must be positive")
		return 2
	}
	opt := review.Options{Tool: "rcureview", Version: version, AllVersions: f.allVersions, All: f.all,
		MaxPatches: f.maxPatches, MaxPatchBytes: int64(f.maxPatchBytes)}
	opt.RevGiven = f.revGiven()
	opt.TryRevs = f.tryRevs()
	if opt.Tree, err = f.open(); err != nil {
		fmt.Fprintf(stderr, "rcureview review: %v\n", err)
		return 2
	}
	if opt.Config, err = f.loadConfig(); err != nil {
		fmt.Fprintf(stderr, "rcureview review: %v\n", err)
		return 2
	}
	opt.Indexes = f.indexes()
	if dt, ok := opt.Tree.(*ksrc.DirTree); ok {
		// the review's base: its index loads (the directory check's
		// system calls) while the configurations and the patches are
		// read and parsed
		if opt.Config == nil {
			opt.Indexes.PrefetchKconfig(dt)
		} else {
			opt.Indexes.Prefetch(dt)
		}
	}
	if opt.Config != nil {
		opt.ConfigName = f.config
	} else {
		// read only when a finding is to be checked against them
		opt.Named = sync.OnceValue(kconfig.Installed)
	}
	if opt.Registry, err = all.Registry(); err != nil {
		fmt.Fprintf(stderr, "rcureview review: %v\n", err)
		return 2
	}

	var inputs []review.Input
	var closers []io.Closer
	defer func() {
		for _, c := range closers {
			c.Close()
		}
	}()
	var openErrs []*reports.Patch
	for _, name := range files {
		if name == "-" {
			inputs = append(inputs, review.Input{Name: review.StdinName, R: stdin})
			continue
		}
		fh, err := os.Open(name)
		if err != nil {
			openErrs = append(openErrs, review.FailedInput(name, err))
			continue
		}
		closers = append(closers, fh)
		inputs = append(inputs, review.Input{Name: name, R: fh})
	}
	res := review.Run(inputs, opt)
	res.Report.Patches = append(openErrs, res.Report.Patches...)
	res.Report.Category = "review"
	if conf.Path != "" {
		res.Report.Notes = append(res.Report.Notes, conf.Note())
	}
	reports.Curate(res.Report, rules, baseline)
	if err := f.cp.writeBaseline(res.Report); err != nil {
		fmt.Fprintf(stderr, "rcureview review: %v\n", err)
		return 2
	}

	if f.format == "email" && isDir(f.out) {
		paths, err := reports.WriteEmailDir(f.out, res.Report, emailOpt)
		fmt.Fprintf(stderr, "rcureview review: wrote %d replies to %s\n", len(paths), f.out)
		if err != nil {
			fmt.Fprintf(stderr, "rcureview review: %v\n", err)
			return 2
		}
		return exitCode(res)
	}

	// Render into memory first so that a failing writer never leaves a
	// half-written --out file behind.
	var buf bytes.Buffer
	if err := formats.Write(&buf, f.format, res.Report); err != nil {
		fmt.Fprintf(stderr, "rcureview review: %v\n", err)
		return 2
	}
	if f.out != "" {
		if err := os.WriteFile(f.out, buf.Bytes(), 0o644); err != nil {
			fmt.Fprintf(stderr, "rcureview review: %v\n", err)
			return 2
		}
	} else if _, err := stdout.Write(buf.Bytes()); err != nil {
		fmt.Fprintf(stderr, "rcureview review: %v\n", writeError(stdout, err))
		return 2
	}
	return exitCode(res)
}

// exitCode implements the design's exit status: 2 when nothing could be
// reviewed, 1 for findings of severity warning or above, else 0.
func exitCode(res *review.Result) int {
	if res.Reviewed == 0 {
		return 2
	}
	if reports.HasWarnings(res.Report.Patches) {
		return 1
	}
	return 0
}

// splitList splits a comma-separated option value, dropping empty items.
func splitList(v string) []string {
	var out []string
	for _, s := range strings.Split(v, ",") {
		if s = strings.TrimSpace(s); s != "" {
			out = append(out, s)
		}
	}
	return out
}
