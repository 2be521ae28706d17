package bot

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/rcureview/rcureview/bot/state"
	"github.com/rcureview/rcureview/reports"
)

func TestWhatTheBotAnswers(t *testing.T) {
	t.Run("one reply per series", func(t *testing.T) { whatTheBotAnswers(t, false) })
	t.Run("one reply per patch", func(t *testing.T) { whatTheBotAnswers(t, true) })
}

// whatTheBotAnswers delivers a mix of series and mail that must not be
// answered, and checks who got replies: in series mode the cover letter (or
// the first patch) of each reviewable series; per patch, every patch.
func whatTheBotAnswers(t *testing.T, perPatch bool) {
	e := newEnv(t, func(o *Options) { o.Deny, o.PerPatch = []string{"*@bad.example"}, perPatch })
	complete := series("complete", 1, 2, true, 1, 2)
	single := series("single", 1, 1, false, 1)
	partial := series("partial", 1, 3, false, 1, 2)
	coverOnly := series("coveronly", 1, 2, true)
	optedOut := series("optedout", 1, 2, false, 1)
	headerOptOut := series("hdroptout", 1, 1, false, 1)
	headerOptOut[0].headers = map[string]string{"X-Rcureview-Opt-Out": "yes"}
	denied := series("denied", 1, 1, false, 1)
	denied[0].from = "Spammer <spam@bad.example>"

	e.deliver(complete...)
	e.deliver(single...)
	e.deliver(single[0]) // the same Message-ID again (cross-posted copy)
	e.deliver(partial...)
	e.deliver(coverOnly...)
	e.deliver(optedOut...)
	e.deliver(headerOptOut...)
	e.deliver(denied...)
	e.deliver(
		tmail{id: "reply1@example.org", from: "Paul McKenney <paulmck@kernel.org>",
			subject: "Re: [PATCH 1/2] rcu: complete part 1", inReplyTo: complete[1].id, refs: []string{complete[0].id, complete[1].id},
			body: "> +int rcu_test_fn(void)\n\nLooks good.\n"},
		tmail{id: "optout-cmd@example.org", from: "Dev One <dev1@example.org>",
			subject: "Re: [PATCH 1/2] rcu: optedout part 1", inReplyTo: optedOut[0].id, refs: []string{optedOut[0].id},
			body: "Please do not run the bot here.\n\nrcureview: skip\n"},
		tmail{id: "lkp@intel.com-1", from: "kernel test robot <lkp@intel.com>",
			subject: "Re: [PATCH] rcu: single", inReplyTo: single[0].id, body: patchBody("kernel/rcu/lkp.c")},
		tmail{id: "syz@google.com", from: "syzbot <syzbot+abc123@syzkaller.appspotmail.com>",
			subject: "[PATCH] rcu: syzbot fix", body: patchBody("kernel/rcu/syz.c"),
			headers: map[string]string{"X-Google-Appengine-App-Id": "s~syzkaller"}},
		tmail{id: "auto@example.org", from: "Vacation <away@example.org>", subject: "[PATCH] rcu: auto",
			body: patchBody("kernel/rcu/auto.c"), headers: map[string]string{"Auto-Submitted": "auto-replied"}},
		tmail{id: "rcureview-0123456789abcdef01234567@rcureview.example", from: "someone <x@example.org>",
			subject: "[PATCH] rcu: looks like ours", body: patchBody("kernel/rcu/own.c")},
		tmail{id: "own2@example.org", from: "rcureview <bot@rcureview.example>", subject: "[PATCH] rcu: from us",
			body: patchBody("kernel/rcu/own2.c")},
	)
	// A broken mail: binary garbage.
	os.WriteFile(filepath.Join(e.inbox, "new", "1800000000.broken.test"), []byte("\x00\x01\x02\xff garbage"), 0o644)

	// pick chooses the expected reply targets by mode.
	pick := func(series, patches []string) []string {
		if perPatch {
			return patches
		}
		return series
	}
	st := e.pass()
	want := pick([]string{complete[0].id, single[0].id}, []string{complete[1].id, complete[2].id, single[0].id})
	if got := e.replies(); strings.Join(sorted(got), " ") != strings.Join(sorted(want), " ") {
		t.Fatalf("replies to %v, want %v", got, want)
	}
	if st.Replied != len(want) || st.Waiting != 2 { // partial (waits for 3/3) and the cover alone
		t.Errorf("pass stats %+v, want %d replied and 2 waiting", st, len(want))
	}

	// The incomplete series is reviewed once the wait is over, the cover
	// alone never; a second pass sends nothing twice.
	e.now = e.now.Add(61 * time.Minute)
	e.pass()
	want = append(want, pick([]string{partial[0].id}, []string{partial[0].id, partial[1].id})...)
	if got := e.replies(); strings.Join(sorted(got), " ") != strings.Join(sorted(want), " ") {
		t.Fatalf("after the wait: replies to %v, want %v", got, want)
	}
	e.now = e.now.Add(3 * time.Hour)
	e.pass()
	if got := e.replies(); len(got) != len(want) {
		t.Fatalf("after the cover expired: %d replies, want %d", len(got), len(want))
	}

	// A late 3/3 of the partial series joins the answered series quietly;
	// v2 of the complete series is reviewed again.
	late := series("partial", 1, 3, false, 3)
	e.deliver(late...)
	e.deliver(series("complete", 2, 2, true, 1, 2)...)
	e.pass()
	want = append(want, pick([]string{"complete-v2-0@example.org"}, []string{"complete-v2-1@example.org", "complete-v2-2@example.org"})...)
	if got := e.replies(); strings.Join(sorted(got), " ") != strings.Join(sorted(want), " ") {
		t.Fatalf("after v2: replies to %v, want %v", got, want)
	}

	s, err := ReadStatus(e.store)
	if err != nil {
		t.Fatal(err)
	}
	for k, want := range map[string]int64{
		"mail:bot": 3, "mail:own": 2, "mail:denied": 1, "mail:reply": 1, "mail:opt-out": 2,
		"mail:broken": 1, "mail:duplicate": 1, "series:cover-expired": 1, "series:opted-out": 1,
		"series:replied": 4, "replies:sent": int64(len(want)), "mail:late": 1,
	} {
		if s.Counters[k] != want {
			t.Errorf("counter %s = %d, want %d (all: %v)", k, s.Counters[k], want, s.Counters)
		}
	}
	if s.Pending != 0 || s.Replies[state.ReplyIntended] != 0 {
		t.Errorf("status: %d pending, %d intended", s.Pending, s.Replies[state.ReplyIntended])
	}
}

func sorted(s []string) []string {
	out := append([]string(nil), s...)
	for i := range out {
		for j := i + 1; j < len(out); j++ {
			if out[j] < out[i] {
				out[i], out[j] = out[j], out[i]
			}
		}
	}
	return out
}

func TestReplyHeadersAndThreading(t *testing.T) {
	e := newEnv(t, func(o *Options) { o.PerPatch = true })
	s := series("hdr", 1, 2, true, 1, 2)
	s[0].refs = []string{"earlier-discussion@example.org"}
	e.deliver(s...)
	e.pass()
	msgs := outboxMessages(t, e.outbox)
	if len(msgs) != 2 {
		t.Fatalf("%d replies, want 2 (one per patch)", len(msgs))
	}
	m := msgs[0]
	if m.InReplyTo != s[1].id {
		m = msgs[1]
	}
	checks := []struct{ what, got, want string }{
		{"Subject", m.Subject, "Re: [PATCH 1/2] rcu: hdr part 1"},
		{"In-Reply-To", m.InReplyTo, s[1].id},
		{"References", strings.Join(m.References, " "), s[0].id + " " + s[1].id},
		{"Message-ID", m.MessageID, reports.ReplyMessageID(s[1].id, "test", "bot@rcureview.example")},
		{"From", m.From.Email, "bot@rcureview.example"},
		{"To", m.To[0].Email, "hdr@example.org"},
		{"Auto-Submitted", firstHeader(m, "Auto-Submitted"), "auto-generated"},
		{"X-Rcureview", firstHeader(m, "X-Rcureview"), "test"},
		{"X-Rcureview-Series", firstHeader(m, "X-Rcureview-Series"), "<" + s[0].id + ">"},
		{"X-Patchwork-Hint", firstHeader(m, "X-Patchwork-Hint"), "ignore"},
	}
	for _, c := range checks {
		if c.got != c.want {
			t.Errorf("%s = %q, want %q", c.what, c.got, c.want)
		}
	}
	var cc []string
	for _, a := range m.Cc {
		cc = append(cc, a.Email)
	}
	if strings.Join(cc, ",") != "rcu@vger.kernel.org,paulmck@kernel.org" {
		t.Errorf("Cc = %v", cc)
	}
	for _, l := range strings.Split(m.Body, "\n") {
		if len([]rune(l)) > 80 && !strings.HasPrefix(l, ">") {
			t.Errorf("body line over 80 columns: %q", l)
		}
	}
	if !strings.HasPrefix(m.Body, "Hi Dev,") {
		t.Errorf("body:\n%s", m.Body)
	}
	// The bot does not answer its own replies when the list echoes them.
	ents, _ := os.ReadDir(filepath.Join(e.outbox, "new"))
	for i, en := range ents {
		data, _ := os.ReadFile(filepath.Join(e.outbox, "new", en.Name()))
		os.WriteFile(filepath.Join(e.inbox, "new", fmt.Sprintf("1900000000.echo%d.test", i)), data, 0o644)
	}
	e.pass()
	if n := len(outboxMessages(t, e.outbox)); n != 2 {
		t.Fatalf("%d replies after the echo, want 2", n)
	}
	st, _ := ReadStatus(e.store)
	if st.Counters["mail:own"] != 2 {
		t.Errorf("echoed replies not recognised as ours: %v", st.Counters)
	}
}

func TestRateLimitPerListAndThread(t *testing.T) {
	e := newEnv(t, func(o *Options) {
		o.ListRate = Rate{N: 2, Per: time.Hour}
		o.ThreadRate = Rate{N: 1, Per: time.Hour}
	})
	e.deliver(series("a", 1, 1, false, 1)...)
	e.deliver(series("b", 1, 1, false, 1)...)
	e.deliver(series("c", 1, 1, false, 1)...)
	e.pass()
	if n := len(e.replies()); n != 2 {
		t.Fatalf("%d replies in the first hour, want 2 (list limit)", n)
	}
	// v2 of "a" in a's thread: the thread limit holds it back even when
	// the list has room again.
	v2 := series("a", 2, 1, false, 1)
	v2[0].inReplyTo, v2[0].refs = "a-v1-1@example.org", []string{"a-v1-1@example.org"}
	e.now = e.now.Add(50 * time.Minute)
	e.deliver(v2...)
	e.pass()
	if n := len(e.replies()); n != 2 {
		t.Fatalf("%d replies, want still 2", n)
	}
	e.now = e.now.Add(11 * time.Minute)
	e.pass()
	if n := len(e.replies()); n != 4 {
		t.Fatalf("%d replies after an hour, want 4", n)
	}
}

func TestFailedSendStaysIntendedAndIsResolved(t *testing.T) {
	dir := t.TempDir()
	blocker := filepath.Join(dir, "file")
	os.WriteFile(blocker, nil, 0o644)
	out := &Outbox{Dir: filepath.Join(blocker, "outbox")} // under a regular file: cannot be created
	e := newEnv(t, func(o *Options) { o.Sender = out })
	e.deliver(series("fail", 1, 1, false, 1)...)
	if _, err := e.bot.Pass(context.Background()); err == nil {
		t.Fatal("a pass whose send failed reported no error")
	}
	s, _ := ReadStatus(e.store)
	if s.Replies[state.ReplyIntended] != 1 || s.LastError.Error == "" || s.Unsent[0].Attempts != 1 {
		t.Fatalf("after a failed send: %+v", s)
	}
	out.Dir = e.outbox
	st := e.pass()
	if st.Resolved != 1 || len(e.replies()) != 1 {
		t.Fatalf("resolve: %+v, %d replies", st, len(e.replies()))
	}
	// Delivered but not confirmed (a crash right after the rename): the
	// next start finds the file and does not write it again.
	err := e.store.Update(func(tx *state.Tx) error {
		rs, err := tx.Replies("")
		if err != nil {
			return err
		}
		rs[0].State = state.ReplyIntended
		return tx.PutReply(rs[0])
	})
	if err != nil {
		t.Fatal(err)
	}
	st = e.pass()
	if st.Resolved != 1 || len(e.replies()) != 1 {
		t.Fatalf("second resolve: %+v, %d replies", st, len(e.replies()))
	}
	s, _ = ReadStatus(e.store)
	if s.Counters["replies:resolved-delivered"] != 1 {
		t.Errorf("counters %v", s.Counters)
	}
}

func TestOnlyFindingsKeepsQuiet(t *testing.T) {
	e := newEnv(t, func(o *Options) { o.OnlyFindings = true })
	e.deliver(series("clean", 1, 1, false, 1)...)
	e.pass()
	if n := len(e.replies()); n != 0 {
		t.Fatalf("%d replies to a clean patch with OnlyFindings", n)
	}
	s, _ := ReadStatus(e.store)
	if s.Counters["series:quiet"] != 1 {
		t.Errorf("counters %v", s.Counters)
	}
}

func TestSkipBacklog(t *testing.T) {
	e := newEnv(t, nil)
	e.deliver(series("old", 1, 1, false, 1)...)
	if err := e.bot.SkipBacklog(context.Background()); err != nil {
		t.Fatal(err)
	}
	e.deliver(series("new", 1, 1, false, 1)...)
	if err := e.bot.SkipBacklog(context.Background()); err != nil { // second start: no effect
		t.Fatal(err)
	}
	e.pass()
	if got := e.replies(); len(got) != 1 || got[0] != "new-v1-1@example.org" {
		t.Fatalf("replies %v, want only the new patch", got)
	}
}

// TestSeriesReplyThreadsOnTheCover: by default a series gets one reply,
// threaded on its cover letter, covering each patch.
func TestSeriesReplyThreadsOnTheCover(t *testing.T) {
	e := newEnv(t, nil)
	s := series("sr", 1, 2, true, 1, 2)
	s[0].refs = []string{"earlier-discussion@example.org"}
	e.deliver(s...)
	e.pass()
	msgs := outboxMessages(t, e.outbox)
	if len(msgs) != 1 {
		t.Fatalf("%d replies, want 1 for the series", len(msgs))
	}
	m := msgs[0]
	for _, c := range []struct{ what, got, want string }{
		{"Subject", m.Subject, "Re: " + s[0].subject},
		{"In-Reply-To", m.InReplyTo, s[0].id},
		{"References", strings.Join(m.References, " "), "earlier-discussion@example.org " + s[0].id},
		{"Message-ID", m.MessageID, reports.ReplyMessageID(s[0].id, "test", "bot@rcureview.example")},
		{"X-Rcureview-Series", firstHeader(m, "X-Rcureview-Series"), "<" + s[0].id + ">"},
	} {
		if c.got != c.want {
			t.Errorf("%s = %q, want %q", c.what, c.got, c.want)
		}
	}
	i1, i2 := strings.Index(m.Body, s[1].subject), strings.Index(m.Body, s[2].subject)
	if i1 < 0 || i2 < i1 {
		t.Errorf("body lacks a section per patch in order:\n%s", m.Body)
	}
}
