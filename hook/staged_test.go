package hook

import (
	"fmt"
	"github.com/go-git/go-git/v5/plumbing/filemode"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

// treeFromDiff applies diff to HEAD in a throw-away index and returns the
// tree git writes, to compare with the tree of the real index.
func (r *gitRepo) treeFromDiff(diff string) string {
	r.t.Helper()
	idx := filepath.Join(r.t.TempDir(), "index")
	patch := filepath.Join(r.t.TempDir(), "p.diff")
	os.WriteFile(patch, []byte(diff), 0o644)
	env := []string{"GIT_INDEX_FILE=" + idx}
	if out, err := r.gitErr(env, "read-tree", "HEAD"); err != nil {
		r.t.Fatalf("read-tree: %v %s", err, out)
	}
	if out, err := r.gitErr(env, "apply", "--cached", patch); err != nil {
		r.t.Fatalf("git apply of our staged diff failed: %v\n%s\n--- diff:\n%s", err, out, diff)
	}
	out, err := r.gitErr(env, "write-tree")
	if err != nil {
		r.t.Fatalf("write-tree: %v %s", err, out)
	}
	return out
}

func TestStagedDiffMatchesGit(t *testing.T) {
	r := newGitRepo(t)
	r.write("kernel/rcu/tree.c", "int a;\nint b;\nint c;\n")
	r.write("kernel/rcu/gone.c", "int gone;\n")
	r.write("scripts/run.sh", "#!/bin/sh\necho hi\n")
	r.write("include/linux/rcupdate.h", strings.Repeat("/* line */\n", 40))
	r.commit("base")

	r.write("kernel/rcu/tree.c", "int a;\nint b2;\nint c;\nint d;\n")
	r.write("kernel/rcu/new.c", "int fresh(void)\n{\n\treturn 1;\n}\n")
	os.Remove(filepath.Join(r.dir, "kernel/rcu/gone.c"))
	os.Chmod(filepath.Join(r.dir, "scripts/run.sh"), 0o755)
	r.write("include/linux/rcupdate.h", strings.Repeat("/* line */\n", 20)+"/* changed */\n"+strings.Repeat("/* line */\n", 19))
	r.git("add", "-A")
	r.write("kernel/rcu/tree.c", "unstaged change\n") // not in the index: must not show

	repo, err := Open(r.dir)
	if err != nil {
		t.Fatal(err)
	}
	diff, err := StagedDiff(repo, "")
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"new file mode 100644", "deleted file mode 100644", "new mode 100755", "+int b2;", "+/* changed */"} {
		if !strings.Contains(diff, want) {
			t.Errorf("diff lacks %q:\n%s", want, diff)
		}
	}
	if strings.Contains(diff, "unstaged change") {
		t.Error("diff shows an unstaged change")
	}
	if got, want := r.treeFromDiff(diff), r.git("write-tree"); got != want {
		t.Fatalf("HEAD + our diff = tree %s, the index is %s", got, want)
	}
}

func TestStagedDiffHonoursIndexFileAndUnbornHead(t *testing.T) {
	r := newGitRepo(t)
	r.write("a.c", "int a;\n")
	r.git("add", "a.c")
	repo, err := Open(r.dir)
	if err != nil {
		t.Fatal(err)
	}
	diff, err := StagedDiff(repo, "")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(diff, "new file mode") || !strings.Contains(diff, "+int a;") {
		t.Fatalf("staged file on an unborn branch:\n%s", diff)
	}
	r.git("commit", "-q", "-m", "base")

	// "git commit -a" runs hooks with a temporary index.
	r.write("a.c", "int a;\nint b;\n")
	tmp := filepath.Join(r.dir, ".git", "tmp-index")
	if out, err := r.gitErr([]string{"GIT_INDEX_FILE=" + tmp}, "read-tree", "HEAD"); err != nil {
		t.Fatal(err, out)
	}
	if out, err := r.gitErr([]string{"GIT_INDEX_FILE=" + tmp}, "add", "a.c"); err != nil {
		t.Fatal(err, out)
	}
	if d, _ := StagedDiff(repo, ""); d != "" {
		t.Fatalf("the real index has no change, got:\n%s", d)
	}
	d, err := StagedDiff(repo, tmp)
	if err != nil || !strings.Contains(d, "+int b;") {
		t.Fatalf("with GIT_INDEX_FILE: %v\n%s", err, d)
	}
	if _, err := StagedDiff(repo, filepath.Join(r.dir, "missing-index")); err == nil {
		t.Error("a missing index file gave no error")
	}
}

func TestStagedDiffRefusesUnmergedIndex(t *testing.T) {
	r := newGitRepo(t)
	r.write("a.c", "base\n")
	r.commit("base")
	r.git("checkout", "-q", "-b", "other")
	r.write("a.c", "other\n")
	r.commit("other")
	r.git("checkout", "-q", "main")
	r.write("a.c", "main\n")
	r.commit("main")
	if _, err := r.gitErr(nil, "merge", "-q", "other"); err == nil {
		t.Fatal("merge did not conflict")
	}
	repo, _ := Open(r.dir)
	if _, err := StagedDiff(repo, ""); err == nil || !strings.Contains(err.Error(), "unmerged") {
		t.Fatalf("err = %v, want unmerged", err)
	}
}

func TestRangeCommitsMatchRevList(t *testing.T) {
	r := newGitRepo(t)
	r.write("a.c", "1\n")
	base := r.commit("base")
	r.git("checkout", "-q", "-b", "topic")
	r.write("a.c", "1\n2\n")
	r.commit("rcu: second\n\nBody of the second commit.")
	r.write("b.c", "b\n")
	r.commit("rcu: third")
	r.git("checkout", "-q", "-b", "side", base)
	r.write("c.c", "c\n")
	r.commit("side: fourth")
	r.git("checkout", "-q", "topic")
	r.git("merge", "-q", "--no-edit", "side")
	r.write("a.c", "1\n2\n3\n")
	r.commit("rcu: fifth")

	repo, _ := Open(r.dir)
	commits, err := RangeCommits(repo, base+"..topic")
	if err != nil {
		t.Fatal(err)
	}
	want := strings.Fields(r.git("rev-list", "--reverse", "--no-merges", "--topo-order", base+"..topic"))
	var got []string
	for _, c := range commits {
		got = append(got, c.Hash)
	}
	if len(got) != len(want) {
		t.Fatalf("got %d commits, rev-list %d", len(got), len(want))
	}
	// Parents come before children; the set equals rev-list's.
	pos := map[string]int{}
	for i, h := range got {
		pos[h] = i
	}
	for _, h := range want {
		if _, ok := pos[h]; !ok {
			t.Errorf("commit %s missing", h)
		}
		for _, p := range strings.Fields(r.git("rev-list", "--parents", "-n1", h))[1:] {
			if pp, ok := pos[p]; ok && pp > pos[h] {
				t.Errorf("parent %s after child %s", p, h)
			}
		}
	}
	// Commit times within one second leave the side branch's commit free
	// to come first: find the second commit by its title.
	for i, c := range commits {
		if c.Index != i+1 || c.Total != 4 {
			t.Errorf("commit %d numbered [PATCH %d/%d]", i+1, c.Index, c.Total)
		}
		if c.Subject == "rcu: second" && (c.Message != "Body of the second commit." || !strings.Contains(c.Diff, "\n+2\n")) {
			t.Errorf("second commit: %+v", c)
		}
	}
	if _, err := RangeCommits(repo, "nonexistent..topic"); err == nil {
		t.Error("unknown revision accepted")
	}
}

func FuzzParseRange(f *testing.F) {
	for _, s := range []string{"a..b", "HEAD~3..", "..b", "a...b", "", "....", "v6.12..HEAD"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		a, b, err := ParseRange(s)
		if err != nil {
			return
		}
		if a == "" || b == "" || !strings.Contains(s, "..") {
			t.Fatalf("ParseRange(%q) = %q, %q", s, a, b)
		}
	})
}

// Directories the cache tree holds valid with HEAD's tree are skipped;
// those it holds for another tree (HEAD moved under the index) are
// listed, so the diff is git's either way.
func TestStagedDiffCacheTree(t *testing.T) {
	r := newGitRepo(t)
	r.write("mm/slab.c", "int slab;\n")
	r.write("mm/kasan/init.c", "int kasan;\n")
	r.write("kernel/rcu/tree.c", "int a;\n")
	r.commit("base")
	r.write("mm/slab.c", "int slab2;\n")
	r.commit("second")
	r.write("kernel/rcu/tree.c", "int a2;\n")
	r.git("add", "kernel/rcu/tree.c")
	repo, err := Open(r.dir)
	if err != nil {
		t.Fatal(err)
	}
	check := func(wantClean, wantNot string) {
		t.Helper()
		diff, err := StagedDiff(repo, "")
		if err != nil {
			t.Fatal(err)
		}
		if got, want := r.treeFromDiff(diff), r.git("write-tree"); got != want {
			t.Fatalf("HEAD + our diff = tree %s, the index is %s\n%s", got, want, diff)
		}
		head, _, err := headTree(repo)
		if err != nil {
			t.Fatal(err)
		}
		data, err := os.ReadFile(filepath.Join(r.dir, ".git", "index"))
		if err != nil {
			t.Fatal(err)
		}
		root := cacheTreeOf(data)
		if root == nil {
			t.Fatal("no cache tree read")
		}
		clean, err := cleanDirs(repo, root, head)
		if err != nil {
			t.Fatal(err)
		}
		if wantClean != "" && !clean[wantClean] {
			t.Errorf("%s not skipped (clean: %v)", wantClean, clean)
		}
		if clean[wantNot] {
			t.Errorf("%s skipped although it differs from HEAD", wantNot)
		}
	}
	check("mm", "kernel")
	// the same read from an index of version 4 (prefix-compressed names)
	r.git("update-index", "--index-version", "4")
	check("mm", "kernel")
	// HEAD moves back; the index (and its cache tree) stays: mm/ differs
	r.git("reset", "-q", "--soft", "HEAD~1")
	check("", "mm")
}

// The pre-commit hook in a clone that borrows its objects (git clone
// --shared / --reference): HEAD's blobs are only in the other repository.
func TestStagedDiffInSharedClone(t *testing.T) {
	origin := newGitRepo(t)
	origin.write("kernel/rcu/tree.c", "int a;\nint b;\n")
	origin.commit("base")

	r := newGitRepo(t)
	r.git("clone", "-q", "--shared", origin.dir, r.dir+"/c")
	r.dir += "/c"
	r.write("kernel/rcu/tree.c", "int a;\nint b2;\n")
	r.git("add", "-A")

	repo, err := Open(r.dir)
	if err != nil {
		t.Fatal(err)
	}
	diff, err := StagedDiff(repo, "")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(diff, "-int b;") || !strings.Contains(diff, "+int b2;") {
		t.Errorf("diff in a shared clone:\n%s", diff)
	}
}

// The index read in place gives the entries go-git's decoder gives, for
// index versions 2, 3 (extended flags: intent-to-add) and 4 (prefix-
// compressed names); a file whose checksum does not match, or an index
// with an unmerged path, is not read past.
func TestIndexEntriesAsGoGit(t *testing.T) {
	r := newGitRepo(t)
	for i := 0; i < 40; i++ {
		r.write(fmt.Sprintf("kernel/rcu/f%02d.c", i), fmt.Sprintf("int f%d;\n", i))
	}
	r.write("mm/slab.c", "int slab;\n")
	r.write("tools/run.sh", "#!/bin/sh\n")
	if err := os.Chmod(filepath.Join(r.dir, "tools", "run.sh"), 0o755); err != nil {
		t.Fatal(err)
	}
	r.commit("base")
	r.write("kernel/rcu/f03.c", "int f3b;\n")
	r.git("add", "kernel/rcu/f03.c")
	r.git("rm", "-q", "--cached", "mm/slab.c")
	r.write("kernel/rcu/new.c", "int new;\n")
	r.git("add", "kernel/rcu/new.c")
	r.write("kernel/rcu/later.c", "int later;\n")
	r.git("add", "-N", "kernel/rcu/later.c") // intent to add: version 3
	repo, err := Open(r.dir)
	if err != nil {
		t.Fatal(err)
	}
	indexPath := filepath.Join(r.dir, ".git", "index")
	want := func() map[string]entry {
		idx, err := readIndex(repo, indexPath)
		if err != nil {
			t.Fatal(err)
		}
		out := map[string]entry{}
		for _, e := range idx.Entries {
			if !e.IntentToAdd {
				out[e.Name] = entry{e.Hash, e.Mode}
			}
		}
		return out
	}
	for _, ver := range []string{"3", "2", "4"} {
		if ver != "3" {
			r.git("add", "kernel/rcu/later.c") // versions 2 and 4 cannot hold intent-to-add
			r.git("update-index", "--index-version", ver)
		}
		data, err := os.ReadFile(indexPath)
		if err != nil {
			t.Fatal(err)
		}
		got, ok, err := indexEntries(data, nil)
		if err != nil || !ok {
			t.Fatalf("version %s: not read (ok %v, %v)", ver, ok, err)
		}
		if w := want(); !reflect.DeepEqual(got, w) {
			t.Errorf("version %s: %d entries, go-git %d\n got %v\nwant %v", ver, len(got), len(w), got, w)
		}
		// the skipped directories are left out
		got, _, _ = indexEntries(data, map[string]bool{"kernel/rcu": true})
		if len(got) != 1 || got["tools/run.sh"].mode != filemode.Executable {
			t.Errorf("version %s: outside kernel/rcu: %v", ver, got)
		}
		data[len(data)-1] ^= 0xff
		if _, ok, _ := indexEntries(data, nil); ok {
			t.Errorf("version %s: a damaged checksum was read", ver)
		}
	}
	// an unmerged path (stage 1-3) is an error
	r.git("update-index", "--index-version", "2")
	r.commit("two")
	r.git("checkout", "-q", "-b", "other")
	r.write("mm/conflict.c", "int a;\n")
	r.commit("other")
	r.git("checkout", "-q", "main")
	r.write("mm/conflict.c", "int b;\n")
	r.commit("main")
	if _, err := r.gitErr(nil, "merge", "-q", "other"); err == nil {
		t.Fatal("merge did not conflict")
	}
	data, err := os.ReadFile(indexPath)
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := indexEntries(data, nil); err == nil || !strings.Contains(err.Error(), "unmerged path mm/conflict.c") {
		t.Errorf("unmerged path: %v", err)
	}
}
