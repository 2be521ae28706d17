package rcumodel

import (
	"fmt"
	"strings"
)

// Tracepoint is the tracepoint implementation the model runs probes under:
// what __DO_TRACE() (include/linux/tracepoint.h) takes before it calls the
// probes and releases after them. Like the read-side primitives it is an
// effect summary, so a patch that changes the guard of __DO_TRACE() changes
// the model that is checked.
//
// In 6.12.117, __DO_TRACE(name, args, cond, rcuidle) does
//
//	preempt_disable_notrace();
//	if (rcuidle) { __idx = srcu_read_lock_notrace(&tracepoint_srcu); ct_irq_enter_irqson(); }
//	__DO_TRACE_CALL(name, TP_ARGS(args));
//	if (rcuidle) { ct_irq_exit_irqson(); srcu_read_unlock_notrace(&tracepoint_srcu, __idx); }
//	preempt_enable_notrace();
//
// Enter is applied when the probe frame is pushed, in the same transition
// (the call site is not a reader before it); Exit runs as the probe frame's
// last operations, one transition each, so an unlock with special work
// (rcu_read_unlock_special(), a resched point) is explored like any other.
type Tracepoint struct {
	Name  string
	Enter []Effects
	Exit  []Effects
	// SRCUDomain names the srcu_struct of SRCU primitives in Enter/Exit.
	SRCUDomain string
}

// TracepointSRCU is the srcu_struct of __DO_TRACE()'s rcuidle path
// (kernel/tracepoint.c: DEFINE_SRCU(tracepoint_srcu)).
const TracepointSRCU = "tracepoint_srcu"

// DefaultTracepoint is 6.12.117's __DO_TRACE() for a tracepoint called as
// trace_NAME(): preemption disabled around the probes.
func DefaultTracepoint() Tracepoint {
	t, _ := GuardTracepoint("preempt_disable_notrace")
	t.Name = "6.12"
	return t
}

// FtraceGuard is what the function tracer takes around an ftrace callback:
// ftrace_test_recursion_trylock() -> trace_test_and_set_recursion()
// (include/linux/trace_recursion.h) disables preemption. The model runs
// probes attached to "ftrace:FUNC" hooks under it.
func FtraceGuard() Tracepoint {
	t, _ := GuardTracepoint("preempt_disable_notrace")
	t.Name = "ftrace"
	return t
}

// GuardTracepoint builds a tracepoint implementation from a comma-separated
// list of lock-side primitives of Primitives ("preempt_disable_notrace",
// "rcu_read_lock", "srcu_read_lock_notrace", ...; "none" for no guard):
// they are taken in order before the probes and their unlock partners
// (lock -> unlock, disable -> enable) released in reverse order after.
func GuardTracepoint(list string) (Tracepoint, error) {
	t := Tracepoint{Name: list}
	if list == "none" || list == "" {
		return t, nil
	}
	for _, n := range strings.Split(list, ",") {
		e, ok := Primitives[n]
		if !ok || e.Delta < 0 || e.Preempt < 0 || e.BH < 0 || e.IRQ < 0 {
			return t, fmt.Errorf("do_trace: %q is not a lock-side primitive (e.g. preempt_disable_notrace, rcu_read_lock, srcu_read_lock_notrace, rcu_read_lock_trace, none)", n)
		}
		pn := partnerName(n)
		p, ok := Primitives[pn]
		if !ok {
			return t, fmt.Errorf("do_trace: %q has no release primitive %q", n, pn)
		}
		e.Name, p.Name = n, pn
		e.Traced = "" // a guard's own hook is not modelled (see Tracepoint)
		t.Enter = append(t.Enter, e)
		t.Exit = append([]Effects{p}, t.Exit...)
		if e.Counter == CounterSRCU {
			t.SRCUDomain = TracepointSRCU
		}
	}
	return t, nil
}

// partnerName maps a lock-side primitive name to its release partner.
func partnerName(n string) string {
	for _, r := range [][2]string{{"_disable", "_enable"}, {"_save", "_restore"}, {"lock", "unlock"}} {
		if strings.Contains(n, r[0]) {
			return strings.Replace(n, r[0], r[1], 1)
		}
	}
	return n
}
