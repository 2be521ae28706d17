//go:build !unix

package index

import (
	"os"
	"path/filepath"
)

// lstatIn returns the size and modification time (nanoseconds) of name
// in the directory dirPath.
func lstatIn(_ *os.File, dirPath, name string) (size, mtime int64, err error) {
	fi, err := os.Lstat(filepath.Join(dirPath, name))
	if err != nil {
		return 0, 0, err
	}
	return fi.Size(), fi.ModTime().UnixNano(), nil
}
