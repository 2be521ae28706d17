package lkmm

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/rcureview/rcureview/rcumodel/lkmm/litmus"
)

// BenchmarkCorpusTest checks one corpus test, named by $LKMM_BENCH (a path
// relative to the corpus root), by default a 12-process RCU ring.
func BenchmarkCorpusTest(b *testing.B) {
	root := litmus.CorpusRoot()
	if root == "" {
		b.Skip("litmus corpus not found")
	}
	name := os.Getenv("LKMM_BENCH")
	if name == "" {
		name = "paulmckrcu-litmus/auto/C-RW-G+RW-G+RW-R+RW-R+RW-R+RW-R+RW-G+RW-G+RW-G+RW-G+RW-G+RW-G.litmus"
	}
	src, err := os.ReadFile(filepath.Join(root, name))
	if err != nil {
		b.Fatal(err)
	}
	mod := DefaultModel()
	for i := 0; i < b.N; i++ {
		r := mod.CheckSource(src, Options{})
		if r.Verdict == Invalid {
			b.Fatal(r.Reason)
		}
	}
}
