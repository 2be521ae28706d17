// Command rcureview reviews Linux kernel patches for RCU and tracing
// correctness. See "rcureview --help".
package main

import (
	"fmt"
	"io"
	"os"

	// maps the executable's text and rodata at start instead of faulting them in
	_ "github.com/rcureview/rcureview/internal/prefault"
)

// version is the tool version printed in reports.
const version = "0.1.0"

const usage = `usage: rcureview <command> [options] [arguments]

rcureview reviews Linux kernel patches the way an RCU and tracing maintainer
would: it reads patches from mbox files or git, applies them to a kernel tree
in memory, runs analyzers, and reports what the patch introduces.

Commands:
  review    review patches from mbox, .patch or .mbox.gz files (or stdin)
  extract   split mail and list the patch each message carries
  index     index a kernel tree (cached) for the analyzers
  rcu-map   the RCU protection map of a field or pointer: readers, retire paths, coverage
  model     list and run the embedded RCU model's scenarios
  rules     list the rule IDs rcureview reports
  explain   explain a rule: meaning, kernel background, fix, example;
            --location: the protection map of an RCU location as tables
  version   print the version
  check     check staged changes or a commit range (pre-commit / pre-push)
  hook      install or uninstall the pre-commit hook running check
  bot       the mailing-list bot; "bot status" prints its state

Run "rcureview <command> --help" for a command's options.
Exit status: 0 no finding of severity warning or above, 1 such findings,
2 usage error or no input could be reviewed; the bot commands exit 3 when
their state file is unusable.
`

func main() {
	stop := startProfiles(os.Getenv, os.Stderr)
	code := run(os.Args[1:], os.Stdin, os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}

// run dispatches a command line; it returns the process exit code.
func run(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		fmt.Fprint(stderr, usage)
		return 2
	}
	cmd, rest := args[0], args[1:]
	switch cmd {
	case "-h", "--help", "help":
		fmt.Fprint(stdout, usage)
		return 0
	case "version", "--version":
		fmt.Fprintf(stdout, "rcureview %s\n", version)
		return 0
	case "review":
		return runReview(rest, stdin, stdout, stderr)
	case "rules":
		return runRules(rest, stdout, stderr)
	case "explain":
		return runExplain(rest, stdout, stderr)
	case "extract":
		return runExtract(rest, stdin, stdout, stderr)
	case "model":
		return runModel(rest, stdout, stderr)
	case "index":
		return runIndex(rest, stdout, stderr)
	case "rcu-map":
		return runRCUMap(rest, stdout, stderr)
	case "bot":
		return runBot(rest, stdout, stderr)
	case "check":
		return runCheck(rest, stdout, stderr)
	case "hook":
		return runHook(rest, stdout, stderr)
	default:
		fmt.Fprintf(stderr, "rcureview: unknown command %q\n\n%s", cmd, usage)
		return 2
	}
}
