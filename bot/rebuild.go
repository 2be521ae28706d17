package bot

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/rcureview/rcureview/bot/inbox"
	"github.com/rcureview/rcureview/bot/state"
	"github.com/rcureview/rcureview/mbox"
)

// RebuildStats says what Rebuild found in the archive.
type RebuildStats struct {
	Items   int // archive items read
	Replies int // the bot's own replies found
	Replied int // series recorded as answered by one of them
	Settled int // series without a reply, older than the newest reply: recorded as done
	Waiting int // series newer than the newest reply, left for the bot to review
}

// Rebuild fills a bot's state, which must be new (never used), from
// the archive alone, for a state that was lost or cannot be repaired. It
// works because the archive holds the bot's own replies (the list echoes
// them) and every reply says what it answers: its In-Reply-To is the
// mail it is threaded on and its X-Rcureview-Series header names the
// series, both derived from the series' own messages. So:
//
//   - every item of the archive is marked seen, and the cursor set to
//     its end, as a run of the bot would leave them;
//   - every reply of this bot (its From address, or a Message-ID of its
//     form in its domain) is recorded as sent, with its bytes;
//   - every series it finds a reply to is recorded as answered by it;
//   - a series without a reply that the archive holds before the bot's
//     newest reply was settled by the bot (no findings with
//     --only-findings, nothing reviewable, an opted-out thread) or came
//     before the bot started: it is recorded as done, not reviewed again;
//   - a series after the newest reply stays pending: the bot reviews it
//     at its next pass (a reply sent but not yet echoed by the list would
//     be sent again then, with the same Message-ID).
//
// Rebuild needs opt's Source, State (new) and From; it neither reviews
// nor sends.
func Rebuild(ctx context.Context, opt Options) (RebuildStats, error) {
	if opt.Source == nil || opt.State == nil {
		return RebuildStats{}, errors.New("rebuild: Source and State are required")
	}
	b, err := newBot(opt)
	if err != nil {
		return RebuildStats{}, err
	}
	return b.rebuild(ctx)
}

func (b *Bot) rebuild(ctx context.Context) (RebuildStats, error) {
	var st RebuildStats
	fresh := false
	if err := b.opt.State.View(func(tx *state.Tx) error {
		cur, err := tx.Cursor()
		fresh = err == nil && len(cur) == 0 && tx.Meta("started") == ""
		return err
	}); err != nil {
		return st, err
	}
	if !fresh {
		return st, errors.New("rebuild: the state is not new")
	}
	// Archive order of the patches kept pending and of the bot's
	// replies, to tell the series the bot had passed from the ones after.
	order := map[string]int{}
	lastReply := -1
	byTarget := map[string][]string{} // In-Reply-To and series key -> reply ids
	var cur inbox.Cursor
	n := 0
	for round := 0; round < maxIngestRounds; round++ {
		if err := ctx.Err(); err != nil {
			return st, err
		}
		batch, err := b.opt.Source.Read(cur, nil, b.opt.Batch)
		if err != nil {
			return st, fmt.Errorf("read %s: %w", b.opt.Source, err)
		}
		now := b.opt.Now()
		err = b.opt.State.Update(func(tx *state.Tx) error {
			for _, it := range batch.Items {
				n++
				if tx.Seen(it.Key) {
					continue
				}
				if err := tx.MarkSeen(it.Key); err != nil {
					return err
				}
				msg, err := parseRaw(it.Data)
				if err == nil && !it.Deleted && b.ownReply(msg) {
					r := state.Reply{
						MessageID: msg.MessageID, SeriesKey: strings.Trim(firstHeader(msg, HeaderPrefix+"Series"), " <>"),
						InReplyTo: msg.InReplyTo, State: state.ReplySent, From: b.opt.From.Email,
						Data: it.Data, Intended: msg.Date, Sent: msg.Date,
					}
					if err := tx.PutReply(r); err != nil {
						return err
					}
					if err := tx.SetMeta("echo:"+msg.MessageID, "1"); err != nil {
						return err
					}
					for _, k := range []string{r.InReplyTo, r.SeriesKey} {
						if k != "" {
							byTarget[k] = append(byTarget[k], r.MessageID)
						}
					}
					lastReply = n
					st.Replies++
					continue
				}
				if err := b.take(tx, it, now); err != nil {
					return err
				}
				if err == nil && tx.HasPending(msg.MessageID) {
					order[msg.MessageID] = n
				}
			}
			if err := tx.Add("items", int64(len(batch.Items))); err != nil {
				return err
			}
			if err := tx.SetMeta("started", "1"); err != nil {
				return err
			}
			return tx.SetCursor(batch.Cursor)
		})
		if err != nil {
			return st, fmt.Errorf("rebuild: %w", err)
		}
		st.Items += len(batch.Items)
		cur = batch.Cursor
		if !batch.More {
			break
		}
	}
	cands, err := b.candidates()
	if err != nil {
		return st, err
	}
	for _, c := range cands {
		var ids []string
		seen := map[string]bool{}
		newest := -1
		for _, k := range append([]string{c.s.ID}, c.members...) {
			for _, id := range byTarget[k] {
				if !seen[id] {
					seen[id] = true
					ids = append(ids, id)
				}
			}
		}
		for _, m := range c.members {
			newest = max(newest, order[m])
		}
		err := b.opt.State.Update(func(tx *state.Tx) error {
			switch {
			case len(ids) > 0:
				st.Replied++
				return b.record(tx, c, state.Series{Status: state.SeriesReplied, ReplyIDs: ids, Reason: "rebuilt from the archive"}, "series:rebuilt-replied")
			case newest < lastReply:
				st.Settled++
				return b.record(tx, c, state.Series{Status: state.SeriesSkipped, Reason: "rebuilt from the archive: no reply there, before the newest reply"}, "series:rebuilt-settled")
			}
			st.Waiting++
			return nil
		})
		if err != nil {
			return st, fmt.Errorf("rebuild: %w", err)
		}
	}
	return st, nil
}

// ownReply reports whether msg was sent by this bot: its From address,
// or a Message-ID of the form its replies have, in its domain. (Other
// rcureview instances' mail is recognised by the filter as "own" too, so
// that it is never answered, but it did not answer anything for us.)
func (b *Bot) ownReply(msg *mbox.Message) bool {
	if msg.MessageID == "" {
		return false
	}
	if strings.EqualFold(msg.From.Email, b.filter.self) {
		return true
	}
	return strings.HasPrefix(msg.MessageID, replyIDPrefix) && strings.HasSuffix(msg.MessageID, "@"+b.filter.domain)
}
