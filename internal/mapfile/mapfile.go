// Package mapfile maps files read-only, shared with the page cache, so
// that a reader touches only the pages it reads and copies nothing into
// the heap; where mapping is not possible the file is read instead. The
// files it is used for (index packs and their sidecars, git's index) are
// replaced by renaming a new file over them, never rewritten in place,
// so a mapping keeps showing what was opened.
package mapfile

import (
	"fmt"
	"os"
)

// Map returns the first size bytes of f, mapped when it can be (else
// read). A mapping is never released: it lives as long as the process.
func Map(f *os.File, size int64) ([]byte, error) {
	if size != int64(int(size)) {
		return nil, fmt.Errorf("%s: %d bytes too large to map", f.Name(), size)
	}
	if size == 0 {
		return nil, nil
	}
	if b, err := mmap(f, int(size)); err == nil {
		return b, nil
	}
	return readAll(f, size)
}

// Open returns the content of the file name, mapped when it can be (else
// read), and a function that releases the mapping; the bytes must not be
// used after it.
func Open(name string) ([]byte, func(), error) {
	f, err := os.Open(name)
	if err != nil {
		return nil, func() {}, err
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return nil, func() {}, err
	}
	b, err := Map(f, fi.Size())
	if err != nil {
		return nil, func() {}, err
	}
	return b, func() { munmap(b) }, nil
}

func readAll(f *os.File, size int64) ([]byte, error) {
	b := make([]byte, size)
	if _, err := f.ReadAt(b, 0); err != nil {
		return nil, fmt.Errorf("read %s: %w", f.Name(), err)
	}
	return b, nil
}
