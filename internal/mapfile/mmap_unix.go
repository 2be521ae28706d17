//go:build unix

package mapfile

import (
	"os"
	"syscall"
)

func mmap(f *os.File, size int) ([]byte, error) {
	return syscall.Mmap(int(f.Fd()), 0, size, syscall.PROT_READ, syscall.MAP_SHARED)
}

// munmap releases b when it is a mapping; a read copy is left to the
// collector (Munmap refuses memory it did not map).
func munmap(b []byte) {
	if len(b) > 0 {
		syscall.Munmap(b)
	}
}
