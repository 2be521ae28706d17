package rcuusage

import (
	"testing"

	"github.com/rcureview/rcureview/analyzers/internal/realtest"
	"github.com/rcureview/rcureview/finding"
)

func TestMiniTree(t *testing.T) {
	tests := []struct {
		name string
		mbox string
		want map[string]string // rule -> patch line
	}{
		{"fault, sleep through a helper and synchronize_rcu() inside rcu_read_lock()", "testdata/mini-rcu-reader.mbox", map[string]string{
			finding.RuleFaultInReader: "+\tif (copy_from_user(&v, ubuf, sizeof(v)))",
			finding.RuleSleepInReader: "+\tdemo_lock_helper();",
			finding.RuleSyncInReader:  "+\tsynchronize_rcu();",
		}},
		{"twin: the same inside rcu_read_lock_trace()", "testdata/mini-trace-reader.mbox", nil},
		{"guard(rcu) with a sleeping helper; reader in noinstr code", "testdata/mini-guard-noinstr.mbox", map[string]string{
			finding.RuleSleepInReader:  "+\tdemo_lock_helper();",
			finding.RuleIllegalContext: "+\trcu_read_lock();",
		}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			passes := realtest.Passes(t, realtest.MiniTree(t), tc.mbox, nil)
			fs, err := realtest.Run(Analyzer, realtest.MiniProvider(), &passes[0])
			if err != nil {
				t.Fatal(err)
			}
			t.Logf("findings:\n%s", realtest.Dump(fs))
			if len(fs) != len(tc.want) {
				t.Errorf("%d findings, want %d", len(fs), len(tc.want))
			}
			got := realtest.ByRule(fs)
			for rule, src := range tc.want {
				if f, ok := got[rule]; !ok || f.Source != src {
					t.Errorf("%s: got %q, want at %q", rule, f.Source, src)
				}
			}
			if f, ok := got[finding.RuleSleepInReader]; ok && len(f.Chain) != 1 {
				t.Errorf("sleep through a helper has no chain: %+v", f.Chain)
			}
		})
	}
}
