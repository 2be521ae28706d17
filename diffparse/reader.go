package diffparse

import (
	"io/fs"
	"sort"
)

// Reader gives read access to a tree snapshot. ReadFile of a missing file
// returns an error satisfying errors.Is(err, fs.ErrNotExist).
type Reader interface {
	ReadFile(path string) ([]byte, error)
}

// MapReader is a Reader over an in-memory map from path to contents; a nil
// value means the file does not exist.
type MapReader map[string][]byte

// ReadFile returns the contents stored for path.
func (m MapReader) ReadFile(path string) ([]byte, error) {
	b, ok := m[path]
	if !ok || b == nil {
		return nil, &fs.PathError{Op: "read", Path: path, Err: fs.ErrNotExist}
	}
	return b, nil
}

// Result is what Apply produced: the new contents of every path the patch
// touched and the old contents it read. Hunk positions and enclosing
// functions are recorded in the Files' Hunks themselves.
type Result struct {
	// Files maps each touched path to its contents after the patch; a nil
	// value means the path no longer exists (deletion, rename source).
	Files map[string][]byte
	// Pre maps each path read from the source Reader to its contents
	// before the patch.
	Pre map[string][]byte
	// Paths lists the keys of Files in the order the patch touched them.
	Paths []string
}

func newResult() *Result {
	return &Result{Files: map[string][]byte{}, Pre: map[string][]byte{}}
}

// set records the new contents of path (nil: removed).
func (r *Result) set(path string, data []byte) {
	if _, ok := r.Files[path]; !ok {
		r.Paths = append(r.Paths, path)
	}
	r.Files[path] = data
}

// Changed returns the touched paths that still exist after the patch,
// sorted.
func (r *Result) Changed() []string {
	var out []string
	for p, d := range r.Files {
		if d != nil {
			out = append(out, p)
		}
	}
	sort.Strings(out)
	return out
}

// Chain returns a Reader that sees base with r applied on top: the state
// of the tree after the patch that produced r. Apply the next patch of a
// series with Apply(Chain(base, r), next).
func Chain(base Reader, r *Result) Reader {
	return chainReader{base: base, r: r}
}

type chainReader struct {
	base Reader
	r    *Result
}

func (c chainReader) ReadFile(path string) ([]byte, error) {
	if c.r != nil {
		if d, ok := c.r.Files[path]; ok {
			if d == nil {
				return nil, &fs.PathError{Op: "read", Path: path, Err: fs.ErrNotExist}
			}
			return d, nil
		}
	}
	return c.base.ReadFile(path)
}
