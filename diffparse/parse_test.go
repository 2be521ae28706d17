package diffparse

import (
	"errors"
	"strings"
	"testing"
)

func TestParseNames(t *testing.T) {
	for _, tc := range []struct {
		name               string
		diff               string
		oldName, newName   string
		isNew, isDel, isRn bool
	}{
		{
			name:    "git a/ b/ prefixes",
			diff:    "diff --git a/kernel/rcu/tree.c b/kernel/rcu/tree.c\nindex 1..2 100644\n--- a/kernel/rcu/tree.c\n+++ b/kernel/rcu/tree.c\n@@ -1 +1 @@\n-x\n+y\n",
			oldName: "kernel/rcu/tree.c", newName: "kernel/rcu/tree.c",
		},
		{
			name:    "git --no-prefix text patch",
			diff:    "diff --git kernel/rcu/tree.c kernel/rcu/tree.c\nindex 1..2 100644\n--- kernel/rcu/tree.c\n+++ kernel/rcu/tree.c\n@@ -1 +1 @@\n-x\n+y\n",
			oldName: "kernel/rcu/tree.c", newName: "kernel/rcu/tree.c",
		},
		{
			name:    "git --no-prefix new file",
			diff:    "diff --git lib/new.c lib/new.c\nnew file mode 100644\nindex 0..2\n--- /dev/null\n+++ lib/new.c\n@@ -0,0 +1 @@\n+y\n",
			newName: "lib/new.c", isNew: true,
		},
		{
			name:    "git --no-prefix rename keeps both directories",
			diff:    "diff --git kernel/a.c lib/a.c\nsimilarity index 90%\nrename from kernel/a.c\nrename to lib/a.c\n--- kernel/a.c\n+++ lib/a.c\n@@ -1 +1 @@\n-x\n+y\n",
			oldName: "kernel/a.c", newName: "lib/a.c", isRn: true,
		},
		{
			name:    "git mnemonic prefixes i/ w/",
			diff:    "diff --git i/mm/slab.c w/mm/slab.c\n--- i/mm/slab.c\n+++ w/mm/slab.c\n@@ -1 +1 @@\n-x\n+y\n",
			oldName: "mm/slab.c", newName: "mm/slab.c",
		},
		{
			name:    "git quoted names with a space",
			diff:    "diff --git \"a/doc/my file.txt\" \"b/doc/my file.txt\"\n--- \"a/doc/my file.txt\"\n+++ \"b/doc/my file.txt\"\n@@ -1 +1 @@\n-x\n+y\n",
			oldName: "doc/my file.txt", newName: "doc/my file.txt",
		},
		{
			name:    "plain diff -u with a/ b/ and timestamps",
			diff:    "--- a/kernel/sched/core.c\t2024-01-01 10:00:00.000000000 +0100\n+++ b/kernel/sched/core.c\t2024-01-02 10:00:00.000000000 +0100\n@@ -1 +1 @@\n-x\n+y\n",
			oldName: "kernel/sched/core.c", newName: "kernel/sched/core.c",
		},
		{
			name:    "plain diff -u of two source trees",
			diff:    "diff -urN linux-6.12.orig/kernel/rcu/tree.c linux-6.12/kernel/rcu/tree.c\n--- linux-6.12.orig/kernel/rcu/tree.c\t2024-11-17 15:15:00\n+++ linux-6.12/kernel/rcu/tree.c\t2024-11-18 15:15:00\n@@ -1 +1 @@\n-x\n+y\n",
			oldName: "kernel/rcu/tree.c", newName: "kernel/rcu/tree.c",
		},
		{
			name:    "plain diff -u against a .orig copy keeps the path",
			diff:    "--- kernel/rcu/tree.c.orig\n+++ kernel/rcu/tree.c\n@@ -1 +1 @@\n-x\n+y\n",
			oldName: "kernel/rcu/tree.c", newName: "kernel/rcu/tree.c",
		},
		{
			name:    "plain diff -u new file at the epoch",
			diff:    "--- /dev/null\t1970-01-01 00:00:00.000000000 +0000\n+++ b/lib/new.c\t2024-01-02 10:00:00.000000000 +0100\n@@ -0,0 +1 @@\n+y\n",
			newName: "lib/new.c", isNew: true,
		},
		{
			name:    "CVS Index with base names takes the Index path",
			diff:    "Index: src/bfd/elflink.c\n===================================================================\nRCS file: /cvs/src/src/bfd/elflink.c,v\nretrieving revision 1.430\ndiff -u -p -r1.430 elflink.c\n--- elflink.c\t15 Nov 2011 11:33:57 -0000\t1.430\n+++ elflink.c\t5 Dec 2011 20:15:50 -0000\n@@ -1 +1 @@\n-x\n+y\n",
			oldName: "src/bfd/elflink.c", newName: "src/bfd/elflink.c",
		},
		{
			name:    "hg export style",
			diff:    "# HG changeset patch\ndiff -r 1234abcd -r 5678ef90 mm/page_alloc.c\n--- a/mm/page_alloc.c\tMon Jan 01 00:00:00 2024 +0000\n+++ b/mm/page_alloc.c\tMon Jan 01 00:00:00 2024 +0000\n@@ -1 +1 @@\n-x\n+y\n",
			oldName: "mm/page_alloc.c", newName: "mm/page_alloc.c",
		},
		{
			name:    "CRLF patch keeps no carriage return in names",
			diff:    "diff --git a/configure b/configure\r\n--- a/configure\r\n+++ b/configure\r\n@@ -1 +1 @@\r\n-x\r\n+y\r\n",
			oldName: "configure", newName: "configure",
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			files := mustParse(t, tc.diff)
			if len(files) != 1 {
				t.Fatalf("got %d files, want 1", len(files))
			}
			f := files[0]
			if f.OldName != tc.oldName || f.NewName != tc.newName {
				t.Errorf("names %q -> %q, want %q -> %q", f.OldName, f.NewName, tc.oldName, tc.newName)
			}
			if f.IsNew != tc.isNew || f.IsDelete != tc.isDel || f.IsRename != tc.isRn {
				t.Errorf("new/delete/rename = %v/%v/%v, want %v/%v/%v", f.IsNew, f.IsDelete, f.IsRename, tc.isNew, tc.isDel, tc.isRn)
			}
			if len(f.Hunks) != 1 || len(f.Hunks[0].Lines) == 0 {
				t.Fatalf("hunks not parsed: %+v", f.Hunks)
			}
			for _, l := range f.Hunks[0].Lines {
				if strings.Contains(l.Text, "\r") {
					t.Errorf("line %q keeps a carriage return", l.Text)
				}
			}
		})
	}
}

func TestParseLineNumbers(t *testing.T) {
	diff := `Subject: sample

Commit message.
---
 kernel/x.c | 3 ++-

diff --git a/kernel/x.c b/kernel/x.c
index 1111111..2222222 100644
--- a/kernel/x.c
+++ b/kernel/x.c
@@ -10,4 +10,5 @@ static void foo(void)
 	a();
-	b();
+	c();
+	d();
 	e();
@@ -30,2 +31,2 @@ static void bar(void)
-	x();
+	y();
 	z();
\ No newline at end of file
-- 
2.43.0
`
	files := mustParse(t, diff)
	if len(files) != 1 || len(files[0].Hunks) != 2 {
		t.Fatalf("got %d files", len(files))
	}
	f := files[0]
	if f.PatchLine != 7 {
		t.Errorf("file PatchLine = %d, want 7", f.PatchLine)
	}
	h1, h2 := f.Hunks[0], f.Hunks[1]
	if h1.PatchLine != 11 || h2.PatchLine != 17 {
		t.Errorf("hunk PatchLines = %d, %d, want 11, 17", h1.PatchLine, h2.PatchLine)
	}
	if h1.Section != "static void foo(void)" || h1.Index != 1 || h2.Index != 2 {
		t.Errorf("section %q, indexes %d %d", h1.Section, h1.Index, h2.Index)
	}
	want := []Line{
		{Op: Context, Text: "\ta();", OldLine: 10, NewLine: 10, PatchLine: 12},
		{Op: Delete, Text: "\tb();", OldLine: 11, PatchLine: 13},
		{Op: Add, Text: "\tc();", NewLine: 11, PatchLine: 14},
		{Op: Add, Text: "\td();", NewLine: 12, PatchLine: 15},
		{Op: Context, Text: "\te();", OldLine: 12, NewLine: 13, PatchLine: 16},
	}
	for i, w := range want {
		if h1.Lines[i] != w {
			t.Errorf("hunk 1 line %d = %+v, want %+v", i, h1.Lines[i], w)
		}
	}
	last := h2.Lines[len(h2.Lines)-1]
	if !last.NoEOL || last.PatchLine != 20 || last.OldLine != 31 || last.NewLine != 32 {
		t.Errorf("last line %+v, want NoEOL at patch line 20, old 31, new 32", last)
	}
	if h1.OldFunc != "" || h1.Applied {
		t.Errorf("Parse filled Apply's fields: %+v", h1)
	}
}

func TestParseRecount(t *testing.T) {
	for _, tc := range []struct {
		name          string
		diff          string
		oldN, newN    int
		wantRecounted bool
	}{
		{
			name: "last empty context line swallowed by a MIME boundary",
			diff: "diff --git a/f.py b/f.py\n--- a/f.py\n+++ b/f.py\n@@ -1,4 +1,4 @@\n a\n-b\n+c\n d\n",
			oldN: 3, newN: 3, wantRecounted: true,
		},
		{
			name: "two trailing context lines lost before the next file",
			diff: "diff --git a/f b/f\n--- a/f\n+++ b/f\n@@ -1,5 +1,5 @@\n a\n-b\n+c\n d\ndiff --git a/g b/g\n--- a/g\n+++ b/g\n@@ -1 +1 @@\n-x\n+y\n",
			oldN: 3, newN: 3, wantRecounted: true,
		},
		{
			name: "header undercounts an added line",
			diff: "diff --git a/f b/f\n--- a/f\n+++ b/f\n@@ -1,2 +1,2 @@\n a\n-b\n+c\n+d\n-- \n2.43.0\n",
			oldN: 2, newN: 3, wantRecounted: true,
		},
		{
			name: "a +line followed by prose after the hunk is not part of it",
			diff: "diff --git a/f b/f\n--- a/f\n+++ b/f\n@@ -1,2 +1,2 @@\n a\n-b\n+c\n+1 from me.\nThanks, Jane\n",
			oldN: 2, newN: 2,
		},
		{
			name: "a --- separator and diffstat after the hunk end it",
			diff: "diff --git a/f b/f\n--- a/f\n+++ b/f\n@@ -1,2 +1,2 @@\n a\n-b\n+c\n---\n f | 2 +-\n",
			oldN: 2, newN: 2,
		},
		{
			name: "empty line as empty context (whitespace stripped by the MUA)",
			diff: "diff --git a/f b/f\n--- a/f\n+++ b/f\n@@ -1,3 +1,3 @@\n a\n\n-b\n+c\n",
			oldN: 3, newN: 3,
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			files := mustParse(t, tc.diff)
			h := files[0].Hunks[0]
			if h.OldLines != tc.oldN || h.NewLines != tc.newN || h.Recounted != tc.wantRecounted {
				t.Errorf("counts %d/%d recounted %v, want %d/%d %v", h.OldLines, h.NewLines, h.Recounted, tc.oldN, tc.newN, tc.wantRecounted)
			}
			if !strings.HasPrefix(h.Header, "@@ -1,") {
				t.Errorf("header %q is not the original", h.Header)
			}
		})
	}
}

func TestParseErrors(t *testing.T) {
	for _, tc := range []struct {
		name     string
		diff     string
		sentinel error
		file     string
		hunk     int
		contains string
	}{
		{
			name:     "hunk truncated on the + side is ambiguous",
			diff:     "diff --git a/kernel/x.c b/kernel/x.c\n--- a/kernel/x.c\n+++ b/kernel/x.c\n@@ -1,2 +1,4 @@\n a\n-b\n+c\n",
			sentinel: ErrMangled, file: "kernel/x.c", hunk: 1, contains: "@@ -1,2 +1,4 @@",
		},
		{
			name:     "line wrapped by the mail client",
			diff:     "diff --git a/kernel/x.c b/kernel/x.c\n--- a/kernel/x.c\n+++ b/kernel/x.c\n@@ -1,3 +1,3 @@\n a\n-b\n+\tpr_info(\"a long line that the\nmailer wrapped\");\n c\n",
			sentinel: ErrMangled, file: "kernel/x.c", hunk: 1, contains: "wrapped",
		},
		{
			name:     "second hunk is broken",
			diff:     "diff --git a/k.c b/k.c\n--- a/k.c\n+++ b/k.c\n@@ -1 +1 @@\n-a\n+b\n@@ -10,3 +10,5 @@ foo\n x\n+y\n",
			sentinel: ErrMangled, file: "k.c", hunk: 2, contains: "@@ -10,3 +10,5 @@ foo",
		},
		{name: "absolute path", diff: "--- /etc/passwd\n+++ /etc/passwd\n@@ -1 +1 @@\n-a\n+b\n", sentinel: ErrUnsafePath},
		{name: "dot-dot component", diff: "diff --git a/../../x b/../../x\n--- a/../../x\n+++ b/../../x\n@@ -1 +1 @@\n-a\n+b\n", sentinel: ErrUnsafePath},
		{name: "into .git", diff: "diff --git a/.git/hooks/pre-commit b/.git/hooks/pre-commit\nnew file mode 100755\n--- /dev/null\n+++ b/.git/hooks/pre-commit\n@@ -0,0 +1 @@\n+rm -rf /\n", sentinel: ErrUnsafePath},
		{name: "into .GIT on a case-insensitive fs", diff: "diff --git a/sub/.GIT/config b/sub/.GIT/config\n--- a/sub/.GIT/config\n+++ b/sub/.GIT/config\n@@ -1 +1 @@\n-a\n+b\n", sentinel: ErrUnsafePath},
		{name: "control character", diff: "diff --git \"a/x\\033[2Jy\" \"b/x\\033[2Jy\"\n--- \"a/x\\033[2Jy\"\n+++ \"b/x\\033[2Jy\"\n@@ -1 +1 @@\n-a\n+b\n", sentinel: ErrUnsafePath},
		{name: "rename to an unsafe name", diff: "diff --git a/x b/y\nsimilarity index 100%\nrename from x\nrename to ../y\n", sentinel: ErrUnsafePath},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Parse(tc.diff)
			if err == nil {
				t.Fatal("no error")
			}
			if !errors.Is(err, tc.sentinel) {
				t.Errorf("error %v does not wrap %v", err, tc.sentinel)
			}
			if tc.hunk > 0 {
				var he *HunkError
				if !errors.As(err, &he) || he.File != tc.file || he.Hunk != tc.hunk {
					t.Errorf("error %#v is not a HunkError for %s hunk %d", err, tc.file, tc.hunk)
				}
			}
			if !strings.Contains(err.Error(), tc.contains) {
				t.Errorf("error %q does not contain %q", err, tc.contains)
			}
		})
	}
}

func TestParseNeverPanicsOnGarbage(t *testing.T) {
	for _, s := range []string{"", "\n", "@@ -1 +1 @@\n", "diff --git \n", "diff --git a b\n@@ -x +y @@\n",
		"--- a\n+++ b\n@@ -1,99999999999 +1 @@\n", "diff --git a/x b/x\nGIT binary patch\nliteral 5\nzzzzz\n"} {
		_, _ = Parse(s)
	}
}
