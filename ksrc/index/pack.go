package index

import (
	"bufio"
	"encoding/binary"
	"errors"
	"fmt"
	"hash/crc32"
	"io"
	"os"
	"path"
	"sort"
)

// A pack is the cache file of one tree, laid out so that a warm start
// reads only its directory and decodes a file's facts when a lookup needs
// them:
//
//	"RCUPACK\x01"  magic
//	records        one encodeFacts record per file, in index order
//	directory      tree id, versions, Stats, the file table (path, key,
//	               record offset, length and CRC-32C) and sorted name
//	               tables: function, macro, event, guard and callee names
//	               and RCU locations (rcuTableNames) and #included paths,
//	               each → the ids of the files that hold them, and the
//	               Makefile table (directory → file id)
//	trailer        directory offset and length (uint64), its CRC-32C
//	               (uint32), "RCUP"
//
// Name tables are arrays searched in place (binary search), so opening
// a pack builds no per-name maps.

const (
	packMagic   = "RCUPACK\x01"
	packTrailer = 8 + 8 + 4 + 4
	packEnd     = "RCUP"
)

var castagnoli = crc32.MakeTable(crc32.Castagnoli)

// packFile is one file's entry in the directory.
type packFile struct {
	path, key string
	off, n    int64
	crc       uint32
}

// nameTable is a sorted name → file ids table, read in place.
type nameTable struct {
	n     int
	offs  []byte // (n+1) uint32 offsets into names
	idAt  []byte // (n+1) uint32 offsets into ids
	names []byte
	ids   []byte // uint32 file ids
}

func u32(b []byte, i int) uint32 { return binary.LittleEndian.Uint32(b[4*i:]) }

func (t *nameTable) name(i int) []byte { return t.names[u32(t.offs, i):u32(t.offs, i+1)] }

// lookup returns the ids of the files that hold name, in index order.
func (t *nameTable) lookup(name string) []uint32 {
	i := sort.Search(t.n, func(i int) bool { return string(t.name(i)) >= name })
	if i >= t.n || string(t.name(i)) != name {
		return nil
	}
	lo, hi := int(u32(t.idAt, i)), int(u32(t.idAt, i+1))
	out := make([]uint32, 0, hi-lo)
	for j := lo; j < hi; j++ {
		out = append(out, u32(t.ids, j))
	}
	return out
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
// contributes (each once).
func tableNames(f *FileFacts) [numTables][]string {
	var out [numTables][]string
	seen := [numTables]map[string]bool{}
	add := func(t int, name string) {
		if seen[t] == nil {
			seen[t] = map[string]bool{}
		}
		if !seen[t][name] {
			seen[t][name] = true
			out[t] = append(out[t], name)
		}
	}
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
	return out
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

// writePackCRC writes the pack of files to w and returns the checksum of
// its directory.
func writePackCRC(w io.Writer, treeID string, files []*FileFacts) (uint32, error) {
	bw := bufio.NewWriterSize(w, 1<<20)
	if _, err := bw.WriteString(packMagic); err != nil {
		return 0, err
	}
	off := int64(len(packMagic))
	dir := factsEncoder{}
	dir.uint(packVersion)
	dir.uint(cacheVersion)
	dir.str(treeID)
	s := statsOf(files)
	for _, v := range []int{s.Files, s.Funcs, s.Calls, s.Macros, s.Events, s.Guards, s.Makefiles} {
		dir.uint(uint64(v))
	}
	dir.uint(uint64(len(files)))
	var tabs [numTables]map[string][]uint32
	for t := range tabs {
		tabs[t] = map[string][]uint32{}
	}
	type mk struct {
		dir string
		id  int
	}
	var makes []mk
	makeAt := map[string]int{}
	var rec []byte
	for id, f := range files {
		rec = encodeFacts(rec[:0], f)
		if _, err := bw.Write(rec); err != nil {
			return 0, err
		}
		dir.str(f.Path)
		dir.str(f.Key)
		dir.uint(uint64(off))
		dir.uint(uint64(len(rec)))
		dir.uint(uint64(crc32.Checksum(rec, castagnoli)))
		off += int64(len(rec))
		for t, names := range tableNames(f) {
			for _, n := range names {
				tabs[t][n] = append(tabs[t][n], uint32(id))
			}
		}
		if f.Make != nil && isKbuildFile(f.Path) {
			// kbuild reads Kbuild when a directory has both
			d := path.Dir(f.Path)
			if i, ok := makeAt[d]; ok {
				if path.Base(f.Path) == "Kbuild" {
					makes[i].id = id
				}
			} else {
				makeAt[d] = len(makes)
				makes = append(makes, mk{d, id})
			}
		}
	}
	for _, tab := range tabs {
		names := make([]string, 0, len(tab))
		nids := 0
		for n, ids := range tab {
			names = append(names, n)
			nids += len(ids)
		}
		sort.Strings(names)
		nbytes := 0
		for _, n := range names {
			nbytes += len(n)
		}
		dir.uint(uint64(len(names)))
		dir.uint(uint64(nbytes))
		dir.uint(uint64(nids))
		at, idAt := 0, 0
		for _, n := range names {
			dir.b = binary.LittleEndian.AppendUint32(dir.b, uint32(at))
			at += len(n)
		}
		dir.b = binary.LittleEndian.AppendUint32(dir.b, uint32(at))
		for _, n := range names {
			dir.b = binary.LittleEndian.AppendUint32(dir.b, uint32(idAt))
			idAt += len(tab[n])
		}
		dir.b = binary.LittleEndian.AppendUint32(dir.b, uint32(idAt))
		for _, n := range names {
			dir.b = append(dir.b, n...)
		}
		for _, n := range names {
			for _, id := range tab[n] {
				dir.b = binary.LittleEndian.AppendUint32(dir.b, id)
			}
		}
	}
	dir.uint(uint64(len(makes)))
	for _, m := range makes {
		dir.str(m.dir)
		dir.uint(uint64(m.id))
	}
	if _, err := bw.Write(dir.b); err != nil {
		return 0, err
	}
	var tr [packTrailer]byte
	binary.LittleEndian.PutUint64(tr[0:], uint64(off))
	binary.LittleEndian.PutUint64(tr[8:], uint64(len(dir.b)))
	crc := crc32.Checksum(dir.b, castagnoli)
	binary.LittleEndian.PutUint32(tr[16:], crc)
	copy(tr[20:], packEnd)
	if _, err := bw.Write(tr[:]); err != nil {
		return 0, err
	}
	return crc, bw.Flush()
}

// packDir is the decoded directory of a pack.
type packDir struct {
	treeID string
	crc    uint32 // the directory's CRC-32C: identifies the pack's content
	stats  Stats
	files  []packFile
	byPath map[string]int
	tabs   packTables
	makes  map[string]int
}

// readPackDir reads and checks the directory of the pack in f.
func readPackDir(f *os.File) (*packDir, error) {
	fi, err := f.Stat()
	if err != nil {
		return nil, err
	}
	size := fi.Size()
	if size < int64(len(packMagic))+packTrailer {
		return nil, errors.New("file too short")
	}
	var head [len(packMagic)]byte
	if _, err := f.ReadAt(head[:], 0); err != nil {
		return nil, err
	}
	if string(head[:]) != packMagic {
		return nil, errors.New("not a pack (bad magic)")
	}
	var tr [packTrailer]byte
	if _, err := f.ReadAt(tr[:], size-packTrailer); err != nil {
		return nil, err
	}
	if string(tr[20:]) != packEnd {
		return nil, errors.New("truncated (no trailer)")
	}
	dirOff, dirLen := binary.LittleEndian.Uint64(tr[0:]), binary.LittleEndian.Uint64(tr[8:])
	if dirOff < uint64(len(packMagic)) || dirOff > uint64(size) || dirLen != uint64(size-packTrailer)-dirOff {
		return nil, fmt.Errorf("bad directory bounds %d+%d in %d bytes", dirOff, dirLen, size)
	}
	buf := make([]byte, dirLen)
	if _, err := f.ReadAt(buf, int64(dirOff)); err != nil {
		return nil, err
	}
	if crc32.Checksum(buf, castagnoli) != binary.LittleEndian.Uint32(tr[16:]) {
		return nil, errors.New("directory checksum mismatch")
	}
	pd, err := parsePackDir(buf, int64(dirOff))
	if err != nil {
		return nil, err
	}
	pd.crc = binary.LittleEndian.Uint32(tr[16:])
	return pd, nil
}

// parsePackDir decodes a directory whose records end at recEnd.
func parsePackDir(buf []byte, recEnd int64) (*packDir, error) {
	d := &factsDecoder{b: buf}
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
	n := d.count(5)
	pd.files = make([]packFile, n)
	pd.byPath = make(map[string]int, n)
	for i := range pd.files {
		pf := &pd.files[i]
		pf.path, pf.key = d.str(), d.str()
		pf.off, pf.n = int64(d.uint()), int64(d.uint())
		pf.crc = uint32(d.uint())
		if d.err == nil && (pf.off < int64(len(packMagic)) || pf.n < 0 || pf.off+pf.n > recEnd) {
			return nil, fmt.Errorf("file %q: record %d+%d out of bounds", pf.path, pf.off, pf.n)
		}
		pd.byPath[pf.path] = i
	}
	for _, t := range pd.tabs.list() {
		nn, nbytes, nids := d.count(8), d.uint(), d.uint()
		need := uint64(nn+1)*8 + nbytes + nids*4
		if d.err != nil || need > uint64(len(d.b)) {
			d.fail(errShortRecord)
			break
		}
		t.n = nn
		t.offs, d.b = d.b[:4*(nn+1)], d.b[4*(nn+1):]
		t.idAt, d.b = d.b[:4*(nn+1)], d.b[4*(nn+1):]
		t.names, d.b = d.b[:nbytes], d.b[nbytes:]
		t.ids, d.b = d.b[:4*nids], d.b[4*nids:]
		if err := t.check(uint32(nbytes), uint32(nids), uint32(n)); err != nil {
			return nil, err
		}
	}
	nm := d.count(2)
	pd.makes = make(map[string]int, nm)
	for i := 0; i < nm; i++ {
		dir, id := d.str(), d.uint()
		if d.err == nil && id >= uint64(n) {
			return nil, fmt.Errorf("makefile id %d of %d files", id, n)
		}
		pd.makes[dir] = int(id)
	}
	if d.err == nil && len(d.b) != 0 {
		return nil, fmt.Errorf("%d bytes after the directory", len(d.b))
	}
	if d.err != nil {
		return nil, fmt.Errorf("directory: %w", d.err)
	}
	return pd, nil
}

// check validates a table's offsets and ids so lookups cannot go out of
// bounds (the order of the names is covered by the directory checksum: a
// table out of order only makes lookups miss).
func (t *nameTable) check(nbytes, nids, nfiles uint32) error {
	if u32(t.offs, 0) != 0 || u32(t.idAt, 0) != 0 || u32(t.offs, t.n) != nbytes || u32(t.idAt, t.n) != nids {
		return errors.New("name table: bad bounds")
	}
	for i := 0; i < t.n; i++ {
		if u32(t.offs, i) > u32(t.offs, i+1) || u32(t.idAt, i) > u32(t.idAt, i+1) {
			return errors.New("name table: offsets out of order")
		}
	}
	for j := 0; j < int(nids); j++ {
		if u32(t.ids, j) >= nfiles {
			return errors.New("name table: file id out of range")
		}
	}
	return nil
}
