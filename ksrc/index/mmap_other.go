//go:build !unix

package index

import "os"

// mapFile reads the first size bytes of f (no mapping on this system).
func mapFile(f *os.File, size int64) ([]byte, error) { return readAll(f, size) }
