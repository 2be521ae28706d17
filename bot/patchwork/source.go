package patchwork

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/rcureview/rcureview/bot/inbox"
)

// EventSource is a bot source that finds new series through patchwork's
// events instead of a list archive, as NIPA does: every series-completed
// event (oldest first, Link pagination followed) gives its series' cover
// letter and patches, downloaded as mbox. Items are keyed by series and
// Message-ID; the cursor is the date of the last event read (patchwork's
// since is inclusive: events at that date are read again and the caller's
// seen skips what it handled).
type EventSource struct {
	Client  *Client
	Project string        // only this project's events ("" all)
	Timeout time.Duration // per Read (default 5 minutes)
}

// cursorKey is the cursor entry holding the date of the last event read.
const cursorKey = "patchwork-events-since"

// String names the source for logs and status.
func (s *EventSource) String() string {
	if s.Project != "" {
		return "patchwork events " + s.Client.String() + " project " + s.Project
	}
	return "patchwork events " + s.Client.String()
}

// Read returns up to max mails of the series completed since cur.
func (s *EventSource) Read(cur inbox.Cursor, seen func(key string) bool, max int) (*inbox.Batch, error) {
	timeout := s.Timeout
	if timeout <= 0 {
		timeout = 5 * time.Minute
	}
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	since := cur[cursorKey]
	events, err := s.Client.Events(ctx, "series-completed", since, s.Project)
	if err != nil {
		return nil, err
	}
	out := &inbox.Batch{Cursor: cur.Clone()}
	for _, ev := range events {
		if ev.Payload.Series == nil {
			continue
		}
		items, problems, err := s.series(ctx, ev.Payload.Series.ID, seen)
		if err != nil {
			return nil, fmt.Errorf("series %d of event %d: %w", ev.Payload.Series.ID, ev.ID, err)
		}
		if len(out.Items) > 0 && len(out.Items)+len(items) > max {
			out.More = true // the next Read starts at this event again
			return out, nil
		}
		out.Items = append(out.Items, items...)
		out.Problems = append(out.Problems, problems...)
		if ev.Date != "" {
			out.Cursor[cursorKey] = ev.Date
		}
	}
	return out, nil
}

// series downloads the mails of one series not seen yet.
func (s *EventSource) series(ctx context.Context, id int, seen func(string) bool) ([]inbox.Item, []string, error) {
	sr, err := s.Client.Series(ctx, id)
	if err != nil {
		return nil, nil, err
	}
	type mail struct{ msgid, mbox string }
	var mails []mail
	if sr.Cover != nil {
		mails = append(mails, mail{sr.Cover.MsgID, sr.Cover.Mbox})
	}
	for _, p := range sr.Patches {
		mails = append(mails, mail{p.MsgID, p.Mbox})
	}
	var items []inbox.Item
	var problems []string
	for _, m := range mails {
		key := "patchwork:" + strconv.Itoa(id) + ":" + strings.Trim(m.msgid, "<>")
		if seen != nil && seen(key) {
			continue
		}
		if m.mbox == "" {
			problems = append(problems, key+": no mbox link")
			continue
		}
		data, err := s.Client.Mbox(ctx, m.mbox)
		if err != nil {
			if IsClientError(err) {
				problems = append(problems, key+": "+err.Error())
				continue
			}
			return nil, nil, err
		}
		items = append(items, inbox.Item{Key: key, Data: data})
	}
	return items, problems, nil
}
