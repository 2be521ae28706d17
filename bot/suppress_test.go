package bot

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/rcureview/rcureview/bot/state"
	"github.com/rcureview/rcureview/mbox"
)

// samplePatch1 is the sample series' patch 1/2 (a notrace function
// calling the traceable __rcu_read_unlock()), with its Message-ID and
// subject tag replaced.
func samplePatch1(t *testing.T, msgid, tag string) []byte {
	t.Helper()
	data, err := os.ReadFile("../testdata/rcu-read-lock-notrace.mbox")
	if err != nil {
		t.Fatal(err)
	}
	m := "From " + strings.Split(string(data), "\nFrom ")[1]
	m = m[strings.Index(m, "\n")+1:]
	m = strings.Replace(m, "<20250708100100.1-rcureview-sample@example.org>", "<"+msgid+">", 1)
	return []byte(strings.Replace(m, "[RFC PATCH 1/2]", "["+tag+"]", 1))
}

func (e *env) deliverRaw(data []byte) {
	e.n++
	name := filepath.Join(e.inbox, "new", strings.Repeat("0", 3)+string(rune('a'+e.n%26))+time.Now().Format("150405.000000000")+".raw")
	if err := os.WriteFile(name, data, 0o644); err != nil {
		e.t.Fatal(err)
	}
}

// TestInvalidSuppressesRuleInThread: "rcureview: invalid RULE" from a list
// member, in reply to the bot, drops the rule from later reviews in that
// thread, is recorded in the state and shown by bot status; a quoted
// command, an unknown rule and another thread do nothing.
func TestInvalidSuppressesRuleInThread(t *testing.T) {
	e := newEnv(t, func(o *Options) { o.ArchiveURL = "https://lore.kernel.org/r/{reply}/" })
	e.deliverRaw(samplePatch1(t, "v1-1@example.org", "RFC PATCH 1/2"))
	e.pass()
	e.now = e.now.Add(2 * time.Hour) // 2/2 never comes
	e.pass()
	replies := outboxMessages(t, e.outbox)
	if len(replies) != 1 || !strings.Contains(replies[0].Body, "notrace-instrumented-call") {
		t.Fatalf("v1: %d replies", len(replies))
	}
	if !strings.Contains(replies[0].Body, "| Reported-by: rcureview <bot@rcureview.example>\n| Closes: https://lore.kernel.org/r/"+replies[0].MessageID+"/\n") {
		t.Errorf("v1 reply does not suggest the tags:\n%s", replies[0].Body)
	}
	root := "20250708100000.0-rcureview-sample@example.org"
	answer := func(id, body string) tmail {
		return tmail{id: id, from: "Paul McKenney <paulmck@kernel.org>", subject: "Re: " + replies[0].Subject,
			inReplyTo: replies[0].MessageID, refs: []string{root, "v1-1@example.org", replies[0].MessageID}, body: body}
	}
	e.deliver(
		answer("quote@example.org", "> rcureview: invalid notrace-instrumented-call\n\nI disagree.\n"),
		answer("unknown@example.org", "rcureview: invalid no-such-rule\n"),
		answer("invalid@example.org", "Intended: the unlock is traceable on purpose.\n\nrcureview: invalid NOTRACE_INSTRUMENTED_CALL\n"),
		// another bot cannot suppress anything
		tmail{id: "lkp-1@intel.com", from: "kernel test robot <lkp@intel.com>", subject: "Re: " + replies[0].Subject,
			inReplyTo: replies[0].MessageID, refs: []string{root}, body: "rcureview: invalid rcu-gp-stall\n"},
	)
	e.pass()
	var sup []state.Suppression
	e.store.View(func(tx *state.Tx) (err error) {
		sup, err = tx.Suppressions()
		return err
	})
	if len(sup) != 1 || sup[0].Rule != "notrace-instrumented-call" || sup[0].Thread != root ||
		sup[0].By != "paulmck@kernel.org" || sup[0].MessageID != "invalid@example.org" || sup[0].Verdict != "invalid" {
		t.Fatalf("suppressions %+v", sup)
	}
	s, err := ReadStatus(e.store)
	if err != nil {
		t.Fatal(err)
	}
	var text strings.Builder
	s.WriteText(&text)
	if !strings.Contains(text.String(), "suppressed notrace-instrumented-call in thread <"+root+">: invalid by paulmck@kernel.org") {
		t.Errorf("bot status:\n%s", text.String())
	}

	// v2 in the same thread: the rule is not reported, the reply says why.
	e.deliverRaw(samplePatch1(t, "v2-1@example.org", "RFC PATCH v2 1/2"))
	e.pass()
	e.now = e.now.Add(2 * time.Hour)
	e.pass()
	var v2 string
	for _, m := range outboxMessages(t, e.outbox) {
		if m.InReplyTo == "v2-1@example.org" {
			v2 = m.Body
		}
	}
	if v2 == "" || strings.Contains(v2, "[notrace-instrumented-call]") || !strings.Contains(v2, "notrace-instrumented-call is not reported in this thread") ||
		!strings.Contains(v2, "found nothing to report") {
		t.Errorf("v2 reply:\n%s", v2)
	}

	// Another thread still gets the finding.
	other := strings.ReplaceAll(string(samplePatch1(t, "other-1@example.org", "PATCH")), root, "elsewhere@example.org")
	e.deliverRaw([]byte(other))
	e.pass()
	for _, m := range outboxMessages(t, e.outbox) {
		if m.InReplyTo == "other-1@example.org" && !strings.Contains(m.Body, "[notrace-instrumented-call]") {
			t.Errorf("another thread lost the finding:\n%s", m.Body)
		}
	}
}

func TestInvalidCommandParsing(t *testing.T) {
	for _, tc := range []struct {
		body, verdict string
		rules         []string
	}{
		{"rcureview: invalid notrace-instrumented-call\n", "invalid", []string{"notrace-instrumented-call"}},
		{"Thanks.\n  RCUreview: False-Positive RCU_UNBALANCED, notrace-instrumented-call \n", "false-positive", []string{"rcu-unbalanced", "notrace-instrumented-call"}},
		{"rcureview: false positive rcu-gp-stall\n", "false-positive", []string{"rcu-gp-stall"}},
		{"> rcureview: invalid rcu-gp-stall\n", "", nil},
		{"I think rcureview: invalid rcu-gp-stall is wrong\n", "", nil},
		{"rcureview: invalid\n", "", nil},
	} {
		v, rules, _ := suppressions(&mbox.Message{Body: tc.body})
		if v != tc.verdict || strings.Join(rules, ",") != strings.Join(tc.rules, ",") {
			t.Errorf("%q: %q %v, want %q %v", tc.body, v, rules, tc.verdict, tc.rules)
		}
	}
}
