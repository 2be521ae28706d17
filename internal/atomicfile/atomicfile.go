// Package atomicfile writes a file so that a reader sees either the old
// content or the new, never a part: the bytes go to a temporary file in
// the same directory, which is then renamed over the name. The caches
// (index packs' sidecars, parsed configurations) are replaced this way
// because other processes may have them mapped.
package atomicfile

import (
	"fmt"
	"os"
	"path/filepath"
)

// Write writes b to name through a temporary file named by pattern
// (os.CreateTemp) in name's directory; the temporary file is removed
// when anything fails.
func Write(name, pattern string, b []byte) error {
	tmp, err := os.CreateTemp(filepath.Dir(name), pattern)
	if err != nil {
		return fmt.Errorf("write %s: %w", name, err)
	}
	defer os.Remove(tmp.Name())
	if _, err := tmp.Write(b); err != nil {
		tmp.Close()
		return fmt.Errorf("write %s: %w", name, err)
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("write %s: %w", name, err)
	}
	if err := os.Rename(tmp.Name(), name); err != nil {
		return fmt.Errorf("write %s: %w", name, err)
	}
	return nil
}
