package state

// This file reads bbolt's on-disk format (go.etcd.io/bbolt, file format
// version 2) with bounds-checked ReadAt calls, to validate a state file
// before bbolt maps it and to salvage the records of a damaged one.
//
// Why by hand: bbolt trusts the file it maps. On a truncated or damaged
// file, Open panics ("invalid freelist page") and Tx.Check follows page
// ids without bounds checks in a goroutine of its own, where a fault on
// an id past the mapping kills the process and no recover can catch it.
// Nothing else reads the format. The layout mirrors bbolt's
// internal/common (page.go, meta.go, bucket.go): a 16-byte page header
// (id u64, flags u16, count u16, overflow u32) in native byte order, two
// meta pages, a freelist page and a B+tree of branch and leaf pages per
// bucket, with small buckets stored inline in their parent's value.

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"hash/fnv"
	"io"
	"math"
)

const (
	boltMagic        = 0xED0CDAED
	boltVersion      = 2
	pageHeaderSize   = 16
	elementSize      = 16 // both branch and leaf page elements
	metaSize         = 64 // the meta struct, checksum included
	metaChecksumOff  = 56
	bucketHeaderSize = 16 // root page id, sequence

	flagBranch   = 0x01
	flagLeaf     = 0x02
	flagMeta     = 0x04
	flagFreelist = 0x10

	leafFlagBucket = 0x01
	noFreelist     = math.MaxUint64

	// maxTreeDepth bounds B+tree height and bucket nesting while walking
	// (a bbolt tree of a few billion keys is under 10 levels).
	maxTreeDepth = 64
	// maxProblems bounds the problems listed for one file.
	maxProblems = 50
)

var native = binary.NativeEndian

// fileMeta is the meta page bbolt would use: the valid one of the two
// with the higher transaction id.
type fileMeta struct {
	pageSize uint64
	root     uint64 // page of the root bucket
	freelist uint64 // page of the freelist (noFreelist when not synced)
	hwm      uint64 // high-water mark: pages [0, hwm) are in use or free
	txid     uint64
}

// parseMeta reads a meta page; ok is false when it does not validate.
func parseMeta(page []byte) (m fileMeta, magic, ok bool) {
	if len(page) < pageHeaderSize+metaSize {
		return m, false, false
	}
	b := page[pageHeaderSize : pageHeaderSize+metaSize]
	if native.Uint32(b[0:]) != boltMagic {
		return m, false, false
	}
	h := fnv.New64a()
	h.Write(b[:metaChecksumOff])
	if native.Uint32(b[4:]) != boltVersion || native.Uint64(b[metaChecksumOff:]) != h.Sum64() {
		return m, true, false
	}
	m = fileMeta{
		pageSize: uint64(native.Uint32(b[8:])),
		root:     native.Uint64(b[16:]),
		freelist: native.Uint64(b[32:]),
		hwm:      native.Uint64(b[40:]),
		txid:     native.Uint64(b[48:]),
	}
	if m.pageSize < 512 || m.pageSize > 1<<24 || m.pageSize&(m.pageSize-1) != 0 {
		return m, true, false
	}
	return m, true, true
}

// readMeta finds the meta page bbolt would use. looksBolt says whether
// either meta page carries bbolt's magic number (a damaged bbolt file
// rather than a foreign one).
func readMeta(r io.ReaderAt, size int64) (m fileMeta, looksBolt bool, err error) {
	buf := make([]byte, pageHeaderSize+metaSize)
	read := func(off int64) (fileMeta, bool, bool) {
		if off+int64(len(buf)) > size {
			return fileMeta{}, false, false
		}
		if _, err := r.ReadAt(buf, off); err != nil {
			return fileMeta{}, false, false
		}
		return parseMeta(buf)
	}
	m0, magic0, ok0 := read(0)
	var m1 fileMeta
	var magic1, ok1 bool
	if ok0 {
		m1, magic1, ok1 = read(int64(m0.pageSize))
	} else {
		// Page 0 is unusable: find page 1 as bbolt does, by trying every
		// page size from 1 KiB to 16 MiB.
		for sz := int64(1024); sz <= 1<<24 && !ok1; sz <<= 1 {
			var mg bool
			m1, mg, ok1 = read(sz)
			magic1 = magic1 || mg
		}
	}
	looksBolt = magic0 || magic1
	switch {
	case ok0 && ok1 && m1.txid > m0.txid:
		return m1, true, nil
	case ok0:
		return m0, true, nil
	case ok1:
		return m1, true, nil
	}
	return fileMeta{}, looksBolt, fmt.Errorf("no valid meta page")
}

// boltFile is a bbolt file read through bounds-checked reads.
type boltFile struct {
	r    io.ReaderAt
	size int64
	meta fileMeta

	used     map[uint64]bool // pages reached (with their overflow pages)
	free     map[uint64]bool
	problems []string
	dropped  int // problems beyond maxProblems
	badPages int // pages (subtrees) skipped because they could not be read
}

func (f *boltFile) problem(format string, args ...any) {
	if len(f.problems) < maxProblems {
		f.problems = append(f.problems, fmt.Sprintf(format, args...))
	} else {
		f.dropped++
	}
}

// readPage reads page id and its overflow pages, checking that they lie
// below the high-water mark and inside the file and were not reached
// before (a second reference means a cycle or a shared page).
func (f *boltFile) readPage(id uint64, what string) ([]byte, bool) {
	ps := f.meta.pageSize
	if id < 2 || id >= f.meta.hwm {
		f.problem("%s: page %d outside [2, %d)", what, id, f.meta.hwm)
		return nil, false
	}
	if f.used[id] {
		f.problem("%s: page %d referenced twice", what, id)
		return nil, false
	}
	hdr := make([]byte, pageHeaderSize)
	if id >= uint64(f.size)/ps {
		f.problem("%s: page %d past the end of the file", what, id)
		return nil, false
	}
	if _, err := f.r.ReadAt(hdr, int64(id*ps)); err != nil {
		f.problem("%s: page %d: %v", what, id, err)
		return nil, false
	}
	overflow := uint64(native.Uint32(hdr[12:]))
	if native.Uint64(hdr[0:]) != id {
		f.problem("%s: page %d says it is page %d", what, id, native.Uint64(hdr[0:]))
		return nil, false
	}
	if overflow >= f.meta.hwm-id {
		f.problem("%s: page %d overflows %d pages past the high-water mark %d", what, id, overflow, f.meta.hwm)
		return nil, false
	}
	n := (overflow + 1) * ps
	if overflow >= uint64(f.size)/ps-id {
		f.problem("%s: page %d (+%d overflow) past the end of the file", what, id, overflow)
		return nil, false
	}
	for i := uint64(0); i <= overflow; i++ {
		if f.used[id+i] {
			f.problem("%s: page %d referenced twice", what, id+i)
			return nil, false
		}
		if f.free[id+i] {
			f.problem("%s: page %d is in use and in the freelist", what, id+i)
			return nil, false
		}
	}
	for i := uint64(0); i <= overflow; i++ {
		f.used[id+i] = true
	}
	page := make([]byte, n)
	if _, err := f.r.ReadAt(page, int64(id*ps)); err != nil {
		f.problem("%s: page %d: %v", what, id, err)
		return nil, false
	}
	return page, true
}

// readFreelist marks the pages of the freelist as free.
func (f *boltFile) readFreelist() {
	if f.meta.freelist == noFreelist {
		return
	}
	page, ok := f.readPage(f.meta.freelist, "freelist")
	if !ok {
		return
	}
	if flags := native.Uint16(page[8:]); flags != flagFreelist {
		f.problem("freelist: page %d has type %#x", f.meta.freelist, flags)
		return
	}
	start, count := pageHeaderSize, uint64(native.Uint16(page[10:]))
	if count == 0xFFFF {
		if len(page) < pageHeaderSize+8 {
			f.problem("freelist: page %d too short", f.meta.freelist)
			return
		}
		count = native.Uint64(page[pageHeaderSize:])
		start += 8
	}
	if count > uint64(len(page)-start)/8 {
		f.problem("freelist: %d ids do not fit in page %d", count, f.meta.freelist)
		return
	}
	for i := uint64(0); i < count; i++ {
		id := native.Uint64(page[start+int(i)*8:])
		switch {
		case id < 2 || id >= f.meta.hwm:
			f.problem("freelist: page %d outside [2, %d)", id, f.meta.hwm)
		case f.free[id]:
			f.problem("freelist: page %d freed twice", id)
		case f.used[id]:
			f.problem("freelist: page %d is the freelist itself", id)
		default:
			f.free[id] = true
		}
	}
}

// visitor receives what a walk finds: a key with its value, or (value
// nil, bucket true) a nested bucket. path is the bucket path, outermost
// first; a visitor must copy what it keeps.
type visitor func(path []string, key, value []byte, bucket bool)

// walkBucket walks the bucket whose header is hdr (root page and, for an
// inline bucket, its page after the header). A page that cannot be read
// is reported and skipped with its subtree; the walk goes on.
func (f *boltFile) walkBucket(path []string, hdr []byte, depth int, visit visitor) {
	what := "bucket " + bucketPath(path)
	if depth > maxTreeDepth {
		f.problem("%s: nested deeper than %d", what, maxTreeDepth)
		return
	}
	if len(hdr) < bucketHeaderSize {
		f.problem("%s: header of %d bytes", what, len(hdr))
		return
	}
	root := native.Uint64(hdr)
	var last []byte
	if root == 0 {
		page := hdr[bucketHeaderSize:]
		if len(page) < pageHeaderSize || native.Uint16(page[8:]) != flagLeaf {
			f.problem("%s: inline page is not a leaf", what)
			f.badPages++
			return
		}
		f.walkLeaf(path, page, 0, depth, &last, visit)
		return
	}
	f.walkPage(path, root, depth, 0, &last, visit)
}

func bucketPath(path []string) string {
	if len(path) == 0 {
		return "(root)"
	}
	var b bytes.Buffer
	for i, p := range path {
		if i > 0 {
			b.WriteByte('/')
		}
		fmt.Fprintf(&b, "%q", p)
	}
	return b.String()
}

// walkPage walks a branch or leaf page of a bucket's tree. last is the
// bucket's last key so far, to check that keys ascend.
func (f *boltFile) walkPage(path []string, id uint64, depth, height int, last *[]byte, visit visitor) {
	what := "bucket " + bucketPath(path)
	if height > maxTreeDepth {
		f.problem("%s: tree deeper than %d", what, maxTreeDepth)
		f.badPages++
		return
	}
	page, ok := f.readPage(id, what)
	if !ok {
		f.badPages++
		return
	}
	switch flags := native.Uint16(page[8:]); flags {
	case flagLeaf:
		f.walkLeaf(path, page, id, depth, last, visit)
	case flagBranch:
		count := int(native.Uint16(page[10:]))
		if pageHeaderSize+count*elementSize > len(page) {
			f.problem("%s: page %d: %d elements do not fit", what, id, count)
			f.badPages++
			return
		}
		var prev []byte
		for i := 0; i < count; i++ {
			e := pageHeaderSize + i*elementSize
			pos, ksize := uint64(native.Uint32(page[e:])), uint64(native.Uint32(page[e+4:]))
			child := native.Uint64(page[e+8:])
			if uint64(e)+pos+ksize > uint64(len(page)) {
				f.problem("%s: page %d element %d: key outside the page", what, id, i)
				f.badPages++
				continue
			}
			k := page[uint64(e)+pos : uint64(e)+pos+ksize]
			if prev != nil && bytes.Compare(prev, k) >= 0 {
				f.problem("%s: page %d: keys out of order", what, id)
			}
			prev = k
			f.walkPage(path, child, depth, height+1, last, visit)
		}
	default:
		f.problem("%s: page %d has type %#x, not branch or leaf", what, id, flags)
		f.badPages++
	}
}

// walkLeaf visits the elements of a leaf page (id 0 for an inline page).
func (f *boltFile) walkLeaf(path []string, page []byte, id uint64, depth int, last *[]byte, visit visitor) {
	what := "bucket " + bucketPath(path)
	count := int(native.Uint16(page[10:]))
	if pageHeaderSize+count*elementSize > len(page) {
		f.problem("%s: page %d: %d elements do not fit", what, id, count)
		f.badPages++
		return
	}
	for i := 0; i < count; i++ {
		e := uint64(pageHeaderSize + i*elementSize)
		flags := native.Uint32(page[e:])
		pos := uint64(native.Uint32(page[e+4:]))
		ksize, vsize := uint64(native.Uint32(page[e+8:])), uint64(native.Uint32(page[e+12:]))
		if e+pos+ksize+vsize > uint64(len(page)) {
			f.problem("%s: page %d element %d: key or value outside the page", what, id, i)
			continue
		}
		k := page[e+pos : e+pos+ksize]
		v := page[e+pos+ksize : e+pos+ksize+vsize]
		if *last != nil && bytes.Compare(*last, k) >= 0 {
			f.problem("%s: page %d: key %q out of order", what, id, k)
			continue
		}
		*last = k
		if flags&leafFlagBucket != 0 {
			visit(path, k, nil, true)
			f.walkBucket(append(path[:len(path):len(path)], string(k)), v, depth+1, visit)
			continue
		}
		if len(path) == 0 {
			f.problem("root: key %q is not a bucket", k)
			continue
		}
		visit(path, k, v, false)
	}
}

// walk reads the freelist and every bucket, reporting each record to
// visit, then checks that every page below the high-water mark was
// reached or is free. It returns the number of pages neither reached nor
// free (leaked space; harmless).
func (f *boltFile) walk(visit visitor) (leaked int) {
	f.used = map[uint64]bool{0: true, 1: true}
	f.free = map[uint64]bool{}
	f.readFreelist()
	var hdr [bucketHeaderSize]byte
	native.PutUint64(hdr[:], f.meta.root)
	if f.meta.root == 0 {
		f.problem("root bucket: page 0")
	} else {
		f.walkBucket(nil, hdr[:], 0, visit)
	}
	for id := uint64(2); id < f.meta.hwm; id++ {
		if !f.used[id] && !f.free[id] {
			leaked++
		}
	}
	return leaked
}
