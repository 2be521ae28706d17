package reports

import (
	"bytes"
	"strings"
	"testing"

	gomessage "github.com/emersion/go-message"

	"github.com/rcureview/rcureview/finding"
)

func TestMboxrdEscape(t *testing.T) {
	in := "a\nFrom here\n>From there\nnot From\n"
	want := "a\n>From here\n>>From there\nnot From\n"
	if got := string(mboxrdEscape([]byte(in))); got != want {
		t.Errorf("mboxrdEscape = %q, want %q", got, want)
	}
}

func TestSplitDiffNumbersPostPatchLines(t *testing.T) {
	diff := "diff --git a/f.c b/f.c\n--- a/f.c\n+++ b/f.c\n@@ -10,3 +10,4 @@ int f(void)\n a\n-b\n+c\n+d\n e\n"
	tests := []struct {
		name    string
		hunks   []Hunk
		line    string
		newLine int
	}{
		{"as stated in the hunk header", nil, "+d", 12},
		{"where the hunk applied with an offset", []Hunk{{File: "f.c", NewLine: 20}}, "+d", 22},
		{"context after the change", nil, " e", 13},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			for _, l := range splitDiff(diff, tc.hunks) {
				if l.text == tc.line {
					if l.newLine != tc.newLine || l.file != "f.c" {
						t.Errorf("%q at %s:%d, want f.c:%d", tc.line, l.file, l.newLine, tc.newLine)
					}
					return
				}
			}
			t.Fatalf("%q not found", tc.line)
		})
	}
}

func TestTransferEncoding(t *testing.T) {
	tests := []struct{ name, body, want string }{
		{"ascii", "hello\n\tworld\n", "7bit"},
		{"utf-8", "caf\u00e9\n", "quoted-printable"},
		{"line over 998 octets", strings.Repeat("x", 999) + "\n", "quoted-printable"},
		{"control character", "a\x01b\n", "quoted-printable"},
	}
	for _, tc := range tests {
		if got := transferEncoding(tc.body); got != tc.want {
			t.Errorf("%s: %s, want %s", tc.name, got, tc.want)
		}
	}
}

func TestTraceTableWidthFits(t *testing.T) {
	tr := longTrace()
	for _, w := range []int{60, 76, 120} {
		for _, l := range TraceTableWidth(tr, w) {
			if len(l) > w {
				t.Errorf("width %d: line %q is %d columns", w, l, len(l))
			}
		}
	}
	// Wide enough: identical cells to the terminal table.
	if got, want := TraceTableWidth(tr, 400)[3], TraceTable(tr)[3]; strings.TrimSpace(got) != strings.TrimSpace(want) {
		t.Errorf("unconstrained row differs:\n%q\n%q", got, want)
	}
}

func longTrace() *finding.Trace {
	return &finding.Trace{Property: "L1", Steps: []finding.Step{
		{CPU: 0, Context: "task", Event: "T1: rcu_read_lock_notrace() enters a reader with nesting 1"},
		{CPU: 1, Context: "task", Event: "T2: synchronize_rcu_expedited() starts GP 1 and sends an IPI to CPU 0"},
		{CPU: 2, Context: "softirq", Event: "rcu_core(): nothing to do"},
		{CPU: 0, Context: "hardirq", Event: "rcu_exp_handler(): set need_qs"},
	}}
}

func TestPatchLineIndexConventions(t *testing.T) {
	diff := "diff --git a/f.c b/f.c\n--- a/f.c\n+++ b/f.c\n@@ -1,2 +1,3 @@\n a\n+b\n c\n"
	lines := splitDiff(diff, nil)
	const diffStart = 12 // the diff begins on line 12 of the mail body
	tests := []struct {
		name string
		f    finding.Finding
		want int
	}{
		{"mail-body line, as documented", finding.Finding{PatchLine: 17, Source: "+b"}, 5},
		{"diff-text line, recognised by its source", finding.Finding{PatchLine: 6, Source: "+b"}, 5},
		{"mail-body line without source", finding.Finding{PatchLine: 13}, 1},
		{"source that matches neither", finding.Finding{PatchLine: 6, Source: "+zzz"}, -1},
		{"no line", finding.Finding{Source: "+b"}, -1},
	}
	for _, tc := range tests {
		if got := patchLineIndex(tc.f, diffStart, lines); got != tc.want {
			t.Errorf("%s: index %d, want %d", tc.name, got, tc.want)
		}
	}
}

// FuzzEmailReply feeds arbitrary diffs and finding lines to the reply
// writer: it must not panic, and what it writes must parse as mail.
func FuzzEmailReply(f *testing.F) {
	f.Add("diff --git a/f.c b/f.c\n--- a/f.c\n+++ b/f.c\n@@ -1,2 +1,3 @@\n a\n+b\n c\n", 6, "+b", "f.c", 2, "message")
	f.Add("@@ -0,0 +1 @@\n+x", 1, "", "", 0, "no file header")
	f.Add("--- a\n+++ b\n@@ -1 +1 @@ \xff\n-\x00\n+From me\n\\ No newline at end of file\n", 3, "+From me", "b", 1, "From the start \u2026")
	f.Fuzz(func(t *testing.T, diff string, patchLine int, source, file string, line int, msg string) {
		p := &Patch{Subject: "s", MessageID: "m@x",
			Mail: &MailContext{Subject: "[PATCH] s", MessageID: "m@x", Diff: diff, DiffLine: 3},
			Findings: []finding.Finding{{Rule: finding.RuleNotraceInstrumentedCall, Severity: finding.Error,
				File: file, Line: line, PatchLine: patchLine, Source: source, Message: msg,
				Chain: []finding.Hop{{Function: "g", File: file, Line: line}}}}}
		p.Mail.From.Address = "a@example.org"
		r := &Report{Tool: "rcureview", Version: "fuzz", Patches: []*Patch{p}}
		m, err := EmailReply(r, p, EmailOptions{})
		if err != nil {
			t.Fatalf("reply: %v", err)
		}
		if _, err := gomessage.Read(bytes.NewReader(m.Raw)); err != nil {
			t.Fatalf("reply does not parse: %v", err)
		}
	})
}

// TestHeadlineFindingBitesMostKernels: among findings of one rule on one
// line, the reply leads with the one needing the fewest configuration
// conditions, not merely the shortest chain.
func TestHeadlineFindingBitesMostKernels(t *testing.T) {
	hop := func(n string) finding.Hop { return finding.Hop{Function: n} }
	narrow := finding.Finding{Rule: "notrace-instrumented-call", Severity: finding.Error, Function: "f",
		Message: "reaches rcu_qs_report", Chain: []finding.Hop{hop("a"), hop("trace_rcu_qs")},
		Config: []string{"CONFIG_A", "CONFIG_RCU_TRACE", "CONFIG_TREE_RCU"}}
	wide := finding.Finding{Rule: "notrace-instrumented-call", Severity: finding.Error, Function: "f",
		Message: "reaches softirq_raise", Chain: []finding.Hop{hop("a"), hop("b"), hop("trace_softirq_raise")},
		Config: []string{"CONFIG_A"}}
	var b strings.Builder
	writeFindingsAt(&b, []finding.Finding{narrow, wide})
	out := b.String()
	if i, j := strings.Index(out, "softirq_raise"), strings.Index(out, "rcu_qs_report"); i < 0 || j >= 0 && j < i {
		t.Errorf("the unconditional finding should lead:\n%s", out)
	}
}
