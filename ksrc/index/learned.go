package index

import (
	"bytes"
	"crypto/sha256"
	"encoding/binary"
	"errors"
	"fmt"
	"hash/crc32"
	"io/fs"
	"slices"
	"sort"
	"sync"

	"github.com/rcureview/rcureview/internal/atomicfile"
)

// A learned file keeps answers a process computed from something
// immutable in the cache (a pack's name tables, a Kconfig model), so the
// next process reads them instead of computing them again: a review asks
// mostly what every review of the tree asks (the chains through the same
// core functions), and on this kind of cache the first touch of each
// page a computation reads is what it costs. The answers are a pure
// function of what the file names by its ID; a file whose ID is not the
// current one is stale (ignored, and replaced when something new is
// learned).
//
// Format: a magic (8 bytes, the last one the version), the ID (16
// bytes), the number of entries (uint32), the entries sorted by key (a
// 16-byte key, the first bytes of the SHA-256 of the question, then the
// value's offset and length, uint32 each), the values, and a CRC-32C of
// everything before it. A file is read in place: a lookup binary-searches
// the dense entries and reads one value. A damaged file is ignored with
// a log line and rewritten by the next save. A file holds at most its
// max entries, so that reading it stays cheap (a whole-tree audit looks up
// every name): a save that would pass it drops kept answers evenly over
// the file to make room for what that process learned.

const (
	learnedKeyLen = 16
	learnedEntry  = learnedKeyLen + 8
	learnedHead   = 8 + 16 + 4
)

type learnedKey [learnedKeyLen]byte

// learnedEnt returns entry i of ents: its key and its value's offset and
// length.
func learnedEnt(ents []byte, i int) (key []byte, off, n uint32) {
	e := ents[i*learnedEntry : (i+1)*learnedEntry]
	return e[:learnedKeyLen], binary.LittleEndian.Uint32(e[learnedKeyLen:]), binary.LittleEndian.Uint32(e[learnedKeyLen+4:])
}

func learnedKeyOf(question string) learnedKey {
	sum := sha256.Sum256([]byte(question))
	return learnedKey(sum[:learnedKeyLen])
}

// learnedFile is one learned file: the answers it kept and those learned
// since it was read. Safe for concurrent use.
type learnedFile struct {
	path, magic string
	id          [16]byte
	max         int
	// usable reports whether answers may be used and learned now; nil:
	// always.
	usable func() bool

	mu      sync.Mutex
	ents    []byte // the kept entries, read in place
	vals    []byte // the kept values
	learned map[learnedKey][]byte
}

// openLearned returns the learned file at path for the answers of id,
// with what a current file there keeps; logf reports a damaged one.
func openLearned(path, magic string, id [16]byte, max int, usable func() bool, logf func(string, ...any)) *learnedFile {
	f := &learnedFile{path: path, magic: magic, id: id, max: max, usable: usable}
	b, err := readMapped(path)
	switch {
	case err == nil:
		f.ents, f.vals, err = f.parse(b)
		if err != nil && !errors.Is(err, errStaleLearned) {
			logf("rcureview: index cache %s: %v; it will be rewritten", path, err)
		}
	case !errors.Is(err, fs.ErrNotExist):
		logf("rcureview: index cache %s: %v", path, err)
	}
	return f
}

// errStaleLearned: a learned file of another version or another ID.
var errStaleLearned = errors.New("learned answers are stale")

// parse checks a learned file and returns its entries and values;
// errStaleLearned when it is not of this version and ID.
func (f *learnedFile) parse(b []byte) (ents, vals []byte, err error) {
	m := len(f.magic)
	if len(b) < learnedHead+4 || string(b[:m-1]) != f.magic[:m-1] {
		return nil, nil, errors.New("learned answers: bad magic")
	}
	if b[m-1] != f.magic[m-1] {
		return nil, nil, errStaleLearned
	}
	body := b[:len(b)-4]
	if crc32.Checksum(body, castagnoli) != binary.LittleEndian.Uint32(b[len(b)-4:]) {
		return nil, nil, errors.New("learned answers: checksum mismatch")
	}
	if !bytes.Equal(body[m:m+16], f.id[:]) {
		return nil, nil, errStaleLearned
	}
	n := int(binary.LittleEndian.Uint32(body[m+16:]))
	if learnedHead+n*learnedEntry > len(body) {
		return nil, nil, fmt.Errorf("learned answers: %d entries in %d bytes", n, len(body))
	}
	ents, vals = body[learnedHead:learnedHead+n*learnedEntry], body[learnedHead+n*learnedEntry:]
	for i := 0; i < n; i++ {
		key, off, ln := learnedEnt(ents, i)
		if uint64(off)+uint64(ln) > uint64(len(vals)) || i > 0 && bytes.Compare(ents[(i-1)*learnedEntry:][:learnedKeyLen], key) >= 0 {
			return nil, nil, fmt.Errorf("learned answers: entry %d out of order or out of bounds", i)
		}
	}
	return ents, vals, nil
}

// get returns the kept answer to question; ok false when none is (or
// answers are not usable now). The value is shared: callers must not
// modify it.
func (f *learnedFile) get(question string) (v []byte, ok bool) {
	f.mu.Lock()
	ents, vals := f.ents, f.vals
	f.mu.Unlock()
	if len(ents) == 0 || f.usable != nil && !f.usable() {
		return nil, false
	}
	k := learnedKeyOf(question)
	n := len(ents) / learnedEntry
	i := sort.Search(n, func(i int) bool { return bytes.Compare(ents[i*learnedEntry:][:learnedKeyLen], k[:]) >= 0 })
	if i == n || !bytes.Equal(ents[i*learnedEntry:][:learnedKeyLen], k[:]) {
		return nil, false
	}
	_, off, ln := learnedEnt(ents, i)
	return vals[off : off+ln : off+ln], true
}

// put records the answer to question, kept by the next save unless
// answers are not usable now. v must not change afterwards.
func (f *learnedFile) put(question string, v []byte) {
	if f.usable != nil && !f.usable() {
		return
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.learned == nil {
		f.learned = map[learnedKey][]byte{}
	}
	if len(f.learned) < f.max {
		f.learned[learnedKeyOf(question)] = v
	}
}

// save writes the kept answers with those learned since the last save;
// nothing when nothing was learned (or answers are no longer usable).
func (f *learnedFile) save() error {
	f.mu.Lock()
	defer f.mu.Unlock()
	if len(f.learned) == 0 || f.usable != nil && !f.usable() {
		return nil
	}
	keys := make([]learnedKey, 0, len(f.learned))
	for k := range f.learned {
		keys = append(keys, k)
	}
	slices.SortFunc(keys, func(a, b learnedKey) int { return bytes.Compare(a[:], b[:]) })
	ents, vals := f.ents, f.vals
	// past max, kept answers are dropped, evenly over the file (its order
	// is the keys' hashes: no question is favoured), to make room for
	// those learned
	nk := len(ents) / learnedEntry // may pass max (written with a larger one)
	over := nk + len(keys) - f.max
	var ev, vv []byte
	add := func(k []byte, v []byte) {
		ev = append(ev, k...)
		ev = binary.LittleEndian.AppendUint32(ev, uint32(len(vv)))
		ev = binary.LittleEndian.AppendUint32(ev, uint32(len(v)))
		vv = append(vv, v...)
	}
	addKept := func(j int) {
		if over > 0 && (j+1)*over/nk > j*over/nk {
			return // dropped
		}
		key, off, ln := learnedEnt(ents, j)
		add(key, vals[off:off+ln])
	}
	j := 0 // the next kept entry
	for _, k := range keys {
		for ; j < nk && bytes.Compare(ents[j*learnedEntry:][:learnedKeyLen], k[:]) < 0; j++ {
			addKept(j)
		}
		if j < nk && bytes.Equal(ents[j*learnedEntry:][:learnedKeyLen], k[:]) {
			j++ // the answer learned replaces the kept one
		}
		add(k[:], f.learned[k])
	}
	for ; j < nk; j++ {
		addKept(j)
	}
	out := make([]byte, 0, learnedHead+len(ev)+len(vv)+4)
	out = append(out, f.magic...)
	out = append(out, f.id[:]...)
	out = binary.LittleEndian.AppendUint32(out, uint32(len(ev)/learnedEntry))
	out = append(out, ev...)
	out = append(out, vv...)
	out = binary.LittleEndian.AppendUint32(out, crc32.Checksum(out, castagnoli))
	if err := atomicfile.Write(f.path, ".learned-*", out); err != nil {
		return err
	}
	f.ents, f.vals = out[learnedHead:learnedHead+len(ev)], out[learnedHead+len(ev):len(out)-4]
	f.learned = nil
	return nil
}
