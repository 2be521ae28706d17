package index

import (
	"errors"
	"fmt"
	"hash/crc32"
	"io/fs"
	"os"
	"runtime"
	"slices"
	"sort"
	"sync"
	"sync/atomic"

	"github.com/rcureview/rcureview/ksrc"
)

// lazyFiles serves the files of a base index from an open pack: a file's
// facts are read and decoded on first use and kept. A record that fails
// its checksum or does not decode is skimmed again from the tree (with a
// log line), so a damaged cache costs time, never wrong facts. It is
// safe for concurrent use.
type lazyFiles struct {
	f    *os.File
	name string
	dir  *packDir
	tree ksrc.Tree
	logf func(format string, args ...any)
	// pages of slots, allocated as files are first read
	pages []atomic.Pointer[[slotPage]lazySlot]
	// check, when set, checks records against a directory tree as they
	// are read (dircheck.go).
	check *fileCheck
	// the directory table computed from the paths, when the pack's is
	// damaged
	dirsOnce sync.Once
	dirIDs   map[string][]uint32
	// tables rebuilt from the records when a chunk of the pack's fails
	// its check
	rebuildOnce [numTables]sync.Once
	rebuiltTab  [numTables]map[string][]uint32
	// names keeps the name tables' answers (names.go)
	names *learnedFile
}

// rebuilt returns table t computed from every record of the pack, for a
// pack whose table is damaged (once, with a log line).
func (l *lazyFiles) rebuilt(t *nameTable) map[string][]uint32 {
	k := slices.Index(l.dir.tabs.list(), t)
	l.rebuildOnce[k].Do(func() {
		l.logf("rcureview: index cache %s: a name table is damaged; answering from the records (run rcureview index to rebuild the pack)", l.name)
		m := map[string][]uint32{}
		for id, f := range l.all() {
			for _, n := range tableNames(f)[k] {
				m[n] = append(m[n], uint32(id))
			}
		}
		l.rebuiltTab[k] = m
	})
	return l.rebuiltTab[k]
}

// tableNames calls yield with every name of table t, each once.
func (l *lazyFiles) tableNames(t *nameTable, yield func(string) bool) {
	for i := 0; i < t.n; i++ {
		b, ok := t.name(i)
		if !ok {
			for n := range l.rebuilt(t) {
				if !yield(n) {
					return
				}
			}
			return
		}
		if !yield(string(b)) {
			return
		}
	}
}

type lazySlot struct {
	once sync.Once
	ff   *FileFacts
}

// slotPage is how many files share a page of slots.
const slotPage = 256

func newLazyFiles(f *os.File, dir *packDir, t ksrc.Tree, logf func(string, ...any)) *lazyFiles {
	l := &lazyFiles{f: f, name: f.Name(), dir: dir, tree: t, logf: logf,
		pages: make([]atomic.Pointer[[slotPage]lazySlot], (dir.n+slotPage-1)/slotPage)}
	l.names = openLearnedNames(l.name, dir, logf)
	return l
}

// slot returns the slot of file id, allocating its page on first use.
func (l *lazyFiles) slot(id int) *lazySlot {
	p := &l.pages[id/slotPage]
	pg := p.Load()
	if pg == nil {
		pg = new([slotPage]lazySlot)
		if !p.CompareAndSwap(nil, pg) {
			pg = p.Load()
		}
	}
	return &pg[id%slotPage]
}

// file returns the facts of file id, decoding them on first use.
func (l *lazyFiles) file(id int) *FileFacts {
	s := l.slot(id)
	s.once.Do(func() {
		if l.check != nil {
			if key, changed := l.check.current(l, id); changed {
				s.ff = l.skimAs(id, key)
				return
			}
		}
		ff, err := l.read(id)
		if err != nil {
			ff = l.reskim(id, err)
		}
		s.ff = ff
	})
	return s.ff
}

func (l *lazyFiles) read(id int) (*FileFacts, error) {
	buf, crc := l.dir.record(id)
	if crc32.Checksum(buf, castagnoli) != crc {
		return nil, fmt.Errorf("checksum mismatch")
	}
	ff, err := decodeRecord(buf, l.dir.mapped) // strings share the pack's bytes: never modified or freed
	if err != nil {
		return nil, err
	}
	if ff.Path != l.dir.path(id) || ff.Key != l.dir.key(id) {
		return nil, fmt.Errorf("record is for %s", ff.Path)
	}
	return ff, nil
}

// reskim indexes a file whose record is damaged from the tree.
func (l *lazyFiles) reskim(id int, cause error) *FileFacts {
	p, key := l.dir.path(id), l.dir.key(id)
	l.logf("rcureview: index cache %s: record of %s unreadable (%v); re-indexing it from the tree", l.name, p, cause)
	ff := &FileFacts{Path: p, Key: key}
	if data, err := l.tree.ReadFile(p); err != nil {
		l.logf("rcureview: index %s: %v", p, err)
	} else {
		ff = SkimFile(p, data)
		ff.Key = key
	}
	return ff
}

// skimAs indexes a file that changed since the pack was written from the
// tree, under its current key.
func (l *lazyFiles) skimAs(id int, key string) *FileFacts {
	p := l.dir.path(id)
	ff := &FileFacts{Path: p, Key: key}
	if data, err := l.tree.ReadFile(p); err == nil {
		ff = SkimFile(p, data)
		ff.Key = key
	} else if !errors.Is(err, fs.ErrNotExist) {
		l.logf("rcureview: index %s: %v", p, err)
	}
	return ff
}

// lookup returns the ids of a table's entry for name and, when records
// are checked against the tree, the ids of files found changed (whose
// current facts may hold the name although the table does not say so);
// callers keep only the facts that hold the name.
func (l *lazyFiles) lookup(t *nameTable, name string) []uint32 {
	return l.lookupWhere(t, name, nil)
}

// lookupWhere is lookup of the files whose path keep accepts (all with a
// nil keep): the others are not read, nor their directories checked.
func (l *lazyFiles) lookupWhere(t *nameTable, name string, keep func(string) bool) []uint32 {
	// The answers are not memoised: once its chunks are checked, a
	// lookup reads a few pages, and the callers that ask again memoise
	// theirs (Index.Resolve); a map of every answer cost more page faults
	// as it grew than the lookups it saved (a one-patch review asks
	// 1,559 times, 388 of them again).
	ids, ok := t.lookup(name)
	if !ok {
		ids = slices.Clip(l.rebuilt(t)[name]) // shared: an append must copy
	}
	if keep != nil {
		kept := ids[:0:0]
		for _, id := range ids {
			if keep(l.dir.path(int(id))) {
				kept = append(kept, id)
			}
		}
		ids = kept
	}
	if l.check == nil {
		return ids
	}
	for _, id := range ids {
		l.file(int(id)) // checks the directories the lookup reads
	}
	for _, id := range l.check.freshIDs() {
		if !slices.Contains(ids, id) {
			ids = append(ids, id)
		}
	}
	return ids
}

// byPath returns the facts of a path, nil when the pack has no such file.
func (l *lazyFiles) byPath(p string) *FileFacts {
	id, ok := l.dir.lookupPath(p)
	if !ok {
		return nil
	}
	return l.file(id)
}

// makefile returns the Kbuild facts of a directory.
func (l *lazyFiles) makefile(dir string) *FileFacts {
	id, ok := l.dir.makefile(dir)
	if !ok {
		return nil
	}
	return l.file(id)
}

// all decodes every file (in parallel) and returns them in index order.
func (l *lazyFiles) all() []*FileFacts {
	out := make([]*FileFacts, l.dir.n)
	next := make(chan int, 256)
	var wg sync.WaitGroup
	for w := 0; w < runtime.NumCPU(); w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for id := range next {
				out[id] = l.file(id)
			}
		}()
	}
	for id := range l.dir.n {
		next <- id
	}
	close(next)
	wg.Wait()
	return out
}

// ids returns a table's file ids for name, ordered by path (the order of
// the files of an index built in memory).
func (l *lazyFiles) ids(t *nameTable, name string) []uint32 {
	ids := l.lookup(t, name)
	if !sort.SliceIsSorted(ids, func(i, j int) bool { return l.dir.path(int(ids[i])) < l.dir.path(int(ids[j])) }) {
		ids = slices.Clone(ids) // lookup's are shared
		sort.SliceStable(ids, func(i, j int) bool { return l.dir.path(int(ids[i])) < l.dir.path(int(ids[j])) })
	}
	return ids
}

func (l *lazyFiles) funcs(name string) []FuncRef {
	var out []FuncRef
	for _, id := range l.lookup(&l.dir.tabs.funcs, name) {
		ff := l.file(int(id))
		for i := range ff.Funcs {
			if ff.Funcs[i].Name == name {
				out = append(out, FuncRef{ff, &ff.Funcs[i]})
			}
		}
	}
	return out
}

func (l *lazyFiles) macros(name string, keep func(string) bool) []MacroRef {
	var out []MacroRef
	for _, id := range l.lookupWhere(&l.dir.tabs.macros, name, keep) {
		ff := l.file(int(id))
		if keep != nil && !keep(ff.Path) {
			continue // a changed file the check found
		}
		for i := range ff.Macros {
			if ff.Macros[i].Name == name {
				out = append(out, MacroRef{ff, &ff.Macros[i]})
			}
		}
	}
	return out
}

// invocations returns the events (guards false) or guards (guards true)
// of a name.
func (l *lazyFiles) invocations(name string, guards bool) []InvRef {
	t := &l.dir.tabs.events
	if guards {
		t = &l.dir.tabs.guards
	}
	var out []InvRef
	for _, id := range l.lookup(t, name) {
		ff := l.file(int(id))
		for i := range ff.Invocations {
			inv := &ff.Invocations[i]
			if isGuardMacro(inv.Macro) {
				if guards && guardKey(inv) == name {
					out = append(out, InvRef{ff, inv})
				}
			} else if !guards && eventName(inv) == name {
				out = append(out, InvRef{ff, inv})
			}
		}
	}
	return out
}

func (l *lazyFiles) callers(name string) []CallerRef {
	var out []CallerRef
	for _, id := range l.ids(&l.dir.tabs.callers, name) {
		ff := l.file(int(id))
		for i := range ff.Funcs {
			for _, cl := range ff.Funcs[i].Calls {
				if cl.Name == name {
					out = append(out, CallerRef{File: ff, Func: &ff.Funcs[i]})
				}
			}
		}
		for i := range ff.Macros {
			for _, cl := range ff.Macros[i].Calls {
				if cl.Name == name {
					out = append(out, CallerRef{File: ff, Macro: &ff.Macros[i]})
				}
			}
		}
	}
	return out
}

// matches reports whether the pack holds exactly the given files (path
// and content key, in order).
func (l *lazyFiles) matches(entries func(yield func(p, k string) bool)) bool {
	i := 0
	ok := true
	entries(func(p, k string) bool {
		if i >= l.dir.n || l.dir.path(i) != p || l.dir.key(i) != k {
			ok = false
			return false
		}
		i++
		return true
	})
	return ok && i == l.dir.n
}
