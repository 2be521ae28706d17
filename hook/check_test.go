package hook

import (
	"bytes"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/rcureview/rcureview/analyzers"
	"github.com/rcureview/rcureview/analyzers/noinstr"
	"github.com/rcureview/rcureview/analyzers/notrace"
	"github.com/rcureview/rcureview/finding"
	"github.com/rcureview/rcureview/reports"
)

// miniTree is the small kernel-shaped tree of the notrace analyzer's
// tests (rcu_read_unlock slow path, softirq, irq_work, tracepoints).
const miniTree = "../analyzers/notrace/testdata/mini"

// tc1 adds rcu_read_unlock_notrace() calling the traceable
// __rcu_read_unlock(), whose slow path reaches tracepoints (spec TC1).
const tc1 = "static inline notrace void rcu_read_unlock_notrace(void)\n{\n\t__rcu_read_unlock();\n}\n"

// clean adds a notrace helper that calls nothing instrumented.
const clean = "static inline notrace int rcu_helper_notrace(int x)\n{\n\treturn x + 1;\n}\n"

// kernelRepo is a git repository whose first commit holds the mini tree.
func kernelRepo(t *testing.T) *gitRepo {
	t.Helper()
	if _, err := os.Stat(miniTree); err != nil {
		t.Skipf("mini kernel tree not present: %v", err)
	}
	r := newGitRepo(t)
	err := filepath.WalkDir(miniTree, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(miniTree, p)
		r.write(filepath.ToSlash(rel), string(data))
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	r.commit("base: mini kernel tree")
	return r
}

func registry(t *testing.T) *analyzers.Registry {
	reg, err := analyzers.NewRegistry(notrace.Analyzer, noinstr.Analyzer)
	if err != nil {
		t.Fatal(err)
	}
	return reg
}

func blockingRules(res *CheckResult) []string {
	var out []string
	for _, p := range res.Report.Patches {
		for _, f := range p.Findings {
			if Blocks(f) {
				out = append(out, f.Rule)
			}
		}
	}
	return out
}

func TestCheckStagedBlocksOnlyIntroducedErrors(t *testing.T) {
	r := kernelRepo(t)
	reg := registry(t)
	tests := []struct {
		name     string
		path     string
		content  string
		blocking bool
	}{
		{"clean notrace helper passes", "include/linux/rcu_helper.h", clean, false},
		{"notrace root reaching tracepoints blocks", "include/linux/rcu_notrace.h", tc1, true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r.write(tc.path, tc.content)
			r.git("add", tc.path)
			defer r.git("reset", "-q", "--", tc.path)
			res, err := Check(CheckOptions{Dir: r.dir, Staged: true, Registry: reg, Tool: "rcureview", Version: "test"})
			if err != nil {
				t.Fatal(err)
			}
			if res.Reviewed != 1 || len(res.Report.Patches) != 1 || !res.Report.Patches[0].Applied {
				t.Fatalf("reviewed %d, patches %+v", res.Reviewed, res.Report.Patches)
			}
			rules := blockingRules(res)
			if tc.blocking != (res.Blocking > 0) {
				t.Fatalf("blocking = %d (%v), want blocking=%v", res.Blocking, rules, tc.blocking)
			}
			for _, rule := range rules {
				if rule != finding.RuleNotraceInstrumentedCall && rule != finding.RuleNotraceNameContract {
					t.Errorf("unexpected blocking rule %s", rule)
				}
			}
		})
	}
}

func TestCheckRangeReviewsEachCommitOnItsParent(t *testing.T) {
	r := kernelRepo(t)
	base := r.git("rev-parse", "HEAD")
	r.write("include/linux/rcu_helper.h", clean)
	r.commit("rcu: add a helper")
	r.write("include/linux/rcu_notrace.h", tc1)
	r.commit("rcu: add rcu_read_unlock_notrace()")
	res, err := Check(CheckOptions{Dir: r.dir, Range: base + "..HEAD", Registry: registry(t), Tool: "rcureview", Version: "test"})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Report.Patches) != 2 {
		t.Fatalf("%d patches, want 2", len(res.Report.Patches))
	}
	first, second := res.Report.Patches[0], res.Report.Patches[1]
	if !strings.Contains(first.Subject, "add a helper") || !strings.Contains(second.Subject, "rcu_read_unlock_notrace") {
		t.Fatalf("order: %q then %q", first.Subject, second.Subject)
	}
	for _, f := range first.Findings {
		if Blocks(f) {
			t.Errorf("clean commit has blocking %s: %s", f.Rule, f.Message)
		}
	}
	if res.Blocking == 0 || !second.Applied {
		t.Fatalf("second commit: blocking %d, applied %v", res.Blocking, second.Applied)
	}
}

func TestBlocks(t *testing.T) {
	tests := []struct {
		name string
		f    finding.Finding
		want bool
	}{
		{"new error", finding.Finding{Rule: finding.RuleNotraceInstrumentedCall, Severity: finding.Error, Status: finding.StatusNew}, true},
		{"changed error", finding.Finding{Rule: finding.RuleNotraceInstrumentedCall, Severity: finding.Error, Status: "changed"}, true},
		{"pre-existing error", finding.Finding{Rule: finding.RuleNotraceInstrumentedCall, Severity: finding.Error, Status: finding.StatusPreExisting}, false},
		{"warning", finding.Finding{Rule: finding.RuleNotraceInstrumentedCall, Severity: finding.Warning, Status: finding.StatusNew}, false},
		{"rcureview could not apply the change", finding.Finding{Rule: finding.RuleInputApply, Severity: finding.Error, Status: finding.StatusNew}, false},
	}
	for _, tc := range tests {
		if got := Blocks(tc.f); got != tc.want {
			t.Errorf("%s: Blocks = %v, want %v", tc.name, got, tc.want)
		}
	}
}

// TestPreCommitHookBlocksTheCommit installs the hook with the built
// command and runs real "git commit"s.
func TestPreCommitHookBlocksTheCommit(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the command")
	}
	r := kernelRepo(t)
	bin := filepath.Join(t.TempDir(), "rcureview")
	if out, err := exec.Command("go", "build", "-o", bin, "../cmd/rcureview").CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	// An existing hook that refuses commits while a file "STOP" exists.
	r.write(".git/hooks/pre-commit", "#!/bin/sh\nif [ -e STOP ]; then echo chained hook says no; exit 3; fi\n")
	os.Chmod(filepath.Join(r.dir, ".git/hooks/pre-commit"), 0o755)
	cmd := exec.Command(bin, "hook", "install", "--git", r.dir)
	if out, err := cmd.CombinedOutput(); err != nil || !strings.Contains(string(out), "chained") {
		t.Fatalf("hook install: %v\n%s", err, out)
	}

	head := r.git("rev-parse", "HEAD")
	r.write("include/linux/rcu_helper.h", clean)
	r.git("add", "-A")
	if out, err := r.gitErr(nil, "commit", "-q", "-m", "rcu: clean helper"); err != nil {
		t.Fatalf("clean commit blocked: %v\n%s", err, out)
	}
	if r.git("rev-parse", "HEAD") == head {
		t.Fatal("clean commit not made")
	}

	head = r.git("rev-parse", "HEAD")
	r.write("include/linux/rcu_notrace.h", tc1)
	r.git("add", "-A")
	out, err := r.gitErr(nil, "commit", "-q", "-m", "rcu: add rcu_read_unlock_notrace()")
	if err == nil {
		t.Fatalf("commit adding a notrace finding went through:\n%s", out)
	}
	if !strings.Contains(out, "ERROR: notrace-instrumented-call") || !strings.Contains(out, "introduced by the change") {
		t.Errorf("hook output:\n%s", out)
	}
	if r.git("rev-parse", "HEAD") != head {
		t.Fatal("blocked commit was made")
	}

	// The chained hook still runs first and can block on its own.
	r.git("reset", "-q", "--", "include/linux/rcu_notrace.h")
	os.Remove(filepath.Join(r.dir, "include/linux/rcu_notrace.h"))
	r.write("STOP", "")
	r.write("kernel/other.c", "int other;\n")
	r.git("add", "kernel/other.c")
	out, err = r.gitErr(nil, "commit", "-q", "-m", "other")
	if err == nil || !strings.Contains(out, "chained hook says no") {
		t.Fatalf("chained hook did not block: %v\n%s", err, out)
	}
	if out, err := exec.Command(bin, "hook", "uninstall", "--git", r.dir).CombinedOutput(); err != nil {
		t.Fatalf("uninstall: %v\n%s", err, out)
	}
	data, _ := os.ReadFile(filepath.Join(r.dir, ".git/hooks/pre-commit"))
	if !strings.Contains(string(data), "chained hook says no") {
		t.Fatalf("uninstall did not restore the original hook:\n%s", data)
	}
}

func TestCheckRulesAndBaselineDoNotBlock(t *testing.T) {
	r := kernelRepo(t)
	reg := registry(t)
	r.write("include/linux/rcu_notrace.h", tc1)
	r.git("add", "include/linux/rcu_notrace.h")
	defer r.git("reset", "-q", "--", "include/linux/rcu_notrace.h")
	opt := CheckOptions{Dir: r.dir, Staged: true, Registry: reg, Tool: "rcureview", Version: "test"}
	first, err := Check(opt)
	if err != nil || first.Blocking == 0 {
		t.Fatalf("first check: blocking %d, %v", first.Blocking, err)
	}
	var buf bytes.Buffer
	if err := reports.WriteJSON(&buf, first.Report); err != nil {
		t.Fatal(err)
	}
	b, err := reports.ParseBaseline(buf.Bytes())
	if err != nil {
		t.Fatal(err)
	}
	opt.Baseline = b
	second, err := Check(opt)
	if err != nil || second.Blocking != 0 {
		t.Fatalf("with the baseline: blocking %d, %v", second.Blocking, err)
	}
	opt.Baseline = nil
	ignore, _ := reports.ParseRuleList([]string{"notrace-instrumented-call,notrace-name-contract"})
	opt.Rules = reports.RuleFilter{Ignore: ignore}
	third, err := Check(opt)
	if err != nil || third.Blocking != 0 {
		t.Fatalf("with --ignore: blocking %d, %v", third.Blocking, err)
	}
}

// TestCheckRangeCountsLinesAsFormatPatch: a commit is reviewed without
// being written as mail, yet "#N" (the finding's input line) counts the
// lines of "git format-patch --no-stat" output of it, as checkpatch on that
// file would, and the patch line counts the lines of its body.
func TestCheckRangeCountsLinesAsFormatPatch(t *testing.T) {
	r := kernelRepo(t)
	base := r.git("rev-parse", "HEAD")
	r.write("include/linux/rcu_notrace.h", tc1)
	hash := r.commit("rcu: add rcu_read_unlock_notrace()\n\nA body line.\n\nSigned-off-by: Dev <dev@example.org>")
	res, err := Check(CheckOptions{Dir: r.dir, Range: base + "..HEAD", Registry: registry(t), Tool: "rcureview", Version: "test"})
	if err != nil {
		t.Fatal(err)
	}
	mail := strings.Split(r.git("format-patch", "--stdout", "--no-stat", "-1", hash), "\n")
	checked := 0
	for _, p := range res.Report.Patches {
		if p.Input != hash {
			t.Errorf("patch input %q, want the commit %s", p.Input, hash)
		}
		for _, f := range p.Findings {
			if f.InputLine <= 0 || f.Source == "" {
				continue
			}
			if f.InputLine > len(mail) || mail[f.InputLine-1] != f.Source {
				t.Errorf("%s: #%d is %q in format-patch output, the finding quotes %q", f.Rule, f.InputLine, mail[min(f.InputLine, len(mail))-1], f.Source)
			}
			checked++
		}
	}
	if checked == 0 {
		t.Fatal("no finding with an input line to check")
	}
}
