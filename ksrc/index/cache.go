package index

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/rcureview/rcureview/ksrc"
)

// cacheVersion changes whenever the skimmer's output changes, so stale
// facts are never reused.
// 5: instrumentation depth merged over if/else chains and noreturn calls;
// 6: RCU facts (rcu.go); 7: calls in a multi-line #define carry their own
// line; 8: Kbuild object lists and makefile includes, #includes, Kconfig
// (kbuild.go, kconfig.go).
const cacheVersion = 8

// packVersion changes whenever the cache file's layout changes (7: the
// #includes table; 6: the RCU location table; 5: the lazily read pack of
// pack.go; up to 4 one gob stream).
const packVersion = 7

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

// PackPath returns the file that holds the facts of a tree.
func (c *Cache) PackPath(treeID string) string {
	return filepath.Join(c.Dir, fmt.Sprintf("v%d.%d-%s.pack", packVersion, cacheVersion, c.treeHash(treeID)))
}

// open opens the pack of a tree and reads its directory; the pack's
// records are read later, as lookups need them. A missing pack gives an
// error satisfying errors.Is(err, fs.ErrNotExist).
func (c *Cache) open(treeID string, t ksrc.Tree, logf func(string, ...any)) (*lazyFiles, error) {
	f, err := os.Open(c.PackPath(treeID))
	if err != nil {
		return nil, err
	}
	dir, err := readPackDir(f)
	if err == nil && dir.treeID != treeID {
		err = fmt.Errorf("pack is for %q", dir.treeID)
	}
	if err != nil {
		f.Close()
		return nil, fmt.Errorf("read cache %s: %w", f.Name(), err)
	}
	return newLazyFiles(f, dir, t, logf), nil
}

// save writes the pack of a tree (atomically: a temporary file renamed
// over the old one) and removes the tree's packs of other versions.
func (c *Cache) save(treeID string, files []*FileFacts) error {
	if err := os.MkdirAll(c.Dir, 0o755); err != nil {
		return err
	}
	final := c.PackPath(treeID)
	tmp, err := os.CreateTemp(c.Dir, ".pack-*")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name())
	if err := writePack(tmp, treeID, files); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	if err := os.Rename(tmp.Name(), final); err != nil {
		return err
	}
	old, _ := filepath.Glob(filepath.Join(c.Dir, "v*-"+c.treeHash(treeID)+".*"))
	for _, o := range old {
		if o != final && strings.HasPrefix(filepath.Base(o), "v") {
			os.Remove(o) // best effort: a stale pack is only wasted space
		}
	}
	return nil
}
