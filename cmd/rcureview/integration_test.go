package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/rcureview/rcureview/internal/kerneltest"
	"github.com/rcureview/rcureview/reports"
)

// hunksOf returns the applied hunks of a report patch by file.
func hunksOf(p *reports.Patch, file string) []reports.Hunk {
	var out []reports.Hunk
	for _, h := range p.Hunks {
		if h.File == file {
			out = append(out, h)
		}
	}
	return out
}

// TestSeriesAppliesToRealTreeGit sends the sample two-patch series with its
// cover letter through review --git on a git repository of the real 6.12
// tree and checks that both patches applied at the right lines.
func TestSeriesAppliesToRealTreeGit(t *testing.T) {
	repo := kerneltest.GitRepo(t)
	code, out, errOut := runCLI(t, "", "review", "--git", repo, "--format", "json", sample)
	if code == 2 {
		t.Fatalf("exit 2: %s\n%s", errOut, out)
	}
	r := decodeReport(t, out)
	if !strings.HasPrefix(r.Kernel.Source, "git:"+repo+"@HEAD") {
		t.Errorf("kernel source %q", r.Kernel.Source)
	}
	if len(r.Patches) != 2 {
		t.Fatalf("want 2 patches, got %d:\n%s", len(r.Patches), out)
	}
	p1, p2 := r.Patches[0], r.Patches[1]
	if !p1.Applied || !p2.Applied {
		t.Fatalf("not applied: 1=%v (%s) 2=%v (%s)", p1.Applied, p1.Error, p2.Applied, p2.Error)
	}
	h := hunksOf(p1, "include/linux/rcupdate.h")
	if len(h) != 1 || h[0].OldLine != 971 || h[0].NewLine != 971 || h[0].Offset != 0 {
		t.Errorf("patch 1 hunks: %+v", p1.Hunks)
	}
	h = hunksOf(p2, "include/linux/tracepoint.h")
	if len(h) != 2 || h[0].OldLine != 222 || h[1].OldLine != 241 || h[1].Offset != 0 {
		t.Errorf("patch 2 hunks: %+v", p2.Hunks)
	}
}

// TestOffsetAndFailedHunkOnRealTree shifts a hunk's stated position (it must
// still apply, with the offset reported) and breaks another patch's context
// (input-apply naming the file and hunk; the rest is still reviewed).
func TestOffsetAndFailedHunkOnRealTree(t *testing.T) {
	tree := kerneltest.Tree(t)
	data, err := os.ReadFile(sample)
	if err != nil {
		t.Fatal(err)
	}
	s := strings.Replace(string(data), "@@ -971,6 +971,21 @@", "@@ -975,6 +975,21 @@", 1)
	s = strings.Replace(s, "-\t\tpreempt_enable_notrace();\t\t\t\t\\", "-\t\tpreempt_enable_notrace_typo();\t\t\t\\", 1)
	p := filepath.Join(t.TempDir(), "shifted.mbox")
	if err := os.WriteFile(p, []byte(s), 0o644); err != nil {
		t.Fatal(err)
	}
	code, out, _ := runCLI(t, "", "review", "--tree", tree, "--format", "json", p)
	if code != 1 {
		t.Fatalf("exit %d, want 1\n%s", code, out)
	}
	r := decodeReport(t, out)
	if len(r.Patches) != 2 {
		t.Fatalf("want 2 patches:\n%s", out)
	}
	p1, p2 := r.Patches[0], r.Patches[1]
	if !p1.Applied || len(p1.Hunks) != 1 || p1.Hunks[0].OldLine != 971 || p1.Hunks[0].Offset != -4 {
		t.Errorf("patch 1 should apply at 971 with offset -4: %+v", p1.Hunks)
	}
	if p2.Applied || len(p2.Findings) == 0 {
		t.Fatalf("patch 2 should not apply: %+v", p2)
	}
	f := p2.Findings[0]
	if f.Rule != "input-apply" || f.File != "include/linux/tracepoint.h" || !strings.Contains(f.Message, "@@ -241,7 +241,7 @@") {
		t.Errorf("finding: %+v", f)
	}
	// Text output says where the offset hunk applied, like git apply.
	_, txt, _ := runCLI(t, "", "review", "--tree", tree, p)
	if !strings.Contains(txt, "offset -4 lines") || !strings.Contains(txt, "ERROR: input-apply:") {
		t.Errorf("text output:\n%s", txt)
	}
}

// TestPatchForMissingFile reports input-apply for a file not in the tree.
func TestPatchForMissingFileOnRealTree(t *testing.T) {
	tree := kerneltest.Tree(t)
	data, _ := os.ReadFile(sample)
	s := strings.ReplaceAll(string(data), "include/linux/rcupdate.h", "include/linux/rcupdate_nonexistent.h")
	p := filepath.Join(t.TempDir(), "missing.mbox")
	os.WriteFile(p, []byte(s), 0o644)
	code, out, _ := runCLI(t, "", "review", "--tree", tree, "--format", "json", p)
	if code != 1 {
		t.Fatalf("exit %d\n%s", code, out)
	}
	r := decodeReport(t, out)
	if r.Patches[0].Applied || r.Patches[0].Findings[0].Rule != "input-apply" || !r.Patches[1].Applied {
		t.Fatalf("want patch 1 input-apply and patch 2 applied:\n%s", out)
	}
}

// TestMain lets kerneltest remove the git repository it may build.
func TestMain(m *testing.M) { kerneltest.Main(m) }
