package finding

import (
	"reflect"
	"strings"
	"testing"
)

func hops(names ...string) []Hop {
	var out []Hop
	for _, n := range names {
		out = append(out, Hop{Function: n})
	}
	return out
}

// unlockSinks are the per-sink findings of one root through one callee,
// as the notrace analyzer reports them before grouping.
func unlockSinks() []Finding {
	base := Finding{Rule: RuleNotraceInstrumentedCall, File: "include/linux/rcupdate.h", Line: 986,
		Function: "rcu_read_unlock_notrace", Group: "__rcu_read_unlock", Status: StatusNew,
		Lead: "rcu_read_unlock_notrace() reaches traceable __rcu_read_unlock() (ftrace-able)"}
	mk := func(sev Severity, sink, target string, chain []Hop, conf ...string) Finding {
		f := base
		f.Severity, f.Sink, f.Target, f.Chain, f.Config = sev, sink, target, chain, conf
		f.Message = "reaches " + target
		return f
	}
	return []Finding{
		mk(Warning, "ftrace", "__rcu_read_unlock", hops("__rcu_read_unlock"), "CONFIG_PREEMPT_RCU"),
		mk(Warning, "hook", "lock_acquire", hops("__rcu_read_unlock", "x", "lock_acquire"), "CONFIG_PREEMPT_RCU"),
		mk(Error, "tracepoint", "ipi_send_cpu", hops("__rcu_read_unlock", "a", "b", "c", "trace_ipi_send_cpu"), "CONFIG_PREEMPT_RCU", "CONFIG_SMP"),
		mk(Error, "tracepoint", "sched_waking", hops("__rcu_read_unlock", "a", "b", "c", "d", "trace_sched_waking"), "CONFIG_PREEMPT_RCU"),
		mk(Error, "tracepoint", "softirq_raise", hops("__rcu_read_unlock", "a", "b", "trace_softirq_raise"), "CONFIG_PREEMPT_RCU"),
	}
}

func TestGroupMergesOneRootThroughOneCallee(t *testing.T) {
	other := Finding{Rule: RuleNotraceInstrumentedCall, File: "include/linux/rcupdate.h", Line: 980,
		Function: "rcu_read_lock_notrace", Group: "__rcu_read_lock", Severity: Warning, Sink: "ftrace",
		Target: "__rcu_read_lock", Message: "lock", Chain: hops("__rcu_read_lock")}
	plain := Finding{Rule: RuleInputApply, Severity: Error, Message: "does not apply"}
	in := append(append([]Finding{plain}, unlockSinks()...), other)
	got := Group(in)
	if len(got) != 3 {
		t.Fatalf("got %d findings, want 3 (plain, unlock group, lock group): %+v", len(got), got)
	}
	if !reflect.DeepEqual(got[0], plain) {
		t.Errorf("a finding without a group key changed: %+v", got[0])
	}
	g := got[1]
	if g.Severity != Error {
		t.Errorf("severity %v, want the worst of the sinks (error)", g.Severity)
	}
	if g.Target != "softirq_raise" {
		t.Errorf("lead path reaches %s, want softirq_raise (error, fewest conditions, then shortest)", g.Target)
	}
	if len(g.Paths) != 5 || g.Paths[0].Target != "softirq_raise" || g.Paths[1].Target != "sched_waking" || g.Paths[2].Target != "ipi_send_cpu" {
		t.Errorf("paths not in maintainer order: %+v", g.Paths)
	}
	if !reflect.DeepEqual(g.Chain, g.Paths[0].Chain) || !reflect.DeepEqual(g.Config, g.Paths[0].Config) {
		t.Error("chain/config are not the lead path's")
	}
	want := "rcu_read_unlock_notrace() reaches traceable __rcu_read_unlock() (ftrace-able), which reaches " +
		"3 tracepoints (softirq_raise, sched_waking, ipi_send_cpu) and 1 debug hook (lock_acquire)"
	if g.Message != want {
		t.Errorf("message\n got %s\nwant %s", g.Message, want)
	}
	if got[2].Message != "lock" || len(got[2].Paths) != 1 {
		t.Errorf("a group of one keeps its message and has one path: %+v", got[2])
	}
	again := Group(got)
	if !reflect.DeepEqual(again, got) {
		t.Errorf("Group is not idempotent:\n%+v\n%+v", again, got)
	}
}

func TestGroupStatusAndNaming(t *testing.T) {
	fs := unlockSinks()
	for i := range fs {
		fs[i].Status = StatusPreExisting
	}
	fs[3].Status = StatusChanged
	g := Group(fs)[0]
	if g.Status != StatusChanged {
		t.Errorf("status %s, want changed (the best of the paths)", g.Status)
	}
	// more targets of a kind than are named
	var many []Finding
	for _, ev := range []string{"a", "b", "c", "d", "e"} {
		f := unlockSinks()[4]
		f.Target = ev
		many = append(many, f)
	}
	m := Group(many)[0].Message
	if !strings.Contains(m, "5 tracepoints (a, b, c, …)") {
		t.Errorf("message does not count and elide: %s", m)
	}
}

func TestGroupKeepsDifferentLinesApart(t *testing.T) {
	fs := unlockSinks()
	fs[4].Line = 990
	if got := Group(fs); len(got) != 2 {
		t.Errorf("findings at different lines merged: %d findings", len(got))
	}
}
