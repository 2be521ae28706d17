// Package ksrc gives read-only access to a kernel source tree: a directory,
// a git repository at a revision (read with go-git, no checkout), or either
// of those with an in-memory overlay of patched files. Paths are validated
// so that a patch can never make rcureview read or write outside the tree;
// nothing is ever written into the tree.
//
// Implementations: OpenDir (DirTree), OpenGit (GitTree, go-git, no
// checkout, no worktree API), NewOverlay (Overlay). ValidatePath is the
// path check all of them apply.
//
// Cost of a git tree, measured on the shared 2-core build machine with the
// real linux 6.12 tree in one commit (86,630 files, 91,888 objects):
// OpenGit at HEAD plus ReadFile of 10 files takes 70-130 ms, allocates
// 6.9 MB and keeps 1.6 MB of heap live when the objects are loose (as
// kerneltest.MakeGitRepo leaves them, 578 MB on disk); packed (one 260 MB
// pack, as `git gc` leaves them) it takes 60-270 ms, allocates 15 MB and
// keeps 9.3 MB live (the pack index). The test process peaks at 34-36 MB
// RSS either way; times vary with the machine's load. Only the trees on
// the paths read are decoded; a Walk of the whole tree takes 0.4-0.9 s
// (git) or 0.6-1.7 s (directory). A full linux.git history (about 10^7
// objects) has not been measured: the pack index go-git loads grows with
// the object count. Reproduce with
//
//	RCUREVIEW_KERNEL_GIT=/root/.cache/rcureview/linux-6.12.git \
//	  go test ./ksrc -run '^$' -bench KernelGitOpen -benchtime 5x
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
