//go:build unix

package index

import (
	"fmt"
	"os"
	"syscall"
)

// mapFile maps the first size bytes of f read-only (shared with the page
// cache: a warm start touches only the pages it reads). The mapping lives
// as long as the process: slices of it are handed out, never copied.
func mapFile(f *os.File, size int64) ([]byte, error) {
	if size != int64(int(size)) {
		return nil, fmt.Errorf("pack of %d bytes too large to map", size)
	}
	b, err := syscall.Mmap(int(f.Fd()), 0, int(size), syscall.PROT_READ, syscall.MAP_SHARED)
	if err != nil {
		return readAll(f, size)
	}
	return b, nil
}
