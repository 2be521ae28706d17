package all_test

import (
	"testing"

	"github.com/rcureview/rcureview/analyzers/all"
	"github.com/rcureview/rcureview/analyzers/internal/realtest"
	"github.com/rcureview/rcureview/finding"
)

// runAll runs every analyzer over the first patch of an mbox applied to
// the real tree under a Debian configuration, as review does.
func runAll(t *testing.T, mbox, config string) []finding.Finding {
	t.Helper()
	realtest.Tree(t)
	passes := realtest.Passes(t, nil, mbox, realtest.Named(t, config))
	reg, err := all.Registry()
	if err != nil {
		t.Fatal(err)
	}
	pass := passes[0]
	pass.Provider = realtest.Provider()
	fs, skipped := reg.Run(pass)
	if len(skipped) > 0 {
		t.Fatalf("%s skipped: %s", skipped[0].Analyzer, skipped[0].Reason)
	}
	return finding.Group(fs)
}

// TestRealTreeDoTraceRCUReadLock: replacing preempt_disable_notrace() /
// preempt_enable_notrace() in __DO_TRACE() by rcu_read_lock() /
// rcu_read_unlock() makes every tracepoint run __rcu_read_unlock(),
// whose slow path raises a softirq and so fires trace_softirq_raise():
// the tracepoint implementation re-enters itself. The error is at the
// changed line, its chain starts at that tracepoint's call site.
func TestRealTreeDoTraceRCUReadLock(t *testing.T) {
	fs := runAll(t, "../notrace/testdata/do-trace-rcu-read-lock.mbox", "debian-amd64")
	var got *finding.Finding
	for i, f := range fs {
		if f.Rule == finding.RuleNotraceInstrumentedCall && f.Severity == finding.Error {
			got = &fs[i]
		}
	}
	if got == nil {
		t.Fatalf("no notrace error:\n%s", realtest.Dump(fs))
	}
	if got.File != "include/linux/tracepoint.h" || got.Source == "" || got.Source[0] != '+' || got.Root != "tracer" {
		t.Errorf("error not at the changed line or not from tracer context: %s:%d %q root %q", got.File, got.Line, got.Source, got.Root)
	}
	first, last := got.Chain[0], got.Chain[len(got.Chain)-1]
	if first.Function != last.Function || got.Sink != "tracepoint" {
		t.Errorf("chain does not start at the call site of the event it reaches:\n%s", realtest.Dump([]finding.Finding{*got}))
	}
	if got.Chain[1].Function != "__DO_TRACE" {
		t.Errorf("chain does not run through __DO_TRACE(): %+v", got.Chain)
	}
	hasUnlock := false
	for _, h := range got.Chain {
		hasUnlock = hasUnlock || h.Function == "__rcu_read_unlock"
	}
	if !hasUnlock {
		t.Errorf("chain lacks __rcu_read_unlock(): %+v", got.Chain)
	}
}

// TestRealTreeDoTraceGuardPreemptNotrace: the twin, replacing the pair by
// guard(preempt_notrace)() as mainline later did, is clean.
func TestRealTreeDoTraceGuardPreemptNotrace(t *testing.T) {
	for _, cfg := range []string{"debian-amd64", "debian-rt"} {
		fs := runAll(t, "../notrace/testdata/do-trace-guard-preempt-notrace.mbox", cfg)
		for _, f := range fs {
			if f.Severity > finding.Note {
				t.Errorf("%s: finding on the guard(preempt_notrace) twin:\n%s", cfg, realtest.Dump([]finding.Finding{f}))
			}
		}
	}
}
