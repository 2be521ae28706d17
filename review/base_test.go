package review

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/rcureview/rcureview/analyzers"
	"github.com/rcureview/rcureview/analyzers/noinstr"
	"github.com/rcureview/rcureview/analyzers/notrace"
	"github.com/rcureview/rcureview/diffparse"
	"github.com/rcureview/rcureview/finding"
	"github.com/rcureview/rcureview/internal/kerneltest"
	"github.com/rcureview/rcureview/ksrc"
	"github.com/rcureview/rcureview/ksrc/index"
	"github.com/rcureview/rcureview/reports"
)

// patchMail is one format-patch mail changing "return OLD;" into
// "return NEW;" in a.c, with an optional base-commit: trailer.
func patchMail(old, new, base string) string {
	s := "From 0000000000000000000000000000000000000000 Mon Sep 17 00:00:00 2001\n" +
		"From: A <a@example.org>\nSubject: [PATCH] a: return " + new + "\nMessage-ID: <p-" + new + "@x>\n" +
		"Date: Thu, 2 Jan 2025 00:00:00 +0000\n\nmsg\n---\n" +
		"diff --git a/a.c b/a.c\n--- a/a.c\n+++ b/a.c\n@@ -1,4 +1,4 @@\n int a(void)\n {\n-\treturn " + old +
		";\n+\treturn " + new + ";\n }\n"
	if base != "" {
		s += "\nbase-commit: " + base + "\n"
	}
	return s + "-- \n2.47.0\n\n"
}

func aFile(ret string) map[string]string {
	return map[string]string{"a.c": "int a(void)\n{\n\treturn " + ret + ";\n}\n"}
}

func runOn(t *testing.T, tree ksrc.Tree, mail string, opt Options) *reports.Patch {
	t.Helper()
	opt.Tool, opt.Tree = "rcureview", tree
	res := Run([]Input{{Name: "p.mbox", R: strings.NewReader(mail)}}, opt)
	if len(res.Report.Patches) != 1 {
		t.Fatalf("%d entries", len(res.Report.Patches))
	}
	return res.Report.Patches[0]
}

// TestBaseCommitIsTriedFirst: a series written on an older commit (its
// base-commit:) that no longer applies at HEAD is applied to its base,
// and the entry says so; an explicit --rev is tried first but loses to
// the base-commit when the series applies only there.
func TestBaseCommitIsTriedFirst(t *testing.T) {
	repo := kerneltest.ScriptedGitRepo(t, aFile("1"), kerneltest.Commit{Files: aFile("2")})
	head, err := ksrc.OpenGit(repo.Dir, "HEAD")
	if err != nil {
		t.Fatal(err)
	}
	base := repo.Commits[0]
	mail := patchMail("1", "10", base)
	for _, revGiven := range []bool{false, true} {
		p := runOn(t, head, mail, Options{RevGiven: revGiven})
		if !p.Applied || !strings.Contains(p.Base, base[:12]) || !strings.Contains(p.Base, "base-commit") {
			t.Errorf("revGiven=%v: applied=%v base=%q error=%q", revGiven, p.Applied, p.Base, p.Error)
		}
		if revGiven && !strings.Contains(p.Base, "1 of 1 patches apply here, 0 on") {
			t.Errorf("the fallback does not say why: %q", p.Base)
		}
	}
	// a patch that applies at HEAD with --rev given stays there
	p := runOn(t, head, patchMail("2", "20", base), Options{RevGiven: true})
	if !p.Applied || strings.Contains(p.Base, base[:12]+" ") || !strings.Contains(p.Base, "--rev") {
		t.Errorf("explicit --rev that applies: applied=%v base=%q", p.Applied, p.Base)
	}
	// an unknown base-commit is said and HEAD used
	p = runOn(t, head, patchMail("2", "20", "0123456789abcdef0123456789abcdef01234567"), Options{})
	if !p.Applied || !strings.Contains(p.Base, "0123456789ab is not in the repository") {
		t.Errorf("unknown base-commit: applied=%v base=%q", p.Applied, p.Base)
	}
	// no base-commit: nothing to say
	if p := runOn(t, head, patchMail("2", "20", ""), Options{}); !p.Applied || p.Base != "" {
		t.Errorf("no base-commit: applied=%v base=%q", p.Applied, p.Base)
	}
}

// TestAlreadyAppliedIsANote: a patch whose change the tree already has is
// reported as already applied (a note, not an error) and not analyzed.
func TestAlreadyAppliedIsANote(t *testing.T) {
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "a.c"), []byte(aFile("10")["a.c"]), 0o644)
	tree, err := ksrc.OpenDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	calls := 0
	reg, err := analyzers.NewRegistry(&analyzers.Analyzer{Name: "count", Run: func(*analyzers.Pass) (any, error) {
		calls++
		return nil, nil
	}})
	if err != nil {
		t.Fatal(err)
	}
	p := runOn(t, tree, patchMail("1", "10", ""), Options{Registry: reg})
	if p.Applied || !p.AlreadyApplied || len(p.Findings) != 1 || p.Findings[0].Severity != finding.Note ||
		!strings.Contains(p.Findings[0].Message, "already applied") || calls != 0 {
		t.Fatalf("applied=%v already=%v calls=%d findings=%+v", p.Applied, p.AlreadyApplied, calls, p.Findings)
	}
	// the negative twin: a patch that conflicts either way is an error
	p = runOn(t, tree, patchMail("7", "8", ""), Options{Registry: reg})
	if p.AlreadyApplied || len(p.Findings) != 1 || p.Findings[0].Rule != finding.RuleInputApply || p.Findings[0].Severity != finding.Error {
		t.Fatalf("conflicting patch: already=%v findings=%+v", p.AlreadyApplied, p.Findings)
	}
	if calls != 1 {
		t.Errorf("analyzers ran %d times on the patch that did not apply, want 1 (hunks only)", calls)
	}
}

func TestHunksOnlyKeepsAddedLines(t *testing.T) {
	files, err := diffparse.Parse("diff --git a/a.c b/a.c\n--- a/a.c\n+++ b/a.c\n@@ -1,4 +1,4 @@\n int a(void)\n {\n-\treturn 1;\n+\treturn 10;\n }\n")
	if err != nil {
		t.Fatal(err)
	}
	fs := []finding.Finding{
		{Rule: "x", File: "a.c", Line: 3, Message: "on the added line"},
		{Rule: "x", File: "a.c", Line: 1, Message: "on a context line"},
		{Rule: "x", File: "b.c", Line: 3, Message: "elsewhere"},
		{Rule: "x", Message: "nowhere"},
	}
	got := hunksOnly(fs, files)
	if len(got) != 1 || got[0].Message != "on the added line" || !got[0].HunksOnly {
		t.Errorf("got %+v", got)
	}
}

// realOptions are review options with the notrace and noinstr analyzers
// over the shared index cache.
func realOptions(t *testing.T) Options {
	t.Helper()
	opt := index.Options{}
	if c, err := index.DefaultCache(); err == nil {
		opt.Cache = c
	}
	reg, err := analyzers.NewRegistry(notrace.Analyzer, noinstr.Analyzer)
	if err != nil {
		t.Fatal(err)
	}
	return Options{Registry: reg, Indexes: index.NewProvider(opt, index.Embedded())}
}

// TestRealPatchesThatDoNotApply: against the real 6.12 tree, the
// deferred-QS deadloop fix that 6.12.y already carries is reported as
// already applied; an early version of it, written for the old bool
// ->defer_qs_iw_pending, applies neither way and gets no analyzer finding
// on code it does not add (before, an ERROR on the unchanged
// rcu_preempt_deferred_qs_irqrestore() and notes on its static callees).
func TestRealPatchesThatDoNotApply(t *testing.T) {
	tree, err := ksrc.OpenGit(kerneltest.GitRepo(t), "HEAD")
	if err != nil {
		t.Fatal(err)
	}
	opt := realOptions(t)
	read := func(name string) string {
		b, err := os.ReadFile(filepath.Join("testdata", name))
		if err != nil {
			t.Fatal(err)
		}
		return string(b)
	}
	p := runOn(t, tree, read("rcu-deferred-qs-applied.mbox"), opt)
	if !p.AlreadyApplied || len(p.Findings) != 1 || p.Findings[0].Severity != finding.Note {
		t.Errorf("the applied fix: already=%v findings=%+v", p.AlreadyApplied, p.Findings)
	}
	p = runOn(t, tree, read("rcu-deferred-qs-v1.mbox"), opt)
	if p.Applied || p.AlreadyApplied {
		t.Fatalf("v1: applied=%v already=%v", p.Applied, p.AlreadyApplied)
	}
	for _, f := range p.Findings {
		if f.Rule == finding.RuleInputApply {
			continue
		}
		if !f.HunksOnly || !strings.HasPrefix(f.Source, "+") {
			t.Errorf("v1: finding off the patch's added lines or unmarked: %+v", f)
		}
	}
}
