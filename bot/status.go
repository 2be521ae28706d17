package bot

import (
	"fmt"
	"io"
	"sort"

	"github.com/rcureview/rcureview/bot/state"
	"github.com/rcureview/rcureview/reports"
)

// Status summarises a bot's state database.
type Status struct {
	Source    string            // the archive last read
	LastPass  string            // RFC 3339 time of the last pass
	Cursor    map[string]string // the archive position
	Pending   int               // messages waiting for their series
	Replies   map[string]int    // replies by state (intended, sent)
	Counters  map[string]int64  // items, mail:<kind>, series:<outcome>, replies:sent, passes, errors, …
	LastError state.LastError
	Unsent    []state.Reply // intended replies, without their bytes
	// Checks counts patchwork checks by state (intended, posted,
	// failed); Unposted lists those not posted.
	Checks   map[string]int  `json:",omitempty"`
	Unposted []state.PWCheck `json:",omitempty"`
	// Suppressed are the rules list members marked invalid in a thread.
	Suppressed []state.Suppression `json:",omitempty"`
}

// ReadStatus reads the status from a state database.
func ReadStatus(s *state.Store) (*Status, error) {
	st := &Status{Replies: map[string]int{}}
	err := s.View(func(tx *state.Tx) error {
		var err error
		if st.Cursor, err = tx.Cursor(); err != nil {
			return err
		}
		st.Source = tx.Meta("source")
		st.LastPass = tx.Meta("last_pass")
		pend, err := tx.PendingAll()
		if err != nil {
			return err
		}
		st.Pending = len(pend)
		reps, err := tx.Replies("")
		if err != nil {
			return err
		}
		for _, r := range reps {
			st.Replies[r.State]++
			if r.State != state.ReplySent {
				r.Data = nil
				st.Unsent = append(st.Unsent, r)
			}
		}
		cks, err := tx.PWChecks("")
		if err != nil {
			return err
		}
		for _, c := range cks {
			if st.Checks == nil {
				st.Checks = map[string]int{}
			}
			st.Checks[c.State]++
			if c.State != state.CheckPosted {
				st.Unposted = append(st.Unposted, c)
			}
		}
		if st.Suppressed, err = tx.Suppressions(); err != nil {
			return err
		}
		st.Counters = tx.Counters()
		st.LastError, err = tx.LastError()
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("read status: %w", err)
	}
	return st, nil
}

// WriteText prints the status as "key: value" lines, with the control
// characters of what came from mail (Message-IDs, errors) escaped.
func (st *Status) WriteText(w io.Writer) error {
	esc := reports.EscapeControl
	fmt.Fprintf(w, "source: %s\n", esc(orNone(st.Source)))
	fmt.Fprintf(w, "last pass: %s\n", orNone(st.LastPass))
	keys := make([]string, 0, len(st.Cursor))
	for k := range st.Cursor {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		fmt.Fprintf(w, "cursor %s: %s\n", esc(k), esc(st.Cursor[k]))
	}
	fmt.Fprintf(w, "pending messages: %d\n", st.Pending)
	fmt.Fprintf(w, "replies sent: %d\n", st.Replies[state.ReplySent])
	fmt.Fprintf(w, "replies intended, not confirmed: %d\n", st.Replies[state.ReplyIntended])
	for _, r := range st.Unsent {
		fmt.Fprintf(w, "  %s (to <%s>, %d attempts) %s\n", esc(r.MessageID), esc(r.InReplyTo), r.Attempts, esc(r.LastError))
	}
	if st.Checks != nil {
		fmt.Fprintf(w, "patchwork checks posted: %d\n", st.Checks[state.CheckPosted])
		fmt.Fprintf(w, "patchwork checks not posted: %d intended, %d failed\n", st.Checks[state.CheckIntended], st.Checks[state.CheckFailed])
		for _, c := range st.Unposted {
			fmt.Fprintf(w, "  %s %s <%s> (%d attempts) %s\n", c.State, esc(c.Context), esc(c.PatchMsgID), c.Attempts, esc(c.LastError))
		}
	}
	for _, s := range st.Suppressed {
		fmt.Fprintf(w, "suppressed %s in thread <%s>: %s by %s (<%s>)\n", esc(s.Rule), esc(s.Thread), esc(s.Verdict), esc(s.By), esc(s.MessageID))
	}
	names := make([]string, 0, len(st.Counters))
	for k := range st.Counters {
		names = append(names, k)
	}
	sort.Strings(names)
	for _, k := range names {
		fmt.Fprintf(w, "count %s: %d\n", esc(k), st.Counters[k])
	}
	if st.LastError.Error != "" {
		fmt.Fprintf(w, "last error: %s: %s\n", st.LastError.Time.UTC().Format("2006-01-02T15:04:05Z"), esc(st.LastError.Error))
	} else {
		fmt.Fprintln(w, "last error: none")
	}
	return nil
}

func orNone(s string) string {
	if s == "" {
		return "none"
	}
	return s
}
