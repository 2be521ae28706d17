package ksrc

import (
	"errors"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/go-git/go-git/v5/plumbing"
	"github.com/rcureview/rcureview/internal/kerneltest"
)

// gitFixture is a three-commit repository:
//
//	1 base: kernel/rcu/{tree.c,tree_plugin.h}, kernel/rcu.c, a.b, a/b, README; tag v1
//	2 tree.c changed, symlinks link→README and ldir→kernel, scripts/x.sh (755),
//	  branch topic, lightweight tag light
//	3 kernel/rcu.c removed (HEAD, main)
func gitFixture(t *testing.T, bare bool) *kerneltest.Repo {
	t.Helper()
	return kerneltest.ScriptedRepo(t, kerneltest.RepoOptions{Bare: bare, Commits: []kerneltest.Commit{
		{Message: "base", Tag: "v1", Files: map[string]string{
			"kernel/rcu/tree.c":        "tree v1\n",
			"kernel/rcu/tree_plugin.h": "void __rcu_read_unlock(void)\n",
			"kernel/rcu.c":             "rcu.c\n",
			"a.b":                      "a.b\n",
			"a/b":                      "a/b\n",
			"README":                   "readme\n",
		}},
		{Message: "second", Branch: "topic", LightTag: "light",
			Files:      map[string]string{"kernel/rcu/tree.c": "tree v2\n"},
			Executable: map[string]string{"scripts/x.sh": "#!/bin/sh\n"},
			Symlinks:   map[string]string{"link": "README", "ldir": "kernel"}},
		{Message: "third", Remove: []string{"kernel/rcu.c"}},
	}})
}

func TestOpenGitRevisions(t *testing.T) {
	r := gitFixture(t, false)
	c1, c2, c3 := r.Commits[0], r.Commits[1], r.Commits[2]
	tests := []struct {
		name, rev, commit, treeC string
	}{
		{"default is HEAD", "", c3, "tree v2\n"},
		{"HEAD", "HEAD", c3, "tree v2\n"},
		{"branch", "main", c3, "tree v2\n"},
		{"other branch", "topic", c2, "tree v2\n"},
		{"full ref name", "refs/heads/topic", c2, "tree v2\n"},
		{"annotated tag", "v1", c1, "tree v1\n"},
		{"lightweight tag", "light", c2, "tree v2\n"},
		{"HEAD~1", "HEAD~1", c2, "tree v2\n"},
		{"HEAD~2", "HEAD~2", c1, "tree v1\n"},
		{"HEAD^", "HEAD^", c2, "tree v2\n"},
		{"full hash", c1, c1, "tree v1\n"},
		{"short hash", c1[:7], c1, "tree v1\n"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			g, err := OpenGit(r.Dir, tc.rev)
			if err != nil {
				t.Fatal(err)
			}
			if g.Commit() != tc.commit {
				t.Errorf("OpenGit(%q).Commit() = %s, want %s", tc.rev, g.Commit(), tc.commit)
			}
			got, err := g.ReadFile("kernel/rcu/tree.c")
			if err != nil || string(got) != tc.treeC {
				t.Errorf("ReadFile = %q, %v; want %q", got, err, tc.treeC)
			}
		})
	}
	for _, rev := range []string{"nope", "HEAD~9", "main..topic", strings.Repeat("0", 40)} {
		if _, err := OpenGit(r.Dir, rev); err == nil {
			t.Errorf("OpenGit(%q): no error", rev)
		}
	}
	if _, err := OpenGit(t.TempDir(), ""); err == nil {
		t.Error("OpenGit of a directory that is no repository: no error")
	}
}

func TestGitTreeDescribe(t *testing.T) {
	r := gitFixture(t, false)
	tests := []struct{ rev, want string }{
		{"", "git:" + r.Dir + "@HEAD (" + r.Commits[2][:12] + ")"},
		{"HEAD~1", "git:" + r.Dir + "@HEAD~1 (" + r.Commits[1][:12] + ")"},
		{r.Commits[0][:8], "git:" + r.Dir + "@" + r.Commits[0][:12]},
	}
	for _, tc := range tests {
		g, err := OpenGit(r.Dir, tc.rev)
		if err != nil {
			t.Fatal(err)
		}
		if got := g.Describe(); got != tc.want {
			t.Errorf("Describe(%q) = %q, want %q", tc.rev, got, tc.want)
		}
	}
}

func TestGitTreeReadFile(t *testing.T) {
	r := gitFixture(t, false)
	g, err := OpenGit(r.Dir, "topic")
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name, path, want string // want: content or "notexist", "notregular", "unsafe"
	}{
		{"nested file", "kernel/rcu/tree_plugin.h", "void __rcu_read_unlock(void)\n"},
		{"top-level file", "README", "readme\n"},
		{"file next to a same-prefix dir", "a.b", "a.b\n"},
		{"file in a dir next to a same-prefix file", "a/b", "a/b\n"},
		{"executable file", "scripts/x.sh", "#!/bin/sh\n"},
		{"second read from a cached dir", "kernel/rcu/tree.c", "tree v2\n"},
		{"missing file", "kernel/rcu/nope.c", "notexist"},
		{"missing dir", "nope/x.c", "notexist"},
		{"file used as a dir", "README/x", "notexist"},
		{"directory", "kernel/rcu", "notregular"},
		{"symlink blob is not followed", "link", "notregular"},
		{"path through a symlinked dir", "ldir/rcu/tree.c", "unsafe"},
		{"dot-dot", "kernel/../README", "unsafe"},
		{"absolute", "/README", "unsafe"},
		{".git", ".git/HEAD", "unsafe"},
		{"control character", "READ\x00ME", "unsafe"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := g.ReadFile(tc.path)
			switch tc.want {
			case "notexist":
				if !errors.Is(err, fs.ErrNotExist) {
					t.Errorf("ReadFile(%q) = %q, %v; want fs.ErrNotExist", tc.path, got, err)
				}
			case "notregular":
				if !errors.Is(err, ErrNotRegular) {
					t.Errorf("ReadFile(%q) = %q, %v; want ErrNotRegular", tc.path, got, err)
				}
			case "unsafe":
				if !errors.Is(err, ErrUnsafePath) {
					t.Errorf("ReadFile(%q) = %q, %v; want ErrUnsafePath", tc.path, got, err)
				}
			default:
				if err != nil || string(got) != tc.want {
					t.Errorf("ReadFile(%q) = %q, %v; want %q", tc.path, got, err, tc.want)
				}
			}
		})
	}
	// A file removed in a later commit.
	head, err := OpenGit(r.Dir, "HEAD")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := head.ReadFile("kernel/rcu.c"); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("file removed at HEAD: %v", err)
	}
	if got, err := g.ReadFile("kernel/rcu.c"); err != nil || string(got) != "rcu.c\n" {
		t.Errorf("file before removal: %q, %v", got, err)
	}
}

func TestGitTreeWalk(t *testing.T) {
	r := gitFixture(t, false)
	g, err := OpenGit(r.Dir, "topic")
	if err != nil {
		t.Fatal(err)
	}
	paths, keys := walkAll(t, g, "")
	want := []string{"README", "a.b", "a/b", "kernel/rcu.c", "kernel/rcu/tree.c", "kernel/rcu/tree_plugin.h", "scripts/x.sh"}
	if !slices.Equal(paths, want) {
		t.Errorf("Walk = %q\nwant %q (no symlinks, full-path order)", paths, want)
	}
	for i, p := range paths {
		data, err := g.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		if h := plumbing.ComputeHash(plumbing.BlobObject, data).String(); keys[i] != h {
			t.Errorf("key of %s = %s, want blob hash %s", p, keys[i], h)
		}
	}
	sub, _ := walkAll(t, g, "kernel/rcu")
	if !slices.Equal(sub, []string{"kernel/rcu/tree.c", "kernel/rcu/tree_plugin.h"}) {
		t.Errorf("Walk(kernel/rcu) = %q", sub)
	}
	// The key changes with the content, and only then.
	v1, err := OpenGit(r.Dir, "v1")
	if err != nil {
		t.Fatal(err)
	}
	_, k1 := walkAll(t, v1, "kernel/rcu")
	_, k2 := walkAll(t, g, "kernel/rcu")
	if k1[0] == k2[0] || k1[1] != k2[1] {
		t.Errorf("keys v1 %q topic %q: want tree.c changed, tree_plugin.h same", k1, k2)
	}
	for dir, wantErr := range map[string]error{"nope": fs.ErrNotExist, "ldir": ErrUnsafePath, "../x": ErrUnsafePath} {
		if err := g.Walk(dir, func(string, string) error { return nil }); !errors.Is(err, wantErr) {
			t.Errorf("Walk(%q) = %v, want %v", dir, err, wantErr)
		}
	}
	stop := errors.New("stop")
	if err := g.Walk("", func(string, string) error { return stop }); err != stop {
		t.Errorf("Walk with fn error = %v", err)
	}
	// fn may read from the tree it walks (no lock held during callbacks).
	err = g.Walk("", func(p, _ string) error {
		_, err := g.ReadFile(p)
		return err
	})
	if err != nil {
		t.Errorf("ReadFile inside Walk: %v", err)
	}
}

func TestGitTreeSkipsUnsafeEntryNames(t *testing.T) {
	r := kerneltest.ScriptedGitRepo(t, map[string]string{
		"ok.c": "ok\n", ".git/hooks/post-checkout": "evil\n", "sub/.GIT/config": "evil\n",
	})
	g, err := OpenGit(r.Dir, "")
	if err != nil {
		t.Fatal(err)
	}
	if paths, _ := walkAll(t, g, ""); !slices.Equal(paths, []string{"ok.c"}) {
		t.Errorf("Walk = %q, want only ok.c", paths)
	}
}

func TestOpenGitBareAndNested(t *testing.T) {
	bare := gitFixture(t, true)
	g, err := OpenGit(bare.Dir, "HEAD~1")
	if err != nil {
		t.Fatal(err)
	}
	if got, err := g.ReadFile("kernel/rcu/tree.c"); err != nil || string(got) != "tree v2\n" {
		t.Errorf("bare ReadFile = %q, %v", got, err)
	}

	// A bare repository inside a work tree opens as itself, not the outer one.
	outer := gitFixture(t, false)
	inner := filepath.Join(outer.Dir, "inner.git")
	if _, err := kerneltest.BuildRepo(inner, kerneltest.RepoOptions{Bare: true, Commits: []kerneltest.Commit{
		{Files: map[string]string{"inner.c": "inner\n"}},
	}}); err != nil {
		t.Fatal(err)
	}
	gi, err := OpenGit(inner, "")
	if err != nil {
		t.Fatal(err)
	}
	if got, err := gi.ReadFile("inner.c"); err != nil || string(got) != "inner\n" {
		t.Errorf("inner bare ReadFile = %q, %v", got, err)
	}

	// A directory below a work tree finds the repository above it.
	sub := filepath.Join(outer.Dir, "kernel", "rcu")
	if err := os.MkdirAll(sub, 0o755); err != nil {
		t.Fatal(err)
	}
	gs, err := OpenGit(sub, "")
	if err != nil {
		t.Fatal(err)
	}
	if gs.Commit() != outer.Commits[2] {
		t.Errorf("from a subdirectory: commit %s, want %s", gs.Commit(), outer.Commits[2])
	}
	// And the .git directory itself opens too.
	gd, err := OpenGit(filepath.Join(outer.Dir, ".git"), "v1")
	if err != nil {
		t.Fatal(err)
	}
	if gd.Commit() != outer.Commits[0] {
		t.Errorf("from .git: commit %s, want %s", gd.Commit(), outer.Commits[0])
	}
}

func TestOpenGitLinkedWorktree(t *testing.T) {
	if _, err := exec.LookPath("git"); err != nil {
		t.Skip("git CLI not installed")
	}
	r := gitFixture(t, false)
	wt := filepath.Join(t.TempDir(), "wt")
	cmd := exec.Command("git", "-C", r.Dir, "worktree", "add", "-q", "--detach", wt, "v1")
	cmd.Env = append(os.Environ(), "GIT_CONFIG_NOSYSTEM=1", "GIT_CONFIG_GLOBAL=/dev/null")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("git worktree add: %v\n%s", err, out)
	}
	g, err := OpenGit(wt, "")
	if err != nil {
		t.Fatal(err)
	}
	if g.Commit() != r.Commits[0] {
		t.Errorf("linked worktree HEAD = %s, want %s", g.Commit(), r.Commits[0])
	}
	if got, err := g.ReadFile("kernel/rcu/tree.c"); err != nil || string(got) != "tree v1\n" {
		t.Errorf("linked worktree ReadFile = %q, %v", got, err)
	}
}

func TestGitTreeConcurrentReads(t *testing.T) {
	r := gitFixture(t, false)
	g, err := OpenGit(r.Dir, "topic")
	if err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	errs := make(chan error, 64)
	for i := 0; i < 8; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for _, p := range []string{"kernel/rcu/tree.c", "a/b", "scripts/x.sh", "README"} {
				if _, err := g.ReadFile(p); err != nil {
					errs <- err
				}
			}
			if err := g.Walk("", func(string, string) error { return nil }); err != nil {
				errs <- err
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
}

// A clone made with --shared (or --reference) has no objects of its own:
// they are borrowed through objects/info/alternates, with an absolute path,
// as kernel developers' clones often are.
func TestOpenGitSharedClone(t *testing.T) {
	if _, err := exec.LookPath("git"); err != nil {
		t.Skip("git CLI not installed")
	}
	r := gitFixture(t, true)
	clone := filepath.Join(t.TempDir(), "clone")
	cmd := exec.Command("git", "clone", "-q", "--shared", "--no-checkout", r.Dir, clone)
	cmd.Env = append(os.Environ(), "GIT_CONFIG_NOSYSTEM=1", "GIT_CONFIG_GLOBAL=/dev/null")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("git clone --shared: %v\n%s", err, out)
	}
	if _, err := os.Stat(filepath.Join(clone, ".git", "objects", "info", "alternates")); err != nil {
		t.Fatalf("clone has no alternates file: %v", err)
	}
	g, err := OpenGit(clone, "v1")
	if err != nil {
		t.Fatal(err)
	}
	if got, err := g.ReadFile("kernel/rcu/tree.c"); err != nil || string(got) != "tree v1\n" {
		t.Errorf("shared clone ReadFile = %q, %v", got, err)
	}
	if g, err := OpenGit(clone, ""); err != nil || g.Commit() != r.Commits[2] {
		t.Errorf("shared clone HEAD: %v", err)
	}

	// A relative alternates path is named in the error, not hidden behind
	// "reference not found".
	alt := filepath.Join(clone, ".git", "objects", "info", "alternates")
	if err := os.WriteFile(alt, []byte("../../elsewhere/objects\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := OpenGit(clone, ""); err == nil || !strings.Contains(err.Error(), "relative alternate") {
		t.Errorf("relative alternates: err = %v, want one naming it", err)
	}
}
