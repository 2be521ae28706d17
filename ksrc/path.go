package ksrc

import (
	"errors"
	"fmt"
	"strings"
)

// ErrNotRegular is returned (wrapped) by ReadFile for an entry that exists
// but is not a regular file: a directory, a git symlink or submodule entry,
// a device or socket.
var ErrNotRegular = errors.New("not a regular file")

// ValidatePath checks a tree-relative, slash-separated path as it comes from
// a patch. It refuses, with an error wrapping ErrUnsafePath: the empty path,
// absolute paths, empty components ("a//b", a trailing "/"), "." and ".."
// components, control characters (including NUL and DEL), and any
// component named ".git" (in any letter case, as git itself does on
// case-insensitive file systems). It only looks at the string; symlinks are
// checked by each Tree when it reads.
func ValidatePath(path string) error {
	if path == "" {
		return fmt.Errorf("empty path: %w", ErrUnsafePath)
	}
	if path[0] == '/' {
		return fmt.Errorf("path %q is absolute: %w", path, ErrUnsafePath)
	}
	for i := 0; i < len(path); i++ {
		if c := path[i]; c < 0x20 || c == 0x7f {
			return fmt.Errorf("path %q has control character %#02x at byte %d: %w", path, c, i, ErrUnsafePath)
		}
	}
	rest := path
	for rest != "" {
		comp, tail, found := strings.Cut(rest, "/")
		switch {
		case comp == "":
			return fmt.Errorf("path %q has an empty component: %w", path, ErrUnsafePath)
		case comp == "." || comp == "..":
			return fmt.Errorf("path %q has a %q component: %w", path, comp, ErrUnsafePath)
		case strings.EqualFold(comp, ".git"):
			return fmt.Errorf("path %q is inside .git: %w", path, ErrUnsafePath)
		}
		if found && tail == "" {
			return fmt.Errorf("path %q ends with '/': %w", path, ErrUnsafePath)
		}
		rest = tail
	}
	return nil
}

// validateDir is ValidatePath for the dir argument of Walk, where "" means
// the whole tree.
func validateDir(dir string) error {
	if dir == "" {
		return nil
	}
	return ValidatePath(dir)
}

// under reports whether path lies in dir ("" is the whole tree).
func under(path, dir string) bool {
	return dir == "" || (len(path) > len(dir) && path[len(dir)] == '/' && path[:len(dir)] == dir)
}
