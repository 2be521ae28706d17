package index

import (
	"errors"
	"fmt"
	"io/fs"
	"log"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/rcureview/rcureview/kconfig"
	"github.com/rcureview/rcureview/ksrc"
)

// Options configures Build.
type Options struct {
	// Arch is the architecture whose arch/<Arch>/ files are indexed; the
	// other architectures are skipped. Default "x86".
	Arch string
	// Workers is the number of files skimmed in parallel (default: the
	// number of CPUs).
	Workers int
	// Cache stores facts per file between runs; nil disables caching.
	Cache *Cache
	// Progress, if set, is called as files are indexed (done of total).
	Progress func(done, total int)
	// Prefixes, if set, restricts indexing to paths under these prefixes
	// and the Kconfig files (the embedded fact set is built this way).
	Prefixes []string
	// Logf, if set, receives the notes about the cache (a damaged pack
	// that is re-indexed); the default writes them with the log package.
	Logf func(format string, args ...any)
	// MaxTrees bounds the indexes a Provider memoises (0:
	// DefaultMaxTrees); Build ignores it.
	MaxTrees int
	// Verify lists the whole tree and compares every file with the cache
	// (what "rcureview index" does); without it a warm start trusts the
	// content identity of a git tree and checks a directory tree by its
	// directories (dircheck.go).
	Verify bool
}

func (o Options) logf() func(string, ...any) {
	if o.Logf != nil {
		return o.Logf
	}
	return log.Printf
}

func (o Options) arch() string {
	if o.Arch == "" {
		return "x86"
	}
	return o.Arch
}

// skippedTops are top-level directories that hold no kernel C: host tools,
// documentation, user-space copies of kernel headers.
var skippedTops = map[string]bool{"tools": true, "Documentation": true, "scripts": true, "samples": true, "usr": true, "LICENSES": true}

// Wanted reports whether a tree path is indexed: C sources and headers
// and Kbuild makefiles, outside tools/, Documentation/, scripts/,
// samples/ and other architectures' arch/ directories, and the Kconfig
// files of the architecture's configuration (those of Documentation/,
// scripts/, samples/ and usr/ one level deep included: the top-level
// Kconfig sources them).
func Wanted(p, arch string) bool {
	top, rest, _ := strings.Cut(p, "/")
	if IsKconfig(p) {
		if top == "tools" || strings.Count(p, "/") > 2 && skippedTops[top] {
			return false
		}
		if top == "arch" {
			a, _, nested := strings.Cut(rest, "/")
			return !nested || a == arch
		}
		return true
	}
	if skippedTops[top] {
		return false
	}
	if top == "arch" {
		a, sub, _ := strings.Cut(rest, "/")
		if a != arch && rest != "Kconfig" {
			return false
		}
		// boot decompressor, real-mode trampoline, purgatory, host tools and
		// user-mode Linux are not the kernel proper
		d, _, _ := strings.Cut(sub, "/")
		switch d {
		case "boot", "realmode", "purgatory", "tools", "um", "entry/vdso":
			return false
		}
		if strings.HasPrefix(sub, "entry/vdso/") {
			return false
		}
	}
	return strings.HasSuffix(p, ".c") || strings.HasSuffix(p, ".h") || IsMakefile(p)
}

// SkimFile extracts the facts of a file according to its name.
func SkimFile(p string, data []byte) *FileFacts {
	return new(Skimmer).SkimFile(p, data)
}

// IsKconfig reports whether a tree path is a Kconfig file (Kconfig,
// Kconfig.debug, Kconfig.cpu, …).
func IsKconfig(p string) bool {
	base := p[strings.LastIndexByte(p, '/')+1:]
	return base == "Kconfig" || strings.HasPrefix(base, "Kconfig.")
}

// SkimFile is SkimFile with the skimmer's buffers.
func (k *Skimmer) SkimFile(p string, data []byte) *FileFacts {
	if IsMakefile(p) {
		return SkimMake(p, data)
	}
	if IsKconfig(p) {
		return &FileFacts{Path: p, Conds: [][]string{nil}, Kconfig: kconfig.ParseFile(data)}
	}
	return k.SkimC(p, data)
}

// BuildStats says what Build did.
type BuildStats struct {
	Files   int    // files in the index
	Skimmed int    // files read and skimmed
	Reused  int    // files taken from the cache
	Bytes   int64  // bytes skimmed
	Listed  bool   // the whole tree was listed
	Pack    string // the cache file, "" without a cache
}

// Build indexes a tree: every wanted file, reusing cached facts whose
// content key is unchanged, skimming the others in parallel, and saving
// the cache when anything changed. A warm start does not list the tree:
// the pack of a git tree is found by its root tree id, and that of a
// directory tree checked by its directories (dircheck.go), unless
// opt.Verify is set.
func Build(t ksrc.Tree, opt Options) (*Index, BuildStats, error) {
	var st BuildStats
	id := CacheID(t, opt)
	if opt.Cache != nil {
		st.Pack = opt.Cache.PackPath(id)
		if !opt.Verify {
			if ix, ok := warmBuild(t, id, opt, &st); ok {
				return ix, st, nil
			}
		}
	}
	return listBuild(t, id, opt, st)
}

// inPrefixes returns the filter of opt.Prefixes.
func (opt Options) inPrefixes() func(p string) bool {
	return func(p string) bool {
		if len(opt.Prefixes) == 0 || IsKconfig(p) {
			return true // a partial index still gets the whole Kconfig model
		}
		for _, pre := range opt.Prefixes {
			if p == pre || strings.HasPrefix(p, strings.TrimSuffix(pre, "/")+"/") {
				return true
			}
		}
		return false
	}
}

// keep returns the filter of the files Build indexes.
func (opt Options) keep() func(p string) bool {
	in := opt.inPrefixes()
	return func(p string) bool { return Wanted(p, opt.arch()) && in(p) }
}

// warmBuild serves the index from the pack without listing the tree:
// a git tree's pack is its content (the root tree id names it); a
// directory tree's pack is checked by its directories and the files that
// changed are layered over it. ok is false when the tree must be listed.
func warmBuild(t ksrc.Tree, id string, opt Options, st *BuildStats) (*Index, bool) {
	switch tt := t.(type) {
	case *ksrc.GitTree:
		lz, err := opt.Cache.open(id, t, opt.logf())
		if err != nil {
			return nil, false // listBuild says why
		}
		opt.Cache.used(id)
		st.Files, st.Reused = lz.dir.n, lz.dir.n
		if opt.Progress != nil {
			opt.Progress(st.Files, st.Files)
		}
		return &Index{Source: t.Describe(), Arch: opt.Arch, lazy: lz}, true
	case *ksrc.DirTree:
		lz, err := opt.Cache.open(id, t, opt.logf())
		if err != nil {
			return nil, false
		}
		ch, ok := checkDirs(tt, lz, opt.arch(), opt.keep(), opt.logf())
		if !ok || len(ch.changed)+len(ch.deleted) > maxWarmChanges {
			lz.f.Close()
			return nil, false
		}
		if ch.fresh {
			// best effort: without it the next start lists these again
			if err := writeStamps(lz.name, lz.dir.crc, ch.stamps); err != nil {
				opt.logf()("rcureview: index cache %s: %v", lz.name, err)
			}
		}
		lz.check = newFileCheck(tt.Root())
		ix := &Index{Source: t.Describe(), Arch: opt.Arch, lazy: lz}
		st.Files, st.Reused = lz.dir.n, lz.dir.n
		if len(ch.changed)+len(ch.deleted) > 0 {
			var sk Skimmer
			var changed []*FileFacts
			deleted := ch.deleted
			for _, e := range ch.changed {
				data, err := t.ReadFile(e.path)
				if err != nil {
					deleted = append(deleted, e.path)
					continue
				}
				f := sk.SkimFile(e.path, data)
				f.Key = e.key
				changed = append(changed, f)
				st.Skimmed++
				st.Bytes += int64(len(data))
			}
			ix = ix.With(changed, deleted)
			st.Reused -= st.Skimmed
		}
		if opt.Progress != nil {
			opt.Progress(st.Files, st.Files)
		}
		return ix, true
	}
	return nil, false
}

// listBuild indexes a tree from its listing, reusing the facts of the
// files of its pack (or, for a new git tree, of another tree's pack)
// whose content key is unchanged.
func listBuild(t ksrc.Tree, id string, opt Options, st BuildStats) (*Index, BuildStats, error) {
	st.Listed = true
	// the cache's directory is read while the tree is listed
	type opened struct {
		lz  *lazyFiles
		err error
	}
	pack := make(chan opened, 1)
	if opt.Cache != nil {
		go func() {
			lz, err := opt.Cache.open(id, t, opt.logf())
			if errors.Is(err, fs.ErrNotExist) {
				if d := opt.Cache.donor(id, t, opt.logf()); d != nil {
					lz, err = d, nil
				}
			}
			pack <- opened{lz, err}
		}()
	}
	listed := time.Now().UnixNano()
	entries, dirs, err := wantedFilesStamped(t, opt.arch(), opt.keep())
	if err != nil {
		if opt.Cache != nil {
			if o := <-pack; o.lz != nil {
				o.lz.f.Close()
			}
		}
		return nil, st, fmt.Errorf("index %s: %w", t.Describe(), err)
	}
	var st8 *stamps
	if dirs != nil {
		st8 = &stamps{listed: listed, dirs: dirs, racy: racyFiles(entries, listed)}
	}
	var old *lazyFiles // the pack whose unchanged records are reused
	if opt.Cache != nil {
		o := <-pack
		lz, err := o.lz, o.err
		switch {
		case errors.Is(err, fs.ErrNotExist):
		case err != nil:
			opt.logf()("rcureview: index cache unusable, re-indexing %s: %v", t.Describe(), err)
		case lz.dir.treeID == id && lz.matches(func(yield func(p, k string) bool) {
			for _, e := range entries {
				if !yield(e.path, e.key) {
					return
				}
			}
		}):
			// warm: every file is unchanged; facts are decoded on demand
			if st8 != nil {
				if err := writeStamps(lz.name, lz.dir.crc, *st8); err != nil {
					opt.logf()("rcureview: index cache %s: %v", lz.name, err)
				}
			}
			st.Files, st.Reused = len(entries), len(entries)
			if opt.Progress != nil {
				opt.Progress(len(entries), len(entries))
			}
			return &Index{Source: t.Describe(), Arch: opt.Arch, lazy: lz}, st, nil
		default:
			old = lz
		}
	}
	if opt.Cache == nil {
		out := make([]*FileFacts, len(entries))
		if err := skimEntries(t, entries, nil, opt, &st, func(i int, f *FileFacts, _ []byte) error {
			out[i] = f
			return nil
		}); err != nil {
			return nil, st, err
		}
		var files []*FileFacts
		for _, f := range out {
			if f != nil {
				files = append(files, f)
			}
		}
		st.Files = len(files)
		ix := New(t.Describe(), files)
		ix.Arch = opt.Arch
		return ix, st, nil
	}
	// With a cache, records go to the new pack as they are made and the
	// index is served from it: memory does not hold every file's facts.
	lz, err := opt.Cache.write(id, len(entries), st8, func(add func(packItem) error) error {
		var mu sync.Mutex
		// record and name buffers, reused: add copies the record and
		// keeps only the names' strings
		type scratch struct {
			rec   []byte
			names [numTables][]string
		}
		var bufs sync.Pool // *scratch
		return skimEntries(t, entries, old, opt, &st, func(i int, f *FileFacts, rec []byte) error {
			b, _ := bufs.Get().(*scratch)
			if b == nil {
				b = new(scratch)
			}
			defer bufs.Put(b)
			if rec == nil {
				b.rec = encodeFacts(b.rec[:0], f)
				rec = b.rec
			}
			it := packItem{id: i, rec: rec, f: packInfoInto(f, b.names)}
			b.names = it.f.names
			mu.Lock()
			defer mu.Unlock()
			st.Files++
			return add(it)
		})
	}, t, opt.logf())
	if err != nil {
		return nil, st, fmt.Errorf("index %s: %w", t.Describe(), err)
	}
	return &Index{Source: t.Describe(), Arch: opt.Arch, lazy: lz}, st, nil
}

// skimEntries hands emit the facts of every entry (i its place in
// entries), in parallel and in no order: a file whose record in old has
// the same path and content key is decoded from it (rec is then that
// record), the others are read from the tree and skimmed (rec nil). A
// file that disappeared since the listing is left out.
func skimEntries(t ksrc.Tree, entries []fileEntry, old *lazyFiles, opt Options, st *BuildStats, emit func(i int, f *FileFacts, rec []byte) error) error {
	workers := opt.Workers
	if workers <= 0 {
		workers = runtime.NumCPU()
	}
	var done, bytes, skimmed, reused atomic.Int64
	var firstErr error
	var mu sync.Mutex
	fail := func(err error) {
		mu.Lock()
		if firstErr == nil {
			firstErr = err
		}
		mu.Unlock()
	}
	tick := func() {
		if n := done.Add(1); opt.Progress != nil && n%256 == 0 {
			opt.Progress(int(n), len(entries))
		}
	}
	next := make(chan int, 64)
	var wg sync.WaitGroup
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			var sk Skimmer
			var buf []byte // the file data, reused from file to file
			for i := range next {
				e := entries[i]
				if old != nil {
					if oid, ok := old.dir.lookupPath(e.path); ok && old.dir.key(oid) == e.key {
						if f, err := old.read(oid); err == nil {
							rec, _ := old.dir.record(oid)
							reused.Add(1)
							if err := emit(i, f, rec); err != nil {
								fail(err)
							}
							tick()
							continue
						}
					}
				}
				data, err := readBuf(t, e.path, buf)
				if err != nil {
					if !errors.Is(err, fs.ErrNotExist) {
						fail(fmt.Errorf("index %s: %w", e.path, err))
					}
					continue
				}
				if cap(data) <= maxReadBuf {
					buf = data[:0] // facts never hold the data (strings are copies)
				}
				f := sk.SkimFile(e.path, data)
				f.Key = e.key
				bytes.Add(int64(len(data)))
				skimmed.Add(1)
				if err := emit(i, f, nil); err != nil {
					fail(err)
				}
				tick()
			}
		}()
	}
	for i := range entries {
		next <- i
	}
	close(next)
	wg.Wait()
	if opt.Progress != nil {
		opt.Progress(len(entries), len(entries))
	}
	st.Skimmed, st.Reused, st.Bytes = int(skimmed.Load()), int(reused.Load()), bytes.Load()
	return firstErr
}

// maxReadBuf bounds the read buffer a worker of skimEntries keeps.
const maxReadBuf = 64 << 20

// readBuf reads a file of t, into buf's storage when t can.
func readBuf(t ksrc.Tree, path string, buf []byte) ([]byte, error) {
	if d, ok := t.(*ksrc.DirTree); ok {
		return d.ReadFileBuf(path, buf)
	}
	return t.ReadFile(path)
}
