package hook

import (
	"bytes"
	"crypto/sha1"
	"encoding/binary"
	"fmt"
	"os"
	"strconv"

	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/filemode"
)

// readCacheTree reads git's cache tree (the TREE extension) from the index
// file at path, invalidated directories included: go-git's decoder drops
// them, and with them the shape of the tree. nil when the index has none
// or is not laid out as this reader expects (a SHA-256 repository, an
// unknown version): the caller then compares every entry.
func readCacheTree(path string) *cacheNode {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil
	}
	return cacheTreeOf(data)
}

// cacheTreeOf is readCacheTree of the index file's content.
func cacheTreeOf(data []byte) *cacheNode {
	if len(data) < 12+20 || string(data[:4]) != "DIRC" {
		return nil
	}
	ver := binary.BigEndian.Uint32(data[4:])
	if ver < 2 || ver > 4 {
		return nil
	}
	n := int(binary.BigEndian.Uint32(data[8:]))
	end := len(data) - 20 // the SHA-1 of the file
	off := 12
	for i := 0; i < n; i++ {
		if off+62 > end {
			return nil
		}
		flags := binary.BigEndian.Uint16(data[off+60:])
		name := off + 62
		if ver >= 3 && flags&0x4000 != 0 {
			name += 2
		}
		if ver == 4 {
			// a varint of the bytes to strip from the previous name, then
			// the rest of the name, NUL-terminated
			for name < end && data[name]&0x80 != 0 {
				name++
			}
			name++
			nul := bytes.IndexByte(data[name:end], 0)
			if nul < 0 {
				return nil
			}
			off = name + nul + 1
			continue
		}
		nul := bytes.IndexByte(data[name:end], 0)
		if nul < 0 {
			return nil
		}
		off += (name - off + nul + 8) &^ 7
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
	if len(data) < 12+20 || string(data[:4]) != "DIRC" {
		return nil, false, nil
	}
	ver := binary.BigEndian.Uint32(data[4:])
	if ver < 2 || ver > 4 {
		return nil, false, nil
	}
	end := len(data) - 20
	if sum := data[end:]; !bytes.Equal(sum, make([]byte, 20)) { // index.skipHash writes zeros
		if h := sha1.Sum(data[:end]); !bytes.Equal(h[:], sum) {
			return nil, false, nil
		}
	}
	n := int(binary.BigEndian.Uint32(data[8:]))
	out := map[string]entry{}
	var name []byte // v4: the previous entry's name
	off := 12
	for i := 0; i < n; i++ {
		if off+62 > end {
			return nil, false, nil
		}
		e := data[off:]
		mode := binary.BigEndian.Uint32(e[24:])
		var hash plumbing.Hash
		copy(hash[:], e[40:60])
		flags := binary.BigEndian.Uint16(e[60:])
		at := off + 62
		var ext uint16
		if flags&0x4000 != 0 {
			if ver < 3 || at+2 > end {
				return nil, false, nil
			}
			ext = binary.BigEndian.Uint16(data[at:])
			at += 2
		}
		if ver == 4 {
			// how many bytes to strip from the previous name (git's
			// offset varint), then the rest, NUL-terminated
			strip, w := indexVarint(data[at:end])
			if w == 0 || strip > uint64(len(name)) {
				return nil, false, nil
			}
			at += w
			nul := bytes.IndexByte(data[at:end], 0)
			if nul < 0 {
				return nil, false, nil
			}
			name = append(name[:len(name)-int(strip)], data[at:at+nul]...)
			off = at + nul + 1
		} else {
			nul := bytes.IndexByte(data[at:end], 0)
			if nul < 0 {
				return nil, false, nil
			}
			name = append(name[:0], data[at:at+nul]...)
			off += (at - off + nul + 8) &^ 7
		}
		if ext&0x4000 != 0 { // skip-worktree: a sparse checkout; go-git's reading
			return nil, false, nil
		}
		if underAny(string(name), skip) {
			continue
		}
		if stage := flags >> 12 & 3; stage != 0 {
			return nil, true, fmt.Errorf("index has unmerged path %s: resolve the conflict first", name)
		}
		if ext&0x2000 != 0 { // intent to add
			continue
		}
		out[string(name)] = entry{hash, filemode.FileMode(mode)}
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
