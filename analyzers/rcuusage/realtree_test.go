package rcuusage

import (
	"testing"

	"github.com/rcureview/rcureview/analyzers/internal/realtest"
	"github.com/rcureview/rcureview/finding"
)

func TestRealTreeReaders(t *testing.T) {
	p := realtest.Provider()
	type want struct {
		rule, source string // the finding and the patch line it is at
	}
	tests := []struct {
		name string
		mbox string
		want []want
	}{
		{"copy_from_user, mutex_lock and kmalloc(GFP_KERNEL) inside rcu_read_lock()", "testdata/sleep-fault-in-rcu-reader.mbox", []want{
			{finding.RuleFaultInReader, "+\tif (!copy || copy_from_user(&copy->val, ubuf, sizeof(copy->val)))"},
			{finding.RuleSleepInReader, "+\tmutex_lock(&demo_mutex);"},
			{finding.RuleSleepInReader, "+\tcopy = kmalloc(sizeof(*copy), GFP_KERNEL);"},
		}},
		{"twin: the same inside rcu_read_lock_trace()", "testdata/sleep-fault-in-trace-reader.mbox", nil},
		{"early return leaves rcu_read_lock() open", "testdata/unbalanced-early-return.mbox", []want{
			{finding.RuleUnbalanced, "+\t\treturn -ENOENT;"},
		}},
		{"twin: unlock before the early return", "testdata/balanced-early-return.mbox", nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			passes := realtest.Passes(t, nil, tc.mbox, nil)
			fs, err := realtest.Run(Analyzer, p, &passes[0])
			if err != nil {
				t.Fatal(err)
			}
			t.Logf("findings:\n%s", realtest.Dump(fs))
			if len(fs) != len(tc.want) {
				t.Errorf("%d findings, want %d", len(fs), len(tc.want))
			}
			for _, w := range tc.want {
				found := false
				for _, f := range fs {
					if f.Rule == w.rule && f.Source == w.source && f.File == "kernel/sys.c" && f.Status == finding.StatusNew && f.PatchLine > 0 {
						found = true
					}
				}
				if !found {
					t.Errorf("no %s at %q", w.rule, w.source)
				}
			}
		})
	}
}
