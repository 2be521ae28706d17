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

// The Kconfig model's answers (kconfig.AnswerStore) are kept in a second
// sidecar, PACK.kconfig.sat: whether each set of conditions a review
// asked about can hold. A warm review asks a few hundred sets, most of
// them the chains through the same core functions that every review of
// the tree walks, and solving them was a sixth of a warm review's CPU.
//
// An answer depends on the model (the Kconfig files, which its sidecar
// names by content key) and on which undefined symbols are free: those
// a C file of the pack #defines as a CONFIG_ macro (Index.Kconfig's
// SetFree). So the file names the model's sidecar by its checksum and
// size (a rebuilt sidecar, after a Kconfig file changed, makes every
// answer stale), it lives next to the pack it was computed over, and
// answers are neither used nor kept once the directory check has found
// a changed file (which might #define a CONFIG_ macro) or when the model
// is not the sidecar's (a layer that changes a Kconfig file builds its
// own, a model built from a file changed within racyWindow is not
// kept). Keys are SHA-256 hashes of the conditions, cut to satHash
// bytes, so the file holds no text and a lookup binary-searches it in
// place.
//
// The format: satMagic, the sidecar's CRC-32C and size, the number of
// entries, the entries sorted (satHash bytes of hash, one byte of
// answer), and a CRC-32C of everything before it. A damaged file is
// ignored and rewritten by the next review that learns something; one
// of another model is ignored and replaced. The file holds at most
// maxSatAnswers entries: a review that would grow it past that keeps
// only what it learned itself.

const (
	satMagic      = "RCUKSAT\x01"
	satHash       = 15
	satEntry      = satHash + 1
	satHead       = len(satMagic) + 4 + 8 + 4
	maxSatAnswers = 1 << 16
)

func satSidecar(pack string) string { return kconfigSidecar(pack) + ".sat" }

// sidecarID names a Kconfig sidecar's content: its checksum and size.
type sidecarID struct {
	crc  uint32
	size uint64
}

type satKey [satHash]byte

// satAnswers is the answer store of one pack's Kconfig model.
type satAnswers struct {
	path  string
	model sidecarID
	// usable reports whether answers may be used and kept now (no
	// changed file found by the directory check).
	usable func() bool
	kept   []byte // the file's entries, mapped; nil when there are none
	logf   func(string, ...any)

	mu      sync.Mutex
	learned map[satKey]bool
}

// openSatAnswers returns the store of the model whose sidecar is id,
// with the answers a current file at path keeps.
func openSatAnswers(path string, id sidecarID, usable func() bool, logf func(string, ...any)) *satAnswers {
	s := &satAnswers{path: path, model: id, usable: usable, logf: logf}
	b, err := readMapped(path)
	switch {
	case err == nil:
		s.kept, err = satEntries(b, id)
		if err != nil && !errors.Is(err, errKconfigStale) {
			logf("rcureview: index cache %s: %v; it will be rewritten", path, err)
		}
	case !errors.Is(err, fs.ErrNotExist):
		logf("rcureview: index cache %s: %v", path, err)
	}
	return s
}

// satEntries checks a store file and returns its entries; errKconfigStale
// when it is for another model.
func satEntries(b []byte, id sidecarID) ([]byte, error) {
	if len(b) < satHead+4 || string(b[:len(satMagic)]) != satMagic {
		if len(b) >= len(satMagic) && string(b[:len(satMagic)-1]) == satMagic[:len(satMagic)-1] {
			return nil, errKconfigStale // another version
		}
		return nil, errors.New("Kconfig answers: bad magic")
	}
	body := b[:len(b)-4]
	if crc32.Checksum(body, castagnoli) != binary.LittleEndian.Uint32(b[len(b)-4:]) {
		return nil, errors.New("Kconfig answers: checksum mismatch")
	}
	h := b[len(satMagic):]
	if binary.LittleEndian.Uint32(h) != id.crc || binary.LittleEndian.Uint64(h[4:]) != id.size {
		return nil, errKconfigStale
	}
	n := int(binary.LittleEndian.Uint32(h[12:]))
	if n > maxSatAnswers || satHead+n*satEntry != len(body) {
		return nil, fmt.Errorf("Kconfig answers: %d entries in %d bytes", n, len(body))
	}
	return body[satHead:], nil
}

func satKeyOf(key string) satKey {
	sum := sha256.Sum256([]byte(key))
	return satKey(sum[:satHash])
}

// Answer implements kconfig.AnswerStore.
func (s *satAnswers) Answer(key string) (sat, ok bool) {
	s.mu.Lock()
	kept := s.kept
	s.mu.Unlock()
	if len(kept) == 0 || !s.usable() {
		return false, false
	}
	k := satKeyOf(key)
	n := len(kept) / satEntry
	i := sort.Search(n, func(i int) bool { return bytes.Compare(kept[i*satEntry:i*satEntry+satHash], k[:]) >= 0 })
	if i == n || !bytes.Equal(kept[i*satEntry:i*satEntry+satHash], k[:]) {
		return false, false
	}
	return kept[i*satEntry+satHash] != 0, true
}

// Learn implements kconfig.AnswerStore: the answer is kept by the next
// save, unless the directory check has found a changed file by now.
func (s *satAnswers) Learn(key string, sat bool) {
	if !s.usable() {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.learned == nil {
		s.learned = map[satKey]bool{}
	}
	if len(s.learned) < maxSatAnswers {
		s.learned[satKeyOf(key)] = sat
	}
}

// save writes the kept answers with those learned since the last save;
// nothing when nothing was learned (or it is no longer usable).
func (s *satAnswers) save() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if len(s.learned) == 0 || !s.usable() {
		return nil
	}
	keys := make([]satKey, 0, len(s.learned))
	for k := range s.learned {
		keys = append(keys, k)
	}
	slices.SortFunc(keys, func(a, b satKey) int { return bytes.Compare(a[:], b[:]) })
	old := s.kept
	if len(old)/satEntry+len(keys) > maxSatAnswers {
		old = nil // full: start again from what this process learned
	}
	out := make([]byte, satHead, satHead+len(old)+len(keys)*satEntry+4)
	copy(out, satMagic)
	binary.LittleEndian.PutUint32(out[len(satMagic):], s.model.crc)
	binary.LittleEndian.PutUint64(out[len(satMagic)+4:], s.model.size)
	n := 0
	add := func(k []byte, v byte) {
		out = append(out, k...)
		out = append(out, v)
		n++
	}
	i := 0
	for _, k := range keys {
		for ; i < len(old) && bytes.Compare(old[i:i+satHash], k[:]) < 0; i += satEntry {
			add(old[i:i+satHash], old[i+satHash])
		}
		if i < len(old) && bytes.Equal(old[i:i+satHash], k[:]) {
			i += satEntry // the answer learned replaces the kept one
		}
		v := byte(0)
		if s.learned[k] {
			v = 1
		}
		add(k[:], v)
	}
	for ; i < len(old); i += satEntry {
		add(old[i:i+satHash], old[i+satHash])
	}
	binary.LittleEndian.PutUint32(out[len(satMagic)+12:], uint32(n))
	out = binary.LittleEndian.AppendUint32(out, crc32.Checksum(out, castagnoli))
	if err := atomicfile.Write(s.path, ".sat-*", out); err != nil {
		return err
	}
	s.kept = out[satHead : len(out)-4]
	s.learned = nil
	return nil
}
