package rcumodelcheck

import (
	"strings"
	"testing"
	"time"

	"github.com/rcureview/rcureview/analyzers"
	"github.com/rcureview/rcureview/analyzers/internal/realtest"
	"github.com/rcureview/rcureview/analyzers/notrace"
	"github.com/rcureview/rcureview/finding"
	"github.com/rcureview/rcureview/kconfig"
	"github.com/rcureview/rcureview/ksrc/index"
)

func realProvider(t *testing.T) *index.Provider { return realtest.Provider() }

func realPasses(t *testing.T, mboxPath string, cfg *kconfig.Config) []analyzers.Pass {
	return realtest.Passes(t, nil, mboxPath, cfg)
}

func readConfig(t *testing.T, path string) *kconfig.Config { return realtest.Config(t, path) }

var dump = realtest.Dump

func hasStep(f finding.Finding, sub string) bool {
	if f.Trace == nil {
		return false
	}
	for _, s := range f.Trace.Steps {
		if strings.Contains(s.Event, sub) {
			return true
		}
	}
	return false
}

func TestRealTreeNotraceUnlock(t *testing.T) {
	p := realProvider(t)
	rt := readConfig(t, "testdata/preempt-rt-boost.config")
	tests := []struct {
		name     string
		mbox     string
		cfg      *kconfig.Config
		want     []string // rules that must be reported
		wantNone bool
		notBoost bool
	}{
		{name: "unlock that only decrements the nesting counter", mbox: "testdata/notrace-unlock-nesting-only.mbox",
			want: []string{finding.RuleGPStall, finding.RuleDeferredQSLost}, notBoost: true},
		{name: "same unlock under PREEMPT_RT with RCU_BOOST", mbox: "testdata/notrace-unlock-nesting-only.mbox", cfg: rt,
			want: []string{finding.RuleGPStall, finding.RuleDeferredQSLost, finding.RuleBoostNotUndone}},
		{name: "twin: notrace wrappers of __rcu_read_lock/__rcu_read_unlock", mbox: "testdata/notrace-unlock-wrapper.mbox", wantNone: true},
		{name: "twin under PREEMPT_RT with RCU_BOOST", mbox: "testdata/notrace-unlock-wrapper.mbox", cfg: rt, wantNone: true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			passes := realPasses(t, tc.mbox, tc.cfg)
			start := time.Now()
			fs, err := realtest.Run(Analyzer, p, &passes[0])
			t.Logf("Run: %s", time.Since(start))
			if err != nil {
				t.Fatal(err)
			}
			t.Logf("findings:\n%s", dump(fs))
			if tc.wantNone {
				if len(fs) != 0 {
					t.Fatalf("want no finding, got %d", len(fs))
				}
				return
			}
			got := rules(fs)
			for _, r := range tc.want {
				f, ok := got[r]
				if !ok {
					t.Errorf("no %s finding", r)
					continue
				}
				if f.Severity != finding.Error || f.Status != finding.StatusNew {
					t.Errorf("%s: severity %s status %s", r, f.Severity, f.Status)
				}
				if f.File != "include/linux/rcupdate.h" || f.Function != "rcu_read_unlock_notrace" || !strings.HasPrefix(f.Source, "+") || !strings.Contains(f.Source, "- 1") {
					t.Errorf("%s located at %s:%d %s %q", r, f.File, f.Line, f.Function, f.Source)
				}
			}
			if f, ok := got[finding.RuleGPStall]; ok && !tc.notBoost == false && !hasStep(f, "rcu_exp_handler") {
				t.Errorf("gp-stall trace does not show the expedited IPI:\n%s", dump([]finding.Finding{f}))
			}
			if _, ok := got[finding.RuleBoostNotUndone]; ok && tc.notBoost {
				t.Errorf("boost finding without a boost config")
			}
		})
	}
}

func TestRealTreeDeferredQSHandler(t *testing.T) {
	p := realProvider(t)
	t.Run("handler re-arms unconditionally", func(t *testing.T) {
		passes := realPasses(t, "testdata/handler-rearm-unconditional.mbox", nil)
		fs, err := realtest.Run(Analyzer, p, &passes[0])
		if err != nil {
			t.Fatal(err)
		}
		t.Logf("findings:\n%s", dump(fs))
		f, ok := rules(fs)[finding.RuleIRQWorkRecursion]
		if !ok {
			t.Fatal("no rcu-irq-work-recursion finding")
		}
		if f.Severity != finding.Error || f.File != "kernel/rcu/tree_plugin.h" || f.Source != "+\tWRITE_ONCE(rdp->defer_qs_pending, DEFER_QS_IDLE);" {
			t.Errorf("finding %s at %s:%d %q", f.Severity, f.File, f.Line, f.Source)
		}
		if f.Trace == nil || len(f.Trace.Steps) == 0 {
			t.Error("no trace")
		}
	})
	t.Run("series: the bug, then the upstream fix direction", func(t *testing.T) {
		passes := realPasses(t, "testdata/handler-rearm-then-fix.mbox", nil)
		if len(passes) != 2 {
			t.Fatalf("%d passes", len(passes))
		}
		fs, err := realtest.Run(Analyzer, p, &passes[1])
		if err != nil {
			t.Fatal(err)
		}
		t.Logf("findings:\n%s", dump(fs))
		f, ok := rules(fs)[finding.RuleIRQWorkRecursion]
		if !ok {
			t.Fatal("the fix is not reported as fixing rcu-irq-work-recursion")
		}
		if f.Severity != finding.Note || !strings.Contains(f.Message, "fixes P5") {
			t.Errorf("fix reported as %s: %s", f.Severity, f.Message)
		}
		if max, _ := finding.Max(fs); max != finding.Note {
			t.Errorf("a fix must only produce notes, got %s", max)
		}
	})
	t.Run("twin: same semantics, different spelling", func(t *testing.T) {
		passes := realPasses(t, "testdata/handler-rearm-twin.mbox", nil)
		fs, err := realtest.Run(Analyzer, p, &passes[0])
		if err != nil {
			t.Fatal(err)
		}
		if len(fs) != 0 {
			t.Fatalf("want no finding:\n%s", dump(fs))
		}
	})
}

// TestRealTreeNotraceAgrees checks the notrace analyzer's side of the
// nesting-only primitive: it calls nothing traceable (WRITE_ONCE,
// READ_ONCE, barrier, current), so the notrace analyzer must report nothing
// for it while the model reports the skipped special path.
func TestRealTreeNotraceAgrees(t *testing.T) {
	p := realProvider(t)
	passes := realPasses(t, "testdata/notrace-unlock-nesting-only.mbox", nil)
	fs, err := realtest.Run(notrace.Analyzer, p, &passes[0])
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range fs {
		if strings.HasPrefix(f.Function, "rcu_read_") {
			t.Errorf("notrace finding for the nesting-only primitive: %s", dump([]finding.Finding{f}))
		}
	}
	// The wrapper twin does reach traceable __rcu_read_unlock(): the
	// notrace analyzer reports it, the model does not (same effects as
	// rcu_read_unlock()).
	passes = realPasses(t, "testdata/notrace-unlock-wrapper.mbox", nil)
	fs, err = realtest.Run(notrace.Analyzer, p, &passes[0])
	if err != nil {
		t.Fatal(err)
	}
	if len(fs) == 0 {
		t.Error("notrace reports nothing for the wrapper that calls traceable __rcu_read_unlock()")
	}
}

// TestRealTreeTracepointGuard: the probe frame follows the guard
// __DO_TRACE() takes in the patched tree. Dropping 6.12's
// preempt_disable_notrace() lets synchronize_rcu() end inside a probe (P1,
// with the trace); the RFC's rcu_read_lock_notrace() keeps probes readers.
func TestRealTreeTracepointGuard(t *testing.T) {
	p := realProvider(t)
	t.Run("guard dropped", func(t *testing.T) {
		passes := realPasses(t, "testdata/tracepoint-drop-preempt-guard.mbox", nil)
		fs, err := realtest.Run(Analyzer, p, &passes[0])
		if err != nil {
			t.Fatal(err)
		}
		t.Logf("findings:\n%s", dump(fs))
		f, ok := rules(fs)[finding.RuleGPEndsInReader]
		if !ok {
			t.Fatal("no rcu-gp-ends-in-reader finding")
		}
		if f.Severity != finding.Error || f.File != "include/linux/tracepoint.h" || f.Function != "__DO_TRACE" ||
			!strings.Contains(f.Message, "preempt_disable_notrace() -> none") || !strings.Contains(f.Message, "the probe on trace_foo()") ||
			!hasStep(f, "rcu_qs()") {
			t.Fatalf("finding %+v", f)
		}
	})
	t.Run("RFC rcu_read_lock_notrace() guard", func(t *testing.T) {
		passes := realPasses(t, "../../testdata/rcu-read-lock-notrace.mbox", nil)
		for i := range passes {
			fs, err := realtest.Run(Analyzer, p, &passes[i])
			if err != nil {
				t.Fatal(err)
			}
			for _, f := range fs {
				if f.Function == "__DO_TRACE" {
					t.Fatalf("patch %d: unexpected tracepoint finding %+v", i+1, f)
				}
			}
		}
	})
}
