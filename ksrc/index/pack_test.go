package index

import (
	"encoding/binary"
	"encoding/json"
	"fmt"
	"hash/crc32"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/rcureview/rcureview/ksrc"
)

// sampleTree is a small kernel-shaped tree: C files and headers with
// functions, macros, tracepoints, guards and Kbuild facts, plus files and
// directories the index skips.
var sampleTree = map[string]string{
	"Makefile":        "obj-y += kernel/\n",
	"kernel/Makefile": "CFLAGS_REMOVE_irq_work.o = $(CC_FLAGS_FTRACE)\nKCOV_INSTRUMENT := n\nobj-y += irq_work.o rcu/\n",
	"kernel/irq_work.c": `#include <linux/irq_work.h>
#ifdef CONFIG_SMP
void irq_work_queue(struct irq_work *w)
{
	if (IS_ENABLED(CONFIG_PROVE_LOCKING))
		check(w);
	w->func(w);
	raise_softirq(1);
}
#endif
static notrace void irq_work_run(void) { irq_work_queue(0); trace_irq_work(1); }
`,
	"kernel/rcu/tree.c": `void rcu_read_unlock_notrace(void) { __rcu_read_unlock(); }
void __rcu_read_unlock(void) { rcu_read_unlock_special(); preempt_enable(); }
noinstr void rcu_nmi_enter(void) { instrumentation_begin(); raise_softirq(2); instrumentation_end(); }
#define RCU_CALL(x) rcu_read_unlock_special(x)
`,
	"kernel/rcu/Makefile": "ccflags-remove-$(CONFIG_FUNCTION_TRACER) += $(CC_FLAGS_FTRACE)\nobj-y += tree.o\n",
	"include/linux/rcupdate.h": `#define rcu_read_unlock() __rcu_read_unlock()
static inline void rcu_read_lock(void) { __rcu_read_lock(); }
DEFINE_LOCK_GUARD_0(rcu, rcu_read_lock(), rcu_read_unlock())
DEFINE_GUARD(spinlock, spinlock_t *, spin_lock(_T), spin_unlock(_T))
`,
	"include/trace/events/irq.h": `TRACE_EVENT(irq_work,
	TP_PROTO(int x), TP_ARGS(x), TP_STRUCT__entry(__field(int, x)),
	TP_fast_assign(__entry->x = x;), TP_printk("%d", __entry->x));
DECLARE_EVENT_CLASS(irq_class, TP_PROTO(int x), TP_ARGS(x));
DEFINE_EVENT(irq_class, irq_entry, TP_PROTO(int x), TP_ARGS(x));
`,
	"arch/x86/kernel/irq_work.c":   "void arch_irq_work_raise(void) { apic_send(); }\n",
	"arch/arm64/kernel/irq_work.c": "void arch_irq_work_raise(void) { arm_send(); }\n",
	"tools/lib/x.c":                "void tool_only(void) { rcu_read_unlock_special(); }\n",
	"Documentation/x.c":            "void doc_only(void) {}\n",
	"kernel/README":                "not indexed\n",
}

func writeTree(t *testing.T, files map[string]string) string {
	t.Helper()
	dir := t.TempDir()
	for p, body := range files {
		full := filepath.Join(dir, filepath.FromSlash(p))
		if err := os.MkdirAll(filepath.Dir(full), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(full, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	backdate(t, dir)
	return dir
}

// backdate sets the times of everything under dir an hour back, as a tree
// at rest has them: times as recent as an index built right after are
// racy, and a warm start does not trust them (dircheck.go).
func backdate(t *testing.T, dir string) {
	t.Helper()
	old := time.Now().Add(-time.Hour)
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		return os.Chtimes(p, old, old)
	})
	if err != nil {
		t.Fatal(err)
	}
}

// logSink collects an Options.Logf's lines.
type logSink struct {
	mu    sync.Mutex
	lines []string
}

func (l *logSink) logf(format string, args ...any) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.lines = append(l.lines, fmt.Sprintf(format, args...))
}

func (l *logSink) text() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return strings.Join(l.lines, "\n")
}

func build(t *testing.T, dir string, c *Cache, log *logSink) (*Index, BuildStats) {
	t.Helper()
	tr, err := ksrc.OpenDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { tr.Close() })
	opt := Options{Cache: c, Workers: 2}
	if log != nil {
		opt.Logf = log.logf
	}
	ix, st, err := Build(tr, opt)
	if err != nil {
		t.Fatal(err)
	}
	return ix, st
}

// dump renders everything the Index API answers about the names and
// paths of files, so two indexes can be compared by their answers.
func dump(ix *Index) string {
	var b strings.Builder
	names := map[string]bool{}
	var paths []string
	for _, f := range ix.Files() {
		paths = append(paths, f.Path)
		for _, fn := range f.Funcs {
			names[fn.Name] = true
			for _, c := range fn.Calls {
				names[c.Name] = true
			}
		}
		for _, m := range f.Macros {
			names[m.Name] = true
			for _, c := range m.Calls {
				names[c.Name] = true
			}
		}
		for i := range f.Invocations {
			for _, a := range f.Invocations[i].Args {
				names[a] = true
			}
		}
	}
	sorted := make([]string, 0, len(names))
	for n := range names {
		sorted = append(sorted, n)
	}
	sort.Strings(sorted)
	fmt.Fprintf(&b, "stats %+v\n", ix.Stats())
	for _, p := range paths {
		f := ix.File(p)
		fmt.Fprintf(&b, "file %s %s\n", p, canon(nil, f))
		if mk := ix.Makefile(filepath.Dir(p)); mk != nil {
			fmt.Fprintf(&b, "makefile %s -> %s\n", filepath.Dir(p), mk.Path)
		}
	}
	for _, n := range sorted {
		for _, r := range ix.Funcs(n) {
			fmt.Fprintf(&b, "func %s %s:%d\n", n, r.File.Path, r.Func.Line)
		}
		for _, r := range ix.Macros(n) {
			fmt.Fprintf(&b, "macro %s %s:%d\n", n, r.File.Path, r.Macro.Line)
		}
		for _, r := range ix.Events(n) {
			fmt.Fprintf(&b, "event %s %s:%d\n", n, r.File.Path, r.Inv.Line)
		}
		for _, r := range ix.Guards(n) {
			fmt.Fprintf(&b, "guard %s %s:%d\n", n, r.File.Path, r.Inv.Line)
		}
		for _, r := range ix.Callers(n) {
			fmt.Fprintf(&b, "caller %s <- %s %s\n", n, r.File.Path, r.Name())
		}
	}
	return b.String()
}

func TestPackWarmIndexAnswersAsBuilt(t *testing.T) {
	dir := writeTree(t, sampleTree)
	c := &Cache{Dir: t.TempDir()}
	plain, _ := build(t, dir, nil, nil)
	cold, st := build(t, dir, c, nil)
	// a cached build writes the records as they are made and serves the
	// index from the new pack
	if st.Skimmed != st.Files || cold.lazy == nil {
		t.Fatalf("cold build: %+v, lazy %v", st, cold.lazy != nil)
	}
	var log logSink
	warm, st := build(t, dir, c, &log)
	if warm.lazy == nil || st.Reused != st.Files || st.Skimmed != 0 {
		t.Fatalf("warm build is not served from the pack: %+v", st)
	}
	want := dump(plain)
	for _, must := range []string{"func irq_work_queue kernel/irq_work.c", "event irq_work include/trace/events/irq.h",
		"guard rcu include/linux/rcupdate.h", "caller rcu_read_unlock_special <- kernel/rcu/tree.c RCU_CALL",
		"makefile kernel -> kernel/Makefile", "func arch_irq_work_raise arch/x86/kernel/irq_work.c"} {
		if !strings.Contains(want, must) {
			t.Errorf("sample index lacks %q:\n%s", must, want)
		}
	}
	for _, mustNot := range []string{"arch/arm64", "tools/", "Documentation/", "README"} {
		if strings.Contains(want, mustNot) {
			t.Errorf("sample index holds %q", mustNot)
		}
	}
	if got := dump(cold); got != want {
		t.Errorf("cold cached build differs from the plain build:\n%s\nwant\n%s", got, want)
	}
	if got := dump(warm); got != want {
		t.Errorf("warm build differs from the plain build:\n%s\nwant\n%s", got, want)
	}
	if log.text() != "" {
		t.Errorf("warm build logged: %s", log.text())
	}
	// an overlay over the lazy base answers like one over the plain base
	chg := SkimFile("kernel/rcu/tree.c", []byte("void __rcu_read_unlock(void) { rcu_read_unlock_special(); }\n"))
	if got, want := dump(warm.With([]*FileFacts{chg}, []string{"kernel/irq_work.c"})), dump(plain.With([]*FileFacts{chg}, []string{"kernel/irq_work.c"})); got != want {
		t.Errorf("overlay on the warm index:\n%s\nwant\n%s", got, want)
	}
}

func TestPackRebuildsChangedTree(t *testing.T) {
	dir := writeTree(t, sampleTree)
	c := &Cache{Dir: t.TempDir()}
	build(t, dir, c, nil)
	// a changed file (size changes the key) and a new file
	p := filepath.Join(dir, "kernel", "irq_work.c")
	if err := os.WriteFile(p, []byte("void irq_work_sync(void) { cpu_relax(); }\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "kernel", "new.c"), []byte("void brand_new(void) {}\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	// the warm start sees kernel/ changed and layers its changed files
	// over the pack, without listing the tree
	for i := 0; i < 2; i++ {
		ix, st := build(t, dir, c, nil)
		if st.Skimmed != 2 || st.Listed || ix.base == nil || ix.base.lazy == nil {
			t.Errorf("changed tree: %+v (want 2 skimmed over the pack)", st)
		}
		if len(ix.Funcs("irq_work_sync")) != 1 || len(ix.Funcs("brand_new")) != 1 || len(ix.Funcs("irq_work_queue")) != 0 {
			t.Errorf("changed tree: stale facts")
		}
	}
	// "rcureview index" lists the tree and rebuilds the pack
	tr, err := ksrc.OpenDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer tr.Close()
	ix, st, err := Build(tr, Options{Cache: c, Verify: true})
	if err != nil || st.Skimmed != 2 || st.Reused != st.Files-2 || !st.Listed || ix.lazy == nil {
		t.Errorf("verified build: %+v %v (want 2 skimmed, the others reused, served from the new pack)", st, err)
	}
	// the two files are as recent as that listing: racy, so read again
	// (only them) until a listing is newer
	warm, st := build(t, dir, c, nil)
	if st.Listed || st.Skimmed != 2 || len(warm.Funcs("brand_new")) != 1 || len(warm.Callers("cpu_relax")) != 1 {
		t.Errorf("pack after the rebuild is not current: %+v", st)
	}
}

func TestPackDamage(t *testing.T) {
	tests := []struct {
		name   string
		damage func(b []byte) []byte
		lazy   bool   // the warm build still serves from the pack (else it re-indexes)
		logged string // what the log must say
	}{
		{"truncated", func(b []byte) []byte { return b[:len(b)/2] }, false, "index cache unusable"},
		{"empty", func(b []byte) []byte { return nil }, false, "index cache unusable"},
		{"garbage", func(b []byte) []byte { return []byte(strings.Repeat("x", 200)) }, false, "bad magic"},
		{"directory byte flipped", func(b []byte) []byte { b[len(b)-packTrailer-3] ^= 0xff; return b }, false, "checksum"},
		{"record byte flipped", func(b []byte) []byte { b[len(packMagic)+2] ^= 0x55; return b }, true, "re-indexing it from the tree"},
		{"table byte flipped", func(b []byte) []byte {
			tables, n := tablesOf(b)
			b[tables+n/2] ^= 0x55
			return b
		}, true, "name table is damaged"},
		{"file table byte flipped", func(b []byte) []byte {
			tr := b[len(b)-packTrailer:]
			b[uint64le(tr[0:])+uint64le(tr[8:])/2] ^= 0x55 // the middle of the head
			return b
		}, false, "checksum"},
		{"fence byte flipped", func(b []byte) []byte {
			pd, err := parsePack(b)
			if err != nil {
				panic(err)
			}
			tables, _ := tablesOf(b)
			b[tables+uint64(pd.tabs.funcs.fnames)] ^= 0x55 // the first function's name in the fence
			return b
		}, true, "name table is damaged"},
		{"directory table byte flipped", func(b []byte) []byte {
			tables, n := tablesOf(b)
			b[tables+n-1] ^= 0x55 // the last id of the directory table
			return b
		}, true, "directory table is damaged"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := writeTree(t, sampleTree)
			c := &Cache{Dir: t.TempDir()}
			plain, _ := build(t, dir, nil, nil)
			build(t, dir, c, nil)
			pp := c.PackPath("tree:" + dir + optionsID(Options{}))
			b, err := os.ReadFile(pp)
			if err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(pp, tt.damage(b), 0o600); err != nil {
				t.Fatal(err)
			}
			var log logSink
			ix, st := build(t, dir, c, &log)
			if served := st.Skimmed == 0 && !st.Listed; served != tt.lazy || ix.lazy == nil {
				t.Errorf("served from the pack = %v, want %v (%+v)", served, tt.lazy, st)
			}
			if got, want := dump(ix), dump(plain); got != want {
				t.Errorf("index over a damaged cache:\n%s\nwant\n%s", got, want)
			}
			if !strings.Contains(log.text(), tt.logged) {
				t.Errorf("log %q does not say %q", log.text(), tt.logged)
			}
			if !tt.lazy {
				if ix, st := build(t, dir, c, nil); ix.lazy == nil || st.Skimmed != 0 {
					t.Errorf("the rebuilt pack is not used: %+v", st)
				}
			}
		})
	}
}

func TestWantedFilesListsAsWalk(t *testing.T) {
	dirs := []string{writeTree(t, sampleTree)}
	if kt := os.Getenv("RCUREVIEW_KERNEL_TREE"); kt != "" {
		dirs = append(dirs, kt)
	} else {
		t.Log("RCUREVIEW_KERNEL_TREE not set: the sample tree only")
	}
	// a symlinked directory and file are not followed, as by Walk
	if err := os.Symlink(filepath.Join(dirs[0], "kernel"), filepath.Join(dirs[0], "include", "linked")); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(filepath.Join(dirs[0], "kernel", "irq_work.c"), filepath.Join(dirs[0], "kernel", "linked.c")); err != nil {
		t.Fatal(err)
	}
	for _, dir := range dirs {
		tr, err := ksrc.OpenDir(dir)
		if err != nil {
			t.Fatal(err)
		}
		keep := func(p string) bool { return Wanted(p, "x86") }
		want, err := walkAll(tr, "", keep)
		if err != nil {
			t.Fatal(err)
		}
		got, err := wantedFiles(tr, "x86", keep)
		if err != nil {
			t.Fatal(err)
		}
		tr.Close()
		if len(got) != len(want) {
			t.Fatalf("%s: %d files listed, Walk gives %d", dir, len(got), len(want))
		}
		for i := range got {
			if got[i] != want[i] {
				t.Fatalf("%s: entry %d is %v, Walk gives %v", dir, i, got[i], want[i])
			}
		}
	}
}

func TestPackOldVersionsRemoved(t *testing.T) {
	dir := writeTree(t, sampleTree)
	c := &Cache{Dir: t.TempDir()}
	old := filepath.Join(c.Dir, "v4-"+c.treeHash("tree:"+dir+optionsID(Options{}))+".gob")
	if err := os.WriteFile(old, []byte("old gob"), 0o600); err != nil {
		t.Fatal(err)
	}
	other := filepath.Join(c.Dir, "v4-0000000000000000.gob")
	if err := os.WriteFile(other, []byte("another tree"), 0o600); err != nil {
		t.Fatal(err)
	}
	build(t, dir, c, nil)
	if _, err := os.Stat(old); !os.IsNotExist(err) {
		t.Errorf("old pack of the tree kept: %v", err)
	}
	if _, err := os.Stat(other); err != nil {
		t.Errorf("another tree's pack removed: %v", err)
	}
	if _, err := os.Stat(c.PackPath("tree:" + dir + optionsID(Options{}))); err != nil {
		t.Errorf("no pack: %v", err)
	}
}

func TestFactsRecordRoundTrip(t *testing.T) {
	for p, body := range sampleTree {
		if !Wanted(p, "x86") {
			continue
		}
		f := SkimFile(p, []byte(body))
		f.Key = "k"
		rec := encodeFacts(nil, f)
		g, err := decodeFacts(rec)
		if err != nil {
			t.Fatalf("%s: %v", p, err)
		}
		if a, b := canon(t, f), canon(t, g); a != b {
			t.Errorf("%s: round trip\n%s\nwant\n%s", p, b, a)
		}
		for n := 0; n < len(rec); n++ {
			if _, err := decodeFacts(rec[:n]); err == nil {
				t.Errorf("%s: a record cut at %d of %d decodes", p, n, len(rec))
			}
		}
	}
}

func FuzzDecodeFacts(f *testing.F) {
	for p, body := range sampleTree {
		f.Add(encodeFacts(nil, SkimFile(p, []byte(body))))
	}
	f.Add([]byte{})
	f.Add([]byte{0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01})
	f.Fuzz(func(t *testing.T, b []byte) {
		ff, err := decodeFacts(b)
		if err != nil {
			return
		}
		if rec := encodeFacts(nil, ff); len(rec) > len(b) {
			t.Errorf("decoded %d bytes into a record of %d", len(b), len(rec))
		}
	})
}

// skimmedFiles skims a tree given as path -> text, in path order, each
// with key "k".
func skimmedFiles(tree map[string]string) []*FileFacts {
	var files []*FileFacts
	for p, body := range tree {
		ff := SkimFile(p, []byte(body))
		ff.Key = "k"
		files = append(files, ff)
	}
	sort.Slice(files, func(i, j int) bool { return files[i].Path < files[j].Path })
	return files
}

// packBytes is the pack of files, written in memory.
func packBytes(tb testing.TB, files []*FileFacts) []byte {
	tb.Helper()
	var b strings.Builder
	if err := writePack(&b, "tree:/x", files); err != nil {
		tb.Fatal(err)
	}
	return []byte(b.String())
}

func FuzzPackDir(f *testing.F) {
	f.Add(packBytes(f, skimmedFiles(sampleTree)))
	f.Add(packBytes(f, fencedFiles()[:1])) // tables of several blocks
	f.Add([]byte(packMagic + strings.Repeat("\x00", packTrailer)))
	f.Fuzz(func(t *testing.T, b []byte) {
		// as given (checksums rarely agree with a mutation), and with its
		// checksums made to agree, so that damage reaches the tables
		if pd, err := parsePack(b); err == nil {
			exercisePack(t, pd)
		}
		if pd, err := parsePack(reseal(b)); err == nil {
			exercisePack(t, pd)
		}
	})
}

// reseal returns a copy of pack b with its checksums recomputed (b when
// its trailer does not delimit the sections).
func reseal(b []byte) []byte {
	if len(b) < len(packMagic)+packTrailer {
		return b
	}
	b = append([]byte(nil), b...)
	tr := b[len(b)-packTrailer:]
	headOff, headLen, tabLen := uint64le(tr[0:]), uint64le(tr[8:]), uint64le(tr[16:])
	end := uint64(len(b) - packTrailer)
	if headOff > end || headLen > end-headOff {
		return b
	}
	tabOff := uint64(tablesAt(int64(headOff), int64(headLen)))
	if tabOff > end || tabLen > end-tabOff || (tabLen+packChunk-1)/packChunk*4 != end-tabOff-tabLen {
		return b
	}
	tables, crcs := b[tabOff:tabOff+tabLen], b[tabOff+tabLen:end]
	for c := 0; c < len(tables); c += packChunk {
		binary.LittleEndian.PutUint32(crcs[c/packChunk*4:], crc32.Checksum(tables[c:min(c+packChunk, len(tables))], castagnoli))
	}
	binary.LittleEndian.PutUint32(tr[24:], crc32.Checksum(b[headOff:headOff+headLen], castagnoli))
	binary.LittleEndian.PutUint32(tr[28:], crc32.Checksum(crcs, castagnoli))
	return b
}

// exercisePack reads everything of a parsed pack, which must not panic
// nor name a file it does not have.
func exercisePack(t *testing.T, pd *packDir) {
	t.Helper()
	for _, tab := range append(pd.tabs.list(), &pd.dirs) {
		for i := 0; i < tab.n; i++ {
			name, ok := tab.name(i)
			if !ok {
				break
			}
			ids, _ := tab.lookup(string(name))
			for _, id := range ids {
				if int(id) >= pd.n {
					t.Fatalf("id %d of %d files", id, pd.n)
				}
			}
		}
	}
	for d := range pd.makeDirs {
		if id, ok := pd.makefile(d); ok && id >= pd.n {
			t.Fatalf("makefile of %q: id %d of %d files", d, id, pd.n)
		}
	}
	for id := range pd.n {
		_, _ = pd.record(id)
		if got, ok := pd.lookupPath(pd.path(id)); ok && pd.path(got) != pd.path(id) {
			t.Fatalf("path %q found as %q", pd.path(id), pd.path(got))
		}
		_ = pd.key(id)
	}
}

// canon renders facts for comparison; empty and nil slices look alike
// (gob and the pack decode both as nil).
func canon(t *testing.T, f *FileFacts) string {
	b, err := json.Marshal(f)
	if err != nil && t != nil {
		t.Fatal(err)
	}
	return strings.ReplaceAll(string(b), "[]", "null")
}

// tablesOf returns where the tables section of pack b starts and its
// length, as its trailer says.
func tablesOf(b []byte) (off, n uint64) {
	tr := b[len(b)-packTrailer:]
	return uint64(tablesAt(int64(uint64le(tr[0:])), int64(uint64le(tr[8:])))), uint64le(tr[16:])
}

func uint64le(b []byte) uint64 {
	var v uint64
	for i := 7; i >= 0; i-- {
		v = v<<8 | uint64(b[i])
	}
	return v
}

// A newer rcureview's pack of the same tree is left alone (two versions
// sharing one cache must not re-index each other's trees), an older
// one's goes, and a git pack evicted past keptGitPacks takes its
// sidecars along.
func TestPackNewerVersionKeptEvictedSidecarsRemoved(t *testing.T) {
	dir := writeTree(t, sampleTree)
	c := &Cache{Dir: t.TempDir()}
	h := c.treeHash("tree:" + dir + optionsID(Options{}))
	newer := filepath.Join(c.Dir, fmt.Sprintf("v%d.%d-%s.pack", packVersion+1, 1, h))
	older := filepath.Join(c.Dir, fmt.Sprintf("v%d.%d-%s.pack.kconfig", packVersion, cacheVersion-1, h))
	for _, p := range []string{newer, older} {
		if err := os.WriteFile(p, []byte("x"), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	build(t, dir, c, nil)
	if _, err := os.Stat(newer); err != nil {
		t.Errorf("a newer version's pack was removed: %v", err)
	}
	if _, err := os.Stat(older); !os.IsNotExist(err) {
		t.Errorf("an older version's sidecar was kept: %v", err)
	}

	pv, cv := packVersion, cacheVersion
	for name, want := range map[string]bool{
		fmt.Sprintf("v%d.%d-", pv, cv):   false,
		fmt.Sprintf("v%d-", pv-1):        true,
		fmt.Sprintf("v%d.%d-", pv-1, cv): true,
		fmt.Sprintf("v%d.%d-", pv, cv-1): true,
		fmt.Sprintf("v%d.%d-", pv, cv+1): false,
		fmt.Sprintf("v%d.%d-", pv+1, 1):  false,
		fmt.Sprintf("w%d.%d-", pv-1, cv): false,
		"v1x.2-":                         false,
		fmt.Sprintf("v%d-", pv):          true,
	} {
		if got := olderFormat(name + "0123.pack"); got != want {
			t.Errorf("olderFormat(%q) = %v, want %v", name, got, want)
		}
	}

	// keptGitPacks older git packs with sidecars, then one more installed.
	var packs []string
	for i := 0; i <= keptGitPacks; i++ {
		p := c.PackPath(fmt.Sprintf("%stree%d opts", gitTreePrefix, i))
		for _, f := range []string{p, p + ".kconfig", p + ".kbuild"} {
			if err := os.WriteFile(f, []byte("x"), 0o600); err != nil {
				t.Fatal(err)
			}
			mt := time.Now().Add(time.Duration(i-10) * time.Minute)
			if err := os.Chtimes(f, mt, mt); err != nil {
				t.Fatal(err)
			}
		}
		packs = append(packs, p)
	}
	tmp := filepath.Join(c.Dir, "new.tmp")
	if err := os.WriteFile(tmp, []byte("x"), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := c.install(tmp, gitTreePrefix+"newest opts", 0, nil); err != nil {
		t.Fatal(err)
	}
	// Oldest two (i = 0, 1) are past the kept four (newest + i = 4, 3, 2).
	for i, p := range packs {
		_, err := os.Stat(p + ".kconfig")
		if gone := os.IsNotExist(err); gone != (i < 2) {
			t.Errorf("git pack %d: sidecar removed = %v, want %v", i, gone, i < 2)
		}
	}
}

// A pack written sweeps the cache of what no run reads again: temporary
// files a killed writer left and older formats' packs and sidecars unused
// for a week; a temporary file being written, a recent older pack (an
// older rcureview may still use it), a newer version's pack, this
// version's packs and other files stay.
func TestPackWriteSweepsKilledWritersAndOldFormats(t *testing.T) {
	c := &Cache{Dir: t.TempDir()}
	now := time.Now()
	pv, cv := packVersion, cacheVersion
	files := map[string]time.Duration{ // name -> age
		".pack-111":                             2 * time.Hour,
		".pack-222":                             time.Minute,
		fmt.Sprintf("v%d.%d-aa.pack", pv-1, cv): 8 * 24 * time.Hour,
		fmt.Sprintf("v%d.%d-aa.pack.kconfig", pv-1, cv): time.Hour, // goes with its pack
		fmt.Sprintf("v%d.%d-bb.pack", pv-1, cv):         24 * time.Hour,
		fmt.Sprintf("v%d.%d-cc.pack.dirs", pv, cv-1):    30 * 24 * time.Hour,
		fmt.Sprintf("v%d.%d-dd.pack", pv+1, 1):          30 * 24 * time.Hour,
		fmt.Sprintf("v%d.%d-ee.pack", pv, cv):           30 * 24 * time.Hour,
		"notes.txt":                                     30 * 24 * time.Hour,
	}
	for name, age := range files {
		p := filepath.Join(c.Dir, name)
		if err := os.WriteFile(p, []byte("x"), 0o600); err != nil {
			t.Fatal(err)
		}
		if err := os.Chtimes(p, now.Add(-age), now.Add(-age)); err != nil {
			t.Fatal(err)
		}
	}
	tmp := filepath.Join(c.Dir, "new.tmp")
	if err := os.WriteFile(tmp, []byte("x"), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := c.install(tmp, "tree:/x opts", 0, nil); err != nil {
		t.Fatal(err)
	}
	gone := map[string]bool{
		".pack-111":                                     true,
		fmt.Sprintf("v%d.%d-aa.pack", pv-1, cv):         true,
		fmt.Sprintf("v%d.%d-aa.pack.kconfig", pv-1, cv): true,
		fmt.Sprintf("v%d.%d-cc.pack.dirs", pv, cv-1):    true,
	}
	for name := range files {
		_, err := os.Stat(filepath.Join(c.Dir, name))
		if removed := os.IsNotExist(err); removed != gone[name] {
			t.Errorf("%s: removed = %v, want %v", name, removed, gone[name])
		}
	}
	if _, err := os.Stat(c.PackPath("tree:/x opts")); err != nil {
		t.Errorf("the pack installed: %v", err)
	}
}

// fencedFiles returns skimmed files whose function and callee tables span
// several fence blocks (and so several 4 KiB chunks).
func fencedFiles() []*FileFacts {
	var files []*FileFacts
	for f := range 3 {
		var src strings.Builder
		for i := f; i < 3*fenceEvery*5; i += 3 - f {
			fmt.Fprintf(&src, "void rcu_fn_%05d_%s(void) { callee_%05d(); }\n", i, strings.Repeat("x", i%40), i/2)
		}
		ff := SkimFile(fmt.Sprintf("kernel/f%d.c", f), []byte(src.String()))
		ff.Key = "k"
		files = append(files, ff)
	}
	return files
}

// Every name of a fenced table is found with the ids of the files that
// hold it, names between them and past either end are not, and a byte
// flipped anywhere in a table's fence makes a lookup report the damage or
// answer as before, never differently.
func TestNameTableLookup(t *testing.T) {
	files := fencedFiles()
	pack := packBytes(t, files)
	pd, err := parsePack(pack)
	if err != nil {
		t.Fatal(err)
	}
	want := make([]map[string][]uint32, numTables)
	for k := range want {
		want[k] = map[string][]uint32{}
		for id, f := range files {
			for _, n := range tableNames(f)[k] {
				want[k][n] = append(want[k][n], uint32(id))
			}
		}
	}
	// check looks every name up, and names just after and before it;
	// a damaged pack may say so instead of answering
	check := func(pd *packDir, damaged bool) {
		t.Helper()
		for k, tab := range pd.tabs.list() {
			if tab.nf != fenceLen(len(want[k])) {
				t.Errorf("table %d: %d fence names for %d names", k, tab.nf, len(want[k]))
			}
			var probes []string
			for n := range want[k] {
				probes = append(probes, n, n+"\x00", n[:len(n)-1])
			}
			probes = append(probes, "", "\x00", "a", "\xff\xff")
			for _, probe := range probes {
				got, ok := tab.lookup(probe)
				if !ok && damaged {
					continue
				}
				if exp := want[k][probe]; !ok || fmt.Sprint(got) != fmt.Sprint(exp) {
					t.Fatalf("table %d: lookup(%q) = %v, %v; want %v (damaged %v)", k, probe, got, ok, exp, damaged)
				}
			}
		}
	}
	check(pd, false)
	if pd.tabs.funcs.nf < 4 || pd.tabs.callers.nf < 2 {
		t.Fatalf("tables of %d and %d blocks: the test wants several", pd.tabs.funcs.nf, pd.tabs.callers.nf)
	}
	tables, _ := tablesOf(pack)
	ft := &pd.tabs.funcs
	for at := ft.fence; at < ft.fnames+ft.fbytes; at += 7 {
		damaged := append([]byte(nil), pack...)
		damaged[tables+uint64(at)] ^= 0x20
		dd, err := parsePack(damaged)
		if err != nil {
			t.Fatalf("flipped byte %d of the tables: %v", at, err)
		}
		check(dd, true)
		if !dd.tabs.funcs.d.bad.Load() {
			t.Errorf("flipped byte %d of the fence not noticed", at)
		}
	}
}

// The pack's Makefile table, read in place, names each directory's
// kbuild makefile (Kbuild before Makefile), lists the directories in
// order and marks the makefiles that name paths outside their directory.
func TestPackMakefileTable(t *testing.T) {
	tree := map[string]string{
		"drivers/x/Makefile": "obj-y += ../y/z.o\n",
		"drivers/y/Makefile": "obj-y += z.o\n",
		"drivers/y/Kbuild":   "obj-y += z.o w.o\n",
		"drivers/y/z.c":      "void z(void) {}\n",
		"lib/Makefile":       "include $(srctree)/lib/common.mk\nobj-y += a.o\n",
	}
	for p, body := range sampleTree {
		tree[p] = body
	}
	pd, err := parsePack(packBytes(t, skimmedFiles(tree)))
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]string{".": "Makefile", "kernel": "kernel/Makefile", "kernel/rcu": "kernel/rcu/Makefile",
		"drivers/x": "drivers/x/Makefile", "drivers/y": "drivers/y/Kbuild", "lib": "lib/Makefile"}
	var dirs []string
	for d := range pd.makeDirs {
		dirs = append(dirs, d)
		id, ok := pd.makefile(d)
		if !ok || pd.path(id) != want[d] {
			t.Errorf("makefile(%q) = %v, %v; want %s", d, ok, pd.path(id), want[d])
		}
	}
	if !sort.StringsAreSorted(dirs) || len(dirs) != len(want) {
		t.Errorf("makeDirs = %q, want the %d directories of %v in order", dirs, len(want), want)
	}
	for _, d := range []string{"", "drivers", "kernel/rc", "kernel/rcu/x", "zzz"} {
		if id, ok := pd.makefile(d); ok {
			t.Errorf("makefile(%q) = %s, want none", d, pd.path(id))
		}
	}
	if got := fmt.Sprint(pd.far); got != "[drivers/x lib]" {
		t.Errorf("far = %s, want [drivers/x lib]", got)
	}
}
