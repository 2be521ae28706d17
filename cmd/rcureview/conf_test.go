package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func writeConf(t *testing.T, dir, content string) {
	t.Helper()
	if err := os.WriteFile(filepath.Join(dir, confName), []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
}

// TestConfDropsRule: .rcureview.conf in the working directory, the tree's
// root or $HOME (the first found) adds its options before the command
// line's, as .checkpatch.conf does; --ignore in it drops a rule.
func TestConfDropsRule(t *testing.T) {
	abs, err := filepath.Abs(sample)
	if err != nil {
		t.Fatal(err)
	}
	home, cwd := t.TempDir(), t.TempDir()
	t.Setenv("HOME", home)
	t.Chdir(cwd)
	terse := func(args ...string) (int, string, string) {
		return runCLI(t, "", append(append([]string{"review", "--terse", "--no-summary"}, args...), abs)...)
	}
	code, out, _ := terse()
	if code != 1 || !strings.Contains(out, "notrace-instrumented-call") {
		t.Fatalf("without a file: exit %d\n%s", code, out)
	}

	// $HOME's file, with comments.
	writeConf(t, home, "# reviewed in 2026-12\n--ignore notrace-instrumented-call # known false positive\n\n  # indented comment --types x\n")
	if code, out, errOut := terse(); code != 0 || out != "" || errOut != "" {
		t.Errorf("$HOME conf: exit %d, stdout %q, stderr %q", code, out, errOut)
	}
	if code, out, _ := terse("--no-conf"); code != 1 || out == "" {
		t.Errorf("--no-conf: exit %d\n%s", code, out)
	}
	r := decodeReport(t, runCLIOut(t, "", "review", "--format", "json", abs))
	if !strings.Contains(strings.Join(r.Notes, "\n"), "options from "+filepath.Join(home, confName)+": --ignore notrace-instrumented-call") {
		t.Errorf("the report does not name the file: %q", r.Notes)
	}

	// The working directory's file comes first.
	writeConf(t, cwd, "--types notrace-instrumented-call\n")
	if code, out, _ := terse(); code != 1 || !strings.Contains(out, "notrace-instrumented-call") {
		t.Errorf("cwd conf does not win over $HOME's: exit %d\n%s", code, out)
	}
	os.Remove(filepath.Join(cwd, confName))

	// The tree's root comes before $HOME.
	tree := t.TempDir()
	writeConf(t, home, "--types notrace-instrumented-call\n")
	writeConf(t, tree, "--ignore NOTRACE_INSTRUMENTED_CALL\n--color never\n")
	code, out, _ = runCLI(t, "", "review", "--tree", tree, "--format", "json", abs)
	r = decodeReport(t, out)
	if !strings.Contains(strings.Join(r.Notes, "\n"), "options from "+filepath.Join(tree, confName)) {
		t.Errorf("the tree's root conf was not read: %q", r.Notes)
	}
	for _, p := range r.Patches {
		for _, f := range p.Findings {
			if f.Rule == "notrace-instrumented-call" {
				t.Errorf("tree root conf: %s still reported (exit %d)", f.Rule, code)
			}
		}
	}

	// A command-line option overrides the file's.
	writeConf(t, cwd, "--format json\n")
	if _, out, _ := terse("--format", "text"); strings.HasPrefix(out, "{") {
		t.Errorf("command line does not override the file:\n%s", out)
	}

	// A bad file is a usage error naming it.
	for _, bad := range []string{"--no-such-option\n", "--terse\nseries.mbox\n"} {
		writeConf(t, cwd, bad)
		code, _, errOut := terse()
		if code != 2 || !strings.Contains(errOut, filepath.Join(cwd, confName)) {
			t.Errorf("conf %q: exit %d, stderr %q", bad, code, errOut)
		}
	}
}

// TestConfCheckReadsWorkTreeRoot: check reads the file at the top of the
// work tree it checks, from a subdirectory too.
func TestConfCheckReadsWorkTreeRoot(t *testing.T) {
	dir := t.TempDir()
	t.Setenv("HOME", t.TempDir())
	t.Chdir(t.TempDir())
	runIn(t, dir, "", "git", "init", "-q", "-b", "main")
	os.MkdirAll(filepath.Join(dir, "kernel"), 0o755)
	os.WriteFile(filepath.Join(dir, "kernel/a.c"), []byte("int a;\n"), 0o644)
	runIn(t, dir, "", "git", "add", "-A")
	runIn(t, dir, "", "git", "commit", "-q", "-m", "a")
	os.WriteFile(filepath.Join(dir, "kernel/a.c"), []byte("int a;\nint b;\n"), 0o644)
	runIn(t, dir, "", "git", "add", "-A")
	writeConf(t, dir, "--format json # CI wants JSON\n")
	code, out, errOut := runCLI(t, "", "check", "--git", filepath.Join(dir, "kernel"), "--staged")
	if code != 0 || !strings.HasPrefix(strings.TrimSpace(out), "{") {
		t.Fatalf("check with the work tree's conf: exit %d %s\n%s", code, errOut, out)
	}
	if r := decodeReport(t, out); !strings.Contains(strings.Join(r.Notes, "\n"), confName) {
		t.Errorf("notes %q", r.Notes)
	}
}
