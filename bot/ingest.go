package bot

import (
	"bytes"
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/rcureview/rcureview/bot/inbox"
	"github.com/rcureview/rcureview/bot/state"
	"github.com/rcureview/rcureview/mbox"
)

// maxIngestRounds bounds the batches read in one pass (with the default
// batch of 200: two million items).
const maxIngestRounds = 10_000

// ingest reads what is new in the archive, batch by batch. Each batch is
// handled in one transaction together with the cursor that follows it, so
// a crash repeats a batch wholly or not at all.
func (b *Bot) ingest(ctx context.Context, st *PassStats) error {
	for round := 0; round < maxIngestRounds; round++ {
		if ctx.Err() != nil {
			return nil
		}
		cur, err := b.cursor()
		if err != nil {
			return err
		}
		seen := func(key string) bool {
			var ok bool
			b.opt.State.View(func(tx *state.Tx) error {
				ok = tx.Seen(key)
				return nil
			})
			return ok
		}
		batch, err := b.opt.Source.Read(inbox.Cursor(cur), seen, b.opt.Batch)
		if err != nil {
			return fmt.Errorf("read %s: %w", b.opt.Source, err)
		}
		for _, p := range batch.Problems {
			b.log.Warn("archive item skipped", "problem", p)
		}
		now := b.opt.Now()
		err = b.opt.State.Update(func(tx *state.Tx) error {
			for _, rs := range batch.Rescans {
				if err := b.dropPurged(tx, rs); err != nil {
					return err
				}
			}
			for _, it := range batch.Items {
				if tx.Seen(it.Key) {
					continue
				}
				if err := tx.MarkSeen(it.Key); err != nil {
					return err
				}
				if err := b.take(tx, it, now); err != nil {
					return err
				}
			}
			if err := tx.Add("items", int64(len(batch.Items))); err != nil {
				return err
			}
			if err := tx.SetMeta("started", "1"); err != nil {
				return err
			}
			if n := len(batch.Problems); n > 0 {
				if err := tx.Add("unreadable", int64(n)); err != nil {
					return err
				}
			}
			return tx.SetCursor(batch.Cursor)
		})
		if err != nil {
			return fmt.Errorf("record batch: %w", err)
		}
		st.Items += len(batch.Items)
		if !batch.More {
			return nil
		}
	}
	return nil
}

// cursor reads the archive cursor from the state.
func (b *Bot) cursor() (cur map[string]string, err error) {
	err = b.opt.State.View(func(tx *state.Tx) error {
		cur, err = tx.Cursor()
		return err
	})
	return cur, err
}

// dropPurged forgets pending messages that a rewrite of the archive's
// history removed.
func (b *Bot) dropPurged(tx *state.Tx, rs inbox.Rescan) error {
	pend, err := tx.PendingAll()
	if err != nil {
		return err
	}
	for _, p := range pend {
		if strings.HasPrefix(p.Key, rs.Prefix) && !rs.Present[p.Key] {
			b.log.Info("pending message purged from the archive", "message_id", p.MessageID)
			if err := tx.DeletePending(p.MessageID); err != nil {
				return err
			}
			if err := tx.Add("purged", 1); err != nil {
				return err
			}
		}
	}
	return nil
}

// parseRaw parses one raw mail as the mbox package does for files.
func parseRaw(data []byte) (*mbox.Message, error) {
	raw, err := mbox.NewSplitter(bytes.NewReader(data)).Next()
	if err != nil {
		return nil, fmt.Errorf("split: %w", err)
	}
	msg, err := mbox.ParseMessage(raw)
	if err != nil {
		return nil, err
	}
	return msg, nil
}

// take classifies one new item and keeps it if it may be part of a series
// to review.
func (b *Bot) take(tx *state.Tx, it inbox.Item, now time.Time) error {
	msg, err := parseRaw(it.Data)
	if err == nil && msg.MessageID == "" {
		err = fmt.Errorf("no Message-ID")
	}
	if err != nil {
		b.log.Info("broken mail skipped", "key", it.Key, "err", err)
		return tx.Add("mail:broken", 1)
	}
	if it.Deleted {
		if err := tx.DeletePending(msg.MessageID); err != nil {
			return err
		}
		return tx.Add("mail:deleted", 1)
	}
	if v := b.filter.sender(msg); v != "" {
		if v == VerdictOwn {
			if err := tx.SetMeta("echo:"+msg.MessageID, "1"); err != nil {
				return err
			}
		}
		return tx.Add("mail:"+string(v), 1)
	}
	if err := b.takeSuppressions(tx, msg, now); err != nil {
		return err
	}
	p := mbox.ExtractPatch(msg)
	if optsOut(p) {
		for _, id := range append([]string{msg.MessageID, msg.InReplyTo}, msg.References...) {
			if id == "" {
				continue
			}
			if err := tx.OptOut(id); err != nil {
				return err
			}
		}
		return tx.Add("mail:"+string(VerdictOptOut), 1)
	}
	if why := p.LostToDecoding(); why != "" {
		b.log.Warn("mail not reviewed", "key", it.Key, "message_id", msg.MessageID, "err", why)
		return tx.Add("mail:undecodable", 1)
	}
	if p.Kind != mbox.KindPatch && p.Kind != mbox.KindCover {
		return tx.Add("mail:"+string(VerdictReply), 1)
	}
	if _, done := tx.Answered(msg.MessageID); done || tx.HasPending(msg.MessageID) {
		return tx.Add("mail:duplicate", 1)
	}
	if err := tx.PutPending(state.Pending{MessageID: msg.MessageID, Key: it.Key, FirstSeen: now, Raw: it.Data}); err != nil {
		return err
	}
	b.parsed[msg.MessageID] = p
	return tx.Add("mail:"+p.Kind.String(), 1)
}

// SkipBacklog marks everything the archive holds now as seen, without
// reviewing it, when the bot has never read the archive (its cursor is
// empty). Only mail that arrives afterwards is answered.
func (b *Bot) SkipBacklog(ctx context.Context) error {
	cur, err := b.cursor()
	if err != nil {
		return err
	}
	started := false
	b.opt.State.View(func(tx *state.Tx) error {
		started = tx.Meta("started") != ""
		return nil
	})
	if started {
		return nil
	}
	for round := 0; round < maxIngestRounds && ctx.Err() == nil; round++ {
		batch, err := b.opt.Source.Read(inbox.Cursor(cur), nil, b.opt.Batch)
		if err != nil {
			return fmt.Errorf("read %s: %w", b.opt.Source, err)
		}
		err = b.opt.State.Update(func(tx *state.Tx) error {
			for _, it := range batch.Items {
				if err := tx.MarkSeen(it.Key); err != nil {
					return err
				}
			}
			if err := tx.Add("items:backlog-skipped", int64(len(batch.Items))); err != nil {
				return err
			}
			if !batch.More {
				if err := tx.SetMeta("started", "1"); err != nil {
					return err
				}
			}
			return tx.SetCursor(batch.Cursor)
		})
		if err != nil {
			return fmt.Errorf("skip backlog: %w", err)
		}
		cur = batch.Cursor
		if !batch.More {
			return nil
		}
	}
	return nil
}
