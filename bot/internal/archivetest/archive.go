// Package archivetest writes public-inbox v2 archives for tests: real bare
// git repositories git/N.git whose branch master has one commit per
// message with the message in the file "m", deletions in "d", and
// purges that rewrite history the way public-inbox-purge does.
package archivetest

import (
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"time"

	git "github.com/go-git/go-git/v5"
	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/filemode"
	"github.com/go-git/go-git/v5/plumbing/object"
	"github.com/go-git/go-git/v5/plumbing/storer"
)

// Archive is a v2 archive being written.
type Archive struct {
	Dir    string
	epochs map[int]*epoch
	n      int
}

type op struct {
	file string // "m" or "d"
	data []byte
}

type epoch struct {
	repo *git.Repository
	head plumbing.Hash
	ops  []op
}

// New creates an empty archive in dir.
func New(dir string) (*Archive, error) {
	if err := os.MkdirAll(filepath.Join(dir, "git"), 0o755); err != nil {
		return nil, err
	}
	return &Archive{Dir: dir, epochs: map[int]*epoch{}}, nil
}

func (a *Archive) epoch(n int) (*epoch, error) {
	if e, ok := a.epochs[n]; ok {
		return e, nil
	}
	dir := filepath.Join(a.Dir, "git", strconv.Itoa(n)+".git")
	repo, err := git.PlainInit(dir, true)
	if err != nil {
		return nil, fmt.Errorf("init epoch %d: %w", n, err)
	}
	e := &epoch{repo: repo}
	a.epochs[n] = e
	return e, nil
}

// Init creates epoch n without commits.
func (a *Archive) Init(n int) error {
	_, err := a.epoch(n)
	return err
}

// Add appends a message to epoch n.
func (a *Archive) Add(n int, msg []byte) error { return a.commit(n, op{"m", msg}, true) }

// Remove appends a deletion of msg to epoch n (public-inbox-learn rm).
func (a *Archive) Remove(n int, msg []byte) error { return a.commit(n, op{"d", msg}, true) }

// Head returns the head commit of epoch n.
func (a *Archive) Head(n int) string { return a.epochs[n].head.String() }

// Purge rewrites epoch n's history: every message for which drop returns
// true is replaced by a commit with an empty "m", and all later commits
// are re-created (new hashes, same blobs).
func (a *Archive) Purge(n int, drop func(msg []byte) bool) error {
	e, err := a.epoch(n)
	if err != nil {
		return err
	}
	ops := e.ops
	e.ops, e.head = nil, plumbing.ZeroHash
	for _, o := range ops {
		if o.file == "m" && drop(o.data) {
			o = op{"m", nil}
		}
		if err := a.commit(n, o, true); err != nil {
			return err
		}
	}
	return nil
}

func (a *Archive) commit(n int, o op, record bool) error {
	e, err := a.epoch(n)
	if err != nil {
		return err
	}
	s := e.repo.Storer
	blob := s.NewEncodedObject()
	blob.SetType(plumbing.BlobObject)
	w, err := blob.Writer()
	if err != nil {
		return err
	}
	w.Write(o.data)
	w.Close()
	bh, err := s.SetEncodedObject(blob)
	if err != nil {
		return fmt.Errorf("write blob: %w", err)
	}
	tree := &object.Tree{Entries: []object.TreeEntry{{Name: o.file, Mode: filemode.Regular, Hash: bh}}}
	th, err := store(s, tree)
	if err != nil {
		return err
	}
	a.n++
	when := time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC).Add(time.Duration(a.n) * time.Second)
	sig := object.Signature{Name: "test", Email: "list@example.org", When: when}
	c := &object.Commit{Author: sig, Committer: sig, Message: "message " + strconv.Itoa(a.n), TreeHash: th}
	if !e.head.IsZero() {
		c.ParentHashes = []plumbing.Hash{e.head}
	}
	ch, err := store(s, c)
	if err != nil {
		return err
	}
	if err := s.SetReference(plumbing.NewHashReference("refs/heads/master", ch)); err != nil {
		return fmt.Errorf("update master: %w", err)
	}
	e.head = ch
	if record {
		e.ops = append(e.ops, o)
	}
	return nil
}

type encoder interface {
	Encode(plumbing.EncodedObject) error
}

func store(s storer.EncodedObjectStorer, o encoder) (plumbing.Hash, error) {
	obj := s.NewEncodedObject()
	if err := o.Encode(obj); err != nil {
		return plumbing.ZeroHash, fmt.Errorf("encode: %w", err)
	}
	h, err := s.SetEncodedObject(obj)
	if err != nil {
		return plumbing.ZeroHash, fmt.Errorf("store: %w", err)
	}
	return h, nil
}
