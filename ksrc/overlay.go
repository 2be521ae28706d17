package ksrc

import (
	"errors"
	"fmt"
	"io/fs"
	"sort"
	"sync"

	"github.com/go-git/go-git/v5/plumbing"
)

// Overlay is a Tree made of a base tree and in-memory changes (the files a
// patch series creates, modifies or deletes). It never writes to the base.
// It is safe for concurrent use.
type Overlay struct {
	base Tree

	mu      sync.RWMutex
	files   map[string]overlayFile
	deleted map[string]bool
}

// overlayFile is one file set in the overlay, with its walk key.
type overlayFile struct {
	data []byte
	key  string
}

// NewOverlay returns an overlay with no changes over base.
func NewOverlay(base Tree) *Overlay {
	return &Overlay{base: base, files: map[string]overlayFile{}, deleted: map[string]bool{}}
}

// Base returns the tree the overlay was made over.
func (o *Overlay) Base() Tree { return o.base }

// Set creates or replaces the file at path with a copy of data.
func (o *Overlay) Set(path string, data []byte) error {
	if err := ValidatePath(path); err != nil {
		return fmt.Errorf("overlay set: %w", err)
	}
	f := overlayFile{
		data: append([]byte{}, data...),
		// The git blob hash: equal to a git base tree's key for equal
		// content, and it changes whenever the content does.
		key: plumbing.ComputeHash(plumbing.BlobObject, data).String(),
	}
	o.mu.Lock()
	defer o.mu.Unlock()
	o.files[path] = f
	delete(o.deleted, path)
	return nil
}

// Delete removes the file at path. Deleting a file that exists neither in
// the overlay nor in the base gives an error wrapping fs.ErrNotExist.
func (o *Overlay) Delete(path string) error {
	if err := ValidatePath(path); err != nil {
		return fmt.Errorf("overlay delete: %w", err)
	}
	o.mu.Lock()
	defer o.mu.Unlock()
	_, set := o.files[path]
	if o.deleted[path] && !set {
		return fmt.Errorf("overlay delete %s: already deleted: %w", path, fs.ErrNotExist)
	}
	delete(o.files, path)
	// The base read happens under the lock so that Set/Delete stay ordered;
	// bases do not call back into the overlay.
	_, err := o.base.ReadFile(path)
	switch {
	case err == nil:
		o.deleted[path] = true
	case errors.Is(err, fs.ErrNotExist):
		if !set {
			return fmt.Errorf("overlay delete %s: %w", path, err)
		}
	default:
		return fmt.Errorf("overlay delete %s: %w", path, err)
	}
	return nil
}

// Changed returns the paths set or deleted in the overlay, sorted.
func (o *Overlay) Changed() []string {
	o.mu.RLock()
	defer o.mu.RUnlock()
	out := make([]string, 0, len(o.files)+len(o.deleted))
	for p := range o.files {
		out = append(out, p)
	}
	for p := range o.deleted {
		out = append(out, p)
	}
	sort.Strings(out)
	return out
}

// Describe returns the base's description followed by "+overlay".
func (o *Overlay) Describe() string { return o.base.Describe() + "+overlay" }

// ReadFile returns the overlay's version of path if it was set, an error
// wrapping fs.ErrNotExist if it was deleted, else the base's file.
func (o *Overlay) ReadFile(path string) ([]byte, error) {
	if err := ValidatePath(path); err != nil {
		return nil, fmt.Errorf("read %s: %w", o.Describe(), err)
	}
	o.mu.RLock()
	f, set := o.files[path]
	del := o.deleted[path]
	o.mu.RUnlock()
	switch {
	case set:
		return append([]byte{}, f.data...), nil
	case del:
		return nil, fmt.Errorf("read %s in %s: deleted by the overlay: %w", path, o.Describe(), fs.ErrNotExist)
	}
	return o.base.ReadFile(path)
}

// Walk merges the base's files with the overlay's in lexical order: set
// files carry the git blob hash of their content as key, deleted files are
// left out. dir may be a directory that only the overlay creates.
func (o *Overlay) Walk(dir string, fn func(path, key string) error) error {
	if err := validateDir(dir); err != nil {
		return fmt.Errorf("walk %s: %w", o.Describe(), err)
	}
	type entry struct{ path, key string }
	o.mu.RLock()
	var sets []entry
	for p, f := range o.files {
		if under(p, dir) {
			sets = append(sets, entry{p, f.key})
		}
	}
	deleted := make(map[string]bool, len(o.deleted))
	for p := range o.deleted {
		deleted[p] = true
	}
	o.mu.RUnlock()
	sort.Slice(sets, func(i, j int) bool { return sets[i].path < sets[j].path })

	var fnErr error
	call := func(p, k string) error {
		if err := fn(p, k); err != nil {
			fnErr = err
			return err
		}
		return nil
	}
	i := 0
	err := o.base.Walk(dir, func(p, k string) error {
		for ; i < len(sets) && sets[i].path < p; i++ {
			if err := call(sets[i].path, sets[i].key); err != nil {
				return err
			}
		}
		if i < len(sets) && sets[i].path == p {
			i++
			return call(p, sets[i-1].key)
		}
		if deleted[p] {
			return nil
		}
		return call(p, k)
	})
	if fnErr != nil {
		return fnErr
	}
	if err != nil && !(errors.Is(err, fs.ErrNotExist) && len(sets) > 0) {
		return fmt.Errorf("walk %s: %w", o.Describe(), err)
	}
	for ; i < len(sets); i++ {
		if err := fn(sets[i].path, sets[i].key); err != nil {
			return err
		}
	}
	return nil
}
