package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/rcureview/rcureview/finding"
)

func TestExplain(t *testing.T) {
	tests := []struct {
		name     string
		args     []string
		code     int
		stdout   []string
		stderr   string
		noStdout bool
	}{
		{"a rule", []string{"explain", "rcu-gp-stall"}, 0,
			[]string{"rcu-gp-stall (error):", "Why it matters in the kernel", "f596e2ce1c0f", "How to fix", "Example"}, "", false},
		{"two rules", []string{"explain", "rcu-unbalanced", "noinstr-unbalanced"}, 0,
			[]string{"rcu-unbalanced (warning)", "noinstr-unbalanced (error)"}, "", false},
		{"a typo suggests the rule", []string{"explain", "gp-stal"}, 2, nil, `did you mean rcu-gp-stall?`, true},
		{"no rule is a usage error", []string{"explain"}, 2, nil, "usage: rcureview explain", true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			code, out, errs := runCLI(t, "", tc.args...)
			if code != tc.code {
				t.Fatalf("exit %d, want %d (stderr %s)", code, tc.code, errs)
			}
			for _, w := range tc.stdout {
				if !strings.Contains(out, w) {
					t.Errorf("stdout lacks %q:\n%s", w, out)
				}
			}
			if tc.stderr != "" && !strings.Contains(errs, tc.stderr) {
				t.Errorf("stderr %q lacks %q", errs, tc.stderr)
			}
			if tc.noStdout && out != "" {
				t.Errorf("unexpected stdout %q", out)
			}
		})
	}
	// Every rule "rcureview rules" lists can be explained.
	for _, r := range finding.Rules() {
		if code, _, errs := runCLI(t, "", "explain", r.ID); code != 0 {
			t.Errorf("explain %s: exit %d: %s", r.ID, code, errs)
		}
	}
}

func TestReviewFormats(t *testing.T) {
	tests := []struct {
		format string
		want   string
	}{
		{"sarif", `"version": "2.1.0"`},
		{"html", "<!DOCTYPE html>"},
		{"email", "In-Reply-To: <20250708100100.1-rcureview-sample@example.org>"},
	}
	for _, tc := range tests {
		t.Run(tc.format, func(t *testing.T) {
			code, out, errs := runCLI(t, "", "review", "--format", tc.format, sample)
			if code != 0 && code != 1 { // 1: the analyzers found something
				t.Fatalf("exit %d: %s", code, errs)
			}
			if !strings.Contains(out, tc.want) {
				t.Errorf("--format %s output lacks %q", tc.format, tc.want)
			}
		})
	}
}

func TestReviewEmailOutDir(t *testing.T) {
	dir := t.TempDir()
	code, out, errs := runCLI(t, "", "review", "--format", "email", "--from", "Bot <bot@example.net>", "--out", dir, sample)
	if code == 2 || out != "" {
		t.Fatalf("exit %d, stdout %q, stderr %s", code, out, errs)
	}
	files, _ := filepath.Glob(filepath.Join(dir, "*.eml"))
	if len(files) != 2 {
		t.Fatalf("wrote %v, want one file per patch", files)
	}
	data, err := os.ReadFile(files[0])
	if err != nil {
		t.Fatal(err)
	}
	for _, w := range []string{"From: \"Bot\" <bot@example.net>", "@example.net>", "Subject: Re: [RFC PATCH 1/2]"} {
		if !strings.Contains(string(data), w) {
			t.Errorf("reply lacks %q:\n%s", w, data)
		}
	}
	if code, _, errs := runCLI(t, "", "review", "--format", "email", "--from", "not an address", sample); code != 2 {
		t.Errorf("bad --from: exit %d (%s)", code, errs)
	}
}

func TestReviewColour(t *testing.T) {
	code, out, _ := runCLI(t, "", "review", "--color", "always", "--quiet", sample)
	if code == 2 || !strings.Contains(out, "summary:\n  \x1b[") || !strings.Contains(out, "\x1b[0m: notrace-instrumented-call") {
		t.Errorf("--color always: exit %d, no coloured severity or summary:\n%q", code, out)
	}
	_, out, _ = runCLI(t, "", "review", sample)
	if strings.Contains(out, "\x1b[") {
		t.Errorf("colour on a non-terminal: %q", out)
	}
	if code, _, _ := runCLI(t, "", "review", "--color", "sometimes", sample); code != 2 {
		t.Errorf("bad --color: exit %d", code)
	}
	// A terminal gets colour unless NO_COLOR is set or TERM is dumb; a
	// character device that is no terminal (/dev/null) gets none. The
	// master side of a new pseudo-terminal is a real terminal.
	env := func(m map[string]string) func(string) string { return func(k string) string { return m[k] } }
	null, err := os.OpenFile(os.DevNull, os.O_WRONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer null.Close()
	if wantColor(null, env(map[string]string{"TERM": "xterm"})) {
		t.Errorf("%s gets colour", os.DevNull)
	}
	tty, err := os.OpenFile("/dev/ptmx", os.O_RDWR, 0)
	if err != nil {
		t.Skipf("no pseudo-terminal to test colour on: %v", err)
	}
	defer tty.Close()
	if !wantColor(tty, env(map[string]string{"TERM": "xterm"})) {
		t.Errorf("a terminal gets no colour")
	}
	if wantColor(tty, env(map[string]string{"TERM": "xterm", "NO_COLOR": "1"})) {
		t.Errorf("NO_COLOR ignored")
	}
	if wantColor(tty, env(map[string]string{"TERM": "dumb"})) {
		t.Errorf("TERM=dumb ignored")
	}
}
