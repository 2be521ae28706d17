package index

import (
	"encoding/binary"
	"errors"
	"hash/crc32"
	"io/fs"
	"maps"
	"slices"
	"time"
	"unsafe"

	"github.com/rcureview/rcureview/internal/atomicfile"
)

// The objects and directories each makefile names (dirObjs) are what
// build conditions are made of, and reading them (expanding a makefile's
// variables against its includes and the global makefiles) was most of
// the cost of BuildCond in a warm review. A pack's layer keeps them in a
// sidecar file, PACK.kbuild, one entry per directory: the directory's
// objects and every file they were read from with the content key it had
// then ("" when it was absent: Kbuild before Makefile, included
// makefiles, the top-level and architecture makefiles). An entry is used
// only when each of those files still has that key: for a directory
// tree each is stat'ed (so a makefile edited in place is seen, as its
// record would be before it is decoded, dircheck.go), for a git tree
// the pack's key is the content. readDirObjs depends on nothing but
// those files' facts and the architecture (which the sidecar names), so
// an entry that passes gives exactly what reading the makefiles would.
// A layer that changes a makefile or what files #include (a patch, files
// a warm start found changed) has its own build state and no sidecar.
// Entries are added as reviews compute them and saved by SaveCaches
// (the end of a review); a stale entry is replaced, a damaged or
// mismatched sidecar ignored and rewritten; entries read from files
// modified within racyWindow are not saved.

// kbuildMagic starts a sidecar; its last byte is the version.
const kbuildMagic = "RCUKBLD\x01"

func kbuildSidecar(pack string) string { return pack + ".kbuild" }

// kbuildSide is the sidecar of one pack's build state. Its methods are
// called with the state's lock held; a nil *kbuildSide keeps nothing.
type kbuildSide struct {
	l      *lazyFiles
	arch   string
	loaded bool
	stored map[string][]byte // directory → entry, as read
	fresh  map[string][]byte // entries computed in this run
	drop   map[string]bool   // stored entries found stale
	// keys are the current keys of the files checked so far (entries
	// share the global makefiles: each file is stat'ed once)
	keys map[string]string
}

// objs returns the stored objects of dir when their files are unchanged.
func (s *kbuildSide) objs(dir string) *dirObjs {
	if s == nil {
		return nil
	}
	if !s.loaded {
		s.loaded = true
		s.stored = s.read()
	}
	b, ok := s.stored[dir]
	if !ok || s.drop[dir] {
		return nil
	}
	d := &factsDecoder{b: b, inPlace: true} // the mapped sidecar's bytes
	reads := decodeReads(d)
	if d.err != nil || !s.current(reads) {
		s.mark(dir)
		return nil
	}
	do := decodeDirObjs(d)
	if do == nil || d.err != nil || len(d.b) != 0 {
		s.mark(dir)
		return nil
	}
	return do
}

func (s *kbuildSide) mark(dir string) {
	if s.drop == nil {
		s.drop = map[string]bool{}
	}
	s.drop[dir] = true
}

// add keeps the objects of dir computed in this run, unless one of the
// files they were read from is too recent to be trusted by its key.
func (s *kbuildSide) add(dir string, do *dirObjs, reads []kconfigRead) {
	if s == nil {
		return
	}
	racy := time.Now().UnixNano() - racyWindow
	for _, r := range reads {
		if keyTime(r.key) >= racy {
			return
		}
	}
	e := factsEncoder{}
	encodeReads(&e, reads)
	encodeDirObjs(&e, do)
	if s.fresh == nil {
		s.fresh = map[string][]byte{}
	}
	s.fresh[dir] = e.b
}

// current reports whether every file still has the key it was read with
// (as kconfigCurrent): absent files must be absent from the pack, the
// others have the pack's key (a git tree) or, stat'ed, the key they had
// (a directory tree).
func (s *kbuildSide) current(reads []kconfigRead) bool {
	l := s.l
	for _, r := range reads {
		if !l.packAgrees(r) {
			return false
		}
		if l.check != nil && r.key != "" {
			key, seen := s.keys[r.path]
			if !seen {
				key = lstatFile(l.check.root, r.path).key()
				if s.keys == nil {
					s.keys = map[string]string{}
				}
				s.keys[r.path] = key
			}
			if key != r.key {
				return false
			}
		}
	}
	return true
}

// read reads the sidecar; nil when it is missing, damaged or for
// another pack or architecture (logged when damaged).
func (s *kbuildSide) read() map[string][]byte {
	name := kbuildSidecar(s.l.name)
	b, err := readMapped(name)
	if err != nil {
		if !errors.Is(err, fs.ErrNotExist) {
			s.l.logf("rcureview: index cache %s: %v", name, err)
		}
		return nil
	}
	if len(b) < len(kbuildMagic)+4 || string(b[:len(kbuildMagic)]) != kbuildMagic {
		return nil // another version
	}
	body := b[:len(b)-4]
	if crc32.Checksum(body, castagnoli) != binary.LittleEndian.Uint32(b[len(b)-4:]) {
		s.l.logf("rcureview: index cache %s: checksum mismatch; reading the makefiles again", name)
		return nil
	}
	d := &factsDecoder{b: body[len(kbuildMagic):], inPlace: true} // mapped, never modified
	if uint32(d.uint()) != s.l.dir.crc || d.str() != s.arch {
		return nil // another pack or architecture
	}
	n := d.count(2)
	out := make(map[string][]byte, n)
	for i := 0; i < n && d.err == nil; i++ {
		dir := d.str()
		out[dir] = d.raw()
	}
	if d.err != nil || len(d.b) != 0 {
		s.l.logf("rcureview: index cache %s: damaged; reading the makefiles again", name)
		return nil
	}
	return out
}

// save writes the sidecar when this run computed or dropped entries
// (atomically; best effort, a failure is logged).
func (s *kbuildSide) save() {
	if s == nil || len(s.fresh) == 0 && len(s.drop) == 0 {
		return
	}
	all := map[string][]byte{}
	for dir, b := range s.stored {
		if !s.drop[dir] {
			all[dir] = b
		}
	}
	for dir, b := range s.fresh {
		all[dir] = b
	}
	dirs := slices.Sorted(maps.Keys(all))
	e := factsEncoder{}
	e.b = append(e.b, kbuildMagic...)
	e.uint(uint64(s.l.dir.crc))
	e.str(s.arch)
	e.uint(uint64(len(dirs)))
	for _, dir := range dirs {
		e.str(dir)
		e.raw(all[dir])
	}
	e.b = binary.LittleEndian.AppendUint32(e.b, crc32.Checksum(e.b, castagnoli))
	name := kbuildSidecar(s.l.name)
	if err := atomicfile.Write(name, ".kbuild-*", e.b); err != nil {
		s.l.logf("rcureview: index cache %s: %v", name, err)
		return
	}
	s.stored, s.fresh, s.drop = all, nil, nil
}

// SaveCaches keeps what this index computed that a later run can reuse:
// the build state's sidecar of its pack (kbuildcache.go) and the answers
// learned from the pack and its Kconfig model (learned.go); best effort,
// failures logged.
func (ix *Index) SaveCaches() {
	for x := ix; x != nil; x = x.base {
		if x.lazy == nil {
			continue
		}
		if k := x.kbState; k != nil {
			k.mu.Lock()
			k.side.save()
			k.mu.Unlock()
		}
		learned := []*learnedFile{x.lazy.names}
		if st := x.kcState; st != nil && st.answers != nil {
			learned = append(learned, st.answers.f)
		}
		for _, f := range learned {
			if err := f.save(); err != nil {
				x.lazy.logf("rcureview: index cache: %v", err)
			}
		}
	}
}

// SaveCaches calls Index.SaveCaches on every index the provider keeps. A
// review session calls it when a run is done.
func (p *Provider) SaveCaches() {
	p.mu.Lock()
	ixs := p.memo.values()
	p.mu.Unlock()
	for _, ix := range ixs {
		ix.SaveCaches()
	}
}

func encodeReads(e *factsEncoder, reads []kconfigRead) {
	e.uint(uint64(len(reads)))
	for _, r := range reads {
		e.str(r.path)
		e.str(r.key)
	}
}

func decodeReads(d *factsDecoder) []kconfigRead {
	out := make([]kconfigRead, d.count(2))
	for i := range out {
		out[i] = kconfigRead{d.str(), d.str()}
	}
	return out
}

func encodeDirObjs(e *factsEncoder, do *dirObjs) {
	e.bool(do.unresolved)
	e.bool(do.lists)
	e.bool(do.file)
	e.bool(do.far)
	do.decodeEdges()
	hp := slices.Sorted(maps.Keys(do.hostprogs))
	e.strs(hp)
	e.strs(do.foreign)
	keys := slices.Sorted(maps.Keys(do.edges))
	e.uint(uint64(len(keys)))
	for _, k := range keys {
		e.str(k)
		es := do.edges[k]
		e.uint(uint64(len(es)))
		for _, oe := range es {
			e.str(oe.composite)
			e.str(oe.cond)
			e.str(oe.mkdir)
		}
	}
}

func decodeDirObjs(d *factsDecoder) *dirObjs {
	do := &dirObjs{}
	do.unresolved, do.lists, do.file, do.far = d.bool(), d.bool(), d.bool(), d.bool()
	if n := d.count(1); n > 0 {
		do.hostprogs = make(map[string]bool, n)
		for i := 0; i < n; i++ {
			do.hostprogs[d.str()] = true
		}
	}
	if n := d.count(1); n > 0 {
		do.foreign = make([]string, n)
		for i := range do.foreign {
			do.foreign[i] = d.str()
		}
	}
	// the edges are checked here, decoded when asked for (dirObjs.stored)
	start := d.b
	n := d.count(2)
	for i := 0; i < n && d.err == nil; i++ {
		d.raw()
		for range d.count(3) {
			d.raw()
			d.raw()
			d.raw()
		}
	}
	if d.err != nil {
		return nil
	}
	do.stored = &storedEdges{b: start[:len(start)-len(d.b)], inPlace: d.inPlace}
	return do
}

// storedEdges are a dirObjs' edges as encodeDirObjs writes them, checked
// by decodeDirObjs.
type storedEdges struct {
	b       []byte
	inPlace bool // strings may share b (factsDecoder.inPlace)
}

// decode returns the edges of keys, of every key when keys is nil.
func (se *storedEdges) decode(keys []string) map[string][]objEdge {
	d := &factsDecoder{b: se.b, inPlace: se.inPlace}
	n := d.count(2)
	edges := map[string][]objEdge{}
	for i := 0; i < n && d.err == nil; i++ {
		kb := d.raw()
		m := d.count(3)
		if keys != nil && !slices.ContainsFunc(keys, func(k string) bool { return k == string(kb) }) {
			for range 3 * m {
				d.raw()
			}
			continue
		}
		key := string(kb)
		if se.inPlace {
			key = unsafe.String(unsafe.SliceData(kb), len(kb))
		}
		es := make([]objEdge, m)
		for j := range es {
			es[j] = objEdge{composite: d.str(), cond: d.str(), mkdir: d.str()}
		}
		edges[key] = es
	}
	return edges
}

// decodeEdges decodes the stored edges, if any (the state's lock held).
func (do *dirObjs) decodeEdges() {
	if do.edges == nil && do.stored != nil {
		do.edges, do.stored = do.stored.decode(nil), nil
	}
}

// edgesOf returns the ways key is built (the state's lock held).
func (do *dirObjs) edgesOf(key string) []objEdge {
	do.decodeEdges()
	return do.edges[key]
}

// edgesOfKeys returns the ways keys are built, without decoding the
// other keys' when they are still stored (the state's lock held).
func (do *dirObjs) edgesOfKeys(keys []string) map[string][]objEdge {
	if do.edges != nil || do.stored == nil {
		out := make(map[string][]objEdge, len(keys))
		for _, k := range keys {
			out[k] = do.edges[k]
		}
		return out
	}
	if len(keys) == 0 {
		return nil
	}
	return do.stored.decode(keys)
}
