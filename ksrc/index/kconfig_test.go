package index

import (
	"bytes"
	"maps"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/rcureview/rcureview/ksrc"
)

// kconfigTree is sampleTree with a small Kconfig tree.
func kconfigTree() map[string]string {
	files := maps.Clone(sampleTree)
	files["Kconfig"] = "source \"kernel/rcu/Kconfig\"\nconfig SMP\n\tbool \"smp\"\nconfig MODULES\n\tbool \"modules\"\n"
	files["kernel/rcu/Kconfig"] = "config TREE_RCU\n\tbool\n\tdefault y if SMP\nconfig TINY_RCU\n\tbool\n\tdefault y if !SMP\n"
	return files
}

var tinySMP = []string{"CONFIG_TINY_RCU", "CONFIG_SMP"}

// The model of a pack is kept next to it and read back by the next
// start; a damaged or truncated sidecar is rebuilt (with a log line), a
// Kconfig file edited in place makes the model be built again, and a
// layer that changes a Kconfig file gets its own model.
func TestKconfigSidecar(t *testing.T) {
	dir := writeTree(t, kconfigTree())
	c := &Cache{Dir: t.TempDir()}
	ix, _ := build(t, dir, c, nil)
	if ix.lazy == nil {
		t.Fatal("index not served from its pack")
	}
	if ix.Kconfig().Satisfiable(tinySMP) {
		t.Fatal("TINY_RCU && SMP satisfiable")
	}
	side := kconfigSidecar(ix.lazy.name)
	good, err := os.ReadFile(side)
	if err != nil {
		t.Fatalf("no sidecar: %v", err)
	}
	fresh := func(ix *Index) []byte {
		m, _ := buildKconfig(ix.arch(), ix.File)
		return m.Encode()
	}
	// a warm start reads it, and it is the model a rebuild gives
	ix, _ = build(t, dir, c, nil)
	if _, err := ix.lazy.readKconfig(side, ix.arch(), false); err != nil {
		t.Fatalf("sidecar not used: %v", err)
	}
	if !bytes.Equal(ix.Kconfig().Encode(), fresh(ix)) {
		t.Fatal("model read from the sidecar differs from a built one")
	}
	for _, damage := range []struct {
		name string
		b    []byte
	}{
		{"byte flipped", func() []byte { b := bytes.Clone(good); b[len(b)/2] ^= 0x10; return b }()},
		{"truncated", good[:len(good)/2]},
		{"empty", nil},
	} {
		if err := os.WriteFile(side, damage.b, 0o600); err != nil {
			t.Fatal(err)
		}
		log := &logSink{}
		ix, _ := build(t, dir, c, log)
		if ix.Kconfig().Satisfiable(tinySMP) || !bytes.Equal(ix.Kconfig().Encode(), fresh(ix)) {
			t.Errorf("%s: wrong model", damage.name)
		}
		if !strings.Contains(log.text(), "Kconfig model") {
			t.Errorf("%s: no log line: %q", damage.name, log.text())
		}
		if b, _ := os.ReadFile(side); !bytes.Equal(b, good) {
			t.Errorf("%s: sidecar not rewritten", damage.name)
		}
	}
	// another version's sidecar is stale, not damaged: no log line
	other := bytes.Clone(good)
	other[len(kconfigMagic)-1]++
	if err := os.WriteFile(side, other, 0o600); err != nil {
		t.Fatal(err)
	}
	log := &logSink{}
	ix, _ = build(t, dir, c, log)
	if ix.Kconfig().Satisfiable(tinySMP) || log.text() != "" {
		t.Errorf("other version: wrong model or log %q", log.text())
	}
	if b, _ := os.ReadFile(side); !bytes.Equal(b, good) {
		t.Errorf("other version: sidecar not rewritten")
	}
	// a patch layer that changes a Kconfig file
	kc := SkimFile("kernel/rcu/Kconfig", []byte("config TREE_RCU\n\tbool\nconfig TINY_RCU\n\tbool \"tiny\"\n"))
	if !ix.With([]*FileFacts{kc}, nil).Kconfig().Satisfiable(tinySMP) {
		t.Error("layer changing a Kconfig file kept the base's model")
	}
	// edited in place, its directory's time kept
	p := filepath.Join(dir, "kernel", "rcu", "Kconfig")
	rcu := filepath.Dir(p)
	fi, err := os.Stat(rcu)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p, []byte("config TREE_RCU\n\tbool\nconfig TINY_RCU\n\tbool \"tiny\"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	old := time.Now().Add(-time.Minute)
	if err := os.Chtimes(p, old, old); err != nil {
		t.Fatal(err)
	}
	if err := os.Chtimes(rcu, fi.ModTime(), fi.ModTime()); err != nil {
		t.Fatal(err)
	}
	ix, st := build(t, dir, c, nil)
	if st.Listed || ix.lazy == nil {
		t.Fatalf("warm start listed the tree: %+v", st)
	}
	if !ix.Kconfig().Satisfiable(tinySMP) {
		t.Error("Kconfig file edited in place: stale model")
	}
	if _, err := ix.lazy.readKconfig(side, ix.arch(), false); err != nil {
		t.Errorf("sidecar not rewritten for the edited file: %v", err)
	}
}

// TestKconfigSidecarRealTree: on the real tree, the model read from the
// sidecar is the model NewModel builds (same encoding) and answers the
// same.
func TestKconfigSidecarRealTree(t *testing.T) {
	root := os.Getenv("RCUREVIEW_KERNEL_TREE")
	if root == "" {
		t.Skip("RCUREVIEW_KERNEL_TREE not set: no real kernel tree")
	}
	tr, err := ksrc.OpenDir(root)
	if err != nil {
		t.Fatal(err)
	}
	defer tr.Close()
	c := &Cache{Dir: t.TempDir()}
	opt := Options{Cache: c, Workers: 2, Prefixes: []string{"kernel/rcu"}} // every Kconfig file, little else
	ix, _, err := Build(tr, opt)
	if err != nil {
		t.Fatal(err)
	}
	built := ix.Kconfig()
	ix2, _, err := Build(tr, opt)
	if err != nil {
		t.Fatal(err)
	}
	if ix2.lazy == nil {
		t.Fatal("second build not served from the pack")
	}
	if _, err := ix2.lazy.readKconfig(kconfigSidecar(ix2.lazy.name), ix2.arch(), false); err != nil {
		t.Fatalf("sidecar not used: %v", err)
	}
	read := ix2.Kconfig()
	fresh, _ := buildKconfig(ix2.arch(), ix2.File)
	if !bytes.Equal(read.Encode(), fresh.Encode()) || !bytes.Equal(built.Encode(), fresh.Encode()) {
		t.Fatal("model read from the sidecar differs from a built one")
	}
	fresh.SetFree(func(sym string) bool { return len(ix2.Macros("CONFIG_"+sym)) > 0 })
	t.Logf("%d symbols, %d files", read.Symbols(), read.Files)
	queries := [][]string{
		{"CONFIG_TINY_RCU", "CONFIG_PREEMPT_RCU"}, {"CONFIG_ARM64"}, {"CONFIG_PREEMPT_RT", "!CONFIG_PREEMPT_RCU"},
		{"IS_ENABLED(CONFIG_TASKS_RCU)", "!CONFIG_PREEMPTION"}, {"CONFIG_RCU_NOCB_CPU", "!CONFIG_SMP"},
		{"defined(CONFIG_TREE_SRCU)", "CONFIG_TINY_SRCU"}, {"CONFIG_PROVE_RCU", "!CONFIG_LOCKDEP"},
	}
	for _, q := range queries {
		if a, b := read.Satisfiable(q), fresh.Satisfiable(q); a != b {
			t.Errorf("Satisfiable(%q): sidecar %v, built %v", q, a, b)
		}
		if a, b := read.Simplify(q), fresh.Simplify(q); strings.Join(a, "\n") != strings.Join(b, "\n") {
			t.Errorf("Simplify(%q): sidecar %q, built %q", q, a, b)
		}
	}
}

// A new commit's pack takes its Kconfig model from the sidecar of
// another git pack when no Kconfig file changed, and builds its own when
// one did.
func TestKconfigSidecarGitDonor(t *testing.T) {
	if _, err := exec.LookPath("git"); err != nil {
		t.Skip("no git")
	}
	dir := writeTree(t, kconfigTree())
	git := func(args ...string) {
		t.Helper()
		cmd := exec.Command("git", args...)
		cmd.Dir = dir
		cmd.Env = append(os.Environ(), "GIT_CONFIG_NOSYSTEM=1", "GIT_CONFIG_GLOBAL="+os.DevNull,
			"GIT_AUTHOR_NAME=t", "GIT_AUTHOR_EMAIL=t@example.org", "GIT_COMMITTER_NAME=t", "GIT_COMMITTER_EMAIL=t@example.org")
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("git %v: %v\n%s", args, err, out)
		}
	}
	git("init", "-q")
	git("add", "-A")
	git("commit", "-q", "-m", "base")
	c := &Cache{Dir: t.TempDir()}
	build := func() *Index {
		t.Helper()
		g, err := ksrc.OpenGit(dir, "HEAD")
		if err != nil {
			t.Fatal(err)
		}
		ix, _, err := Build(g, Options{Cache: c})
		if err != nil || ix.lazy == nil {
			t.Fatalf("build: %v (lazy %v)", err, ix != nil && ix.lazy != nil)
		}
		return ix
	}
	fresh := func(ix *Index) []byte {
		m, _ := buildKconfig(ix.arch(), ix.File)
		return m.Encode()
	}
	ix := build()
	if ix.Kconfig().Satisfiable(tinySMP) {
		t.Fatal("TINY_RCU && SMP satisfiable")
	}
	// a commit that changes C code only: the model comes from the donor
	if err := os.WriteFile(filepath.Join(dir, "kernel", "irq_work.c"), []byte("void irq_work_sync(void) {}\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	git("commit", "-q", "-am", "c only")
	ix = build()
	side := kconfigSidecar(ix.lazy.name)
	if _, err := os.Stat(side); err == nil {
		t.Fatal("new pack has a sidecar before its model is asked for")
	}
	if m, _ := ix.lazy.donorKconfig(ix.arch()); m == nil || !bytes.Equal(m.Encode(), fresh(ix)) {
		t.Fatal("donor model missing or not the model a build gives")
	}
	if _, err := ix.lazy.readKconfig(side, ix.arch(), false); err != nil {
		t.Fatalf("donor's sidecar not written for the new pack: %v", err)
	}
	// a commit that changes a Kconfig file: no donor fits
	if err := os.WriteFile(filepath.Join(dir, "kernel", "rcu", "Kconfig"), []byte("config TREE_RCU\n\tbool\nconfig TINY_RCU\n\tbool \"tiny\"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	git("commit", "-q", "-am", "Kconfig")
	ix = build()
	if m, _ := ix.lazy.donorKconfig(ix.arch()); m != nil {
		t.Error("a donor model was taken although a Kconfig file changed")
	}
	if !ix.Kconfig().Satisfiable(tinySMP) || !bytes.Equal(ix.Kconfig().Encode(), fresh(ix)) {
		t.Error("changed Kconfig file: stale model")
	}
}
