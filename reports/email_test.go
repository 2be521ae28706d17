package reports_test

import (
	"bytes"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	gomessage "github.com/emersion/go-message"
	"github.com/rcureview/rcureview/finding"
	"github.com/rcureview/rcureview/mbox"
	"github.com/rcureview/rcureview/reports"
	"github.com/rcureview/rcureview/ruledoc"
)

// readReplies splits an mbox of replies with rcureview's own mail reader.
func readReplies(t *testing.T, data []byte) []*mbox.Message {
	t.Helper()
	sp := mbox.NewSplitter(bytes.NewReader(data))
	var out []*mbox.Message
	for {
		raw, err := sp.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatalf("split replies: %v", err)
		}
		m, err := mbox.ParseMessage(raw)
		if err != nil {
			t.Fatalf("parse reply: %v", err)
		}
		if len(m.Problems) > 0 {
			t.Errorf("reply %s parsed with problems: %v", m.MessageID, m.Problems)
		}
		out = append(out, m)
	}
	return out
}

func sampleWithFindings(t *testing.T) *reports.Report {
	r := reviewSeries(t, nil)
	addFindings(t, r)
	return r
}

func TestEmailThreadingHeaders(t *testing.T) {
	r := sampleWithFindings(t)
	var b bytes.Buffer
	if err := reports.WriteEmail(&b, r, emailOpts); err != nil {
		t.Fatal(err)
	}
	got := readReplies(t, b.Bytes())
	if len(got) != 2 {
		t.Fatalf("%d replies, want one per patch (2)", len(got))
	}
	cover := "20250708100000.0-rcureview-sample@example.org"
	for i, m := range got {
		p := r.Patches[i]
		if want := "Re: " + p.Mail.Subject; m.Subject != want {
			t.Errorf("Subject = %q, want %q", m.Subject, want)
		}
		if m.InReplyTo != p.Mail.MessageID {
			t.Errorf("In-Reply-To = %q, want %q", m.InReplyTo, p.Mail.MessageID)
		}
		if want := []string{cover, p.Mail.MessageID}; strings.Join(m.References, " ") != strings.Join(want, " ") {
			t.Errorf("References = %v, want %v", m.References, want)
		}
		if len(m.To) != 1 || m.To[0].Email != "ada@example.org" {
			t.Errorf("To = %v, want the author", m.To)
		}
		var cc []string
		for _, a := range m.Cc {
			cc = append(cc, a.Email)
		}
		if want := "rcu@vger.kernel.org linux-trace-kernel@vger.kernel.org rostedt@example.org"; strings.Join(cc, " ") != want {
			t.Errorf("Cc = %v, want %s", cc, want)
		}
		if m.From.Email != "rcureview@example.org" {
			t.Errorf("From = %v", m.From)
		}
		if !strings.HasSuffix(m.MessageID, "@example.org") || m.MessageID == p.Mail.MessageID {
			t.Errorf("Message-ID = %q: want our own, on our domain", m.MessageID)
		}
		if m.Header["Auto-Submitted"][0] != "auto-generated" {
			t.Errorf("Auto-Submitted = %v", m.Header["Auto-Submitted"])
		}
		if ct := m.Header["Content-Type"][0]; !strings.HasPrefix(ct, "text/plain") || !strings.Contains(ct, "utf-8") {
			t.Errorf("Content-Type = %q", ct)
		}
	}
}

func TestEmailMessageIDIsDeterministic(t *testing.T) {
	r := sampleWithFindings(t)
	a, err := reports.EmailReplies(r, emailOpts)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := reports.EmailReplies(reviewSeriesWithFindings(t), reports.EmailOptions{From: emailOpts.From})
	for i := range a {
		if a[i].MessageID != b[i].MessageID {
			t.Errorf("resend changed the Message-ID: %s vs %s", a[i].MessageID, b[i].MessageID)
		}
	}
	if a[0].MessageID == a[1].MessageID {
		t.Errorf("two patches got the same Message-ID %s", a[0].MessageID)
	}
	r.Version = "other"
	c, _ := reports.EmailReplies(r, emailOpts)
	if c[0].MessageID == a[0].MessageID {
		t.Errorf("another tool version reused Message-ID %s", a[0].MessageID)
	}
}

func reviewSeriesWithFindings(t *testing.T) *reports.Report { return sampleWithFindings(t) }

// TestEmailFindingUnderItsLine: each placed finding comes right after the
// quoted patch line it concerns.
func TestEmailFindingUnderItsLine(t *testing.T) {
	ms, err := reports.EmailReplies(sampleWithFindings(t), emailOpts)
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name, reply, quoted, finding string
	}{
		{"chain error under the unlock call", ms[0].Body, "> +\t__rcu_read_unlock();\n\n",
			"ERROR: rcu_read_unlock_notrace() reaches tracepoint softirq_raise"},
		{"warning placed by file and line", ms[0].Body, "> +\t__rcu_read_lock();\n\n",
			"WARNING: rcu_read_lock_notrace() calls ftrace-able __rcu_read_lock()"},
		{"model finding under the __DO_TRACE change", ms[1].Body, "> +\t\trcu_read_lock_notrace();\t\t\t\t\\\n\n",
			"ERROR: an expedited grace period never ends"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			i := strings.Index(tc.reply, tc.quoted)
			if i < 0 {
				t.Fatalf("quoted line %q missing:\n%s", tc.quoted, tc.reply)
			}
			if !strings.HasPrefix(tc.reply[i+len(tc.quoted):], tc.finding) {
				t.Errorf("finding %q is not right under %q:\n%s", tc.finding, tc.quoted, tc.reply)
			}
		})
	}
	for _, want := range []string{
		"\n[ ... ]\n",
		"      -> trace_softirq_raise() [tracepoint]\n         kernel/softirq.c:724\n",
		"  counterexample for L1 every grace period ends:\n    # | CPU 0",
		"Not on a line of this patch:\nNOTE: probes called under",
		"\n-- \nrcureview test",
		"b4 am -o - 20250708100200.2-rcureview-sample@example.org \\\n    | rcureview review -\n",
	} {
		if !strings.Contains(ms[0].Body+ms[1].Body, want) {
			t.Errorf("replies lack %q", want)
		}
	}
}

// TestEmailLineWidth: our own lines fit 80 columns; quoted lines are the
// patch's lines as sent (only a long hunk header's section is shortened).
func TestEmailLineWidth(t *testing.T) {
	r := sampleWithFindings(t)
	ms, err := reports.EmailReplies(r, emailOpts)
	if err != nil {
		t.Fatal(err)
	}
	for i, m := range ms {
		sent := map[string]bool{}
		for _, l := range strings.Split(r.Patches[i].Mail.Diff, "\n") {
			sent[l] = true
		}
		for n, l := range strings.Split(m.Body, "\n") {
			cols := len([]rune(ruledoc.ExpandTabs(l)))
			if strings.HasPrefix(l, ">") {
				q := strings.TrimPrefix(strings.TrimPrefix(l, ">"), " ")
				if !sent[q] && !(strings.HasPrefix(q, "@@") && cols <= 80) && strings.TrimSpace(q) != "" {
					t.Errorf("reply %d line %d quotes %q, which the patch does not have", i, n+1, q)
				}
				continue
			}
			if cols > 80 {
				t.Errorf("reply %d line %d is %d columns: %q", i, n+1, cols, l)
			}
		}
	}
}

func TestEmailTransferEncoding(t *testing.T) {
	r := sampleWithFindings(t)
	ms, _ := reports.EmailReplies(r, emailOpts)
	if !bytes.Contains(ms[0].Raw, []byte("Content-Transfer-Encoding: 7bit\r\n")) {
		t.Errorf("an ASCII reply should be 7bit:\n%s", ms[0].Raw)
	}
	// Non-ASCII text (a name, an ellipsis) needs quoted-printable; the
	// decoded body must be exactly what was written.
	r.Patches[0].Mail.From.Name = "Ada Müller"
	r.Patches[0].Mail.Author.Name = "Ada Müller"
	r.Patches[0].Mail.Subject = "[PATCH] rcu: Ünïcode subject…"
	r.Patches[0].Findings[0].Message = "reaches trace_softirq_raise() … via __rcu_read_unlock()"
	ms, err := reports.EmailReplies(r, emailOpts)
	if err != nil {
		t.Fatal(err)
	}
	m := ms[0]
	if !bytes.Contains(m.Raw, []byte("Content-Transfer-Encoding: quoted-printable\r\n")) {
		t.Fatalf("non-ASCII reply is not quoted-printable:\n%s", m.Raw)
	}
	e, err := gomessage.Read(bytes.NewReader(m.Raw))
	if err != nil {
		t.Fatal(err)
	}
	body, err := io.ReadAll(e.Body)
	if err != nil {
		t.Fatal(err)
	}
	if got := strings.ReplaceAll(string(body), "\r\n", "\n"); got != m.Body {
		t.Errorf("decoded body differs from what was written:\n%s\n---\n%s", got, m.Body)
	}
	parsed := readReplies(t, append([]byte("From mboxrd@z Thu Jan  1 00:00:00 1970\n"), bytes.ReplaceAll(m.Raw, []byte("\r\n"), []byte("\n"))...))
	if parsed[0].Subject != "Re: [PATCH] rcu: Ünïcode subject…" {
		t.Errorf("subject round trip: %q", parsed[0].Subject)
	}
	if !strings.Contains(parsed[0].Body, "trace_softirq_raise() … via") {
		t.Errorf("decoded body lacks the non-ASCII message:\n%s", parsed[0].Body)
	}
}

func TestEmailDirOnePerReply(t *testing.T) {
	dir := t.TempDir()
	paths, err := reports.WriteEmailDir(dir, sampleWithFindings(t), emailOpts)
	if err != nil {
		t.Fatal(err)
	}
	if len(paths) != 2 {
		t.Fatalf("wrote %v", paths)
	}
	if filepath.Base(paths[1]) != "0002-Re-RFC-PATCH-2-2-tracing-Use-rcu_read_lock_notrace-in-__DO_T.eml" {
		t.Errorf("file name %s", filepath.Base(paths[1]))
	}
	data, err := os.ReadFile(paths[0])
	if err != nil {
		t.Fatal(err)
	}
	if bytes.Contains(data, []byte("\r\n")) {
		t.Errorf("reply file has CRLF line endings")
	}
	ms := readReplies(t, append([]byte("From mboxrd@z Thu Jan  1 00:00:00 1970\n"), data...))
	if ms[0].InReplyTo != "20250708100100.1-rcureview-sample@example.org" {
		t.Errorf("In-Reply-To %q", ms[0].InReplyTo)
	}
}

// TestEmailDirNeverFollowsALink: reply names come from the sender's
// subject, so a symlink planted under that name must not redirect the
// write; a directory under a name fails that reply only.
func TestEmailDirNeverFollowsALink(t *testing.T) {
	dir, outside := t.TempDir(), t.TempDir()
	victim := filepath.Join(outside, "victim")
	os.WriteFile(victim, []byte("precious\n"), 0o600)
	first, err := reports.WriteEmailDir(t.TempDir(), sampleWithFindings(t), emailOpts)
	if err != nil || len(first) != 2 {
		t.Fatal(first, err)
	}
	link := filepath.Join(dir, filepath.Base(first[0]))
	if err := os.Symlink(victim, link); err != nil {
		t.Fatal(err)
	}
	os.Mkdir(filepath.Join(dir, filepath.Base(first[1])), 0o755)

	paths, err := reports.WriteEmailDir(dir, sampleWithFindings(t), emailOpts)
	if err == nil || !strings.Contains(err.Error(), "write reply 2") || len(paths) != 1 {
		t.Errorf("wrote %v, error %v; want reply 1 written and an error for reply 2", paths, err)
	}
	if data, _ := os.ReadFile(victim); string(data) != "precious\n" {
		t.Errorf("the symlink's target was overwritten: %q", data)
	}
	if fi, err := os.Lstat(link); err != nil || !fi.Mode().IsRegular() {
		t.Errorf("the reply did not replace the symlink: %v %v", fi, err)
	}
	if ents, _ := os.ReadDir(dir); len(ents) != 2 {
		t.Errorf("temporary files left behind: %v", ents)
	}
}

func TestEmailSkipsWhatCannotBeAnswered(t *testing.T) {
	r := reviewSeries(t, nil) // no findings
	ms, err := reports.EmailReplies(r, reports.EmailOptions{OnlyFindings: true})
	if err != nil || len(ms) != 0 {
		t.Errorf("OnlyFindings on a clean series: %d replies, %v", len(ms), err)
	}
	ms, _ = reports.EmailReplies(r, reports.EmailOptions{})
	if len(ms) != 2 || !strings.Contains(ms[0].Body, "rcureview found nothing to report in this patch") {
		t.Errorf("clean replies: %d", len(ms))
	}
	bare := &reports.Patch{Subject: "fix.patch", Findings: []finding.Finding{{Rule: finding.RuleInputApply, Message: "does not apply"}}}
	if _, err := reports.EmailReply(r, bare, reports.EmailOptions{}); !errors.Is(err, reports.ErrNoMail) {
		t.Errorf("reply to a bare diff: err = %v, want ErrNoMail", err)
	}
}

// TestEmailGoldensFit checks every golden reply, including the one written
// from the real analyzers' findings: only quoted patch lines may pass 80
// columns.
func TestEmailGoldensFit(t *testing.T) {
	files, _ := filepath.Glob("testdata/golden/*.mbox")
	if len(files) == 0 {
		t.Fatal("no golden mbox")
	}
	for _, file := range files {
		data, err := os.ReadFile(file)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range readReplies(t, data) {
			if !strings.HasPrefix(m.Subject, "Re: ") || m.InReplyTo == "" || len(m.References) == 0 {
				t.Errorf("%s: reply %s is not threaded: %q %q %v", file, m.MessageID, m.Subject, m.InReplyTo, m.References)
			}
			for n, l := range strings.Split(m.Body, "\n") {
				if strings.HasPrefix(l, ">") {
					continue
				}
				if cols := len([]rune(ruledoc.ExpandTabs(l))); cols > 80 {
					t.Errorf("%s: reply %s line %d is %d columns: %q", filepath.Base(file), m.MessageID, n+1, cols, l)
				}
			}
		}
	}
}
