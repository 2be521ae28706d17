package index

import (
	"fmt"
	"sync"
	"testing"

	"github.com/rcureview/rcureview/internal/kerneltest"
	"github.com/rcureview/rcureview/ksrc"
)

// TestProviderMemoIsBounded: a long-lived provider (the bot's session)
// keeps at most MaxTrees indexes however many post-patch trees it was
// asked for, and the base tree, asked for with every overlay, stays.
func TestProviderMemoIsBounded(t *testing.T) {
	base, err := ksrc.OpenDir(kerneltest.MiniTreeDir(t))
	if err != nil {
		t.Fatal(err)
	}
	const max = 4
	p := NewProvider(Options{MaxTrees: max}, nil)
	baseIx, err := p.For(base)
	if err != nil {
		t.Fatal(err)
	}
	for i := range 3 * max {
		o := ksrc.NewOverlay(base)
		name := fmt.Sprintf("kernel/rcu/series%d.c", i)
		if err := o.Set(name, fmt.Appendf(nil, "void series%d_fn(void)\n{\n}\n", i)); err != nil {
			t.Fatal(err)
		}
		ix, err := p.For(o)
		if err != nil {
			t.Fatal(err)
		}
		if len(ix.Funcs(fmt.Sprintf("series%d_fn", i))) != 1 {
			t.Fatalf("overlay %d: its function is not indexed", i)
		}
		if again, _ := p.For(o); again != ix {
			t.Fatalf("overlay %d: indexed twice while memoised", i)
		}
		if trees, _ := p.Memoised(); trees > max {
			t.Fatalf("after %d overlays the provider keeps %d indexes, bound %d", i+1, trees, max)
		}
	}
	if again, _ := p.For(base); again != baseIx {
		t.Error("the base tree, used by every overlay, was evicted and built again")
	}
}

// A tree's index is built once however many callers ask for it at the
// same time (Prefetch, then the analyzers' For).
func TestProviderBuildsOnce(t *testing.T) {
	dir := writeTree(t, sampleTree)
	tr, err := ksrc.OpenDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer tr.Close()
	p := NewProvider(Options{Cache: &Cache{Dir: t.TempDir()}}, nil)
	p.Prefetch(tr)
	got := make([]*Index, 8)
	var wg sync.WaitGroup
	for i := range got {
		wg.Add(1)
		go func() {
			defer wg.Done()
			ix, err := p.For(tr)
			if err != nil {
				t.Error(err)
			}
			got[i] = ix
		}()
	}
	wg.Wait()
	for _, ix := range got {
		if ix != got[0] || ix == nil {
			t.Fatalf("For built the tree's index more than once")
		}
	}
	if len(got[0].Funcs("irq_work_queue")) != 1 {
		t.Error("index lacks irq_work_queue")
	}
}
