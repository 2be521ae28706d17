package main

import (
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/rcureview/rcureview/hook"
)

const hookUsage = `usage: rcureview hook install [--git DIR] [--binary PATH]
       rcureview hook uninstall [--git DIR]

install writes a pre-commit hook that runs "rcureview check --staged" into
the repository's hooks directory (core.hooksPath when set). An existing
pre-commit hook is kept and run first. Installing twice only refreshes the
hook. uninstall removes it and restores the hook it chained.

Options:
`

func runHook(args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 || (args[0] != "install" && args[0] != "uninstall") {
		fmt.Fprint(stderr, hookUsage)
		return 2
	}
	sub := args[0]
	fs := flag.NewFlagSet("hook "+sub, flag.ContinueOnError)
	fs.SetOutput(stderr)
	var tf treeFlags
	tf.register(fs, flagRepo, treeUse{})
	dir := &tf.git
	binary := fs.String("binary", "", "rcureview `PATH` the hook runs (default: this executable)")
	fs.Usage = func() {
		fmt.Fprint(stderr, hookUsage)
		fs.PrintDefaults()
	}
	if err := fs.Parse(args[1:]); err != nil {
		return flagExit(err)
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(stderr, "rcureview hook %s: unexpected argument %q\n", sub, fs.Arg(0))
		return 2
	}
	r, err := hook.Open(*dir)
	if err != nil {
		fmt.Fprintf(stderr, "rcureview hook %s: %v\n", sub, err)
		return 2
	}
	var res *hook.InstallResult
	if sub == "install" {
		bin := *binary
		if bin == "" {
			if bin, err = os.Executable(); err != nil {
				fmt.Fprintf(stderr, "rcureview hook install: %v (use --binary)\n", err)
				return 2
			}
		}
		if bin, err = filepath.Abs(bin); err != nil {
			fmt.Fprintf(stderr, "rcureview hook install: %v\n", err)
			return 2
		}
		res, err = hook.Install(r, bin)
	} else {
		res, err = hook.Uninstall(r)
	}
	if err != nil {
		fmt.Fprintf(stderr, "rcureview hook %s: %v\n", sub, err)
		return 1
	}
	fmt.Fprintf(stdout, "%s: %s\n", res.Action, res.Hook)
	if res.Chained != "" {
		if sub == "install" {
			fmt.Fprintf(stdout, "chained: %s runs first\n", res.Chained)
		} else {
			fmt.Fprintf(stdout, "restored: %s\n", res.Chained)
		}
	}
	return 0
}
