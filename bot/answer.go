package bot

import (
	"context"
	"fmt"
	netmail "net/mail"
	"strings"
	"sync"
	"time"

	"github.com/rcureview/rcureview/bot/state"
	"github.com/rcureview/rcureview/mbox"
	"github.com/rcureview/rcureview/reports"
	"github.com/rcureview/rcureview/review"
)

// candidate is a series formed from pending messages.
type candidate struct {
	s       *mbox.Series
	members []string // Message-IDs: cover first, then patches
	oldest  time.Time
	target  *mbox.Message // the mail the reply answers
	remarks []string      // said at the end of the reply (suppressed rules)
}

// answer groups the pending messages into series and reviews and answers
// the ones that are ready.
func (b *Bot) answer(ctx context.Context, st *PassStats) error {
	cands, err := b.candidates()
	if err != nil {
		return err
	}
	ahead := b.reviewAhead(ctx, cands)
	defer ahead.stop()
	reviews := 0
	for i, c := range cands {
		if ctx.Err() != nil {
			return nil
		}
		ready, waiting, err := b.settle(c)
		if err != nil {
			return err
		}
		if !ready {
			ahead.drop(i)
			if !waiting {
				continue
			}
			b.log.Debug("waiting", "series", c.s.ID, "patches", len(c.s.Patches), "missing", c.s.Missing)
			st.Waiting++
			continue
		}
		if b.opt.MaxReviews > 0 && reviews >= b.opt.MaxReviews {
			ahead.drop(i)
			st.Waiting++
			continue
		}
		reviews++
		if err := b.reply(ctx, c, ahead.get(ctx, i, c, b.opt.Review), st); err != nil {
			return err
		}
	}
	return nil
}

// candidates groups the pending messages into series.
func (b *Bot) candidates() ([]*candidate, error) {
	var pend []state.Pending
	if err := b.opt.State.View(func(tx *state.Tx) (err error) {
		pend, err = tx.PendingAll()
		return err
	}); err != nil {
		return nil, err
	}
	byID := map[string]state.Pending{}
	var patches []*mbox.Patch
	parsed := make(map[string]*mbox.Patch, len(pend))
	for _, p := range pend {
		pp := b.parsed[p.MessageID]
		if pp == nil {
			// Pending from an earlier run: parsed once, here.
			msg, err := parseRaw(p.Raw)
			if err != nil {
				continue // was parsed when taken; cannot happen
			}
			pp = mbox.ExtractPatch(msg)
		}
		parsed[p.MessageID] = pp
		byID[p.MessageID] = p
		patches = append(patches, pp)
	}
	// Only what is still pending stays parsed.
	b.parsed = parsed
	// Arrival order, as the grouper expects (a cover before its patches).
	sortByDate(patches)
	var out []*candidate
	for _, s := range mbox.GroupSeries(patches, mbox.GroupOptions{AllVersions: true}) {
		out = append(out, newCandidate(s, byID))
	}
	return out, nil
}

func newCandidate(s *mbox.Series, byID map[string]state.Pending) *candidate {
	c := &candidate{s: s}
	add := func(p *mbox.Patch) {
		id := p.Msg.MessageID
		c.members = append(c.members, id)
		pd := byID[id]
		if c.oldest.IsZero() || pd.FirstSeen.Before(c.oldest) {
			c.oldest = pd.FirstSeen
		}
	}
	if s.Cover != nil {
		add(s.Cover)
		c.target = s.Cover.Msg
	}
	for _, p := range s.Patches {
		add(p)
	}
	if c.target == nil && len(s.Patches) > 0 {
		c.target = s.Patches[0].Msg
	}
	return c
}

// settle does the bookkeeping that needs no review: members of a series
// answered before (late patches), opted-out threads, expired covers, and
// waiting. It returns whether the series is to be reviewed now, or else
// whether it still waits (false: it was settled without review).
func (b *Bot) settle(c *candidate) (ready, waiting bool, err error) {
	now := b.opt.Now()
	err = b.opt.State.Update(func(tx *state.Tx) error {
		ready, waiting = false, false
		if key, ok, err := b.answeredSeries(tx, c); err != nil || ok {
			if ok {
				b.log.Info("late member of an answered series", "series", key, "members", len(c.members))
				err = b.forget(tx, c, key, "mail:late")
			}
			return err
		}
		if b.optedOut(tx, c) {
			b.log.Info("thread opted out", "series", c.s.ID, "subject", c.target.Subject)
			return b.record(tx, c, state.Series{Status: state.SeriesSkipped, Reason: "thread opted out"}, "series:opted-out")
		}
		if len(c.s.Patches) == 0 {
			if now.Sub(c.oldest) >= b.opt.CoverMaxAge {
				b.log.Info("cover letter without patches expired", "message_id", c.s.ID)
				return b.forgetPending(tx, c, "series:cover-expired")
			}
			waiting = true
			return nil
		}
		if len(c.s.Missing) > 0 && now.Sub(c.oldest) < b.opt.Wait {
			waiting = true
			return nil
		}
		ok, err := b.rateOK(tx, c, now)
		ready, waiting = ok, !ok
		return err
	})
	return ready, waiting, err
}

// answeredSeries finds the answered series a candidate belongs to: one of
// its members was answered (a duplicate), or its messages thread onto an
// answered series of the same version and size (patches that came after
// the wait expired). A new version threading onto an old one is not.
func (b *Bot) answeredSeries(tx *state.Tx, c *candidate) (string, bool, error) {
	for _, id := range c.members {
		if key, ok := tx.Answered(id); ok {
			return key, true, nil
		}
	}
	for _, p := range append([]*mbox.Patch{c.s.Cover}, c.s.Patches...) {
		if p == nil {
			continue
		}
		for _, r := range append([]string{p.Msg.InReplyTo}, p.Msg.References...) {
			key, ok := tx.Answered(r)
			if r == "" || !ok {
				continue
			}
			rec, found, err := tx.GetSeries(key)
			if err != nil {
				return "", false, err
			}
			if found && rec.Version == c.s.Version && rec.Total == c.s.Total {
				return key, true, nil
			}
		}
	}
	return "", false, nil
}

func (b *Bot) optedOut(tx *state.Tx, c *candidate) bool {
	for _, id := range c.members {
		if tx.OptedOut(id) {
			return true
		}
	}
	for _, p := range append([]*mbox.Patch{c.s.Cover}, c.s.Patches...) {
		if p == nil {
			continue
		}
		for _, r := range append([]string{p.Msg.InReplyTo}, p.Msg.References...) {
			if r != "" && tx.OptedOut(r) {
				return true
			}
		}
	}
	return false
}

// forget marks the members as part of an answered series and drops them.
func (b *Bot) forget(tx *state.Tx, c *candidate, key, counter string) error {
	for _, id := range c.members {
		if err := tx.MarkAnswered(id, key); err != nil {
			return err
		}
	}
	return b.forgetPending(tx, c, counter)
}

func (b *Bot) forgetPending(tx *state.Tx, c *candidate, counter string) error {
	for _, id := range c.members {
		if err := tx.DeletePending(id); err != nil {
			return err
		}
	}
	return tx.Add(counter, 1)
}

// record stores the series outcome and drops its pending messages.
func (b *Bot) record(tx *state.Tx, c *candidate, rec state.Series, counter string) error {
	rec.Key = c.s.ID
	rec.Subject = c.target.Subject
	rec.Version = c.s.Version
	rec.Total = c.s.Total
	rec.Members = c.members
	rec.Time = b.opt.Now()
	if err := tx.PutSeries(rec); err != nil {
		return err
	}
	return b.forgetPending(tx, c, counter)
}

// rateKeys names the list and the thread of a series.
func rateKeys(m *mbox.Message) (list, thread string) {
	list = "list:" + m.ListID
	root := m.MessageID
	if len(m.References) > 0 {
		root = m.References[0]
	} else if m.InReplyTo != "" {
		root = m.InReplyTo
	}
	return list, "thread:" + root
}

func (b *Bot) rateOK(tx *state.Tx, c *candidate, now time.Time) (bool, error) {
	list, thread := rateKeys(c.target)
	for _, lim := range []struct {
		key  string
		rate Rate
	}{{list, b.opt.ListRate}, {thread, b.opt.ThreadRate}} {
		if lim.rate.N <= 0 || lim.rate.Per <= 0 {
			continue
		}
		stamps, err := tx.Stamps(lim.key, now.Add(-lim.rate.Per))
		if err != nil {
			return false, err
		}
		if len(stamps) >= lim.rate.N {
			b.log.Info("rate limited", "key", lim.key, "series", c.s.ID)
			return false, tx.Add("rate-limited", 1)
		}
	}
	return true, nil
}

// reviewed is the outcome of Options.Review for one series.
type reviewed struct {
	rep *reports.Report
	n   int
	err error
	// unstarted: the review was cancelled before it started (it holds
	// no slot)
	unstarted bool
}

// ahead runs the reviews of the series that may be ready this pass
// before their turn, at most Options.Workers at a time (running, or done
// and not yet taken).
type ahead struct {
	cancel context.CancelFunc
	wg     sync.WaitGroup
	mu     sync.Mutex
	res    map[int]chan reviewed // by candidate index, until taken
	slots  chan struct{}
}

// reviewAhead starts reviewing, in order, the candidates that can be
// ready: those with patches, complete or past the wait (settle decides;
// a review it turns down is dropped).
func (b *Bot) reviewAhead(ctx context.Context, cands []*candidate) *ahead {
	ctx, cancel := context.WithCancel(ctx)
	a := &ahead{cancel: cancel, res: map[int]chan reviewed{}, slots: make(chan struct{}, b.opt.Workers)}
	now := b.opt.Now()
	var todo []int
	chans := map[int]chan reviewed{} // read-only once the reviews start
	for i, c := range cands {
		if b.opt.MaxReviews > 0 && len(todo) >= b.opt.MaxReviews {
			break
		}
		if len(c.s.Patches) > 0 && (len(c.s.Missing) == 0 || now.Sub(c.oldest) >= b.opt.Wait) {
			todo = append(todo, i)
			chans[i] = make(chan reviewed, 1)
			a.res[i] = chans[i]
		}
	}
	a.wg.Add(1)
	go func() {
		defer a.wg.Done()
		for k, i := range todo {
			select {
			case a.slots <- struct{}{}:
			case <-ctx.Done():
				for _, j := range todo[k:] {
					chans[j] <- reviewed{err: ctx.Err(), unstarted: true}
				}
				return
			}
			a.wg.Add(1)
			go func(i int) {
				defer a.wg.Done()
				rep, n, err := b.opt.Review(ctx, cands[i].s)
				chans[i] <- reviewed{rep: rep, n: n, err: err}
			}(i)
		}
	}()
	return a
}

// take removes candidate i's channel; nil when its review was not
// started ahead (or was taken).
func (a *ahead) take(i int) chan reviewed {
	a.mu.Lock()
	defer a.mu.Unlock()
	ch := a.res[i]
	delete(a.res, i)
	return ch
}

// release waits for a review's outcome and frees its slot.
func (a *ahead) release(ch chan reviewed) reviewed {
	r := <-ch
	if !r.unstarted {
		<-a.slots
	}
	return r
}

// get returns the review of candidate i, reviewing it now when it was
// not started ahead.
func (a *ahead) get(ctx context.Context, i int, c *candidate, review Reviewer) reviewed {
	ch := a.take(i)
	if ch == nil {
		rep, n, err := review(ctx, c.s)
		return reviewed{rep: rep, n: n, err: err}
	}
	return a.release(ch)
}

// drop discards the review of candidate i (settled without review).
func (a *ahead) drop(i int) {
	if ch := a.take(i); ch != nil {
		a.wg.Add(1)
		go func() {
			defer a.wg.Done()
			a.release(ch)
		}()
	}
}

// stop cancels the reviews not taken and waits for every goroutine.
func (a *ahead) stop() {
	a.cancel()
	a.mu.Lock()
	rest := a.res
	a.res = map[int]chan reviewed{}
	a.mu.Unlock()
	for _, ch := range rest {
		a.wg.Add(1)
		go func() {
			defer a.wg.Done()
			a.release(ch)
		}()
	}
	a.wg.Wait()
}

// reply records and sends the replies of a reviewed series.
func (b *Bot) reply(ctx context.Context, c *candidate, r reviewed, st *PassStats) error {
	rep, reviewed, err := r.rep, r.n, r.err
	if err != nil {
		if ctx.Err() != nil {
			return nil
		}
		return fmt.Errorf("review series <%s>: %w", c.s.ID, err)
	}
	st.Reviewed++
	if err := b.applySuppressions(c, rep); err != nil {
		return err
	}
	e, w, _ := rep.Counts()
	if reviewed == 0 {
		b.log.Info("nothing reviewable in series", "series", c.s.ID, "subject", c.target.Subject)
		return b.opt.State.Update(func(tx *state.Tx) error {
			return b.record(tx, c, state.Series{Status: state.SeriesSkipped, Reason: "no patch could be reviewed"}, "series:unreviewable")
		})
	}
	now := b.opt.Now()
	if b.opt.OnlyFindings && !reports.HasWarnings(rep.Patches) {
		checks := b.intendChecks(c, rep, nil, now)
		return b.opt.State.Update(func(tx *state.Tx) error {
			if err := putChecks(tx, checks); err != nil {
				return err
			}
			return b.record(tx, c, state.Series{Status: state.SeriesQuiet, Reason: "no findings"}, "series:quiet")
		})
	}
	recs := b.renderReplies(c, rep, now)
	checks := b.intendChecks(c, rep, recs, now)
	if len(recs) == 0 {
		reason, counter := "no patch to reply to", "series:unanswerable"
		if b.opt.OnlyFindings {
			reason, counter = "no findings", "series:quiet"
		}
		return b.opt.State.Update(func(tx *state.Tx) error {
			if err := putChecks(tx, checks); err != nil {
				return err
			}
			return b.record(tx, c, state.Series{Status: state.SeriesQuiet, Reason: reason}, counter)
		})
	}
	list, thread := rateKeys(c.target)
	var ids []string
	for _, r := range recs {
		ids = append(ids, r.MessageID)
	}
	// The series and all its replies are recorded in one transaction,
	// before anything is sent.
	err = b.opt.State.Update(func(tx *state.Tx) error {
		for _, r := range recs {
			if _, ok, err := tx.GetReply(r.MessageID); err != nil {
				return err
			} else if ok {
				continue // recorded before: resolve delivers it
			}
			if err := tx.PutReply(r); err != nil {
				return err
			}
		}
		for _, k := range []struct {
			key string
			per time.Duration
		}{{list, b.opt.ListRate.Per}, {thread, b.opt.ThreadRate.Per}} {
			if k.per > 0 {
				if err := tx.AddStamp(k.key, now, now.Add(-k.per)); err != nil {
					return err
				}
			}
		}
		if err := putChecks(tx, checks); err != nil {
			return err
		}
		return b.record(tx, c, state.Series{Status: state.SeriesReplied, ReplyIDs: ids, Errors: e, Warnings: w}, "series:replied")
	})
	if err != nil {
		return fmt.Errorf("record replies to series <%s>: %w", c.s.ID, err)
	}
	b.log.Info("replies intended", "series", c.s.ID, "replies", len(recs), "subject", c.target.Subject, "errors", e, "warnings", w)
	for i := range recs {
		if err := b.deliver(ctx, &recs[i]); err != nil {
			return err
		}
		st.Replied++
	}
	return nil
}

// renderReplies builds the replies to a reviewed series in the email
// format of package reports, with deterministic Message-IDs: by default one
// reply for the whole series, threaded on the mail the series is answered
// on (its cover letter, else its first patch), a section per patch; with
// PerPatch one reply per reviewed patch, threaded on that patch (with
// OnlyFindings, only patches with a warning or error).
func (b *Bot) renderReplies(c *candidate, rep *reports.Report, now time.Time) []state.Reply {
	from := &netmail.Address{Name: b.opt.From.Name, Address: b.opt.From.Email}
	opt := reports.EmailOptions{From: from, Date: now, Headers: map[string]string{
		"X-Patchwork-Hint":      "ignore",
		HeaderPrefix + "Series": "<" + c.s.ID + ">",
	}, Repository: b.opt.Repository, Remarks: c.remarks, ReportedBy: b.reportedBy(), ArchiveURL: b.opt.ArchiveURL}
	var out []state.Reply
	add := func(m *reports.EmailMessage) {
		out = append(out, state.Reply{
			MessageID: m.MessageID, SeriesKey: c.s.ID, InReplyTo: m.InReplyTo, State: state.ReplyIntended,
			From: b.opt.From.Email, Rcpts: m.Recipients, Data: m.Raw, Intended: now,
		})
	}
	if !b.opt.PerPatch {
		opt.OnlyFindings = b.opt.OnlyFindings
		anchor := review.MessageContext(c.target)
		m, err := reports.SeriesEmailReply(rep, rep.Patches, anchor, opt)
		if err != nil {
			b.log.Warn("cannot reply to series", "series", c.s.ID, "err", err)
			return nil
		}
		add(m)
		return out
	}
	for _, p := range rep.Patches {
		if p.Mail == nil || p.Mail.MessageID == "" {
			continue // an input that failed before it became a patch
		}
		if b.opt.OnlyFindings && !reports.HasWarnings([]*reports.Patch{p}) {
			continue
		}
		m, err := reports.EmailReply(rep, p, opt)
		if err != nil {
			b.log.Warn("cannot reply to patch", "message_id", p.Mail.MessageID, "err", err)
			continue
		}
		add(m)
	}
	return out
}

// reportedBy is the bot as a Reported-by: tag names it: "Name <address>".
func (b *Bot) reportedBy() string {
	name := strings.TrimSpace(b.opt.From.Name)
	if name == "" || strings.ContainsAny(name, "<>\",;:@") {
		return b.opt.From.Email
	}
	return name + " <" + b.opt.From.Email + ">"
}
