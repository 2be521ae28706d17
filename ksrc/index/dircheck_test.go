package index

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/rcureview/rcureview/ksrc"
)

// A file changed in place (its directory unchanged) is seen as soon as
// the review reads from its directory: its stale record is not served,
// and names it now holds are found although the pack's tables lack them.
func TestDirCheckInPlaceEdit(t *testing.T) {
	dir := writeTree(t, sampleTree)
	c := &Cache{Dir: t.TempDir()}
	build(t, dir, c, nil)
	writeInPlace(t, dir, "kernel/rcu/tree.c", "void rcu_read_unlock_notrace(void) { rcu_fresh_def(); }\nvoid rcu_fresh_def(void) { cpu_relax(); }\n")
	writeInPlace(t, dir, "kernel/rcu/Makefile", "obj-y += tree.o fresh.o\n")
	ix, st := build(t, dir, c, nil)
	if st.Listed || st.Skimmed != 0 || ix.lazy == nil {
		t.Fatalf("warm start: %+v, lazy %v (want no listing, served from the pack)", st, ix.lazy != nil)
	}
	// reading __rcu_read_unlock's definition reads kernel/rcu/: the
	// record of tree.c is stale and skimmed again
	if got := ix.Funcs("__rcu_read_unlock"); len(got) != 0 {
		t.Errorf("stale definition served: %v", got[0].File.Path)
	}
	if got := ix.Funcs("rcu_fresh_def"); len(got) != 1 {
		t.Errorf("definition added in place not found: %d", len(got))
	}
	found := false
	for _, cr := range ix.Callers("cpu_relax") {
		found = found || cr.File.Path == "kernel/rcu/tree.c"
	}
	if !found {
		t.Errorf("call added in place not found among the callers")
	}
	if mk := ix.File("kernel/rcu/Makefile"); mk == nil || !strings.Contains(mk.Key, "-") || mk.Key == "" ||
		len(mk.Make.Assigns) == 0 || !strings.Contains(mk.Make.Assigns[len(mk.Make.Assigns)-1].Value, "fresh.o") {
		t.Errorf("makefile changed in place served stale: %+v", mk)
	}
}

// Deleting a file changes its directory: seen at the start, without
// listing the tree.
func TestDirCheckDeleted(t *testing.T) {
	dir := writeTree(t, sampleTree)
	c := &Cache{Dir: t.TempDir()}
	build(t, dir, c, nil)
	if err := os.Remove(filepath.Join(dir, "kernel", "irq_work.c")); err != nil {
		t.Fatal(err)
	}
	ix, st := build(t, dir, c, nil)
	if st.Listed {
		t.Errorf("warm start listed the tree: %+v", st)
	}
	if ix.File("kernel/irq_work.c") != nil || len(ix.Funcs("irq_work_queue")) != 0 {
		t.Errorf("deleted file still indexed")
	}
	if len(ix.Funcs("__rcu_read_unlock")) != 1 {
		t.Errorf("unchanged file lost")
	}
}

// A git tree's pack is named by its root tree: another worktree of the
// same commit reads it without listing or skimming anything, and a new
// commit reuses the facts of its unchanged blobs.
func TestGitTreeContentIdentity(t *testing.T) {
	if _, err := exec.LookPath("git"); err != nil {
		t.Skip("no git")
	}
	dir := writeTree(t, sampleTree)
	git := func(wd string, args ...string) {
		t.Helper()
		cmd := exec.Command("git", args...)
		cmd.Dir = wd
		cmd.Env = append(os.Environ(), "GIT_CONFIG_NOSYSTEM=1", "GIT_CONFIG_GLOBAL="+os.DevNull,
			"GIT_AUTHOR_NAME=t", "GIT_AUTHOR_EMAIL=t@example.org", "GIT_COMMITTER_NAME=t", "GIT_COMMITTER_EMAIL=t@example.org")
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("git %v: %v\n%s", args, err, out)
		}
	}
	git(dir, "init", "-q")
	git(dir, "add", "-A")
	git(dir, "commit", "-q", "-m", "base")
	c := &Cache{Dir: t.TempDir()}
	open := func(p string) *ksrc.GitTree {
		t.Helper()
		g, err := ksrc.OpenGit(p, "HEAD")
		if err != nil {
			t.Fatal(err)
		}
		return g
	}
	_, cold, err := Build(open(dir), Options{Cache: c})
	if err != nil || !cold.Listed || cold.Skimmed == 0 {
		t.Fatalf("cold: %+v %v", cold, err)
	}
	wt := filepath.Join(t.TempDir(), "wt2")
	git(dir, "worktree", "add", "-q", "--detach", wt)
	ix, st, err := Build(open(wt), Options{Cache: c})
	if err != nil || st.Listed || st.Skimmed != 0 || st.Reused != cold.Files || ix.lazy == nil {
		t.Fatalf("new worktree of the indexed commit: %+v %v (want no listing, nothing skimmed)", st, err)
	}
	if len(ix.Funcs("irq_work_queue")) != 1 {
		t.Errorf("warm git index lacks irq_work_queue")
	}
	// a new commit: listed, one file skimmed, the others from the donor
	if err := os.WriteFile(filepath.Join(wt, "kernel", "irq_work.c"), []byte("void irq_work_sync(void) {}\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	git(wt, "commit", "-q", "-am", "change")
	ix, st, err = Build(open(wt), Options{Cache: c})
	if err != nil || !st.Listed || st.Skimmed != 1 {
		t.Fatalf("new commit: %+v %v (want one file skimmed)", st, err)
	}
	if len(ix.Funcs("irq_work_sync")) != 1 || len(ix.Funcs("irq_work_queue")) != 0 || len(ix.Funcs("__rcu_read_unlock")) != 1 {
		t.Errorf("new commit's index is not current")
	}
	// both trees keep their packs
	if _, st, _ := Build(open(dir), Options{Cache: c}); st.Listed {
		t.Errorf("first tree's pack lost: %+v", st)
	}
}

// In a directory large enough that its files are stat'ed in parallel,
// a file edited in place is seen whichever worker stats it, a header
// replaced by a directory of the same name counts as gone, and the
// unchanged files are served from the pack.
func TestDirCheckLargeDirectory(t *testing.T) {
	files := map[string]string{}
	for k, v := range sampleTree {
		files[k] = v
	}
	const n = 300
	for i := 0; i < n; i++ {
		files[fmt.Sprintf("include/linux/h%03d.h", i)] = fmt.Sprintf("static inline void h%03d(void) { cpu_relax(); }\n", i)
	}
	dir := writeTree(t, files)
	c := &Cache{Dir: t.TempDir()}
	build(t, dir, c, nil)
	inc := filepath.Join(dir, "include", "linux")
	fi, err := os.Stat(inc)
	if err != nil {
		t.Fatal(err)
	}
	for _, i := range []int{0, n/2 + 1, n - 1} {
		p := filepath.Join(inc, fmt.Sprintf("h%03d.h", i))
		if err := os.WriteFile(p, []byte(fmt.Sprintf("static inline void h%03d_new(void) {}\n", i)), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.Chtimes(inc, fi.ModTime(), fi.ModTime()); err != nil {
		t.Fatal(err)
	}
	ix, st := build(t, dir, c, nil)
	if st.Listed || st.Skimmed != 0 || ix.lazy == nil {
		t.Fatalf("warm start: %+v (want no listing, served from the pack)", st)
	}
	for i := 0; i < n; i++ {
		edited := i == 0 || i == n/2+1 || i == n-1
		if got := len(ix.Funcs(fmt.Sprintf("h%03d", i))); got != map[bool]int{true: 0, false: 1}[edited] {
			t.Errorf("h%03d: %d definitions (edited in place: %v)", i, got, edited)
		}
		if got := len(ix.Funcs(fmt.Sprintf("h%03d_new", i))); got != map[bool]int{true: 1, false: 0}[edited] {
			t.Errorf("h%03d_new: %d definitions (edited in place: %v)", i, got, edited)
		}
	}
}

// Resolving a macro reads only the files whose definitions can be
// visible from the caller (its own file, a header of its directory, a
// global header): a #define of the name elsewhere is neither decoded
// nor makes its directory be stat'ed.
func TestResolveReadsOnlyVisibleMacros(t *testing.T) {
	files := map[string]string{}
	for k, v := range sampleTree {
		files[k] = v
	}
	files["drivers/foo/foo.c"] = "#define rcu_read_unlock() foo_unlock()\n"
	dir := writeTree(t, files)
	c := &Cache{Dir: t.TempDir()}
	build(t, dir, c, nil)
	ix, _ := build(t, dir, c, nil)
	if ix.lazy == nil {
		t.Fatal("not served from the pack")
	}
	ts := ix.Resolve("kernel/irq_work.c", Call{Name: "rcu_read_unlock"})
	if len(ts) != 1 || ts[0].File != "include/linux/rcupdate.h" {
		t.Errorf("rcu_read_unlock resolves to %+v", ts)
	}
	id, ok := ix.lazy.dir.lookupPath("drivers/foo/foo.c")
	if !ok {
		t.Fatal("drivers/foo/foo.c not in the pack")
	}
	if ix.lazy.slot(id).ff != nil {
		t.Error("a file whose #define cannot be visible was read")
	}
	if _, checked := ix.lazy.check.checked["drivers/foo"]; checked {
		t.Error("the directory of an invisible #define was checked")
	}
	if got := len(ix.Macros("rcu_read_unlock")); got != 2 {
		t.Errorf("Macros finds %d definitions, want both", got)
	}
}

// TestResolveSeesFilesFoundChangedLater: Resolve keeps its answers, but
// not past the directory check finding a file changed in place: a name
// the file now defines resolves to it from then on, as every name lookup
// does, even from a file that asked before.
func TestResolveSeesFilesFoundChangedLater(t *testing.T) {
	dir := writeTree(t, sampleTree)
	c := &Cache{Dir: t.TempDir()}
	build(t, dir, c, nil)
	writeInPlace(t, dir, "kernel/rcu/tree.c", sampleTree["kernel/rcu/tree.c"]+"\nvoid rcu_fresh_def(void)\n{\n}\n")
	ix, st := build(t, dir, c, nil)
	if st.Listed || ix.lazy == nil {
		t.Fatalf("warm start: %+v, lazy %v (want no listing, served from the pack)", st, ix.lazy != nil)
	}
	call := Call{Name: "rcu_fresh_def"}
	if ts := ix.Resolve("kernel/irq_work.c", call); len(ts) != 1 || ts[0].Kind != TargetUnknown {
		t.Fatalf("before kernel/rcu/ is read: %+v, want unknown (the pack does not have it)", ts)
	}
	if got := ix.Funcs("__rcu_read_unlock"); len(got) != 1 {
		t.Fatalf("__rcu_read_unlock: %d definitions", len(got)) // reads kernel/rcu/: tree.c found changed
	}
	if ts := ix.Resolve("kernel/irq_work.c", call); len(ts) != 1 || ts[0].Kind != TargetFunc || ts[0].File != "kernel/rcu/tree.c" {
		t.Errorf("after kernel/rcu/ is read: %+v, want the definition added in place", ts)
	}
}

// writeInPlace writes file p of the tree in dir as an editor writing in
// place does: the directory keeps its entries and its modification time.
func writeInPlace(t *testing.T, dir, p, body string) {
	t.Helper()
	full := filepath.Join(dir, filepath.FromSlash(p))
	fi, err := os.Stat(filepath.Dir(full))
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(full, []byte(body), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Chtimes(filepath.Dir(full), fi.ModTime(), fi.ModTime()); err != nil {
		t.Fatal(err)
	}
}
