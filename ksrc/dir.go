package ksrc

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync/atomic"
	"syscall"
)

// DirTree is a kernel tree in a directory on disk. It never writes.
// It is safe for concurrent use. On Linux a file whose path holds no
// symlink is opened with openat2 below the tree's directory handle,
// refusing any symlink (readFast: a few system calls per file, what a
// cold index of the whole tree pays); any other path is resolved step by
// step and checked as described at ReadFile.
type DirTree struct {
	path string   // absolute path as opened, for Describe
	real string   // path with symlinks resolved, to check containment
	root *os.Root // every read goes through it, so no open can escape
	// dir is the tree's directory for readFast (nil where there is none);
	// noFast is set when the system cannot do fast reads.
	dir    *os.File
	noFast atomic.Bool
}

// OpenDir opens the directory root as a Tree.
func OpenDir(root string) (*DirTree, error) {
	abs, err := filepath.Abs(root)
	if err != nil {
		return nil, fmt.Errorf("open tree %s: %w", root, err)
	}
	real, err := filepath.EvalSymlinks(abs)
	if err != nil {
		return nil, fmt.Errorf("open tree %s: %w", root, err)
	}
	fi, err := os.Stat(real)
	if err != nil {
		return nil, fmt.Errorf("open tree %s: %w", root, err)
	}
	if !fi.IsDir() {
		return nil, fmt.Errorf("open tree %s: not a directory", root)
	}
	r, err := os.OpenRoot(real)
	if err != nil {
		return nil, fmt.Errorf("open tree %s: %w", root, err)
	}
	dir, err := openDirFD(real)
	if err != nil {
		r.Close()
		return nil, fmt.Errorf("open tree %s: %w", root, err)
	}
	return &DirTree{path: abs, real: real, root: r, dir: dir}, nil
}

// Root returns the absolute path of the tree as it was opened.
func (d *DirTree) Root() string { return d.path }

// Close releases the directory handle. Using the tree afterwards fails.
// Closing is optional: the handle is also released when d is collected.
func (d *DirTree) Close() error {
	if d.dir != nil {
		d.dir.Close()
	}
	return d.root.Close()
}

// Describe returns "tree:PATH".
func (d *DirTree) Describe() string { return "tree:" + d.path }

// ReadFile returns the contents of the regular file at path. Symlinks are
// followed as long as every step stays inside the tree and out of .git.
func (d *DirTree) ReadFile(path string) ([]byte, error) {
	return d.ReadFileBuf(path, nil)
}

// ReadFileBuf is ReadFile that may return the data in buf's storage (when
// its capacity is enough): for a caller that reads many files one after
// the other and is done with each before reading the next.
func (d *DirTree) ReadFileBuf(path string, buf []byte) ([]byte, error) {
	if err := ValidatePath(path); err != nil {
		return nil, fmt.Errorf("read %s: %w", d.Describe(), err)
	}
	if data, ok := d.readFast(path, buf); ok {
		return data, nil // a regular file, no symlink on its path
	}
	rel, err := d.resolve(path)
	if err != nil {
		return nil, fmt.Errorf("read %s in %s: %w", path, d.Describe(), err)
	}
	// rel has no symlinks left; Lstat before opening so that a FIFO or
	// device is refused instead of blocking or streaming forever.
	fi, err := d.root.Lstat(rel)
	if err != nil {
		return nil, fmt.Errorf("read %s in %s: %w", path, d.Describe(), err)
	}
	if !fi.Mode().IsRegular() {
		return nil, fmt.Errorf("read %s in %s: %s: %w", path, d.Describe(), typeName(fi.Mode()), ErrNotRegular)
	}
	data, err := d.root.ReadFile(rel)
	if err != nil {
		return nil, fmt.Errorf("read %s in %s: %w", path, d.Describe(), err)
	}
	return data, nil
}

// resolve follows the symlinks in path (already validated) and returns the
// resulting path relative to the tree root, with the OS separator, or an
// error wrapping ErrUnsafePath if it leaves the tree or enters .git.
func (d *DirTree) resolve(path string) (string, error) {
	full := filepath.Join(d.real, filepath.FromSlash(path))
	resolved, err := filepath.EvalSymlinks(full)
	if err != nil {
		var pe *fs.PathError
		if errors.As(err, &pe) && !d.inside(pe.Path) {
			// A dangling symlink that points outside the tree.
			return "", fmt.Errorf("symlink leads to %s outside the tree: %w", pe.Path, ErrUnsafePath)
		}
		if errors.Is(err, syscall.ENOTDIR) {
			// "file/x": git trees say "not found" too.
			return "", fmt.Errorf("%w (%w)", fs.ErrNotExist, err)
		}
		return "", err
	}
	if !d.inside(resolved) {
		return "", fmt.Errorf("symlink leads to %s outside the tree: %w", resolved, ErrUnsafePath)
	}
	rel, err := filepath.Rel(d.real, resolved)
	if err != nil {
		return "", fmt.Errorf("symlink leads to %s: %w", resolved, ErrUnsafePath)
	}
	for _, comp := range strings.Split(filepath.ToSlash(rel), "/") {
		if strings.EqualFold(comp, ".git") {
			return "", fmt.Errorf("symlink leads into %s: %w", resolved, ErrUnsafePath)
		}
	}
	return rel, nil
}

// inside reports whether the absolute path p is the tree root or below it.
func (d *DirTree) inside(p string) bool {
	rel, err := filepath.Rel(d.real, p)
	if err != nil || filepath.IsAbs(rel) {
		return false
	}
	return rel != ".." && !strings.HasPrefix(rel, ".."+string(filepath.Separator))
}

// Walk calls fn for every regular file under dir in lexical order of the
// full path, with key "SIZE-MTIMENANOS". Symlinks and ".git" entries are
// skipped; dir itself may be a symlink that stays inside the tree.
func (d *DirTree) Walk(dir string, fn func(path, key string) error) error {
	if err := validateDir(dir); err != nil {
		return fmt.Errorf("walk %s: %w", d.Describe(), err)
	}
	rel := "."
	if dir != "" {
		var err error
		if rel, err = d.resolve(dir); err != nil {
			return fmt.Errorf("walk %s in %s: %w", dir, d.Describe(), err)
		}
	}
	fi, err := d.root.Lstat(rel)
	if err != nil {
		return fmt.Errorf("walk %s in %s: %w", dir, d.Describe(), err)
	}
	if !fi.IsDir() {
		return fmt.Errorf("walk %s in %s: not a directory", dir, d.Describe())
	}
	return d.walk(rel, dir, fn)
}

// walk lists the directory rel (OS path relative to the root) whose tree
// path is name, recursing into real directories only.
func (d *DirTree) walk(rel, name string, fn func(path, key string) error) error {
	f, err := d.root.Open(rel)
	if err != nil {
		return fmt.Errorf("walk %s in %s: %w", name, d.Describe(), err)
	}
	entries, err := f.ReadDir(-1)
	f.Close()
	if err != nil {
		return fmt.Errorf("walk %s in %s: %w", name, d.Describe(), err)
	}
	// Git order: a directory sorts as "name/", which makes the recursive
	// listing sorted by full path.
	sortName := func(e fs.DirEntry) string {
		if e.IsDir() {
			return e.Name() + "/"
		}
		return e.Name()
	}
	sort.Slice(entries, func(i, j int) bool { return sortName(entries[i]) < sortName(entries[j]) })
	for _, e := range entries {
		if strings.EqualFold(e.Name(), ".git") {
			continue
		}
		childRel := filepath.Join(rel, e.Name())
		child := e.Name()
		if name != "" {
			child = name + "/" + e.Name()
		}
		switch {
		case e.IsDir():
			if err := d.walk(childRel, child, fn); err != nil {
				return err
			}
		case e.Type().IsRegular():
			info, err := e.Info()
			if errors.Is(err, fs.ErrNotExist) {
				continue // removed while we walked
			}
			if err != nil {
				return fmt.Errorf("walk %s in %s: %w", child, d.Describe(), err)
			}
			if err := fn(child, fmt.Sprintf("%d-%d", info.Size(), info.ModTime().UnixNano())); err != nil {
				return err
			}
		}
	}
	return nil
}

// typeName names the kind of a non-regular file for error messages.
func typeName(m fs.FileMode) string {
	switch {
	case m.IsDir():
		return "a directory"
	case m&fs.ModeNamedPipe != 0:
		return "a named pipe"
	case m&fs.ModeSocket != 0:
		return "a socket"
	case m&fs.ModeDevice != 0:
		return "a device"
	}
	return "special file " + m.Type().String()
}
