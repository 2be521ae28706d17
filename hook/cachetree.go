package hook

import (
	"bytes"
	"crypto/sha1"
	"encoding/binary"
	"fmt"
	"strconv"

	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/filemode"
)

// cacheTreeOf reads git's cache tree (the TREE extension) from the
// content of an index file, invalidated directories included: go-git's
// decoder drops them, and with them the shape of the tree. nil when the
// index has none or is not laid out as this reader expects (a SHA-256
// repository, an unknown version): the caller then compares every entry.
func cacheTreeOf(data []byte) *cacheNode {
	off, end, ok := walkIndex(data, nil)
	if !ok {
		return nil
	}
	for off+8 <= end {
		sig, size := string(data[off:off+4]), int(binary.BigEndian.Uint32(data[off+4:]))
		body := off + 8
		if size < 0 || body+size > end {
			return nil
		}
		if sig == "TREE" {
			t := data[body : body+size]
			root, rest := parseCacheNode(t, 0)
			if root == nil || len(rest) != 0 {
				return nil
			}
			return root
		}
		off = body + size
	}
	return nil
}

// indexEntry is one entry of an index file as walkIndex reads it: its
// fixed part (times, mode, object id, flags), the extended flags (0 before
// version 3) and its name, complete (a version 4 name is rebuilt from the
// previous one; the slice is reused, copy it to keep it).
type indexEntry struct {
	fixed []byte
	flags uint16
	ext   uint16
	name  []byte
}

// walkIndex walks the entries of an index file (versions 2 to 4, SHA-1
// object ids), calling fn, when not nil, for each (false stops the walk
// and makes ok false); it returns where the extensions start and end (the
// file's checksum). ok is false when the file is not laid out as this
// reader expects.
func walkIndex(data []byte, fn func(e *indexEntry) bool) (ext, end int, ok bool) {
	if len(data) < 12+20 || string(data[:4]) != "DIRC" {
		return 0, 0, false
	}
	ver := binary.BigEndian.Uint32(data[4:])
	if ver < 2 || ver > 4 {
		return 0, 0, false
	}
	n := int(binary.BigEndian.Uint32(data[8:]))
	end = len(data) - 20 // the SHA-1 of the file
	var e indexEntry
	off := 12
	for i := 0; i < n; i++ {
		if off+62 > end {
			return 0, 0, false
		}
		e.fixed = data[off : off+62]
		e.flags, e.ext = binary.BigEndian.Uint16(data[off+60:]), 0
		at := off + 62
		if e.flags&0x4000 != 0 {
			if ver < 3 || at+2 > end {
				return 0, 0, false
			}
			e.ext = binary.BigEndian.Uint16(data[at:])
			at += 2
		}
		if ver == 4 {
			// how many bytes to strip from the previous name (git's
			// offset varint), then the rest, NUL-terminated
			strip, w := indexVarint(data[at:end])
			if w == 0 || strip > uint64(len(e.name)) {
				return 0, 0, false
			}
			at += w
			nul := bytes.IndexByte(data[at:end], 0)
			if nul < 0 {
				return 0, 0, false
			}
			e.name = append(e.name[:len(e.name)-int(strip)], data[at:at+nul]...)
			off = at + nul + 1
		} else {
			nul := bytes.IndexByte(data[at:end], 0)
			if nul < 0 {
				return 0, 0, false
			}
			e.name = append(e.name[:0], data[at:at+nul]...)
			off += (at - off + nul + 8) &^ 7
		}
		if fn != nil && !fn(&e) {
			return 0, 0, false
		}
	}
	return off, end, true
}

// parseCacheNode parses one cache tree entry and its subtrees: path NUL,
// entry count (-1: invalidated) SP, subtree count LF, and the tree's
// object id when valid.
func parseCacheNode(b []byte, depth int) (*cacheNode, []byte) {
	if depth > 4096 {
		return nil, nil
	}
	nul := bytes.IndexByte(b, 0)
	if nul < 0 {
		return nil, nil
	}
	n := &cacheNode{name: string(b[:nul])}
	b = b[nul+1:]
	sp := bytes.IndexByte(b, ' ')
	if sp < 0 {
		return nil, nil
	}
	count, err := strconv.Atoi(string(b[:sp]))
	if err != nil {
		return nil, nil
	}
	b = b[sp+1:]
	lf := bytes.IndexByte(b, '\n')
	if lf < 0 {
		return nil, nil
	}
	kids, err := strconv.Atoi(string(b[:lf]))
	if err != nil || kids < 0 {
		return nil, nil
	}
	b = b[lf+1:]
	if count >= 0 {
		if len(b) < 20 {
			return nil, nil
		}
		n.valid = true
		copy(n.hash[:], b[:20])
		b = b[20:]
	}
	for k := 0; k < kids; k++ {
		var kid *cacheNode
		if kid, b = parseCacheNode(b, depth+1); kid == nil {
			return nil, nil
		}
		n.kids = append(n.kids, kid)
	}
	return n, b
}

// indexEntries walks the entries of an index file (versions 2 to 4, SHA-1
// object ids) and returns, by path, those outside the directories in
// skip; stage-0 entries only (an unmerged path is an error), intent-to-add
// entries left out, as the go-git reading of StagedDiff does. ok is false
// when the file is not laid out as this reader expects (another version,
// a split or sparse index, an extension git requires that it does not
// know, a checksum that does not match): the caller then reads it with
// go-git. Reading the entries in place costs a few milliseconds where
// go-git's decoder, which builds every entry of a kernel tree's 90,000,
// costs some 0.2 s.
func indexEntries(data []byte, skip map[string]bool) (map[string]entry, bool, error) {
	if len(data) < 12+20 {
		return nil, false, nil
	}
	if sum := data[len(data)-20:]; !bytes.Equal(sum, make([]byte, 20)) { // index.skipHash writes zeros
		if h := sha1.Sum(data[:len(data)-20]); !bytes.Equal(h[:], sum) {
			return nil, false, nil
		}
	}
	out := map[string]entry{}
	var unmerged error
	off, end, ok := walkIndex(data, func(e *indexEntry) bool {
		if e.ext&0x4000 != 0 { // skip-worktree: a sparse checkout; go-git's reading
			return false
		}
		if underAny(string(e.name), skip) {
			return true
		}
		if stage := e.flags >> 12 & 3; stage != 0 {
			unmerged = fmt.Errorf("index has unmerged path %s: resolve the conflict first", e.name)
			return false
		}
		if e.ext&0x2000 != 0 { // intent to add
			return true
		}
		var hash plumbing.Hash
		copy(hash[:], e.fixed[40:60])
		out[string(e.name)] = entry{hash, filemode.FileMode(binary.BigEndian.Uint32(e.fixed[24:]))}
		return true
	})
	if unmerged != nil {
		return nil, true, unmerged
	}
	if !ok {
		return nil, false, nil
	}
	// extensions: one git requires (lower-case signature) must be known
	for off+8 <= end {
		sig := data[off : off+4]
		size := int(binary.BigEndian.Uint32(data[off+4:]))
		if size < 0 || off+8+size > end {
			return nil, false, nil
		}
		if sig[0] < 'A' || sig[0] > 'Z' {
			return nil, false, nil // "link" (split index), "sdir" (sparse), …
		}
		off += 8 + size
	}
	return out, true, nil
}

// indexVarint decodes git's offset varint (varint.c); w is 0 when b ends
// first.
func indexVarint(b []byte) (v uint64, w int) {
	if len(b) == 0 {
		return 0, 0
	}
	c := b[0]
	v = uint64(c & 127)
	w = 1
	for c&128 != 0 {
		if w >= len(b) || w > 9 {
			return 0, 0
		}
		c = b[w]
		w++
		v = (v+1)<<7 | uint64(c&127)
	}
	return v, w
}
