package index

import (
	"bufio"
	"crypto/sha256"
	"encoding/gob"
	"encoding/hex"
	"fmt"
	"os"
	"path/filepath"
)

// cacheVersion changes whenever the skimmer's output changes, so stale
// facts are never reused.
const cacheVersion = 4

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

type packHeader struct {
	Version int
	Tree    string
	Count   int
}

// PackPath returns the file that holds the facts of a tree.
func (c *Cache) PackPath(treeID string) string {
	h := sha256.Sum256([]byte(treeID))
	return filepath.Join(c.Dir, fmt.Sprintf("v%d-%s.gob", cacheVersion, hex.EncodeToString(h[:8])))
}

func (c *Cache) load(treeID string) (map[string]*FileFacts, error) {
	f, err := os.Open(c.PackPath(treeID))
	if err != nil {
		return nil, err
	}
	defer f.Close()
	dec := gob.NewDecoder(bufio.NewReaderSize(f, 1<<20))
	var h packHeader
	if err := dec.Decode(&h); err != nil {
		return nil, fmt.Errorf("read cache %s: %w", f.Name(), err)
	}
	if h.Version != cacheVersion || h.Tree != treeID {
		return nil, fmt.Errorf("cache %s: for %q version %d", f.Name(), h.Tree, h.Version)
	}
	var files []*FileFacts
	if err := dec.Decode(&files); err != nil {
		return nil, fmt.Errorf("read cache %s: %w", f.Name(), err)
	}
	m := make(map[string]*FileFacts, len(files))
	for _, ff := range files {
		if ff != nil {
			m[ff.Path] = ff
		}
	}
	return m, nil
}

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
	w := bufio.NewWriterSize(tmp, 1<<20)
	enc := gob.NewEncoder(w)
	if err := enc.Encode(packHeader{cacheVersion, treeID, len(files)}); err != nil {
		tmp.Close()
		return err
	}
	if err := enc.Encode(files); err != nil {
		tmp.Close()
		return err
	}
	if err := w.Flush(); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), final)
}
