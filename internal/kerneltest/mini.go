package kerneltest

import (
	"path/filepath"
	"runtime"
	"testing"
)

// MiniTreeDir returns the directory of the small kernel-shaped tree in
// testdata/minitree (rcupdate.h and tree_plugin.h in the shape of
// 6.12.117, mutex.h, a demo driver), for unit tests that run without a
// kernel tree.
func MiniTreeDir(t testing.TB) string {
	t.Helper()
	_, file, _, ok := runtime.Caller(0)
	if !ok {
		t.Fatal("cannot locate the mini tree")
	}
	return filepath.Join(filepath.Dir(file), "testdata", "minitree")
}
