package rcuflavor

import (
	"testing"

	"github.com/rcureview/rcureview/analyzers/internal/realtest"
	"github.com/rcureview/rcureview/finding"
)

func TestMiniTree(t *testing.T) {
	tests := []struct {
		name string
		mbox string
		want bool
	}{
		{"reader moves to Tasks Trace, updater keeps synchronize_rcu()", "testdata/mini-trace-reader-sync-rcu.mbox", true},
		{"twin: the updater waits with synchronize_rcu_tasks_trace()", "testdata/mini-trace-reader-sync-trace.mbox", false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			passes := realtest.Passes(t, realtest.MiniTree(t), tc.mbox, nil)
			fs, err := realtest.Run(Analyzer, realtest.MiniProvider(), &passes[0])
			if err != nil {
				t.Fatal(err)
			}
			t.Logf("findings:\n%s", realtest.Dump(fs))
			if !tc.want {
				if len(fs) != 0 {
					t.Fatalf("want no finding, got %d", len(fs))
				}
				return
			}
			if len(fs) != 1 || fs[0].Rule != finding.RuleGPFlavorMismatch || fs[0].Trace == nil {
				t.Fatalf("want one rcu-gp-flavor-mismatch with a trace")
			}
			// The wait is not in the patch; the finding is located at the
			// patch's end, the read, and is new because the read is.
			if f := fs[0]; f.Function != "demo_read" || f.Chain[0].Function != "demo_set" || f.Status != finding.StatusNew || f.Chain[len(f.Chain)-1].Function != "demo_read" {
				t.Errorf("finding %+v", f)
			}
		})
	}
}
