package main

import (
	"bytes"
	"compress/gzip"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/rcureview/rcureview/reports"
)

const sample = "../../testdata/rcu-read-lock-notrace.mbox"

// runCLI runs the command line in-process and returns exit code and outputs.
func runCLI(t *testing.T, stdin string, args ...string) (int, string, string) {
	t.Helper()
	var out, errb bytes.Buffer
	code := run(args, strings.NewReader(stdin), &out, &errb)
	return code, out.String(), errb.String()
}

func decodeReport(t *testing.T, s string) *reports.Report {
	t.Helper()
	var r reports.Report
	if err := json.Unmarshal([]byte(s), &r); err != nil {
		t.Fatalf("output is not JSON: %v\n%s", err, s)
	}
	return &r
}

func TestHelpReadsLikeAUnixTool(t *testing.T) {
	code, out, _ := runCLI(t, "", "--help")
	if code != 0 || !strings.HasPrefix(out, "usage: rcureview <command>") {
		t.Fatalf("--help: code %d, out %q", code, out)
	}
	code, _, errOut := runCLI(t, "", "review", "--help")
	if code != 0 || !strings.Contains(errOut, "usage: rcureview review") || !strings.Contains(errOut, "-tree DIR") {
		t.Fatalf("review --help: code %d, stderr %q", code, errOut)
	}
}

func TestUsageErrorsExit2(t *testing.T) {
	for name, args := range map[string][]string{
		"no command":          {},
		"unknown command":     {"frobnicate"},
		"no files":            {"review"},
		"bad format":          {"review", "--format", "xml", sample},
		"tree and git":        {"review", "--tree", ".", "--git", ".", sample},
		"tree does not exist": {"review", "--tree", "/nonexistent/rcureview", sample},
		"unknown flag":        {"review", "--bogus", sample},
	} {
		t.Run(name, func(t *testing.T) {
			if code, _, _ := runCLI(t, "", args...); code != 2 {
				t.Fatalf("exit %d, want 2", code)
			}
		})
	}
}

func TestReviewSampleWithoutTreeSaysSo(t *testing.T) {
	code, out, errOut := runCLI(t, "", "review", sample)
	if code != 1 {
		t.Fatalf("exit %d (want 1: the series has notrace findings), stderr %s\n%s", code, errOut, out)
	}
	for _, want := range []string{
		"kernel embedded:6.12",
		"no kernel tree given",
		"patch [1/2]: [RFC PATCH 1/2] rcu: Add rcu_read_lock_notrace()",
		"patch [2/2]: [RFC PATCH 2/2] tracing: Use rcu_read_lock_notrace() in __DO_TRACE()",
		"ERROR: notrace-instrumented-call: rcu_read_unlock_notrace() reaches traceable __rcu_read_unlock() (ftrace-able), which reaches 9 tracepoints (softirq_raise,",
		"-> trace_softirq_raise [tracepoint softirq_raise",
		"  paths: 20 chains",
		"#71: FILE: include/linux/rcupdate.h:986:", // #N counts lines of the input file, as checkpatch
		"+\t__rcu_read_unlock();",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
	if strings.Contains(out, "[RFC PATCH 0/2]") {
		t.Errorf("the cover letter was reviewed as a patch:\n%s", out)
	}
}

func TestReviewJSONSchema1(t *testing.T) {
	code, out, _ := runCLI(t, "", "review", "--format", "json", sample)
	if code != 1 {
		t.Fatalf("exit %d, want 1", code)
	}
	r := decodeReport(t, out)
	if r.Schema != 1 || r.Tool != "rcureview" || r.Kernel.Source != "embedded:6.12" {
		t.Fatalf("header: %+v", r)
	}
	if len(r.Patches) != 2 {
		t.Fatalf("want 2 patches, got %d", len(r.Patches))
	}
	for i, p := range r.Patches {
		if p.Index != i+1 || p.Total != 2 || p.Applied || p.MessageID == "" || p.Series == "" {
			t.Errorf("patch %d: %+v", i, p)
		}
	}
	// Keys of the schema are present even when empty.
	var raw map[string]any
	json.Unmarshal([]byte(out), &raw)
	p0 := raw["patches"].([]any)[0].(map[string]any)
	for _, k := range []string{"subject", "message_id", "series", "index", "total", "applied", "error", "findings"} {
		if _, ok := p0[k]; !ok {
			t.Errorf("patch entry lacks key %q", k)
		}
	}
}

func TestReviewStdinAndGzip(t *testing.T) {
	data, err := os.ReadFile(sample)
	if err != nil {
		t.Fatal(err)
	}
	code, out, _ := runCLI(t, string(data), "review", "--format", "json", "-")
	if code != 1 || len(decodeReport(t, out).Patches) != 2 {
		t.Fatalf("stdin: exit %d\n%s", code, out)
	}
	gz := filepath.Join(t.TempDir(), "series.mbox.gz")
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	zw.Write(data)
	zw.Close()
	os.WriteFile(gz, buf.Bytes(), 0o644)
	code, out, _ = runCLI(t, "", "review", "--format", "json", gz)
	if code != 1 || len(decodeReport(t, out).Patches) != 2 {
		t.Fatalf("gzip: exit %d\n%s", code, out)
	}
}

func TestOutWritesOnlyTheAskedFile(t *testing.T) {
	dir := t.TempDir()
	out := filepath.Join(dir, "report.json")
	code, stdout, _ := runCLI(t, "", "review", "--format", "json", "--out", out, sample)
	if code != 1 || stdout != "" {
		t.Fatalf("exit %d, stdout %q", code, stdout)
	}
	ents, _ := os.ReadDir(dir)
	if len(ents) != 1 || ents[0].Name() != "report.json" {
		t.Fatalf("directory holds %v", ents)
	}
	data, _ := os.ReadFile(out)
	decodeReport(t, string(data))
}

func TestBadInputIsReportedPerItem(t *testing.T) {
	dir := t.TempDir()
	binary := filepath.Join(dir, "binary.mbox")
	bin := make([]byte, 4096)
	for i := range bin {
		bin[i] = byte(i * 7)
	}
	os.WriteFile(binary, bin, 0o644)
	t.Run("binary file alone exits 2", func(t *testing.T) {
		code, out, _ := runCLI(t, "", "review", "--format", "json", binary)
		if code != 2 {
			t.Fatalf("exit %d, want 2\n%s", code, out)
		}
		r := decodeReport(t, out)
		if len(r.Patches) == 0 || r.Patches[0].Findings[0].Rule != "input-mail" {
			t.Fatalf("want an input-mail entry: %s", out)
		}
	})
	t.Run("binary file next to a good series exits 1 and reviews the series", func(t *testing.T) {
		code, out, _ := runCLI(t, "", "review", "--format", "json", binary, sample)
		if code != 1 {
			t.Fatalf("exit %d, want 1\n%s", code, out)
		}
		r := decodeReport(t, out)
		good := 0
		for _, p := range r.Patches {
			if strings.Contains(p.Subject, "rcu_read_lock_notrace") {
				good++
			}
		}
		if good != 2 {
			t.Fatalf("the good series was not reviewed: %s", out)
		}
	})
	t.Run("missing file is an entry, not a crash", func(t *testing.T) {
		code, out, _ := runCLI(t, "", "review", "--format", "json", filepath.Join(dir, "nope.mbox"), sample)
		if code != 1 || !strings.Contains(out, "no such file") {
			t.Fatalf("exit %d\n%s", code, out)
		}
	})
	t.Run("hunk counts that lie", func(t *testing.T) {
		data, _ := os.ReadFile(sample)
		bad := strings.Replace(string(data), "@@ -971,6 +971,21 @@", "@@ -971,9 +971,40 @@", 1)
		p := filepath.Join(dir, "lying.mbox")
		os.WriteFile(p, []byte(bad), 0o644)
		code, out, _ := runCLI(t, "", "review", "--format", "json", p)
		if code != 1 {
			t.Fatalf("exit %d\n%s", code, out)
		}
		r := decodeReport(t, out)
		if len(r.Patches) != 2 || r.Patches[0].Error == "" || r.Patches[0].Findings[0].Rule != "input-patch" {
			t.Fatalf("patch 1 should fail with input-patch, patch 2 still reviewed:\n%s", out)
		}
		if r.Patches[1].Error != "" {
			t.Fatalf("patch 2 should be fine: %+v", r.Patches[1])
		}
	})
	t.Run("truncated mail", func(t *testing.T) {
		data, _ := os.ReadFile(sample)
		p := filepath.Join(dir, "truncated.mbox")
		os.WriteFile(p, data[:len(data)*2/3], 0o644)
		code, out, _ := runCLI(t, "", "review", "--format", "json", p)
		if code != 1 {
			t.Fatalf("exit %d, want 1 (patch 1 fine, patch 2 cut)\n%s", code, out)
		}
	})
	t.Run("invalid UTF-8 everywhere", func(t *testing.T) {
		data, _ := os.ReadFile(sample)
		s := strings.ReplaceAll(string(data), "Ada Reviewer", "Ada \xff\xfe Reviewer")
		s = strings.ReplaceAll(s, "Tracepoints need", "Trace\xc3points \xed\xa0\x80need")
		p := filepath.Join(dir, "badutf8.mbox")
		os.WriteFile(p, []byte(s), 0o644)
		code, out, _ := runCLI(t, "", "review", "--format", "json", p)
		if code == 2 {
			t.Fatalf("exit 2: invalid UTF-8 must not make the series unreviewable\n%s", out)
		}
		if !json.Valid([]byte(out)) {
			t.Fatal("output is not valid JSON")
		}
	})
}

func TestRulesListsEveryRule(t *testing.T) {
	code, out, _ := runCLI(t, "", "rules")
	if code != 0 || !strings.Contains(out, "notrace-instrumented-call") || !strings.Contains(out, "input-apply") {
		t.Fatalf("exit %d\n%s", code, out)
	}
}

// TestConfigRulesOutFindings: with a .config, findings whose conditions it
// rules out are dropped (no PREEMPT_RCU: __rcu_read_unlock() is not even
// built; PREEMPT_RCU without RCU_TRACE: the RCU tracepoints are NOPs).
func TestConfigRulesOutFindings(t *testing.T) {
	dir := t.TempDir()
	noPreempt := filepath.Join(dir, "tree.config")
	os.WriteFile(noPreempt, []byte("CONFIG_TREE_RCU=y\n# CONFIG_PREEMPT_RCU is not set\n"), 0o644)
	code, out, _ := runCLI(t, "", "review", "--config", noPreempt, "--format", "json", sample)
	r := decodeReport(t, out)
	if code != 0 || len(r.Patches[0].Findings) != 0 || r.Kernel.Config != noPreempt {
		t.Fatalf("!PREEMPT_RCU: exit %d, findings %+v", code, r.Patches[0].Findings)
	}
	preempt := filepath.Join(dir, "preempt.config")
	os.WriteFile(preempt, []byte("CONFIG_TREE_RCU=y\nCONFIG_PREEMPT_RCU=y\nCONFIG_SMP=y\nCONFIG_IRQ_WORK=y\n# CONFIG_RCU_TRACE is not set\n"), 0o644)
	code, out, _ = runCLI(t, "", "review", "--config", preempt, "--format", "json", sample)
	r = decodeReport(t, out)
	var softirq, rcuEvents int
	for _, f := range r.Patches[0].Findings {
		for _, p := range f.Paths {
			if p.Target == "softirq_raise" {
				softirq++
			}
			if p.Sink == "tracepoint" && strings.HasPrefix(p.Target, "rcu_") {
				rcuEvents++
			}
		}
	}
	if code != 1 || softirq != 1 || rcuEvents != 0 {
		t.Fatalf("PREEMPT_RCU && !RCU_TRACE: exit %d, softirq_raise %d, rcu_* %d", code, softirq, rcuEvents)
	}
	bad := filepath.Join(dir, "bad.config")
	os.WriteFile(bad, []byte("this is not a config\n"), 0o644)
	if code, _, _ := runCLI(t, "", "review", "--config", bad, sample); code != 2 {
		t.Fatalf("bad config: exit %d, want 2", code)
	}
}

// TestWriteErrorsAreReported writes to a full device (/dev/full): review
// and extract name what they wrote to and exit 2, as --out FILE does.
func TestWriteErrorsAreReported(t *testing.T) {
	full, err := os.OpenFile("/dev/full", os.O_WRONLY, 0)
	if err != nil {
		t.Skipf("no /dev/full: %v", err)
	}
	defer full.Close()
	for _, args := range [][]string{{"review", sample}, {"extract", sample}} {
		var errb bytes.Buffer
		code := run(args, strings.NewReader(""), full, &errb)
		if code != 2 || !strings.Contains(errb.String(), "write /dev/full: no space left on device") {
			t.Errorf("%s >/dev/full: exit %d, stderr %q; want 2 and the device named", args[0], code, errb.String())
		}
	}
	code, _, errOut := runCLI(t, "", "review", "--out", "/dev/full", sample)
	if code != 2 || !strings.Contains(errOut, "/dev/full") {
		t.Errorf("review --out /dev/full: exit %d, stderr %q", code, errOut)
	}
}

// TestTerminalEscapesNeverReachTheTerminal: a subject and a path with
// sequences that set the window title, clear the screen and recolour
// are shown escaped by review (with or without --color) and extract.
func TestTerminalEscapesNeverReachTheTerminal(t *testing.T) {
	path := "kernel/rcu/x\u202e.c"
	mail := "From x@z Thu Jan  1 00:00:00 1970\nFrom: Dev <dev@example.org>\n" +
		"Subject: [PATCH] rcu: \x1b]0;PWNED\x07 \x1b[2J \u009b31m\nMessage-ID: <esc@example.org>\n" +
		"Content-Type: text/plain; charset=utf-8\n\nFix.\n---\n" +
		"diff --git a/" + path + " b/" + path + "\nnew file mode 100644\n--- /dev/null\n+++ b/" + path + "\n" +
		"@@ -0,0 +1,2 @@\n+void foo_notrace(void) /* \x1b[8m */\n+{ }\n"
	file := filepath.Join(t.TempDir(), "esc.mbox")
	os.WriteFile(file, []byte(mail), 0o644)
	raw := func(s string) bool { return strings.ContainsAny(s, "\x1b\x07\u009b\u202e") }
	for _, args := range [][]string{
		{"review", "--color", "never", file},
		{"review", "--color", "always", "--quiet", file},
		{"extract", file},
	} {
		_, out, errOut := runCLI(t, "", args...)
		clean := strings.ReplaceAll(out, "\x1b[", "") // the colours the text format sets itself
		if raw(clean) || raw(errOut) || !strings.Contains(out, `\x1b]0;PWNED\x07`) {
			t.Errorf("%v writes control characters raw or drops the subject:\n%q", args, out)
		}
	}
}
