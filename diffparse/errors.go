package diffparse

import (
	"errors"
	"fmt"
)

// Sentinel errors; test for them with errors.Is.
var (
	// ErrUnsafePath marks a file name that is absolute, has a ".."
	// component, contains control characters or points into ".git".
	ErrUnsafePath = errors.New("unsafe path in patch")
	// ErrMangled marks a hunk whose line counts or lines are damaged beyond
	// an unambiguous repair (typically by a mail client).
	ErrMangled = errors.New("patch mangled (by mail client?)")
	// ErrNoMatch marks a hunk whose pre-image is found nowhere in the file.
	ErrNoMatch = errors.New("hunk does not apply")
	// ErrWhitespace marks a hunk that would apply if whitespace differences
	// in its context or deleted lines were ignored.
	ErrWhitespace = errors.New("hunk does not apply: whitespace differs")
	// ErrFileExists marks a new (or copy/rename target) file that already
	// exists in the tree.
	ErrFileExists = errors.New("file already exists")
	// ErrFileMissing marks a modified, deleted or renamed file that does not
	// exist in the tree. Errors wrapping it also match fs.ErrNotExist when
	// the Reader said so.
	ErrFileMissing = errors.New("file does not exist")
	// ErrBinary marks a binary patch that cannot be applied (no data,
	// too large, corrupt or not matching the file).
	ErrBinary = errors.New("cannot apply binary patch")
)

// FileError is an error about one file of a patch as a whole (its header,
// its path, its existence in the tree).
type FileError struct {
	File      string // the file's path (after the patch when known)
	PatchLine int    // 1-based line of the file header in the diff text, 0 if unknown
	Err       error
}

// Error says which file and what went wrong.
func (e *FileError) Error() string {
	return fmt.Sprintf("%s: %v", e.File, e.Err)
}

// Unwrap returns the underlying error.
func (e *FileError) Unwrap() error { return e.Err }

// HunkError is an error about one hunk: it names the file, the hunk's
// 1-based index within the file and its "@@" header, so that a report can
// say exactly which part of the patch failed.
type HunkError struct {
	File      string // path of the file the hunk belongs to
	Hunk      int    // 1-based index of the hunk within the file
	Header    string // the hunk's "@@ -a,b +c,d @@ ..." line
	Line      int    // 1-based line in the target file where the failure was detected, 0 if none
	PatchLine int    // 1-based line in the diff text (the header, or the offending line)
	Err       error
}

// Error says which file, hunk and header, and what went wrong.
func (e *HunkError) Error() string {
	return fmt.Sprintf("%s: hunk #%d (%s): %v", e.File, e.Hunk, e.Header, e.Err)
}

// Unwrap returns the underlying error.
func (e *HunkError) Unwrap() error { return e.Err }
