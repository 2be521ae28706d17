package realtest

import (
	"path/filepath"
	"runtime"
	"testing"

	"github.com/rcureview/rcureview/ksrc"
	"github.com/rcureview/rcureview/ksrc/index"
)

// MiniTree returns the small kernel-shaped tree in testdata/minitree
// (rcupdate.h, tree_plugin.h in the shape of 6.12.117, a demo driver), for
// unit tests that run without a kernel tree.
func MiniTree(t testing.TB) ksrc.Tree {
	t.Helper()
	_, file, _, ok := runtime.Caller(0)
	if !ok {
		t.Fatal("cannot locate the mini tree")
	}
	tree, err := ksrc.OpenDir(filepath.Join(filepath.Dir(file), "testdata", "minitree"))
	if err != nil {
		t.Fatal(err)
	}
	return tree
}

// MiniProvider returns a fresh index provider without cache or embedded
// facts, for the mini tree.
func MiniProvider() *index.Provider {
	return index.NewProvider(index.Options{Workers: 1}, nil)
}
