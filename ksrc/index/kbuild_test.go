package index

import (
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"
)

// kbuildTree is a small tree in the shapes kbuild reads.
var kbuildTree = map[string]string{
	"Kbuild":   "obj-y += kernel/ drivers/\nobj-y += arch/$(SRCARCH)/\nobj-$(CONFIG_NET) += net/\nobj-y += $(ARCH_LIB)\n",
	"Makefile": "libs-y := lib/\nexport ARCH_LIB := $(filter %/, $(libs-y))\n",
	"arch/x86/Makefile": "ifeq ($(CONFIG_X86_32),y)\n        BITS := 32\nelse\n        BITS := 64\nendif\n" +
		"drivers-$(CONFIG_PCI) += arch/x86/pci/\n",
	"arch/x86/Kbuild":                  "obj-y += kernel/\n",
	"arch/x86/kernel/Makefile":         "obj-y += process_$(BITS).o\nobj-$(CONFIG_X86_32) += doublefault_32.o\n",
	"arch/x86/kernel/process_32.c":     "void p32(void) {}\n",
	"arch/x86/kernel/process_64.c":     "void p64(void) {}\n",
	"arch/x86/kernel/doublefault_32.c": "void df(void) {}\n",
	"arch/x86/pci/Makefile":            "obj-y += common.o\n",
	"arch/x86/pci/common.c":            "void pci(void) {}\n",
	"kernel/Makefile": "obj-y += sched/ rcu/ irq_work.o\nobj-$(CONFIG_LOCKDEP) += locking/lockdep.o\n" +
		"ifdef CONFIG_TRACING\nobj-y += trace/\nendif\nobj-$(CONFIG_KEXEC) += kexec.o\n",
	"kernel/irq_work.c":           "void irq_work(void) {}\n",
	"kernel/kexec.c":              "void kexec(void) {}\n",
	"kernel/unlisted.c":           "void unlisted(void) {}\n",
	"kernel/locking/lockdep.c":    "void lock_acquire(void) {}\n",
	"kernel/rcu/Makefile":         "obj-$(CONFIG_TREE_RCU) += tree.o\nobj-$(CONFIG_TINY_RCU) += tiny.o\n",
	"kernel/rcu/tree.c":           "#include \"tree.h\"\n#include \"tree_plugin.h\"\nvoid t(void) {}\n",
	"kernel/rcu/tree.h":           "",
	"kernel/rcu/tree_plugin.h":    "#ifdef CONFIG_PREEMPT_RCU\nvoid __rcu_read_unlock(void) {}\n#endif\n",
	"kernel/rcu/tiny.c":           "void tiny(void) {}\n",
	"kernel/sched/Makefile":       "obj-y += core.o build_policy.o\n",
	"kernel/sched/core.c":         "void core(void) {}\n",
	"kernel/sched/build_policy.c": "#include \"idle.c\"\n#ifdef CONFIG_SCHED_CLASS_EXT\n#include \"ext.c\"\n#endif\n",
	"kernel/sched/idle.c":         "void idle(void) {}\n",
	"kernel/sched/ext.c":          "void ext(void) {}\n",
	"kernel/trace/Makefile":       "obj-$(CONFIG_FTRACE) += ftrace.o\n",
	"kernel/trace/ftrace.c":       "void ftrace(void) {}\n",
	"lib/Makefile":                "lib-y += string.o\nobj-$(CONFIG_DEBUG_PREEMPT) += smp_processor_id.o\n",
	"lib/string.c":                "void s(void) {}\n",
	"lib/smp_processor_id.c":      "void debug_smp_processor_id(void) {}\n",
	"net/Makefile":                "obj-$(CONFIG_NET) += core/\n",
	"net/core/Makefile": "obj-y += sock.o\nnetcore-y := a.o\nnetcore-$(CONFIG_B) += b.o\nobj-$(subst m,y,$(CONFIG_NC)) += netcore.o\n" +
		"hostprogs := gen\ngen-objs := gen.o\n",
	"net/core/sock.c":                     "void sock(void) {}\n",
	"net/core/a.c":                        "void a(void) {}\n",
	"net/core/b.c":                        "void b(void) {}\n",
	"net/core/gen.c":                      "int main(void) {}\n",
	"include/linux/rcupdate.h":            "static inline void rcu_read_lock(void) {}\n",
	"drivers/orphan/orphan.c":             "void orphan(void) {}\n",
	"drivers/Makefile":                    "obj-y += gpu/\n",
	"drivers/gpu/Makefile":                "obj-$(CONFIG_GPU) += gpu.o\ngpu-y += $(GPU_FILES)\ninclude $(srctree)/$(src)/display/Makefile\n",
	"drivers/gpu/display/Makefile":        "GPU_FILES += display/dc.o\ninclude $(srctree)/drivers/gpu/display/core/Makefile\n",
	"drivers/gpu/display/dc.c":            "void dc(void) {}\n",
	"drivers/gpu/display/core/Makefile":   "CORE = core.o\nGPU_FILES += $(addprefix display/core/,$(CORE))\n",
	"drivers/gpu/display/core/core.c":     "void core(void) {}\n",
	"drivers/gpu/display/core/unlisted.c": "void u(void) {}\n",
}

func kbuildIndex(t *testing.T) *Index {
	t.Helper()
	var files []*FileFacts
	for p, src := range kbuildTree {
		files = append(files, SkimFile(p, []byte(src)))
	}
	sort.Slice(files, func(i, j int) bool { return files[i].Path < files[j].Path })
	return New("test", files)
}

func TestBuildCond(t *testing.T) {
	ix := kbuildIndex(t)
	tests := []struct{ file, want string }{
		{"kernel/irq_work.c", ""},
		{"kernel/kexec.c", "IS_ENABLED(CONFIG_KEXEC)"},
		{"kernel/unlisted.c", "0"},
		{"kernel/locking/lockdep.c", "IS_ENABLED(CONFIG_LOCKDEP)"},
		{"kernel/rcu/tree.c", "IS_ENABLED(CONFIG_TREE_RCU)"},
		{"kernel/rcu/tree_plugin.h", "IS_ENABLED(CONFIG_TREE_RCU)"},
		{"kernel/rcu/tiny.c", "IS_ENABLED(CONFIG_TINY_RCU)"},
		{"kernel/sched/idle.c", ""},
		{"kernel/sched/ext.c", "CONFIG_SCHED_CLASS_EXT"},
		{"kernel/trace/ftrace.c", "IS_ENABLED(CONFIG_FTRACE) && IS_ENABLED(CONFIG_TRACING)"},
		{"lib/string.c", ""},
		{"lib/smp_processor_id.c", "IS_ENABLED(CONFIG_DEBUG_PREEMPT)"},
		{"arch/x86/kernel/process_32.c", "CONFIG_X86_32"},
		{"arch/x86/kernel/process_64.c", "!CONFIG_X86_32"},
		{"arch/x86/kernel/doublefault_32.c", "IS_ENABLED(CONFIG_X86_32)"},
		{"arch/x86/pci/common.c", "IS_ENABLED(CONFIG_PCI)"},
		{"net/core/sock.c", "IS_ENABLED(CONFIG_NET)"},
		{"net/core/a.c", "IS_ENABLED(CONFIG_NC) && IS_ENABLED(CONFIG_NET)"},
		{"net/core/b.c", "IS_ENABLED(CONFIG_B) && IS_ENABLED(CONFIG_NC) && IS_ENABLED(CONFIG_NET)"},
		{"net/core/gen.c", "0"},
		{"include/linux/rcupdate.h", ""},
		{"drivers/orphan/orphan.c", "0"},
		{"drivers/gpu/display/dc.c", "IS_ENABLED(CONFIG_GPU)"},
		{"drivers/gpu/display/core/core.c", "IS_ENABLED(CONFIG_GPU)"},
		{"drivers/gpu/display/core/unlisted.c", ""},
	}
	for _, tc := range tests {
		if got := ix.BuildCond(tc.file); got != tc.want {
			t.Errorf("BuildCond(%s) = %q, want %q", tc.file, got, tc.want)
		}
	}
	// a definition carries its file's build condition; a definition no
	// configuration compiles resolves to nothing possible
	for _, tg := range ix.Resolve("kernel/sched/core.c", Call{Name: "lock_acquire"}) {
		if len(tg.Conds) == 0 || tg.Conds[0] != "IS_ENABLED(CONFIG_LOCKDEP)" {
			t.Errorf("lock_acquire target conds %v", tg.Conds)
		}
	}
	if ix.Possible([]string{ix.BuildCond("kernel/unlisted.c")}, nil) {
		t.Error("a file no makefile names is possible")
	}
}

func TestBuildCondLayers(t *testing.T) {
	ix := kbuildIndex(t)
	_ = ix.BuildCond("kernel/rcu/tree_plugin.h")
	// a patch that lists unlisted.c
	mk := SkimFile("kernel/Makefile", []byte(kbuildTree["kernel/Makefile"]+"obj-$(CONFIG_NEW) += unlisted.o\n"))
	nx := ix.With([]*FileFacts{mk}, nil)
	if got := nx.BuildCond("kernel/unlisted.c"); got != "IS_ENABLED(CONFIG_NEW)" {
		t.Errorf("after the makefile change: %q", got)
	}
	if got := ix.BuildCond("kernel/unlisted.c"); got != "0" {
		t.Errorf("the base changed: %q", got)
	}
	// a patch that changes no makefile and no include shares the base's answers
	c := SkimFile("kernel/irq_work.c", []byte("void irq_work(void) { x(); }\n"))
	if nx := ix.With([]*FileFacts{c}, nil); nx.kb() != ix.kb() {
		t.Error("a layer without build changes recomputes build conditions")
	}
}

func TestSkimMakeConditions(t *testing.T) {
	src := "ifeq ($(CONFIG_A),y)\nx-y += a.o\nelse ifneq ($(CONFIG_B),)\nx-y += b.o\nelse\nx-y += c.o\nendif\n" +
		"ifeq ($(CONFIG_C)$(CONFIG_D),yy)\nx-y += d.o\nendif\nifneq ($(filter y,$(CONFIG_E) $(CONFIG_F)),)\nx-y += e.o\nendif\n" +
		"define foo\nobj-y += never.o\nendef\nfoo.o: bar.h\n\tobj-y=recipe.o\nobj-$(CONFIG_DEBUG_IRQFLAGS) += f.o\n"
	mf := SkimMake("x/Makefile", []byte(src)).Make
	got := map[string]string{}
	for _, a := range mf.Assigns {
		got[a.Value] = andCond(a.Conds...)
	}
	want := map[string]string{
		"a.o": "CONFIG_A",
		"b.o": "!CONFIG_A && IS_ENABLED(CONFIG_B)",
		"c.o": "!CONFIG_A && !IS_ENABLED(CONFIG_B)",
		"d.o": "CONFIG_C && CONFIG_D",
		"e.o": "CONFIG_E || CONFIG_F",
		"f.o": "",
	}
	for v, w := range want {
		if got[v] != w {
			t.Errorf("%s: conditions %q, want %q", v, got[v], w)
		}
	}
	if len(mf.Assigns) != len(want) {
		t.Errorf("assignments %+v (define blocks and recipes are not assignments)", mf.Assigns)
	}
}

// A pack's build state keeps each directory's objects in PACK.kbuild: a
// later run answers the same from it without reading the makefiles, a
// makefile edited in place makes its entries stale, and a damaged
// sidecar is read around.
func TestBuildCondSidecar(t *testing.T) {
	ref := kbuildIndex(t)
	var paths []string
	for p := range kbuildTree {
		paths = append(paths, p)
	}
	sort.Strings(paths)
	check := func(ix *Index, what string) {
		t.Helper()
		for _, p := range paths {
			if got, want := ix.BuildCond(p), ref.BuildCond(p); got != want {
				t.Errorf("%s: BuildCond(%s) = %q, want %q", what, p, got, want)
			}
		}
	}
	side := func(ix *Index) *kbuildSide { return ix.kb().side }
	dir := writeTree(t, kbuildTree)
	c := &Cache{Dir: t.TempDir()}
	ix, _ := build(t, dir, c, nil)
	check(ix, "cold")
	if side(ix) == nil || len(side(ix).fresh) == 0 {
		t.Fatal("a pack's build state keeps no directory objects")
	}
	ix.SaveCaches()
	pack := c.PackPath("tree:" + dir + optionsID(Options{}))
	if _, err := os.Stat(kbuildSidecar(pack)); err != nil {
		t.Fatal(err)
	}
	ix, st := build(t, dir, c, nil)
	if st.Listed || ix.lazy == nil {
		t.Fatalf("warm build: %+v", st)
	}
	check(ix, "from the sidecar")
	if s := side(ix); len(s.fresh) != 0 || len(s.drop) != 0 || len(s.stored) == 0 {
		t.Errorf("warm run read makefiles again: %d computed, %d stale, %d stored", len(s.fresh), len(s.drop), len(s.stored))
	}

	// kernel/rcu/Makefile edited in place (its directory keeps its time)
	rcu := filepath.Join(dir, "kernel", "rcu")
	fi, err := os.Stat(rcu)
	if err != nil {
		t.Fatal(err)
	}
	mk := filepath.Join(rcu, "Makefile")
	if err := os.WriteFile(mk, []byte("obj-$(CONFIG_NEW_RCU) += tree.o\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	old := time.Now().Add(-time.Minute) // not racy: the entry is kept
	if err := os.Chtimes(mk, old, old); err != nil {
		t.Fatal(err)
	}
	if err := os.Chtimes(rcu, fi.ModTime(), fi.ModTime()); err != nil {
		t.Fatal(err)
	}
	for i := 0; i < 2; i++ {
		ix, _ = build(t, dir, c, nil)
		if got := ix.BuildCond("kernel/rcu/tree.c"); got != "IS_ENABLED(CONFIG_NEW_RCU)" {
			t.Errorf("run %d after the in-place edit: %q", i, got)
		}
		if got := ix.BuildCond("kernel/sched/core.c"); got != "" {
			t.Errorf("run %d: unchanged directory: %q", i, got)
		}
		s := side(ix)
		if i == 0 && !s.drop["kernel/rcu"] {
			t.Errorf("the stale entry was used")
		}
		if i == 1 && (len(s.drop) != 0 || len(s.fresh) != 0) {
			t.Errorf("the saved entry was not used: %d stale, %d computed", len(s.drop), len(s.fresh))
		}
		ix.SaveCaches()
	}

	// a damaged sidecar is read around and rewritten
	b, err := os.ReadFile(kbuildSidecar(pack))
	if err != nil {
		t.Fatal(err)
	}
	b[len(b)/2] ^= 0x55
	if err := os.WriteFile(kbuildSidecar(pack), b, 0o600); err != nil {
		t.Fatal(err)
	}
	var log logSink
	ix, _ = build(t, dir, c, &log)
	if got := ix.BuildCond("kernel/rcu/tree.c"); got != "IS_ENABLED(CONFIG_NEW_RCU)" {
		t.Errorf("over a damaged sidecar: %q", got)
	}
	if !strings.Contains(log.text(), "kbuild: checksum mismatch") {
		t.Errorf("log %q does not say the sidecar is damaged", log.text())
	}
}
