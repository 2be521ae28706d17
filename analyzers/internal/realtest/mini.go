package realtest

import (
	"testing"

	"github.com/rcureview/rcureview/internal/kerneltest"
	"github.com/rcureview/rcureview/ksrc"
	"github.com/rcureview/rcureview/ksrc/index"
)

// MiniTree returns the small kernel-shaped tree of kerneltest.MiniTreeDir,
// for unit tests that run without a kernel tree.
func MiniTree(t testing.TB) ksrc.Tree {
	t.Helper()
	tree, err := ksrc.OpenDir(kerneltest.MiniTreeDir(t))
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
