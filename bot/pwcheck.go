package bot

import (
	"context"
	"errors"
	"net/url"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/rcureview/rcureview/bot/patchwork"
	"github.com/rcureview/rcureview/bot/state"
	"github.com/rcureview/rcureview/finding"
	"github.com/rcureview/rcureview/reports"
)

// DefaultCheckContext is the context of the bot's patchwork checks.
const DefaultCheckContext = "rcureview"

// maxDescription is patchwork's limit on a check's description.
const maxDescription = 255

// PatchworkOptions makes the bot post a patchwork check on every patch it
// reviews, as netdev's NIPA and snowpatch do: found by its Message-ID,
// posted once, through the same intend, send, confirm records as replies.
type PatchworkOptions struct {
	Client *patchwork.Client // with the token of a maintainer of the project
	// Context names the checks (default DefaultCheckContext); one check
	// per context and patch.
	Context string
	// Project limits the Message-ID lookup to one project (link name or
	// id); "" takes every patch the Message-ID names.
	Project string
	// URLTemplate is the checks' target_url: {reply}, {patch} and
	// {series} are replaced by the Message-IDs (without brackets, path
	// escaped) of the bot's reply, the patch and the series. A template
	// naming {reply} gives no target_url when no reply was sent (quiet
	// series). "": no target_url.
	URLTemplate string
	// GiveUp is how long a patch patchwork does not list is looked up
	// again at each pass before its check is given up (default 24h).
	GiveUp time.Duration
	// Retries and Backoff bound the attempts of a POST answered with a
	// 5xx or 429, or lost on the network: each is preceded by a look for
	// the check on the patch (so that one that was created before the
	// error is not posted again), and the pause doubles (default 4, 1s).
	Retries int
	Backoff time.Duration
}

// checkFor builds the check of one reviewed patch: its patchwork state
// from the findings, a one-line description, the target URL of the reply
// that carries it.
func (o *PatchworkOptions) checkFor(seriesKey string, p *reports.Patch, reply string, now time.Time) state.PWCheck {
	ckState, desc := checkVerdict(p)
	ck := state.PWCheck{
		PatchMsgID: strings.Trim(p.Mail.MessageID, "<>"), SeriesKey: seriesKey, Context: o.Context,
		State: state.CheckIntended, CheckState: ckState, Description: desc, Intended: now,
	}
	if o.URLTemplate != "" && (reply != "" || !strings.Contains(o.URLTemplate, "{reply}")) {
		ck.TargetURL = ExpandCheckURL(o.URLTemplate, reply, ck.PatchMsgID, seriesKey)
	}
	return ck
}

// ExpandCheckURL fills a target_url template.
func ExpandCheckURL(tmpl, reply, patch, series string) string {
	esc := func(id string) string { return url.PathEscape(strings.Trim(id, "<>")) }
	return strings.NewReplacer("{reply}", esc(reply), "{patch}", esc(patch), "{series}", esc(series)).Replace(tmpl)
}

// checkVerdict is a patch's check state (fail with an error, warning
// with a warning, else success; findings a baseline had do not count)
// and its description: one line of at most 255 characters naming the
// counts and the rules.
func checkVerdict(p *reports.Patch) (string, string) {
	e, w, _ := finding.Count(p.Findings)
	st := patchwork.StateSuccess
	switch {
	case e > 0:
		st = patchwork.StateFail
	case w > 0:
		st = patchwork.StateWarning
	}
	parts := reports.SeverityPhrases(p.Findings)
	desc := "no findings"
	if len(parts) > 0 {
		desc = strings.Join(parts, ", ")
		var rules []string
		for _, f := range p.Findings {
			if f.Status != finding.StatusUnchanged && !slices.Contains(rules, f.Rule) {
				rules = append(rules, f.Rule)
			}
		}
		desc += ": " + strings.Join(rules, ", ")
	}
	switch {
	case p.AlreadyApplied:
		desc += " (already in the tree)"
	case !p.Applied && p.Error != "":
		desc += " (did not apply)"
	}
	return st, oneLine(desc, maxDescription)
}

// oneLine folds white space into single spaces and cuts s to max
// characters, ending in "…" when cut.
func oneLine(s string, max int) string {
	s = strings.Join(strings.Fields(s), " ")
	if utf8.RuneCountInString(s) <= max {
		return s
	}
	r := []rune(s)
	return string(r[:max-1]) + "…"
}

// intendChecks builds the checks of a reviewed series, one per reviewed
// patch, tied to the reply that carries its review (the series reply, or
// with PerPatch the patch's own).
func (b *Bot) intendChecks(c *candidate, rep *reports.Report, replies []state.Reply, now time.Time) []state.PWCheck {
	pw := b.opt.Patchwork
	if pw == nil {
		return nil
	}
	var out []state.PWCheck
	for _, p := range rep.Patches {
		if p.Mail == nil || p.Mail.MessageID == "" || p.Lines == 0 && p.Error != "" {
			continue // not a patch that was reviewed
		}
		reply := ""
		for _, r := range replies {
			if !b.opt.PerPatch || strings.Trim(r.InReplyTo, "<>") == strings.Trim(p.Mail.MessageID, "<>") {
				reply = r.MessageID
				break
			}
		}
		out = append(out, pw.checkFor(c.s.ID, p, reply, now))
	}
	return out
}

// putChecks records checks as intended, in the transaction that records
// their series; a check recorded before (in any state) is left alone, so
// a patch gets one check per context however often it is reviewed.
func putChecks(tx *state.Tx, cks []state.PWCheck) error {
	for _, ck := range cks {
		if _, ok, err := tx.GetPWCheck(ck.Context, ck.PatchMsgID); err != nil {
			return err
		} else if ok {
			continue
		}
		if err := tx.PutPWCheck(ck); err != nil {
			return err
		}
		if err := tx.Add("checks:intended", 1); err != nil {
			return err
		}
	}
	return nil
}

// postChecks posts every intended check: those of this pass and those an
// earlier run left (a crash, a 5xx that outlasted the retries, a patch
// patchwork did not list yet). A check patchwork refuses (4xx) is logged
// and recorded as failed; the others go on.
func (b *Bot) postChecks(ctx context.Context, st *PassStats) error {
	if b.opt.Patchwork == nil {
		return nil
	}
	var cks []state.PWCheck
	if err := b.opt.State.View(func(tx *state.Tx) (err error) {
		cks, err = tx.PWChecks(state.CheckIntended)
		return err
	}); err != nil {
		return err
	}
	for _, ck := range cks {
		if ctx.Err() != nil {
			return nil
		}
		posted, err := b.postCheck(ctx, ck)
		if err != nil {
			return err
		}
		if posted {
			st.Checks++
		}
	}
	return nil
}

// postCheck looks the patch up (once), posts the check on each patchwork
// patch that does not have one of its context yet, and records the
// outcome. It returns whether the check is now posted; an error only
// when the state cannot be written.
func (b *Bot) postCheck(ctx context.Context, ck state.PWCheck) (bool, error) {
	pw := b.opt.Patchwork
	ck.Attempts++
	if len(ck.PatchIDs) == 0 {
		ps, err := pw.Client.PatchesByMsgID(ctx, ck.PatchMsgID, pw.Project)
		if err != nil {
			return false, b.checkError(ctx, ck, err)
		}
		if len(ps) == 0 {
			ck.LastError = "patchwork does not list the patch (yet)"
			if b.opt.Now().Sub(ck.Intended) >= pw.GiveUp {
				ck.State = state.CheckFailed
				b.log.Warn("patchwork check given up: patchwork does not list the patch", "patch", ck.PatchMsgID, "since", ck.Intended)
				return false, b.saveCheck(ck, "checks:not-in-patchwork")
			}
			return false, b.saveCheck(ck, "")
		}
		for _, p := range ps {
			ck.PatchIDs = append(ck.PatchIDs, p.ID)
		}
		if err := b.saveCheck(ck, ""); err != nil {
			return false, err
		}
	}
	for _, id := range ck.PatchIDs {
		if slices.Contains(ck.Done, id) {
			continue
		}
		if err := b.postOne(ctx, id, ck); err != nil {
			return false, b.checkError(ctx, ck, err)
		}
		ck.Done = append(ck.Done, id)
		if err := b.saveCheck(ck, ""); err != nil {
			return false, err
		}
	}
	ck.State, ck.Posted, ck.LastError = state.CheckPosted, b.opt.Now(), ""
	b.log.Info("patchwork check posted", "patch", ck.PatchMsgID, "patch_ids", ck.PatchIDs, "state", ck.CheckState, "context", ck.Context)
	return true, b.saveCheck(ck, "checks:posted")
}

// postOne creates the check on one patchwork patch unless the patch has
// a check of its context already (posted by an earlier run that did not
// live to record it). A POST that fails temporarily is tried again after
// a pause, each time after looking for the check again: a POST that
// reached patchwork before its answer was lost is not repeated.
func (b *Bot) postOne(ctx context.Context, id int, ck state.PWCheck) error {
	pw := b.opt.Patchwork
	once := *pw.Client
	once.Retries = 0 // the lookup below guards each retry
	pause := pw.Backoff
	for attempt := 0; ; attempt++ {
		have, err := pw.Client.Checks(ctx, id, ck.Context)
		if err != nil {
			return err
		}
		if slices.ContainsFunc(have, func(c patchwork.Check) bool { return c.Context == ck.Context }) {
			b.log.Info("patchwork check already on the patch, not posted again", "patch", ck.PatchMsgID, "patch_id", id)
			return b.opt.State.Update(func(tx *state.Tx) error { return tx.Add("checks:already-posted", 1) })
		}
		b.sendPause(ctx)
		_, err = once.PostCheck(ctx, id, patchwork.Check{State: ck.CheckState, TargetURL: ck.TargetURL, Context: ck.Context, Description: ck.Description})
		b.sendPause(ctx)
		if err == nil || !temporary(ctx, err) || attempt >= pw.Retries {
			return err
		}
		b.log.Info("patchwork check: temporary failure, trying again", "patch", ck.PatchMsgID, "patch_id", id, "err", err, "pause", pause)
		t := time.NewTimer(pause)
		select {
		case <-ctx.Done():
			t.Stop()
			return ctx.Err()
		case <-t.C:
		}
		pause *= 2
	}
}

// temporary reports whether a failed request may succeed later: a 5xx or
// 429, or a network error (not a cancelled run).
func temporary(ctx context.Context, err error) bool {
	if ctx.Err() != nil {
		return false
	}
	var he *patchwork.HTTPError
	if errors.As(err, &he) {
		return he.Temporary()
	}
	return true
}

// checkError records a failed attempt: a 4xx fails the check for good
// (logged with the patch), anything else leaves it intended for the next
// pass.
func (b *Bot) checkError(ctx context.Context, ck state.PWCheck, err error) error {
	if ctx.Err() != nil {
		return nil // stopping: the check stays as it was
	}
	ck.LastError = err.Error()
	if patchwork.IsClientError(err) {
		ck.State = state.CheckFailed
		b.log.Warn("patchwork refused the check", "patch", ck.PatchMsgID, "patch_ids", ck.PatchIDs, "err", err)
		return b.saveCheck(ck, "checks:refused")
	}
	b.log.Warn("patchwork check failed, retried at the next pass", "patch", ck.PatchMsgID, "attempts", ck.Attempts, "err", err)
	return b.saveCheck(ck, "checks:retry")
}

// saveCheck writes ck and counts counter ("" for none).
func (b *Bot) saveCheck(ck state.PWCheck, counter string) error {
	return b.opt.State.Update(func(tx *state.Tx) error {
		if err := tx.PutPWCheck(ck); err != nil {
			return err
		}
		if counter != "" {
			return tx.Add(counter, 1)
		}
		return nil
	})
}

// sendPause is Options.SendPause, inside the window between intent and
// confirmation (crash tests widen it).
func (b *Bot) sendPause(ctx context.Context) {
	if b.opt.SendPause <= 0 {
		return
	}
	t := time.NewTimer(b.opt.SendPause)
	defer t.Stop()
	select {
	case <-ctx.Done():
	case <-t.C:
	}
}
