//go:build !unix

package mapfile

import (
	"errors"
	"os"
)

func mmap(*os.File, int) ([]byte, error) { return nil, errors.New("no mapping on this system") }

func munmap([]byte) {}
