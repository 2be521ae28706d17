//go:build !unix

package hook

import "os"

// readIndexFile returns the content of an index file.
func readIndexFile(path string) ([]byte, func(), error) {
	b, err := os.ReadFile(path)
	return b, func() {}, err
}
