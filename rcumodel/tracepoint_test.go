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
