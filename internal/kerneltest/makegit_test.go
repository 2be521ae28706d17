package kerneltest

import (
	"os"
	"path/filepath"
	"testing"
)

func TestMakeGitRepoAddsIgnoredFilesAndLeavesTreeAlone(t *testing.T) {
	tree := t.TempDir()
	files := map[string]string{
		".gitignore":            "*\n",
		"kernel/rcu/tree.c":     "void f(void) {}\n",
		"kernel/rcu/.gitignore": "*.o\n",
		"kernel/rcu/x.o":        "obj\n",
	}
	for p, data := range files {
		full := filepath.Join(tree, p)
		if err := os.MkdirAll(filepath.Dir(full), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(full, []byte(data), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	before := listDir(t, tree)
	gitDir := filepath.Join(t.TempDir(), "linux.git")
	if err := MakeGitRepo(tree, gitDir); err != nil {
		t.Fatal(err)
	}
	if after := listDir(t, tree); after != before {
		t.Errorf("tree changed:\nbefore %s\nafter  %s", before, after)
	}
	if got := gitOut(t, gitDir, "ls-tree", "-r", "--name-only", "HEAD"); got != ".gitignore\nkernel/rcu/.gitignore\nkernel/rcu/tree.c\nkernel/rcu/x.o" {
		t.Errorf("committed files:\n%s", got)
	}
	if got := gitOut(t, gitDir, "log", "-1", "--format=%an <%ae> %s"); got != "rcureview <rcureview@localhost> base" {
		t.Errorf("commit = %q", got)
	}
	// Same contents, same identity and dates: same commit.
	gitDir2 := filepath.Join(t.TempDir(), "again.git")
	if err := MakeGitRepo(tree, gitDir2); err != nil {
		t.Fatal(err)
	}
	if a, b := gitOut(t, gitDir, "rev-parse", "HEAD"), gitOut(t, gitDir2, "rev-parse", "HEAD"); a != b {
		t.Errorf("not reproducible: %s vs %s", a, b)
	}
}

func TestMakeGitRepoMissingTree(t *testing.T) {
	if err := MakeGitRepo(filepath.Join(t.TempDir(), "nope"), filepath.Join(t.TempDir(), "x.git")); err == nil {
		t.Error("no error for a missing tree")
	}
}

// listDir returns every path below dir with its size, as one string.
func listDir(t *testing.T, dir string) string {
	t.Helper()
	var out string
	err := filepath.Walk(dir, func(p string, fi os.FileInfo, err error) error {
		if err != nil {
			return err
		}
		out += p[len(dir):] + ":" + fi.Mode().String() + " "
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}
