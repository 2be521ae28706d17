package reports_test

import (
	"bytes"
	"flag"
	"io"
	"net/mail"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/rcureview/rcureview/analyzers/all"
	"github.com/rcureview/rcureview/internal/kerneltest"
	"github.com/rcureview/rcureview/ksrc"
	"github.com/rcureview/rcureview/ksrc/index"
	"github.com/rcureview/rcureview/reports"
	"github.com/rcureview/rcureview/review"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/golden")

// emailOpts fixes what would otherwise vary between runs.
var emailOpts = reports.EmailOptions{
	From: &mail.Address{Name: "rcureview", Address: "rcureview@example.org"},
	Date: time.Date(2025, 7, 9, 8, 0, 0, 0, time.UTC),
}

// goldenFormats are the writers under golden test, with their file suffix.
var goldenFormats = []struct {
	name, ext string
	write     func(io.Writer, *reports.Report) error
}{
	{"text", "txt", func(w io.Writer, r *reports.Report) error {
		return reports.WriteText(w, r, reports.TextOptions{})
	}},
	{"json", "json", reports.WriteJSON},
	{"email", "mbox", func(w io.Writer, r *reports.Report) error { return reports.WriteEmail(w, r, emailOpts) }},
	{"sarif", "sarif", reports.WriteSARIF},
	{"html", "html", reports.WriteHTML},
}

// checkGolden compares got with testdata/golden/name, or rewrites it with -update.
func checkGolden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", "golden", name)
	if *update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test ./reports -run %s -update to create it)", err, t.Name())
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s differs from the golden file; diff it with:\n  go test ./reports -run '%s' -update && git diff %s",
			name, t.Name(), path)
	}
}

func runGoldens(t *testing.T, prefix string, r *reports.Report) {
	for _, f := range goldenFormats {
		t.Run(f.name, func(t *testing.T) {
			var b bytes.Buffer
			if err := f.write(&b, r); err != nil {
				t.Fatalf("write %s: %v", f.name, err)
			}
			checkGolden(t, prefix+"."+f.ext, b.Bytes())
		})
	}
}

// TestGoldenSample: the sample series parsed by the real pipeline without
// a kernel tree, with a reviewer's findings attached.
func TestGoldenSample(t *testing.T) {
	r := reviewSeries(t, nil)
	addFindings(t, r)
	runGoldens(t, "sample", r)
}

// TestGoldenRealTree: the same series applied to the real linux 6.12 git
// repository.
func TestGoldenRealTree(t *testing.T) {
	dir := kerneltest.GitRepo(t)
	tree, err := ksrc.OpenGit(dir, "HEAD")
	if err != nil {
		t.Fatalf("open %s: %v", dir, err)
	}
	r := reviewSeries(t, tree)
	for _, p := range r.Patches {
		if !p.Applied {
			t.Fatalf("patch %q did not apply to the real tree: %s", p.Subject, p.Error)
		}
	}
	addFindings(t, r)
	normalizeSource(r)
	runGoldens(t, "realtree", r)
}

// TestGoldenRealTreeClean: a patch on which the full registry (as
// "rcureview review --git" registers it) finds nothing, a comment fix in
// kernel/rcu/sync.c, applied to the real tree, so the reply to a clean
// patch is under test too; every analyzer ran on it.
func TestGoldenRealTreeClean(t *testing.T) {
	r := reviewRealTree(t, cleanFile)
	if len(r.Patches) != 1 || !r.Patches[0].Applied {
		t.Fatalf("the clean patch did not apply to the real tree: %+v", r.Patches)
	}
	if n := len(r.Patches[0].Findings); n != 0 {
		t.Fatalf("the clean patch has %d findings: %+v", n, r.Patches[0].Findings)
	}
	for _, n := range r.Notes {
		if strings.Contains(n, "skipped") {
			t.Fatalf("an analyzer did not run on the clean patch: %s", n)
		}
	}
	normalizeSource(r)
	runGoldens(t, "realtree-clean", r)
}

// TestGoldenRealTreeAnalyzers: the series applied to the real tree and
// reviewed by every analyzer, as "rcureview review --git" does. When an
// analyzer's output changes on purpose, regenerate with -update and read
// the diff.
func TestGoldenRealTreeAnalyzers(t *testing.T) {
	r := reviewRealTreeAnalyzers(t)
	normalizeSource(r)
	runGoldens(t, "realtree-analyzers", r)
}

// cleanFile is a patch no analyzer has anything to say about.
const cleanFile = "../testdata/rcu-sync-comment.mbox"

// reviewRealTreeAnalyzers reviews the series on the real tree with every
// analyzer, as "rcureview review --git" does.
func reviewRealTreeAnalyzers(t *testing.T) *reports.Report {
	t.Helper()
	r := reviewRealTree(t, seriesFile)
	if len(r.Patches) != 2 || !r.Patches[0].Applied || len(r.Patches[0].Findings) == 0 {
		t.Fatalf("the analyzers found nothing on the real-tree series")
	}
	return r
}

// reviewRealTree reviews a mailbox on the real tree (git HEAD) with the
// registry and the index cache "rcureview review --git" uses (the tree is
// indexed once per machine, then loaded).
func reviewRealTree(t *testing.T, file string) *reports.Report {
	t.Helper()
	dir := kerneltest.GitRepo(t)
	tree, err := ksrc.OpenGit(dir, "HEAD")
	if err != nil {
		t.Fatalf("open %s: %v", dir, err)
	}
	opt := index.Options{}
	if c, err := index.DefaultCache(); err == nil {
		opt.Cache = c
	}
	reg, err := all.Registry()
	if err != nil {
		t.Fatal(err)
	}
	if len(reg.Analyzers()) != len(all.Analyzers()) {
		t.Fatalf("registry has %d analyzers, analyzers/all lists %d", len(reg.Analyzers()), len(all.Analyzers()))
	}
	f, err := os.Open(file)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	res := review.Run([]review.Input{{Name: filepath.Base(file), R: f}},
		review.Options{Tool: "rcureview", Version: "test", Tree: tree, Registry: reg, Indexes: index.NewProvider(opt, index.Embedded())})
	return res.Report
}

func TestMain(m *testing.M) { kerneltest.Main(m) }
