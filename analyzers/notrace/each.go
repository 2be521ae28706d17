package notrace

import (
	"runtime"
	"sync"
	"sync/atomic"
)

// each calls do(i) for every i in [0, n) on up to workers goroutines
// (GOMAXPROCS when workers <= 0), which take the indexes in order, one at
// a time (the calls differ widely in cost); in the caller's goroutine when
// one is enough. It returns when every call has.
func each(n, workers int, do func(i int)) {
	if workers <= 0 {
		workers = runtime.GOMAXPROCS(0)
	}
	if workers = min(workers, n); workers <= 1 {
		for i := range n {
			do(i)
		}
		return
	}
	var next atomic.Int64
	var wg sync.WaitGroup
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := int(next.Add(1) - 1); i < n; i = int(next.Add(1) - 1) {
				do(i)
			}
		}()
	}
	wg.Wait()
}
