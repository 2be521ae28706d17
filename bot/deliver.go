package bot

import (
	"context"
	"fmt"
	"sort"
	"time"

	"github.com/rcureview/rcureview/bot/state"
	"github.com/rcureview/rcureview/mbox"
)

// deliver sends an intended reply and records it as sent. A failure is
// recorded on the reply, which stays intended and is retried by resolve.
func (b *Bot) deliver(ctx context.Context, r *state.Reply) error {
	pause := func() {
		if b.opt.SendPause > 0 {
			t := time.NewTimer(b.opt.SendPause)
			defer t.Stop()
			select {
			case <-ctx.Done():
			case <-t.C:
			}
		}
	}
	// A reply the archive or the sender already has (same Message-ID:
	// the state was restored from a backup or rebuilt, and the series
	// reviewed again) is recorded as sent, not sent again.
	echoed := false
	if err := b.opt.State.View(func(tx *state.Tx) error {
		echoed = tx.Meta("echo:"+r.MessageID) != ""
		return nil
	}); err != nil {
		return err
	}
	if !echoed {
		// An outbox that cannot be read fails the send below, recorded
		// on the reply.
		done, err := b.opt.Sender.Delivered(r)
		echoed = err == nil && done
	}
	var err error
	if echoed {
		b.log.Info("reply already delivered, not sent again", "reply", r.MessageID)
	} else {
		pause()
		err = b.opt.Sender.Send(ctx, r)
		pause()
	}
	now := b.opt.Now()
	uerr := b.opt.State.Update(func(tx *state.Tx) error {
		cur, ok, err2 := tx.GetReply(r.MessageID)
		if err2 != nil {
			return err2
		}
		if !ok {
			cur = *r
		}
		cur.Attempts++
		if err != nil {
			cur.LastError = err.Error()
			return tx.PutReply(cur)
		}
		cur.State, cur.Sent, cur.LastError = state.ReplySent, now, ""
		if err := tx.PutReply(cur); err != nil {
			return err
		}
		if echoed {
			return tx.Add("replies:already-delivered", 1)
		}
		return tx.Add("replies:sent", 1)
	})
	if err != nil {
		return fmt.Errorf("send reply %s: %w", r.MessageID, err)
	}
	if uerr != nil {
		return fmt.Errorf("record reply %s as sent: %w", r.MessageID, uerr)
	}
	if !echoed {
		b.log.Info("reply sent", "reply", r.MessageID, "in_reply_to", r.InReplyTo, "rcpts", len(r.Rcpts))
	}
	return nil
}

// resolve finishes the replies an earlier run recorded as intended but
// not as sent: a reply found in the archive (the list echoed it) or found
// by the sender (the outbox has its file) is marked sent; any other is
// sent now, with its recorded bytes and Message-ID.
func (b *Bot) resolve(ctx context.Context, st *PassStats) error {
	var pending []state.Reply
	echoed := map[string]bool{}
	if err := b.opt.State.View(func(tx *state.Tx) (err error) {
		pending, err = tx.Replies(state.ReplyIntended)
		for _, r := range pending {
			echoed[r.MessageID] = tx.Meta("echo:"+r.MessageID) != ""
		}
		return err
	}); err != nil {
		return err
	}
	for i := range pending {
		if ctx.Err() != nil {
			return nil
		}
		r := &pending[i]
		done := echoed[r.MessageID]
		if !done {
			var err error
			if done, err = b.opt.Sender.Delivered(r); err != nil {
				return fmt.Errorf("resolve reply %s: %w", r.MessageID, err)
			}
		}
		if done {
			now := b.opt.Now()
			if err := b.opt.State.Update(func(tx *state.Tx) error {
				r.State, r.Sent = state.ReplySent, now
				if err := tx.PutReply(*r); err != nil {
					return err
				}
				return tx.Add("replies:resolved-delivered", 1)
			}); err != nil {
				return err
			}
			b.log.Info("intended reply was delivered before a restart", "reply", r.MessageID)
			st.Resolved++
			continue
		}
		b.log.Info("sending intended reply left by a restart", "reply", r.MessageID, "attempts", r.Attempts)
		if err := b.opt.State.Update(func(tx *state.Tx) error { return tx.Add("replies:sent-after-restart", 1) }); err != nil {
			return err
		}
		if err := b.deliver(ctx, r); err != nil {
			return err
		}
		st.Resolved++
	}
	return nil
}

// sortByDate orders patches by Date, then Message-ID, so that grouping
// does not depend on the order messages were stored in.
func sortByDate(ps []*mbox.Patch) {
	sort.SliceStable(ps, func(i, j int) bool {
		a, b := ps[i], ps[j]
		if !a.Date.Equal(b.Date) {
			return a.Date.Before(b.Date)
		}
		return a.Msg.MessageID < b.Msg.MessageID
	})
}
