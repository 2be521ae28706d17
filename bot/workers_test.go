package bot

import (
	"context"
	"fmt"
	"slices"
	"sync"
	"testing"

	"github.com/rcureview/rcureview/mbox"
	"github.com/rcureview/rcureview/reports"
)

// Reviews of independent series run at most Workers at a time, and the
// replies and the state are those of reviewing one series at a time.
func TestWorkersBoundAndSameReplies(t *testing.T) {
	outcome := func(workers int) (replies []string, maxRunning int) {
		var mu sync.Mutex
		running := 0
		real := realReviewer(t)
		e := newEnv(t, func(o *Options) {
			o.Workers = workers
			o.Review = func(ctx context.Context, s *mbox.Series) (*reports.Report, int, error) {
				mu.Lock()
				running++
				maxRunning = max(maxRunning, running)
				mu.Unlock()
				defer func() {
					mu.Lock()
					running--
					mu.Unlock()
				}()
				return real(ctx, s)
			}
		})
		for i := 0; i < 12; i++ {
			e.deliver(series(fmt.Sprintf("s%02d", i), 1, 2, i%3 == 0, 1, 2)...)
		}
		// an incomplete series waits: never reviewed ahead
		e.deliver(series("waiting", 1, 3, false, 1)...)
		st := e.pass()
		if st.Reviewed != 12 || st.Waiting != 1 {
			t.Errorf("workers %d: %+v, want 12 reviewed and 1 waiting", workers, st)
		}
		return e.replies(), maxRunning
	}
	one, max1 := outcome(1)
	four, max4 := outcome(4)
	if max1 != 1 || max4 > 4 {
		t.Errorf("reviews at the same time: %d with 1 worker, %d with 4", max1, max4)
	}
	if !slices.Equal(one, four) || len(one) != 12 {
		t.Errorf("replies differ:\n%v\n%v", one, four)
	}
}
