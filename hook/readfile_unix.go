//go:build unix

package hook

import (
	"os"
	"syscall"
)

// readIndexFile returns the content of an index file, mapped read-only
// when it can be: a kernel tree's index is some 9 MB, and a copy into
// the heap would fault in every page of it. git replaces the index by
// renaming a new file over it, so the mapping stays what was read. The
// mapping is released by the returned function.
func readIndexFile(path string) ([]byte, func(), error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, func() {}, err
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return nil, func() {}, err
	}
	if size := fi.Size(); size > 0 && size == int64(int(size)) {
		if b, err := syscall.Mmap(int(f.Fd()), 0, int(size), syscall.PROT_READ, syscall.MAP_SHARED); err == nil {
			return b, func() { syscall.Munmap(b) }, nil
		}
	}
	b, err := os.ReadFile(path)
	return b, func() {}, err
}
