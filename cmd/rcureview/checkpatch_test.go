package main

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/rcureview/rcureview/finding"
	"github.com/rcureview/rcureview/internal/kerneltest"
)

// clean is a real comment-only patch to kernel/rcu/sync.c of 6.12.
const clean = "../../testdata/rcu-sync-comment.mbox"

// checkpatchLine is the regex editors and CI scripts use on checkpatch's
// --terse/--emacs/--showfile lines (the acceptance regex).
var checkpatchLine = regexp.MustCompile(`^([^:]+):(\d+): (ERROR|WARNING|CHECK):`)

func TestTerseLinesParseAsCheckpatch(t *testing.T) {
	code, out, errOut := runCLI(t, "", "review", "--terse", "--no-summary", sample)
	if code != 1 || errOut != "" {
		t.Fatalf("exit %d, stderr %q", code, errOut)
	}
	lines := strings.Split(strings.TrimSuffix(out, "\n"), "\n")
	if len(lines) < 2 {
		t.Fatalf("only %d lines:\n%s", len(lines), out)
	}
	errors := 0
	for _, l := range lines {
		m := checkpatchLine.FindStringSubmatch(l)
		if m == nil {
			t.Fatalf("line does not parse as checkpatch's: %q", l)
		}
		// --showfile semantics: the patched file and its line.
		if m[1] != "include/linux/rcupdate.h" && m[1] != "include/linux/tracepoint.h" {
			t.Errorf("file %q in %q", m[1], l)
		}
		if m[3] == "ERROR" {
			errors++
		}
		if !regexp.MustCompile(`^[^:]+:\d+: (ERROR|WARNING):[a-z-]+: \S`).MatchString(l) {
			t.Errorf("no SEVERITY:RULE: message shape: %q", l)
		}
	}
	if errors == 0 {
		t.Errorf("no ERROR line:\n%s", out)
	}

	// Without --no-summary a total line follows, as checkpatch's.
	_, out, _ = runCLI(t, "", "review", "--terse", sample)
	if last := lines2(out)[len(lines2(out))-1]; !strings.HasPrefix(last, "total: ") {
		t.Errorf("last line %q, want the total", last)
	}
}

func lines2(s string) []string { return strings.Split(strings.TrimSuffix(s, "\n"), "\n") }

// TestEmacsCountsTheInputFile checks --emacs positions (and "#N") against
// the input: the line named holds the patch line the finding quotes.
func TestEmacsCountsTheInputFile(t *testing.T) {
	data, err := os.ReadFile(sample)
	if err != nil {
		t.Fatal(err)
	}
	input := strings.Split(string(data), "\n")
	for _, args := range [][]string{
		{"review", "--terse", "--emacs", "--no-summary", sample},
		{"review", "--terse", "--emacs", "--no-summary", "-"},
	} {
		_, out, _ := runCLI(t, string(data), args...)
		for _, l := range lines2(out) {
			m := checkpatchLine.FindStringSubmatch(l)
			if m == nil {
				t.Fatalf("unparsable %q", l)
			}
			want := sample
			if args[len(args)-1] == "-" {
				want = "-" // checkpatch names standard input "-"
			}
			n, _ := strconv.Atoi(m[2])
			if m[1] != want || n < 1 || n > len(input) || !strings.HasPrefix(input[n-1], "+") {
				t.Errorf("%q: input line %d is %q", l, n, input[max(n, 1)-1])
			}
		}
	}
	// The full text form: --emacs prefixes the first line, "#N" counts
	// the input file too.
	_, out, _ := runCLI(t, "", "review", "--emacs", "-q", sample)
	re := regexp.MustCompile(`(?m)^` + regexp.QuoteMeta(sample) + `:(\d+): ERROR: notrace-instrumented-call: .*\n#(\d+): FILE: include/linux/rcupdate.h:986:\n\+\t__rcu_read_unlock\(\);$`)
	m := re.FindStringSubmatch(out)
	if m == nil || m[1] != m[2] || input[mustAtoi(m[1])-1] != "+\t__rcu_read_unlock();" {
		t.Errorf("emacs text form: %v\n%s", m, out)
	}
}

func mustAtoi(s string) int { n, _ := strconv.Atoi(s); return n }

func TestTerseQuietCleanPrintsNothing(t *testing.T) {
	tree := kerneltest.Tree(t)
	for _, args := range [][]string{
		{"review", "--tree", tree, "--terse", "--quiet", clean},
		{"review", "--tree", tree, "-q", "--terse", "--no-summary", "--mailback", "--showfile", clean},
		{"review", "--tree", tree, "--mailback", clean},
	} {
		code, out, errOut := runCLI(t, "", args...)
		if code != 0 || out != "" || errOut != "" {
			t.Errorf("%v: exit %d, stdout %q, stderr %q", args, code, out, errOut)
		}
	}
	// The same patch without a tree is clean too (nothing instrumented).
	if code, out, errOut := runCLI(t, "", "review", "--terse", "--quiet", clean); code != 0 || out != "" || errOut != "" {
		t.Errorf("no tree: exit %d, stdout %q, stderr %q", code, out, errOut)
	}
}

func TestIgnoreAndTypesDropRules(t *testing.T) {
	code, out, _ := runCLI(t, "", "review", "--terse", "--no-summary", "--ignore", "NOTRACE_INSTRUMENTED_CALL", sample)
	if code != 0 || strings.Contains(out, "notrace-instrumented-call") {
		t.Errorf("--ignore: exit %d\n%s", code, out)
	}
	code, out, _ = runCLI(t, "", "review", "--format", "json", "--ignore", "rcu-unbalanced,notrace-instrumented-call", sample)
	r := decodeReport(t, out)
	for _, p := range r.Patches {
		for _, f := range p.Findings {
			if f.Rule == finding.RuleNotraceInstrumentedCall {
				t.Errorf("ignored rule in JSON: %+v", f)
			}
		}
	}
	if code != 0 || !strings.Contains(strings.Join(r.Notes, "\n"), "dropped") {
		t.Errorf("exit %d, notes %q", code, r.Notes)
	}
	code, out, _ = runCLI(t, "", "review", "--terse", "--no-summary", "--types", "notrace-instrumented-call", sample)
	if code != 1 || len(lines2(out)) < 2 {
		t.Errorf("--types keeps the rule: exit %d\n%s", code, out)
	}
	code, out, _ = runCLI(t, "", "review", "--terse", "--types", "rcu-gp-stall", sample)
	if code != 0 || out != "" {
		t.Errorf("--types of another rule: exit %d\n%s", code, out)
	}
	if code, _, errOut := runCLI(t, "", "review", "--ignore", "NO_SUCH_RULE", sample); code != 2 || !strings.Contains(errOut, "unknown rule") {
		t.Errorf("unknown rule: exit %d, %q", code, errOut)
	}
}

func TestB4Format(t *testing.T) {
	type result struct {
		Tool, Status, Summary, URL, Details string
	}
	decode := func(out string) []result {
		var rs []result
		if err := json.Unmarshal([]byte(out), &rs); err != nil {
			t.Fatalf("not b4's JSON array: %v\n%s", err, out)
		}
		return rs
	}
	_, out, _ := runCLI(t, "", "review", "--format", "b4", sample)
	rs := decode(out)
	if len(rs) != 2 || rs[0].Tool != "rcureview" || rs[0].Status != "fail" || !strings.Contains(rs[0].Summary, "error") {
		t.Fatalf("dirty sample: %+v", rs)
	}
	var details []struct{ Status, Description string }
	if err := json.Unmarshal([]byte(rs[0].Details), &details); err != nil || len(details) < 2 {
		t.Fatalf("details %q: %v", rs[0].Details, err)
	}
	if !checkpatchLine.MatchString(details[0].Description) {
		t.Errorf("detail %q is not a checkpatch line", details[0].Description)
	}
	_, out, _ = runCLI(t, "", "review", "--format", "b4", clean)
	rs = decode(out)
	if len(rs) != 1 || rs[0].Status != "pass" || rs[0].Summary != "no findings" {
		t.Fatalf("clean sample: %+v", rs)
	}
	// A cover letter alone: nothing to report is an empty array.
	data, _ := os.ReadFile(sample)
	cover := string(data)[:strings.Index(string(data)[1:], "\nFrom ")+1]
	_, out, _ = runCLI(t, cover, "review", "--format", "b4", "-")
	if strings.TrimSpace(out) != "[]" {
		t.Errorf("cover letter: %q", out)
	}
}

func TestBaselineMarksUnchanged(t *testing.T) {
	dir := t.TempDir()
	base := filepath.Join(dir, "base.json")
	code, _, errOut := runCLI(t, "", "review", "--update-baseline", base, "-q", sample)
	if code != 1 {
		t.Fatalf("first run: exit %d %s", code, errOut)
	}
	for _, format := range []string{"json", "sarif"} {
		b := base
		if format == "sarif" {
			b = filepath.Join(dir, "base.sarif")
			runCLI(t, "", "review", "--format", "sarif", "--out", b, sample)
		}
		code, out, _ := runCLI(t, "", "review", "--baseline", b, "--format", "json", sample)
		if code != 0 {
			t.Fatalf("%s baseline: exit %d, want 0", format, code)
		}
		r := decodeReport(t, out)
		n := 0
		for _, p := range r.Patches {
			for _, f := range p.Findings {
				n++
				if f.Status != finding.StatusUnchanged {
					t.Errorf("%s baseline: finding not unchanged: %+v", format, f)
				}
			}
		}
		if n == 0 || r.Baseline != b {
			t.Errorf("%s baseline: %d findings, baseline %q", format, n, r.Baseline)
		}
	}
	// SARIF carries baselineState; terse hides what the baseline had.
	_, out, _ := runCLI(t, "", "review", "--baseline", base, "--format", "sarif", sample)
	if !strings.Contains(out, `"baselineState": "unchanged"`) || strings.Contains(out, `"baselineState": "new"`) {
		t.Errorf("SARIF baselineState missing or new")
	}
	if !strings.Contains(out, `"automationDetails"`) || !strings.Contains(out, `"id": "rcureview/review/`) {
		t.Errorf("SARIF automationDetails missing")
	}
	if code, out, _ := runCLI(t, "", "review", "--baseline", base, "--terse", sample); code != 0 || out != "" {
		t.Errorf("terse with baseline: exit %d\n%s", code, out)
	}
	// A baseline of another series leaves findings new.
	other := filepath.Join(dir, "other.json")
	os.WriteFile(other, []byte(`{"schema":1,"tool":"rcureview","version":"x","kernel":{"source":"embedded:6.12","config":""},"patches":[]}`), 0o644)
	if code, _, _ := runCLI(t, "", "review", "--baseline", other, "-q", sample); code != 1 {
		t.Errorf("empty baseline: exit %d, want 1", code)
	}
	for name, content := range map[string]string{"garbage.json": "not json", "other.sarif": `{"runs":[{"results":[{"ruleId":"x"}]}]}`} {
		p := filepath.Join(dir, name)
		os.WriteFile(p, []byte(content), 0o644)
		if code, _, errOut := runCLI(t, "", "review", "--baseline", p, sample); code != 2 || !strings.Contains(errOut, "baseline") {
			t.Errorf("%s: exit %d, %q", name, code, errOut)
		}
	}
}

// TestBaselineWholeTreeAudit is the acceptance run: a whole-tree audit
// (--all) of the real 6.12 repository written as a baseline makes the
// second audit exit 0 with every finding unchanged.
func TestBaselineWholeTreeAudit(t *testing.T) {
	if testing.Short() {
		t.Skip("whole-tree audit: skipped with -short")
	}
	repo := kerneltest.GitRepo(t)
	base := filepath.Join(t.TempDir(), "audit.json")
	code, out, errOut := runCLI(t, "", "review", "--git", repo, "--all", "--update-baseline", base, "--format", "json", clean)
	if code != 1 {
		t.Fatalf("first audit: exit %d (want 1: the 6.12 audit has findings) %s", code, errOut)
	}
	first := decodeReport(t, out)
	code, out, errOut = runCLI(t, "", "review", "--git", repo, "--all", "--baseline", base, "--format", "json", clean)
	if code != 0 {
		t.Fatalf("second audit: exit %d, want 0 %s", code, errOut)
	}
	second := decodeReport(t, out)
	n := 0
	for _, p := range second.Patches {
		for _, f := range p.Findings {
			n++
			if f.Status != finding.StatusUnchanged {
				t.Errorf("not unchanged: %s %s %s", f.Rule, f.Function, f.Message)
			}
		}
	}
	want := 0
	for _, p := range first.Patches {
		want += len(p.Findings)
	}
	if n == 0 || n != want {
		t.Errorf("%d findings in the second audit, %d in the first", n, want)
	}
	t.Logf("whole-tree audit: %d findings, all unchanged against the baseline", n)
}

func TestCheckWritesSARIFAndJSON(t *testing.T) {
	if _, err := exec.LookPath("git"); err != nil {
		t.Skip("git not installed")
	}
	dir := t.TempDir()
	gitc := func(args ...string) {
		cmd := exec.Command("git", args...)
		cmd.Dir = dir
		cmd.Env = append(os.Environ(), "GIT_CONFIG_NOSYSTEM=1", "HOME="+dir,
			"GIT_AUTHOR_NAME=Dev", "GIT_AUTHOR_EMAIL=dev@example.org", "GIT_COMMITTER_NAME=Dev", "GIT_COMMITTER_EMAIL=dev@example.org")
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("git %v: %v\n%s", args, err, out)
		}
	}
	gitc("init", "-q", "-b", "main")
	os.MkdirAll(filepath.Join(dir, "kernel"), 0o755)
	os.WriteFile(filepath.Join(dir, "kernel/a.c"), []byte("int a;\n"), 0o644)
	gitc("add", "-A")
	gitc("commit", "-q", "-m", "a")
	os.WriteFile(filepath.Join(dir, "kernel/a.c"), []byte("int a;\nint b;\n"), 0o644)
	gitc("add", "-A")
	code, out, errOut := runCLI(t, "", "check", "--git", dir, "--staged", "--format", "sarif")
	if code != 0 {
		t.Fatalf("check --format sarif: exit %d %s", code, errOut)
	}
	var log struct {
		Version string `json:"version"`
		Runs    []struct {
			AutomationDetails struct{ ID string } `json:"automationDetails"`
		} `json:"runs"`
	}
	if err := json.Unmarshal([]byte(out), &log); err != nil || log.Version != "2.1.0" || len(log.Runs) != 1 ||
		!strings.HasPrefix(log.Runs[0].AutomationDetails.ID, "rcureview/check/") {
		t.Fatalf("SARIF %+v %v\n%s", log, err, out)
	}
	code, out, _ = runCLI(t, "", "check", "--git", dir, "--staged", "--format", "json")
	if r := decodeReport(t, out); code != 0 || len(r.Patches) != 1 {
		t.Fatalf("check --format json: exit %d\n%s", code, out)
	}
	if code, out, _ := runCLI(t, "", "check", "--git", dir, "--staged", "--terse", "-q"); code != 0 || out != "" {
		t.Fatalf("check --terse -q on a clean change: exit %d %q", code, out)
	}
}
