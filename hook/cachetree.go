package hook

import (
	"bytes"
	"encoding/binary"
	"os"
	"strconv"
)

// readCacheTree reads git's cache tree (the TREE extension) from the index
// file at path, invalidated directories included: go-git's decoder drops
// them, and with them the shape of the tree. nil when the index has none
// or is not laid out as this reader expects (a SHA-256 repository, an
// unknown version): the caller then compares every entry.
func readCacheTree(path string) *cacheNode {
	data, err := os.ReadFile(path)
	if err != nil || len(data) < 12+20 || string(data[:4]) != "DIRC" {
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
