// Package bot is rcureview's mailing-list bot: it reads new mail from a
// public-inbox v2 archive, an mbox or a Maildir (package bot/inbox),
// collects patch series until they are complete (or a wait expires),
// reviews each series once, and replies in its thread over SMTP or into an
// outbox Maildir. It never answers covers alone, replies, its own mail,
// other bots, or threads that opted out, and it remembers everything in a
// bbolt database (package bot/state) so that every reply is sent exactly
// once across crashes: every reply (one per reviewed patch, in the email
// format of package reports) is recorded as intended with its bytes
// before it is sent and as sent after, and intended replies are resolved
// at the next start.
package bot

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"runtime"
	"strings"
	"time"

	"github.com/rcureview/rcureview/bot/inbox"
	"github.com/rcureview/rcureview/bot/state"
	"github.com/rcureview/rcureview/mbox"
	"github.com/rcureview/rcureview/reports"
)

// Reviewer reviews one series, grouped from the mails the bot parsed
// (review.Session.Series), and returns the report and how many patches
// could be reviewed.
type Reviewer func(ctx context.Context, s *mbox.Series) (*reports.Report, int, error)

// Rate allows N replies per Per; N <= 0 means no limit.
type Rate struct {
	N   int
	Per time.Duration
}

// Options configures a bot.
type Options struct {
	Source  inbox.Source
	State   *state.Store
	Sender  Sender
	Review  Reviewer
	From    mbox.Address // the bot's identity (From, envelope sender, domain of reply Message-IDs)
	Version string       // the tool version, for logs

	// Wait is how long an incomplete series waits for its missing patches
	// before what came is reviewed (default 6h).
	Wait time.Duration
	// CoverMaxAge drops a cover letter whose patches never came (default
	// 2*Wait).
	CoverMaxAge time.Duration
	// OnlyFindings replies only when the review has a warning or error.
	OnlyFindings bool
	// PerPatch sends one reply per reviewed patch, threaded on that patch,
	// instead of the default single reply per series threaded on its
	// cover letter (or on its first patch when it has none).
	PerPatch bool
	// ListRate and ThreadRate limit replies per list (List-Id) and per
	// thread (root Message-ID); a limited series waits for the next pass.
	ListRate, ThreadRate Rate
	// Deny lists sender addresses (path.Match patterns) never answered.
	Deny []string
	// Bots adds sender patterns to KnownBots.
	Bots []string
	// Batch is the number of archive items read per transaction (default 200).
	Batch int
	// MaxReviews bounds the series reviewed per pass (0: no bound).
	MaxReviews int
	// Workers bounds the series reviewed at the same time (default: the
	// number of CPUs). Reviews of independent series run ahead in
	// parallel; settling, recording and sending stay in arrival order, so
	// the replies and the state are those of reviewing one at a time.
	Workers int

	// Repository names the reviewed git repository in replies (a URL or
	// "rcu/linux.git"); ArchiveURL is the list archive's URL of a
	// message, "{reply}" standing for the reply's Message-ID, for the
	// Closes: tag replies with findings suggest (with Reported-by: the
	// bot); "" suggests Reported-by: alone.
	Repository string
	ArchiveURL string

	// Patchwork, when set, posts a patchwork check on every reviewed
	// patch (see PatchworkOptions).
	Patchwork *PatchworkOptions

	// SendPause pauses before and after each send (inside the window
	// between recording a reply as intended and as sent); crash tests set
	// it to make random kills land in that window. Zero in production.
	SendPause time.Duration
	// AfterPass is called after every pass (the command writes a status
	// file there).
	AfterPass func(PassStats, error)

	Now    func() time.Time // default time.Now
	Logger *slog.Logger     // default slog.Default()
}

// Bot is a configured list bot.
type Bot struct {
	opt    Options
	filter filter
	log    *slog.Logger
	// parsed holds the pending mails as parsed when they were taken, by
	// Message-ID, so that each mail is parsed once; it follows the
	// pending set (mails pending from an earlier run are parsed when
	// first grouped).
	parsed map[string]*mbox.Patch
}

// New checks the options and returns a bot.
func New(opt Options) (*Bot, error) {
	if opt.Source == nil || opt.State == nil || opt.Sender == nil || opt.Review == nil {
		return nil, errors.New("bot: Source, State, Sender and Review are required")
	}
	return newBot(opt)
}

// newBot fills in the defaults of opt.
func newBot(opt Options) (*Bot, error) {
	if opt.From.Email == "" || !strings.Contains(opt.From.Email, "@") {
		return nil, fmt.Errorf("bot: invalid From address %q", opt.From.Email)
	}
	if opt.Wait <= 0 {
		opt.Wait = 6 * time.Hour
	}
	if opt.CoverMaxAge <= 0 {
		opt.CoverMaxAge = 2 * opt.Wait
	}
	if opt.Workers <= 0 {
		opt.Workers = runtime.NumCPU()
	}
	if opt.Batch <= 0 {
		opt.Batch = 200
	}
	if opt.Now == nil {
		opt.Now = time.Now
	}
	if opt.Logger == nil {
		opt.Logger = slog.Default()
	}
	if opt.Version == "" {
		opt.Version = "dev"
	}
	if pw := opt.Patchwork; pw != nil {
		if pw.Client == nil {
			return nil, errors.New("bot: Patchwork needs a Client")
		}
		c := *pw
		if c.Context == "" {
			c.Context = DefaultCheckContext
		}
		if c.GiveUp <= 0 {
			c.GiveUp = 24 * time.Hour
		}
		if c.Retries <= 0 {
			c.Retries = 4
		}
		if c.Backoff <= 0 {
			c.Backoff = time.Second
		}
		opt.Patchwork = &c
	}
	b := &Bot{opt: opt, log: opt.Logger, parsed: map[string]*mbox.Patch{}}
	b.filter = filter{
		self:   strings.ToLower(opt.From.Email),
		domain: opt.From.Email[strings.LastIndex(opt.From.Email, "@")+1:],
		bots:   append(append([]string(nil), KnownBots...), opt.Bots...),
		deny:   opt.Deny,
	}
	return b, nil
}

// PassStats says what one pass did.
type PassStats struct {
	Items    int // archive items read
	Resolved int // intended replies from an earlier run resolved
	Reviewed int // series reviewed
	Replied  int // replies sent
	Waiting  int // series still waiting for patches or for the rate limit
	Checks   int // patchwork checks posted
}

// Pass runs one pass: read what is new in the archive, resolve replies a
// crash left intended, review the series that are ready and reply. It
// stops early, without error, when ctx is cancelled.
func (b *Bot) Pass(ctx context.Context) (PassStats, error) {
	var st PassStats
	err := b.pass(ctx, &st)
	now := b.opt.Now()
	uerr := b.opt.State.Update(func(tx *state.Tx) error {
		if err != nil {
			if e := tx.SetLastError(now, err.Error()); e != nil {
				return e
			}
			if e := tx.Add("errors", 1); e != nil {
				return e
			}
		}
		if e := tx.SetMeta("last_pass", now.UTC().Format(time.RFC3339)); e != nil {
			return e
		}
		if e := tx.SetMeta("source", b.opt.Source.String()); e != nil {
			return e
		}
		return tx.Add("passes", 1)
	})
	if err == nil {
		err = uerr
	}
	if b.opt.AfterPass != nil {
		b.opt.AfterPass(st, err)
	}
	return st, err
}

// pass reads the archive first, so that replies the list already echoed
// are known when intended replies are resolved, then resolves, then
// answers new series.
func (b *Bot) pass(ctx context.Context, st *PassStats) error {
	if err := b.ingest(ctx, st); err != nil {
		return err
	}
	if err := b.resolve(ctx, st); err != nil {
		return err
	}
	if err := b.answer(ctx, st); err != nil {
		return err
	}
	return b.postChecks(ctx, st)
}

// Run runs passes every poll interval until ctx is cancelled (SIGTERM in
// the command), then returns nil. A failed pass is logged and retried at
// the next interval, except when the state became unusable (an error
// matching state.ErrUnusable, returned).
func (b *Bot) Run(ctx context.Context, poll time.Duration) error {
	if poll <= 0 {
		poll = time.Minute
	}
	for {
		st, err := b.Pass(ctx)
		if errors.Is(err, state.ErrUnusable) {
			return err // every later pass would fail the same way
		}
		if err != nil {
			b.log.Error("pass failed", "err", err)
		} else {
			b.log.Info("pass", "items", st.Items, "resolved", st.Resolved, "reviewed", st.Reviewed,
				"replied", st.Replied, "waiting", st.Waiting, "checks", st.Checks)
		}
		t := time.NewTimer(poll)
		select {
		case <-ctx.Done():
			t.Stop()
			b.log.Info("shutting down")
			return nil
		case <-t.C:
		}
	}
}
