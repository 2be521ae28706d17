package review

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/rcureview/rcureview/analyzers"
	"github.com/rcureview/rcureview/analyzers/noinstr"
	"github.com/rcureview/rcureview/analyzers/notrace"
	"github.com/rcureview/rcureview/diffparse"
	"github.com/rcureview/rcureview/finding"
	"github.com/rcureview/rcureview/internal/kerneltest"
	"github.com/rcureview/rcureview/kconfig"
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

// TestAlreadyAppliedIsReviewedReversed: a patch whose change the tree
// already has (a b4 prep worktree) is reviewed against the tree with the
// patch reversed, and the entry says so.
func TestAlreadyAppliedIsReviewedReversed(t *testing.T) {
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "a.c"), []byte(aFile("10")["a.c"]), 0o644)
	tree, err := ksrc.OpenDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var pres, posts []string
	reg, err := analyzers.NewRegistry(&analyzers.Analyzer{Name: "count", Run: func(p *analyzers.Pass) (any, error) {
		for _, tr := range []struct {
			t   ksrc.Tree
			out *[]string
		}{{p.Pre, &pres}, {p.Post, &posts}} {
			s := "<nil>"
			if tr.t != nil {
				b, _ := tr.t.ReadFile("a.c")
				s = strings.TrimSpace(strings.Split(string(b), "\n")[2])
			}
			*tr.out = append(*tr.out, s)
		}
		return nil, nil
	}})
	if err != nil {
		t.Fatal(err)
	}
	p := runOn(t, tree, patchMail("1", "10", ""), Options{Registry: reg})
	if !p.Applied || !p.AlreadyApplied || len(p.Findings) != 0 || p.Error != "" ||
		!strings.Contains(p.Base, "reviewed against it with the patch reversed") {
		t.Fatalf("applied=%v already=%v base=%q error=%q findings=%+v", p.Applied, p.AlreadyApplied, p.Base, p.Error, p.Findings)
	}
	if len(pres) != 1 || pres[0] != "return 1;" || posts[0] != "return 10;" {
		t.Errorf("analyzers saw pre %q post %q, want the tree without then with the patch", pres, posts)
	}
	var text bytes.Buffer
	reports.WriteText(&text, &reports.Report{Patches: []*reports.Patch{p}}, reports.TextOptions{})
	if !strings.Contains(text.String(), "applied: already in the tree; reviewed with the patch reversed") {
		t.Errorf("the header does not say so:\n%s", text.String())
	}
	// the negative twin: a patch that conflicts either way is an error
	pres, posts = nil, nil
	p = runOn(t, tree, patchMail("7", "8", ""), Options{Registry: reg})
	if p.AlreadyApplied || len(p.Findings) != 1 || p.Findings[0].Rule != finding.RuleInputApply || p.Findings[0].Severity != finding.Error {
		t.Fatalf("conflicting patch: already=%v findings=%+v", p.AlreadyApplied, p.Findings)
	}
	if len(pres) != 1 || posts[0] != "<nil>" {
		t.Errorf("analyzers on the patch that did not apply: pre %q post %q, want hunks only", pres, posts)
	}
}

// TestSeriesInTreeIsReversedWhole: a series whose patches change the same
// line twice, all in the tree, reverses only as a whole (last patch
// first); each patch is then reviewed on the tree as its author had it.
func TestSeriesInTreeIsReversedWhole(t *testing.T) {
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "a.c"), []byte(aFile("20")["a.c"]), 0o644)
	tree, err := ksrc.OpenDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	series := seriesPatch(1, 2, "1", "10") + seriesPatch(2, 2, "10", "20")
	res := Run([]Input{{Name: "s.mbox", R: strings.NewReader(series)}}, Options{Tool: "rcureview", Tree: tree})
	if len(res.Report.Patches) != 2 || res.Reviewed != 2 {
		t.Fatalf("%d entries, %d reviewed", len(res.Report.Patches), res.Reviewed)
	}
	for _, p := range res.Report.Patches {
		if !p.Applied || !p.AlreadyApplied || p.Error != "" || !strings.Contains(p.Base, "with the series reversed") {
			t.Errorf("%s: applied=%v already=%v base=%q error=%q", p.Subject, p.Applied, p.AlreadyApplied, p.Base, p.Error)
		}
	}
	// Only the first patch in the tree: it is reviewed reversed, the
	// second applies on top as usual.
	os.WriteFile(filepath.Join(dir, "a.c"), []byte(aFile("10")["a.c"]), 0o644)
	res = Run([]Input{{Name: "s.mbox", R: strings.NewReader(series)}}, Options{Tool: "rcureview", Tree: tree})
	p1, p2 := res.Report.Patches[0], res.Report.Patches[1]
	if !p1.Applied || !p1.AlreadyApplied || !p2.Applied || p2.AlreadyApplied {
		t.Errorf("half in the tree: [1] applied=%v already=%v base=%q; [2] applied=%v already=%v", p1.Applied, p1.AlreadyApplied, p1.Base, p2.Applied, p2.AlreadyApplied)
	}
}

// seriesPatch is patch i of n of a series changing "return OLD;" in a.c.
func seriesPatch(i, n int, old, new string) string {
	return fmt.Sprintf("From 0000000000000000000000000000000000000000 Mon Sep 17 00:00:00 2001\n"+
		"From: A <a@example.org>\nSubject: [PATCH %d/%d] a: return %s\nMessage-ID: <s%d@x>\n", i, n, new, i) +
		"In-Reply-To: <s1@x>\nDate: Thu, 2 Jan 2025 00:00:00 +0000\n\nmsg\n---\n" +
		"diff --git a/a.c b/a.c\n--- a/a.c\n+++ b/a.c\n@@ -1,4 +1,4 @@\n int a(void)\n {\n-\treturn " + old +
		";\n+\treturn " + new + ";\n }\n-- \n2.47.0\n\n"
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

// TestRealPatchesThatDoNotApply: against the real 6.12 tree (--git at a
// revision that contains it), the deferred-QS deadloop fix that 6.12.y
// already carries is reviewed with the patch reversed; an early version of it, written for the old bool
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
	if !p.AlreadyApplied || !p.Applied || len(p.Hunks) == 0 || !strings.Contains(p.Base, "reviewed against it with the patch reversed") {
		t.Errorf("the applied fix: applied=%v already=%v hunks=%d base=%q", p.Applied, p.AlreadyApplied, len(p.Hunks), p.Base)
	}
	for _, f := range p.Findings {
		if f.Rule == finding.RuleInputApply {
			t.Errorf("the applied fix: %+v", f)
		}
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

// TestNamedConfigsReadOnlyForFindings: the named configurations (Debian's
// three, some 600 page faults of decoding) are read only when a patch has
// a finding to check against them, once, and every finding then says
// whether it holds in each.
func TestNamedConfigsReadOnlyForFindings(t *testing.T) {
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "a.c"), []byte(aFile("1")["a.c"]), 0o644)
	tree, err := ksrc.OpenDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	reg, err := analyzers.NewRegistry(&analyzers.Analyzer{Name: "ten", Rules: []string{finding.RuleNotraceInstrumentedCall}, Run: func(p *analyzers.Pass) (any, error) {
		if strings.Contains(p.Subject, "return 10") {
			p.Report(analyzers.Diagnostic{Finding: finding.Finding{Rule: finding.RuleNotraceInstrumentedCall, Severity: finding.Warning,
				File: "a.c", Line: 3, Message: "returns ten", Config: []string{"CONFIG_X"}}})
		}
		return nil, nil
	}})
	if err != nil {
		t.Fatal(err)
	}
	reads := 0
	named := func() []kconfig.Loaded {
		reads++
		return []kconfig.Loaded{
			{Named: kconfig.Named{Name: "with-x"}, Config: kconfig.FromMap(map[string]string{"CONFIG_X": "y"})},
			{Named: kconfig.Named{Name: "without-x"}, Config: kconfig.FromMap(map[string]string{"CONFIG_Y": "y"})},
		}
	}
	p := runOn(t, tree, patchMail("1", "2", ""), Options{Registry: reg, Named: named})
	if len(p.Findings) != 0 || reads != 0 {
		t.Fatalf("a patch without findings: %d findings, the configurations read %d times, want none", len(p.Findings), reads)
	}
	p = runOn(t, tree, patchMail("1", "10", ""), Options{Registry: reg, Named: named})
	if len(p.Findings) != 1 || reads != 1 {
		t.Fatalf("a patch with a finding: %d findings, the configurations read %d times, want 1 and 1: %+v", len(p.Findings), reads, p.Findings)
	}
	want := []finding.ConfigHold{{Config: "with-x", Holds: true}, {Config: "without-x", Holds: false}}
	if got := p.Findings[0].Holds; !reflect.DeepEqual(got, want) {
		t.Errorf("holds %+v, want %+v", got, want)
	}
}
