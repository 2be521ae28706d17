package ksrc

import (
	"bytes"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"syscall"
	"testing"
	"time"

	"github.com/rcureview/rcureview/internal/kerneltest"
)

// kernelFiles are read by the integration tests and the open benchmark.
var kernelFiles = []string{
	"kernel/rcu/tree_plugin.h",
	"kernel/rcu/tree.c",
	"kernel/rcu/tree.h",
	"kernel/rcu/update.c",
	"include/linux/rcupdate.h",
	"include/linux/compiler_types.h",
	"kernel/softirq.c",
	"kernel/irq_work.c",
	"kernel/trace/Makefile",
	"MAINTAINERS",
}

func TestKernelDirTree(t *testing.T) {
	root := kerneltest.Tree(t)
	tree, err := OpenDir(root)
	if err != nil {
		t.Fatal(err)
	}
	data, err := tree.ReadFile("kernel/rcu/tree_plugin.h")
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Contains(data, []byte("\nvoid __rcu_read_unlock(void)\n")) {
		t.Error("kernel/rcu/tree_plugin.h has no `void __rcu_read_unlock(void)`")
	}
	paths, _ := walkAll(t, tree, "kernel/rcu")
	if !slices.Contains(paths, "kernel/rcu/tree.c") {
		t.Errorf("Walk(kernel/rcu) does not list tree.c: %q", paths)
	}
	// The tree's own symlinks all stay inside: each must read like its target.
	var links int
	err = filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.Type()&fs.ModeSymlink == 0 {
			return err
		}
		links++
		rel, _ := filepath.Rel(root, p)
		target, serr := os.Stat(p)
		if serr != nil || target.IsDir() {
			return nil
		}
		want, _ := os.ReadFile(p)
		got, rerr := tree.ReadFile(filepath.ToSlash(rel))
		if rerr != nil || !bytes.Equal(got, want) {
			t.Errorf("in-tree symlink %s: %v", rel, rerr)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if links == 0 {
		t.Error("no symlinks found in the kernel tree")
	}
	if got, err := tree.ReadFile("scripts/dtc/include-prefixes/arm/Makefile"); err != nil || len(got) == 0 {
		t.Errorf("read through include-prefixes/arm: %v", err)
	}
}

func TestKernelGitTreeMatchesDir(t *testing.T) {
	root := kerneltest.Tree(t)
	repo := kerneltest.GitRepo(t)
	dir, err := OpenDir(root)
	if err != nil {
		t.Fatal(err)
	}
	g, err := OpenGit(repo, "HEAD")
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range kernelFiles {
		want, err := dir.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		got, err := g.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(got, want) {
			t.Errorf("%s: git and dir differ (%d vs %d bytes)", p, len(got), len(want))
		}
	}
	gitPaths, _ := walkAll(t, g, "kernel/rcu")
	if !slices.Contains(gitPaths, "kernel/rcu/tree.c") {
		t.Errorf("git Walk(kernel/rcu) does not list tree.c")
	}
	dirPaths, _ := walkAll(t, dir, "kernel/rcu")
	if !slices.Equal(gitPaths, dirPaths) {
		t.Errorf("Walk(kernel/rcu) differs:\ngit %q\ndir %q", gitPaths, dirPaths)
	}
	if testing.Short() {
		return
	}
	// The whole tree: both list the same regular files in the same order.
	start := time.Now()
	all, _ := walkAll(t, g, "")
	gitTime := time.Since(start)
	start = time.Now()
	allDir, _ := walkAll(t, dir, "")
	t.Logf("whole-tree Walk: git %d files in %s, dir %d files in %s", len(all), gitTime, len(allDir), time.Since(start))
	// The directory may hold files added after the repository was made
	// (an unpack marker, say); apart from those, same files, same order.
	inGit := make(map[string]bool, len(all))
	for _, p := range all {
		inGit[p] = true
	}
	var common, dirOnly []string
	for _, p := range allDir {
		if inGit[p] {
			common = append(common, p)
		} else {
			dirOnly = append(dirOnly, p)
		}
	}
	if len(dirOnly) > 0 {
		t.Logf("files in the directory but not in the git commit: %q", dirOnly)
	}
	if len(dirOnly) > 10 || !slices.Equal(all, common) {
		t.Errorf("whole-tree Walk differs: git %d files, dir %d files, %d only in dir", len(all), len(allDir), len(dirOnly))
	}
}

// BenchmarkKernelGitOpenRead10 measures opening the kernel git repository
// at HEAD and reading 10 files, as rcureview does for one review. Reported:
// time per op, bytes allocated per op, live heap held by the open tree
// (live-MB) and the process's peak RSS (maxrss-MB).
func BenchmarkKernelGitOpenRead10(b *testing.B) {
	repo := kerneltest.GitRepo(b)
	var live uint64
	for i := 0; i < b.N; i++ {
		var before runtime.MemStats
		b.StopTimer()
		runtime.GC()
		runtime.ReadMemStats(&before)
		b.StartTimer()
		g, err := OpenGit(repo, "HEAD")
		if err != nil {
			b.Fatal(err)
		}
		for _, p := range kernelFiles {
			if _, err := g.ReadFile(p); err != nil {
				b.Fatal(err)
			}
		}
		b.StopTimer()
		var after runtime.MemStats
		runtime.GC()
		runtime.ReadMemStats(&after)
		if after.HeapAlloc > before.HeapAlloc {
			live = after.HeapAlloc - before.HeapAlloc
		}
		runtime.KeepAlive(g)
		b.StartTimer()
	}
	b.ReportAllocs()
	b.ReportMetric(float64(live)/(1<<20), "live-MB")
	var ru syscall.Rusage
	if syscall.Getrusage(syscall.RUSAGE_SELF, &ru) == nil {
		b.ReportMetric(float64(ru.Maxrss)/1024, "maxrss-MB")
	}
}
