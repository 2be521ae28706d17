package ksrc

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"
)

// dirFixture builds a small tree with symlinks that stay inside, leave it,
// or point into .git, next to a directory "outside" holding a secret.
func dirFixture(t *testing.T) (root, outside string) {
	t.Helper()
	base := t.TempDir()
	root = filepath.Join(base, "linux")
	outside = filepath.Join(base, "outside")
	writeFiles(t, outside, map[string]string{"secret": "SECRET\n"})
	writeFiles(t, root, map[string]string{
		"MAINTAINERS":                         "M: x\n",
		"kernel/rcu/tree.c":                   "void rcu(void) {}\n",
		"kernel/rcu/tree_plugin.h":            "void __rcu_read_unlock(void)\n",
		"kernel/rcu.c":                        "rcu.c\n",
		"a.b":                                 "a.b\n",
		"a/b":                                 "a/b\n",
		".git/config":                         "[core]\n",
		"tools/sub/.git/HEAD":                 "ref: refs/heads/main\n",
		"tools/sub/x.c":                       "x\n",
		"arch/arm/boot/dts/foo.dts":           "/dts-v1/;\n",
		"scripts/dtc/include-prefixes/README": "see arm\n",
	})
	symlinks(t, root, map[string]string{
		"inlink":                           "kernel/rcu/tree.c",
		"indir":                            "kernel",
		"scripts/dtc/include-prefixes/arm": "../../../arch/arm/boot/dts",
		"out":                              "../outside/secret",
		"outdir":                           outside,
		"abs-inside":                       filepath.Join(root, "kernel"),
		"dangling-out":                     "/nonexistent-rcureview/x",
		"dangling-in":                      "kernel/missing.c",
		"togit":                            ".git/config",
		"loop":                             "loop",
		"kernel/up":                        "..",
	})
	if err := syscall.Mkfifo(filepath.Join(root, "fifo"), 0o644); err != nil {
		t.Logf("no fifo: %v", err)
	}
	return root, outside
}

func TestDirTreeReadFile(t *testing.T) {
	root, _ := dirFixture(t)
	tree, err := OpenDir(root)
	if err != nil {
		t.Fatal(err)
	}
	defer tree.Close()
	tests := []struct {
		name string
		path string
		want string // content, or the error kind: "unsafe", "notexist", "notregular", "error"
	}{
		{"regular file", "kernel/rcu/tree_plugin.h", "void __rcu_read_unlock(void)\n"},
		{"top-level file", "MAINTAINERS", "M: x\n"},
		{"symlink to a file inside", "inlink", "void rcu(void) {}\n"},
		{"through a symlinked dir inside", "indir/rcu/tree.c", "void rcu(void) {}\n"},
		{"kernel-style include-prefixes link", "scripts/dtc/include-prefixes/arm/foo.dts", "/dts-v1/;\n"},
		{"absolute symlink that stays inside", "abs-inside/rcu.c", "rcu.c\n"},
		{"symlink to .. that stays inside", "kernel/up/MAINTAINERS", "M: x\n"},
		{"symlink to a file outside", "out", "unsafe"},
		{"through a symlinked dir outside", "outdir/secret", "unsafe"},
		{"dangling symlink pointing outside", "dangling-out", "unsafe"},
		{"symlink into .git", "togit", "unsafe"},
		{"dot-dot", "kernel/../../outside/secret", "unsafe"},
		{"absolute path", root + "/MAINTAINERS", "unsafe"},
		{"control character", "kernel/rcu/tree.c\n", "unsafe"},
		{"empty component", "kernel//rcu/tree.c", "unsafe"},
		{".git", ".git/config", "unsafe"},
		{"nested .git", "tools/sub/.git/HEAD", "unsafe"},
		{"missing file", "kernel/rcu/nope.c", "notexist"},
		{"missing directory", "nope/x.c", "notexist"},
		{"dangling symlink inside", "dangling-in", "notexist"},
		{"file used as a directory", "MAINTAINERS/x", "notexist"},
		{"directory", "kernel/rcu", "notregular"},
		{"fifo", "fifo", "notregular"},
		{"symlink loop", "loop", "error"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := tree.ReadFile(tc.path)
			switch tc.want {
			case "unsafe":
				if !errors.Is(err, ErrUnsafePath) {
					t.Errorf("ReadFile(%q) = %q, %v; want ErrUnsafePath", tc.path, got, err)
				}
			case "notexist":
				if !errors.Is(err, fs.ErrNotExist) || errors.Is(err, ErrUnsafePath) {
					t.Errorf("ReadFile(%q) = %q, %v; want fs.ErrNotExist", tc.path, got, err)
				}
			case "notregular":
				if tc.path == "fifo" {
					if _, serr := os.Lstat(filepath.Join(root, "fifo")); serr != nil {
						t.Skip("no fifo on this system")
					}
				}
				if !errors.Is(err, ErrNotRegular) {
					t.Errorf("ReadFile(%q) = %q, %v; want ErrNotRegular", tc.path, got, err)
				}
			case "error":
				if err == nil {
					t.Errorf("ReadFile(%q) = %q, want an error", tc.path, got)
				}
			default:
				if err != nil || string(got) != tc.want {
					t.Errorf("ReadFile(%q) = %q, %v; want %q", tc.path, got, err, tc.want)
				}
			}
			if err != nil && strings.Contains(string(got), "SECRET") {
				t.Errorf("leaked the secret")
			}
		})
	}
}

func TestDirTreeWalk(t *testing.T) {
	root, _ := dirFixture(t)
	tree, err := OpenDir(root)
	if err != nil {
		t.Fatal(err)
	}
	paths, keys := walkAll(t, tree, "")
	want := []string{
		"MAINTAINERS", "a.b", "a/b", "arch/arm/boot/dts/foo.dts",
		"kernel/rcu.c", "kernel/rcu/tree.c", "kernel/rcu/tree_plugin.h",
		"scripts/dtc/include-prefixes/README", "tools/sub/x.c",
	}
	if !slices.Equal(paths, want) {
		t.Errorf("Walk(\"\") =\n%q\nwant (regular files, full-path order, no symlinks, no .git)\n%q", paths, want)
	}
	if !slices.IsSorted(paths) {
		t.Errorf("not in lexical order: %q", paths)
	}
	for i, k := range keys {
		if k == "" {
			t.Errorf("empty key for %s", paths[i])
		}
	}

	sub, _ := walkAll(t, tree, "kernel/rcu")
	if !slices.Equal(sub, []string{"kernel/rcu/tree.c", "kernel/rcu/tree_plugin.h"}) {
		t.Errorf("Walk(kernel/rcu) = %q", sub)
	}
	viaLink, _ := walkAll(t, tree, "indir/rcu")
	if !slices.Equal(viaLink, []string{"indir/rcu/tree.c", "indir/rcu/tree_plugin.h"}) {
		t.Errorf("Walk(indir/rcu) = %q", viaLink)
	}

	errTests := []struct {
		name, dir string
		want      error
	}{
		{"missing dir", "nope", fs.ErrNotExist},
		{"dot-dot", "..", ErrUnsafePath},
		{"symlinked dir outside", "outdir", ErrUnsafePath},
		{".git", ".git", ErrUnsafePath},
	}
	for _, tc := range errTests {
		t.Run(tc.name, func(t *testing.T) {
			err := tree.Walk(tc.dir, func(p, k string) error { t.Errorf("called for %s", p); return nil })
			if !errors.Is(err, tc.want) {
				t.Errorf("Walk(%q) = %v, want %v", tc.dir, err, tc.want)
			}
		})
	}
	if err := tree.Walk("MAINTAINERS", func(string, string) error { return nil }); err == nil {
		t.Error("Walk of a file: no error")
	}

	stop := errors.New("stop")
	n := 0
	err = tree.Walk("", func(string, string) error { n++; return stop })
	if err != stop || n != 1 {
		t.Errorf("Walk with fn error = %v after %d calls, want the fn's error after 1", err, n)
	}
}

func TestDirTreeWalkKeyChangesWithContent(t *testing.T) {
	root := t.TempDir()
	writeFiles(t, root, map[string]string{"f.c": "one\n"})
	tree, err := OpenDir(root)
	if err != nil {
		t.Fatal(err)
	}
	_, k1 := walkAll(t, tree, "")
	// Same size, different mtime.
	writeFiles(t, root, map[string]string{"f.c": "two\n"})
	later := time.Now().Add(time.Hour)
	if err := os.Chtimes(filepath.Join(root, "f.c"), later, later); err != nil {
		t.Fatal(err)
	}
	_, k2 := walkAll(t, tree, "")
	// Different size, same mtime.
	writeFiles(t, root, map[string]string{"f.c": "three\n"})
	if err := os.Chtimes(filepath.Join(root, "f.c"), later, later); err != nil {
		t.Fatal(err)
	}
	_, k3 := walkAll(t, tree, "")
	if k1[0] == k2[0] || k2[0] == k3[0] {
		t.Errorf("keys did not change: %q %q %q", k1[0], k2[0], k3[0])
	}
}

func TestDirTreeNeverWrites(t *testing.T) {
	root, _ := dirFixture(t)
	before := snapshot(t, root)
	tree, err := OpenDir(root)
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range []string{"MAINTAINERS", "out", "nope", "kernel/rcu", ".git/config"} {
		tree.ReadFile(p)
	}
	walkAll(t, tree, "")
	if after := snapshot(t, root); after != before {
		t.Errorf("tree changed:\n%s\n%s", before, after)
	}
}

func TestOpenDirErrors(t *testing.T) {
	root := t.TempDir()
	writeFiles(t, root, map[string]string{"file": "x"})
	for _, p := range []string{filepath.Join(root, "missing"), filepath.Join(root, "file")} {
		if _, err := OpenDir(p); err == nil {
			t.Errorf("OpenDir(%s): no error", p)
		}
	}
	tree, err := OpenDir(root)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := tree.Describe(), "tree:"+root; got != want {
		t.Errorf("Describe = %q, want %q", got, want)
	}
}

// snapshot lists every entry below dir with its mode, size and mtime.
func snapshot(t *testing.T, dir string) string {
	t.Helper()
	var b strings.Builder
	err := filepath.Walk(dir, func(p string, fi os.FileInfo, err error) error {
		if err != nil {
			return err
		}
		b.WriteString(p + " " + fi.Mode().String() + " " + fi.ModTime().String() + "\n")
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return b.String()
}
