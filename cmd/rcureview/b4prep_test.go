package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/rcureview/rcureview/internal/kerneltest"
)

// gitEnv is the environment of the git and b4 commands the tests run: no
// system or user configuration, a fixed identity.
func gitEnv(home string) []string {
	return append(os.Environ(), "GIT_CONFIG_NOSYSTEM=1", "HOME="+home, "XDG_CONFIG_HOME="+home,
		"GIT_AUTHOR_NAME=Dev", "GIT_AUTHOR_EMAIL=dev@example.org",
		"GIT_COMMITTER_NAME=Dev", "GIT_COMMITTER_EMAIL=dev@example.org",
		"GIT_CONFIG_COUNT=2", "GIT_CONFIG_KEY_0=user.name", "GIT_CONFIG_VALUE_0=Dev",
		"GIT_CONFIG_KEY_1=user.email", "GIT_CONFIG_VALUE_1=dev@example.org")
}

// runIn runs a command in dir with stdin and returns its standard output;
// a failure fails the test.
func runIn(t *testing.T, dir, stdin string, name string, args ...string) string {
	t.Helper()
	cmd := exec.Command(name, args...)
	cmd.Dir = dir
	cmd.Env = gitEnv(dir)
	cmd.Stdin = strings.NewReader(stdin)
	var errb strings.Builder
	cmd.Stderr = &errb
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("%s %v: %v\n%s", name, args, err, errb.String())
	}
	return string(out)
}

// mails splits an mbox at its From_ lines.
func mails(t *testing.T, path string) []string {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, m := range strings.SplitAfter(string(data), "\n\nFrom ") {
		if len(out) > 0 {
			m = "From " + m
		}
		out = append(out, strings.TrimSuffix(m, "From "))
	}
	return out
}

// prepRepo is a git repository holding the real 6.12 files the samples
// touch, with a b4-prep-style worktree (its own branch) where the given
// mails are applied with git am. It returns the main directory, the
// worktree and the worktree's commits (oldest first).
func prepRepo(t *testing.T, patches ...string) (string, string, []string) {
	t.Helper()
	if _, err := exec.LookPath("git"); err != nil {
		t.Skip("git not installed")
	}
	src := kerneltest.Tree(t)
	dir := filepath.Join(t.TempDir(), "linux")
	for _, f := range []string{"include/linux/rcupdate.h", "include/linux/tracepoint.h", "kernel/rcu/sync.c", "kernel/rcu/tree_plugin.h", "Makefile"} {
		data, err := os.ReadFile(filepath.Join(src, f))
		if err != nil {
			t.Fatal(err)
		}
		os.MkdirAll(filepath.Dir(filepath.Join(dir, f)), 0o755)
		if err := os.WriteFile(filepath.Join(dir, f), data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	runIn(t, dir, "", "git", "init", "-q", "-b", "master")
	runIn(t, dir, "", "git", "add", "-A")
	runIn(t, dir, "", "git", "commit", "-q", "-m", "base")
	wt := filepath.Join(filepath.Dir(dir), "prep")
	runIn(t, dir, "", "git", "worktree", "add", "-q", "-b", "b4/prep", wt)
	for _, p := range patches {
		runIn(t, wt, p, "git", "am", "-q")
	}
	commits := strings.Fields(runIn(t, wt, "", "git", "rev-list", "--reverse", "master..HEAD"))
	if len(commits) != len(patches) {
		t.Fatalf("%d commits for %d patches", len(commits), len(patches))
	}
	return dir, wt, commits
}

// TestB4PrepCheckInAppliedWorktree runs rcureview as b4 prep --check runs
// its per-patch command: in the prep worktree, where the series is
// already committed, with each patch (git format-patch) on standard input
// and --tree . . The patch is found already in the tree and reviewed with
// it reversed: the clean patch prints nothing, the dirty one prints the
// same checkpatch lines as a review against the tree without it.
func TestB4PrepCheckInAppliedWorktree(t *testing.T) {
	t.Setenv("XDG_CACHE_HOME", t.TempDir())
	dirty := mails(t, sample)[1] // [RFC PATCH 1/2] rcu: Add rcu_read_lock_notrace()
	cleanMail := mails(t, clean)[0]
	dir, wt, commits := prepRepo(t, cleanMail, dirty)
	patch := func(c string) string {
		return runIn(t, wt, "", "git", "format-patch", "-1", "--stdout", c)
	}
	t.Chdir(wt)

	// The clean patch: nothing on stdout or stderr, exit 0.
	code, out, errOut := runCLI(t, patch(commits[0]), "review", "--terse", "--quiet", "--no-summary", "--tree", ".", "-")
	if code != 0 || out != "" || errOut != "" {
		t.Errorf("clean patch in its worktree: exit %d, stdout %q, stderr %q", code, out, errOut)
	}

	// The dirty patch: checkpatch lines, the same as on the base tree.
	code, out, errOut = runCLI(t, patch(commits[1]), "review", "--terse", "--quiet", "--no-summary", "--tree", ".", "-")
	if code != 1 || errOut != "" || out == "" {
		t.Fatalf("dirty patch in its worktree: exit %d, stdout %q, stderr %q", code, out, errOut)
	}
	for _, l := range lines2(out) {
		if !checkpatchLine.MatchString(l) {
			t.Errorf("not a checkpatch line: %q", l)
		}
	}
	_, onBase, _ := runCLI(t, patch(commits[1]), "review", "--terse", "--quiet", "--no-summary", "--tree", dir, "-")
	if onBase != out {
		t.Errorf("in the worktree:\n%s\non the base tree:\n%s", out, onBase)
	}

	// The header says how it was reviewed.
	_, out, _ = runCLI(t, patch(commits[1]), "review", "--tree", ".", "-")
	if !strings.Contains(out, "applied: already in the tree; reviewed with the patch reversed") ||
		!strings.Contains(out, "reviewed against it with the patch reversed") {
		t.Errorf("header does not say the patch is already in the tree:\n%s", out)
	}
	r := decodeReport(t, runCLIOut(t, patch(commits[1]), "review", "--format", "json", "--tree", ".", "-"))
	if p := r.Patches[0]; !p.Applied || !p.AlreadyApplied || len(p.Hunks) == 0 {
		t.Errorf("JSON: applied=%v already_applied=%v hunks=%d", p.Applied, p.AlreadyApplied, len(p.Hunks))
	}

	// The whole series at once, from the worktree's commits.
	series := runIn(t, wt, "", "git", "format-patch", "--thread", "--stdout", "master..HEAD")
	r = decodeReport(t, runCLIOut(t, series, "review", "--format", "json", "--tree", ".", "-"))
	if len(r.Patches) != 2 {
		t.Fatalf("series: %d entries", len(r.Patches))
	}
	for _, p := range r.Patches {
		if !p.Applied || !p.AlreadyApplied || !strings.Contains(p.Base, "with the series reversed") {
			t.Errorf("series %s: applied=%v already=%v base=%q", p.Subject, p.Applied, p.AlreadyApplied, p.Base)
		}
	}
}

func runCLIOut(t *testing.T, stdin string, args ...string) string {
	t.Helper()
	_, out, _ := runCLI(t, stdin, args...)
	return out
}
