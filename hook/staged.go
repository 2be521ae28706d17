package hook

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"

	git "github.com/go-git/go-git/v5"
	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/filemode"
	fdiff "github.com/go-git/go-git/v5/plumbing/format/diff"
	"github.com/go-git/go-git/v5/plumbing/format/index"
	"github.com/go-git/go-git/v5/plumbing/object"
	"github.com/go-git/go-git/v5/storage/filesystem"

	"github.com/rcureview/rcureview/internal/mapfile"
	"github.com/rcureview/rcureview/ksrc"
)

// Open opens the repository containing dir (a work tree, a subdirectory
// of one, or a git directory).
func Open(dir string) (*git.Repository, error) {
	if dir == "" {
		dir = "."
	}
	return ksrc.OpenRepository(dir)
}

// GitDir returns the repository's git directory.
func GitDir(r *git.Repository) (string, error) {
	fs, ok := r.Storer.(*filesystem.Storage)
	if !ok {
		return "", errors.New("repository is not on disk")
	}
	return fs.Filesystem().Root(), nil
}

// readIndex reads the index git would commit: $GIT_INDEX_FILE when set (a
// hook run by "git commit -a" or "git commit FILE" sees a temporary
// index), else the repository's index.
func readIndex(r *git.Repository, indexFile string) (*index.Index, error) {
	if indexFile == "" {
		idx, err := r.Storer.Index()
		if err != nil {
			return nil, fmt.Errorf("read index: %w", err)
		}
		return idx, nil
	}
	if !filepath.IsAbs(indexFile) {
		// git sets it relative to the work tree top, where hooks run.
		abs, err := filepath.Abs(indexFile)
		if err != nil {
			return nil, err
		}
		indexFile = abs
	}
	f, err := os.Open(indexFile)
	if err != nil {
		return nil, fmt.Errorf("read index: %w", err)
	}
	defer f.Close()
	idx := &index.Index{}
	if err := index.NewDecoder(f).Decode(idx); err != nil {
		return nil, fmt.Errorf("read index %s: %w", indexFile, err)
	}
	return idx, nil
}

// headTree returns HEAD's tree, nil for an unborn branch.
func headTree(r *git.Repository) (*object.Tree, plumbing.Hash, error) {
	ref, err := r.Head()
	if errors.Is(err, plumbing.ErrReferenceNotFound) {
		return nil, plumbing.ZeroHash, nil
	}
	if err != nil {
		return nil, plumbing.ZeroHash, fmt.Errorf("resolve HEAD: %w", err)
	}
	c, err := r.CommitObject(ref.Hash())
	if err != nil {
		return nil, plumbing.ZeroHash, fmt.Errorf("read HEAD commit: %w", err)
	}
	t, err := c.Tree()
	if err != nil {
		return nil, plumbing.ZeroHash, fmt.Errorf("read HEAD tree: %w", err)
	}
	return t, c.Hash, nil
}

type entry struct {
	hash plumbing.Hash
	mode filemode.FileMode
}

// cacheNode is one directory of the index's cache tree.
type cacheNode struct {
	name  string
	valid bool
	hash  plumbing.Hash
	kids  []*cacheNode
}

// cleanDirs returns the directories ("" for the whole tree) whose index
// entries are exactly HEAD's: the cache tree holds them as valid with the
// id of HEAD's tree there. Only the trees on the paths of invalid
// directories are read.
func cleanDirs(r *git.Repository, root *cacheNode, head *object.Tree) (map[string]bool, error) {
	clean := map[string]bool{}
	if root == nil || head == nil {
		return clean, nil
	}
	var visit func(n *cacheNode, dir string, t *object.Tree) error
	visit = func(n *cacheNode, dir string, t *object.Tree) error {
		if n.valid && n.hash == t.Hash {
			clean[dir] = true
			return nil
		}
		for _, kid := range n.kids {
			e, err := t.FindEntry(kid.name)
			if err != nil || e.Mode != filemode.Dir || strings.Contains(kid.name, "/") {
				continue // not a directory in HEAD: listed
			}
			sub, err := r.TreeObject(e.Hash)
			if err != nil {
				return fmt.Errorf("read HEAD tree %s: %w", kid.name, err)
			}
			p := kid.name
			if dir != "" {
				p = dir + "/" + kid.name
			}
			if err := visit(kid, p, sub); err != nil {
				return err
			}
		}
		return nil
	}
	return clean, visit(root, "", head)
}

// underAny reports whether path is inside one of dirs ("" is the whole
// tree).
func underAny(path string, dirs map[string]bool) bool {
	if len(dirs) == 0 {
		return false
	}
	if dirs[""] {
		return true
	}
	for i := 0; i < len(path); i++ {
		if path[i] == '/' && dirs[path[:i]] {
			return true
		}
	}
	return false
}

// treeEntriesOutside lists the files of tree t at dir (blobs, symlinks,
// submodules) from tree objects only, skipping the directories in skip.
func treeEntriesOutside(r *git.Repository, t *object.Tree, dir string, skip map[string]bool) (map[string]entry, error) {
	out := map[string]entry{}
	if t == nil || skip[dir] {
		return out, nil
	}
	var walk func(t *object.Tree, dir string) error
	walk = func(t *object.Tree, dir string) error {
		for _, e := range t.Entries {
			p := e.Name
			if dir != "" {
				p = dir + "/" + e.Name
			}
			if e.Mode != filemode.Dir {
				out[p] = entry{e.Hash, e.Mode}
				continue
			}
			if skip[p] {
				continue
			}
			sub, err := r.TreeObject(e.Hash)
			if err != nil {
				return fmt.Errorf("walk HEAD tree %s: %w", p, err)
			}
			if err := walk(sub, p); err != nil {
				return err
			}
		}
		return nil
	}
	return out, walk(t, dir)
}

// StagedDiff returns what "git diff --cached" shows: the index (or
// indexFile) against HEAD, as a git diff; "" when nothing is staged.
//
// Directories that the index's cache tree (git's TREE extension) records
// as valid with HEAD's tree id for them hold exactly HEAD's entries, so
// neither side is listed there: a commit that stages a few files reads the
// trees on their paths only, not the whole tree.
func StagedDiff(r *git.Repository, indexFile string) (string, error) {
	t, _, err := headTree(r)
	if err != nil {
		return "", err
	}
	path := indexFile
	if path == "" {
		gd, err := GitDir(r)
		if err != nil {
			return "", err
		}
		path = filepath.Join(gd, "index")
	} else if !filepath.IsAbs(path) {
		if path, err = filepath.Abs(path); err != nil {
			return "", err
		}
	}
	data, release, _ := mapfile.Open(path) // a missing index: go-git's reading says so
	defer release()
	clean, err := cleanDirs(r, cacheTreeOf(data), t)
	if err != nil {
		return "", err
	}
	head, err := treeEntriesOutside(r, t, "", clean)
	if err != nil {
		return "", err
	}
	staged, ok, err := indexEntries(data, clean)
	if err != nil {
		return "", err
	}
	if !ok {
		// laid out otherwise (split or sparse index, …): go-git reads it
		idx, err := readIndex(r, indexFile)
		if err != nil {
			return "", err
		}
		staged = map[string]entry{}
		for _, e := range idx.Entries {
			if underAny(e.Name, clean) {
				continue
			}
			if e.Stage != 0 { // go-git names stage 1 "Merged", but a merged entry has stage 0
				return "", fmt.Errorf("index has unmerged path %s: resolve the conflict first", e.Name)
			}
			if e.IntentToAdd {
				continue
			}
			staged[e.Name] = entry{e.Hash, e.Mode}
		}
	}
	var paths []string
	for p, e := range staged {
		if h, ok := head[p]; !ok || h != e {
			paths = append(paths, p)
		}
	}
	for p := range head {
		if _, ok := staged[p]; !ok {
			paths = append(paths, p)
		}
	}
	sort.Strings(paths)
	var files []fdiff.FilePatch
	for _, p := range paths {
		fp, err := changePatch(r, p, head, staged)
		if err != nil {
			return "", err
		}
		files = append(files, fp)
	}
	if len(files) == 0 {
		return "", nil
	}
	return encode(files)
}

func changePatch(r *git.Repository, path string, head, staged map[string]entry) (fdiff.FilePatch, error) {
	var from, to *gitFile
	var old, cur []byte
	var err error
	if e, ok := head[path]; ok {
		from = &gitFile{e.hash, e.mode, path}
		if old, err = blobBytes(r, e); err != nil {
			return nil, err
		}
	}
	if e, ok := staged[path]; ok {
		to = &gitFile{e.hash, e.mode, path}
		if cur, err = blobBytes(r, e); err != nil {
			return nil, err
		}
	}
	return newFilePatch(from, to, old, cur), nil
}

// maxBlob bounds the size of a file diffed.
const maxBlob = 32 << 20

func blobBytes(r *git.Repository, e entry) ([]byte, error) {
	if e.mode == filemode.Submodule {
		return []byte("Subproject commit " + e.hash.String() + "\n"), nil
	}
	b, err := r.BlobObject(e.hash)
	if err != nil {
		return nil, fmt.Errorf("read blob %s: %w", e.hash, err)
	}
	if b.Size > maxBlob {
		return []byte{0}, nil // diffed as binary
	}
	rd, err := b.Reader()
	if err != nil {
		return nil, fmt.Errorf("read blob %s: %w", e.hash, err)
	}
	defer rd.Close()
	data, err := io.ReadAll(rd)
	if err != nil {
		return nil, fmt.Errorf("read blob %s: %w", e.hash, err)
	}
	return data, nil
}
