package index

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/rcureview/rcureview/ksrc"
)

// cacheVersion changes whenever the skimmer's output changes, so stale
// facts are never reused.
// 5: instrumentation depth merged over if/else chains and noreturn calls;
// 6: RCU facts (rcu.go); 7: calls in a multi-line #define carry their own
// line; 8: Kbuild object lists and makefile includes, #includes, Kconfig
// (kbuild.go, kconfig.go).
const cacheVersion = 8

// packVersion changes whenever the cache file's layout changes (13: the
// Makefile table read in place; 12: each name table's fence; 11: the tables start on a 4 KiB boundary of the
// file; 10: the file table read in place, ids in path order, the directory table; 9: the
// head and the name tables apart, tables checked by 4 KiB chunks, the
// pack mapped; far makefiles marked; 8: packs named by content (CacheID);
// 7: the #includes table; 6: the
// RCU location table; 5: the lazily read pack of pack.go; up to 4 one gob
// stream).
const packVersion = 13

// keptGitPacks is how many packs of git trees (one per root tree) the
// cache keeps; older ones are removed when a new one is written.
const keptGitPacks = 4

// Cache keeps file facts between runs in a directory, one pack file per
// tree, each entry keyed by path and content key.
type Cache struct {
	Dir string
}

// DefaultCache returns the cache in os.UserCacheDir()/rcureview/index.
func DefaultCache() (*Cache, error) {
	d, err := os.UserCacheDir()
	if err != nil {
		return nil, fmt.Errorf("index cache: %w", err)
	}
	return &Cache{Dir: filepath.Join(d, "rcureview", "index")}, nil
}

func (c *Cache) treeHash(treeID string) string {
	h := sha256.Sum256([]byte(treeID))
	return hex.EncodeToString(h[:8])
}

// CacheID is the name under which the facts of a tree are cached: for a
// git tree its root tree object id (the content itself: every commit,
// worktree or clone with that tree shares the pack), for a directory its
// path; either with the options that decide what is indexed.
func CacheID(t ksrc.Tree, opt Options) string {
	id := t.Describe()
	if g, ok := t.(*ksrc.GitTree); ok {
		id = gitTreePrefix + g.TreeHash()
	}
	return id + optionsID(opt)
}

// gitTreePrefix starts the cache id of a git tree.
const gitTreePrefix = "git-tree:"

// optionsID names the options that change what a pack holds.
func optionsID(opt Options) string {
	s := " arch=" + opt.arch()
	if len(opt.Prefixes) > 0 {
		s += " prefixes=" + strings.Join(opt.Prefixes, ",")
	}
	return s
}

// PackPath returns the file that holds the facts of a tree (by CacheID).
// Packs of git trees are named apart so that a new tree of a repository
// can start from the facts of another (donor).
func (c *Cache) PackPath(id string) string {
	if strings.HasPrefix(id, gitTreePrefix) {
		_, opts, _ := strings.Cut(id, " ")
		return filepath.Join(c.Dir, fmt.Sprintf("v%d.%d-%s.git%s.pack", packVersion, cacheVersion, c.treeHash(id), c.treeHash(opts)[:8]))
	}
	return filepath.Join(c.Dir, fmt.Sprintf("v%d.%d-%s.pack", packVersion, cacheVersion, c.treeHash(id)))
}

// open opens the pack of a tree and reads its directory; the pack's
// records are read later, as lookups need them. A missing pack gives an
// error satisfying errors.Is(err, fs.ErrNotExist).
func (c *Cache) open(id string, t ksrc.Tree, logf func(string, ...any)) (*lazyFiles, error) {
	return c.openFile(c.PackPath(id), id, t, logf)
}

func (c *Cache) openFile(name, id string, t ksrc.Tree, logf func(string, ...any)) (*lazyFiles, error) {
	f, err := os.Open(name)
	if err != nil {
		return nil, err
	}
	dir, err := readPackDir(f)
	if err == nil && dir.treeID != id {
		err = fmt.Errorf("pack is for %q", dir.treeID)
	}
	if err != nil {
		f.Close()
		return nil, fmt.Errorf("read cache %s: %w", f.Name(), err)
	}
	return newLazyFiles(f, dir, t, logf), nil
}

// donor opens the most recently used pack of another git tree indexed
// with the same options: its records of unchanged blobs (same path, same
// blob id) are reused for a new tree. nil when there is none.
func (c *Cache) donor(id string, t ksrc.Tree, logf func(string, ...any)) *lazyFiles {
	if !strings.HasPrefix(id, gitTreePrefix) {
		return nil
	}
	own := c.PackPath(id)
	for _, p := range c.gitPacks(own) {
		if p == own {
			continue
		}
		f, err := os.Open(p)
		if err != nil {
			continue
		}
		dir, err := readPackDir(f)
		if err != nil || !strings.HasPrefix(dir.treeID, gitTreePrefix) || optsOf(dir.treeID) != optsOf(id) {
			f.Close()
			continue
		}
		return newLazyFiles(f, dir, t, logf)
	}
	return nil
}

func optsOf(id string) string {
	_, opts, _ := strings.Cut(id, " ")
	return opts
}

// gitPacks lists the packs of git trees with the options of the pack
// named own, most recently used first.
func (c *Cache) gitPacks(own string) []string {
	base := filepath.Base(own)
	i := strings.LastIndex(base, ".git")
	if i < 0 {
		return nil
	}
	ver, _, _ := strings.Cut(base, "-")
	ps, _ := filepath.Glob(filepath.Join(c.Dir, ver+"-*"+base[i:]))
	type pm struct {
		p string
		t time.Time
	}
	var out []pm
	for _, p := range ps {
		if fi, err := os.Stat(p); err == nil {
			out = append(out, pm{p, fi.ModTime()})
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].t.After(out[j].t) })
	names := make([]string, len(out))
	for i := range out {
		names[i] = out[i].p
	}
	return names
}

// used marks a pack as used now, so that the packs removed first are the
// ones not used for longest (best effort).
func (c *Cache) used(id string) {
	now := time.Now()
	os.Chtimes(c.PackPath(id), now, now)
}

// write writes the pack of a tree from records fill hands to add (in
// any order; at most n, numbered below n), then opens it for lazy use.
// Written atomically, as save.
func (c *Cache) write(id string, n int, st *stamps, fill func(add func(packItem) error) error, t ksrc.Tree, logf func(string, ...any)) (*lazyFiles, error) {
	if err := os.MkdirAll(c.Dir, 0o755); err != nil {
		return nil, err
	}
	tmp, err := os.CreateTemp(c.Dir, ".pack-*")
	if err != nil {
		return nil, err
	}
	defer os.Remove(tmp.Name())
	pw, err := newPackWriter(tmp, id, n)
	if err == nil {
		err = fill(pw.add)
	}
	var crc uint32
	if err == nil {
		crc, err = pw.finish()
	}
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return nil, err
	}
	if err := c.install(tmp.Name(), id, crc, st); err != nil {
		return nil, err
	}
	return c.open(id, t, logf)
}

// install renames a written pack into place, writes its stamps and
// removes the packs it replaces.
func (c *Cache) install(tmp, id string, crc uint32, st *stamps) error {
	final := c.PackPath(id)
	os.Remove(stampsPath(final))
	if err := os.Rename(tmp, final); err != nil {
		return err
	}
	if st != nil {
		if err := writeStamps(final, crc, *st); err != nil {
			return err
		}
	}
	// The replaced pack's sidecars go; packs of this tree written by an
	// older rcureview are replaced too;
	// a newer one's are left alone: two versions sharing the cache (a bot
	// and a hook, an upgrade in progress) would otherwise delete each
	// other's packs and re-index the whole tree on every run.
	old, _ := filepath.Glob(filepath.Join(c.Dir, "v*-"+c.treeHash(id)+".*"))
	for _, o := range old {
		switch {
		case o == final || o == stampsPath(final):
		case strings.HasPrefix(o, final+"."), olderFormat(filepath.Base(o)):
			os.Remove(o) // best effort: a stale pack or sidecar is only wasted space
		}
	}
	c.sweep(time.Now())
	if strings.HasPrefix(id, gitTreePrefix) {
		if ps := c.gitPacks(final); len(ps) > keptGitPacks {
			for _, p := range ps[keptGitPacks:] {
				if p != final {
					removePack(p)
				}
			}
		}
	}
	return nil
}

// What a sweep leaves: a pack being written (its temporary file is
// written to all along) and a pack an older rcureview still uses (it
// rewrites a pack it finds stale, so one it uses is at most a few days
// old; an older rcureview run less often indexes that tree once more).
const (
	staleTemp      = time.Hour
	staleOlderPack = 7 * 24 * time.Hour
)

// sweep removes what no run of this or a newer rcureview reads again and
// nothing else removes: temporary pack files a killed writer left (each
// the size of a pack, 90-170 MB for a kernel tree) and packs of older
// formats, with their sidecars, of trees this one never re-indexed (a
// tree deleted, or indexed only by the older version). Best effort.
func (c *Cache) sweep(now time.Time) {
	es, err := os.ReadDir(c.Dir)
	if err != nil {
		return
	}
	for _, e := range es {
		name := e.Name()
		var stale time.Duration
		switch {
		case strings.HasPrefix(name, ".pack-"):
			stale = staleTemp
		case olderFormat(name) && strings.Contains(name, ".pack"):
			stale = staleOlderPack // a pack, or a sidecar (.pack.dirs ...) whose pack is gone
		default:
			continue
		}
		fi, err := e.Info()
		if err != nil || now.Sub(fi.ModTime()) < stale {
			continue
		}
		if p := filepath.Join(c.Dir, name); strings.HasSuffix(name, ".pack") {
			removePack(p)
		} else {
			os.Remove(p)
		}
	}
}

// removePack removes a pack and its sidecars (PACK.dirs, PACK.kbuild,
// PACK.kconfig, ...), best effort.
func removePack(p string) {
	os.Remove(p)
	side, _ := filepath.Glob(p + ".*")
	for _, s := range side {
		os.Remove(s)
	}
}

// olderFormat reports whether a cache file name ("v10.8-....pack",
// "v9.8-....pack.dirs") was written by an older pack or cache version
// than this program's; names it cannot read are not.
func olderFormat(name string) bool {
	ver, _, ok := strings.Cut(strings.TrimPrefix(name, "v"), "-")
	if !ok || !strings.HasPrefix(name, "v") {
		return false
	}
	ps, cs, _ := strings.Cut(ver, ".") // before pack 5: "v4-"
	pv, err := strconv.Atoi(ps)
	if err != nil {
		return false
	}
	cv := 0
	if cs != "" {
		if cv, err = strconv.Atoi(cs); err != nil {
			return false
		}
	}
	return pv < packVersion || pv == packVersion && cv < cacheVersion
}
