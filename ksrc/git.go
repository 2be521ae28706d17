package ksrc

import (
	"bytes"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"time"

	git "github.com/go-git/go-git/v5"
	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/filemode"
	"github.com/go-git/go-git/v5/plumbing/object"
)

// GitTree is the tree of one commit of a git repository, read with go-git
// from the object store: no checkout, no index, no worktree API (which is
// far too slow on a kernel-sized tree). It never writes. It is safe for
// concurrent use: object access is serialised, callbacks run unlocked.
type GitTree struct {
	path   string // absolute repository path as given, for Describe
	rev    string // revision as given ("HEAD" by default)
	commit plumbing.Hash
	when   time.Time // the commit's committer date

	mu   *sync.Mutex // shared by the trees of one repository (At)
	repo *git.Repository
	// dirs caches the decoded trees on the paths read so far, keyed by
	// directory path ("" is the root), so reading one file decodes only
	// the trees on its own path and a second file in the same directory
	// decodes nothing.
	dirs map[string]*object.Tree
}

// OpenGit opens the git repository at repoDir (a work tree or a directory
// below one, a linked worktree, or a bare repository / git dir) at revision
// rev: a branch, tag, full or abbreviated hash, or an expression such as
// "HEAD~1"; "" means HEAD.
func OpenGit(repoDir, rev string) (*GitTree, error) {
	if rev == "" {
		rev = "HEAD"
	}
	repo, err := OpenRepository(repoDir)
	if err != nil {
		return nil, fmt.Errorf("open git %s: %w", repoDir, err)
	}
	return GitTreeOf(repo, repoDir, rev)
}

// GitTreeOf is OpenGit of a repository the caller has opened (with
// OpenRepository) at repoDir: the repository's pack indexes are read once
// for both. The tree serialises its own use of repo; the caller must not
// use repo while the tree is in use.
func GitTreeOf(repo *git.Repository, repoDir, rev string) (*GitTree, error) {
	if rev == "" {
		rev = "HEAD"
	}
	abs, err := filepath.Abs(repoDir)
	if err != nil {
		return nil, fmt.Errorf("open git %s: %w", repoDir, err)
	}
	h, err := repo.ResolveRevision(plumbing.Revision(rev))
	if err != nil {
		return nil, fmt.Errorf("open git %s: resolve revision %q: %w", repoDir, rev, err)
	}
	commit, err := repo.CommitObject(*h)
	if err != nil {
		return nil, fmt.Errorf("open git %s: revision %q (%s): %w", repoDir, rev, h, err)
	}
	root, err := commit.Tree()
	if err != nil {
		return nil, fmt.Errorf("open git %s: tree of %s: %w", repoDir, h, err)
	}
	return &GitTree{
		path:   abs,
		rev:    rev,
		commit: *h,
		when:   commit.Committer.When,
		mu:     &sync.Mutex{},
		repo:   repo,
		dirs:   map[string]*object.Tree{"": root},
	}, nil
}

// At returns the tree of another revision of the same repository (as
// OpenGit resolves it), sharing the opened repository and its lock.
func (g *GitTree) At(rev string) (*GitTree, error) {
	g.mu.Lock()
	defer g.mu.Unlock()
	h, err := g.repo.ResolveRevision(plumbing.Revision(rev))
	if err != nil {
		return nil, fmt.Errorf("git %s: resolve revision %q: %w", g.path, rev, err)
	}
	commit, err := g.repo.CommitObject(*h)
	if err != nil {
		return nil, fmt.Errorf("git %s: revision %q (%s): %w", g.path, rev, h, err)
	}
	root, err := commit.Tree()
	if err != nil {
		return nil, fmt.Errorf("git %s: tree of %s: %w", g.path, h, err)
	}
	return &GitTree{path: g.path, rev: rev, commit: *h, when: commit.Committer.When, mu: g.mu, repo: g.repo,
		dirs: map[string]*object.Tree{"": root}}, nil
}

// isGitDir reports whether dir looks like a git directory itself (a bare
// repository or a .git folder), as git's own is_git_directory() decides.
func isGitDir(dir string) bool {
	head, err := os.Stat(filepath.Join(dir, "HEAD"))
	if err != nil || head.IsDir() {
		return false
	}
	objects, err := os.Stat(filepath.Join(dir, "objects"))
	if err != nil || !objects.IsDir() {
		// A linked worktree's git dir has no objects of its own.
		_, cerr := os.Stat(filepath.Join(dir, "commondir"))
		return cerr == nil
	}
	return true
}

// TreeHash returns the object id of the commit's root tree: it
// identifies the content of every file (two commits, or two worktrees,
// with the same root tree have the same files byte for byte).
func (g *GitTree) TreeHash() string {
	g.mu.Lock()
	defer g.mu.Unlock()
	return g.dirs[""].Hash.String()
}

// CommitTime returns the committer date of the tree's commit.
func (g *GitTree) CommitTime() time.Time { return g.when }

// Rev returns the revision as it was given (a branch, tag, hash).
func (g *GitTree) Rev() string { return g.rev }

// Commit returns the full hash of the commit the tree belongs to.
func (g *GitTree) Commit() string { return g.commit.String() }

// Describe returns "git:PATH@REV (SHORTHASH)", or "git:PATH@SHORTHASH" when
// the revision was given as a hash.
func (g *GitTree) Describe() string {
	short := g.commit.String()[:12]
	if strings.HasPrefix(g.commit.String(), strings.ToLower(g.rev)) {
		return "git:" + g.path + "@" + short
	}
	return "git:" + g.path + "@" + g.rev + " (" + short + ")"
}

// ReadFile returns the blob at path. Symlink entries are not followed: a
// symlink as the last component gives ErrNotRegular, one on the way gives
// ErrUnsafePath.
func (g *GitTree) ReadFile(path string) ([]byte, error) {
	if err := ValidatePath(path); err != nil {
		return nil, fmt.Errorf("read %s: %w", g.Describe(), err)
	}
	dir, name := "", path
	if i := strings.LastIndexByte(path, '/'); i >= 0 {
		dir, name = path[:i], path[i+1:]
	}
	g.mu.Lock()
	defer g.mu.Unlock()
	t, err := g.treeLocked(dir)
	if err != nil {
		return nil, fmt.Errorf("read %s in %s: %w", path, g.Describe(), err)
	}
	e := findEntry(t, name)
	if e == nil {
		return nil, fmt.Errorf("read %s in %s: %w", path, g.Describe(), fs.ErrNotExist)
	}
	if !isRegular(e.Mode) {
		return nil, fmt.Errorf("read %s in %s: mode %s: %w", path, g.Describe(), e.Mode, ErrNotRegular)
	}
	blob, err := g.repo.BlobObject(e.Hash)
	if err != nil {
		return nil, fmt.Errorf("read %s in %s: blob %s: %w", path, g.Describe(), e.Hash, err)
	}
	r, err := blob.Reader()
	if err != nil {
		return nil, fmt.Errorf("read %s in %s: blob %s: %w", path, g.Describe(), e.Hash, err)
	}
	defer r.Close()
	var buf bytes.Buffer
	if blob.Size > 0 && blob.Size < 1<<26 {
		buf.Grow(int(blob.Size)) // the header's size, trusted only when sane
	}
	if _, err := io.Copy(&buf, r); err != nil {
		return nil, fmt.Errorf("read %s in %s: blob %s: %w", path, g.Describe(), e.Hash, err)
	}
	return buf.Bytes(), nil
}

// treeLocked returns the tree of directory dir (a validated path or ""),
// decoding and caching the trees on the way. g.mu must be held.
func (g *GitTree) treeLocked(dir string) (*object.Tree, error) {
	if t, ok := g.dirs[dir]; ok {
		return t, nil
	}
	parent, name := "", dir
	if i := strings.LastIndexByte(dir, '/'); i >= 0 {
		parent, name = dir[:i], dir[i+1:]
	}
	pt, err := g.treeLocked(parent)
	if err != nil {
		return nil, err
	}
	e := findEntry(pt, name)
	switch {
	case e == nil:
		return nil, fmt.Errorf("directory %s: %w", dir, fs.ErrNotExist)
	case e.Mode == filemode.Symlink:
		return nil, fmt.Errorf("%s is a symlink (not followed): %w", dir, ErrUnsafePath)
	case e.Mode != filemode.Dir:
		return nil, fmt.Errorf("%s is not a directory: %w", dir, fs.ErrNotExist)
	}
	t, err := g.repo.TreeObject(e.Hash)
	if err != nil {
		return nil, fmt.Errorf("tree %s (%s): %w", dir, e.Hash, err)
	}
	g.dirs[dir] = t
	return t, nil
}

// findEntry looks name up in t by binary search over git's entry order,
// falling back to a scan for trees that are not sorted.
func findEntry(t *object.Tree, name string) *object.TreeEntry {
	es := t.Entries
	for _, key := range []string{name, name + "/"} {
		i := sort.Search(len(es), func(i int) bool { return sortName(&es[i]) >= key })
		if i < len(es) && es[i].Name == name {
			return &es[i]
		}
	}
	for i := range es {
		if es[i].Name == name {
			return &es[i]
		}
	}
	return nil
}

// sortName is git's order key: directories compare as "name/".
func sortName(e *object.TreeEntry) string {
	if e.Mode == filemode.Dir {
		return e.Name + "/"
	}
	return e.Name
}

// isRegular reports whether a tree entry mode is a file with content.
func isRegular(m filemode.FileMode) bool {
	return m == filemode.Regular || m == filemode.Executable || m == filemode.Deprecated
}

// Walk calls fn for every regular blob under dir in lexical order of the
// full path, with the blob hash as key. Symlinks, submodules and entries
// whose names ReadFile would refuse are skipped.
func (g *GitTree) Walk(dir string, fn func(path, key string) error) error {
	if err := validateDir(dir); err != nil {
		return fmt.Errorf("walk %s: %w", g.Describe(), err)
	}
	g.mu.Lock()
	t, err := g.treeLocked(dir)
	g.mu.Unlock()
	if err != nil {
		return fmt.Errorf("walk %s in %s: %w", dir, g.Describe(), err)
	}
	return g.walk(t, dir, fn)
}

// walk lists tree t at path prefix. Decoded trees are immutable, so only
// the object store access is locked and fn may call back into g.
func (g *GitTree) walk(t *object.Tree, prefix string, fn func(path, key string) error) error {
	es := append([]object.TreeEntry(nil), t.Entries...)
	sort.SliceStable(es, func(i, j int) bool { return sortName(&es[i]) < sortName(&es[j]) })
	for i := range es {
		e := &es[i]
		if strings.ContainsRune(e.Name, '/') || ValidatePath(e.Name) != nil {
			continue
		}
		p := e.Name
		if prefix != "" {
			p = prefix + "/" + e.Name
		}
		switch {
		case e.Mode == filemode.Dir:
			g.mu.Lock()
			sub, err := g.repo.TreeObject(e.Hash)
			g.mu.Unlock()
			if err != nil {
				return fmt.Errorf("walk %s in %s: tree %s: %w", p, g.Describe(), e.Hash, err)
			}
			if err := g.walk(sub, p, fn); err != nil {
				return err
			}
		case isRegular(e.Mode):
			if err := fn(p, e.Hash.String()); err != nil {
				return err
			}
		}
	}
	return nil
}
