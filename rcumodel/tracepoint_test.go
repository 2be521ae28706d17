package rcumodel

import (
	"strings"
	"testing"

	"github.com/rcureview/rcureview/rcumodel/check"
)

type edgeT = check.Edge[State, Event]

// TestTracepointGuardDecidesProbeFrame: the same probe scenario checked
// against 6.12's __DO_TRACE(), a guard-less one and an SRCU-only one (as
// an analyzer passes a patched implementation through Options.Tracepoint):
// only preemption-disabling guards keep synchronize_rcu() from ending
// inside the probe.
func TestTracepointGuardDecidesProbeFrame(t *testing.T) {
	s, err := Load("probe-deref-sync-6.12")
	if err != nil {
		t.Fatal(err)
	}
	srcu, err := GuardTracepoint("srcu_read_lock_notrace")
	if err != nil {
		t.Fatal(err)
	}
	none, _ := GuardTracepoint("none")
	def := DefaultTracepoint()
	rcu, _ := GuardTracepoint("rcu_read_lock")
	for _, tc := range []struct {
		name string
		tp   *Tracepoint
		want Verdict
	}{
		{"6.12 preempt_disable_notrace", &def, Holds},
		{"no guard", &none, Violated},
		{"SRCU only", &srcu, Violated},
		{"rcu_read_lock", &rcu, Holds},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r, err := Check(s, Options{Tracepoint: tc.tp})
			if err != nil {
				t.Fatal(err)
			}
			p, _ := r.Get("P1")
			if p.Verdict != tc.want {
				var b strings.Builder
				_ = r.Table(&b)
				t.Fatalf("P1 %v, want %v\n%s", p.Verdict, tc.want, b.String())
			}
			if tc.want == Violated && !strings.Contains(p.Violation.Msg, "the probe on trace_foo() (CPU0)") {
				t.Fatalf("message does not name the probe: %s", p.Violation.Msg)
			}
		})
	}
}

// TestProbeReaderDefersInsideGuard: a reader inside a probe that ends
// while an expedited GP needs this CPU cannot report (preemption is
// disabled by the guard), so rcu_read_unlock_special() raises RCU_SOFTIRQ
// from the probe; the QS is reported once the probe has returned.
func TestProbeReaderDefersInsideGuard(t *testing.T) {
	src := `scenario probe-reader-exp
task T1 cpu=0
    tracepoint foo
    nop
task U cpu=1
    synchronize_rcu_expedited
probe foo
    rcu_read_lock
    nop
    rcu_read_unlock
expect L1=holds L2=holds P1=holds
`
	s, err := ParseScenario("x", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	m, err := Compile(s)
	if err != nil {
		t.Fatal(err)
	}
	// Find a reachable state in which the probe's unlock raised the softirq.
	found := false
	seen := map[State]bool{}
	var walk func(st State, depth int)
	walk = func(st State, depth int) {
		if found || depth > 12 || seen[st] {
			return
		}
		seen[st] = true
		m.Next(&st, func(e edgeT) {
			if e.Label.Ctx == "probe" && strings.Contains(strings.Join(e.Label.Notes, ";"), "raise_softirq_irqoff(RCU_SOFTIRQ)") {
				found = true
			}
			walk(e.To, depth+1)
		})
	}
	m.SetLabels(true)
	walk(m.Initial()[0], 0)
	if !found {
		t.Fatal("the probe's rcu_read_unlock() never raised RCU_SOFTIRQ")
	}
	r, err := Check(s, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if mm := r.Mismatches(); len(mm) > 0 {
		t.Fatal(mm)
	}
}

func TestGuardTracepointErrors(t *testing.T) {
	for _, bad := range []string{"preempt_enable_notrace", "rcu_read_unlock", "no_such_primitive"} {
		if _, err := GuardTracepoint(bad); err == nil || !strings.Contains(err.Error(), "do_trace") {
			t.Errorf("%s: err %v", bad, err)
		}
	}
	tp, err := GuardTracepoint("preempt_disable_notrace,srcu_read_lock_notrace")
	if err != nil {
		t.Fatal(err)
	}
	if len(tp.Exit) != 2 || tp.Exit[0].Name != "srcu_read_unlock_notrace" || tp.Exit[1].Name != "preempt_enable_notrace" || tp.SRCUDomain != TracepointSRCU {
		t.Fatalf("%+v", tp)
	}
}

// TestSharedCounterexample: L1 and L2 of V3-exp-ipi-notrace-nohz are the
// same run: one finding names both, the table prints the trace once, the
// JSON lines write its steps once.
func TestSharedCounterexample(t *testing.T) {
	s, err := Load("V3-exp-ipi-notrace-nohz")
	if err != nil {
		t.Fatal(err)
	}
	r, err := Check(s, Options{})
	if err != nil {
		t.Fatal(err)
	}
	l1, _ := r.Get("L1")
	l2, _ := r.Get("L2")
	if l1.Violation == nil || l2.Violation == nil || l2.Violation.SameAs != "L1" || len(l1.Violation.Also) != 1 {
		t.Fatalf("L1 %+v\nL2 %+v", l1.Violation, l2.Violation)
	}
	fs := r.Findings()
	if len(fs) != 1 || !strings.Contains(fs[0].Message, "also L2") || fs[0].Trace.Property != "L1 rcu-gp-stall, L2 rcu-deferred-qs-lost" {
		t.Fatalf("findings %+v", fs)
	}
	var b strings.Builder
	if err := r.Table(&b); err != nil {
		t.Fatal(err)
	}
	if n := strings.Count(b.String(), "rcu_exp_handler()"); n != 1 {
		t.Fatalf("trace printed %d times:\n%s", n, b.String())
	}
	if !strings.Contains(b.String(), "VIOLATION L2 (rcu-deferred-qs-lost), same run") {
		t.Fatalf("no L2 verdict line:\n%s", b.String())
	}
	// A change of both properties is one change naming both.
	before, err := Check(s, Options{Tracepoint: nil, Profile: ""})
	if err != nil {
		t.Fatal(err)
	}
	before.Props = nil
	for _, p := range r.Props {
		before.Props = append(before.Props, PropertyResult{Property: p.Property, Rule: p.Rule, Verdict: Holds})
	}
	ch := Compare(before, r)
	if len(ch) != 1 || ch[0].Property != "L1" || len(ch[0].Also) != 1 || ch[0].Also[0] != "L2" {
		t.Fatalf("changes %+v", ch)
	}
}

// TestWakeupOnWaitersCPU: the synchronize_rcu() waiter is woken by its
// wakeme_after_rcu() callback on its own CPU, and the trace shows it there.
func TestWakeupOnWaitersCPU(t *testing.T) {
	s, err := Load("probe-deref-sync-unguarded")
	if err != nil {
		t.Fatal(err)
	}
	r, err := Check(s, Options{})
	if err != nil {
		t.Fatal(err)
	}
	p, _ := r.Get("P1")
	if p.Violation == nil {
		t.Fatal("P1 holds")
	}
	for _, e := range p.Violation.Steps {
		if strings.Contains(e.Text, "wakeme_after_rcu") {
			if e.CPU != 1 || e.Ctx != "softirq" || !strings.Contains(strings.Join(e.Notes, " "), "U returns from synchronize_rcu()") {
				t.Fatalf("wakeup row %+v", e)
			}
			return
		}
	}
	t.Fatalf("no wakeup row in %+v", p.Violation.Steps)
}
