package reports_test

import (
	"bytes"
	"strings"
	"testing"

	"github.com/rcureview/rcureview/reports"
)

// TestSeriesReplyIsOneMailOnTheCover: a bot answers a series once,
// threaded on the cover letter, with a section per patch.
func TestSeriesReplyIsOneMailOnTheCover(t *testing.T) {
	r := sampleWithFindings(t)
	p1 := r.Patches[0].Mail
	cover := &reports.MailContext{
		Subject: "[RFC PATCH 0/2] rcu: Add rcu_read_lock_notrace()", MessageID: "20250708100000.0-rcureview-sample@example.org",
		From: p1.From, To: p1.To, Cc: p1.Cc, Date: p1.Date,
	}
	m, err := reports.SeriesEmailReply(r, r.Patches, cover, emailOpts)
	if err != nil {
		t.Fatal(err)
	}
	got := readReplies(t, append([]byte("From mboxrd@z Thu Jan  1 00:00:00 1970\n"), bytes.ReplaceAll(m.Raw, []byte("\r\n"), []byte("\n"))...))
	if len(got) != 1 {
		t.Fatalf("%d messages", len(got))
	}
	g := got[0]
	if g.Subject != "Re: [RFC PATCH 0/2] rcu: Add rcu_read_lock_notrace()" || g.InReplyTo != cover.MessageID {
		t.Errorf("threading: subject %q in-reply-to %q", g.Subject, g.InReplyTo)
	}
	if len(g.References) == 0 || g.References[len(g.References)-1] != cover.MessageID {
		t.Errorf("references %v", g.References)
	}
	body := m.Body
	i1 := strings.Index(body, "[RFC PATCH 1/2] rcu: Add rcu_read_lock_notrace()")
	i2 := strings.Index(body, "[RFC PATCH 2/2] tracing: Use rcu_read_lock_notrace() in __DO_TRACE()")
	if i1 < 0 || i2 < 0 || i1 > i2 {
		t.Fatalf("want a section per patch in series order:\n%s", body)
	}
	if !strings.Contains(body, "> +\t__rcu_read_unlock();") {
		t.Errorf("the finding's line is not quoted:\n%s", body)
	}
	for i, l := range strings.Split(body, "\n") {
		if !strings.HasPrefix(l, ">") && len([]rune(l)) > 80 {
			t.Errorf("line %d is %d columns: %q", i+1, len([]rune(l)), l)
		}
	}
	again, _ := reports.SeriesEmailReply(r, r.Patches, cover, emailOpts)
	if again.MessageID != m.MessageID {
		t.Errorf("Message-ID not deterministic: %s vs %s", again.MessageID, m.MessageID)
	}
	if _, err := reports.SeriesEmailReply(r, r.Patches, nil, emailOpts); err == nil {
		t.Error("no anchor: want ErrNoMail")
	}
}
