package rcumodelcheck

import (
	"strings"
	"testing"

	"github.com/rcureview/rcureview/analyzers/internal/realtest"
	"github.com/rcureview/rcureview/finding"
)

// TestMiniTree runs the analyzer on the small tree of
// analyzers/internal/realtest (no kernel tree needed).
func TestMiniTree(t *testing.T) {
	tests := []struct {
		name   string
		mbox   string
		rules  []string
		source string
	}{
		{"unlock that only decrements the nesting counter", "testdata/mini-nesting-only-unlock.mbox",
			[]string{finding.RuleGPStall, finding.RuleDeferredQSLost}, "+\tcurrent->rcu_read_lock_nesting--;"},
		{"twin: unlock that keeps the special path", "testdata/mini-unlock-special.mbox", nil, ""},
		{"notrace unlock on a tree whose softirq raise is not guarded: re-entry through trace_softirq_raise",
			"testdata/mini-notrace-unlock-unguarded-raise.mbox", []string{finding.RuleIRQWorkRecursion}, "+\t__rcu_read_unlock();"},
		{"twin: the same unlock where the raise is guarded by defer_qs_pending", "testdata/mini-notrace-unlock-guarded-raise.mbox", nil, ""},
		{"irq_work handler re-arms unconditionally", "testdata/mini-handler-rearm.mbox",
			[]string{finding.RuleIRQWorkRecursion}, "+\tWRITE_ONCE(rdp->defer_qs_pending, DEFER_QS_IDLE);"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			p := realtest.MiniProvider()
			passes := realtest.Passes(t, realtest.MiniTree(t), tc.mbox, nil)
			fs, err := realtest.Run(Analyzer, p, &passes[0])
			if err != nil {
				t.Fatal(err)
			}
			t.Logf("findings:\n%s", realtest.Dump(fs))
			got := rules(fs)
			if len(tc.rules) == 0 && len(fs) > 0 {
				t.Fatalf("want no finding, got %d", len(fs))
			}
			for _, r := range tc.rules {
				f, ok := got[r]
				if !ok {
					t.Errorf("no %s finding", r)
					continue
				}
				if f.Source != tc.source || f.Severity != finding.Error || f.Trace == nil || len(f.Trace.Steps) == 0 {
					t.Errorf("%s: %s at %q, trace %v", r, f.Severity, f.Source, f.Trace != nil)
				}
			}
		})
	}
}

// rules maps each rule to the first finding that reports it: as its rule,
// or as another property the same counterexample violates (a model finding
// whose trace is shared names them in Trace.Property: "L1 rcu-gp-stall,
// L2 rcu-deferred-qs-lost").
func rules(fs []finding.Finding) map[string]finding.Finding {
	out := realtest.ByRule(fs)
	for _, f := range fs {
		if f.Trace == nil {
			continue
		}
		for _, w := range strings.Fields(strings.NewReplacer(",", " ", "(", " ", ")", " ").Replace(f.Trace.Property)) {
			if _, ok := finding.LookupRule(w); ok {
				if _, dup := out[w]; !dup {
					out[w] = f
				}
			}
		}
	}
	return out
}
