package index

import (
	"encoding/binary"
	"errors"
	"fmt"
	"hash/crc32"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"runtime"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/rcureview/rcureview/internal/atomicfile"
	"github.com/rcureview/rcureview/ksrc"
)

// Validating the pack of a directory tree without listing it.
//
// A pack of a directory tree keys every file by "SIZE-MTIMENANOS". Next
// to it, a stamps file (PACK.dirs) records the modification time of
// every directory the listing read, and when the listing started. A warm
// start then works in two steps:
//
//  1. At open, every recorded directory is lstat'ed (about 3,000 for a
//     kernel tree, against 51,000 files). Creating, deleting or renaming
//     a file or directory changes its directory's mtime, so a directory
//     whose mtime is unchanged has the same entries as when it was
//     listed; a changed (or missing) directory is listed again and its
//     wanted files stat'ed against the pack. Editors that save by
//     writing a new file and renaming it (vim, emacs, sed -i), patch(1),
//     quilt and git checkout all change the directory.
//  2. A file changed in place (same directory entry, new content) is
//     seen when the review reads from its directory: before the first
//     record of a .c or .h file is decoded, every indexed .c and .h
//     file of its directory is stat'ed, and a file whose key differs is
//     skimmed again and served instead of its record, also to the name
//     lookups (lazyFiles.lookup); a Makefile, Kbuild or Kconfig record,
//     read by path, is stat'ed itself before it is decoded.
//
// So every file whose facts a review reads is current, and so is every
// file in a directory it reads from, and every file added, deleted or
// renamed anywhere. What a warm start does not see is a file edited in
// place in a directory the review reads nothing from; "rcureview index"
// lists and stats the whole tree and re-indexes it.
//
// Times are only trusted when they are older than the listing by more
// than racyWindow (as git does with its index): a change within the
// same clock tick as the listing may leave the time unchanged, so such a
// directory is listed again and such a file skimmed again every time
// until the listing is newer.

// racyWindow is how close to the listing a modification time must be to
// be distrusted: coarser than any file system's timestamp granularity.
const racyWindow = int64(2 * time.Second)

// maxWarmChanges is how many changed files a warm start layers over the
// pack; with more, the pack is rebuilt (and saved).
const maxWarmChanges = 256

const stampsMagic = "RCUDIRS\x01"

// stamps is the content of a stamps file.
type stamps struct {
	listed int64      // when the listing started (Unix nanoseconds)
	dirs   []dirStamp // sorted by path
	racy   []string   // files whose key time is racy: re-read every time
}

// dirStamp is a directory of a tree and its modification time.
type dirStamp struct {
	path  string
	mtime int64 // Unix nanoseconds
}

func stampsPath(pack string) string { return pack + ".dirs" }

// writeStamps writes the stamps of the pack whose directory checksum is
// packCRC (atomically).
func writeStamps(pack string, packCRC uint32, s stamps) error {
	e := factsEncoder{}
	e.b = append(e.b, stampsMagic...)
	e.uint(uint64(packCRC))
	e.uint(uint64(s.listed))
	e.uint(uint64(len(s.dirs)))
	for _, d := range s.dirs {
		e.str(d.path)
		e.uint(uint64(d.mtime))
	}
	e.uint(uint64(len(s.racy)))
	for _, r := range s.racy {
		e.str(r)
	}
	e.b = binary.LittleEndian.AppendUint32(e.b, crc32.Checksum(e.b, castagnoli))
	return atomicfile.Write(stampsPath(pack), ".dirs-*", e.b)
}

// readStamps reads the stamps of the pack whose directory checksum is
// packCRC; stamps of another pack, or damaged ones, are an error.
func readStamps(pack string, packCRC uint32) (stamps, error) {
	var s stamps
	b, err := readMapped(stampsPath(pack))
	if err != nil {
		return s, err
	}
	if len(b) < len(stampsMagic)+4 || string(b[:len(stampsMagic)]) != stampsMagic {
		return s, errors.New("stamps: bad magic")
	}
	body := b[:len(b)-4]
	if crc32.Checksum(body, castagnoli) != binary.LittleEndian.Uint32(b[len(b)-4:]) {
		return s, errors.New("stamps: checksum mismatch")
	}
	d := &factsDecoder{b: body[len(stampsMagic):], inPlace: true} // mapped, never modified
	if uint32(d.uint()) != packCRC {
		return s, errors.New("stamps are for another pack")
	}
	s.listed = int64(d.uint())
	s.dirs = make([]dirStamp, d.count(2))
	for i := range s.dirs {
		s.dirs[i] = dirStamp{d.str(), int64(d.uint())}
	}
	s.racy = make([]string, d.count(1))
	for i := range s.racy {
		s.racy[i] = d.str()
	}
	if d.err != nil {
		return s, fmt.Errorf("stamps: %w", d.err)
	}
	return s, nil
}

// racyFiles lists the files whose key time is within racyWindow of the
// listing.
func racyFiles(files []fileEntry, listed int64) []string {
	var out []string
	for _, f := range files {
		if keyTime(f.key) >= listed-racyWindow {
			out = append(out, f.path)
		}
	}
	return out
}

// keyTime returns the modification time of a "SIZE-MTIMENANOS" key.
func keyTime(key string) int64 {
	_, t, ok := strings.Cut(key, "-")
	if !ok {
		return 0
	}
	n, _ := strconv.ParseInt(t, 10, 64)
	return n
}

// statKey returns the key DirTree gives a file, "" when it is missing or
// not a regular file.
func statKey(root treeRoot, p string) string { return lstatFile(root, p).key() }

// treeRoot is the root directory of a tree whose files the check stats:
// its path and, where it could be opened, the directory itself, so that
// a stat walks its path from there rather than from / (the tree's own
// path is several components deep: /root/.cache/rcureview/linux-source-6.12
// was about a fifth of each stat of the real tree). The directory is
// closed by close, or by its os.File's cleanup once unused.
type treeRoot struct {
	path string
	dir  *os.File // nil: stat by path
	fd   int      // dir's descriptor
}

func openTreeRoot(path string) treeRoot {
	d, err := os.Open(path)
	if err != nil {
		return treeRoot{path: path}
	}
	return treeRoot{path: path, dir: d, fd: int(d.Fd())}
}

func (r treeRoot) close() {
	if r.dir != nil {
		r.dir.Close()
	}
}

// fileStat is what the directory check compares of a file: its size and
// modification time (ok is false when it is missing or not a regular
// file).
type fileStat struct {
	size, mtime int64
	ok          bool
}

// key returns the content key DirTree gives the file ("SIZE-MTIMENANOS"),
// "" when it is missing.
func (s fileStat) key() string {
	if !s.ok {
		return ""
	}
	var b [48]byte
	return string(s.appendKey(b[:0]))
}

func (s fileStat) appendKey(b []byte) []byte {
	b = strconv.AppendInt(b, s.size, 10)
	b = append(b, '-')
	return strconv.AppendInt(b, s.mtime, 10)
}

// is reports whether the file has content key key (without allocating).
func (s fileStat) is(key string) bool {
	if !s.ok {
		return key == ""
	}
	var b [48]byte
	return string(s.appendKey(b[:0])) == key
}

// parallel calls f on the ranges of [0, n) that NumCPU workers split,
// in the caller's goroutine when n is small.
func parallel(n int, f func(lo, hi int)) {
	workers := min(runtime.NumCPU(), n/64)
	if workers <= 1 {
		f(0, n)
		return
	}
	var wg sync.WaitGroup
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func(lo, hi int) {
			defer wg.Done()
			f(lo, hi)
		}(n*w/workers, n*(w+1)/workers)
	}
	wg.Wait()
}

// dirChanges is what step 1 found.
type dirChanges struct {
	changed []fileEntry // files added or changed (their current keys)
	deleted []string    // files of the pack that are gone
	stamps  stamps      // the stamps to keep for the next start
	fresh   bool        // stamps differ from those read
}

// checkDirs is step 1: it stats the stamped directories of the pack and
// lists again those that changed. ok is false when the pack cannot be
// used this way (no stamps).
func checkDirs(d *ksrc.DirTree, lz *lazyFiles, arch string, keep func(string) bool, logf func(string, ...any)) (dirChanges, bool) {
	var res dirChanges
	pack := lz.name
	old, err := readStamps(pack, lz.dir.crc)
	if err != nil {
		if !errors.Is(err, fs.ErrNotExist) {
			logf("rcureview: index cache %s: %v; listing the tree", pack, err)
		}
		return res, false
	}
	start := time.Now().UnixNano()
	root := openTreeRoot(d.Root())
	defer root.close()
	// lstat every stamped directory, in parallel
	now := make([]int64, len(old.dirs)) // -1: missing or not a directory
	parallel(len(old.dirs), func(lo, hi int) {
		for i := lo; i < hi; i++ {
			now[i] = lstatDir(root, old.dirs[i].path)
		}
	})
	unchanged := true
	for i, s := range old.dirs {
		unchanged = unchanged && now[i] == s.mtime && s.mtime < old.listed-racyWindow
	}
	if unchanged && len(old.racy) == 0 {
		// the common case: nothing to list again, the stamps stay
		res.stamps = old
		return res, true
	}
	stamped := make(map[string]bool, len(old.dirs))
	for _, s := range old.dirs {
		stamped[s.path] = true
	}
	prune := func(dir string) bool { return pruned(dir, arch) }
	res.stamps = stamps{listed: old.listed, racy: old.racy}
	for i, s := range old.dirs {
		if now[i] == s.mtime && s.mtime < old.listed-racyWindow {
			res.stamps.dirs = append(res.stamps.dirs, s)
			continue
		}
		res.fresh = true
		if now[i] < 0 {
			for _, id := range lz.dirFiles(s.path) {
				res.deleted = append(res.deleted, lz.dir.path(int(id)))
			}
			continue
		}
		// list it again: its files against the pack, new directories whole
		abs := filepath.Join(root.path, filepath.FromSlash(s.path))
		ents, err := os.ReadDir(abs)
		if err != nil {
			return res, false
		}
		matches := true
		seen := map[string]bool{}
		for _, e := range ents {
			p := e.Name()
			if s.path != "" {
				p = s.path + "/" + p
			}
			switch {
			case strings.EqualFold(e.Name(), ".git"):
			case e.IsDir():
				if prune(p) || stamped[p] {
					continue
				}
				var parts []walkPart
				if err := listLevels(d, p, -1, prune, keep, &parts); err != nil {
					return res, false
				}
				for _, part := range parts {
					res.changed = append(res.changed, part.files...)
				}
				matches = false
			case e.Type().IsRegular() && keep(p):
				seen[p] = true
				key := statKey(root, p)
				id, ok := lz.dir.lookupPath(p)
				if !ok || lz.dir.key(id) != key {
					res.changed = append(res.changed, fileEntry{p, key})
					matches = false
				}
			}
		}
		for _, id := range lz.dirFiles(s.path) {
			if p := lz.dir.path(int(id)); !seen[p] {
				res.deleted = append(res.deleted, p)
				matches = false
			}
		}
		if matches {
			// listed and found as the pack has it: trusted from now on
			// (unless the time is racy against this listing)
			res.stamps.dirs = append(res.stamps.dirs, dirStamp{s.path, now[i]})
		} else {
			res.stamps.dirs = append(res.stamps.dirs, s)
		}
	}
	if res.fresh {
		res.stamps.listed = start
	}
	for _, p := range old.racy {
		if !seenPath(res.changed, p) {
			res.changed = append(res.changed, fileEntry{p, statKey(root, p)})
		}
	}
	return res, true
}

func seenPath(es []fileEntry, p string) bool {
	for _, e := range es {
		if e.path == p {
			return true
		}
	}
	return false
}

// dirFiles returns the ids of the pack's files directly in directory d
// ("" for the root), from the pack's directory table, or when that is
// damaged from the paths of the file table (computed once).
func (l *lazyFiles) dirFiles(d string) []uint32 {
	if ids, ok := l.dir.dirs.lookup(d); ok {
		return ids
	}
	l.dirsOnce.Do(func() {
		l.logf("rcureview: index cache %s: the directory table is damaged; reading the file table instead (run rcureview index to rebuild the pack)", l.name)
		l.dirIDs = map[string][]uint32{}
		for id := range l.dir.n {
			d := dirOf(l.dir.path(id))
			l.dirIDs[d] = append(l.dirIDs[d], uint32(id))
		}
	})
	return l.dirIDs[d]
}

// fileCheck is step 2: records are checked against the tree as the
// review reads them.
type fileCheck struct {
	root    treeRoot
	mu      sync.Mutex
	checked map[string]*sync.Once // directories whose .c/.h files are stat'ed
	stale   map[int]string        // ids whose file changed → current key
	fresh   []uint32              // the stale ids, in the order found
}

func newFileCheck(root string) *fileCheck {
	return &fileCheck{root: openTreeRoot(root), checked: map[string]*sync.Once{}, stale: map[int]string{}}
}

// isCSource reports whether a path is found through the name tables (C
// sources and headers) rather than by path.
func isCSource(p string) bool { return strings.HasSuffix(p, ".c") || strings.HasSuffix(p, ".h") }

// current checks file id (and, for C sources, its directory) against the
// tree; it returns the file's current key when it changed.
func (c *fileCheck) current(l *lazyFiles, id int) (string, bool) {
	p := l.dir.path(id)
	if !isCSource(p) {
		st := lstatFile(c.root, p)
		return st.key(), !st.is(l.dir.key(id))
	}
	d := dirOf(p)
	c.mu.Lock()
	once := c.checked[d]
	if once == nil {
		once = new(sync.Once)
		c.checked[d] = once
	}
	c.mu.Unlock()
	once.Do(func() {
		var ids []int
		var names []string
		for _, id2 := range l.dirFiles(d) {
			if p2 := l.dir.path(int(id2)); isCSource(p2) {
				ids = append(ids, int(id2))
				names = append(names, path.Base(p2))
			}
		}
		sts := make([]fileStat, len(ids))
		lstatNames(c.root, d, names, sts)
		c.mu.Lock()
		defer c.mu.Unlock()
		for i, id2 := range ids {
			if !sts[i].is(l.dir.key(id2)) {
				c.stale[id2] = sts[i].key()
				c.fresh = append(c.fresh, uint32(id2))
			}
		}
	})
	c.mu.Lock()
	defer c.mu.Unlock()
	key, ok := c.stale[id]
	return key, ok
}

// freshIDs returns the ids found changed so far.
// nfresh is how many changed files the check has found so far.
func (c *fileCheck) nfresh() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return len(c.fresh)
}

func (c *fileCheck) freshIDs() []uint32 {
	c.mu.Lock()
	defer c.mu.Unlock()
	return append([]uint32(nil), c.fresh...)
}

// sortIDs sorts file ids by path.
func (l *lazyFiles) sortIDs(ids []uint32) {
	sort.Slice(ids, func(i, j int) bool { return l.dir.path(int(ids[i])) < l.dir.path(int(ids[j])) })
}
