package diffparse

import (
	"errors"
	"io/fs"
	"os"
	"reflect"
	"strings"
	"testing"
)

// twoHunks changes line 3 and line 20 of numbered(1, 30).
const twoHunks = `diff --git a/f.txt b/f.txt
--- a/f.txt
+++ b/f.txt
@@ -2,3 +2,3 @@
 line 2
-line 3
+LINE 3
 line 4
@@ -19,3 +19,4 @@
 line 19
 line 20
+line 20.5
 line 21
`

func TestApplyOffsets(t *testing.T) {
	for _, tc := range []struct {
		name        string
		src         string
		wantOld     [2]int
		wantNew     [2]int
		wantOffsets [2]int
	}{
		{"exact position", numbered(1, 30), [2]int{2, 19}, [2]int{2, 19}, [2]int{0, 0}},
		{"two lines added above: offset +2 for both hunks", "new a\nnew b\n" + numbered(1, 30), [2]int{4, 21}, [2]int{4, 21}, [2]int{2, 2}},
		{"one line removed above: offset -1", numbered(2, 29), [2]int{1, 18}, [2]int{1, 18}, [2]int{-1, -1}},
		{"lines added between the hunks shift only the second", numbered(1, 10) + "x\ny\nz\n" + numbered(11, 20), [2]int{2, 22}, [2]int{2, 22}, [2]int{0, 3}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			files := mustParse(t, twoHunks)
			res, err := Apply(MapReader{"f.txt": []byte(tc.src)}, files)
			if err != nil {
				t.Fatal(err)
			}
			for i, h := range files[0].Hunks {
				if h.AppliedOld != tc.wantOld[i] || h.AppliedNew != tc.wantNew[i] || h.Offset != tc.wantOffsets[i] || !h.Applied {
					t.Errorf("hunk %d applied at old %d new %d offset %d, want %d %d %d", i+1, h.AppliedOld, h.AppliedNew, h.Offset, tc.wantOld[i], tc.wantNew[i], tc.wantOffsets[i])
				}
			}
			h2 := files[0].Hunks[1]
			if _, n := h2.AppliedLines(h2.Lines[2]); n != tc.wantNew[1]+2 || h2.Lines[2].Text != "line 20.5" {
				t.Errorf("added line is at post-image line %d, want %d", n, tc.wantNew[1]+2)
			}
			want := strings.Replace(strings.Replace(tc.src, "line 3\n", "LINE 3\n", 1), "line 20\n", "line 20\nline 20.5\n", 1)
			if got := string(res.Files["f.txt"]); got != want {
				t.Errorf("content:\n%s\nwant:\n%s", got, want)
			}
		})
	}
}

func TestApplyNearestMatch(t *testing.T) {
	// The context "a b c" occurs at lines 1 and 9; the hunk says line 6,
	// so git's outward search (down first) picks line 9 (3 away) over
	// line 1 (5 away).
	src := "a\nb\nc\nx\nx\nx\nx\nx\na\nb\nc\n"
	diff := "--- a/f\n+++ b/f\n@@ -6,3 +6,3 @@\n a\n-b\n+B\n c\n"
	files := mustParse(t, diff)
	res, err := Apply(MapReader{"f": []byte(src)}, files)
	if err != nil {
		t.Fatal(err)
	}
	if h := files[0].Hunks[0]; h.AppliedOld != 9 || h.Offset != 3 {
		t.Errorf("applied at %d offset %d, want 9 offset 3", h.AppliedOld, h.Offset)
	}
	if got := string(res.Files["f"]); got != "a\nb\nc\nx\nx\nx\nx\nx\na\nB\nc\n" {
		t.Errorf("got %q", got)
	}
}

func TestApplyErrors(t *testing.T) {
	mod := "diff --git a/kernel/x.c b/kernel/x.c\n--- a/kernel/x.c\n+++ b/kernel/x.c\n@@ -2,3 +2,3 @@ void f(void)\n {\n-\ta();\n+\tb();\n }\n"
	for _, tc := range []struct {
		name     string
		diff     string
		tree     MapReader
		sentinel error
		hunk     int
		line     int
		contains string
	}{
		{
			name: "context not found names file, hunk and header", diff: mod,
			tree:     MapReader{"kernel/x.c": []byte("void f(void)\n{\n\tc();\n}\n")},
			sentinel: ErrNoMatch, hunk: 1, line: 3, contains: "kernel/x.c: hunk #1 (@@ -2,3 +2,3 @@ void f(void))",
		},
		{
			name: "trailing whitespace in the tree's context line", diff: mod,
			tree:     MapReader{"kernel/x.c": []byte("void f(void)\n{ \n\ta();\n}\n")},
			sentinel: ErrWhitespace, hunk: 1, line: 2, contains: "only in trailing whitespace",
		},
		{
			name: "tabs turned into spaces by the mailer", diff: mod,
			tree:     MapReader{"kernel/x.c": []byte("void f(void)\n{\n        a();\n}\n")},
			sentinel: ErrWhitespace, hunk: 1, line: 3, contains: "tabs turned into spaces",
		},
		{
			name: "modified file missing", diff: mod, tree: MapReader{},
			sentinel: fs.ErrNotExist, contains: "kernel/x.c",
		},
		{
			name: "new file already exists",
			diff: "diff --git a/n.c b/n.c\nnew file mode 100644\n--- /dev/null\n+++ b/n.c\n@@ -0,0 +1 @@\n+x\n",
			tree: MapReader{"n.c": []byte("old\n")}, sentinel: ErrFileExists, contains: "n.c",
		},
		{
			name: "deleted file missing",
			diff: "diff --git a/d.c b/d.c\ndeleted file mode 100644\n--- a/d.c\n+++ /dev/null\n@@ -1 +0,0 @@\n-x\n",
			tree: MapReader{}, sentinel: ErrFileMissing,
		},
		{
			name: "deleted file has more lines than the patch removes",
			diff: "diff --git a/d.c b/d.c\ndeleted file mode 100644\n--- a/d.c\n+++ /dev/null\n@@ -1 +0,0 @@\n-x\n",
			tree: MapReader{"d.c": []byte("x\ny\n")}, sentinel: ErrNoMatch,
		},
		{
			name: "rename onto an existing file",
			diff: "diff --git a/a.c b/b.c\nsimilarity index 100%\nrename from a.c\nrename to b.c\n",
			tree: MapReader{"a.c": []byte("a\n"), "b.c": []byte("b\n")}, sentinel: ErrFileExists,
		},
		{
			name: "hunk without trailing context must end the file",
			diff: "--- a/f\n+++ b/f\n@@ -1,2 +1,3 @@\n a\n b\n+c\n",
			tree: MapReader{"f": []byte("a\nb\nmore\n")}, sentinel: ErrNoMatch, hunk: 1, contains: "end of the file",
		},
		{
			name: "binary patch without data",
			diff: "diff --git a/fw.bin b/fw.bin\nindex 1234567..89abcde 100644\nBinary files a/fw.bin and b/fw.bin differ\n",
			tree: MapReader{"fw.bin": []byte{0, 1, 2}}, sentinel: ErrBinary,
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			files := mustParse(t, tc.diff)
			_, err := Apply(tc.tree, files)
			if err == nil {
				t.Fatal("no error")
			}
			if !errors.Is(err, tc.sentinel) {
				t.Errorf("error %v does not wrap %v", err, tc.sentinel)
			}
			if tc.hunk > 0 {
				var he *HunkError
				if !errors.As(err, &he) || he.Hunk != tc.hunk || he.Header == "" || he.PatchLine == 0 {
					t.Fatalf("error %#v is not a located HunkError", err)
				}
				if tc.line > 0 && he.Line != tc.line {
					t.Errorf("HunkError.Line = %d, want %d", he.Line, tc.line)
				}
			}
			if !strings.Contains(err.Error(), tc.contains) {
				t.Errorf("error %q does not contain %q", err, tc.contains)
			}
		})
	}
}

func TestApplyFileOperations(t *testing.T) {
	for _, tc := range []struct {
		name string
		diff string
		tree MapReader
		want map[string]string // "" value with key "-" prefix: removed
	}{
		{
			name: "rename with changes removes the old path",
			diff: "diff --git a/kernel/old.c b/kernel/new.c\nsimilarity index 80%\nrename from kernel/old.c\nrename to kernel/new.c\n--- a/kernel/old.c\n+++ b/kernel/new.c\n@@ -1,2 +1,2 @@\n a\n-b\n+c\n",
			tree: MapReader{"kernel/old.c": []byte("a\nb\n")},
			want: map[string]string{"kernel/new.c": "a\nc\n", "-kernel/old.c": ""},
		},
		{
			name: "copy keeps the source",
			diff: "diff --git a/a.c b/b.c\nsimilarity index 100%\ncopy from a.c\ncopy to b.c\n",
			tree: MapReader{"a.c": []byte("a\n")},
			want: map[string]string{"b.c": "a\n"},
		},
		{
			name: "deletion",
			diff: "diff --git a/d.c b/d.c\ndeleted file mode 100644\nindex 1..0\n--- a/d.c\n+++ /dev/null\n@@ -1,2 +0,0 @@\n-x\n-y\n",
			tree: MapReader{"d.c": []byte("x\ny\n")},
			want: map[string]string{"-d.c": ""},
		},
		{
			name: "mode change keeps the contents",
			diff: "diff --git a/s.sh b/s.sh\nold mode 100644\nnew mode 100755\n",
			tree: MapReader{"s.sh": []byte("#!/bin/sh\n")},
			want: map[string]string{"s.sh": "#!/bin/sh\n"},
		},
		{
			name: "add a newline at end of file",
			diff: "--- a/f\n+++ b/f\n@@ -1,2 +1,2 @@\n a\n-b\n\\ No newline at end of file\n+b\n",
			tree: MapReader{"f": []byte("a\nb")},
			want: map[string]string{"f": "a\nb\n"},
		},
		{
			name: "remove the newline at end of file",
			diff: "--- a/f\n+++ b/f\n@@ -1,2 +1,2 @@\n a\n-b\n+b\n\\ No newline at end of file\n",
			tree: MapReader{"f": []byte("a\nb\n")},
			want: map[string]string{"f": "a\nb"},
		},
		{
			name: "empty new file",
			diff: "diff --git a/empty b/empty\nnew file mode 100644\nindex 0000000..e69de29\n",
			tree: MapReader{},
			want: map[string]string{"empty": ""},
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			res, err := Apply(tc.tree, mustParse(t, tc.diff))
			if err != nil {
				t.Fatal(err)
			}
			for k, v := range tc.want {
				if p, removed := strings.CutPrefix(k, "-"); removed {
					if d, ok := res.Files[p]; !ok || d != nil {
						t.Errorf("%s not removed", p)
					}
					if _, err := Chain(tc.tree, res).ReadFile(p); !errors.Is(err, fs.ErrNotExist) {
						t.Errorf("Chain still reads %s: %v", p, err)
					}
					continue
				}
				d, ok := res.Files[k]
				if !ok || d == nil || string(d) != v {
					t.Errorf("%s = %q (present %v), want %q", k, d, ok, v)
				}
			}
		})
	}
}

func TestApplySeriesWithChain(t *testing.T) {
	p1 := "diff --git a/lib/n.c b/lib/n.c\nnew file mode 100644\n--- /dev/null\n+++ b/lib/n.c\n@@ -0,0 +1,3 @@\n+int n(void)\n+{\n+}\n"
	p2 := "diff --git a/lib/n.c b/lib/n.c\n--- a/lib/n.c\n+++ b/lib/n.c\n@@ -1,3 +1,4 @@\n int n(void)\n {\n+\treturn 1;\n }\n"
	base := MapReader{"README": []byte("x\n")}
	r1, err := Apply(base, mustParse(t, p1))
	if err != nil {
		t.Fatal(err)
	}
	f2 := mustParse(t, p2)
	r2, err := Apply(Chain(base, r1), f2)
	if err != nil {
		t.Fatal(err)
	}
	if got := string(r2.Files["lib/n.c"]); got != "int n(void)\n{\n\treturn 1;\n}\n" {
		t.Errorf("got %q", got)
	}
	if h := f2[0].Hunks[0]; h.OldFunc != "n" || h.NewFunc != "n" {
		t.Errorf("functions %q -> %q", h.OldFunc, h.NewFunc)
	}
	if _, err := Apply(base, f2); !errors.Is(err, ErrFileMissing) {
		t.Errorf("second patch without the first: %v", err)
	}
	if string(r2.Pre["lib/n.c"]) != "int n(void)\n{\n}\n" {
		t.Errorf("Pre = %q", r2.Pre["lib/n.c"])
	}
}

// TestApplyFunctions applies testdata/sample.patch to the sample C file
// shifted down by two lines and checks positions and enclosing functions.
func TestApplyFunctions(t *testing.T) {
	src, err := os.ReadFile("testdata/sample_rcu.c")
	if err != nil {
		t.Fatal(err)
	}
	want, err := os.ReadFile("testdata/sample_rcu_patched.c")
	if err != nil {
		t.Fatal(err)
	}
	patch, err := os.ReadFile("testdata/sample.patch")
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name   string
		prefix string
		offset int
	}{
		{"at the stated lines", "", 0},
		{"two lines lower: offset 2", "// one\n// two\n", 2},
	} {
		t.Run(tc.name, func(t *testing.T) {
			files := mustParse(t, string(patch))
			res, err := Apply(MapReader{"kernel/rcu/sample.c": append([]byte(tc.prefix), src...)}, files)
			if err != nil {
				t.Fatal(err)
			}
			if got := string(res.Files["kernel/rcu/sample.c"]); got != tc.prefix+string(want) {
				t.Errorf("post-image differs from testdata/sample_rcu_patched.c")
			}
			hs := files[0].Hunks
			for _, c := range []struct {
				h                int
				applied          int
				oldFunc, newFunc string
			}{
				{0, 42 + tc.offset, "sample_lookup", "sample_lookup"},
				{1, 56 + tc.offset, "sys_sample_call", "sample_new_helper"},
			} {
				h := hs[c.h]
				if h.AppliedOld != c.applied || h.Offset != tc.offset || h.OldFunc != c.oldFunc || h.NewFunc != c.newFunc {
					t.Errorf("hunk %d: at %d offset %d funcs %q -> %q; want %d %d %q -> %q",
						c.h+1, h.AppliedOld, h.Offset, h.OldFunc, h.NewFunc, c.applied, tc.offset, c.oldFunc, c.newFunc)
				}
			}
			if got := FunctionsChanged(files); strings.Join(got, ",") != "sample_lookup,sample_new_helper,sys_sample_call" {
				t.Errorf("FunctionsChanged = %v", got)
			}
		})
	}
}

func TestApplyNoPrefixPatch(t *testing.T) {
	diff := "diff --git kernel/rcu/sample.c kernel/rcu/sample.c\nindex 1..2 100644\n--- kernel/rcu/sample.c\n+++ kernel/rcu/sample.c\n@@ -36,3 +36,4 @@ static __always_inline bool sample_inline(struct sample_node *n)\n {\n \treturn READ_ONCE(n->key) != 0;\n+\t/* unreachable */\n }\n"
	src, err := os.ReadFile("testdata/sample_rcu.c")
	if err != nil {
		t.Fatal(err)
	}
	files := mustParse(t, diff)
	if _, err := Apply(MapReader{"kernel/rcu/sample.c": src}, files); err != nil {
		t.Fatal(err)
	}
	if h := files[0].Hunks[0]; h.NewFunc != "sample_inline" || h.OldFunc != "sample_inline" {
		t.Errorf("functions %q -> %q", h.OldFunc, h.NewFunc)
	}
}

// TestPlaceIsApplyWithoutFunctions: Place makes the same files and places
// the hunks where Apply does, with the same errors, but looks up no
// enclosing function.
func TestPlaceIsApplyWithoutFunctions(t *testing.T) {
	base := MapReader{"lib/n.c": []byte("int m(void)\n{\n}\n\nint n(void)\n{\n\treturn 0;\n}\n")}
	p := "diff --git a/lib/n.c b/lib/n.c\n--- a/lib/n.c\n+++ b/lib/n.c\n@@ -5,3 +5,4 @@\n int n(void)\n {\n+\tm();\n \treturn 0;\n"
	applied, placed := mustParse(t, p), mustParse(t, p)
	ra, err := Apply(base, applied)
	if err != nil {
		t.Fatal(err)
	}
	rp, err := Place(base, placed)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(ra.Files, rp.Files) || !reflect.DeepEqual(ra.Paths, rp.Paths) {
		t.Errorf("Place made %q, Apply %q", rp.Files, ra.Files)
	}
	ha, hp := applied[0].Hunks[0], placed[0].Hunks[0]
	if ha.OldFunc != "n" || ha.NewFunc != "n" || hp.OldFunc != "" || hp.NewFunc != "" {
		t.Errorf("functions: Apply %q -> %q, Place %q -> %q; want n -> n and none", ha.OldFunc, ha.NewFunc, hp.OldFunc, hp.NewFunc)
	}
	if ha.AppliedOld != hp.AppliedOld || ha.AppliedNew != hp.AppliedNew || ha.Offset != hp.Offset || !hp.Applied {
		t.Errorf("placed at %d/%d%+d, applied at %d/%d%+d", hp.AppliedOld, hp.AppliedNew, hp.Offset, ha.AppliedOld, ha.AppliedNew, ha.Offset)
	}
	bad := MapReader{"lib/n.c": []byte("int n(void)\n{\n\treturn 1;\n}\n")}
	_, errA := Apply(bad, mustParse(t, p))
	_, errP := Place(bad, mustParse(t, p))
	if errA == nil || errP == nil || errA.Error() != errP.Error() {
		t.Errorf("a hunk that does not apply: Apply %v, Place %v", errA, errP)
	}
}
