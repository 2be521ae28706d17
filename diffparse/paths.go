package diffparse

import (
	"fmt"
	"strings"
)

// CheckPath validates a tree-relative file name taken from a patch. It
// returns an error wrapping ErrUnsafePath for an absolute path, a ".."
// component, a control character, or a path into a ".git" directory (any
// case, as git does on case-insensitive file systems). "" (no file) and
// "/dev/null" are accepted.
func CheckPath(name string) error {
	if name == "" || name == "/dev/null" {
		return nil
	}
	if strings.HasPrefix(name, "/") {
		return fmt.Errorf("%w: absolute path %q", ErrUnsafePath, name)
	}
	for _, r := range name {
		if r < 0x20 || r == 0x7f {
			return fmt.Errorf("%w: control character %q in %q", ErrUnsafePath, r, name)
		}
	}
	for _, c := range strings.Split(name, "/") {
		switch {
		case c == "..":
			return fmt.Errorf("%w: %q has a \"..\" component", ErrUnsafePath, name)
		case strings.EqualFold(c, ".git"):
			return fmt.Errorf("%w: %q points into .git", ErrUnsafePath, name)
		}
	}
	if strings.HasPrefix(name, "\\") || strings.Contains(name, ":\\") {
		return fmt.Errorf("%w: absolute path %q", ErrUnsafePath, name)
	}
	return nil
}
