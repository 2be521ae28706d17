package index

import (
	"encoding/binary"
	"path/filepath"
)

// The answers a review reads from a pack's name tables are kept in a
// learned file (learned.go) next to the pack, PACK.names, and the next
// process reads them there first. A one-patch review looks up some
// 1,200 names, each answer on a page of the tables of its own (the
// tables are sorted by name, and the names a walk asks about are spread
// over all of them), and the first touch of a page is most of what a
// lookup costs; the learned file keeps the same answers in a few dense
// pages. An answer is the table's own (the ids of the files that have
// the name), so it depends on nothing but the pack: the file's ID is the
// pack's (the checksums of its head and of its tables, its size). Files
// the directory check finds changed are added to every answer after it
// is read (lazyFiles.lookupWhere), from the table or the learned file
// alike. An answer from a damaged table chunk is not learned.

const (
	namesMagic      = "RCUNAME\x01"
	maxLearnedNames = 1 << 14
)

func namesSidecar(pack string) string { return pack + ".names" }

// openLearnedNames opens the learned answers of pack's tables and gives
// every table its kind.
func openLearnedNames(pack string, dir *packDir, logf func(string, ...any)) *learnedFile {
	// the pack's ID: the head's checksum, the table checksums' checksum
	// (both in the trailer) and the size
	var id [16]byte
	binary.LittleEndian.PutUint32(id[:], dir.crc)
	if len(dir.data) >= packTrailer {
		copy(id[4:8], dir.data[len(dir.data)-packTrailer+28:])
	}
	binary.LittleEndian.PutUint64(id[8:], uint64(len(dir.data)))
	f := openLearned(namesSidecar(filepath.Clean(pack)), namesMagic, id, maxLearnedNames, nil, logf)
	for i, t := range append(dir.tabs.list(), &dir.dirs) {
		t.learned, t.kind = f, byte(i)
	}
	return f
}

// learnedName is the question a lookup of name in a table of kind asks.
func learnedName(kind byte, name string) string {
	return string(rune(kind)) + name
}

// idBytes encodes file ids as a learned answer.
func idBytes(ids []uint32) []byte {
	b := make([]byte, 0, 4*len(ids))
	for _, id := range ids {
		b = binary.LittleEndian.AppendUint32(b, id)
	}
	return b
}

// learnedIDs decodes a learned answer of the table; false when it cannot
// be one (its checksum passed, so only a bug or a collision of keys
// makes one).
func (t *nameTable) learnedIDs(v []byte) ([]uint32, bool) {
	if len(v)%4 != 0 {
		return nil, false
	}
	if len(v) == 0 {
		return nil, true
	}
	ids := make([]uint32, len(v)/4)
	for i := range ids {
		ids[i] = binary.LittleEndian.Uint32(v[4*i:])
		if int(ids[i]) >= t.nfiles {
			return nil, false
		}
	}
	return ids, true
}
