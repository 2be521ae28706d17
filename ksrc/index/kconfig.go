package index

import (
	"encoding/binary"
	"errors"
	"fmt"
	"hash/crc32"
	"io/fs"
	"path/filepath"
	"sync"
	"sync/atomic"
	"time"

	"github.com/rcureview/rcureview/internal/atomicfile"
	"github.com/rcureview/rcureview/kconfig"
)

// Kconfig returns the Kconfig model of the index's architecture, read
// from the indexed Kconfig files on first use (an index without them
// gets an open model: every symbol free). A layer that changes no
// Kconfig file shares its base's model; an index served from a pack
// keeps its model next to the pack (kconfigSidecar). A configuration
// symbol that Kconfig does not define is never set, unless C code
// #defines it.
func (ix *Index) Kconfig() *kconfig.Model { return ix.kc().get() }

// kconfigState is an index's Kconfig model and the answers kept for it
// (satstore.go). The answers are there as soon as the model's sidecar is
// known to be current; the model itself is decoded (or built) when a
// question has no kept answer, so a review that asks only what earlier
// ones asked never decodes it.
type kconfigState struct {
	answers  *satAnswers // nil: none kept (the model is not its sidecar's)
	once     sync.Once
	newModel func() *kconfig.Model
	model    *kconfig.Model
}

func (s *kconfigState) get() *kconfig.Model {
	s.once.Do(func() {
		s.model = s.newModel()
		s.newModel = nil
	})
	return s.model
}

// kc returns the index's Kconfig state, made on first use: a layer that
// changes no Kconfig file shares its base's.
func (ix *Index) kc() *kconfigState {
	ix.kcOnce.Do(func() {
		if ix.base != nil && !ix.changes(IsKconfig) {
			ix.kcState = ix.base.kc()
			return
		}
		st := &kconfigState{}
		var newModel func() *kconfig.Model
		if l := ix.lazy; l != nil {
			var id sidecarID
			newModel, id = l.kconfigModel(ix.arch())
			if id != (sidecarID{}) {
				// the model is its sidecar's and SetFree asks this index:
				// answers hold while no changed file is served
				st.answers = openSatAnswers(satSidecar(l.name), id, func() bool { return ix.freshFiles() == 0 }, l.logf)
			}
		} else {
			newModel = func() *kconfig.Model {
				m, _ := buildKconfig(ix.arch(), ix.File)
				return m
			}
		}
		st.newModel = func() *kconfig.Model {
			m := newModel()
			m.SetFree(func(sym string) bool { return len(ix.Macros("CONFIG_"+sym)) > 0 })
			return m
		}
		ix.kcState = st
	})
	return ix.kcState
}

// kconfigRead is a file NewModel asked for and the content key it had
// ("" when there was no such file).
type kconfigRead struct{ path, key string }

// buildKconfig builds the model of arch from the files file returns and
// lists the files it asked for.
func buildKconfig(arch string, file func(string) *FileFacts) (*kconfig.Model, []kconfigRead) {
	var read []kconfigRead
	m := kconfig.NewModel(arch, func(p string) *kconfig.File {
		f := file(p)
		if f == nil {
			read = append(read, kconfigRead{p, ""})
			return nil
		}
		read = append(read, kconfigRead{p, f.Key})
		return f.Kconfig
	})
	return m, read
}

// The Kconfig model of a pack is kept in a sidecar file, PACK.kconfig:
// building it reads some 1,600 Kconfig records and translates them
// (about 0.1 s of CPU), reading it back costs a few milliseconds. The
// sidecar names the pack (its directory checksum, as the stamps file
// does), the architecture, and every file the model asked for with the
// content key it had then (or that it was absent). It is used only when
// each of those files still has that key: for a directory tree each is
// stat'ed, as the record of a Kconfig file is before it is decoded
// (dircheck.go), so a Kconfig file edited in place is seen even though
// no record is read. A model depends on nothing but those files' content
// (the keys identify it; NewModel is deterministic), so a sidecar that
// passes gives exactly the model a rebuild would. The function SetFree
// gives (C code #defining CONFIG_ macros) is not kept: it is set on the
// read model as on a built one. A layer that changes a Kconfig file (a
// patch, or files a warm start found changed) builds its own model and
// keeps it only in memory. The head (pack, architecture, files and keys)
// has a checksum of its own, so a start checks the head and the files and
// leaves the model's bytes unread until a question needs the model
// (satstore.go keeps the answers). A missing, damaged (checksum),
// truncated or stale sidecar is rebuilt and rewritten; a model built from a file
// modified within racyWindow is not kept (a later change within the
// same clock tick could keep its key).

// kconfigMagic starts a sidecar; its last byte is the version (of the
// sidecar and of kconfig's model encoding): a sidecar of another version
// is stale, not damaged.
const kconfigMagic = "RCUKCFG\x04"

func kconfigSidecar(pack string) string { return pack + ".kconfig" }

// kconfigModel returns what makes the model of the pack's tree for arch:
// the decoding of its sidecar when that is current (the model's bytes
// are checked and decoded on the call), else the model built (and the
// sidecar written); and the sidecar that holds it (zero when none does).
func (l *lazyFiles) kconfigModel(arch string) (func() *kconfig.Model, sidecarID) {
	name := kconfigSidecar(l.name)
	side, err := l.readKconfig(name, arch, false)
	if err == nil {
		return func() *kconfig.Model {
			m, err := side.decode()
			if err == nil {
				return m
			}
			l.logf("rcureview: index cache %s: %v; building the Kconfig model again", name, err)
			m, _ = l.buildKconfig(arch)
			return m
		}, side.id
	}
	if !errors.Is(err, fs.ErrNotExist) && !errors.Is(err, errKconfigStale) {
		l.logf("rcureview: index cache %s: %v; building the Kconfig model again", name, err)
	}
	if m, id := l.donorKconfig(arch); m != nil {
		return func() *kconfig.Model { return m }, id
	}
	m, id := l.buildKconfig(arch)
	return func() *kconfig.Model { return m }, id
}

// buildKconfig builds the model of the pack's tree and writes its
// sidecar, unless a file it read changed within racyWindow.
func (l *lazyFiles) buildKconfig(arch string) (*kconfig.Model, sidecarID) {
	m, read := buildKconfig(arch, l.byPath)
	racy := time.Now().UnixNano() - racyWindow
	for _, r := range read {
		if keyTime(r.key) >= racy {
			return m, sidecarID{}
		}
	}
	name := kconfigSidecar(l.name)
	id, err := writeKconfig(name, l.dir.crc, arch, read, m.Encode())
	if err != nil {
		l.logf("rcureview: index cache %s: %v", name, err)
	}
	return m, id
}

// maxKconfigDonors is how many other git packs' sidecars a pack without
// its own tries.
const maxKconfigDonors = 2

// donorKconfig returns the model of a git tree's pack from the sidecar
// of another git pack of the same options (the most recently used
// first), when every Kconfig file it was built from has the same blob
// id in this tree: a new commit rarely changes a Kconfig file, and the
// model is a function of those files alone. The sidecar is then written
// for this pack too. nil when no donor fits; the sidecar ID is zero when
// the sidecar could not be written.
func (l *lazyFiles) donorKconfig(arch string) (*kconfig.Model, sidecarID) {
	if l.check != nil {
		return nil, sidecarID{} // a directory tree: its keys are its own files' times
	}
	tried := 0
	for _, p := range (&Cache{Dir: filepath.Dir(l.name)}).gitPacks(l.name) {
		if p == l.name || tried == maxKconfigDonors {
			continue
		}
		tried++
		side, err := l.readKconfig(kconfigSidecar(p), arch, true)
		if err != nil {
			continue
		}
		m, err := side.decode()
		if err != nil {
			continue
		}
		id, err := writeKconfig(kconfigSidecar(l.name), l.dir.crc, arch, side.read, side.model())
		if err != nil {
			l.logf("rcureview: index cache %s: %v", kconfigSidecar(l.name), err)
		}
		return m, id
	}
	return nil, sidecarID{}
}

// errKconfigStale: a sidecar for other content (another pack, another
// architecture, a file changed since).
var errKconfigStale = errors.New("Kconfig model is stale")

// writeKconfig writes a sidecar: the head (the pack's checksum, the
// architecture, the files read with their keys) with its own checksum,
// then the encoded model, then the checksum of the whole; it returns the
// sidecar's ID.
func writeKconfig(name string, packCRC uint32, arch string, read []kconfigRead, model []byte) (sidecarID, error) {
	e := factsEncoder{}
	e.b = append(e.b, kconfigMagic...)
	e.uint(uint64(packCRC))
	e.str(arch)
	e.uint(uint64(len(read)))
	for _, r := range read {
		e.str(r.path)
		e.str(r.key)
	}
	e.b = binary.LittleEndian.AppendUint32(e.b, crc32.Checksum(e.b, castagnoli))
	e.b = append(e.b, model...)
	e.b = binary.LittleEndian.AppendUint32(e.b, crc32.Checksum(e.b, castagnoli))
	if err := atomicfile.Write(name, ".kconfig-*", e.b); err != nil {
		return sidecarID{}, err
	}
	return sidecarID{binary.LittleEndian.Uint32(e.b[len(e.b)-4:]), uint64(len(e.b))}, nil
}

// kconfigSide is a sidecar whose head was checked: the files the model
// was built from have the keys they had then.
type kconfigSide struct {
	b       []byte // the whole sidecar, mapped
	modelAt int    // where the encoded model starts
	read    []kconfigRead
	id      sidecarID
}

// model returns the encoded model (not yet checked).
func (s *kconfigSide) model() []byte { return s.b[s.modelAt : len(s.b)-4] }

// decode checks the whole sidecar and decodes its model.
func (s *kconfigSide) decode() (*kconfig.Model, error) {
	if crc32.Checksum(s.b[:len(s.b)-4], castagnoli) != binary.LittleEndian.Uint32(s.b[len(s.b)-4:]) {
		return nil, errors.New("Kconfig model: checksum mismatch")
	}
	m, err := kconfig.DecodeModel(s.model())
	if err != nil {
		return nil, fmt.Errorf("Kconfig model: %w", err)
	}
	return m, nil
}

// readKconfig reads a sidecar's head and checks it against the pack
// (unless anyPack: a donor's) and the files; errKconfigStale when it is
// not for them. The model is checked and decoded by the side's decode:
// the head has a checksum of its own, so a review whose questions all
// have kept answers reads only the head.
func (l *lazyFiles) readKconfig(name, arch string, anyPack bool) (*kconfigSide, error) {
	b, err := readMapped(name)
	if err != nil {
		return nil, err
	}
	if len(b) < len(kconfigMagic)+8 || string(b[:len(kconfigMagic)-1]) != kconfigMagic[:len(kconfigMagic)-1] {
		return nil, errors.New("Kconfig model: bad magic")
	}
	if b[len(kconfigMagic)-1] != kconfigMagic[len(kconfigMagic)-1] {
		return nil, errKconfigStale // written by another version
	}
	d := &factsDecoder{b: b[len(kconfigMagic) : len(b)-4]}
	crc := uint32(d.uint())
	gotArch := d.str()
	read := make([]kconfigRead, d.count(2))
	for i := range read {
		read[i] = kconfigRead{d.str(), d.str()}
	}
	headEnd := len(b) - 4 - len(d.b)
	if d.err != nil || len(d.b) < 4 {
		return nil, errors.New("Kconfig model: truncated head")
	}
	if crc32.Checksum(b[:headEnd], castagnoli) != binary.LittleEndian.Uint32(b[headEnd:]) {
		return nil, errors.New("Kconfig model: checksum mismatch")
	}
	if !anyPack && crc != l.dir.crc || gotArch != arch {
		return nil, errKconfigStale
	}
	if !l.kconfigCurrent(read) {
		return nil, errKconfigStale
	}
	return &kconfigSide{b: b, modelAt: headEnd + 4, read: read,
		id: sidecarID{binary.LittleEndian.Uint32(b[len(b)-4:]), uint64(len(b))}}, nil
}

// kconfigCurrent reports whether every file still has the key it was
// read with: the key the index serves it under, which for a directory
// tree is the key of the file on disk (a record whose file changed is
// skimmed again under its current key, dircheck.go), for a git tree the
// pack's (blob ids). A file that was absent must still be absent from
// the pack (a file added since is in a layer over it).
func (l *lazyFiles) kconfigCurrent(read []kconfigRead) bool {
	for _, r := range read {
		if !l.packAgrees(r) {
			return false
		}
	}
	if l.check == nil {
		return true
	}
	var stale atomic.Bool
	parallel(len(read), func(lo, hi int) {
		for i := lo; i < hi && !stale.Load(); i++ {
			if read[i].key != "" && !lstatFile(l.check.root, read[i].path).is(read[i].key) {
				stale.Store(true)
			}
		}
	})
	return !stale.Load()
}

// packAgrees reports whether the pack still agrees with a file read (a
// path and the key it was read with) as far as the pack can tell: a file
// that was absent is still absent from it, a present one is in it and,
// for a git tree (no directory check), has the same key. For a directory
// tree the caller compares the key on disk.
func (l *lazyFiles) packAgrees(r kconfigRead) bool {
	id, ok := l.dir.lookupPath(r.path)
	switch {
	case !ok && r.key == "":
		return true
	case !ok || r.key == "":
		return false
	}
	return l.check != nil || l.dir.key(id) == r.key
}

// changes reports whether this layer replaces, adds or deletes a file
// whose path satisfies is.
func (ix *Index) changes(is func(string) bool) bool {
	for p := range ix.hidden {
		if is(p) {
			return true
		}
	}
	return false
}

// Possible reports whether conditions can hold together: under cfg when
// one is given (exactly, by EvalCond: only a condition known to be false
// rules them out), else in some configuration that the architecture's
// Kconfig allows (CONFIG_TINY_RCU && CONFIG_PREEMPT_RCU cannot,
// CONFIG_ARM64 cannot on x86, a file's "0" build condition never can).
func (ix *Index) Possible(conds []string, cfg *kconfig.Config) bool {
	if cfg != nil {
		return CondsHold(conds, cfg)
	}
	if len(conds) == 0 {
		return true
	}
	st := ix.kc()
	if st.answers == nil {
		return st.get().Satisfiable(conds)
	}
	key := kconfig.QuestionKey(conds)
	if v, ok := st.answers.sat(key); ok {
		return v
	}
	v := st.get().Satisfiable(conds)
	st.answers.learnSat(key, v)
	return v
}

// SimplifyConds returns conditions as a finding should print them:
// respelled simply, without those that always hold on the architecture
// or that the others imply, each a conjunct (a disjunction is
// parenthesised), sorted.
func (ix *Index) SimplifyConds(conds []string) []string {
	if len(conds) == 0 {
		return conds
	}
	st := ix.kc()
	if st.answers == nil {
		return st.get().Simplify(conds)
	}
	key := kconfig.QuestionKey(conds)
	if out, ok := st.answers.simplified(key); ok {
		return out
	}
	out := st.get().Simplify(conds)
	st.answers.learnSimplified(key, out)
	return out
}
