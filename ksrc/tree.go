// Package ksrc gives read-only access to a kernel source tree: a directory,
// a git repository at a revision (read with go-git, no checkout), or either
// of those with an in-memory overlay of patched files. Paths are validated
// so that a patch can never make rcureview read or write outside the tree;
// nothing is ever written into the tree.
package ksrc

import "errors"

// Tree is a read-only kernel source tree. Paths are slash-separated and
// relative to the tree root ("kernel/rcu/tree.c").
type Tree interface {
	// ReadFile returns the file's contents; a missing file gives an error
	// satisfying errors.Is(err, fs.ErrNotExist), an unsafe path ErrUnsafePath.
	ReadFile(path string) ([]byte, error)
	// Walk calls fn for every regular file under dir ("" for the whole
	// tree) in lexical order, with a content key that changes whenever the
	// content does (the git blob hash for git trees; size+mtime for
	// directories). Returning fs.SkipDir from fn for a directory-less tree
	// is not supported; return a non-nil error to stop.
	Walk(dir string, fn func(path, key string) error) error
	// Describe names the tree as the JSON report does: "tree:PATH",
	// "git:PATH@REV", with "+overlay" for an overlay.
	Describe() string
}

// ErrUnsafePath is returned (wrapped) for absolute paths, "..", paths with
// control characters, paths into .git, and paths that leave the tree
// through a symlink. Callers report it with the input-patch rule.
var ErrUnsafePath = errors.New("unsafe path")
