package state

import (
	"fmt"
	"time"
)

// Pending is a patch or cover letter kept until its series is answered.
type Pending struct {
	MessageID string    `json:"message_id"`
	Key       string    `json:"key"` // the source item key
	FirstSeen time.Time `json:"first_seen"`
	Raw       []byte    `json:"raw"`
}

// PutPending stores p (replacing any pending message with its id).
func (t *Tx) PutPending(p Pending) error { return t.putJSON(bPending, p.MessageID, p) }

// HasPending reports whether a message is pending.
func (t *Tx) HasPending(msgid string) bool { return t.b(bPending).Get([]byte(msgid)) != nil }

// DeletePending forgets a pending message.
func (t *Tx) DeletePending(msgid string) error {
	if err := t.b(bPending).Delete([]byte(msgid)); err != nil {
		return fmt.Errorf("state: delete pending %s: %w", msgid, err)
	}
	return nil
}

// PendingAll returns every pending message, in Message-ID order.
func (t *Tx) PendingAll() ([]Pending, error) {
	var out []Pending
	for _, k := range t.sortedKeys(bPending) {
		var p Pending
		if _, err := t.getJSON(bPending, k, &p); err != nil {
			return nil, err
		}
		out = append(out, p)
	}
	return out, nil
}

// OptOut marks a message id as the root or member of a thread that asked
// not to be reviewed.
func (t *Tx) OptOut(msgid string) error { return t.b(bOptOut).Put([]byte(msgid), []byte{1}) }

// OptedOut reports whether msgid was marked by OptOut.
func (t *Tx) OptedOut(msgid string) bool { return t.b(bOptOut).Get([]byte(msgid)) != nil }

// Answered returns the key of the answered series msgid belongs to.
func (t *Tx) Answered(msgid string) (string, bool) {
	v := t.b(bAnswered).Get([]byte(msgid))
	return string(v), v != nil
}

// Series statuses.
const (
	SeriesReplied = "replied"  // a reply was recorded (see its Reply)
	SeriesQuiet   = "reviewed" // reviewed, no reply wanted (no findings with --only-findings)
	SeriesSkipped = "skipped"  // not reviewed: opted out, nothing reviewable
)

// Series is an answered (or deliberately skipped) series.
type Series struct {
	Key      string    `json:"key"`
	Subject  string    `json:"subject"`
	Version  int       `json:"version"`
	Total    int       `json:"total"`
	Members  []string  `json:"members"`
	Status   string    `json:"status"`
	Reason   string    `json:"reason,omitempty"`
	ReplyIDs []string  `json:"reply_ids,omitempty"`
	Errors   int       `json:"errors"`
	Warnings int       `json:"warnings"`
	Time     time.Time `json:"time"`
}

// PutSeries records s and marks each member answered by it.
func (t *Tx) PutSeries(s Series) error {
	if err := t.putJSON(bSeries, s.Key, s); err != nil {
		return err
	}
	for _, m := range s.Members {
		if err := t.b(bAnswered).Put([]byte(m), []byte(s.Key)); err != nil {
			return fmt.Errorf("state: answered %s: %w", m, err)
		}
	}
	return nil
}

// GetSeries returns the record of a series.
func (t *Tx) GetSeries(key string) (Series, bool, error) {
	var s Series
	ok, err := t.getJSON(bSeries, key, &s)
	return s, ok, err
}

// Reply states.
const (
	ReplyIntended = "intended" // recorded, not known to be delivered
	ReplySent     = "sent"     // handed to SMTP or the outbox
)

// Reply is one reply mail from intent to delivery.
type Reply struct {
	MessageID string    `json:"message_id"`
	SeriesKey string    `json:"series_key"`
	InReplyTo string    `json:"in_reply_to"`
	State     string    `json:"state"`
	From      string    `json:"from"`  // envelope sender
	Rcpts     []string  `json:"rcpts"` // envelope recipients
	Data      []byte    `json:"data"`  // the whole mail as sent
	Intended  time.Time `json:"intended"`
	Sent      time.Time `json:"sent,omitzero"`
	Attempts  int       `json:"attempts"`
	LastError string    `json:"last_error,omitempty"`
}

// PutReply stores r.
func (t *Tx) PutReply(r Reply) error { return t.putJSON(bReplies, r.MessageID, r) }

// GetReply returns the reply with Message-ID id.
func (t *Tx) GetReply(id string) (Reply, bool, error) {
	var r Reply
	ok, err := t.getJSON(bReplies, id, &r)
	return r, ok, err
}

// Replies returns the replies in the given state ("" for all), in
// Message-ID order.
func (t *Tx) Replies(state string) ([]Reply, error) {
	var out []Reply
	for _, k := range t.sortedKeys(bReplies) {
		var r Reply
		if _, err := t.getJSON(bReplies, k, &r); err != nil {
			return nil, err
		}
		if state == "" || r.State == state {
			out = append(out, r)
		}
	}
	return out, nil
}

// Stamps returns the send times recorded under a rate key, dropping those
// before since.
func (t *Tx) Stamps(key string, since time.Time) ([]time.Time, error) {
	var all []time.Time
	if _, err := t.getJSON(bRate, key, &all); err != nil {
		return nil, err
	}
	var out []time.Time
	for _, s := range all {
		if !s.Before(since) {
			out = append(out, s)
		}
	}
	return out, nil
}

// AddStamp records a send time under a rate key, keeping only stamps not
// before since.
func (t *Tx) AddStamp(key string, when, since time.Time) error {
	cur, err := t.Stamps(key, since)
	if err != nil {
		return err
	}
	return t.putJSON(bRate, key, append(cur, when))
}

// MarkAnswered records msgid as a member of the answered series key (a
// patch that arrived after its series was reviewed).
func (t *Tx) MarkAnswered(msgid, key string) error {
	if err := t.b(bAnswered).Put([]byte(msgid), []byte(key)); err != nil {
		return fmt.Errorf("state: answered %s: %w", msgid, err)
	}
	return nil
}
