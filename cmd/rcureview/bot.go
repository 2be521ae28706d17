package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"github.com/rcureview/rcureview/analyzers/all"
	"io"
	"log/slog"
	"net/mail"
	"os"
	"os/signal"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/rcureview/rcureview/bot"
	"github.com/rcureview/rcureview/bot/inbox"
	"github.com/rcureview/rcureview/bot/patchwork"
	"github.com/rcureview/rcureview/bot/state"
	"github.com/rcureview/rcureview/mbox"
	"github.com/rcureview/rcureview/reports"
	"github.com/rcureview/rcureview/review"
)

const botUsage = `usage: rcureview bot (--inbox PATH | --patchwork URL --patchwork-events) --state FILE [--init-state] --from ADDRESS
                     (--smtp HOST:PORT [--smtp-tls MODE] [--smtp-user USER] [--smtp-password-file FILE]
                      [--smtp-timeout D] | --outbox DIR | --dry-run)
                     [--tree DIR | --git DIR [--rev REV] [--try-rev A,B,…] [--repo-name NAME]]
                     [--arch ARCH] [--cache DIR | --no-cache] [--config FILE|NAME]
                     [--archive-url TEMPLATE] [--once | --poll D] [--wait D] [--cover-max-age D]
                     [--only-findings] [--per-patch] [--rate-list N/D] [--rate-thread N/D]
                     [--deny PATTERN]... [--ignore-sender PATTERN]... [--skip-backlog]
                     [--batch N] [--max-reviews N] [--workers N] [--log-format text|json]
                     [--state-backups N] [--state-backup-every D]
                     [--patchwork URL --patchwork-token-file FILE [--patchwork-context NAME]
                      [--patchwork-project PROJECT] [--patchwork-target-url TEMPLATE]]
       rcureview bot status --state FILE [--json]
       rcureview bot state check|repair|rebuild-from-archive --state FILE ...

Read new mail from a public-inbox v2 archive (a directory with git/N.git),
a Maildir or an mbox file; review every complete patch series (or, after
--wait, what came of it) once, replying to each patch in its thread (the
format of "review --format email"). Covers alone,
replies, the bot's own mail, other bots' mail and threads with a line
"rcureview: skip" are never answered. The state file (bbolt) remembers what
was seen and answered; a reply is recorded before it is sent and confirmed
after, so restarts never lose or duplicate one. The state file must exist
(--init-state creates a new one, never replacing a file); an empty,
truncated, foreign or damaged one is refused with exit status 3 ("bot
state" repairs or rebuilds it). A copy is kept in FILE.bak.1, .bak.2, …

Without --once the bot polls every --poll until SIGTERM or SIGINT.

With --patchwork URL --patchwork-token-file FILE the bot also posts one
patchwork check per reviewed patch (found by its Message-ID; state success,
warning or fail from the findings; context --patchwork-context; target_url
from --patchwork-target-url), recorded before it is posted and confirmed
after, as replies are: a check is never posted twice, a 5xx is retried, a
4xx is logged for that patch and recorded as failed ("bot status").
--patchwork-events finds new series through patchwork's series-completed
events (and downloads their mails) instead of reading an archive.

Options:
`

type botFlags struct {
	treeFlags
	inboxPath, statePath, from, smtpAddr, smtpTLS, smtpUser, smtpPassFile string
	outbox, rateList, rateThread, logFormat                               string
	once, dryRun, onlyFindings, skipBacklog, perPatch, initState          bool
	poll, wait, coverAge, smtpTimeout, sendPause, backupEvery             time.Duration
	batch, maxReviews, backups, workers                                   int
	deny, bots                                                            listFlag
	pw                                                                    patchworkFlags
	repoName, archiveURL                                                  string
}

// listFlag is a repeatable string flag.
type listFlag []string

func (l *listFlag) String() string     { return strings.Join(*l, ",") }
func (l *listFlag) Set(v string) error { *l = append(*l, v); return nil }

func runBot(args []string, stdout, stderr io.Writer) int {
	if len(args) > 0 && args[0] == "status" {
		return runBotStatus(args[1:], stdout, stderr)
	}
	if len(args) > 0 && args[0] == "state" {
		return runBotState(args[1:], stdout, stderr)
	}
	var f botFlags
	fs := flag.NewFlagSet("bot", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.StringVar(&f.inboxPath, "inbox", "", "public-inbox v2 `DIR`, Maildir or mbox file to read")
	fs.StringVar(&f.statePath, "state", "", "state database `FILE` (it must exist, see --init-state)")
	fs.BoolVar(&f.initState, "init-state", false, "create a new state FILE (refused when FILE exists: a bot that answered before needs its state)")
	fs.IntVar(&f.backups, "state-backups", 3, "keep `N` rotating backups of the state (FILE.bak.1 newest); 0 for none")
	fs.DurationVar(&f.backupEvery, "state-backup-every", time.Hour, "daemon mode: back up the state after a pass when the last backup is older than this")
	fs.StringVar(&f.from, "from", "", "the bot's `ADDRESS`, e.g. \"rcureview <rcureview@example.org>\"")
	fs.StringVar(&f.smtpAddr, "smtp", "", "send replies to the SMTP server `HOST:PORT`")
	fs.StringVar(&f.smtpTLS, "smtp-tls", bot.TLSStartTLS, "SMTP TLS `MODE`: starttls, tls or none (loopback relays only)")
	fs.StringVar(&f.smtpUser, "smtp-user", "", "SMTP AUTH PLAIN `USER` (password from $RCUREVIEW_SMTP_PASSWORD or --smtp-password-file)")
	fs.StringVar(&f.smtpPassFile, "smtp-password-file", "", "`FILE` holding the SMTP password")
	fs.DurationVar(&f.smtpTimeout, "smtp-timeout", 30*time.Second, "SMTP dial and per-command timeout")
	fs.StringVar(&f.outbox, "outbox", "", "write replies into the Maildir `DIR` instead of sending them")
	fs.BoolVar(&f.dryRun, "dry-run", false, "print replies on standard output; the state file is not changed")
	fs.BoolVar(&f.once, "once", false, "run one pass and exit")
	fs.DurationVar(&f.poll, "poll", 5*time.Minute, "daemon mode: time between passes")
	fs.DurationVar(&f.wait, "wait", 6*time.Hour, "how long an incomplete series waits for its missing patches")
	fs.DurationVar(&f.coverAge, "cover-max-age", 0, "drop a cover letter whose patches never came after this (default 2*wait)")
	fs.BoolVar(&f.onlyFindings, "only-findings", false, "reply only when a review has a warning or an error")
	fs.BoolVar(&f.perPatch, "per-patch", false, "reply to each patch in its thread instead of once per series on its cover letter")
	fs.StringVar(&f.rateList, "rate-list", "30/1h", "at most `N/DURATION` replies per list (List-Id); 0 for no limit")
	fs.StringVar(&f.rateThread, "rate-thread", "3/1h", "at most `N/DURATION` replies per thread; 0 for no limit")
	fs.Var(&f.deny, "deny", "never answer senders matching `PATTERN` (path.Match on the address; repeatable)")
	fs.Var(&f.bots, "ignore-sender", "treat senders matching `PATTERN` as bots (adds to the built-in list; repeatable)")
	fs.BoolVar(&f.skipBacklog, "skip-backlog", false, "on the first run, mark what the archive holds as seen instead of reviewing it")
	f.treeFlags.register(fs, kernelTree|flagTryRev, treeUse{tree: "to apply the patches to", config: "drop findings whose conditions it rules out"})
	fs.IntVar(&f.batch, "batch", 200, "archive items read per transaction")
	fs.IntVar(&f.maxReviews, "max-reviews", 0, "at most `N` series reviewed per pass (0: no bound)")
	fs.IntVar(&f.workers, "workers", 0, "review at most `N` independent series at the same time (0: the number of CPUs); replies keep arrival order")
	fs.StringVar(&f.logFormat, "log-format", "text", "log `FORMAT` on standard error: text or json")
	fs.DurationVar(&f.sendPause, "test-send-pause", 0, "testing only: pause before and after each send (crash tests)")
	f.pw.register(fs)
	fs.StringVar(&f.repoName, "repo-name", "", "how replies name the --git repository (a URL or NAME; a local path means nothing to readers)")
	fs.StringVar(&f.archiveURL, "archive-url", defaultTargetURL, "the list archive's URL `TEMPLATE` of a message ({reply}: the reply's Message-ID), for the Closes: tag replies suggest; \"\" for none")
	fs.Usage = func() {
		fmt.Fprint(stderr, botUsage)
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		return flagExit(err)
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(stderr, "rcureview bot: unexpected argument %q\n", fs.Arg(0))
		return 2
	}
	if err := f.check(); err != nil {
		fmt.Fprintf(stderr, "rcureview bot: %v\n", err)
		return 2
	}
	log := newLogger(stderr, f.logFormat)
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGTERM, syscall.SIGINT)
	defer stop()
	if err := botMain(ctx, f, stdout, log); err != nil {
		log.Error("bot failed", "err", err)
		fmt.Fprintf(stderr, "rcureview bot: %v\n", err)
		if errors.Is(err, state.ErrUnusable) {
			stateHelp(stderr, f.statePath, err)
			return exitStateUnusable
		}
		return 1
	}
	return 0
}

func (f *botFlags) check() error {
	switch {
	case f.inboxPath == "" && !f.pw.events:
		return errors.New("--inbox (or --patchwork-events) is required")
	case f.inboxPath != "" && f.pw.events:
		return errors.New("--inbox and --patchwork-events exclude each other")
	case f.pw.events && f.pw.url == "":
		return errors.New("--patchwork-events needs --patchwork")
	case f.pw.url != "" && f.pw.tokenFile == "":
		return errors.New("--patchwork needs --patchwork-token-file (posting checks needs a token)")
	case f.statePath == "":
		return errors.New("--state is required")
	case f.from == "":
		return errors.New("--from is required")
	}
	if err := f.treeFlags.check(); err != nil {
		return err
	}
	n := 0
	for _, set := range []bool{f.smtpAddr != "", f.outbox != "", f.dryRun} {
		if set {
			n++
		}
	}
	if n != 1 {
		return errors.New("give exactly one of --smtp, --outbox and --dry-run")
	}
	return nil
}

func newLogger(w io.Writer, format string) *slog.Logger {
	if format == "json" {
		return slog.New(slog.NewJSONHandler(w, nil))
	}
	return slog.New(slog.NewTextHandler(w, nil))
}

// parseRate reads "N/DURATION" ("0" for no limit).
func parseRate(s string) (bot.Rate, error) {
	if s == "" || s == "0" {
		return bot.Rate{}, nil
	}
	n, per, ok := strings.Cut(s, "/")
	if !ok {
		return bot.Rate{}, fmt.Errorf("rate %q: want N/DURATION, e.g. 30/1h", s)
	}
	v, err := strconv.Atoi(n)
	if err != nil || v < 0 {
		return bot.Rate{}, fmt.Errorf("rate %q: bad count", s)
	}
	d, err := time.ParseDuration(per)
	if err != nil || d <= 0 {
		return bot.Rate{}, fmt.Errorf("rate %q: bad duration", s)
	}
	return bot.Rate{N: v, Per: d}, nil
}

func botMain(ctx context.Context, f botFlags, stdout io.Writer, log *slog.Logger) error {
	from, err := mail.ParseAddress(f.from)
	if err != nil {
		return fmt.Errorf("--from %q: %w", f.from, err)
	}
	listRate, err := parseRate(f.rateList)
	if err != nil {
		return fmt.Errorf("--rate-list: %w", err)
	}
	threadRate, err := parseRate(f.rateThread)
	if err != nil {
		return fmt.Errorf("--rate-thread: %w", err)
	}
	pw, err := f.pw.options(version)
	if err != nil {
		return err
	}
	var src inbox.Source
	if f.pw.events {
		src = &patchwork.EventSource{Client: pw.Client, Project: f.pw.project}
	} else if src, err = inbox.Open(f.inboxPath); err != nil {
		return err
	}
	var sender bot.Sender
	switch {
	case f.dryRun:
		sender = &bot.Printer{W: stdout}
	case f.outbox != "":
		sender = &bot.Outbox{Dir: f.outbox}
	default:
		pass := os.Getenv("RCUREVIEW_SMTP_PASSWORD")
		if f.smtpPassFile != "" {
			data, err := os.ReadFile(f.smtpPassFile)
			if err != nil {
				return fmt.Errorf("--smtp-password-file: %w", err)
			}
			pass = strings.TrimRight(string(data), "\r\n")
		}
		sender = &bot.SMTP{Addr: f.smtpAddr, TLS: f.smtpTLS, Username: f.smtpUser, Password: pass, Timeout: f.smtpTimeout}
	}
	st, cleanup, err := openBotState(f)
	if err != nil {
		return err
	}
	defer cleanup()
	lastBackup := time.Now()
	if !f.dryRun {
		if _, err := st.Backup(f.backups); err != nil {
			return err
		}
	}
	tree, err := f.open()
	if err != nil {
		return err
	}
	config, err := f.loadConfig()
	if err != nil {
		return err
	}
	reg, err := all.Registry()
	if err != nil {
		return err
	}
	session := review.NewSession(review.Options{Tool: "rcureview", Version: version, Tree: tree, Registry: reg, Indexes: f.indexes(),
		TryRevs: f.tryRevs(), Config: config, ConfigName: f.config})
	reviewer := func(ctx context.Context, s *mbox.Series) (*reports.Report, int, error) {
		res := session.Series(s)
		return res.Report, res.Reviewed, nil
	}
	b, err := bot.New(bot.Options{
		Patchwork: pw, Repository: f.repoName, ArchiveURL: f.archiveURL,
		Source: src, State: st, Sender: sender, Review: reviewer,
		From: mbox.Address{Name: from.Name, Email: from.Address}, Version: version,
		Wait: f.wait, CoverMaxAge: f.coverAge, OnlyFindings: f.onlyFindings, PerPatch: f.perPatch,
		ListRate: listRate, ThreadRate: threadRate, Deny: f.deny, Bots: f.bots,
		Batch: f.batch, MaxReviews: f.maxReviews, Workers: f.workers, Logger: log, SendPause: f.sendPause,
		AfterPass: func(_ bot.PassStats, err error) {
			writeStatusFile(f.statePath, st, f.dryRun)
			if !f.dryRun && err == nil && time.Since(lastBackup) >= f.backupEvery {
				if _, err := st.Backup(f.backups); err != nil {
					log.Error("state backup failed", "err", err)
				} else {
					lastBackup = time.Now()
				}
			}
		},
	})
	if err != nil {
		return err
	}
	if f.skipBacklog {
		if err := b.SkipBacklog(ctx); err != nil {
			return err
		}
	}
	if f.once {
		ps, err := b.Pass(ctx)
		if err != nil {
			return err
		}
		log.Info("pass", "items", ps.Items, "resolved", ps.Resolved, "reviewed", ps.Reviewed,
			"replied", ps.Replied, "waiting", ps.Waiting, "checks", ps.Checks)
		return nil
	}
	return b.Run(ctx, f.poll)
}

// openBotState opens the state the bot runs on: the --state file
// (checked; created only with --init-state) or, for a dry run, a copy of
// it in a temporary directory that cleanup removes.
func openBotState(f botFlags) (st *state.Store, cleanup func(), err error) {
	if !f.dryRun {
		if f.initState {
			st, err = state.Create(f.statePath, 5*time.Second)
		} else {
			st, err = state.Open(f.statePath, 5*time.Second)
		}
		if err != nil {
			return nil, nil, err
		}
		return st, func() { st.Close() }, nil
	}
	tmp, err := os.MkdirTemp("", "rcureview-dry-run-")
	if err != nil {
		return nil, nil, err
	}
	path := filepath.Join(tmp, "state.db")
	if f.initState {
		if _, err := os.Lstat(f.statePath); err == nil {
			err = fmt.Errorf("--init-state: %s exists; a new state never replaces one", f.statePath)
		} else {
			st, err = state.Create(path, time.Second)
		}
	} else if err = state.Snapshot(f.statePath, path, 5*time.Second); err == nil {
		st, err = state.Open(path, time.Second)
	}
	if err != nil {
		os.RemoveAll(tmp)
		return nil, nil, err
	}
	return st, func() { st.Close(); os.RemoveAll(tmp) }, nil
}

// writeStatusFile leaves the status next to the state file as JSON, for
// "bot status" while the daemon holds the database.
func writeStatusFile(statePath string, st *state.Store, dry bool) {
	if dry {
		return
	}
	s, err := bot.ReadStatus(st)
	if err != nil {
		return
	}
	data, err := json.MarshalIndent(s, "", "  ")
	if err != nil {
		return
	}
	tmp := statePath + ".status.tmp"
	if os.WriteFile(tmp, data, 0o644) == nil {
		os.Rename(tmp, statePath+".status")
	}
}

func runBotStatus(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("bot status", flag.ContinueOnError)
	fs.SetOutput(stderr)
	statePath := fs.String("state", "", "state database `FILE`")
	asJSON := fs.Bool("json", false, "print JSON")
	fs.Usage = func() {
		fmt.Fprint(stderr, "usage: rcureview bot status --state FILE [--json]\n\n"+
			"Print what the bot has seen, reviewed and sent, from its state file (or, while the\n"+
			"daemon holds it, from the status file it writes after every pass).\n\nOptions:\n")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		return flagExit(err)
	}
	if *statePath == "" {
		fmt.Fprintln(stderr, "rcureview bot status: --state is required")
		return 2
	}
	var s *bot.Status
	st, err := state.OpenReadOnly(*statePath, time.Second)
	if err == nil {
		s, err = bot.ReadStatus(st)
		st.Close()
	} else if errors.Is(err, state.ErrLocked) {
		// A running bot holds the database: use the status it wrote.
		data, ferr := os.ReadFile(*statePath + ".status")
		if ferr == nil {
			s = &bot.Status{}
			err = json.Unmarshal(data, s)
		}
	}
	if err != nil {
		fmt.Fprintf(stderr, "rcureview bot status: %v\n", err)
		if errors.Is(err, state.ErrUnusable) {
			stateHelp(stderr, *statePath, err)
			return exitStateUnusable
		}
		return 2
	}
	if *asJSON {
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		if err := enc.Encode(s); err != nil {
			return 2
		}
		return 0
	}
	if err := s.WriteText(stdout); err != nil {
		return 2
	}
	return 0
}
