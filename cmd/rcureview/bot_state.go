package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/mail"
	"os"
	"os/signal"
	"sort"
	"syscall"
	"time"

	"github.com/rcureview/rcureview/bot"
	"github.com/rcureview/rcureview/bot/inbox"
	"github.com/rcureview/rcureview/bot/state"
	"github.com/rcureview/rcureview/mbox"
)

// exitStateUnusable is the exit status of bot commands that refuse a
// state file that is missing, empty, truncated, foreign or damaged.
const exitStateUnusable = 3

const botStateUsage = `usage: rcureview bot state check --state FILE
       rcureview bot state repair --state FILE
       rcureview bot state rebuild-from-archive --state FILE --inbox PATH --from ADDRESS [--replace]

check    reads the whole state file without changing it: exit 0 when the bot
         can use it, 3 when it is missing, empty, truncated, foreign or damaged.
repair   builds a new state from every record of the damaged file that can
         still be read, adds what only the newest usable backup (FILE.bak.N)
         has, and moves the damaged file to FILE.damaged-TIME.
rebuild-from-archive
         builds a new state from the archive alone: every item seen, the
         bot's own replies found there recorded as sent and their series as
         answered (reply Message-IDs and the X-Rcureview-Series header tie a
         reply to its series), series before the newest reply as settled.
         An existing file is moved to FILE.replaced-TIME (a usable one only
         with --replace).

A reply that the archive (or the --outbox) already holds is never sent
again after a repair or a rebuild: the bot finds it by its Message-ID.
`

func runBotState(args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 || args[0] == "-h" || args[0] == "--help" {
		fmt.Fprint(stderr, botStateUsage)
		if len(args) == 0 {
			return 2
		}
		return 0
	}
	cmd, rest := args[0], args[1:]
	fs := flag.NewFlagSet("bot state "+cmd, flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() {
		fmt.Fprint(stderr, botStateUsage)
		fs.PrintDefaults()
	}
	statePath := fs.String("state", "", "state database `FILE`")
	var inboxPath, from *string
	var replace *bool
	if cmd == "rebuild-from-archive" {
		inboxPath = fs.String("inbox", "", "the archive the bot reads: public-inbox v2 `DIR`, Maildir or mbox")
		from = fs.String("from", "", "the bot's `ADDRESS` (its replies are recognised by it)")
		replace = fs.Bool("replace", false, "rebuild even when FILE is a usable state")
	}
	if err := fs.Parse(rest); err != nil {
		return flagExit(err)
	}
	if *statePath == "" || fs.NArg() > 0 {
		fmt.Fprintf(stderr, "rcureview bot state %s: --state FILE is required, no arguments\n", cmd)
		return 2
	}
	prefix := "rcureview bot state " + cmd + ": "
	switch cmd {
	case "check":
		rep, err := state.Check(*statePath, 2*time.Second)
		if rep != nil {
			printStateReport(stdout, rep)
		}
		if err != nil {
			fmt.Fprintf(stderr, "%s%v\n", prefix, err)
			if errors.Is(err, state.ErrUnusable) {
				stateHelp(stderr, *statePath, err)
				return exitStateUnusable
			}
			return 1
		}
		fmt.Fprintln(stdout, "usable: yes")
		return 0
	case "repair":
		res, err := state.Repair(*statePath, 2*time.Second)
		if err != nil {
			fmt.Fprintf(stderr, "%s%v\n", prefix, err)
			return 1
		}
		if res.Healthy {
			fmt.Fprintf(stdout, "%s is usable; nothing to repair\n", *statePath)
			return 0
		}
		fmt.Fprintf(stdout, "repaired %s (%s)\n", *statePath, res.Problem)
		fmt.Fprintf(stdout, "records salvaged from the file: %s\n", countsText(res.Salvaged))
		fmt.Fprintf(stdout, "records failing their check, dropped: %d; unreadable pages: %d\n", res.Dropped, res.BadPages)
		if res.Backup != "" {
			fmt.Fprintf(stdout, "records added from %s: %s\n", res.Backup, countsText(res.FromBackup))
		} else {
			fmt.Fprintln(stdout, "no usable backup")
		}
		if res.Damaged != "" {
			fmt.Fprintf(stdout, "the damaged file is kept as %s\n", res.Damaged)
		}
		return 0
	case "rebuild-from-archive":
		return rebuildState(*statePath, *inboxPath, *from, *replace, stdout, stderr)
	}
	fmt.Fprintf(stderr, "rcureview bot state: unknown command %q\n\n%s", cmd, botStateUsage)
	return 2
}

func rebuildState(path, inboxPath, from string, replace bool, stdout, stderr io.Writer) int {
	prefix := "rcureview bot state rebuild-from-archive: "
	if inboxPath == "" || from == "" {
		fmt.Fprintf(stderr, "%s--inbox and --from are required\n", prefix)
		return 2
	}
	addr, err := mail.ParseAddress(from)
	if err != nil {
		fmt.Fprintf(stderr, "%s--from %q: %v\n", prefix, from, err)
		return 2
	}
	why := "replaced"
	if _, err := state.Check(path, 2*time.Second); err == nil && !replace {
		fmt.Fprintf(stderr, "%s%s is a usable state; give --replace to rebuild it anyway\n", prefix, path)
		return 1
	} else if errors.Is(err, state.ErrLocked) {
		fmt.Fprintf(stderr, "%s%v\n", prefix, err)
		return 1
	} else if err != nil {
		why = "damaged"
	}
	src, err := inbox.Open(inboxPath)
	if err != nil {
		fmt.Fprintf(stderr, "%s%v\n", prefix, err)
		return 1
	}
	tmp := fmt.Sprintf("%s.rebuild-%d", path, os.Getpid())
	os.Remove(tmp)
	st, err := state.Create(tmp, time.Second)
	if err != nil {
		fmt.Fprintf(stderr, "%s%v\n", prefix, err)
		return 1
	}
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGTERM, syscall.SIGINT)
	defer stop()
	stats, err := bot.Rebuild(ctx, bot.Options{
		Source: src, State: st, From: mbox.Address{Name: addr.Name, Email: addr.Address},
		Version: version, Logger: newLogger(stderr, "text"),
	})
	if cerr := st.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		os.Remove(tmp)
		fmt.Fprintf(stderr, "%s%v\n", prefix, err)
		return 1
	}
	aside, err := state.Install(tmp, path, why)
	if err != nil {
		os.Remove(tmp)
		fmt.Fprintf(stderr, "%s%v\n", prefix, err)
		return 1
	}
	fmt.Fprintf(stdout, "rebuilt %s from %s: %d items, %d replies of %s, %d series answered, %d settled without a reply, %d left to review\n",
		path, src, stats.Items, stats.Replies, addr.Address, stats.Replied, stats.Settled, stats.Waiting)
	if aside != "" {
		fmt.Fprintf(stdout, "the old file is kept as %s\n", aside)
	}
	return 0
}

// stateHelp says how to recover from an unusable state file.
func stateHelp(w io.Writer, path string, err error) {
	var ue *state.UnusableError
	if !errors.As(err, &ue) {
		return
	}
	if ue.Problem == state.ProblemMissing {
		fmt.Fprintf(w, `  A bot that has not answered from this archive before starts with
  --init-state; a bot whose state was lost rebuilds it:
    rcureview bot state rebuild-from-archive --state %[1]s --inbox PATH --from ADDRESS
`, path)
		return
	}
	fmt.Fprintf(w, `  The bot does not run on it: it could send every reply again.
  To recover, either
    rcureview bot state repair --state %[1]s
  (keeps what can be read, adds what the newest backup %[1]s.bak.N has), or
    rcureview bot state rebuild-from-archive --state %[1]s --inbox PATH --from ADDRESS
  (from the bot's own replies in the archive). "rcureview bot state check"
  says what is wrong.
`, path)
}

func printStateReport(w io.Writer, rep *state.Report) {
	fmt.Fprintf(w, "file: %s (%d bytes)\n", rep.Path, rep.Size)
	if rep.PageSize == 0 {
		return
	}
	format := rep.Format
	if format == "" {
		format = "none (a state from before the format marker; it is added at the next run)"
	}
	fmt.Fprintf(w, "format: %s\n", format)
	fmt.Fprintf(w, "pages: %d of %d bytes, transaction %d, %d leaked\n", rep.Pages, rep.PageSize, rep.TxID, rep.Leaked)
	for _, b := range rep.Buckets {
		fmt.Fprintf(w, "bucket %s: %d records", b.Name, b.Keys)
		if b.BadRecords > 0 {
			fmt.Fprintf(w, ", %d bad", b.BadRecords)
		}
		fmt.Fprintln(w)
	}
	for _, p := range rep.Problems {
		fmt.Fprintf(w, "problem: %s\n", p)
	}
	for _, b := range state.Backups(rep.Path) {
		fmt.Fprintf(w, "backup: %s\n", b)
	}
}

func countsText(m map[string]int) string {
	if len(m) == 0 {
		return "none"
	}
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	out := ""
	for i, k := range keys {
		if i > 0 {
			out += ", "
		}
		out += fmt.Sprintf("%s %d", k, m[k])
	}
	return out
}
