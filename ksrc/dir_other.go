//go:build !linux

package ksrc

import "os"

// openDirFD has no fast reads to serve outside Linux.
func openDirFD(real string) (*os.File, error) { return nil, nil }

// readFast is Linux only (openat2); elsewhere ReadFile resolves every path.
func (d *DirTree) readFast(path string, buf []byte) ([]byte, bool) { return nil, false }
