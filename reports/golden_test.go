package reports_test

import (
	"bytes"
	"flag"
	"io"
	"net/mail"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/rcureview/rcureview/analyzers"
	"github.com/rcureview/rcureview/analyzers/noinstr"
	"github.com/rcureview/rcureview/analyzers/notrace"
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

// TestGoldenRealTreeClean: the real tree review as the registered
// analyzers see it today (none registered: no findings), so the reply to a
// clean patch is under test too.
func TestGoldenRealTreeClean(t *testing.T) {
	dir := kerneltest.GitRepo(t)
	tree, err := ksrc.OpenGit(dir, "HEAD")
	if err != nil {
		t.Fatalf("open %s: %v", dir, err)
	}
	r := reviewSeries(t, tree)
	normalizeSource(r)
	runGoldens(t, "realtree-clean", r)
}

// TestGoldenRealTreeAnalyzers: the series applied to the real tree and
// reviewed by the notrace and noinstr analyzers, as "rcureview review --git"
// does. When an analyzer's output changes on purpose, regenerate with
// -update and read the diff.
func TestGoldenRealTreeAnalyzers(t *testing.T) {
	r := reviewRealTreeAnalyzers(t)
	normalizeSource(r)
	runGoldens(t, "realtree-analyzers", r)
}

// reviewRealTreeAnalyzers reviews the series on the real tree with the
// notrace and noinstr analyzers, as "rcureview review --git" does.
func reviewRealTreeAnalyzers(t *testing.T) *reports.Report {
	t.Helper()
	dir := kerneltest.GitRepo(t)
	tree, err := ksrc.OpenGit(dir, "HEAD")
	if err != nil {
		t.Fatalf("open %s: %v", dir, err)
	}
	// The index cache the CLI uses: the tree is indexed once per machine
	// (about a minute), then loaded.
	opt := index.Options{}
	if c, err := index.DefaultCache(); err == nil {
		opt.Cache = c
	}
	p := index.NewProvider(opt, index.Embedded())
	reg, err := analyzers.NewRegistry(notrace.Analyzer, noinstr.Analyzer)
	if err != nil {
		t.Fatal(err)
	}
	f, err := os.Open(seriesFile)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	res := review.Run([]review.Input{{Name: "rcu-read-lock-notrace.mbox", R: f}},
		review.Options{Tool: "rcureview", Version: "test", Tree: tree, Registry: reg, Indexes: p})
	r := res.Report
	if len(r.Patches) != 2 || !r.Patches[0].Applied || len(r.Patches[0].Findings) == 0 {
		t.Fatalf("the analyzers found nothing on the real-tree series")
	}
	return r
}

func TestMain(m *testing.M) { kerneltest.Main(m) }
