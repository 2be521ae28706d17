package kerneltest

import (
	"fmt"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	git "github.com/go-git/go-git/v5"
	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/filemode"
	"github.com/go-git/go-git/v5/plumbing/object"
	"github.com/go-git/go-git/v5/plumbing/storer"
)

// Commit is one commit of a scripted repository, as a change to the files
// of its parent (the previous commit; the first has none).
type Commit struct {
	Message    string            // default "commit N"
	Files      map[string]string // regular files created or replaced: path → content
	Executable map[string]string // like Files, with mode 100755
	Symlinks   map[string]string // symlinks created or replaced: path → target
	Remove     []string          // paths removed (files or whole directories)
	Branch     string            // also create refs/heads/Branch at this commit
	Tag        string            // also create an annotated tag at this commit
	LightTag   string            // also create a lightweight tag at this commit
}

// RepoOptions describes a scripted repository.
type RepoOptions struct {
	Bare    bool     // a bare repository (Repo.Dir is the git dir)
	Commits []Commit // oldest first; HEAD is refs/heads/main at the last
}

// Repo is a scripted repository.
type Repo struct {
	Dir        string          // what to open: the work dir, or the git dir if bare
	Commits    []string        // commit hashes, oldest first
	Repository *git.Repository // still open, for further writes
}

// ScriptedGitRepo builds a non-bare repository whose first commit ("base")
// holds files and whose later commits apply commits in order. See
// ScriptedRepo.
func ScriptedGitRepo(t testing.TB, files map[string]string, commits ...Commit) *Repo {
	t.Helper()
	all := append([]Commit{{Message: "base", Files: files}}, commits...)
	return ScriptedRepo(t, RepoOptions{Commits: all})
}

// ScriptedRepo builds a real git repository in a t.TempDir with go-git by
// writing blobs, trees and commits straight into the object store (no work
// tree, no index: the work directory stays empty). Author, committer and
// dates are fixed, so hashes are reproducible. Any error fails the test.
func ScriptedRepo(t testing.TB, opts RepoOptions) *Repo {
	t.Helper()
	r, err := BuildRepo(t.TempDir(), opts)
	if err != nil {
		t.Fatalf("scripted repo: %v", err)
	}
	return r
}

// BuildRepo is ScriptedRepo outside of a test: it builds the repository in
// dir (which must be empty or missing).
func BuildRepo(dir string, opts RepoOptions) (*Repo, error) {
	dir, err := filepath.Abs(dir)
	if err != nil {
		return nil, err
	}
	repo, err := git.PlainInit(dir, opts.Bare)
	if err != nil {
		return nil, fmt.Errorf("init %s: %w", dir, err)
	}
	b := builder{s: repo.Storer, files: map[string]object.TreeEntry{}}
	out := &Repo{Dir: dir, Repository: repo}
	var parent plumbing.Hash
	for i, c := range opts.Commits {
		if err := b.apply(c); err != nil {
			return nil, fmt.Errorf("commit %d: %w", i+1, err)
		}
		root, err := b.writeTree("")
		if err != nil {
			return nil, fmt.Errorf("commit %d: %w", i+1, err)
		}
		msg := c.Message
		if msg == "" {
			msg = fmt.Sprintf("commit %d", i+1)
		}
		sig := signature(i)
		commit := &object.Commit{Author: sig, Committer: sig, Message: msg + "\n", TreeHash: root}
		if !parent.IsZero() {
			commit.ParentHashes = []plumbing.Hash{parent}
		}
		h, err := b.store(commit)
		if err != nil {
			return nil, fmt.Errorf("commit %d: %w", i+1, err)
		}
		refs := map[string]plumbing.Hash{}
		if c.Branch != "" {
			refs["refs/heads/"+c.Branch] = h
		}
		if c.LightTag != "" {
			refs["refs/tags/"+c.LightTag] = h
		}
		if c.Tag != "" {
			tag := &object.Tag{Name: c.Tag, Tagger: sig, Message: "tag " + c.Tag + "\n", TargetType: plumbing.CommitObject, Target: h}
			th, err := b.store(tag)
			if err != nil {
				return nil, fmt.Errorf("commit %d: tag %s: %w", i+1, c.Tag, err)
			}
			refs["refs/tags/"+c.Tag] = th
		}
		for name, target := range refs {
			if err := repo.Storer.SetReference(plumbing.NewHashReference(plumbing.ReferenceName(name), target)); err != nil {
				return nil, fmt.Errorf("commit %d: ref %s: %w", i+1, name, err)
			}
		}
		out.Commits = append(out.Commits, h.String())
		parent = h
	}
	if !parent.IsZero() {
		if err := repo.Storer.SetReference(plumbing.NewHashReference("refs/heads/main", parent)); err != nil {
			return nil, fmt.Errorf("ref main: %w", err)
		}
	}
	if err := repo.Storer.SetReference(plumbing.NewSymbolicReference(plumbing.HEAD, "refs/heads/main")); err != nil {
		return nil, fmt.Errorf("HEAD: %w", err)
	}
	return out, nil
}

// signature is the fixed identity of commit i, one hour apart.
func signature(i int) object.Signature {
	when := time.Date(2024, 11, 17, 0, 0, 0, 0, time.UTC).Add(time.Duration(i) * time.Hour)
	return object.Signature{Name: "rcureview", Email: "rcureview@localhost", When: when}
}

// builder keeps the flat file list of the commit being built.
type builder struct {
	s     storer.EncodedObjectStorer
	files map[string]object.TreeEntry // full path → entry (Name unused)
}

// encoder is an object that can encode itself.
type encoder interface {
	Encode(plumbing.EncodedObject) error
}

// store encodes o into the object store and returns its hash.
func (b *builder) store(o encoder) (plumbing.Hash, error) {
	obj := b.s.NewEncodedObject()
	if err := o.Encode(obj); err != nil {
		return plumbing.ZeroHash, err
	}
	return b.s.SetEncodedObject(obj)
}

// blob stores data as a blob.
func (b *builder) blob(data string) (plumbing.Hash, error) {
	obj := b.s.NewEncodedObject()
	obj.SetType(plumbing.BlobObject)
	w, err := obj.Writer()
	if err != nil {
		return plumbing.ZeroHash, err
	}
	if _, err := w.Write([]byte(data)); err != nil {
		return plumbing.ZeroHash, err
	}
	if err := w.Close(); err != nil {
		return plumbing.ZeroHash, err
	}
	return b.s.SetEncodedObject(obj)
}

// apply records the changes of c in b.files.
func (b *builder) apply(c Commit) error {
	for _, p := range c.Remove {
		p = strings.Trim(p, "/")
		for f := range b.files {
			if f == p || strings.HasPrefix(f, p+"/") {
				delete(b.files, f)
			}
		}
	}
	for _, set := range []struct {
		m    map[string]string
		mode filemode.FileMode
	}{{c.Files, filemode.Regular}, {c.Executable, filemode.Executable}, {c.Symlinks, filemode.Symlink}} {
		for p, data := range set.m {
			if p == "" || strings.HasPrefix(p, "/") || strings.HasSuffix(p, "/") || strings.Contains(p, "//") {
				return fmt.Errorf("bad path %q", p)
			}
			h, err := b.blob(data)
			if err != nil {
				return fmt.Errorf("blob %s: %w", p, err)
			}
			b.files[p] = object.TreeEntry{Mode: set.mode, Hash: h}
		}
	}
	return nil
}

// writeTree stores the tree of directory dir ("" for the root) and its
// subtrees, and returns its hash.
func (b *builder) writeTree(dir string) (plumbing.Hash, error) {
	prefix := ""
	if dir != "" {
		prefix = dir + "/"
	}
	var entries []object.TreeEntry
	subdirs := map[string]bool{}
	for p, e := range b.files {
		if !strings.HasPrefix(p, prefix) {
			continue
		}
		rest := p[len(prefix):]
		if name, _, isDir := strings.Cut(rest, "/"); isDir {
			subdirs[name] = true
		} else {
			entries = append(entries, object.TreeEntry{Name: rest, Mode: e.Mode, Hash: e.Hash})
		}
	}
	for name := range subdirs {
		h, err := b.writeTree(prefix + name)
		if err != nil {
			return plumbing.ZeroHash, err
		}
		entries = append(entries, object.TreeEntry{Name: name, Mode: filemode.Dir, Hash: h})
	}
	// Tree.Encode refuses entries out of git order (directories as "name/").
	sort.Sort(object.TreeEntrySorter(entries))
	return b.store(&object.Tree{Entries: entries})
}
