package index

import (
	"encoding/binary"
	"strings"
)

// The Kconfig model's answers are kept in a learned file (learned.go)
// next to the pack, PACK.kconfig.sat, under kconfig.QuestionKey: whether
// each set of conditions a review asked about can hold (Index.Possible
// asks the file first, so a review whose questions are all kept never
// decodes the model). A warm review asks a few hundred sets, most of them the chains through the same core functions
// that every review of the tree walks, and solving them was a sixth of a
// warm review's CPU.
//
// An answer depends on the model (the Kconfig files, which its sidecar
// names by content key) and on which undefined symbols are free: those a
// C file of the pack #defines as a CONFIG_ macro (Index.Kconfig's
// SetFree). So the file's ID is the model's sidecar's checksum and size
// (a rebuilt sidecar, after a Kconfig file changed, makes every answer
// stale), it lives next to the pack it was computed over, and answers are
// neither used nor kept once the directory check has found a changed
// file (which might #define a CONFIG_ macro) or when the model is not the
// sidecar's (a layer that changes a Kconfig file builds its own, a model
// built from a file changed within racyWindow is not kept).

const (
	satMagic      = "RCUKSAT\x02"
	maxSatAnswers = 1 << 14
)

func satSidecar(pack string) string { return kconfigSidecar(pack) + ".sat" }

// sidecarID names a Kconfig sidecar's content: its checksum and size.
type sidecarID struct {
	crc  uint32
	size uint64
}

func (s sidecarID) learnedID() (id [16]byte) {
	binary.LittleEndian.PutUint32(id[:], s.crc)
	binary.LittleEndian.PutUint64(id[4:], s.size)
	return id
}

// The file also keeps what SimplifyConds made of a finding's conditions
// (question "\x02" + the conditions' key, answer the simplified
// conditions joined by NUL), which depends on the same things.

// satAnswers is the answer store of one pack's Kconfig model.
type satAnswers struct{ f *learnedFile }

// openSatAnswers returns the store of the model whose sidecar is id, with
// the answers a current file at path keeps; usable reports whether
// answers may be used and kept now.
func openSatAnswers(path string, id sidecarID, usable func() bool, logf func(string, ...any)) *satAnswers {
	return &satAnswers{openLearned(path, satMagic, id.learnedID(), maxSatAnswers, usable, logf)}
}

// sat returns the kept answer of Satisfiable for key.
func (s *satAnswers) sat(key string) (v, ok bool) {
	b, ok := s.f.get(key)
	if !ok || len(b) != 1 {
		return false, false
	}
	return b[0] != 0, true
}

var satValues = [2][]byte{{0}, {1}}

// learnSat keeps Satisfiable's answer for key.
func (s *satAnswers) learnSat(key string, v bool) {
	if v {
		s.f.put(key, satValues[1])
	} else {
		s.f.put(key, satValues[0])
	}
}

// simplified returns the kept simplification of the conditions whose
// kconfig.QuestionKey is key (nil for none left).
func (s *satAnswers) simplified(key string) ([]string, bool) {
	v, ok := s.f.get("\x02" + key)
	if !ok {
		return nil, false
	}
	if len(v) == 0 {
		return nil, true
	}
	return strings.Split(string(v), "\x00"), true
}

// learnSimplified keeps a simplification of the conditions whose key is
// key.
func (s *satAnswers) learnSimplified(key string, out []string) {
	s.f.put("\x02"+key, []byte(strings.Join(out, "\x00")))
}
