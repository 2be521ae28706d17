package index

import (
	"bufio"
	"cmp"
	"encoding/binary"
	"errors"
	"fmt"
	"hash/crc32"
	"io"
	"maps"
	"os"
	"path"
	"slices"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"unsafe"

	"github.com/rcureview/rcureview/internal/mapfile"
)

// A pack is the cache file of one tree, laid out so that a warm start
// reads only its head and decodes a file's facts when a lookup needs
// them:
//
//	"RCUPACK\x01"  magic
//	records        one encodeFacts record per file, in index order
//	head           tree id, versions, Stats, the file table (one
//	               fixed-width entry per file: record offset, length and
//	               CRC-32C, where its path and key are), the file ids in
//	               path order, the paths and keys, the sizes of the name
//	               tables and the Makefile table (read in place: sorted
//	               directories → file id, and whether the makefile names
//	               paths outside its directory)
//	padding        zero bytes up to the next 4 KiB boundary of the file
//	tables         sorted name tables: function, macro, event, guard and
//	               callee names and RCU locations (rcuTableNames) and
//	               #included paths, each → the ids of the files that
//	               hold them; then the directory table (directory → the
//	               ids of the files directly in it); each with its fence,
//	               a copy of every 64th name (nameTable)
//	chunk CRCs     the CRC-32C of every 4 KiB chunk of the tables
//	trailer        head offset and length, tables length (uint64), the
//	               CRC-32C of the head and of the chunk CRCs (uint32),
//	               "RCUP"
//
// The pack is mapped, not read: the file table and the name tables are
// arrays read in place (a path is found by binary search, a name by one
// of its table's fence and then one of a block of 64 names), the
// head's CRC is checked at open and a table chunk's when a lookup first
// touches it, so a warm start builds nothing proportional to the tree and
// reads only the chunks and records a review needs. A chunk that fails
// its check makes its name table answer from the records instead (the
// directory table from the file table).

const (
	packMagic   = "RCUPACK\x01"
	packTrailer = 8 + 8 + 8 + 4 + 4 + 4
	packEnd     = "RCUP"
	// packChunk is the unit of the tables' checksums.
	packChunk = 4096
)

var castagnoli = crc32.MakeTable(crc32.Castagnoli)

// packFile is one file's entry in the directory.
type packFile struct {
	path, key string
	off, n    int64
	crc       uint32
}

// tableData is the tables section of a pack, checked chunk by chunk on
// first use.
type tableData struct {
	b    []byte
	crcs []byte          // uint32 CRC-32C per packChunk of b
	ok   []atomic.Uint32 // bit per chunk: checked and good
	bad  atomic.Bool     // a chunk failed its check
}

func newTableData(b, crcs []byte) *tableData {
	return &tableData{b: b, crcs: crcs, ok: make([]atomic.Uint32, (len(b)/packChunk+32)/32)}
}

// check verifies the chunks of b[off:off+n]; false when one is damaged
// (or the range is out of bounds).
func (d *tableData) check(off, n int) bool {
	if off < 0 || n < 0 || off+n > len(d.b) {
		d.bad.Store(true)
		return false
	}
	if n == 0 {
		return true
	}
	for c := off / packChunk; c <= (off+n-1)/packChunk; c++ {
		w, bit := c/32, uint32(1)<<(c%32)
		if d.ok[w].Load()&bit != 0 {
			continue
		}
		end := min((c+1)*packChunk, len(d.b))
		if crc32.Checksum(d.b[c*packChunk:end], castagnoli) != binary.LittleEndian.Uint32(d.crcs[4*c:]) {
			d.bad.Store(true)
			return false
		}
		d.ok[w].Or(bit)
	}
	return true
}

// nameTable is a sorted name → file ids table, read in place: n names,
// their (n+1) uint32 offsets into the names bytes, (n+1) uint32 offsets
// into the ids, the names, the uint32 file ids, and the fence: a copy of
// every fenceEvery-th name (the first of each block), (nf+1) uint32
// offsets into the fence names and the fence names.
//
// A lookup binary-searches the fence for the name's block, then the
// block: the fence is small and dense, so the lookups of one review
// share most of its pages, and a block's names and offsets lie in one or
// two; a binary search of the whole table touches a new page at almost
// every step below its first few.
type nameTable struct {
	n, nbytes, nids, nfiles int
	nf, fbytes              int // fence names (the blocks) and their bytes
	d                       *tableData
	offs, idAt, names, ids  int // where the arrays start in d.b
	fence, fnames           int // where the fence's offsets and names start
	// learned keeps the answers earlier processes read from the table
	// (names.go), kind tells the tables apart in it; nil: none.
	learned *learnedFile
	kind    byte
}

// fenceEvery is how many names of a name table share one fence entry (a
// block): the names and offsets of a block of a kernel tree's table fit
// in a 4 KiB chunk or two.
const fenceEvery = 64

// fenceLen returns how many fence entries a table of n names has.
func fenceLen(n int) int { return (n + fenceEvery - 1) / fenceEvery }

// word returns the i-th uint32 of the array at arr.
func (t *nameTable) word(arr, i int) (int, bool) {
	p := arr + 4*i
	if !t.d.check(p, 4) {
		return 0, false
	}
	return int(binary.LittleEndian.Uint32(t.d.b[p:])), true
}

// name returns the i-th name; false when the table is damaged.
func (t *nameTable) name(i int) ([]byte, bool) { return t.str(t.offs, t.names, t.nbytes, i) }

// fenceName returns the j-th fence name (name j*fenceEvery); false when
// the table is damaged.
func (t *nameTable) fenceName(j int) ([]byte, bool) {
	return t.str(t.fence, t.fnames, t.fbytes, j)
}

// str returns the i-th string of an array of offs (uint32 offsets into
// the nbytes bytes at bytes, one past the last); false when the table is
// damaged there.
func (t *nameTable) str(offs, bytes, nbytes, i int) ([]byte, bool) {
	a, ok1 := t.word(offs, i)
	b, ok2 := t.word(offs, i+1)
	if !ok1 || !ok2 || a > b || b > nbytes || !t.d.check(bytes+a, b-a) {
		t.d.bad.Store(true)
		return nil, false
	}
	return t.d.b[bytes+a : bytes+b], true
}

// block returns the names [lo, hi) that hold name if any does (the block
// of the last fence name not after it); false when the table is damaged
// where the search reads it.
func (t *nameTable) block(name string) (lo, hi int, ok bool) {
	ok = true
	j := sort.Search(t.nf, func(j int) bool {
		b, good := t.fenceName(j)
		ok = ok && good
		return string(b) > name
	})
	if !ok || j == 0 {
		return 0, 0, ok
	}
	lo = (j - 1) * fenceEvery
	return lo, min(lo+fenceEvery, t.n), true
}

// lookup returns the ids of the files that hold name, in index order;
// false when the table is damaged where the lookup reads it.
func (t *nameTable) lookup(name string) ([]uint32, bool) {
	if t.learned == nil {
		return t.search(name)
	}
	q := learnedName(t.kind, name)
	if v, ok := t.learned.get(q); ok {
		if ids, ok := t.learnedIDs(v); ok {
			return ids, true
		}
	}
	ids, ok := t.search(name)
	if ok {
		t.learned.put(q, idBytes(ids))
	}
	return ids, ok
}

// search is lookup in the table itself.
func (t *nameTable) search(name string) ([]uint32, bool) {
	lo, hi, ok := t.block(name)
	if !ok {
		return nil, false
	}
	i := lo + sort.Search(hi-lo, func(k int) bool {
		b, good := t.name(lo + k)
		ok = ok && good
		return string(b) >= name
	})
	if !ok {
		return nil, false
	}
	if i >= hi {
		return nil, true
	}
	if b, good := t.name(i); !good {
		return nil, false
	} else if string(b) != name {
		return nil, true
	}
	lo, ok1 := t.word(t.idAt, i)
	hi, ok2 := t.word(t.idAt, i+1)
	if !ok1 || !ok2 || lo > hi || hi > t.nids || !t.d.check(t.ids+4*lo, 4*(hi-lo)) {
		t.d.bad.Store(true)
		return nil, false
	}
	out := make([]uint32, 0, hi-lo)
	for j := lo; j < hi; j++ {
		id := binary.LittleEndian.Uint32(t.d.b[t.ids+4*j:])
		if int(id) >= t.nfiles {
			t.d.bad.Store(true)
			return nil, false
		}
		out = append(out, id)
	}
	return out, true
}

// packTables are the name tables of a pack, in directory order.
type packTables struct {
	funcs, macros, events, guards, callers, rcu, includes nameTable
}

func (p *packTables) list() []*nameTable {
	return []*nameTable{&p.funcs, &p.macros, &p.events, &p.guards, &p.callers, &p.rcu, &p.includes}
}

// numTables is the number of name tables of a pack.
const numTables = 7

// tableNames lists, per table of packTables, the names one file
// contributes (each once, sorted).
func tableNames(f *FileFacts) [numTables][]string {
	var out [numTables][]string
	tableNamesInto(f, &out)
	return out
}

// tableNamesInto is tableNames into the storage of out's slices.
func tableNamesInto(f *FileFacts, out *[numTables][]string) {
	for t := range out {
		out[t] = out[t][:0]
	}
	add := func(t int, name string) { out[t] = append(out[t], name) }
	for i := range f.Funcs {
		add(0, f.Funcs[i].Name)
		for _, c := range f.Funcs[i].Calls {
			add(4, c.Name)
		}
	}
	for i := range f.Macros {
		add(1, f.Macros[i].Name)
		for _, c := range f.Macros[i].Calls {
			add(4, c.Name)
		}
	}
	for i := range f.Invocations {
		inv := &f.Invocations[i]
		if isGuardMacro(inv.Macro) {
			if k := guardKey(inv); k != "" {
				add(3, k)
			}
			continue
		}
		if ev := eventName(inv); ev != "" {
			add(2, ev)
		}
	}
	for _, n := range rcuTableNames(f) {
		add(5, n)
	}
	for _, inc := range f.Includes {
		add(6, inc.Path)
	}
	for t := range out {
		if len(out[t]) > 1 {
			slices.Sort(out[t])
			out[t] = slices.Compact(out[t])
		}
	}
}

// statsOf counts what files hold (Index.Stats of an index of them).
func statsOf(files []*FileFacts) Stats {
	var s Stats
	for _, f := range files {
		s.Files++
		s.Funcs += len(f.Funcs)
		for _, fn := range f.Funcs {
			s.Calls += len(fn.Calls)
		}
		s.Macros += len(f.Macros)
		for i := range f.Invocations {
			if isGuardMacro(f.Invocations[i].Macro) {
				s.Guards++
			} else if eventName(&f.Invocations[i]) != "" {
				s.Events++
			}
		}
		if f.Make != nil {
			s.Makefiles++
		}
	}
	return s
}

// writePack writes the pack of files to w.
func writePack(w io.Writer, treeID string, files []*FileFacts) error {
	_, err := writePackCRC(w, treeID, files)
	return err
}

// isFarMakefile reports whether a makefile can name objects outside its
// own directory (includes another makefile, or names a ../ path).
func isFarMakefile(f *FileFacts) bool {
	if f.Make == nil {
		return false
	}
	far := len(f.Make.Includes) > 0
	for _, a := range f.Make.Assigns {
		far = far || strings.Contains(a.Value, "../")
	}
	return far
}

// writePackCRC writes the pack of files to w and returns the checksum of
// its head (which names the pack's content).
func writePackCRC(w io.Writer, treeID string, files []*FileFacts) (uint32, error) {
	pw, err := newPackWriter(w, treeID, len(files))
	if err != nil {
		return 0, err
	}
	var rec []byte
	for id, f := range files {
		rec = encodeFacts(rec[:0], f)
		if err := pw.add(packItem{id: id, rec: rec, f: packInfoOf(f)}); err != nil {
			return 0, err
		}
	}
	return pw.finish()
}

// packInfo is what the pack's head and tables need of a file's facts, so
// that a writer need not keep the facts themselves.
type packInfo struct {
	path, key string
	names     [numTables][]string
	stats     Stats
	kbuild    bool // a kbuild makefile (Makefile or Kbuild)
	far       bool // isFarMakefile
}

func packInfoOf(f *FileFacts) packInfo {
	return packInfoInto(f, [numTables][]string{})
}

// packInfoInto is packInfoOf with the table names in names' storage.
func packInfoInto(f *FileFacts, names [numTables][]string) packInfo {
	tableNamesInto(f, &names)
	return packInfo{path: f.Path, key: f.Key, names: names, stats: statsOf([]*FileFacts{f}),
		kbuild: f.Make != nil && isKbuildFile(f.Path), far: isFarMakefile(f)}
}

// packItem is one file for a packWriter: its place in the index (files
// are numbered in index order, gaps allowed), its encoded record and
// what the head needs of it.
type packItem struct {
	id  int
	rec []byte
	f   packInfo
}

// packWriter writes a pack as its records arrive, in any order, keeping
// only the head's tables: an index is written without holding every
// file's facts in memory.
type packWriter struct {
	bw     *bufio.Writer
	treeID string
	off    int64
	files  []packFile             // by item id; path "" = no such file
	tabs   [numTables][]tablePair // sorted and grouped by finish
	makes  map[string]packMake
	stats  Stats
}

type packMake struct {
	id       int
	far, kbf bool // far: isFarMakefile; kbf: the file is named Kbuild
}

func newPackWriter(w io.Writer, treeID string, n int) (*packWriter, error) {
	pw := &packWriter{bw: bufio.NewWriterSize(w, 1<<20), treeID: treeID, off: int64(len(packMagic)),
		files: make([]packFile, n), makes: map[string]packMake{}}
	for t := range pw.tabs {
		pw.tabs[t] = make([]tablePair, 0, n/1000*tablePairsPer1000[t])
	}
	_, err := pw.bw.WriteString(packMagic)
	return pw, err
}

// add writes one file's record.
func (pw *packWriter) add(it packItem) error {
	if _, err := pw.bw.Write(it.rec); err != nil {
		return err
	}
	pw.files[it.id] = packFile{path: it.f.path, key: it.f.key, off: pw.off, n: int64(len(it.rec)),
		crc: crc32.Checksum(it.rec, castagnoli)}
	pw.off += int64(len(it.rec))
	for t, names := range it.f.names {
		for _, n := range names {
			pw.tabs[t] = append(pw.tabs[t], tablePair{name: n, id: uint32(it.id)})
		}
	}
	s := &it.f.stats
	pw.stats.Files += s.Files
	pw.stats.Funcs += s.Funcs
	pw.stats.Calls += s.Calls
	pw.stats.Macros += s.Macros
	pw.stats.Events += s.Events
	pw.stats.Guards += s.Guards
	pw.stats.Makefiles += s.Makefiles
	if it.f.kbuild {
		// kbuild reads Kbuild when a directory has both
		d := path.Dir(it.f.path)
		kbf := path.Base(it.f.path) == "Kbuild"
		if m, ok := pw.makes[d]; !ok || kbf && !m.kbf {
			pw.makes[d] = packMake{it.id, it.f.far, kbf}
		}
	}
	return nil
}

// finish writes the head, tables and trailer; it returns the head's
// checksum.
func (pw *packWriter) finish() (uint32, error) {
	// file ids: the items' ids without the gaps, in order
	ids := make([]uint32, len(pw.files))
	n := 0
	for i := range pw.files {
		ids[i] = uint32(n)
		if pw.files[i].path != "" {
			n++
		}
	}
	size := 64 + 32*len(pw.makes)
	nstrs := 0
	for i := range pw.files {
		nstrs += len(pw.files[i].path) + len(pw.files[i].key)
	}
	size += nstrs + (fileEntSize+4)*n + 3*binary.MaxVarintLen64
	head := factsEncoder{b: make([]byte, 0, size)}
	head.uint(packVersion)
	head.uint(cacheVersion)
	head.str(pw.treeID)
	s := pw.stats
	for _, v := range []int{s.Files, s.Funcs, s.Calls, s.Macros, s.Events, s.Guards, s.Makefiles} {
		head.uint(uint64(v))
	}
	head.uint(uint64(n))
	// the file table: fixed-width entries read in place, the ids in path
	// order, the paths and keys; and the directory table
	ents := make([]byte, 0, n*fileEntSize)
	strs := make([]byte, 0, nstrs)
	order := make([]int, 0, n) // item ids
	dirs := make([]tablePair, 0, n)
	for i := range pw.files {
		pf := &pw.files[i]
		if pf.path == "" {
			continue
		}
		if len(pf.path) > 0xffff || len(pf.key) > 0xffff || len(strs) > 0xffffffff-len(pf.path)-len(pf.key) {
			return 0, fmt.Errorf("pack: file table entry of %q too large", pf.path)
		}
		ents = binary.LittleEndian.AppendUint64(ents, uint64(pf.off))
		ents = binary.LittleEndian.AppendUint32(ents, uint32(pf.n))
		ents = binary.LittleEndian.AppendUint32(ents, pf.crc)
		ents = binary.LittleEndian.AppendUint32(ents, uint32(len(strs)))
		ents = binary.LittleEndian.AppendUint16(ents, uint16(len(pf.path)))
		ents = binary.LittleEndian.AppendUint16(ents, uint16(len(pf.key)))
		strs = append(append(strs, pf.path...), pf.key...)
		order = append(order, i)
		dirs = append(dirs, tablePair{name: dirOf(pf.path), id: uint32(i)})
	}
	slices.SortFunc(order, func(a, b int) int { return strings.Compare(pw.files[a].path, pw.files[b].path) })
	ob := make([]byte, 0, 4*len(order))
	for _, i := range order {
		ob = binary.LittleEndian.AppendUint32(ob, ids[i])
	}
	head.raw(ents)
	head.raw(ob)
	head.raw(strs)
	tabs, tb := pw.tables(ids, append(pw.tabs[:], dirs))
	for _, t := range tabs {
		head.uint(uint64(t.n))
		head.uint(uint64(t.nbytes))
		head.uint(uint64(t.nids))
		head.uint(uint64(t.fbytes))
	}
	// the Makefile table: per directory, in order, the end of its name
	// in the names and its makefile's id (the top bit: far)
	mdirs := slices.Sorted(maps.Keys(pw.makes))
	ments := make([]byte, 0, 8*len(mdirs))
	var mnames []byte
	for _, d := range mdirs {
		m := pw.makes[d]
		if len(mnames) > 0xffffffff-len(d) || n >= mkFar {
			return 0, fmt.Errorf("pack: makefile table too large at %q", d)
		}
		mnames = append(mnames, d...)
		id := ids[m.id]
		if m.far {
			id |= mkFar
		}
		ments = binary.LittleEndian.AppendUint32(ments, uint32(len(mnames)))
		ments = binary.LittleEndian.AppendUint32(ments, id)
	}
	head.uint(uint64(len(mdirs)))
	head.raw(ments)
	head.raw(mnames)
	var crcs []byte
	for c := 0; c < len(tb); c += packChunk {
		crcs = binary.LittleEndian.AppendUint32(crcs, crc32.Checksum(tb[c:min(c+packChunk, len(tb))], castagnoli))
	}
	pad := make([]byte, tablesAt(pw.off, int64(len(head.b)))-pw.off-int64(len(head.b)))
	for _, b := range [][]byte{head.b, pad, tb, crcs} {
		if _, err := pw.bw.Write(b); err != nil {
			return 0, err
		}
	}
	var tr [packTrailer]byte
	headCRC := crc32.Checksum(head.b, castagnoli)
	binary.LittleEndian.PutUint64(tr[0:], uint64(pw.off))
	binary.LittleEndian.PutUint64(tr[8:], uint64(len(head.b)))
	binary.LittleEndian.PutUint64(tr[16:], uint64(len(tb)))
	binary.LittleEndian.PutUint32(tr[24:], headCRC)
	binary.LittleEndian.PutUint32(tr[28:], crc32.Checksum(crcs, castagnoli))
	copy(tr[32:], packEnd)
	if _, err := pw.bw.Write(tr[:]); err != nil {
		return 0, err
	}
	return headCRC, pw.bw.Flush()
}

// tablesAt returns where the tables of a pack whose head is at off and
// n bytes long start: at the next packChunk boundary of the file, so that
// each chunk of the tables is one page of the mapping.
func tablesAt(off, n int64) int64 { return (off + n + packChunk - 1) / packChunk * packChunk }

// tablePair says that the file of item id holds name (in one table).
type tablePair struct {
	name string
	id   uint32
	key  uint64 // the name's first 8 bytes, big-endian, zero-padded (set by tables, to sort)
}

// prefixKey returns the first 8 bytes of name as a big-endian number,
// zero-padded: when two keys differ they order as their names do.
func prefixKey(name string) uint64 {
	if len(name) >= 8 {
		return binary.BigEndian.Uint64([]byte(name[:8]))
	}
	var b [8]byte
	copy(b[:], name)
	return binary.BigEndian.Uint64(b[:])
}

// comparePairs orders pairs by name, then item id; the names themselves
// are read only when their prefix keys tie.
func comparePairs(a, b tablePair) int {
	if a.key != b.key {
		return cmp.Compare(a.key, b.key)
	}
	if c := strings.Compare(a.name, b.name); c != 0 {
		return c
	}
	return cmp.Compare(a.id, b.id)
}

// tablePairsPer1000 is about how many names of each table a thousand
// files of a kernel tree hold (the real 6.12 tree: 12.2k functions, 5.7k
// macros, 28k callees, 1.4k includes), to size the writer's lists.
var tablePairsPer1000 = [numTables]int{12500, 6000, 150, 5, 28500, 150, 1500}

// sortedTable is a name table in the order it is written.
type sortedTable struct {
	pairs        []tablePair // sorted by name, then item id
	n            int         // distinct names
	nbytes, nids int
	fbytes       int // bytes of the fence names
	off          int // where its section starts in the tables
}

// size is the length of the table's section: name offsets, id offsets
// (each with an end), the names, the ids, the fence's offsets (with an
// end) and names.
func (t *sortedTable) size() int {
	return 8*(t.n+1) + t.nbytes + 4*t.nids + 4*(fenceLen(t.n)+1) + t.fbytes
}

// tables lays out name tables given as (name, item id) pairs (names
// sorted, each name's files in index order, item ids mapped to file ids
// through ids): the tables are sorted and encoded in parallel, into one
// buffer of their exact size.
func (pw *packWriter) tables(ids []uint32, in [][]tablePair) ([]sortedTable, []byte) {
	tabs := make([]sortedTable, len(in))
	var wg sync.WaitGroup
	for i := range in {
		wg.Add(1)
		go func() {
			defer wg.Done()
			t := &tabs[i]
			t.pairs = in[i]
			for k := range t.pairs {
				t.pairs[k].key = prefixKey(t.pairs[k].name)
			}
			slices.SortFunc(t.pairs, comparePairs)
			t.nids = len(t.pairs)
			for k := range t.pairs {
				if k == 0 || t.pairs[k].name != t.pairs[k-1].name {
					if t.n%fenceEvery == 0 {
						t.fbytes += len(t.pairs[k].name)
					}
					t.n++
					t.nbytes += len(t.pairs[k].name)
				}
			}
		}()
	}
	wg.Wait()
	total := 0
	for i := range tabs {
		tabs[i].off = total
		total += tabs[i].size()
	}
	tb := make([]byte, total)
	for i := range tabs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			t := &tabs[i]
			b := tb[t.off : t.off : t.off+t.size()]
			// name offsets, then id offsets, each with its end
			at := 0
			for k, p := range t.pairs {
				if k == 0 || p.name != t.pairs[k-1].name {
					b = binary.LittleEndian.AppendUint32(b, uint32(at))
					at += len(p.name)
				}
			}
			b = binary.LittleEndian.AppendUint32(b, uint32(at))
			for k, p := range t.pairs {
				if k == 0 || p.name != t.pairs[k-1].name {
					b = binary.LittleEndian.AppendUint32(b, uint32(k))
				}
			}
			b = binary.LittleEndian.AppendUint32(b, uint32(len(t.pairs)))
			for k, p := range t.pairs {
				if k == 0 || p.name != t.pairs[k-1].name {
					b = append(b, p.name...)
				}
			}
			for _, p := range t.pairs {
				b = binary.LittleEndian.AppendUint32(b, ids[p.id])
			}
			// the fence: every fenceEvery-th name's offset, with an end,
			// then those names
			fence := make([]string, 0, fenceLen(t.n))
			d := 0 // distinct names so far
			for k, p := range t.pairs {
				if k == 0 || p.name != t.pairs[k-1].name {
					if d%fenceEvery == 0 {
						fence = append(fence, p.name)
					}
					d++
				}
			}
			at = 0
			for _, n := range fence {
				b = binary.LittleEndian.AppendUint32(b, uint32(at))
				at += len(n)
			}
			b = binary.LittleEndian.AppendUint32(b, uint32(at))
			for _, n := range fence {
				b = append(b, n...)
			}
		}()
	}
	wg.Wait()
	return tabs, tb
}

// dirOf returns the directory of a tree path ("" for the root), as the
// directory table and the stamps name it.
func dirOf(p string) string {
	if i := strings.LastIndexByte(p, '/'); i >= 0 {
		return p[:i]
	}
	return ""
}

// fileEntSize is the size of a file table entry: record offset (uint64),
// length and CRC-32C (uint32 each), the offset of the path and key in the
// strings (uint32), the lengths of path and key (uint16 each).
const fileEntSize = 8 + 4 + 4 + 4 + 2 + 2

// packDir is the decoded head of a pack and its tables. The file table
// is read in place (pack.go's layout): opening a pack builds nothing
// proportional to the number of files.
type packDir struct {
	treeID string
	crc    uint32 // the head's CRC-32C: identifies the pack's content
	data   []byte // the whole pack, mapped (or read)
	// mapped says data is the pack file's, kept for the life of the
	// process and never modified: records decode in place (their strings
	// share data)
	mapped bool
	stats  Stats
	n      int    // files
	ents   []byte // n entries of fileEntSize
	order  []byte // n uint32 file ids, sorted by path
	strs   []byte // the paths and keys the entries point into
	tabs   packTables
	dirs   nameTable // directory → ids of the files directly in it
	// the Makefile table, read in place: nmakes entries of (end of the
	// directory's name in mknames, makefile id | mkFar when the makefile
	// names paths outside its directory), sorted by directory
	nmakes          int
	mkents, mknames []byte
	far             []string // directories whose makefile names paths outside it
}

// strAt returns n bytes of the strings at off as a string sharing their
// memory: the pack's data is never modified or unmapped.
func (d *packDir) strAt(off, n int) string {
	if n == 0 {
		return ""
	}
	return unsafe.String(&d.strs[off], n)
}

// path returns the path of file id.
func (d *packDir) path(id int) string {
	e := d.ents[id*fileEntSize:]
	return d.strAt(int(binary.LittleEndian.Uint32(e[16:])), int(binary.LittleEndian.Uint16(e[20:])))
}

// key returns the content key of file id.
func (d *packDir) key(id int) string {
	e := d.ents[id*fileEntSize:]
	off, pl := int(binary.LittleEndian.Uint32(e[16:])), int(binary.LittleEndian.Uint16(e[20:]))
	return d.strAt(off+pl, int(binary.LittleEndian.Uint16(e[22:])))
}

// record returns the encoded record of file id and its CRC-32C.
func (d *packDir) record(id int) ([]byte, uint32) {
	e := d.ents[id*fileEntSize:]
	off, n := binary.LittleEndian.Uint64(e), uint64(binary.LittleEndian.Uint32(e[8:]))
	return d.data[off : off+n], binary.LittleEndian.Uint32(e[12:]) // bounds checked by parsePackDir
}

// lookupPath returns the id of the file with path p (binary search of
// the ids in path order).
func (d *packDir) lookupPath(p string) (int, bool) {
	i := sort.Search(d.n, func(i int) bool { return d.path(d.ordered(i)) >= p })
	if i < d.n {
		if id := d.ordered(i); d.path(id) == p {
			return id, true
		}
	}
	return 0, false
}

// mkFar marks the id of a makefile that names paths outside its
// directory in the pack's Makefile table.
const mkFar = 1 << 31

// makeDir returns the k-th directory of the Makefile table, sharing the
// pack's memory.
func (d *packDir) makeDir(k int) string {
	at := 0
	if k > 0 {
		at = int(binary.LittleEndian.Uint32(d.mkents[8*k-8:]))
	}
	end := int(binary.LittleEndian.Uint32(d.mkents[8*k:])) // bounds checked by parsePackDir
	if end == at {
		return ""
	}
	return unsafe.String(&d.mknames[at], end-at)
}

// makefile returns the id of the kbuild makefile of directory dir (binary
// search of the Makefile table).
func (d *packDir) makefile(dir string) (int, bool) {
	k := sort.Search(d.nmakes, func(k int) bool { return d.makeDir(k) >= dir })
	if k < d.nmakes && d.makeDir(k) == dir {
		return int(binary.LittleEndian.Uint32(d.mkents[8*k+4:]) &^ mkFar), true
	}
	return 0, false
}

// makeDirs yields the directories that have a kbuild makefile, in order.
func (d *packDir) makeDirs(yield func(string) bool) {
	for k := range d.nmakes {
		if !yield(d.makeDir(k)) {
			return
		}
	}
}

// ordered returns the id of the i-th file in path order.
func (d *packDir) ordered(i int) int { return int(binary.LittleEndian.Uint32(d.order[4*i:])) }

// readPackDir maps the pack in f and reads and checks its head.
func readPackDir(f *os.File) (*packDir, error) {
	fi, err := f.Stat()
	if err != nil {
		return nil, err
	}
	size := fi.Size()
	if size < int64(len(packMagic))+packTrailer {
		return nil, errors.New("file too short")
	}
	data, err := mapfile.Map(f, size)
	if err != nil {
		return nil, err
	}
	pd, err := parsePack(data)
	if err == nil {
		pd.mapped = true
	}
	return pd, err
}

// parsePack checks and decodes the head of a pack held in data.
func parsePack(data []byte) (*packDir, error) {
	size := int64(len(data))
	if size < int64(len(packMagic))+packTrailer {
		return nil, errors.New("file too short")
	}
	if string(data[:len(packMagic)]) != packMagic {
		return nil, errors.New("not a pack (bad magic)")
	}
	tr := data[size-packTrailer:]
	if string(tr[32:]) != packEnd {
		return nil, errors.New("truncated (no trailer)")
	}
	headOff, headLen, tabLen := binary.LittleEndian.Uint64(tr[0:]), binary.LittleEndian.Uint64(tr[8:]), binary.LittleEndian.Uint64(tr[16:])
	end := uint64(size - packTrailer)
	var tabOff uint64
	if headOff >= uint64(len(packMagic)) && headOff <= end && headLen <= end-headOff {
		tabOff = uint64(tablesAt(int64(headOff), int64(headLen)))
	}
	if tabOff == 0 || tabOff > end || tabLen > end-tabOff || (tabLen+packChunk-1)/packChunk*4 != end-tabOff-tabLen {
		return nil, fmt.Errorf("bad section bounds %d+%d+%d in %d bytes", headOff, headLen, tabLen, size)
	}
	head := data[headOff : headOff+headLen]
	if crc32.Checksum(head, castagnoli) != binary.LittleEndian.Uint32(tr[24:]) {
		return nil, errors.New("head checksum mismatch")
	}
	crcs := data[tabOff+tabLen : end]
	if crc32.Checksum(crcs, castagnoli) != binary.LittleEndian.Uint32(tr[28:]) {
		return nil, errors.New("table checksums damaged")
	}
	pd, err := parsePackDir(head, data[tabOff:tabOff+tabLen], crcs, int64(headOff))
	if err != nil {
		return nil, err
	}
	pd.crc = binary.LittleEndian.Uint32(tr[24:])
	pd.data = data
	return pd, nil
}

// parsePackDir decodes a head whose records end at recEnd, over its
// tables and their chunk checksums.
func parsePackDir(head, tables, crcs []byte, recEnd int64) (*packDir, error) {
	d := &factsDecoder{b: head}
	if v := d.uint(); d.err == nil && v != packVersion {
		return nil, fmt.Errorf("pack version %d, want %d", v, packVersion)
	}
	if v := d.uint(); d.err == nil && v != cacheVersion {
		return nil, fmt.Errorf("facts version %d, want %d", v, cacheVersion)
	}
	pd := &packDir{treeID: d.str()}
	st := []*int{&pd.stats.Files, &pd.stats.Funcs, &pd.stats.Calls, &pd.stats.Macros, &pd.stats.Events, &pd.stats.Guards, &pd.stats.Makefiles}
	for _, p := range st {
		*p = int(d.uint())
	}
	n := d.count(fileEntSize + 4)
	pd.n = n
	pd.ents, pd.order, pd.strs = d.raw(), d.raw(), d.raw()
	if d.err == nil && (len(pd.ents) != n*fileEntSize || len(pd.order) != 4*n) {
		return nil, fmt.Errorf("file table of %d bytes, order of %d, for %d files", len(pd.ents), len(pd.order), n)
	}
	for id := 0; d.err == nil && id < n; id++ {
		e := pd.ents[id*fileEntSize:]
		off, rn := binary.LittleEndian.Uint64(e), uint64(binary.LittleEndian.Uint32(e[8:]))
		so, sl := uint64(binary.LittleEndian.Uint32(e[16:])), uint64(binary.LittleEndian.Uint16(e[20:]))+uint64(binary.LittleEndian.Uint16(e[22:]))
		if off < uint64(len(packMagic)) || off > uint64(recEnd) || rn > uint64(recEnd)-off || so+sl > uint64(len(pd.strs)) {
			return nil, fmt.Errorf("file %d: record %d+%d or name %d+%d out of bounds", id, off, rn, so, sl)
		}
		if o := binary.LittleEndian.Uint32(pd.order[4*id:]); int(o) >= n {
			return nil, fmt.Errorf("path order names file %d of %d", o, n)
		}
	}
	if len(crcs) != (len(tables)+packChunk-1)/packChunk*4 {
		return nil, errors.New("table checksums do not cover the tables")
	}
	data := newTableData(tables, crcs)
	at := 0
	for _, t := range append(pd.tabs.list(), &pd.dirs) {
		nn, nbytes, nids, fbytes := d.uint(), d.uint(), d.uint(), d.uint()
		left := uint64(len(tables) - at)
		if d.err != nil || nn >= left/8 || nbytes > left || nids > left/4 || fbytes > left ||
			(nn+1)*8+nbytes+nids*4+(uint64(fenceLen(int(nn)))+1)*4+fbytes > left {
			return nil, fmt.Errorf("name table past the tables")
		}
		*t = nameTable{n: int(nn), nbytes: int(nbytes), nids: int(nids), nfiles: n,
			nf: fenceLen(int(nn)), fbytes: int(fbytes), d: data}
		t.offs = at
		t.idAt = t.offs + 4*(t.n+1)
		t.names = t.idAt + 4*(t.n+1)
		t.ids = t.names + int(nbytes)
		t.fence = t.ids + 4*int(nids)
		t.fnames = t.fence + 4*(t.nf+1)
		at = t.fnames + t.fbytes
	}
	if d.err == nil && at != len(tables) {
		return nil, fmt.Errorf("%d bytes after the name tables", len(tables)-at)
	}
	pd.nmakes = d.count(8)
	pd.mkents, pd.mknames = d.raw(), d.raw()
	if d.err == nil && len(pd.mkents) != 8*pd.nmakes {
		return nil, fmt.Errorf("makefile table of %d bytes for %d directories", len(pd.mkents), pd.nmakes)
	}
	for k, at := 0, 0; d.err == nil && k < pd.nmakes; k++ {
		end, id := int(binary.LittleEndian.Uint32(pd.mkents[8*k:])), binary.LittleEndian.Uint32(pd.mkents[8*k+4:])
		if end < at || end > len(pd.mknames) || int(id&^mkFar) >= n {
			return nil, fmt.Errorf("makefile table entry %d: name to %d, id %d, of %d bytes and %d files", k, end, id&^mkFar, len(pd.mknames), n)
		}
		at = end
		if id&mkFar != 0 {
			pd.far = append(pd.far, pd.makeDir(k))
		}
	}
	if d.err == nil && len(d.b) != 0 {
		return nil, fmt.Errorf("%d bytes after the head", len(d.b))
	}
	if d.err != nil {
		return nil, fmt.Errorf("head: %w", d.err)
	}
	return pd, nil
}

// readMapped returns the content of a cache file, mapped when it can be
// (no copy into the heap; the mapping lives as long as the process, and
// cache files are replaced by renaming, never rewritten in place).
func readMapped(name string) ([]byte, error) {
	b, _, err := mapfile.Open(name)
	return b, err
}
