package diffparse

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// fuzzSeeds returns the diffs of the corpus mails and patches (when the
// corpus is present) and of testdata.
func fuzzSeeds() []string {
	var seeds []string
	for _, pat := range []string{corpus + "patchwork/mail/*.mbox", corpus + "patchwork/patches/*.patch", "testdata/*.patch"} {
		names, _ := filepath.Glob(pat)
		for _, n := range names {
			b, err := os.ReadFile(n)
			if err != nil {
				continue
			}
			s := string(b)
			for _, m := range []string{"\ndiff --git ", "\nIndex: ", "\n--- "} {
				if i := strings.Index(s, m); i >= 0 {
					s = s[i+1:]
					break
				}
			}
			seeds = append(seeds, s)
		}
	}
	return append(seeds, twoHunks,
		"--- a/f\n+++ b/f\n@@ -1,4 +1,4 @@\n a\n-b\n+c\n d\n",
		"diff --git a/x b/x\r\n--- a/x\r\n+++ b/x\r\n@@ -1 +1 @@\r\n-one\r\n+two\r\n",
		"diff --git f f\nold mode 100644\nnew mode 100755\n")
}

// checkParsed verifies the invariants of a successful Parse.
func checkParsed(t *testing.T, diff string, files []*File) {
	nLines := strings.Count(diff, "\n") + 1
	for _, f := range files {
		for _, n := range []string{f.OldName, f.NewName} {
			if err := CheckPath(n); err != nil {
				t.Fatalf("unsafe name passed Parse: %v", err)
			}
		}
		for _, h := range f.Hunks {
			old, nw := 0, 0
			for _, l := range h.Lines {
				if l.PatchLine < 1 || l.PatchLine > nLines || l.PatchLine <= h.PatchLine {
					t.Fatalf("line %+v of hunk at %d has a bad PatchLine (%d lines)", l, h.PatchLine, nLines)
				}
				if l.Op != Add {
					old++
				}
				if l.Op != Delete {
					nw++
				}
			}
			if old != h.OldLines || nw != h.NewLines {
				t.Fatalf("hunk %q has %d/%d lines, counts %d/%d", h.Header, old, nw, h.OldLines, h.NewLines)
			}
		}
	}
}

func FuzzParse(f *testing.F) {
	for _, s := range fuzzSeeds() {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, diff string) {
		files, err := Parse(diff)
		if err != nil {
			if strings.Contains(err.Error(), "internal error") {
				t.Fatal(err)
			}
			return
		}
		checkParsed(t, diff, files)
	})
}

// fuzzTree serves the sample C file under every path except those
// starting with "new", which do not exist.
type fuzzTree []byte

func (s fuzzTree) ReadFile(p string) ([]byte, error) {
	if strings.HasPrefix(p, "new") {
		return nil, &fs.PathError{Op: "read", Path: p, Err: fs.ErrNotExist}
	}
	return s, nil
}

func FuzzApply(f *testing.F) {
	src, err := os.ReadFile("testdata/sample_rcu.c")
	if err != nil {
		f.Fatal(err)
	}
	for _, s := range fuzzSeeds() {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, diff string) {
		files, err := Parse(diff)
		if err != nil {
			return
		}
		res, err := Apply(fuzzTree(src), files)
		if err != nil {
			var he *HunkError
			var fe *FileError
			if !errors.As(err, &he) && !errors.As(err, &fe) {
				t.Fatalf("untyped apply error: %v", err)
			}
			return
		}
		for _, fl := range files {
			post, ok := res.Files[fl.Path()]
			if !ok {
				continue
			}
			lines := splitKeep(post)
			for _, h := range fl.Hunks {
				if !h.Applied {
					t.Fatalf("hunk %q not marked applied", h.Header)
				}
				// The added lines must be in the post-image where Apply says.
				at := h.AppliedNew - 1
				if h.NewLines == 0 {
					continue
				}
				for _, l := range h.Lines {
					if l.Op == Delete {
						continue
					}
					if at < 0 || at >= len(lines) {
						t.Fatalf("hunk %q: post-image line %d out of range %d", h.Header, at+1, len(lines))
					}
					if l.Op == Add && strings.TrimRight(lines[at], "\r\n") != strings.TrimRight(l.Text, "\r") {
						t.Fatalf("hunk %q: post-image line %d is %q, want %q", h.Header, at+1, lines[at], l.Text)
					}
					at++
				}
			}
		}
	})
}
