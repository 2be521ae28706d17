package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/rcureview/rcureview/internal/kerneltest"
)

// packs lists the files of a cache directory with their modification
// times.
func packs(t *testing.T, dir string) map[string]time.Time {
	t.Helper()
	out := map[string]time.Time{}
	entries, err := os.ReadDir(dir)
	if err != nil && !os.IsNotExist(err) {
		t.Fatal(err)
	}
	for _, e := range entries {
		fi, err := e.Info()
		if err != nil {
			t.Fatal(err)
		}
		out[e.Name()] = fi.ModTime()
	}
	return out
}

// TestIndexCacheIsTheOneReviewReads: the tree flags are one set, so an
// index built with "index --arch --cache" is the one "review --arch
// --cache" (and rcu-map) read: review writes its index into --cache when
// the directory is empty, and reuses without rewriting what index put
// there; nothing goes to the user cache.
func TestIndexCacheIsTheOneReviewReads(t *testing.T) {
	tree := kerneltest.MiniTreeDir(t)
	user := t.TempDir()
	t.Setenv("XDG_CACHE_HOME", user)
	t.Setenv("HOME", user)

	fresh := t.TempDir()
	if code, _, errOut := runCLI(t, "", "review", "--no-conf", "--tree", tree, "--arch", "x86", "--cache", fresh, sample); code == 2 {
		t.Fatalf("review: exit 2: %s", errOut)
	}
	if len(packs(t, fresh)) == 0 {
		t.Fatal("review --cache DIR wrote no index into DIR")
	}

	dir := t.TempDir()
	if code, out, errOut := runCLI(t, "", "index", "--tree", tree, "--arch", "x86", "--cache", dir); code != 0 {
		t.Fatalf("index: exit %d: %s%s", code, out, errOut)
	}
	built := packs(t, dir)
	if len(built) == 0 {
		t.Fatal("index --cache DIR wrote nothing into DIR")
	}
	time.Sleep(10 * time.Millisecond)
	if code, _, errOut := runCLI(t, "", "review", "--no-conf", "--tree", tree, "--arch", "x86", "--cache", dir, sample); code == 2 {
		t.Fatalf("review: exit 2: %s", errOut)
	}
	if code, _, errOut := runCLI(t, "", "rcu-map", "--tree", tree, "--arch", "x86", "--cache", dir, "--all"); code == 2 {
		t.Fatalf("rcu-map: exit 2: %s", errOut)
	}
	after := packs(t, dir)
	for name := range after {
		// what a review learned from the pack is kept next to it
		// (ksrc/index/learned.go): answers, not an index
		if strings.HasSuffix(name, ".names") || strings.HasSuffix(name, ".sat") {
			delete(after, name)
		}
	}
	for name, mt := range built {
		if got, ok := after[name]; !ok || !got.Equal(mt) {
			t.Errorf("%s was rewritten or removed: the index built by index was not the one review read", name)
		}
	}
	if len(after) != len(built) {
		t.Errorf("cache files %v after review, %v after index", after, built)
	}
	if got := packs(t, filepath.Join(user, "rcureview", "index")); len(got) > 0 {
		t.Errorf("review --cache wrote into the user cache: %v", got)
	}
}

// TestLearnedAnswersChangeNothing: what a review learns from the index
// (ksrc/index/learned.go) is saved next to it and used by the next
// review, whose report is the same: on the mini tree from a cold index,
// and, when it is there, on the real tree from its warm index in the
// user cache, its learned files removed first.
func TestLearnedAnswersChangeNothing(t *testing.T) {
	type run struct{ tree, cache string }
	runs := []run{{kerneltest.MiniTreeDir(t), t.TempDir()}}
	if real := os.Getenv("RCUREVIEW_KERNEL_TREE"); real != "" {
		if dir, err := os.UserCacheDir(); err == nil {
			runs = append(runs, run{real, filepath.Join(dir, "rcureview", "index")})
		}
	}
	learned := func(dir string) []string {
		var out []string
		for name := range packs(t, dir) {
			if strings.HasSuffix(name, ".names") || strings.HasSuffix(name, ".sat") {
				out = append(out, filepath.Join(dir, name))
			}
		}
		return out
	}
	for _, r := range runs {
		for _, p := range learned(r.cache) {
			os.Remove(p) // optional files: a review without them computes the answers
		}
		var outs []string
		for i := 0; i < 3; i++ {
			code, out, errOut := runCLI(t, "", "review", "--no-conf", "--tree", r.tree, "--cache", r.cache, "--format", "json", sample)
			if code == 2 {
				t.Fatalf("%s: review %d: exit 2: %s", r.tree, i, errOut)
			}
			outs = append(outs, out)
		}
		if len(learned(r.cache)) == 0 {
			t.Errorf("%s: the reviews saved no learned answers", r.tree)
		}
		if outs[1] != outs[0] || outs[2] != outs[0] {
			t.Errorf("%s: the report differs once the answers are learned", r.tree)
		}
	}
}
